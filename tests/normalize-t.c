/*
 * Normalisation (filters/normalize.c): what a word is and what it folds to,
 * for the cases SPEC "Matching" names — hyphens, possessives with either
 * apostrophe, case, accents, NBSP and other spaces, Cyrillic, Greek and
 * Hangul, fullwidth forms — and the offsets snippets rely on.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "filters/normalize.h"
#include "tests/tap.h"

/* Input and its folded words joined by spaces. */
static const struct {
	const char *in, *want, *what;
} folds[] = {
    {"Choe Son-hui", "choe son hui", "a hyphen separates words"},
    {"Choe Son\u2010hui", "choe son hui", "U+2010 hyphen too"},
    {"Son\u2013hui \u2014 Moscow", "son hui moscow", "dashes separate"},
    {"Russia's army", "russia army", "possessive 's dropped"},
    {"Russia\u2019s army", "russia army", "possessive \u2019s dropped"},
    {"RUSSIA'S", "russia", "possessive 'S dropped"},
    {"Russians' views", "russians views", "trailing apostrophe ends a word"},
    {"O'Brien O\u2019Brien", "o'brien o'brien",
        "apostrophes inside a word are folded to '"},
    {"it's", "it", "a contraction in 's reads as a possessive"},
    {"'quoted'", "quoted", "quotes around a word are not part of it"},
    {"PyongYang KREMLIN", "pyongyang kremlin", "ASCII case folded"},
    {"Pyŏngyang Zelenskyy Zélensky", "pyongyang zelenskyy zelensky",
        "accents stripped (precomposed)"},
    {"Ze\u0301lensky", "zelensky", "accents stripped (combining mark)"},
    {"North\u00a0Korea", "north korea", "NBSP is a space"},
    {"North\u2009Korea\u3000DPRK", "north korea dprk",
        "thin and ideographic spaces are spaces"},
    {"Pyong\u00adyang", "pyongyang", "a soft hyphen does not break a word"},
    {"МОСКВА Москва", "москва москва", "Cyrillic case folded"},
    {"Путин\u2019s", "путин", "possessive after Cyrillic"},
    {"ΣΟΦΊΑ σοφία", "σοφια σοφια", "Greek folded, final sigma too"},
    {"김정은 위원장", "김정은 위원장",
        "Hangul words are words (precomposed syllables on both sides)"},
    {"\u1100\u1175\u11b7\u110c\u1165\u11bc \uae40\u11b7", "김정 김\u11b7",
        "conjoining jamo compose into syllables (L V T; not LVT T)"},
    {"\uac00\u11a8 \u1100\u11a8", "각 \u1100\u11a8",
        "a final jamo after LV composes, after a lone L not"},
    {"\u3131\u314f\u3133", "\uac03",
        "compatibility jamo compose as NFKC composes them"},
    {"\uff2b\uff23\uff2e\uff21 ＮＡＴＯ", "kcna nato",
        "fullwidth letters fold to ASCII"},
    {"\uffa1\uffc2 \u3131\u314f", "가 가",
        "halfwidth and compatibility Hangul jamo fold alike"},
    {"ПУТИН Путин путин", "путин путин путин", "Cyrillic, all cases"},
    {"ﬁnance Straße", "finance strasse", "ligatures and sharp s fold"},
    {"S-400, 2024; 10.5%", "s 400 2024 10 5", "digits are words"},
    {"  \t\n ", "", "only spaces: no words"},
    {"<b>bold</b>", "b bold b", "markup is punctuation, not words"},
    {"a\xff\xfe"
     "b",
        "a b", "invalid UTF-8 separates words"},
    {"İstanbul", "istanbul", "dotted capital I folds to i"},
};

/* A fold of the whole table. */
static void
test_folds(void)
{
	for (size_t i = 0; i < sizeof(folds) / sizeof(folds[0]); i++) {
		char *got = norm_fold(folds[i].in, strlen(folds[i].in));

		is_str(got, folds[i].want, "%s", folds[i].what);
		free(got);
	}
}

