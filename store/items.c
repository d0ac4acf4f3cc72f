/*
 * What the pipeline reads and writes in the store: per-feed fetch state,
 * the items seen, the story dedup, new alerts with a message per sink,
 * the alerts a replay reads back, and the bounded housekeeping that
 * forgets old text and rows.  Each function is one or two statements
 * through store_run (store_int.h).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "store/store.h"
#include "store/store_int.h"

/* Rows forgotten per store_prune call, so pruning never stalls the loop. */
#define STORE_PRUNE_BATCH 2000

/* Fill the store_feed at arg from a ST_FEED_LOAD row. */
static void
feed_from_row(sqlite3_stmt *st, void *arg)
{
	struct store_feed *f = arg;

	f->url = store_column_dup(st, 0);
	f->etag = store_column_dup(st, 1);
	f->last_modified = store_column_dup(st, 2);
	f->last_poll = sqlite3_column_int64(st, 3);
	f->next_poll = sqlite3_column_int64(st, 4);
	f->errors = sqlite3_column_int(st, 5);
	f->http_status = sqlite3_column_int(st, 6);
	f->disabled = sqlite3_column_int(st, 7);
	f->fetched_once = sqlite3_column_int(st, 8);
	f->last_error = store_column_dup(st, 9);
	f->conf_url = store_column_dup(st, 10);
	f->last_success = sqlite3_column_int64(st, 11);
	f->backoff_ms = sqlite3_column_int64(st, 12);
	f->poll_status = sqlite3_column_int(st, 13);
}

/* Fill f (zeroed first) from name's row: 1, or 0 when there is none. */
int
store_feed_load(struct store *s, const char *name, struct store_feed *f)
{
	int n;

	memset(f, 0, sizeof(*f));
	n = store_run(s, ST_FEED_LOAD, "load feed", feed_from_row, f,
	    SQL_ARGS(SQL_TEXT(name)));
	if (n == 1)
		f->name = xstrdup(name);
	return n;
}

/* Replace the feed's row whole; NULL URLs are stored as "". */
int
store_feed_save(struct store *s, const struct store_feed *f)
{
	return store_status(store_run(s, ST_FEED_SAVE, "save feed", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(f->name), SQL_TEXT(f->url != NULL ? f->url : ""),
	        SQL_TEXT(f->etag), SQL_TEXT(f->last_modified),
	        SQL_INT(f->last_poll), SQL_INT(f->next_poll),
	        SQL_INT(f->errors), SQL_INT(f->http_status),
	        SQL_INT(f->disabled), SQL_INT(f->fetched_once),
	        SQL_TEXT(f->last_error),
	        SQL_TEXT(f->conf_url != NULL ? f->conf_url : ""),
	        SQL_INT(f->last_success), SQL_INT(f->backoff_ms),
	        SQL_INT(f->poll_status))));
}

/* Free f's strings and zero it. */
void
store_feed_clear(struct store_feed *f)
{
	free(f->name);
	free(f->url);
	free(f->conf_url);
	free(f->etag);
	free(f->last_modified);
	free(f->last_error);
	memset(f, 0, sizeof(*f));
}

/* 1 when this feed already has an item with this id. */
int
store_item_seen(struct store *s, const char *feed, const char *id)
{
	return store_run(s, ST_ITEM_SEEN, "look up item", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(feed), SQL_TEXT(id)));
}

/* 1 when the feed has any item: a feed with none needs no lookups. */
int
store_feed_has_items(struct store *s, const char *feed)
{
	return store_run(s, ST_FEED_HAS_ITEMS, "look up feed items", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(feed)));
}

/* 1 when this feed has an item with this canonical link; "" never does. */
int
store_item_link_seen(struct store *s, const char *feed, const char *link)
{
	if (link == NULL || *link == '\0')
		return 0;
	return store_run(s, ST_ITEM_LINK_SEEN, "look up item link", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(feed), SQL_TEXT(link),
	        SQL_INT(store_link_key(feed, link))));
}

/* Insert an item; one already seen (same feed and id) is left alone. */
int
store_item_add(struct store *s, const struct store_item *it)
{
	return store_status(store_run(s, ST_ITEM_ADD, "add item", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(it->feed), SQL_TEXT(it->id),
	        SQL_TEXT(it->link_canon != NULL ? it->link_canon : ""),
	        SQL_TEXT(it->title_key != NULL ? it->title_key : ""),
	        SQL_INT(it->first_seen), SQL_TEXT(it->title),
	        SQL_TEXT(it->link), SQL_INT(it->published), SQL_TEXT(it->body),
	        SQL_TEXT(it->categories), SQL_TEXT(it->language),
	        SQL_INT(!it->unscored),
	        SQL_INT(it->link_canon != NULL && *it->link_canon != '\0'
	                ? store_link_key(it->feed, it->link_canon)
	                : 0))));
}

