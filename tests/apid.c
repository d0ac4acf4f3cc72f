/*
 * A local fake of the receivers' APIs, for the tests: Telegram's Bot API
 * sendMessage, Matrix's client-server send, PagerDuty's Events API v2,
 * Pushover's messages.json, Gotify's /message, a Teams Workflows webhook
 * and a Mattermost incoming webhook.  Each checks what its service
 * checks (method, path, auth, content type, required fields, sizes,
 * Telegram's HTML) and answers in the service's documented shapes.
 *
 * The path's first segment is the scenario, the rest the service's path:
 *	ok	answer as the service does
 *	limit	the first request of each message is rate-limited (Telegram
 *		429 parameters.retry_after, Matrix M_LIMIT_EXCEEDED
 *		retry_after_ms, PagerDuty and Pushover 429), then ok
 *	lost	the first request of each message is taken (shown) but
 *		answered 503 Retry-After: 60, as if the answer were lost
 *	down	503 always
 * Every request is one JSON line in LOG: {"service","scenario","method",
 * "path","headers","body","status","shown"}; "shown" is true when the
 * request made a new message appear (Matrix: a new txn; PagerDuty: a new
 * dedup_key; the others: every accepted request).
 *
 *	tests/apid [-l LOG] PORTFILE
 */
#include "config.h"

#include <sys/queue.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

/* The largest body any of the services takes (Matrix: 65,536). */
#define APID_BODY_MAX 65536
/* Messages remembered for idempotency and first-request scenarios. */
#define APID_SEEN_MAX 4096

static struct event_base *base;
static FILE *logfp;
static char *seen[APID_SEEN_MAX]; /* "service key" seen before */
static size_t nseen;

/* One request being answered. */
struct call {
	struct evhttp_request *req;
	const char *service;
	char scenario[16];
	const char *rest; /* the path past the scenario */
	json_t *body;     /* the JSON body, when it is JSON */
	char *raw;
	int shown;
	int first; /* the first request for this message key */
};

/* Has key been seen (and remember it)? */
static int
seen_before(const char *service, const char *key)
{
	char *k;

	if (asprintf(&k, "%s %s", service, key) == -1)
		return 0;
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i], k) == 0) {
			free(k);
			return 1;
		}
	if (nseen < APID_SEEN_MAX)
		seen[nseen++] = k;
	else
		free(k);
	return 0;
}

/* Log the request and send the answer. */
static void
reply(struct call *c, int code, const char *retry_after, json_t *answer)
{
	struct evkeyvalq *hs = evhttp_request_get_input_headers(c->req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(c->req);
	struct evbuffer *b = evbuffer_new();
	json_t *o, *h = json_object();
	struct evkeyval *kv;
	char *line, *text;
	static const char *const methods[] = {"GET", "POST", "HEAD", "PUT",
	    "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"};
	enum evhttp_cmd_type cmd = evhttp_request_get_command(c->req);
	const char *method = "OTHER";

	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (cmd == (enum evhttp_cmd_type)(1 << i))
			method = methods[i];
	TAILQ_FOREACH(kv, hs, next)
	json_object_set_new(h, kv->key, json_string(kv->value));
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:b}", "service",
	    c->service, "scenario", c->scenario, "method", method, "path",
	    evhttp_request_get_uri(c->req), "headers", h, "body",
	    c->raw ? c->raw : "", "status", code, "shown", c->shown);
	if (o != NULL && logfp != NULL) {
		line = json_dumps(o, JSON_COMPACT);
		fprintf(logfp, "%s\n", line);
		fflush(logfp);
		free(line);
	}
	json_decref(o);
	if (retry_after != NULL)
		evhttp_add_header(out, "Retry-After", retry_after);
	evhttp_add_header(out, "Content-Type", "application/json");
	text = answer != NULL ? json_dumps(answer, JSON_COMPACT) : NULL;
	evbuffer_add_printf(b, "%s", text ? text : "{}");
	free(text);
	json_decref(answer);
	evhttp_send_reply(c->req, code, code < 300 ? "OK" : "Error", b);
	evbuffer_free(b);
}

/* Does the request's Content-Type start with type? */
static int
content_type_is(struct call *c, const char *type)
{
	const char *ct = evhttp_find_header(
	    evhttp_request_get_input_headers(c->req), "Content-Type");

	return ct != NULL && strncmp(ct, type, strlen(type)) == 0;
}

/* The method is the one the service takes. */
static int
method_is(struct call *c, enum evhttp_cmd_type m)
{
	return evhttp_request_get_command(c->req) == m;
}

