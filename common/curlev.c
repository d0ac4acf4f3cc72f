/*
 * curl multi-socket <-> libevent: see curlev.h.
 *
 * One event per socket curl asks about (created on its first ADD, changed
 * in place after, freed on REMOVE; a REMOVE may name a socket curl never
 * reported, which is ignored), one timer for curl's timeout (-1 deletes it,
 * 0 means "call me at once").  curl owns its sockets: we never close them.
 * After every socket_action the finished transfers are read from
 * curl_multi_info_read and handed to their done callbacks.
 */
#include "config.h"

#include <sys/queue.h>

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "common/curlev.h"
#include "common/hash.h"
#include "common/prio.h"
#include "common/xmalloc.h"

/*
 * libcurl (7.88) keeps at most 8 TLS sessions in a share handle, the least
 * recently used going first, so one share for every host resumed nothing
 * once more than 8 hosts took turns (bench/RESULTS.md).  So the sessions
 * are spread over this many share handles by host: 8 x 256 = 2,048 hosts
 * resume.  DNS and the connection cache need no share: the multi handle
 * already shares them between all its transfers.
 */
#define CURLEV_TLS_SHARDS 256
/* A request header line this long is made on the stack (validators are
 * tens of bytes; the fetcher echoes none over 1 KiB). */
#define CURLEV_HEADER_STACK 1100

/* What curlev keeps per transfer, as CURLOPT_PRIVATE. */
struct curlev_xfer {
	CURL *easy;
	curlev_done_cb done;
	void *arg;
	LIST_ENTRY(curlev_xfer) entry;
};

/* One socket curl wants watched. */
struct curlev_sock {
	struct event *ev;
	short kind; /* what ev waits for now */
	LIST_ENTRY(curlev_sock) entry;
};

struct curlev {
	struct event_base *base;
	CURLM *multi;
	/* TLS sessions, by host (curlev_tls_shard); made when first used. */
	CURLSH *tls[CURLEV_TLS_SHARDS];
	struct event *timer;
	LIST_HEAD(, curlev_xfer) xfers; /* added, not finished or cancelled */
	LIST_HEAD(, curlev_sock) socks; /* watched now */
	int refs;                       /* holders (curlev_share) */
};

/* Unlink and free a transfer's record; the handle leaves the multi. */
static void
curlev_xfer_drop(struct curlev *cv, struct curlev_xfer *x)
{
	curl_multi_remove_handle(cv->multi, x->easy);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, NULL);
	/* Detached, so the caller may keep or free the handle freely and the
	 * share is never left in use at curlev_free. */
	curl_easy_setopt(x->easy, CURLOPT_SHARE, NULL);
	LIST_REMOVE(x, entry);
	free(x);
}

/* Stop watching a socket and free its record. */
static void
curlev_sock_drop(struct curlev *cv, struct curlev_sock *s)
{
	event_free(s->ev);
	LIST_REMOVE(s, entry);
	free(s);
}

/* Hand every finished transfer to its owner. */
static void
curlev_check(struct curlev *cv)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(cv->multi, &left)) != NULL) {
		struct curlev_xfer *x = NULL;
		CURL *easy = m->easy_handle;
		CURLcode rc = m->data.result;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		if (x != NULL) {
			curlev_done_cb done = x->done;
			void *arg = x->arg;

			curlev_xfer_drop(cv, x);
			done(easy, rc, arg);
		}
	}
}

/* A socket is ready: tell curl which way. */
static void
curlev_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct curlev *cv = arg;
	int action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(cv->multi, fd, action, &running);
	curlev_check(cv);
}

/* curl's timeout came. */
static void
curlev_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct curlev *cv = arg;
	int running;

	curl_multi_socket_action(cv->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	curlev_check(cv);
}

