/*
 * The fetcher (see fetch.h): libcurl's multi-socket interface on the
 * daemon's libevent loop, through common/curlev.c (the glue the sinks use
 * too, in the shape of curl's hiperfifo.c); each finished transfer comes
 * back to fetch_xfer_done.
 *
 * Concurrency is ours, not curl's: a job waits in its host's FIFO until
 * both the global and the per-host limit allow it, and hosts with waiting
 * jobs take turns (a "runnable" FIFO), so one host with a thousand feeds
 * cannot starve the others and a job's timeout only starts when its
 * transfer does.  Easy handles are pooled to save their set-up cost.
 *
 * The body goes from the write callback straight into the feed parser,
 * counted against max_size after decoding (a compression bomb is cut off
 * like any other oversized body) and hashed as it comes.  When the caller
 * gives the digest of the last body, the bytes are held instead and parsed
 * at the end only if they differ: the same bytes again cost a copy and a
 * hash, not a parse (bench/RESULTS.md has the figures that chose this). Headers
 * of every response in a redirect chain pass through the header callback, which
 * keeps the validators of the last one and notes where a chain of permanent
 * redirects ends.
 */
#include "config.h"

#include <sys/queue.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/curlev.h"
#include "common/hash.h"
#include "common/redact.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "feeds/fetch.h"
#include "feeds/fetch_feed.h"

/* Validators longer than this are not worth echoing back (RFC 9110 sets no
 * limit; real ETags are tens of bytes). */
#define FETCH_MAX_VALIDATOR 1024
/* A charset name is an IANA token; the longest registered is 45 bytes. */
#define FETCH_MAX_CHARSET 64
/*
 * Idle connections kept for reuse: FETCH_CONN_CACHE_FACTOR per transfer
 * slot, since one slot per host in flight leaves the host's other
 * connections idle (bench/poll-bench: a cache of one per slot made a new
 * connection for a third of all polls and doubled the CPU of a 304).  At most
 * FETCH_MAX_CACHED_CONNS, so descriptors stay well under the usual
 * 1024 soft limit.
 */
#define FETCH_CONN_CACHE_FACTOR 4
#define FETCH_MAX_CACHED_CONNS 512
/* Host table starts this big and doubles when fuller than one per bucket. */
#define FETCH_HOST_BUCKETS 64
/*
 * Held bodies' buffers are kept for the next transfers, at most one per
 * transfer slot, none bigger than FETCH_HELD_KEEP_ONE and FETCH_HELD_KEEP
 * bytes in all: a 40 KB buffer made and freed for every poll moved the
 * heap's top up and down (glibc hands back what is free at the top past
 * 128 KiB), and every page taken again was a page fault, 8% of a steady
 * run's CPU on a VM (bench/RESULTS.md).
 */
#define FETCH_HELD_KEEP_ONE (256 * 1024)
#define FETCH_HELD_KEEP (16 * 1024 * 1024)

struct fetch_host;

/* One requested fetch, from fetcher_start to its on_done. */
struct fetch_job {
	struct fetcher *f;
	struct fetch_host *host;
	TAILQ_ENTRY(fetch_job) entry; /* host's waiting queue or f->running */
	char *url;
	char *etag;
	char *last_modified;
	char *ca_file, *ca_path;
	uint64_t want_digest; /* the last body's: hold this body, compare */
	feed_item_cb on_item;
	feed_known_cb known;
	struct feed_again *again; /* the feed's; replaced after a parse */
	int raw;                  /* keep items' markup (feed_parser_set_raw) */
	fetch_done_cb on_done;
	void *arg;
	fetch_body_cb on_body;

	CURL *easy;
	int easy_set;  /* it came with fetch_setopts_common's options */
	int easy_keep; /* ... and goes back with them (none of its own) */
	struct curl_slist *headers;
	struct fetch_feed_opts *feed; /* the request's own settings, or NULL */
	struct feed_parser *parser;
	char errbuf[CURL_ERROR_SIZE];
	uint64_t bytes;
	struct hash_stream hs; /* of the body as it arrives */
	struct buf held;       /* the body, when want_digest is set */
	size_t nitems;
	int cut_off;  /* max_size reached */
	int hopeless; /* the parser gave up: not a feed */
	int skipped;  /* an error page's body: not read at all */

