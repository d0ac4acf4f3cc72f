/*
 * A feed's own request settings, private to the fetcher (feeds/fetch.c).
 */
#ifndef FEEDS_FETCH_FEED_H
#define FEEDS_FETCH_FEED_H

#include <curl/curl.h>

#include "feeds/fetch.h"

struct fetch_feed_opts;

/* The job's copy of a request's per-feed settings; NULL when none. */
struct fetch_feed_opts *fetch_feed_opts_new(const struct fetch_request *req);
/* Free the copy (NULL is fine). */
void fetch_feed_opts_free(struct fetch_feed_opts *fo);
/* Set them on a transfer; the feed's headers are appended to *headers. */
void fetch_feed_setopts(
    CURL *e, const struct fetch_feed_opts *fo, struct curl_slist **headers);

#endif
