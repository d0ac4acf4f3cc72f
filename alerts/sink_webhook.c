/*
 * The webhook sink: one HTTP POST per alert (or digest) through libcurl's
 * multi interface on the daemon's loop (common/curlev).  The body follows
 * `format`: json is the document itself, slack and discord their
 * incoming-webhook JSON with a readable message, ntfy a plain-text message
 * with its Title, Tags and Click headers.  Every request carries the
 * configured `header` lines and `Idempotency-Key: <alert or digest id>`,
 * so a receiver can drop the repeat of an at-least-once delivery.
 *
 * Outcome by answer: 2xx delivered; 408, 429 and 5xx, timeouts and
 * connection errors retried (with the answer's Retry-After, seconds or an
 * HTTP-date, which curl parses); any other answer (4xx, 3xx: redirects are
 * not followed, a webhook URL that moved is a config error) fails for good.
 */
#include "config.h"

#include <sys/queue.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/curlev.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* Bytes of an answer kept for the log line; the rest is read and dropped. */
#define WEBHOOK_ANSWER_MAX 256
_Static_assert(SINK_XFER_MSG_MAX == WEBHOOK_ANSWER_MAX + 64,
    "an outcome message holds \"HTTP %ld: \" and the answer's start");

/* Per format of the config's table (conf.h): its content type. */
static const char *const webhook_content_types[] = {
    [CONF_WEBHOOK_JSON] = "application/json",
    [CONF_WEBHOOK_SLACK] = "application/json",
    [CONF_WEBHOOK_DISCORD] = "application/json",
    [CONF_WEBHOOK_NTFY] = "text/plain; charset=utf-8",
};

struct webhook_req {
	struct sink_xfer x; /* first: the shared part */
	struct curl_slist *headers;
	char *body;
	struct buf answer;
};

struct sink_webhook {
	enum conf_webhook_format fmt;
	const char *content_type;
	struct sink_xfers reqs; /* in flight */
};

/* Check the format; transfers go through the sink's curl driver. */
static int
webhook_open(struct sink *s, char **err)
{
	const struct conf_sink *cs = s->conf;
	enum conf_webhook_format fmt;
	struct sink_webhook *w;

	if (conf_webhook_format_find(cs->format, &fmt) < 0) {
		xasprintf(err, "%s:%d: sink %s: unknown format %s",
		    cs->where.file, cs->where.line, cs->name, cs->format);
		return -1;
	}
	w = xcalloc(1, sizeof(*w));
	LIST_INIT(&w->reqs);
	w->fmt = fmt;
	w->content_type = webhook_content_types[fmt];
	s->impl = w;
	return 0;
}

/* Append "Name: value" to the request's headers. */
static void
req_header(struct webhook_req *r, const char *name, const char *value)
{
	r->headers = curlev_header(r->headers, name, value);
}

/* ntfy reads its title, tags and click link from headers. */
static void
req_ntfy_headers(struct webhook_req *r, json_t *root)
{
	struct buf v = BUF_INIT;
	struct sink_alert a;
	char *subject = sink_subject(root);

	/* Past "[feedwatch] ": ntfy shows its own app name. */
	sink_header_text(&v, subject + strlen("[feedwatch] "), " ");
	req_header(r, "Title", buf_str(&v));
	free(subject);
	buf_reset(&v);
	if (sink_doc_digest(root) == NULL) {
		sink_alert_view(root, &a);
		buf_appends(&v, "feedwatch,");
		sink_header_text(&v, a.watchlist, " ");
		req_header(r, "Tags", buf_str(&v));
		if (a.link[0] != '\0' && strpbrk(a.link, "\r\n") == NULL)
			req_header(r, "Click", a.link);
	} else {
		req_header(r, "Tags", "feedwatch,digest");
	}
	buf_free(&v);
}

/* The body for the sink's format; NULL when doc is not a document. */
static char *
req_body(struct sink_webhook *w, struct webhook_req *r, const char *doc)
{
	json_t *root;
	char *body = NULL;

	if (w->fmt == CONF_WEBHOOK_JSON)
		return xstrdup(doc);
	if ((root = sink_doc_parse(doc)) == NULL)
		return NULL;
	switch (w->fmt) {
	case CONF_WEBHOOK_SLACK:
		body = sink_body_slack(root);
		break;
	case CONF_WEBHOOK_DISCORD:
		body = sink_body_discord(root);
		break;
	case CONF_WEBHOOK_NTFY:
		body = sink_text(root);
		req_ntfy_headers(r, root);
		break;
	case CONF_WEBHOOK_JSON:
		break;
	}
	json_decref(root);
	return body;
}

