/*
 * Aho–Corasick over word ids: see automaton.h for the design.
 *
 * State 0 is the root.  Transitions out of the root are an array indexed
 * by word id (the root has a child for nearly every first word); all other
 * transitions and the prefix edges live in an open-addressed hash table
 * keyed by (node, symbol).  A text word that is not the word of any term
 * sends the machine straight back to the root, which is what almost every
 * word of an article does, so the common case is one bit of a small filter
 * (and, one time in sixteen, one probe of the word table).  Prefix words
 * are found by hashing the first L bytes of a text word for each length L
 * that some prefix has.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "filters/automaton.h"
#include "filters/dict.h"
#include "filters/inflect.h"

#define AC_NONE UINT32_MAX
/* Symbols of prefix edges are prefix ids with this bit set. */
#define AC_PFX_SYM 0x80000000u

/* Node flags. */
#define NF_PFX_EDGES 0x1 /* the node has prefix edges */
#define NF_PFX_CHAIN 0x2 /* it or a node on its failure chain has some */
#define NF_PFX_LEAF 0x4  /* reached through a prefix edge: not a state */

/* An edge in 12 bytes (a 64-bit key would pad it to 16): with millions
 * of terms the table is the matcher's largest.  node AC_NONE: empty. */
struct edge {
	uint32_t node;
	uint32_t sym;
	uint32_t val;
};

struct edges {
	struct edge *e;
	size_t mask, n;
	int bits;
	/* A bit per (node, symbol) hash, set for every edge (built with the
	 * failure links): a state that does not go on with a word, which is
	 * most of them, is answered without touching the large table. */
	uint64_t *filter;
	int fbits;
};

/* An exact term: where its original-case words are (ac_exact_ok).  Other
 * terms need nothing past their outs, so they have no record here; the
 * records are in the order of their outs, found by a search (an out has
 * no room for an index, and only exact outs need one). */
struct term {
	uint32_t out; /* its out in ac.outs */
	uint32_t xw;  /* first of its words in ac.xwords */
	uint16_t nwords;
	uint8_t prefix;
	uint8_t pad;
};

/* An original-case word of an exact term, in ac.xstr. */
struct xword {
	uint32_t off;
	uint32_t len;
};

/* Terms an automaton takes (out.next has 26 bits, signed). */
#define AC_MAX_TERMS ((size_t)1 << 25)

/* A term ending at a node, with what the scan reports of it, so that only
 * exact terms send it to the term table.  A node's own outs are followed
 * by those of the nearest node with terms on its failure chain (linked in
 * ac_link), so one list is every term that ends at the state; each out
 * knows its words so that the list needs no node behind it. */
struct out {
	uint32_t vhi, vlo;       /* the value, in two halves: 12 bytes */
	signed int next : 26;    /* the next out, -1 none */
	unsigned int nwords : 5; /* 1..AC_MAX_TERM_WORDS */
	unsigned int exact : 1;
};

/* A state: what the scan reads of it, in one 12-byte record. */
struct node {
	uint32_t fail;  /* the longest proper suffix that is a node */
	int32_t outh;   /* every term ending here: first in ac.outs, -1 none */
	uint16_t depth; /* words */
	uint8_t flags;
	uint8_t pad;
};

/* A stem of an inflected term word: which word, and its endings. */
struct infl_rec {
	uint32_t wid;  /* the term word */
	uint32_t next; /* the stem's next rec, AC_NONE */
	uint64_t mask[2][INFL_MAX_ENDINGS / 64];
};

struct ac {
	struct dict words;    /* whole words */
	struct dict prefixes; /* prefix words */
	uint32_t *root_next;  /* per word id: child of the root, 0 none */
	size_t caproot;
	struct edges go; /* (node, word id or prefix sym) -> node */
	/* Prefix words are looked up by the folded word's first L bytes for
	 * each length L some prefix word has. */
	unsigned char pfx_len[NORM_MAX_WORD + 1]; /* 1: a prefix has it */
	size_t pfx_minlen, pfx_maxlen;
	/* A bit per dict_pfx_start of every prefix word (set in ac_build, once
	 * the shortest length is known): most text words fail here or on
	 * their length. */
	uint64_t pfx_start[65536 / 64];
	size_t pfx_key; /* bytes dict_pfx_start reads */

	struct node *nodes;
	size_t nnodes, capnodes;

