/*
 * The term automaton (filters/automaton.c): whole-word matching over
 * normalised text, multi-word terms, overlapping and nested terms, prefix
 * terms, exact-case terms, and a large term set checked against a direct
 * search, so the failure links are right and not merely fast.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "filters/automaton.h"
#include "tests/tap.h"

struct term_def {
	const char *text;
	int exact, prefix;
};

/* Matches of one scan as "value@first-last" joined by spaces. */
static void
on_hit(void *arg, uint64_t value, uint32_t first, uint32_t last)
{
	struct buf *b = arg;

	if (b->len > 0)
		buf_appendc(b, ' ');
	buf_printf(b, "%llu@%u-%u", (unsigned long long)value, first, last);
}

/* Build an automaton of defs (value = index) and scan text. */
static char *
scan(const struct term_def *defs, size_t n, const char *text)
{
	struct ac *a = ac_new();
	struct norm_text nt;
	struct buf b = BUF_INIT;
	char *err, *r;

	for (size_t i = 0; i < n; i++)
		if (ac_add(a, defs[i].text, defs[i].exact, defs[i].prefix,
		        (uint32_t)i, &err) == -1) {
			diag("%s", err);
			free(err);
		}
	ac_build(a);
	norm_text_init(&nt);
	norm_text_add(&nt, text, strlen(text));
	ac_scan(a, &nt, on_hit, &b);
	norm_text_free(&nt);
	ac_free(a);
	r = buf_steal(&b);
	return r != NULL ? r : xstrdup("");
}

#define NDEFS(d) (sizeof(d) / sizeof((d)[0]))

static const struct term_def basic[] = {
    {"Russia", 0, 0},              /* 0 */
    {"North Korea", 0, 0},         /* 1 */
    {"Choe Son Hui", 0, 0},        /* 2 */
    {"Vladimir Putin", 0, 0},      /* 3 */
    {"Putin", 0, 0},               /* 4 */
    {"UN", 1, 0},                  /* 5 */
    {"deploy", 0, 1},              /* 6 */
    {"KCNA", 1, 0},                /* 7 */
    {"Korea", 0, 0},               /* 8 */
    {"UN Security Council", 0, 0}, /* 9 */
    {"troop deploy", 0, 1},        /* 10 */
    {"Kim Jong Un", 0, 0},         /* 11 */
    {"Jong", 0, 0},                /* 12 */
    {"NATO", 1, 1},                /* 13 */
};

static const struct {
	const char *text, *want, *what;
} cases[] = {
    {"Russia", "0@0-0", "a single word"},
    {"russia's troops", "0@0-0", "possessive and case"},
    {"Prussia and Belarussia", "", "Russia is not found inside Prussia"},
    {"RussiaToday", "", "nor at the start of a longer word"},
    {"north-korea", "1@0-1 8@1-1", "hyphen = space; nested Korea reported"},
    {"Choe Son-hui arrived", "2@0-2", "Choe Son-hui = Choe Son Hui"},
    {"Choe Son\u00a0Hui", "2@0-2", "NBSP inside a name"},
    {"Choe Son", "", "a partial name does not match"},
    {"Choe Choe Son Hui", "2@1-3", "a restart inside a name (failure link)"},
    {"Vladimir Putin said", "3@0-1 4@1-1",
        "overlapping terms are both reported"},
    {"the UN said", "5@1-1", "quoted UN matches UN"},
    {"un accord", "", "quoted UN does not match French un"},
    {"Un accord", "", "nor Un"},
    {"UN's", "5@0-0", "exact term with a possessive"},
    {"KCNA reported", "7@0-0", "exact KCNA"},
    {"kcna reported", "", "exact KCNA is case-sensitive"},
    {"deployment of troops", "6@0-0", "prefix term matches a longer word"},
    {"deploy", "6@0-0", "prefix term matches the word itself"},
    {"redeploy", "", "a prefix matches at the start of a word only"},
    {"troop deployments", "10@0-1 6@1-1", "multi-word term with a prefix"},
    {"troops deployed", "6@1-1", "the non-prefix word stays whole"},
    {"un security council", "9@0-2",
        "unquoted multi-word term is case-insensitive"},
    {"Kim Jong Un", "12@1-1 11@0-2",
        "exact UN does not hit inside Kim Jong Un"},
    {"Kim Jong Il", "12@1-1", "near miss keeps the nested word"},
    {"NATO's NATOwide", "13@0-0 13@1-1", "exact-case prefix term"},
    {"Nato natowide", "", "exact-case prefix keeps its case"},
};

/* The table of cases above. */
static void
test_cases(void)
{
	for (size_t i = 0; i < NDEFS(cases); i++) {
		char *got = scan(basic, NDEFS(basic), cases[i].text);

		is_str(got, cases[i].want, "%s", cases[i].what);
		free(got);
	}
}