/* Keep the start of the answer for messages; drop the rest. */
static size_t
req_write(char *p, size_t size, size_t n, void *arg)
{
	struct webhook_req *r = arg;
	size_t len = size * n;

	if (r->answer.len < WEBHOOK_ANSWER_MAX)
		buf_append(&r->answer, p,
		    len < WEBHOOK_ANSWER_MAX - r->answer.len
		        ? len
		        : WEBHOOK_ANSWER_MAX - r->answer.len);
	return len;
}

/* Forget a request's own parts: headers, body and answer. */
static void
req_release(struct sink_xfer *x)
{
	struct webhook_req *r = (struct webhook_req *)x;

	curl_slist_free_all(r->headers);
	free(r->body);
	buf_free(&r->answer);
	free(r);
}

/* Is this status worth another try? */
static int
status_retries(long code)
{
	return code == 408 || code == 429 || code >= 500;
}

/* The answer came (or the transfer failed): what it means. */
static enum sink_result
req_outcome(struct sink_xfer *x, CURLcode rc, int64_t *retry_after_s, char *msg,
    size_t size)
{
	struct webhook_req *r = (struct webhook_req *)x;
	long code = 0;
	curl_off_t retry_after = -1;

	if (rc != CURLE_OK) {
		snprintf(msg, size, "%s", curl_easy_strerror(rc));
		return SINK_RETRY;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		return SINK_DELIVERED;
	/* curl reads both forms: delta-seconds and an HTTP-date. */
	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &retry_after) !=
	        CURLE_OK ||
	    retry_after <= 0)
		retry_after = -1;
	snprintf(msg, size, "HTTP %ld: %.*s", code, (int)r->answer.len,
	    r->answer.len ? r->answer.data : "");
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!status_retries(code))
		return SINK_FAILED;
	*retry_after_s = (int64_t)retry_after;
	return SINK_RETRY;
}

/* A POST in flight, to the shared code. */
static const struct sink_xfer_kind webhook_kind = {
    .protocols = "http,https",
    .outcome = req_outcome,
    .release = req_release,
};

/* POST one alert; the outcome comes from the loop. */
static void
webhook_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	struct sink_webhook *w = s->impl;
	const struct conf_sink *cs = s->conf;
	struct webhook_req *r;
	CURL *easy;

	r = (struct webhook_req *)sink_xfer_new(
	    sizeof(*r), &webhook_kind, s, done, arg);
	if (r == NULL)
		return;
	if (r->x.easy == NULL || (r->body = req_body(w, r, doc)) == NULL) {
		sink_xfer_end(&r->x,
		    r->x.easy == NULL ? SINK_RETRY : SINK_FAILED,
		    "not an alert document");
		return;
	}
	easy = r->x.easy;
	req_header(r, "Content-Type", w->content_type);
	req_header(r, "Idempotency-Key", alert_id);
	for (size_t i = 0; i < cs->nheaders; i++)
		r->headers = curl_slist_append(r->headers, cs->headers[i]);
	/* No "Expect: 100-continue" round trip for small bodies. */
	r->headers = curl_slist_append(r->headers, "Expect:");
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "feedwatch/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)strlen(r->body));
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, req_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
	sink_xfer_start(&r->x, &w->reqs);
}

/* Cancel what is in flight and free the sink. */
static void
webhook_close(struct sink *s)
{
	struct sink_webhook *w = s->impl;

	/* Requests in flight end here, unreported: the outbox keeps them
	 * pending for the next run.  They leave the shared driver. */
	sink_xfer_free_all(&w->reqs);
	free(w);
}

const struct sink_ops sink_webhook_ops = {
    .open = webhook_open,
    .deliver = webhook_deliver,
    .close = webhook_close,
    /* One request at a time: receivers get alerts in firing order. */
    .max_in_flight = 1,
};
