/*
 * Items waiting for their article: the part of the pipeline that serves
 * `article = fetch` feeds.  The pipeline hands over each new item of such
 * a feed once the transaction that marked it seen (and pending in the
 * store) has committed; artwait takes the page's outcome from the store
 * when it was fetched before, else fetches it through the article
 * fetcher (feeds/artfetch.h), keeps the outcome in the store, and calls
 * the pipeline back with the item ready to score: its content the
 * article's text, or as the feed gave it when the page could not be had.
 * At start, artwait_resume re-drives every item the store still has
 * pending (a stop or a crash while articles were in flight).
 */
#ifndef FW_DAEMON_ARTWAIT_H
#define FW_DAEMON_ARTWAIT_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct curlev;
struct event_base;
struct feed_item;
struct store;

/* An item whose article is settled.  Valid during the callback. */
struct artwait_done {
	size_t feed;                  /* index in the config's feeds */
	const struct feed_item *item; /* content: what is to be scored */
	const char *article;          /* "fetched" or "failed: REASON" */
	int ok;                       /* the article was read */
	int cached;                   /* its outcome came from the store */
	uint64_t queued_us;           /* time_mono_us when it began to wait */
};

typedef void (*artwait_cb)(const struct artwait_done *d, void *arg);

/* Counters for the status API and /metrics. */
struct artwait_stats {
	uint64_t fetched;    /* pages read (from the network) */
	uint64_t failed;     /* pages that could not be had */
	uint64_t cached;     /* outcomes taken from the store */
	uint64_t pages;      /* pages parsed */
	uint64_t extract_us; /* parsing and extraction, summed */
};

struct artwait;

/* The article fetcher on cv (its own share of c's max-concurrent), and
 * every feed's article-xpath.  NULL with *err (free it). */
struct artwait *artwait_new(struct event_base *base, const struct conf *c,
    struct store *st, struct curlev *cv, artwait_cb cb, void *arg, char **err);
/* What the store keeps of a waiting item (free it). */
char *artwait_item_json(const struct feed_item *item);
/* An item, seen and pending in the store, waits for its article. */
void artwait_add(struct artwait *aw, size_t feed, const char *id,
    const char *link, const char *item_json);
/* Re-drive what the store has pending; -1 when it cannot be read. */
int artwait_resume(struct artwait *aw);
/* Items waiting. */
size_t artwait_pending(const struct artwait *aw);
const struct artwait_stats *artwait_stats(const struct artwait *aw);
/* Abandon what waits (it stays pending in the store). */
void artwait_free(struct artwait *aw);

#endif
