/*
 * The smtp sink: one plain-text mail per alert (or digest) through
 * libcurl's SMTP on the daemon's loop (common/curlev).  smtps:// is TLS
 * from the start; smtp:// upgrades with STARTTLS as `tls =` says: required
 * (the default with a username: no STARTTLS offered, nothing is sent, the
 * password least of all), opportunistic (when offered) or none.
 * username/password (the password usually an @file secret) log in when
 * set; ca-file names the certificates to verify the server against.
 *
 * The message: Date, From, To, Message-ID (<alert id@from's domain>, so a
 * repeated delivery is recognisable as the same mail), Subject
 * "[feedwatch] WATCHLIST: TITLE" (RFC 2047 encoded-words when not plain
 * ASCII), MIME-Version, Content-Type text/plain; charset=UTF-8, and a body
 * in 7bit when it is short-lined ASCII, else quoted-printable (which every
 * server carries, 8BITMIME or not).  curl does the dot-stuffing.
 *
 * Outcome: accepted is delivered; a 5xx answer (unknown recipient, login
 * refused), no STARTTLS where it is required, and certificate and TLS
 * errors fail for good; 4xx answers, timeouts and connection errors
 * retry.
 */
#include "config.h"

#include <sys/queue.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* RFC 5322 2.1.1: a line is at most 998 characters; QP lines 76. */
#define SMTP_LINE_MAX 998
#define SMTP_QP_LINE 76
/* Bytes of an outcome message, with its NUL. */
#define SMTP_MSG_MAX 256

struct smtp_req {
	struct sink_xfer x; /* first: the shared part */
	struct curl_slist *rcpt;
	struct buf msg;
	size_t off;                   /* sent so far */
	char errbuf[CURL_ERROR_SIZE]; /* curl's detail (why TLS failed) */
};

struct sink_smtp {
	struct sink_xfers reqs; /* in flight */
};

/* The list of mails in flight; they go through the sink's curl driver. */
static int
smtp_open(struct sink *s, char **err)
{
	struct sink_smtp *m = xcalloc(1, sizeof(*m));

	(void)err;
	LIST_INIT(&m->reqs);
	s->impl = m;
	return 0;
}

/* Should the body be quoted-printable (not short-lined ASCII)? */
static int
body_needs_qp(const char *s)
{
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			col = 0;
			continue;
		}
		if (*p > 0x7e || (*p < 0x20 && *p != '\t') ||
		    ++col > SMTP_LINE_MAX)
			return 1;
	}
	return 0;
}

/* Append text with CRLF line ends. */
static void
append_crlf(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			buf_appendc(b, '\r');
		buf_appendc(b, *s);
	}
}

/* Append s quoted-printable (RFC 2045 6.7), CRLF line ends. */
static void
append_qp(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int enc;

		if (*p == '\n') {
			buf_appends(b, "\r\n");
			col = 0;
			continue;
		}
		/* Spaces before a line end, '=' and non-ASCII are encoded. */
		enc = *p == '=' || *p > 0x7e || (*p < 0x20 && *p != '\t') ||
		    ((*p == ' ' || *p == '\t') &&
		        (p[1] == '\n' || p[1] == '\0'));
		if (col + (enc ? 3 : 1) > SMTP_QP_LINE - 1) {
			buf_appends(b, "=\r\n");
			col = 0;
		}
		if (enc) {
			buf_appendc(b, '=');
			buf_appendc(b, hex[*p >> 4]);
			buf_appendc(b, hex[*p & 15]);
			col += 3;
		} else {
			buf_appendc(b, (char)*p);
			col++;
		}
	}
}

/* The domain of an address, for Message-ID: after '@', or "feedwatch". */
static const char *
addr_domain(const char *addr, char *out, size_t size)
{
	const char *at = strrchr(addr, '@');
	size_t n;

	if (at == NULL || at[1] == '\0')
		return "feedwatch.invalid";
	n = strcspn(at + 1, ">\r\n ");
	snprintf(out, size, "%.*s", (int)n, at + 1);
	return out;
}

/* The whole message: headers and body. */
static int
build_message(
    struct buf *b, const struct conf_sink *cs, const char *id, const char *doc)
{
	json_t *root = sink_doc_parse(doc);
	char date[64], dom[256], *subject, *text;
	time_t now = time(NULL);
	struct tm tm;