/* A string member, or NULL. */
static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Code points of a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Telegram's HTML: only its tags, closed in order; entities known.
 * Writes the visible length to *len. -1 when it cannot parse. */
static int
telegram_html(const char *s, size_t *len)
{
	static const char *const tags[] = {"b", "strong", "i", "em", "u", "ins",
	    "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
	    "blockquote"};
	char stack[32][16];
	int depth = 0;
	size_t n = 0, k;
	char name[16];

	while (*s) {
		if (*s == '&') {
			k = strspn(
			    s + 1, "abcdefghijklmnopqrstuvwxyz#0123456789");
			if (s[1 + k] != ';' ||
			    !(strncmp(s, "&lt;", 4) == 0 ||
			        strncmp(s, "&gt;", 4) == 0 ||
			        strncmp(s, "&amp;", 5) == 0 ||
			        strncmp(s, "&quot;", 6) == 0 || s[1] == '#'))
				return -1;
			s += k + 2;
			n++;
			continue;
		}
		if (*s == '>')
			return -1;
		if (*s != '<') {
			n += ((unsigned char)*s & 0xc0) != 0x80;
			s++;
			continue;
		}
		int closing = s[1] == '/';
		const char *p = s + 1 + closing;

		k = strcspn(p, " >");
		if (k == 0 || k >= sizeof(name) || p[k] == '\0')
			return -1;
		memcpy(name, p, k);
		name[k] = '\0';
		size_t i;
		for (i = 0; i < sizeof(tags) / sizeof(*tags); i++)
			if (strcmp(name, tags[i]) == 0)
				break;
		if (i == sizeof(tags) / sizeof(*tags))
			return -1;
		if (closing) {
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
				return -1;
			depth--;
		} else {
			if (depth == 32)
				return -1;
			snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
		}
		if ((p = strchr(p, '>')) == NULL)
			return -1;
		s = p + 1;
	}
	*len = n;
	return depth == 0 ? 0 : -1;
}

/* A Telegram error answer. */
static json_t *
tg_error(int code, const char *desc)
{
	return json_pack("{s:b, s:i, s:s}", "ok", 0, "error_code", code,
	    "description", desc);
}

/* POST /bot<TOKEN>/sendMessage */
static void
telegram(struct call *c)
{
	const char *p = c->rest + strlen("/bot"), *text;
	size_t len;

	c->service = "telegram";
	if (strncmp(p, "123456:", 7) != 0 || strstr(p, "/sendMessage") == NULL)
		return reply(c, 401, NULL, tg_error(401, "Unauthorized"));
	if (!method_is(c, EVHTTP_REQ_POST) || c->body == NULL ||
	    !content_type_is(c, "application/json"))
		return reply(c, 400, NULL,
		    tg_error(400, "Bad Request: message text is empty"));
	if (!json_is_string(json_object_get(c->body, "chat_id")) &&
	    !json_is_integer(json_object_get(c->body, "chat_id")))
		return reply(c, 400, NULL,
		    tg_error(400, "Bad Request: chat_id is empty"));
	if ((text = str(c->body, "text")) == NULL || *text == '\0')
		return reply(c, 400, NULL,
		    tg_error(400, "Bad Request: message text is empty"));
	if (str(c->body, "parse_mode") == NULL ||
	    strcmp(str(c->body, "parse_mode"), "HTML") != 0 ||
	    telegram_html(text, &len) == -1)
		return reply(c, 400, NULL,
		    tg_error(400, "Bad Request: can't parse entities"));
	if (len > 4096)
		return reply(c, 400, NULL,
		    tg_error(400, "Bad Request: message is too long"));
	if (strcmp(c->scenario, "limit") == 0 && c->first)
		return reply(c, 429, NULL,
		    json_pack("{s:b, s:i, s:s, s:{s:i}}", "ok", 0, "error_code",
		        429, "description", "Too Many Requests: retry after 1",
		        "parameters", "retry_after", 1));
	c->shown = 1;
	reply(c, 200, NULL,
	    json_pack(
	        "{s:b, s:{s:i}}", "ok", 1, "result", "message_id", (int)nseen));
}

/* A Matrix error answer. */
static json_t *
mx_error(const char *code, const char *msg)
{
	return json_pack("{s:s, s:s}", "errcode", code, "error", msg);
}