	/* The response being received (reset at each status line). */
	long code;
	int nresponses;
	int perm_chain; /* every response so far was 301/308 */
	char *permanent_url;
	char *resp_etag;
	char *resp_last_modified;
	char *charset;
	char *content_type;
};

TAILQ_HEAD(fetch_jobq, fetch_job);

/* The jobs of one scheme://host:port. */
struct fetch_host {
	char *key;
	struct fetch_host *next; /* bucket chain */
	int active;
	struct fetch_jobq waiting;
	int runnable; /* on f->runnable */
	TAILQ_ENTRY(fetch_host) rentry;
};

struct fetcher {
	struct event_base *base;
	struct fetch_options opt;
	char *user_agent;
	char *ca_file, *ca_path;
	int no_capath; /* the CA file alone will do (see fetch_ca_cacheable) */
	struct curlev *cv;
	struct event *kick; /* runs fetch_dispatch from the loop */
	struct fetch_host **buckets;
	size_t nbuckets;
	size_t nhosts;
	TAILQ_HEAD(, fetch_host) runnable;
	struct fetch_jobq running;
	size_t nactive;
	size_t nqueued;
	/* Idle easy handles, at most max_concurrent; set: still with the
	 * options every transfer shares (fetch_setopts_common). */
	struct fetch_easy {
		CURL *easy;
		int set;
	} * pool;
	size_t npool;
	/* Idle held-body buffers (FETCH_HELD_KEEP), their bytes. */
	struct buf *held_pool;
	size_t nheld;
	size_t held_bytes;
};

static void fetch_dispatch(struct fetcher *f);
static void fetch_job_done(struct fetch_job *j, CURLcode rc);

/* The name of a status, for logs and JSON. */
const char *
fetch_status_name(enum fetch_status s)
{
	static const char *const names[] = {
	    [FETCH_OK] = "ok",
	    [FETCH_NOT_MODIFIED] = "not-modified",
	    [FETCH_ERROR] = "error",
	    [FETCH_GONE] = "gone",
	};

	if ((size_t)s < sizeof(names) / sizeof(names[0]))
		return names[s];
	return "unknown";
}

/* ---- hosts ---------------------------------------------------------- */

/* The bucket of a key. */
static size_t
fetch_host_slot(const struct fetcher *f, const char *key)
{
	return (size_t)(hash64(key, strlen(key)) & (f->nbuckets - 1));
}

/* Double the host table. */
static void
fetch_host_grow(struct fetcher *f)
{
	struct fetch_host **old = f->buckets;
	size_t oldn = f->nbuckets;

	f->nbuckets *= 2;
	f->buckets = xcalloc(f->nbuckets, sizeof(*f->buckets));
	for (size_t i = 0; i < oldn; i++) {
		struct fetch_host *h, *next;
		for (h = old[i]; h != NULL; h = next) {
			size_t s = fetch_host_slot(f, h->key);
			next = h->next;
			h->next = f->buckets[s];
			f->buckets[s] = h;
		}
	}
	free(old);
}

/* The host entry for key, made when new. */
static struct fetch_host *
fetch_host_get(struct fetcher *f, const char *key)
{
	struct fetch_host *h;
	size_t s = fetch_host_slot(f, key);

	for (h = f->buckets[s]; h != NULL; h = h->next)
		if (strcmp(h->key, key) == 0)
			return h;
	if (f->nhosts >= f->nbuckets) {
		fetch_host_grow(f);
		s = fetch_host_slot(f, key);
	}
	h = xcalloc(1, sizeof(*h));
	h->key = xstrdup(key);
	TAILQ_INIT(&h->waiting);
	h->next = f->buckets[s];
	f->buckets[s] = h;
	f->nhosts++;
	return h;
}

/* Forget a host that has nothing running or waiting. */
static void
fetch_host_drop(struct fetcher *f, struct fetch_host *h)
{
	struct fetch_host **pp = &f->buckets[fetch_host_slot(f, h->key)];

	while (*pp != h)
		pp = &(*pp)->next;
	*pp = h->next;
	f->nhosts--;
	free(h->key);
	free(h);
}

