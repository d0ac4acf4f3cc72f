/*
 * Inflection for the term automaton (SPEC "Matching"): which
 * written forms of a word of an unquoted term count as that word.
 *
 * Russian and Ukrainian decline nouns, adjectives and names (Россия,
 * России, Россию); Korean glues particles to a word (북한은, 북한의).  A
 * term is written once, in its dictionary form.  At compile time each of
 * its Cyrillic or Hangul words gives one or more keys: a stem (the word
 * without its own ending: росси, коре, северн) and, per language, the set
 * of endings that stem takes (я и ю ей ею ...; for Hangul, the particles
 * that fit the word's last syllable).  At scan time a text word that is
 * no term word is tried as stem + ending for the few ending lengths its
 * script has: one lookup of the ending in a small table and one of the
 * stem behind the automaton's word filter, so the cost per word stays
 * flat.  Nothing here is asked per text word of a script without
 * inflection (Latin, Han, Kana).
 *
 * The endings are tables in this file, written as a grammar gives them
 * and folded at start-up with the same code as the text, so ё/е and й/и
 * agree on both sides.  Which paradigm a term word follows is read from
 * its ending; see inflect.c for why the table and not a stemmer.
 */
#ifndef FW_FILTERS_INFLECT_H
#define FW_FILTERS_INFLECT_H

#include <stddef.h>
#include <stdint.h>

/* The declared language of a text, as far as inflection cares. */
enum infl_lang {
	INFL_AUTO, /* none declared: each Cyrillic word says by its letters */
	INFL_RU,
	INFL_UK,
	INFL_OTHER, /* declared, neither: Cyrillic words as INFL_AUTO */
};

/* Scripts that inflect. */
enum infl_script {
	INFL_NONE,
	INFL_CYRILLIC,
	INFL_HANGUL,
};

/* Endings of one script: ids 0..INFL_MAX_ENDINGS-1, 0 is "". */
#define INFL_MAX_ENDINGS 128
/* Bytes of a folded ending (the longest Korean particle is about 30). */
#define INFL_MAX_ENDING 48
/* Keys one term word can give (its paradigms). */
#define INFL_MAX_KEYS 4
/* Letters a stem keeps at least: a shorter one would take in words
 * that only begin alike. */
#define INFL_MIN_STEM 2

/* A key: the first len bytes of the folded term word, and the endings
 * the stem takes in each language (index 0 Russian or Korean, 1
 * Ukrainian), a bit per ending id. */
struct infl_key {
	size_t len;
	uint64_t mask[2][INFL_MAX_ENDINGS / 64];
};

struct infl_tab;

/* The folded ending tables (a few dozen microseconds); free with
 * infl_tab_free. */
struct infl_tab *infl_tab_new(void);
void infl_tab_free(struct infl_tab *t);
size_t infl_tab_memory(const struct infl_tab *t);

/*
 * The keys of one word of an unquoted term: w is its folded form, orig
 * the word as written (all capitals, an abbreviation such as КНДР, is not
 * declined).  Returns how many were written to out (0: the word does not
 * inflect).
 */
size_t infl_keys(const struct infl_tab *t, const char *orig, size_t olen,
    const char *w, size_t len, struct infl_key out[INFL_MAX_KEYS]);

/* The script of a folded word, from its first letter. */
static inline enum infl_script
infl_script_of(const char *w, size_t len)
{
	unsigned char c0 = (unsigned char)w[0];

	if (c0 < 0xD0) /* every script below leads with D0 or more */
		return INFL_NONE;
	if (c0 <= 0xD3)
		return INFL_CYRILLIC;
	/* Folded Hangul is precomposed syllables, U+AC00-U+D7A3 (EA B0 80
	 * to ED 9E A3), or conjoining jamo, U+1100-U+11FF, that compose
	 * into none. */
	if (len >= 3 && c0 >= 0xEA && c0 <= 0xED &&
	    (c0 != 0xEA || (unsigned char)w[1] >= 0xB0) &&
	    (c0 != 0xED || (unsigned char)w[1] < 0x9E ||
	        ((unsigned char)w[1] == 0x9E && (unsigned char)w[2] <= 0xA3)))
		return INFL_HANGUL;
	if (c0 == 0xE1 && len >= 3 && (unsigned char)w[1] >= 0x84 &&
	    (unsigned char)w[1] <= 0x87)
		return INFL_HANGUL;
	return INFL_NONE;
}

/* Byte lengths of the endings of a script, shortest first (0 first). */
const uint8_t *infl_lengths(
    const struct infl_tab *t, enum infl_script s, size_t *n);
/* The id of an ending of the script, or -1. */
int infl_ending(
    const struct infl_tab *t, enum infl_script s, const char *e, size_t len);
/* Which mask of a key applies to a folded text word: 1 when it is read
 * as Ukrainian (declared, or і є ґ in it), else 0. */
int infl_lang_index(
    const char *w, size_t len, enum infl_script s, enum infl_lang lang);

/* A language tag ("ru", "uk-UA", "ko") as an infl_lang; NULL is AUTO. */
enum infl_lang infl_lang_of(const char *tag);

#endif
