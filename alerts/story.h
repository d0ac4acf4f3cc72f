/*
 * Story identity: when two items are "the same story" for the SPEC's dedup
 * (same canonical link, or the same normalised title within 48 hours), and
 * the alert id that is stable for (watchlist, story).
 */
#ifndef FW_ALERTS_STORY_H
#define FW_ALERTS_STORY_H

/* How long the same normalised title counts as the same story (SPEC). */
#define STORY_TITLE_WINDOW_S (48 * 3600)

/*
 * The link as a dedup key: scheme folded to https, host lower-cased
 * without "www.", default port, fragment and tracking parameters (utm_*,
 * fbclid, gclid, ...) removed, a trailing slash dropped.  "" for an empty
 * link; a string that is not an http(s) URL is returned trimmed as it is.
 * Free the result.
 */
char *story_canonical_link(const char *link);
/* Nonzero when a query parameter name only tracks the reader. */
int story_is_tracking_param(const char *name, size_t len);
/* The alert id for (watchlist, story key): 16 hex digits into out. */
void story_alert_id(const char *watchlist, const char *story_key, char out[17]);

#endif
