/*
 * The scheduler: what it does next after each outcome a real server gives
 * (tests/httpd on 127.0.0.1), and that feeds sharing an interval spread
 * out.  "Next" is read from the feed's status (the wait it chose), never
 * by waiting for it: no test here measures time.
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "feeds/sched.h"
#include "tests/fetch-server.h"
#include "tests/tap.h"

#define WATCHDOG_S 30
#define MIN_MS (60ULL * 1000)
#define DAY_MS (24ULL * 3600 * 1000)
/* Spread test: this many feeds over the start spread (60 s). */
#define SPREAD_FEEDS 1000

static struct event_base *base;
static struct fetcher *fetcher;
static int port;

/* Results so far, and the order feeds reported in. */
struct tally {
	int results;
	int want;
	int done;
	size_t order[8];
};

/* Count results and remember their order. */
static void
on_result(size_t feed, const struct fetch_result *r, void *arg)
{
	struct tally *t = arg;

	if (t->results < 8)
		t->order[t->results] = feed;
	if (++t->results >= t->want)
		t->done = 1;
}

/* A scheduler with one feed (a URL, or a path of the test server), polled
 * once now; its status after. */
static struct sched *
poll_once(const char *path, uint64_t interval_ms, struct tally *t,
    struct sched_feed_status *st)
{
	struct sched *s;
	struct sched_feed_def def = {.name = path,
	    .url = path[0] == '/' ? server_url(port, path) : path,
	    .interval_ms = interval_ms,
	    .first_delay_ms = 0};

	memset(t, 0, sizeof(*t));
	t->want = 1;
	s = sched_new(base, fetcher, NULL, on_result, t);
	sched_add(s, &def);
	if (server_run_until(base, &t->done, WATCHDOG_S) == -1)
		diag("%s: no result", path);
	sched_status(s, 0, st);
	return s;
}

/* Poll again at once (what the due timer would do later). */
static void
poll_again(struct sched *s, struct tally *t, struct sched_feed_status *st)
{
	t->done = 0;
	t->want = t->results + 1;
	sched_poll_all_now(s);
	server_run_until(base, &t->done, WATCHDOG_S);
	sched_status(s, 0, st);
}

/* Is the wait within [lo, lo + 10%] (the jitter)? */
static int
within_jitter(uint64_t got, uint64_t lo)
{
	return got >= lo && got <= lo + lo * SCHED_JITTER_PERCENT / 100;
}

/* 200 then 304: the interval plus jitter, validators kept. */
static void
test_ok_and_not_modified(void)
{
	struct sched_feed_status st;
	struct tally t;
	struct sched *s = poll_once("/feed.xml", 5 * MIN_MS, &t, &st);

	is_int(st.status, FETCH_OK, "200: ok");
	is_int(st.items, 3, "200: items counted");
	is_int(st.errors, 0, "200: no errors");
	ok(st.error == NULL, "200: no error text");
	ok(st.last_poll > 0, "200: last poll recorded");
	ok(within_jitter(st.next_delay_ms, 5 * MIN_MS),
	    "200: next poll after the interval plus jitter (%llu ms)",
	    (unsigned long long)st.next_delay_ms);
	ok(st.next_poll >= st.last_poll + 300, "200: next poll time");
	is_str(st.etag, "\"v1-feedwatch\"", "200: ETag kept for next time");

	poll_again(s, &t, &st);
	is_int(st.status, FETCH_NOT_MODIFIED, "second poll: 304 via ETag");
	is_int(st.http_code, 304, "second poll: code");
	ok(within_jitter(st.next_delay_ms, 5 * MIN_MS),
	    "304: next poll after the interval");
	sched_free(s);
}

/* One poll of each scenario: the outcome and the wait that follows. */
static void
test_each_scenario(void)
{
	static const struct {
		const char *path;
		enum fetch_status status;
		int errors;
	} cases[] = {
	    {"/etag.xml", FETCH_OK, 0},
	    {"/lm.xml", FETCH_OK, 0},
	    {"/gzip.xml", FETCH_OK, 0},
	    {"/deflate.xml", FETCH_OK, 0},
	    {"/pieces", FETCH_OK, 0},
	    {"/chain/3", FETCH_OK, 0},
	    {"/loop", FETCH_ERROR, 1},
	    {"/to-file", FETCH_ERROR, 1},
	    {"/slow", FETCH_ERROR, 1},
	    {"/stall", FETCH_ERROR, 1},
	    {"silent", FETCH_ERROR, 1},
	    {"refused", FETCH_ERROR, 1},
	};
	struct sched_feed_status st;
	struct tally t;
	char url[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = cases[i].path;
		if (strcmp(p, "silent") == 0 || strcmp(p, "refused") == 0) {
			snprintf(url, sizeof(url), "http://127.0.0.1:%d/",
			    p[0] == 's' ? server_silent_port()
			                : server_refusing_port());
			p = url;
		}
		struct sched *s = poll_once(p, MIN_MS, &t, &st);
		is_int(st.status, cases[i].status, "%s: status %s",
		    cases[i].path, fetch_status_name(st.status));
		is_int(st.errors, cases[i].errors, "%s: error count",
		    cases[i].path);
		ok(within_jitter(
		       st.next_delay_ms, cases[i].errors ? 2 * MIN_MS : MIN_MS),
		    "%s: next poll in %llu ms", cases[i].path,
		    (unsigned long long)st.next_delay_ms);
		ok(st.enabled && st.next_poll > 0, "%s: stays scheduled",
		    cases[i].path);
		sched_free(s);
	}
}

