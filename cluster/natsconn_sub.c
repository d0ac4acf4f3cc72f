/*
 * natsconn's long-lived subscriptions: KV watches and work-queue
 * consumers.  Each has a thread of its own that blocks in libnats (a
 * watcher's next entry, a pull consumer's fetch) with a short timeout, so
 * it notices when it is told to stop, and posts what it gets to the loop.
 * What is posted holds a reference on its watch or consumer: a post that
 * reaches the loop after natsconn_*_free is dropped, and the struct goes
 * with its last reference.  References change under the natsconn's lock.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cluster/natsconn_priv.h"
#include "common/xmalloc.h"

/* How long a thread blocks in libnats before it looks at its stop flag. */
#define NC_POLL_MS 500
/* After a failure (no server, no bucket yet), wait before trying again. */
#define NC_RETRY_MS 1000
#define NC_DEFAULT_IN_FLIGHT 64
#define NC_DEFAULT_ACK_WAIT_MS 30000

/* Drop one reference of *refs (under nc's lock); 1 when it was the last. */
static int
nc_unref(struct natsconn *nc, int *refs)
{
	int last;

	pthread_mutex_lock(&nc->mu);
	last = --*refs == 0;
	pthread_mutex_unlock(&nc->mu);
	return last;
}

/* Take one reference of *refs. */
static void
nc_ref(struct natsconn *nc, int *refs)
{
	pthread_mutex_lock(&nc->mu);
	++*refs;
	pthread_mutex_unlock(&nc->mu);
}

/* ---- watches ------------------------------------------------------------- */

struct natsconn_watch {
	struct natsconn *nc;
	char *bucket;
	char *keys; /* NULL: all */
	natsconn_watch_cb cb;
	void *arg;
	pthread_t thread;
	atomic_int stop;
	int dead; /* freed by its owner: drop what still arrives */
	int refs; /* the owner's, and one per post on the way */
};

/* An update (or "initial values done", key NULL) on its way. */
struct nc_wpost {
	struct nc_post post;
	struct natsconn_watch *w;
	struct natsconn_kv_entry e;
	char *key;
	void *value;
};

/* Free a watch with its last reference. */
static void
nc_watch_unref(struct natsconn_watch *w)
{
	if (!nc_unref(w->nc, &w->refs))
		return;
	free(w->bucket);
	free(w->keys);
	free(w);
}

/* On the loop: hand the update to the owner. */
static void
nc_wpost_run(struct nc_post *p, int live)
{
	struct nc_wpost *wp = (struct nc_wpost *)p;
	struct natsconn_watch *w = wp->w;

	if (live && !w->dead)
		w->cb(wp->key != NULL ? &wp->e : NULL, w->arg);
	free(wp->key);
	free(wp->value);
	free(wp);
	nc_watch_unref(w);
}

/* The watch's thread: post e (NULL: initial values done). */
static void
nc_watch_post(struct natsconn_watch *w, kvEntry *e)
{
	struct nc_wpost *wp = xcalloc(1, sizeof(*wp));
	kvOperation op;

	wp->post.run = nc_wpost_run;
	wp->w = w;
	if (e != NULL) {
		wp->key = xstrdup(kvEntry_Key(e));
		wp->e.len = (size_t)kvEntry_ValueLen(e);
		wp->value = xmalloc(wp->e.len + 1);
		memcpy(wp->value, kvEntry_Value(e), wp->e.len);
		((char *)wp->value)[wp->e.len] = '\0';
		wp->e.key = wp->key;
		wp->e.value = wp->value;
		wp->e.revision = kvEntry_Revision(e);
		wp->e.created_ms = kvEntry_Created(e) / 1000000;
		op = kvEntry_Operation(e);
		wp->e.op = op == kvOp_Delete || op == kvOp_Purge
		    ? NATSCONN_KV_DELETE
		    : NATSCONN_KV_PUT;
		atomic_fetch_add(&w->nc->n_watch_updates, 1);
	}
	nc_ref(w->nc, &w->refs);
	nc_post(w->nc, &wp->post);
}

/* The watch's thread: (re)start the watcher, then pass on what it sees;
 * "initial values done" goes out once, after the first start. */
