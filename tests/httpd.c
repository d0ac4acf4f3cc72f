/*
 * The test HTTP server: libevent's evhttp on 127.0.0.1, on a port the
 * kernel picks, written to PORTFILE (atomically, by rename) so that the
 * test that started it can find it.  Each path is one scenario the fetcher
 * must survive; the table below says what each does.  It runs until it is
 * killed (tests kill it even when they fail) or HTTPD_LIFETIME_S passes.
 *
 *	tests/httpd PORTFILE
 */
#include "config.h"

#include <sys/queue.h>

#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/xmalloc.h"

/* The validators of the conditional-GET scenarios. */
#define HTTPD_ETAG "\"v1-feedwatch\""
#define HTTPD_LAST_MODIFIED "Wed, 21 Oct 2015 07:28:00 GMT"
/* /big: about 1 MiB, far above the tests' max-size. */
#define HTTPD_BIG_ITEMS 4000
/* /pieces: the feed in this many chunks, PIECE_MS apart. */
#define HTTPD_PIECES 100
#define HTTPD_PIECE_MS 2
/* Items in the ordinary feed and in /pieces. */
#define HTTPD_ITEMS 3
#define HTTPD_PIECE_ITEMS 10
/* A server its test forgot is gone by itself after this long (no test
 * runs for ten minutes). */
#define HTTPD_LIFETIME_S 600
/* /trickle: the feed, its items padded with this many bytes, in this many
 * pieces this far apart: about 20 s, a transfer a test can signal the
 * daemon in the middle of even on a loaded machine, at about 180 bytes/s
 * (above the fetcher's default low-speed limit). */
#define HTTPD_TRICKLE_PAD 1000
#define HTTPD_TRICKLE_PIECES 40
#define HTTPD_TRICKLE_MS 500
/* /slow: a byte this often, at most this many (then it stops). */
#define HTTPD_SLOW_MS 1000
#define HTTPD_SLOW_MAX 600

static struct event_base *base;

/* An RSS 2.0 feed with n items, padded with `pad` bytes of text each. */
static void
make_feed(struct buf *b, int n, size_t pad)
{
	buf_appends(b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<rss version=\"2.0\"><channel><title>Test feed</title>"
	    "<link>http://example.org/</link>"
	    "<description>feedwatch test feed</description>\n");
	for (int i = 1; i <= n; i++) {
		buf_printf(b,
		    "<item><title>Item %d</title>"
		    "<link>http://example.org/item/%d</link>"
		    "<guid>urn:feedwatch-test:%d</guid><description>Body %d ",
		    i, i, i, i);
		for (size_t k = 0; k < pad; k++)
			buf_appendc(b, (char)('a' + k % 26));
		buf_appends(b, "</description></item>\n");
	}
	buf_appends(b, "</channel></rss>\n");
}

/* Send a whole body with a status. */
static void
reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const void *body, size_t len)
{
	struct evbuffer *out = evbuffer_new();

	if (type != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", type);
	evbuffer_add(out, body, len);
	evhttp_send_reply(req, code, reason, out);
	evbuffer_free(out);
}

/* The ordinary three-item feed. */
static void
reply_feed(struct evhttp_request *req)
{
	struct buf b = BUF_INIT;

	make_feed(&b, HTTPD_ITEMS, 0);
	reply(req, 200, "OK", "application/rss+xml; charset=utf-8", b.data,
	    b.len);
	buf_free(&b);
}

/* A request header, or NULL. */
static const char *
in_header(struct evhttp_request *req, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

/* Add a response header. */
static void
out_header(struct evhttp_request *req, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), name, value);
}

/* Conditional GET: 304 when a validator we send matches. */
static void
serve_conditional(struct evhttp_request *req, int etag, int lm)
{
	const char *inm = in_header(req, "If-None-Match");
	const char *ims = in_header(req, "If-Modified-Since");

	if (etag)
		out_header(req, "ETag", HTTPD_ETAG);
	if (lm)
		out_header(req, "Last-Modified", HTTPD_LAST_MODIFIED);
	if ((etag && inm != NULL && strcmp(inm, HTTPD_ETAG) == 0) ||
	    (lm && inm == NULL && ims != NULL &&
	        strcmp(ims, HTTPD_LAST_MODIFIED) == 0)) {
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return;
	}
	reply_feed(req);
}

