/*
 * feedwatch score: score a feed's items, or one article, against the
 * watchlists of a config, exactly as the daemon would, and show why.  This
 * is how people tune watchlists, so --explain prints a table a person
 * reads: per item its score against the threshold and the verdict, and
 * per actor or topic its hits, weight, contribution, fields, the terms
 * that matched and the words around them.  Without --explain it prints
 * SPEC's JSON lines, one per item x watchlist, in feed and config order.
 *
 * A URL is fetched by the daemon's fetcher with the config's [daemon]
 * limits, its items scored as they arrive.  A file or URL that a [feed] of
 * the config names is scored under that feed's name, so `feeds =`
 * restrictions apply.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "common/buf.h"
#include "common/redact.h"
#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "feeds/artfetch.h"
#include "feeds/fetch.h"
#include "feeds/parse.h"
#include "filters/watchlist.h"
#include "tools/commands.h"

/* Bytes of one --text article: far beyond any article, short of memory
 * trouble. */
#define SCORE_MAX_TEXT ((size_t)64 << 20)
/* Read size for feed files. */
#define SCORE_CHUNK 65536
/* Snippets per entity in --explain. */
#define SCORE_EXPLAIN_SNIPPETS 2
/* Distinct terms listed per entity in --explain. */
#define SCORE_EXPLAIN_TERMS 8

struct score_ctx {
	const struct conf *conf;
	const struct conf_watchlist *only; /* --watchlist, or NULL: all */
	const struct conf_feed *feed;      /* the [feed] the file is, or NULL */
	struct wl_scan *scan;
	int explain;
	size_t nitems;
	size_t nalerts;
	/* article = fetch: the feed's items, scored once their articles
	 * are read (score_articles). */
	struct feed_item **waiting;
	size_t nwaiting;
	const char *article; /* the item's "article" while it is scored */
};

/* The item part of a score line. */
static json_t *
score_item_json(const char *id, const char *title, const char *link)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(id ? id : ""));
	json_object_set_new(o, "title", json_string(title ? title : ""));
	json_object_set_new(o, "link", json_string(link ? link : ""));
	return o;
}

/* Does the feed being scored read its items' articles? */
static int
score_wants_article(const struct score_ctx *x)
{
	return x->feed != NULL && x->feed->article != NULL &&
	    strcmp(x->feed->article, "fetch") == 0;
}

