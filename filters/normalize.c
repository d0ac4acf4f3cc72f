/*
 * Tokeniser and folder: see normalize.h for what a word is.  The loop works
 * on bytes while they are ASCII (the bulk of most feeds) through two
 * 128-entry tables, and asks utf8proc about every other code point: its
 * category decides word or separator, and utf8proc_decompose_char with
 * CASEFOLD|COMPAT|STRIPMARK gives its folded form.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "common/hash.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "filters/normalize.h"
#include "filters/normhash.h"

/* Folded code points of one character: utf8proc's longest decomposition
 * (U+FDFA) is 18. */
#define NORM_MAX_DECOMP 32
/* Room kept free in the folded buffer before a word starts: the word
 * itself plus one character's worst-case expansion. */
#define NORM_WORD_ROOM (NORM_MAX_WORD + NORM_MAX_DECOMP * 4)

#define FOLD_OPTIONS                                                \
	(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | \
	    UTF8PROC_STRIPMARK)

/* What a character does to word boundaries. */
enum cclass {
	CC_SEP,    /* separates words */
	CC_WORD,   /* letter or digit */
	CC_MARK,   /* combining mark: part of the word, folded away */
	CC_IGNORE, /* invisible format character: skipped */
	CC_APOS,   /* apostrophe: in a word, or a possessive */
};

/* Apostrophe variants that are folded to ASCII ' (U+02BC is a letter to
 * Unicode, so it is looked up before the category). */
static const uint32_t apostrophes[] = {
    0x0027, /* ' */
    0x02BC, /* modifier letter apostrophe */
    0x2018, /* left single quotation mark */
    0x2019, /* right single quotation mark */
    0xFF07, /* fullwidth apostrophe */
};

/* Category of each utf8proc category code. */
static const unsigned char category_class[] = {
    [UTF8PROC_CATEGORY_LU] = CC_WORD,
    [UTF8PROC_CATEGORY_LL] = CC_WORD,
    [UTF8PROC_CATEGORY_LT] = CC_WORD,
    [UTF8PROC_CATEGORY_LM] = CC_WORD,
    [UTF8PROC_CATEGORY_LO] = CC_WORD,
    [UTF8PROC_CATEGORY_MN] = CC_MARK,
    [UTF8PROC_CATEGORY_MC] = CC_MARK,
    [UTF8PROC_CATEGORY_ME] = CC_MARK,
    [UTF8PROC_CATEGORY_ND] = CC_WORD,
    [UTF8PROC_CATEGORY_NL] = CC_WORD,
    [UTF8PROC_CATEGORY_NO] = CC_WORD,
    [UTF8PROC_CATEGORY_CF] = CC_IGNORE,
    [UTF8PROC_CATEGORY_CO] = CC_SEP,
};

/* ASCII: the folded letter or digit, or 0 for a separator.  One load
 * answers both questions on the fast path. */
/* clang-format off */
static const unsigned char ascii_fold_tab[128] = {
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	'0', '1', '2', '3', '4', '5', '6', '7',
	'8', '9', 0, 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g',
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
	'x', 'y', 'z', 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g',
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
	'x', 'y', 'z', 0, 0, 0, 0, 0,
};
/* clang-format on */

/* ASCII letters and digits. */
static inline int
ascii_word(unsigned char c)
{
	return ascii_fold_tab[c & 0x7f] != 0 && c < 0x80;
}

/* The class of a non-ASCII code point. */
static enum cclass
norm_classify(uint32_t cp)
{
	utf8proc_category_t cat;

	/* The letters of whole scripts, without asking utf8proc: the
	 * Cyrillic block's first 96, Hangul syllables, unified Han. */
	if ((cp >= 0x0400 && cp <= 0x045F) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	    (cp >= 0x4E00 && cp <= 0x9FFF))
		return CC_WORD;
	for (size_t i = 0; i < sizeof(apostrophes) / sizeof(apostrophes[0]);
	     i++)
		if (cp == apostrophes[i])
			return CC_APOS;
	cat = utf8proc_category((utf8proc_int32_t)cp);
	if ((size_t)cat >= sizeof(category_class))
		return CC_SEP;
	return (enum cclass)category_class[cat];
}

/* Class of the character at s[i] (i < len) and its length in *n; invalid
 * UTF-8 is one separating byte. */
