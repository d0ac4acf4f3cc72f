/*
 * The status API: see httpapi.h.  Answers are built from what the pipeline
 * and the store already keep; nothing here changes state.  The loop lag is
 * measured by a timer that should fire every HTTPAPI_LAG_PROBE_MS: how late
 * it fires is how long the loop was busy.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alerts/alertbus.h"
#include "alerts/outbox.h"
#include "cluster/natsconn.h"
#include "common/buf.h"
#include "common/redact.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/alertdoc.h"
#include "daemon/artwait.h"
#include "daemon/cluster.h"
#include "daemon/httpapi.h"
#include "daemon/httppage.h"
#include "daemon/httpserv.h"
#include "daemon/pipeline.h"
#include "feeds/sched.h"
#include "store/store.h"

/* How often the loop-lag probe should fire. */
#define HTTPAPI_LAG_PROBE_MS 500
/* A loop this late is not polling on time: a few seconds is the longest
 * a big commit or reload takes on a slow disk. */
#define HTTPAPI_LAG_UNHEALTHY_S 5.0
/* A sink that gave up on an alert this recently makes /healthz fail, so
 * that a monitor notices before the next one is lost too. */
#define HTTPAPI_SINK_FAILED_S 3600

struct httpapi {
	struct event_base *base;
	struct httpserv *http;
	struct store *store;
	const struct conf *conf;
	const struct pipeline *pipeline;
	char *addr;
	struct event *lag_ev;
	uint64_t lag_due_us;
	double lag_last_s, lag_max_s;
};

/* The body and content type of one answer. */
static void
httpapi_reply(struct httpreq *req, int code, const char *type, const char *body,
    size_t len)
{
	httpserv_reply(req, code, type, body, len);
}

/* Send j, indented, keys in insertion order; takes j's reference. */
static void
httpapi_reply_json(struct httpreq *req, int code, json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);

	if (s == NULL)
		s = xstrdup("null");
	httpapi_reply(req, code, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
}

/* An error answer: {"error": msg} with the given status code. */
static void
httpapi_error(struct httpreq *req, int code, const char *msg)
{
	json_t *j = json_object();

	json_object_set_new(j, "error", json_string(msg));
	httpapi_reply_json(req, code, j);
}

/* The status API's /healthz: "ok", or 503 and why not: the store cannot
 * commit, a sink gave up on an alert within HTTPAPI_SINK_FAILED_S, or the
 * loop runs more than HTTPAPI_LAG_UNHEALTHY_S late. */
static void
httpapi_healthz(struct httpapi *h, struct httpreq *req)
{
	struct buf b = BUF_INIT;
	const char *why = store_health(h->store);
	time_t now = time(NULL);

	if (why != NULL)
		buf_printf(&b, "state store cannot commit: %s\n", why);
	for (size_t i = 0; i < h->conf->nsinks; i++) {
		const struct outbox_stats *os =
		    pipeline_sink_stats(h->pipeline, i);
		if (os->failed_at != 0 &&
		    now - os->failed_at < HTTPAPI_SINK_FAILED_S)
			buf_printf(&b,
			    "sink %s gave up on an alert %llds ago (the log "
			    "says why)\n",
			    h->conf->sinks[i].name,
			    (long long)(now - os->failed_at));
	}
	if (h->lag_last_s > HTTPAPI_LAG_UNHEALTHY_S)
		buf_printf(
		    &b, "the event loop ran %.1fs late\n", h->lag_last_s);
	if (b.len == 0)
		httpapi_reply(req, 200, "text/plain; charset=utf-8", "ok\n", 3);
	else
		httpapi_reply(
		    req, 503, "text/plain; charset=utf-8", buf_str(&b), b.len);
	buf_free(&b);
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void
metric_label(struct buf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			buf_appendc(b, '\\');
		if (*v == '\n') {
			buf_appends(b, "\\n");
			continue;
		}
		buf_appendc(b, *v);
	}
}

