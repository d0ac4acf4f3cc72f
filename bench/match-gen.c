/*
 * Generator of the matching benchmark's input (bench/match.sh): news-like
 * English text and a list of watchlist terms, both deterministic so every
 * run and every machine scores the same bytes.
 *
 *	match-gen TEXT-FILE MEGABYTES TERMS-FILE NTERMS
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

/* One word of running text. */
static void
put_word(FILE *fp, int *cap)
{
	unsigned r = below(100);

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
			fputc(' ', fp);
		put_word(fp, &cap);
		if (i + 1 < n && below(12) == 0)
			fputc(',', fp);
	}
	fputc('.', fp);
}

/* An article: a title line and 3..8 paragraphs. */
static void
put_article(FILE *fp)
{
	int nt = 6 + (int)below(7), np = 3 + (int)below(6), cap = 1;

	for (int i = 0; i < nt; i++) {
		if (i > 0)
			fputc(' ', fp);
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

/* Write the text, then the terms. */
int
main(int argc, char **argv)
{
	FILE *fp;
	long mb, nterms;

	if (argc != 5) {
		fprintf(stderr,
		    "usage: match-gen TEXT-FILE MEGABYTES TERMS-FILE NTERMS\n");
		return 2;
	}
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
	for (long i = 0; i < nterms; i++)
		put_term(fp);
	if (fclose(fp) != 0) {
		perror(argv[3]);
		return 1;
	}
	return 0;
}
