/*
 * natsconn: the NATS connection, its worker threads and the round trips
 * (natsconn.h says what callers get).  The loop thread queues a job and
 * returns; a worker takes it, makes the blocking libnats call (bounded by
 * the timeout) and posts the job back; the loop, woken by a byte on a
 * pipe, runs its callback.  A connector thread makes the connection: the
 * first attempt of libnats is synchronous, and a server far away must not
 * hold up the loop.  libnats retries a lost connection forever
 * (MaxReconnect -1) and tells us through its handlers, which post the
 * news to the loop as well.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cluster/natsconn_priv.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"

/* Operations queued and not yet taken by a worker: far above what a
 * daemon sends in a round-trip time, low enough to bound memory when the
 * servers are away; past it an operation fails at once. */
#define NC_MAX_QUEUED 20000
#define NC_DEFAULT_WORKERS 4
#define NC_MAX_WORKERS 32
#define NC_DEFAULT_TIMEOUT_MS 5000
/* libnats' wait between reconnect attempts to one server. */
#define NC_RECONNECT_WAIT_MS 500
/* What a publish made while disconnected may buffer (libnats' default is
 * 8 MiB): a round trip then times out instead. */
#define NC_RECONNECT_BUF (1024 * 1024)
#define NC_ERR_MAX 256

enum nc_kind {
	NC_PUBLISH,
	NC_KV_CREATE,
	NC_KV_PUT,
	NC_KV_UPDATE,
	NC_KV_DELETE,
	NC_KV_GET,
	NC_ENSURE_STREAM,
	NC_ENSURE_BUCKET,
};

/* One operation: what to do, and once done, what came of it. */
struct nc_job {
	struct nc_post post; /* first: the job is its own post */
	TAILQ_ENTRY(nc_job) entry;
	LIST_ENTRY(nc_job) live; /* nc->live, touched on the loop only */
	struct natsconn *nc;
	enum nc_kind kind;
	char *subject; /* publish; kv: $KV.bucket.key */
	char *msg_id;
	char *bucket;
	char *key;
	void *data;
	size_t len;
	uint64_t last_rev;
	uint64_t deadline_ms;          /* monotonic: queued + the timeout */
	struct natsconn_stream stream; /* ensure stream: strings owned */
	struct natsconn_bucket kvb;    /* ensure bucket */
	natsconn_cb cb;
	void *arg;
	struct natsconn_reply reply;
	void *value; /* kv get: owned copy */
	char error[NC_ERR_MAX];
};

static pthread_once_t nc_lib_once = PTHREAD_ONCE_INIT;
static natsStatus nc_lib_status = NATS_OK;

/* libnats' global state, once a process. */
static void
nc_lib_open(void)
{
	nc_lib_status = nats_Open(-1);
}

/* ---- the loop side of posts ------------------------------------------- */

/* Queue p for the loop; the first post after the loop emptied the queue
 * writes the byte that wakes it. */
void
nc_post(struct natsconn *nc, struct nc_post *p)
{
	int first;
	ssize_t w;

	pthread_mutex_lock(&nc->mu);
	first = TAILQ_EMPTY(&nc->done);
	TAILQ_INSERT_TAIL(&nc->done, p, entry);
	pthread_mutex_unlock(&nc->mu);
	if (first)
		do
			w = write(nc->pipe[1], "", 1);
		while (w < 0 && errno == EINTR);
}

/* The loop woke: run everything posted so far. */
static void
nc_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct natsconn *nc = arg;
	struct nc_posts list = TAILQ_HEAD_INITIALIZER(list);
	struct nc_post *p;
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&nc->mu);
	TAILQ_CONCAT(&list, &nc->done, entry);
	pthread_mutex_unlock(&nc->mu);
	while ((p = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, p, entry);
		p->run(p, 1);
	}
}

/* ---- status -------------------------------------------------------------- */

struct nc_status {
	struct nc_post post;
	struct natsconn *nc;
	int connected;
	char why[NC_ERR_MAX];
};

/* On the loop: tell the owner. */
static void
nc_status_run(struct nc_post *p, int live)
{
	struct nc_status *st = (struct nc_status *)p;

	if (live && st->nc->status != NULL)
		st->nc->status(st->connected, st->why, st->nc->arg);
	free(st);
}

