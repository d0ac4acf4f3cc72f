/*
 * Old items that come again byte for byte (parse.h, feed_parser_set_again):
 * their marks, the candidates among the items given to expat, and the
 * items left out.  parse.c's expat_feed decides which items expat sees;
 * this is the bookkeeping around it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/xmalloc.h"
#include "feeds/parse-int.h"

/* An old item's mark: its repaired bytes, where they are and what
 * relative links in them resolve against.  Never 0. */
uint64_t
again_mark(
    const struct feed_parser *p, const char *s, size_t n, unsigned long depth)
{
	struct hash_stream hs;
	uint64_t pre[2] = {p->again_seed, (uint64_t)depth}, mark;

	hash_stream_init(&hs);
	hash_stream_update(&hs, pre, sizeof(pre));
	hash_stream_update(&hs, s, n);
	mark = hash_stream_final(&hs);
	return mark != 0 ? mark : 1;
}

/* The last document's old item of this mark, or NULL. */
const struct feed_again_mark *
again_find(const struct feed_parser *p, uint64_t mark)
{
	size_t lo = 0, hi = p->again_old.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->again_old.mark[mid].mark < mark)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->again_old.n && p->again_old.mark[lo].mark == mark
	    ? &p->again_old.mark[lo]
	    : NULL;
}

/* This document has an old item of this mark, whose id has this key,
 * read in this context. */
void
again_note(struct feed_parser *p, uint64_t mark, uint64_t key, uint64_t ctx)
{
	if (p->nagain_new == p->again_cap) {
		p->again_cap = p->again_cap ? 2 * p->again_cap : 64;
		p->again_new = xreallocarray(
		    p->again_new, p->again_cap, sizeof(*p->again_new));
	}
	p->again_new[p->nagain_new].mark = mark;
	p->again_new[p->nagain_new].ctx = ctx;
	p->again_new[p->nagain_new++].key = key;
}

/* The builder began an item whose start tag is at stream offset at, in
 * context ctx (again_ctx): the candidate that starts there, if one does. */
void
cand_begun(struct feed_parser *p, uint64_t at, uint64_t ctx)
{
	p->cand_in = 0;
	while (p->cand_next < p->ncands && p->cands[p->cand_next].at < at)
		p->cand_next++;
	if (p->cand_next < p->ncands && p->cands[p->cand_next].at == at) {
		p->cand = p->cands[p->cand_next++];
		p->cand.ctx = ctx;
		p->cand_in = 1;
	}
}

/* ... and ended it with the end tag at stream offset at: an old item
 * read from exactly the candidate's bytes is marked (hashed only now,
 * so that a new item costs no hash; expat may report the end tag late,
 * when its bytes are gone: then it is not marked). */
void
cand_ended(struct feed_parser *p, uint64_t at)
{
	const struct fp_cand *c = &p->cand;
	uint64_t mark = c->mark;

	p->cand_in = 0;
	if (at != c->end_at || !p->b.emitted_old)
		return;
	if (mark == 0) {
		if (c->at < p->fixed_off || c->to > p->fixed_off + p->fixed.len)
			return;
		mark = again_mark(p, p->fixed.data + (c->at - p->fixed_off),
		    (size_t)(c->to - c->at), c->depth);
	}
	again_note(p, mark, build_old_key(&p->b), c->ctx);
}

/* What an item's id depends on besides its bytes, where the parser is
 * (before an item's start tag, or at the placeholder of one left out):
 * the base its links resolve against and the namespaces its ancestors
 * bind.  Cached while neither changes. */
uint64_t
again_ctx(struct feed_parser *p)
{
	const struct fp_scope *sc = &p->scope;
	const char *base;
	uint64_t h;

	if (p->ctx_valid && p->ctx_ns_gen == p->ns_gen &&
	    p->ctx_nns == sc->nns && p->ctx_depth == sc->depth &&
	    p->ctx_bases_gen == p->b.bases_gen)
		return p->ctx;
	base = build_base(&p->b);
	if (base == NULL)
		base = "";
	h = hash64_update(HASH64_INIT, base, strlen(base) + 1);
	/* an element's own declarations (deeper) are in its bytes */
	for (unsigned i = 0; i < sc->nns && sc->ns[i].depth <= sc->depth; i++) {
		const char *pf = sc->nsbuf.data + sc->ns[i].prefix;
		const char *uri = sc->nsbuf.data + sc->ns[i].uri;

		h = hash64_update(h, pf, strlen(pf) + 1);
		h = hash64_update(h, uri, strlen(uri) + 1);
	}
	p->ctx = h;
	p->ctx_ns_gen = p->ns_gen;
	p->ctx_nns = sc->nns;
	p->ctx_depth = sc->depth;
	p->ctx_bases_gen = p->b.bases_gen;
	p->ctx_valid = 1;
	return h;
}

