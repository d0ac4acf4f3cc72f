/*
 * What `feedwatch replay` reads back (see store.h): the kept items, the
 * alert each raised, and the story dedup against alerts older than the
 * replayed window.  Only reads, so it works on a read-only connection.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "store/store.h"
#include "store/store_int.h"

/* The caller's callback and its argument, for replay_row. */
struct replay_rows {
	store_replay_cb cb;
	void *arg;
};

/* A column's text, "" for SQL NULL. */
static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (const char *)t : "";
}

/* One ST_REPLAY_ITEMS row to the caller. */
static void
replay_row(sqlite3_stmt *st, void *arg)
{
	struct replay_rows *r = arg;
	struct store_replay_item it = {.feed = col(st, 0),
	    .id = col(st, 1),
	    .link_canon = col(st, 2),
	    .title_key = col(st, 3),
	    .first_seen = sqlite3_column_int64(st, 4),
	    .title = col(st, 5),
	    .link = col(st, 6),
	    .body = col(st, 7),
	    .categories = col(st, 8),
	    .language =
	        sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : col(st, 9),
	    .scored = sqlite3_column_int(st, 10)};

	r->cb(&it, r->arg);
}

/* Every kept item from since, in first-seen order. */
int
store_replay_items(
    struct store *s, int64_t since, store_replay_cb cb, void *arg)
{
	struct replay_rows r = {cb, arg};

	return store_status(store_run(s, ST_REPLAY_ITEMS, "read items",
	    replay_row, &r, SQL_ARGS(SQL_INT(since))));
}

/* How many items from since have lost their text. */
int64_t
store_replay_notext(struct store *s, int64_t since)
{
	struct store_int n = {0, 0};

	if (store_run(s, ST_REPLAY_NOTEXT, "count items", store_row_int, &n,
	        SQL_ARGS(SQL_INT(since))) == -1)
		return -1;
	return n.v;
}

/* Score and document of a ST_REPLAY_ALERT row. */
struct replay_alert {
	int *score;
	char **doc;
};

/* Fill the caller's score and document. */
static void
replay_alert_row(sqlite3_stmt *st, void *arg)
{
	struct replay_alert *a = arg;

	*a->score = sqlite3_column_int(st, 0);
	*a->doc = store_column_dup(st, 1);
}

/* 1 when this item raised alert_id. */
int
store_replay_alert(struct store *s, const char *alert_id, const char *feed,
    const char *item_id, int *score, char **doc)
{
	struct replay_alert a = {score, doc};

	*doc = NULL;
	return store_run(s, ST_REPLAY_ALERT, "read alert", replay_alert_row, &a,
	    SQL_ARGS(SQL_TEXT(alert_id), SQL_TEXT(feed), SQL_TEXT(item_id)));
}

/* 1 when an alert before `before` had this story. */
int
store_replay_story(struct store *s, const char *watchlist,
    const char *link_canon, const char *title_key, int64_t before,
    int64_t title_since)
{
	return store_run(s, ST_REPLAY_STORY, "find story", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(watchlist), SQL_TEXT(link_canon),
	        SQL_TEXT(title_key), SQL_INT(before), SQL_INT(title_since)));
}
