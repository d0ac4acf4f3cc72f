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
#include "filters/inflect.h"
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

/* Build an automaton of defs (value = index) and scan text, declared to
 * be in lang (enum infl_lang). */
static char *
scan_lang(const struct term_def *defs, size_t n, const char *text, int lang)
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
	nt.lang = lang;
	norm_text_add(&nt, text, strlen(text));
	ac_scan(a, &nt, on_hit, &b);
	norm_text_free(&nt);
	ac_free(a);
	r = buf_steal(&b);
	return r != NULL ? r : xstrdup("");
}

/* scan_lang with no language declared. */
static char *
scan(const struct term_def *defs, size_t n, const char *text)
{
	return scan_lang(defs, n, text, INFL_AUTO);
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

/* Terms in the scripts that inflect or have no spaces. */
static const struct term_def lang_defs[] = {
    {"북한", 0, 0},           /* 0: ends in a consonant */
    {"러시아", 0, 0},         /* 1: ends in a vowel */
    {"서울", 0, 0},           /* 2: ends in ㄹ */
    {"ロシア", 0, 0},         /* 3 */
    {"北朝鮮", 0, 0},         /* 4 */
    {"俄罗斯", 0, 0},         /* 5 */
    {"朝鲜", 0, 0},           /* 6 */
    {"Россия", 0, 0},         /* 7 */
    {"Северная Корея", 0, 0}, /* 8 */
    {"Путин", 0, 0},          /* 9 */
    {"войска", 0, 0},         /* 10 */
    {"Пхеньян", 0, 0},        /* 11 */
    {"Україна", 0, 0},        /* 12 */
    {"Москва", 0, 0},         /* 13 */
    {"КНДР", 0, 0},           /* 14 */
    {"Ким Чен Ын", 0, 0},     /* 15 */
    {"Pyongyang", 0, 0},      /* 16 */
    {"Choe Son Hui", 0, 0},   /* 17 */
    {"ガス", 0, 0},           /* 18 */
    {"Росія", 0, 0},          /* 19 */
    {"Кремль", 0, 0},         /* 20 */
    {"санкции", 0, 0},        /* 21 */
};

static const struct {
	const char *text;
	int lang;
	const char *want, *what;
} lang_cases[] = {
    /* Hangul: the word, or the word and a particle that fits it */
    {"북한 외무성", INFL_AUTO, "0@0-0", "a Hangul word alone"},
    {"북한이 주장했다", INFL_AUTO, "0@0-0", "이 after a final consonant"},
    {"북한가", INFL_AUTO, "", "가 does not follow a final consonant"},
    {"러시아가 답했다", INFL_AUTO, "1@0-0", "가 after a vowel"},
    {"러시아이", INFL_AUTO, "", "이 does not follow a vowel"},
    {"북한은 러시아는", INFL_AUTO, "0@0-0 1@1-1", "은 and 는"},
    {"북한을 러시아를", INFL_AUTO, "0@0-0 1@1-1", "을 and 를"},
    {"북한과 러시아와", INFL_AUTO, "0@0-0 1@1-1", "과 and 와"},
    {"북한으로 러시아로 서울로", INFL_AUTO, "0@0-0 1@1-1 2@2-2",
        "으로 and 로, 로 after ㄹ"},
    {"서울으로", INFL_AUTO, "", "으로 does not follow ㄹ"},
    {"북한의 입장", INFL_AUTO, "0@0-0", "의"},
    {"북한에 보냈다", INFL_AUTO, "0@0-0", "에"},
    {"북한에서 열린", INFL_AUTO, "0@0-0", "에서"},
    {"러시아에게 넘긴", INFL_AUTO, "1@0-0", "에게"},
    {"북한도 러시아만", INFL_AUTO, "0@0-0 1@1-1", "도 and 만"},
    {"서울까지 북한부터", INFL_AUTO, "2@0-0 0@1-1", "까지 and 부터"},
    {"북한에서는 러시아에는", INFL_AUTO, "0@0-0 1@1-1", "에서는 and 에는"},
    {"북한과의 러시아와의", INFL_AUTO, "0@0-0 1@1-1", "과의 and 와의"},
    {"북한산에 올랐다", INFL_AUTO, "", "a noun that starts with a term"},
    {"북한군 병사", INFL_AUTO, "", "another noun that starts with it"},
    /* Han and Kana: inside any run */
    {"ロシア産の小麦が届いた", INFL_AUTO, "3@0-2", "Katakana inside a run"},
    {"北朝鮮外務省が声明", INFL_AUTO, "4@0-2", "Han at the start of a run"},
    {"外相は北朝鮮を訪問", INFL_AUTO, "4@3-5", "Han inside a run"},
    {"俄罗斯和朝鲜签署协议", INFL_AUTO, "5@0-2 6@4-5", "two Chinese terms"},
    {"朝鲜族", INFL_AUTO, "6@0-1", "a Han term matches inside a longer run"},
    {"カスの量", INFL_AUTO, "", "Kana voicing marks are not stripped"},
    {"ガスの量", INFL_AUTO, "18@0-1", "a voiced Kana term"},
    /* Russian: every case of a noun */
    {"Россия ответила", INFL_AUTO, "7@0-0", "nominative"},
    {"границы России", INFL_AUTO, "7@1-1", "genitive"},
    {"поставки в Россию", INFL_AUTO, "7@2-2", "accusative"},
    {"договор с Россией", INFL_AUTO, "7@2-2", "instrumental"},
    {"споры о России", INFL_AUTO, "7@2-2", "prepositional"},
    {"Пруссия и Пруссии", INFL_AUTO, "", "Prussia is not Russia"},
    {"российский флаг", INFL_AUTO, "", "the adjective is another word"},
    {"россиянин", INFL_AUTO, "", "nor is a citizen"},
    /* an adjective and a noun, both declined */
    {"Северная Корея молчит", INFL_AUTO, "8@0-1", "adjective-noun name"},
    {"из Северной Кореи", INFL_AUTO, "8@1-2", "genitive of both"},
    {"в Северную Корею", INFL_AUTO, "8@1-2", "accusative of both"},
    {"с Северной Кореей", INFL_AUTO, "8@1-2", "instrumental of both"},
    {"о Северной Корее", INFL_AUTO, "8@1-2", "prepositional of both"},
    {"Северный полюс Кореи", INFL_AUTO, "", "the words apart are no match"},
    /* names: in the dictionary or not */
    {"визит Путина", INFL_AUTO, "9@1-1", "a name, genitive"},
    {"встреча с Путиным", INFL_AUTO, "9@2-2", "a name, instrumental"},
    {"письмо Путину", INFL_AUTO, "9@1-1", "a name, dative"},
    {"из Пхеньяна в Пхеньян", INFL_AUTO, "11@1-1 11@3-3",
        "a foreign name, genitive and nominative"},
    {"в Пхеньяне", INFL_AUTO, "11@1-1", "a foreign name, prepositional"},
    {"Ким Чен Ына", INFL_AUTO, "15@0-2", "the last word of a name declined"},
    {"вывод войск и с войсками", INFL_AUTO, "10@1-1 10@4-4",
        "a plural as written: genitive and instrumental"},
    {"Кремля и Кремлем", INFL_AUTO, "20@0-0 20@2-2", "a soft noun"},
    {"новых санкций", INFL_AUTO, "21@1-1", "a plural in -ии"},
    {"КНДР и КНДРа", INFL_AUTO, "14@0-0", "an abbreviation is not declined"},
    /* Ukrainian */
    {"України", INFL_AUTO, "12@0-0", "Ukrainian genitive"},
    {"в Україну", INFL_AUTO, "12@1-1", "Ukrainian accusative"},
    {"з Україною", INFL_AUTO, "12@1-1", "Ukrainian instrumental"},
    {"в Україні", INFL_AUTO, "12@1-1", "Ukrainian locative"},
    {"допомога Україні", INFL_AUTO, "12@1-1", "Ukrainian dative"},
    {"слава Україно", INFL_AUTO, "12@1-1", "Ukrainian vocative"},
    {"до Росії", INFL_AUTO, "19@1-1", "і says Ukrainian"},
    {"до Москви", INFL_AUTO, "",
        "undeclared, a word without і є ґ reads as Russian"},
    {"до Москви", INFL_UK, "13@1-1", "declared Ukrainian"},
    {"из Москвы", INFL_AUTO, "13@1-1", "Russian genitive"},
    {"из Москвы", INFL_UK, "", "declared Ukrainian: not a Ukrainian form"},
    {"з Москви", INFL_RU, "", "declared Russian: not a Russian form"},
    /* mixed scripts in one title */
    {"北朝鮮とロシア: Пхеньян и Москва, 북한과 러시아", INFL_AUTO,
        "4@0-2 3@4-6 11@7-7 13@9-9 0@10-10 1@11-11", "mixed scripts"},
    /* romanised Korean */
    {"Ch'oe Sŏn-hŭi met officials", INFL_AUTO, "17@0-2",
        "McCune-Reischauer apostrophe, ASCII"},
    {"Ch\u2019oe Son Hui", INFL_AUTO, "17@0-2", "right single quote"},
    {"P\u02bcyŏngyang", INFL_AUTO, "16@0-0", "modifier letter apostrophe"},
    {"Pyongyang's", INFL_AUTO, "16@0-0", "and the possessive still drops"},
};

/* Exact Cyrillic terms are not inflected. */
static const struct term_def exact_defs[] = {
    {"Россия", 1, 0}, /* 0 */
    {"Путин", 1, 0},  /* 1 */
};

/* The language table above, and quoted Cyrillic terms. */
static void
test_languages(void)
{
	static const struct term_def prefix_defs[] = {{"북한", 0, 1}};
	static const struct term_def open_defs[] = {{"북하", 0, 1}};
	static const struct term_def korea_defs[] = {{"Корея", 0, 0}};
	char *got;

	for (size_t i = 0; i < NDEFS(lang_cases); i++) {
		got = scan_lang(lang_defs, NDEFS(lang_defs), lang_cases[i].text,
		    lang_cases[i].lang);
		is_str(got, lang_cases[i].want, "%s", lang_cases[i].what);
		free(got);
	}
	got = scan(exact_defs, NDEFS(exact_defs), "Россия, России, Путина");
	is_str(got, "0@0-0", "quoted Cyrillic terms match only as written");
	free(got);
	got = scan(exact_defs, NDEFS(exact_defs), "россия Путин");
	is_str(got, "1@1-1", "and with their case");
	free(got);
	got = scan(korea_defs, NDEFS(korea_defs),
	    "обеих Корей и обеим Кореям, между Кореями");
	is_str(got, "0@1-1 0@4-4 0@6-6",
	    "Russian plural: genitive, dative, instrumental");
	free(got);
	got = scan(prefix_defs, NDEFS(prefix_defs), "북한산 북한은 남한");
	is_str(got, "0@0-0 0@1-1", "북한* takes every word that starts so");
	free(got);
	got = scan(open_defs, NDEFS(open_defs), "북한 북하다");
	is_str(got, "0@1-1",
	    "a Hangul prefix ends at a syllable: 북하* is not the start of "
	    "북한");
	free(got);
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

/* Many quoted terms among unquoted ones: each exact check reads the
 * original words of its own term (the records are found by a search). */
static void
test_exact_many(void)
{
	struct term_def defs[60];
	char words[60][8];
	struct buf text = BUF_INIT, want = BUF_INIT;
	char *got;

	for (int i = 0; i < 60; i++) {
		snprintf(words[i], sizeof(words[i]), "W%d", i);
		defs[i] = (struct term_def){words[i], i % 2, 0};
		/* the term as written, then folded */
		buf_printf(&text, "W%d w%d ", i, i);
		if (want.len > 0)
			buf_appendc(&want, ' ');
		if (i % 2)
			buf_printf(&want, "%d@%d-%d", i, 2 * i, 2 * i);
		else
			buf_printf(&want, "%d@%d-%d %d@%d-%d", i, 2 * i, 2 * i,
			    i, 2 * i + 1, 2 * i + 1);
	}
	got = scan(defs, NDEFS(defs), buf_str(&text));
	is_str(got, buf_str(&want),
	    "30 quoted terms among 30 others: each as written only");
	free(got);
	buf_free(&text);
	buf_free(&want);
}

int
main(void)
{
	test_cases();
	test_languages();
	test_errors();
	test_segments();
	test_cross_check();
	test_exact_many();
	return done_testing();
}
