/*
 * Compiling a config's actors and topics into one automaton, and matching
 * an item once against all of them: each field is tokenised once, the
 * automaton reports every term it finds, and overlapping matches of one
 * actor or topic are reduced to the longest (SPEC "Matching").  What is
 * left is kept per entity for score.c to weigh against each watchlist.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "feeds/parse.h"
#include "filters/inflect.h"
#include "filters/wl_priv.h"

/* Count (first pass, roles NULL) or record the roles of one list. */
static void
wl_roles_of(struct wl_matcher *m, uint32_t w,
    const struct conf_entity *const *v, size_t n, uint8_t role, uint32_t *fill)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t e = (uint32_t)(v[i] - m->conf->entities);

		if (fill == NULL) {
			m->role_n[e]++;
			continue;
		}
		m->roles[m->role_first[e] + fill[e]++] =
		    (struct wl_role_ref){w, (uint32_t)i, role};
	}
}

/* Index, per entity, which watchlists use it and how. */
static void
wl_matcher_index_roles(struct wl_matcher *m)
{
	const struct conf *c = m->conf;
	size_t n = c->nentities ? c->nentities : 1, total = 0;
	uint32_t *fill = xcalloc(n, sizeof(*fill));

	m->role_first = xcalloc(n, sizeof(*m->role_first));
	m->role_n = xcalloc(n, sizeof(*m->role_n));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t w = 0; w < c->nwatchlists; w++) {
			const struct conf_watchlist *wl = &c->watchlists[w];

			wl_roles_of(m, (uint32_t)w, wl->actors, wl->nactors,
			    WL_ROLE_ACTOR, pass ? fill : NULL);
			wl_roles_of(m, (uint32_t)w, wl->topics, wl->ntopics,
			    WL_ROLE_TOPIC, pass ? fill : NULL);
			wl_roles_of(m, (uint32_t)w, wl->exclude, wl->nexclude,
			    WL_ROLE_EXCLUDE, pass ? fill : NULL);
		}
		if (pass == 0) {
			for (size_t e = 0; e < c->nentities; e++) {
				m->role_first[e] = (uint32_t)total;
				total += m->role_n[e];
			}
			m->roles = xreallocarray(
			    NULL, total ? total : 1, sizeof(*m->roles));
		}
	}
	free(fill);
}

/* Add every term of every entity to one automaton, then build it. */
struct wl_matcher *
wl_matcher_new(const struct conf *c, char **err)
{
	struct wl_matcher *m = xcalloc(1, sizeof(*m));

	*err = NULL;
	m->conf = c;
	m->ac = ac_new();
	for (size_t e = 0; e < c->nentities; e++) {
		const struct conf_entity *ent = &c->entities[e];

		for (size_t t = 0; t < ent->nterms; t++) {
			const struct conf_term *term = &ent->terms[t];
			char *why;

			if (ac_add(m->ac, term->text, term->exact, term->prefix,
			        WL_VALUE(e, t), &why) == -1) {
				xasprintf(err, "%s:%d: %s",
				    term->where.file ? term->where.file : "?",
				    term->where.line, why);
				free(why);
				wl_matcher_free(m);
				return NULL;
			}
			m->nterms++;
		}
	}
	ac_build(m->ac);
	wl_matcher_index_roles(m);
	return m;
}

/* Free the matcher (NULL is fine). */
void
wl_matcher_free(struct wl_matcher *m)
{
	if (m == NULL)
		return;
	ac_free(m->ac);
	free(m->roles);
	free(m->role_first);
	free(m->role_n);
	free(m);
}

/* Bytes the matcher allocated. */
size_t
wl_matcher_memory(const struct wl_matcher *m)
{
	return sizeof(*m) + ac_memory(m->ac);
}

/* Scratch space for scanning items with m. */
struct wl_scan *
wl_scan_new(const struct wl_matcher *m)
{
	struct wl_scan *s = xcalloc(1, sizeof(*s));
	size_t n = m->conf->nentities ? m->conf->nentities : 1;

	s->m = m;
	for (int f = 0; f < WL_NFIELDS; f++)
		norm_text_init(&s->nt[f]);
	s->term_nt = xcalloc(1, sizeof(*s->term_nt));
	norm_text_init(s->term_nt);
	s->forms = xcalloc(WL_FORM_SLOTS, sizeof(*s->forms));
	s->ent_first = xcalloc(n, sizeof(*s->ent_first));
	s->ent_n = xcalloc(n, sizeof(*s->ent_n));
	s->touched = xcalloc(n, sizeof(*s->touched));
	return s;
}

