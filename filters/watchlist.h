/*
 * Watchlists against items: the matcher compiles every actor and topic term
 * of a config into one automaton (once per config, shared read-only); a
 * scan tokenises and matches one item at a time, once, and then scores it
 * against each watchlist (SPEC "Scoring"), keeping an explanation record for
 * every match that counted.
 *
 *	m = wl_matcher_new(conf, &err);
 *	s = wl_scan_new(m);
 *	for each item:
 *		wl_item_from_feed(&it, feed_item);
 *		wl_scan_item(s, &it);
 *		for each watchlist wl:
 *			r = wl_scan_score(s, wl, feed);
 *			if (r->alert) ... wl_result_matches_json(s, r, 1) ...
 *
 * A scan is one thread's scratch space: its buffers are kept from item to
 * item, and a result is valid until the next wl_scan_score or
 * wl_scan_item on the same scan.  The item's strings must outlive the
 * results (explanations point into them for snippets).
 */
#ifndef FW_FILTERS_WATCHLIST_H
#define FW_FILTERS_WATCHLIST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/buf.h"
#include "conf/conf.h"

struct feed_item;

enum wl_field {
	WL_TITLE,
	WL_BODY,
	WL_CATEGORIES,
	WL_NFIELDS,
};

/* Bit of each field in wl_entity_result.fields. */
#define WL_FIELD_BIT(f) (1u << (f))

/* Candidate matches kept per item: enough for any article; a pathological
 * one (a megabyte of one watched word) is scored on the first ones, which
 * saturate the score long before. */
#define WL_MAX_HITS 65536
/* Words of context each side of a match in a snippet. */
#define WL_SNIPPET_WORDS 8
/* Snippets per entity in an alert's matches. */
#define WL_MAX_SNIPPETS 3

/* The scored fields of an item (SPEC "Scoring"); NULL strings are empty. */
struct wl_item {
	const char *title;
	const char *body; /* content, or summary when there is no content */
	const char *const *categories;
	size_t ncategories;
	/* Declared language ("ru", "uk-UA"): the feed's `language =`, else
	 * the item's own; NULL: each word says by its script and letters.
	 * Only Russian and Ukrainian change what matches (inflect.h). */
	const char *language;
};

/* One match that counted: which term of which entity, and where. */
struct wl_expl {
	const struct conf_entity *entity;
	const struct conf_term *term;
	enum wl_field field;
	uint32_t word;   /* offset in words from the start of the field */
	uint32_t nwords; /* words the match spans */
};

/* What an actor or topic of a watchlist brought to the score. */
struct wl_entity_result {
	const struct conf_entity *entity;
	int exclude;      /* an exclude topic (contributes nothing) */
	int hits;         /* sum of field factors over its matches */
	int contribution; /* weight * min(hits, saturation) */
	unsigned fields;  /* WL_FIELD_BIT of each field it matched in */
	const struct wl_expl *expl; /* its matches, in field then text order */
	size_t nexpl;
};

struct wl_result {
	const struct conf_watchlist *wl;
	int wanted; /* 0: the watchlist's `feeds =` leaves this feed out */
	int score;
	int threshold;
	int require;  /* the require expression held */
	int excluded; /* an exclude topic matched */
	int alert;
	/* Entities that matched: actors, topics, then exclude topics, each
	 * in watchlist order. */
	struct wl_entity_result *ents;
	size_t nents;
};

struct wl_matcher;
struct wl_scan;

/* Compile every term of c; NULL with *err ("file:line: ...") when a term
 * can never match.  c must outlive the matcher. */
struct wl_matcher *wl_matcher_new(const struct conf *c, char **err);
void wl_matcher_free(struct wl_matcher *m);
size_t wl_matcher_memory(const struct wl_matcher *m);

struct wl_scan *wl_scan_new(const struct wl_matcher *m);
void wl_scan_free(struct wl_scan *s);
/* Tokenise and match an item against every term, once. */
void wl_scan_item(struct wl_scan *s, const struct wl_item *item);
/* norm_fold_hash of the scanned item's title, from the scan's words. */
uint64_t wl_scan_title_hash(const struct wl_scan *s);
/* Score the scanned item for one watchlist of the matcher's config (its
 * cost grows with what matched, not with the size of the watchlist).
 * feed (may be NULL: no restriction) is where the item came from, for the
 * `feeds =` key. */
const struct wl_result *wl_scan_score(struct wl_scan *s,
    const struct conf_watchlist *wl, const struct conf_feed *feed);

/* Distinct forms listed per entity in the "forms" of its matches. */
#define WL_MAX_FORMS 8

/*
 * The words of a match as they stand in the text (Россию for the term
 * Россия, 북한은 for 북한), or NULL when they are the term as written up
 * to case, accents, hyphens and possessives (and for word* terms); *len
 * gets its length.  It points into the item's text.
 */
const char *wl_expl_form(
    const struct wl_scan *s, const struct wl_expl *e, size_t *len);

/* The words around a match, from the original text, with "…" where cut. */
void wl_scan_snippet(
    const struct wl_scan *s, const struct wl_expl *e, struct buf *out);
/*
 * The "matches" array of SPEC's score lines (kind, name, hits,
 * contribution, fields, and "forms" when a term matched in another form
 * than it is written in: Россию for Россия); with alert_form, also
 * "label" and "snippets" as in the alert document.
 */
json_t *wl_result_matches_json(
    const struct wl_scan *s, const struct wl_result *r, int alert_form);
/* Distinct terms listed per entity in "terms" (WL_MATCHES_TERMS). */
#define WL_MAX_TERMS 8
/* What wl_result_matches_write adds to the score lines' form: "label"
 * and "snippets", and "terms" (the terms that matched, "word*" for a
 * prefix term), as the alert document has them. */
#define WL_MATCHES_ALERT 1
#define WL_MATCHES_TERMS 2
struct jw;
/* The same array written as JSON text, as the value of key (NULL: in an
 * array, or at the top); form is WL_MATCHES_ flags. */
void wl_result_matches_write(struct jw *w, const char *key,
    const struct wl_scan *s, const struct wl_result *r, int form);

/*
 * Warnings about terms that compile but will be noisy (a term of one Han
 * character matches inside every word written with it), as
 * "file:line: ..." strings appended to *v (*n of them); `feedwatch check`
 * prints them with the config's own.  Returns how many were added.
 */
size_t wl_term_warnings(const struct conf *c, char ***v, size_t *n);

const char *wl_field_name(enum wl_field f);
/* The fields of a parsed feed item: body is content, else summary. */
void wl_item_from_feed(struct wl_item *it, const struct feed_item *fi);

#endif
