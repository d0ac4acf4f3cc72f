/*
 * The matrix sink: a client-server API v3 m.room.message event per alert
 * or digest, PUT to /_matrix/client/v3/rooms/ROOM/send/m.room.message/TXN
 * with the access token as a Bearer header.  TXN is derived from the
 * alert's (or digest's) id, so a delivery retried after its answer was
 * lost, even by the next run, reuses it and the homeserver shows the
 * message once (Matrix's own idempotency).  The event is an m.notice (what
 * bots send) with a plain body and an HTML formatted_body; an empty
 * "m.mentions" tells clients that the text mentions no one, so an @room in
 * a feed's title notifies nobody.  A 429 M_LIMIT_EXCEEDED says how long
 * to wait in retry_after_ms.
 */
#include "config.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/curlev.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* Event content well under the 65,536 bytes a homeserver takes. */
#define MATRIX_TEXT_MAX 16000

/* A path segment: every byte but the unreserved ones percent-encoded. */
static void
append_segment(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_appendc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
}

/* The PUT of one event, its transaction id the alert's. */
static int
matrix_build(struct sink *s, const char *alert_id, const char *doc,
    struct sink_http_msg *m, char **err)
{
	const struct conf_sink *cs = s->conf;
	struct buf auth = BUF_INIT;
	json_t *root;
	char *plain, *html;

	if ((root = sink_doc_parse(doc)) == NULL)
		return sink_http_not_doc(err);
	plain = sink_plain_lines(root, MATRIX_TEXT_MAX);
	html = sink_html(root, "<br>", MATRIX_TEXT_MAX);
	json_decref(root);
	buf_appends(&m->url, cs->homeserver);
	buf_appends(&m->url, "/_matrix/client/v3/rooms/");
	append_segment(&m->url, cs->room);
	buf_appends(&m->url, "/send/m.room.message/feedwatch-");
	append_segment(&m->url, alert_id);
	m->method = "PUT";
	buf_printf(&auth, "Bearer %s", cs->token);
	m->headers = curlev_header(m->headers, "Authorization", buf_str(&auth));
	buf_free(&auth);
	sink_http_json(m,
	    json_pack("{s:s, s:s, s:s, s:s, s:{}}", "msgtype", "m.notice",
	        "body", plain, "format", "org.matrix.custom.html",
	        "formatted_body", html, "m.mentions"));
	free(plain);
	free(html);
	return 0;
}

/* {"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":N}: whole seconds up. */
static int64_t
matrix_retry(json_t *answer)
{
	json_t *ms = json_object_get(answer, "retry_after_ms");

	if (!json_is_integer(ms) || json_integer_value(ms) < 0)
		return -1;
	return (int64_t)((json_integer_value(ms) + 999) / 1000);
}

static const struct sink_http_api matrix_api = {
    .build = matrix_build,
    .answer_retry = matrix_retry,
};

/* A room id, not an alias: the send API takes only ids. */
static int
matrix_open(struct sink *s, char **err)
{
	const struct conf_sink *cs = s->conf;

	if (cs->room[0] != '!') {
		xasprintf(err,
		    "%s:%d: sink %s: room %s is not a room id (!id:server); "
		    "the room's settings show it",
		    cs->where.file, cs->where.line, cs->name, cs->room);
		return -1;
	}
	return sink_http_open(s, &matrix_api, 0);
}

const struct sink_ops sink_matrix_ops = {
    .open = matrix_open,
    .deliver = sink_http_deliver,
    .close = sink_http_close,
    /* One request at a time: the room gets alerts in firing order. */
    .max_in_flight = 1,
};