static void *
nc_watch_thread(void *arg)
{
	struct natsconn_watch *w = arg;
	struct natsconn *nc = w->nc;
	kvStore *kv = NULL;
	kvWatcher *kw = NULL;
	kvWatchOptions wo;
	kvEntry *e;
	jsCtx *js;
	natsStatus s;
	int told = 0;

	kvWatchOptions_Init(&wo);
	wo.Timeout = nc->timeout_ms;
	while (!atomic_load(&w->stop)) {
		if (kw == NULL) {
			s = NATS_NOT_YET_CONNECTED;
			if ((js = nc_js(nc)) != NULL && kv == NULL)
				s = js_KeyValue(&kv, js, w->bucket);
			if (kv != NULL)
				s = w->keys != NULL
				    ? kvStore_Watch(&kw, kv, w->keys, &wo)
				    : kvStore_WatchAll(&kw, kv, &wo);
			if (s != NATS_OK) {
				kw = NULL;
				nc_pause(nc, &w->stop, NC_RETRY_MS);
				continue;
			}
		}
		e = NULL;
		s = kvWatcher_Next(&e, kw, NC_POLL_MS);
		if (s == NATS_TIMEOUT)
			continue;
		if (s != NATS_OK) {
			kvWatcher_Destroy(kw);
			kw = NULL;
			nc_pause(nc, &w->stop, NC_RETRY_MS);
			continue;
		}
		if (e != NULL || !told)
			nc_watch_post(w, e);
		if (e == NULL)
			told = 1;
		kvEntry_Destroy(e);
	}
	if (kw != NULL) {
		kvWatcher_Stop(kw);
		kvWatcher_Destroy(kw);
	}
	kvStore_Destroy(kv);
	return NULL;
}

/* Start a watch. */
struct natsconn_watch *
natsconn_watch(struct natsconn *nc, const char *bucket, const char *keys,
    natsconn_watch_cb cb, void *arg)
{
	struct natsconn_watch *w = xcalloc(1, sizeof(*w));

	w->nc = nc;
	w->bucket = xstrdup(bucket);
	w->keys = keys != NULL ? xstrdup(keys) : NULL;
	w->cb = cb;
	w->arg = arg;
	w->refs = 1;
	if (nc_thread(nc, &w->thread, nc_watch_thread, w) < 0) {
		nc_watch_unref(w);
		return NULL;
	}
	return w;
}

/* Stop the watch's thread; what it posted and the loop has not run yet
 * is dropped. */
void
natsconn_watch_free(struct natsconn_watch *w)
{
	if (w == NULL)
		return;
	atomic_store(&w->stop, 1);
	pthread_mutex_lock(&w->nc->mu);
	pthread_cond_broadcast(&w->nc->cv);
	pthread_mutex_unlock(&w->nc->mu);
	pthread_join(w->thread, NULL);
	nc_thread_done(w->nc);
	w->dead = 1;
	nc_watch_unref(w);
}

/* ---- consumers ------------------------------------------------------------
 */

struct natsconn_consumer {
	struct natsconn *nc;
	char *stream;
	char *durable;
	char *filter;
	int64_t ack_wait_ms;
	int max_in_flight;
	natsconn_msg_cb cb;
	void *arg;
	pthread_t thread;
	atomic_int stop;
	int in_flight; /* fetched, not finished (under nc->mu) */
	int dead;
	int refs;
};

struct natsconn_msg {
	struct nc_post post;
	struct natsconn_consumer *c;
	natsMsg *m;
	const char *id;
	uint64_t deliveries;
	uint64_t seq;
	int64_t time_ms;
};

/* Free a consumer with its last reference. */
static void
nc_consumer_unref(struct natsconn_consumer *c)
{
	if (!nc_unref(c->nc, &c->refs))
		return;
	free(c->stream);
	free(c->durable);
	free(c->filter);
	free(c);
}

/* A message is finished: the consumer may fetch one more. */
static void
nc_msg_free(struct natsconn_msg *m)
{
	struct natsconn_consumer *c = m->c;

	pthread_mutex_lock(&c->nc->mu);
	c->in_flight--;
	pthread_cond_broadcast(&c->nc->cv);
	pthread_mutex_unlock(&c->nc->mu);
	natsMsg_Destroy(m->m);
	free(m);
	nc_consumer_unref(c);
}

/* On the loop: hand the message to the owner, who finishes it. */
static void
nc_msg_run(struct nc_post *p, int live)
{
	struct natsconn_msg *m = (struct natsconn_msg *)p;

	if (live && !m->c->dead)
		m->c->cb(m, m->c->arg);
	else
		nc_msg_free(m);
}

