/*
 * What the HTTP sinks share (webhook, telegram, matrix, pagerduty,
 * pushover, gotify): one request per alert or digest on the shared curl
 * driver (sink_xfer.c), built by the kind (URL, method, headers, body)
 * and read back the one way every kind answers: 2xx delivered; 408, 429
 * and 5xx, timeouts and connection errors retried, after the answer's
 * Retry-After header or, when a service writes it in its JSON answer
 * instead (Telegram's parameters.retry_after, Matrix's retry_after_ms),
 * after what the kind reads there; any other answer fails for good
 * (redirects are not followed: an API URL that moved is a config error).
 *
 * Each kind is a struct sink_http_api; its sink_ops use sink_http_deliver
 * and sink_http_close, and its open calls sink_http_open.  Every request
 * carries "Idempotency-Key: <alert or digest id>" and feedwatch's
 * User-Agent; one is in flight per sink, so receivers get alerts in
 * firing order.
 */
#include "config.h"

#include <sys/queue.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/curlev.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* Bytes of an answer kept: enough for any service's error JSON (its
 * retry delay is read from it); the rest is read and dropped. */
#define SINK_HTTP_ANSWER_MAX 4096
/* Of which the outcome message quotes the start. */
#define SINK_HTTP_QUOTE_MAX 256
_Static_assert(SINK_XFER_MSG_MAX == SINK_HTTP_QUOTE_MAX + 64,
    "an outcome message holds \"HTTP %ld: \" and the answer's start");

struct http_req {
	struct sink_xfer x; /* first: the shared part */
	struct sink_http_msg m;
	struct buf answer;
};

int
sink_http_open(struct sink *s, const struct sink_http_api *api, int variant)
{
	struct sink_http *h = xcalloc(1, sizeof(*h));

	LIST_INIT(&h->reqs);
	h->api = api;
	h->variant = variant;
	s->impl = h;
	return 0;
}

/* Keep the start of the answer; drop the rest. */
static size_t
req_write(char *p, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;
	size_t len = size * n, room = SINK_HTTP_ANSWER_MAX - r->answer.len;

	if (r->answer.len < SINK_HTTP_ANSWER_MAX)
		buf_append(&r->answer, p, len < room ? len : room);
	return len;
}

/* Forget a request's own parts. */
static void
req_release(struct sink_xfer *x)
{
	struct http_req *r = (struct http_req *)x;

	curl_slist_free_all(r->m.headers);
	free(r->m.body);
	buf_free(&r->m.url);
	buf_free(&r->answer);
	free(r);
}

/* Is this status worth another try? */
static int
status_retries(long code)
{
	return code == 408 || code == 429 || code >= 500;
}

/* The delay the service wrote in its answer's JSON, -1 when none. */
static int64_t
answer_retry(const struct sink_http_api *api, const struct buf *answer)
{
	json_t *j;
	int64_t s;

	if (api->answer_retry == NULL || answer->len == 0 ||
	    (j = json_loadb(answer->data, answer->len, 0, NULL)) == NULL)
		return -1;
	s = api->answer_retry(j);
	json_decref(j);
	return s;
}

/* The answer came (or the transfer failed): what it means. */
static enum sink_result
req_outcome(struct sink_xfer *x, CURLcode rc, int64_t *retry_after_s, char *msg,
    size_t size)
{
	struct http_req *r = (struct http_req *)x;
	struct sink_http *h = x->sink->impl;
	size_t quote;
	long code = 0;
	curl_off_t retry_after = -1;

	if (rc != CURLE_OK) {
		snprintf(msg, size, "%s", curl_easy_strerror(rc));
		return SINK_RETRY;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		return SINK_DELIVERED;
	quote = r->answer.len < SINK_HTTP_QUOTE_MAX ? r->answer.len
	                                            : SINK_HTTP_QUOTE_MAX;
	snprintf(msg, size, "HTTP %ld: %.*s", code, (int)quote,
	    quote > 0 ? r->answer.data : "");
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!status_retries(code))
		return SINK_FAILED;
	/* curl reads both forms: delta-seconds and an HTTP-date. */
	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &retry_after) !=
	        CURLE_OK ||
	    retry_after <= 0)
		retry_after = answer_retry(h->api, &r->answer);
	*retry_after_s = (int64_t)retry_after;
	return SINK_RETRY;
}

/* A request in flight, to the shared code. */
static const struct sink_xfer_kind http_kind = {
    .protocols = "http,https",
    .outcome = req_outcome,
    .release = req_release,
};

void
sink_http_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	struct sink_http *h = s->impl;
	struct http_req *r;
	CURL *easy;
	char *err = NULL;

	r = (struct http_req *)sink_xfer_new(
	    sizeof(*r), &http_kind, s, done, arg);
	if (r == NULL)
		return;
	if (r->x.easy == NULL) {
		sink_xfer_end(&r->x, SINK_RETRY, "curl made no handle");
		return;
	}
	if (h->api->build(s, alert_id, doc, &r->m, &err) == -1 ||
	    r->m.body == NULL) {
		sink_xfer_end(&r->x, SINK_FAILED, err ?: "no request body");
		free(err);
		return;
	}
	easy = r->x.easy;
	r->m.headers = curlev_header(r->m.headers, "Idempotency-Key", alert_id);
	/* No "Expect: 100-continue" round trip for small bodies. */
	r->m.headers = curl_slist_append(r->m.headers, "Expect:");
	if (r->m.url.len > 0)
		curl_easy_setopt(easy, CURLOPT_URL, buf_str(&r->m.url));
	if (r->m.method != NULL)
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r->m.method);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "feedwatch/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, r->m.headers);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r->m.body);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)strlen(r->m.body));
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, req_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
	sink_xfer_start(&r->x, &h->reqs);
}

void
sink_http_close(struct sink *s)
{
	struct sink_http *h = s->impl;

	/* Requests in flight end here, unreported: the outbox keeps them
	 * pending for the next run.  They leave the shared driver. */
	sink_xfer_free_all(&h->reqs);
	free(h);
}

void
sink_http_json(struct sink_http_msg *m, json_t *body)
{
	m->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	m->headers =
	    curlev_header(m->headers, "Content-Type", "application/json");
}

int
sink_http_not_doc(char **err)
{
	*err = xstrdup("not an alert document");
	return -1;
}
