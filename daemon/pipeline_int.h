/*
 * The pipeline's state, shared by pipeline.c (what it does),
 * pipeline_item.c (the per-item path) and
 * pipeline_get.c (what the status API and the tools read of it).
 */
#ifndef DAEMON_PIPELINE_INT_H
#define DAEMON_PIPELINE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/util.h>

#include "alerts/story.h"
#include "common/idset.h"
#include "daemon/pipeline.h"

/* An alert an item raised, waiting for its batch to be written. */
struct pl_alert {
	const struct conf_watchlist *wl;
	char id[17];
	int score;
	char *doc;
	/* Cluster mode: has another node alerted on this story?  0 not
	 * asked, 1 asked, 2 no (this node is first), 3 yes. */
	int elsewhere;
	/* 3: the alert raised first, when its key's value said ("" when
	 * not), and whether this feed went into its also_in (another
	 * feed) or was the alert's own (two nodes polled it). */
	char first_id[17];
	char first_node[129];
	int first_also;
};

/* A new item of a fetch, waiting to be written. */
struct pl_item {
	char *id, *title, *link, *body;
	char *categories, *language; /* for replay; NULL when none */
	int unscored; /* a re-issue, or past the backfill: not scored */
	int64_t published;
	struct story_id story;
	struct pl_alert *alerts;
	size_t nalerts;
	char *article_json; /* waits for its article (daemon/artwait.h) */
};

enum { PL_STORED_UNKNOWN, PL_STORED_NONE, PL_STORED_SOME };

struct pl_feed {
	const struct conf_feed *conf;
	int first_fetch;   /* the store has never seen a fetch of it */
	int backfill_left; /* items of the first fetch that may alert */
	int lost;          /* a write of this fetch's items failed */
	int read_ok;       /* this poll read the feed (200, or a file) */
	int unchanged;     /* ... and its bytes were the last 200's */
	int saved_clean;   /* its stored row says no errors */
	int ready;    /* its fetch completed; waiting for the group commit */
	size_t sidx;  /* its index in the scheduler */
	int in_sched; /* 0: disabled (410) before this start */
	struct pl_item *batch;
	size_t nbatch, capbatch;
	uint64_t batch_gen; /* a new batch: answers for the old are stale */
	/* Ids known seen without asking the store: those of this poll's
	 * document so far (cur) and of the last one read (old). */
	struct idset seen_cur, seen_old;
	uint64_t checked_new; /* idset_key of an id just found new, or 0 */
	/* Does the store hold items of it?  Asked once (PL_STORED_UNKNOWN
	 * until then); only this process's commits change the answer. */
	int stored;
	unsigned new_items, reissued, alerts; /* this fetch */
};

struct pipeline {
	struct event_base *base;
	const struct conf *conf;
	struct store *store;
	struct wl_matcher *matcher;
	struct wl_scan *scan;
	struct sink **sinks; /* one per [sink], in config order */
	size_t nsinks;
	struct outbox *outbox;
	/* Cluster mode: the real sinks, p->sinks their relays into the
	 * cluster's alerts stream (alerts/alertbus.h); NULL alone. */
	struct alertbus *alertbus;
	struct fetcher *fetcher;
	struct artwait *artwait; /* article = fetch feeds' items */
	struct sched *sched;
	struct pl_feed *feeds; /* config order */
	size_t nfeeds;
	size_t *sched_feed; /* scheduler index -> feeds[] index */
	size_t nsched;      /* scheduled and enabled: what --once polls */
	struct pipeline_stats stats;
	uint64_t *wl_alerts; /* per watchlist, config order */
	/* Fetches completed since the last group commit (feeds[] indexes). */
	size_t *ready;
	size_t nready;
	uint64_t ready_us; /* when the first of them completed */
	struct event *commit_ev;
	/* Made active by a store lookup: ends its read transaction when
	 * this turn of the loop is done (pipeline_lookups_done). */
	struct event *read_ev;
	/* Cluster mode (daemon/cluster.c): feeds start parked, and each
	 * committed poll of a feed is told, to share its state. */
	int cluster;
	void (*cl_polled)(void *arg, size_t feed);
	/* Ask the cluster about the stories of the ready batches; how many
	 * answers are still due (the commit waits for them; the cluster
	 * makes commit_ev active when the last one came). */
	size_t (*cl_gate)(void *arg);
	struct cluster *cl_arg;
	/* --once */
	int once;
	size_t once_pending;
	void (*once_done)(void *);
	void *once_arg;
};

struct feed_item;

/* pipeline_item.c: the per-item path. */
void pipeline_score(struct pipeline *p, struct pl_feed *pf, struct pl_item *pi,
    const struct feed_item *item, time_t now, const char *article);
int pipeline_item(
    struct pipeline *p, struct pl_feed *pf, const struct feed_item *item);
int pipeline_on_known(size_t feed, const char *id, void *arg);
void pipeline_lookups_done(evutil_socket_t fd, short what, void *arg);

#endif