static enum cclass
norm_class_at(const char *s, size_t len, size_t i, uint32_t *cp, size_t *n)
{
	unsigned char c = (unsigned char)s[i];

	if (c < 0x80) {
		*cp = c;
		*n = 1;
		if (c == '\'')
			return CC_APOS;
		return ascii_word(c) ? CC_WORD : CC_SEP;
	}
	/* Two- and three-byte letters (Cyrillic, Hangul, Han) decoded here;
	 * the rest, and anything doubtful, by utf8_decode. */
	if (c >= 0xC2 && c < 0xE0 && i + 1 < len &&
	    ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
		*cp = (uint32_t)(c & 0x1F) << 6 |
		    ((unsigned char)s[i + 1] & 0x3F);
		*n = 2;
		return norm_classify(*cp);
	}
	if (c > 0xE0 && c < 0xEF && c != 0xED && i + 2 < len &&
	    ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
	    ((unsigned char)s[i + 2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(c & 0x0F) << 12 |
		    (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
		    ((unsigned char)s[i + 2] & 0x3F);
		*n = 3;
		return norm_classify(*cp);
	}
	*n = utf8_decode(s + i, len - i, cp);
	if (*n == 0) {
		*n = 1;
		return CC_SEP;
	}
	return norm_classify(*cp);
}

#if defined(__SSE2__) && defined(__x86_64__)
/*
 * Sixteen bytes at a time where the text is ASCII (SSE2, everywhere on
 * x86-64): a mask of the letters and digits gives the length of a run of
 * word bytes, or of separators, without a branch per byte, and the folded
 * run is stored and hashed a block at a time.  Everything else (non-ASCII,
 * apostrophes, a text's last bytes) takes the byte-at-a-time path, which
 * gives the same result.
 */
#define NORM_SIMD 1

/* Bit k set when byte k of v is an ASCII letter or digit. */
static inline unsigned
simd_word_mask(__m128i v)
{
	__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i alpha =
	    _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
	        _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
	    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit));
}

/* v with ASCII capitals made small. */
static inline __m128i
simd_fold(__m128i v)
{
	__m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
	    _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));

	return _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
}

#endif

/* An empty token stream. */
void
norm_text_init(struct norm_text *nt)
{
	memset(nt, 0, sizeof(*nt));
}

/* Forget the tokens, keep the buffers. */
void
norm_text_reset(struct norm_text *nt)
{
	nt->ntok = 0;
	nt->nnorm = 0;
	nt->nseg = 0;
}

/* Free the buffers. */
void
norm_text_free(struct norm_text *nt)
{
	free(nt->tok);
	free(nt->norm);
	free(nt->seg);
	memset(nt, 0, sizeof(*nt));
}

/* Grow the token and folded-byte arrays (norm_reserve_word). */
static void __attribute__((noinline)) norm_grow(struct norm_text *nt)
{
	if (nt->ntok == nt->captok) {
		nt->captok = nt->captok ? nt->captok * 2 : 256;
		nt->tok = xreallocarray(nt->tok, nt->captok, sizeof(*nt->tok));
	}
	if (nt->capnorm - nt->nnorm < NORM_WORD_ROOM) {
		nt->capnorm = nt->capnorm * 2 + NORM_WORD_ROOM;
		nt->norm = xrealloc(nt->norm, nt->capnorm);
	}
}

/* Make room for one more token and a word's folded bytes: two compares
 * inline, every word pays them. */
static inline void
norm_reserve_word(struct norm_text *nt)
{
	if (nt->ntok == nt->captok || nt->capnorm - nt->nnorm < NORM_WORD_ROOM)
		norm_grow(nt);
}

/* State of the word being read. */
struct word {
	char *out;       /* where its folded bytes go */
	size_t nl;       /* folded bytes so far (may exceed NORM_MAX_WORD) */
	uint64_t h, cur; /* norm_hash so far, and the block being filled */
	int jamo;        /* a conjoining jamo was put: compose at the end */
};

/* Append n <= 8 bytes, the little-endian value v, to a word with room
 * for them: stored, and mixed into the hash's block as one value. */
