/*
 * Stories, cluster-wide (issue 21): has this story already alerted for
 * this watchlist on some node, and where does a later sighting go.
 *
 * Before a group commit every new alert creates two keys, first writer
 * wins: "a" + its id in NAME_stories (the id hashes the watchlist and the
 * canonical link, or the feed and item) and "t" + the hash of watchlist
 * and normalised title in NAME_titles.  The value names the alert, node
 * and feed.  A create that finds the key taken reads its value (one
 * round trip): the alert is not raised, and when the first alert came
 * from another feed, this feed's sighting is put under the first node's
 * prefix in NAME_sightings ("n" + hash of the node "." alert "." hash of
 * the feed).  Every node watches its own prefix and records what comes
 * in the alert's also_in in its store; the key outlives the node, so a
 * node that was down records its sightings when it is back.
 */
#include "config.h"

#include <event2/event.h>
#include <jansson.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/natsconn.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/cluster.h"
#include "daemon/clstory.h"
#include "daemon/pipeline.h"
#include "daemon/pipeline_int.h"
#include "store/store.h"

struct clstory {
	struct natsconn *nc;
	struct pipeline *p;
	char *self;
	char *b_stories, *b_titles, *b_sightings;
	struct natsconn_watch *w_sightings;
	LIST_HEAD(, cl_ask) asks; /* questions out: cancelled at the free */
	size_t pending;           /* questions the commit waits for */
	struct cluster_stats st;  /* the story counters only */
};

/* A put came back; only errors matter. */
static void
cs_put_done(const struct natsconn_reply *r, void *arg)
{
	(void)arg;
	if (r->result == NATSCONN_ERROR)
		log_debug("cluster: story key not written: %s", r->error);
}

/* A story key of an alert: its id (NAME_stories), its title (NAME_titles). */
#define CL_KEY_ALERT 0
#define CL_KEY_TITLE 1
/* "n" + node hash "." alert id "." feed hash, and its terminator. */
#define CL_SIGHTING_KEY 52

/* The alert that raised a story first, as its key's value says. */
struct cl_first {
	char id[17];
	char node[129];
	char feed[129];
};

struct cl_ask;

/* One story key's create: which key, for which question. */
struct cl_askkey {
	struct cl_ask *q;
	int k;
};

/* One alert's question: where its answers go. */
struct cl_ask {
	struct clstory *cs;
	size_t feed, item, alert;
	uint64_t gen;
	int due;            /* answers still to come */
	unsigned lost, won; /* story keys by bit, 1 << CL_KEY_* */
	int read;           /* the key whose value names the first alert */
	char key[2][18];
	struct cl_askkey k[2];
	struct cl_first first;
	LIST_ENTRY(cl_ask) entry; /* cs->asks */
};

/* The alert a question is about; NULL when its batch is gone. */
static struct pl_alert *
cl_ask_alert(const struct cl_ask *q)
{
	struct pl_feed *pf = &q->cs->p->feeds[q->feed];

	if (pf->batch_gen != q->gen || q->item >= pf->nbatch ||
	    q->alert >= pf->batch[q->item].nalerts)
		return NULL;
	return &pf->batch[q->item].alerts[q->alert];
}

/* A story key's value: the alert, node and feed that raised it, so a
 * later sighting knows where its also_in is (free it). */
static char *
cl_story_value(const char *id, const char *node, const char *feed)
{
	json_t *j = json_pack(
	    "{s:s, s:s, s:s}", "alert", id, "node", node, "feed", feed);
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s;
}

/* Is s an alert id (16 lower-case hex digits)? */
static int
cl_alert_id_ok(const char *s)
{
	return strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;
}

/* Read a story key's value into f.  A node older than sightings wrote its
 * bare name: then only an id key (k) names the alert, by the key. */
static void
cl_first_read(
    struct cl_first *f, const struct natsconn_reply *r, int k, const char *id)
{
	json_t *j = json_loadb(r->value, r->len, 0, NULL);
	const char *a = NULL, *n = NULL, *fd = NULL;

