/*
 * The article extractor's speed and memory: news-shaped pages of 50 KB to
 * 500 KB (a menu, a most-read box, scripts, the story's paragraphs, a
 * comment thread, a footer), each parsed and extracted REPEAT times in
 * 64 KB chunks as the fetcher pushes them; then how much memory a page
 * holds while it is in flight, for 1, 8 and 32 pages at once (glibc's
 * mallinfo2), to show that it grows with the pages in flight (which the
 * article share bounds), each by about one page's tree.
 *
 *	bench/article-bench [REPEAT]
 */
#include "config.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "feeds/article.h"

/* The fetcher hands bodies over in pieces about this big. */
#define BENCH_CHUNK 65536
/* Rounds per page size. */
#define BENCH_TRIALS 5

/* A page of about `size` bytes in the shape of a news site's. */
static void
bench_page(struct buf *b, size_t size)
{
	static const char para[] =
	    "<p>The ministry said on Tuesday that the talks, which began in "
	    "the spring, would go on into next year, after the delegations "
	    "failed to agree on the order of the steps, and that both sides "
	    "had asked for more time to consult their governments.</p>\n";
	static const char teaser[] =
	    "<li><a href=\"/news/12345\">Another headline people read a lot "
	    "today</a></li>\n";
	static const char comment[] =
	    "<div class=\"comment\"><p>I have read this twice and still do "
	    "not see what changed, can someone explain?</p></div>\n";
	size_t third = size / 3;

	buf_reset(b);
	buf_appends(b,
	    "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
	    "<title>Talks to go on into next year</title>"
	    "<script>var config = {\"a\": 1, \"b\": [1, 2, 3]};"
	    "</script><style>.x{color:red}</style></head><body>"
	    "<header><nav class=\"menu\"><ul>");
	for (int i = 0; i < 40; i++)
		buf_appends(b, teaser);
	buf_appends(b,
	    "</ul></nav></header><div class=\"page\">"
	    "<div class=\"story-body\"><h1>Talks to go on</h1>");
	while (b->len < third * 2)
		buf_appends(b, para);
	buf_appends(b, "</div><aside class=\"most-read\"><ol>");
	for (int i = 0; i < 20; i++)
		buf_appends(b, teaser);
	buf_appends(b, "</ol></aside><section class=\"comments\">");
	while (b->len < size)
		buf_appends(b, comment);
	buf_appends(b,
	    "</section></div><footer>(c) The Paper</footer>"
	    "</body></html>\n");
}

/* Parse and extract one page, pushed in chunks. */
static size_t
bench_extract(const struct buf *page)
{
	struct article_parser *a = article_parser_new(NULL, NULL);
	struct article art;
	char *err = NULL;
	size_t n = 0;

	for (size_t off = 0; off < page->len; off += BENCH_CHUNK) {
		size_t len = page->len - off;
		article_parser_feed(
		    a, page->data + off, len < BENCH_CHUNK ? len : BENCH_CHUNK);
	}
	if (article_parser_finish(a, NULL, &art, &err) == 0) {
		n = strlen(art.text);
		article_clear(&art);
	}
	free(err);
	article_parser_free(a);
	return n;
}

/* CPU time of this process in microseconds: the machine may be shared,
 * and wall time would count the other programs' turns. */
static uint64_t
bench_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Heap bytes in use now. */
static size_t
bench_heap(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* Memory held by `n` pages each pushed whole but not yet finished. */
static double
bench_in_flight(const struct buf *page, int n)
{
	struct article_parser **a = calloc((size_t)n, sizeof(*a));
	size_t before = bench_heap(), after;

	for (int i = 0; i < n; i++) {
		a[i] = article_parser_new(NULL, NULL);
		article_parser_feed(a[i], page->data, page->len);
	}
	after = bench_heap();
	for (int i = 0; i < n; i++)
		article_parser_free(a[i]);
	free(a);
	return (double)(after - before) / n;
}

int
main(int argc, char **argv)
{
	static const size_t sizes[] = {50000, 100000, 250000, 500000};
	static const int inflight[] = {1, 8, 32};
	int repeat = argc > 1 ? atoi(argv[1]) : 200;
	struct buf page = BUF_INIT;

	if (repeat < 1)
		repeat = 1;
	printf("extraction (parse + extract, %d KB chunks, %d runs each, "
	       "per CPU second):\n",
	    BENCH_CHUNK / 1024, repeat);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t t0, us, best = UINT64_MAX, worst = 0;
		size_t text = 0;

		bench_page(&page, sizes[i]);
		bench_extract(&page); /* warm up */
		/* BENCH_TRIALS rounds: the best is the extractor's speed,
		 * the worst what a busy machine made of it. */
		for (int k = 0; k < BENCH_TRIALS; k++) {
			t0 = bench_cpu_us();
			for (int r = 0; r < repeat; r++)
				text = bench_extract(&page);
			us = bench_cpu_us() - t0;
			best = us < best ? us : best;
			worst = us > worst ? us : worst;
		}
		printf("  %4zu KB page: %6.1f MB/s (worst round %5.1f), %6.2f "
		       "ms a page, %zu bytes of text\n",
		    page.len / 1000, (double)page.len * repeat / (double)best,
		    (double)page.len * repeat / (double)worst,
		    (double)best / repeat / 1000.0, text);
	}
	bench_page(&page, 250000);
	printf("memory while in flight (250 KB pages):\n");
	for (size_t i = 0; i < sizeof(inflight) / sizeof(inflight[0]); i++)
		printf("  %2d pages at once: %.0f KB a page (%.1fx the page)\n",
		    inflight[i], bench_in_flight(&page, inflight[i]) / 1024,
		    bench_in_flight(&page, inflight[i]) / (double)page.len);
	buf_free(&page);
	return 0;
}
