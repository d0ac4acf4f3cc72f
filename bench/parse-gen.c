/*
 * The parser benchmark's input: an RSS 2.0 feed of about N megabytes (50
 * by default) shaped like a newsroom's, written to a file.  Items carry
 * what real ones do: a title, link, guid, pubDate, dc:creator,
 * categories, a description of escaped HTML with entities, and a
 * content:encoded CDATA section with paragraphs.  The text is drawn from
 * a fixed word list by a fixed-seed generator, so every run produces the
 * same bytes.
 *
 *	parse-gen FILE [MEGABYTES [undeclared]]
 *
 * "undeclared" leaves out the xmlns:dc declaration, as careless feeds do:
 * expat stops at the first dc:creator and the tolerant reader (lax.c)
 * reads the rest, which measures that path on the same items.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {"minister", "talks", "capital",
    "delegation", "harbour", "council", "weather", "troops", "border",
    "agreement", "report", "officials", "said", "on", "the", "of", "and", "a",
    "to", "in", "with", "after", "before", "new", "week", "river", "bridge",
    "market", "prices", "election", "court", "ruling", "vote", "energy", "grid",
    "storm", "coast", "satellite", "launch", "budget", "school", "hospital",
    "rail", "port", "shipment", "sanctions", "summit", "statement",
    "spokesperson", "northern", "southern", "region", "ministry", "defence",
    "exercise", "festival", "museum"};

#define NWORDS (sizeof(words) / sizeof(words[0]))

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

/* xorshift64: fast and the same everywhere. */
static unsigned
next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* n words from the list. */
static void
sentence(FILE *fp, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? " " : "", words[next(NWORDS)]);
}

/* Write the feed. */
int
main(int argc, char **argv)
{
	static const char *const days[] = {
	    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	FILE *fp;
	long mb = argc > 2 ? atol(argv[2]) : 50, target;
	int undeclared = argc > 3 && strcmp(argv[3], "undeclared") == 0;

	if (argc < 2 || mb <= 0) {
		fprintf(stderr, "usage: parse-gen FILE [MEGABYTES]\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	target = mb * 1024 * 1024;
	fprintf(fp,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/"
	    "1.0/modules/content/\"%s>\n<channel>\n"
	    "<title>Benchmark Wire</title>\n"
	    "<link>https://bench.example.org/</link>\n"
	    "<description>Generated news</description>\n",
	    undeclared ? "" : " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"");
	for (long i = 0; ftell(fp) < target; i++) {
		fprintf(fp, "<item>\n<title>");
		sentence(fp, 6 + (int)next(6));
		fprintf(fp,
		    "</title>\n<link>https://bench.example.org/%ld</link>\n"
		    "<guid isPermaLink=\"false\">bench-%ld</guid>\n"
		    "<pubDate>%s, %02u Oct 2024 %02u:%02u:00 GMT</pubDate>\n"
		    "<dc:creator>",
		    i, i, days[i % 7], 1 + next(28), next(24), next(60));
		sentence(fp, 2);
		fprintf(fp, "</dc:creator>\n<category>");
		sentence(fp, 1);
		fprintf(fp, "</category>\n<category>");
		sentence(fp, 1);
		fprintf(fp, "</category>\n<description>&lt;p&gt;");
		sentence(fp, 30);
		fprintf(fp, " &amp;mdash; ");
		sentence(fp, 20);
		fprintf(
		    fp, "&lt;/p&gt;</description>\n<content:encoded><![CDATA[");
		for (int p = 0; p < 4; p++) {
			fprintf(fp, "<p>");
			sentence(fp, 40);
			fprintf(fp,
			    " <a href=\"https://bench.example.org/r/%u\">",
			    next(100000));
			sentence(fp, 3);
			fprintf(fp, "</a>.</p>\n");
		}
		fprintf(fp, "]]></content:encoded>\n</item>\n");
	}
	fprintf(fp, "</channel>\n</rss>\n");
	if (fclose(fp) == EOF) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
