/*
 * The fetcher against real HTTP on 127.0.0.1: tests/httpd serves one
 * scenario per path (see its route table) and each test checks what the
 * fetcher reports for it, as the scheduler and `feedwatch parse` will see
 * it.  Slow and silent servers run with short timeouts; no test measures
 * time, a watchdog only stops a test that hangs.
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "feeds/fetch.h"
#include "tests/fetch-server.h"
#include "tests/tap.h"

/* A test that takes longer than this has hung. */
#define WATCHDOG_S 30
#define HEALTHY_FEEDS 50

static struct event_base *base;
static int port;

/* What one fetch reported, copied out of the callback. */
struct outcome {
	int done;
	enum fetch_status status;
	long code;
	unsigned long long bytes;
	size_t nitems;
	size_t items_seen; /* on_item calls */
	char *error;
	char *etag;
	char *last_modified;
	char *final_url;
	int permanent;
	char *permanent_url;
	long long retry_after;
	char *first_title;
};

/* Copy a string that may be NULL. */
static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Count items; keep the first title. */
static void
on_item(const struct feed_item *item, void *arg)
{
	struct outcome *o = arg;

	if (o->items_seen++ == 0)
		o->first_title = xstrdup(item->title);
}

/* Copy the result out of the callback. */
static void
on_done(const struct fetch_result *r, void *arg)
{
	struct outcome *o = arg;

	o->done = 1;
	o->status = r->status;
	o->code = r->http_code;
	o->bytes = (unsigned long long)r->bytes;
	o->nitems = r->nitems;
	o->error = dup_or_null(r->error);
	o->etag = dup_or_null(r->etag);
	o->last_modified = dup_or_null(r->last_modified);
	o->final_url = dup_or_null(r->final_url);
	o->permanent = r->permanent_redirect;
	o->permanent_url = dup_or_null(r->permanent_url);
	o->retry_after = r->retry_after_s;
}

/* Free and clear an outcome. */
static void
outcome_free(struct outcome *o)
{
	free(o->error);
	free(o->etag);
	free(o->last_modified);
	free(o->final_url);
	free(o->permanent_url);
	free(o->first_title);
	memset(o, 0, sizeof(*o));
}

/* Options for tests: small limits so failures come fast. */
static void
test_options(struct fetch_options *opt)
{
	fetch_options_init(opt);
	opt->timeout_ms = 20 * 1000;
	opt->max_size = 64 * 1024;
	opt->low_speed_limit = 100;
	opt->low_speed_time_s = 2;
}

/* Fetch url once with opt (NULL: test_options) and validators. */
static void
fetch_one(struct outcome *o, const struct fetch_options *opt, const char *url,
    const char *etag, const char *lm)
{
	struct fetch_options def;
	struct fetcher *f;
	char *err = NULL;

	memset(o, 0, sizeof(*o));
	if (opt == NULL) {
		test_options(&def);
		opt = &def;
	}
	if ((f = fetcher_new(base, opt, &err)) == NULL)
		bail_out("fetcher_new: %s", err);
	struct fetch_request req = {.url = url,
	    .etag = etag,
	    .last_modified = lm,
	    .on_item = on_item,
	    .on_done = on_done,
	    .arg = o};
	if (fetcher_start(f, &req, &err) == -1) {
		diag("fetcher_start: %s", err);
		free(err);
	} else if (server_run_until(base, &o->done, WATCHDOG_S) == -1)
		diag("%s did not finish", url);
	fetcher_free(f);
}

/* Fetch a path of the test server with default test options. */
static void
fetch_path(struct outcome *o, const char *path)
{
	fetch_one(o, NULL, server_url(port, path), NULL, NULL);
}