/* Any thread: the connection's state changed. */
static void
nc_status_post(struct natsconn *nc, int connected, const char *why)
{
	struct nc_status *st = xcalloc(1, sizeof(*st));

	atomic_store(&nc->connected, connected);
	st->post.run = nc_status_run;
	st->nc = nc;
	st->connected = connected;
	snprintf(st->why, sizeof(st->why), "%s", why);
	nc_post(nc, &st->post);
}

/* libnats' handler thread: first connected (after RetryOnFailedConnect). */
static void
nc_on_connected(natsConnection *conn, void *arg)
{
	nc_status_post(arg, 1, "connected");
}

/* libnats' handler thread: the connection is lost; it retries. */
static void
nc_on_disconnected(natsConnection *conn, void *arg)
{
	struct natsconn *nc = arg;

	if (nc->stopping)
		return;
	atomic_fetch_add(&nc->n_disconnects, 1);
	nc_status_post(nc, 0, "disconnected");
}

/* libnats' handler thread: back after a loss. */
static void
nc_on_reconnected(natsConnection *conn, void *arg)
{
	struct natsconn *nc = arg;

	atomic_fetch_add(&nc->n_reconnects, 1);
	nc_status_post(nc, 1, "reconnected");
}

/* libnats' handler thread: closed (only by natsconn_free): the last
 * handler call, so the natsconn may go. */
static void
nc_on_closed(natsConnection *conn, void *arg)
{
	struct natsconn *nc = arg;

	pthread_mutex_lock(&nc->mu);
	nc->closed = 1;
	pthread_cond_broadcast(&nc->cv);
	pthread_mutex_unlock(&nc->mu);
}

/* libnats' handler thread: an asynchronous error (a slow consumer); the
 * operations it hits fail on their own, so only count it. */
static void
nc_on_error(
    natsConnection *conn, natsSubscription *sub, natsStatus s, void *arg)
{
	struct natsconn *nc = arg;

	atomic_fetch_add(&nc->n_errors, 1);
}

/* ---- threads ---------------------------------------------------------------
 */

/* libnats' last error on this thread, as text. */
void
nc_last_error(natsStatus s, jsErrCode jerr, char *buf, size_t size)
{
	const char *txt = nats_GetLastError(NULL);

	if (txt == NULL || *txt == '\0')
		txt = natsStatus_GetText(s);
	if (jerr != 0)
		snprintf(buf, size, "%s (JetStream error %d)", txt, (int)jerr);
	else
		snprintf(buf, size, "%s", txt);
}

/* ms from now on the clock pthread_cond_timedwait reads. */
static void
nc_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Wait ms, or less when the natsconn (or *stop) is stopping. */
void
nc_pause(struct natsconn *nc, const atomic_int *stop, int64_t ms)
{
	struct timespec ts;

	nc_deadline(&ts, ms);
	pthread_mutex_lock(&nc->mu);
	if (!nc->stopping && (stop == NULL || !atomic_load(stop)))
		pthread_cond_timedwait(&nc->cv, &nc->mu, &ts);
	pthread_mutex_unlock(&nc->mu);
}

/* Start a thread of a watch or consumer. */
int
nc_thread(struct natsconn *nc, pthread_t *t, void *(*fn)(void *), void *arg)
{
	if (pthread_create(t, NULL, fn, arg) != 0)
		return -1;
	pthread_mutex_lock(&nc->mu);
	nc->nthreads++;
	pthread_mutex_unlock(&nc->mu);
	return 0;
}

/* A watch's or consumer's thread was joined. */
void
nc_thread_done(struct natsconn *nc)
{
	pthread_mutex_lock(&nc->mu);
	nc->nthreads--;
	pthread_mutex_unlock(&nc->mu);
}

/* The JetStream context, NULL until connected the first time. */
jsCtx *
nc_js(struct natsconn *nc)
{
	jsCtx *js;

	pthread_mutex_lock(&nc->mu);
	js = nc->js;
	pthread_mutex_unlock(&nc->mu);
	return js;
}

/* The connector: make the connection (libnats then keeps it), retrying
 * what libnats does not (a bad answer to the first attempt). */
