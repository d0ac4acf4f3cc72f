/*
 * Silences and surges in the store: see store.h.  A silence is a row of
 * matchers and a time span; the daemon asks store_silence_match for each
 * alert it writes, inside the transaction that writes it, so a silence
 * that another process committed takes effect at the next write without
 * the daemon being told.  The surge lookups count a watchlist's alerts
 * in the alerts table itself (the index alerts_kind).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_int.h"

/* Insert a silence; its id is the row's. */
int
store_silence_add(struct store *s, const struct store_silence *sl, int64_t *id)
{
	if (sl->watchlist == NULL && sl->feed == NULL && sl->actor == NULL &&
	    sl->topic == NULL)
		return store_fail(s, "a silence needs at least one matcher");
	if (store_run(s, ST_SILENCE_ADD, "add silence", NULL, NULL,
	        SQL_ARGS(SQL_TEXT(sl->watchlist), SQL_TEXT(sl->feed),
	            SQL_TEXT(sl->actor), SQL_TEXT(sl->topic),
	            SQL_INT(sl->starts_at), SQL_INT(sl->ends_at),
	            SQL_TEXT(sl->comment != NULL ? sl->comment : ""),
	            SQL_INT(sl->created_at))) == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* The one way the tool and the API make a silence: starting now. */
int
store_silence_new(struct store *s, const char *const match[4], int64_t now,
    int64_t until, const char *comment, int64_t *id)
{
	struct store_silence sl = {.watchlist = match[0],
	    .feed = match[1],
	    .actor = match[2],
	    .topic = match[3],
	    .starts_at = now,
	    .ends_at = until,
	    .created_at = now,
	    .comment = comment};

	return store_silence_add(s, &sl, id);
}

/* The caller's callback and argument, for silence_row. */
struct silence_rows {
	store_silence_cb cb;
	void *arg;
};

/* One ST_SILENCE_LIST row to the caller. */
static void
silence_row(sqlite3_stmt *st, void *arg)
{
	struct silence_rows *r = arg;
	struct store_silence sl = {
	    .id = sqlite3_column_int64(st, 0),
	    .watchlist = (const char *)sqlite3_column_text(st, 1),
	    .feed = (const char *)sqlite3_column_text(st, 2),
	    .actor = (const char *)sqlite3_column_text(st, 3),
	    .topic = (const char *)sqlite3_column_text(st, 4),
	    .starts_at = sqlite3_column_int64(st, 5),
	    .ends_at = sqlite3_column_int64(st, 6),
	    .comment = (const char *)sqlite3_column_text(st, 7),
	    .created_at = sqlite3_column_int64(st, 8),
	};

	r->cb(&sl, r->arg);
}

/* Active (or all) silences, newest first. */
int
store_silence_list(struct store *s, int64_t now, int all, int limit,
    store_silence_cb cb, void *arg)
{
	struct silence_rows r = {cb, arg};

	return store_status(
	    store_run(s, ST_SILENCE_LIST, "list silences", silence_row, &r,
	        SQL_ARGS(SQL_INT(now), SQL_INT(all != 0), SQL_INT(limit))));
}

/* Set an active silence's end to now. */
int
store_silence_expire(struct store *s, int64_t id, int64_t now)
{
	return store_run(s, ST_SILENCE_EXPIRE, "expire silence", NULL, NULL,
	    SQL_ARGS(SQL_INT(id), SQL_INT(now)));
}

/* The first active silence whose matchers all hold for this alert. */
int
store_silence_match(struct store *s, int64_t now, const char *watchlist,
    const char *feed, const char *doc, int64_t *id)
{
	struct store_int v = {0, 0};
	int n =
	    store_run(s, ST_SILENCE_MATCH, "match silences", store_row_int, &v,
	        SQL_ARGS(SQL_INT(now), SQL_TEXT(watchlist), SQL_TEXT(feed),
	            SQL_TEXT(doc)));

	if (n == -1)
		return -1;
	if (v.set)
		*id = v.v;
	return v.set;
}

/* How many item alerts the watchlist fired after since. */
int
store_surge_count(
    struct store *s, const char *watchlist, int64_t since, int64_t *n)
{
	struct store_int v = {0, 0};

	if (store_run(s, ST_SURGE_COUNT, "count alerts", store_row_int, &v,
	        SQL_ARGS(SQL_TEXT(watchlist), SQL_INT(since))) == -1)
		return -1;
	*n = v.v;
	return 0;
}

/* When the watchlist's last surge alert fired. */
int
store_surge_last(struct store *s, const char *watchlist, int64_t *when)
{
	struct store_int v = {0, 0};

	if (store_run(s, ST_SURGE_LAST, "read surges", store_row_int, &v,
	        SQL_ARGS(SQL_TEXT(watchlist))) == -1)
		return -1;
	if (v.set)
		*when = v.v;
	return v.set;
}