static inline void
word_put_v(struct word *w, uint64_t v, size_t n)
{
	unsigned off = (unsigned)(w->nl & 7), room = 8 - off;

	for (size_t k = 0; k < n; k++)
		w->out[w->nl + k] = (char)(v >> (8 * k));
	w->cur |= v << (8 * off);
	w->nl += n;
	if (n >= room) {
		w->h = nh_block(w->h, w->cur);
		w->cur = n > room ? v >> (8 * room) : 0;
	}
}

/* Append folded bytes to the word, tracking length past the bound. */
static inline void
word_put(struct word *w, const char *b, size_t n)
{
	if (n <= 8 && w->nl + n <= NORM_MAX_WORD) {
		uint64_t v = 0;

		for (size_t k = 0; k < n; k++)
			v |= (uint64_t)(unsigned char)b[k] << (8 * k);
		word_put_v(w, v, n);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		if (w->nl < NORM_MAX_WORD)
			w->out[w->nl] = b[k];
		nh_byte(&w->h, &w->cur, w->nl, (unsigned char)b[k]);
		w->nl++;
	}
}

/*
 * Letters whose folded form is the letter itself: Han and Kana have no
 * case, and decomposing Kana would strip its voicing marks (が is not か).
 * Each of them is a token of its own (see normalize.h).
 */
static const struct cjk_range {
	uint32_t lo, hi;
} cjk_ranges[] = {
    {0x3005, 0x3007},   /* 々 〆 〇 */
    {0x3041, 0x3096},   /* Hiragana */
    {0x309D, 0x309F},   /* Hiragana iteration marks, ゟ */
    {0x30A1, 0x30FA},   /* Katakana */
    {0x30FC, 0x30FF},   /* ー, Katakana iteration marks, ヿ */
    {0x3400, 0x4DBF},   /* CJK extension A */
    {0x4E00, 0x9FFF},   /* CJK unified ideographs */
    {0x20000, 0x2A6DF}, /* CJK extension B */
};

/* Is cp a Han or Kana character, a token by itself? */
static int
norm_cjk(uint32_t cp)
{
	if (cp < 0x3005 || cp > 0x2A6DF || (cp > 0x9FFF && cp < 0x20000))
		return 0;
	for (size_t i = 0; i < sizeof(cjk_ranges) / sizeof(cjk_ranges[0]); i++)
		if (cp >= cjk_ranges[i].lo && cp <= cjk_ranges[i].hi)
			return 1;
	return 0;
}

/* Hangul syllables and the conjoining jamo they are made of (Unicode
 * 3.12, "Conjoining Jamo Behavior"). */
#define HG_SBASE 0xAC00
#define HG_SLAST 0xD7A3
#define HG_LBASE 0x1100
#define HG_VBASE 0x1161
#define HG_TBASE 0x11A7
#define HG_LCOUNT 19
#define HG_VCOUNT 21
#define HG_TCOUNT 28

/* The code point of the three-byte UTF-8 character at p. */
static inline uint32_t
utf8_cp3(const char *p)
{
	return (uint32_t)((unsigned char)p[0] & 0x0F) << 12 |
	    (uint32_t)((unsigned char)p[1] & 0x3F) << 6 |
	    ((unsigned char)p[2] & 0x3F);
}

/* Write a code point of U+0800-U+FFFF as three bytes at p. */
static inline void
utf8_put3(char *p, uint32_t cp)
{
	p[0] = (char)(0xE0 | cp >> 12);
	p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	p[2] = (char)(0x80 | (cp & 0x3F));
}

/*
 * Compose the conjoining jamo of a folded word into syllables, in place,
 * as canonical composition does (L V -> LV, LV T -> LVT): Hangul is kept
 * as syllables, three bytes each, so that a word written with jamo (or
 * compatibility jamo) folds to what its precomposed spelling does.  The
 * composition is reversible, so two words fold alike exactly when their
 * jamo do.  Returns the new length.
 */