/* The # HELP and # TYPE lines before a Prometheus metric. */
static void
metric_head(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A metric without labels: its head and its one sample. */
static void
metric_one(struct buf *b, const char *name, const char *type, const char *help,
    long long value)
{
	metric_head(b, name, type, help);
	buf_printf(b, "%s %lld\n", name, value);
}

/* One histogram's samples: the cumulative buckets, +Inf, sum, count;
 * label is "" or the name of one label, with its value. */
static void
metric_histogram(struct buf *b, const char *name, const char *label,
    const char *value, const double *le, const uint64_t *in, size_t n,
    double sum, uint64_t count)
{
	struct buf lab = BUF_INIT, tail = BUF_INIT;
	uint64_t cum = 0;

	if (*label != '\0') {
		buf_printf(&lab, "%s=\"", label);
		metric_label(&lab, value);
		buf_appends(&lab, "\"");
		buf_printf(&tail, "{%s}", buf_str(&lab));
		buf_appends(&lab, ",");
	}
	for (size_t i = 0; i < n; i++) {
		cum += in[i];
		buf_printf(b, "%s_bucket{%sle=\"%g\"} %llu\n", name,
		    buf_str(&lab), le[i], (unsigned long long)cum);
	}
	buf_printf(b,
	    "%s_bucket{%sle=\"+Inf\"} %llu\n%s_sum%s %.6f\n%s_count%s "
	    "%llu\n",
	    name, buf_str(&lab), (unsigned long long)count, name,
	    buf_str(&tail), sum, name, buf_str(&tail),
	    (unsigned long long)count);
	buf_free(&lab);
	buf_free(&tail);
}

/* A sink's delay histogram. */
static void
metric_delay(struct buf *b, const char *sink, const struct outbox_stats *os)
{
	static const double le[] = OUTBOX_DELAY_BUCKETS;

	metric_histogram(b, "feedwatch_alert_delay_seconds", "sink", sink, le,
	    os->delay_le, OUTBOX_NDELAY_BUCKETS, (double)os->delay_sum_us / 1e6,
	    os->delay_n);
}

/* The build, each feed's last success (the usual way to alert on a
 * stale feed: time() - it) and the fetch-duration histogram. */
static void
metric_feeds(struct buf *b, struct httpapi *h)
{
	static const double le[] = PIPELINE_FETCH_BUCKETS;
	const struct pipeline_stats *st = pipeline_stats(h->pipeline);

	metric_head(b, "feedwatch_build_info", "gauge",
	    "The running feedwatchd: its version.");
	buf_printf(
	    b, "feedwatch_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	metric_head(b, "feedwatch_feed_last_success_timestamp_seconds", "gauge",
	    "When a poll of the feed last worked (0: never).");
	for (size_t i = 0; i < pipeline_nfeeds(h->pipeline); i++) {
		struct sched_feed_status fs;

		pipeline_feed_status(h->pipeline, i, &fs);
		buf_appends(
		    b, "feedwatch_feed_last_success_timestamp_seconds{feed=\"");
		metric_label(b, fs.name);
		buf_printf(b, "\"} %lld\n", (long long)fs.last_success);
	}
	metric_head(b, "feedwatch_fetch_duration_seconds", "histogram",
	    "How long feed polls took.");
	metric_histogram(b, "feedwatch_fetch_duration_seconds", "", NULL, le,
	    st->fetch_le, PIPELINE_NFETCH_BUCKETS, (double)st->fetch_us / 1e6,
	    st->polls);
}

/* The article fetches' part of /metrics. */
static void
httpapi_article_metrics(struct buf *b, const struct pipeline *p)
{
	const struct artwait_stats *as = pipeline_article_stats(p);
	static const char *const res[] = {"fetched", "failed", "stored"};
	uint64_t n[3] = {0, 0, 0}, us = 0, pages = 0;

	if (as != NULL) {
		n[0] = as->fetched;
		n[1] = as->failed;
		n[2] = as->cached;
		us = as->extract_us;
		pages = as->pages;
	}
	metric_head(b, "feedwatch_article_fetches_total", "counter",
	    "Article pages by result (stored: known from an earlier fetch).");
	for (size_t k = 0; k < 3; k++)
		buf_printf(b,
		    "feedwatch_article_fetches_total{result=\"%s\"} "
		    "%llu\n",
		    res[k], (unsigned long long)n[k]);
	metric_one(b, "feedwatch_article_pages_total", "counter",
	    "Article pages parsed.", (long long)pages);
	metric_head(b, "feedwatch_article_extract_seconds_total", "counter",
	    "Time spent parsing article pages and extracting their text.");
	buf_printf(b, "feedwatch_article_extract_seconds_total %.6f\n",
	    (double)us / 1e6);
	metric_one(b, "feedwatch_articles_waiting", "gauge",
	    "New items waiting for their article.",
	    (long long)pipeline_articles_waiting(p));
}

/* A cluster node's part of /metrics (nothing when alone). */
static void
httpapi_cluster_metrics(
    struct buf *b, const struct conf *c, const struct cluster *cl)
{
	struct cluster_stats cs;

	if (cl == NULL)
		return;
	cluster_stats(cl, &cs);
	metric_head(b, "feedwatch_cluster_info", "gauge",
	    "This node's name and its cluster's.");
	buf_appends(b, "feedwatch_cluster_info{cluster=\"");
	metric_label(b, c->cluster.name);
	buf_appends(b, "\",node=\"");
	metric_label(b, cluster_node_name(cl));
	buf_appends(b, "\"} 1\n");
	metric_one(b, "feedwatch_cluster_connected", "gauge",
	    "1 while the NATS connection is up.", cs.connected);
	metric_one(b, "feedwatch_cluster_nodes", "gauge",
	    "Live cluster nodes, this one included.", (long long)cs.nodes);
	metric_one(b, "feedwatch_cluster_owned_feeds", "gauge",
	    "Feeds this node polls.", (long long)cs.owned);
	metric_one(b, "feedwatch_cluster_config_differs", "gauge",
	    "Live nodes whose config hash differs from this node's.",
	    (long long)cs.config_differs);
	metric_one(b, "feedwatch_cluster_handovers_total", "counter",
	    "Feeds this node took over or gave up after its first "
	    "assignment.",
	    (long long)cs.handovers);
	metric_one(b, "feedwatch_cluster_nats_state_lost_total", "counter",
	    "Times NATS came back without its JetStream state and this "
	    "node made its buckets, watches and alerts stream again.",
	    (long long)cs.state_lost);
	metric_one(b, "feedwatch_cluster_state_puts_total", "counter",
	    "Shared feed states written after a poll.",
	    (long long)cs.state_puts);
	metric_one(b, "feedwatch_cluster_state_adopted_total", "counter",
	    "Feeds taken over with the state their last owner shared.",
	    (long long)cs.state_adopted);
	metric_head(b, "feedwatch_cluster_story_kv_ops_total", "counter",
	    "Key-value operations of the cluster-wide story checks: creates "
	    "of story keys, reads of a taken key (which alert was first), "
	    "puts of a key won by an alert that was not raised.");
	buf_printf(b,
	    "feedwatch_cluster_story_kv_ops_total{op=\"create\"} %llu\n"
	    "feedwatch_cluster_story_kv_ops_total{op=\"get\"} %llu\n"
	    "feedwatch_cluster_story_kv_ops_total{op=\"put\"} %llu\n",
	    (unsigned long long)cs.story_creates,
	    (unsigned long long)cs.story_reads,
	    (unsigned long long)cs.story_repoints);
	metric_one(b, "feedwatch_cluster_story_keys_taken_total", "counter",
	    "Story key creates that found the key there (the story alerted "
	    "first on another node, or another feed).",
	    (long long)cs.story_taken);
	metric_head(b, "feedwatch_cluster_sightings_total", "counter",
	    "Later sightings of a story: sent to the node of its alert, and "
	    "recorded in the also_in of an alert of this node.");
	buf_printf(b,
	    "feedwatch_cluster_sightings_total{dir=\"sent\"} %llu\n"
	    "feedwatch_cluster_sightings_total{dir=\"recorded\"} %llu\n",
	    (unsigned long long)cs.sightings_sent,
	    (unsigned long long)cs.sightings_recorded);
}

/* A sample read from a stats struct: its name, type and help, where. */
struct stat_metric {
	const char *name;
	const char *type;
	const char *help;
	size_t offset; /* of a uint64_t */
};

/* The alert flow's counters: the relays' publishes into the alerts
 * stream, then the shared consumer's deliveries. */
static const struct stat_metric bus_metrics[] = {
#define BM(f) "counter", offsetof(struct alertbus_stats, f)
    {"feedwatch_cluster_alerts_published_total",
        "Deliveries this node published into the alerts stream (retries "
        "included).",
        BM(published)},
    {"feedwatch_cluster_alerts_stored_total",
        "Publishes the alerts stream acked as new.", BM(stored)},
    {"feedwatch_cluster_alerts_duplicates_total",
        "Publishes the alerts stream acked as a copy it had (Nats-Msg-Id).",
        BM(duplicates)},
    {"feedwatch_cluster_alerts_consumed_total",
        "Deliveries this node took from the alerts stream.", BM(taken)},
    {"feedwatch_cluster_alerts_redelivered_total",
        "Deliveries taken that another node (or this one) had taken before.",
        BM(redelivered)},
    {"feedwatch_cluster_alerts_delivered_total",
        "Deliveries the sink took, acked.", BM(delivered)},
    {"feedwatch_cluster_alerts_naks_total",
        "Deliveries handed back to the stream for a later retry.", BM(retried)},
    {"feedwatch_cluster_alerts_failed_total",
        "Deliveries acked after a permanent failure or give-up-after.",
        BM(failed)},
#undef BM
};

/* The process's one NATS connection (the cluster node's and the alert
 * flow's): round trips by kind, and what else went over it. */
static const struct stat_metric nats_metrics[] = {
#define NM(t, f) t, offsetof(struct natsconn_stats, f)
    {"feedwatch_nats_round_trips_total",
        "NATS round trips of every kind, answered or timed out.",
        NM("counter", round_trips)},
    {"feedwatch_nats_kv_ops_total",
        "NATS key-value round trips (create, put, update, delete, get).",
        NM("counter", kv_ops)},
    {"feedwatch_nats_publishes_total",
        "JetStream stream publishes, each a round trip to its ack.",
        NM("counter", publishes)},
    {"feedwatch_nats_api_calls_total",
        "JetStream set-up round trips (streams, buckets).",
        NM("counter", api_calls)},
    {"feedwatch_nats_errors_total", "NATS round trips that failed.",
        NM("counter", errors)},
    {"feedwatch_nats_acks_total",
        "Acks, naks and progress notes sent for consumed messages.",
        NM("counter", acks)},
    {"feedwatch_nats_watch_updates_total",
        "Key-value updates the watches received.",
        NM("counter", watch_updates)},
    {"feedwatch_nats_disconnects_total", "NATS connections lost.",
        NM("counter", disconnects)},
    {"feedwatch_nats_reconnects_total", "NATS connections made again.",
        NM("counter", reconnects)},
    {"feedwatch_nats_queued", "NATS operations waiting for a worker.",
        NM("gauge", queued)},
#undef NM
};

/* Every sample of a table, read from the struct at st. */
static void
metric_table(
    struct buf *b, const struct stat_metric *t, size_t n, const void *st)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)st + t[i].offset, sizeof(v));
		metric_one(b, t[i].name, t[i].type, t[i].help, (long long)v);
	}
}

