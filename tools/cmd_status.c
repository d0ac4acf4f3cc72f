/*
 * feedwatch status: ask a running feedwatchd through its status API (the
 * config's `http` address) and print what a person wants to know: is it
 * up, how are the feeds, what alerted lately, is anything waiting in the
 * outbox.  A blocking libcurl transfer is fine here: this is a command,
 * not the daemon's loop.
 */
#include "config.h"

#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "tools/commands.h"

/* The SPEC's example address, when neither --http nor -c says. */
#define STATUS_DEFAULT_PORT 8740
#define STATUS_DEFAULT_ADDR "127.0.0.1:8740"
/* A daemon that does not answer within this is reported as not up. */
#define STATUS_TIMEOUT_MS 5000
/* Answers larger than this are cut (1,000 alerts fit easily). */
#define STATUS_MAX_BODY (16 * 1024 * 1024)
/* Recent alerts listed, newest last. */
#define STATUS_SHOW_ALERTS 10

/* curl's write callback: append to the buffer, refusing past the cap. */
static size_t
status_write(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (b->len + size * n > STATUS_MAX_BODY)
		return 0;
	buf_append(b, p, size * n);
	return size * n;
}

/* The config's http-token, sent as a bearer token when -c gives one. */
static const char *status_token;

/* GET http://ADDR/path into body; 0, or -1 with a message on stderr. */
static int
status_get(const char *addr, const char *path, struct buf *body)
{
	CURL *c = curl_easy_init();
	char url[512], errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;

	snprintf(url, sizeof(url), "http://%s%s", addr, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, status_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)STATUS_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (status_token != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, status_token);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		fprintf(stderr,
		    "feedwatch status: no answer from feedwatchd at %s: %s\n",
		    addr, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		return -1;
	}
	if (code != 200) {
		fprintf(
		    stderr, "feedwatch status: %s answered %ld\n", url, code);
		return -1;
	}
	return 0;
}

/* GET path and parse it as JSON; NULL with a message on stderr. */
static json_t *
status_get_json(const char *addr, const char *path)
{
	struct buf b = BUF_INIT;
	json_error_t e;
	json_t *j = NULL;

	if (status_get(addr, path, &b) == 0 &&
	    (j = json_loads(buf_str(&b), 0, &e)) == NULL)
		fprintf(stderr, "feedwatch status: %s: not JSON: %s\n", path,
		    e.text);
	buf_free(&b);
	return j;
}

/* One value of a Prometheus text line "name{labels} value", or -1. */
static double
status_metric(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; p != NULL && *p != '\0';) {
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return -1;
}

/* The article line, when the daemon fetches articles at all. */
static void
status_print_articles(const char *m)
{
	double f = status_metric(
	           m, "feedwatch_article_fetches_total{result=\"fetched\"}"),
	       x = status_metric(
	           m, "feedwatch_article_fetches_total{result=\"failed\"}"),
	       s = status_metric(
	           m, "feedwatch_article_fetches_total{result=\"stored\"}"),
	       w = status_metric(m, "feedwatch_articles_waiting"),
	       t = status_metric(m, "feedwatch_article_extract_seconds_total"),
	       n = status_metric(m, "feedwatch_article_pages_total");

	if (f <= 0 && x <= 0 && s <= 0 && w <= 0)
		return;
	printf("articles: %.0f fetched, %.0f failed, %.0f from the store; "
	       "%.0f waiting; extraction %.1f ms a page\n",
	    f, x, s, w, n > 0 ? t * 1000 / n : 0.0);
}

/* The value of label in the first sample of series "name{...}" (the
 * text up to its closing quote), or "?". */