static size_t
norm_compose_hangul(char *w, size_t len)
{
	size_t i = 0, o = 0, last = SIZE_MAX; /* last: an L or LV at w[last] */

	while (i < len) {
		unsigned char c = (unsigned char)w[i];
		size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		uint32_t cp = n == 3 && i + 3 <= len ? utf8_cp3(w + i) : 0;

		if (last != SIZE_MAX) {
			uint32_t p = utf8_cp3(w + last);

			if (p < HG_SBASE && cp >= HG_VBASE &&
			    cp < HG_VBASE + HG_VCOUNT) {
				utf8_put3(w + last,
				    HG_SBASE +
				        ((p - HG_LBASE) * HG_VCOUNT +
				            (cp - HG_VBASE)) *
				            HG_TCOUNT);
				i += 3;
				continue;
			}
			if (p >= HG_SBASE && cp > HG_TBASE &&
			    cp < HG_TBASE + HG_TCOUNT) {
				utf8_put3(w + last, p + (cp - HG_TBASE));
				last = SIZE_MAX;
				i += 3;
				continue;
			}
		}
		last = SIZE_MAX;
		if ((cp >= HG_LBASE && cp < HG_LBASE + HG_LCOUNT) ||
		    (cp >= HG_SBASE && cp <= HG_SLAST &&
		        (cp - HG_SBASE) % HG_TCOUNT == 0))
			last = o;
		memmove(w + o, w + i, n);
		o += n;
		i += n;
	}
	return o;
}

/*
 * Cyrillic U+0400-U+045F folded without asking utf8proc (Russian and
 * Ukrainian text is all in this block), indexed by cp - U+0400: capitals
 * to small letters, then the letters with marks to their base (ё -> е,
 * й -> и, ї -> і), which is what case folding with marks stripped gives;
 * each as the two UTF-8 bytes of the folded letter, the first in the low
 * byte.  tests/normalize-t checks it against utf8proc letter by letter.
 */
#define CYR_N 0x60
/* clang-format off */
static const uint16_t cyr_fold[CYR_N] = {
	0xB5D0, 0xB5D0, 0x92D1, 0xB3D0, 0x94D1, 0x95D1, 0x96D1, 0x96D1,
	0x98D1, 0x99D1, 0x9AD1, 0x9BD1, 0xBAD0, 0xB8D0, 0x83D1, 0x9FD1,
	0xB0D0, 0xB1D0, 0xB2D0, 0xB3D0, 0xB4D0, 0xB5D0, 0xB6D0, 0xB7D0,
	0xB8D0, 0xB8D0, 0xBAD0, 0xBBD0, 0xBCD0, 0xBDD0, 0xBED0, 0xBFD0,
	0x80D1, 0x81D1, 0x82D1, 0x83D1, 0x84D1, 0x85D1, 0x86D1, 0x87D1,
	0x88D1, 0x89D1, 0x8AD1, 0x8BD1, 0x8CD1, 0x8DD1, 0x8ED1, 0x8FD1,
	0xB0D0, 0xB1D0, 0xB2D0, 0xB3D0, 0xB4D0, 0xB5D0, 0xB6D0, 0xB7D0,
	0xB8D0, 0xB8D0, 0xBAD0, 0xBBD0, 0xBCD0, 0xBDD0, 0xBED0, 0xBFD0,
	0x80D1, 0x81D1, 0x82D1, 0x83D1, 0x84D1, 0x85D1, 0x86D1, 0x87D1,
	0x88D1, 0x89D1, 0x8AD1, 0x8BD1, 0x8CD1, 0x8DD1, 0x8ED1, 0x8FD1,
	0xB5D0, 0xB5D0, 0x92D1, 0xB3D0, 0x94D1, 0x95D1, 0x96D1, 0x96D1,
	0x98D1, 0x99D1, 0x9AD1, 0x9BD1, 0xBAD0, 0xB8D0, 0x83D1, 0x9FD1,
};
/* clang-format on */

/*
 * A run of Cyrillic letters of U+0400-U+045F from s[i], folded into the
 * word two bytes at a time, the hash's block filled as it goes; stops at
 * anything else or at the word's bound.  Returns where it stopped.
 */
