/*
 * The outbox in the store: messages (one alert, or a digest of several)
 * per sink, their outcomes, holds and digests, and the rate windows.  See
 * store.h for the state machine and schema.c (migration 3) for the
 * tables.  Every outcome and hold writes one line of the delivery log,
 * named by the message's key.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_int.h"

/* The caller's callback, its argument and the sink, for message_row. */
struct message_rows {
	store_message_cb cb;
	void *arg;
	const char *sink;
};

/* A message row (key, doc, attempts, fired_at, next_attempt, single) to
 * the caller's callback. */
static void
message_row(sqlite3_stmt *st, void *arg)
{
	struct message_rows *r = arg;
	struct store_message m = {
	    .key = (const char *)sqlite3_column_text(st, 0),
	    .sink = r->sink,
	    .doc = (const char *)sqlite3_column_text(st, 1),
	    .attempts = sqlite3_column_int(st, 2),
	    .fired_at = sqlite3_column_int64(st, 3),
	    .next_attempt = sqlite3_column_int64(st, 4),
	    .single = sqlite3_column_int(st, 5),
	};

	r->cb(&m, r->arg);
}

/* Each due message to cb, in firing order. */
int
store_outbox_due(struct store *s, const char *sink, int64_t now, int limit,
    store_message_cb cb, void *arg)
{
	struct message_rows r = {cb, arg, sink};

	return store_status(
	    store_run(s, ST_OUTBOX_DUE, "read outbox", message_row, &r,
	        SQL_ARGS(SQL_TEXT(sink), SQL_INT(now), SQL_INT(limit))));
}

/* The head is the first message due at the end of time. */
int
store_outbox_head(
    struct store *s, const char *sink, store_message_cb cb, void *arg)
{
	struct message_rows r = {cb, arg, sink};

	return store_run(s, ST_OUTBOX_DUE, "read outbox head", message_row, &r,
	    SQL_ARGS(SQL_TEXT(sink), SQL_INT(INT64_MAX), SQL_INT(1)));
}

/* min() of a statement bound to sink: 1 with *v, 0 when it is NULL. */
static int
store_min_of(struct store *s, enum stmt_id id, const char *sink, int64_t *v)
{
	struct store_int m = {0, 0};

	if (store_run(s, id, "read outbox", store_row_int, &m,
	        SQL_ARGS(SQL_TEXT(sink))) == -1)
		return -1;
	if (m.set)
		*v = m.v;
	return m.set;
}

/* The earliest next attempt of a pending message not held. */
int
store_outbox_next(struct store *s, const char *sink, int64_t *when)
{
	return store_min_of(s, ST_OUTBOX_NEXT, sink, when);
}

/* When the earliest held alert not yet in a digest was held. */
int
store_outbox_held_first(struct store *s, const char *sink, int64_t *when)
{
	return store_min_of(s, ST_HELD_FIRST, sink, when);
}

/* Pending alerts over all sinks, or -1 on error. */
int64_t
store_outbox_depth(struct store *s)
{
	struct store_int n = {0, 0};

	if (store_run(s, ST_OUTBOX_DEPTH, "count outbox", store_row_int, &n,
	        SQL_NOARGS) == -1)
		return -1;
	return n.v;
}

/* Append to the delivery log. */
static int
store_log(struct store *s, int64_t at, const char *key, const char *sink,
    const char *result, const char *detail)
{
	return store_status(store_run(s, ST_LOG_ADD, "log delivery", NULL, NULL,
	    SQL_ARGS(SQL_INT(at), SQL_TEXT(key), SQL_TEXT(sink),
	        SQL_TEXT(result), SQL_TEXT(detail))));
}

/* The outcomes a message can have: its next state, and the log's word. */
enum outcome { OUT_DONE, OUT_RETRY, OUT_FAIL };

static const struct {
	const char *state;
	const char *result;
	int ends; /* the message is finished: done_at is set */
} outcomes[] = {
    [OUT_DONE] = {"done", "delivered", 1},
    [OUT_RETRY] = {"pending", "retry", 0},
    [OUT_FAIL] = {"failed", "failed", 1},
};

/* Apply an outcome to a pending message and log it. */
static int
store_message_end(struct store *s, enum outcome o, const char *key,
    const char *sink, int64_t now, int64_t next_attempt, const char *error)
{
	struct sql_arg next = SQL_TEXT(NULL), end = SQL_TEXT(NULL);
	int n;

	if (o == OUT_RETRY)
		next = SQL_INT(next_attempt);
	if (outcomes[o].ends)
		end = SQL_INT(now);
	n = store_run(s, ST_MESSAGE_END, "update delivery", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(key), SQL_TEXT(sink), SQL_TEXT(outcomes[o].state),
	        next, end, SQL_TEXT(error)));
	if (n == -1)
		return -1;
	if (n == 0)
		return store_fail(
		    s, "no pending delivery of %s to %s", key, sink);
	return store_log(s, now, key, sink, outcomes[o].result, error);
}