static void *
nc_connector(void *arg)
{
	struct natsconn *nc = arg;
	natsConnection *conn = NULL;
	jsOptions jo;
	jsCtx *js = NULL;
	natsStatus s;
	char err[NC_ERR_MAX];

	for (;;) {
		pthread_mutex_lock(&nc->mu);
		if (nc->stopping) {
			pthread_mutex_unlock(&nc->mu);
			return NULL;
		}
		pthread_mutex_unlock(&nc->mu);
		s = natsConnection_Connect(&conn, nc->opts);
		if (s == NATS_OK || s == NATS_NOT_YET_CONNECTED)
			break;
		nc_last_error(s, 0, err, sizeof(err));
		nc_status_post(nc, 0, err);
		nc_pause(nc, NULL, 1000);
	}
	jsOptions_Init(&jo);
	jo.Wait = nc->timeout_ms;
	if (natsConnection_JetStream(&js, conn, &jo) != NATS_OK)
		js = NULL;
	pthread_mutex_lock(&nc->mu);
	nc->conn = conn;
	nc->js = js;
	pthread_cond_broadcast(&nc->cv);
	pthread_mutex_unlock(&nc->mu);
	if (s == NATS_OK)
		nc_status_post(nc, 1, "connected");
	return NULL;
}

/* ---- the round trips ------------------------------------------------------
 */

/* The reply of a failed call. */
static void
nc_job_fail(struct nc_job *j, natsStatus s, jsErrCode jerr)
{
	j->reply.result = NATSCONN_ERROR;
	nc_last_error(s, jerr, j->error, sizeof(j->error));
}

/* A stream publish, and the kv writes that are publishes to $KV.B.K. */
static void
nc_do_publish(struct nc_job *j, jsCtx *js, int64_t wait_ms)
{
	natsMsg *m = NULL;
	jsPubOptions po;
	jsPubAck *pa = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	char rev[32];

	jsPubOptions_Init(&po);
	po.MaxWait = wait_ms;
	s = natsMsg_Create(&m, j->subject, NULL, j->data, (int)j->len);
	if (s == NATS_OK && j->msg_id != NULL)
		s = natsMsgHeader_Set(m, "Nats-Msg-Id", j->msg_id);
	if (s == NATS_OK && j->kind == NC_KV_DELETE)
		s = natsMsgHeader_Set(m, "KV-Operation", "DEL");
	if (s == NATS_OK &&
	    (j->kind == NC_KV_CREATE || j->kind == NC_KV_UPDATE)) {
		snprintf(rev, sizeof(rev), "%llu",
		    (unsigned long long)(j->kind == NC_KV_CREATE
		            ? 0
		            : j->last_rev));
		s = natsMsgHeader_Set(
		    m, "Nats-Expected-Last-Subject-Sequence", rev);
	}
	if (s == NATS_OK)
		s = js_PublishMsg(&pa, js, m, &po, &jerr);
	if (s == NATS_OK) {
		j->reply.result =
		    pa->Duplicate ? NATSCONN_DUPLICATE : NATSCONN_OK;
		j->reply.seq = pa->Sequence;
	} else if (jerr == JSStreamWrongLastSequenceErr &&
	    (j->kind == NC_KV_CREATE || j->kind == NC_KV_UPDATE))
		j->reply.result = NATSCONN_EXISTS;
	else
		nc_job_fail(j, s, jerr);
	jsPubAck_Destroy(pa);
	natsMsg_Destroy(m);
}

/* kv get: the last value of a key. */
static void
nc_do_get(struct nc_job *j, jsCtx *js)
{
	kvStore *kv = NULL;
	kvEntry *e = NULL;
	natsStatus s;

	s = js_KeyValue(&kv, js, j->bucket);
	if (s == NATS_OK)
		s = kvStore_Get(&e, kv, j->key);
	if (s == NATS_OK) {
		j->reply.result = NATSCONN_OK;
		j->reply.seq = kvEntry_Revision(e);
		j->reply.len = (size_t)kvEntry_ValueLen(e);
		j->value = xmalloc(j->reply.len + 1);
		memcpy(j->value, kvEntry_Value(e), j->reply.len);
		((char *)j->value)[j->reply.len] = '\0';
		j->reply.value = j->value;
	} else if (s == NATS_NOT_FOUND && kv != NULL)
		j->reply.result = NATSCONN_NOT_FOUND;
	else
		nc_job_fail(j, s, 0);
	kvEntry_Destroy(e);
	kvStore_Destroy(kv);
}

