/*
 * The gotify sink: POST URL/message with the application token in
 * X-Gotify-Key; title, plain-text message (the extras say text/plain, so
 * clients render no markdown), the link as the notification's click URL.
 * The priority is `priority` (0 to 10), or from the score: 4, 6 at twice
 * the threshold, 8 (clients' "high") at three times.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/curlev.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* A message readable on a phone; gotify itself sets no limit. */
#define GOTIFY_MESSAGE_MAX 8000

static const int gotify_by_level[SINK_LEVELS] = {4, 6, 8};

/* The message's JSON. */
static int
gotify_build(struct sink *s, const char *alert_id, const char *doc,
    struct sink_http_msg *m, char **err)
{
	const struct conf_sink *cs = s->conf;
	struct sink_alert a;
	json_t *root, *extras;
	char *subject, *text;
	size_t end = strlen(cs->url);

	if ((root = sink_doc_parse(doc)) == NULL)
		return sink_http_not_doc(err);
	subject = sink_subject(root);
	text = sink_text_max(root, GOTIFY_MESSAGE_MAX);
	extras = json_pack(
	    "{s:{s:s}}", "client::display", "contentType", "text/plain");
	if (sink_doc_digest(root) == NULL) {
		sink_alert_view(root, &a);
		if (a.link[0] != '\0')
			json_object_set_new(extras, "client::notification",
			    json_pack("{s:{s:s}}", "click", "url", a.link));
	}
	sink_http_json(m,
	    json_pack("{s:s, s:s, s:i, s:o}", "title", subject, "message", text,
	        "priority",
	        cs->priority != CONF_PRIORITY_FROM_SCORE
	            ? cs->priority
	            : gotify_by_level[sink_score_level(root)],
	        "extras", extras));
	json_decref(root);
	free(subject);
	free(text);
	while (end > 0 && cs->url[end - 1] == '/')
		end--;
	buf_printf(&m->url, "%.*s/message", (int)end, cs->url);
	m->headers = curlev_header(m->headers, "X-Gotify-Key", cs->token);
	return 0;
}

static const struct sink_http_api gotify_api = {.build = gotify_build};

/* Gotify's priorities are 0 .. 10. */
static int
gotify_open(struct sink *s, char **err)
{
	const struct conf_sink *cs = s->conf;

	if (cs->priority != CONF_PRIORITY_FROM_SCORE && cs->priority < 0) {
		xasprintf(err,
		    "%s:%d: sink %s: a gotify priority is 0 to 10, found %d",
		    cs->where.file, cs->where.line, cs->name, cs->priority);
		return -1;
	}
	return sink_http_open(s, &gotify_api, 0);
}

const struct sink_ops sink_gotify_ops = {
    .open = gotify_open,
    .deliver = sink_http_deliver,
    .close = sink_http_close,
    .max_in_flight = 1,
};