/* With a [cluster] (a node, or --once): the alert flow, the connection. */
static void
httpapi_bus_metrics(struct buf *b, const struct pipeline *p)
{
	struct alertbus_stats bs;
	struct natsconn_stats ns;
	const struct natsconn *nc = pipeline_natsconn(p);

	if (pipeline_alertbus_stats(p, &bs) == 0)
		metric_table(b, bus_metrics,
		    sizeof(bus_metrics) / sizeof(*bus_metrics), &bs);
	if (nc == NULL)
		return;
	natsconn_stats(nc, &ns);
	metric_one(b, "feedwatch_nats_connected", "gauge",
	    "1 while the NATS connection is up.", ns.connected);
	metric_table(
	    b, nats_metrics, sizeof(nats_metrics) / sizeof(*nats_metrics), &ns);
}

/* The status API's /metrics: counters and gauges in Prometheus text. */
static void
httpapi_metrics(struct httpapi *h, struct httpreq *req)
{
	const struct pipeline_stats *st = pipeline_stats(h->pipeline);
	struct buf b = BUF_INIT;
	size_t disabled = 0, failing = 0;

	for (size_t i = 0; i < pipeline_nfeeds(h->pipeline); i++) {
		struct sched_feed_status fs;
		pipeline_feed_status(h->pipeline, i, &fs);
		disabled += !fs.enabled;
		failing += fs.enabled && fs.errors > 0;
	}
	metric_head(
	    &b, "feedwatch_polls_total", "counter", "Feed polls by result.");
	buf_printf(&b, "feedwatch_polls_total{result=\"ok\"} %llu\n",
	    (unsigned long long)(st->polls - st->not_modified -
	        st->poll_errors - st->unchanged));
	buf_printf(&b, "feedwatch_polls_total{result=\"unchanged\"} %llu\n",
	    (unsigned long long)st->unchanged);
	buf_printf(&b, "feedwatch_polls_total{result=\"not_modified\"} %llu\n",
	    (unsigned long long)st->not_modified);
	buf_printf(&b, "feedwatch_polls_total{result=\"error\"} %llu\n",
	    (unsigned long long)st->poll_errors);
	metric_one(&b, "feedwatch_fetched_bytes_total", "counter",
	    "Feed bytes read.", (long long)st->bytes);
	metric_one(&b, "feedwatch_items_new_total", "counter",
	    "Items seen for the first time.", (long long)st->items_new);
	metric_one(&b, "feedwatch_items_again_total", "counter",
	    "Old items left unread: they came again byte for byte.",
	    (long long)st->items_again);
	metric_head(&b, "feedwatch_alerts_total", "counter",
	    "Alerts raised, by watchlist.");
	for (size_t i = 0; i < h->conf->nwatchlists; i++) {
		buf_appends(&b, "feedwatch_alerts_total{watchlist=\"");
		metric_label(&b, h->conf->watchlists[i].name);
		buf_printf(&b, "\"} %llu\n",
		    (unsigned long long)pipeline_watchlist_alerts(
		        h->pipeline, i));
	}
	metric_one(&b, "feedwatch_giant_tags_total", "counter",
	    "Start tags over 1 MiB read without their attributes.",
	    (long long)st->giant_tags);
	metric_one(&b, "feedwatch_duplicate_stories_total", "counter",
	    "Alerts not raised because the watchlist had the story.",
	    (long long)st->duplicates);
	metric_head(&b, "feedwatch_deliveries_total", "counter",
	    "Delivery attempts by sink and result.");
	for (size_t i = 0; i < h->conf->nsinks; i++) {
		const struct outbox_stats *os =
		    pipeline_sink_stats(h->pipeline, i);
		const char *res[] = {"delivered", "retry", "failed"};
		uint64_t n[] = {os->delivered, os->retried, os->failed};

		for (size_t k = 0; k < 3; k++) {
			buf_appends(&b, "feedwatch_deliveries_total{sink=\"");
			metric_label(&b, h->conf->sinks[i].name);
			buf_printf(&b, "\",result=\"%s\"} %llu\n", res[k],
			    (unsigned long long)n[k]);
		}
	}
	metric_head(&b, "feedwatch_alert_delay_seconds", "histogram",
	    "From the end of an alert's fetch to its sink's acceptance, "
	    "first attempts.");
	for (size_t i = 0; i < h->conf->nsinks; i++)
		metric_delay(&b, h->conf->sinks[i].name,
		    pipeline_sink_stats(h->pipeline, i));
	metric_one(&b, "feedwatch_outbox_depth", "gauge",
	    "Deliveries waiting in the outbox.",
	    (long long)store_outbox_depth(h->store));
	metric_head(&b, "feedwatch_feeds", "gauge", "Feeds by state.");
	buf_printf(&b, "feedwatch_feeds{state=\"polling\"} %zu\n",
	    pipeline_nfeeds(h->pipeline) - disabled - failing);
	buf_printf(&b, "feedwatch_feeds{state=\"failing\"} %zu\n", failing);
	buf_printf(&b, "feedwatch_feeds{state=\"disabled\"} %zu\n", disabled);
	metric_one(&b, "feedwatch_http_connections", "gauge",
	    "Status API connections open.",
	    (long long)httpserv_connections(h->http));
	metric_one(&b, "feedwatch_http_refused_total", "counter",
	    "Status API connections refused: all busy, or no descriptor.",
	    (long long)httpserv_refused(h->http));
	metric_head(&b, "feedwatch_loop_lag_seconds", "gauge",
	    "How late the event loop ran a timer, last probe.");
	buf_printf(&b, "feedwatch_loop_lag_seconds %.6f\n", h->lag_last_s);
	metric_head(&b, "feedwatch_loop_lag_max_seconds", "gauge",
	    "The longest loop lag since the daemon started.");
	buf_printf(&b, "feedwatch_loop_lag_max_seconds %.6f\n", h->lag_max_s);
	metric_feeds(&b, h);
	httpapi_article_metrics(&b, h->pipeline);
	httpapi_cluster_metrics(&b, h->conf, pipeline_cluster(h->pipeline));
	httpapi_bus_metrics(&b, h->pipeline);
	httpapi_reply(req, 200, "text/plain; version=0.0.4; charset=utf-8",
	    buf_str(&b), b.len);
	buf_free(&b);
}

