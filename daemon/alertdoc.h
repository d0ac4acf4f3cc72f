/*
 * The alert document of the SPEC ("Alert document"): what the outbox
 * stores and every sink receives, built once when an item alerts.
 */
#ifndef FW_DAEMON_ALERTDOC_H
#define FW_DAEMON_ALERTDOC_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

struct conf_feed;
struct feed_item;
struct wl_result;
struct wl_scan;

/* Bytes of the item's summary carried in the alert; the link has the rest. */
#define ALERTDOC_SUMMARY_MAX 600

/* The document as compact JSON (free it), for an item scored on the
 * feed's text: its "article" is "feed". */
char *alertdoc_build(const char *alert_id, const struct wl_scan *scan,
    const struct wl_result *r, const struct conf_feed *feed,
    const struct feed_item *item, time_t fired_at);
/* The same with the item's "article" given: "fetched" when it was scored
 * on its article page, "failed: REASON" when that could not be had. */
char *alertdoc_build_article(const char *alert_id, const struct wl_scan *scan,
    const struct wl_result *r, const struct conf_feed *feed,
    const struct feed_item *item, time_t fired_at, const char *article);

/* A stored alert as the status API's /alerts and `feedwatch alerts` show
 * it: the document with its "also_in" filled from the store's
 * space-separated feeds (may be NULL); NULL when doc is not JSON. */
json_t *alertdoc_stored(const char *doc, const char *also_in);
/* doc with "silence": silence_id added (free it). */
char *alertdoc_silenced(const char *doc, int64_t silence_id);

#endif
