/*
 * The term automaton: every term of a config compiled once into an
 * Aho–Corasick machine over whole words, so that scanning a text costs
 * one hash lookup per word whatever the number of terms (SPEC "Matching":
 * 100,000 terms cost about what 100 cost).
 *
 * Each folded word of a term is interned into a word id; the trie and its
 * failure links run over word ids, so a match is whole-word by
 * construction.  A `word*` term's last word is a prefix: prefix words are
 * looked up by the leading bytes of each text word, and a prefix match
 * leaves the trie through an edge of its own from the state the preceding
 * words reached.  Quoted (exact) terms are matched by their folded words and
 * then checked byte for byte against the original text.
 *
 * Unquoted terms in Cyrillic and Hangul inflect (inflect.h): their words'
 * stems go into the word table too, marked as stems, and a text word that
 * is no term word but a stem plus one of its endings walks the trie as
 * the term word it inflects.  Han and Kana need nothing here: the
 * tokeniser makes each character a word.
 *
 *	a = ac_new();
 *	ac_add(a, "Choe Son Hui", 0, 0, 7, &err);   value 7 comes back
 *	ac_build(a);
 *	norm_text_add(&nt, text, len);
 *	ac_scan(a, &nt, on_hit, arg);   on_hit(arg, 7, first, last)
 */
#ifndef FW_FILTERS_AUTOMATON_H
#define FW_FILTERS_AUTOMATON_H

#include <stddef.h>
#include <stdint.h>

#include "filters/normalize.h"

/* Words in one term: longer is not a name or a phrase worth matching, and
 * the bound keeps overlap checks short. */
#define AC_MAX_TERM_WORDS 16

struct ac;

/* A match of the term added with `value` over tokens first..last. */
typedef void (*ac_hit_fn)(
    void *arg, uint64_t value, uint32_t first, uint32_t last);

struct ac *ac_new(void);
void ac_free(struct ac *a);
/*
 * Add a term as written (without quotes or the trailing '*'); exact: match
 * with case; prefix: its last word matches any word it begins.  Returns 0,
 * or -1 with *err (free it) saying why the term can never match.
 */
int ac_add(struct ac *a, const char *text, int exact, int prefix,
    uint64_t value, char **err);
/* Compute the failure links; call once after the last ac_add. */
void ac_build(struct ac *a);
/* Report every match in the text, in order of their last word. */
void ac_scan(
    const struct ac *a, const struct norm_text *nt, ac_hit_fn fn, void *arg);

size_t ac_nterms(const struct ac *a);
/* Bytes allocated by the automaton (benchmarks, `feedwatch check`). */
size_t ac_memory(const struct ac *a);

#endif
