/*
 * Inside the sinks: the operations each sink type provides, and the state
 * every sink shares.  Only alerts/sink*.c include this.
 */
#ifndef FW_ALERTS_SINK_PRIV_H
#define FW_ALERTS_SINK_PRIV_H

#include <sys/queue.h>

#include <curl/curl.h>

#include "alerts/sink.h"

struct sink_ops {
	/* Set s->impl; 0, or -1 with *err. */
	int (*open)(struct sink *s, char **err);
	void (*deliver)(struct sink *s, const char *alert_id, const char *doc,
	    sink_done_cb done, void *arg);
	void (*close)(struct sink *s);
	/* Deliveries at once; 0: as many as the outbox allows. */
	int max_in_flight;
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

/* Report an outcome in one call. */
void sink_report(
    sink_done_cb done, void *arg, enum sink_result r, const char *error);

/* Report a passing failure with the server's Retry-After (-1: none). */
void sink_report_retry(
    sink_done_cb done, void *arg, int64_t retry_after_s, const char *error);

/* sink_text.c: the readable forms of an alert or a digest document. */
typedef struct json_t json_t;

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
/* "[feedwatch] WATCHLIST: TITLE" or "[feedwatch] digest: N alerts". */
char *sink_subject(json_t *root);
/* The plain-text message: title, link, score, matches, snippets. */
char *sink_text(json_t *root);
/* Incoming-webhook bodies (JSON text). */
char *sink_body_slack(json_t *root);
char *sink_body_discord(json_t *root);

/* sink_mime.c: s as header text (one line; RFC 2047 Q encoded-words when
 * not plain ASCII, separated by fold: "\r\n " in mail, " " in HTTP). */
void sink_header_text(struct buf *b, const char *s, const char *fold);

#endif