/* A plain 200 and everything reported with it. */
static void
test_plain(void)
{
	struct outcome o;

	fetch_path(&o, "/feed.xml");
	is_int(o.status, FETCH_OK, "200: ok");
	is_int(o.code, 200, "200: HTTP code");
	is_int(o.nitems, 3, "200: three items");
	is_int(o.items_seen, 3, "200: each item handed on");
	is_str(o.first_title, "Item 1", "200: items parsed in order");
	ok(o.bytes > 300, "200: body bytes counted (%llu)", o.bytes);
	is_str(o.etag, "\"v1-feedwatch\"", "200: ETag reported");
	is_str(o.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT",
	    "200: Last-Modified reported");
	is_str(o.final_url, server_url(port, "/feed.xml"), "200: final URL");
	ok(!o.permanent && o.permanent_url == NULL, "200: no redirect");
	is_int(o.retry_after, -1, "200: no Retry-After");
	ok(o.error == NULL, "200: no error");
	outcome_free(&o);

	fetch_path(&o, "/ua.xml");
	is_int(o.status, FETCH_OK, "our User-Agent is sent");
	outcome_free(&o);
}

/* ETag and Last-Modified: 304 when they match, 200 when not. */
static void
test_conditional(void)
{
	struct outcome o;
	const char *etag = "\"v1-feedwatch\"";
	const char *lm = "Wed, 21 Oct 2015 07:28:00 GMT";

	fetch_one(&o, NULL, server_url(port, "/etag.xml"), etag, NULL);
	is_int(o.status, FETCH_NOT_MODIFIED, "matching ETag: not modified");
	is_int(o.code, 304, "matching ETag: 304");
	is_int(o.nitems, 0, "matching ETag: no items");
	is_str(o.etag, etag, "matching ETag: validator kept");
	outcome_free(&o);

	fetch_one(&o, NULL, server_url(port, "/etag.xml"), "\"old\"", NULL);
	is_int(o.status, FETCH_OK, "stale ETag: full fetch");
	is_str(o.etag, etag, "stale ETag: new validator reported");
	outcome_free(&o);

	fetch_one(&o, NULL, server_url(port, "/lm.xml"), NULL, lm);
	is_int(o.status, FETCH_NOT_MODIFIED, "matching Last-Modified: 304");
	is_str(o.last_modified, lm, "matching Last-Modified: validator kept");
	ok(o.etag == NULL, "Last-Modified only: no ETag invented");
	outcome_free(&o);

	fetch_one(&o, NULL, server_url(port, "/lm.xml"), NULL,
	    "Tue, 20 Oct 2015 07:28:00 GMT");
	is_int(o.status, FETCH_OK, "older Last-Modified: full fetch");
	is_int(o.nitems, 3, "older Last-Modified: items");
	outcome_free(&o);
}

/* gzip and deflate are offered and decoded. */
static void
test_encodings(void)
{
	static const char *const paths[] = {"/gzip.xml", "/deflate.xml"};
	struct outcome o;

	for (size_t i = 0; i < 2; i++) {
		fetch_path(&o, paths[i]);
		is_int(o.status, FETCH_OK, "%s: offered, decoded, parsed",
		    paths[i]);
		is_int(o.nitems, 3, "%s: items", paths[i]);
		ok(o.bytes > 3 * 200, "%s: bytes counted decoded (%llu)",
		    paths[i], o.bytes);
		outcome_free(&o);
	}
}

