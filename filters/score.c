/*
 * Scoring a matched item against one watchlist, exactly as SPEC "Scoring"
 * says: field factors (title-weight for the title, 1 for body and
 * categories), hits per actor or topic, weight * min(hits, saturation),
 * the threshold, the `require` expression (near() included) and the
 * exclude topics; and the explanations behind it: per entity its matches,
 * snippets of the words around them, and the JSON both `feedwatch score`
 * and the alert document print.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "common/xmalloc.h"
#include "filters/wl_priv.h"

/* Nesting of a require expression evaluated: the config parser bounds it
 * far lower; this only keeps a hand-made expression from recursing
 * without end. */
#define WL_MAX_EXPR_DEPTH 256

static const char *const field_names[WL_NFIELDS] = {
    [WL_TITLE] = "title",
    [WL_BODY] = "body",
    [WL_CATEGORIES] = "categories",
};

/* The JSON name of a field. */
const char *
wl_field_name(enum wl_field f)
{
	return (unsigned)f < WL_NFIELDS ? field_names[f] : "?";
}

/* Did the entity match anywhere in the item? */
static int
wl_matched(const struct wl_scan *s, const struct conf_entity *e)
{
	return s->ent_n[wl_entity_index(s, e)] > 0;
}

/* The role entity e plays in the watchlist (its first, enum wl_role), or 0;
 * *pos gets its place in that list. */
static int
wl_role_in(
    const struct wl_scan *s, uint32_t e, uint32_t w, int role, uint32_t *pos)
{
	const struct wl_matcher *m = s->m;

	for (uint32_t k = 0; k < m->role_n[e]; k++) {
		const struct wl_role_ref *r = &m->roles[m->role_first[e] + k];

		if (r->wl == w && (role == 0 || r->role == role)) {
			if (pos != NULL)
				*pos = r->pos;
			return r->role;
		}
	}
	return 0;
}

/* Index of a watchlist of the scan's config. */
static uint32_t
wl_index(const struct wl_scan *s, const struct conf_watchlist *wl)
{
	return (uint32_t)(wl - s->m->conf->watchlists);
}

/* Did any actor (or topic) of the watchlist match?  Only the entities that
 * matched are looked at. */
static int
wl_any_matched(
    const struct wl_scan *s, const struct conf_watchlist *wl, int role)
{
	for (size_t i = 0; i < s->ntouched; i++)
		if (wl_role_in(s, s->touched[i], wl_index(s, wl), role, NULL))
			return 1;
	return 0;
}

/* Append the positions of entity e's matches to the near() buffer. */
static void
wl_add_positions(
    struct wl_scan *s, size_t *n, const struct conf_entity *e, int side)
{
	uint32_t idx = wl_entity_index(s, e);
	const struct wl_expl *x = s->acc + s->ent_first[idx];

	for (uint32_t k = 0; k < s->ent_n[idx]; k++) {
		const struct norm_text *nt = &s->nt[x[k].field];
		struct wl_pos *p;

		if (*n == s->cappos) {
			s->cappos = s->cappos ? s->cappos * 2 : 64;
			s->pos =
			    xreallocarray(s->pos, s->cappos, sizeof(*s->pos));
		}
		p = &s->pos[(*n)++];
		p->first = x[k].word;
		p->last = x[k].word + x[k].nwords - 1;
		p->seg = nt->tok[x[k].word].seg;
		p->field = (uint8_t)x[k].field;
		p->side = (uint8_t)side;
	}
}

/* Positions of one side of near(): a named entity, or any actor/topic. */
static void
wl_leaf_positions(struct wl_scan *s, const struct conf_watchlist *wl,
    const struct conf_expr *leaf, int side, size_t *n)
{
	switch (leaf->op) {
	case EXPR_ENTITY:
		wl_add_positions(s, n, leaf->entity, side);
		break;
	case EXPR_ANY_ACTOR:
	case EXPR_ANY_TOPIC:
		for (size_t i = 0; i < s->ntouched; i++)
			if (wl_role_in(s, s->touched[i], wl_index(s, wl),
			        leaf->op == EXPR_ANY_ACTOR ? WL_ROLE_ACTOR
			                                   : WL_ROLE_TOPIC,
			        NULL))
				wl_add_positions(s, n,
				    &s->m->conf->entities[s->touched[i]], side);
		break;
	default:
		break;
	}
}

