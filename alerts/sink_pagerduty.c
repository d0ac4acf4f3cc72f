/*
 * The pagerduty sink: an Events API v2 "trigger" per alert or digest,
 * POSTed to `api` (the public enqueue endpoint by default) with the
 * routing key of a service's integration.  dedup_key is the alert's (or
 * digest's) id, so a trigger retried after its answer was lost, even by
 * the next run, lands on the same incident.  The severity is `severity`:
 * one word, or a list "MIN=word ... word" that picks the first whose
 * MIN the score reaches (the last word, bare, for every other score);
 * without it, from how far the score passed the threshold.  The API
 * answers 202 when it took the event, 400 for an invalid one (failed
 * for good), 429 and 5xx to retry.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

#define PAGERDUTY_API "https://events.pagerduty.com/v2/enqueue"
/* payload.summary: at most 1024 characters. */
#define PAGERDUTY_SUMMARY_MAX 1024
/* Words in a `severity` list. */
#define PAGERDUTY_SEVERITY_WORDS 8

static const char *const pd_severities[] = {
    "critical", "error", "warning", "info"};

/* Without `severity`: by sink_score_level. */
static const char *const pd_by_level[SINK_LEVELS] = {
    "warning", "error", "critical"};

/* Is word one of the Events API's severities? */
static const char *
pd_severity_word(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(pd_severities) / sizeof(*pd_severities);
	     i++)
		if (strlen(pd_severities[i]) == len &&
		    strncmp(word, pd_severities[i], len) == 0)
			return pd_severities[i];
	return NULL;
}

/* The severity for score under the `severity` list (checked at open);
 * NULL when the list names none for it. */
static const char *
pd_severity(const char *list, long long score, char **err)
{
	const char *p = list, *eq, *word;
	size_t n, i = 0;
	long long min;
	char num[24];

	while (*p != '\0' && i++ < PAGERDUTY_SEVERITY_WORDS) {
		n = strcspn(p, " \t,");
		eq = memchr(p, '=', n);
		min = 0;
		if (eq != NULL) {
			snprintf(num, sizeof(num), "%.*s", (int)(eq - p), p);
			if (str_parse_int(num, 0, 1000000, &min) < 0)
				break;
		}
		word = eq != NULL ? eq + 1 : p;
		if ((word = pd_severity_word(word, (size_t)(p + n - word))) ==
		    NULL)
			break;
		if (eq == NULL || score >= min)
			return word;
		p += n;
		p += strspn(p, " \t,");
	}
	if (err != NULL)
		xasprintf(err,
		    "severity '%s': expected critical, error, warning or info, "
		    "or a list such as '20=critical 10=error warning'",
		    list);
	return NULL;
}

/* The highest score of an alert or a digest. */
static long long
pd_score(json_t *root)
{
	json_t *alerts = json_object_get(root, "alerts"), *al;
	long long best = 0, v;
	size_t i;

	if (sink_doc_digest(root) == NULL)
		return json_integer_value(json_object_get(root, "score"));
	json_array_foreach(alerts, i, al)
	{
		if ((v = json_integer_value(json_object_get(al, "score"))) >
		    best)
			best = v;
	}
	return best;
}

/* The trigger event. */
static int
pagerduty_build(struct sink *s, const char *alert_id, const char *doc,
    struct sink_http_msg *m, char **err)
{
	const struct conf_sink *cs = s->conf;
	const char *sev;
	struct buf sum = BUF_INIT, details = BUF_INIT;
	struct sink_alert a;
	json_t *root, *links = json_array(), *ev;
	char *subject;

	if ((root = sink_doc_parse(doc)) == NULL) {
		json_decref(links);
		return sink_http_not_doc(err);
	}
	sev = cs->severity != NULL
	    ? pd_severity(cs->severity, pd_score(root), NULL)
	    : pd_by_level[sink_score_level(root)];
	subject = sink_subject(root);
	buf_appends(&sum, subject);
	free(subject);
	sink_cut_utf8(&sum, PAGERDUTY_SUMMARY_MAX);
	if (sink_doc_digest(root) == NULL) {
		sink_alert_view(root, &a);
		sink_append_matches(&details, a.matches);
		if (a.link[0] != '\0')
			json_array_append_new(links,
			    json_pack(
			        "{s:s, s:s}", "href", a.link, "text", a.title));
	}
	ev = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:{s:s, s:I, "
	               "s:s}}, s:o}",
	    "routing_key", cs->routing_key, "event_action", "trigger",
	    "dedup_key", alert_id, "client", "feedwatch", "payload", "summary",
	    buf_str(&sum), "source", "feedwatch", "severity", sev ?: "error",
	    "custom_details", "watchlist",
	    json_string_value(json_object_get(root, "watchlist")) ?: "digest",
	    "score", (json_int_t)pd_score(root), "matches",
	    details.len ? buf_str(&details) : "-", "links", links);
	json_decref(root);
	buf_free(&sum);
	buf_free(&details);
	buf_appends(&m->url, cs->api ?: PAGERDUTY_API);
	sink_http_json(m, ev);
	return 0;
}

static const struct sink_http_api pagerduty_api = {.build = pagerduty_build};

/* The severity list must read before the first alert needs it. */
static int
pagerduty_open(struct sink *s, char **err)
{
	const struct conf_sink *cs = s->conf;
	char *why = NULL;

	if (cs->severity != NULL &&
	    pd_severity(cs->severity, -1, &why) == NULL) {
		/* Only a bare last word names one for score -1: a list
		 * that ends without one leaves scores unmapped. */
		xasprintf(err, "%s:%d: sink %s: %s", cs->where.file,
		    cs->where.line, cs->name, why);
		free(why);
		return -1;
	}
	return sink_http_open(s, &pagerduty_api, 0);
}

const struct sink_ops sink_pagerduty_ops = {
    .open = pagerduty_open,
    .deliver = sink_http_deliver,
    .close = sink_http_close,
    .max_in_flight = 1,
};