/* Repeated failures double the wait, capped at a day. */
static void
test_backoff(void)
{
	static const char *const paths[] = {"/404", "/500", "/big", "/notfeed"};
	struct sched_feed_status st;
	struct tally t;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct sched *s = poll_once(paths[i], MIN_MS, &t, &st);
		is_int(st.errors, 1, "%s: one error", paths[i]);
		ok(st.error != NULL, "%s: error kept (%s)", paths[i], st.error);
		ok(within_jitter(st.next_delay_ms, 2 * MIN_MS),
		    "%s: backs off to 2x interval (%llu ms)", paths[i],
		    (unsigned long long)st.next_delay_ms);
		poll_again(s, &t, &st);
		is_int(st.errors, 2, "%s: two errors", paths[i]);
		ok(within_jitter(st.next_delay_ms, 4 * MIN_MS),
		    "%s: then 4x (%llu ms)", paths[i],
		    (unsigned long long)st.next_delay_ms);
		sched_free(s);
	}

	is_int(sched_backoff_ms(MIN_MS, 0), MIN_MS, "backoff: none at 0");
	is_int(sched_backoff_ms(MIN_MS, 3), 8 * MIN_MS, "backoff: 2^3");
	is_int(
	    sched_backoff_ms(MIN_MS, 11), DAY_MS, "backoff: capped at 1 day");
	is_int(sched_backoff_ms(MIN_MS, 4000), DAY_MS, "backoff: no overflow");
	is_int(sched_backoff_ms(2 * DAY_MS, 2), 2 * DAY_MS,
	    "backoff: never below a longer interval");
}

/* 429 and 503 wait what Retry-After says. */
static void
test_retry_after(void)
{
	struct sched_feed_status st;
	struct tally t;
	struct sched *s;

	s = poll_once("/busy", MIN_MS, &t, &st);
	is_int(st.http_code, 429, "429: code");
	is_int(st.next_delay_ms, 120 * 1000, "429: waits Retry-After 120 s");
	sched_free(s);

	s = poll_once("/busy", 5 * MIN_MS, &t, &st);
	is_int(st.next_delay_ms, 5 * MIN_MS,
	    "429: never sooner than the interval");
	sched_free(s);

	s = poll_once("/busy-date", MIN_MS, &t, &st);
	is_int(st.http_code, 503, "503: code");
	ok(st.next_delay_ms > 200 * 1000 && st.next_delay_ms <= 300 * 1000,
	    "503: waits until the Retry-After date (%llu ms)",
	    (unsigned long long)st.next_delay_ms);
	sched_free(s);
}

/* 301/308 move the feed; 410 disables it and logs. */
static void
test_moved_and_gone(void)
{
	struct sched_feed_status st;
	struct tally t;
	struct sched *s;
	char logbuf[1024] = "";
	FILE *log;

	s = poll_once("/moved", MIN_MS, &t, &st);
	is_str(st.url, server_url(port, "/feed.xml"), "301: URL updated");
	is_int(st.status, FETCH_OK, "301: polled fine");
	sched_free(s);

	s = poll_once("/moved308", MIN_MS, &t, &st);
	is_str(st.url, server_url(port, "/feed.xml"), "308: URL updated");
	sched_free(s);

	s = poll_once("/chain/3", MIN_MS, &t, &st);
	is_str(st.url, server_url(port, "/chain/3"), "302s: URL kept");
	sched_free(s);

	s = poll_once("/perm-then-temp", MIN_MS, &t, &st);
	is_str(st.url, server_url(port, "/temp"),
	    "301 then 302: URL of the permanent hop");
	sched_free(s);

	log = tmpfile();
	log_set_output(log);
	s = poll_once("/410", MIN_MS, &t, &st);
	log_set_output(NULL);
	rewind(log);
	logbuf[fread(logbuf, 1, sizeof(logbuf) - 1, log)] = '\0';
	fclose(log);
	is_int(st.enabled, 0, "410: feed disabled");
	is_int(st.next_poll, 0, "410: never polled again");
	like(logbuf, "feed /410: .*410 Gone; feed disabled",
	    "410: says so in the log");
	sched_poll_all_now(s);
	sched_status(s, 0, &st);
	ok(!st.in_flight && st.next_poll == 0, "410: poll-all leaves it alone");
	sched_free(s);
}