/* expat reached the placeholder of an old item left out (m): counted,
 * its id's key kept.  If its context is not the one it was read in, its
 * id may not be the old one: the document's marks are not kept, and the
 * feed is read whole next time (feed_parser_again_stale). */
void
again_skipped(struct feed_parser *p, const struct feed_again_mark *m)
{
	uint64_t ctx = again_ctx(p);

	if (ctx != m->ctx)
		p->again_stale = 1;
	if (p->skipped == p->skip_cap) {
		p->skip_cap = p->skip_cap ? 2 * p->skip_cap : 64;
		p->skip_keys = xreallocarray(
		    p->skip_keys, p->skip_cap, sizeof(*p->skip_keys));
	}
	p->skip_keys[p->skipped++] = m->key;
	again_note(p, m->mark, m->key, ctx);
}

/* Was an item left out in a context other than its mark's? */
int
feed_parser_again_stale(const struct feed_parser *p)
{
	return p->again_stale;
}

/* An item to be given to expat whole (xmlfix's offsets, from the start
 * of the stream buffer), with its mark if it was made. */
void
cand_add(struct feed_parser *p, const struct xf_item *t, uint64_t mark)
{
	struct fp_cand *c;

	if (p->ncands == p->cands_cap) {
		p->cands_cap = p->cands_cap ? 2 * p->cands_cap : 64;
		p->cands =
		    xreallocarray(p->cands, p->cands_cap, sizeof(*p->cands));
	}
	c = &p->cands[p->ncands++];
	c->at = p->fixed_off + t->from;
	c->end_at = p->fixed_off + t->end_at;
	c->to = p->fixed_off + t->to;
	c->depth = t->depth;
	c->mark = mark;
}

/* The marks of the old items of the feed's last document. */
void
feed_parser_set_again(struct feed_parser *p, const struct feed_again *a)
{
	feed_again_free(&p->again_old);
	if (a == NULL || a->n == 0)
		return;
	p->again_old.mark = xreallocarray(NULL, a->n, sizeof(*a->mark));
	memcpy(p->again_old.mark, a->mark, a->n * sizeof(*a->mark));
	p->again_old.n = a->n;
}

/* By mark, ascending, for qsort. */
static int
mark_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct feed_again_mark *)a)->mark;
	uint64_t y = ((const struct feed_again_mark *)b)->mark;

	return x < y ? -1 : x > y;
}

/* This document's marks, sorted, without repeats; none when stale. */
void
feed_parser_take_again(struct feed_parser *p, struct feed_again *a)
{
	size_t n = 0;

	feed_again_free(a);
	if (p->again_stale)
		p->nagain_new = 0; /* the next read is whole */
	if (p->nagain_new > 1)     /* qsort wants an array, even of none */
		qsort(p->again_new, p->nagain_new, sizeof(*p->again_new),
		    mark_cmp);
	for (size_t i = 0; i < p->nagain_new; i++)
		if (n == 0 || p->again_new[i].mark != p->again_new[n - 1].mark)
			p->again_new[n++] = p->again_new[i];
	a->mark = n > 0 ? p->again_new : NULL;
	a->n = n;
	if (n == 0)
		free(p->again_new);
	p->again_new = NULL;
	p->nagain_new = p->again_cap = 0;
}

/* Old items left out because they came again. */
size_t
feed_parser_skipped(const struct feed_parser *p)
{
	return p->skipped;
}

/* ... and their ids' keys, in order. */
const uint64_t *
feed_parser_skipped_keys(const struct feed_parser *p)
{
	return p->skip_keys;
}

/* Release a set of marks. */
void
feed_again_free(struct feed_again *a)
{
	free(a->mark);
	a->mark = NULL;
	a->n = 0;
}