static size_t
norm_cyrillic_run(struct word *w, const char *s, size_t len, size_t i)
{
	size_t nl = w->nl;
	uint64_t h = w->h, cur = w->cur;

	while (i + 1 < len && nl + 2 <= NORM_MAX_WORD) {
		unsigned char c = (unsigned char)s[i],
		              c1 = (unsigned char)s[i + 1];
		unsigned off = (unsigned)(nl & 7);
		uint32_t f;
		uint64_t v;

		if ((c != 0xD0 && c != 0xD1) || (c1 & 0xC0) != 0x80)
			break;
		f = (uint32_t)(c & 1) << 6 | (c1 & 0x3F); /* cp - U+0400 */
		if (f >= CYR_N)
			break; /* U+0460 and on: the slow path */
		v = cyr_fold[f];
		w->out[nl] = (char)v;
		w->out[nl + 1] = (char)(v >> 8);
		cur |= v << (8 * off);
		if (off >= 6) {
			h = nh_block(h, cur);
			cur = off == 7 ? v >> 8 : 0;
		}
		nl += 2;
		i += 2;
	}
	w->nl = nl;
	w->h = h;
	w->cur = cur;
	return i;
}

/* Fold one non-ASCII letter or digit into the word. */
static void
word_put_cp(struct word *w, uint32_t cp)
{
	utf8proc_int32_t d[NORM_MAX_DECOMP];
	utf8proc_ssize_t nd;
	int boundclass = 0;
	char enc[4];
	uint32_t f;

	if (cp >= 0x0400 && cp < 0x0400 + CYR_N) {
		f = cyr_fold[cp - 0x0400];
		enc[0] = (char)f;
		enc[1] = (char)(f >> 8);
		word_put(w, enc, 2);
		return;
	}
	if ((cp >= HG_SBASE && cp <= HG_SLAST) || norm_cjk(cp)) {
		/* Hangul syllables are kept whole (norm_compose_hangul);
		 * Han and Kana are their own folded form. */
		word_put(w, enc, utf8_encode(cp, enc));
		return;
	}
	nd = utf8proc_decompose_char((utf8proc_int32_t)cp, d, NORM_MAX_DECOMP,
	    FOLD_OPTIONS, &boundclass);
	if (nd < 0 || nd > NORM_MAX_DECOMP)
		return;
	for (utf8proc_ssize_t k = 0; k < nd; k++) {
		if (d[k] >= HG_LBASE && d[k] <= 0x11FF)
			w->jamo = 1;
		word_put(w, enc, utf8_encode((uint32_t)d[k], enc));
	}
}

/* Is the letter at s[j] a vowel once its marks are gone (ŏ, ŭ are)? */
static int
norm_vowel_at(const char *s, size_t len, size_t j)
{
	utf8proc_int32_t d[NORM_MAX_DECOMP];
	int boundclass = 0;
	uint32_t cp;
	size_t n;

	if (j >= len || norm_class_at(s, len, j, &cp, &n) != CC_WORD)
		return 0;
	if (cp >= 0x80) {
		if (utf8proc_decompose_char((utf8proc_int32_t)cp, d,
		        NORM_MAX_DECOMP, FOLD_OPTIONS, &boundclass) < 1 ||
		    d[0] >= 0x80)
			return 0;
		cp = (uint32_t)d[0];
	}
	if (cp >= 0x80 || ascii_fold_tab[cp] == 0)
		return 0;
	return strchr("aeiouwy", ascii_fold_tab[cp]) != NULL;
}

/*
 * The apostrophe of McCune-Reischauer romanisation marks an aspirated
 * consonant (Ch'oe, P'yŏngyang, T'aebaek): after ch, k, p or t and
 * before a vowel it is dropped, so that the spelling without it matches.
 * An English word seldom has that shape (can't, it'll, O'Brien keep it).
 */
static int
norm_aspiration(const struct word *w, const char *s, size_t len, size_t j)
{
	char c;

	if (w->nl == 0 || w->nl > NORM_MAX_WORD)
		return 0;
	c = w->out[w->nl - 1];
	if (!(c == 'k' || c == 'p' || c == 't' ||
	        (c == 'h' && w->nl >= 2 && w->out[w->nl - 2] == 'c')))
		return 0;
	return norm_vowel_at(s, len, j);
}

/*
 * After an apostrophe at s[i] (n bytes): 1 when it starts a possessive
 * 's that ends the word, 2 when a letter follows (the apostrophe is inside
 * the word), 0 when it ends the word.
 */
static int
norm_apostrophe(const char *s, size_t len, size_t j)
{
	uint32_t cp;
	size_t n;

	if (j >= len || norm_class_at(s, len, j, &cp, &n) != CC_WORD)
		return 0;
	if ((s[j] == 's' || s[j] == 'S') &&
	    (j + 1 >= len || norm_class_at(s, len, j + 1, &cp, &n) != CC_WORD))
		return 1;
	return 2;
}

