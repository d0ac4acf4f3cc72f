/*
 * cluster/natsconn against the real nats-server that tests/natsconn.sh
 * starts ($NATS_URL): every call's answer comes back on the loop thread
 * with the outcome a cluster node relies on (first writer wins, compare
 * and set, duplicates dropped by Nats-Msg-Id, a watch's initial values
 * then its updates, a work-queue consumer's nak and redelivery).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "cluster/natsconn.h"
#include "tests/tap.h"

static struct event_base *base;
static pthread_t loop_thread;

/* The last reply, and whether it came on the loop's thread. */
static struct {
	int done;
	int on_loop;
	enum natsconn_result result;
	uint64_t seq;
	char value[64];
	char error[256];
} got;

/* The loop runs until cond is true or 15 s pass. */
static int
run_until(int *cond)
{
	time_t end = time(NULL) + 15;

	while (!*cond && time(NULL) < end)
		event_base_loop(base, EVLOOP_ONCE);
	return *cond;
}

/* Any reply: keep it. */
static void
reply_cb(const struct natsconn_reply *r, void *arg)
{
	got.done = 1;
	got.on_loop = pthread_equal(pthread_self(), loop_thread);
	got.result = r->result;
	got.seq = r->seq;
	got.value[0] = '\0';
	if (r->value != NULL)
		snprintf(got.value, sizeof(got.value), "%.*s", (int)r->len,
		    (const char *)r->value);
	snprintf(got.error, sizeof(got.error), "%s",
	    r->error != NULL ? r->error : "");
}

/* A callback that must not run: its owner cancelled it. */
static int cancelled_runs;

/* Count it. */
static void
cancelled_cb(const struct natsconn_reply *r, void *arg)
{
	cancelled_runs++;
}

/* Start a call: clear the last reply. */
static void
expect(void)
{
	memset(&got, 0, sizeof(got));
}

/* Wait for the call's reply; its result. */
static enum natsconn_result
answer(void)
{
	if (!run_until(&got.done))
		return (enum natsconn_result) - 1;
	return got.result;
}

static int connected;

static void
status_cb(int up, const char *why, void *arg)
{
	connected = up;
}

/* Watch updates seen. */
static struct {
	char keys[16][32];
	int ops[16];
	int n;
	int initial_done;
	int n_at_done;
} w;

static void
watch_cb(const struct natsconn_kv_entry *e, void *arg)
{
	if (e == NULL) {
		w.initial_done = 1;
		w.n_at_done = w.n;
		return;
	}
	if (w.n < 16) {
		snprintf(w.keys[w.n], sizeof(w.keys[0]), "%s", e->key);
		w.ops[w.n] = e->op;
	}
	w.n++;
}

/* Consumer messages seen. */
static struct {
	char ids[8][32];
	uint64_t deliveries[8];
	int n;
} c;

static void
msg_cb(struct natsconn_msg *m, void *arg)
{
	int i = c.n++;

	if (i < 8) {
		snprintf(c.ids[i], sizeof(c.ids[0]), "%s", natsconn_msg_id(m));
		c.deliveries[i] = natsconn_msg_deliveries(m);
	}
	/* m1 the first time: again in 200 ms; everything else: done. */
	if (strcmp(natsconn_msg_id(m), "m1") == 0 &&
	    natsconn_msg_deliveries(m) == 1)
		natsconn_msg_nak(m, 200);
	else
		natsconn_msg_ack(m);
}

