/*
 * The pipeline: everything between a feed's bytes and an alert in the
 * outbox.  The scheduler polls feeds; each new item (not seen before in
 * its feed) is stored, scored against every watchlist, and each alert that
 * is not a story this watchlist already alerted on is built and queued for
 * the watchlist's sinks — the item's row and its alerts in one transaction,
 * committed when the fetch completes and before any sink sees them.
 */
#ifndef FW_DAEMON_PIPELINE_H
#define FW_DAEMON_PIPELINE_H

#include <stdint.h>

struct conf;
struct curlev;
struct event_base;
struct store;

struct pipeline_opts {
	int log_json; /* the log sink prints JSON documents */
	int check;    /* `feedwatch check`: sinks create no files */
};

/* Counters for the status line, the API and the tests. */
/* The fetch-duration histogram's upper bounds, in seconds (/metrics). */
#define PIPELINE_FETCH_BUCKETS                              \
	{                                                   \
		0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 \
	}
#define PIPELINE_NFETCH_BUCKETS 10

struct pipeline_stats {
	uint64_t polls;
	/* polls by duration: fetch_le[i] took at most bucket i (cumulative
	 * as Prometheus wants it is made when shown) */
	uint64_t fetch_le[PIPELINE_NFETCH_BUCKETS];
	uint64_t fetch_us; /* the durations' sum */
	uint64_t not_modified;
	uint64_t unchanged; /* 200s with the same bytes as the last one */
	uint64_t poll_errors;
	uint64_t items_new;
	uint64_t items_again; /* old items left unread: the same bytes */
	uint64_t alerts;
	uint64_t duplicates; /* alerts suppressed as a story seen before */
	uint64_t bytes;      /* feed bytes read */
	uint64_t giant_tags; /* start tags past 1 MiB, read without their
	                        attributes */
	/* Items of `article = fetch` feeds scored on their article, and on
	 * the feed's text because the article could not be had. */
	uint64_t articles_fetched;
	uint64_t articles_failed;
};

struct outbox_stats;
struct sched_feed_status;

struct pipeline;

/*
 * A pipeline is made in two steps, so that a reload can refuse a config
 * without disturbing the running one.  pipeline_prepare builds everything
 * that can fail on a config that loaded — the matcher (a term that can
 * never match) and the sinks (a file that cannot be opened) — and touches
 * neither a loop nor the store: `feedwatch check` calls it too, so a
 * config is valid for the tool exactly when it is for the daemon.
 * pipeline_start then puts the prepared pipeline on the loop: the outbox,
 * the fetcher and the sinks on the program's one curl driver (cv, which
 * outlives the pipeline), the scheduler, and each feed's schedule and
 * validators read from the store.
 */
/* NULL with *err (free it, "file:line: ...") when c cannot be built;
 * free the result with pipeline_free, started or not.  With o->check a
 * file sink's file is checked, not created. */
struct pipeline *pipeline_prepare(
    const struct conf *c, const struct pipeline_opts *o, char **err);
/* Start a prepared pipeline.  -1 with *err only when the fetcher cannot
 * be made (a libcurl without an asynchronous resolver): the pipeline then
 * delivers but does not poll.  A feed whose stored state cannot be read
 * is polled at once without validators (and said so in the log). */
int pipeline_start(struct pipeline *p, struct event_base *base,
    struct store *st, struct curlev *cv, char **err);
/* Poll every feed once, deliver what is due, then call done (--once). */
void pipeline_run_once(struct pipeline *p, void (*done)(void *), void *arg);
/* Poll on schedule, forever. */
void pipeline_run(struct pipeline *p);
/* Stop: no new fetches, transfers in flight abandoned (their items are
 * read again next time), what completed committed. */
void pipeline_stop_fetching(struct pipeline *p);
/* Name each message still pending in the log; how many there are. */
size_t pipeline_report_undelivered(struct pipeline *p);
/* Call done once the outbox has nothing due and nothing in flight. */
void pipeline_drain(struct pipeline *p, void (*done)(void *), void *arg);
size_t pipeline_deliveries_in_flight(const struct pipeline *p);
const struct pipeline_stats *pipeline_stats(const struct pipeline *p);
/* What the status API shows: per feed (config order; a feed disabled
 * before this start shows enabled = 0), per watchlist, per sink. */
size_t pipeline_nfeeds(const struct pipeline *p);
void pipeline_feed_status(
    const struct pipeline *p, size_t i, struct sched_feed_status *st);
uint64_t pipeline_watchlist_alerts(const struct pipeline *p, size_t i);
const struct outbox_stats *pipeline_sink_stats(
    const struct pipeline *p, size_t i);
/* A reload: per sink of nc, when old's sink of that name last gave up on
 * an alert (free the array), saved before old is freed and put into the
 * new pipeline after pipeline_start, so /healthz still says so. */
int64_t *pipeline_sink_failures(
    const struct pipeline *old, const struct conf *nc);
void pipeline_restore_sink_failures(struct pipeline *np, const int64_t *t);
/* Article pages (`article = fetch` feeds): fetched, failed, taken from
 * the store, extraction time; NULL before the pipeline started. */
struct artwait_stats;
const struct artwait_stats *pipeline_article_stats(const struct pipeline *p);
/* Items waiting for their article now. */
size_t pipeline_articles_waiting(const struct pipeline *p);
/* The cluster node this pipeline polls for (daemon/cluster.h); NULL
 * when it runs alone. */
struct cluster;
const struct cluster *pipeline_cluster(const struct pipeline *p);
/* The counts of the cluster's alert flow (alerts/alertbus.h); -1 when
 * the config has no [cluster]. */
struct alertbus_stats;
int pipeline_alertbus_stats(
    const struct pipeline *p, struct alertbus_stats *st);
/* Its NATS connection (cluster/natsconn.h); NULL without [cluster]. */
struct natsconn;
const struct natsconn *pipeline_natsconn(const struct pipeline *p);
/* Commit what is pending and free everything; transfers in flight are
 * abandoned (their items are new again next time). */
void pipeline_free(struct pipeline *p);

#endif