/* Read one word starting at s[i] (a letter or digit); returns the index
 * just after it and fills the token. */
static size_t
norm_read_word(struct norm_text *nt, const char *s, size_t len, size_t i,
    struct norm_token *t)
{
	struct word w = {nt->norm + nt->nnorm, 0, NH_SEED, 0, 0};
	uint32_t cp;
	size_t n;
	char apos = '\'';

	t->start = (uint32_t)i;
	t->xend = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

#ifdef NORM_SIMD
		/* The fastest path: a run of ASCII letters and digits, while
		 * the word is at a block boundary of its hash. */
		if (i + 16 <= len && (w.nl & 7) == 0 &&
		    w.nl + 16 <= NORM_MAX_WORD) {
			__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
			unsigned run = (unsigned)__builtin_ctz(
			    ~simd_word_mask(v) | 0x10000u);
			__m128i f;
			uint64_t lo, hi;

			if (run > 0) {
				f = simd_fold(v);
				_mm_storeu_si128((__m128i *)(w.out + w.nl), f);
				lo = (uint64_t)_mm_cvtsi128_si64(f);
				hi = (uint64_t)_mm_cvtsi128_si64(
				    _mm_srli_si128(f, 8));
				if (run >= 8) {
					w.h = nh_block(w.h, lo);
					if (run == 16)
						w.h = nh_block(w.h, hi);
					w.cur = run == 16
					    ? 0
					    : low_bytes(hi, run - 8);
				} else
					w.cur = low_bytes(lo, run);
				w.nl += run;
				i += run;
				continue;
			}
		}
#endif
		/* The fast path: ASCII letters and digits. */
		if (c < 0x80 && ascii_fold_tab[c] != 0) {
			unsigned char f = ascii_fold_tab[c];

			if (w.nl < NORM_MAX_WORD)
				w.out[w.nl] = (char)f;
			nh_byte(&w.h, &w.cur, w.nl, f);
			w.nl++;
			i++;
			continue;
		}
		if (c < 0x80 && c != '\'')
			break; /* an ASCII separator */
		/* Cyrillic (U+0400-U+045F) and Hangul syllables, the bulk
		 * of Russian, Ukrainian and Korean, folded here without
		 * classifying each letter. */
		if ((c == 0xD0 || c == 0xD1) && i + 1 < len &&
		    ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			size_t j = norm_cyrillic_run(&w, s, len, i);

			if (j > i) {
				i = j;
				continue;
			}
		}
		if (c >= 0xEA && c <= 0xED && i + 2 < len &&
		    ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
		    ((unsigned char)s[i + 2] & 0xC0) == 0x80) {
			uint32_t h = utf8_cp3(s + i);

			if (h >= HG_SBASE && h <= HG_SLAST) {
				word_put(&w, s + i, 3);
				i += 3;
				continue;
			}
		}
		switch (norm_class_at(s, len, i, &cp, &n)) {
		case CC_WORD:
			if (norm_cjk(cp)) {
				/* Han and Kana: one character, one token. */
				if (w.nl == 0) {
					word_put_cp(&w, cp);
					i += n;
				}
				goto out;
			}
			word_put_cp(&w, cp);
			i += n;
			continue;
		case CC_MARK:
		case CC_IGNORE:
			i += n;
			continue;
		case CC_APOS:
			switch (norm_apostrophe(s, len, i + n)) {
			case 1: /* possessive: dropped, word ends */
				t->xend = (uint32_t)i;
				i += n + 1;
				goto out;
			case 2:
				if (!norm_aspiration(&w, s, len, i + n))
					word_put(&w, &apos, 1);
				i += n;
				continue;
			default:
				goto out;
			}
		case CC_SEP:
			goto out;
		}
	}
out:
	t->end = (uint32_t)i;
	if (t->xend == 0)
		t->xend = t->end;
	t->noff = (uint32_t)nt->nnorm;
	if (w.nl > NORM_MAX_WORD) {
		t->nlen = NORM_TOO_LONG;
		t->hash = 0;
	} else if (w.jamo) {
		w.nl = norm_compose_hangul(w.out, w.nl);
		t->nlen = (uint16_t)w.nl;
		t->hash = norm_hash(w.out, w.nl);
		nt->nnorm += w.nl;
	} else {
		t->nlen = (uint16_t)w.nl;
		t->hash = nh_final(w.h, w.cur, w.nl);
		nt->nnorm += w.nl;
	}
	return i;
}

