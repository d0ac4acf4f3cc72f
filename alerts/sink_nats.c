/*
 * The nats sink (issue 21): each alert document is published to a
 * JetStream subject with Nats-Msg-Id = the alert id, and is delivered
 * when the stream acknowledges it.  A "duplicate" acknowledgement (the
 * stream had the id: an earlier try was stored, its acknowledgement lost)
 * is delivered too, so an outbox retry never stores an alert twice within
 * the duplicate window.  Everything else is a passing failure: the
 * outbox's backoff and give-up-after apply.
 *
 * The stream is made when missing (SINK_NATS_* below are its limits); a
 * stream that exists is used as it is.  The connection (cluster/natsconn)
 * is made at the first delivery, on the loop the sink runs on, and kept.
 */
#include "config.h"

#include <sys/queue.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alertbus.h"
#include "alerts/sink_priv.h"
#include "cluster/natsconn.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* A stream the sink makes keeps a week of alerts, at most 1 GiB, and
 * remembers ids for a day: the default give-up-after, so no retry of
 * the outbox outlives the window. */
#define SINK_NATS_MAX_AGE_MS (7 * 24 * 3600 * 1000ULL)
#define SINK_NATS_MAX_BYTES (1024LL * 1024 * 1024)
#define SINK_NATS_DUP_WINDOW_MS (24 * 3600 * 1000ULL)
/* The subject token the watchlist's name replaces. */
#define SINK_NATS_TOKEN "WATCHLIST"

struct nats_req {
	struct sink *sink;
	char *subject;
	char *id;
	char *doc;
	sink_done_cb done;
	void *arg;
	LIST_ENTRY(nats_req) entry;
};

struct sink_nats {
	struct natsconn *nc;
	int own_nc; /* 0: a relay's, the alert bus owns it */
	int stream_ready;
	int work_queue;     /* a stream it makes: retention work-queue */
	const char *stream; /* the conf's, or the relay's */
	const char *subject;
	const char *id_tail; /* relay: ":SINK" after each Nats-Msg-Id */
	struct alertbus_stats *counts; /* relay: the bus's; else NULL */
	LIST_HEAD(, nats_req) reqs;    /* waiting for natsconn */
};

/* subject with the token replaced by word; a watchlist's name (raw 0)
 * becomes one plain token, each '.', wildcard or blank of it a '_'. */
static char *
nats_subject(const char *subject, const char *word, int raw)
{
	const char *at = strstr(subject, SINK_NATS_TOKEN);
	struct buf b = BUF_INIT;
	char *s;

	if (at == NULL)
		return xstrdup(subject);
	buf_append(&b, subject, (size_t)(at - subject));
	s = xstrdup(*word != '\0' ? word : "none");
	for (char *p = s; !raw && *p != '\0'; p++)
		if (*p == '.' || *p == '*' || *p == '>' ||
		    (unsigned char)*p <= 0x20)
			*p = '_';
	buf_append(&b, s, strlen(s));
	free(s);
	at += strlen(SINK_NATS_TOKEN);
	buf_append(&b, at, strlen(at));
	return buf_steal(&b);
}

/* The alert's watchlist, or "digest" for a digest document. */
static char *
nats_doc_subject(const struct sink_nats *sn, const char *doc)
{
	json_t *root = sink_doc_parse(doc);
	const char *wl = NULL;
	char *subj;

	if (root != NULL)
		wl = json_string_value(json_object_get(root, "watchlist"));
	if (wl == NULL)
		wl = sink_doc_digest(root) != NULL ? "digest" : "none";
	subj = nats_subject(sn->subject, wl, 0);
	json_decref(root);
	return subj;
}

/* The connection's state, for the log. */
static void
nats_status(int connected, const char *why, void *arg)
{
	struct sink *s = arg;

	if (connected)
		log_info("sink %s: NATS %s", s->conf->name, why);
	else
		log_warnx("sink %s: NATS %s", s->conf->name, why);
}

/* Forget a request, then report r. */
static void
nats_req_end(struct nats_req *r, enum sink_result res, const char *msg)
{
	sink_done_cb done = r->done;
	void *arg = r->arg;

	LIST_REMOVE(r, entry);
	free(r->subject);
	free(r->id);
	free(r->doc);
	free(r);
	sink_report(done, arg, res, msg);
}

/* On the loop: the stream's answer to the publish. */
static void
nats_published(const struct natsconn_reply *rp, void *arg)
{
	struct nats_req *r = arg;
	struct alertbus_stats *n = ((struct sink_nats *)r->sink->impl)->counts;

	if (n != NULL && rp->result == NATSCONN_OK)
		n->stored++;
	else if (n != NULL && rp->result == NATSCONN_DUPLICATE)
		n->duplicates++;
	if (rp->result == NATSCONN_OK || rp->result == NATSCONN_DUPLICATE)
		nats_req_end(r, SINK_DELIVERED, NULL);
	else
		nats_req_end(r, SINK_RETRY, rp->error);
}

/* Publish r's document. */
static void
nats_publish(struct nats_req *r)
{
	struct sink_nats *sn = r->sink->impl;

	if (sn->counts != NULL)
		sn->counts->published++;
	natsconn_publish(sn->nc, r->subject, r->id, r->doc, strlen(r->doc),
	    nats_published, r);
}

/* On the loop: the stream is there (made or found), or not. */
static void
nats_stream_done(const struct natsconn_reply *rp, void *arg)
{
	struct nats_req *r = arg;
	struct sink_nats *sn = r->sink->impl;
	char *msg;

	if (rp->result != NATSCONN_OK) {
		xasprintf(&msg, "stream %s: %s", sn->stream, rp->error);
		nats_req_end(r, SINK_RETRY, msg);
		free(msg);
		return;
	}
	sn->stream_ready = 1;
	nats_publish(r);
}