/* By canonical link first (ever), then by title key since title_since. */
int
store_story_find(struct store *s, const char *watchlist, const char *link_canon,
    const char *title_key, int64_t title_since, char **alert_id)
{
	int rc;

	if (link_canon != NULL && *link_canon != '\0' &&
	    (rc = store_run(s, ST_STORY_LINK, "find story", store_row_dup,
	         alert_id,
	         SQL_ARGS(SQL_TEXT(watchlist), SQL_TEXT(link_canon)))) != 0)
		return rc;
	if (title_key == NULL || *title_key == '\0')
		return 0;
	return store_run(s, ST_STORY_TITLE, "find story", store_row_dup,
	    alert_id,
	    SQL_ARGS(SQL_TEXT(watchlist), SQL_TEXT(title_key),
	        SQL_INT(title_since)));
}

/* Insert the alert, then one pending message per sink. */
int
store_alert_add(struct store *s, const struct store_alert *a,
    const char *const *sinks, size_t nsinks)
{
	if (store_run(s, ST_ALERT_ADD, "add alert", NULL, NULL,
	        SQL_ARGS(SQL_TEXT(a->id), SQL_TEXT(a->watchlist),
	            SQL_TEXT(a->feed),
	            SQL_TEXT(a->link_canon != NULL ? a->link_canon : ""),
	            SQL_TEXT(a->title_key != NULL ? a->title_key : ""),
	            SQL_INT(a->fired_at), SQL_INT(a->score), SQL_TEXT(a->doc),
	            SQL_INT(a->silence_id), SQL_TEXT(a->kind))) == -1)
		return -1;
	for (size_t i = 0; i < nsinks; i++)
		if (store_run(s, ST_MESSAGE_ADD, "queue delivery", NULL, NULL,
		        SQL_ARGS(SQL_TEXT(a->id), SQL_TEXT(sinks[i]))) == -1)
			return -1;
	return 0;
}

/* Record another feed's sighting; a repeat is ignored. */
int
store_alert_also_in(struct store *s, const char *alert_id, const char *feed)
{
	return store_status(store_run(s, ST_SIGHTING_ADD, "record sighting",
	    NULL, NULL, SQL_ARGS(SQL_TEXT(alert_id), SQL_TEXT(feed))));
}

/* Another node's sighting: it names an alert this store may not have. */
int
store_alert_also_in_known(
    struct store *s, const char *alert_id, const char *feed)
{
	return store_run(s, ST_SIGHTING_KNOWN, "record sighting", NULL, NULL,
	    SQL_ARGS(SQL_TEXT(alert_id), SQL_TEXT(feed)));
}

/* The caller's store_alert_cb and its argument, for alert_from_row. */
struct alert_rows {
	store_alert_cb cb;
	void *arg;
};

/* Hand one ST_ALERTS_SINCE row to the caller's callback. */
static void
alert_from_row(sqlite3_stmt *st, void *arg)
{
	struct alert_rows *r = arg;

	r->cb((const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 1),
	    sqlite3_column_int64(st, 2),
	    (const char *)sqlite3_column_text(st, 3), r->arg);
}

/* Each alert from `since` that still has its document, to cb. */
int
store_alerts_since(
    struct store *s, int64_t since, int limit, store_alert_cb cb, void *arg)
{
	struct alert_rows r = {cb, arg};

	return store_status(store_run(s, ST_ALERTS_SINCE, "read alerts",
	    alert_from_row, &r, SQL_ARGS(SQL_INT(since), SQL_INT(limit))));
}

/* The newest alerts that still have their document, to cb. */
int
store_alerts_recent(struct store *s, const char *watchlist, int limit,
    store_alert_cb cb, void *arg)
{
	struct alert_rows r = {cb, arg};

	return store_status(store_run(s, ST_ALERTS_RECENT, "read alerts",
	    alert_from_row, &r, SQL_ARGS(SQL_INT(limit), SQL_TEXT(watchlist))));
}

/* A watchlist's recent item alerts, newest first: a surge's stories. */
int
store_surge_stories(struct store *s, const char *watchlist, int64_t since,
    int limit, store_alert_cb cb, void *arg)
{
	struct alert_rows r = {cb, arg};

	return store_status(
	    store_run(s, ST_SURGE_STORIES, "read surge", alert_from_row, &r,
	        SQL_ARGS(SQL_TEXT(watchlist), SQL_INT(since), SQL_INT(limit))));
}

/* Each step is bounded, so one call stays short; then vacuum a little. */
int
store_prune(struct store *s, int64_t text_before, int64_t forget_before)
{
	static const enum stmt_id steps[] = {ST_PRUNE_ITEMS, ST_FORGET_ARTICLES,
	    ST_FORGET_ITEMS, ST_FORGET_LOG, ST_FORGET_DOCS};
	int n = 0, rc;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		rc = store_run(s, steps[i], "prune", NULL, NULL,
		    SQL_ARGS(SQL_INT(i <= 1 ? text_before : forget_before),
		        SQL_INT(STORE_PRUNE_BATCH)));
		if (rc == -1)
			return -1;
		n += rc;
	}
	/* Give freed pages back to the file system, a bounded number. */
	if (n > 0)
		sqlite3_exec(
		    s->db, "PRAGMA incremental_vacuum(2000)", NULL, NULL, NULL);
	return n;
}