	struct out *outs;
	size_t nouts, capouts;
	struct term *terms; /* exact terms only */
	size_t nexact, capterms;
	size_t nterms; /* every term */
	struct xword *xwords;
	size_t nxwords, capxwords;
	char *xstr;
	size_t nxstr, capxstr;

	struct norm_text scratch; /* tokenises terms in ac_add */
	int built;

	/* Inflection (inflect.h): the ending tables once some term word
	 * inflects; per stem (by its word id) a chain of what it stands
	 * for. */
	struct infl_tab *infl;
	struct infl_rec *recs;
	size_t nrecs, caprecs;
	uint32_t *stem_head; /* per word id: first of its recs, AC_NONE */
	size_t capstem;

	/* Per unified Han character (U+4E00-U+9FFF), the slot + 1 of the
	 * term word it is, 0 none; NULL when no term word is one: Chinese
	 * text is a token a character, and this answers each without the
	 * hash, the filter and the compare. */
	uint32_t *han;
};

/* Unified Han, the block ac.han covers. */
#define AC_HAN_FIRST 0x4E00
#define AC_HAN_N (0x9FFF - AC_HAN_FIRST + 1)

/* Mix a 64-bit key into `bits` bits (Fibonacci hashing). */
static inline size_t
mix(uint64_t key, int bits)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

/* An empty edge table. */
static void
edges_init(struct edges *t)
{
	t->bits = 6;
	t->mask = ((size_t)1 << t->bits) - 1;
	t->n = 0;
	t->e = xreallocarray(NULL, t->mask + 1, sizeof(*t->e));
	for (size_t i = 0; i <= t->mask; i++)
		t->e[i].node = AC_NONE;
}

/* The node an edge leads to, or AC_NONE. */
static inline uint32_t
edges_get(const struct edges *t, uint32_t node, uint32_t sym)
{
	uint64_t key = (uint64_t)node << 32 | sym;
	size_t i = mix(key, t->bits);

	for (;;) {
		const struct edge *e = &t->e[i];

		if (e->node == node && e->sym == sym)
			return e->val;
		if (e->node == AC_NONE)
			return AC_NONE;
		i = (i + 1) & t->mask;
	}
}

static void edges_put(
    struct edges *t, uint32_t node, uint32_t sym, uint32_t val);

/* Double the table when it is half full. */
static void
edges_grow(struct edges *t)
{
	struct edges old = *t;

	t->bits++;
	t->mask = ((size_t)1 << t->bits) - 1;
	t->n = 0;
	t->e = dict_table_alloc((t->mask + 1) * sizeof(*t->e));
	for (size_t i = 0; i <= t->mask; i++)
		t->e[i].node = AC_NONE;
	for (size_t i = 0; i <= old.mask; i++)
		if (old.e[i].node != AC_NONE)
			edges_put(t, old.e[i].node, old.e[i].sym, old.e[i].val);
	free(old.e);
}

/* Add an edge that is not there yet. */
static void
edges_put(struct edges *t, uint32_t node, uint32_t sym, uint32_t val)
{
	uint64_t key = (uint64_t)node << 32 | sym;
	size_t i;

	if ((t->n + 1) * 2 > t->mask + 1)
		edges_grow(t);
	i = mix(key, t->bits);
	while (t->e[i].node != AC_NONE)
		i = (i + 1) & t->mask;
	t->e[i].node = node;
	t->e[i].sym = sym;
	t->e[i].val = val;
	t->n++;
}

/* The edge filter's bit of a key. */
static inline uint64_t
edges_filter_bit(const struct edges *t, uint64_t key, size_t *word)
{
	size_t b = mix(key ^ 0xC2B2AE3D27D4EB4FULL, t->fbits);

	*word = b / 64;
	return (uint64_t)1 << (b % 64);
}

/* The edge filter, sized as the word filter is (dict_filter_new). */
static void
edges_build_filter(struct edges *t)
{
	int bits;

	t->filter = dict_filter_new(t->n, &bits);
	t->fbits = bits;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->e[i].node != AC_NONE) {
			size_t w;
			uint64_t bit = edges_filter_bit(
			    t, (uint64_t)t->e[i].node << 32 | t->e[i].sym, &w);

			t->filter[w] |= bit;
		}
}