/* Put a host in line for a transfer slot if it has work and room. */
static void
fetch_host_wake(struct fetcher *f, struct fetch_host *h)
{
	if (!h->runnable && !TAILQ_EMPTY(&h->waiting) &&
	    h->active < f->opt.per_host) {
		TAILQ_INSERT_TAIL(&f->runnable, h, rentry);
		h->runnable = 1;
	}
}

/* ---- one transfer ---------------------------------------------------- */

/* Replace *dst with a copy of src[0..len) trimmed, if it is not too long. */
static void
fetch_set_header_value(char **dst, const char *src, size_t len, size_t max)
{
	str_trim_range(&src, &len);
	free(*dst);
	*dst = (len > 0 && len <= max) ? xmemdup0(src, len) : NULL;
}

/* The charset parameter of a Content-Type value, if any. */
static void
fetch_set_charset(struct fetch_job *j, const char *v, size_t len)
{
	static const char param[] = "charset=";
	char *ct = xmemdup0(v, len);
	char *p = ct, *end;

	free(j->charset);
	j->charset = NULL;
	fetch_set_header_value(&j->content_type, v, len, FETCH_MAX_VALIDATOR);
	for (; *p != '\0'; p++)
		if (str_ncasecmp(p, param, sizeof(param) - 1) == 0)
			break;
	if (*p != '\0') {
		p += sizeof(param) - 1;
		if (*p == '"')
			p++;
		end = p + strcspn(p, "\"; \t\r\n");
		if (end > p && (size_t)(end - p) <= FETCH_MAX_CHARSET)
			j->charset = xmemdup0(p, (size_t)(end - p));
	}
	free(ct);
}

/* A new response begins: note where a chain of 301/308s has led. */
static void
fetch_begin_response(struct fetch_job *j, long code)
{
	char *url = NULL;

	if (j->nresponses > 0 && j->perm_chain) {
		curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &url);
		free(j->permanent_url);
		j->permanent_url = url ? xstrdup(url) : NULL;
	}
	j->perm_chain = (j->nresponses == 0 || j->perm_chain) &&
	    (code == 301 || code == 308);
	j->nresponses++;
	j->code = code;
	free(j->resp_etag);
	free(j->resp_last_modified);
	free(j->charset);
	free(j->content_type);
	j->resp_etag = j->resp_last_modified = j->charset = NULL;
	j->content_type = NULL;
}

/* curl: one header line of some response (not NUL-terminated). */
static size_t
fetch_header_cb(char *line, size_t size, size_t n, void *arg)
{
	struct fetch_job *j = arg;
	size_t len = size * n;
	const char *colon;

	if (len > 5 && memcmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);
		long code = sp ? strtol(sp + 1, NULL, 10) : 0;
		if (code >= 200) /* 1xx are interim, not a response */
			fetch_begin_response(j, code);
		return len;
	}
	if ((colon = memchr(line, ':', len)) == NULL)
		return len;
	size_t nlen = (size_t)(colon - line), vlen = len - nlen - 1;
	if (nlen == 4 && str_ncasecmp(line, "ETag", 4) == 0)
		fetch_set_header_value(
		    &j->resp_etag, colon + 1, vlen, FETCH_MAX_VALIDATOR);
	else if (nlen == 13 && str_ncasecmp(line, "Last-Modified", 13) == 0)
		fetch_set_header_value(&j->resp_last_modified, colon + 1, vlen,
		    FETCH_MAX_VALIDATOR);
	else if (nlen == 12 && str_ncasecmp(line, "Content-Type", 12) == 0)
		fetch_set_charset(j, colon + 1, vlen);
	return len;
}

/* The parser's item callback: count, then hand on. */
static void
fetch_item_cb(const struct feed_item *item, void *arg)
{
	struct fetch_job *j = arg;

	j->nitems++;
	if (j->on_item != NULL)
		j->on_item(item, j->arg);
}

/* The parser asks whether an item is old: count it if so. */
static int
fetch_known_cb(const char *id, void *arg)
{
	struct fetch_job *j = arg;

	if (!j->known(id, j->arg))
		return 0;
	j->nitems++;
	return 1;
}

/* Start the parser once the first body byte arrives: by then the final URL
 * (the base for relative links) and the charset are known. */