/* Order positions by field, then first word. */
static int
wl_pos_cmp(const void *pa, const void *pb)
{
	const struct wl_pos *a = pa, *b = pb;

	if (a->field != b->field)
		return a->field < b->field ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->side < b->side ? -1 : a->side > b->side;
}

/*
 * near(A, B, N): some match of A and some match of B in one field (and one
 * category), the later one starting at most N words after the earlier one
 * ends (adjacent words are 1 apart; overlapping matches are near).  One
 * sweep in text order, remembering for each side the match that reaches
 * furthest, finds the closest pair.
 */
static int
wl_near(struct wl_scan *s, const struct conf_watchlist *wl,
    const struct conf_expr *x)
{
	size_t n = 0;
	struct wl_pos *best[3] = {NULL, NULL, NULL};

	wl_leaf_positions(s, wl, x->a, 1, &n);
	wl_leaf_positions(s, wl, x->b, 2, &n);
	if (n > 1)
		qsort(s->pos, n, sizeof(*s->pos), wl_pos_cmp);
	for (size_t i = 0; i < n; i++) {
		struct wl_pos *p = &s->pos[i];

		for (int side = 1; side <= 2; side++) {
			struct wl_pos *o = best[3 - side];

			if (p->side != side)
				continue;
			if (o != NULL && o->field == p->field &&
			    o->seg == p->seg &&
			    (long long)p->first - o->last <= x->n)
				return 1;
		}
		for (int side = 1; side <= 2; side++)
			if (p->side == side &&
			    (best[side] == NULL ||
			        best[side]->field != p->field ||
			        best[side]->seg != p->seg ||
			        best[side]->last < p->last))
				best[side] = p;
	}
	return 0;
}

/* Evaluate a require expression for the scanned item. */
static int
wl_eval(struct wl_scan *s, const struct conf_watchlist *wl,
    const struct conf_expr *x, int depth)
{
	if (x == NULL || depth > WL_MAX_EXPR_DEPTH)
		return 0;
	switch (x->op) {
	case EXPR_ENTITY:
		return wl_matched(s, x->entity);
	case EXPR_ANY_ACTOR:
		return wl_any_matched(s, wl, WL_ROLE_ACTOR);
	case EXPR_ANY_TOPIC:
		return wl_any_matched(s, wl, WL_ROLE_TOPIC);
	case EXPR_AND:
		return wl_eval(s, wl, x->a, depth + 1) &&
		    wl_eval(s, wl, x->b, depth + 1);
	case EXPR_OR:
		return wl_eval(s, wl, x->a, depth + 1) ||
		    wl_eval(s, wl, x->b, depth + 1);
	case EXPR_NOT:
		return !wl_eval(s, wl, x->a, depth + 1);
	case EXPR_NEAR:
		return wl_near(s, wl, x);
	}
	return 0;
}

