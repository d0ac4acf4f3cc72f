/*
 * Outbox dispatch: see outbox.h.
 *
 * One "pass" event does the work: for each sink, read the messages due
 * now (copied out of the query before any is started, since a sink may
 * finish synchronously and update the same table), skip those already in
 * flight, and start the rest up to OUTBOX_MAX_IN_FLIGHT.  A message is one
 * alert or a digest of several; both are one kind of job, started,
 * retried and given up the same way.  Completions write their outcome and
 * schedule another pass.  A timer wakes the outbox at the earliest pending
 * retry, so nothing polls.
 *
 * Order: a sink that takes one delivery at a time (the webhook sink) is
 * "ordered": it only ever sends the oldest pending message (the head; a
 * digest's place is its first alert's), and while the head waits for its
 * retry the later ones wait behind it, so a receiver gets a sink's alerts
 * in firing order even across an outage.  Other sinks run up to
 * OUTBOX_MAX_IN_FLIGHT at once, oldest first.
 *
 * Rate limits and digests: time is cut into windows of the sink's period
 * (rate-limit's or digest's), aligned on the epoch.  A rate-limited sink
 * sends up to N alerts per window (counted in the store, so a restart
 * keeps the count); the alerts past N are held.  A digest sink holds
 * every alert.  When a window has ended, the alerts held during it are
 * sealed, in firing order, into a digest (at most OUTBOX_DIGEST_MAX each)
 * that the sink delivers as one message, retried and given up like an
 * alert; its outcome is every member's.  Digests are not counted against
 * the rate limit.
 *
 * Quiet hours: while a sink is in one of its quiet-hours windows it
 * starts nothing; every alert that comes is held, and pending digests
 * wait.  Once the window is over, the alerts held in it are sealed into
 * one digest (or more, past OUTBOX_DIGEST_MAX) and sent.
 */
#include "config.h"

#include <event2/event.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/outbox.h"
#include "alerts/quiet.h"
#include "alerts/sink.h"
#include "common/log.h"
#include "common/prio.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "store/store.h"

/* One message on its way: an alert, or a digest (store_message). */
struct outbox_job {
	struct outbox_lane *lane;
	char *key; /* the alert's id or "digest-N": the Idempotency-Key */
	char *doc;
	int attempts;
	int single; /* one alert: rate-limited, can be held */
	int64_t fired_at;
	int64_t next_attempt;
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
	int group; /* this pass's outcomes are in an open transaction */
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
	int finish; /* --once: idle waits for retries too */
	int64_t retry_base_s, retry_max_s;
	int64_t (*clock)(void *); /* wall-clock seconds; NULL: time() */
	void *clock_arg;
};

/* Digests sealed per sink in one pass: a backlog of held alerts becomes
 * digests a few at a time, so one pass stays short. */
#define OUTBOX_SEAL_PER_PASS 4

/* Rows read in one pass for one sink, before any is started. */
struct outbox_batch {
	struct outbox_job *jobs[OUTBOX_MAX_IN_FLIGHT * 2];
	size_t n;
};

/* Backoff bounds: the defaults, or what outbox_set_backoff asked. */
static int64_t
backoff_with(int attempts, int64_t base, int64_t max)
{
	int64_t s = base;

	for (int i = 0; i < attempts && s < max; i++)
		s *= 2;
	if (s > max)
		s = max;
	/* +-25%: sinks that failed together do not all retry together. */
	return s - s / 4 + (int64_t)(arc4random_uniform((uint32_t)(s / 2) + 1));
}

int64_t
outbox_backoff_s(int attempts)
{
	return backoff_with(attempts, OUTBOX_RETRY_BASE_S, OUTBOX_RETRY_MAX_S);
}

void
outbox_set_backoff(struct outbox *ob, int64_t base_s, int64_t max_s)
{
	ob->retry_base_s = base_s > 0 ? base_s : 1;
	ob->retry_max_s = max_s > ob->retry_base_s ? max_s : ob->retry_base_s;
}

void
outbox_set_clock(struct outbox *ob, int64_t (*clock)(void *), void *arg)
{
	ob->clock = clock;
	ob->clock_arg = arg;
}

/* Now, in seconds since the epoch, by the outbox's clock. */
static int64_t
outbox_now(const struct outbox *ob)
{
	return ob->clock != NULL ? ob->clock(ob->clock_arg)
	                         : (int64_t)time(NULL);
}

