/*
 * Generator of the matching benchmark's input (bench/match.sh): news-like
 * English text and a list of watchlist terms, both deterministic so every
 * run and every machine scores the same bytes.
 *
 *	match-gen TEXT-FILE MEGABYTES TERMS-FILE NTERMS [en|ru|ko|zh]
 *
 * The text is articles separated by a line holding one ASCII RS (0x1E):
 * a title line, then paragraphs.  Words are English function words, a
 * Zipf-distributed invented vocabulary and capitalised invented names,
 * with commas, full stops, hyphenated compounds, possessives with either
 * apostrophe, numbers and a sprinkling of accented letters — what the
 * normaliser meets in real feeds.  The terms are what watchlists hold:
 * names, two- and three-word names, rarer words and phrases, and a few
 * word* prefixes, one per line.  A shorter list is a prefix of a longer
 * one, so the 100-term set is part of the 100,000-term set.
 *
 * With ru, ko or zh the same invented words are written in Cyrillic,
 * Hangul or Han (the same Latin word always gives the same word there),
 * terms in their plain form and text words, in Russian and Korean, often
 * with a case ending or a particle glued on, so that the matcher's
 * inflection lookups are exercised as real copy would; Chinese has no
 * spaces between words.  English output is the same bytes as before.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words and names the text uses (Zipf-distributed): a year of a
 * newsroom's copy. */
#define NVOCAB 60000
#define NNAMES 30000
/* Words and names terms are drawn from: a watchlist names far more people
 * and things than one corpus mentions, so most terms are rare or absent
 * and a few are common, as in real watchlists. */
#define NVOCAB_ALL 300000
#define NNAMES_ALL 300000
/* Longest invented word: 3 syllables of at most 2+2+2 bytes, plus NUL. */
#define WORD_MAX 32

static const char *const function_words[] = {"the", "of", "and", "to", "in",
    "a", "on", "for", "that", "said", "with", "was", "is", "by", "at", "as",
    "from", "it", "his", "her", "their", "has", "have", "had", "be", "were",
    "not", "an", "which", "after", "who", "will", "would", "but", "they",
    "this", "its", "are", "been", "more", "than", "also", "over", "into",
    "about", "two", "new", "last", "first", "year", "week", "officials",
    "government", "people", "told", "reporters", "on", "Monday", "Tuesday",
    "city", "country", "minister", "president", "according"};
static const char *const onsets[] = {"b", "c", "d", "f", "g", "h", "j", "k",
    "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "dr", "gr",
    "kh", "pr", "sh", "st", "tr", "th"};
static const char *const vowels[] = {
    "a", "e", "i", "o", "u", "ai", "ea", "ou", "ia", "a", "e", "o"};
static const char *const codas[] = {
    "", "", "", "n", "r", "s", "l", "k", "m", "t", "nd", "st"};
/* Accented vowels for one name in fifty. */
static const char *const accented[] = {"é", "ö", "ŏ", "á", "ü"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

/* The script the words are written in. */
enum lang { LANG_EN, LANG_RU, LANG_KO, LANG_ZH };
static enum lang lang = LANG_EN;

/* Latin letters to Cyrillic (the invented words use a-z only). */
static const char *const cyrillic[26] = {"а", "б", "ц", "д", "е", "ф", "г", "х",
    "и", "ж", "к", "л", "м", "н", "о", "п", "к", "р", "с", "т", "у", "в", "в",
    "кс", "ы", "з"};
/* Case endings and particles glued to text words. */
static const char *const ru_endings[] = {
    "а", "у", "ом", "е", "ой", "ы", "ами", "ов", "ую", "ым", "и", "ей"};
static const char *const ko_particles[] = {"은", "는", "이", "가", "을", "를",
    "의", "에", "에서", "에게", "으로", "로", "와", "과", "도", "만"};

/* xorshift64*: small, fast, the same everywhere. */
static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

/* A number in [0, n). */
static unsigned
below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A rank from a Zipf-like (1/r) distribution over n. */
static unsigned
zipf(unsigned n)
{
	double u = (double)(rnd() >> 11) / 9007199254740992.0;
	unsigned r = (unsigned)exp(u * log((double)n + 1.0));

	return r >= 1 && r <= n ? r - 1 : 0;
}

static char vocab[NVOCAB_ALL][WORD_MAX];
static char names[NNAMES_ALL][WORD_MAX + 4];

/* An invented word of 1..maxsyl syllables. */
static void
make_word(char *out, int minsyl, int maxsyl)
{
	int n = minsyl + (int)below((unsigned)(maxsyl - minsyl + 1));

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		strcat(out, onsets[below(N(onsets))]);
		strcat(out, vowels[below(N(vowels))]);
		if (i == n - 1 || below(3) == 0)
			strcat(out, codas[below(N(codas))]);
	}
}