static void
status_label(const char *text, const char *name, const char *label, char *out,
    size_t size)
{
	char want[128];
	const char *p, *end;
	size_t n;

	snprintf(out, size, "?");
	snprintf(want, sizeof(want), "\n%s{", name);
	if ((p = strstr(text, want)) == NULL)
		return;
	end = strchr(p + 1, '\n');
	snprintf(want, sizeof(want), "%s=\"", label);
	if ((p = strstr(p, want)) == NULL || (end != NULL && p > end))
		return;
	p += strlen(want);
	n = strcspn(p, "\"\n");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

/* The cluster lines, when the daemon has a [cluster]: the node, the live
 * set, its NATS round trips, and the alert flow through the stream. */
static void
status_print_cluster(const char *m)
{
	double nodes = status_metric(m, "feedwatch_cluster_nodes");
	double pub =
	    status_metric(m, "feedwatch_cluster_alerts_published_total");
	char node[64], name[64];

	if (nodes >= 0) {
		status_label(
		    m, "feedwatch_cluster_info", "node", node, sizeof(node));
		status_label(
		    m, "feedwatch_cluster_info", "cluster", name, sizeof(name));
		printf("cluster %s: node %s, %.0f live nodes, %.0f feeds "
		       "owned, %.0f hand-overs; NATS %s\n",
		    name, node, nodes,
		    status_metric(m, "feedwatch_cluster_owned_feeds"),
		    status_metric(m, "feedwatch_cluster_handovers_total"),
		    status_metric(m, "feedwatch_cluster_connected") > 0
		        ? "connected"
		        : "not connected");
	}
	if (status_metric(m, "feedwatch_nats_round_trips_total") >= 0)
		printf("NATS round trips: %.0f (%.0f key-value, %.0f stream "
		       "publishes, %.0f set-up), %.0f failed\n",
		    status_metric(m, "feedwatch_nats_round_trips_total"),
		    status_metric(m, "feedwatch_nats_kv_ops_total"),
		    status_metric(m, "feedwatch_nats_publishes_total"),
		    status_metric(m, "feedwatch_nats_api_calls_total"),
		    status_metric(m, "feedwatch_nats_errors_total"));
	if (pub < 0)
		return;
	printf("cluster alerts: %.0f published (%.0f stored, %.0f "
	       "duplicates); %.0f taken (%.0f redelivered), %.0f delivered, "
	       "%.0f nak'ed, %.0f failed\n",
	    pub, status_metric(m, "feedwatch_cluster_alerts_stored_total"),
	    status_metric(m, "feedwatch_cluster_alerts_duplicates_total"),
	    status_metric(m, "feedwatch_cluster_alerts_consumed_total"),
	    status_metric(m, "feedwatch_cluster_alerts_redelivered_total"),
	    status_metric(m, "feedwatch_cluster_alerts_delivered_total"),
	    status_metric(m, "feedwatch_cluster_alerts_naks_total"),
	    status_metric(m, "feedwatch_cluster_alerts_failed_total"));
}

/* A string member of o, or "-" when absent or not a string. */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "-";
}

/* A count line, then each feed's state, last and next poll, items. */
static void
status_print_feeds(json_t *feeds)
{
	size_t i, failing = 0, disabled = 0;
	json_t *f;

	json_array_foreach(feeds, i, f)
	{
		disabled += !json_is_true(json_object_get(f, "enabled"));
		failing += json_integer_value(json_object_get(f, "errors")) > 0;
	}
	printf("feeds: %zu (%zu failing, %zu disabled)\n",
	    json_array_size(feeds), failing, disabled);
	json_array_foreach(feeds, i, f)
	{
		json_t *code = json_object_get(f, "http_status");
		const char *err =
		    json_string_value(json_object_get(f, "error"));
		char state[64];

		if (!json_is_true(json_object_get(f, "enabled")))
			snprintf(state, sizeof(state), "disabled");
		else if (json_is_integer(code))
			snprintf(state, sizeof(state), "%s %lld",
			    jstr(f, "status"),
			    (long long)json_integer_value(code));
		else
			snprintf(state, sizeof(state), "%s", jstr(f, "status"));
		printf("  %-20s %-16s last %-20s next %-20s %lld items\n",
		    jstr(f, "name"), state, jstr(f, "last_poll"),
		    jstr(f, "next_poll"),
		    (long long)json_integer_value(json_object_get(f, "items")));
		if (json_is_string(json_object_get(f, "title")))
			printf("  %-20s title: %s\n", "", jstr(f, "title"));
		if (err != NULL)
			printf("  %-20s error: %s\n", "", err);
		if (json_is_string(json_object_get(f, "owner")))
			printf("  %-20s owner: %s\n", "", jstr(f, "owner"));
	}
}

