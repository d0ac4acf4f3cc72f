/*
 * The status API's HTTP server: see httpserv.h.  One bufferevent per
 * connection; a request is parsed only once its whole header block is in
 * (at most HTTPSERV_MAX_HEADER bytes, so the input never holds more than
 * that and one read), answered at once by the callback, and its answer
 * queued.  A connection whose queued answers pass HTTPSERV_MAX_OUTPUT
 * stops being read until the client takes them; one that makes no
 * progress for http-idle-timeout is closed, and its memory with it.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/queue.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "common/buf.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "daemon/httpserv.h"

/* Connections taken per wake of the listener, so that a flood of them
 * does not keep the loop from the polls. */
#define HTTPSERV_ACCEPT_BURST 32
/* Out of descriptors: accepting pauses this long at first, doubling up
 * to HTTPSERV_BACKOFF_MAX_MS while it goes on. */
#define HTTPSERV_BACKOFF_MIN_MS 100
#define HTTPSERV_BACKOFF_MAX_MS 3200
/* The "out of descriptors" log line at most this often. */
#define HTTPSERV_FDLOG_S 60
/* Answers above this leave memory behind in the allocator's free lists;
 * a connection that queued that much gives it back when it goes. */
#define HTTPSERV_TRIM_BYTES (1024 * 1024)

struct conn {
	TAILQ_ENTRY(conn) entry; /* in accept order */
	struct httpserv *s;
	struct bufferevent *bev;
	struct event *timer;
	int busy;       /* part of a request is in, or answers are queued */
	int closing;    /* close once the queued answers are written */
	int paused;     /* not read until the output drains */
	size_t written; /* bytes queued over the connection's life */
};

TAILQ_HEAD(connq, conn);

struct httpserv {
	struct event_base *base;
	evutil_socket_t fd;
	struct event *accept_ev, *backoff_ev;
	int reserve_fd; /* given up to accept-and-close when out of fds */
	uint64_t backoff_ms;
	time_t fdlog_at;
	uint64_t fdlog_missed;
	struct httpserv_limits lim;
	struct connq conns;
	size_t nconns;
	uint64_t refused;
	httpserv_cb *cb;
	void *arg;
};

static void conn_read_cb(struct bufferevent *bev, void *arg);

/* ---- parsing --------------------------------------------------------- */

/* The end of the header block: the index after "\r\n\r\n" (or "\n\n"),
 * or 0 while it is not in data yet. */