/* edges_get behind the filter (after ac_build). */
static inline uint32_t
edges_find(const struct edges *t, uint32_t node, uint32_t sym)
{
	size_t w;
	uint64_t bit = edges_filter_bit(t, (uint64_t)node << 32 | sym, &w);

	if (!(t->filter[w] & bit))
		return AC_NONE;
	return edges_get(t, node, sym);
}

/*
 * The words of a text are all known before the scan starts, so the memory
 * their lookups will need is fetched ahead: the filter bit of the word
 * AC_PREFETCH_FAR ahead, and the table slot of the word AC_PREFETCH_NEAR
 * ahead when its filter bit (fetched earlier) says it may be there.  With
 * 100,000 terms the tables outgrow the caches; this hides the wait.
 */
#define AC_PREFETCH_FAR 24
#define AC_PREFETCH_NEAR 12

/* A new node under parent. */
static uint32_t
ac_new_node(struct ac *a, uint32_t parent, uint8_t flags)
{
	uint32_t n = (uint32_t)a->nnodes;
	struct node *nd;

	if (a->nnodes == a->capnodes)
		a->nodes =
		    dict_grow(a->nodes, &a->capnodes, n + 1, sizeof(*a->nodes));
	nd = &a->nodes[n];
	memset(nd, 0, sizeof(*nd));
	nd->outh = -1;
	nd->depth = n == 0 ? 0 : (uint16_t)(a->nodes[parent].depth + 1);
	nd->flags = flags;
	a->nnodes++;
	return n;
}

/* An empty automaton; add terms, then build it. */
struct ac *
ac_new(void)
{
	struct ac *a = xcalloc(1, sizeof(*a));

	dict_init(&a->words);
	dict_init(&a->prefixes);
	edges_init(&a->go);
	norm_text_init(&a->scratch);
	ac_new_node(a, 0, 0);
	return a;
}

/* Free the automaton (NULL is fine). */
void
ac_free(struct ac *a)
{
	if (a == NULL)
		return;
	dict_free(&a->words);
	dict_free(&a->prefixes);
	free(a->root_next);
	free(a->go.e);
	free(a->go.filter);
	free(a->nodes);
	free(a->outs);
	free(a->terms);
	free(a->xwords);
	free(a->xstr);
	norm_text_free(&a->scratch);
	infl_tab_free(a->infl);
	free(a->recs);
	free(a->stem_head);
	free(a->han);
	free(a);
}

/* The child of node through a whole word, created when missing. */
static uint32_t
ac_child_word(struct ac *a, uint32_t node, const char *w, size_t len)
{
	uint32_t wid = dict_intern(&a->words, w, len);
	uint32_t c;

	a->words.slots[a->words.slot_of[wid]].kind |= DICT_WORD;
	if (node == 0) {
		if (wid >= a->caproot) {
			size_t old = a->caproot;

			a->root_next = dict_grow(a->root_next, &a->caproot,
			    wid + 1, sizeof(*a->root_next));
			memset(a->root_next + old, 0,
			    (a->caproot - old) * sizeof(*a->root_next));
		}
		if (a->root_next[wid] == 0)
			a->root_next[wid] = ac_new_node(a, 0, 0);
		return a->root_next[wid];
	}
	c = edges_get(&a->go, node, wid);
	if (c == AC_NONE) {
		c = ac_new_node(a, node, 0);
		edges_put(&a->go, node, wid, c);
	}
	return c;
}

/* Enter a prefix word; returns its prefix id. */
static uint32_t
ac_prefix_id(struct ac *a, const char *w, size_t len)
{
	a->pfx_len[len] = 1;
	if (len > a->pfx_maxlen)
		a->pfx_maxlen = len;
	if (a->pfx_minlen == 0 || len < a->pfx_minlen)
		a->pfx_minlen = len;
	return dict_intern(&a->prefixes, w, len);
}

/* The leaf of node through a prefix word, created when missing. */
static uint32_t
ac_child_prefix(struct ac *a, uint32_t node, const char *w, size_t len)
{
	uint32_t sym = ac_prefix_id(a, w, len) | AC_PFX_SYM;
	uint32_t c = edges_get(&a->go, node, sym);

	if (c == AC_NONE) {
		c = ac_new_node(a, node, NF_PFX_LEAF);
		edges_put(&a->go, node, sym, c);
		a->nodes[node].flags |= NF_PFX_EDGES;
	}
	return c;
}

/* Keep the original-case words of an exact term for the check at match
 * time. */