static void
fetch_start_parser(struct fetch_job *j)
{
	char *url = NULL;

	curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &url);
	j->parser = feed_parser_new(url ? url : j->url, fetch_item_cb, j);
	if (j->charset != NULL)
		feed_parser_set_charset(j->parser, j->charset);
	feed_parser_set_raw(j->parser, j->raw);
	if (j->known != NULL) {
		feed_parser_set_known(j->parser, fetch_known_cb, j);
		feed_parser_set_again(j->parser, j->again);
	}
}

/* Is this response's body a feed to parse (not an error page)? */
static int
fetch_body_wanted(const struct fetch_job *j)
{
	return j->code == 0 || (j->code >= 200 && j->code < 300);
}

/* A chunk to the caller's body reader (an article page, not a feed). */
static int
fetch_body(struct fetch_job *j, const char *p, size_t len)
{
	struct fetch_body_info bi = {
	    .content_type = j->content_type, .charset = j->charset};
	char *url = NULL;

	curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &url);
	bi.url = url ? url : j->url;
	return j->on_body(p, len, &bi, j->arg);
}

/*
 * Room for the whole held body at once when the server said its length:
 * growing by doubling copied a 40 KB body about twice over (realloc was a
 * tenth of a steady-state poll's instructions, bench/RESULTS.md).  The
 * length is a hint (an encoded body decodes longer), never past max_size.
 * An idle buffer of an earlier body is taken first (FETCH_HELD_KEEP).
 */
static void
fetch_held_reserve(struct fetch_job *j)
{
	struct fetcher *f = j->f;
	curl_off_t cl = -1;
	uint64_t max = f->opt.max_size;

	if (f->nheld > 0) { /* empty, with room of its own */
		j->held = f->held_pool[--f->nheld];
		f->held_bytes -= j->held.cap;
	}
	curl_easy_getinfo(j->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (cl <= 0)
		return;
	if (max > 0 && (uint64_t)cl > max)
		cl = (curl_off_t)max;
	buf_reserve(&j->held, (size_t)cl);
}

/* curl: decoded body bytes.  Returning less than len aborts. */
static size_t
fetch_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_job *j = arg;
	size_t len = size * n, take = len;
	uint64_t max = j->f->opt.max_size;

	if (max > 0 && j->bytes + len > max) {
		take = (size_t)(max - j->bytes);
		j->cut_off = 1;
	}
	if (!fetch_body_wanted(j)) {
		/* The status says it all; do not download the page. */
		j->skipped = 1;
		return 0;
	}
	/* An article page goes to its reader; only a feed's body is hashed
	 * (fetch_finish_body compares it with the last one). */
	if (take > 0 && j->on_body != NULL) {
		if (fetch_body(j, p, take) == -1)
			j->hopeless = 1;
	} else if (take > 0) {
		hash_stream_update(&j->hs, p, take);
		if (j->want_digest != 0) {
			if (j->held.cap == 0)
				fetch_held_reserve(j);
			buf_append(&j->held, p, take);
		} else {
			if (j->parser == NULL)
				fetch_start_parser(j);
			if (feed_parser_feed(j->parser, p, take) == -1)
				j->hopeless = 1;
		}
	}
	j->bytes += take;
	if (j->cut_off || j->hopeless)
		return 0;
	return len;
}

/* An easy handle from the pool, or a new one. */
static void
fetch_easy_get(struct fetch_job *j)
{
	struct fetcher *f = j->f;

	if (f->npool > 0) {
		f->npool--;
		j->easy = f->pool[f->npool].easy;
		j->easy_set = f->pool[f->npool].set;
	} else {
		j->easy = curl_easy_init();
		j->easy_set = 0;
	}
}

/*
 * Back to the pool (or away when the pool is full).  A handle that had
 * only the shared options keeps them: setting them again was a third of
 * what our code spent on a 304 (bench/RESULTS.md); one that had a feed's
 * own settings is reset, so none of them reaches another feed.
 */
static void
fetch_easy_put(struct fetcher *f, CURL *easy, int keep)
{
	if (f->npool < (size_t)f->opt.max_concurrent) {
		if (keep) /* the job's buffer is going away */
			curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, NULL);
		else
			curl_easy_reset(easy);
		f->pool[f->npool].easy = easy;
		f->pool[f->npool++].set = keep;
	} else
		curl_easy_cleanup(easy);
}

