/*
 * feedwatch parse FILE|URL|-: read one feed and print it as the SPEC's JSON
 * document.  FILE and "-" (stdin) are read here in chunks, through the
 * same streaming parser the daemon uses; a URL is fetched by the fetcher
 * (parse_url below).  Exit 1 when the input holds no feed, with the
 * parser's reason (naming the feed an HTML page advertises).
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

#include "common/xmalloc.h"
#include "feeds/feedjson.h"
#include "feeds/fetch.h"
#include "feeds/parse.h"
#include "feeds/url.h"
#include "tools/commands.h"

/* Read size: one pipe buffer's worth, a few system calls per feed. */
#define READ_CHUNK 65536

/* Each item becomes a JSON object in the array. */
static void
on_item(const struct feed_item *item, void *arg)
{
	json_array_append_new(arg, feed_item_json(item));
}

/* Parse everything from fd; prints the document or the error. */
static int
parse_fd(int fd, const char *name)
{
	char buf[READ_CHUNK];
	json_t *items = json_array(), *doc;
	struct feed_parser *p;
	ssize_t n;
	int rc = EXIT_OK;

	if ((p = feed_parser_new(NULL, on_item, items)) == NULL) {
		fprintf(stderr, "feedwatch parse: out of memory\n");
		json_decref(items);
		return EXIT_BAD;
	}
	for (;;) {
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
	if (rc == EXIT_OK) {
		doc = feed_doc_json(p, items);
		items = NULL;
		if (json_dumpf(doc, stdout, JSON_INDENT(2)) == -1 ||
		    fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
			fprintf(stderr, "feedwatch parse: writing: %s\n",
			    strerror(errno));
			rc = EXIT_BAD;
		}
		json_decref(doc);
	}
	json_decref(items);
	feed_parser_free(p);
	return rc;
}

/* What fetching a URL came to: the document, or why not. */
struct url_fetch {
	json_t *items;
	json_t *doc;
	char *error;
	int done;
};

/* The fetcher's item callback: collect the item's JSON. */
static void
on_url_item(const struct feed_item *item, void *arg)
{
	on_item(item, ((struct url_fetch *)arg)->items);
}

/* The fetcher's end: the parser is only valid now, so build the JSON. */
static void
on_url_done(const struct fetch_result *r, void *arg)
{
	struct url_fetch *u = arg;

	u->done = 1;
	if (r->status == FETCH_OK) {
		u->doc = feed_doc_json(r->parser, u->items);
		u->items = NULL;
	} else
		u->error = xstrdup(r->error ? r->error : "no feed");
}

/* The URL branch: fetched by the daemon's fetcher, with its defaults. */
static int
parse_url(const char *url)
{
	struct event_base *base = event_base_new();
	struct url_fetch u = {.items = json_array()};
	struct fetch_request req = {.url = url,
	    .on_item = on_url_item,
	    .on_done = on_url_done,
	    .arg = &u};
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
	if (rc == EXIT_OK && u.doc == NULL) {
		fprintf(stderr, "feedwatch parse: %s: %s\n", url,
		    u.error ? u.error : "the fetch did not finish");
		rc = EXIT_BAD;
	}
	if (rc == EXIT_OK &&
	    (json_dumpf(u.doc, stdout, JSON_INDENT(2)) == -1 ||
	        fputc('\n', stdout) == EOF || fflush(stdout) == EOF)) {
		fprintf(
		    stderr, "feedwatch parse: writing: %s\n", strerror(errno));
		rc = EXIT_BAD;
	}
	json_decref(u.doc);
	json_decref(u.items);
	free(u.error);
	free(err);
	fetcher_free(f);
	event_base_free(base);
	return rc;
}

const char cmd_parse_options[] = "";

/* feedwatch parse FILE|URL|- */
int
cmd_parse(int argc, char **argv)
{
	const char *arg;
	int fd, rc;

	if (argc != 2)
		return command_usage("parse");
	arg = argv[1];
	if (strcmp(arg, "-") == 0)
		return parse_fd(STDIN_FILENO, "stdin");
	if (url_is_absolute(arg, strlen(arg)) && strchr(arg, '/') != NULL &&
	    strncmp(arg, "file:", 5) != 0)
		return parse_url(arg);
	if ((fd = open(arg, O_RDONLY)) == -1) {
		fprintf(
		    stderr, "feedwatch parse: %s: %s\n", arg, strerror(errno));
		return EXIT_BAD;
	}
	rc = parse_fd(fd, arg);
	close(fd);
	return rc;
}