/* Chains, the 5-redirect limit, loops, permanent hops, file: targets. */
static void
test_redirects(void)
{
	struct outcome o;

	fetch_path(&o, "/chain/3");
	is_int(o.status, FETCH_OK, "chain of 3: followed");
	is_str(o.final_url, server_url(port, "/chain/0"), "chain: final URL");
	ok(!o.permanent, "chain of 302s: not permanent");
	outcome_free(&o);

	fetch_path(&o, "/chain/5");
	is_int(o.status, FETCH_OK, "chain of 5: still followed");
	outcome_free(&o);

	fetch_path(&o, "/chain/6");
	is_int(o.status, FETCH_ERROR, "chain of 6: refused");
	like(o.error, "[Rr]edirect", "chain of 6: says why (%s)", o.error);
	outcome_free(&o);

	fetch_path(&o, "/loop");
	is_int(o.status, FETCH_ERROR, "redirect loop: error");
	like(o.error, "[Rr]edirect", "redirect loop: says why");
	outcome_free(&o);

	fetch_path(&o, "/moved");
	is_int(o.status, FETCH_OK, "301: followed");
	ok(o.permanent, "301: permanent redirect reported");
	is_str(
	    o.permanent_url, server_url(port, "/feed.xml"), "301: the new URL");
	outcome_free(&o);

	fetch_path(&o, "/moved308");
	ok(o.status == FETCH_OK && o.permanent, "308: permanent");
	is_str(
	    o.permanent_url, server_url(port, "/feed.xml"), "308: the new URL");
	outcome_free(&o);

	fetch_path(&o, "/perm-then-temp");
	is_int(o.status, FETCH_OK, "301 then 302: followed");
	is_str(o.permanent_url, server_url(port, "/temp"),
	    "301 then 302: store only the permanent hop");
	is_str(o.final_url, server_url(port, "/feed.xml"),
	    "301 then 302: final URL");
	outcome_free(&o);

	fetch_path(&o, "/to-file");
	is_int(o.status, FETCH_ERROR, "redirect to file: refused");
	ok(o.error != NULL && o.items_seen == 0,
	    "redirect to file: nothing read (%s)", o.error);
	outcome_free(&o);
}

/* Error statuses, Gone, Retry-After in both forms, a non-feed. */
static void
test_statuses(void)
{
	struct outcome o;

	fetch_path(&o, "/404");
	is_int(o.status, FETCH_ERROR, "404: error");
	is_int(o.code, 404, "404: code");
	is_str(o.error, "HTTP 404", "404: reason");
	is_int(o.items_seen, 0, "404: error page not parsed");
	outcome_free(&o);

	fetch_path(&o, "/410");
	is_int(o.status, FETCH_GONE, "410: gone");
	is_int(o.code, 410, "410: code");
	outcome_free(&o);

	fetch_path(&o, "/500");
	is_int(o.status, FETCH_ERROR, "500: error");
	is_str(o.error, "HTTP 500", "500: reason");
	outcome_free(&o);

	fetch_path(&o, "/busy");
	is_int(o.status, FETCH_ERROR, "429: error");
	is_int(o.code, 429, "429: code");
	is_int(o.retry_after, 120, "429: Retry-After seconds");
	outcome_free(&o);

	fetch_path(&o, "/busy-date");
	is_int(o.code, 503, "503: code");
	ok(o.retry_after > 200 && o.retry_after <= 300,
	    "503: Retry-After HTTP-date read as seconds ahead (%lld)",
	    o.retry_after);
	outcome_free(&o);

	fetch_path(&o, "/notfeed");
	is_int(o.status, FETCH_ERROR, "HTML page: error");
	ok(o.error != NULL && o.error[0] != '\0', "HTML page: says why (%s)",
	    o.error);
	outcome_free(&o);
}

