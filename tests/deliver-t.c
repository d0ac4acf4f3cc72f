/*
 * The outbox with real sinks over a real receiver (tests/hookd): retry
 * timing as recorded in the store, permanent failure, give-up, an outage
 * of the receiver while alerts keep firing (every alert arrives exactly
 * once per Idempotency-Key, in firing order), and rate limits and digests
 * that survive a restart.
 */
#include "config.h"

#include <event2/event.h>
#include <jansson.h>
#include <sqlite3.h>
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
#include "tests/sinks-server.h"
#include "tests/tap.h"

/* An outage: the receiver is away this long while alerts fire. */
#define OUTAGE_S 30
#define OUTAGE_ALERTS 100

static char dir[] = "/tmp/fwdeliver.XXXXXX";
static char hooklog[256];
static struct event_base *base;
static int hookport;

/* Queue one alert for sink. */
static void
add_alert(struct store *st, const char *id, int64_t fired_at, const char *sink)
{
	char doc[512];
	struct store_alert a = {.id = id,
	    .watchlist = "nk-russia",
	    .feed = "f",
	    .fired_at = fired_at,
	    .score = 9,
	    .doc = doc};

	snprintf(doc, sizeof(doc),
	    "{\"id\":\"%s\",\"watchlist\":\"nk-russia\",\"score\":9,"
	    "\"threshold\":6,\"item\":{\"title\":\"Title %s\","
	    "\"link\":\"https://news.example/%s\"},\"matches\":[]}",
	    id, id, id);
	if (store_alert_add(st, &a, &sink, 1) == -1)
		bail_out("alert: %s", store_error(st));
}

static struct store *gst; /* the store, closed while query() reads */

/* One value from state.db, as a user with sqlite3 would read it.  The
 * daemon holds the file exclusively: the store closes for the query (the
 * outbox must not be running). */
static char *
query(const char *sql)
{
	char path[300], *out = NULL, *err = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;

	store_close(gst);

	snprintf(path, sizeof(path), "%s/state.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bail_out("sqlite3_open %s", path);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		diag("%s: %s", sql, sqlite3_errmsg(db));
		st = NULL;
	} else if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL) {
		out = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if ((gst = store_open(dir, &err)) == NULL)
		bail_out("reopen: %s", err);
	return out != NULL ? out : strdup("");
}

/* A URL on hookd. */
static char *
hook_url(const char *path)
{
	static char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", hookport, path);
	return url;
}

/* The Idempotency-Keys hookd recorded, space-separated, in order. */
static char *
recorded_keys(const char *path)
{
	char *text = server_slurp(hooklog), *line, *save = NULL;
	struct buf b = BUF_INIT;

	buf_appends(&b, "");
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *p = json_string_value(json_object_get(o, "path"));
		const char *k = json_string_value(json_object_get(
		    json_object_get(o, "headers"), "Idempotency-Key"));

		if (p != NULL && k != NULL && strcmp(p, path) == 0)
			buf_printf(&b, "%s%s", b.len ? " " : "", k);
		json_decref(o);
	}
	free(text);
	return buf_steal(&b);
}

struct run {
	struct store *st;
	struct sink *sink;
	struct outbox *ob;
	int idle;
};

/* The outbox found nothing to do. */
static void
on_idle(void *arg)
{
	((struct run *)arg)->idle = 1;
}

/* Build a sink and an outbox over st and start a pass. */
static void
run_open(struct run *r, struct store *st, const struct conf_sink *cs)
{
	struct sink_env env = {.base = base};
	char *err = NULL;

	r->st = st;
	if ((r->sink = sink_new(cs, &env, &err)) == NULL)
		bail_out("sink: %s", err);
	r->ob = outbox_new(base, st, &r->sink, 1);
	outbox_set_backoff(r->ob, 1, 4);
	outbox_on_idle(r->ob, on_idle, r);
	r->idle = 0;
	outbox_kick(r->ob);
}

/* Free an outbox and its sink. */
static void
run_close(struct run *r)
{
	outbox_free(r->ob);
	sink_free(r->sink);
}

/* Run until sink has nothing pending (no alert or digest due or
 * retrying, none held), or ms pass. */
