/*
 * The fetcher: HTTP(S) and file: transfers for every feed, driven from the
 * daemon's one libevent loop through libcurl's multi-socket interface (the
 * shape of curl's docs/examples/hiperfifo.c).  A first response body is
 * streamed into a feed parser as it arrives; once a feed has a body_digest
 * its body is held (bounded by max_size) and parsed only when it is not the
 * same bytes as last time.  The parsed items go to the caller as they are
 * read, and the outcome of the fetch to one callback at the end.
 *
 *	f = fetcher_new(base, &opts, &err);
 *	fetcher_start(f, &req, &err);	  (req.on_done called later)
 *	event_base_dispatch(base);
 *	fetcher_free(f);
 *
 * Politeness and safety are the fetcher's job, not its callers': at most
 * max_concurrent transfers at once and per_host per host:port (the rest
 * wait in FIFO queues, served round-robin across hosts), conditional GET
 * with the caller's validators, every content encoding libcurl has, at most
 * FETCH_MAX_REDIRECTS redirects, only http/https/file (redirects only
 * http/https), a cap on the decoded body (max_size), a total timeout and a
 * low-speed limit.  DNS never blocks: fetcher_new refuses a libcurl without
 * an asynchronous resolver.
 */
#ifndef FW_FEEDS_FETCH_H
#define FW_FEEDS_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "feeds/parse.h"

struct event_base;
struct conf_daemon;
struct conf_fetch;
struct curlev;

/* SPEC "Fetching": at most 5 redirects. */
#define FETCH_MAX_REDIRECTS 5

struct fetch_options {
	int max_concurrent;     /* transfers at once, >= 1 */
	int per_host;           /* transfers at once per host:port, >= 1 */
	uint64_t timeout_ms;    /* whole transfer, 0 = none */
	uint64_t max_size;      /* decoded body bytes, 0 = none */
	long low_speed_limit;   /* bytes/s below which ... */
	long low_speed_time_s;  /* ... for this long aborts; 0 = off */
	const char *user_agent; /* copied; NULL = "feedwatch/VERSION" */
	/* The program's curl driver, shared with its sinks (a reference is
	 * taken); NULL: the fetcher makes one of its own on base. */
	struct curlev *curl;
	/* TLS: CA bundle file and hashed CA directory for every feed (a
	 * request's own win); NULL = the system's.  Not copied. */
	const char *ca_file;
	const char *ca_path;
	int no_tls_resume; /* benchmarks: a full handshake every time */
};

enum fetch_status {
	FETCH_OK,           /* a feed was read; items were handed on */
	FETCH_NOT_MODIFIED, /* 304: the validators still match */
	FETCH_ERROR,        /* see error */
	FETCH_GONE,         /* 410: the feed is gone for good */
};

/* What one fetch came to.  Strings belong to the fetcher and are valid only
 * during the on_done call. */
struct fetch_result {
	enum fetch_status status;
	long http_code;    /* of the last response; 0 for file: or none */
	uint64_t bytes;    /* decoded body bytes received */
	size_t nitems;     /* items handed to on_item */
	const char *error; /* FETCH_ERROR/GONE: why; else NULL */
	const char *etag;  /* validators to send next time, or NULL */
	const char *last_modified;
	const char *final_url;     /* after redirects */
	int permanent_redirect;    /* the chain began with 301/308s ... */
	const char *permanent_url; /* ... which lead here: store it */
	int64_t retry_after_s;     /* Retry-After in seconds; -1 = absent */
	uint64_t duration_us;      /* the transfer, as libcurl timed it */
	const struct feed_parser *parser; /* FETCH_OK: meta, warnings */
	uint64_t body_digest; /* FETCH_OK: of the body; give it next time */
	int unchanged; /* FETCH_OK: body_digest as asked, so not parsed */
	const char *content_type; /* of the last response, or NULL */
};

typedef void (*fetch_done_cb)(const struct fetch_result *r, void *arg);

/* What a body reader (fetch_request.on_body) is told with each chunk. */
struct fetch_body_info {
	const char *url;          /* after redirects */
	const char *content_type; /* the response's, or NULL */
	const char *charset;      /* its charset parameter, or NULL */
};
/* -1 stops the transfer: the reader does not want the rest. */
typedef int (*fetch_body_cb)(
    const char *p, size_t len, const struct fetch_body_info *info, void *arg);

struct fetch_request {
	const char *url; /* copied */
	/* fetcher_host_key(url), kept by a caller that polls the URL again
	 * and again (parsing it costs more than the rest of starting a
	 * fetch); NULL: worked out here.  Copied. */
	const char *host_key;
	const char *etag;          /* If-None-Match, or NULL; copied */
	const char *last_modified; /* If-Modified-Since, or NULL; copied */
	feed_item_cb on_item;      /* may be NULL: items are only counted */
	feed_known_cb known;       /* may be NULL; items it knows are counted */
	fetch_done_cb on_done;     /* called exactly once, from the loop */
	void *arg;                 /* for every callback */
	const char *ca_file;       /* the feed's own CA file, or NULL; copied */
	const char *ca_path;       /* the feed's own CA directory; copied */
	/* The body_digest of the last 200, or 0.  When set, the body is
	 * held (up to max_size) and parsed only if its digest differs, so a
	 * server resending the same bytes costs no parse and no items. */
	uint64_t body_digest;
	/* With known: the marks of the old items of the last document
	 * parsed (feed_again in parse.h), read when the parse starts and
	 * replaced by this document's when it ends well; NULL: none.  It
	 * must outlive the fetch. */
	struct feed_again *again;
	/* The feed's own settings (headers, basic auth, cookie, proxy) and
	 * User-Agent; copied; NULL: none, and the fetcher's User-Agent. */
	const struct conf_fetch *http;
	const char *user_agent;
	int raw; /* items keep their markup (parse --raw) */
	/* Not a feed (an article page): each decoded chunk of a 2xx body
	 * goes here instead of to a feed parser, and on_item is unused.  The
	 * result is then FETCH_OK for a whole body, or an error. */
	fetch_body_cb on_body;
};

struct fetcher;

/* Defaults for everything, then the [daemon] keys that apply. */
void fetch_options_init(struct fetch_options *o);
void fetch_options_from_conf(
    struct fetch_options *o, const struct conf_daemon *d);

/* NULL with *err (free it) when libcurl cannot serve us. */
struct fetcher *fetcher_new(
    struct event_base *base, const struct fetch_options *o, char **err);
/* Queue a fetch.  -1 with *err (free it) for a URL that cannot be fetched
 * (bad syntax, scheme other than http/https/file); on_done is then not
 * called.  Callbacks may start further fetches. */
int fetcher_start(
    struct fetcher *f, const struct fetch_request *req, char **err);
/* The key of a URL's host ("scheme://host:port", as curl parses it) for
 * fetch_request.host_key; NULL with *err (free it) when the URL cannot be
 * fetched.  Free the key. */
char *fetcher_host_key(const char *url, char **err);
/* Transfers running and waiting. */
size_t fetcher_active(const struct fetcher *f);
size_t fetcher_queued(const struct fetcher *f);
/* Abandon every transfer without calling its callbacks, and free. */
void fetcher_free(struct fetcher *f);

const char *fetch_status_name(enum fetch_status s);

#endif