/* A time as RFC 3339, or null for "never". */
static json_t *
json_time(time_t t)
{
	char s[RFC3339_LEN];

	return t == 0 ? json_null() : json_string(time_rfc3339(t, s));
}

/* The status API's /feeds: one JSON object per configured feed. */
static void
httpapi_feeds(struct httpapi *h, struct httpreq *req)
{
	const struct cluster *cl = pipeline_cluster(h->pipeline);
	json_t *a = json_array();

	for (size_t i = 0; i < pipeline_nfeeds(h->pipeline); i++) {
		struct sched_feed_status fs;
		json_t *o = json_object();
		char *shown;

		pipeline_feed_status(h->pipeline, i, &fs);
		shown = url_redact(fs.url);
		json_object_set_new(o, "name", json_string(fs.name));
		json_object_set_new(o, "url", json_string(shown));
		free(shown);
		if (fs.title != NULL)
			json_object_set_new(o, "title", json_string(fs.title));
		json_object_set_new(o, "enabled", json_boolean(fs.enabled));
		json_object_set_new(o, "last_poll", json_time(fs.last_poll));
		json_object_set_new(
		    o, "last_success", json_time(fs.last_success));
		json_object_set_new(o, "status",
		    fs.last_poll == 0 && fs.status != FETCH_GONE
		        ? json_null()
		        : json_string(fetch_status_name(fs.status)));
		json_object_set_new(o, "http_status",
		    fs.http_code > 0 ? json_integer(fs.http_code)
		                     : json_null());
		json_object_set_new(
		    o, "bytes", json_integer((json_int_t)fs.bytes));
		json_object_set_new(
		    o, "items", json_integer((json_int_t)fs.items));
		json_object_set_new(o, "errors", json_integer(fs.errors));
		json_object_set_new(o, "error",
		    fs.error != NULL ? json_string(fs.error) : json_null());
		json_object_set_new(o, "in_flight", json_boolean(fs.in_flight));
		json_object_set_new(o, "next_poll", json_time(fs.next_poll));
		if (cl != NULL)
			json_object_set_new(o, "owner",
			    cluster_feed_owner(cl, i) != NULL
			        ? json_string(cluster_feed_owner(cl, i))
			        : json_null());
		json_array_append_new(a, o);
	}
	httpapi_reply_json(req, 200, a);
}

