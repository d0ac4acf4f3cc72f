/*
 * A node of a feedwatch cluster (see cluster.h).  Everything runs on the
 * loop: natsconn makes the round trips on its own threads and calls back
 * here.  The node keeps three things: the members it has seen (name, the
 * server time of their last heartbeat, config hash), the last shared state
 * of every feed (the JSON text as the bucket holds it), and which feeds it
 * polls.  A tick every heartbeat writes our record, ages the members and,
 * when the live set changed, re-assigns the feeds.
 */
#include "config.h"

#include <sys/queue.h>

#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts/alertbus.h"
#include "cluster/natsconn.h"
#include "cluster/owner.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/idset.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/cluster.h"
#include "daemon/clstory.h"
#include "daemon/pipeline.h"
#include "daemon/pipeline_int.h"
#include "alerts/story.h"
#include "feeds/sched.h"

/* A feed with no shared state is first polled within this window. */
#define CLUSTER_NEW_FEED_SPREAD_MS 5000
#define CLUSTER_NEW_FEED_STEP_MS 37
/* nodes, feeds, stories, titles, sightings */
#define CLUSTER_NBUCKETS 5

struct cl_member {
	char *name;
	int64_t created_ms; /* server time of its last record */
	uint64_t config;    /* its config hash */
	int differs_told;   /* its differing hash was logged */
};

struct cl_feedkey {
	uint64_t h; /* hash of the feed's name: its key is "f" + hex */
	size_t i;   /* pipeline feed index */
};

struct cluster {
	struct event_base *base;
	const struct conf *conf;
	struct pipeline *p;
	struct natsconn *nc; /* the alert bus's: borrowed */
	struct natsconn_watch *w_nodes, *w_feeds;
	char *self;
	char *b_nodes, *b_feeds; /* bucket names */
	char *b_stories, *b_titles, *b_sightings;
	struct clstory *story; /* daemon/clstory.c */
	uint64_t config_hash;
	time_t started;
	int buckets_ok;           /* all ensured, watches started */
	unsigned ensured, asking; /* buckets by bit */
	struct cl_ens {
		struct cluster *cl;
		unsigned bit;
	} ens[CLUSTER_NBUCKETS];
	int nodes_initial, feeds_initial;
	int self_seen;
	unsigned silent;       /* heartbeats since our record last came back */
	uint64_t self_seen_ms; /* monotonic, when our record first came back */
	int settled;
	int assigned; /* a first assignment was made */
	int64_t server_now_ms;

	struct cl_member *members;
	size_t nmembers;
	struct owner *owner;
	char *live_sig; /* the live set last assigned, names joined */

	struct cl_feedkey *keys; /* sorted by h */
	char **state;            /* per pipeline feed: last shared JSON */
	char *owned;             /* per pipeline feed */
	struct event *tick;
	struct cluster_stats st;
};

/* ---- helpers ------------------------------------------------------------ */

/* The key of a feed's shared state: its name may hold anything. */
static void
cl_feed_key(const char *name, char out[18])
{
	out[0] = 'f';
	hash64_hex(hash64(name, strlen(name)), out + 1);
}

/* qsort/bsearch: by hash. */
static int
cl_key_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct cl_feedkey *)a)->h;
	uint64_t y = ((const struct cl_feedkey *)b)->h;

	return x < y ? -1 : x > y;
}

/* The pipeline feed of a state key, or -1. */
static ssize_t
cl_feed_of_key(const struct cluster *cl, const char *key)
{
	struct cl_feedkey k, *f;
	char *end;

	if (key[0] != 'f' || strlen(key) != 17)
		return -1;
	k.h = strtoull(key + 1, &end, 16);
	if (*end != '\0')
		return -1;
	f = bsearch(&k, cl->keys, cl->p->nfeeds, sizeof(*cl->keys), cl_key_cmp);
	return f != NULL ? (ssize_t)f->i : -1;
}