/* The day's alert count and the last STATUS_SHOW_ALERTS of them. */
static void
status_print_alerts(json_t *alerts)
{
	size_t n = json_array_size(alerts), i;
	json_t *a;

	printf("alerts in the last 24 hours: %zu\n", n);
	json_array_foreach(alerts, i, a)
	{
		json_t *item = json_object_get(a, "item");
		json_t *also = json_object_get(a, "also_in");

		if (i + STATUS_SHOW_ALERTS < n)
			continue;
		printf("  %s  %-14s %3lld/%-3lld %s\n", jstr(a, "fired_at"),
		    jstr(a, "watchlist"),
		    (long long)json_integer_value(json_object_get(a, "score")),
		    (long long)json_integer_value(
		        json_object_get(a, "threshold")),
		    jstr(item, "title"));
		printf("  %20s  %s", "", jstr(item, "link"));
		if (json_array_size(also) > 0) {
			size_t k;
			json_t *f;
			printf("  (also in");
			json_array_foreach(also, k, f)
			    printf(" %s", json_string_value(f));
			printf(")");
		}
		printf("\n");
	}
}

const char cmd_status_options[] =
    "      --http HOST[:PORT]  the daemon's status API (port 8740 when\n"
    "                          omitted; default " STATUS_DEFAULT_ADDR ")\n"
    "  -c, --config CONF       the API at CONF's `http` address\n";

/* HOST alone means the status API's usual port: HOST:8740.  An address
 * that already has a port ("h:1", "[::1]:1") is kept as it is. */
static char *
status_addr_port(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	char *s;

	if (colon != NULL && (addr[0] != '[' || colon > strchr(addr, ']')))
		return xstrdup(addr);
	xasprintf(&s, "%s:%d", addr, STATUS_DEFAULT_PORT);
	return s;
}

/* `feedwatch status`: ask the daemon's status API and print a summary. */
int
cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"http", required_argument, NULL, 'H'},
	    {"config", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *addr = NULL, *conffile = NULL;
	char *given = NULL;
	struct conf *conf = NULL;
	struct buf metrics = BUF_INIT;
	json_t *feeds = NULL, *alerts = NULL;
	char *err = NULL, since[RFC3339_LEN], path[64];
	int ch, rc = EXIT_BAD;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			free(given);
			addr = given = status_addr_port(optarg);
			break;
		case 'c':
			conffile = optarg;
			break;
		default:
			free(given);
			return command_usage("status");
		}
	}
	if (optind != argc) {
		free(given);
		return command_usage("status");
	}
	if (addr == NULL && conffile != NULL) {
		if ((conf = conf_load(conffile, &err)) == NULL) {
			fprintf(stderr, "feedwatch status: %s\n", err);
			free(err);
			return EXIT_BAD;
		}
		if (conf->daemon.http == NULL) {
			fprintf(stderr,
			    "feedwatch status: %s sets no `http` address; the "
			    "daemon has no status API to ask\n",
			    conffile);
			conf_free(conf);
			return EXIT_BAD;
		}
		addr = conf->daemon.http;
		status_token = conf->daemon.http_token;
	}
	if (addr == NULL)
		addr = STATUS_DEFAULT_ADDR;
	if (status_get(addr, "/metrics", &metrics) == -1 ||
	    (feeds = status_get_json(addr, "/feeds")) == NULL)
		goto done;
	snprintf(path, sizeof(path), "/alerts?since=%s",
	    time_rfc3339(time(NULL) - 24 * 3600, since));
	if ((alerts = status_get_json(addr, path)) == NULL)
		goto done;
	printf("feedwatchd at %s: up\n", addr);
	printf("polls: %.0f ok, %.0f not modified, %.0f failed; %.0f new "
	       "items; outbox: %.0f waiting\n",
	    status_metric(
	        buf_str(&metrics), "feedwatch_polls_total{result=\"ok\"}"),
	    status_metric(buf_str(&metrics),
	        "feedwatch_polls_total{result=\"not_modified\"}"),
	    status_metric(
	        buf_str(&metrics), "feedwatch_polls_total{result=\"error\"}"),
	    status_metric(buf_str(&metrics), "feedwatch_items_new_total"),
	    status_metric(buf_str(&metrics), "feedwatch_outbox_depth"));
	status_print_articles(buf_str(&metrics));
	status_print_cluster(buf_str(&metrics));
	status_print_feeds(feeds);
	status_print_alerts(alerts);
	rc = EXIT_OK;
done:
	free(given);
	json_decref(feeds);
	json_decref(alerts);
	buf_free(&metrics);
	conf_free(conf);
	return rc;
}