/* max-size, low-speed, timeouts and refused connections. */
static void
test_limits(void)
{
	struct fetch_options opt;
	struct outcome o;
	char url[64];

	fetch_path(&o, "/big");
	is_int(o.status, FETCH_ERROR, "over max-size: error");
	is_str(o.error, "cut off at 65536 bytes (max-size)",
	    "over max-size: cut off and reported");
	is_int(o.bytes, 65536, "over max-size: no byte beyond it");
	ok(o.nitems > 0 && o.nitems < 4000,
	    "over max-size: items before the cut handed on (%zu)", o.nitems);
	outcome_free(&o);

	test_options(&opt);
	opt.timeout_ms = 8000;
	fetch_one(&o, &opt, server_url(port, "/slow"), NULL, NULL);
	is_int(o.status, FETCH_ERROR, "1 byte/s: aborted");
	like(o.error, "too slow|[Tt]imed? ?out",
	    "1 byte/s: low-speed limit says why (%s)", o.error);
	ok(o.bytes < 100, "1 byte/s: little read (%llu)", o.bytes);
	outcome_free(&o);

	test_options(&opt);
	opt.timeout_ms = 2000;
	fetch_one(&o, &opt, server_url(port, "/stall"), NULL, NULL);
	is_int(o.status, FETCH_ERROR, "never answers (evhttp): error");
	like(o.error, "[Tt]imed? ?out|too slow", "never answers: says why (%s)",
	    o.error);
	outcome_free(&o);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/feed.xml",
	    server_silent_port());
	fetch_one(&o, &opt, url, NULL, NULL);
	is_int(o.status, FETCH_ERROR, "accepts, never reads: error");
	like(o.error, "[Tt]imed? ?out|too slow", "accepts, never reads: why");
	outcome_free(&o);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/feed.xml",
	    server_refusing_port());
	fetch_one(&o, NULL, url, NULL, NULL);
	is_int(o.status, FETCH_ERROR, "connection refused: error");
	like(o.error, "[Cc]onnect", "connection refused: says why (%s)",
	    o.error);
	is_int(o.code, 0, "connection refused: no HTTP code");
	outcome_free(&o);
}

/* A feed in 100 chunks; a file: URL. */
static void
test_pieces_and_files(void)
{
	struct outcome o;
	char dir[] = "/tmp/fwfetch-file.XXXXXX", path[64], url[80];
	FILE *fp;

	fetch_path(&o, "/pieces");
	is_int(o.status, FETCH_OK, "100 chunks: ok");
	is_int(o.nitems, 10, "100 chunks: every item");
	outcome_free(&o);

	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp");
	snprintf(path, sizeof(path), "%s/feed.xml", dir);
	fp = fopen(path, "w");
	fputs("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	      "<title>f</title><item><title>On disk</title>"
	      "<guid>urn:x:1</guid></item></channel></rss>\n",
	    fp);
	fclose(fp);
	snprintf(url, sizeof(url), "file://%s", path);
	fetch_one(&o, NULL, url, NULL, NULL);
	is_int(o.status, FETCH_OK, "file: URL: ok");
	is_int(o.nitems, 1, "file: URL: its item");
	is_str(o.first_title, "On disk", "file: URL: parsed");
	outcome_free(&o);
	unlink(path);
	rmdir(dir);
}

/* URLs the fetcher will not touch. */
static void
test_refused_urls(void)
{
	static const char *const bad[] = {
	    "ftp://127.0.0.1/feed.xml",
	    "gopher://127.0.0.1/",
	    "not a url",
	    "",
	};
	struct fetch_options opt;
	struct fetcher *f;
	char *err = NULL;

	test_options(&opt);
	f = fetcher_new(base, &opt, &err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fetch_request req = {.url = bad[i], .on_done = on_done};
		err = NULL;
		is_int(
		    fetcher_start(f, &req, &err), -1, "refused: '%s'", bad[i]);
		ok(err != NULL && strstr(err, bad[i]) != NULL,
		    "refused: message names the URL (%s)", err);
		free(err);
	}
	is_int(fetcher_active(f) + fetcher_queued(f), 0, "nothing queued");
	fetcher_free(f);
}

/* The [daemon] keys reach the transfers. */
static void
test_conf_options(void)
{
	struct conf_daemon d = {.max_concurrent = 7,
	    .per_host = 2,
	    .timeout_ms = 5000,
	    .max_size = 1000,
	    .user_agent = "nosy/1.0"};
	struct fetch_options opt;
	struct outcome o;

	fetch_options_from_conf(&opt, &d);
	is_int(opt.max_concurrent, 7, "conf: max-concurrent");
	is_int(opt.per_host, 2, "conf: per-host");
	is_int(opt.timeout_ms, 5000, "conf: timeout");
	is_int(opt.max_size, 1000, "conf: max-size");
	is_int(
	    opt.low_speed_time_s, 5, "conf: low-speed window within timeout");
	fetch_one(&o, &opt, server_url(port, "/ua.xml"), NULL, NULL);
	is_str(o.error, "HTTP 403", "conf: the configured User-Agent is sent");
	outcome_free(&o);
	/* 261 bytes on the wire, 1,300 decoded: decoded bytes count. */
	fetch_one(&o, &opt, server_url(port, "/gzip.xml"), NULL, NULL);
	is_str(o.error, "cut off at 1000 bytes (max-size)",
	    "conf: the configured max-size applies to decoded bytes");
	outcome_free(&o);
}