/* One stored alert into the answer, its also_in filled from the store. */
static void
httpapi_alert_cb(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	json_t *a = arg, *d = alertdoc_stored(doc, also_in);

	if (d != NULL)
		json_array_append_new(a, d);
}

/* The status API's /alerts: stored alerts since ?since= (default 24h). */
static void
httpapi_alerts(struct httpapi *h, struct httpreq *req, const char *query)
{
	struct evkeyvalq params;
	const char *since_s = NULL;
	time_t since = time(NULL) - HTTPAPI_ALERTS_DEFAULT_S;
	json_t *a;

	TAILQ_INIT(&params);
	if (query != NULL && evhttp_parse_query_str(query, &params) == 0)
		since_s = evhttp_find_header(&params, "since");
	if (since_s != NULL && time_parse_rfc3339(since_s, &since) == -1) {
		evhttp_clear_headers(&params);
		httpapi_error(req, 400,
		    "since: expected an RFC 3339 time such as "
		    "2024-10-29T01:00:00Z");
		return;
	}
	evhttp_clear_headers(&params);
	a = json_array();
	if (store_alerts_since(h->store, since, HTTPAPI_ALERTS_MAX,
	        httpapi_alert_cb, a) == -1) {
		json_decref(a);
		httpapi_error(req, 500, store_error(h->store));
		return;
	}
	httpapi_reply_json(req, 200, a);
}