/* One JSON line: SPEC's shape. */
static void
score_print_json(struct score_ctx *x, const struct wl_result *r, json_t *item)
{
	json_t *o = json_object();
	char *s;

	json_object_set(o, "item", item);
	json_object_set_new(o, "watchlist", json_string(r->wl->name));
	json_object_set_new(o, "score", json_integer(r->score));
	json_object_set_new(o, "threshold", json_integer(r->threshold));
	json_object_set_new(o, "require", json_boolean(r->require));
	json_object_set_new(o, "excluded", json_boolean(r->excluded));
	json_object_set_new(o, "alert", json_boolean(r->alert));
	json_object_set_new(
	    o, "matches", wl_result_matches_json(x->scan, r, 0));
	s = json_dumps(o, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(o);
}

/* "title,body" for a fields mask. */
static void
score_fields_text(unsigned fields, struct buf *b)
{
	for (int f = 0; f < WL_NFIELDS; f++)
		if (fields & WL_FIELD_BIT(f))
			buf_printf(b, "%s%s", b->len ? "," : "",
			    wl_field_name((enum wl_field)f));
}

/* " (Россию, России)": the forms term t was found in, when not as
 * written. */
static void
score_forms_text(const struct wl_scan *scan, const struct wl_entity_result *e,
    const struct conf_term *t, struct buf *b)
{
	const char *seen[SCORE_EXPLAIN_TERMS];
	size_t lens[SCORE_EXPLAIN_TERMS], n = 0;

	for (size_t k = 0; k < e->nexpl && n < SCORE_EXPLAIN_TERMS; k++) {
		size_t len, j;
		const char *f;

		if (e->expl[k].term != t ||
		    (f = wl_expl_form(scan, &e->expl[k], &len)) == NULL)
			continue;
		for (j = 0; j < n; j++)
			if (lens[j] == len && memcmp(seen[j], f, len) == 0)
				break;
		if (j < n)
			continue;
		buf_printf(b, "%s%.*s", n == 0 ? " (" : ", ", (int)len, f);
		seen[n] = f;
		lens[n++] = len;
	}
	if (n > 0)
		buf_appendc(b, ')');
}

/* The distinct terms that matched for an entity, as written in the config
 * ("KCNA" quoted, deploy* starred), with the forms found and counts. */
static void
score_terms_text(
    const struct wl_scan *scan, const struct wl_entity_result *e, struct buf *b)
{
	size_t shown = 0;

	for (size_t k = 0; k < e->nexpl; k++) {
		const struct conf_term *t = e->expl[k].term;
		size_t n = 0, seen = 0;

		for (size_t j = 0; j < k; j++)
			seen |= e->expl[j].term == t;
		if (seen)
			continue;
		for (size_t j = k; j < e->nexpl; j++)
			n += e->expl[j].term == t;
		if (shown++ == SCORE_EXPLAIN_TERMS) {
			buf_appends(b, ", ...");
			break;
		}
		buf_printf(b, "%s%s%s%s%s", b->len ? ", " : "",
		    t->exact ? "\"" : "", t->text, t->prefix ? "*" : "",
		    t->exact ? "\"" : "");
		score_forms_text(scan, e, t, b);
		if (n > 1)
			buf_printf(b, " x%zu", n);
	}
}

/* The verdict line: alert or not, and every reason. */
static void
score_verdict(const struct wl_result *r, struct buf *b)
{
	const struct conf_watchlist *wl = r->wl;

	buf_printf(b, "%s: %s  score %d %s threshold %d; require %s: %s",
	    wl->name, r->alert ? "ALERT" : "no alert", r->score,
	    r->score >= r->threshold ? ">=" : "<", r->threshold,
	    r->require ? "holds" : "fails", wl->require_text);
	for (size_t i = 0; i < r->nents; i++)
		if (r->ents[i].exclude)
			buf_printf(b, "; excluded by topic %s",
			    r->ents[i].entity->name);
}

/* The --explain block of one watchlist for the current item. */
static void
score_print_explain(struct score_ctx *x, const struct wl_result *r)
{
	const struct conf_watchlist *wl = r->wl;
	struct buf b = BUF_INIT, f = BUF_INIT, t = BUF_INIT;
	int namew = 4;

	score_verdict(r, &b);
	printf("  %s\n", buf_str(&b));
	buf_free(&b);
	if (r->nents == 0) {
		printf("    (no actor or topic matched)\n");
		return;
	}
	for (size_t i = 0; i < r->nents; i++) {
		int len = (int)strlen(r->ents[i].entity->name);

		if (len > namew)
			namew = len;
	}
	printf("    %-5s  %-*s  %4s  %6s  %7s  %-17s %s\n", "KIND", namew,
	    "NAME", "HITS", "WEIGHT", "CONTRIB", "FIELDS", "TERMS");
	for (size_t i = 0; i < r->nents; i++) {
		const struct wl_entity_result *e = &r->ents[i];
		char contrib[16] = "-";

		if (!e->exclude)
			snprintf(
			    contrib, sizeof(contrib), "%d", e->contribution);
		buf_reset(&f);
		buf_reset(&t);
		score_fields_text(e->fields, &f);
		score_terms_text(x->scan, e, &t);
		printf("    %-5s  %-*s  %4d  %6d  %7s  %-17s %s\n",
		    e->exclude                          ? "excl"
		        : e->entity->kind == CONF_ACTOR ? "actor"
		                                        : "topic",
		    namew, e->entity->name, e->hits, e->entity->weight, contrib,
		    buf_str(&f), buf_str(&t));
		for (size_t k = 0; k < e->nexpl && k < SCORE_EXPLAIN_SNIPPETS;
		     k++) {
			buf_reset(&b);
			wl_scan_snippet(x->scan, &e->expl[k], &b);
			printf("           %s@%u  %s\n",
			    wl_field_name(e->expl[k].field), e->expl[k].word,
			    buf_str(&b));
		}
		if (e->nexpl > SCORE_EXPLAIN_SNIPPETS)
			printf("           (%zu more)\n",
			    e->nexpl - SCORE_EXPLAIN_SNIPPETS);
	}
	printf("    contribution = weight x min(hits, saturation %d); "
	       "hits count title x%d, body x1, categories x1\n",
	    wl->saturation, wl->title_weight);
	buf_free(&b);
	buf_free(&f);
	buf_free(&t);
}

/* Score the item now in the scan against the chosen watchlists. */
static void
score_item(
    struct score_ctx *x, const char *id, const char *title, const char *link)
{
	json_t *item = x->explain ? NULL : score_item_json(id, title, link);

	x->nitems++;
	if (item != NULL && x->article != NULL)
		json_object_set_new(item, "article", json_string(x->article));
	if (x->explain)
		printf("item %zu: %s\n  id: %s%s%s\n", x->nitems,
		    title && *title ? title : "(no title)", id,
		    link && *link ? "\n  link: " : "", link ? link : "");
	if (x->explain && x->article != NULL)
		printf("  article: %s\n", x->article);
	for (size_t i = 0; i < x->conf->nwatchlists; i++) {
		const struct conf_watchlist *wl = &x->conf->watchlists[i];
		const struct wl_result *r;

		if (x->only != NULL && x->only != wl)
			continue;
		r = wl_scan_score(x->scan, wl, x->feed);
		if (!r->wanted) {
			if (x->explain)
				printf("  %s: not scored: its feeds = "
				       "leaves out feed %s\n",
				    wl->name, x->feed->name);
			continue;
		}
		x->nalerts += r->alert != 0;
		if (x->explain)
			score_print_explain(x, r);
		else
			score_print_json(x, r, item);
	}
	if (x->explain)
		putchar('\n');
	json_decref(item);
}

/* The parser's callback: one feed item. */
static void
score_on_item(const struct feed_item *fi, void *arg)
{
	struct score_ctx *x = arg;
	struct wl_item it;

	if (score_wants_article(x) && x->article == NULL) {
		x->waiting = xreallocarray(
		    x->waiting, x->nwaiting + 1, sizeof(*x->waiting));
		x->waiting[x->nwaiting++] = feed_item_dup(fi);
		return;
	}
	wl_item_from_feed(&it, fi);
	if (x->feed != NULL && x->feed->language != NULL)
		it.language = x->feed->language;
	wl_scan_item(x->scan, &it);
	score_item(x, fi->id, fi->title, fi->link);
}

/* Read all of fp (at most max bytes) into b; -1 on a read error or when
 * it is larger. */
static int
score_slurp(FILE *fp, struct buf *b, size_t max)
{
	char chunk[SCORE_CHUNK];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len + n > max) {
			errno = EFBIG;
			return -1;
		}
		buf_append(b, chunk, n);
	}
	return ferror(fp) ? -1 : 0;
}

