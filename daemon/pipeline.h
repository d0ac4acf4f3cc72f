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
struct event_base;
struct store;

struct pipeline_opts {
	int log_json; /* the log sink prints JSON documents */
};

/* Counters for the status line, the API and the tests. */
struct pipeline_stats {
	uint64_t polls;
	uint64_t not_modified;
	uint64_t poll_errors;
	uint64_t items_new;
	uint64_t alerts;
	uint64_t duplicates; /* alerts suppressed as a story seen before */
	uint64_t bytes;      /* feed bytes read */
};

struct outbox_stats;
struct sched_feed_status;

struct pipeline;

/* Build sinks, matcher, fetcher and scheduler for conf.  NULL with *err
 * (free it) when something cannot start. */
struct pipeline *pipeline_new(struct event_base *base, const struct conf *c,
    struct store *st, const struct pipeline_opts *o, char **err);
/* Poll every feed once, deliver what is due, then call done (--once). */
void pipeline_run_once(struct pipeline *p, void (*done)(void *), void *arg);
/* Poll on schedule, forever. */
void pipeline_run(struct pipeline *p);
/* Stop: no new fetches, transfers in flight abandoned (their items are
 * read again next time), what completed committed. */
void pipeline_stop_fetching(struct pipeline *p);
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
/* Commit what is pending and free everything; transfers in flight are
 * abandoned (their items are new again next time). */
void pipeline_free(struct pipeline *p);

#endif