/* PUT /_matrix/client/v3/rooms/ROOM/send/m.room.message/TXN */
static void
matrix(struct call *c)
{
	const char *auth = evhttp_find_header(
	    evhttp_request_get_input_headers(c->req), "Authorization");
	const char *p = c->rest + strlen("/_matrix/client/v3/rooms/");
	const char *send = strstr(p, "/send/m.room.message/");
	char event_id[64];
	int repeat;

	c->service = "matrix";
	if (auth == NULL)
		return reply(c, 401, NULL,
		    mx_error("M_MISSING_TOKEN", "Missing access token"));
	if (strcmp(auth, "Bearer syt_feedwatch") != 0)
		return reply(c, 401, NULL,
		    mx_error("M_UNKNOWN_TOKEN", "Invalid access token"));
	if (!method_is(c, EVHTTP_REQ_PUT) || send == NULL ||
	    strncmp(p, "%21", 3) != 0 || send[21] == '\0')
		return reply(
		    c, 404, NULL, mx_error("M_UNRECOGNIZED", "Unrecognized"));
	if (c->body == NULL || !content_type_is(c, "application/json") ||
	    str(c->body, "msgtype") == NULL || str(c->body, "body") == NULL)
		return reply(c, 400, NULL, mx_error("M_BAD_JSON", "Bad JSON"));
	if (strlen(c->raw) > APID_BODY_MAX)
		return reply(
		    c, 413, NULL, mx_error("M_TOO_LARGE", "Event too large"));
	if (strcmp(c->scenario, "limit") == 0 && c->first)
		return reply(c, 429, NULL,
		    json_pack("{s:s, s:s, s:i}", "errcode", "M_LIMIT_EXCEEDED",
		        "error", "Too many requests", "retry_after_ms", 1200));
	/* The txn (with the token) names the event: a repeat is the same
	 * event, shown once. */
	repeat = !c->first || seen_before("matrix-shown", p);
	c->shown = !repeat;
	snprintf(event_id, sizeof(event_id), "$ev%zu", nseen);
	if (strcmp(c->scenario, "lost") == 0 && c->first)
		return reply(c, 503, "60", mx_error("M_UNKNOWN", "lost"));
	reply(c, 200, NULL, json_pack("{s:s}", "event_id", event_id));
}

/* A PagerDuty 400. */
static json_t *
pd_invalid(const char *why)
{
	return json_pack("{s:s, s:s, s:[s]}", "status", "invalid event",
	    "message", "Event object is invalid", "errors", why);
}

/* POST /v2/enqueue */
static void
pagerduty(struct call *c)
{
	static const char *const sev = " critical error warning info ";
	json_t *pl;
	const char *k, *s;
	char w[40];

	c->service = "pagerduty";
	if (!method_is(c, EVHTTP_REQ_POST))
		return reply(c, 404, NULL, NULL);
	if (c->body == NULL || !content_type_is(c, "application/json"))
		return reply(c, 400, NULL, pd_invalid("body is not JSON"));
	if ((k = str(c->body, "routing_key")) == NULL || strlen(k) != 32)
		return reply(c, 400, NULL,
		    pd_invalid("'routing_key' must be 32 characters"));
	if ((s = str(c->body, "event_action")) == NULL ||
	    strcmp(s, "trigger") != 0)
		return reply(c, 400, NULL,
		    pd_invalid("'event_action' is missing or blank"));
	pl = json_object_get(c->body, "payload");
	if ((s = str(pl, "summary")) == NULL || chars(s) > 1024 ||
	    str(pl, "source") == NULL)
		return reply(c, 400, NULL,
		    pd_invalid("'payload.summary' and 'payload.source' are "
		               "required"));
	snprintf(w, sizeof(w), " %s ", str(pl, "severity") ?: "?");
	if (strstr(sev, w) == NULL)
		return reply(
		    c, 400, NULL, pd_invalid("'payload.severity' is invalid"));
	if ((k = str(c->body, "dedup_key")) == NULL || strlen(k) > 255)
		return reply(
		    c, 400, NULL, pd_invalid("'dedup_key' is invalid"));
	if (strcmp(c->scenario, "limit") == 0 && c->first)
		return reply(c, 429, NULL, NULL);
	/* One incident per open dedup_key. */
	snprintf(w, sizeof(w), "%.32s", str(c->body, "routing_key"));
	c->shown = c->first && !seen_before(w, k);
	if (strcmp(c->scenario, "lost") == 0 && c->first)
		return reply(c, 503, "60", NULL);
	reply(c, 202, NULL,
	    json_pack("{s:s, s:s, s:s}", "status", "success", "message",
	        "Event processed", "dedup_key", k));
}

/* A form value (decoded, to free), or NULL. */
static char *
form_get(const char *form, const char *name)
{
	struct evkeyvalq q;
	const char *v;
	char *out;

	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(form, &q) != 0)
		return NULL;
	v = evhttp_find_header(&q, name);
	out = v != NULL ? strdup(v) : NULL;
	evhttp_clear_headers(&q);
	return out;
}

