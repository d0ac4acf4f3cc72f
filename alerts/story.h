/*
 * Story identity: when two items are "the same story" for the SPEC's dedup
 * (same canonical link, or the same normalised title within 48 hours), and
 * the alert id that is stable for (watchlist, story).  story_identify is
 * the one place an item's identity is made: the daemon stores it with the
 * item and its alerts, and compares it with earlier alerts.
 */
#ifndef FW_ALERTS_STORY_H
#define FW_ALERTS_STORY_H

#include <stdint.h>

/* How long the same normalised title counts as the same story (SPEC). */
#define STORY_TITLE_WINDOW_S (48 * 3600)

/* An item's identity as a story. */
struct story_id {
	char *link_canon;   /* story_canonical_link of its link; "" if none */
	char title_key[17]; /* hash of the normalised title; "" if none */
	char *key;          /* what its alert ids hash: the canonical link,
	                       else "FEED\nITEM-ID" (a story of one feed) */
};

/* The identity of item item_id of feed, with this link and title (the
 * title's words folded as the matcher folds them, so case, accents and
 * punctuation do not make another story).  Free with story_id_clear. */
void story_identify(struct story_id *sid, const char *feed, const char *item_id,
    const char *link, const char *title);
/* The same in two steps, for the daemon, whose matcher tokenises the
 * title of an item it scores anyway: the link's part, then the title key
 * from the title, or from norm_fold_hash of its words (filters/). */
void story_identify_link(struct story_id *sid, const char *feed,
    const char *item_id, const char *link);
void story_title_key(const char *title, char out[17]);
void story_title_key_of(uint64_t folded_hash, char out[17]);
void story_id_clear(struct story_id *sid);
/* The key of a story_id from its stored parts (free it): what a replay
 * recomputes alert ids from. */
char *story_key(const char *feed, const char *item_id, const char *link_canon);

/*
 * The link as a dedup key: scheme folded to https, host lower-cased
 * without "www.", default port, fragment and tracking parameters (utm_*,
 * fbclid, gclid, ...) removed, a trailing slash dropped.  "" for an empty
 * link; a string that is not an http(s) URL is returned trimmed as it is.
 * Free the result.
 */
char *story_canonical_link(const char *link);
/* The same through libcurl's URL parser for every link, which
 * story_canonical_link uses only for the uncommon ones: the reference its
 * plain path is tested against. */
char *story_canonical_link_curl(const char *link);
/* Nonzero when a query parameter name only tracks the reader. */
int story_is_tracking_param(const char *name, size_t len);
/* The alert id for (watchlist, story key): 16 hex digits into out. */
void story_alert_id(const char *watchlist, const char *story_key, char out[17]);

/*
 * The story dedup rule in memory, for a replay that cannot write alerts:
 * the stories a watchlist has alerted on, found by canonical link (ever)
 * or by title key (within STORY_TITLE_WINDOW_S of `when`), exactly as
 * store_story_find asks the store.  Strings are kept as 64-bit hashes.
 */
struct story_memo;

struct story_memo *story_memo_new(void);
void story_memo_free(struct story_memo *m);
/* 1 when a story with this link, or this title key since
 * when - STORY_TITLE_WINDOW_S, was added. */
int story_memo_find(const struct story_memo *m, const char *link_canon,
    const char *title_key, int64_t when);
/* An alert on this story at `when`. */
void story_memo_add(struct story_memo *m, const char *link_canon,
    const char *title_key, int64_t when);

#endif