/* The consumer's subject filter: the one written, else the stream's
 * only subject. */
static char *
nc_consumer_subject(struct natsconn_consumer *c, jsCtx *js)
{
	jsStreamInfo *si = NULL;
	char *subj = NULL;

	if (c->filter != NULL)
		return xstrdup(c->filter);
	if (js_GetStreamInfo(&si, js, c->stream, NULL, NULL) == NATS_OK &&
	    si->Config->SubjectsLen > 0)
		subj = xstrdup(si->Config->Subjects[0]);
	jsStreamInfo_Destroy(si);
	return subj;
}

/* The durable pull subscription, creating the consumer when missing. */
static natsSubscription *
nc_consumer_subscribe(struct natsconn_consumer *c, jsCtx *js)
{
	natsSubscription *sub = NULL;
	jsSubOptions so;
	jsErrCode jerr = 0;
	char *subj;

	if ((subj = nc_consumer_subject(c, js)) == NULL)
		return NULL;
	jsSubOptions_Init(&so);
	so.Stream = c->stream;
	so.Config.Durable = c->durable;
	so.Config.AckPolicy = js_AckExplicit;
	so.Config.AckWait = c->ack_wait_ms * 1000000;
	so.Config.MaxDeliver = -1;
	so.Config.MaxAckPending = c->max_in_flight;
	if (c->filter != NULL)
		so.Config.FilterSubject = c->filter;
	if (js_PullSubscribe(&sub, js, subj, c->durable, NULL, &so, &jerr) !=
	    NATS_OK)
		sub = NULL;
	free(subj);
	return sub;
}

/* The consumer's thread: post one fetched message. */
static void
nc_consumer_post(struct natsconn_consumer *c, natsMsg *nm)
{
	struct natsconn_msg *m = xcalloc(1, sizeof(*m));
	jsMsgMetaData *meta = NULL;

	m->post.run = nc_msg_run;
	m->c = c;
	m->m = nm;
	if (natsMsgHeader_Get(nm, "Nats-Msg-Id", &m->id) != NATS_OK)
		m->id = "";
	if (natsMsg_GetMetaData(&meta, nm) == NATS_OK) {
		m->deliveries = meta->NumDelivered;
		m->seq = meta->Sequence.Stream;
		m->time_ms = meta->Timestamp / 1000000;
		jsMsgMetaData_Destroy(meta);
	}
	pthread_mutex_lock(&c->nc->mu);
	c->in_flight++;
	c->refs++;
	pthread_mutex_unlock(&c->nc->mu);
	atomic_fetch_add(&c->nc->n_delivered, 1);
	nc_post(c->nc, &m->post);
}

/* Room for how many more messages (0 when stopping). */
static int
nc_consumer_room(struct natsconn_consumer *c)
{
	int room;

	pthread_mutex_lock(&c->nc->mu);
	while (!atomic_load(&c->stop) && !c->nc->stopping &&
	    c->in_flight >= c->max_in_flight)
		pthread_cond_wait(&c->nc->cv, &c->nc->mu);
	room = atomic_load(&c->stop) || c->nc->stopping
	    ? 0
	    : c->max_in_flight - c->in_flight;
	pthread_mutex_unlock(&c->nc->mu);
	return room;
}

/* The consumer's thread: fetch while there is room, post each message. */
static void *
nc_consumer_thread(void *arg)
{
	struct natsconn_consumer *c = arg;
	natsSubscription *sub = NULL;
	natsMsgList list;
	jsErrCode jerr;
	natsStatus s;
	jsCtx *js;
	int room;

	while ((room = nc_consumer_room(c)) > 0) {
		if (sub == NULL) {
			if ((js = nc_js(c->nc)) == NULL ||
			    (sub = nc_consumer_subscribe(c, js)) == NULL) {
				nc_pause(c->nc, &c->stop, NC_RETRY_MS);
				continue;
			}
		}
		memset(&list, 0, sizeof(list));
		jerr = 0;
		s = natsSubscription_Fetch(&list, sub, room, NC_POLL_MS, &jerr);
		for (int i = 0; i < list.Count; i++) {
			nc_consumer_post(c, list.Msgs[i]);
			list.Msgs[i] = NULL;
		}
		natsMsgList_Destroy(&list);
		if (s == NATS_OK || s == NATS_TIMEOUT)
			continue;
		/* The consumer went (deleted, the server's store lost):
		 * subscribe again, which creates it. */
		if (s == NATS_NOT_FOUND || jerr == JSConsumerNotFoundErr ||
		    s == NATS_CONNECTION_CLOSED ||
		    s == NATS_INVALID_SUBSCRIPTION) {
			natsSubscription_Destroy(sub);
			sub = NULL;
		}
		nc_pause(c->nc, &c->stop, NC_RETRY_MS);
	}
	if (sub != NULL) {
		natsSubscription_Unsubscribe(sub);
		natsSubscription_Destroy(sub);
	}
	return NULL;
}