/* The options every transfer has alike (see fetch.h for why each), the
 * CA where the request names its own. */
static void
fetch_setopts_common(struct fetch_job *j)
{
	const struct fetch_options *o = &j->f->opt;
	const char *ca_file = j->ca_file, *ca_path = j->ca_path;
	CURL *e = j->easy;

	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fetch_write_cb);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* "": every encoding this libcurl can decode. */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, j->f->user_agent);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
	/* HTTP/2 where the server offers it; wait for a connection to the
	 * host that may multiplex rather than open another. */
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	if (ca_file == NULL && ca_path == NULL) {
		ca_file = j->f->ca_file;
		ca_path = j->f->ca_path;
	}
	if (ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, ca_file);
	if (ca_path != NULL)
		curl_easy_setopt(e, CURLOPT_CAPATH, ca_path);
	else if (j->f->no_capath)
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	if (o->no_tls_resume)
		curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
}

/* Every option of a request: the shared ones unless the handle has them,
 * then this job's. */
static void
fetch_setopts(struct fetch_job *j)
{
	CURL *e = j->easy;

	/* A feed's own settings start from a handle without any. */
	j->easy_keep =
	    j->ca_file == NULL && j->ca_path == NULL && j->feed == NULL;
	if (j->easy_set && !j->easy_keep) {
		curl_easy_reset(e);
		j->easy_set = 0;
	}
	if (!j->easy_set)
		fetch_setopts_common(j);
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	if (j->etag != NULL)
		j->headers =
		    curlev_header(j->headers, "If-None-Match", j->etag);
	if (j->last_modified != NULL)
		j->headers = curlev_header(
		    j->headers, "If-Modified-Since", j->last_modified);
	if (j->feed != NULL)
		fetch_feed_setopts(j->easy, j->feed, &j->headers);
	/* NULL too: the last job's list is gone. */
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
}

/* A held body's buffer to the idle ones, or away (FETCH_HELD_KEEP). */
static void
fetch_held_put(struct fetcher *f, struct buf *b)
{
	if (b->cap > 0 && b->cap <= FETCH_HELD_KEEP_ONE &&
	    f->nheld < (size_t)f->opt.max_concurrent &&
	    f->held_bytes + b->cap <= FETCH_HELD_KEEP) {
		buf_reset(b);
		f->held_bytes += b->cap;
		f->held_pool[f->nheld++] = *b;
		buf_init(b);
	} else
		buf_free(b);
}

/* Free a job and everything it holds (not its easy handle). */
static void
fetch_job_free(struct fetch_job *j)
{
	if (j->parser != NULL)
		feed_parser_free(j->parser);
	curl_slist_free_all(j->headers);
	fetch_feed_opts_free(j->feed);
	free(j->url);
	free(j->etag);
	free(j->last_modified);
	free(j->ca_file);
	free(j->ca_path);
	fetch_held_put(j->f, &j->held);
	free(j->permanent_url);
	free(j->resp_etag);
	free(j->resp_last_modified);
	free(j->charset);
	free(j->content_type);
	free(j);
}

/* TLS failures, said so (curl's own words follow), with what to do. */
static const struct {
	CURLcode rc;
	const char *what;
} fetch_tls_errors[] = {
    {CURLE_PEER_FAILED_VERIFICATION,
        "TLS certificate not verified (for a private CA set ca-file or "
        "ca-path)"},
    {CURLE_SSL_CACERT_BADFILE, "TLS: the CA file or directory is unusable"},
    {CURLE_SSL_CONNECT_ERROR, "TLS handshake failed"},
    {CURLE_SSL_CERTPROBLEM, "TLS: client certificate problem"},
    {CURLE_SSL_ISSUER_ERROR, "TLS: issuer check failed"},
};

/* The error of a failed transfer: curl's, prefixed when it is TLS. */
static char *
fetch_error_text(const struct fetch_job *j, CURLcode rc)
{
	const char *why = j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc);
	char *msg;

	for (size_t i = 0;
	     i < sizeof(fetch_tls_errors) / sizeof(fetch_tls_errors[0]); i++)
		if (fetch_tls_errors[i].rc == rc) {
			xasprintf(
			    &msg, "%s: %s", fetch_tls_errors[i].what, why);
			return msg;
		}
	return xstrdup(why);
}