/* Due order is kept; 1,000 new feeds spread out. */
static void
test_order_and_spread(void)
{
	struct sched_feed_status st;
	struct tally t;
	struct sched *s;
	int buckets[60] = {0}, worst = 0;
	time_t now = time(NULL);

	memset(&t, 0, sizeof(t));
	t.want = 3;
	s = sched_new(base, fetcher, NULL, on_result, &t);
	static const int64_t delays[] = {600, 0, 300};
	for (size_t i = 0; i < 3; i++) {
		struct sched_feed_def def = {.name = "f",
		    .url = server_url(port, "/feed.xml"),
		    .interval_ms = MIN_MS,
		    .first_delay_ms = delays[i]};
		sched_add(s, &def);
	}
	server_run_until(base, &t.done, WATCHDOG_S);
	ok(t.order[0] == 1 && t.order[1] == 2 && t.order[2] == 0,
	    "feeds polled in due order (%zu %zu %zu)", t.order[0], t.order[1],
	    t.order[2]);
	sched_free(s);

	s = sched_new(base, fetcher, NULL, NULL, NULL);
	for (int i = 0; i < SPREAD_FEEDS; i++) {
		struct sched_feed_def def = {.name = "f",
		    .url = "http://127.0.0.1:1/",
		    .interval_ms = 5 * MIN_MS,
		    .first_delay_ms = -1};
		sched_add(s, &def);
	}
	is_int(sched_nfeeds(s), SPREAD_FEEDS, "1,000 feeds added");
	for (int i = 0; i < SPREAD_FEEDS; i++) {
		sched_status(s, (size_t)i, &st);
		long d = (long)(st.next_poll - now);
		if (d >= 0 && d < 60 && ++buckets[d] > worst)
			worst = buckets[d];
	}
	/* Evenly spread, 1,000 over 60 s is ~17 a second. */
	ok(worst < 60,
	    "1,000 feeds with one interval spread out "
	    "(busiest second: %d)",
	    worst);
	sched_free(s);
}

/* A held feed (its poll waits to be written) is not polled, whatever
 * makes feeds due, until released; then it is due when it was. */
static void
test_hold(void)
{
	struct sched_feed_status st, before;
	struct tally t;
	struct sched *s = poll_once("/feed.xml", 5 * MIN_MS, &t, &before);

	sched_hold(s, 0);
	sched_status(s, 0, &st);
	is_int(st.next_poll, 0, "held: not scheduled");
	sched_poll_all_now(s);
	for (int i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	sched_status(s, 0, &st);
	ok(!st.in_flight && t.results == 1,
	    "held: poll-all-now leaves it alone");
	sched_release(s, 0);
	sched_status(s, 0, &st);
	ok(st.next_poll == before.next_poll,
	    "released: due when it was before the hold");
	sched_hold(s, 0);
	sched_disown(s, 0);
	sched_release(s, 0);
	sched_status(s, 0, &st);
	is_int(st.next_poll, 0, "released while another node owns it: waits");
	sched_hold(s, 0);
	sched_own(s, 0, MIN_MS, NULL);
	sched_status(s, 0, &st);
	is_int(st.next_poll, 0, "owned again while held: still held");
	sched_release(s, 0);
	poll_again(s, &t, &st);
	is_int(t.results, 2, "released: polled again");
	sched_free(s);
}

/* One server and one fetcher for every group. */
int
main(void)
{
	struct fetch_options opt;
	char *err = NULL;

	log_init("sched-t", LOG_LEVEL_INFO);
	base = event_base_new();
	port = server_start();
	fetch_options_init(&opt);
	opt.max_size = 64 * 1024;
	/* Slow and silent servers fail fast. */
	opt.timeout_ms = 3000;
	opt.low_speed_time_s = 2;
	if ((fetcher = fetcher_new(base, &opt, &err)) == NULL)
		bail_out("%s", err);
	test_ok_and_not_modified();
	test_each_scenario();
	test_backoff();
	test_retry_after();
	test_moved_and_gone();
	test_order_and_spread();
	test_hold();
	fetcher_free(fetcher);
	event_base_free(base);
	return done_testing();
}