/* Terms that can never match are refused with a reason. */
static void
test_errors(void)
{
	struct ac *a = ac_new();
	char *err;
	char longterm[400];

	ok(ac_add(a, "--", 0, 0, 0, &err) == -1, "a term without words fails");
	like(err, "no letters or digits", "and says why");
	free(err);
	memset(longterm, 0, sizeof(longterm));
	for (int i = 0; i < 20; i++)
		strcat(longterm, "word ");
	ok(ac_add(a, longterm, 0, 0, 0, &err) == -1, "twenty words fail");
	like(err, "more than 16 words", "and say the bound");
	free(err);
	memset(longterm, 'x', 300);
	longterm[300] = '\0';
	ok(ac_add(a, longterm, 0, 0, 0, &err) == -1, "a huge word fails");
	like(err, "longer than", "and says so");
	free(err);
	ok(ac_add(a, "fine", 0, 0, 0, &err) == 0 && err == NULL,
	    "a good term is still accepted");
	ac_build(a);
	is_int(ac_nterms(a), 1, "one term in the automaton");
	ac_free(a);
}

/* Categories are segments: a term never spans two of them. */
static void
test_segments(void)
{
	static const struct term_def d[] = {{"North Korea", 0, 0}};
	struct ac *a = ac_new();
	struct norm_text nt;
	struct buf b = BUF_INIT;
	char *err;

	ac_add(a, d[0].text, 0, 0, 0, &err);
	ac_build(a);
	norm_text_init(&nt);
	norm_text_add(&nt, "North", 5);
	norm_text_add(&nt, "Korea", 5);
	norm_text_add(&nt, "North Korea", 11);
	ac_scan(a, &nt, on_hit, &b);
	is_str(buf_str(&b), "0@2-3", "only the category that holds the name");
	buf_free(&b);
	norm_text_free(&nt);
	ac_free(a);
}

/* Deterministic pseudo-random numbers for the cross-check. */
static uint32_t
rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/*
 * Many random terms of a small vocabulary (so they share words and nest)
 * against random text, compared with a direct search over the words.
 */
static void
test_cross_check(void)
{
	enum { VOCAB = 12, NTERMS = 400, NWORDS = 3000 };
	static const char *vocab[VOCAB] = {"al", "be", "ca", "do", "el", "fa",
	    "go", "ha", "io", "ja", "ka", "lo"};
	uint32_t st = 12345;
	int terms[NTERMS][4], nw[NTERMS], text[NWORDS];
	struct ac *a = ac_new();
	struct norm_text nt;
	struct buf t = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	char *err;
	int bad = 0;

	for (int i = 0; i < NTERMS; i++) {
		struct buf tb = BUF_INIT;

		nw[i] = 1 + (int)(rnd(&st) % 4);
		for (int k = 0; k < nw[i]; k++) {
			terms[i][k] = (int)(rnd(&st) % VOCAB);
			buf_printf(
			    &tb, "%s%s", k ? " " : "", vocab[terms[i][k]]);
		}
		if (ac_add(a, buf_str(&tb), 0, 0, (uint32_t)i, &err) == -1)
			bad++;
		buf_free(&tb);
	}
	ac_build(a);
	for (int w = 0; w < NWORDS; w++) {
		text[w] = (int)(rnd(&st) % VOCAB);
		buf_printf(&t, "%s%s", w ? " " : "", vocab[text[w]]);
	}
	norm_text_init(&nt);
	norm_text_add(&nt, t.data, t.len);
	ac_scan(a, &nt, on_hit, &got);
	/* The direct search, in the automaton's order: by last word, then
	 * longest first along the output links is not guaranteed, so compare
	 * counts per end position instead of strings. */
	{
		int count_got = 0, count_want = 0;

		for (int end = 0; end < NWORDS; end++)
			for (int i = 0; i < NTERMS; i++) {
				int s = end - nw[i] + 1, m = s >= 0;

				for (int k = 0; m && k < nw[i]; k++)
					m = text[s + k] == terms[i][k];
				if (m) {
					count_want++;
					buf_printf(
					    &want, "%d@%d-%d ", i, s, end);
				}
			}
		for (size_t i = 0; i < got.len; i++)
			count_got += got.data[i] == '@';
		is_int(count_got, count_want,
		    "as many matches as a direct search (%d)", count_want);
		/* Every direct match is among the automaton's. */
		{
			char *p = want.data, *q;
			int missing = 0;
			struct buf g2 = BUF_INIT;

			buf_printf(&g2, " %s ", buf_str(&got));
			while (p && (q = strchr(p, ' ')) != NULL) {
				char one[64];

				snprintf(one, sizeof(one), " %.*s ",
				    (int)(q - p), p);
				if (strstr(g2.data, one) == NULL)
					missing++;
				p = q + 1;
			}
			is_int(missing, 0, "and each one of them is found");
			buf_free(&g2);
		}
	}
	is_int(bad, 0, "all random terms accepted");
	norm_text_free(&nt);
	buf_free(&t);
	buf_free(&got);
	buf_free(&want);
	ac_free(a);
}

int
main(void)
{
	test_cases();
	test_errors();
	test_segments();
	test_cross_check();
	return done_testing();
}