/* A 200's body: parse what was held unless it is the same as last time. */
static void
fetch_finish_body(struct fetch_job *j, struct fetch_result *r, char **msg)
{
	r->body_digest = hash_stream_final(&j->hs);
	if (j->want_digest != 0 && r->body_digest == j->want_digest) {
		r->status = FETCH_OK;
		r->unchanged = 1;
		return;
	}
	if (j->parser == NULL) /* an empty body, or one held */
		fetch_start_parser(j);
	if ((j->held.len > 0 &&
	        feed_parser_feed(j->parser, j->held.data, j->held.len) == -1) ||
	    feed_parser_finish(j->parser) == -1) {
		r->status = FETCH_ERROR;
		*msg = xstrdup(feed_parser_error(j->parser));
	} else {
		r->status = FETCH_OK;
		r->parser = j->parser;
		j->nitems += feed_parser_skipped(j->parser);
		if (j->again != NULL && j->known != NULL)
			feed_parser_take_again(j->parser, j->again);
	}
}

/* Read what became of a finished transfer into r; msg holds the error. */
static void
fetch_fill_result(
    struct fetch_job *j, CURLcode rc, struct fetch_result *r, char **msg)
{
	char *url = NULL;
	curl_off_t retry = 0;

	memset(r, 0, sizeof(*r));
	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &r->http_code);
	curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &url);
	curl_easy_getinfo(j->easy, CURLINFO_RETRY_AFTER, &retry);
	r->final_url = url ? url : j->url;
	r->retry_after_s = retry > 0 ? (int64_t)retry : -1;
	{
		curl_off_t us = 0;

		curl_easy_getinfo(j->easy, CURLINFO_TOTAL_TIME_T, &us);
		r->duration_us = us > 0 ? (uint64_t)us : 0;
	}
	r->bytes = j->bytes;
	r->permanent_url = j->permanent_url;
	r->permanent_redirect = j->permanent_url != NULL;
	r->etag = j->resp_etag;
	r->last_modified = j->resp_last_modified;
	r->content_type = j->content_type;

	if (j->cut_off) {
		r->status = FETCH_ERROR;
		xasprintf(msg, "cut off at %llu bytes (max-size)",
		    (unsigned long long)j->bytes);
	} else if (rc == CURLE_OUT_OF_MEMORY && j->bytes == 0 && !j->hopeless &&
	    !j->skipped) {
		/* What curl says of a header line past its 100 KiB bound. */
		r->status = FETCH_ERROR;
		*msg = xstrdup("the response's headers are too large (a "
		               "header line over 100 KiB); nothing was read");
	} else if (rc != CURLE_OK && !j->hopeless && !j->skipped) {
		r->status = FETCH_ERROR;
		*msg = fetch_error_text(j, rc);
	} else if (r->http_code == 304) {
		r->status = FETCH_NOT_MODIFIED;
		/* A 304 need not repeat the validators: they still hold. */
		if (r->etag == NULL && r->last_modified == NULL) {
			r->etag = j->etag;
			r->last_modified = j->last_modified;
		}
	} else if (r->http_code == 410) {
		r->status = FETCH_GONE;
		*msg = xstrdup("HTTP 410 Gone");
	} else if (!fetch_body_wanted(j)) {
		r->status = FETCH_ERROR;
		xasprintf(msg, "HTTP %ld", r->http_code);
	} else if (j->on_body != NULL) {
		r->status = j->hopeless ? FETCH_ERROR : FETCH_OK;
		if (j->hopeless)
			*msg = xstrdup("the body was refused by its reader");
	} else
		fetch_finish_body(j, r, msg);
	r->nitems = j->nitems;
	r->error = *msg;
}

/* A transfer ended: report it, free it, and let the next one start. */
static void
fetch_job_done(struct fetch_job *j, CURLcode rc)
{
	struct fetcher *f = j->f;
	struct fetch_host *h = j->host;
	struct fetch_result r;
	char *msg = NULL;

	fetch_fill_result(j, rc, &r, &msg);
	TAILQ_REMOVE(&f->running, j, entry);
	f->nactive--;
	h->active--;
	j->on_done(&r, j->arg);
	free(msg);
	fetch_easy_put(f, j->easy, j->easy_keep);
	fetch_job_free(j);
	fetch_host_wake(f, h);
	if (h->active == 0 && TAILQ_EMPTY(&h->waiting))
		fetch_host_drop(f, h);
	fetch_dispatch(f);
}

