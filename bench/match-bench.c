/*
 * The matching benchmark, feedwatch's side and the floor:
 *
 *	match-bench TEXT TERMS N [NAIVE-BUDGET]
 *
 * builds a config of N generated terms (actors of three terms each, one
 * watchlist of all of them, require `actor`), times building the matcher
 * and its memory, then scores every article of TEXT as the daemon does
 * (wl_scan_item: tokenise title and body once, walk the automaton; then
 * wl_scan_score), best of three passes, and prints MB/s.  The floor is a
 * naive loop of strcasestr per term over a sample of the same text: with
 * N terms it reads the sample N times, so the sample is NAIVE-BUDGET / N
 * bytes (default budget 2 GB of haystack) and its MB/s is extrapolated to
 * the whole text.  One line of key=value pairs goes to stdout for
 * bench/match.sh to tabulate.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/match-data.h"
#include "conf/conf.h"
#include "filters/watchlist.h"

/* Terms per generated actor: a name and two aliases, as in real configs. */
#define TERMS_PER_ACTOR 3
/* Timed passes over the text; the best one is reported. */
#define PASSES 3

/* A config holding the terms, made the way conf_load would. */
static struct conf *
bench_conf(const struct bench_data *d)
{
	static struct conf_expr any_actor = {
	    EXPR_ANY_ACTOR, NULL, NULL, NULL, 0};
	struct conf *c = calloc(1, sizeof(*c));
	struct conf_watchlist *wl;
	size_t nent = (d->nterms + TERMS_PER_ACTOR - 1) / TERMS_PER_ACTOR;

	c->entities = calloc(nent, sizeof(*c->entities));
	c->nentities = nent;
	for (size_t i = 0; i < d->nterms; i++) {
		struct conf_entity *e = &c->entities[i / TERMS_PER_ACTOR];
		struct conf_term *t;
		size_t len = strlen(d->terms[i]);

		if (e->terms == NULL) {
			e->kind = CONF_ACTOR;
			e->terms = calloc(TERMS_PER_ACTOR, sizeof(*e->terms));
			e->weight = 1;
			e->name = e->label = d->terms[i];
		}
		t = &e->terms[e->nterms++];
		t->prefix = len > 1 && d->terms[i][len - 1] == '*';
		t->text = strndup(d->terms[i], len - (size_t)t->prefix);
		t->where.file = "terms";
		t->where.line = (int)i + 1;
	}
	wl = c->watchlists = calloc(1, sizeof(*c->watchlists));
	c->nwatchlists = 1;
	wl->name = (char *)"bench";
	wl->actors = calloc(nent, sizeof(*wl->actors));
	for (size_t i = 0; i < nent; i++)
		wl->actors[i] = &c->entities[i];
	wl->nactors = nent;
	wl->require = &any_actor;
	wl->threshold = 3;
	wl->title_weight = 2;
	wl->saturation = 3;
	return c;
}

/* One pass of feedwatch over every article; returns seconds. */
static double
bench_pass(const struct bench_data *d, struct wl_scan *s,
    const struct conf_watchlist *wl, size_t *hits, size_t *alerts)
{
	double t0 = bench_now();

	*hits = *alerts = 0;
	for (size_t i = 0; i < d->narts; i++) {
		struct wl_item it = {
		    d->arts[i].title, d->arts[i].body, NULL, 0, NULL};
		const struct wl_result *r;

		wl_scan_item(s, &it);
		r = wl_scan_score(s, wl, NULL);
		for (size_t k = 0; k < r->nents; k++)
			*hits += r->ents[k].nexpl;
		*alerts += r->alert != 0;
	}
	return bench_now() - t0;
}

/* The floor: strcasestr of every term over a sample of the text. */
static void
bench_naive(const struct bench_data *d, double budget)
{
	size_t want = (size_t)(budget / (double)d->nterms), n = 0;
	char *sample = malloc(want + 1);
	size_t count = 0;
	double t0, t;

	for (size_t i = 0; i < d->narts && n < want; i++) {
		size_t tl = strlen(d->arts[i].title),
		       bl = strlen(d->arts[i].body);

		if (n + tl + 1 + bl > want)
			break;
		memcpy(sample + n, d->arts[i].title, tl);
		sample[n + tl] = '\n';
		memcpy(sample + n + tl + 1, d->arts[i].body, bl);
		n += tl + 1 + bl;
	}
	sample[n] = '\0';
	t0 = bench_now();
	for (size_t k = 0; k < d->nterms; k++) {
		char needle[256];
		size_t len = strlen(d->terms[k]);
		const char *p = sample;

		snprintf(needle, sizeof(needle), "%.*s",
		    (int)(len > 1 && d->terms[k][len - 1] == '*' ? len - 1
		                                                 : len),
		    d->terms[k]);
		while ((p = strcasestr(p, needle)) != NULL) {
			count++;
			p++;
		}
	}
	t = bench_now() - t0;
	printf(" naive_mbs=%.3g naive_sample_mb=%.3g naive_matches=%zu",
	    (double)n / t / 1e6, (double)n / 1e6, count);
	free(sample);
}

/* Build, time the passes, then the floor. */
int
main(int argc, char **argv)
{
	struct bench_data d;
	struct conf *c;
	struct wl_matcher *m;
	struct wl_scan *s;
	size_t bytes = 0, hits = 0, alerts = 0, rss0;
	double t0, build, best = 1e30;
	char *err;

	if (argc < 4) {
		fprintf(stderr, "usage: match-bench TEXT TERMS N [BUDGET]\n");
		return 2;
	}
	bench_load(&d, argv[1], argv[2], strtoul(argv[3], NULL, 10));
	for (size_t i = 0; i < d.narts; i++)
		bytes += d.arts[i].len;
	c = bench_conf(&d);
	rss0 = bench_rss();
	t0 = bench_now();
	m = wl_matcher_new(c, &err);
	build = bench_now() - t0;
	if (m == NULL) {
		fprintf(stderr, "match-bench: %s\n", err);
		return 1;
	}
	printf("terms=%zu build_ms=%.1f build_mb=%.1f build_rss_mb=%.1f",
	    d.nterms, build * 1e3, (double)wl_matcher_memory(m) / 1e6,
	    (double)(bench_rss() - rss0) / 1e6);
	s = wl_scan_new(m);
	for (int p = 0; p < PASSES; p++) {
		double t = bench_pass(&d, s, &c->watchlists[0], &hits, &alerts);

		if (t < best)
			best = t;
	}
	printf(" text_mb=%.1f articles=%zu fw_mbs=%.1f fw_matches=%zu "
	       "fw_alerts=%zu",
	    (double)bytes / 1e6, d.narts, (double)bytes / best / 1e6, hits,
	    alerts);
	fflush(stdout);
	/* A budget of 0 skips the floor (match.sh: the other scripts). */
	if (argc <= 4 || strtod(argv[4], NULL) > 0)
		bench_naive(&d, argc > 4 ? strtod(argv[4], NULL) : 2e9);
	putchar('\n');
	wl_scan_free(s);
	wl_matcher_free(m);
	return 0;
}
