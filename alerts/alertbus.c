/*
 * The cluster's alert flow: relays in, a shared work-queue consumer out
 * (alertbus.h says what and why).  One delivery taken from the stream is
 * a `struct bus_job`: the sink it names gets the document, a timer tells
 * the stream the node is still at it every third of ack-wait, and the
 * sink's outcome decides ack, nak with a delay, or ack after a failure.
 */
#include "config.h"

#include <sys/queue.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "alerts/alertbus.h"
#include "alerts/outbox.h"
#include "alerts/sink_priv.h"
#include "cluster/natsconn.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* Deliveries this node works on at once, over all sinks: the outbox's
 * bound for one sink, times a few sinks. */
#define ALERTBUS_IN_FLIGHT (4 * OUTBOX_MAX_IN_FLIGHT)

struct bus_job {
	struct alertbus *ab;
	struct natsconn_msg *m;
	struct sink *sink;
	char *alert_id;
	char *doc;
	struct event *progress;
	LIST_ENTRY(bus_job) entry;
};

struct alertbus {
	const struct conf *conf;
	struct sink **real;  /* the configured sinks, ours */
	struct sink **relay; /* the outbox's stand-ins, the pipeline's */
	size_t nsinks;
	char *stream;
	char *subject;
	char *durable;
	struct event_base *base;
	struct natsconn *nc;
	struct natsconn_consumer *consumer;
	int stream_ready;
	struct event *retry_ev; /* making the stream again */
	LIST_HEAD(, bus_job) jobs;
	struct alertbus_stats st;
};

static void bus_ensure(struct alertbus *ab);

/* The connection's state, for the log: the node's one connection. */
static void
bus_status(int connected, const char *why, void *arg)
{
	if (connected)
		log_info("cluster: NATS %s", why);
	else
		log_warnx("cluster: NATS %s", why);
}

/* The real sink named in a message id "ALERT-ID:SINK", and the id. */
static struct sink *
bus_find_sink(struct alertbus *ab, const char *msg_id, char **alert_id)
{
	const char *colon = strchr(msg_id, ':');

	if (colon == NULL)
		return NULL;
	for (size_t i = 0; i < ab->nsinks; i++)
		if (strcmp(sink_name(ab->real[i]), colon + 1) == 0) {
			*alert_id = xstrndup(msg_id, (size_t)(colon - msg_id));
			return ab->real[i];
		}
	return NULL;
}

/* Free a job whose message is finished. */
static void
bus_job_free(struct bus_job *j)
{
	LIST_REMOVE(j, entry);
	if (j->progress != NULL)
		event_free(j->progress);
	free(j->alert_id);
	free(j->doc);
	free(j);
}

/* The sink is still at it: the stream should not hand it to another
 * node yet. */
static void
bus_progress_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bus_job *j = arg;

	natsconn_msg_progress(j->m);
}

/* The sink's outcome: ack, or nak for a retry with its backoff. */
static void
bus_done(const struct sink_outcome *o, void *arg)
{
	struct bus_job *j = arg;
	struct alertbus *ab = j->ab;
	const struct conf_sink *cs = sink_conf(j->sink);
	uint64_t n = natsconn_msg_deliveries(j->m);
	int64_t age_ms =
	    (int64_t)time(NULL) * 1000 - natsconn_msg_time_ms(j->m);
	int64_t wait_s;

	if (o->result == SINK_DELIVERED) {
		ab->st.delivered++;
		natsconn_msg_ack(j->m);
	} else if (o->result == SINK_FAILED) {
		ab->st.failed++;
		log_warnx("sink %s: alert %s failed: %s", cs->name, j->alert_id,
		    o->error);
		natsconn_msg_ack(j->m);
	} else if (age_ms > (int64_t)cs->give_up_after_ms) {
		ab->st.failed++;
		log_warnx("sink %s: alert %s given up after %llu attempts: %s",
		    cs->name, j->alert_id, (unsigned long long)n, o->error);
		natsconn_msg_ack(j->m);
	} else {
		ab->st.retried++;
		wait_s = o->retry_after_s >= 0 ? o->retry_after_s
		                               : outbox_backoff_s((int)n);
		log_info("sink %s: alert %s not delivered (%s); retry in %llds",
		    cs->name, j->alert_id, o->error, (long long)wait_s);
		natsconn_msg_nak(j->m, (uint64_t)wait_s * 1000);
	}
	bus_job_free(j);
}

