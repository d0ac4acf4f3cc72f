/*
 * Outbox dispatch: see outbox.h.
 *
 * One "pass" event does the work: for each sink, read the deliveries due
 * now (copied out of the query before any is started, since a sink may
 * finish synchronously and update the same table), skip those already in
 * flight, and start the rest up to OUTBOX_MAX_IN_FLIGHT.  Completions write
 * their outcome and schedule another pass.  A timer wakes the outbox at the
 * earliest pending retry, so nothing polls.
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/outbox.h"
#include "alerts/sink.h"
#include "common/conf.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "store/store.h"

struct outbox_job {
	struct outbox_lane *lane;
	char *alert_id;
	char *doc;
	int attempts;
	int64_t fired_at;
	uint64_t
	    since_us; /* its fetch completed then (monotonic); 0: unknown */
	struct outbox_job *next; /* in the lane's in-flight list */
};

/* One sink's share of the outbox. */
struct outbox_lane {
	struct outbox *ob;
	struct sink *sink;
	struct outbox_job *in_flight;
	size_t nin_flight;
	struct outbox_stats stats;
};

struct outbox {
	struct event_base *base;
	struct store *store;
	struct outbox_lane *lanes;
	size_t nlanes;
	struct event *pass_ev;  /* runs a pass from the loop */
	struct event *timer_ev; /* the earliest retry */
	void (*idle_cb)(void *);
	void *idle_arg;
	uint64_t fetched_us; /* earliest fetch committed since the last pass */
	uint64_t pass_since_us; /* the same, for the jobs of this pass */
	int in_pass;
};

/* Rows read in one pass for one sink, before any is started. */
struct outbox_batch {
	struct outbox_job *jobs[OUTBOX_MAX_IN_FLIGHT * 2];
	size_t n;
};

int64_t
outbox_backoff_s(int attempts)
{
	int64_t s = OUTBOX_RETRY_BASE_S;

	for (int i = 0; i < attempts && s < OUTBOX_RETRY_MAX_S; i++)
		s *= 2;
	if (s > OUTBOX_RETRY_MAX_S)
		s = OUTBOX_RETRY_MAX_S;
	/* +-25%: sinks that failed together do not all retry together. */
	return s - s / 4 + (int64_t)(arc4random_uniform((uint32_t)(s / 2) + 1));
}

static int
lane_is_in_flight(const struct outbox_lane *lane, const char *alert_id)
{
	for (const struct outbox_job *j = lane->in_flight; j; j = j->next)
		if (strcmp(j->alert_id, alert_id) == 0)
			return 1;
	return 0;
}

static void
job_free(struct outbox_job *j)
{
	free(j->alert_id);
	free(j->doc);
	free(j);
}

static void
lane_remove(struct outbox_lane *lane, struct outbox_job *job)
{
	for (struct outbox_job **p = &lane->in_flight; *p; p = &(*p)->next)
		if (*p == job) {
			*p = job->next;
			lane->nin_flight--;
			return;
		}
}

/* A sink finished one delivery: record it and look for more work. */
static void
outbox_done(const struct sink_outcome *o, void *arg)
{
	struct outbox_job *job = arg;
	struct outbox_lane *lane = job->lane;
	struct outbox *ob = lane->ob;
	const struct conf_sink *cs = sink_conf(lane->sink);
	int64_t now = time(NULL), wait;
	int rc = 0, own;

	/* The update and its log line in one transaction. */
	own = !store_in_transaction(ob->store) && store_begin(ob->store) == 0;
	switch (o->result) {
	case SINK_DELIVERED:
		rc = store_delivery_done(
		    ob->store, job->alert_id, cs->name, now);
		lane->stats.delivered++;
		if (job->since_us != 0)
			log_debug("sink %s: delivered alert %s %.3f ms after "
			          "its fetch",
			    cs->name, job->alert_id,
			    (double)(time_mono_us() - job->since_us) / 1000.0);
		break;
	case SINK_RETRY:
		if ((uint64_t)(now - job->fired_at) * 1000 >=
		    cs->give_up_after_ms) {
			log_warnx("sink %s: giving up on alert %s after %d "
			          "attempts: %s",
			    cs->name, job->alert_id, job->attempts + 1,
			    o->error);
			rc = store_delivery_fail(
			    ob->store, job->alert_id, cs->name, now, o->error);
			lane->stats.failed++;
			break;
		}
		wait = outbox_backoff_s(job->attempts);
		if (o->retry_after_s > wait)
			wait = o->retry_after_s;
		log_info("sink %s: alert %s not delivered (%s); retry in %llds",
		    cs->name, job->alert_id, o->error, (long long)wait);
		rc = store_delivery_retry(ob->store, job->alert_id, cs->name,
		    now, now + wait, o->error);
		lane->stats.retried++;
		break;
	case SINK_FAILED:
		log_warnx("sink %s: alert %s failed for good: %s", cs->name,
		    job->alert_id, o->error);
		rc = store_delivery_fail(
		    ob->store, job->alert_id, cs->name, now, o->error);
		lane->stats.failed++;
		break;
	}
	if (rc == -1)
		log_warnx("outbox: %s", store_error(ob->store));
	if (own && store_commit(ob->store) == -1) {
		log_warnx("outbox: %s", store_error(ob->store));
		store_rollback(ob->store);
	}
	lane_remove(lane, job);
	job_free(job);
	if (!ob->in_pass)
		outbox_kick(ob);
}

static void
batch_collect(const struct store_delivery *d, void *arg)
{
	struct outbox_batch *b = arg;
	struct outbox_job *j;

	if (b->n == sizeof(b->jobs) / sizeof(b->jobs[0]))
		return;
	j = xcalloc(1, sizeof(*j));
	j->alert_id = xstrdup(d->alert_id);
	j->doc = xstrdup(d->doc != NULL ? d->doc : "");
	j->attempts = d->attempts;
	j->fired_at = d->fired_at;
	b->jobs[b->n++] = j;
}