static void
ac_keep_exact(struct ac *a, struct term *t, const struct norm_text *nt)
{
	t->xw = (uint32_t)a->nxwords;
	a->xwords = dict_grow(a->xwords, &a->capxwords, a->nxwords + nt->ntok,
	    sizeof(*a->xwords));
	for (size_t i = 0; i < nt->ntok; i++) {
		const struct norm_token *k = &nt->tok[i];
		size_t len = k->xend - k->start;

		a->xstr = dict_grow(a->xstr, &a->capxstr, a->nxstr + len, 1);
		memcpy(
		    a->xstr + a->nxstr, norm_seg_text(nt, i) + k->start, len);
		a->xwords[a->nxwords].off = (uint32_t)a->nxstr;
		a->xwords[a->nxwords].len = (uint32_t)len;
		a->nxstr += len;
		a->nxwords++;
	}
}

/* Record that the first klen bytes of word wid are a stem with the
 * endings of k. */
static void
ac_add_stem(struct ac *a, uint32_t wid, const char *w, const struct infl_key *k)
{
	uint32_t sid = dict_intern(&a->words, w, k->len), r;
	size_t old = a->capstem;

	a->words.slots[a->words.slot_of[sid]].kind |= DICT_STEM;
	if (sid >= a->capstem) {
		a->stem_head = dict_grow(
		    a->stem_head, &a->capstem, sid + 1, sizeof(*a->stem_head));
		for (size_t i = old; i < a->capstem; i++)
			a->stem_head[i] = AC_NONE;
	}
	for (r = a->stem_head[sid]; r != AC_NONE; r = a->recs[r].next)
		if (a->recs[r].wid == wid)
			break;
	if (r == AC_NONE) {
		a->recs = dict_grow(
		    a->recs, &a->caprecs, a->nrecs + 1, sizeof(*a->recs));
		r = (uint32_t)a->nrecs++;
		memset(&a->recs[r], 0, sizeof(a->recs[r]));
		a->recs[r].wid = wid;
		a->recs[r].next = a->stem_head[sid];
		a->stem_head[sid] = r;
	}
	for (int l = 0; l < 2; l++)
		for (int b = 0; b < INFL_MAX_ENDINGS / 64; b++)
			a->recs[r].mask[l][b] |= k->mask[l][b];
}

/* The stems of each word of an unquoted term that inflects (Cyrillic,
 * Hangul); the prefix word of a word* term is left as it is. */
static void
ac_add_inflections(struct ac *a, const struct norm_text *nt, int prefix)
{
	struct infl_key keys[INFL_MAX_KEYS];

	for (size_t i = 0; i + (prefix != 0) < nt->ntok; i++) {
		const struct norm_token *k = &nt->tok[i];
		const char *w = norm_word(nt, i);
		uint32_t wid;
		size_t n;

		if (infl_script_of(w, k->nlen) == INFL_NONE)
			continue;
		if (a->infl == NULL)
			a->infl = infl_tab_new();
		n = infl_keys(a->infl, norm_seg_text(nt, i) + k->start,
		    k->xend - k->start, w, k->nlen, keys);
		wid = dict_find_id(&a->words, w, k->nlen, k->hash);
		for (size_t j = 0; j < n; j++)
			ac_add_stem(a, wid, w, &keys[j]);
	}
}

