/*
 * What watchlist.c (building the matcher, matching an item) and score.c
 * (scoring, require, explanations) share about a scan.  Private to
 * filters/.
 */
#ifndef FW_FILTERS_WL_PRIV_H
#define FW_FILTERS_WL_PRIV_H

#include "filters/automaton.h"
#include "filters/normalize.h"
#include "filters/watchlist.h"

/* What an entity is to a watchlist: so that scoring looks only at the
 * entities that matched, never at every entity of a large watchlist. */
enum wl_role {
	WL_ROLE_ACTOR = 1,
	WL_ROLE_TOPIC,
	WL_ROLE_EXCLUDE,
};

struct wl_role_ref {
	uint32_t wl;  /* index in conf.watchlists */
	uint32_t pos; /* its place in that list of the watchlist */
	uint8_t role; /* enum wl_role */
};

struct wl_matcher {
	const struct conf *conf;
	struct ac *ac;
	size_t nterms; /* every entity's together */
	/* Per entity, its roles: roles[role_first[e] .. + role_n[e]]. */
	struct wl_role_ref *roles;
	uint32_t *role_first, *role_n;
};

/* The automaton's value for a term: the entity's index and the term's
 * index in that entity, so a hit finds its conf_term without a table of
 * its own. */
#define WL_VALUE(entity, term) ((uint64_t)(entity) << 32 | (term))

/* A candidate match before overlaps are resolved. */
struct wl_hit {
	uint32_t entity;
	uint32_t term;
	uint32_t first, last;
	uint32_t field;
};

/* A position of a match, for near(). */
struct wl_pos {
	uint32_t first, last, seg;
	uint8_t field, side; /* side: 1 A, 2 B, 3 both */
};

/* Slots of the scan's cache of term words (a few terms make most
 * alerts); a term of more words or bytes than a slot holds is tokenised
 * each time, as every term was before. */
#define WL_FORM_SLOTS 256
#define WL_FORM_WORDS 8
#define WL_FORM_BYTES 96

/* A term's folded words: len[k] bytes each, back to back in bytes. */
struct wl_form {
	const struct conf_term *term; /* NULL: an empty slot */
	uint8_t nwords;
	uint8_t len[WL_FORM_WORDS];
	char bytes[WL_FORM_BYTES];
};

struct wl_scan {
	const struct wl_matcher *m;
	struct wl_item item;
	struct norm_text nt[WL_NFIELDS];
	int field; /* being scanned, for the hit callback */

	struct wl_hit *hits;
	size_t nhits, caphits;
	int truncated; /* WL_MAX_HITS was reached */

	/* Overlap resolution: the stamp of the entity that owns a word. */
	uint32_t *cover[WL_NFIELDS];
	size_t capcover[WL_NFIELDS];
	uint32_t stamp;

	/* Matches that counted, grouped by entity, then field, then word. */
	struct wl_expl *acc;
	size_t nacc, capacc;
	uint32_t *ent_first; /* per entity: its first in acc */
	uint32_t *ent_n;     /* per entity: how many */
	uint32_t *touched;   /* entities with ent_n set, to clear */
	size_t ntouched;

	struct wl_result res;
	struct wl_entity_result *ents;
	uint64_t *ent_order; /* role << 32 | place, to sort ents */
	size_t capents;
	struct wl_pos *pos;
	size_t cappos;

	/* A term tokenised to compare with the words it matched
	 * (wl_expl_form), kept so that costs no allocation per alert. */
	struct norm_text *term_nt;
	/* The folded words of terms tokenised so, by the term's address:
	 * an alert's matches name a few terms again and again. */
	struct wl_form *forms;
};

/* Index of an entity of the scan's config. */
static inline uint32_t
wl_entity_index(const struct wl_scan *s, const struct conf_entity *e)
{
	return (uint32_t)(e - s->m->conf->entities);
}

#endif