/* Create a stream, or update it when it exists. */
static void
nc_do_stream(struct nc_job *j, jsCtx *js)
{
	const struct natsconn_stream *st = &j->stream;
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s;

	jsStreamConfig_Init(&cfg);
	cfg.Name = st->name;
	cfg.Subjects = (const char **)st->subjects;
	cfg.SubjectsLen = (int)st->nsubjects;
	cfg.Storage = st->memory ? js_MemoryStorage : js_FileStorage;
	cfg.Retention = st->work_queue ? js_WorkQueuePolicy : js_LimitsPolicy;
	cfg.MaxAge = (int64_t)st->max_age_ms * 1000000;
	cfg.MaxMsgs = st->max_msgs > 0 ? st->max_msgs : -1;
	cfg.MaxBytes = st->max_bytes > 0 ? st->max_bytes : -1;
	cfg.Duplicates =
	    (int64_t)(st->duplicate_window_ms > 0 ? st->duplicate_window_ms
	                                          : 120000) *
	    1000000;
	s = js_AddStream(&si, js, &cfg, NULL, &jerr);
	if (s != NATS_OK && jerr == JSStreamNameExistErr && st->keep_existing)
		s = NATS_OK;
	else if (s != NATS_OK && jerr == JSStreamNameExistErr) {
		jerr = 0;
		s = js_UpdateStream(&si, js, &cfg, NULL, &jerr);
	}
	if (s == NATS_OK)
		j->reply.result = NATSCONN_OK;
	else
		nc_job_fail(j, s, jerr);
	jsStreamInfo_Destroy(si);
}

/* Bind a bucket, creating it when missing. */
static void
nc_do_bucket(struct nc_job *j, jsCtx *js)
{
	kvStore *kv = NULL;
	kvConfig cfg;
	natsStatus s;

	s = js_KeyValue(&kv, js, j->kvb.name);
	if (s == NATS_NOT_FOUND) {
		kvConfig_Init(&cfg);
		cfg.Bucket = j->kvb.name;
		/* libnats takes the TTL in nanoseconds. */
		cfg.TTL = (int64_t)j->kvb.ttl_ms * 1000000;
		cfg.History =
		    (uint8_t)(j->kvb.history > 0 ? j->kvb.history : 1);
		cfg.StorageType =
		    j->kvb.memory ? js_MemoryStorage : js_FileStorage;
		s = js_CreateKeyValue(&kv, js, &cfg);
	}
	if (s == NATS_OK)
		j->reply.result = NATSCONN_OK;
	else
		nc_job_fail(j, s, 0);
	kvStore_Destroy(kv);
}

/* The JetStream context, waiting up to ms for the connector to make it: a
 * job queued at the start should not fail for being early. */
static jsCtx *
nc_wait_js(struct natsconn *nc, int64_t ms)
{
	struct timespec ts;
	jsCtx *js;

	nc_deadline(&ts, ms);
	pthread_mutex_lock(&nc->mu);
	while (nc->js == NULL && !nc->stopping)
		if (pthread_cond_timedwait(&nc->cv, &nc->mu, &ts) != 0)
			break;
	js = nc->js;
	pthread_mutex_unlock(&nc->mu);
	return js;
}

/* What is left of a job's time, in ms (0: none). */
static int64_t
nc_job_left(const struct nc_job *j)
{
	uint64_t now = time_mono_ms();

	return now < j->deadline_ms ? (int64_t)(j->deadline_ms - now) : 0;
}

/*
 * One job on a worker.  Its time runs from when it was queued, not from
 * when a worker took it: while the server is away every job waits its
 * whole timeout, and those queued behind them would otherwise add theirs,
 * holding whoever waits for the answers (the cluster's group commit) for
 * the length of the queue.  A job out of time fails without a round trip;
 * the callers treat a failure as "not known" (at least once).
 */