/* Offsets point at the words in the original text. */
static void
test_offsets(void)
{
	struct norm_text nt;
	const char *s = "Kim\u2019s visit\u00a0to Moscow's";

	norm_text_init(&nt);
	norm_text_add(&nt, s, strlen(s));
	is_int(nt.ntok, 4, "four words");
	is_int(nt.tok[0].start, 0, "Kim starts at 0");
	is_int(nt.tok[0].xend, 3, "exact form of Kim's ends before the ’");
	is_int(nt.tok[0].end, 7, "the word ends after the ’s (3 bytes)");
	is_int(nt.tok[2].start, strlen("Kim\u2019s visit\u00a0"),
	    "offset after an NBSP counts its bytes");
	ok(memcmp(s + nt.tok[3].start, "Moscow's", 8) == 0 &&
	        nt.tok[3].end == strlen(s),
	    "last word spans Moscow's");
	is_int(nt.tok[3].xend - nt.tok[3].start, 6, "exact form is Moscow");
	is_int(nt.tok[1].hash, norm_hash("visit", 5),
	    "token hash is norm_hash of the folded word");

	/* A second segment (a category) keeps its own offsets. */
	norm_text_add(&nt, "Defence", 7);
	is_int(nt.nseg, 2, "two segments");
	is_int(nt.tok[4].seg, 1, "the new word is in segment 1");
	is_int(nt.tok[4].start, 0, "offsets are per segment");
	is_int(nt.seg[1].first, 4, "segment 1 starts at token 4");

	norm_text_reset(&nt);
	is_int(nt.ntok, 0, "reset forgets the words");
	norm_text_free(&nt);
}

/* A very long word is a token that cannot match, and costs no more. */
static void
test_long_word(void)
{
	struct norm_text nt;
	size_t n = NORM_MAX_WORD * 3;
	char *s = malloc(n + 8);

	memset(s, 'x', n);
	memcpy(s + n, " end", 5);
	norm_text_init(&nt);
	norm_text_add(&nt, s, strlen(s));
	is_int(nt.ntok, 2, "long word and the next one");
	is_int(nt.tok[0].nlen, NORM_TOO_LONG, "long word is marked too long");
	is_int(nt.tok[1].nlen, 3, "the next word is intact");
	ok(memcmp(norm_word(&nt, 1), "end", 3) == 0, "and folded");
	norm_text_free(&nt);
	free(s);
}

/* Deterministic pseudo-random numbers. */
static uint32_t
rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/*
 * ASCII text of letters, digits and separators in runs of every length
 * (the tokeniser reads sixteen bytes at a time where it can), against a
 * reference written the obvious way: split on anything not a letter or
 * digit, lower-case, hash with norm_hash.
 */