/* Free a scan (NULL is fine). */
void
wl_scan_free(struct wl_scan *s)
{
	if (s == NULL)
		return;
	for (int f = 0; f < WL_NFIELDS; f++) {
		norm_text_free(&s->nt[f]);
		free(s->cover[f]);
	}
	free(s->hits);
	free(s->acc);
	free(s->ent_first);
	free(s->ent_n);
	free(s->touched);
	free(s->ents);
	free(s->ent_order);
	free(s->pos);
	if (s->term_nt != NULL)
		norm_text_free(s->term_nt);
	free(s->term_nt);
	free(s->forms);
	free(s);
}

/* The automaton's report: keep the candidate. */
static void
wl_on_hit(void *arg, uint64_t value, uint32_t first, uint32_t last)
{
	struct wl_scan *s = arg;
	struct wl_hit *h;

	if (s->nhits >= WL_MAX_HITS) {
		s->truncated = 1;
		return;
	}
	if (s->nhits == s->caphits) {
		s->caphits = s->caphits ? s->caphits * 2 : 64;
		s->hits = xreallocarray(s->hits, s->caphits, sizeof(*s->hits));
	}
	h = &s->hits[s->nhits++];
	h->entity = (uint32_t)(value >> 32);
	h->term = (uint32_t)value;
	h->first = first;
	h->last = last;
	h->field = (uint32_t)s->field;
}

/* Order candidates by entity, field, longest first, then leftmost. */
static int
wl_hit_cmp(const void *pa, const void *pb)
{
	const struct wl_hit *a = pa, *b = pb;
	uint32_t la = a->last - a->first, lb = b->last - b->first;

	if (a->entity != b->entity)
		return a->entity < b->entity ? -1 : 1;
	if (a->field != b->field)
		return a->field < b->field ? -1 : 1;
	if (la != lb)
		return la > lb ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->term < b->term ? -1 : a->term > b->term;
}

/* Order kept matches by word within one entity and field. */
static int
wl_expl_cmp(const void *pa, const void *pb)
{
	const struct wl_expl *a = pa, *b = pb;

	return a->word < b->word ? -1 : a->word > b->word;
}

/* Candidates or kept matches of an item are few: below this many an
 * insertion sort costs a fraction of qsort's calls.  Both orders are
 * total (no two distinct elements compare equal), so any sort gives the
 * same array. */
#define WL_SMALL_SORT 16