/* Bits of the table that keeps invented words unique. */
#define SEEN_BITS 22
static uint32_t seen[1u << SEEN_BITS];

/* 1 when w was not made before (and remember it). */
static int
is_new(const char *w)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (const char *p = w; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h |= 1;
	for (i = h & ((1u << SEEN_BITS) - 1); seen[i] != 0;
	     i = (i + 1) & ((1u << SEEN_BITS) - 1))
		if (seen[i] == h)
			return 0; /* a rare collision only loses a word */
	seen[i] = h;
	return 1;
}

/* Shorter words first, as in any language: the frequent ranks are short. */
static int
by_length(const void *a, const void *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la < lb ? -1 : la > lb;
}

/* Fill the vocabulary and the names, all different. */
static void
make_vocabulary(void)
{
	for (int i = 0; i < NVOCAB_ALL; i++)
		do
			make_word(vocab[i], 1, 3);
		while (!is_new(vocab[i]));
	qsort(vocab, NVOCAB_ALL, sizeof(vocab[0]), by_length);
	for (int i = 0; i < NNAMES_ALL; i++) {
		char w[WORD_MAX];

		do
			make_word(w, 2, 3);
		while (!is_new(w));
		w[0] = (char)(w[0] - 'a' + 'A');
		if (below(50) == 0) {
			char *v = strpbrk(w + 1, "aeiou");

			if (v != NULL) {
				size_t at = (size_t)(v - w);

				snprintf(names[i], sizeof(names[i]), "%.*s%s%s",
				    (int)at, w, accented[below(N(accented))],
				    v + 1);
				continue;
			}
		}
		strcpy(names[i], w);
	}
}

/* Append the UTF-8 of cp. */
static void
put_cp(FILE *fp, unsigned cp)
{
	if (cp < 0x800)
		fprintf(fp, "%c%c", 0xC0 | (cp >> 6), 0x80 | (cp & 0x3F));
	else
		fprintf(fp, "%c%c%c", 0xE0 | (cp >> 12),
		    0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F));
}

/* The letters of an invented word in the benchmark's script (ASCII
 * letters only; others are dropped): Cyrillic letter by letter, Hangul
 * and Han one syllable or character per two letters. */
static void
put_script(FILE *fp, const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)w[i];
		unsigned h = 2166136261u;
		int upper = c >= 'A' && c <= 'Z';
		size_t step;

		if (!upper && (c < 'a' || c > 'z')) {
			i++;
			continue;
		}
		if (lang == LANG_RU) {
			const char *l = cyrillic[(upper ? c - 'A' : c - 'a')];

			if (upper) /* а-п are D0 B0-BF, р-я D1 80-8F */
				fprintf(fp, "%c%c", 0xD0,
				    (unsigned char)l[0] == 0xD0
				        ? (unsigned char)l[1] - 0x20
				        : (unsigned char)l[1] + 0x20);
			else
				fputs(l, fp);
			fputs(upper ? l + 2 : "", fp);
			i++;
			continue;
		}
		/* Hangul: a syllable per two letters; Han: a character
		 * per three, so that names are two to four characters. */
		step = lang == LANG_KO ? 2 : 3;
		for (size_t k = i; k < i + step && k < n; k++)
			h = (h ^ ((unsigned char)w[k] | 0x20)) * 16777619u;
		put_cp(fp,
		    lang == LANG_KO ? 0xAC00 + h % 11172 : 0x4E00 + h % 20902);
		i += step;
	}
}

