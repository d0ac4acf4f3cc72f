/*
 * The pushover sink: a message through Pushover's messages.json, a form
 * POST with the application's `token` and the `user` (or group) key.
 * Plain text (Pushover's HTML mode is off, so feed text stays text), the
 * link as the message's url.  The priority is `priority` (-2 to 1; 2, an
 * emergency, needs acknowledgement settings feedwatch does not send), or
 * from the score: 0, then 1 at twice the threshold.
 */
#include "config.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/curlev.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

#define PUSHOVER_API "https://api.pushover.net/1/messages.json"
/* Pushover's limits: message 1024, title 250, url 512 characters. */
#define PUSHOVER_MESSAGE_MAX 1024
#define PUSHOVER_TITLE_MAX 250
#define PUSHOVER_URL_MAX 512

static const int pushover_by_level[SINK_LEVELS] = {0, 1, 1};

/* "&name=value", the value cut to max bytes and form-encoded. */
static void
form_add(struct buf *b, const char *name, const char *value, size_t max)
{
	char *v = curl_easy_escape(
	    NULL, value, (int)utf8_cut(value, strlen(value), max));

	buf_printf(b, "%s%s=%s", b->len > 0 ? "&" : "", name, v ?: "");
	curl_free(v);
}

/* The form. */
static int
pushover_build(struct sink *s, const char *alert_id, const char *doc,
    struct sink_http_msg *m, char **err)
{
	const struct conf_sink *cs = s->conf;
	struct buf f = BUF_INIT;
	struct sink_alert a;
	json_t *root;
	char *subject, *text, prio[8];

	if ((root = sink_doc_parse(doc)) == NULL)
		return sink_http_not_doc(err);
	subject = sink_subject(root);
	text = sink_plain_lines(root, PUSHOVER_MESSAGE_MAX);
	snprintf(prio, sizeof(prio), "%d",
	    cs->priority != CONF_PRIORITY_FROM_SCORE
	        ? cs->priority
	        : pushover_by_level[sink_score_level(root)]);
	form_add(&f, "token", cs->token, strlen(cs->token));
	form_add(&f, "user", cs->user, strlen(cs->user));
	form_add(&f, "title", subject, PUSHOVER_TITLE_MAX);
	form_add(&f, "message", text, PUSHOVER_MESSAGE_MAX);
	form_add(&f, "priority", prio, sizeof(prio));
	if (sink_doc_digest(root) == NULL) {
		sink_alert_view(root, &a);
		if (a.link[0] != '\0' && strlen(a.link) <= PUSHOVER_URL_MAX)
			form_add(&f, "url", a.link, PUSHOVER_URL_MAX);
	}
	json_decref(root);
	free(subject);
	free(text);
	buf_appends(&m->url, cs->api ?: PUSHOVER_API);
	m->headers = curlev_header(
	    m->headers, "Content-Type", "application/x-www-form-urlencoded");
	m->body = buf_steal(&f);
	return 0;
}

static const struct sink_http_api pushover_api = {.build = pushover_build};

/* Pushover's priorities are -2 .. 2; 2 is not sent (see above). */
static int
pushover_open(struct sink *s, char **err)
{
	const struct conf_sink *cs = s->conf;

	if (cs->priority != CONF_PRIORITY_FROM_SCORE &&
	    (cs->priority < -2 || cs->priority > 1)) {
		xasprintf(err,
		    "%s:%d: sink %s: a pushover priority is -2 to 1, found %d",
		    cs->where.file, cs->where.line, cs->name, cs->priority);
		return -1;
	}
	return sink_http_open(s, &pushover_api, 0);
}

const struct sink_ops sink_pushover_ops = {
    .open = pushover_open,
    .deliver = sink_http_deliver,
    .close = sink_http_close,
    .max_in_flight = 1,
};
