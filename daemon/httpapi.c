/*
 * The status API: see httpapi.h.  Answers are built from what the pipeline
 * and the store already keep; nothing here changes state.  The loop lag is
 * measured by a timer that should fire every HTTPAPI_LAG_PROBE_MS: how late
 * it fires is how long the loop was busy.
 */
#include "config.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <string.h>
#include <time.h>

#include "alerts/outbox.h"
#include "common/buf.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/artwait.h"
#include "daemon/httpapi.h"
#include "daemon/pipeline.h"
#include "feeds/sched.h"
#include "store/store.h"

/* How often the loop-lag probe should fire. */
#define HTTPAPI_LAG_PROBE_MS 500

struct httpapi {
	struct event_base *base;
	struct evhttp *http;
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
httpapi_reply(struct evhttp_request *req, int code, const char *type,
    const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(
	    evhttp_request_get_output_headers(req), "Content-Type", type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
	evbuffer_free(b);
}

/* Send j, indented, keys in insertion order; takes j's reference. */
static void
httpapi_reply_json(struct evhttp_request *req, int code, json_t *j)
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
httpapi_error(struct evhttp_request *req, int code, const char *msg)
{
	json_t *j = json_object();

	json_object_set_new(j, "error", json_string(msg));
	httpapi_reply_json(req, code, j);
}

/* The status API's /healthz: "ok" whenever the loop answers. */
static void
httpapi_healthz(struct httpapi *h, struct evhttp_request *req)
{
	httpapi_reply(req, 200, "text/plain; charset=utf-8", "ok\n", 3);
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

/* The status API's /metrics: counters and gauges in Prometheus text. */
static void
httpapi_metrics(struct httpapi *h, struct evhttp_request *req)
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
	        st->poll_errors));
	buf_printf(&b, "feedwatch_polls_total{result=\"not_modified\"} %llu\n",
	    (unsigned long long)st->not_modified);
	buf_printf(&b, "feedwatch_polls_total{result=\"error\"} %llu\n",
	    (unsigned long long)st->poll_errors);
	metric_one(&b, "feedwatch_fetched_bytes_total", "counter",
	    "Feed bytes read.", (long long)st->bytes);
	metric_one(&b, "feedwatch_items_new_total", "counter",
	    "Items seen for the first time.", (long long)st->items_new);
	metric_head(&b, "feedwatch_alerts_total", "counter",
	    "Alerts raised, by watchlist.");
	for (size_t i = 0; i < h->conf->nwatchlists; i++) {
		buf_appends(&b, "feedwatch_alerts_total{watchlist=\"");
		metric_label(&b, h->conf->watchlists[i].name);
		buf_printf(&b, "\"} %llu\n",
		    (unsigned long long)pipeline_watchlist_alerts(
		        h->pipeline, i));
	}
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
	metric_one(&b, "feedwatch_outbox_depth", "gauge",
	    "Deliveries waiting in the outbox.",
	    (long long)store_outbox_depth(h->store));
	metric_head(&b, "feedwatch_feeds", "gauge", "Feeds by state.");
	buf_printf(&b, "feedwatch_feeds{state=\"polling\"} %zu\n",
	    pipeline_nfeeds(h->pipeline) - disabled - failing);
	buf_printf(&b, "feedwatch_feeds{state=\"failing\"} %zu\n", failing);
	buf_printf(&b, "feedwatch_feeds{state=\"disabled\"} %zu\n", disabled);
	metric_head(&b, "feedwatch_loop_lag_seconds", "gauge",
	    "How late the event loop ran a timer, last probe.");
	buf_printf(&b, "feedwatch_loop_lag_seconds %.6f\n", h->lag_last_s);
	metric_head(&b, "feedwatch_loop_lag_max_seconds", "gauge",
	    "The longest loop lag since the daemon started.");
	buf_printf(&b, "feedwatch_loop_lag_max_seconds %.6f\n", h->lag_max_s);
	httpapi_article_metrics(&b, h->pipeline);
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
httpapi_feeds(struct httpapi *h, struct evhttp_request *req)
{
	json_t *a = json_array();

	for (size_t i = 0; i < pipeline_nfeeds(h->pipeline); i++) {
		struct sched_feed_status fs;
		json_t *o = json_object();

		pipeline_feed_status(h->pipeline, i, &fs);
		json_object_set_new(o, "name", json_string(fs.name));
		json_object_set_new(o, "url", json_string(fs.url));
		json_object_set_new(o, "enabled", json_boolean(fs.enabled));
		json_object_set_new(o, "last_poll", json_time(fs.last_poll));
		json_object_set_new(o, "status",
		    fs.last_poll == 0 && fs.enabled
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
		json_array_append_new(a, o);
	}
	httpapi_reply_json(req, 200, a);
}

/* One stored alert into the answer, its also_in filled from the store. */
static void
httpapi_alert_cb(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	json_t *a = arg, *d = json_loads(doc, 0, NULL), *feeds;

	if (d == NULL)
		return;
	feeds = json_array();
	while (also_in != NULL && *also_in != '\0') {
		size_t n = strcspn(also_in, " ");
		json_array_append_new(feeds, json_stringn(also_in, n));
		also_in += n + (also_in[n] == ' ');
	}
	json_object_set_new(d, "also_in", feeds);
	json_array_append_new(a, d);
}

/* The status API's /alerts: stored alerts since ?since= (default 24h). */
static void
httpapi_alerts(struct httpapi *h, struct evhttp_request *req, const char *query)
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

/* Route a GET or HEAD by path; 503 until a pipeline is set. */
static void
httpapi_request(struct evhttp_request *req, void *arg)
{
	struct httpapi *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;

	if (h->pipeline == NULL)
		httpapi_error(req, 503, "starting");
	else if (path == NULL)
		httpapi_error(req, 400, "bad request");
	else if (strcmp(path, "/healthz") == 0)
		httpapi_healthz(h, req);
	else if (strcmp(path, "/metrics") == 0)
		httpapi_metrics(h, req);
	else if (strcmp(path, "/feeds") == 0)
		httpapi_feeds(h, req);
	else if (strcmp(path, "/alerts") == 0)
		httpapi_alerts(h, req, evhttp_uri_get_query(uri));
	else
		httpapi_error(req, 404,
		    "not found; try /healthz, /metrics, /feeds or /alerts");
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
	h->http = evhttp_new(base);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(h->http, httpapi_request, h);
	if (evhttp_bind_socket(h->http, host, port) == -1) {
		xasprintf(err, "status API: cannot listen on %s: %s", addr,
		    errno != 0 ? strerror(errno) : "address unavailable");
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
	h->conf = c;
	h->pipeline = p;
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
	evhttp_free(h->http);
	free(h->addr);
	free(h);
}