/* An int, whatever a large weight makes of a product or a sum. */
static int
wl_clamp(long long v)
{
	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* Add the result of a matched entity in one of its roles. */
static void
wl_add_entity(struct wl_scan *s, const struct conf_watchlist *wl, uint32_t idx,
    int role, uint32_t pos)
{
	const struct conf_entity *e = &s->m->conf->entities[idx];
	struct wl_entity_result *r;
	int sat = wl->saturation;

	if (s->res.nents == s->capents) {
		s->capents = s->capents ? s->capents * 2 : 16;
		s->ents = xreallocarray(s->ents, s->capents, sizeof(*s->ents));
		s->ent_order = xreallocarray(
		    s->ent_order, s->capents, sizeof(*s->ent_order));
	}
	s->ent_order[s->res.nents] = (uint64_t)role << 32 | pos;
	r = &s->ents[s->res.nents++];
	memset(r, 0, sizeof(*r));
	r->entity = e;
	r->exclude = role == WL_ROLE_EXCLUDE;
	r->expl = s->acc + s->ent_first[idx];
	r->nexpl = s->ent_n[idx];
	for (size_t k = 0; k < r->nexpl; k++) {
		int factor =
		    r->expl[k].field == WL_TITLE ? wl->title_weight : 1;

		if (factor > 0 && r->hits <= INT_MAX - factor)
			r->hits += factor;
		r->fields |= WL_FIELD_BIT(r->expl[k].field);
	}
	if (!r->exclude)
		r->contribution = wl_clamp(
		    (long long)e->weight * (r->hits < sat ? r->hits : sat));
}

/* Put the results in watchlist order: actors, topics, exclude topics,
 * each as listed (a few entities: insertion sort). */
static void
wl_sort_ents(struct wl_scan *s)
{
	for (size_t i = 1; i < s->res.nents; i++) {
		struct wl_entity_result r = s->ents[i];
		uint64_t key = s->ent_order[i];
		size_t j = i;

		for (; j > 0 && s->ent_order[j - 1] > key; j--) {
			s->ents[j] = s->ents[j - 1];
			s->ent_order[j] = s->ent_order[j - 1];
		}
		s->ents[j] = r;
		s->ent_order[j] = key;
	}
}

/* Weigh the matched entities against one watchlist. */
const struct wl_result *
wl_scan_score(struct wl_scan *s, const struct conf_watchlist *wl,
    const struct conf_feed *feed)
{
	struct wl_result *res = &s->res;
	uint32_t w = wl_index(s, wl);
	long long sum = 0;

	memset(res, 0, sizeof(*res));
	res->wl = wl;
	res->threshold = wl->threshold;
	res->wanted = feed == NULL || conf_watchlist_wants_feed(wl, feed);
	for (size_t i = 0; i < s->ntouched; i++) {
		uint32_t e = s->touched[i];
		const struct wl_matcher *m = s->m;

		for (uint32_t k = 0; k < m->role_n[e]; k++) {
			const struct wl_role_ref *r =
			    &m->roles[m->role_first[e] + k];

			if (r->wl != w)
				continue;
			wl_add_entity(s, wl, e, r->role, r->pos);
			if (r->role == WL_ROLE_EXCLUDE)
				res->excluded = 1;
		}
	}
	wl_sort_ents(s);
	res->ents = s->ents;
	for (size_t i = 0; i < res->nents; i++)
		sum += res->ents[i].contribution;
	res->score = wl_clamp(sum);
	res->require = wl_eval(s, wl, wl->require, 0);
	res->alert = res->wanted && res->score >= res->threshold &&
	    res->require && !res->excluded;
	return res;
}

/* ASCII whitespace, as snippets collapse it. */
static int
wl_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>

/* Can 16 bytes be copied as they are, a space pending (1) or not before
 * them?  Yes when no two whitespace bytes are side by side, the only
 * whitespace is ' ', and a pending space is followed by something else;
 * *last gets whether the block ends in a space (which then becomes
 * pending rather than copied). */
static inline int
wl_plain16(__m128i v, int space, int *last)
{
	unsigned sp =
	    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
	unsigned ctl = (unsigned)_mm_movemask_epi8(
	    _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('\t' - 1)),
	        _mm_cmplt_epi8(v, _mm_set1_epi8('\r' + 1))));

	*last = (sp >> 15) & 1;
	return ctl == 0 && (sp & (sp >> 1)) == 0 && !(space && (sp & 1));
}
#endif

/* Append text with each run of whitespace made one space (none at either
 * end), a run of other bytes at a time; sixteen bytes at once where they
 * need no change (SSE2). */