static int
run_until_empty(const char *sink, int ms)
{
	int64_t t;
	int done = 0;

	for (int waited = 0; waited < ms && !done; waited += 50) {
		int zero = 0;

		server_run_until(base, &zero, 50);
		done = store_outbox_next(gst, sink, &t) == 0 &&
		    store_outbox_held_first(gst, sink, &t) == 0;
	}
	return done ? 0 : -1;
}

/* Retry-After, permanent failure and give-up, as the store records them. */
static void
test_outcomes(void)
{
	struct conf_sink cs = {.name = "busy",
	    .type = SINK_WEBHOOK,
	    .timeout_ms = 5000,
	    .give_up_after_ms = 86400000,
	    .where = {"t.conf", 1}};
	struct run r;
	int64_t now = time(NULL);
	char *v;

	cs.url = hook_url("/busy");
	add_alert(gst, "r1", now, "busy");
	run_open(&r, gst, &cs);
	server_run_until(base, &r.idle, 10000);
	run_close(&r);
	v = query("SELECT next_attempt - (SELECT max(at) FROM delivery_log"
	          " WHERE alert_id = 'r1') FROM deliveries"
	          " WHERE alert_id = 'r1'");
	ok(atoi(v) >= 120,
	    "429 Retry-After: 120 sets the next attempt "
	    "120 s on (%s)",
	    v);
	free(v);
	v = query("SELECT state || ' ' || attempts || ' ' || last_error"
	          " FROM deliveries WHERE alert_id = 'r1'");
	like(v, "^pending 1 HTTP 429", "still pending, one attempt, why");
	free(v);

	cs.name = "bad";
	cs.url = hook_url("/bad");
	add_alert(gst, "p1", now, "bad");
	run_open(&r, gst, &cs);
	server_run_until(base, &r.idle, 10000);
	run_close(&r);
	v = query("SELECT state || ' ' || last_error FROM deliveries"
	          " WHERE alert_id = 'p1'");
	like(v, "^failed HTTP 400", "400: failed for good, kept in the outbox");
	free(v);

	cs.name = "down";
	cs.url = hook_url("/down");
	cs.give_up_after_ms = 5000;
	add_alert(gst, "g1", now - 60, "down");
	run_open(&r, gst, &cs);
	server_run_until(base, &r.idle, 10000);
	run_close(&r);
	v = query("SELECT state || ' ' || last_error FROM deliveries"
	          " WHERE alert_id = 'g1'");
	like(v, "^failed HTTP 503", "past give-up-after: given up");
	free(v);
	v = query("SELECT count(*) FROM delivery_log WHERE alert_id = 'g1'"
	          " AND result = 'failed'");
	is_str(v, "1", "the give-up is in the delivery log");
	free(v);
}

struct outage {
	struct store *st;
	struct outbox *ob;
	int fired;
	struct event *ev;
};

/* Fire the next alert of the outage (a timer, like fetches would). */
static void
outage_fire(evutil_socket_t fd, short what, void *arg)
{
	struct outage *o = arg;
	char id[32];

	(void)fd;
	(void)what;
	if (o->fired == OUTAGE_ALERTS)
		return;
	snprintf(id, sizeof(id), "o%03d", ++o->fired);
	add_alert(o->st, id, time(NULL), "hook");
	outbox_kick(o->ob);
}

/* The receiver away for OUTAGE_S while alerts fire. */
static void
test_outage(pid_t *hookpid)
{
	struct conf_sink cs = {.name = "hook",
	    .type = SINK_WEBHOOK,
	    .timeout_ms = 5000,
	    .give_up_after_ms = 86400000,
	    .where = {"t.conf", 1}};
	struct timeval every = {0, OUTAGE_S * 1000000 / OUTAGE_ALERTS / 2};
	const char *args[] = {"-l", hooklog, "-p", NULL, NULL};
	struct outage o = {.st = gst};
	struct buf want = BUF_INIT;
	char port[16], *keys;
	struct run r;
	int zero = 0;

	cs.url = hook_url("/ok-outage");
	server_stop(*hookpid);
	run_open(&r, gst, &cs);
	o.ob = r.ob;
	o.ev = event_new(base, -1, EV_PERSIST, outage_fire, &o);
	event_add(o.ev, &every);
	/* Alerts fire through the first half; the receiver stays away. */
	server_run_until(base, &zero, OUTAGE_S * 1000);
	event_free(o.ev);
	is_int(o.fired, OUTAGE_ALERTS, "%d alerts fired during the outage",
	    OUTAGE_ALERTS);
	keys = recorded_keys("/ok-outage");
	is_str(keys, "", "none arrived while the receiver was away");
	free(keys);
	snprintf(port, sizeof(port), "%d", hookport);
	args[3] = port;
	server_spawn("hookd", args, hookpid);
	ok(run_until_empty("hook", 20000) == 0,
	    "the receiver is back: the outbox empties");
	run_close(&r);
	for (int i = 1; i <= OUTAGE_ALERTS; i++)
		buf_printf(&want, "%so%03d", i > 1 ? " " : "", i);
	keys = recorded_keys("/ok-outage");
	is_str(keys, buf_str(&want),
	    "every alert arrived exactly once per key, in firing order");
	free(keys);
	buf_free(&want);
}

