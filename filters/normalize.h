/*
 * Text normalisation for matching (SPEC "Matching"): a field of plain text
 * becomes a stream of words, each with its case-folded, mark-stripped form
 * and where it stood in the original text.  Terms and article text go
 * through the same code, so whatever the folding does, both sides agree.
 *
 * A word is a run of Unicode letters and digits (utf8proc_category);
 * combining marks and invisible format characters (soft hyphen, ZWJ) inside
 * a word are skipped without breaking it; everything else — spaces of any
 * kind, NBSP, hyphens and dashes, punctuation — separates words.  An
 * apostrophe (', ’, ‘, ʼ, ＇) between letters stays in the word as ',
 * and an English possessive 's or ’s at the end of a word is dropped; the
 * apostrophe of romanised Korean (Ch'oe, P'yŏngyang: after ch, k, p, t,
 * before a vowel) is dropped too, so Choe matches Ch'oe.
 *
 * Han, Hiragana and Katakana are written without spaces: each of their
 * characters is a token of its own, so a term in them is a sequence of
 * tokens and matches inside any run (ロシア in ロシア産).  Hangul is
 * written in space-separated words and stays so.  Positions (near(),
 * snippets) count a Han or Kana character as one word.  The folded form
 * is utf8proc's case folding with compatibility decomposition (fullwidth
 * and ligature forms) and marks stripped, except that Hangul stays in (or
 * is composed back into) precomposed syllables, as canonical composition
 * gives them: three bytes a syllable, and a word spelt in conjoining or
 * compatibility jamo folds as its syllables do.  ASCII, Cyrillic and
 * Hangul take fast paths that give the same answer.
 *
 * Tokenising is done once per field; the automaton then walks the tokens
 * by their hashes.  A norm_text is reusable: reset it and add the next
 * field, and its buffers are kept, so scanning allocates nothing per word.
 */
#ifndef FW_FILTERS_NORMALIZE_H
#define FW_FILTERS_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a folded word.  No name or term is anywhere near this long; a
 * longer word is kept as a token (it still counts for positions) but never
 * matches anything. */
#define NORM_MAX_WORD 128
/* Bytes of one segment that are tokenised: offsets are 32-bit, and the
 * daemon's max-size (8 MiB by default) keeps real fields far below this. */
#define NORM_MAX_TEXT ((size_t)256 << 20)
/* Segments in one norm_text (categories of one item); more are ignored. */
#define NORM_MAX_SEGS 4096
/* nlen of a word longer than NORM_MAX_WORD. */
#define NORM_TOO_LONG 0xFFFF

struct norm_token {
	uint32_t start; /* byte offset of the word in its segment's text */
	uint32_t end;   /* end of the word in the text, possessive included */
	uint32_t xend;  /* end of the exact-case form (possessive dropped) */
	uint32_t noff;  /* the folded form: norm_text.norm + noff */
	uint32_t hash;  /* norm_hash() of the folded form */
	uint16_t nlen;  /* folded length, or NORM_TOO_LONG */
	uint16_t seg;   /* which segment the word is in */
};

/* One piece of text added with norm_text_add: a field, or one category. */
struct norm_seg {
	const char *text; /* the caller's, not copied */
	uint32_t len;
	uint32_t first; /* index of its first token */
};

struct norm_text {
	struct norm_token *tok;
	size_t ntok, captok;
	char *norm; /* folded words back to back, not NUL-separated */
	size_t nnorm, capnorm;
	struct norm_seg *seg;
	size_t nseg, capseg;
	/* The text's declared language (enum infl_lang, 0: none), set by
	 * the caller for the automaton; kept by norm_text_reset. */
	int lang;
};

void norm_text_init(struct norm_text *nt);
/* Forget the text, keeping the buffers for the next field. */
void norm_text_reset(struct norm_text *nt);
void norm_text_free(struct norm_text *nt);
/* Tokenise s[0..len) as a new segment.  The text must stay alive and
 * unchanged while the tokens are used.  Invalid UTF-8 separates words. */
void norm_text_add(struct norm_text *nt, const char *s, size_t len);

/* The hash stored in norm_token.hash, over a folded word's bytes. */
uint32_t norm_hash(const char *s, size_t len);
/* out[k] = norm_hash(s, len - cut[k]) for each of n cuts (<= len), at
 * the cost of about one hash of s. */
void norm_hash_prefixes(
    const char *s, size_t len, const uint8_t *cut, size_t n, uint32_t *out);
/* The folded words of s joined by single spaces (tests, `feedwatch
 * check`); free() it. */
char *norm_fold(const char *s, size_t len);
/* FNV-1a (common/hash.h) of norm_fold's string for the text in nt; 0
 * when that string is empty. */
uint64_t norm_fold_hash(const struct norm_text *nt);

/* Is s a single Han character and nothing else (a term that will match
 * inside every word written with it)? */
int norm_one_han(const char *s, size_t len);

/* The folded form of token i. */
static inline const char *
norm_word(const struct norm_text *nt, size_t i)
{
	return nt->norm + nt->tok[i].noff;
}

/* The text of the segment holding token i. */
static inline const char *
norm_seg_text(const struct norm_text *nt, size_t i)
{
	return nt->seg[nt->tok[i].seg].text;
}

#endif
