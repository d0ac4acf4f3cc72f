/*
 * The word table of the term automaton (filters/automaton.c): interned
 * folded words in an open-addressed table behind a one-bit-per-hash
 * filter, so that a word of no term is answered without touching the
 * large table.  Its slots also carry what the scan needs of the word (see
 * struct dict_slot).  Private to filters/.
 */
#ifndef FW_FILTERS_DICT_H
#define FW_FILTERS_DICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bytes of a word kept in its slot: most words fit, so checking a
 * candidate costs the one cache line the slot is in. */
#define DICT_HEAD 8

/*
 * An interned folded word: 32 bytes, two to a cache line.  For a word
 * that begins terms, the slot also holds what the scan needs of the
 * root's child through it (the state, its terms, its flags), so that the
 * commonest match — a one-word term, or the first word of a name — costs
 * the one cache line.
 */
struct dict_slot {
	uint32_t hash;
	uint32_t id1;  /* word id + 1; 0: empty */
	uint32_t aux;  /* words: the root's child through it, 0 none */
	uint32_t off;  /* the whole word in dict.str */
	int32_t routh; /* words: that child's first term in ac.outs, or -1 */
	uint16_t len;
	uint8_t rflags;       /* words: that child's node flags */
	uint8_t kind;         /* DICT_WORD, DICT_STEM */
	char head[DICT_HEAD]; /* its first bytes */
};

/* What a folded word in the table is (both may hold). */
#define DICT_WORD 0x1 /* a word of some term */
#define DICT_STEM 0x2 /* the stem of an inflected term word (inflect.h) */

struct dict {
	struct dict_slot *slots;
	size_t mask;
	/* A bit per hash (top bits), set for every word: most text words are
	 * in no term, and this small table answers for them without touching
	 * the large one. */
	uint64_t *filter;
	int fbits;
	uint32_t *slot_of; /* per id: its slot (rebuilt when the table grows) */
	size_t n, cap;
	char *str;
	size_t nstr, capstr;
};

void dict_init(struct dict *d);
void dict_free(struct dict *d);
/* The id of a folded word, or UINT32_MAX (before or after the filter). */
uint32_t dict_find_id(
    const struct dict *d, const char *w, size_t len, uint32_t h);
/* Build the filter once every word is in. */
void dict_build_filter(struct dict *d);
/* A zeroed filter sized for n keys, and its size in bits (as a power of
 * two); the automaton's edge filter uses the same rule. */
uint64_t *dict_filter_new(size_t n, int *bits);
/* The id of a folded word, added when new. */
uint32_t dict_intern(struct dict *d, const char *w, size_t len);
/* Grow an array of elements to hold at least `need`. */
void *dict_grow(void *p, size_t *cap, size_t need, size_t size);
/* A zeroed table of size bytes, on huge pages when large; free() it. */
void *dict_table_alloc(size_t size);

/* The slot of a folded word, or NULL. */
static inline const struct dict_slot *
dict_find(const struct dict *d, const char *w, size_t len, uint32_t h)
{
	size_t i = h & d->mask, head = len < DICT_HEAD ? len : DICT_HEAD;

	for (;;) {
		const struct dict_slot *s = &d->slots[i];

		if (s->id1 == 0)
			return NULL;
		if (s->hash == h && s->len == len &&
		    memcmp(s->head, w, head) == 0 &&
		    (len <= DICT_HEAD ||
		        memcmp(d->str + s->off + DICT_HEAD, w + DICT_HEAD,
		            len - DICT_HEAD) == 0))
			return s;
		i = (i + 1) & d->mask;
	}
}

/* dict_find behind the filter (after ac_build). */
static inline const struct dict_slot *
dict_lookup(const struct dict *d, const char *w, size_t len, uint32_t h)
{
	uint32_t b = h >> (32 - d->fbits);

	if (!(d->filter[b / 64] & ((uint64_t)1 << (b % 64))))
		return NULL;
	return dict_find(d, w, len, h);
}

/* Bytes of a word's start that pick its bit in the automaton's
 * pfx_start filter. */
#define DICT_PFX_KEY_MAX 8

/* The pfx_start bit of a folded word: a mix of its first k bytes, where k
 * is the shortest prefix's length (at most DICT_PFX_KEY_MAX), so that
 * every word that begins with some prefix word has a bit that prefix
 * set.  From four bytes on, two loads that may overlap (a byte in both
 * is the same byte in the same place, so the OR is the k bytes). */
static inline size_t
dict_pfx_start(const char *w, size_t k)
{
	uint64_t v = 0;

	if (k >= 4) {
		uint32_t lo, hi;

		memcpy(&lo, w, 4);
		memcpy(&hi, w + k - 4, 4);
		v = lo | (uint64_t)hi << (8 * (k - 4));
	} else {
		for (size_t i = 0; i < k; i++)
			v |= (uint64_t)(unsigned char)w[i] << (8 * i);
	}
	v *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(v >> 48);
}

/* Start fetching the filter word of hash h. */
static inline void
dict_prefetch_filter(const struct dict *d, uint32_t h)
{
	__builtin_prefetch(&d->filter[(h >> (32 - d->fbits)) / 64]);
}

/* Start fetching the slot of hash h, when its filter bit is set. */
static inline void
dict_prefetch_slot(const struct dict *d, uint32_t h)
{
	uint32_t b = h >> (32 - d->fbits);

	if (d->filter[b / 64] & ((uint64_t)1 << (b % 64)))
		__builtin_prefetch(&d->slots[h & d->mask]);
}

#endif