/* Tokenise a term, extend the trie with its words, record its output. */
int
ac_add(struct ac *a, const char *text, int exact, int prefix, uint64_t value,
    char **err)
{
	struct norm_text *nt = &a->scratch;
	struct term *t;
	uint32_t node = 0;

	*err = NULL;
	if (a->built) {
		*err = xstrdup("the automaton is already built");
		return -1;
	}
	norm_text_reset(nt);
	norm_text_add(nt, text, strlen(text));
	if (nt->ntok == 0) {
		xasprintf(err, "term \"%s\" has no letters or digits", text);
		return -1;
	}
	if (nt->ntok > AC_MAX_TERM_WORDS) {
		xasprintf(err, "term \"%.40s...\" has more than %d words", text,
		    AC_MAX_TERM_WORDS);
		return -1;
	}
	for (size_t i = 0; i < nt->ntok; i++)
		if (nt->tok[i].nlen == NORM_TOO_LONG) {
			xasprintf(err,
			    "term \"%.40s...\" has a word longer than %d "
			    "bytes",
			    text, NORM_MAX_WORD);
			return -1;
		}
	if (a->nouts >= AC_MAX_TERMS) {
		xasprintf(err, "more than %zu terms", AC_MAX_TERMS);
		return -1;
	}
	for (size_t i = 0; i < nt->ntok; i++) {
		const char *w = norm_word(nt, i);

		if (prefix && i + 1 == nt->ntok)
			node = ac_child_prefix(a, node, w, nt->tok[i].nlen);
		else
			node = ac_child_word(a, node, w, nt->tok[i].nlen);
	}
	a->outs =
	    dict_grow(a->outs, &a->capouts, a->nouts + 1, sizeof(*a->outs));
	if (exact) {
		a->terms = dict_grow(
		    a->terms, &a->capterms, a->nexact + 1, sizeof(*a->terms));
		t = &a->terms[a->nexact];
		t->nwords = (uint16_t)nt->ntok;
		t->prefix = prefix != 0;
		ac_keep_exact(a, t, nt);
		t->out = (uint32_t)a->nouts;
		a->nexact++;
	} else
		ac_add_inflections(a, nt, prefix);
	a->outs[a->nouts].vhi = (uint32_t)(value >> 32);
	a->outs[a->nouts].vlo = (uint32_t)value;
	a->outs[a->nouts].exact = exact != 0;
	a->outs[a->nouts].nwords = (uint32_t)nt->ntok;
	a->outs[a->nouts].next = a->nodes[node].outh;
	a->nodes[node].outh = (int32_t)a->nouts;
	a->nouts++;
	a->nterms++;
	return 0;
}

/* Where a state goes on a whole word, without failure links. */
static inline uint32_t
ac_goto(const struct ac *a, uint32_t s, uint32_t wid)
{
	if (s == 0)
		return wid < a->caproot && a->root_next[wid] != 0
		    ? a->root_next[wid]
		    : AC_NONE;
	return edges_get(&a->go, s, wid);
}

/* The bits of pfx_start, once every prefix word is known. */
static void
ac_build_pfx_start(struct ac *a)
{
	const struct dict *d = &a->prefixes;

	a->pfx_key =
	    a->pfx_minlen < DICT_PFX_KEY_MAX ? a->pfx_minlen : DICT_PFX_KEY_MAX;
	for (size_t i = 0; i <= d->mask; i++)
		if (d->slots[i].id1 != 0) {
			size_t b = dict_pfx_start(
			    d->str + d->slots[i].off, a->pfx_key);

			a->pfx_start[b / 64] |= (uint64_t)1 << (b % 64);
		}
}

/* The unified Han character a folded word is, or 0. */
static inline uint32_t
ac_han_cp(const char *w, size_t len)
{
	unsigned char c = (unsigned char)w[0];
	uint32_t cp;

	if (len != 3 || c < 0xE4 || c > 0xE9)
		return 0;
	cp = (uint32_t)(c & 0x0F) << 12 |
	    (uint32_t)((unsigned char)w[1] & 0x3F) << 6 |
	    ((unsigned char)w[2] & 0x3F);
	return cp >= AC_HAN_FIRST ? cp : 0;
}

/* The Han table, when some term word is a Han character. */
static void
ac_build_han(struct ac *a)
{
	const struct dict *d = &a->words;

	for (size_t i = 0; i <= d->mask; i++) {
		uint32_t cp;

		if (d->slots[i].id1 == 0 || !(d->slots[i].kind & DICT_WORD) ||
		    (cp = ac_han_cp(
		         d->str + d->slots[i].off, d->slots[i].len)) == 0)
			continue;
		if (a->han == NULL)
			a->han = xcalloc(AC_HAN_N, sizeof(*a->han));
		a->han[cp - AC_HAN_FIRST] = (uint32_t)i + 1;
	}
}

/* The slot of a text word that is a term word or a stem, or NULL: a Han
 * character through the Han table, anything else through the filter. */
static inline const struct dict_slot *
ac_word_slot(const struct ac *a, const struct norm_token *tok, const char *w)
{
	uint32_t cp;

	if (a->han != NULL && (cp = ac_han_cp(w, tok->nlen)) != 0) {
		uint32_t x = a->han[cp - AC_HAN_FIRST];

		return x != 0 ? &a->words.slots[x - 1] : NULL;
	}
	return dict_lookup(&a->words, w, tok->nlen, tok->hash);
}

