/*
 * The sending side of the outbox: takes the deliveries that are due from
 * the store, hands each to its sink, and writes the outcome back —
 * delivered, retry after an exponential backoff with jitter (or the
 * server's Retry-After, whichever is later), or failed (a permanent error,
 * or older than the sink's give-up-after).  Because state lives in the
 * store, a restart resumes exactly where the last run stopped.
 */
#ifndef FW_ALERTS_OUTBOX_H
#define FW_ALERTS_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct sink;
struct store;

/* Deliveries in flight per sink at once: a slow sink holds this many. */
#define OUTBOX_MAX_IN_FLIGHT 16
/* Deliveries started in one pass, so a backlog of thousands for a sink
 * that finishes at once does not hold the loop. */
#define OUTBOX_PASS_MAX 512
/* The most outcomes one transaction records: a pass of a sink that keeps
 * its own record (sink_keeps_record) and its last batch. */
#define OUTBOX_GROUP_MAX (OUTBOX_PASS_MAX + OUTBOX_MAX_IN_FLIGHT)
/* Alerts in one digest: a mail or chat message stays readable and far
 * below receivers' size limits; more held alerts go into the next. */
#define OUTBOX_DIGEST_MAX 500
/* First retry after this, doubling per attempt up to the cap. */
#define OUTBOX_RETRY_BASE_S 10
#define OUTBOX_RETRY_MAX_S 3600
/* A server's Retry-After is followed as sent, within these: the store
 * keeps times in whole seconds (the floor), and no answer parks a message
 * for longer than the backoff's own cap (the ceiling). */
#define OUTBOX_RETRY_AFTER_MIN_S 1
#define OUTBOX_RETRY_AFTER_MAX_S OUTBOX_RETRY_MAX_S

/* The delay histogram's upper bounds, in seconds (/metrics). */
#define OUTBOX_DELAY_BUCKETS                                                \
	{                                                                   \
		0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, \
		    2.5, 5, 10, 30, 60, 300                                 \
	}
#define OUTBOX_NDELAY_BUCKETS 16
/* The fine histogram the quantiles come from: 16 steps of 1/16 in each
 * power of two of microseconds, so a quantile is at most 1/16 high. */
#define OUTBOX_DELAY_FINE (16 * 40)

struct outbox_stats {
	uint64_t delivered;
	uint64_t retried;
	uint64_t failed;
	int64_t failed_at; /* when the last delivery failed for good or was
	                      given up on; 0: never */
	/* From the end of the fetch that brought an alert to its sink's
	 * acceptance, first attempts only: count, sum, longest, buckets
	 * (delay_le[i]: at most bucket i, above bucket i-1). */
	uint64_t delay_n, delay_sum_us, delay_max_us;
	uint64_t delay_le[OUTBOX_NDELAY_BUCKETS];
	uint32_t delay_fine[OUTBOX_DELAY_FINE];
};

struct outbox;

/* The sinks stay the caller's; the outbox must be freed before them. */
struct outbox *outbox_new(struct event_base *base, struct store *st,
    struct sink *const *sinks, size_t nsinks);
/* New alerts were committed, or the caller wants a pass now. */
void outbox_kick(struct outbox *ob);
/* Alerts of a fetch that completed at fetch_done_us (time_mono_us) were
 * committed: a pass now, and the delay to each delivery is logged (debug)
 * from that moment. */
void outbox_fetched(struct outbox *ob, uint64_t fetch_done_us);
size_t outbox_in_flight(const struct outbox *ob);
/* Called (from the loop) whenever a pass finds nothing due now and
 * nothing in flight: --once waits for this. */
void outbox_on_idle(struct outbox *ob, void (*cb)(void *), void *arg);
/* --once: idle means no message waits for a retry either (alerts held
 * for a digest window that has not ended do not count). */
void outbox_set_finish(struct outbox *ob, int finish);
/* Log each message still pending (up to a bound per sink, then a count);
 * returns how many are pending over all sinks. */
size_t outbox_report_pending(struct outbox *ob);
const struct outbox_stats *outbox_sink_stats(const struct outbox *ob, size_t i);
/* Count one delivery's delay (microseconds) in st's histograms. */
void outbox_stats_delay(struct outbox_stats *st, uint64_t us);
/* The q-quantile (0 < q <= 1) of a sink's delays in microseconds, at most
 * 1/16 above the true one and never above the longest; 0 with none. */
uint64_t outbox_delay_quantile(const struct outbox_stats *st, double q);
/* Sink i last gave up at t (a reload carries it from the outbox before). */
void outbox_set_failed_at(struct outbox *ob, size_t i, int64_t t);
void outbox_free(struct outbox *ob);

/* Seconds to wait before attempt number `attempts` + 1 (jitter applied). */
int64_t outbox_backoff_s(int attempts);
/* Other backoff bounds than OUTBOX_RETRY_BASE_S/MAX_S: tests that sit
 * through an outage use seconds, not minutes. */
void outbox_set_backoff(struct outbox *ob, int64_t base_s, int64_t max_s);
/* Read the time (seconds since the epoch) from clock(arg) instead of
 * time(): rate-limit and digest windows are aligned on the epoch, so a
 * test that must stay in one window gives the outbox a clock it holds. */
void outbox_set_clock(struct outbox *ob, int64_t (*clock)(void *), void *arg);

#endif