/* The token of the Han character at s[i] (three bytes, U+4E00-U+9FFF). */
static void
norm_put_han(struct norm_text *nt, const char *s, size_t i, uint16_t seg)
{
	struct norm_token *t = &nt->tok[nt->ntok++];
	char *out = nt->norm + nt->nnorm;

	memcpy(out, s + i, 3);
	t->start = (uint32_t)i;
	t->end = t->xend = (uint32_t)(i + 3);
	t->noff = (uint32_t)nt->nnorm;
	t->nlen = 3;
	t->seg = seg;
	t->hash = nh_final(NH_SEED,
	    (uint64_t)(unsigned char)out[0] |
	        (uint64_t)(unsigned char)out[1] << 8 |
	        (uint64_t)(unsigned char)out[2] << 16,
	    3);
	nt->nnorm += 3;
}

#ifdef NORM_SIMD
/*
 * Sixteen ASCII bytes from s[i] (readable), one load for a separator run
 * or for a word and the separators after it.  At a separator: the index
 * of the next letter, digit or non-ASCII byte (or i + 16).  At a word of
 * ASCII letters and digits that ends inside the block at an ASCII
 * separator other than an apostrophe (what norm_read_word would stop at
 * without looking further): its token, folded and hashed as
 * norm_read_word does, and so for each word after it that also ends in
 * the block; then the index after the last one's separators, or of the
 * word that does not end so.  Otherwise i: the word is norm_read_word's
 * (apostrophes, non-ASCII, a word that runs on past the block).
 */
static inline size_t
norm_simd_step(struct norm_text *nt, const char *s, size_t i)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
	unsigned word = simd_word_mask(v);
	unsigned stop = word | (unsigned)_mm_movemask_epi8(v) | 0x10000u;
	unsigned o = 0, run;
	/* The folded block, and zeros so a word's 16 bytes can be read
	 * from any place in it. */
	char fold[32];

	if ((word & 1) == 0)
		return i + (unsigned)__builtin_ctz(stop);
	_mm_storeu_si128((__m128i *)fold, simd_fold(v));
	_mm_storeu_si128((__m128i *)(fold + 16), _mm_setzero_si128());
	/* Each word of the block at o that ends in it, one after the
	 * other, from the one load. */
	for (;;) {
		struct norm_token *t;
		uint64_t lo, hi, h;

		run = (unsigned)__builtin_ctz(~word >> o);
		if (o + run == 16 || (stop >> (o + run) & 1) != 0 ||
		    s[i + o + run] == '\'')
			return i + o;
		norm_reserve_word(nt);
		memcpy(nt->norm + nt->nnorm, fold + o, 16);
		memcpy(&lo, fold + o, 8);
		memcpy(&hi, fold + o + 8, 8);
		if (run >= 8)
			h = nh_final(
			    nh_block(NH_SEED, lo), low_bytes(hi, run - 8), run);
		else
			h = nh_final(NH_SEED, low_bytes(lo, run), run);
		t = &nt->tok[nt->ntok++];
		t->start = (uint32_t)(i + o);
		t->end = t->xend = (uint32_t)(i + o + run);
		t->noff = (uint32_t)nt->nnorm;
		t->hash = (uint32_t)h;
		t->nlen = (uint16_t)run;
		t->seg = (uint16_t)nt->nseg;
		nt->nnorm += run;
		o += run;
		o += (unsigned)__builtin_ctz(stop >> o);
		if (o == 16 || (word >> o & 1) == 0)
			return i + o;
	}
}
#endif

