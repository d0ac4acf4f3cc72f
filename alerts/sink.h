/*
 * Sinks: where alerts go.  A sink is built from its [sink] section and
 * delivers one alert document (the SPEC's JSON, as stored in the outbox) at
 * a time, reporting the outcome through a callback: delivered, retry later
 * (with the server's Retry-After when it gave one), or failed for good.
 * Sinks that wait on the network or a child process finish later, from the
 * event loop; the log and file sinks finish before sink_deliver returns.
 *
 * Which sinks exist is a table in sink.c (type -> operations).
 */
#ifndef FW_ALERTS_SINK_H
#define FW_ALERTS_SINK_H

#include <stdint.h>

struct conf_sink;
struct curlev;
struct event_base;

enum sink_result {
	SINK_DELIVERED,
	SINK_RETRY,  /* a passing failure: try again after a backoff */
	SINK_FAILED, /* a permanent failure: keep it, never retry */
};

struct sink_outcome {
	enum sink_result result;
	int64_t retry_after_s; /* the server's Retry-After, -1 when none */
	const char *error;     /* NULL when delivered */
};

typedef void (*sink_done_cb)(const struct sink_outcome *o, void *arg);

/* What every sink may use from the daemon. */
struct sink_env {
	struct event_base *base; /* may come later, with sink_attach */
	/* The program's curl driver (webhook, smtp); NULL: the sink makes
	 * its own on base when it first needs one. */
	struct curlev *curl;
	int log_json; /* the log sink prints the JSON document */
	int check;    /* `feedwatch check`: open nothing that creates a file */
};

struct sink;

/* NULL with *err (free it) when the sink cannot be built (a file that
 * cannot be opened, a webhook format that does not exist). */
struct sink *sink_new(
    const struct conf_sink *cs, const struct sink_env *env, char **err);
/* The loop and the curl driver (may be NULL) deliveries run on, for a
 * sink built without them: the daemon builds a new config's sinks before
 * it stops the running pipeline. */
void sink_attach(struct sink *s, struct event_base *base, struct curlev *cv);
/* Deliver doc (NUL-terminated JSON); done is called exactly once,
 * perhaps before this returns.  doc is copied if kept. */
void sink_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg);
const char *sink_name(const struct sink *s);
/* Deliveries the sink takes at once; 1 means it is ordered (the outbox
 * sends its alerts one by one in firing order). */
int sink_max_in_flight(const struct sink *s);
/* Does the sink keep its own record of what it delivered, so that the
 * outbox may write the outcomes of a pass in one transaction?  A kill
 * before that commit then repeats nothing: the sink finds those alerts
 * in its record when it opens again. */
int sink_keeps_record(const struct sink *s);
const struct conf_sink *sink_conf(const struct sink *s);
void sink_free(struct sink *s);

/* The human form of an alert document, one line (the log sink, the
 * demo): "WATCHLIST score S/T: TITLE <LINK> [actors: ...; topics: ...]".
 * Free the result; NULL when doc is not an alert document. */
char *sink_format_line(const char *doc);

#endif
