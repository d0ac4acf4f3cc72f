/*
 * What the curl sinks (smtp, and the HTTP sinks of sink_http.c) share: a
 * request in flight on the daemon's curl driver (common/curlev), from its
 * handle's common options through the end of the transfer to freeing it.  Each
 * kind embeds a struct sink_xfer as the first member of its request and says,
 * through its sink_xfer_kind, what an ended transfer means and how to free the
 * rest.  A request is always freed before its outcome is reported: the
 * report may start the next delivery.
 */
#include "config.h"

#include <sys/queue.h>

#include <curl/curl.h>
#include <stdlib.h>

#include "alerts/sink_priv.h"
#include "common/curlev.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* The options every curl sink sets, so the kinds set only their own. */
struct sink_xfer *
sink_xfer_new(size_t size, const struct sink_xfer_kind *kind, struct sink *s,
    sink_done_cb done, void *arg)
{
	const struct conf_sink *cs = s->conf;
	struct sink_xfer *x;

	if (sink_curlev(s, done, arg) == NULL)
		return NULL;
	x = xcalloc(1, size);
	x->kind = kind;
	x->sink = s;
	x->done = done;
	x->arg = arg;
	if ((x->easy = curl_easy_init()) == NULL)
		return x;
	curl_easy_setopt(x->easy, CURLOPT_URL, cs->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, kind->protocols);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)cs->timeout_ms);
	return x;
}

/* Forget a request: off the driver, its handle, then the kind's parts. */
static void
sink_xfer_free(struct sink_xfer *x)
{
	if (x->started) {
		LIST_REMOVE(x, entry);
		curlev_cancel(x->sink->env.curl, x->easy);
	}
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	x->kind->release(x);
}

/* Free first, then report: the report may start the next delivery. */
static void
xfer_report(struct sink_xfer *x, enum sink_result r, int64_t retry_after_s,
    const char *msg)
{
	sink_done_cb done = x->done;
	void *arg = x->arg;

	sink_xfer_free(x);
	if (r == SINK_RETRY)
		sink_report_retry(done, arg, retry_after_s, msg);
	else
		sink_report(done, arg, r, r == SINK_DELIVERED ? NULL : msg);
}

/* A request that ends before (or instead of) its transfer. */
void
sink_xfer_end(struct sink_xfer *x, enum sink_result r, const char *msg)
{
	xfer_report(x, r, -1, msg);
}

/* The transfer ended: the kind reads its answer while x still has it. */
static void
xfer_done(CURL *easy, CURLcode rc, void *arg)
{
	struct sink_xfer *x = arg;
	int64_t retry_after_s = -1;
	char msg[SINK_XFER_MSG_MAX];
	enum sink_result r;

	(void)easy;
	msg[0] = '\0';
	r = x->kind->outcome(x, rc, &retry_after_s, msg, sizeof(msg));
	xfer_report(x, r, retry_after_s, msg);
}

/* Hand the request to the driver; the outcome comes from the loop. */
void
sink_xfer_start(struct sink_xfer *x, struct sink_xfers *list)
{
	char *err = NULL;

	LIST_INSERT_HEAD(list, x, entry);
	x->started = 1;
	if (curlev_add(x->sink->env.curl, x->easy, xfer_done, x, &err) == -1) {
		sink_xfer_end(x, SINK_RETRY, err);
		free(err);
	}
}

/* The sink closes: what is in flight leaves the driver, unreported. */
void
sink_xfer_free_all(struct sink_xfers *list)
{
	while (!LIST_EMPTY(list))
		sink_xfer_free(LIST_FIRST(list));
}