/* After the links: each root child into the slot of its word. */
static void
ac_root_into_slots(struct ac *a)
{
	for (size_t wid = 0; wid < a->words.n; wid++) {
		struct dict_slot *sl = &a->words.slots[a->words.slot_of[wid]];
		uint32_t c = wid < a->caproot ? a->root_next[wid] : 0;

		sl->aux = c;
		sl->routh = c != 0 ? a->nodes[c].outh : -1;
		sl->rflags = c != 0 ? a->nodes[c].flags : 0;
	}
}

/* The failure and output links of node n, child of p through sym, once
 * every shallower node has its own. */
static void
ac_link(struct ac *a, uint32_t n, uint32_t p, uint32_t sym)
{
	struct node *nd = a->nodes;
	uint32_t f = 0, c;
	int32_t o;

	if (nd[n].flags & NF_PFX_LEAF)
		return;
	if (p != 0) {
		for (f = nd[p].fail;; f = nd[f].fail) {
			c = ac_goto(a, f, sym);
			if (c != AC_NONE) {
				f = c;
				break;
			}
			if (f == 0)
				break;
		}
	}
	nd[n].fail = f;
	/* f is shallower: its list is whole; append it to n's own. */
	if ((o = nd[n].outh) < 0)
		nd[n].outh = nd[f].outh;
	else {
		while (a->outs[o].next >= 0)
			o = a->outs[o].next;
		a->outs[o].next = nd[f].outh;
	}
	if ((nd[n].flags & NF_PFX_EDGES) || (nd[f].flags & NF_PFX_CHAIN))
		nd[n].flags |= NF_PFX_CHAIN;
}

/*
 * Compute failure and output links in order of depth, then the filters.
 * A node's failure target is shallower, so each depth is done in one
 * pass over the edges (the root's children over root_next): no parent
 * and symbol per node are kept while adding, which with millions of
 * terms was 8 bytes a node at the peak.
 */
void
ac_build(struct ac *a)
{
	struct node *nd = a->nodes;
	uint16_t maxdepth = 0;

	for (size_t n = 0; n < a->nnodes; n++)
		if (nd[n].depth > maxdepth)
			maxdepth = nd[n].depth;
	if (nd[0].flags & NF_PFX_EDGES)
		nd[0].flags |= NF_PFX_CHAIN;
	for (size_t w = 0; w < a->caproot; w++)
		if (a->root_next[w] != 0)
			ac_link(a, a->root_next[w], 0, (uint32_t)w);
	for (uint16_t d = 2; d <= maxdepth; d++)
		for (size_t i = 0; i <= a->go.mask; i++) {
			const struct edge *e = &a->go.e[i];

			if (e->node != AC_NONE && nd[e->val].depth == d)
				ac_link(a, e->val, e->node, e->sym);
		}
	edges_build_filter(&a->go);
	dict_build_filter(&a->words);
	dict_build_filter(&a->prefixes);
	ac_build_pfx_start(a);
	ac_root_into_slots(a);
	ac_build_han(a);
	/* Build-time arrays no longer needed. */
	free(a->root_next);
	a->root_next = NULL;
	a->caproot = 0;
	norm_text_free(&a->scratch);
	a->built = 1;
}

/* Does the text hold the exact term t over tokens first..? */
static int
ac_exact_ok(const struct ac *a, const struct term *t,
    const struct norm_text *nt, uint32_t first)
{
	for (uint32_t k = 0; k < t->nwords; k++) {
		const struct norm_token *tok = &nt->tok[first + k];
		const struct xword *x = &a->xwords[t->xw + k];
		const char *s = norm_seg_text(nt, first + k) + tok->start;
		size_t len = tok->xend - tok->start;
		int last_prefix = t->prefix && k + 1 == t->nwords;

		if (last_prefix ? len < x->len : len != x->len)
			return 0;
		if (memcmp(s, a->xstr + x->off, x->len) != 0)
			return 0;
	}
	return 1;
}

/* The record of the exact term of out o. */
static const struct term *
ac_exact_term(const struct ac *a, int32_t o)
{
	size_t lo = 0, hi = a->nexact;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->terms[mid].out <= (uint32_t)o)
			lo = mid;
		else
			hi = mid;
	}
	return &a->terms[lo];
}

