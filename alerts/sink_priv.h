/*
 * Inside the sinks: the operations each sink type provides, and the state
 * every sink shares.  Only alerts/sink*.c include this.
 */
#ifndef FW_ALERTS_SINK_PRIV_H
#define FW_ALERTS_SINK_PRIV_H

#include <sys/queue.h>

#include <curl/curl.h>

#include "alerts/sink.h"
#include "common/buf.h"

struct sink_ops {
	/* Set s->impl; 0, or -1 with *err. */
	int (*open)(struct sink *s, char **err);
	void (*deliver)(struct sink *s, const char *alert_id, const char *doc,
	    sink_done_cb done, void *arg);
	void (*close)(struct sink *s);
	/* Deliveries at once; 0: as many as the outbox allows. */
	int max_in_flight;
	/* 1: what it delivered is in its own record (the file sink's file),
	 * and after a restart it does not deliver again an alert that is
	 * there among its last OUTBOX_GROUP_MAX. */
	int keeps_record;
};

struct sink {
	const struct conf_sink *conf; /* owned by the running config */
	struct sink_env env;
	const struct sink_ops *ops;
	void *impl;
};

extern const struct sink_ops sink_log_ops;
extern const struct sink_ops sink_file_ops;
extern const struct sink_ops sink_exec_ops;
extern const struct sink_ops sink_webhook_ops;
extern const struct sink_ops sink_smtp_ops;
extern const struct sink_ops sink_telegram_ops;
extern const struct sink_ops sink_matrix_ops;
extern const struct sink_ops sink_pagerduty_ops;
extern const struct sink_ops sink_pushover_ops;
extern const struct sink_ops sink_gotify_ops;
extern const struct sink_ops sink_nats_ops;

/* sink_nats.c: cluster mode's stand-in for the sink of cs, publishing
 * each delivery to stream on subject (alerts/alertbus.c) and counting
 * its publishes in counts; nc, stream, subject and counts stay the
 * caller's and outlive the sink. */
struct natsconn;
struct natsconn_opts;
struct alertbus_stats;
struct sink *sink_nats_relay(const struct conf_sink *cs,
    const struct sink_env *env, struct natsconn *nc, const char *stream,
    const char *subject, struct alertbus_stats *counts);
void sink_nats_relay_set(struct sink *s, struct natsconn *nc);
/* The connection keys of a config block (a nats sink's, [cluster]'s)
 * into o; the rest of o zero. */
void sink_nats_opts(struct natsconn_opts *o, const char *urls,
    const char *credentials, const char *token, const char *tls_ca,
    uint64_t timeout_ms);

/* The curl driver for a delivery: the program's, else one the sink makes
 * on its loop; NULL when curl cannot make one, the delivery then reported
 * as a retry through done. */
struct curlev *sink_curlev(struct sink *s, sink_done_cb done, void *arg);

/* sink_xfer.c: a delivery in flight on the shared curl driver, the first
 * member of each curl sink kind's request. */
struct sink_xfer;

/* Longest outcome message a kind writes (a webhook answer's start). */
#define SINK_XFER_MSG_MAX 320

struct sink_xfer_kind {
	const char *protocols; /* CURLOPT_PROTOCOLS_STR */
	/* The transfer ended (rc): read the answer, say what it means; msg
	 * (size bytes) for a result other than SINK_DELIVERED, *retry_after_s
	 * (-1 before the call) for a SINK_RETRY. */
	enum sink_result (*outcome)(struct sink_xfer *x, CURLcode rc,
	    int64_t *retry_after_s, char *msg, size_t size);
	/* Free the kind's own parts and the request itself. */
	void (*release)(struct sink_xfer *x);
};

struct sink_xfer {
	const struct sink_xfer_kind *kind;
	struct sink *sink;
	CURL *easy; /* NULL when curl could not make one */
	sink_done_cb done;
	void *arg;
	int started; /* on the list and the driver */
	LIST_ENTRY(sink_xfer) entry;
};

LIST_HEAD(sink_xfers, sink_xfer);

/* A zeroed request of size bytes (the kind's struct) with a handle set to
 * the sink's URL, the kind's protocols, no signals and the sink's timeout;
 * its easy NULL when curl makes none (end it then).  NULL when there is no
 * curl driver, the delivery then reported as a retry. */
struct sink_xfer *sink_xfer_new(size_t size, const struct sink_xfer_kind *kind,
    struct sink *s, sink_done_cb done, void *arg);
/* Put x on the list and the sink's driver; when the driver refuses it, x
 * is freed and reported as a retry. */
void sink_xfer_start(struct sink_xfer *x, struct sink_xfers *list);
/* Free x, then report r with msg. */
void sink_xfer_end(struct sink_xfer *x, enum sink_result r, const char *msg);
/* Free every request on the list, unreported. */
void sink_xfer_free_all(struct sink_xfers *list);

/* sink_http.c: the HTTP sinks' request, built by each kind. */
typedef struct json_t json_t;

