/*
 * feedwatch article [--xpath EXPR] FILE|URL|-: what the daemon would read
 * as the article behind an item's link, so a user can check a site before
 * turning `article = fetch` on for its feed.  A URL goes through the
 * article fetcher with the fetcher's defaults; a file or stdin through
 * the same extractor.  Prints the rule that picked the text, the title and
 * the text; exit 1 when there is no article to be had, with the reason.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/xmalloc.h"
#include "feeds/artfetch.h"
#include "feeds/url.h"
#include "tools/commands.h"

/* Read size for files and stdin. */
#define ARTICLE_READ_CHUNK 65536

/* Print one extraction the way the man page shows it. */
static int
article_print(const struct article *art)
{
	if (art->xpath_missed)
		printf("xpath: selected nothing; fell back\n");
	printf("rule: %s\ntitle: %s\n\n%s\n", article_rule_name(art->rule),
	    art->title, art->text);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "feedwatch article: writing: %s\n",
		    strerror(errno));
		return EXIT_BAD;
	}
	return EXIT_OK;
}

/* A file or stdin through the extractor. */
static int
article_fd(int fd, const char *name, const struct article_xpath *xp)
{
	struct article_parser *a = article_parser_new(NULL, NULL);
	char buf[ARTICLE_READ_CHUNK], *err = NULL;
	struct article art;
	ssize_t n;
	int rc = EXIT_OK;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || article_parser_feed(a, buf, (size_t)n) == -1) {
			fprintf(stderr, "feedwatch article: %s: %s\n", name,
			    n == -1 ? strerror(errno) : "not an HTML page");
			article_parser_free(a);
			return EXIT_BAD;
		}
	}
	if (article_parser_finish(a, xp, &art, &err) == -1) {
		fprintf(stderr, "feedwatch article: %s: %s\n", name, err);
		rc = EXIT_BAD;
	} else {
		rc = article_print(&art);
		if (rc == EXIT_OK && art.text[0] == '\0') {
			fprintf(stderr,
			    "feedwatch article: %s: no article text on the "
			    "page\n",
			    name);
			rc = EXIT_BAD;
		}
		article_clear(&art);
	}
	free(err);
	article_parser_free(a);
	return rc;
}

/* What the URL's fetch came to. */
struct article_url {
	int done;
	int rc;
};

/* The article fetcher's end: print it or say why not. */
static void
article_url_done(const struct artfetch_result *r, void *arg)
{
	struct article_url *u = arg;

	u->done = 1;
	if (r->ok)
		u->rc = article_print(r->art);
	else {
		fprintf(stderr, "feedwatch article: failed: %s\n", r->reason);
		u->rc = EXIT_BAD;
	}
}

/* A URL through the daemon's article fetcher, with its defaults. */
static int
article_url(const char *url, const struct article_xpath *xp)
{
	struct event_base *base = event_base_new();
	struct article_url u = {.rc = EXIT_BAD};
	struct fetch_options opt;
	struct artfetcher *af;
	char *err = NULL;

	fetch_options_init(&opt);
	if ((af = artfetcher_new(base, &opt, &err)) == NULL ||
	    artfetcher_start(af, url, xp, article_url_done, &u, &err) == -1) {
		fprintf(stderr, "feedwatch article: %s\n", err);
		free(err);
		artfetcher_free(af);
		event_base_free(base);
		return EXIT_BAD;
	}
	/* The fetcher's timeout bounds the wait. */
	while (!u.done && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	artfetcher_free(af);
	event_base_free(base);
	return u.rc;
}

/* feedwatch article [--xpath EXPR] FILE|URL|- */
int
cmd_article(int argc, char **argv)
{
	struct article_xpath *xp = NULL;
	const char *arg;
	char *err = NULL;
	int fd, rc;

	if (argc == 4 && strcmp(argv[1], "--xpath") == 0) {
		if ((xp = article_xpath_compile(argv[2], &err)) == NULL) {
			fprintf(
			    stderr, "feedwatch article: --xpath: %s\n", err);
			free(err);
			return EXIT_USAGE;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		article_xpath_free(xp);
		return command_usage("article");
	}
	arg = argv[1];
	if (strcmp(arg, "-") == 0)
		rc = article_fd(STDIN_FILENO, "stdin", xp);
	else if (url_is_absolute(arg, strlen(arg)) && strchr(arg, '/') != NULL)
		rc = article_url(arg, xp);
	else if ((fd = open(arg, O_RDONLY)) == -1) {
		fprintf(stderr, "feedwatch article: %s: %s\n", arg,
		    strerror(errno));
		rc = EXIT_BAD;
	} else {
		rc = article_fd(fd, arg, xp);
		close(fd);
	}
	article_xpath_free(xp);
	return rc;
}

const char cmd_article_options[] =
    "  --xpath EXPR            pick the text with this XPath, as\n"
    "                          article-xpath does\n";
