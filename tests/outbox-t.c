/*
 * Tests of alerts/outbox.c with real sinks: a real state.db, the file sink
 * writing a real file (and /dev/full, a device that always fails), driven
 * by a real libevent loop.
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts/outbox.h"
#include "alerts/sink.h"
#include "common/buf.h"
#include "conf/conf.h"
#include "store/store.h"
#include "tests/tap.h"

static char dir[] = "/tmp/fwoutbox.XXXXXX";
static char path[256];

static const char doc_fmt[] =
    "{\"id\":\"%s\",\"watchlist\":\"nk-russia\",\"score\":%d,"
    "\"threshold\":6,\"item\":{\"title\":\"Title %s\","
    "\"link\":\"https://news.example/%s\"},\"matches\":["
    "{\"kind\":\"actor\",\"name\":\"choe-son-hui\"},"
    "{\"kind\":\"actor\",\"name\":\"russia\"},"
    "{\"kind\":\"topic\",\"name\":\"troops\"}]}";

/* An alert with a full document, pending for one sink; bails on error. */
static void
add_alert(struct store *st, const char *id, int64_t fired_at, const char *sink)
{
	char doc[1024];
	struct store_alert a = {.id = id,
	    .watchlist = "nk-russia",
	    .feed = "f",
	    .fired_at = fired_at,
	    .score = 9,
	    .doc = doc};

	snprintf(doc, sizeof(doc), doc_fmt, id, 9, id, id);
	if (store_alert_add(st, &a, &sink, 1) == -1)
		bail_out("alert: %s", store_error(st));
}

/* Nothing due and nothing in flight: stop the loop. */
static void
on_idle(void *arg)
{
	event_base_loopbreak(arg);
}

/* Run one outbox over the given sink until it is idle. */
static const struct outbox_stats *
run(struct store *st, struct sink *sink, struct outbox_stats *copy)
{
	struct event_base *base = event_base_new();
	struct outbox *ob = outbox_new(base, st, &sink, 1);

	outbox_on_idle(ob, on_idle, base);
	outbox_kick(ob);
	event_base_dispatch(base);
	*copy = *outbox_sink_stats(ob, 0);
	outbox_free(ob);
	event_base_free(base);
	return copy;
}

/* The whole file as a string (free it); "" when it cannot be opened. */
static char *
slurp(const char *p)
{
	struct buf b = BUF_INIT;
	char chunk[512];
	size_t n;
	FILE *fp = fopen(p, "r");

	if (fp != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_append(&b, chunk, n);
		fclose(fp);
	}
	return buf_steal(&b);
}

/* The number of newlines in s. */
static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* One state.db through delivery, retry, give-up and restart; then
 * sink_new's refusals, the backoff bounds and the alert line. */
