/*
 * libFuzzer target: normalisation and matching on arbitrary bytes.  The
 * input is tokenised (NUL bytes split it into segments, as categories are)
 * and scanned by an automaton of a fixed small term set that has every
 * kind of term: multi-word, nested, prefix, exact-case, accented, Cyrillic,
 * Hangul.  Besides the sanitizers' checks, every token and every match is
 * checked against the invariants the scorer relies on.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filters/automaton.h"
#include "filters/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *text;
	int exact, prefix;
} terms[] = {
    {"North Korea", 0, 0},
    {"Korea", 0, 0},
    {"Choe Son Hui", 0, 0},
    {"Choe Son-hui", 0, 0},
    {"KCNA", 1, 0},
    {"UN", 1, 0},
    {"UN Security Council", 0, 0},
    {"deploy", 0, 1},
    {"troop deploy", 0, 1},
    {"Zélensky", 0, 0},
    {"Путин", 0, 0},
    {"김정은", 0, 0},
    {"o'brien", 0, 0},
    {"a", 0, 1},
    {"Kim Jong Un", 0, 0},
};

static struct ac *automaton;

/* What a hit must satisfy. */
struct check {
	const struct norm_text *nt;
};

/* A match lies inside the text, within one segment, and is not longer
 * than a term can be. */
static void
on_hit(void *arg, uint64_t value, uint32_t first, uint32_t last)
{
	const struct check *c = arg;

	if (value >= sizeof(terms) / sizeof(terms[0]) || first > last ||
	    last >= c->nt->ntok || last - first >= AC_MAX_TERM_WORDS ||
	    c->nt->tok[first].seg != c->nt->tok[last].seg)
		abort();
}

/* Build the automaton once. */
static void
fuzz_init(void)
{
	char *err;

	automaton = ac_new();
	for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
		if (ac_add(automaton, terms[i].text, terms[i].exact,
		        terms[i].prefix, (uint32_t)i, &err) == -1)
			abort();
	ac_build(automaton);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct norm_text nt;
	struct check c = {&nt};
	const char *s = (const char *)data;
	size_t start = 0;
	char *folded;

	if (automaton == NULL)
		fuzz_init();
	norm_text_init(&nt);
	for (size_t i = 0; i <= size; i++)
		if (i == size || data[i] == 0) {
			norm_text_add(&nt, s + start, i - start);
			start = i + 1;
		}
	for (size_t i = 0; i < nt.ntok; i++) {
		const struct norm_token *t = &nt.tok[i];
		const struct norm_seg *g = &nt.seg[t->seg];

		if (t->start >= t->end || t->xend < t->start ||
		    t->xend > t->end || t->end > g->len || t->nlen == 0 ||
		    (t->nlen != NORM_TOO_LONG &&
		        (t->nlen > NORM_MAX_WORD ||
		            t->noff + t->nlen > nt.nnorm ||
		            t->hash != norm_hash(norm_word(&nt, i), t->nlen))))
			abort();
	}
	ac_scan(automaton, &nt, on_hit, &c);
	norm_text_free(&nt);
	folded = norm_fold(s, size);
	free(folded);
	return 0;
}