/* A word of text in the script, with an ending some of the time. */
static void
put_text_word(FILE *fp, const char *w, int inflect)
{
	put_script(fp, w);
	if (inflect && lang == LANG_RU && below(2) == 0)
		fputs(ru_endings[below(N(ru_endings))], fp);
	if (inflect && lang == LANG_KO && below(5) < 3)
		fputs(ko_particles[below(N(ko_particles))], fp);
}

/* What goes between two words. */
static void
put_space(FILE *fp)
{
	if (lang != LANG_ZH)
		fputc(' ', fp);
}

/* One word of running text in Cyrillic, Hangul or Han. */
static void
put_word_script(FILE *fp)
{
	unsigned r = below(100);

	if (r < 40)
		put_text_word(fp, function_words[below(N(function_words))], 0);
	else if (r < 83)
		put_text_word(fp, vocab[zipf(NVOCAB)], 1);
	else if (r < 97) {
		put_text_word(fp, names[zipf(NNAMES)], 1);
		if (below(3) == 0) {
			put_space(fp);
			put_text_word(fp, names[zipf(NNAMES)], 1);
		}
	} else
		fprintf(fp, "%u", below(10000));
}

/* One word of running text. */
static void
put_word(FILE *fp, int *cap)
{
	unsigned r;

	if (lang != LANG_EN) {
		put_word_script(fp);
		*cap = 0;
		return;
	}
	r = below(100);
	if (r < 40) {
		const char *w = function_words[below(N(function_words))];

		if (*cap && w[0] >= 'a' && w[0] <= 'z')
			fprintf(fp, "%c%s", w[0] - 'a' + 'A', w + 1);
		else
			fputs(w, fp);
	} else if (r < 83) {
		const char *w = vocab[zipf(NVOCAB)];

		if (*cap)
			fprintf(fp, "%c%s", w[0] - 'a' + 'A', w + 1);
		else
			fputs(w, fp);
		if (below(40) == 0)
			fprintf(fp, "-%s", vocab[zipf(NVOCAB)]);
	} else if (r < 97) {
		fputs(names[zipf(NNAMES)], fp);
		if (below(25) == 0)
			fputs(below(2) ? "'s" : "\u2019s", fp);
		if (below(3) == 0)
			fprintf(fp, " %s", names[zipf(NNAMES)]);
	} else
		fprintf(fp, "%u", below(10000));
	*cap = 0;
}

/* A sentence of 8..25 words. */
static void
put_sentence(FILE *fp)
{
	int n = 8 + (int)below(18), cap = 1;

	for (int i = 0; i < n; i++) {
		if (i > 0)
			put_space(fp);
		put_word(fp, &cap);
		if (i + 1 < n && below(12) == 0)
			fputs(lang == LANG_ZH ? "，" : ",", fp);
	}
	fputs(lang == LANG_ZH ? "。" : ".", fp);
}

/* An article: a title line and 3..8 paragraphs. */
static void
put_article(FILE *fp)
{
	int nt = 6 + (int)below(7), np = 3 + (int)below(6), cap = 1;

	for (int i = 0; i < nt; i++) {
		if (i > 0)
			put_space(fp);
		put_word(fp, &cap);
	}
	fputc('\n', fp);
	for (int p = 0; p < np; p++) {
		int ns = 2 + (int)below(5);

		for (int s = 0; s < ns; s++) {
			if (s > 0)
				fputc(' ', fp);
			put_sentence(fp);
		}
		fputs("\n\n", fp);
	}
	fputs("\x1e\n", fp);
}

/* One term of a watchlist: mostly names of people and organisations
 * (one to three words), some rarer words and phrases, and a few prefixes
 * of long words, as "sanction*" or "deploy*" are. */