/* Is s n letters and digits? */
static int
is_key(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && s[i] && isalnum((unsigned char)s[i]); i++)
		;
	return s != NULL && i == n && s[i] == '\0';
}

/* A Pushover error answer. */
static json_t *
po_error(const char *field, const char *why)
{
	return json_pack("{s:s, s:[s], s:i, s:s}", field, "invalid", "errors",
	    why, "status", 0, "request",
	    "5042853c-402d-4a18-abcb-168734a801de");
}

/* POST /1/messages.json */
static void
pushover(struct call *c)
{
	char *token = form_get(c->raw, "token"),
	     *user = form_get(c->raw, "user");
	char *msg = form_get(c->raw, "message"),
	     *title = form_get(c->raw, "title");
	char *prio = form_get(c->raw, "priority"),
	     *url = form_get(c->raw, "url");
	json_t *err = NULL;

	c->service = "pushover";
	if (!method_is(c, EVHTTP_REQ_POST) ||
	    !content_type_is(c, "application/x-www-form-urlencoded"))
		err = po_error("message", "cannot be blank");
	else if (!is_key(token, 30))
		err = po_error("token", "application token is invalid");
	else if (!is_key(user, 30))
		err = po_error("user",
		    "user identifier is not a valid user, "
		    "group, or subscribed user key");
	else if (msg == NULL || *msg == '\0')
		err = po_error("message", "cannot be blank");
	else if (chars(msg) > 1024 || (title && chars(title) > 250) ||
	    (url && chars(url) > 512))
		err = po_error("message", "is too long");
	else if (prio != NULL && (atoi(prio) < -2 || atoi(prio) > 1))
		err = po_error("priority", "is invalid");
	free(token);
	free(user);
	free(msg);
	free(title);
	free(prio);
	free(url);
	if (err != NULL)
		return reply(c, 400, NULL, err);
	if (strcmp(c->scenario, "limit") == 0 && c->first)
		return reply(c, 429, NULL, po_error("limit", "over quota"));
	c->shown = 1;
	reply(c, 200, NULL,
	    json_pack("{s:i, s:s}", "status", 1, "request",
	        "e460545a-8e5a-4a1d-9e4b-0d0b5a7b3f11"));
}

/* A Gotify error answer. */
static json_t *
go_error(int code, const char *error, const char *desc)
{
	return json_pack("{s:s, s:i, s:s}", "error", error, "errorCode", code,
	    "errorDescription", desc);
}

/* POST /message with X-Gotify-Key */
static void
gotify(struct call *c)
{
	const char *key = evhttp_find_header(
	    evhttp_request_get_input_headers(c->req), "X-Gotify-Key");
	json_t *pr;

	c->service = "gotify";
	if (key == NULL || strcmp(key, "AbCdEfGh12345") != 0)
		return reply(c, 401, NULL,
		    go_error(401, "Unauthorized",
		        "you need to provide a valid access token or user "
		        "credentials to access this api"));
	if (!method_is(c, EVHTTP_REQ_POST) || c->body == NULL ||
	    !content_type_is(c, "application/json") ||
	    str(c->body, "message") == NULL)
		return reply(c, 400, NULL,
		    go_error(
		        400, "Bad Request", "Field 'message' is required"));
	pr = json_object_get(c->body, "priority");
	if (pr != NULL && !json_is_integer(pr))
		return reply(c, 400, NULL,
		    go_error(
		        400, "Bad Request", "Field 'priority' is invalid"));
	c->shown = 1;
	reply(c, 200, NULL,
	    json_pack("{s:i, s:i}", "id", (int)nseen, "appid", 1));
}

/* A Workflows webhook: an Adaptive Card attachment. */
static void
teams(struct call *c)
{
	json_t *att =
	    json_array_get(json_object_get(c->body, "attachments"), 0);
	json_t *card = json_object_get(att, "content");

	c->service = "teams";
	if (!method_is(c, EVHTTP_REQ_POST) || c->body == NULL ||
	    !content_type_is(c, "application/json") ||
	    str(att, "contentType") == NULL ||
	    strcmp(str(att, "contentType"),
	        "application/vnd.microsoft.card.adaptive") != 0 ||
	    str(card, "type") == NULL ||
	    strcmp(str(card, "type"), "AdaptiveCard") != 0 ||
	    !json_is_array(json_object_get(card, "body")))
		return reply(c, 400, NULL,
		    json_pack("{s:{s:s, s:s}}", "error", "code",
		        "InvalidRequestContent", "message",
		        "The input body for trigger 'manual' of type 'Request' "
		        "did not match its schema definition."));
	if (strlen(c->raw) > 28 * 1024)
		return reply(c, 413, NULL, NULL);
	c->shown = 1;
	reply(c, 202, NULL, NULL);
}