/* Start one batch of what is due for one sink; returns how many started. */
static size_t
lane_batch(struct outbox_lane *lane, int64_t now)
{
	struct outbox *ob = lane->ob;
	struct outbox_batch batch = {.n = 0};
	size_t started = 0;
	int room = (int)(OUTBOX_MAX_IN_FLIGHT - lane->nin_flight);

	if (room <= 0)
		return 0;
	/* In-flight rows are still pending in the store: read past them. */
	if (store_outbox_due(ob->store, sink_name(lane->sink), now,
	        room + (int)lane->nin_flight, batch_collect, &batch) == -1) {
		log_warnx("outbox: %s", store_error(ob->store));
		return 0;
	}
	for (size_t i = 0; i < batch.n; i++) {
		struct outbox_job *j = batch.jobs[i];

		if (lane->nin_flight >= OUTBOX_MAX_IN_FLIGHT ||
		    lane_is_in_flight(lane, j->alert_id)) {
			job_free(j);
			continue;
		}
		j->lane = lane;
		j->since_us = j->attempts == 0 ? ob->pass_since_us : 0;
		j->next = lane->in_flight;
		lane->in_flight = j;
		lane->nin_flight++;
		started++;
		sink_deliver(lane->sink, j->alert_id, j->doc, outbox_done, j);
	}
	return started;
}

/* Start what is due for one sink, batch after batch while a sink finishes
 * at once (log, file), up to OUTBOX_PASS_MAX so one pass stays short. */
static size_t
lane_pass(struct outbox_lane *lane, int64_t now)
{
	size_t started = 0, n;

	do
		started += n = lane_batch(lane, now);
	while (n > 0 && lane->nin_flight < OUTBOX_MAX_IN_FLIGHT &&
	    started < OUTBOX_PASS_MAX);
	return started;
}

/* Arm the timer for the earliest future retry of any sink. */
static void
outbox_arm_timer(struct outbox *ob, int64_t now)
{
	int64_t best = 0, when;
	struct timeval tv;

	for (size_t i = 0; i < ob->nlanes; i++)
		if (store_outbox_next(
		        ob->store, sink_name(ob->lanes[i].sink), &when) == 1 &&
		    when > now && (best == 0 || when < best))
			best = when;
	if (best == 0)
		return;
	tv.tv_sec = best - now;
	tv.tv_usec = 0;
	evtimer_add(ob->timer_ev, &tv);
}

static void
outbox_pass(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;
	int64_t now = time(NULL);
	size_t started = 0;

	/* An open transaction may still roll back: its alerts do not exist
	 * yet.  Whoever commits kicks the outbox again. */
	if (store_in_transaction(ob->store))
		return;
	ob->pass_since_us = ob->fetched_us;
	ob->fetched_us = 0;
	/* Each delivery records its outcome in its own transaction, so a
	 * kill repeats at most the one delivery it interrupted. */
	ob->in_pass = 1;
	for (size_t i = 0; i < ob->nlanes; i++)
		started += lane_pass(&ob->lanes[i], now);
	ob->in_pass = 0;
	if (started > 0)
		outbox_kick(ob); /* more may be due: another pass, soon */
	outbox_arm_timer(ob, now);
	if (started == 0 && outbox_in_flight(ob) == 0 && ob->idle_cb != NULL)
		ob->idle_cb(ob->idle_arg);
}

struct outbox *
outbox_new(struct event_base *base, struct store *st, struct sink *const *sinks,
    size_t nsinks)
{
	struct outbox *ob = xcalloc(1, sizeof(*ob));

	ob->base = base;
	ob->store = st;
	ob->nlanes = nsinks;
	ob->lanes = xcalloc(nsinks, sizeof(*ob->lanes));
	for (size_t i = 0; i < nsinks; i++) {
		ob->lanes[i].ob = ob;
		ob->lanes[i].sink = sinks[i];
	}
	ob->pass_ev = event_new(base, -1, 0, outbox_pass, ob);
	/* Before network input, where the loop has priorities (feedwatchd). */
	event_priority_set(ob->pass_ev, 0);
	ob->timer_ev = evtimer_new(base, outbox_pass, ob);
	return ob;
}

void
outbox_fetched(struct outbox *ob, uint64_t fetch_done_us)
{
	if (ob->fetched_us == 0 || fetch_done_us < ob->fetched_us)
		ob->fetched_us = fetch_done_us;
	outbox_kick(ob);
}

void
outbox_kick(struct outbox *ob)
{
	event_active(ob->pass_ev, 0, 0);
}

size_t
outbox_in_flight(const struct outbox *ob)
{
	size_t n = 0;

	for (size_t i = 0; i < ob->nlanes; i++)
		n += ob->lanes[i].nin_flight;
	return n;
}

void
outbox_on_idle(struct outbox *ob, void (*cb)(void *), void *arg)
{
	ob->idle_cb = cb;
	ob->idle_arg = arg;
}

const struct outbox_stats *
outbox_sink_stats(const struct outbox *ob, size_t i)
{
	return i < ob->nlanes ? &ob->lanes[i].stats : NULL;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	/* Jobs still in flight stay pending in the store for the next run;
	 * their sinks are freed after us and must not call back. */
	for (size_t i = 0; i < ob->nlanes; i++)
		while (ob->lanes[i].in_flight != NULL) {
			struct outbox_job *j = ob->lanes[i].in_flight;
			ob->lanes[i].in_flight = j->next;
			job_free(j);
		}
	event_free(ob->pass_ev);
	event_free(ob->timer_ev);
	free(ob->lanes);
	free(ob);
}