/* Open a path or "-" for reading. */
static FILE *
score_open(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	return fopen(path, "rb");
}

/* --text: line 1 is the title, the rest the body. */
static int
score_text(struct score_ctx *x, const char *path)
{
	struct buf raw = BUF_INIT, clean = BUF_INIT;
	FILE *fp = score_open(path);
	char *title, *body, *nl;
	struct wl_item it = {NULL, NULL, NULL, 0, NULL};

	if (fp == NULL || score_slurp(fp, &raw, SCORE_MAX_TEXT) == -1) {
		fprintf(
		    stderr, "feedwatch score: %s: %s\n", path, strerror(errno));
		if (fp != NULL && fp != stdin)
			fclose(fp);
		buf_free(&raw);
		return EXIT_BAD;
	}
	if (fp != stdin)
		fclose(fp);
	utf8_append_clean(&clean, raw.data ? raw.data : "", raw.len);
	buf_free(&raw);
	title = buf_steal(&clean);
	if (title == NULL)
		title = xstrdup("");
	nl = strchr(title, '\n');
	body = nl ? nl + 1 : title + strlen(title);
	if (nl)
		*nl = '\0';
	if (nl && nl > title && nl[-1] == '\r')
		nl[-1] = '\0';
	it.title = title;
	it.body = body;
	wl_scan_item(x->scan, &it);
	score_item(x, path, title, "");
	free(title);
	return EXIT_OK;
}