static void
test_ascii_reference(void)
{
	static const char alphabet[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static const char seps[] = " ,.-;:()[]\t\n/!?\"@`{~";
	uint32_t st = 2024;
	int bad = 0, words = 0;

	for (int round = 0; round < 300; round++) {
		char text[600], ref[600];
		size_t n = 0, i = 0, k = 0;
		struct norm_text nt;

		while (n < sizeof(text) - 200) {
			size_t run =
			    rnd(&st) % 5 == 0 ? rnd(&st) % 140 : rnd(&st) % 20;

			for (size_t j = 0; j < run; j++)
				text[n++] = alphabet[rnd(&st) % 62];
			run = 1 + rnd(&st) % 3;
			for (size_t j = 0; j < run; j++)
				text[n++] = seps[rnd(&st) % (sizeof(seps) - 1)];
		}
		text[n] = '\0';
		norm_text_init(&nt);
		norm_text_add(&nt, text, n);
		while (i < n) {
			size_t start, len;

			while (i < n && strchr(seps, text[i]) != NULL)
				i++;
			if (i >= n)
				break;
			start = i;
			for (len = 0; i < n && strchr(seps, text[i]) == NULL;
			     i++, len++)
				ref[len] =
				    (char)(text[i] >= 'A' && text[i] <= 'Z'
				            ? text[i] - 'A' + 'a'
				            : text[i]);
			words++;
			if (k >= nt.ntok || nt.tok[k].start != start ||
			    nt.tok[k].end != i) {
				bad++;
				break;
			}
			if (len > NORM_MAX_WORD
			        ? nt.tok[k].nlen != NORM_TOO_LONG
			        : nt.tok[k].nlen != len ||
			            memcmp(norm_word(&nt, k), ref, len) != 0 ||
			            nt.tok[k].hash != norm_hash(ref, len))
				bad++;
			k++;
		}
		if (k != nt.ntok)
			bad++;
		norm_text_free(&nt);
	}
	is_int(bad, 0,
	    "ASCII text: the same words, folds and hashes as a "
	    "plain reference (%d words)",
	    words);
}

/* The scripts without spaces: Han and Kana one token per character, romanised
 * Korean apostrophes. */
static const struct {
	const char *in, *want, *what;
} lang_folds[] = {
    {"ロシア産の小麦", "ロ シ ア 産 の 小 麦",
        "Kana and Han: a token per character"},
    {"ガス カス", "ガ ス カ ス", "Kana keeps its voicing mark"},
    {"G7首脳会議", "g7 首 脳 会 議", "a Latin word ends where Han begins"},
    {"俄罗斯，朝鲜。", "俄 罗 斯 朝 鲜", "CJK punctuation separates"},
    {"コーヒー", "コ ー ヒ ー", "the prolonged sound mark is a character"},
    {"\uf900", "\u8c48", "a compatibility ideograph folds to the unified one"},
    {"Ch'oe Sŏn-hŭi", "choe son hui", "McCune-Reischauer apostrophe dropped"},
    {"P\u2019yŏngyang T\u02bcaebaek K'ang", "pyongyang taebaek kang",
        "after p, t, k, with any apostrophe"},
    {"can't it'll O'Brien that'd", "can't it'll o'brien that'd",
        "English apostrophes stay"},
    {"Ch'oe's", "choe", "a possessive after it still drops"},
    {"Україна ЇЖАК Ґудзик", "украіна іжак ґудзик",
        "Ukrainian letters fold (ї to і)"},
};

/* The table above. */
static void
test_lang_folds(void)
{
	for (size_t i = 0; i < sizeof(lang_folds) / sizeof(lang_folds[0]);
	     i++) {
		char *got =
		    norm_fold(lang_folds[i].in, strlen(lang_folds[i].in));

		is_str(got, lang_folds[i].want, "%s", lang_folds[i].what);
		free(got);
	}
}

/* The fold utf8proc gives for one code point (a Hangul syllable
 * composed again, as normalize.h says). */
static char *
utf8proc_fold(uint32_t cp)
{
	utf8proc_uint8_t in[8], *out = NULL;
	utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, in);

	in[n] = 0;
	(void)utf8proc_map(in, n, &out,
	    (cp >= 0xAC00 ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE) |
	        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	return (char *)out;
}

/* Cyrillic and Hangul are folded without utf8proc: every letter of the
 * Cyrillic block and every Hangul syllable as utf8proc folds it. */
static void
test_fast_folds(void)
{
	int bad = 0, n = 0;

	for (uint32_t cp = 0x0400; cp <= 0xD7A3; cp++) {
		char in[8], *want, *got;
		utf8proc_ssize_t len;

		if (cp == 0x0460)
			cp = 0xAC00;
		len = utf8proc_encode_char(
		    (utf8proc_int32_t)cp, (utf8proc_uint8_t *)in);
		in[len] = '\0';
		want = utf8proc_fold(cp);
		got = norm_fold(in, (size_t)len);
		if (want == NULL || strcmp(got, want) != 0) {
			if (bad++ < 5)
				diag("U+%04X: got %s, utf8proc %s",
				    (unsigned)cp, got, want ? want : "(error)");
		}
		n++;
		free(want);
		free(got);
	}
	is_int(bad, 0,
	    "U+0400-U+045F and the %d Hangul syllables fold as "
	    "utf8proc folds them",
	    n - 0x60);
}

/* norm_one_han: the check behind feedwatch check's warning. */
static void
test_one_han(void)
{
	ok(norm_one_han("朝", strlen("朝")), "one Han character");
	ok(!norm_one_han("朝鲜", strlen("朝鲜")), "two are not");
	ok(!norm_one_han("ロ", strlen("ロ")), "nor is one Kana");
	ok(!norm_one_han("핵", strlen("핵")), "nor one Hangul syllable");
}

int
main(void)
{
	test_folds();
	test_offsets();
	test_long_word();
	test_ascii_reference();
	test_lang_folds();
	test_fast_folds();
	test_one_han();
	return done_testing();
}
