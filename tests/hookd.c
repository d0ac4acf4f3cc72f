/*
 * The test webhook receiver: libevent's evhttp on 127.0.0.1 (a port the
 * kernel picks, or -p PORT to come back on the same one after an outage),
 * the port written to PORTFILE by rename.  Each request is recorded as
 * one JSON line in LOG (-l): {"method","path","headers":{...},"body"},
 * flushed before the answer, so a test reads what the sink really sent.
 * The path picks the answer (table below).  Runs until killed.
 *
 *	tests/hookd [-p PORT] [-l LOG] PORTFILE
 */
#include "config.h"

#include <sys/queue.h>

#include <netinet/in.h>

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

/* Requests held without an answer (/hang) until shutdown. */
#define HOOKD_HELD_MAX 64
/* A body larger than any alert document the tests send. */
#define HOOKD_BODY_MAX (4 * 1024 * 1024)

static struct event_base *base;
static FILE *logfp;
static struct evhttp_request *held[HOOKD_HELD_MAX];
static size_t nheld;
static int flaky_seen; /* requests to /flaky so far */

/* Write one request as a JSON line. */
static void
record(struct evhttp_request *req)
{
	struct evkeyvalq *hs = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	json_t *o, *h = json_object();
	struct evkeyval *kv;
	char *line;

	if (logfp == NULL)
		return;
	TAILQ_FOREACH(kv, hs, next)
	json_object_set_new(h, kv->key, json_string(kv->value));
	o = json_pack("{s:s, s:s, s:o, s:s%}", "method",
	    evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST"
	                                                       : "OTHER",
	    "path", evhttp_request_get_uri(req), "headers", h, "body",
	    (const char *)evbuffer_pullup(in, (ev_ssize_t)len), len);
	if (o == NULL)
		o = json_pack("{s:s}", "error", "body is not UTF-8");
	line = json_dumps(o, JSON_COMPACT);
	fprintf(logfp, "%s\n", line);
	fflush(logfp);
	free(line);
	json_decref(o);
}

/* Answer with code, an optional Retry-After, and a short body. */
static void
answer(struct evhttp_request *req, int code, const char *retry_after)
{
	struct evbuffer *out = evbuffer_new();

	if (retry_after != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", retry_after);
	evbuffer_add_printf(out, "hookd %d\n", code);
	evhttp_send_reply(req, code, code < 300 ? "OK" : "Not OK", out);
	evbuffer_free(out);
}

/* Drop the connection of a request without answering it. */
static void
close_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evhttp_connection_free(arg);
}

/* Scenarios by path. */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	const char *uri = evhttp_request_get_uri(req);
	char date[64];
	time_t t;

	(void)arg;
	record(req);
	if (strncmp(uri, "/ok", 3) == 0) {
		answer(req, 200, NULL);
	} else if (strcmp(uri, "/bad") == 0) {
		answer(req, 400, NULL);
	} else if (strcmp(uri, "/busy") == 0) {
		answer(req, 429, "120");
	} else if (strcmp(uri, "/busydate") == 0) {
		t = time(NULL) + 300;
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT",
		    gmtime(&t));
		answer(req, 429, date);
	} else if (strcmp(uri, "/down") == 0) {
		answer(req, 503, NULL);
	} else if (strcmp(uri, "/timeout") == 0) {
		answer(req, 408, NULL);
	} else if (strcmp(uri, "/flaky") == 0) {
		/* 503 with Retry-After: 1 twice, then 200. */
		answer(req, flaky_seen++ < 2 ? 503 : 200, "1");
	} else if (strcmp(uri, "/hang") == 0 && nheld < HOOKD_HELD_MAX) {
		held[nheld++] = req;
	} else if (strcmp(uri, "/close") == 0) {
		event_base_once(base, -1, EV_TIMEOUT, close_later,
		    evhttp_request_get_connection(req), NULL);
	} else {
		answer(req, 404, NULL);
	}
}

/* SIGTERM, SIGINT: stop, answering what is held. */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

/* Write the port to path by rename, so a reader never sees half. */
static int
write_port(const char *path, int port)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(fp, "%d\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

/* Bind, write the port, serve until a signal. */
int
main(int argc, char **argv)
{
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct sockaddr_in sin;
	ev_socklen_t sl = sizeof(sin);
	struct event *sigterm, *sigint;
	int c, port = 0;

	while ((c = getopt(argc, argv, "p:l:")) != -1)
		switch (c) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'l':
			if ((logfp = fopen(optarg, "a")) == NULL) {
				fprintf(stderr, "hookd: %s: %s\n", optarg,
				    strerror(errno));
				return 1;
			}
			break;
		default:
			fprintf(stderr,
			    "usage: hookd [-p PORT] [-l LOG] PORTFILE\n");
			return 2;
		}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: hookd [-p PORT] [-l LOG] PORTFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_max_body_size(http, HOOKD_BODY_MAX);
	evhttp_set_gencb(http, dispatch, NULL);
	bound = evhttp_bind_socket_with_handle(
	    http, "127.0.0.1", (ev_uint16_t)port);
	if (bound == NULL) {
		fprintf(stderr, "hookd: cannot bind 127.0.0.1:%d: %s\n", port,
		    strerror(errno));
		return 1;
	}
	getsockname(
	    evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sin, &sl);
	if (write_port(argv[optind], ntohs(sin.sin_port)) == -1) {
		fprintf(
		    stderr, "hookd: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	sigterm = evsignal_new(base, SIGTERM, on_signal, NULL);
	sigint = evsignal_new(base, SIGINT, on_signal, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(base);
	event_free(sigterm);
	event_free(sigint);
	for (size_t i = 0; i < nheld; i++)
		answer(held[i], 503, NULL);
	evhttp_free(http);
	event_base_free(base);
	if (logfp != NULL)
		fclose(logfp);
	return 0;
}