/* Hash a string and its terminator, so "ab","c" differs from "a","bc". */
static uint64_t
cl_hash_str(uint64_t h, const char *s)
{
	return hash64_update(
	    h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

/*
 * The config hash of the membership record: what every node must agree
 * on -- the feeds (name, URL, interval, enabled), the watchlists (name,
 * requirement) and the sinks (name, type) -- and nothing a node sets for
 * itself ([daemon] and the node's name), so nodes may read one shared
 * file through includes of their own.
 */
static uint64_t
cl_config_hash(const struct conf *c)
{
	uint64_t h = HASH64_INIT;
	char num[32];

	for (size_t i = 0; i < c->nfeeds; i++) {
		const struct conf_feed *f = &c->feeds[i];
		snprintf(num, sizeof(num), "%llu %d",
		    (unsigned long long)f->interval_ms, f->enabled);
		h = cl_hash_str(
		    cl_hash_str(cl_hash_str(h, f->name), f->url), num);
	}
	for (size_t i = 0; i < c->nwatchlists; i++)
		h = cl_hash_str(cl_hash_str(h, c->watchlists[i].name),
		    c->watchlists[i].require_text);
	for (size_t i = 0; i < c->nsinks; i++) {
		snprintf(num, sizeof(num), "%d", (int)c->sinks[i].type);
		h = cl_hash_str(cl_hash_str(h, c->sinks[i].name), num);
	}
	return h;
}

/* ---- shared feed state ----------------------------------------------------
 */

/* Append every key of an idset as 16 hex digits, up to the bound. */
static void
cl_ids_hex(struct buf *b, const struct idset *s, size_t *n)
{
	char hex[17];

	for (size_t i = 0; i < s->cap && *n < CLUSTER_IDS_MAX; i++) {
		if (s->slot[i] == 0)
			continue;
		hash64_hex(s->slot[i], hex);
		buf_append(b, hex, 16);
		(*n)++;
	}
}

/* The state of a feed just polled, as JSON text (free it). */
static char *
cl_state_json(const struct cluster *cl, size_t i)
{
	const struct pl_feed *pf = &cl->p->feeds[i];
	struct sched_feed_status st;
	struct buf ids = BUF_INIT;
	size_t n = 0;
	json_t *j;
	char *s;

	sched_status(cl->p->sched, pf->sidx, &st);
	cl_ids_hex(&ids, &pf->seen_old, &n);
	cl_ids_hex(&ids, &pf->seen_cur, &n);
	j = json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:I, s:I, s:I, s:I, s:i, "
	              "s:i, s:I, s:s*, s:b, s:s}",
	    "feed", pf->conf->name, "node", cl->self, "url", st.url, "etag",
	    st.etag, "lm", st.last_modified, "next", (json_int_t)st.next_poll,
	    "last_poll", (json_int_t)st.last_poll, "last_success",
	    (json_int_t)st.last_success, "delay", (json_int_t)st.next_delay_ms,
	    "errors", (int)st.errors, "status", (int)st.status, "code",
	    (json_int_t)st.http_code, "error", st.error, "enabled", st.enabled,
	    "ids", buf_str(&ids));
	buf_free(&ids);
	s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

/* A put of shared state came back; only errors matter. */
static void
cl_put_done(const struct natsconn_reply *r, void *arg)
{
	(void)arg;
	if (r->result == NATSCONN_ERROR)
		log_debug("cluster: feed state not written: %s", r->error);
}

/* The pipeline: an owned feed's poll was committed; share its state. */
static void
cl_on_polled(void *arg, size_t i)
{
	struct cluster *cl = arg;
	char key[18], *s;

	if (!cl->owned[i] || (s = cl_state_json(cl, i)) == NULL)
		return;
	cl_feed_key(cl->p->feeds[i].conf->name, key);
	natsconn_kv_put(
	    cl->nc, cl->b_feeds, key, s, strlen(s), cl_put_done, cl);
	cl->st.state_puts++;
	/* Ours is the latest: a take-back later starts from it. */
	free(cl->state[i]);
	cl->state[i] = s;
}

/* Take a feed over from the shared state the bucket had (or none). */
static void
cl_adopt(struct cluster *cl, size_t i)
{
	struct pl_feed *pf = &cl->p->feeds[i];
	uint64_t iv = pf->conf->interval_ms, delay;
	struct sched_health h;
	struct sched_shared sh;
	json_t *j = NULL;
	json_int_t next = 0, lp = 0, ls = 0, code = 0;
	int errors = 0, status = -1, enabled = 1;
	const char *url = NULL, *etag = NULL, *lm = NULL, *err = NULL;
	const char *ids = "";
	time_t now = time(NULL);

	if (cl->state[i] != NULL)
		j = json_loads(cl->state[i], 0, NULL);
	if (j == NULL ||
	    json_unpack(j,
	        "{s?s, s?s, s?s, s?I, s?I, s?I, s?i, s?i, s?I, s?s, "
	        "s?b, s?s}",
	        "url", &url, "etag", &etag, "lm", &lm, "next", &next,
	        "last_poll", &lp, "last_success", &ls, "errors", &errors,
	        "status", &status, "code", &code, "error", &err, "enabled",
	        &enabled, "ids", &ids) != 0) {
		/* Nobody polled it yet: soon, spread by its place. */
		if (cl->state[i] != NULL)
			log_warnx("cluster: feed %s: its shared state cannot "
			          "be read; polling it afresh",
			    pf->conf->name);
		uint64_t w = iv < CLUSTER_NEW_FEED_SPREAD_MS
		    ? iv
		    : CLUSTER_NEW_FEED_SPREAD_MS;
		json_decref(j);
		sched_own(cl->p->sched, pf->sidx,
		    (i * CLUSTER_NEW_FEED_STEP_MS) % (w > 0 ? w : 1), NULL);
		return;
	}
	/* Its items so far are old; the store may never have seen them. */
	for (size_t k = 0; ids[k] != '\0' && strlen(ids + k) >= 16; k += 16) {
		char hex[17];
		memcpy(hex, ids + k, 16);
		hex[16] = '\0';
		idset_add(&pf->seen_old, strtoull(hex, NULL, 16));
	}
	pf->first_fetch = 0;
	h = (struct sched_health){.last_poll = (time_t)lp,
	    .last_success = (time_t)ls,
	    .errors = errors > 0 ? (unsigned)errors : 0,
	    .status = status,
	    .http_code = (long)code,
	    .error = err};
	sh = (struct sched_shared){
	    .url = url, .etag = etag, .last_modified = lm, .health = &h};
	delay = next > now ? (uint64_t)(next - now) * 1000 : 0;
	sched_own(cl->p->sched, pf->sidx, delay, &sh);
	cl->st.state_adopted++;
	json_decref(j);
	(void)enabled;
}

/* ---- stories, cluster-wide (daemon/clstory.c) ----------------------------
 */

/* The pipeline, before a group commit: every alert of the ready batches
 * not asked about yet is asked; the commit waits for the answers. */
static size_t
cl_gate(void *arg)
{
	struct cluster *cl = arg;
	struct pipeline *p = cl->p;

	if (!cl->buckets_ok)
		return 0;
	for (size_t r = 0; r < p->nready; r++) {
		struct pl_feed *pf = &p->feeds[p->ready[r]];
		if (pf->lost)
			continue;
		for (size_t i = 0; i < pf->nbatch; i++)
			for (size_t j = 0; j < pf->batch[i].nalerts; j++)
				if (pf->batch[i].alerts[j].elsewhere == 0) {
					pf->batch[i].alerts[j].elsewhere = 1;
					clstory_ask(
					    cl->story, p->ready[r], i, j);
				}
	}
	return clstory_pending(cl->story);
}

/* ---- membership and ownership ----------------------------------------------
 */

/* The member record of name, made when new. */
static struct cl_member *
cl_member(struct cluster *cl, const char *name)
{
	for (size_t i = 0; i < cl->nmembers; i++)
		if (strcmp(cl->members[i].name, name) == 0)
			return &cl->members[i];
	if (cl->nmembers >= OWNER_NODES_MAX)
		return NULL;
	cl->members =
	    xreallocarray(cl->members, cl->nmembers + 1, sizeof(*cl->members));
	memset(&cl->members[cl->nmembers], 0, sizeof(*cl->members));
	cl->members[cl->nmembers].name = xstrdup(name);
	return &cl->members[cl->nmembers++];
}

/* Forget member i. */
static void
cl_member_drop(struct cluster *cl, size_t i)
{
	free(cl->members[i].name);
	cl->members[i] = cl->members[--cl->nmembers];
}

/* Is member m alive on the server's clock? */
static int
cl_alive(const struct cluster *cl, const struct cl_member *m)
{
	if (strcmp(m->name, cl->self) == 0)
		return 1;
	return cl->server_now_ms - m->created_ms <=
	    (int64_t)cl->conf->cluster.heartbeat_ttl_ms;
}

/* Make each feed ours or not as the live set says; count hand-overs. */
static void
cl_assign(struct cluster *cl)
{
	const char **names = xcalloc(cl->nmembers + 1, sizeof(*names));
	struct buf sig = BUF_INIT;
	size_t n = 0, gained = 0, lost = 0, differs = 0;

	for (size_t i = 0; i < cl->nmembers; i++)
		if (cl_alive(cl, &cl->members[i])) {
			names[n++] = cl->members[i].name;
			differs += cl->members[i].config != cl->config_hash;
		}
	cl->st.config_differs = differs;
	if (owner_set_nodes(cl->owner, names, n) == -1) {
		free(names);
		return;
	}
	free(names);
	for (size_t i = 0; i < owner_nnodes(cl->owner); i++)
		buf_printf(&sig, "%s ", owner_node(cl->owner, i));
	cl->st.nodes = owner_nnodes(cl->owner);
	if (cl->live_sig != NULL && strcmp(cl->live_sig, buf_str(&sig)) == 0) {
		buf_free(&sig);
		return;
	}
	log_info("cluster: %zu live nodes: %s", cl->st.nodes, buf_str(&sig));
	free(cl->live_sig);
	cl->live_sig = buf_steal(&sig);
	for (size_t i = 0; i < cl->p->nfeeds; i++) {
		struct pl_feed *pf = &cl->p->feeds[i];
		int mine;

		if (!pf->in_sched)
			continue;
		mine = owner_is_mine(cl->owner, pf->conf->name, cl->self);
		if (mine == cl->owned[i])
			continue;
		cl->owned[i] = (char)mine;
		if (mine) {
			cl_adopt(cl, i);
			gained++;
			cl->st.owned++;
		} else {
			sched_disown(cl->p->sched, pf->sidx);
			lost++;
			cl->st.owned--;
		}
	}
	if (cl->assigned)
		cl->st.handovers += gained + lost;
	cl->assigned = 1;
	log_info("cluster: this node (%s) polls %zu of %zu feeds (%zu taken "
	         "over, %zu given up)",
	    cl->self, cl->st.owned, cl->p->nfeeds, gained, lost);
}

/* Settle, age the members, assign when something changed. */
static void
cl_evaluate(struct cluster *cl)
{
	if (!cl->settled) {
		if (!cl->nodes_initial || !cl->feeds_initial || !cl->self_seen)
			return;
		if (time_mono_ms() - cl->self_seen_ms <
		    CLUSTER_SETTLE_BEATS * cl->conf->cluster.heartbeat_ms)
			return;
		cl->settled = 1;
		cl->st.settled = 1;
	}
	cl_assign(cl);
}

/* The nodes bucket: a record written or deleted. */
static void
cl_nodes_cb(const struct natsconn_kv_entry *e, void *arg)
{
	struct cluster *cl = arg;
	struct cl_member *m;
	json_t *j;
	const char *cfg = NULL;

	if (e == NULL) {
		cl->nodes_initial = 1;
		cl_evaluate(cl);
		return;
	}
	if (e->created_ms > cl->server_now_ms)
		cl->server_now_ms = e->created_ms;
	if (e->op == NATSCONN_KV_DELETE) {
		for (size_t i = 0; i < cl->nmembers; i++)
			if (strcmp(cl->members[i].name, e->key) == 0 &&
			    strcmp(e->key, cl->self) != 0) {
				log_info("cluster: node %s left", e->key);
				cl_member_drop(cl, i);
				break;
			}
		cl_evaluate(cl);
		return;
	}
	if ((m = cl_member(cl, e->key)) == NULL)
		return;
	m->created_ms = e->created_ms;
	j = json_loadb(e->value, e->len, 0, NULL);
	if (j != NULL && json_unpack(j, "{s:s}", "config", &cfg) == 0)
		m->config = strtoull(cfg, NULL, 16);
	json_decref(j);
	if (m->config != cl->config_hash && !m->differs_told) {
		log_warnx("cluster: node %s runs another config (hash %016llx, "
		          "ours %016llx)",
		    m->name, (unsigned long long)m->config,
		    (unsigned long long)cl->config_hash);
		m->differs_told = 1;
	}
	if (strcmp(e->key, cl->self) == 0) {
		cl->silent = 0;
		if (!cl->self_seen) {
			cl->self_seen = 1;
			cl->self_seen_ms = time_mono_ms();
		}
	}
	if (cl->settled)
		cl_evaluate(cl);
}

/* The feeds bucket: the latest shared state of a feed. */
static void
cl_feeds_cb(const struct natsconn_kv_entry *e, void *arg)
{
	struct cluster *cl = arg;
	ssize_t i;

	if (e == NULL) {
		cl->feeds_initial = 1;
		cl_evaluate(cl);
		return;
	}
	if ((i = cl_feed_of_key(cl, e->key)) < 0)
		return;
	log_debug("cluster: feed %s: shared state %s (%zu bytes)",
	    cl->p->feeds[i].conf->name,
	    e->op == NATSCONN_KV_PUT ? "written" : "deleted", e->len);
	/* What we wrote ourselves we already hold. */
	if (cl->owned[i])
		return;
	free(cl->state[i]);
	cl->state[i] = NULL;
	if (e->op == NATSCONN_KV_PUT && e->len > 0) {
		cl->state[i] = xmalloc(e->len + 1);
		memcpy(cl->state[i], e->value, e->len);
		cl->state[i][e->len] = '\0';
	}
}

/* Our heartbeat record. */
static void
cl_heartbeat(struct cluster *cl)
{
	char hex[17], *s;
	json_t *j;

	hash64_hex(cl->config_hash, hex);
	j = json_pack("{s:s, s:I, s:s, s:I, s:s}", "node", cl->self, "start",
	    (json_int_t)cl->started, "config", hex, "pid", (json_int_t)getpid(),
	    "version", PACKAGE_VERSION);
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return;
	}
	json_decref(j);
	natsconn_kv_put(
	    cl->nc, cl->b_nodes, cl->self, s, strlen(s), cl_put_done, cl);
	free(s);
}

static void cl_ensure(struct cluster *cl);

/* A bucket was ensured; all of them: watch. */
static void
cl_ensured(const struct natsconn_reply *r, void *arg)
{
	struct cl_ens *e = arg;
	struct cluster *cl = e->cl;

	cl->asking &= ~e->bit;
	if (r->result != NATSCONN_OK) {
		/* Not connected yet is the usual first answer. */
		if (natsconn_connected(cl->nc))
			log_warnx("cluster: cannot set up the buckets: %s; "
			          "retrying",
			    r->error != NULL ? r->error : "?");
		return;
	}
	cl->ensured |= e->bit;
	if (cl->ensured != (1U << CLUSTER_NBUCKETS) - 1 || cl->buckets_ok)
		return;
	cl->buckets_ok = 1;
	cl->w_nodes =
	    natsconn_watch(cl->nc, cl->b_nodes, NULL, cl_nodes_cb, cl);
	cl->w_feeds =
	    natsconn_watch(cl->nc, cl->b_feeds, NULL, cl_feeds_cb, cl);
	if (clstory_watch(cl->story) == -1)
		log_warnx("cluster: cannot watch the sightings of this "
		          "node's alerts");
	cl_heartbeat(cl);
}

/* Make each bucket not made yet (idempotent); cl_ensured watches. */
static void
cl_ensure(struct cluster *cl)
{
	/* Stories by alert id (the canonical link, else the item) for as
	 * long as items are kept; by normalised title for the SPEC's
	 * window; sightings as long as the alerts they name. */
	const struct natsconn_bucket b[CLUSTER_NBUCKETS] = {
	    {.name = cl->b_nodes, .ttl_ms = cl->conf->cluster.heartbeat_ttl_ms},
	    {.name = cl->b_feeds},
	    {.name = cl->b_stories, .ttl_ms = cl->conf->daemon.retention_ms},
	    {.name = cl->b_titles,
	        .ttl_ms = (uint64_t)STORY_TITLE_WINDOW_S * 1000},
	    {.name = cl->b_sightings, .ttl_ms = cl->conf->daemon.retention_ms},
	};

	for (unsigned k = 0; k < CLUSTER_NBUCKETS; k++) {
		unsigned bit = 1U << k;
		if ((cl->ensured | cl->asking) & bit)
			continue;
		cl->asking |= bit;
		cl->ens[k] = (struct cl_ens){.cl = cl, .bit = bit};
		natsconn_ensure_bucket(cl->nc, &b[k], cl_ensured, &cl->ens[k]);
	}
}

/*
 * Our records stopped coming back while connected: the server is there
 * but its JetStream state is not (restarted on an empty store), and the
 * watches of the old streams stay silent for good.  Start over: buckets,
 * watches, the alerts stream.  The members and owned feeds are kept, so
 * polling goes on as it was while this happens.
 */
static void
cl_lost(struct cluster *cl)
{
	log_warnx("cluster: our heartbeat did not come back for %u beats: "
	          "NATS lost its JetStream state; setting it up again",
	    cl->silent);
	cl->st.state_lost++;
	cl->silent = 0;
	natsconn_watch_free(cl->w_nodes);
	natsconn_watch_free(cl->w_feeds);
	cl->w_nodes = cl->w_feeds = NULL;
	clstory_unwatch(cl->story);
	cl->buckets_ok = 0;
	cl->ensured = 0;
	alertbus_reensure(cl->p->alertbus);
	cl_ensure(cl);
}

/* Every heartbeat: our record, then the live set. */
static void
cl_tick(evutil_socket_t fd, short what, void *arg)
{
	struct cluster *cl = arg;

	(void)fd;
	(void)what;
	if (!cl->buckets_ok) {
		cl_ensure(cl);
		return;
	}
	if (!natsconn_connected(cl->nc))
		cl->silent = 0;
	else if (++cl->silent > CLUSTER_LOST_BEATS) {
		cl_lost(cl);
		return;
	}
	cl_heartbeat(cl);
	cl_evaluate(cl);
}

/* ---- life ------------------------------------------------------------------
 */

/* Join on the alert bus's connection; the tick does the rest. */
struct cluster *
cluster_new(struct event_base *base, const struct conf *c, struct pipeline *p,
    char **err)
{
	const struct conf_cluster *cc = &c->cluster;
	struct cluster *cl;
	struct timeval tv;
	char key[18];

	if (alertbus_natsconn(p->alertbus) == NULL) {
		*err = xstrdup("no NATS connection (the alert bus did not "
		               "start)");
		return NULL;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->nc = alertbus_natsconn(p->alertbus);
	cl->base = base;
	cl->conf = c;
	cl->p = p;
	cl->self = xstrdup(cc->node);
	xasprintf(&cl->b_nodes, "%s_nodes", cc->name);
	xasprintf(&cl->b_feeds, "%s_feeds", cc->name);
	xasprintf(&cl->b_stories, "%s_stories", cc->name);
	xasprintf(&cl->b_titles, "%s_titles", cc->name);
	xasprintf(&cl->b_sightings, "%s_sightings", cc->name);
	cl->config_hash = cl_config_hash(c);
	cl->started = time(NULL);
	cl->owner = owner_new();
	cl->keys = xcalloc(p->nfeeds + 1, sizeof(*cl->keys));
	for (size_t i = 0; i < p->nfeeds; i++) {
		cl_feed_key(p->feeds[i].conf->name, key);
		cl->keys[i].h = strtoull(key + 1, NULL, 16);
		cl->keys[i].i = i;
	}
	qsort(cl->keys, p->nfeeds, sizeof(*cl->keys), cl_key_cmp);
	cl->state = xcalloc(p->nfeeds + 1, sizeof(*cl->state));
	cl->owned = xcalloc(p->nfeeds + 1, 1);
	cl->story = clstory_new(
	    cl->nc, p, cl->self, cl->b_stories, cl->b_titles, cl->b_sightings);
	p->cl_polled = cl_on_polled;
	p->cl_gate = cl_gate;
	p->cl_arg = cl;
	cl->tick = event_new(base, -1, EV_PERSIST, cl_tick, cl);
	tv.tv_sec = (time_t)(cc->heartbeat_ms / 1000);
	tv.tv_usec = (suseconds_t)(cc->heartbeat_ms % 1000) * 1000;
	evtimer_add(cl->tick, &tv);
	cl_ensure(cl);
	return cl;
}

/* A delete came back; nothing to do either way. */
static void
cl_left(const struct natsconn_reply *r, void *arg)
{
	(void)r;
	(void)arg;
}

/* Our record goes, so the others take over at once. */
void
cluster_leave(struct cluster *cl)
{
	if (cl != NULL && cl->nc != NULL && cl->buckets_ok)
		natsconn_kv_delete(cl->nc, cl->b_nodes, cl->self, cl_left, cl);
}

/* Stop: the watches, our callbacks on the connection (which stays, the
 * alert bus's), the memory. */
void
cluster_free(struct cluster *cl)
{
	if (cl == NULL)
		return;
	if (cl->p != NULL && cl->p->cl_arg == cl) {
		cl->p->cl_polled = NULL;
		cl->p->cl_gate = NULL;
		cl->p->cl_arg = NULL;
	}
	natsconn_watch_free(cl->w_nodes);
	natsconn_watch_free(cl->w_feeds);
	natsconn_cancel(cl->nc, cl);
	for (unsigned k = 0; k < CLUSTER_NBUCKETS; k++)
		natsconn_cancel(cl->nc, &cl->ens[k]);
	clstory_free(cl->story);
	if (cl->tick != NULL)
		event_free(cl->tick);
	for (size_t i = 0; i < cl->nmembers; i++)
		free(cl->members[i].name);
	free(cl->members);
	for (size_t i = 0; cl->state != NULL && i < cl->p->nfeeds; i++)
		free(cl->state[i]);
	free(cl->state);
	free(cl->owned);
	free(cl->keys);
	owner_free(cl->owner);
	free(cl->live_sig);
	free(cl->self);
	free(cl->b_nodes);
	free(cl->b_feeds);
	free(cl->b_stories);
	free(cl->b_titles);
	free(cl->b_sightings);
	free(cl);
}

/* Counters for /metrics. */
void
cluster_stats(const struct cluster *cl, struct cluster_stats *st)
{
	struct natsconn_stats ns;

	*st = cl->st;
	natsconn_stats(cl->nc, &ns);
	st->connected = ns.connected;
	clstory_stats(cl->story, st);
}

/* Who polls feed i, as this node sees the cluster. */
const char *
cluster_feed_owner(const struct cluster *cl, size_t i)
{
	if (!cl->settled || i >= cl->p->nfeeds)
		return NULL;
	return owner_of(cl->owner, cl->p->feeds[i].conf->name);
}

/* This node's name. */
const char *
cluster_node_name(const struct cluster *cl)
{
	return cl->self;
}
