/*
 * Article fetches: an article page fetched by the daemon's fetcher and
 * read by the extractor (feeds/article.h) as it streams in.  The article
 * fetcher is a fetcher of its own on the same loop and curl driver, so
 * article fetches have their own share of transfers (max_concurrent of
 * their options) and never take a feed poll's slot, while every other
 * rule of the fetcher holds for them: per-host limits, timeout, max-size,
 * redirects, compression, the user agent.
 *
 *	af = artfetcher_new(base, &opts, &err);
 *	artfetcher_start(af, url, xpath, on_done, arg, &err);
 *	...
 *	artfetcher_free(af);	(abandons what is in flight, no callbacks)
 */
#ifndef FW_FEEDS_ARTFETCH_H
#define FW_FEEDS_ARTFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "feeds/article.h"
#include "feeds/fetch.h"

/* What one article fetch came to.  Strings are valid during the call. */
struct artfetch_result {
	int ok;             /* the page was read and had text */
	const char *reason; /* !ok: why, for the alert's "failed: REASON" */
	const struct article *art; /* ok: title, text, rule */
	uint64_t bytes;            /* page bytes read */
	uint64_t extract_us;       /* parsing and extraction time */
};

typedef void (*artfetch_cb)(const struct artfetch_result *r, void *arg);

struct artfetcher;
struct feed_item;

/* Make an item's article text what is scored and quoted: its content
 * becomes (a copy of) text and its summary empty. */
void artfetch_apply(struct feed_item *it, const char *text);

/* Counters for the status API and /metrics. */
struct artfetch_stats {
	uint64_t fetched;
	uint64_t failed;
	uint64_t extract_us; /* summed over every page read */
	uint64_t pages;      /* pages that reached the extractor */
};

/* NULL with *err (free it) as for fetcher_new. */
struct artfetcher *artfetcher_new(
    struct event_base *base, const struct fetch_options *o, char **err);
/* Fetch url and extract (xpath may be NULL); cb is called exactly once,
 * from the loop, unless the artfetcher is freed first.  -1 with *err
 * for a URL the fetcher refuses (cb is then not called). */
int artfetcher_start(struct artfetcher *af, const char *url,
    const struct article_xpath *xpath, artfetch_cb cb, void *arg, char **err);
size_t artfetcher_in_flight(const struct artfetcher *af);
const struct artfetch_stats *artfetcher_stats(const struct artfetcher *af);
void artfetcher_free(struct artfetcher *af);

#endif