/* The server's Retry-After as sent (bounded), else our backoff. */
static int64_t
retry_wait(const struct outbox *ob, int attempts, int64_t retry_after_s)
{
	if (retry_after_s < 0)
		return backoff_with(
		    attempts, ob->retry_base_s, ob->retry_max_s);
	if (retry_after_s < OUTBOX_RETRY_AFTER_MIN_S)
		return OUTBOX_RETRY_AFTER_MIN_S;
	return retry_after_s > OUTBOX_RETRY_AFTER_MAX_S
	    ? OUTBOX_RETRY_AFTER_MAX_S
	    : retry_after_s;
}

static int
lane_is_in_flight(const struct outbox_lane *lane, const char *key)
{
	for (const struct outbox_job *j = lane->in_flight; j; j = j->next)
		if (strcmp(j->key, key) == 0)
			return 1;
	return 0;
}

static void
job_free(struct outbox_job *j)
{
	free(j->key);
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

/* The window of period p seconds that holds t (aligned on the epoch). */
static int64_t
outbox_window(int64_t t, int64_t p)
{
	return p > 0 ? t - t % p : t;
}

/* The sink's window in seconds: its digest period, else its rate-limit
 * period; 0 when it has neither. */
static int64_t
lane_period_s(const struct conf_sink *cs)
{
	uint64_t ms = cs->digest_ms > 0 ? cs->digest_ms
	    : cs->rate_count > 0        ? cs->rate_period_ms
	                                : 0;

	return ms == 0 ? 0 : ms < 1000 ? 1 : (int64_t)(ms / 1000);
}

/* The fine bucket of a delay: its power of two, then which sixteenth. */
static size_t
delay_fine_index(uint64_t us)
{
	int m;
	size_t i;

	if (us < 16)
		return (size_t)us; /* below 16 us every value is its own */
	m = 63 - __builtin_clzll(us);
	i = (size_t)(m - 3) * 16 + (size_t)((us >> (m - 4)) & 15);
	return i < OUTBOX_DELAY_FINE ? i : OUTBOX_DELAY_FINE - 1;
}

/* The largest delay in fine bucket i. */
static uint64_t
delay_fine_top(size_t i)
{
	int m = (int)(i / 16) + 3;

	if (i < 16)
		return i;
	return ((uint64_t)(17 + i % 16) << (m - 4)) - 1;
}

void
outbox_stats_delay(struct outbox_stats *st, uint64_t us)
{
	static const double le[] = OUTBOX_DELAY_BUCKETS;
	size_t i;

	st->delay_n++;
	st->delay_sum_us += us;
	if (us > st->delay_max_us)
		st->delay_max_us = us;
	st->delay_fine[delay_fine_index(us)]++;
	i = time_bucket(le, OUTBOX_NDELAY_BUCKETS, us);
	if (i < OUTBOX_NDELAY_BUCKETS)
		st->delay_le[i]++;
}

uint64_t
outbox_delay_quantile(const struct outbox_stats *st, double q)
{
	uint64_t rank, seen = 0, top;

	if (st->delay_n == 0)
		return 0;
	rank = (uint64_t)(q * (double)st->delay_n + 0.999999);
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < OUTBOX_DELAY_FINE; i++)
		if ((seen += st->delay_fine[i]) >= rank) {
			top = delay_fine_top(i);
			return top < st->delay_max_us ? top : st->delay_max_us;
		}
	return st->delay_max_us;
}