/* Nothing: the tick only wakes the loop. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

int
main(void)
{
	const char *url = getenv("NATS_URL");
	struct natsconn_opts o = {0};
	struct natsconn *nc;
	struct natsconn_bucket b = {.name = "t_kv", .history = 1};
	const char *subjects[] = {"ts.>"};
	struct natsconn_stream st = {.name = "T_S",
	    .subjects = subjects,
	    .nsubjects = 1,
	    .work_queue = 1,
	    .duplicate_window_ms = 60000};
	struct natsconn_consumer_opts co = {
	    .stream = "T_S", .durable = "d1", .ack_wait_ms = 5000};
	struct natsconn_watch *wt;
	struct natsconn_consumer *cons;
	struct natsconn_stats ns;
	char *err = NULL;
	uint64_t r1;
	struct event *tick;
	struct timeval tv = {0, 100000};

	if (url == NULL)
		bail_out("NATS_URL is not set: run tests/natsconn.sh");
	base = event_base_new();
	loop_thread = pthread_self();
	/* A tick, so a wait with nothing to do still looks at its clock. */
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &tv);
	o.urls = url;
	o.timeout_ms = 3000;
	o.status = status_cb;
	nc = natsconn_new(base, &o, &err);
	ok(nc != NULL, "natsconn_new (%s)", err != NULL ? err : "ok");
	if (nc == NULL)
		return exit_status();
	ok(run_until(&connected), "connected, told on the loop");

	expect();
	natsconn_ensure_bucket(nc, &b, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "bucket made (%s)", got.error);
	ok(got.on_loop, "the reply runs on the loop's thread");

	expect();
	natsconn_kv_create(nc, "t_kv", "k1", "a", 1, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "create k1: the first writer wins");
	r1 = got.seq;
	expect();
	natsconn_kv_create(nc, "t_kv", "k1", "b", 1, reply_cb, NULL);
	is_int(answer(), NATSCONN_EXISTS, "create k1 again: it exists");
	expect();
	natsconn_kv_get(nc, "t_kv", "k1", reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "get k1");
	is_str(got.value, "a", "k1 holds the first writer's value");
	is_int(got.seq, r1, "at the first revision");
	expect();
	natsconn_kv_update(nc, "t_kv", "k1", "c", 1, r1, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "update k1 at its revision");
	expect();
	natsconn_kv_update(nc, "t_kv", "k1", "d", 1, r1, reply_cb, NULL);
	is_int(answer(), NATSCONN_EXISTS, "update k1 at an old revision fails");
	expect();
	natsconn_kv_get(nc, "t_kv", "nope", reply_cb, NULL);
	is_int(answer(), NATSCONN_NOT_FOUND, "get a missing key");

	expect();
	natsconn_kv_put(nc, "t_kv", "n.a", "1", 1, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "put n.a");
	expect();
	natsconn_kv_put(nc, "t_kv", "n.b", "2", 1, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "put n.b");
	wt = natsconn_watch(nc, "t_kv", "n.>", watch_cb, NULL);
	ok(run_until(&w.initial_done),
	    "the watch says its initial values are done");
	is_int(w.n_at_done, 2, "after the two values there were");
	expect();
	natsconn_kv_put(nc, "t_kv", "n.c", "3", 1, reply_cb, NULL);
	answer();
	expect();
	natsconn_kv_delete(nc, "t_kv", "n.a", reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "delete n.a");
	{
		time_t end = time(NULL) + 10;
		while (w.n < 4 && time(NULL) < end)
			event_base_loop(base, EVLOOP_ONCE);
	}
	is_int(w.n, 4, "the watch saw the new key and the delete");
	is_str(w.keys[3], "n.a", "the delete names its key");
	is_int(w.ops[3], NATSCONN_KV_DELETE, "as a delete");
	natsconn_watch_free(wt);

	expect();
	natsconn_ensure_stream(nc, &st, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "stream made (%s)", got.error);
	expect();
	natsconn_publish(nc, "ts.x", "m1", "one", 3, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "publish m1");
	expect();
	natsconn_publish(nc, "ts.x", "m1", "one", 3, reply_cb, NULL);
	is_int(answer(), NATSCONN_DUPLICATE, "m1 again: a duplicate");
	expect();
	natsconn_publish(nc, "ts.y", "m2", "two", 3, reply_cb, NULL);
	is_int(answer(), NATSCONN_OK, "publish m2");
	expect();
	natsconn_publish(nc, "nostream.x", "m3", "x", 1, reply_cb, NULL);
	is_int(answer(), NATSCONN_ERROR, "publish where no stream listens");
	ok(got.error[0] != '\0', "with what went wrong: %s", got.error);

	cons = natsconn_consume(nc, &co, msg_cb, NULL);
	{
		time_t end = time(NULL) + 15;
		while (c.n < 3 && time(NULL) < end)
			event_base_loop(base, EVLOOP_ONCE);
	}
	is_int(c.n, 3, "three deliveries: m1, m2, and m1 again after its nak");
	ok(c.n >= 3 && strcmp(c.ids[2], "m1") == 0 && c.deliveries[2] == 2,
	    "the third is m1's second delivery");
	{
		time_t end = time(NULL) + 2;
		while (time(NULL) < end)
			event_base_loop(base, EVLOOP_NONBLOCK);
	}
	is_int(c.n, 3, "nothing more once both are acked");
	natsconn_consumer_free(cons);

	natsconn_stats(nc, &ns);
	ok(ns.connected, "stats: connected");
	is_int(ns.publishes, 4, "stats: four publishes");
	ok(ns.round_trips >= 14, "stats: %llu round trips",
	    (unsigned long long)ns.round_trips);
	is_int(ns.acks, 3, "stats: two acks and a nak");

	/* An owner that goes before the connection cancels its callbacks:
	 * the put still happens, its callback never runs. */
	{
		static int owner;
		uint64_t before = ns.round_trips;
		time_t end = time(NULL) + 15;

		natsconn_kv_put(nc, "t_kv", "k9", "x", 1, cancelled_cb, &owner);
		natsconn_cancel(nc, &owner);
		while (ns.round_trips < before + 1 && time(NULL) < end) {
			event_base_loop(base, EVLOOP_NONBLOCK);
			natsconn_stats(nc, &ns);
		}
		end = time(NULL) + 1;
		while (time(NULL) <= end)
			event_base_loop(base, EVLOOP_NONBLOCK);
		is_int(cancelled_runs, 0, "a cancelled callback does not run");
		expect();
		natsconn_kv_get(nc, "t_kv", "k9", reply_cb, NULL);
		is_int(answer(), NATSCONN_OK, "... but its put was made");
		is_str(got.value, "x", "... with its value");
	}
	natsconn_free(nc);
	event_free(tick);
	event_base_free(base);
	return done_testing();
}