/* curlev: a transfer ended (it is out of the multi already). */
static void
fetch_xfer_done(CURL *easy, CURLcode rc, void *arg)
{
	fetch_job_done(arg, rc);
}

/* Start waiting jobs while there are free slots, hosts taking turns. */
static void
fetch_dispatch(struct fetcher *f)
{
	struct fetch_host *h;
	struct fetch_job *j;
	char *msg;

	while (f->nactive < (size_t)f->opt.max_concurrent &&
	    (h = TAILQ_FIRST(&f->runnable)) != NULL) {
		TAILQ_REMOVE(&f->runnable, h, rentry);
		h->runnable = 0;
		j = TAILQ_FIRST(&h->waiting);
		TAILQ_REMOVE(&h->waiting, j, entry);
		f->nqueued--;
		h->active++;
		f->nactive++;
		fetch_host_wake(f, h);
		TAILQ_INSERT_TAIL(&f->running, j, entry);
		fetch_easy_get(j);
		fetch_setopts(j);
		/* curl's timer callback schedules the start from the loop. */
		if (curlev_add_for(f->cv, j->easy, h->key, fetch_xfer_done, j,
		        &msg) == -1) {
			snprintf(j->errbuf, sizeof(j->errbuf), "%s", msg);
			free(msg);
			fetch_job_done(j, CURLE_FAILED_INIT);
		}
	}
}

/* The loop: start what fetcher_start queued. */
static void
fetch_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	fetch_dispatch(arg);
}

/* ---- the fetcher ---------------------------------------------------- */

/* How many connections curl keeps open (see FETCH_CONN_CACHE_FACTOR). */
static long
fetch_cache_size(const struct fetch_options *o)
{
	long n = (long)o->max_concurrent * FETCH_CONN_CACHE_FACTOR;

	if (n > FETCH_MAX_CACHED_CONNS)
		n = FETCH_MAX_CACHED_CONNS;
	return n < o->max_concurrent ? o->max_concurrent : n;
}

/*
 * May transfers go without a CA directory?  libcurl keeps the parsed CA
 * file in memory for every connection only when no CA directory is set,
 * and Debian's libcurl sets /etc/ssl/certs by default, so each new TLS
 * connection parsed the whole system bundle again (~2 ms with OpenSSL 3,
 * bench/RESULTS.md).  The directory adds nothing when a readable CA file
 * is there (the same certificates, on Debian); without one it stays.
 */
static int
fetch_ca_cacheable(const struct fetcher *f)
{
	char *def = NULL;
	CURL *e;
	FILE *fp;

	if (f->ca_path != NULL)
		return 0;
	if (f->ca_file == NULL && (e = curl_easy_init()) != NULL) {
		curl_easy_getinfo(e, CURLINFO_CAINFO, &def);
		def = def != NULL ? xstrdup(def) : NULL;
		curl_easy_cleanup(e);
	}
	fp = fopen(f->ca_file != NULL ? f->ca_file : def ? def : "", "r");
	free(def);
	if (fp == NULL)
		return 0;
	fclose(fp);
	return 1;
}