	if (root == NULL)
		return -1;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	subject = sink_subject(root);
	text = sink_text(root);
	json_decref(root);
	buf_printf(b, "Date: %s\r\nFrom: %s\r\nTo: ", date, cs->from);
	for (size_t i = 0; i < cs->nto; i++)
		buf_printf(b, "%s%s", i > 0 ? ",\r\n " : "", cs->to[i]);
	buf_printf(b, "\r\nMessage-ID: <%s@%s>\r\nSubject: ", id,
	    addr_domain(cs->from, dom, sizeof(dom)));
	sink_header_text(b, subject, "\r\n ");
	buf_appends(b,
	    "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Auto-Submitted: auto-generated\r\n");
	buf_printf(b, "X-Feedwatch-Alert: %s\r\n", id);
	if (body_needs_qp(text)) {
		buf_appends(b,
		    "Content-Transfer-Encoding: quoted-printable\r\n"
		    "\r\n");
		append_qp(b, text);
	} else {
		buf_appends(b, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		append_crlf(b, text);
	}
	free(subject);
	free(text);
	return 0;
}

/* CURLOPT_READFUNCTION: the message, piece by piece. */
static size_t
req_read(char *p, size_t size, size_t n, void *arg)
{
	struct smtp_req *r = arg;
	size_t room = size * n, left = r->msg.len - r->off;

	if (left > room)
		left = room;
	memcpy(p, r->msg.data + r->off, left);
	r->off += left;
	return left;
}

/* Forget a mail's own parts: recipients and message. */
static void
req_release(struct sink_xfer *x)
{
	struct smtp_req *r = (struct smtp_req *)x;

	curl_slist_free_all(r->rcpt);
	buf_free(&r->msg);
	free(r);
}

/* A certificate or TLS failure: the same on every try until someone
 * changes the server or the config, so it is not retried. */
static int
smtp_tls_error(CURLcode rc)
{
	static const CURLcode tls[] = {
	    CURLE_SSL_CONNECT_ERROR,
	    CURLE_PEER_FAILED_VERIFICATION,
	    CURLE_SSL_CERTPROBLEM,
	    CURLE_SSL_CIPHER,
	    CURLE_SSL_CACERT_BADFILE,
	    CURLE_SSL_ISSUER_ERROR,
	    CURLE_SSL_PINNEDPUBKEYNOTMATCH,
	    CURLE_SSL_INVALIDCERTSTATUS,
	    CURLE_SSL_CRL_BADFILE,
	};

	for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++)
		if (rc == tls[i])
			return 1;
	return 0;
}

/* The server answered the last command (or the transfer failed). */
static enum sink_result
req_outcome(struct sink_xfer *x, CURLcode rc, int64_t *retry_after_s, char *msg,
    size_t size)
{
	long code = 0;

	(void)retry_after_s;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		return SINK_DELIVERED;
	if (size > SMTP_MSG_MAX)
		size = SMTP_MSG_MAX;
	if (rc == CURLE_USE_SSL_FAILED) {
		snprintf(msg, size,
		    "the server did not offer STARTTLS and tls = required: "
		    "nothing was sent, the password least of all");
		return SINK_FAILED;
	}
	if (smtp_tls_error(rc)) {
		const char *why = ((struct smtp_req *)x)->errbuf;
		snprintf(msg, size,
		    "TLS failed: %.160s (a certificate or TLS "
		    "setting to fix; not retried)",
		    why[0] != '\0' ? why : curl_easy_strerror(rc));
		return SINK_FAILED;
	}
	snprintf(msg, size, "SMTP %ld: %s", code, curl_easy_strerror(rc));
	return code >= 500 && code < 600 ? SINK_FAILED : SINK_RETRY;
}

/* A mail in flight, to the shared code. */
static const struct sink_xfer_kind smtp_kind = {
    .protocols = "smtp,smtps",
    .outcome = req_outcome,
    .release = req_release,
};

/* Send one alert as a mail; the outcome comes from the loop. */
static void
smtp_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	struct sink_smtp *m = s->impl;
	const struct conf_sink *cs = s->conf;
	struct smtp_req *r;
	CURL *easy;
	char *from;

	r = (struct smtp_req *)sink_xfer_new(
	    sizeof(*r), &smtp_kind, s, done, arg);
	if (r == NULL)
		return;
	if (r->x.easy == NULL ||
	    build_message(&r->msg, cs, alert_id, doc) == -1) {
		sink_xfer_end(&r->x, SINK_FAILED, "not an alert document");
		return;
	}
	easy = r->x.easy;
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, r->errbuf);
	for (size_t i = 0; i < cs->nto; i++)
		r->rcpt = curl_slist_append(r->rcpt, cs->to[i]);
	/* smtps:// is TLS anyway; smtp:// upgrades as `tls =` says. */
	curl_easy_setopt(easy, CURLOPT_USE_SSL,
	    cs->tls == CONF_TLS_REQUIRED   ? (long)CURLUSESSL_ALL
	        : cs->tls == CONF_TLS_NONE ? (long)CURLUSESSL_NONE
	                                   : (long)CURLUSESSL_TRY);
	if (cs->ca_file != NULL)
		curl_easy_setopt(easy, CURLOPT_CAINFO, cs->ca_file);
	xasprintf(&from, "<%s>", cs->from);
	curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from);
	free(from); /* curl copies string options */
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, r->rcpt);
	if (cs->username != NULL)
		curl_easy_setopt(easy, CURLOPT_USERNAME, cs->username);
	if (cs->password != NULL)
		curl_easy_setopt(easy, CURLOPT_PASSWORD, cs->password);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(
	    easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->msg.len);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, req_read);
	curl_easy_setopt(easy, CURLOPT_READDATA, r);
	sink_xfer_start(&r->x, &m->reqs);
}

/* Cancel what is in flight and free the sink. */
static void
smtp_close(struct sink *s)
{
	struct sink_smtp *m = s->impl;

	/* Unreported: the outbox keeps these pending for the next run.
	 * They leave the shared driver. */
	sink_xfer_free_all(&m->reqs);
	free(m);
}

const struct sink_ops sink_smtp_ops = {
    .open = smtp_open,
    .deliver = smtp_deliver,
    .close = smtp_close,
    /* A mail server takes a few sessions at once, not many. */
    .max_in_flight = 4,
};