/* A Mattermost incoming webhook: text required. */
static void
mattermost(struct call *c)
{
	c->service = "mattermost";
	if (!method_is(c, EVHTTP_REQ_POST) || c->body == NULL ||
	    str(c->body, "text") == NULL || chars(str(c->body, "text")) > 16383)
		return reply(c, 400, NULL,
		    json_pack("{s:s, s:s, s:i}", "id",
		        "web.incoming_webhook.text.app_error", "message",
		        "No text specified.", "status_code", 400));
	c->shown = 1;
	reply(c, 200, NULL, NULL);
}

/* Which fake answers a path. */
static const struct {
	const char *prefix;
	void (*serve)(struct call *c);
} services[] = {
    {"/bot", telegram},
    {"/_matrix/client/v3/rooms/", matrix},
    {"/v2/enqueue", pagerduty},
    {"/1/messages.json", pushover},
    {"/message", gotify},
    {"/teams", teams},
    {"/hooks/", mattermost},
};

/* The message a request is about: Matrix's txn, PagerDuty's dedup_key,
 * else its Idempotency-Key. */
static const char *
message_key(struct call *c)
{
	const char *k = strstr(c->rest, "/send/m.room.message/");

	if (k != NULL)
		return k;
	if ((k = str(c->body, "dedup_key")) != NULL)
		return k;
	k = evhttp_find_header(
	    evhttp_request_get_input_headers(c->req), "Idempotency-Key");
	return k != NULL ? k : "";
}

/* Split off the scenario, read the body, hand to the service. */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in), n;
	const char *uri = evhttp_request_get_uri(req);
	struct call c = {.req = req, .service = "unknown"};
	char scope[32];
	size_t i;

	(void)arg;
	n = strcspn(uri + 1, "/");
	snprintf(c.scenario, sizeof(c.scenario), "%.*s", (int)n, uri + 1);
	c.rest = uri + 1 + n;
	c.raw = malloc(len + 1);
	evbuffer_copyout(in, c.raw, len);
	c.raw[len] = '\0';
	c.body = json_loads(c.raw, 0, NULL);
	for (i = 0; i < sizeof(services) / sizeof(*services); i++)
		if (strncmp(c.rest, services[i].prefix,
		        strlen(services[i].prefix)) == 0)
			break;
	/* First for this scenario, this service and this message. */
	snprintf(scope, sizeof(scope), "%s %zu", c.scenario, i);
	c.first = !seen_before(scope, message_key(&c));
	if (strcmp(c.scenario, "down") == 0)
		reply(&c, 503, NULL, NULL);
	else if (i < sizeof(services) / sizeof(*services))
		services[i].serve(&c);
	else
		reply(&c, 404, NULL, NULL);
	json_decref(c.body);
	free(c.raw);
}

/* SIGTERM, SIGINT: stop. */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

/* Bind, write the port by rename, serve until a signal. */
int
main(int argc, char **argv)
{
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct sockaddr_in sin;
	ev_socklen_t sl = sizeof(sin);
	struct event *sigterm;
	char tmp[4096];
	FILE *fp;
	int ch;

	while ((ch = getopt(argc, argv, "l:")) != -1)
		if (ch != 'l' || (logfp = fopen(optarg, "a")) == NULL) {
			fprintf(stderr, "usage: apid [-l LOG] PORTFILE\n");
			return 2;
		}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: apid [-l LOG] PORTFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_max_body_size(http, 4 * APID_BODY_MAX);
	evhttp_set_allowed_methods(http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	        EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(http, dispatch, NULL);
	if ((bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0)) ==
	    NULL) {
		fprintf(stderr, "apid: cannot bind: %s\n", strerror(errno));
		return 1;
	}
	getsockname(
	    evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sin, &sl);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[optind]);
	if ((fp = fopen(tmp, "w")) == NULL)
		return 1;
	fprintf(fp, "%d\n", ntohs(sin.sin_port));
	if (fclose(fp) != 0 || rename(tmp, argv[optind]) != 0)
		return 1;
	sigterm = evsignal_new(base, SIGTERM, on_signal, NULL);
	evsignal_add(sigterm, NULL);
	event_base_dispatch(base);
	event_free(sigterm);
	evhttp_free(http);
	event_base_free(base);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	if (logfp != NULL)
		fclose(logfp);
	return 0;
}