/* Equal strings, in a time that depends on the lengths only, so that a
 * client cannot learn the token a byte at a time. */
static int
httpapi_token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < lb; i++)
		d |= (unsigned char)(i < la ? a[i] : 0) ^ (unsigned char)b[i];
	return d == 0;
}

/* With http-token set, does the request carry "Bearer TOKEN"? */
static int
httpapi_authorized(const struct httpapi *h, const char *auth)
{
	const char *token = h->conf->daemon.http_token;

	if (token == NULL)
		return 1;
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	auth += 7;
	auth += strspn(auth, " ");
	return httpapi_token_equal(auth, token);
}

/* Is name (n bytes) the host of "host:port" addr, case aside? */
static int
httpapi_host_is(const char *name, size_t n, const char *addr)
{
	const char *colon = strrchr(addr, ':');
	size_t hlen = colon != NULL ? (size_t)(colon - addr) : strlen(addr);

	return n == hlen && strncasecmp(name, addr, n) == 0;
}

/*
 * Without a token, the Host header must name this server: its configured
 * address, a name of http-host, or localhost on a loopback address.  A web
 * page whose name an attacker points at 127.0.0.1 (DNS rebinding) sends
 * its own name and is refused.  A request without Host (HTTP/1.0) comes
 * from no browser and is let in.
 */