/* A delivery from the stream: to its sink. */
static void
bus_msg_cb(struct natsconn_msg *m, void *arg)
{
	struct alertbus *ab = arg;
	struct bus_job *j;
	struct sink *s;
	char *alert_id = NULL;
	struct timeval tv;
	uint64_t every_ms = ab->conf->cluster.ack_wait_ms / 3;

	ab->st.taken++;
	if (natsconn_msg_deliveries(m) > 1)
		ab->st.redelivered++;
	if ((s = bus_find_sink(ab, natsconn_msg_id(m), &alert_id)) == NULL) {
		/* Another node's config: one that knows the sink takes it. */
		log_warnx("cluster alerts: no sink for delivery '%s'; left to "
		          "other nodes",
		    natsconn_msg_id(m));
		ab->st.retried++;
		natsconn_msg_nak(m, ab->conf->cluster.ack_wait_ms);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->ab = ab;
	j->m = m;
	j->sink = s;
	j->alert_id = alert_id;
	j->doc = xstrndup(natsconn_msg_data(m), natsconn_msg_len(m));
	LIST_INSERT_HEAD(&ab->jobs, j, entry);
	j->progress = event_new(ab->base, -1, EV_PERSIST, bus_progress_cb, j);
	tv.tv_sec = (time_t)(every_ms / 1000);
	tv.tv_usec = (suseconds_t)(every_ms % 1000) * 1000;
	evtimer_add(j->progress, &tv);
	sink_deliver(s, j->alert_id, j->doc, bus_done, j);
}

/* The stream is there: relays publish, the consumer takes. */
static void
bus_stream_done(const struct natsconn_reply *r, void *arg)
{
	struct alertbus *ab = arg;
	struct natsconn_consumer_opts co;
	struct timeval tv = {5, 0};

	if (r->result != NATSCONN_OK) {
		log_warnx("cluster alerts: stream %s: %s; again in %llds",
		    ab->stream, r->error, (long long)tv.tv_sec);
		evtimer_add(ab->retry_ev, &tv);
		return;
	}
	ab->stream_ready = 1;
	if (ab->consumer != NULL)
		return;
	memset(&co, 0, sizeof(co));
	co.stream = ab->stream;
	co.durable = ab->durable;
	co.ack_wait_ms = ab->conf->cluster.ack_wait_ms;
	co.max_in_flight = ALERTBUS_IN_FLIGHT;
	if ((ab->consumer = natsconn_consume(ab->nc, &co, bus_msg_cb, ab)) ==
	    NULL)
		log_warnx("cluster alerts: no thread for the consumer");
}

/* Make (or find) the alerts stream. */
static void
bus_ensure(struct alertbus *ab)
{
	struct natsconn_stream st;
	char *subj;
	const char *subjects[1];

	xasprintf(&subj, "%s.alerts.*", ab->conf->cluster.name);
	subjects[0] = subj;
	memset(&st, 0, sizeof(st));
	st.name = ab->stream;
	st.subjects = subjects;
	st.nsubjects = 1;
	st.work_queue = 1;
	st.max_age_ms = 7 * 24 * 3600 * 1000ULL;
	st.duplicate_window_ms = 24 * 3600 * 1000ULL;
	st.keep_existing = 1;
	natsconn_ensure_stream(ab->nc, &st, bus_stream_done, ab);
	free(subj);
}

/* Try the stream again. */
static void
bus_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	bus_ensure(arg);
}