/* Tokenise one segment: skip separators, read each word. */
void
norm_text_add(struct norm_text *nt, const char *s, size_t len)
{
	struct norm_seg *sg;
	size_t i = 0;
	uint32_t cp;
	size_t n;

	if (nt->nseg >= NORM_MAX_SEGS)
		return;
	if (len > NORM_MAX_TEXT)
		len = utf8_cut(s, len, NORM_MAX_TEXT);
	if (nt->nseg == nt->capseg) {
		nt->capseg = nt->capseg ? nt->capseg * 2 : 8;
		nt->seg = xreallocarray(nt->seg, nt->capseg, sizeof(*nt->seg));
	}
	sg = &nt->seg[nt->nseg];
	sg->text = s;
	sg->len = (uint32_t)len;
	sg->first = (uint32_t)nt->ntok;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		struct norm_token *t;
		int han;

#ifdef NORM_SIMD
		/* ASCII sixteen bytes at a time: separators skipped, and
		 * a plain word that ends in the block taken whole. */
		if (c < 0x80 && i + 16 <= len) {
			size_t j = norm_simd_step(nt, s, i);

			if (j != i) {
				i = j;
				continue;
			}
		}
#endif
		if (c < 0x80 && !ascii_word(c)) {
			i++;
			continue;
		}
		/* A unified Han character (U+4E00-U+9FFF, E4 B8 80 to E9 BF
		 * BF), its own folded form and its own token: the bulk of
		 * Chinese and Japanese, taken before anything classifies
		 * it. */
		han = c >= 0xE4 && c <= 0xE9 && i + 2 < len &&
		    (c != 0xE4 || (unsigned char)s[i + 1] >= 0xB8) &&
		    ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
		    ((unsigned char)s[i + 2] & 0xC0) == 0x80;
		if (!han && c >= 0x80 &&
		    norm_class_at(s, len, i, &cp, &n) != CC_WORD) {
			i += n;
			continue;
		}
		norm_reserve_word(nt);
		if (han) {
			norm_put_han(nt, s, i, (uint16_t)nt->nseg);
			i += 3;
			continue;
		}
		t = &nt->tok[nt->ntok];
		i = norm_read_word(nt, s, len, i, t);
		if (t->nlen == 0)
			continue; /* a letter that folds to nothing */
		t->seg = (uint16_t)nt->nseg;
		nt->ntok++;
	}
	nt->nseg++;
}

/* One token, one character, in a Han block (after folding, so that a
 * compatibility ideograph counts). */
int
norm_one_han(const char *s, size_t len)
{
	struct norm_text nt;
	uint32_t cp = 0;
	int one;

	norm_text_init(&nt);
	norm_text_add(&nt, s, len);
	one = nt.ntok == 1 && nt.tok[0].nlen != NORM_TOO_LONG &&
	    utf8_decode(norm_word(&nt, 0), nt.tok[0].nlen, &cp) ==
	        nt.tok[0].nlen &&
	    norm_cjk(cp) && cp >= 0x3400;
	norm_text_free(&nt);
	return one;
}

/* The hash of norm_fold's string, from words already tokenised (the
 * matcher's): the same bytes fed to FNV-1a without making the string. */
uint64_t
norm_fold_hash(const struct norm_text *nt)
{
	uint64_t h = HASH64_INIT;
	size_t n = 0;

	for (size_t i = 0; i < nt->ntok; i++) {
		size_t len = nt->tok[i].nlen;

		if (i > 0)
			h = hash64_update(h, " ", 1);
		if (len == NORM_TOO_LONG)
			h = hash64_update(h, "...", 3);
		else
			h = hash64_update(h, norm_word(nt, i), len);
		n += i > 0 || len > 0;
	}
	return n > 0 ? h : 0;
}

/* Tokenise, then join the folded words with spaces. */
char *
norm_fold(const char *s, size_t len)
{
	struct norm_text nt;
	char *out, *p;
	size_t cap = 1;

	norm_text_init(&nt);
	norm_text_add(&nt, s, len);
	for (size_t i = 0; i < nt.ntok; i++)
		cap +=
		    (nt.tok[i].nlen == NORM_TOO_LONG ? 3 : nt.tok[i].nlen) + 1;
	p = out = xmalloc(cap);
	for (size_t i = 0; i < nt.ntok; i++) {
		if (i > 0)
			*p++ = ' ';
		if (nt.tok[i].nlen == NORM_TOO_LONG) {
			memcpy(p, "...", 3);
			p += 3;
			continue;
		}
		memcpy(p, norm_word(&nt, i), nt.tok[i].nlen);
		p += nt.tok[i].nlen;
	}
	*p = '\0';
	norm_text_free(&nt);
	return out;
}