/* Start consuming. */
struct natsconn_consumer *
natsconn_consume(struct natsconn *nc, const struct natsconn_consumer_opts *o,
    natsconn_msg_cb cb, void *arg)
{
	struct natsconn_consumer *c = xcalloc(1, sizeof(*c));

	c->nc = nc;
	c->stream = xstrdup(o->stream);
	c->durable = xstrdup(o->durable);
	c->filter = o->filter != NULL ? xstrdup(o->filter) : NULL;
	c->ack_wait_ms = o->ack_wait_ms > 0 ? (int64_t)o->ack_wait_ms
	                                    : NC_DEFAULT_ACK_WAIT_MS;
	c->max_in_flight =
	    o->max_in_flight > 0 ? o->max_in_flight : NC_DEFAULT_IN_FLIGHT;
	c->cb = cb;
	c->arg = arg;
	c->refs = 1;
	if (nc_thread(nc, &c->thread, nc_consumer_thread, c) < 0) {
		nc_consumer_unref(c);
		return NULL;
	}
	return c;
}

/* Stop fetching; messages still held stay valid until finished. */
void
natsconn_consumer_free(struct natsconn_consumer *c)
{
	if (c == NULL)
		return;
	atomic_store(&c->stop, 1);
	pthread_mutex_lock(&c->nc->mu);
	pthread_cond_broadcast(&c->nc->cv);
	pthread_mutex_unlock(&c->nc->mu);
	pthread_join(c->thread, NULL);
	nc_thread_done(c->nc);
	c->dead = 1;
	nc_consumer_unref(c);
}

/* ---- a message ------------------------------------------------------------
 */

const char *
natsconn_msg_subject(const struct natsconn_msg *m)
{
	return natsMsg_GetSubject(m->m);
}

const char *
natsconn_msg_id(const struct natsconn_msg *m)
{
	return m->id;
}

const void *
natsconn_msg_data(const struct natsconn_msg *m)
{
	return natsMsg_GetData(m->m);
}

size_t
natsconn_msg_len(const struct natsconn_msg *m)
{
	return (size_t)natsMsg_GetDataLength(m->m);
}

uint64_t
natsconn_msg_deliveries(const struct natsconn_msg *m)
{
	return m->deliveries;
}

uint64_t
natsconn_msg_seq(const struct natsconn_msg *m)
{
	return m->seq;
}

int64_t
natsconn_msg_time_ms(const struct natsconn_msg *m)
{
	return m->time_ms;
}

/* Done with it for good. */
void
natsconn_msg_ack(struct natsconn_msg *m)
{
	natsMsg_Ack(m->m, NULL);
	atomic_fetch_add(&m->c->nc->n_acks, 1);
	nc_msg_free(m);
}

/* Again later. */
void
natsconn_msg_nak(struct natsconn_msg *m, uint64_t delay_ms)
{
	if (delay_ms > 0)
		natsMsg_NakWithDelay(m->m, (int64_t)delay_ms, NULL);
	else
		natsMsg_Nak(m->m, NULL);
	atomic_fetch_add(&m->c->nc->n_acks, 1);
	nc_msg_free(m);
}

/* Still on it. */
void
natsconn_msg_progress(struct natsconn_msg *m)
{
	natsMsg_InProgress(m->m, NULL);
	atomic_fetch_add(&m->c->nc->n_acks, 1);
}

/* Never again. */
void
natsconn_msg_term(struct natsconn_msg *m)
{
	natsMsg_Term(m->m, NULL);
	atomic_fetch_add(&m->c->nc->n_acks, 1);
	nc_msg_free(m);
}

/* Let it be redelivered after its ack-wait. */
void
natsconn_msg_release(struct natsconn_msg *m)
{
	nc_msg_free(m);
}