static size_t
httpserv_head_end(const char *data, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (data[i] != '\n')
			continue;
		if (data[i + 1] == '\n')
			return i + 2;
		if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The next line of the block at *p, NUL-terminated in place, without its
 * CR LF; NULL at the blank line that ends the block. */
static char *
httpserv_line(char **p)
{
	char *line = *p, *nl = strchr(line, '\n');

	*p = nl + 1;
	*nl = '\0';
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	return line[0] == '\0' ? NULL : line;
}

/* A token character of RFC 9110 (header names, methods). */
static int
httpserv_tchar(int c)
{
	return c > ' ' && c < 127 && strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

/* "Name: value" into a field; -1 when it is not one. */
static int
httpserv_field(struct httpreq *req, char *line)
{
	char *colon = line, *v, *end;

	while (httpserv_tchar((unsigned char)*colon))
		colon++;
	if (colon == line || *colon != ':')
		return -1;
	*colon = '\0';
	v = colon + 1 + strspn(colon + 1, " \t");
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	for (const char *c = v; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' && *c != '\t')
			return -1;
	if (req->nfields == HTTPSERV_MAX_FIELDS)
		return -2;
	req->fields[req->nfields].name = line;
	req->fields[req->nfields++].value = v;
	return 0;
}

/* "GET /path?query HTTP/1.1" into the request. */
static enum httpserv_parse
httpserv_request_line(struct httpreq *req, char *line)
{
	char *target, *version, *q;

	if ((target = strchr(line, ' ')) == NULL)
		return HTTPSERV_BAD;
	*target++ = '\0';
	if ((version = strchr(target, ' ')) == NULL)
		return HTTPSERV_BAD;
	*version++ = '\0';
	if (strncmp(version, "HTTP/1.", 7) != 0 || version[7] < '0' ||
	    version[7] > '9' || version[8] != '\0' || target[0] != '/')
		return HTTPSERV_BAD;
	for (const char *c = target; *c != '\0'; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 127)
			return HTTPSERV_BAD;
	req->minor = version[7] - '0';
	req->close = req->minor == 0;
	if ((q = strchr(target, '?')) != NULL)
		*q++ = '\0';
	req->path = target;
	req->query = q;
	if (strcmp(line, "HEAD") == 0)
		req->head_only = 1;
	else if (strcmp(line, "POST") == 0)
		req->post = 1;
	else if (strcmp(line, "GET") != 0)
		return HTTPSERV_METHOD;
	return HTTPSERV_OK;
}

/* Parse the header block at the start of data. */
enum httpserv_parse
httpserv_parse(struct httpreq *req, const char *data, size_t len, size_t *used)
{
	size_t end = httpserv_head_end(
	    data, len < HTTPSERV_MAX_HEADER ? len : HTTPSERV_MAX_HEADER);
	enum httpserv_parse rc;
	const char *conn;
	char *p = req->head, *line;

	req->path = req->query = NULL;
	req->nfields = 0;
	req->head_only = req->minor = req->close = req->answered = 0;
	req->post = 0;
	req->body_len = 0;
	req->body[0] = '\0';
	*used = end;
	if (end == 0)
		return len >= HTTPSERV_MAX_HEADER ? HTTPSERV_BIG
		                                  : HTTPSERV_MORE;
	memcpy(req->head, data, end);
	req->head[end] = '\0';
	if (memchr(req->head, '\0', end) != NULL)
		return HTTPSERV_BAD;
	/* Blank lines before a request are to be ignored (RFC 9112 2.2). */
	while (*p == '\r' || *p == '\n')
		p++;
	if (*p == '\0' || (line = httpserv_line(&p)) == NULL)
		return HTTPSERV_BAD;
	if ((rc = httpserv_request_line(req, line)) != HTTPSERV_OK)
		return rc;
	while ((line = httpserv_line(&p)) != NULL) {
		int r = httpserv_field(req, line);
		if (r == -2)
			return HTTPSERV_BIG;
		if (r < 0)
			return HTTPSERV_BAD;
	}
	if (httpreq_field(req, "Transfer-Encoding") != NULL)
		return HTTPSERV_BODY;
	if ((conn = httpreq_field(req, "Content-Length")) != NULL &&
	    strcmp(conn, "0") != 0) {
		if (!req->post)
			return HTTPSERV_BODY;
		if (strspn(conn, "0123456789") != strlen(conn) ||
		    strlen(conn) > 9)
			return HTTPSERV_BAD;
		if ((req->body_len = (size_t)atol(conn)) > HTTPSERV_MAX_BODY)
			return HTTPSERV_TOO_LARGE;
	}
	if ((conn = httpreq_field(req, "Connection")) != NULL) {
		if (strcasecmp(conn, "close") == 0)
			req->close = 1;
		else if (strcasecmp(conn, "keep-alive") == 0)
			req->close = 0;
	}
	return HTTPSERV_OK;
}

/* A header's value by name. */
const char *
httpreq_field(const struct httpreq *req, const char *name)
{
	for (size_t i = 0; i < req->nfields; i++)
		if (strcasecmp(req->fields[i].name, name) == 0)
			return req->fields[i].value;
	return NULL;
}

/* ---- answers --------------------------------------------------------- */

/* The reason phrase of the codes the API uses. */
static const char *
httpserv_reason(int code)
{
	static const struct {
		int code;
		const char *reason;
	} reasons[] = {
	    {200, "OK"},
	    {201, "Created"},
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {413, "Content Too Large"},
	    {431, "Request Header Fields Too Large"},
	    {500, "Internal Server Error"},
	    {501, "Not Implemented"},
	    {503, "Service Unavailable"},
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].reason;
	return "Error";
}

/* An extra header line of the answer. */
void
httpreq_add_field(struct httpreq *req, const char *name, const char *value)
{
	buf_printf(req->out_fields, "%s: %s\r\n", name, value);
}

/* The status line, the headers and (but for HEAD) the body. */
void
httpserv_reply(struct httpreq *req, int code, const char *type,
    const char *body, size_t len)
{
	if (req->answered++)
		return;
	buf_printf(req->out,
	    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n%s%s\r\n",
	    code, httpserv_reason(code), type, len, buf_str(req->out_fields),
	    req->close ? "Connection: close\r\n" : "");
	if (!req->head_only)
		buf_append(req->out, body, len);
}

/* ---- connections ----------------------------------------------------- */

/* Close and free; the allocator gets back what a big answer took. */
static void
conn_free(struct conn *c)
{
	struct httpserv *s = c->s;
	size_t written = c->written;

	TAILQ_REMOVE(&s->conns, c, entry);
	s->nconns--;
	event_free(c->timer);
	bufferevent_free(c->bev);
	free(c);
#ifdef HAVE_MALLOC_TRIM
	if (written >= HTTPSERV_TRIM_BYTES)
		malloc_trim(0);
#else
	(void)written;
#endif
}

/* (Re)arm the connection's one timer. */
static void
conn_arm(struct conn *c, uint64_t ms)
{
	struct timeval tv = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000};

	evtimer_add(c->timer, &tv);
}

/* The header or idle deadline passed: the client had its chance. */
static void
conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	conn_free(arg);
}

/* One request parsed from the input: answer it into the output. */
static void
conn_answer(struct conn *c, struct httpreq *req, enum httpserv_parse rc)
{
	struct buf out = BUF_INIT, fields = BUF_INIT;

	req->out = &out;
	req->out_fields = &fields;
	if (rc == HTTPSERV_OK)
		c->s->cb(req, c->s->arg);
	else {
		/* Past a malformed request nothing can be read reliably. */
		req->close = 1;
		if (rc == HTTPSERV_METHOD)
			httpreq_add_field(req, "Allow", "GET, HEAD, POST");
		httpserv_reply(req, (int)rc, "text/plain; charset=utf-8",
		    rc == HTTPSERV_BIG ? "request header too large\n"
		                       : "bad request\n",
		    rc == HTTPSERV_BIG ? 25 : 12);
	}
	if (!req->answered)
		httpserv_reply(
		    req, 500, "text/plain; charset=utf-8", "no answer\n", 10);
	bufferevent_write(c->bev, out.data, out.len);
	c->written += out.len;
	c->closing = req->close;
	buf_free(&out);
	buf_free(&fields);
}

/* Answer the complete requests in the input while the output has room. */
static void
conn_process(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct httpreq req;

	while (!c->closing && evbuffer_get_length(in) > 0) {
		size_t len = evbuffer_get_length(in), used;
		enum httpserv_parse rc;
		const char *data;

		if (evbuffer_get_length(out) >= HTTPSERV_MAX_OUTPUT) {
			/* The client must take what it asked for first. */
			bufferevent_disable(c->bev, EV_READ);
			c->paused = 1;
			return;
		}
		if (len > HTTPSERV_MAX_HEADER)
			len = HTTPSERV_MAX_HEADER;
		data = (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
		if ((rc = httpserv_parse(&req, data, len, &used)) ==
		    HTTPSERV_MORE) {
			if (!c->busy)
				conn_arm(c, c->s->lim.header_timeout_ms);
			c->busy = 1;
			return;
		}
		/* A POST's body follows its head: wait for all of it. */
		if (rc == HTTPSERV_OK && req.body_len > 0) {
			if (evbuffer_get_length(in) < used + req.body_len) {
				if (!c->busy)
					conn_arm(
					    c, c->s->lim.header_timeout_ms);
				c->busy = 1;
				return;
			}
			evbuffer_drain(in, used);
			evbuffer_remove(in, req.body, req.body_len);
			req.body[req.body_len] = '\0';
		} else
			evbuffer_drain(in, used);
		conn_answer(c, &req, rc);
		c->busy = 1;
		conn_arm(c, c->s->lim.idle_timeout_ms);
	}
	if (c->closing)
		bufferevent_disable(c->bev, EV_READ);
}

/* Input: answer what is complete. */
static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	conn_process(arg);
}

/* The output drained to the low mark: read again, or close, or idle. */
static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	size_t left = evbuffer_get_length(bufferevent_get_output(bev));

	if (c->closing && left == 0) {
		conn_free(c);
		return;
	}
	conn_arm(c, c->s->lim.idle_timeout_ms);
	if (c->paused && left < HTTPSERV_MAX_OUTPUT) {
		c->paused = 0;
		bufferevent_enable(bev, EV_READ);
		conn_process(c);
	}
	if (!c->closing && left == 0 &&
	    evbuffer_get_length(bufferevent_get_input(bev)) == 0)
		c->busy = 0;
}