/* Refuse a libcurl that would block on DNS; else set up the glue. */
struct fetcher *
fetcher_new(struct event_base *base, const struct fetch_options *o, char **err)
{
	const curl_version_info_data *v;
	struct fetcher *f;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*err = xstrdup("libcurl failed to initialise");
		return NULL;
	}
	v = curl_version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_ASYNCHDNS)) {
		xasprintf(err,
		    "libcurl %s has no asynchronous resolver, so DNS lookups "
		    "would block every feed; install a libcurl built with the "
		    "threaded resolver or c-ares",
		    v->version);
		curl_global_cleanup();
		return NULL;
	}
	if (o->max_concurrent < 1 || o->per_host < 1) {
		xasprintf(
		    err, "max-concurrent and per-host must be at least 1");
		curl_global_cleanup();
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->base = base;
	f->opt = *o;
	f->user_agent = xstrdup(
	    o->user_agent ? o->user_agent : "feedwatch/" PACKAGE_VERSION);
	f->opt.user_agent = f->user_agent;
	f->ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
	f->ca_path = o->ca_path ? xstrdup(o->ca_path) : NULL;
	f->no_capath = fetch_ca_cacheable(f);
	f->nbuckets = FETCH_HOST_BUCKETS;
	f->buckets = xcalloc(f->nbuckets, sizeof(*f->buckets));
	f->pool = xcalloc((size_t)o->max_concurrent, sizeof(*f->pool));
	f->held_pool =
	    xcalloc((size_t)o->max_concurrent, sizeof(*f->held_pool));
	TAILQ_INIT(&f->runnable);
	TAILQ_INIT(&f->running);
	f->kick = event_new(base, -1, 0, fetch_kick_cb, f);
	f->cv = o->curl != NULL ? curlev_share(o->curl) : curlev_new(base, err);
	if (f->cv == NULL) {
		fetcher_free(f);
		return NULL;
	}
	/* Keep idle connections for the next polls of the same hosts (on a
	 * shared driver the latest fetcher's limit holds). */
	curl_multi_setopt(
	    curlev_multi(f->cv), CURLMOPT_MAXCONNECTS, fetch_cache_size(o));
	return f;
}

/* Queue a fetch on its host; the loop starts it when there is room. */
int
fetcher_start(struct fetcher *f, const struct fetch_request *req, char **err)
{
	struct fetch_job *j;
	const char *key = req->host_key;
	char *made = NULL;

	if (key == NULL &&
	    (key = made = fetcher_host_key(req->url, err)) == NULL)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->f = f;
	j->url = xstrdup(req->url);
	j->etag = req->etag ? xstrdup(req->etag) : NULL;
	j->last_modified =
	    req->last_modified ? xstrdup(req->last_modified) : NULL;
	j->ca_file = req->ca_file ? xstrdup(req->ca_file) : NULL;
	j->ca_path = req->ca_path ? xstrdup(req->ca_path) : NULL;
	j->want_digest = req->body_digest;
	hash_stream_init(&j->hs);
	buf_init(&j->held);
	j->on_item = req->on_item;
	j->known = req->known;
	j->again = req->again;
	j->raw = req->raw;
	j->on_done = req->on_done;
	j->arg = req->arg;
	j->feed = fetch_feed_opts_new(req);
	j->on_body = req->on_body;
	j->host = fetch_host_get(f, key);
	free(made);
	TAILQ_INSERT_TAIL(&j->host->waiting, j, entry);
	f->nqueued++;
	fetch_host_wake(f, j->host);
	/* Not now: the caller may be inside a curl callback (an on_item),
	 * where curl refuses new transfers. */
	event_active(f->kick, 0, 0);
	return 0;
}

/* Transfers running now. */
size_t
fetcher_active(const struct fetcher *f)
{
	return f->nactive;
}

/* Fetches waiting for a slot. */
size_t
fetcher_queued(const struct fetcher *f)
{
	return f->nqueued;
}

/* Drop every transfer (no callbacks), then curl, then our events. */
void
fetcher_free(struct fetcher *f)
{
	struct fetch_job *j;

	if (f == NULL)
		return;
	while ((j = TAILQ_FIRST(&f->running)) != NULL) {
		TAILQ_REMOVE(&f->running, j, entry);
		curlev_cancel(f->cv, j->easy);
		curl_easy_cleanup(j->easy);
		fetch_job_free(j);
	}
	for (size_t i = 0; i < f->nbuckets; i++) {
		struct fetch_host *h, *next;
		for (h = f->buckets[i]; h != NULL; h = next) {
			next = h->next;
			while ((j = TAILQ_FIRST(&h->waiting)) != NULL) {
				TAILQ_REMOVE(&h->waiting, j, entry);
				fetch_job_free(j);
			}
			free(h->key);
			free(h);
		}
	}
	while (f->npool > 0)
		curl_easy_cleanup(f->pool[--f->npool].easy);
	while (f->nheld > 0)
		buf_free(&f->held_pool[--f->nheld]);
	free(f->held_pool);
	curlev_free(f->cv);
	event_free(f->kick);
	free(f->buckets);
	free(f->pool);
	free(f->user_agent);
	free(f->ca_file);
	free(f->ca_path);
	free(f);
	curl_global_cleanup();
}