/* The alerts a digest request carried, space-separated. */
static char *
digest_ids(const char *path)
{
	char *text = server_slurp(hooklog), *line, *save = NULL;
	struct buf b = BUF_INIT;

	buf_appends(&b, "");
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL), *body, *al;
		const char *p = json_string_value(json_object_get(o, "path"));
		size_t i;

		body = json_loads(
		    json_string_value(json_object_get(o, "body")) ?: "", 0,
		    NULL);
		if (p != NULL && strcmp(p, path) == 0 &&
		    json_object_get(body, "digest") != NULL)
			json_array_foreach(json_object_get(body, "alerts"), i,
			    al) buf_printf(&b, "%s%s", b.len ? " " : "",
			    json_string_value(json_object_get(al, "id")));
		json_decref(body);
		json_decref(o);
	}
	free(text);
	return buf_steal(&b);
}

/* The outbox's clock in the rate-limit test: a time the test sets. */
static int64_t
held_clock(void *arg)
{
	return *(const int64_t *)arg;
}

/* 50 alerts through rate-limit 10/2s, across a restart.  Windows are
 * aligned on the epoch, so with the real clock a slow run (sanitizers, a
 * busy machine) could cross into the next window and rightly send more;
 * the outbox reads a clock the test holds at one window's start, then
 * moves past its end. */
static void
test_rate_digest(void)
{
	struct conf_sink cs = {.name = "limited",
	    .type = SINK_WEBHOOK,
	    .timeout_ms = 5000,
	    .give_up_after_ms = 86400000,
	    .rate_count = 10,
	    .rate_period_ms = 2000,
	    .where = {"t.conf", 1}};
	struct buf want = BUF_INIT;
	char id[16], *keys, *err = NULL;
	int64_t now = time(NULL), clock = now - now % 2 + 2;
	struct run r;

	cs.url = hook_url("/ok-rate");
	for (int i = 1; i <= 50; i++) {
		snprintf(id, sizeof(id), "l%02d", i);
		add_alert(gst, id, now, "limited");
	}
	run_open(&r, gst, &cs);
	outbox_set_clock(r.ob, held_clock, &clock);
	server_run_until(base, &r.idle, 10000);
	run_close(&r);
	keys = recorded_keys("/ok-rate");
	is_str(keys, "l01 l02 l03 l04 l05 l06 l07 l08 l09 l10",
	    "rate-limit 10/2s: ten alerts sent at once, in order");
	free(keys);
	keys = query("SELECT count(*) FROM deliveries WHERE sink = 'limited'"
	             " AND held > 0 AND state = 'pending'");
	is_str(keys, "40", "the other forty are held, not dropped");
	free(keys);

	/* A restart: the held alerts and the window's count are in the
	 * store. */
	store_close(gst);
	if ((gst = store_open(dir, &err)) == NULL)
		bail_out("reopen: %s", err);
	clock += 2;
	run_open(&r, gst, &cs);
	outbox_set_clock(r.ob, held_clock, &clock);
	ok(run_until_empty("limited", 10000) == 0,
	    "after a restart and the window's end, nothing is pending");
	run_close(&r);
	keys = recorded_keys("/ok-rate");
	like(keys, "^l01 l02 l03 l04 l05 l06 l07 l08 l09 l10 digest-[0-9]+$",
	    "ten messages, then one digest");
	free(keys);
	for (int i = 11; i <= 50; i++)
		buf_printf(&want, "%sl%02d", i > 11 ? " " : "", i);
	keys = digest_ids("/ok-rate");
	is_str(keys, buf_str(&want),
	    "the digest holds the other forty, in firing order");
	free(keys);
	buf_free(&want);
}

