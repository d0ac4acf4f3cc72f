/*
 * The matching benchmark's ceiling: Intel Hyperscan over the same articles
 * and terms as bench/match-bench.c — the terms as a case-insensitive
 * literal set (a prefix term as its stem), block mode, one scan per
 * article, every match counted.  Hyperscan does none of feedwatch's work
 * (no Unicode folding, no word boundaries, no scoring): it is the raw
 * literal-matching speed to compare with.  Not part of feedwatch; built by
 * bench/match.sh when pkg-config finds libhs.
 *
 *	match-hs TEXT TERMS N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "match-data.h"

#define PASSES 3

/* Count every match. */
static int
on_match(unsigned id, unsigned long long from, unsigned long long to,
    unsigned flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	(*(size_t *)ctx)++;
	return 0;
}

/* Compile the literals, scan every article three times, keep the best. */
int
main(int argc, char **argv)
{
	struct bench_data d;
	hs_database_t *db;
	hs_compile_error_t *cerr;
	hs_scratch_t *scratch = NULL;
	unsigned *flags, *ids;
	size_t *lens, bytes = 0, matches = 0, db_size = 0;
	double t0, compile, best = 1e30;

	if (argc != 4) {
		fprintf(stderr, "usage: match-hs TEXT TERMS N\n");
		return 2;
	}
	bench_load(&d, argv[1], argv[2], strtoul(argv[3], NULL, 10));
	flags = calloc(d.nterms, sizeof(*flags));
	ids = calloc(d.nterms, sizeof(*ids));
	lens = calloc(d.nterms, sizeof(*lens));
	for (size_t i = 0; i < d.nterms; i++) {
		size_t len = strlen(d.terms[i]);

		flags[i] = HS_FLAG_CASELESS;
		ids[i] = (unsigned)i;
		lens[i] = len > 1 && d.terms[i][len - 1] == '*' ? len - 1 : len;
	}
	t0 = bench_now();
	if (hs_compile_lit_multi((const char *const *)d.terms, flags, ids, lens,
	        (unsigned)d.nterms, HS_MODE_BLOCK, NULL, &db,
	        &cerr) != HS_SUCCESS) {
		fprintf(stderr, "match-hs: %s\n", cerr->message);
		return 1;
	}
	compile = bench_now() - t0;
	hs_database_size(db, &db_size);
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		fprintf(stderr, "match-hs: cannot allocate scratch\n");
		return 1;
	}
	/* One block per article: title, newline, body. */
	for (size_t i = 0; i < d.narts; i++) {
		struct bench_article *a = &d.arts[i];

		if (a->body > a->title)
			a->body[-1] = '\n';
		bytes += a->len;
	}
	for (int p = 0; p < PASSES; p++) {
		double t;

		matches = 0;
		t0 = bench_now();
		for (size_t i = 0; i < d.narts; i++)
			hs_scan(db, d.arts[i].title, (unsigned)d.arts[i].len, 0,
			    scratch, on_match, &matches);
		t = bench_now() - t0;
		if (t < best)
			best = t;
	}
	printf("terms=%zu hs_compile_ms=%.1f hs_db_mb=%.1f hs_mbs=%.1f "
	       "hs_matches=%zu\n",
	    d.nterms, compile * 1e3, (double)db_size / 1e6,
	    (double)bytes / best / 1e6, matches);
	hs_free_scratch(scratch);
	hs_free_database(db);
	return 0;
}