/* Take the real sinks, leave relays in their slots. */
struct alertbus *
alertbus_new(const struct conf *c, struct sink **sinks, size_t n, char **err)
{
	struct alertbus *ab = xcalloc(1, sizeof(*ab));
	const struct conf_cluster *cl = &c->cluster;
	struct sink_env env = {0};

	ab->conf = c;
	ab->nsinks = n;
	ab->real = xcalloc(n + 1, sizeof(*ab->real));
	ab->relay = xcalloc(n + 1, sizeof(*ab->relay));
	xasprintf(&ab->stream, "%s_ALERTS", cl->name);
	xasprintf(&ab->subject, "%s.alerts.WATCHLIST", cl->name);
	xasprintf(&ab->durable, "%s_deliver", cl->name);
	LIST_INIT(&ab->jobs);
	for (size_t i = 0; i < n; i++) {
		ab->real[i] = sinks[i];
		sinks[i] = ab->relay[i] =
		    sink_nats_relay(sink_conf(ab->real[i]), &env, NULL,
		        ab->stream, ab->subject, &ab->st);
	}
	return ab;
}

/* Connect and start. */
int
alertbus_start(
    struct alertbus *ab, struct event_base *base, struct curlev *cv, char **err)
{
	const struct conf_cluster *cl = &ab->conf->cluster;
	struct natsconn_opts o;
	char name[200];

	ab->base = base;
	for (size_t i = 0; i < ab->nsinks; i++)
		sink_attach(ab->real[i], base, cv);
	snprintf(name, sizeof(name), "feedwatch %s", cl->node);
	sink_nats_opts(&o, cl->nats, cl->credentials, cl->token, cl->tls_ca,
	    cl->timeout_ms);
	o.name = name;
	o.status = bus_status;
	o.arg = ab;
	if ((ab->nc = natsconn_new(base, &o, err)) == NULL)
		return -1;
	for (size_t i = 0; i < ab->nsinks; i++)
		sink_nats_relay_set(ab->relay[i], ab->nc);
	ab->retry_ev = evtimer_new(base, bus_retry_cb, ab);
	bus_ensure(ab);
	return 0;
}

/* The server lost its JetStream state (the cluster node noticed): make
 * the stream again, then a new consumer, which creates the durable (the
 * old one's pulls would go unanswered for good).  Deliveries under way
 * keep their messages; their acks go nowhere. */
void
alertbus_reensure(struct alertbus *ab)
{
	if (ab == NULL || ab->nc == NULL)
		return;
	natsconn_consumer_free(ab->consumer);
	ab->consumer = NULL;
	ab->stream_ready = 0;
	evtimer_del(ab->retry_ev);
	bus_ensure(ab);
}

/* The node's one NATS connection, which the cluster node borrows. */
struct natsconn *
alertbus_natsconn(const struct alertbus *ab)
{
	return ab != NULL ? ab->nc : NULL;
}

/* The counts of both sides, for /metrics. */
void
alertbus_stats(const struct alertbus *ab, struct alertbus_stats *st)
{
	*st = ab->st;
}

/* Deliveries under way go back to the stream unacked. */
void
alertbus_free(struct alertbus *ab)
{
	struct bus_job *j;

	if (ab == NULL)
		return;
	natsconn_consumer_free(ab->consumer);
	/* The real sinks drop their deliveries unreported: release each. */
	for (size_t i = 0; i < ab->nsinks; i++)
		sink_free(ab->real[i]);
	while ((j = LIST_FIRST(&ab->jobs)) != NULL) {
		natsconn_msg_release(j->m);
		bus_job_free(j);
	}
	natsconn_free(ab->nc);
	if (ab->retry_ev != NULL)
		event_free(ab->retry_ev);
	free(ab->real);
	free(ab->relay);
	free(ab->stream);
	free(ab->subject);
	free(ab->durable);
	free(ab);
}