/* A digest sink: every alert waits for the end of its window, then all
 * arrive as one message. */
static void
test_digest_sink(void)
{
	char path[300], *text;
	struct conf_sink cs = {.name = "daily",
	    .type = SINK_FILE,
	    .path = path,
	    .give_up_after_ms = 86400000,
	    .digest_ms = 1000,
	    .where = {"t.conf", 1}};
	int64_t now = time(NULL);
	json_t *o;
	struct run r;

	snprintf(path, sizeof(path), "%s/digest.jsonl", dir);
	for (int i = 1; i <= 5; i++) {
		char id[8];

		snprintf(id, sizeof(id), "dg%d", i);
		add_alert(gst, id, now, "daily");
	}
	run_open(&r, gst, &cs);
	ok(run_until_empty("daily", 10000) == 0,
	    "digest = 1s: the window ends and nothing is pending");
	run_close(&r);
	text = server_slurp(path);
	o = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
	is_int(json_integer_value(
	           json_object_get(json_object_get(o, "digest"), "count")),
	    5, "one digest of the five alerts");
	ok(strchr(text, '\n') == text + strlen(text) - 1,
	    "and nothing else in the file");
	is_str(json_string_value(json_object_get(
	           json_array_get(json_object_get(o, "alerts"), 4), "id")),
	    "dg5", "the alerts in firing order");
	json_decref(o);
	free(text);
}

/* An ntfy digest of more alerts than 4,096 bytes hold: the body stays
 * under it (ntfy would make it an attachment) and says what it left out. */
static void
test_ntfy_digest(void)
{
	struct conf_sink cs = {.name = "phone",
	    .type = SINK_WEBHOOK,
	    .format = "ntfy",
	    .timeout_ms = 5000,
	    .give_up_after_ms = 86400000,
	    .digest_ms = 1000,
	    .where = {"t.conf", 1}};
	char *text, *line, *save = NULL;
	const char *body = NULL, *more;
	int64_t now = time(NULL);
	json_t *o = NULL;
	int listed = 0;
	struct run r;

	cs.url = hook_url("/ok-ntfy-digest");
	for (int i = 1; i <= 100; i++) {
		char id[8];

		snprintf(id, sizeof(id), "nt%03d", i);
		add_alert(gst, id, now, "phone");
	}
	run_open(&r, gst, &cs);
	ok(run_until_empty("phone", 10000) == 0,
	    "ntfy digest of 100 alerts: delivered");
	run_close(&r);
	text = server_slurp(hooklog);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "/ok-ntfy-digest") != NULL) {
			json_decref(o);
			o = json_loads(line, 0, NULL);
		}
	body = json_string_value(json_object_get(o, "body"));
	ok(body != NULL && strlen(body) < 4096,
	    "the body stays under ntfy's 4,096 bytes (%zu)",
	    body ? strlen(body) : 0);
	for (const char *p = body ?: ""; (p = strstr(p, "\n--- ")) != NULL; p++)
		listed++;
	more = body != NULL ? strstr(body, "\n... and ") : NULL;
	ok(more != NULL && listed > 0 && atoi(more + 9) == 100 - listed,
	    "it lists %d alerts and says how many more it left out", listed);
	json_decref(o);
	free(text);
}

int
main(void)
{
	const char *args[] = {"-l", hooklog, NULL};
	char *err = NULL;
	pid_t hookpid;

	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp");
	snprintf(hooklog, sizeof(hooklog), "%s/hook.jsonl", dir);
	base = event_base_new();
	hookport = server_spawn("hookd", args, &hookpid);
	if ((gst = store_open(dir, &err)) == NULL)
		bail_out("store: %s", err);
	test_outcomes();
	test_rate_digest();
	test_digest_sink();
	test_ntfy_digest();
	test_outage(&hookpid);
	store_close(gst);
	server_stop(hookpid);
	event_base_free(base);
	return done_testing();
}
