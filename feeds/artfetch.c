/*
 * Article fetches (see artfetch.h): a fetch_request whose body goes to an
 * article parser instead of a feed parser.  The Content-Type is checked
 * on the first chunk, so a PDF is refused before its bytes are read; a
 * page is parsed as it streams, so a job holds one page's tree at most
 * (the fetcher's max-size cuts a page that never ends).  Jobs are kept on
 * a list so that freeing the artfetcher frees the ones in flight.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "feeds/artfetch.h"
#include "feeds/parse.h"

/* One article on its way. */
struct art_job {
	struct artfetcher *af;
	TAILQ_ENTRY(art_job) entry;
	const struct article_xpath *xpath;
	struct article_parser *parser;
	artfetch_cb cb;
	void *arg;
	char *reason; /* set by the body reader when it refused the page */
	uint64_t us;  /* spent in the parser */
};

struct artfetcher {
	struct fetcher *f;
	TAILQ_HEAD(, art_job) jobs;
	size_t njobs;
	struct artfetch_stats stats;
};

/* Magic bytes of bodies that are not HTML whatever the server says. */
static const struct {
	const char *magic;
	const char *what;
} art_magic[] = {
    {"%PDF-", "a PDF document"},
    {"\x89PNG", "a PNG image"},
    {"\xff\xd8\xff", "a JPEG image"},
    {"GIF8", "a GIF image"},
    {"PK\x03\x04", "a ZIP archive"},
};

/* Why a first chunk is not an HTML page, or NULL when it may be one. */
static char *
art_refusal(const char *p, size_t len, const struct fetch_body_info *bi)
{
	char *why = NULL;

	if (!article_content_type_ok(bi->content_type))
		xasprintf(&why, "not HTML (%s)", bi->content_type);
	for (size_t i = 0;
	     why == NULL && i < sizeof(art_magic) / sizeof(art_magic[0]); i++)
		if (len >= strlen(art_magic[i].magic) &&
		    memcmp(p, art_magic[i].magic, strlen(art_magic[i].magic)) ==
		        0)
			xasprintf(&why, "not HTML (%s)", art_magic[i].what);
	return why;
}

/* The fetcher's body reader: check the first chunk, then parse. */
static int
art_on_body(
    const char *p, size_t len, const struct fetch_body_info *bi, void *arg)
{
	struct art_job *j = arg;
	uint64_t t0 = time_mono_us();
	int rc;

	if (j->parser == NULL) {
		if ((j->reason = art_refusal(p, len, bi)) != NULL)
			return -1;
		j->parser = article_parser_new(bi->url, bi->charset);
	}
	rc = article_parser_feed(j->parser, p, len);
	j->us += time_mono_us() - t0;
	if (rc == -1)
		j->reason = xstrdup("not an HTML page");
	return rc;
}

/* The fetch ended: extract, report, free. */
static void
art_on_done(const struct fetch_result *fr, void *arg)
{
	struct art_job *j = arg;
	struct artfetcher *af = j->af;
	struct artfetch_result r = {.bytes = fr->bytes};
	struct article art = {0};
	char *err = NULL;

	if (fr->status != FETCH_OK)
		r.reason = j->reason != NULL ? j->reason
		    : fr->error != NULL      ? fr->error
		                             : fetch_status_name(fr->status);
	else if (j->parser == NULL)
		r.reason = "an empty page";
	else {
		uint64_t t0 = time_mono_us();
		if (article_parser_finish(j->parser, j->xpath, &art, &err) ==
		    -1)
			r.reason = err;
		else if (art.text[0] == '\0')
			r.reason = "no article text on the page";
		else {
			r.ok = 1;
			r.art = &art;
		}
		j->us += time_mono_us() - t0;
	}
	if (j->parser != NULL) {
		af->stats.pages++;
		af->stats.extract_us += j->us;
	}
	r.extract_us = j->us;
	if (r.ok)
		af->stats.fetched++;
	else
		af->stats.failed++;
	TAILQ_REMOVE(&af->jobs, j, entry);
	af->njobs--;
	j->cb(&r, j->arg);
	article_clear(&art);
	free(err);
	article_parser_free(j->parser);
	free(j->reason);
	free(j);
}

/* The article is the item's text from now on. */
void
artfetch_apply(struct feed_item *it, const char *text)
{
	free(it->content);
	it->content = xstrdup(text);
	it->summary[0] = '\0';
}

/* The fetcher with the article share's options. */
struct artfetcher *
artfetcher_new(
    struct event_base *base, const struct fetch_options *o, char **err)
{
	struct artfetcher *af = xcalloc(1, sizeof(*af));

	TAILQ_INIT(&af->jobs);
	if ((af->f = fetcher_new(base, o, err)) == NULL) {
		free(af);
		return NULL;
	}
	return af;
}

/* Queue an article fetch. */
int
artfetcher_start(struct artfetcher *af, const char *url,
    const struct article_xpath *xpath, artfetch_cb cb, void *arg, char **err)
{
	struct art_job *j = xcalloc(1, sizeof(*j));
	struct fetch_request req = {.url = url,
	    .on_done = art_on_done,
	    .on_body = art_on_body,
	    .arg = j};

	j->af = af;
	j->xpath = xpath;
	j->cb = cb;
	j->arg = arg;
	if (fetcher_start(af->f, &req, err) == -1) {
		free(j);
		return -1;
	}
	TAILQ_INSERT_TAIL(&af->jobs, j, entry);
	af->njobs++;
	return 0;
}

/* Articles running or waiting. */
size_t
artfetcher_in_flight(const struct artfetcher *af)
{
	return af->njobs;
}

/* Counters since start. */
const struct artfetch_stats *
artfetcher_stats(const struct artfetcher *af)
{
	return &af->stats;
}

/* The fetcher first (it abandons its transfers), then our jobs. */
void
artfetcher_free(struct artfetcher *af)
{
	struct art_job *j;

	if (af == NULL)
		return;
	fetcher_free(af->f);
	while ((j = TAILQ_FIRST(&af->jobs)) != NULL) {
		TAILQ_REMOVE(&af->jobs, j, entry);
		article_parser_free(j->parser);
		free(j->reason);
		free(j);
	}
	free(af);
}
