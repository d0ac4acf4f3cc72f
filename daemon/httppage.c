/*
 * The status API's parts for people: see httppage.h.  A silence created
 * here is the one `feedwatch silence add` makes: the same matchers, each
 * checked against the config, the same row in the store (written on the
 * daemon's own connection, between two loop events like every write).
 */
#include "config.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "common/str.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/httppage.h"
#include "daemon/httpserv.h"
#include "store/store.h"

/* Silences one GET /silences lists at most. */
#define HTTPPAGE_SILENCES_MAX 500

/* The JSON keys of a silence's matchers, in enum conf_matcher order. */
static const char *const matcher_keys[CONF_MATCHER_COUNT] = {
    "watchlist", "feed", "actor", "topic"};

/* One answer; the page and the feed are not to be framed or sniffed. */
static void
page_reply(struct httpreq *req, int code, const char *type, const void *body,
    size_t len)
{
	httpreq_add_field(req, "X-Content-Type-Options", "nosniff");
	httpreq_add_field(req, "Content-Security-Policy",
	    "default-src 'none'; script-src 'unsafe-inline'; style-src "
	    "'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
	httpserv_reply(req, code, type, body, len);
}

/* A JSON answer; takes j's reference. */
static void
page_json(struct httpreq *req, int code, json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);

	page_reply(req, code, "application/json", s != NULL ? s : "null",
	    s != NULL ? strlen(s) : 4);
	free(s);
	json_decref(j);
}

/* {"error": msg}. */
static void
page_error(struct httpreq *req, int code, const char *msg)
{
	page_json(req, code, json_pack("{s:s}", "error", msg));
}

/* GET / (HEAD too): the page. */
int
httppage_public(struct httpreq *req, const char *path)
{
	if (strcmp(path, "/") != 0 || req->post)
		return 0;
	page_reply(req, 200, "text/html; charset=utf-8", httppage_html,
	    httppage_html_len);
	return 1;
}

/* A time as RFC 3339. */
static json_t *
page_time(int64_t t)
{
	char s[RFC3339_LEN];

	return json_string(time_rfc3339((time_t)t, s));
}

/* One silence into the array at arg. */
static void
page_silence(const struct store_silence *sl, void *arg)
{
	const char *v[CONF_MATCHER_COUNT] = {
	    sl->watchlist, sl->feed, sl->actor, sl->topic};
	json_t *o = json_pack("{s:I}", "id", (json_int_t)sl->id);

	for (int k = 0; k < CONF_MATCHER_COUNT; k++)
		json_object_set_new(o, matcher_keys[k],
		    v[k] != NULL ? json_string(v[k]) : json_null());
	json_object_set_new(o, "starts_at", page_time(sl->starts_at));
	json_object_set_new(o, "ends_at", page_time(sl->ends_at));
	json_object_set_new(
	    o, "comment", json_string(sl->comment ? sl->comment : ""));
	json_array_append_new(arg, o);
}

/* GET /silences: the active ones, newest first. */
static void
page_silences(struct httpreq *req, struct store *st)
{
	json_t *a = json_array();

	if (store_silence_list(st, time(NULL), 0, HTTPPAGE_SILENCES_MAX,
	        page_silence, a) == -1) {
		json_decref(a);
		page_error(req, 500, store_error(st));
		return;
	}
	page_json(req, 200, a);
}

/* The request's body as JSON, or NULL after answering why not (the
 * server bounds its size). */
static json_t *
page_body(struct httpreq *req)
{
	json_t *j = json_loadb(req->body, req->body_len, 0, NULL);

	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		page_error(req, 400, "expected a JSON object");
		return NULL;
	}
	return j;
}

/* The silence's end from "for" (a duration) or "until" (RFC 3339); -1
 * when neither or both, or not valid. */
static int
page_until(json_t *j, time_t now, time_t *until)
{
	const char *f = json_string_value(json_object_get(j, "for"));
	const char *u = json_string_value(json_object_get(j, "until"));
	uint64_t ms;

	if ((f == NULL) == (u == NULL))
		return -1;
	if (f != NULL) {
		if (str_parse_duration(f, &ms) < 0 || ms < 1000)
			return -1;
		*until = now + (time_t)(ms / 1000);
		return 0;
	}
	return time_parse_rfc3339(u, until) == -1 || *until <= now ? -1 : 0;
}

/* POST /silences {"feed": F, ..., "for": "2h", "comment": C}. */
static void
page_silence_add(struct httpreq *req, struct store *st, const struct conf *c)
{
	const char *m[CONF_MATCHER_COUNT], *comment, *what = NULL;
	char msg[256];
	time_t now = time(NULL), until;
	int64_t id;
	json_t *j;
	int k;

	if (c->daemon.http_token == NULL) {
		page_error(req, 403,
		    "writes need http-token: set it to create silences here");
		return;
	}
	if ((j = page_body(req)) == NULL)
		return;
	for (k = 0; k < CONF_MATCHER_COUNT; k++)
		m[k] = json_string_value(json_object_get(j, matcher_keys[k]));
	comment = json_string_value(json_object_get(j, "comment"));
	if ((k = conf_matchers_check(c, m, &what)) >= 0) {
		if (k == CONF_MATCHER_COUNT)
			snprintf(msg, sizeof(msg),
			    "a silence needs at least one of watchlist, feed, "
			    "actor, topic");
		else
			snprintf(
			    msg, sizeof(msg), "no %s named %s", what, m[k]);
		page_error(req, 400, msg);
	} else if (page_until(j, now, &until) == -1 || comment == NULL ||
	    comment[0] == '\0')
		page_error(req, 400,
		    "expected \"for\" (a duration such as 2h) or \"until\" (a "
		    "future RFC 3339 time), and a \"comment\"");
	else {
		if (store_silence_new(st, m, now, until, comment, &id) == -1)
			page_error(req, 500, store_error(st));
		else
			page_json(req, 201,
			    json_pack("{s:I, s:o}", "id", (json_int_t)id,
			        "ends_at", page_time(until)));
	}
	json_decref(j);
}

/* GET /alerts.atom[?watchlist=W]. */
static void
page_atom(struct httpreq *req, const char *query, struct store *st)
{
	const char *wl = NULL, *host = httpreq_field(req, "Host");
	struct evkeyvalq params;
	char *body, *self = NULL;
	size_t len;

	TAILQ_INIT(&params);
	if (query != NULL && evhttp_parse_query_str(query, &params) == 0)
		wl = evhttp_find_header(&params, "watchlist");
	xasprintf(&self, "http://%s/alerts.atom%s%s",
	    host != NULL ? host : "localhost", query != NULL ? "?" : "",
	    query != NULL ? query : "");
	body = httpatom_build(st, wl, self, &len);
	if (body == NULL)
		page_error(req, 500, store_error(st));
	else
		page_reply(
		    req, 200, "application/atom+xml; charset=utf-8", body, len);
	free(body);
	free(self);
	evhttp_clear_headers(&params);
}

/* Route what this file answers; a POST anywhere else is refused. */
int
httppage_route(struct httpreq *req, const char *path, const char *query,
    struct store *st, const struct conf *c)
{
	int post = req->post;

	if (strcmp(path, "/silences") == 0) {
		if (post)
			page_silence_add(req, st, c);
		else
			page_silences(req, st);
	} else if (post)
		page_error(req, 405, "only /silences takes POST");
	else if (strcmp(path, "/alerts.atom") == 0)
		page_atom(req, query, st);
	else
		return 0;
	return 1;
}