	memset(f, 0, sizeof(*f));
	if (j != NULL &&
	    json_unpack(j, "{s:s, s:s, s:s}", "alert", &a, "node", &n, "feed",
	        &fd) == 0 &&
	    cl_alert_id_ok(a)) {
		snprintf(f->id, sizeof(f->id), "%s", a);
		snprintf(f->node, sizeof(f->node), "%s", n);
		snprintf(f->feed, sizeof(f->feed), "%s", fd);
	} else if (j == NULL && k == CL_KEY_ALERT && r->len > 0 &&
	    r->len < sizeof(f->node)) {
		snprintf(f->id, sizeof(f->id), "%s", id);
		snprintf(f->node, sizeof(f->node), "%.*s", (int)r->len,
		    (const char *)r->value);
	}
	json_decref(j);
}

/* The prefix of the sighting keys of a node's alerts, which that node
 * watches: "n" + the hash of its name (a name may hold '.'). */
static void
cl_sighting_prefix(const char *node, char out[18])
{
	out[0] = 'n';
	hash64_hex(hash64(node, strlen(node)), out + 1);
}

/* Put feed's sighting of the first alert's story under the first node's
 * prefix in NAME_sightings: that node records it in the alert's also_in
 * now, or when it comes back (the key lives as long as the stories). */
static void
cl_sighting_put(struct clstory *cs, const struct cl_first *f, const char *feed,
    const char *wl)
{
	char key[CL_SIGHTING_KEY], pre[18], fh[17], *s;
	json_t *j;

	j = json_pack("{s:s, s:s, s:s, s:s}", "alert", f->id, "feed", feed,
	    "node", cs->self, "watchlist", wl);
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return;
	}
	json_decref(j);
	cl_sighting_prefix(f->node, pre);
	hash64_hex(hash64(feed, strlen(feed)), fh);
	snprintf(key, sizeof(key), "%s.%s.%s", pre, f->id, fh);
	natsconn_kv_put(
	    cs->nc, cs->b_sightings, key, s, strlen(s), cs_put_done, cs);
	cs->st.sightings_sent++;
	free(s);
}

/* The story alerted first elsewhere: name that alert in ours, send our
 * feed to its also_in, and point a key we won at it, so that a third
 * sighting finds the alert that was raised, not ours that was not. */
static void
cl_ask_first(struct cl_ask *q, const struct pl_feed *pf, struct pl_alert *a)
{
	struct clstory *cs = q->cs;
	const struct cl_first *f = &q->first;
	char *v;

	memcpy(a->first_id, f->id, sizeof(a->first_id));
	memcpy(a->first_node, f->node, sizeof(a->first_node));
	a->first_also = strcmp(f->feed, pf->conf->name) != 0;
	if (a->first_also)
		cl_sighting_put(cs, f, pf->conf->name, a->wl->name);
	if (q->won == 0 ||
	    (v = cl_story_value(f->id, f->node, f->feed)) == NULL)
		return;
	for (int k = 0; k < 2; k++)
		if (q->won & 1U << k) {
			natsconn_kv_put(cs->nc,
			    k == CL_KEY_ALERT ? cs->b_stories : cs->b_titles,
			    q->key[k], v, strlen(v), cs_put_done, cs);
			cs->st.story_repoints++;
		}
	free(v);
}

/* Every answer is in: mark the alert; the last question lets the
 * commit go. */
static void
cl_ask_end(struct cl_ask *q)
{
	struct clstory *cs = q->cs;
	struct pl_alert *a = cl_ask_alert(q);

	if (a != NULL) {
		a->elsewhere = q->lost ? 3 : 2;
		if (q->lost && q->first.id[0] != '\0')
			cl_ask_first(q, &cs->p->feeds[q->feed], a);
	}
	LIST_REMOVE(q, entry);
	free(q);
	if (--cs->pending == 0)
		event_active(cs->p->commit_ev, 0, 0);
}