static int
httpapi_host_ok(const struct httpapi *h, const char *host)
{
	const struct conf_daemon *d = &h->conf->daemon;
	const char *end;
	size_t n;

	if (d->http_token != NULL || host == NULL)
		return 1;
	end = host[0] == '[' ? strchr(host, ']') : strchr(host, ':');
	if (end == NULL)
		end = host + strlen(host);
	else if (*end == ']')
		end++;
	if (*end != '\0' &&
	    (*end != ':' || strspn(end + 1, "0123456789") != strlen(end + 1)))
		return 0;
	n = (size_t)(end - host);
	if (httpapi_host_is(host, n, h->addr))
		return 1;
	if (conf_http_loopback(h->addr) && n == 9 &&
	    strncasecmp(host, "localhost", 9) == 0)
		return 1;
	for (size_t i = 0; i < d->nhttp_hosts; i++)
		if (strlen(d->http_hosts[i]) == n &&
		    strncasecmp(host, d->http_hosts[i], n) == 0)
			return 1;
	return 0;
}

/* 401 with the scheme to use. */
static void
httpapi_unauthorized(struct httpreq *req)
{
	httpreq_add_field(
	    req, "WWW-Authenticate", "Bearer realm=\"feedwatch\"");
	httpapi_error(req, 401,
	    "unauthorized: send Authorization: Bearer with the http-token");
}

/* Route a GET or HEAD by path; 503 until a pipeline is set; every path
 * but /healthz needs the token when one is set, or else a Host that names
 * this server. */
