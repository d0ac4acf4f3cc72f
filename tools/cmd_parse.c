/*
 * feedwatch parse [--raw] FILE|URL|-: read one feed and print it as the
 * SPEC's JSON document, item by item as they are read.  FILE and "-" (stdin)
 * are read here in chunks, through the same streaming parser the daemon uses; a
 * URL is fetched by the fetcher (parse_url below).  Exit 1 when the input holds
 * no feed, with the parser's reason (naming the feed an HTML page advertises).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "feeds/feedjson.h"
#include "feeds/fetch.h"
#include "feeds/parse.h"
#include "feeds/url.h"
#include "tools/commands.h"

/* Read size: one pipe buffer's worth, a few system calls per feed. */
#define READ_CHUNK 65536

/*
 * The document is written as it is read: each item as soon as the parser
 * hands it out, so memory stays that of one item whatever the feed's size.
 * "items" comes first, then the feed's own keys, which are complete only
 * at the end of the input (a channel may name its title after its items).
 * Nothing is written until the first item or the end, so input that is no
 * feed prints nothing on stdout.
 */
struct writer {
	FILE *fp;
	size_t nitems;
	int failed;   /* a write failed: say so once, at the end */
	struct buf b; /* one item's text */
};

/* Write the JSON text s with every line after the first indented. */
static void
write_indented(struct writer *w, const char *s, const char *indent)
{
	for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		fwrite(s, 1, (size_t)(nl - s) + 1, w->fp);
		fputs(indent, w->fp);
	}
	fputs(s, w->fp);
}

/* One item, in the array's place in the document. */
static void
write_item(struct writer *w, const struct feed_item *item)
{
	buf_reset(&w->b);
	buf_appends(
	    &w->b, w->nitems++ == 0 ? "{\n  \"items\": [\n    " : ",\n    ");
	feed_item_write(&w->b, item, "    ");
	if (fwrite(w->b.data, 1, w->b.len, w->fp) != w->b.len)
		w->failed = 1;
}

/* The end of the items, then the feed's keys; 0, or -1 if writing
 * failed. */
static int
write_end(struct writer *w, const struct feed_parser *p)
{
	json_t *doc = feed_doc_json(p, json_array()), *v;
	const char *key;

	json_object_del(doc, "items");
	fputs(w->nitems == 0 ? "{\n  \"items\": []" : "\n  ]", w->fp);
	json_object_foreach(doc, key, v)
	{
		char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
		json_t *k = json_string(key);
		char *ks = json_dumps(k, JSON_ENCODE_ANY);

		fprintf(w->fp, ",\n  %s: ", ks != NULL ? ks : "\"\"");
		if (s != NULL)
			write_indented(w, s, "  ");
		else
			w->failed = 1;
		free(s);
		free(ks);
		json_decref(k);
	}
	json_decref(doc);
	fputs("\n}\n", w->fp);
	if (fflush(w->fp) == EOF || ferror(w->fp) || w->failed) {
		fprintf(
		    stderr, "feedwatch parse: writing: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Each item is written as it comes. */
static void
on_item(const struct feed_item *item, void *arg)
{
	write_item(arg, item);
}

/* Parse everything from fd; prints the document or the error. */
static int
parse_fd(int fd, const char *name, int raw)
{
	char buf[READ_CHUNK];
	struct writer w = {.fp = stdout};
	struct feed_parser *p;
	ssize_t n;
	int rc = EXIT_OK;

	if ((p = feed_parser_new(NULL, on_item, &w)) == NULL) {
		fprintf(stderr, "feedwatch parse: out of memory\n");
		return EXIT_BAD;
	}
	feed_parser_set_raw(p, raw);
	for (;;) {
		/* What is read so far is out before we wait for more. */
		if (w.nitems > 0 && fflush(stdout) == EOF)
			w.failed = 1;
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "feedwatch parse: %s: %s\n", name,
			    strerror(errno));
			rc = EXIT_BAD;
			break;
		}
		if (n == 0 || feed_parser_feed(p, buf, (size_t)n) == -1)
			break;
	}
	if (rc == EXIT_OK && feed_parser_finish(p) == -1) {
		fprintf(stderr, "feedwatch parse: %s: %s\n", name,
		    feed_parser_error(p));
		rc = EXIT_BAD;
	}
	if (rc == EXIT_OK && write_end(&w, p) == -1)
		rc = EXIT_BAD;
	buf_free(&w.b);
	feed_parser_free(p);
	return rc;
}

/* What fetching a URL came to. */
struct url_fetch {
	struct writer w;
	char *error;
	int done;
	int ok;
};

/* The fetcher's item callback: written as it comes. */
static void
on_url_item(const struct feed_item *item, void *arg)
{
	write_item(&((struct url_fetch *)arg)->w, item);
}

/* The fetcher's end: the parser is only valid now, so the feed's keys
 * are written here. */
static void
on_url_done(const struct fetch_result *r, void *arg)
{
	struct url_fetch *u = arg;

	u->done = 1;
	if (r->status == FETCH_OK)
		u->ok = write_end(&u->w, r->parser) == 0 ? 1 : -1;
	else
		u->error = xstrdup(r->error ? r->error : "no feed");
}

/* The URL branch: fetched by the daemon's fetcher, with its defaults. */
static int
parse_url(const char *url, int raw)
{
	struct event_base *base = event_base_new();
	struct url_fetch u = {.w = {.fp = stdout}};
	struct fetch_request req = {.url = url,
	    .on_item = on_url_item,
	    .on_done = on_url_done,
	    .arg = &u,
	    .raw = raw};
	struct fetch_options opt;
	struct fetcher *f;
	char *err = NULL;
	int rc = EXIT_OK;

	fetch_options_init(&opt);
	if ((f = fetcher_new(base, &opt, &err)) == NULL ||
	    fetcher_start(f, &req, &err) == -1) {
		fprintf(stderr, "feedwatch parse: %s\n", err);
		rc = EXIT_BAD;
	}
	/* The fetch ends by itself: the fetcher's timeout bounds it. */
	while (
	    rc == EXIT_OK && !u.done && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	if (rc == EXIT_OK && u.ok == 0) {
		fprintf(stderr, "feedwatch parse: %s: %s\n", url,
		    u.error ? u.error : "the fetch did not finish");
		rc = EXIT_BAD;
	}
	if (u.ok == -1)
		rc = EXIT_BAD;
	buf_free(&u.w.b);
	free(u.error);
	free(err);
	fetcher_free(f);
	event_base_free(base);
	return rc;
}

const char cmd_parse_options[] =
    "  --raw                   keep the HTML of summary and content too\n";

/* feedwatch parse [--raw] FILE|URL|- */
int
cmd_parse(int argc, char **argv)
{
	const char *arg;
	int fd, rc, raw = 0;

	if (argc == 3 && strcmp(argv[1], "--raw") == 0) {
		raw = 1;
		argc--;
		argv++;
	}
	if (argc != 2 || strncmp(argv[1], "--", 2) == 0)
		return command_usage("parse"); /* options go before the file */
	arg = argv[1];
	if (strcmp(arg, "-") == 0)
		return parse_fd(STDIN_FILENO, "stdin", raw);
	if (url_is_absolute(arg, strlen(arg)) && strchr(arg, '/') != NULL &&
	    strncmp(arg, "file:", 5) != 0)
		return parse_url(arg, raw);
	if ((fd = open(arg, O_RDONLY)) == -1) {
		fprintf(
		    stderr, "feedwatch parse: %s: %s\n", arg, strerror(errno));
		return EXIT_BAD;
	}
	rc = parse_fd(fd, arg, raw);
	close(fd);
	return rc;
}
