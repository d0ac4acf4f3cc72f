/*
 * The cluster's alert flow (issue 21, `[cluster]`): every node's outbox
 * (SQLite, as alone: a NATS outage loses nothing) publishes each delivery
 * into one work-queue stream NAME_ALERTS, subject NAME.alerts.WATCHLIST,
 * Nats-Msg-Id ALERT-ID:SINK (the stream drops the same delivery published
 * twice, by two nodes that raised the alert or by a retry); and every node
 * takes deliveries from that stream through one shared durable consumer
 * (NAME_deliver) and sends them through the configured sink, acking after
 * the sink's outcome: delivered or failed for good is acked (failures
 * logged), a passing failure is nak'ed with the outbox's backoff (or the
 * server's Retry-After), a delivery older than the sink's give-up-after
 * is acked and logged as given up.  While a delivery runs the node tells
 * the stream it is still at it; a node that dies leaves it to another
 * after [cluster] ack-wait.  Receivers see the alert id (Idempotency-Key,
 * Matrix txn, PagerDuty dedup key), so a redelivery is seen once.
 *
 * The switch: pipeline_prepare calls alertbus_new when the config has a
 * [cluster]; it swaps the sinks the outbox gets for relays.
 */
#ifndef FW_ALERTS_ALERTBUS_H
#define FW_ALERTS_ALERTBUS_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct curlev;
struct event_base;
struct sink;

struct alertbus_stats {
	/* The relays' side: deliveries the outbox put in the stream. */
	uint64_t published;  /* publishes made (retries included) */
	uint64_t stored;     /* acked by the stream as new */
	uint64_t duplicates; /* acked as a copy it had (Nats-Msg-Id) */
	/* The consumer's side: deliveries taken from the stream. */
	uint64_t taken;
	uint64_t redelivered; /* taken with a delivery count over 1 */
	uint64_t delivered;
	uint64_t retried; /* nak'ed for later (or for a node with the sink) */
	uint64_t failed;  /* acked after a permanent failure or give-up */
};

struct alertbus;

/* Take the sinks sinks[0..n) (built from c->sinks, which the bus then
 * owns and frees) and put in each slot a relay of the same config: what
 * the outbox delivers to. */
struct alertbus *alertbus_new(
    const struct conf *c, struct sink **sinks, size_t n, char **err);
/* Connect on base (the process's one NATS connection, the cluster
 * node's too), make the stream, start taking deliveries; the real sinks
 * run on base and cv.  -1 with *err. */
int alertbus_start(struct alertbus *ab, struct event_base *base,
    struct curlev *cv, char **err);
void alertbus_stats(const struct alertbus *ab, struct alertbus_stats *st);
/* Make the stream (and so the durable consumer) again: the server came
 * back without its JetStream state. */
void alertbus_reensure(struct alertbus *ab);
/* The process's one NATS connection (made by alertbus_start; NULL before
 * or for a NULL ab): the cluster node (daemon/cluster.c) makes its round
 * trips on it too.  It lives until alertbus_free; a borrower that goes
 * first cancels its callbacks (natsconn_cancel). */
struct natsconn;
struct natsconn *alertbus_natsconn(const struct alertbus *ab);
/* After the outbox and the relays are freed.  Deliveries under way are
 * left to the stream (redelivered after ack-wait). */
void alertbus_free(struct alertbus *ab);

#endif