static void
httpapi_request(struct httpreq *req, void *arg)
{
	struct httpapi *h = arg;
	const char *path = req->path;

	if (h->pipeline == NULL)
		httpapi_error(req, 503, "starting");
	else if (strcmp(path, "/healthz") == 0)
		httpapi_healthz(h, req);
	else if (!httpapi_host_ok(h, httpreq_field(req, "Host")))
		httpapi_error(req, 403,
		    "forbidden: the Host header names neither this server's "
		    "address nor an http-host name");
	else if (httppage_public(req, path))
		;
	else if (!httpapi_authorized(h, httpreq_field(req, "Authorization")))
		httpapi_unauthorized(req);
	else if (httppage_route(req, path, req->query, h->store, h->conf))
		;
	else if (strcmp(path, "/metrics") == 0)
		httpapi_metrics(h, req);
	else if (strcmp(path, "/feeds") == 0)
		httpapi_feeds(h, req);
	else if (strcmp(path, "/alerts") == 0)
		httpapi_alerts(h, req, req->query);
	else
		httpapi_error(req, 404,
		    "not found; try /, /healthz, /metrics, /feeds, /alerts, "
		    "/alerts.atom or /silences");
}

/* Timer: how late it fired is the loop lag; then arm it again. */
static void
httpapi_lag_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpapi *h = arg;
	uint64_t now = time_mono_us();
	struct timeval tv = {0, HTTPAPI_LAG_PROBE_MS * 1000};

	h->lag_last_s =
	    now > h->lag_due_us ? (double)(now - h->lag_due_us) / 1e6 : 0;
	if (h->lag_last_s > h->lag_max_s)
		h->lag_max_s = h->lag_last_s;
	h->lag_due_us = now + HTTPAPI_LAG_PROBE_MS * 1000;
	evtimer_add(h->lag_ev, &tv);
}

/* "host:port" or "[v6]:port" into its parts; -1 when malformed. */
static int
httpapi_split_addr(const char *addr, char **host, unsigned short *port)
{
	const char *colon = strrchr(addr, ':');
	const char *h = addr;
	size_t hlen;
	long p;
	char *end;

	if (colon == NULL)
		return -1;
	hlen = (size_t)(colon - addr);
	if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	p = strtol(colon + 1, &end, 10);
	if (hlen == 0 || *end != '\0' || p < 1 || p > 65535)
		return -1;
	*host = xstrndup(h, hlen);
	*port = (unsigned short)p;
	return 0;
}

/* Listen on addr and start the loop-lag probe. */
struct httpapi *
httpapi_new(
    struct event_base *base, const char *addr, struct store *st, char **err)
{
	struct httpapi *h;
	char *host;
	unsigned short port;

	if (httpapi_split_addr(addr, &host, &port) == -1) {
		xasprintf(err, "http = %s: expected HOST:PORT", addr);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->base = base;
	h->store = st;
	h->addr = xstrdup(addr);
	if ((h->http = httpserv_new(
	         base, host, port, httpapi_request, h, err)) == NULL) {
		free(host);
		httpapi_free(h);
		return NULL;
	}
	free(host);
	h->lag_ev = evtimer_new(base, httpapi_lag_cb, h);
	h->lag_due_us = time_mono_us();
	httpapi_lag_cb(-1, 0, h);
	return h;
}

/* The config and pipeline the answers describe; NULL p answers 503. */
void
httpapi_set_source(
    struct httpapi *h, const struct conf *c, const struct pipeline *p)
{
	struct httpserv_limits lim = {c->daemon.http_max_connections,
	    c->daemon.http_header_timeout_ms, c->daemon.http_idle_timeout_ms};

	h->conf = c;
	h->pipeline = p;
	httpserv_set_limits(h->http, &lim);
}

/* The address as configured, to tell whether a reload changed it. */
const char *
httpapi_addr(const struct httpapi *h)
{
	return h->addr;
}

/* Stop listening and free; NULL is allowed. */
void
httpapi_free(struct httpapi *h)
{
	if (h == NULL)
		return;
	if (h->lag_ev != NULL)
		event_free(h->lag_ev);
	httpserv_free(h->http);
	free(h->addr);
	free(h);
}
