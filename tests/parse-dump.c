/*
 * What a user sees of one parse, for comparing two builds of the parser
 * (tests/parse-compare.sh) and chunkings of one input: every item as
 * `feedwatch parse` writes it, then the channel with its warnings, the
 * error and finish's return.
 *
 *	parse-dump [-r] [-l] [-n] CHUNK FILE
 *
 * CHUNK: bytes per feed_parser_feed call, 0 for the whole file at once.
 * -r keeps the markup (--raw); -l reads with lax.c alone from the first
 * byte; -n turns xmlfix.c's CDATA rewriting off.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/buf.h"
#include "feeds/feedjson.h"
#include "feeds/parse-int.h"
#include "feeds/parse.h"

/* Each item as `feedwatch parse` writes it. */
static void
on_item(const struct feed_item *it, void *arg)
{
	struct buf b = BUF_INIT;

	feed_item_write(&b, it, "");
	fwrite(b.data, 1, b.len, arg);
	fputc('\n', arg);
	buf_free(&b);
}

/* The whole file into b; -1 when it cannot be read. */
static int
slurp(const char *path, struct buf *b)
{
	FILE *fp = fopen(path, "rb");
	char tmp[65536];
	size_t n;

	if (fp == NULL)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_append(b, tmp, n);
	fclose(fp);
	return 0;
}

int
main(int argc, char **argv)
{
	struct buf in = BUF_INIT;
	struct feed_parser *p;
	int raw = 0, lax = 0, nocdata = 0, c, rc;
	size_t step;
	json_t *j;
	char *doc;

	while ((c = getopt(argc, argv, "rln")) != -1)
		switch (c) {
		case 'r':
			raw = 1;
			break;
		case 'l':
			lax = 1;
			break;
		case 'n':
			nocdata = 1;
			break;
		default:
			return 2;
		}
	if (argc - optind != 2) {
		fprintf(
		    stderr, "usage: parse-dump [-r] [-l] [-n] CHUNK FILE\n");
		return 2;
	}
	step = strtoul(argv[optind], NULL, 10);
	if (slurp(argv[optind + 1], &in) == -1) {
		perror(argv[optind + 1]);
		return 2;
	}
	p = feed_parser_new("https://example.org/feed/", on_item, stdout);
	if (nocdata)
		xmlfix_no_cdata(&p->xf);
	feed_parser_set_raw(p, raw);
	if (lax)
		fp_lax_only(p);
	for (size_t i = 0; i < in.len;) {
		size_t n = step == 0 || step > in.len - i ? in.len - i : step;

		feed_parser_feed(p, in.data + i, n);
		i += n;
	}
	rc = feed_parser_finish(p);
	j = feed_doc_json(p, json_array());
	doc = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	printf("%s\nerror: %s\nfinish: %d\n", doc, feed_parser_error(p), rc);
	free(doc);
	feed_parser_free(p);
	buf_free(&in);
	return 0;
}