static void
nc_job_run(struct nc_job *j)
{
	struct natsconn *nc = j->nc;
	int64_t left = nc_job_left(j);
	jsCtx *js;

	if (left == 0) {
		j->reply.result = NATSCONN_ERROR;
		snprintf(j->error, sizeof(j->error),
		    "timed out waiting for a NATS worker (%lld ms)",
		    (long long)nc->timeout_ms);
		atomic_fetch_add(&nc->n_errors, 1);
		return;
	}
	if ((js = nc_wait_js(nc, left)) == NULL) {
		j->reply.result = NATSCONN_ERROR;
		snprintf(j->error, sizeof(j->error), "not connected to %s",
		    nc->urls);
		atomic_fetch_add(&nc->n_errors, 1);
		return;
	}
	switch (j->kind) {
	case NC_PUBLISH:
	case NC_KV_CREATE:
	case NC_KV_PUT:
	case NC_KV_UPDATE:
	case NC_KV_DELETE:
		left = nc_job_left(j);
		nc_do_publish(j, js, left > 0 ? left : 1);
		break;
	case NC_KV_GET:
		nc_do_get(j, js);
		break;
	case NC_ENSURE_STREAM:
		nc_do_stream(j, js);
		break;
	case NC_ENSURE_BUCKET:
		nc_do_bucket(j, js);
		break;
	}
	atomic_fetch_add(&nc->n_round_trips, 1);
	if (j->reply.result == NATSCONN_ERROR)
		atomic_fetch_add(&nc->n_errors, 1);
}

/* A worker: take jobs until stopping. */
static void *
nc_worker(void *arg)
{
	struct natsconn *nc = arg;
	struct nc_job *j;

	pthread_mutex_lock(&nc->mu);
	for (;;) {
		while (!nc->stopping && TAILQ_EMPTY(&nc->jobs))
			pthread_cond_wait(&nc->cv, &nc->mu);
		if (nc->stopping)
			break;
		j = TAILQ_FIRST(&nc->jobs);
		TAILQ_REMOVE(&nc->jobs, j, entry);
		nc->njobs--;
		pthread_mutex_unlock(&nc->mu);
		nc_job_run(j);
		nc_post(nc, &j->post);
		pthread_mutex_lock(&nc->mu);
	}
	pthread_mutex_unlock(&nc->mu);
	return NULL;
}

/* Free a job and what it owns. */
static void
nc_job_free(struct nc_job *j)
{
	LIST_REMOVE(j, live);
	free(j->subject);
	free(j->msg_id);
	free(j->bucket);
	free(j->key);
	free(j->data);
	free(j->value);
	free((char *)j->stream.name);
	for (size_t i = 0; i < j->stream.nsubjects; i++)
		free((char *)j->stream.subjects[i]);
	free((char **)j->stream.subjects);
	free((char *)j->kvb.name);
	free(j);
}

/* On the loop: the job is done; tell its owner. */
static void
nc_job_done(struct nc_post *p, int live)
{
	struct nc_job *j = (struct nc_job *)p;

	if (live && j->cb != NULL) {
		if (j->reply.result == NATSCONN_ERROR)
			j->reply.error = j->error;
		j->cb(&j->reply, j->arg);
	}
	nc_job_free(j);
}

/* A new job of kind with its callback. */
static struct nc_job *
nc_job_new(struct natsconn *nc, enum nc_kind kind, natsconn_cb cb, void *arg)
{
	struct nc_job *j = xcalloc(1, sizeof(*j));

	j->post.run = nc_job_done;
	j->nc = nc;
	j->kind = kind;
	j->cb = cb;
	j->arg = arg;
	LIST_INSERT_HEAD(&nc->live, j, live);
	j->deadline_ms = time_mono_ms() + (uint64_t)nc->timeout_ms;
	return j;
}

/* The owner of arg goes: its operations still run (a delete still
 * deletes), their callbacks do not.  Workers never read cb. */
void
natsconn_cancel(struct natsconn *nc, const void *arg)
{
	struct nc_job *j;

	LIST_FOREACH(j, &nc->live, live)
	if (j->arg == arg)
		j->cb = NULL;
}