static void
put_term(FILE *fp)
{
	unsigned r = below(100);

	if (r < 45)
		fprintf(fp, "%s\n", names[below(NNAMES_ALL)]);
	else if (r < 73)
		fprintf(fp, "%s %s\n", names[below(NNAMES_ALL)],
		    names[below(NNAMES_ALL)]);
	else if (r < 78)
		fprintf(fp, "%s %s %s\n", names[below(NNAMES_ALL)],
		    names[below(NNAMES_ALL)], names[below(NNAMES_ALL)]);
	else if (r < 93)
		fprintf(fp, "%s\n", vocab[1000 + below(NVOCAB_ALL - 1000)]);
	else if (r < 98)
		fprintf(fp, "%s %s\n", vocab[500 + below(NVOCAB_ALL - 500)],
		    vocab[500 + below(NVOCAB_ALL - 500)]);
	else {
		const char *w = vocab[2000 + below(NVOCAB_ALL - 2000)];
		int len = (int)strlen(w);

		if (len < 9)
			fprintf(fp, "%s\n", w);
		else
			fprintf(fp, "%.*s*\n", 7 + (int)below(2), w);
	}
}

/* A term written in the script: each word plain, a prefix kept as one
 * (Han has no words to begin: its prefixes are whole terms). */
static void
put_term_script(FILE *fp, const char *line)
{
	const char *p = line;

	while (*p != '\0' && *p != '\n') {
		size_t n = strcspn(p, " *\n");
		char w[WORD_MAX * 4];

		snprintf(w, sizeof(w), "%.*s", (int)n, p);
		put_script(fp, w);
		p += n;
		if (*p == ' ') {
			fputc(' ', fp);
			p++;
		} else if (*p == '*') {
			if (lang != LANG_ZH)
				fputc('*', fp);
			p++;
		}
	}
	fputc('\n', fp);
}

/* Write the text, then the terms. */
int
main(int argc, char **argv)
{
	FILE *fp;
	long mb, nterms;

	if (argc != 5 && argc != 6) {
		fprintf(stderr,
		    "usage: match-gen TEXT-FILE MEGABYTES "
		    "TERMS-FILE NTERMS [en|ru|ko|zh]\n");
		return 2;
	}
	if (argc == 6)
		lang = strcmp(argv[5], "ru") == 0 ? LANG_RU
		    : strcmp(argv[5], "ko") == 0  ? LANG_KO
		    : strcmp(argv[5], "zh") == 0  ? LANG_ZH
		                                  : LANG_EN;
	mb = strtol(argv[2], NULL, 10);
	nterms = strtol(argv[4], NULL, 10);
	make_vocabulary();
	if ((fp = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	while (ftell(fp) < mb * 1000 * 1000)
		put_article(fp);
	if (fclose(fp) != 0) {
		perror(argv[1]);
		return 1;
	}
	/* The terms do not depend on the text's size. */
	rng = 0xD1B54A32D192ED03ULL;
	if ((fp = fopen(argv[3], "w")) == NULL) {
		perror(argv[3]);
		return 1;
	}
	for (long i = 0; i < nterms; i++) {
		char *line = NULL;
		size_t cap = 0;
		FILE *mem;

		if (lang == LANG_EN) {
			put_term(fp);
			continue;
		}
		/* The same term as in English, rewritten in the script. */
		if ((mem = open_memstream(&line, &cap)) == NULL)
			return 1;
		put_term(mem);
		fclose(mem);
		if (lang == LANG_ZH && strlen(line) > 3 * 16) {
			/* Each Han character is a word; a name of more than
			 * sixteen (AC_MAX_TERM_WORDS) keeps its first part. */
			line[strcspn(line, " ")] = '\n';
			line[strcspn(line, "\n") + 1] = '\0';
		}
		put_term_script(fp, line);
		free(line);
	}
	if (fclose(fp) != 0) {
		perror(argv[3]);
		return 1;
	}
	return 0;
}