/* A sink finished one delivery: record it and look for more work. */
static void
outbox_done(const struct sink_outcome *o, void *arg)
{
	struct outbox_job *job = arg;
	struct outbox_lane *lane = job->lane;
	struct outbox *ob = lane->ob;
	const struct conf_sink *cs = sink_conf(lane->sink);
	int64_t now = outbox_now(ob), wait;
	int rc = 0, own;

	/* The update and its log line in one transaction. */
	own = !store_in_transaction(ob->store) && store_begin(ob->store) == 0;
	switch (o->result) {
	case SINK_DELIVERED:
		rc = store_message_done(ob->store, job->key, cs->name, now);
		if (rc == 0 && job->single && cs->rate_count > 0)
			rc = store_window_add(ob->store, cs->name,
			    outbox_window(now, lane_period_s(cs)));
		lane->stats.delivered++;
		if (job->since_us != 0) {
			uint64_t us = time_mono_us() - job->since_us;

			outbox_stats_delay(&lane->stats, us);
			log_debug("sink %s: delivered alert %s %.3f ms after "
			          "its fetch",
			    cs->name, job->key, (double)us / 1000.0);
		}
		break;
	case SINK_RETRY:
		if ((uint64_t)(now - job->fired_at) * 1000 >=
		    cs->give_up_after_ms) {
			log_warnx("sink %s: giving up on alert %s after %d "
			          "attempts: %s",
			    cs->name, job->key, job->attempts + 1, o->error);
			rc = store_message_fail(
			    ob->store, job->key, cs->name, now, o->error);
			lane->stats.failed++;
			lane->stats.failed_at = now;
			break;
		}
		wait = retry_wait(ob, job->attempts, o->retry_after_s);
		log_info("sink %s: alert %s not delivered (%s); retry in %llds",
		    cs->name, job->key, o->error, (long long)wait);
		rc = store_message_retry(
		    ob->store, job->key, cs->name, now, now + wait, o->error);
		lane->stats.retried++;
		break;
	case SINK_FAILED:
		log_warnx("sink %s: alert %s failed for good: %s", cs->name,
		    job->key, o->error);
		rc = store_message_fail(
		    ob->store, job->key, cs->name, now, o->error);
		lane->stats.failed++;
		lane->stats.failed_at = now;
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

/* Copy one due message out of the query. */
static void
batch_collect(const struct store_message *m, void *arg)
{
	struct outbox_batch *b = arg;
	struct outbox_job *j;

	if (b->n == sizeof(b->jobs) / sizeof(b->jobs[0]))
		return;
	j = xcalloc(1, sizeof(*j));
	j->key = xstrdup(m->key);
	j->doc = xstrdup(m->doc != NULL ? m->doc : "");
	j->attempts = m->attempts;
	j->single = m->single;
	j->fired_at = m->fired_at;
	j->next_attempt = m->next_attempt;
	b->jobs[b->n++] = j;
}

/* Is the sink ordered: one delivery at a time, oldest first? */
static int
lane_ordered(const struct outbox_lane *lane)
{
	return sink_max_in_flight(lane->sink) == 1;
}

/* Deliveries this sink may take at once. */
static size_t
lane_cap(const struct outbox_lane *lane)
{
	size_t cap = (size_t)sink_max_in_flight(lane->sink);

	return cap < OUTBOX_MAX_IN_FLIGHT ? cap : OUTBOX_MAX_IN_FLIGHT;
}

/* Commit the transaction that holds the lane's outcomes so far. */
static void
lane_group_end(struct outbox_lane *lane)
{
	struct store *st = lane->ob->store;

	if (!lane->group)
		return;
	lane->group = 0;
	if (store_commit(st) == -1) {
		log_warnx("outbox: sink %s: %s; the outcomes of this pass are "
		          "lost, its alerts will be delivered again",
		    sink_name(lane->sink), store_error(st));
		store_rollback(st);
	}
}

/*
 * A sink that keeps its own record (sink_keeps_record) has the outcomes
 * of its single alerts in one transaction a pass, opened at the first
 * one: a kill before the commit repeats none of them, since the sink
 * finds them in its record.  A digest is not found there (its document's
 * id is not at the top), so its outcome is recorded alone, after what
 * came before it.
 */
static void
lane_group(struct outbox_lane *lane, const struct outbox_job *j)
{
	struct store *st = lane->ob->store;

	if (!j->single) {
		lane_group_end(lane);
		return;
	}
	if (!lane->group && sink_keeps_record(lane->sink) &&
	    !store_in_transaction(st) && store_begin(st) == 0)
		lane->group = 1;
}

/* Hand a job to its sink. */
static void
lane_start(struct outbox_lane *lane, struct outbox_job *j)
{
	lane_group(lane, j);
	j->lane = lane;
	j->since_us =
	    j->attempts == 0 && j->single ? lane->ob->pass_since_us : 0;
	j->next = lane->in_flight;
	lane->in_flight = j;
	lane->nin_flight++;
	sink_deliver(lane->sink, j->key, j->doc, outbox_done, j);
}

/* Alerts the rate limit still lets through in this window (INT_MAX when
 * there is no limit; 0 for a digest sink, which holds everything). */
static int
lane_rate_room(struct outbox_lane *lane, int64_t now)
{
	const struct conf_sink *cs = sink_conf(lane->sink);
	int64_t start = 0, ws;
	int sent = 0, flying = 0;

	if (cs->digest_ms > 0)
		return 0;
	if (cs->rate_count <= 0)
		return INT_MAX;
	ws = outbox_window(now, lane_period_s(cs));
	if (store_window_get(lane->ob->store, cs->name, &start, &sent) != 1 ||
	    start != ws)
		sent = 0;
	for (const struct outbox_job *j = lane->in_flight; j; j = j->next)
		flying += j->single;
	return cs->rate_count - sent - flying;
}

/* Hold an alert back for the next digest; it leaves the due list. */
static void
lane_hold(struct outbox_lane *lane, struct outbox_job *j, int64_t now)
{
	if (store_message_hold(
	        lane->ob->store, j->key, sink_name(lane->sink), now) == -1)
		log_warnx("outbox: %s", store_error(lane->ob->store));
	else
		log_debug("sink %s: alert %s held for the next digest",
		    sink_name(lane->sink), j->key);
	job_free(j);
}

/* Start a job, or hold it when it is an alert the rate limit (room in
 * *rate) does not let through. */
static void
lane_start_or_hold(
    struct outbox_lane *lane, struct outbox_job *j, int *rate, int64_t now)
{
	if (j->single && *rate <= 0) {
		lane_hold(lane, j, now);
		return;
	}
	*rate -= j->single;
	lane_start(lane, j);
}

/* Start one batch of what is due for one sink, holding what the rate limit
 * does not let through; returns how many were started or held. */
static size_t
lane_batch(struct outbox_lane *lane, int64_t now)
{
	struct outbox *ob = lane->ob;
	struct outbox_batch batch = {.n = 0};
	size_t progress = 0;
	int room = (int)(lane_cap(lane) - lane->nin_flight);
	int rate = lane_rate_room(lane, now);

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

		if (lane->nin_flight >= lane_cap(lane) ||
		    lane_is_in_flight(lane, j->key)) {
			job_free(j);
		} else {
			progress++;
			lane_start_or_hold(lane, j, &rate, now);
		}
	}
	return progress;
}

/* The head of an ordered sink (a job to free), or NULL when none is
 * pending. */
static struct outbox_job *
lane_head(struct outbox_lane *lane)
{
	struct outbox_batch b = {.n = 0};

	if (store_outbox_head(lane->ob->store, sink_name(lane->sink),
	        batch_collect, &b) == -1)
		log_warnx("outbox: %s", store_error(lane->ob->store));
	return b.n > 0 ? b.jobs[0] : NULL;
}

/* An ordered sink: start its head when due; holding heads the rate limit
 * does not let through.  Returns how many were started or held. */
static size_t
lane_ordered_pass(struct outbox_lane *lane, int64_t now)
{
	struct outbox_job *j;
	size_t progress = 0;
	int rate;

	while (lane->nin_flight == 0 && progress < OUTBOX_PASS_MAX) {
		if ((j = lane_head(lane)) == NULL)
			break;
		if (j->next_attempt > now) {
			job_free(j); /* the head waits for its retry */
			break;
		}
		progress++;
		rate = lane_rate_room(lane, now);
		lane_start_or_hold(lane, j, &rate, now);
	}
	return progress;
}

/* Collect the documents of a digest's members. */
static void
digest_collect(const struct store_message *m, void *arg)
{
	json_t *doc = json_loads(m->doc != NULL ? m->doc : "", 0, NULL);

	/* A member without a readable document is still listed. */
	if (doc == NULL)
		doc = json_pack("{s:s}", "id", m->key);
	json_array_append_new(arg, doc);
}

/* Seal one digest of the alerts held before `before`: 1 when one was. */
static int
lane_seal_one(struct outbox_lane *lane, int64_t before, int64_t now)
{
	struct store *st = lane->ob->store;
	const char *name = sink_name(lane->sink);
	json_t *alerts = json_array(), *doc;
	char idbuf[40], when[RFC3339_LEN];
	int64_t id = 0;
	char *text;
	int rc;

	if (store_begin(st) == -1) {
		json_decref(alerts);
		return -1;
	}
	rc = store_digest_seal(st, name, before, OUTBOX_DIGEST_MAX, now, &id,
	    digest_collect, alerts);
	if (rc == 1) {
		snprintf(idbuf, sizeof(idbuf), "digest-%lld", (long long)id);
		doc = json_pack("{s:{s:s, s:s, s:I, s:s}, s:O}", "digest", "id",
		    idbuf, "sink", name, "count",
		    (json_int_t)json_array_size(alerts), "created_at",
		    time_rfc3339((time_t)now, when), "alerts", alerts);
		text = json_dumps(doc, JSON_COMPACT);
		rc = store_digest_set_doc(st, id, text);
		if (rc == 0) {
			log_info("sink %s: %s holds %zu alerts", name, idbuf,
			    json_array_size(alerts));
			rc = 1;
		}
		free(text);
		json_decref(doc);
	}
	json_decref(alerts);
	if (rc == -1 || store_commit(st) == -1) {
		log_warnx("outbox: %s", store_error(st));
		store_rollback(st);
		return -1;
	}
	return rc;
}

/* When the alerts held first were held in a quiet window: 1 with that
 * window's end in *end. */
static int
lane_quiet_held(struct outbox_lane *lane, int64_t *end)
{
	const struct conf_sink *cs = sink_conf(lane->sink);
	int64_t first;

	return cs->nquiet > 0 &&
	    store_outbox_held_first(lane->ob->store, cs->name, &first) == 1 &&
	    quiet_at(cs, first, end);
}

/* Hold what a digest sink got, and seal the windows that ended. */
static void
lane_seal(struct outbox_lane *lane, int64_t now)
{
	const struct conf_sink *cs = sink_conf(lane->sink);
	int64_t p = lane_period_s(cs), first, end;

	/* Quiet windows that ended: each one's alerts into its digest. */
	for (int i = 0; i < OUTBOX_SEAL_PER_PASS &&
	     lane_quiet_held(lane, &end) && end <= now;
	     i++)
		if (lane_seal_one(lane, end, now) != 1)
			break;
	if (p == 0)
		return;
	if (cs->digest_ms > 0 &&
	    store_outbox_hold_all(lane->ob->store, cs->name, now) == -1)
		log_warnx("outbox: %s", store_error(lane->ob->store));
	/* Most passes find no window to seal: look before writing. */
	if (store_outbox_held_first(lane->ob->store, cs->name, &first) != 1 ||
	    outbox_window(first, p) + p > now)
		return;
	for (int i = 0; i < OUTBOX_SEAL_PER_PASS; i++)
		if (lane_seal_one(lane, outbox_window(now, p), now) != 1)
			break;
}

/* Start what is due for one sink, batch after batch while a sink
 * finishes at once (log, file), up to OUTBOX_PASS_MAX so one pass stays
 * short. */
static size_t
lane_pass(struct outbox_lane *lane, int64_t now)
{
	const struct conf_sink *cs = sink_conf(lane->sink);
	size_t started = 0, n;
	int64_t end;

	if (quiet_at(cs, now, &end)) {
		if (store_outbox_hold_all(lane->ob->store, cs->name, now) == -1)
			log_warnx("outbox: %s", store_error(lane->ob->store));
		return 0;
	}
	lane_seal(lane, now);
	if (lane_ordered(lane)) {
		started = lane_ordered_pass(lane, now);
		lane_group_end(lane);
		return started;
	}
	do
		started += n = lane_batch(lane, now);
	while (n > 0 && lane->nin_flight < lane_cap(lane) &&
	    started < OUTBOX_PASS_MAX);
	lane_group_end(lane);
	return started;
}

/* When this sink next has work: a retry (of its head, when ordered), a
 * window to seal; 1 with *when, 0 when nothing is pending. */
static int
lane_next(struct outbox_lane *lane, int64_t *when)
{
	struct store *st = lane->ob->store;
	const char *name = sink_name(lane->sink);
	int64_t p = lane_period_s(sink_conf(lane->sink)), t, best = 0;
	struct outbox_job *head;
	int found = 0;

	if (lane_ordered(lane)) {
		if ((head = lane_head(lane)) != NULL) {
			best = head->next_attempt;
			found = 1;
			job_free(head);
		}
	} else if (store_outbox_next(st, name, &t) == 1) {
		best = t;
		found = 1;
	}
	if (p > 0 && store_outbox_held_first(st, name, &t) == 1 &&
	    (!found || outbox_window(t, p) + p < best)) {
		best = outbox_window(t, p) + p;
		found = 1;
	}
	/* In quiet hours nothing starts before the window ends; alerts
	 * held in one are sealed when it ends. */
	if ((quiet_at(sink_conf(lane->sink), outbox_now(lane->ob), &t) ||
	        lane_quiet_held(lane, &t)) &&
	    (!found || t < best || quiet_at(sink_conf(lane->sink), best, &t))) {
		best = t;
		found = 1;
	}
	*when = best;
	return found;
}

/* Arm the timer for the earliest future retry of any sink. */
static void
outbox_arm_timer(struct outbox *ob, int64_t now)
{
	int64_t best = 0, when;
	struct timeval tv;

	/* A lane with deliveries in flight passes again when they end. */
	for (size_t i = 0; i < ob->nlanes; i++)
		if (ob->lanes[i].nin_flight == 0 &&
		    lane_next(&ob->lanes[i], &when) == 1 && when > now &&
		    (best == 0 || when < best))
			best = when;
	if (best == 0)
		return;
	tv.tv_sec = best - now;
	tv.tv_usec = 0;
	evtimer_add(ob->timer_ev, &tv);
}

/* Does any sink have a message that waits for a retry? */
static int
outbox_retry_pending(struct outbox *ob)
{
	int64_t t;

	for (size_t i = 0; i < ob->nlanes; i++)
		if (store_outbox_next(
		        ob->store, sink_name(ob->lanes[i].sink), &t) == 1)
			return 1;
	return 0;
}

static void
outbox_pass(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;
	int64_t now = outbox_now(ob);
	size_t started = 0;

	/* An open transaction may still roll back: its alerts do not exist
	 * yet.  Whoever commits kicks the outbox again. */
	if (store_in_transaction(ob->store))
		return;
	ob->pass_since_us = ob->fetched_us;
	ob->fetched_us = 0;
	/* Each delivery records its outcome in its own transaction, so a
	 * kill repeats at most the one delivery it interrupted; a sink that
	 * keeps its own record has one transaction a pass for its single
	 * alerts (lane_group), and a kill repeats none of them. */
	ob->in_pass = 1;
	for (size_t i = 0; i < ob->nlanes; i++)
		started += lane_pass(&ob->lanes[i], now);
	ob->in_pass = 0;
	if (started > 0)
		outbox_kick(ob); /* more may be due: another pass, soon */
	outbox_arm_timer(ob, now);
	if (started == 0 && outbox_in_flight(ob) == 0 && ob->idle_cb != NULL &&
	    (!ob->finish || !outbox_retry_pending(ob)))
		ob->idle_cb(ob->idle_arg);
}

struct outbox *
outbox_new(struct event_base *base, struct store *st, struct sink *const *sinks,
    size_t nsinks)
{
	struct outbox *ob = xcalloc(1, sizeof(*ob));

	ob->base = base;
	ob->store = st;
	ob->retry_base_s = OUTBOX_RETRY_BASE_S;
	ob->retry_max_s = OUTBOX_RETRY_MAX_S;
	ob->nlanes = nsinks;
	ob->lanes = xcalloc(nsinks, sizeof(*ob->lanes));
	for (size_t i = 0; i < nsinks; i++) {
		ob->lanes[i].ob = ob;
		ob->lanes[i].sink = sinks[i];
	}
	ob->pass_ev = event_new(base, -1, 0, outbox_pass, ob);
	/* Before network input, where the loop has priorities (feedwatchd). */
	event_priority_set(ob->pass_ev, PRIO_DELIVER);
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

void
outbox_set_finish(struct outbox *ob, int finish)
{
	ob->finish = finish;
}

/* Messages of one sink named in the log before "and N more". */
#define OUTBOX_REPORT_MAX 20

/* Name one pending message in the log. */
static void
report_one(const struct store_message *m, void *arg)
{
	size_t *n = arg;

	if ((*n)++ < OUTBOX_REPORT_MAX)
		log_warnx("sink %s: %s %s not delivered after %d attempts",
		    m->sink, m->single ? "alert" : "digest", m->key,
		    m->attempts);
}

size_t
outbox_report_pending(struct outbox *ob)
{
	size_t total = 0, n;

	for (size_t i = 0; i < ob->nlanes; i++) {
		n = 0;
		if (store_outbox_due(ob->store, sink_name(ob->lanes[i].sink),
		        INT64_MAX, INT_MAX, report_one, &n) == -1)
			log_warnx("outbox: %s", store_error(ob->store));
		if (n > OUTBOX_REPORT_MAX)
			log_warnx("sink %s: and %zu more not delivered",
			    sink_name(ob->lanes[i].sink),
			    n - OUTBOX_REPORT_MAX);
		total += n;
	}
	return total;
}

const struct outbox_stats *
outbox_sink_stats(const struct outbox *ob, size_t i)
{
	return i < ob->nlanes ? &ob->lanes[i].stats : NULL;
}

/* So that a reload does not make /healthz forget a sink that gave up. */
void
outbox_set_failed_at(struct outbox *ob, size_t i, int64_t t)
{
	if (i < ob->nlanes && t > ob->lanes[i].stats.failed_at)
		ob->lanes[i].stats.failed_at = t;
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
