/* Reading the matching benchmark's input: see match-data.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "match-data.h"

/* The whole of a file, NUL-terminated. */
static char *
bench_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		exit(1);
	}
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(1);
	}
	p[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return p;
}

/* Cut the text into articles in place; keep the first nterms terms. */
void
bench_load(struct bench_data *d, const char *textfile, const char *termsfile,
    size_t nterms)
{
	size_t cap = 1024, tlen;
	char *p, *terms;

	memset(d, 0, sizeof(*d));
	d->text = bench_slurp(textfile, &d->textlen);
	d->arts = malloc(cap * sizeof(*d->arts));
	for (p = d->text; *p != '\0';) {
		char *end = strchr(p, '\x1e'), *nl;
		struct bench_article *a;

		if (end == NULL)
			break;
		*end = '\0';
		if (d->narts == cap)
			d->arts =
			    realloc(d->arts, (cap *= 2) * sizeof(*d->arts));
		a = &d->arts[d->narts++];
		a->len = (size_t)(end - p);
		a->title = p;
		nl = strchr(p, '\n');
		if (nl != NULL) {
			*nl = '\0';
			a->body = nl + 1;
		} else
			a->body = end;
		p = end + 1;
		if (*p == '\n')
			p++;
	}
	terms = bench_slurp(termsfile, &tlen);
	d->terms = malloc((nterms + 1) * sizeof(*d->terms));
	for (p = strtok(terms, "\n"); p != NULL && d->nterms < nterms;
	     p = strtok(NULL, "\n"))
		d->terms[d->nterms++] = p;
	if (d->nterms < nterms) {
		fprintf(stderr, "%s: only %zu terms\n", termsfile, d->nterms);
		exit(1);
	}
}

/* CPU seconds of this process. */
double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident bytes, from /proc/self/statm. */
size_t
bench_rss(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;

	if (fp == NULL)
		return 0;
	if (fscanf(fp, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(fp);
	return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}