struct sink_http_msg {
	struct buf url;     /* empty: the sink's `url` */
	const char *method; /* NULL: POST */
	struct curl_slist *headers;
	char *body; /* NUL-terminated */
};

struct sink_http_api {
	/* The request for doc (an alert or a digest document): 0, or -1
	 * with *err when it cannot be sent (it fails for good). */
	int (*build)(struct sink *s, const char *alert_id, const char *doc,
	    struct sink_http_msg *m, char **err);
	/* The retry delay in seconds a service writes in the JSON of its
	 * 429 or 5xx answer, -1 when none; NULL: only Retry-After counts. */
	int64_t (*answer_retry)(json_t *answer);
};

/* An HTTP sink's s->impl. */
struct sink_http {
	const struct sink_http_api *api;
	int variant;            /* the kind's own choice (a webhook's format) */
	struct sink_xfers reqs; /* in flight */
};

int sink_http_open(
    struct sink *s, const struct sink_http_api *api, int variant);
void sink_http_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg);
void sink_http_close(struct sink *s);
/* body (a reference taken) as the message's JSON body and content type. */
void sink_http_json(struct sink_http_msg *m, json_t *body);
/* -1 with "not an alert document". */
int sink_http_not_doc(char **err);

/* Report an outcome in one call. */
void sink_report(
    sink_done_cb done, void *arg, enum sink_result r, const char *error);

/* Report a passing failure with the server's Retry-After (-1: none). */
void sink_report_retry(
    sink_done_cb done, void *arg, int64_t retry_after_s, const char *error);

/* sink_text.c: the readable forms of an alert or a digest document. */

/* One alert's fields, pointing into its JSON ("" when absent). */
struct sink_alert {
	const char *id;
	const char *watchlist;
	const char *title;
	const char *link;
	long long score;
	long long threshold;
	json_t *matches;
};

/* The document as a JSON object, or NULL when it is not one. */
json_t *sink_doc_parse(const char *doc);
/* A digest's "digest" member, or NULL for a single alert. */
json_t *sink_doc_digest(json_t *root);
void sink_alert_view(json_t *alert, struct sink_alert *a);
/* Comma-separated names (or labels, where given) of the matches of one
 * kind, "-" when none. */
struct buf;
void sink_append_names(
    struct buf *b, json_t *matches, const char *kind, int labels);
/* "actors: a, b; topics: c" (labels where given). */
void sink_append_matches(struct buf *b, json_t *matches);
/* One line per alert through a per-format line writer (detail: the
 * matches too, for a single alert); a digest lists its alerts, whole
 * lines ended by nl within max bytes, then "... and N more". */
void sink_chat_lines(struct buf *b, json_t *root, const char *nl, size_t max,
    void (*line)(struct buf *b, const struct sink_alert *a, int detail));
/* "[feedwatch] WATCHLIST: TITLE" or "[feedwatch] digest: N alerts". */
char *sink_subject(json_t *root);
/* The plain-text message: title, link, score, matches, snippets. */
char *sink_text(json_t *root);
/* The same in at most max bytes: a digest lists the alerts that fit and
 * says how many more it left out. */
char *sink_text_max(json_t *root, size_t max);
/* How urgent an alert (or a digest's most urgent) is from its score: 0
 * normal, 1 high (twice the threshold), 2 urgent (three times). */
#define SINK_LEVELS 3
int sink_score_level(json_t *root);
/* url with bytes <= 0x20, DEL and those in also percent-encoded: the
 * same URL, safe inside a format's link syntax. */
void sink_link_encode(struct buf *b, const char *url, const char *also);
#define SINK_SLACK_URL_ESCAPE "|<>"
#define SINK_MARKDOWN_URL_ESCAPE "|<>()[]"
/* Cut b to at most max bytes on a character boundary. */
void sink_cut_utf8(struct buf *b, size_t max);
/* At most max bytes of s (cut on a character boundary), each byte that
 * by[] names written as its replacement. */
void sink_append_escaped(
    struct buf *b, const char *s, size_t max, const char *const by[256]);
/* HTML (Telegram's subset, Matrix's formatted_body): text escaped, the
 * link an <a href>; lines end in nl ("\n" or "<br>"), at most max bytes
 * of whole lines. */
char *sink_html(json_t *root, const char *nl, size_t max);
/* Markdown-free plain text of sink_html's lines (Matrix's body). */
char *sink_plain_lines(json_t *root, size_t max);
/* Incoming-webhook bodies (JSON text). */
char *sink_body_slack(json_t *root);
char *sink_body_discord(json_t *root);
char *sink_body_ntfy(json_t *root);
char *sink_body_mattermost(json_t *root);
char *sink_body_teams(json_t *root);

/* sink_mime.c: s as header text (one line; RFC 2047 Q encoded-words when
 * not plain ASCII, separated by fold: "\r\n " in mail, " " in HTTP). */
void sink_header_text(struct buf *b, const char *s, const char *fold);

#endif