int
main(void)
{
	struct conf_sink fcs = {.name = "archive",
	    .type = SINK_FILE,
	    .give_up_after_ms = 86400000,
	    .where = {"test.conf", 12}};
	struct conf_sink full = fcs;
	struct sink_env env = {0};
	struct outbox_stats stats;
	struct store *st;
	struct sink *sink;
	char *err = NULL, *text, *line;
	int64_t now = time(NULL), when, after;

	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp");
	snprintf(path, sizeof(path), "%s/alerts.jsonl", dir);
	fcs.path = path;
	if ((st = store_open(dir, &err)) == NULL)
		bail_out("store: %s", err);
	env.base = NULL;

	add_alert(st, "a1", now - 30, "archive");
	add_alert(st, "a2", now - 20, "archive");
	add_alert(st, "a3", now - 10, "archive");
	sink = sink_new(&fcs, &env, &err);
	ok(sink != NULL, "file sink built");
	run(st, sink, &stats);
	is_int(stats.delivered, 3, "three alerts delivered");
	text = slurp(path);
	is_int(count_lines(text), 3, "three JSON lines in the file");
	like(text, "^\\{\"id\":\"a1\".*\n\\{\"id\":\"a2\".*\n\\{\"id\":\"a3\"",
	    "in the order they fired");
	free(text);
	is_int(store_outbox_depth(st), 0, "the outbox is empty");
	run(st, sink, &stats);
	is_int(stats.delivered, 0, "a second pass delivers nothing again");
	sink_free(sink);

	/* A kill between k1's line and the pass's commit: k1 is in the
	 * file but pending.  The sink, opened again, finds it there. */
	add_alert(st, "k1", now - 5, "archive");
	add_alert(st, "k2", now - 4, "archive");
	{
		FILE *fp = fopen(path, "a");
		char doc[1024];

		snprintf(doc, sizeof(doc), doc_fmt, "k1", 9, "k1", "k1");
		if (fp == NULL || fprintf(fp, "%s\n", doc) < 0 ||
		    fclose(fp) != 0)
			bail_out("%s: cannot append", path);
	}
	sink = sink_new(&fcs, &env, &err);
	run(st, sink, &stats);
	is_int(stats.delivered, 2, "both pending alerts count as delivered");
	text = slurp(path);
	is_int(count_lines(text), 5, "one more line: k2's");
	like(text, "\"id\":\"k1\".*\n\\{\"id\":\"k2\"[^\n]*\n$",
	    "k1 once, then k2");
	free(text);
	is_int(store_outbox_depth(st), 0, "the outbox is empty again");
	sink_free(sink);

	/* A sink that always fails: retried later, never lost. */
	full.name = "full";
	full.path = "/dev/full";
	add_alert(st, "b1", now, "full");
	sink = sink_new(&full, &env, &err);
	ok(sink != NULL, "a sink on /dev/full");
	run(st, sink, &stats);
	/* The failure happened between now and after: the retry is due one
	 * backoff step (with its jitter) from then, however slow the run. */
	after = time(NULL);
	is_int(stats.retried, 1, "a failed write is retried");
	is_int(stats.delivered, 0, "and not counted delivered");
	ok(store_outbox_next(st, "full", &when) == 1 &&
	        when >= now + OUTBOX_RETRY_BASE_S * 3 / 4 &&
	        when <= after + 1 + OUTBOX_RETRY_BASE_S * 5 / 4,
	    "the retry waits the first backoff step");
	is_int(store_outbox_depth(st), 1, "the alert stays in the outbox");

	/* Older than give-up-after: failed for good, with a log line. */
	add_alert(st, "b2", now - 2 * 86400, "full");
	store_message_retry(st, "b1", "full", now, now + 3600, "parked");
	run(st, sink, &stats);
	is_int(stats.failed, 1, "an alert past give-up-after fails");
	is_int(store_outbox_depth(st), 1, "only the parked one is pending");
	sink_free(sink);

	/* The next run (a restart) delivers what an earlier one left. */
	add_alert(st, "c1", now, "archive");
	store_close(st);
	if ((st = store_open(dir, &err)) == NULL)
		bail_out("reopen: %s", err);
	sink = sink_new(&fcs, &env, &err);
	run(st, sink, &stats);
	is_int(stats.delivered, 1, "after a restart the backlog is delivered");
	text = slurp(path);
	is_int(count_lines(text), 6, "six lines now");
	free(text);
	sink_free(sink);
	store_close(st);

	/* Building a sink that cannot work says where and why. */
	fcs.path = "/nonexistent/dir/alerts.jsonl";
	ok(sink_new(&fcs, &env, &err) == NULL, "unopenable file refused");
	like(err, "^test\\.conf:12: sink archive: cannot open /nonexistent",
	    "with file:line, sink and path");
	free(err);
	{
		struct conf_sink wh = {.name = "ops",
		    .type = SINK_WEBHOOK,
		    .format = "yaml",
		    .where = {"test.conf", 20}};
		ok(sink_new(&wh, &env, &err) == NULL,
		    "a webhook with an unknown format is refused");
		like(err, "test\\.conf:20: sink ops: unknown format yaml",
		    "and says so");
		free(err);
	}

	{
		static struct outbox_stats ds;
		uint64_t q50, q99;

		for (uint64_t us = 1; us <= 1000; us++)
			outbox_stats_delay(&ds, us);
		outbox_stats_delay(&ds, 40000000);
		q50 = outbox_delay_quantile(&ds, 0.5);
		q99 = outbox_delay_quantile(&ds, 0.99);
		ok(q50 >= 501 && q50 <= 501 * 17 / 16,
		    "delay median within 1/16 above the true one (%llu us)",
		    (unsigned long long)q50);
		ok(q99 >= 991 && q99 <= 991 * 17 / 16,
		    "delay p99 within 1/16 above the true one (%llu us)",
		    (unsigned long long)q99);
		is_int((long long)outbox_delay_quantile(&ds, 1), 40000000,
		    "the longest is exact");
		is_int((long long)ds.delay_le[0], 1000,
		    "the 1 ms bucket holds the first thousand");
		is_int((long long)ds.delay_le[OUTBOX_NDELAY_BUCKETS - 2], 1,
		    "40 s is in the 60 s bucket");
		is_int((long long)ds.delay_n, 1001, "1001 counted");
	}

	for (int i = 0; i < 200; i++) {
		int64_t b0 = outbox_backoff_s(0), b9 = outbox_backoff_s(30);
		if (b0 < 7 || b0 > 13 || b9 < 2700 || b9 > 4500) {
			fail("backoff out of bounds: %lld %lld", (long long)b0,
			    (long long)b9);
			break;
		}
		if (i == 199)
			pass("backoff: 10s +-25%% first, capped at 1h +-25%%");
	}

	{
		char doc[1024];
		snprintf(doc, sizeof(doc), doc_fmt, "z", 14, "z", "z");
		line = sink_format_line(doc);
		is_str(line,
		    "nk-russia score 14/6: Title z <https://news.example/z> "
		    "[actors: choe-son-hui, russia; topics: troops]",
		    "the readable alert line");
		free(line);
		ok(sink_format_line("not json") == NULL,
		    "not a document: NULL");
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("cleanup failed");
	return done_testing();
}