/* One request on fetcher f, run to its end. */
static void
fetch_on(struct fetcher *f, struct outcome *o, struct fetch_request *req)
{
	char *err = NULL;

	memset(o, 0, sizeof(*o));
	req->on_item = on_item;
	req->on_done = on_done;
	req->arg = o;
	if (fetcher_start(f, req, &err) == -1) {
		diag("fetcher_start: %s", err);
		free(err);
	} else if (server_run_until(base, &o->done, WATCHDOG_S) == -1)
		diag("%s did not finish", req->url);
}

/* Pooled handles keep the options all transfers share, and nothing of a
 * feed's own: one transfer at a time, so each reuses the last handle. */
static void
test_handle_reuse(void)
{
	struct fetch_options opt;
	struct fetcher *f;
	struct outcome o;
	char *err = NULL, *key;
	char *ua = xstrdup(server_url(port, "/ua.xml"));
	char *etag_url = xstrdup(server_url(port, "/etag.xml"));

	test_options(&opt);
	opt.max_concurrent = 1;
	if ((f = fetcher_new(base, &opt, &err)) == NULL)
		bail_out("fetcher_new: %s", err);
	struct fetch_request own = {.url = ua, .user_agent = "nosy/1.0"};
	fetch_on(f, &o, &own);
	is_str(o.error, "HTTP 403", "reuse: the feed's own User-Agent is sent");
	outcome_free(&o);
	struct fetch_request plain = {.url = ua};
	fetch_on(f, &o, &plain);
	is_int(o.status, FETCH_OK, "reuse: the next feed sends ours again");
	outcome_free(&o);
	struct fetch_request cond = {
	    .url = etag_url, .etag = "\"v1-feedwatch\""};
	fetch_on(f, &o, &cond);
	is_int(o.code, 304, "reuse: a conditional request");
	outcome_free(&o);
	struct fetch_request bare = {.url = etag_url};
	fetch_on(f, &o, &bare);
	is_int(o.code, 200, "reuse: the next has no validators of the last");
	outcome_free(&o);
	key = fetcher_host_key(etag_url, &err);
	struct fetch_request keyed = {.url = etag_url, .host_key = key};
	fetch_on(f, &o, &keyed);
	is_int(o.status, FETCH_OK, "a host key worked out beforehand");
	outcome_free(&o);
	ok(fetcher_host_key("gopher://x/", &err) == NULL,
	    "no host key for a scheme we do not fetch");
	like(err, "only http, https and file", "and the reason");
	free(err);
	free(key);
	free(ua);
	free(etag_url);
	fetcher_free(f);
}

/* A fetch started from inside another's item callback. */
struct nested {
	struct fetcher *f;
	int started;
	int done;
	int all; /* both done */
	int ok;
};

/* Either fetch finished. */
static void
nested_done(const struct fetch_result *r, void *arg)
{
	struct nested *n = arg;

	n->ok += r->status == FETCH_OK;
	if (++n->done == 2)
		n->all = 1;
}

/* Start the second fetch from the first one's first item. */
static void
nested_item(const struct feed_item *item, void *arg)
{
	struct nested *n = arg;
	char *err = NULL;

	if (n->started++ == 0) {
		struct fetch_request req = {.url = server_url(port, "/lm.xml"),
		    .on_done = nested_done,
		    .arg = n};
		if (fetcher_start(n->f, &req, &err) == -1)
			diag("%s", err);
	}
}