/* The value of a key another node had came back: its first alert. */
static void
cl_first_done(const struct natsconn_reply *r, void *arg)
{
	struct cl_ask *q = arg;
	struct pl_alert *a = cl_ask_alert(q);

	if (r->result == NATSCONN_OK && a != NULL)
		cl_first_read(&q->first, r, q->read, a->id);
	else if (r->result != NATSCONN_OK)
		log_debug("cluster: the story's first alert not read: %s",
		    r->error != NULL ? r->error : "no key");
	cl_ask_end(q);
}

/* A story key's create came back: first writer, or another node's; when
 * another's, read whose (the id key's value before the title's). */
static void
cl_story_done(const struct natsconn_reply *r, void *arg)
{
	struct cl_askkey *k = arg;
	struct cl_ask *q = k->q;
	struct clstory *cs = q->cs;

	log_debug("cluster: story check: %s",
	    r->result == NATSCONN_EXISTS   ? "another node's"
	        : r->result == NATSCONN_OK ? "first"
	                                   : "failed");
	if (r->result == NATSCONN_EXISTS) {
		q->lost |= 1U << k->k;
		cs->st.story_taken++;
	} else if (r->result == NATSCONN_OK)
		q->won |= 1U << k->k;
	else
		/* NATS away: alert rather than lose it (at least once). */
		log_debug("cluster: story not checked: %s", r->error);
	if (--q->due > 0)
		return;
	if (q->lost == 0) {
		cl_ask_end(q);
		return;
	}
	q->read = q->lost & 1U << CL_KEY_ALERT ? CL_KEY_ALERT : CL_KEY_TITLE;
	natsconn_kv_get(cs->nc,
	    q->read == CL_KEY_ALERT ? cs->b_stories : cs->b_titles,
	    q->key[q->read], cl_first_done, q);
	cs->st.story_reads++;
}

/* Ask the stories buckets about one alert: its id (which hashes the
 * canonical link, or the feed and item) and its title key, each created
 * with a value naming this alert, node and feed. */
void
clstory_ask(struct clstory *cs, size_t f, size_t it, size_t al)
{
	const struct pl_feed *pf = &cs->p->feeds[f];
	const struct pl_item *pi = &pf->batch[it];
	const struct pl_alert *a = &pi->alerts[al];
	struct cl_ask *q = xcalloc(1, sizeof(*q));
	char *v = cl_story_value(a->id, cs->self, pf->conf->name);
	const char *val = v != NULL ? v : cs->self;
	uint64_t h;

	*q = (struct cl_ask){.cs = cs,
	    .feed = f,
	    .item = it,
	    .alert = al,
	    .gen = pf->batch_gen,
	    .due = pi->story.title_key[0] != '\0' ? 2 : 1};
	for (int k = 0; k < 2; k++)
		q->k[k] = (struct cl_askkey){.q = q, .k = k};
	cs->pending++;
	LIST_INSERT_HEAD(&cs->asks, q, entry);
	q->key[CL_KEY_ALERT][0] = 'a';
	memcpy(q->key[CL_KEY_ALERT] + 1, a->id, 17);
	if (pi->story.title_key[0] != '\0') {
		h = hash64_update(hash64(a->wl->name, strlen(a->wl->name) + 1),
		    pi->story.title_key, strlen(pi->story.title_key));
		q->key[CL_KEY_TITLE][0] = 't';
		hash64_hex(h, q->key[CL_KEY_TITLE] + 1);
	}
	natsconn_kv_create(cs->nc, cs->b_stories, q->key[CL_KEY_ALERT], val,
	    strlen(val), cl_story_done, &q->k[CL_KEY_ALERT]);
	cs->st.story_creates++;
	if (q->due == 2) {
		natsconn_kv_create(cs->nc, cs->b_titles, q->key[CL_KEY_TITLE],
		    val, strlen(val), cl_story_done, &q->k[CL_KEY_TITLE]);
		cs->st.story_creates++;
	}
	free(v);
}

/* NAME_sightings under our prefix: another node had the story of an
 * alert of ours in a feed of its own; into the alert's also_in.  The
 * watch gives every key again at a start: a repeat is ignored. */