/* Report the terms of the output list from o, each ending at token i. */
static void
ac_emit(const struct ac *a, int32_t o, const struct norm_text *nt, uint32_t i,
    ac_hit_fn fn, void *arg)
{
	for (; o >= 0; o = a->outs[o].next) {
		const struct out *u = &a->outs[o];
		uint32_t first = i + 1 - u->nwords;

		if (u->exact && !ac_exact_ok(a, ac_exact_term(a, o), nt, first))
			continue;
		fn(arg, (uint64_t)u->vhi << 32 | u->vlo, first, i);
	}
}

/* Prefix terms whose last word begins token i, given the state s the
 * words before it reached. */
static void
ac_scan_prefixes(const struct ac *a, uint32_t s, const struct norm_text *nt,
    uint32_t i, ac_hit_fn fn, void *arg)
{
	const struct norm_token *tok = &nt->tok[i];
	const char *w = norm_word(nt, i);
	size_t max = tok->nlen < a->pfx_maxlen ? tok->nlen : a->pfx_maxlen;
	size_t b;

	if (tok->nlen < a->pfx_minlen)
		return;
	b = dict_pfx_start(w, a->pfx_key);
	if (!(a->pfx_start[b / 64] & ((uint64_t)1 << (b % 64))))
		return;
	for (size_t k = a->pfx_minlen - 1; k < max; k++) {
		const struct dict_slot *ps;
		uint32_t pid;

		if (!a->pfx_len[k + 1])
			continue;
		ps = dict_lookup(&a->prefixes, w, k + 1, norm_hash(w, k + 1));
		if (ps == NULL)
			continue;
		pid = ps->id1 - 1;
		for (uint32_t n = s;; n = a->nodes[n].fail) {
			uint32_t leaf;

			if (!(a->nodes[n].flags & NF_PFX_CHAIN))
				break;
			leaf = edges_find(&a->go, n, pid | AC_PFX_SYM);
			if (leaf != AC_NONE)
				ac_emit(a, a->nodes[leaf].outh, nt, i, fn, arg);
			if (n == 0)
				break;
		}
	}
}

/*
 * A text word that is no term word (ws0: its slot when it is only a
 * stem): the term word it is an inflected form of, or NULL.  The ending
 * lengths of its script are few; each costs a lookup of the ending and
 * one of the stem behind the word filter.
 */
static const struct dict_slot *
ac_inflected(const struct ac *a, const char *w, size_t len,
    const struct dict_slot *ws0, int lang)
{
	enum infl_script sc = infl_script_of(w, len);
	uint32_t hashes[INFL_MAX_ENDING + 1];
	const uint8_t *lens;
	size_t n;
	int li = -1;
	uint8_t cuts[INFL_MAX_ENDING + 1];
	size_t nc = 0;

	if (sc == INFL_NONE)
		return NULL;
	lens = infl_lengths(a->infl, sc, &n);
	/* The cuts worth a lookup: a stem of at least INFL_MIN_STEM
	 * letters (in Hangul, a syllable: U+AC00-U+D7A3, three bytes led by
	 * EA-ED, or two jamo), and in Hangul an ending that starts with a
	 * syllable, as every particle does. */
	for (size_t k = 0; k < n; k++) {
		size_t el = lens[k];

		if (sc == INFL_HANGUL ? len < el + 3 ||
		            (len == el + 3 &&
		                !((unsigned char)w[0] >= 0xEA &&
		                    (unsigned char)w[0] <= 0xED))
		                      : len < el + 2 * INFL_MIN_STEM)
			break;
		if (sc == INFL_HANGUL && el > 0 &&
		    !((unsigned char)w[len - el] >= 0xEA &&
		        (unsigned char)w[len - el] <= 0xED))
			continue;
		cuts[nc++] = (uint8_t)el;
	}
	norm_hash_prefixes(w, len, cuts, nc, hashes);
	for (size_t k = 0; k < nc; k++) {
		size_t el = cuts[k];
		const struct dict_slot *ss;
		int e;

		/* The stem first: most words fail at its filter bit. */
		ss = el == 0 ? ws0
		             : dict_lookup(&a->words, w, len - el, hashes[k]);
		if (ss == NULL || !(ss->kind & DICT_STEM))
			continue;
		e = el == 0 ? 0 : infl_ending(a->infl, sc, w + len - el, el);
		if (e < 0)
			continue;
		if (li < 0)
			li = infl_lang_index(w, len, sc, (enum infl_lang)lang);
		for (uint32_t r = a->stem_head[ss->id1 - 1]; r != AC_NONE;
		     r = a->recs[r].next)
			if (a->recs[r].mask[li][e / 64] &
			    ((uint64_t)1 << (e % 64)))
				return &a->words.slots
				            [a->words.slot_of[a->recs[r].wid]];
	}
	return NULL;
}