/* ETag and Last-Modified both. */
static void
h_feed(struct evhttp_request *req, const char *arg)
{
	serve_conditional(req, 1, 1);
}

/* ETag only. */
static void
h_etag(struct evhttp_request *req, const char *arg)
{
	serve_conditional(req, 1, 0);
}

/* Last-Modified only. */
static void
h_lm(struct evhttp_request *req, const char *arg)
{
	serve_conditional(req, 0, 1);
}

/* A compressed feed: 406 unless the client offered the encoding. */
static void
h_encoded(struct evhttp_request *req, const char *enc)
{
	const char *ae = in_header(req, "Accept-Encoding");
	struct buf b = BUF_INIT;
	z_stream z;
	unsigned char *out;
	size_t cap;
	int gzip = strcmp(enc, "gzip") == 0;

	if (ae == NULL || strstr(ae, enc) == NULL) {
		reply(req, 406, "Not Acceptable", "text/plain", "no", 2);
		return;
	}
	make_feed(&b, HTTPD_ITEMS, 200);
	memset(&z, 0, sizeof(z));
	/* windowBits 15 = zlib stream (HTTP "deflate"), +16 = gzip. */
	if (deflateInit2(&z, 9, Z_DEFLATED, gzip ? 31 : 15, 8,
	        Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	cap = deflateBound(&z, b.len);
	out = xmalloc(cap);
	z.next_in = (unsigned char *)b.data;
	z.avail_in = (uInt)b.len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	out_header(req, "Content-Encoding", enc);
	reply(req, 200, "OK", "application/rss+xml", out, z.total_out);
	deflateEnd(&z);
	free(out);
	buf_free(&b);
}

/* Only for a feedwatch User-Agent. */
static void
h_ua(struct evhttp_request *req, const char *arg)
{
	const char *ua = in_header(req, "User-Agent");

	if (ua == NULL || strncmp(ua, "feedwatch/", 10) != 0) {
		reply(req, 403, "Forbidden", "text/plain", "who?", 4);
		return;
	}
	reply_feed(req);
}

/* A redirect with the given code to target. */
static void
redirect(struct evhttp_request *req, int code, const char *target)
{
	out_header(req, "Location", target);
	reply(req, code, "Redirect", "text/html", "<p>moved</p>", 12);
}

/* /chain/N: N redirects, then the feed. */
static void
h_chain(struct evhttp_request *req, const char *arg)
{
	const char *uri = evhttp_request_get_uri(req);
	long n = strtol(uri + strlen("/chain/"), NULL, 10);
	char next[64];

	if (n <= 0) {
		reply_feed(req);
		return;
	}
	snprintf(next, sizeof(next), "/chain/%ld", n - 1);
	redirect(req, 302, next);
}

/* arg is "CODE TARGET". */
static void
h_redirect(struct evhttp_request *req, const char *arg)
{
	redirect(req, atoi(arg), strchr(arg, ' ') + 1);
}

/* arg is the status code; an HTML error page. */
static void
h_status(struct evhttp_request *req, const char *arg)
{
	static const char page[] = "<html><body>no feed here</body></html>";

	reply(req, atoi(arg), "Status", "text/html", page, sizeof(page) - 1);
}

/* 429 with Retry-After in seconds. */
static void
h_busy(struct evhttp_request *req, const char *arg)
{
	out_header(req, "Retry-After", "120");
	reply(req, 429, "Too Many Requests", "text/plain", "slow down", 9);
}

/* 503 with Retry-After as an HTTP-date five minutes ahead. */
static void
h_busy_date(struct evhttp_request *req, const char *arg)
{
	char date[64];
	time_t t = time(NULL) + 300;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	out_header(req, "Retry-After", date);
	reply(req, 503, "Service Unavailable", "text/plain", "later", 5);
}

/* Far larger than any test's max-size, chunked: no Content-Length. */
static void
h_big(struct evhttp_request *req, const char *arg)
{
	struct buf b = BUF_INIT;
	struct evbuffer *out = evbuffer_new();

	make_feed(&b, HTTPD_BIG_ITEMS, 200);
	out_header(req, "Content-Type", "application/rss+xml");
	evhttp_send_reply_start(req, 200, "OK");
	evbuffer_add(out, b.data, b.len);
	evhttp_send_reply_chunk(req, out);
	evhttp_send_reply_end(req);
	evbuffer_free(out);
	buf_free(&b);
}

/* A reply sent a piece at a time on a timer: /slow and /pieces. */
struct drip {
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	struct event *ev;
	struct buf body;
	size_t off;
	size_t step; /* bytes per tick */
	int ms;      /* between ticks */
	int sent;
	LIST_ENTRY(drip) entry;
};

/* A request held without an answer (/stall). */
struct stalled {
	struct evhttp_request *req;
	LIST_ENTRY(stalled) entry;
};

/*
 * Requests we hold are ours until we answer them, even after the client
 * has gone (libevent then detaches them from the connection), so they are
 * listed here and answered, or freed, at shutdown.
 */
static LIST_HEAD(, drip) drips = LIST_HEAD_INITIALIZER(drips);
static LIST_HEAD(, stalled) stalls = LIST_HEAD_INITIALIZER(stalls);

/* Free a drip and its timer. */
static void
drip_free(struct drip *d)
{
	LIST_REMOVE(d, entry);
	event_free(d->ev);
	buf_free(&d->body);
	free(d);
}

/* The client went away: stop dripping, free the detached request. */
static void
drip_closed(struct evhttp_connection *conn, void *arg)
{
	struct drip *d = arg;

	if (evhttp_request_get_connection(d->req) == NULL)
		evhttp_send_reply_end(d->req);
	drip_free(d);
}

/* Shutdown: end every reply and answer every held request. */
static void
release_all(void)
{
	struct drip *d;
	struct stalled *st;

	while ((d = LIST_FIRST(&drips)) != NULL) {
		if (evhttp_request_get_connection(d->req) != NULL)
			evhttp_connection_set_closecb(d->conn, NULL, NULL);
		evhttp_send_reply_end(d->req);
		drip_free(d);
	}
	while ((st = LIST_FIRST(&stalls)) != NULL) {
		evhttp_send_reply(st->req, 503, "Shutting down", NULL);
		LIST_REMOVE(st, entry);
		free(st);
	}
}

/* Send the next piece; finish after the last. */
static void
drip_tick(evutil_socket_t fd, short what, void *arg)
{
	struct drip *d = arg;
	struct evbuffer *out = evbuffer_new();
	size_t n =
	    d->body.len - d->off < d->step ? d->body.len - d->off : d->step;
	struct timeval tv = {d->ms / 1000, (d->ms % 1000) * 1000};

	evbuffer_add(out, d->body.data + d->off, n);
	evhttp_send_reply_chunk(d->req, out);
	evbuffer_free(out);
	d->off += n;
	if (d->off < d->body.len && ++d->sent < HTTPD_SLOW_MAX) {
		evtimer_add(d->ev, &tv);
		return;
	}
	evhttp_connection_set_closecb(d->conn, NULL, NULL);
	evhttp_send_reply_end(d->req);
	drip_free(d);
}

/* Start a dripping reply of body, step bytes every ms. */
static void
drip_start(struct evhttp_request *req, struct buf *body, size_t step, int ms)
{
	struct drip *d = xcalloc(1, sizeof(*d));
	struct timeval tv = {0, 0};

	d->req = req;
	d->conn = evhttp_request_get_connection(req);
	d->body = *body;
	d->step = step;
	d->ms = ms;
	d->ev = evtimer_new(base, drip_tick, d);
	LIST_INSERT_HEAD(&drips, d, entry);
	evhttp_connection_set_closecb(d->conn, drip_closed, d);
	out_header(req, "Content-Type", "application/rss+xml");
	evhttp_send_reply_start(req, 200, "OK");
	evtimer_add(d->ev, &tv);
}

/* One byte a second. */
static void
h_slow(struct evhttp_request *req, const char *arg)
{
	struct buf b = BUF_INIT;

	make_feed(&b, HTTPD_ITEMS, HTTPD_TRICKLE_PAD);
	drip_start(req, &b, 1, HTTPD_SLOW_MS);
}

/* The feed in HTTPD_PIECES chunked pieces. */
static void
h_pieces(struct evhttp_request *req, const char *arg)
{
	struct buf b = BUF_INIT;

	make_feed(&b, HTTPD_PIECE_ITEMS, 100);
	drip_start(
	    req, &b, (b.len + HTTPD_PIECES - 1) / HTTPD_PIECES, HTTPD_PIECE_MS);
}

/* The feed in HTTPD_TRICKLE_PIECES pieces over a few seconds. */
static void
h_trickle(struct evhttp_request *req, const char *arg)
{
	struct buf b = BUF_INIT;

	make_feed(&b, HTTPD_ITEMS, HTTPD_TRICKLE_PAD);
	drip_start(req, &b,
	    (b.len + HTTPD_TRICKLE_PIECES - 1) / HTTPD_TRICKLE_PIECES,
	    HTTPD_TRICKLE_MS);
}

/* Accept, read the request, never answer. */
static void
h_stall(struct evhttp_request *req, const char *arg)
{
	struct stalled *st = xcalloc(1, sizeof(*st));

	st->req = req;
	LIST_INSERT_HEAD(&stalls, st, entry);
}

static const struct route {
	const char *path; /* exact, or a prefix when it ends in '/' */
	void (*fn)(struct evhttp_request *, const char *);
	const char *arg;
} routes[] = {
    {"/feed.xml", h_feed, NULL},
    {"/etag.xml", h_etag, NULL},
    {"/lm.xml", h_lm, NULL},
    {"/gzip.xml", h_encoded, "gzip"},
    {"/deflate.xml", h_encoded, "deflate"},
    {"/ua.xml", h_ua, NULL},
    {"/chain/", h_chain, NULL},
    {"/loop", h_redirect, "302 /loop"},
    {"/moved", h_redirect, "301 /feed.xml"},
    {"/moved308", h_redirect, "308 /feed.xml"},
    {"/perm-then-temp", h_redirect, "301 /temp"},
    {"/temp", h_redirect, "302 /feed.xml"},
    {"/to-file", h_redirect, "302 file:///etc/passwd"},
    {"/404", h_status, "404"},
    {"/410", h_status, "410"},
    {"/500", h_status, "500"},
    {"/notfeed", h_status, "200"},
    {"/busy", h_busy, NULL},
    {"/busy-date", h_busy_date, NULL},
    {"/big", h_big, NULL},
    {"/slow", h_slow, NULL},
    {"/pieces", h_pieces, NULL},
    {"/trickle", h_trickle, NULL},
    {"/stall", h_stall, NULL},
};

/* Every request: find its route (the query string is ignored). */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	const char *uri = evhttp_request_get_uri(req);
	size_t plen = strcspn(uri, "?");

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *p = routes[i].path;
		size_t n = strlen(p);
		if ((p[n - 1] == '/' && plen >= n && strncmp(uri, p, n) == 0) ||
		    (n == plen && strncmp(uri, p, n) == 0)) {
			routes[i].fn(req, routes[i].arg);
			return;
		}
	}
	h_status(req, "404");
}