static void
wl_append_collapsed(struct buf *out, const char *p, size_t len)
{
	const char *end = p + len;
	int space = 0;
	char *w;

	/* Collapsing only shortens: the text's length is room enough, also
	 * for a whole block stored where fewer bytes are kept. */
	buf_reserve(out, len);
	w = out->data + out->len;
	while (p < end && wl_is_space(*p))
		p++;
	while (p < end) {
		const char *stop = end;

#if defined(__SSE2__) && defined(__x86_64__)
		if (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			int last;

			if (wl_plain16(v, space, &last)) {
				if (space)
					*w++ = ' ';
				_mm_storeu_si128((__m128i *)w, v);
				w += 16 - last;
				space = last;
				p += 16;
				continue;
			}
			stop = p + 16;
		}
#endif
		for (; p < stop; p++) {
			if (wl_is_space(*p)) {
				space = 1;
				continue;
			}
			if (space)
				*w++ = ' ';
			space = 0;
			*w++ = *p;
		}
	}
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

/* Up to WL_SNIPPET_WORDS words each side, from the original text. */
void
wl_scan_snippet(
    const struct wl_scan *s, const struct wl_expl *e, struct buf *out)
{
	const struct norm_text *nt = &s->nt[e->field];
	const struct norm_token *tok = nt->tok;
	const struct norm_seg *seg;
	size_t lo, hi, seg_end, from, to;

	if (e->word >= nt->ntok)
		return;
	seg = &nt->seg[tok[e->word].seg];
	seg_end = (size_t)tok[e->word].seg + 1 < nt->nseg
	    ? nt->seg[tok[e->word].seg + 1].first
	    : nt->ntok;
	lo = e->word >= seg->first + WL_SNIPPET_WORDS
	    ? e->word - WL_SNIPPET_WORDS
	    : seg->first;
	hi = e->word + e->nwords - 1 + WL_SNIPPET_WORDS;
	if (hi >= seg_end)
		hi = seg_end - 1;
	/* Whole text at either end: keep its punctuation. */
	from = lo > seg->first ? tok[lo].start : 0;
	to = hi + 1 < seg_end ? tok[hi].end : seg->len;
	if (lo > seg->first)
		buf_append(out, "…", strlen("…"));
	wl_append_collapsed(out, seg->text + from, to - from);
	if (hi + 1 < seg_end)
		buf_append(out, "…", strlen("…"));
}

/* Are a match's n words from first the term's own folded words?  A
 * word too long to fold is never the same. */
static int
wl_same_words(const struct norm_text *nt, uint32_t first, uint32_t n,
    const struct norm_text *term)
{
	if (term->ntok != n)
		return 0;
	for (uint32_t k = 0; k < n; k++) {
		const struct norm_token *a = &nt->tok[first + k];
		const struct norm_token *b = &term->tok[k];

		if (a->nlen == NORM_TOO_LONG || a->nlen != b->nlen ||
		    memcmp(norm_word(nt, first + k), norm_word(term, k),
		        a->nlen) != 0)
			return 0;
	}
	return 1;
}

/* The same against a term's words kept in the scan's cache. */
static int
wl_same_form(const struct norm_text *nt, uint32_t first, uint32_t n,
    const struct wl_form *f)
{
	const char *b = f->bytes;

	if (f->nwords != n)
		return 0;
	for (uint32_t k = 0; k < n; k++) {
		const struct norm_token *a = &nt->tok[first + k];

		if (a->nlen != f->len[k] ||
		    memcmp(norm_word(nt, first + k), b, a->nlen) != 0)
			return 0;
		b += f->len[k];
	}
	return 1;
}

/* Keep the words of s->term_nt (term t's) in slot f when they fit. */
static void
wl_form_keep(
    const struct wl_scan *s, struct wl_form *f, const struct conf_term *t)
{
	const struct norm_text *tn = s->term_nt;
	size_t used = 0;

	f->term = NULL;
	if (tn->ntok > WL_FORM_WORDS)
		return;
	for (size_t k = 0; k < tn->ntok; k++) {
		size_t len = tn->tok[k].nlen;

		if (len == NORM_TOO_LONG || len > WL_FORM_BYTES - used)
			return;
		f->len[k] = (uint8_t)len;
		memcpy(f->bytes + used, norm_word(tn, k), len);
		used += len;
	}
	f->nwords = (uint8_t)tn->ntok;
	f->term = t;
}

/* The match's words from the text when they are not the term's own.
 * The term's words come from the scan's cache, or are tokenised (and
 * kept there). */
const char *
wl_expl_form(const struct wl_scan *s, const struct wl_expl *e, size_t *len)
{
	const struct norm_text *nt = &s->nt[e->field];
	const struct norm_token *a, *z;
	struct wl_form *f;
	int same;

	if (e->term->prefix || e->nwords == 0 || e->word + e->nwords > nt->ntok)
		return NULL;
	f = &s->forms[((uintptr_t)e->term >> 4) * 0x9E3779B1u >> 24 &
	    (WL_FORM_SLOTS - 1)];
	if (f->term == e->term) {
		same = wl_same_form(nt, e->word, e->nwords, f);
	} else {
		norm_text_reset(s->term_nt);
		norm_text_add(s->term_nt, e->term->text, strlen(e->term->text));
		same = wl_same_words(nt, e->word, e->nwords, s->term_nt);
		wl_form_keep(s, f, e->term);
	}
	if (same)
		return NULL;
	a = &nt->tok[e->word];
	z = &nt->tok[e->word + e->nwords - 1];
	*len = z->xend - a->start;
	return norm_seg_text(nt, e->word) + a->start;
}

/* "forms": the distinct forms an entity's terms were found in, when
 * any was found in another form than it is written in. */
static void
wl_forms_write(
    struct jw *w, const struct wl_scan *s, const struct wl_entity_result *r)
{
	const char *form[WL_MAX_FORMS];
	size_t flen[WL_MAX_FORMS], n = 0;

	for (size_t k = 0; k < r->nexpl; k++) {
		size_t len, i;
		const char *f = wl_expl_form(s, &r->expl[k], &len);

		if (f == NULL)
			continue;
		for (i = 0; i < n; i++)
			if (flen[i] == len && memcmp(form[i], f, len) == 0)
				break;
		if (i == n && n < WL_MAX_FORMS) {
			form[n] = f;
			flen[n++] = len;
		}
	}
	if (n == 0)
		return;
	jw_open(w, "forms", '[');
	for (size_t i = 0; i < n; i++)
		jw_strn(w, NULL, form[i], flen[i]);
	jw_close(w, ']');
}

/* "fields": the fields an entity matched in. */
static void
wl_fields_write(struct jw *w, unsigned fields)
{
	jw_open(w, "fields", '[');
	for (int f = 0; f < WL_NFIELDS; f++)
		if (fields & WL_FIELD_BIT(f))
			jw_str(w, NULL, field_names[f]);
	jw_close(w, ']');
}

/* "snippets": the words around an entity's first matches, each made in
 * b (the caller's, kept from entity to entity). */
static void
wl_snippets_write(struct jw *w, const struct wl_scan *s,
    const struct wl_entity_result *r, struct buf *b)
{
	jw_open(w, "snippets", '[');
	for (size_t k = 0; k < r->nexpl && k < WL_MAX_SNIPPETS; k++) {
		buf_reset(b);
		wl_scan_snippet(s, &r->expl[k], b);
		jw_strn(w, NULL, buf_str(b), b->len);
	}
	jw_close(w, ']');
}

/* "terms": the distinct terms that matched ("word*" for a prefix), so a
 * reader (the alerts page) can mark them in the snippets. */
static void
wl_terms_write(struct jw *w, const struct wl_entity_result *e)
{
	const struct conf_term *seen[WL_MAX_TERMS];
	struct buf star = BUF_INIT;
	size_t n = 0;

	jw_open(w, "terms", '[');
	for (size_t k = 0; k < e->nexpl; k++) {
		const struct conf_term *t = e->expl[k].term;
		size_t j;

		for (j = 0; j < n; j++)
			if (seen[j]->prefix == t->prefix &&
			    strcmp(seen[j]->text, t->text) == 0)
				break;
		if (j < n || n == WL_MAX_TERMS)
			continue;
		seen[n++] = t;
		if (!t->prefix) {
			jw_str(w, NULL, t->text);
			continue;
		}
		buf_reset(&star);
		buf_appends(&star, t->text);
		buf_appendc(&star, '*');
		jw_strn(w, NULL, star.data, star.len);
	}
	jw_close(w, ']');
	buf_free(&star);
}

/* One object per matched entity, in the result's order. */
void
wl_result_matches_write(struct jw *w, const char *key, const struct wl_scan *s,
    const struct wl_result *r, int form)
{
	struct buf snip = BUF_INIT;

	jw_open(w, key, '[');
	for (size_t i = 0; i < r->nents; i++) {
		const struct wl_entity_result *e = &r->ents[i];
		const struct conf_entity *ent = e->entity;

		jw_open(w, NULL, '{');
		jw_str(w, "kind", ent->kind == CONF_ACTOR ? "actor" : "topic");
		jw_str(w, "name", ent->name);
		if (form & WL_MATCHES_ALERT)
			jw_str(w, "label",
			    ent->label != NULL ? ent->label : ent->name);
		jw_int(w, "hits", e->hits);
		jw_int(w, "contribution", e->contribution);
		wl_fields_write(w, e->fields);
		wl_forms_write(w, s, e);
		if (e->exclude)
			jw_lit(w, "exclude", "true");
		if (form & WL_MATCHES_ALERT)
			wl_snippets_write(w, s, e, &snip);
		if (form & WL_MATCHES_TERMS)
			wl_terms_write(w, e);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	buf_free(&snip);
}

/* The same array as a jansson value, for the tools and the tests. */
json_t *
wl_result_matches_json(
    const struct wl_scan *s, const struct wl_result *r, int alert_form)
{
	struct buf b = BUF_INIT;
	struct jw w = {.b = &b};
	json_t *j;

	wl_result_matches_write(
	    &w, NULL, s, r, alert_form ? WL_MATCHES_ALERT : 0);
	j = json_loadb(b.data, b.len, 0, NULL);
	buf_free(&b);
	return j;
}
