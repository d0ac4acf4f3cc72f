/*
 * The poll scheduler: when each feed is fetched next, and what a fetch's
 * outcome means for the feed (SPEC "Fetching").  Feeds wait in one binary
 * min-heap keyed by their due time, behind ONE libevent timer set for the
 * earliest, so 10,000 feeds cost 10,000 small heap slots, not 10,000 timers.
 *
 *	s = sched_new(base, fetcher, on_item, on_result, arg);
 *	sched_add(s, &(struct sched_feed_def){.name = ..., .url = ...});
 *	event_base_dispatch(base);
 *	fetcher_free(fetcher);	(first: it holds the scheduler's feeds)
 *	sched_free(s);
 *
 * After a good poll (200 or 304) a feed is due again after its interval
 * plus up to SCHED_JITTER_PERCENT of it at random, so feeds that share an
 * interval drift apart instead of firing together.  After a failure it
 * backs off exponentially (interval x 2^errors, capped at a day); a 429 or
 * 503 with Retry-After waits what the server asked.  A 301/308 chain moves
 * the feed to its new URL; a 410 disables it with a log line.  Everything
 * the status API shows per feed is kept here.
 */
#ifndef FW_FEEDS_SCHED_H
#define FW_FEEDS_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feeds/fetch.h"

/* Jitter added to each interval: up to a tenth of it. */
#define SCHED_JITTER_PERCENT 10
/* SPEC: error backoff is capped at one day (unless the interval is longer). */
#define SCHED_MAX_BACKOFF_MS (24ULL * 3600 * 1000)
/* A Retry-After beyond a day is not honoured further: a server must not be
 * able to park a feed for a year with one header. */
#define SCHED_MAX_RETRY_AFTER_MS SCHED_MAX_BACKOFF_MS
/* New feeds without a given first delay start within this window (or their
 * interval, if shorter), spread at random, not all at once. */
#define SCHED_START_SPREAD_MS (60ULL * 1000)

/* A feed's health as the store kept it, so that a restart shows it and a
 * failing feed backs off from where it was. */
struct sched_health {
	time_t last_poll;    /* 0: never polled */
	time_t last_success; /* 0: never worked */
	unsigned errors;     /* consecutive failures */
	int status;          /* enum fetch_status; < 0: none */
	long http_code;
	const char *error; /* copied; NULL when the last poll worked */
	uint64_t next_delay_ms;
};

struct sched_feed_def {
	const char *name;     /* copied */
	const char *url;      /* copied */
	uint64_t interval_ms; /* >= 1 */
	const char *etag;     /* stored validators, or NULL */
	const char *last_modified;
	int64_t first_delay_ms; /* < 0: at random in the start spread */
	const char *ca_file;    /* the feed's own CAs, or NULL; copied */
	const char *ca_path;
	/* Per-feed request settings, not copied: they must outlive the
	 * scheduler (the pipeline's config does).  NULL: none. */
	const struct conf_fetch *http;
	const char *user_agent;
	int disabled; /* `enabled = no`: listed, never polled */
	const struct sched_health *health; /* NULL: a feed never seen */
	int parked; /* cluster mode: another node may own it; wait for
	               sched_own before polling */
};

/* One feed as the status API shows it.  Pointers are the scheduler's. */
struct sched_feed_status {
	const char *name;
	const char *url; /* current, after permanent redirects */
	int enabled;     /* 0 after a 410 */
	int in_flight;
	time_t last_poll;    /* 0: never polled */
	time_t last_success; /* 0: never worked */
	enum fetch_status status;
	long http_code;
	uint64_t bytes;
	size_t items;
	const char *error;      /* of the last poll; NULL when it worked */
	unsigned errors;        /* consecutive failed polls */
	time_t next_poll;       /* 0 when disabled or in flight */
	uint64_t next_delay_ms; /* the wait chosen after the last poll */
	const char *etag;
	const char *last_modified;
	uint64_t unchanged; /* 200s with the same bytes as the last 200 */
	const char *title;  /* the config's display name (pipeline); NULL */
};

/* Each item of a feed as it is parsed, and each poll's outcome after the
 * scheduler has updated the feed's state.  feed is the index sched_add
 * returned. */
typedef void (*sched_item_cb)(
    size_t feed, const struct feed_item *item, void *arg);
typedef void (*sched_result_cb)(
    size_t feed, const struct fetch_result *r, void *arg);

/* Does the caller have this item of a feed already (feed_known_cb)? */
typedef int (*sched_known_cb)(size_t feed, const char *id, void *arg);

struct sched;

struct sched *sched_new(struct event_base *base, struct fetcher *f,
    sched_item_cb on_item, sched_result_cb on_result, void *arg);
/* Ask known about each item before it is made text; NULL: never. */
void sched_set_known(struct sched *s, sched_known_cb known);
/* Add a feed; returns its index (0, 1, ...). */
size_t sched_add(struct sched *s, const struct sched_feed_def *def);
size_t sched_nfeeds(const struct sched *s);
/* Make every enabled feed that is not in flight due now (--once, tests). */
void sched_poll_all_now(struct sched *s);
/* Forget a feed's validators and body digest, so that its next poll is
 * read and parsed in full (its items could not be stored). */
void sched_forget(struct sched *s, size_t feed);
/*
 * Cluster mode: whether this node polls a feed.  sched_disown takes a
 * waiting feed out of the heap (one in flight completes, then waits); a
 * parked feed is never polled.  sched_own puts it back, due in delay_ms,
 * with the state the cluster kept for it (validators and health; NULL
 * keeps what the scheduler has).  Both are no-ops when nothing changes.
 */
struct sched_shared {
	const char *url; /* after permanent redirects; NULL: unchanged */
	const char *etag, *last_modified;
	const struct sched_health *health;
};
void sched_disown(struct sched *s, size_t feed);
void sched_own(struct sched *s, size_t feed, uint64_t delay_ms,
    const struct sched_shared *sh);
int sched_is_owned(const struct sched *s, size_t feed);
/*
 * A feed whose last poll waits to be written (the cluster's story checks
 * hold the group commit) must not be polled again meanwhile: the second
 * poll's outcome would replace the first's unwritten one.  sched_hold
 * takes it out of the heap; sched_release puts it back, due when it was
 * (at once if that passed).  Both are no-ops when nothing changes.
 */
void sched_hold(struct sched *s, size_t feed);
void sched_release(struct sched *s, size_t feed);
/* What the status API shows for one feed. */
void sched_status(
    const struct sched *s, size_t feed, struct sched_feed_status *st);
void sched_free(struct sched *s);

/* The wait after `errors` consecutive failures of a feed polled every
 * interval_ms, without jitter. */
uint64_t sched_backoff_ms(uint64_t interval_ms, unsigned errors);

#endif