/* EOF, an error or a write timeout: the connection is done. */
static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	conn_free(arg);
}

/* Make room for one more: close the oldest idle connection; 0 when one
 * was closed, -1 when every connection is busy. */
static int
httpserv_evict(struct httpserv *s)
{
	struct conn *c;

	TAILQ_FOREACH(c, &s->conns, entry)
	if (!c->busy) {
		conn_free(c);
		return 0;
	}
	return -1;
}

/* Past the bounds, a new connection is told so and closed. */
static void
httpserv_refuse(struct httpserv *s, evutil_socket_t fd)
{
	static const char busy[] =
	    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
	    "Connection: close\r\nRetry-After: 1\r\n\r\n";

	s->refused++;
	(void)send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	evutil_closesocket(fd);
}

/* A new connection, within http-max-connections. */
static void
httpserv_add(struct httpserv *s, evutil_socket_t fd)
{
	struct conn *c;
	struct timeval wtv;

	if (s->nconns >= (size_t)s->lim.max_connections &&
	    httpserv_evict(s) == -1) {
		httpserv_refuse(s, fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->timer = evtimer_new(s->base, conn_timer_cb, c);
	bufferevent_setcb(
	    c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	/* Write callbacks once the queue is below the bound, not per write. */
	bufferevent_setwatermark(c->bev, EV_WRITE, HTTPSERV_MAX_OUTPUT / 2, 0);
	/* Input beyond one header block waits in the kernel. */
	bufferevent_setwatermark(c->bev, EV_READ, 0, HTTPSERV_MAX_HEADER * 2);
	wtv.tv_sec = (time_t)(s->lim.idle_timeout_ms / 1000);
	wtv.tv_usec = (long)(s->lim.idle_timeout_ms % 1000) * 1000;
	bufferevent_set_timeouts(c->bev, NULL, &wtv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	s->nconns++;
	conn_arm(c, s->lim.header_timeout_ms);
}

/* Out of descriptors: take the waiting connection with the reserve one
 * and close it, so that the client hears no instead of waiting, pause
 * accepting, and say so now and then. */
static void
httpserv_no_fds(struct httpserv *s, int err)
{
	struct timeval tv;
	time_t now = time(NULL);
	evutil_socket_t fd;

	if (s->reserve_fd >= 0) {
		close(s->reserve_fd);
		if ((fd = accept(s->fd, NULL, NULL)) >= 0)
			httpserv_refuse(s, fd);
		s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (now - s->fdlog_at >= HTTPSERV_FDLOG_S) {
		log_warnx("status API: out of file descriptors (%s); new "
		          "connections wait%s",
		    strerror(err), s->fdlog_missed > 0 ? " (again)" : "");
		s->fdlog_at = now;
		s->fdlog_missed = 0;
	} else
		s->fdlog_missed++;
	s->backoff_ms =
	    s->backoff_ms == 0 ? HTTPSERV_BACKOFF_MIN_MS : s->backoff_ms * 2;
	if (s->backoff_ms > HTTPSERV_BACKOFF_MAX_MS)
		s->backoff_ms = HTTPSERV_BACKOFF_MAX_MS;
	event_del(s->accept_ev);
	tv.tv_sec = (time_t)(s->backoff_ms / 1000);
	tv.tv_usec = (long)(s->backoff_ms % 1000) * 1000;
	evtimer_add(s->backoff_ev, &tv);
}

/* The pause is over: listen again. */
static void
httpserv_backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpserv *s = arg;

	event_add(s->accept_ev, NULL);
}

/* The listener is readable: take a burst of connections. */
static void
httpserv_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct httpserv *s = arg;

	for (int i = 0; i < HTTPSERV_ACCEPT_BURST; i++) {
		evutil_socket_t fd =
		    accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			s->backoff_ms = 0;
			httpserv_add(s, fd);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			httpserv_no_fds(s, errno);
		else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			log_warn("status API: accept");
		return;
	}
}

/* Listen on host:port. */
struct httpserv *
httpserv_new(struct event_base *base, const char *host, unsigned short port,
    httpserv_cb *cb, void *arg, char **err)
{
	struct addrinfo hints = {0}, *ai;
	struct httpserv *s;
	char portstr[8];
	int on = 1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
		xasprintf(err, "status API: cannot listen on %s:%u: %s", host,
		    port, gai_strerror(rc));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->base = base;
	s->cb = cb;
	s->arg = arg;
	s->lim = (struct httpserv_limits){64, 10000, 60000};
	TAILQ_INIT(&s->conns);
	s->fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (s->fd == -1 ||
	    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ==
	        -1 ||
	    bind(s->fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(s->fd, 128) == -1) {
		xasprintf(err, "status API: cannot listen on %s:%u: %s", host,
		    port, strerror(errno));
		freeaddrinfo(ai);
		if (s->fd != -1)
			close(s->fd);
		free(s);
		return NULL;
	}
	freeaddrinfo(ai);
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s->accept_ev =
	    event_new(base, s->fd, EV_READ | EV_PERSIST, httpserv_accept_cb, s);
	s->backoff_ev = evtimer_new(base, httpserv_backoff_cb, s);
	event_add(s->accept_ev, NULL);
	return s;
}

/* The bounds of the current config; open connections keep theirs until
 * their timer is next armed. */
void
httpserv_set_limits(struct httpserv *s, const struct httpserv_limits *l)
{
	s->lim = *l;
}

/* Connections open now. */
size_t
httpserv_connections(const struct httpserv *s)
{
	return s->nconns;
}

/* Connections refused so far (every connection busy, or no fd). */
uint64_t
httpserv_refused(const struct httpserv *s)
{
	return s->refused;
}

/* Close every connection and the listener; NULL is allowed. */
void
httpserv_free(struct httpserv *s)
{
	struct conn *c;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->conns)) != NULL)
		conn_free(c);
	event_free(s->accept_ev);
	event_free(s->backoff_ev);
	close(s->fd);
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	free(s);
}
