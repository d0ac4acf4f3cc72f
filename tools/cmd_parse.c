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
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "feeds/feedjson.h"
#include "feeds/parse.h"
#include "feeds/url.h"
#include "tools/commands.h"

/* Read size: one pipe buffer's worth, a few system calls per feed. */
#define READ_CHUNK 65536

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

/* The URL branch: the fetcher (issue 5) plugs in here. */
static int
parse_url(const char *url)
{
	(void)url;
	fprintf(stderr,
	    "feedwatch parse: URLs arrive with the fetcher (issue 5)\n");
	return EXIT_BAD;
}

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