/* Hand j to the workers, or fail it at once when too many wait. */
static void
nc_job_queue(struct natsconn *nc, struct nc_job *j)
{
	pthread_mutex_lock(&nc->mu);
	if (nc->njobs >= NC_MAX_QUEUED) {
		pthread_mutex_unlock(&nc->mu);
		j->reply.result = NATSCONN_ERROR;
		snprintf(j->error, sizeof(j->error),
		    "%d NATS operations wait already", NC_MAX_QUEUED);
		atomic_fetch_add(&nc->n_errors, 1);
		nc_post(nc, &j->post);
		return;
	}
	TAILQ_INSERT_TAIL(&nc->jobs, j, entry);
	nc->njobs++;
	pthread_cond_broadcast(&nc->cv);
	pthread_mutex_unlock(&nc->mu);
}

/* A copy of len bytes of data (NUL-terminated, for safety). */
static void *
nc_copy(const void *data, size_t len)
{
	char *p = xmalloc(len + 1);

	if (len > 0)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

/* ---- the API ------------------------------------------------------------ */

/* A stream publish with its message id. */
void
natsconn_publish(struct natsconn *nc, const char *subject, const char *msg_id,
    const void *data, size_t len, natsconn_cb cb, void *arg)
{
	struct nc_job *j = nc_job_new(nc, NC_PUBLISH, cb, arg);

	j->subject = xstrdup(subject);
	j->msg_id = msg_id != NULL ? xstrdup(msg_id) : NULL;
	j->data = nc_copy(data, len);
	j->len = len;
	atomic_fetch_add(&nc->n_publishes, 1);
	nc_job_queue(nc, j);
}

/* A kv write of kind: a publish to $KV.bucket.key. */
static void
nc_kv_write(struct natsconn *nc, enum nc_kind kind, const char *bucket,
    const char *key, const void *data, size_t len, uint64_t last_rev,
    natsconn_cb cb, void *arg)
{
	struct nc_job *j = nc_job_new(nc, kind, cb, arg);

	xasprintf(&j->subject, "$KV.%s.%s", bucket, key);
	j->data = nc_copy(data, len);
	j->len = len;
	j->last_rev = last_rev;
	atomic_fetch_add(&nc->n_kv_ops, 1);
	nc_job_queue(nc, j);
}

/* First writer wins. */
void
natsconn_kv_create(struct natsconn *nc, const char *bucket, const char *key,
    const void *data, size_t len, natsconn_cb cb, void *arg)
{
	nc_kv_write(nc, NC_KV_CREATE, bucket, key, data, len, 0, cb, arg);
}

/* Last writer wins. */
void
natsconn_kv_put(struct natsconn *nc, const char *bucket, const char *key,
    const void *data, size_t len, natsconn_cb cb, void *arg)
{
	nc_kv_write(nc, NC_KV_PUT, bucket, key, data, len, 0, cb, arg);
}

/* Compare and set on the key's revision. */
void
natsconn_kv_update(struct natsconn *nc, const char *bucket, const char *key,
    const void *data, size_t len, uint64_t last_rev, natsconn_cb cb, void *arg)
{
	nc_kv_write(
	    nc, NC_KV_UPDATE, bucket, key, data, len, last_rev, cb, arg);
}

/* A delete marker (watchers see NATSCONN_KV_DELETE). */
void
natsconn_kv_delete(struct natsconn *nc, const char *bucket, const char *key,
    natsconn_cb cb, void *arg)
{
	nc_kv_write(nc, NC_KV_DELETE, bucket, key, "", 0, 0, cb, arg);
}

/* The key's last value. */
void
natsconn_kv_get(struct natsconn *nc, const char *bucket, const char *key,
    natsconn_cb cb, void *arg)
{
	struct nc_job *j = nc_job_new(nc, NC_KV_GET, cb, arg);

	j->bucket = xstrdup(bucket);
	j->key = xstrdup(key);
	atomic_fetch_add(&nc->n_kv_ops, 1);
	nc_job_queue(nc, j);
}

/* Create or update a stream. */
void
natsconn_ensure_stream(struct natsconn *nc, const struct natsconn_stream *st,
    natsconn_cb cb, void *arg)
{
	struct nc_job *j = nc_job_new(nc, NC_ENSURE_STREAM, cb, arg);
	char **subj = xcalloc(st->nsubjects + 1, sizeof(*subj));

	j->stream = *st;
	j->stream.name = xstrdup(st->name);
	for (size_t i = 0; i < st->nsubjects; i++)
		subj[i] = xstrdup(st->subjects[i]);
	j->stream.subjects = (const char *const *)subj;
	atomic_fetch_add(&nc->n_api_calls, 1);
	nc_job_queue(nc, j);
}

/* Bind or create a bucket. */
void
natsconn_ensure_bucket(struct natsconn *nc, const struct natsconn_bucket *b,
    natsconn_cb cb, void *arg)
{
	struct nc_job *j = nc_job_new(nc, NC_ENSURE_BUCKET, cb, arg);

	j->kvb = *b;
	j->kvb.name = xstrdup(b->name);
	atomic_fetch_add(&nc->n_api_calls, 1);
	nc_job_queue(nc, j);
}

/* Is the connection up now? */
int
natsconn_connected(const struct natsconn *nc)
{
	return atomic_load(&((struct natsconn *)nc)->connected);
}

/* The counters. */
void
natsconn_stats(const struct natsconn *cnc, struct natsconn_stats *st)
{
	struct natsconn *nc = (struct natsconn *)cnc;

	memset(st, 0, sizeof(*st));
	st->connected = atomic_load(&nc->connected);
	st->round_trips = atomic_load(&nc->n_round_trips);
	st->publishes = atomic_load(&nc->n_publishes);
	st->kv_ops = atomic_load(&nc->n_kv_ops);
	st->api_calls = atomic_load(&nc->n_api_calls);
	st->errors = atomic_load(&nc->n_errors);
	st->acks = atomic_load(&nc->n_acks);
	st->delivered = atomic_load(&nc->n_delivered);
	st->watch_updates = atomic_load(&nc->n_watch_updates);
	st->disconnects = atomic_load(&nc->n_disconnects);
	st->reconnects = atomic_load(&nc->n_reconnects);
	pthread_mutex_lock(&nc->mu);
	st->queued = nc->njobs;
	pthread_mutex_unlock(&nc->mu);
}

/* libnats' options from ours; -1 with *err. */
static int
nc_options(struct natsconn *nc, const struct natsconn_opts *o, char **err)
{
	natsOptions *opts = NULL;
	natsStatus s;
	char msg[NC_ERR_MAX];

	s = natsOptions_Create(&opts);
	if (s == NATS_OK)
		s = natsOptions_SetURL(opts, o->urls);
	if (s == NATS_OK && o->name != NULL)
		s = natsOptions_SetName(opts, o->name);
	if (s == NATS_OK && o->credentials != NULL)
		s = natsOptions_SetUserCredentialsFromFiles(
		    opts, o->credentials, NULL);
	if (s == NATS_OK && o->token != NULL)
		s = natsOptions_SetToken(opts, o->token);
	if (s == NATS_OK && o->tls_ca != NULL)
		s = natsOptions_LoadCATrustedCertificates(opts, o->tls_ca);
	if (s == NATS_OK && o->tls_ca != NULL)
		s = natsOptions_SetSecure(opts, true);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(opts, nc->timeout_ms);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(opts, NC_RECONNECT_WAIT_MS);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectBufSize(opts, NC_RECONNECT_BUF);
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(
		    opts, true, nc_on_connected, nc);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(opts, nc_on_disconnected, nc);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(opts, nc_on_reconnected, nc);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(opts, nc_on_closed, nc);
	if (s == NATS_OK)
		s = natsOptions_SetErrorHandler(opts, nc_on_error, nc);
	if (s != NATS_OK) {
		nc_last_error(s, 0, msg, sizeof(msg));
		xasprintf(err, "NATS options: %s", msg);
		natsOptions_Destroy(opts);
		return -1;
	}
	nc->opts = opts;
	return 0;
}

/* Stop and join the connector and the workers. */
static void
nc_stop_threads(struct natsconn *nc)
{
	pthread_mutex_lock(&nc->mu);
	nc->stopping = 1;
	pthread_cond_broadcast(&nc->cv);
	pthread_mutex_unlock(&nc->mu);
	pthread_join(nc->connector, NULL);
	for (int i = 0; i < nc->nworkers; i++)
		pthread_join(nc->workers[i], NULL);
	nc->nworkers = 0;
}

/* A connection, its workers and its wake-up pipe. */
struct natsconn *
natsconn_new(struct event_base *base, const struct natsconn_opts *o, char **err)
{
	struct natsconn *nc;
	int n = o->workers > 0 ? o->workers : NC_DEFAULT_WORKERS;

	pthread_once(&nc_lib_once, nc_lib_open);
	if (nc_lib_status != NATS_OK) {
		xasprintf(
		    err, "libnats: %s", natsStatus_GetText(nc_lib_status));
		return NULL;
	}
	if (n > NC_MAX_WORKERS)
		n = NC_MAX_WORKERS;
	nc = xcalloc(1, sizeof(*nc));
	nc->base = base;
	nc->timeout_ms =
	    o->timeout_ms > 0 ? (int64_t)o->timeout_ms : NC_DEFAULT_TIMEOUT_MS;
	nc->urls = xstrdup(o->urls);
	nc->status = o->status;
	nc->arg = o->arg;
	pthread_mutex_init(&nc->mu, NULL);
	pthread_cond_init(&nc->cv, NULL);
	TAILQ_INIT(&nc->jobs);
	TAILQ_INIT(&nc->done);
	LIST_INIT(&nc->live);
	nc->pipe[0] = nc->pipe[1] = -1;
	if (nc_options(nc, o, err) < 0)
		goto fail;
	if (pipe2(nc->pipe, O_NONBLOCK | O_CLOEXEC) < 0 ||
	    (nc->wake = event_new(base, nc->pipe[0], EV_READ | EV_PERSIST,
	         nc_wake_cb, nc)) == NULL ||
	    event_add(nc->wake, NULL) < 0) {
		xasprintf(err, "NATS wake-up pipe: %s", strerror(errno));
		goto fail;
	}
	nc->workers = xcalloc((size_t)n, sizeof(*nc->workers));
	if (pthread_create(&nc->connector, NULL, nc_connector, nc) != 0) {
		xasprintf(err, "NATS connector thread: %s", strerror(errno));
		goto fail;
	}
	for (; nc->nworkers < n; nc->nworkers++)
		if (pthread_create(
		        &nc->workers[nc->nworkers], NULL, nc_worker, nc) != 0) {
			xasprintf(
			    err, "NATS worker thread: %s", strerror(errno));
			nc_stop_threads(nc);
			goto fail;
		}
	return nc;
fail:
	if (nc->wake != NULL)
		event_free(nc->wake);
	if (nc->pipe[0] >= 0) {
		close(nc->pipe[0]);
		close(nc->pipe[1]);
	}
	natsOptions_Destroy(nc->opts);
	free(nc->workers);
	free(nc->urls);
	free(nc);
	return NULL;
}

/* Close the connection and wait (bounded) for its closed handler, the
 * last call libnats makes with nc. */
static void
nc_close(struct natsconn *nc)
{
	struct timespec ts;

	if (nc->conn == NULL)
		return;
	natsConnection_Close(nc->conn);
	nc_deadline(&ts, 5000);
	pthread_mutex_lock(&nc->mu);
	while (!nc->closed)
		if (pthread_cond_timedwait(&nc->cv, &nc->mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&nc->mu);
	jsCtx_Destroy(nc->js);
	natsConnection_Destroy(nc->conn);
}

/* Everything; callbacks not yet run are dropped. */
void
natsconn_free(struct natsconn *nc)
{
	struct nc_post *p;
	struct nc_job *j;

	if (nc == NULL)
		return;
	nc_stop_threads(nc);
	nc_close(nc);
	while ((j = TAILQ_FIRST(&nc->jobs)) != NULL) {
		TAILQ_REMOVE(&nc->jobs, j, entry);
		nc_job_free(j);
	}
	while ((p = TAILQ_FIRST(&nc->done)) != NULL) {
		TAILQ_REMOVE(&nc->done, p, entry);
		p->run(p, 0);
	}
	event_free(nc->wake);
	close(nc->pipe[0]);
	close(nc->pipe[1]);
	natsOptions_Destroy(nc->opts);
	pthread_mutex_destroy(&nc->mu);
	pthread_cond_destroy(&nc->cv);
	free(nc->workers);
	free(nc->urls);
	free(nc);
}
