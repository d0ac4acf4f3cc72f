/*
 * Articles in the store (see store.h): the items that wait for their
 * article page, and the outcome of every page fetched.  One statement
 * per function through store_run (store_int.h).
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"

/* An item that waits for its article. */
int
store_pending_add(struct store *s, const char *feed, const char *id,
    const char *link, const char *item_json, int64_t now)
{
	return store_status(
	    store_run(s, ST_PENDING_ADD, "queue article", NULL, NULL,
	        SQL_ARGS(SQL_TEXT(feed), SQL_TEXT(id), SQL_TEXT(link),
	            SQL_TEXT(item_json), SQL_INT(now))));
}

/* The item was scored: it waits no more. */
int
store_pending_done(struct store *s, const char *feed, const char *id)
{
	return store_status(store_run(s, ST_PENDING_DONE, "article done", NULL,
	    NULL, SQL_ARGS(SQL_TEXT(feed), SQL_TEXT(id))));
}

struct pending_arg {
	store_pending_cb cb;
	void *arg;
};

/* One ST_PENDING_ALL row to the caller. */
static void
pending_row(sqlite3_stmt *st, void *arg)
{
	struct pending_arg *a = arg;

	a->cb((const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    (const char *)sqlite3_column_text(st, 3), a->arg);
}

/* Every item still waiting, oldest first (the start re-drives them). */
int
store_pending_each(struct store *s, store_pending_cb cb, void *arg)
{
	struct pending_arg a = {cb, arg};

	return store_status(store_run(s, ST_PENDING_ALL,
	    "read pending articles", pending_row, &a, SQL_NOARGS));
}

struct article_arg {
	const char *url;
	store_article_cb cb;
	void *arg;
};

/* One ST_ARTICLE_GET row to the caller. */
static void
article_row(sqlite3_stmt *st, void *arg)
{
	struct article_arg *a = arg;
	struct store_article sa = {.url = a->url,
	    .ok = sqlite3_column_int(st, 0),
	    .reason = (const char *)sqlite3_column_text(st, 1),
	    .rule = (const char *)sqlite3_column_text(st, 2),
	    .title = (const char *)sqlite3_column_text(st, 3),
	    .text = (const char *)sqlite3_column_text(st, 4)};

	a->cb(&sa, a->arg);
}

/* The stored outcome of url's page: 1 (cb called) or 0. */
int
store_article_get(
    struct store *s, const char *url, store_article_cb cb, void *arg)
{
	struct article_arg a = {url, cb, arg};

	return store_run(s, ST_ARTICLE_GET, "look up article", article_row, &a,
	    SQL_ARGS(SQL_TEXT(url)));
}

/* Keep a page's outcome (replacing an older one). */
int
store_article_put(struct store *s, const struct store_article *a)
{
	return store_status(
	    store_run(s, ST_ARTICLE_PUT, "store article", NULL, NULL,
	        SQL_ARGS(SQL_TEXT(a->url), SQL_INT(a->fetched_at),
	            SQL_INT(a->ok), SQL_TEXT(a->reason), SQL_TEXT(a->rule),
	            SQL_TEXT(a->title), SQL_TEXT(a->text))));
}