/* Delivered: the attempt counted, the error cleared. */
int
store_message_done(
    struct store *s, const char *key, const char *sink, int64_t now)
{
	return store_message_end(s, OUT_DONE, key, sink, now, 0, NULL);
}

/* Count a failed attempt, set the next one and log the error. */
int
store_message_retry(struct store *s, const char *key, const char *sink,
    int64_t now, int64_t next_attempt, const char *error)
{
	return store_message_end(
	    s, OUT_RETRY, key, sink, now, next_attempt, error);
}

/* Failed for good, logged why; the row stays in the outbox. */
int
store_message_fail(struct store *s, const char *key, const char *sink,
    int64_t now, const char *error)
{
	return store_message_end(s, OUT_FAIL, key, sink, now, 0, error);
}

/* Mark a pending alert held at now and log it. */
int
store_message_hold(
    struct store *s, const char *key, const char *sink, int64_t now)
{
	if (store_run(s, ST_MESSAGE_HOLD, "hold delivery", NULL, NULL,
	        SQL_ARGS(SQL_TEXT(key), SQL_TEXT(sink), SQL_INT(now))) == -1)
		return -1;
	return store_log(s, now, key, sink, "held", "for the next digest");
}

/* Hold every pending alert of sink not held yet; returns how many. */
int
store_outbox_hold_all(struct store *s, const char *sink, int64_t now)
{
	return store_run(s, ST_HOLD_ALL, "hold deliveries", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(sink), SQL_INT(now)));
}

/* Make a digest message, move held alerts into it (their own messages
 * go); drop it again if none came. */
int
store_digest_seal(struct store *s, const char *sink, int64_t before, int max,
    int64_t now, int64_t *id, store_message_cb cb, void *arg)
{
	struct message_rows r = {cb, arg, sink};
	int64_t new_id;
	int n;

	if (store_run(s, ST_DIGEST_NEW, "new digest", NULL, NULL,
	        SQL_ARGS(SQL_TEXT(sink), SQL_INT(now))) == -1)
		return -1;
	new_id = sqlite3_last_insert_rowid(s->db);
	n = store_run(s, ST_DIGEST_CLAIM, "fill digest", NULL, NULL,
	    SQL_ARGS(SQL_INT(new_id), SQL_TEXT(sink), SQL_INT(before),
	        SQL_INT(max)));
	if (n == 0)
		return store_status(store_run(s, ST_DIGEST_DROP, "drop digest",
		    NULL, NULL, SQL_ARGS(SQL_INT(new_id))));
	if (n == -1 ||
	    store_run(s, ST_DIGEST_TAKE, "fill digest", NULL, NULL,
	        SQL_ARGS(SQL_INT(new_id), SQL_TEXT(sink))) == -1 ||
	    store_run(s, ST_DIGEST_MEMBERS, "read digest", message_row, &r,
	        SQL_ARGS(SQL_INT(new_id))) == -1)
		return -1;
	*id = new_id;
	return 1;
}

/* Store the digest's document; its place in the order is its first
 * alert's. */
int
store_digest_set_doc(struct store *s, int64_t id, const char *doc)
{
	return store_status(store_run(s, ST_DIGEST_SET, "write digest", NULL,
	    NULL, SQL_ARGS(SQL_INT(id), SQL_TEXT(doc))));
}

/* The sink's rate window row into the int64_t[2] at arg. */
static void
window_row(sqlite3_stmt *st, void *arg)
{
	int64_t *w = arg;

	w[0] = sqlite3_column_int64(st, 0);
	w[1] = sqlite3_column_int64(st, 1);
}

/* The sink's rate window row: 1 with start and count, 0 when none. */
int
store_window_get(struct store *s, const char *sink, int64_t *start, int *sent)
{
	int64_t w[2];
	int n = store_run(s, ST_WINDOW_GET, "read rate window", window_row, w,
	    SQL_ARGS(SQL_TEXT(sink)));

	if (n == 1) {
		*start = w[0];
		*sent = (int)w[1];
	}
	return n;
}

/* Upsert: the same start adds one, a new start counts from one again. */
int
store_window_add(struct store *s, const char *sink, int64_t start)
{
	return store_status(store_run(s, ST_WINDOW_ADD, "count in rate window",
	    NULL, NULL, SQL_ARGS(SQL_TEXT(sink), SQL_INT(start))));
}