/* A fetch started inside a curl callback still runs. */
static void
test_nested_start(void)
{
	struct fetch_options opt;
	struct nested n = {0};
	char *err = NULL;

	test_options(&opt);
	n.f = fetcher_new(base, &opt, &err);
	struct fetch_request req = {.url = server_url(port, "/feed.xml"),
	    .on_item = nested_item,
	    .on_done = nested_done,
	    .arg = &n};
	fetcher_start(n.f, &req, &err);
	server_run_until(base, &n.all, WATCHDOG_S);
	is_int(n.ok, 2, "a fetch started inside an item callback completes");
	fetcher_free(n.f);
}

/* For the stall test: results of the healthy feeds. */
struct crowd {
	int healthy_ok;
	int healthy_done;
	int dead_done;
	int all_healthy;
	struct fetcher *f;
	size_t max_active;
};

/* A healthy feed finished. */
static void
crowd_done(const struct fetch_result *r, void *arg)
{
	struct crowd *c = arg;

	c->healthy_done++;
	c->healthy_ok += r->status == FETCH_OK && r->nitems == 3;
	if (c->healthy_done == HEALTHY_FEEDS)
		c->all_healthy = 1;
}

/* Note how many transfers run while items arrive. */
static void
crowd_item(const struct feed_item *item, void *arg)
{
	struct crowd *c = arg;

	if (fetcher_active(c->f) > c->max_active)
		c->max_active = fetcher_active(c->f);
}

/* The dead server's fetch finished (it must not, in time). */
static void
dead_done(const struct fetch_result *r, void *arg)
{
	struct crowd *c = arg;

	c->dead_done = 1;
}

/* One dead server, 50 healthy feeds: all 50 complete. */
static void
test_stall_does_not_block(void)
{
	struct fetch_options opt;
	struct crowd c;
	char *err = NULL, dead[64], q[32];

	memset(&c, 0, sizeof(c));
	test_options(&opt);
	opt.max_concurrent = 4;
	opt.per_host = 2;
	opt.timeout_ms = 60 * 1000; /* the dead one outlives the test */
	c.f = fetcher_new(base, &opt, &err);
	snprintf(dead, sizeof(dead), "http://127.0.0.1:%d/feed.xml",
	    server_silent_port());
	struct fetch_request req = {
	    .url = dead, .on_done = dead_done, .arg = &c};
	fetcher_start(c.f, &req, &err);
	for (int i = 0; i < HEALTHY_FEEDS; i++) {
		snprintf(q, sizeof(q), "/feed.xml?n=%d", i);
		struct fetch_request h = {.url = server_url(port, q),
		    .on_item = crowd_item,
		    .on_done = crowd_done,
		    .arg = &c};
		fetcher_start(c.f, &h, &err);
	}
	is_int(fetcher_active(c.f) + fetcher_queued(c.f), HEALTHY_FEEDS + 1,
	    "every fetch accepted");
	server_run_until(base, &c.all_healthy, WATCHDOG_S);
	is_int(c.healthy_ok, HEALTHY_FEEDS,
	    "one dead server: all %d healthy feeds complete", HEALTHY_FEEDS);
	ok(!c.dead_done, "the dead one is still waiting");
	is_int(fetcher_active(c.f), 1, "only the dead one is left");
	ok(c.max_active <= 3 && c.max_active >= 1,
	    "per-host 2 + the dead one: at most 3 running (%zu)", c.max_active);
	fetcher_free(c.f);
}

/* Start the server, run every group. */
int
main(void)
{
	base = event_base_new();
	port = server_start();
	test_plain();
	test_conditional();
	test_encodings();
	test_redirects();
	test_statuses();
	test_limits();
	test_pieces_and_files();
	test_refused_urls();
	test_conf_options();
	test_handle_reuse();
	test_nested_start();
	test_stall_does_not_block();
	event_base_free(base);
	return done_testing();
}