/* SIGTERM/SIGINT or the end of the lifetime: stop. */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(base);
}

/* Bind, publish the port, serve until SIGTERM. */
int
main(int argc, char **argv)
{
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct sockaddr_storage ss;
	ev_socklen_t sl = sizeof(ss);
	struct event *sigterm, *sigint, *lifetime;
	struct timeval life = {HTTPD_LIFETIME_S, 0};
	char tmp[4096];
	FILE *fp;

	if (argc != 2) {
		fprintf(stderr, "usage: httpd PORTFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_gencb(http, dispatch, NULL);
	bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	if (bound == NULL) {
		fprintf(stderr, "httpd: cannot bind 127.0.0.1: %s\n",
		    strerror(errno));
		return 1;
	}
	getsockname(
	    evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "httpd: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	fprintf(fp, "%d\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
	if (fclose(fp) != 0 || rename(tmp, argv[1]) != 0) {
		fprintf(stderr, "httpd: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	sigterm = evsignal_new(base, SIGTERM, on_signal, NULL);
	sigint = evsignal_new(base, SIGINT, on_signal, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	lifetime = evtimer_new(base, on_signal, NULL);
	evtimer_add(lifetime, &life);
	event_base_dispatch(base);
	event_free(lifetime);
	event_free(sigterm);
	event_free(sigint);
	release_all();
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