/* The path of a file:// URL, %XX decoded (the config encodes its paths). */
static char *
score_url_path(const char *url)
{
	const char *p = url + strlen("file://");
	char *out = xmalloc(strlen(p) + 1), *o = out;

	for (; *p != '\0'; p++) {
		unsigned v;

		if (p[0] == '%' && p[1] != '\0' && p[2] != '\0' &&
		    sscanf(p + 1, "%2x", &v) == 1 && v != 0) {
			*o++ = (char)v;
			p += 2;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The --explain heading: the feed's name and its URL, credentials hidden. */
static void
score_print_feed(const struct conf_feed *feed)
{
	char *shown = url_redact(feed->url);

	printf("feed %s (%s)\n\n", feed->name, shown);
	free(shown);
}

/* The [feed] whose file: URL is this file, for `feeds =`. */
static const struct conf_feed *
score_find_feed(const struct conf *c, const char *path)
{
	char real[PATH_MAX], other[PATH_MAX];

	if (strcmp(path, "-") == 0 || realpath(path, real) == NULL)
		return NULL;
	for (size_t i = 0; i < c->nfeeds; i++) {
		const char *u = c->feeds[i].url;

		char *p;
		int same;

		if (!str_has_prefix(u, "file://"))
			continue;
		p = score_url_path(u);
		same = realpath(p, other) != NULL && strcmp(real, other) == 0;
		free(p);
		if (same)
			return &c->feeds[i];
	}
	return NULL;
}

/* A feed file or "-": parse as it is read, score each item. */
static int
score_feed(struct score_ctx *x, const char *path)
{
	char chunk[SCORE_CHUNK], *base = NULL;
	struct feed_parser *p;
	FILE *fp = score_open(path);
	size_t n;
	int rc = EXIT_OK;

	if (fp == NULL) {
		fprintf(
		    stderr, "feedwatch score: %s: %s\n", path, strerror(errno));
		return EXIT_BAD;
	}
	x->feed = score_find_feed(x->conf, path);
	if (x->feed != NULL)
		base = xstrdup(x->feed->url);
	else if (fp != stdin) {
		char real[PATH_MAX];

		if (realpath(path, real) != NULL)
			xasprintf(&base, "file://%s", real);
	}
	if (x->explain && x->feed != NULL)
		score_print_feed(x->feed);
	p = feed_parser_new(base, score_on_item, x);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		feed_parser_feed(p, chunk, n);
	if (ferror(fp)) {
		fprintf(
		    stderr, "feedwatch score: %s: %s\n", path, strerror(errno));
		rc = EXIT_BAD;
	} else if (feed_parser_finish(p) == -1) {
		fprintf(stderr, "feedwatch score: %s: %s\n", path,
		    feed_parser_error(p));
		rc = EXIT_BAD;
	}
	for (size_t i = 0; i < feed_parser_nwarnings(p); i++)
		fprintf(stderr, "feedwatch score: %s: warning: %s\n", path,
		    feed_parser_warning(p, i));
	feed_parser_free(p);
	if (fp != stdin)
		fclose(fp);
	free(base);
	return rc;
}

/* One waiting item while its article is fetched. */
struct score_article {
	struct score_ctx *x;
	struct feed_item *item;
	int done;
};

/* What fetching a URL came to. */
struct score_fetch {
	struct score_ctx *x;
	int done;
	char *error; /* NULL when a feed was read */
};

/* The fetcher's item callback: score it now. */
static void
score_on_url_item(const struct feed_item *fi, void *arg)
{
	score_on_item(fi, ((struct score_fetch *)arg)->x);
}

/* The fetcher's end: a feed, or why not. */
static void
score_on_url_done(const struct fetch_result *r, void *arg)
{
	struct score_fetch *u = arg;

	u->done = 1;
	if (r->status != FETCH_OK)
		u->error = xstrdup(r->error ? r->error : "no feed");
}

/* The [feed] with exactly this URL, for `feeds =`. */
static const struct conf_feed *
score_find_url_feed(const struct conf *c, const char *url)
{
	for (size_t i = 0; i < c->nfeeds; i++)
		if (strcmp(c->feeds[i].url, url) == 0)
			return &c->feeds[i];
	return NULL;
}

/* An http(s) URL: fetched as the daemon fetches, with the config's
 * [daemon] timeout, size limit and user agent. */
static int
score_url(struct score_ctx *x, const char *url)
{
	struct event_base *base = event_base_new();
	struct score_fetch u = {x, 0, NULL};
	struct fetch_request req = {.url = url,
	    .on_item = score_on_url_item,
	    .on_done = score_on_url_done,
	    .arg = &u};
	struct fetch_options opt;
	struct fetcher *f = NULL;
	char *err = NULL;
	int rc = EXIT_OK;

	x->feed = score_find_url_feed(x->conf, url);
	/* A configured feed is fetched with its own headers, login, proxy. */
	if (x->feed != NULL) {
		req.http = &x->feed->fetch;
		req.user_agent = x->feed->user_agent;
	}
	if (x->explain && x->feed != NULL)
		score_print_feed(x->feed);
	fetch_options_init(&opt);
	fetch_options_from_conf(&opt, &x->conf->daemon);
	if (base == NULL || (f = fetcher_new(base, &opt, &err)) == NULL ||
	    fetcher_start(f, &req, &err) == -1) {
		fprintf(stderr, "feedwatch score: %s: %s\n", url,
		    err ? err : "cannot start the event loop");
		rc = EXIT_BAD;
	}
	/* The fetch ends by itself: the fetcher's timeout bounds it. */
	while (
	    rc == EXIT_OK && !u.done && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	if (rc == EXIT_OK && (!u.done || u.error != NULL)) {
		fprintf(stderr, "feedwatch score: %s: %s\n", url,
		    u.error ? u.error : "the fetch did not finish");
		rc = EXIT_BAD;
	}
	free(u.error);
	free(err);
	if (f != NULL)
		fetcher_free(f);
	if (base != NULL)
		event_base_free(base);
	return rc;
}

/* One waiting item's article came in (or did not): score it now. */
static void
score_on_article(const struct artfetch_result *r, void *arg)
{
	struct score_article *a = arg;
	char *why = NULL;

	a->done = 1;
	if (r->ok) {
		artfetch_apply(a->item, r->art->text);
		a->x->article = "fetched";
	} else {
		xasprintf(&why, "failed: %s", r->reason);
		a->x->article = why;
	}
	score_on_item(a->item, a->x);
	a->x->article = NULL;
	free(why);
}

/* article = fetch: read each waiting item's article, one at a time so
 * the output keeps the feed's order, and score it. */
static int
score_articles(struct score_ctx *x)
{
	struct event_base *base;
	struct artfetcher *af = NULL;
	struct article_xpath *xp = NULL;
	struct fetch_options opt;
	char *err = NULL;
	int rc = EXIT_OK;

	if (x->nwaiting == 0)
		return EXIT_OK;
	base = event_base_new();
	fetch_options_from_conf(&opt, &x->conf->daemon);
	if (x->feed->article_xpath != NULL &&
	    (xp = article_xpath_compile(x->feed->article_xpath, &err)) == NULL)
		rc = EXIT_BAD;
	else if ((af = artfetcher_new(base, &opt, &err)) == NULL)
		rc = EXIT_BAD;
	for (size_t i = 0; rc == EXIT_OK && i < x->nwaiting; i++) {
		struct score_article a = {x, x->waiting[i], 0};
		if (artfetcher_start(af, a.item->link, xp, score_on_article, &a,
		        &err) == -1) {
			struct artfetch_result r = {.reason = err};
			score_on_article(&r, &a);
			free(err);
			err = NULL;
		}
		while (!a.done && event_base_loop(base, EVLOOP_ONCE) == 0)
			;
	}
	if (rc != EXIT_OK)
		fprintf(stderr, "feedwatch score: %s\n", err);
	free(err);
	artfetcher_free(af);
	article_xpath_free(xp);
	event_base_free(base);
	return rc;
}

/* Score what the arguments name once the config is loaded. */
static int
score_run(struct score_ctx *x, const char *text, const char *input)
{
	int rc;

	if (text != NULL)
		return score_text(x, text);
	if (str_has_prefix_case(input, "http://") ||
	    str_has_prefix_case(input, "https://"))
		rc = score_url(x, input);
	else if (str_has_prefix(input, "file:")) {
		/* file:///abs/path (%XX decoded) or file:relative/path */
		char *path = str_has_prefix(input, "file://")
		    ? score_url_path(input)
		    : xstrdup(input + strlen("file:"));
		rc = score_feed(x, path);
		free(path);
	} else
		rc = score_feed(x, input);
	if (rc == EXIT_OK)
		rc = score_articles(x);
	for (size_t i = 0; i < x->nwaiting; i++)
		feed_item_free(x->waiting[i]);
	free(x->waiting);
	x->waiting = NULL;
	x->nwaiting = 0;
	return rc;
}

const char cmd_score_options[] =
    "  -c, --config CONF       the configuration whose watchlists score\n"
    "      --explain           per item: each watchlist's score, its parts\n"
    "                          and the terms found, with the form printed\n"
    "      --watchlist NAME    only this watchlist\n"
    "      --text FILE         score one article (plain text) instead of a\n"
    "                          feed\n";

/* Parse the options, load config and matcher, score the input. */
int
cmd_score(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"explain", no_argument, NULL, 'e'},
	    {"watchlist", required_argument, NULL, 'w'},
	    {"text", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	struct score_ctx x = {0};
	const char *path = CONF_DEFAULT_PATH, *only = NULL, *text = NULL;
	struct conf *c;
	struct wl_matcher *m;
	char *err = NULL;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'e':
			x.explain = 1;
			break;
		case 'w':
			only = optarg;
			break;
		case 't':
			text = optarg;
			break;
		default:
			return command_usage("score");
		}
	}
	if (argc - optind != (text == NULL ? 1 : 0))
		return command_usage("score");
	if ((c = conf_load(path, &err)) == NULL) {
		fprintf(stderr, "feedwatch score: %s\n", err);
		free(err);
		return EXIT_BAD;
	}
	if ((m = wl_matcher_new(c, &err)) == NULL) {
		fprintf(stderr, "feedwatch score: %s\n", err);
		free(err);
		conf_free(c);
		return EXIT_BAD;
	}
	x.conf = c;
	for (size_t i = 0; only != NULL && i < c->nwatchlists; i++)
		if (strcmp(c->watchlists[i].name, only) == 0)
			x.only = &c->watchlists[i];
	if (only != NULL && x.only == NULL) {
		fprintf(stderr, "feedwatch score: %s: no watchlist '%s'\n",
		    path, only);
		rc = EXIT_BAD;
	} else {
		x.scan = wl_scan_new(m);
		rc = score_run(&x, text, text ? NULL : argv[optind]);
		if (x.explain && rc == EXIT_OK)
			printf("%zu item%s, %zu alert%s\n", x.nitems,
			    x.nitems == 1 ? "" : "s", x.nalerts,
			    x.nalerts == 1 ? "" : "s");
		wl_scan_free(x.scan);
	}
	wl_matcher_free(m);
	conf_free(c);
	return rc;
}