/* Make the stream when missing: the subjects of `subject`, the
 * watchlist a wildcard. */
static void
nats_ensure_stream(struct nats_req *r)
{
	struct sink_nats *sn = r->sink->impl;
	struct natsconn_stream st;
	char *subj = nats_subject(sn->subject, "*", 1);
	const char *subjects[1] = {subj};

	memset(&st, 0, sizeof(st));
	st.name = sn->stream;
	st.work_queue = sn->work_queue;
	st.subjects = subjects;
	st.nsubjects = 1;
	st.max_age_ms = SINK_NATS_MAX_AGE_MS;
	st.max_bytes = SINK_NATS_MAX_BYTES;
	st.duplicate_window_ms = SINK_NATS_DUP_WINDOW_MS;
	st.keep_existing = 1;
	natsconn_ensure_stream(sn->nc, &st, nats_stream_done, r);
	free(subj);
}

/* The connection keys of a config block, the same for a nats sink and
 * for [cluster]: servers, credentials, token, CA and round-trip timeout;
 * the rest of o zero. */
void
sink_nats_opts(struct natsconn_opts *o, const char *urls,
    const char *credentials, const char *token, const char *tls_ca,
    uint64_t timeout_ms)
{
	memset(o, 0, sizeof(*o));
	o->urls = urls;
	o->credentials = credentials;
	o->token = token;
	o->tls_ca = tls_ca;
	o->timeout_ms = timeout_ms;
}

/* The connection, made on the sink's loop at the first delivery. */
static int
nats_connect(struct sink *s, char **err)
{
	struct sink_nats *sn = s->impl;
	const struct conf_sink *cs = s->conf;
	struct natsconn_opts o;
	char name[160];

	if (sn->nc != NULL || !sn->own_nc)
		return 0;
	snprintf(name, sizeof(name), "feedwatch sink %s", cs->name);
	sink_nats_opts(&o, cs->url, cs->credentials, cs->token, cs->tls_ca,
	    cs->timeout_ms);
	o.name = name;
	o.status = nats_status;
	o.arg = s;
	sn->nc = natsconn_new(s->env.base, &o, err);
	return sn->nc != NULL ? 0 : -1;
}

/* One alert to the stream. */
static void
sink_nats_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	struct sink_nats *sn = s->impl;
	struct nats_req *r;
	char *err = NULL;

	if (sn->nc == NULL && !sn->own_nc) {
		sink_report(
		    done, arg, SINK_RETRY, "the alert bus is not started");
		return;
	}
	if (nats_connect(s, &err) < 0) {
		sink_report(done, arg, SINK_RETRY, err);
		free(err);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->sink = s;
	r->subject = nats_doc_subject(sn, doc);
	xasprintf(
	    &r->id, "%s%s", alert_id, sn->id_tail != NULL ? sn->id_tail : "");
	r->doc = xstrdup(doc);
	r->done = done;
	r->arg = arg;
	LIST_INSERT_HEAD(&sn->reqs, r, entry);
	if (sn->stream_ready)
		nats_publish(r);
	else
		nats_ensure_stream(r);
}

/* Nothing to open until a delivery needs the connection. */
static int
sink_nats_open(struct sink *s, char **err)
{
	struct sink_nats *sn = xcalloc(1, sizeof(*sn));

	LIST_INIT(&sn->reqs);
	sn->own_nc = 1;
	sn->stream = s->conf->stream;
	sn->subject = s->conf->subject;
	s->impl = sn;
	return 0;
}

/* The connection (its callbacks then never run), and the requests
 * unreported, as every sink leaves them at close. */
static void
sink_nats_close(struct sink *s)
{
	struct sink_nats *sn = s->impl;
	struct nats_req *r;

	if (sn->own_nc)
		natsconn_free(sn->nc);
	while ((r = LIST_FIRST(&sn->reqs)) != NULL) {
		LIST_REMOVE(r, entry);
		free(r->subject);
		free(r->id);
		free(r->doc);
		free(r);
	}
	free((char *)sn->id_tail);
	free(sn);
}

const struct sink_ops sink_nats_ops = {
    .open = sink_nats_open,
    .deliver = sink_nats_deliver,
    .close = sink_nats_close,
};

/* The relay's deliveries: what sink_nats does, on the bus's connection. */
static const struct sink_ops sink_nats_relay_ops = {
    .deliver = sink_nats_deliver,
    .close = sink_nats_close,
};

/* Cluster mode (alerts/alertbus.c): a sink with cs's config whose
 * deliveries are published to stream (a work queue, made when missing)
 * on subject (WATCHLIST replaced), Nats-Msg-Id ALERT-ID:SINK, counted
 * in counts. */
struct sink *
sink_nats_relay(const struct conf_sink *cs, const struct sink_env *env,
    struct natsconn *nc, const char *stream, const char *subject,
    struct alertbus_stats *counts)
{
	struct sink *s = xcalloc(1, sizeof(*s));
	struct sink_nats *sn = xcalloc(1, sizeof(*sn));

	s->conf = cs;
	s->env = *env;
	s->env.curl = NULL;
	s->ops = &sink_nats_relay_ops;
	s->impl = sn;
	LIST_INIT(&sn->reqs);
	sn->nc = nc;
	sn->stream = stream;
	sn->subject = subject;
	sn->work_queue = 1;
	sn->counts = counts;
	xasprintf((char **)&sn->id_tail, ":%s", cs->name);
	return s;
}

/* The relay's connection, once the bus has made it. */
void
sink_nats_relay_set(struct sink *s, struct natsconn *nc)
{
	struct sink_nats *sn = s->impl;

	sn->nc = nc;
}