/* Walk the tokens through the automaton, reporting every match. */
void
ac_scan(const struct ac *a, const struct norm_text *nt, ac_hit_fn fn, void *arg)
{
	const struct dict *d = &a->words;
	const uint8_t root_flags = a->nodes[0].flags;
	uint32_t s = 0, seg = 0;
	uint8_t sflags = root_flags; /* the flags of state s */
	int prefixes = a->prefixes.n > 0, inflects = a->nrecs > 0;

	for (uint32_t i = 0; i < (uint32_t)nt->ntok; i++) {
		const struct norm_token *tok = &nt->tok[i];
		const struct dict_slot *ws;
		uint32_t wid, c;

		if (i + AC_PREFETCH_FAR < nt->ntok)
			dict_prefetch_filter(
			    d, nt->tok[i + AC_PREFETCH_FAR].hash);
		if (i + AC_PREFETCH_NEAR < nt->ntok)
			dict_prefetch_slot(
			    d, nt->tok[i + AC_PREFETCH_NEAR].hash);
		if (tok->seg != seg) { /* a new category: start afresh */
			seg = tok->seg;
			s = 0;
			sflags = root_flags;
		}
		if (tok->nlen == NORM_TOO_LONG) {
			s = 0;
			sflags = root_flags;
			continue;
		}
		if (prefixes && (sflags & NF_PFX_CHAIN))
			ac_scan_prefixes(a, s, nt, i, fn, arg);
		ws = ac_word_slot(a, tok, norm_word(nt, i));
		if (ws != NULL && !(ws->kind & DICT_WORD))
			ws = inflects ? ac_inflected(a, norm_word(nt, i),
			                    tok->nlen, ws, nt->lang)
			              : NULL;
		else if (ws == NULL && inflects &&
		    infl_script_of(norm_word(nt, i), tok->nlen) != INFL_NONE)
			ws = ac_inflected(
			    a, norm_word(nt, i), tok->nlen, NULL, nt->lang);
		if (ws == NULL) {
			s = 0;
			sflags = root_flags;
			continue;
		}
		wid = ws->id1 - 1;
		/* Follow failure links until some state goes on with the
		 * word; the root's children are in the word's slot. */
		for (;;) {
			if (s == 0) {
				c = ws->aux;
				break;
			}
			c = edges_find(&a->go, s, wid);
			if (c != AC_NONE)
				break;
			s = a->nodes[s].fail;
		}
		s = c;
		if (s == 0) {
			sflags = root_flags;
		} else if (c == ws->aux) {
			/* A root child: all it needs is in the slot (its
			 * failure link is the root, which has no terms). */
			sflags = ws->rflags;
			ac_emit(a, ws->routh, nt, i, fn, arg);
		} else {
			const struct node *nd = &a->nodes[s];

			sflags = nd->flags;
			ac_emit(a, nd->outh, nt, i, fn, arg);
		}
	}
}

/* Terms added. */
size_t
ac_nterms(const struct ac *a)
{
	return a->nterms;
}

/* Bytes allocated, table by table. */
size_t
ac_memory(const struct ac *a)
{
	size_t m = sizeof(*a);
	const struct dict *d[2] = {&a->words, &a->prefixes};

	for (int k = 0; k < 2; k++)
		m += (d[k]->mask + 1) * sizeof(struct dict_slot) +
		    d[k]->cap * sizeof(uint32_t) + d[k]->capstr +
		    ((size_t)1 << d[k]->fbits) / 8;
	m += a->caproot * sizeof(uint32_t);
	m += (a->go.mask + 1) * sizeof(struct edge) +
	    (a->go.filter != NULL ? ((size_t)1 << a->go.fbits) / 8 : 0);
	m += a->capnodes * sizeof(struct node);
	m +=
	    a->capouts * sizeof(struct out) + a->capterms * sizeof(struct term);
	m += a->capxwords * sizeof(struct xword) + a->capxstr;
	m += a->han != NULL ? AC_HAN_N * sizeof(*a->han) : 0;
	m += a->caprecs * sizeof(struct infl_rec) +
	    a->capstem * sizeof(uint32_t) +
	    (a->infl != NULL ? infl_tab_memory(a->infl) : 0);
	return m;
}