/* CURLMOPT_TIMERFUNCTION: -1 deletes the timer, 0 fires it at once. */
static int
curlev_timer_set(CURLM *multi, long ms, void *arg)
{
	struct curlev *cv = arg;
	struct timeval tv;

	(void)multi;
	if (ms < 0) {
		evtimer_del(cv->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(cv->timer, &tv);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: watch, change or forget one socket. */
static int
curlev_sock_set(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct curlev *cv = arg;
	struct curlev_sock *s = sockp;
	short kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		/* May name a socket we never saw: then s is NULL. */
		if (s != NULL) {
			curlev_sock_drop(cv, s);
			curl_multi_assign(cv->multi, fd, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		LIST_INSERT_HEAD(&cv->socks, s, entry);
		curl_multi_assign(cv->multi, fd, s);
		s->ev = event_new(cv->base, fd, kind, curlev_event_cb, cv);
	} else if (s->kind == kind) {
		/* curl says the same again (it does, for every HTTP/2
		 * stream on a connection): nothing to change. */
		return 0;
	} else {
		/* Changed in place: no free and new per change. */
		event_del(s->ev);
		event_assign(s->ev, cv->base, fd, kind, curlev_event_cb, cv);
	}
	s->kind = kind;
	event_priority_set(s->ev, PRIO_INPUT);
	event_add(s->ev, NULL);
	return 0;
}

/* The share handle of a key's TLS sessions, made on first use; NULL
 * when curl cannot make one (the transfer then keeps its own). */
static CURLSH *
curlev_tls_shard(struct curlev *cv, const char *key)
{
	size_t i =
	    key != NULL ? hash64(key, strlen(key)) % CURLEV_TLS_SHARDS : 0;
	CURLSH *sh = cv->tls[i];

	if (sh == NULL && (sh = curl_share_init()) != NULL) {
		if (curl_share_setopt(sh, CURLSHOPT_SHARE,
		        CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
			curl_share_cleanup(sh);
			sh = NULL;
		}
		cv->tls[i] = sh;
	}
	return sh;
}

/* The multi, its socket and timer callbacks, one reference. */
struct curlev *
curlev_new(struct event_base *base, char **err)
{
	struct curlev *cv;

	/* Counted by curl: each curlev holds one reference. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		xasprintf(err, "curl_global_init failed");
		return NULL;
	}
	cv = xcalloc(1, sizeof(*cv));
	if ((cv->multi = curl_multi_init()) == NULL) {
		xasprintf(err, "curl_multi_init failed");
		free(cv);
		curl_global_cleanup();
		return NULL;
	}
	cv->base = base;
	cv->refs = 1;
	LIST_INIT(&cv->xfers);
	LIST_INIT(&cv->socks);
	cv->timer = evtimer_new(base, curlev_timer_cb, cv);
	event_priority_set(cv->timer, PRIO_INPUT);
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETFUNCTION, curlev_sock_set);
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETDATA, cv);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERFUNCTION, curlev_timer_set);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERDATA, cv);
	/* HTTP/2 streams of one host share a connection (libcurl's default
	 * since 7.62, said here because the fetcher counts on it). */
	curl_multi_setopt(cv->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	return cv;
}

/* For CURLMOPT_* settings by a holder. */
CURLM *
curlev_multi(struct curlev *cv)
{
	return cv->multi;
}

/* Record the transfer as CURLOPT_PRIVATE and hand it to the multi. */
int
curlev_add(
    struct curlev *cv, CURL *easy, curlev_done_cb done, void *arg, char **err)
{
	return curlev_add_for(cv, easy, NULL, done, arg, err);
}

/* The same, with the TLS sessions of key's share handle. */
int
curlev_add_for(struct curlev *cv, CURL *easy, const char *key,
    curlev_done_cb done, void *arg, char **err)
{
	struct curlev_xfer *x = xcalloc(1, sizeof(*x));
	CURLMcode mc;

	x->easy = easy;
	x->done = done;
	x->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(easy, CURLOPT_SHARE, curlev_tls_shard(cv, key));
	/* curl arms its timer (at once) from inside add_handle. */
	if ((mc = curl_multi_add_handle(cv->multi, easy)) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		curl_easy_setopt(easy, CURLOPT_SHARE, NULL);
		free(x);
		xasprintf(err, "curl: %s", curl_multi_strerror(mc));
		return -1;
	}
	LIST_INSERT_HEAD(&cv->xfers, x, entry);
	return 0;
}

/* Take an unfinished transfer out of the multi; no callback. */
void
curlev_cancel(struct curlev *cv, CURL *easy)
{
	struct curlev_xfer *x = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
	if (x != NULL) /* else finished, or never ours */
		curlev_xfer_drop(cv, x);
}

/* One more holder of cv. */
struct curlev *
curlev_share(struct curlev *cv)
{
	cv->refs++;
	return cv;
}

/* The last holder frees; the others have cancelled their transfers. */
void
curlev_free(struct curlev *cv)
{
	if (cv == NULL || --cv->refs > 0)
		return;
	while (!LIST_EMPTY(&cv->xfers))
		curlev_xfer_drop(cv, LIST_FIRST(&cv->xfers));
	curl_multi_cleanup(cv->multi);
	for (size_t i = 0; i < CURLEV_TLS_SHARDS; i++)
		if (cv->tls[i] != NULL)
			curl_share_cleanup(cv->tls[i]);
	/* Sockets curl closed without a REMOVE (at cleanup). */
	while (!LIST_EMPTY(&cv->socks))
		curlev_sock_drop(cv, LIST_FIRST(&cv->socks));
	event_free(cv->timer);
	free(cv);
	curl_global_cleanup();
}

/* Append "name: value" to a request's header list; returns the list.
 * curl copies the line, so a short one is put together on the stack
 * (every conditional poll sends two: xasprintf was most of their cost). */
struct curl_slist *
curlev_header(struct curl_slist *list, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	char buf[CURLEV_HEADER_STACK], *line = buf;

	if (nlen + vlen + 3 > sizeof(buf))
		line = xmalloc(nlen + vlen + 3);
	memcpy(line, name, nlen);
	memcpy(line + nlen, ": ", 2);
	memcpy(line + nlen + 2, value, vlen + 1);
	list = curl_slist_append(list, line);
	if (line != buf)
		free(line);
	return list;
}