/* Sort n elements of size sz with cmp: insertion sort when small. */
static void
wl_sort(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
	char *v = base,
	     tmp[sizeof(struct wl_hit) > sizeof(struct wl_expl)
	             ? sizeof(struct wl_hit)
	             : sizeof(struct wl_expl)];

	if (n > WL_SMALL_SORT || sz > sizeof(tmp)) {
		qsort(base, n, sz, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		memcpy(tmp, v + i * sz, sz);
		for (; j > 0 && cmp(v + (j - 1) * sz, tmp) > 0; j--)
			memcpy(v + j * sz, v + (j - 1) * sz, sz);
		memcpy(v + j * sz, tmp, sz);
	}
}

/* A fresh stamp for the next (entity, field) group. */
static void
wl_next_stamp(struct wl_scan *s)
{
	if (++s->stamp != 0)
		return;
	for (int f = 0; f < WL_NFIELDS; f++)
		if (s->cover[f] != NULL)
			memset(s->cover[f], 0,
			    s->capcover[f] * sizeof(*s->cover[f]));
	s->stamp = 1;
}

/* Keep a candidate unless a longer match of the same group covers one of
 * its words. */
static void
wl_keep_if_free(struct wl_scan *s, const struct wl_hit *h)
{
	uint32_t *cover = s->cover[h->field];
	struct wl_expl *e;

	for (uint32_t w = h->first; w <= h->last; w++)
		if (cover[w] == s->stamp)
			return;
	for (uint32_t w = h->first; w <= h->last; w++)
		cover[w] = s->stamp;
	if (s->nacc == s->capacc) {
		s->capacc = s->capacc ? s->capacc * 2 : 64;
		s->acc = xreallocarray(s->acc, s->capacc, sizeof(*s->acc));
	}
	e = &s->acc[s->nacc++];
	e->entity = &s->m->conf->entities[h->entity];
	e->term = &e->entity->terms[h->term];
	e->field = (enum wl_field)h->field;
	e->word = h->first;
	e->nwords = h->last - h->first + 1;
	if (s->ent_n[h->entity]++ == 0) {
		s->ent_first[h->entity] = (uint32_t)(s->nacc - 1);
		s->touched[s->ntouched++] = h->entity;
	}
}

/* Reduce the candidates to what counts: per entity and field, longest
 * first, nothing overlapping. */
static void
wl_resolve(struct wl_scan *s)
{
	for (int f = 0; f < WL_NFIELDS; f++) {
		size_t need = s->nt[f].ntok;

		if (need > s->capcover[f]) {
			s->cover[f] = xreallocarray(
			    s->cover[f], need, sizeof(*s->cover[f]));
			memset(s->cover[f] + s->capcover[f], 0,
			    (need - s->capcover[f]) * sizeof(*s->cover[f]));
			s->capcover[f] = need;
		}
	}
	if (s->nhits > 1)
		wl_sort(s->hits, s->nhits, sizeof(*s->hits), wl_hit_cmp);
	for (size_t i = 0; i < s->nhits;) {
		size_t j = i, first = s->nacc;

		wl_next_stamp(s);
		while (j < s->nhits && s->hits[j].entity == s->hits[i].entity &&
		    s->hits[j].field == s->hits[i].field)
			wl_keep_if_free(s, &s->hits[j++]);
		if (s->nacc - first > 1)
			wl_sort(s->acc + first, s->nacc - first,
			    sizeof(*s->acc), wl_expl_cmp);
		i = j;
	}
}

/* Tokenise each field once, match, and resolve overlaps. */
void
wl_scan_item(struct wl_scan *s, const struct wl_item *item)
{
	const char *title = item->title ? item->title : "";
	const char *body = item->body ? item->body : "";

	s->item = *item;
	for (size_t i = 0; i < s->ntouched; i++)
		s->ent_n[s->touched[i]] = 0;
	s->ntouched = 0;
	s->nacc = 0;
	s->nhits = 0;
	s->truncated = 0;
	for (int f = 0; f < WL_NFIELDS; f++) {
		norm_text_reset(&s->nt[f]);
		s->nt[f].lang = (int)infl_lang_of(item->language);
	}
	norm_text_add(&s->nt[WL_TITLE], title, strlen(title));
	norm_text_add(&s->nt[WL_BODY], body, strlen(body));
	for (size_t i = 0; i < item->ncategories; i++)
		if (item->categories[i] != NULL)
			norm_text_add(&s->nt[WL_CATEGORIES],
			    item->categories[i], strlen(item->categories[i]));
	for (int f = 0; f < WL_NFIELDS; f++) {
		s->field = f;
		ac_scan(s->m->ac, &s->nt[f], wl_on_hit, s);
	}
	wl_resolve(s);
}

/* The title's words are tokenised once, for the matcher and the story
 * key both. */
uint64_t
wl_scan_title_hash(const struct wl_scan *s)
{
	return norm_fold_hash(&s->nt[WL_TITLE]);
}

/* One warning per term of a single Han character. */
size_t
wl_term_warnings(const struct conf *c, char ***v, size_t *n)
{
	size_t added = 0;

	for (size_t e = 0; e < c->nentities; e++) {
		const struct conf_entity *ent = &c->entities[e];

		for (size_t t = 0; t < ent->nterms; t++) {
			const struct conf_term *term = &ent->terms[t];

			if (!norm_one_han(term->text, strlen(term->text)))
				continue;
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			xasprintf(&(*v)[(*n)++],
			    "%s:%d: term '%s' of %s '%s' is one Han character: "
			    "it matches inside every word written with it",
			    term->where.file ? term->where.file : "?",
			    term->where.line, term->text,
			    ent->kind == CONF_ACTOR ? "actor" : "topic",
			    ent->name);
			added++;
		}
	}
	return added;
}

/* Point the item's fields at the parsed item's strings. */
void
wl_item_from_feed(struct wl_item *it, const struct feed_item *fi)
{
	it->title = fi->title;
	it->body = fi->content != NULL && fi->content[0] != '\0' ? fi->content
	                                                         : fi->summary;
	it->categories = (const char *const *)fi->categories;
	it->ncategories = fi->ncategories;
	it->language = fi->language;
}
