/*
 * The matching benchmark's input, shared by bench/match-bench.c (feedwatch
 * and the strcasestr floor) and bench/match-hs.c (Hyperscan, built by
 * bench/match.sh when libhs is installed): the articles of the generated
 * text and the first N generated terms.
 */
#ifndef FW_BENCH_MATCH_DATA_H
#define FW_BENCH_MATCH_DATA_H

#include <stddef.h>

struct bench_article {
	char *title; /* NUL-terminated, inside the text buffer */
	char *body;
	size_t len; /* bytes of title and body */
};

struct bench_data {
	char *text; /* the whole file, cut into articles in place */
	size_t textlen;
	struct bench_article *arts;
	size_t narts;
	char **terms; /* as written: a trailing '*' marks a prefix */
	size_t nterms;
};

/* Read the text and the first nterms terms; exits on error (a benchmark
 * program, not library code). */
void bench_load(struct bench_data *d, const char *textfile,
    const char *termsfile, size_t nterms);
/* CPU seconds used by this process: the machine running the benchmark may
 * be shared, and wall-clock time would measure the neighbours. */
double bench_now(void);
/* Resident memory of this process in bytes. */
size_t bench_rss(void);

#endif