static void
cl_sightings_cb(const struct natsconn_kv_entry *e, void *arg)
{
	struct clstory *cs = arg;
	const char *id = NULL, *feed = NULL, *node = "?", *wl = "?";
	json_t *j;
	int rc;

	if (e == NULL || e->op != NATSCONN_KV_PUT)
		return;
	j = json_loadb(e->value, e->len, 0, NULL);
	if (j == NULL ||
	    json_unpack(j, "{s:s, s:s, s?s, s?s}", "alert", &id, "feed", &feed,
	        "node", &node, "watchlist", &wl) != 0) {
		log_debug("cluster: sighting %s cannot be read", e->key);
		json_decref(j);
		return;
	}
	rc = store_alert_also_in_known(cs->p->store, id, feed);
	if (rc == -1)
		log_warnx("cluster: sighting of alert %s in feed %s not "
		          "recorded: %s",
		    id, feed, store_error(cs->p->store));
	else if (rc == 1) {
		log_info("%s: alert %s: its story is also in feed %s (node "
		         "%s); recorded in its also_in",
		    wl, id, feed, node);
		cs->st.sightings_recorded++;
	}
	json_decref(j);
}

/* Watch our prefix of NAME_sightings, once the buckets are there. */
int
clstory_watch(struct clstory *cs)
{
	char pre[21];

	if (cs->w_sightings != NULL)
		return 0;
	cl_sighting_prefix(cs->self, pre);
	memcpy(pre + 17, ".>", 3);
	cs->w_sightings =
	    natsconn_watch(cs->nc, cs->b_sightings, pre, cl_sightings_cb, cs);
	return cs->w_sightings != NULL ? 0 : -1;
}

/* Stop the sightings watch, whose bucket the server lost, so that
 * clstory_watch starts it again once the bucket is made anew. */
void
clstory_unwatch(struct clstory *cs)
{
	natsconn_watch_free(cs->w_sightings);
	cs->w_sightings = NULL;
}

/* The story part of a cluster node; the bucket names are copied. */
struct clstory *
clstory_new(struct natsconn *nc, struct pipeline *p, const char *self,
    const char *b_stories, const char *b_titles, const char *b_sightings)
{
	struct clstory *cs = xcalloc(1, sizeof(*cs));

	cs->nc = nc;
	cs->p = p;
	cs->self = xstrdup(self);
	cs->b_stories = xstrdup(b_stories);
	cs->b_titles = xstrdup(b_titles);
	cs->b_sightings = xstrdup(b_sightings);
	LIST_INIT(&cs->asks);
	return cs;
}

/* Questions not answered yet: the commit waits while there are any. */
size_t
clstory_pending(const struct clstory *cs)
{
	return cs->pending;
}

/* The story counters into the node's. */
void
clstory_stats(const struct clstory *cs, struct cluster_stats *st)
{
	st->story_creates = cs->st.story_creates;
	st->story_taken = cs->st.story_taken;
	st->story_reads = cs->st.story_reads;
	st->story_repoints = cs->st.story_repoints;
	st->sightings_sent = cs->st.sightings_sent;
	st->sightings_recorded = cs->st.sightings_recorded;
}

/* Stop the watch and our answers: the connection is the alert bus's and
 * outlives us, so each question still out is cancelled (its operation is
 * still made, its callback not run) and freed. */
void
clstory_free(struct clstory *cs)
{
	struct cl_ask *q;

	if (cs == NULL)
		return;
	natsconn_watch_free(cs->w_sightings);
	natsconn_cancel(cs->nc, cs);
	while ((q = LIST_FIRST(&cs->asks)) != NULL) {
		natsconn_cancel(cs->nc, q);
		for (int k = 0; k < 2; k++)
			natsconn_cancel(cs->nc, &q->k[k]);
		LIST_REMOVE(q, entry);
		free(q);
	}
	free(cs->self);
	free(cs->b_stories);
	free(cs->b_titles);
	free(cs->b_sightings);
	free(cs);
}
