/*
 * The status API's HTTP/1.1 server: accepting, reading and answering GET
 * and HEAD requests on the daemon's loop, within named bounds, so that no
 * client (or thousands of them) can hold the daemon's memory, descriptors
 * or loop.  What each path answers is httpapi.c's.
 *
 * The bounds: HTTPSERV_MAX_HEADER bytes and HTTPSERV_MAX_FIELDS header
 * lines per request; http-max-connections at once (a new one past it
 * closes the oldest idle one, or is refused with 503 when none is idle);
 * http-header-timeout to send a whole request; http-idle-timeout between
 * requests and for an answer to make progress; HTTPSERV_MAX_OUTPUT of
 * answers queued per connection before its pipelined requests wait.  Out
 * of descriptors, accepting backs off instead of spinning.
 */
#ifndef FW_DAEMON_HTTPSERV_H
#define FW_DAEMON_HTTPSERV_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct event_base;

/* A request line and its header lines together; real clients send under
 * 1 KiB, browsers with cookies a few. */
#define HTTPSERV_MAX_HEADER 8192
/* Header lines of one request (curl sends 3, browsers about 15). */
#define HTTPSERV_MAX_FIELDS 64
/* Answers queued on one connection before its next pipelined request is
 * read; one answer may go past it (an /alerts answer is at most
 * HTTPAPI_ALERTS_MAX alerts). */
#define HTTPSERV_MAX_OUTPUT (256 * 1024)
/* The body of a POST (POST /silences: a small JSON object); a larger
 * one is answered 413. */
#define HTTPSERV_MAX_BODY 4096

/* What a request is answered with before httpserv_reply gets it. */
enum httpserv_parse {
	HTTPSERV_MORE = 0,  /* the header block is not complete yet */
	HTTPSERV_OK = 200,  /* a GET, HEAD or POST to answer */
	HTTPSERV_BAD = 400, /* not HTTP/1.x as we read it */
	HTTPSERV_METHOD = 405,
	HTTPSERV_TOO_LARGE = 413, /* a POST body over HTTPSERV_MAX_BODY */
	HTTPSERV_BIG = 431,       /* over HTTPSERV_MAX_HEADER or _FIELDS */
	HTTPSERV_BODY = 501,      /* a body but a POST's, or a chunked one */
};

struct httpserv_field {
	const char *name, *value;
};

/* One parsed request; its strings point into head. */
struct httpreq {
	char head[HTTPSERV_MAX_HEADER + 1];
	int head_only;     /* HEAD */
	int post;          /* POST: body_len bytes of body follow the head */
	int minor;         /* HTTP/1.minor */
	int close;         /* close after the answer */
	const char *path;  /* from '/', without the query */
	const char *query; /* after '?', or NULL */
	struct httpserv_field fields[HTTPSERV_MAX_FIELDS];
	size_t nfields;
	struct buf *out;        /* the answer being made (httpserv.c) */
	struct buf *out_fields; /* extra header lines of the answer */
	int answered;
	size_t body_len;                  /* Content-Length of a POST */
	char body[HTTPSERV_MAX_BODY + 1]; /* NUL-terminated once read */
};

/* The bounds a config sets (the [daemon] http-* keys). */
struct httpserv_limits {
	int max_connections;
	uint64_t header_timeout_ms, idle_timeout_ms;
};

/* Called once per request; it must answer with httpserv_reply. */
typedef void httpserv_cb(struct httpreq *req, void *arg);

struct httpserv;

/* Listen on host:port; NULL with *err set (free it). */
struct httpserv *httpserv_new(struct event_base *base, const char *host,
    unsigned short port, httpserv_cb *cb, void *arg, char **err);
void httpserv_set_limits(struct httpserv *s, const struct httpserv_limits *l);
/* Connections open now (for /metrics) and refused so far. */
size_t httpserv_connections(const struct httpserv *s);
uint64_t httpserv_refused(const struct httpserv *s);
void httpserv_free(struct httpserv *s);

/* Parse the header block at the start of data (len bytes): HTTPSERV_MORE
 * while it is incomplete, else the status with *used set to its length.
 * Pure, for the fuzz target. */
enum httpserv_parse httpserv_parse(
    struct httpreq *req, const char *data, size_t len, size_t *used);
/* A header's value by name (case aside), or NULL. */
const char *httpreq_field(const struct httpreq *req, const char *name);
/* An extra header line of the answer. */
void httpreq_add_field(
    struct httpreq *req, const char *name, const char *value);
/* The answer: status, content type and body (not sent for HEAD). */
void httpserv_reply(struct httpreq *req, int code, const char *type,
    const char *body, size_t len);

#endif
