/*
 * SQLite state: see store.h for what is kept and the transaction rule.
 *
 * Statements are prepared once, on first use, from one table indexed by an
 * enum, so every query of the program is visible in one place.  The schema
 * is versioned with PRAGMA user_version and upgraded by an ordered list of
 * migrations, each run in the transaction that bumps the version.  The file
 * carries an application_id so another program's database is refused, not
 * taken over.
 */
#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "store/store.h"

/* "FWCH": marks the file as feedwatch's. */
#define STORE_APPLICATION_ID 0x46574348
/* How long a writer waits for another connection (feedwatch status, an
 * operator's sqlite3 shell) before reporting busy. */
#define STORE_BUSY_TIMEOUT_MS 5000
/* Rows forgotten per store_prune call, so pruning never stalls the loop. */
#define STORE_PRUNE_BATCH 2000

static const char *const migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE feeds ("
    " name TEXT PRIMARY KEY, conf_url TEXT NOT NULL, url TEXT NOT NULL,"
    " etag TEXT,"
    " last_modified TEXT, last_poll INTEGER NOT NULL DEFAULT 0,"
    " next_poll INTEGER NOT NULL DEFAULT 0,"
    " errors INTEGER NOT NULL DEFAULT 0,"
    " http_status INTEGER NOT NULL DEFAULT 0,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " fetched_once INTEGER NOT NULL DEFAULT 0, last_error TEXT);"
    "CREATE TABLE items ("
    " feed TEXT NOT NULL, id TEXT NOT NULL, link_canon TEXT NOT NULL,"
    " title_key TEXT NOT NULL, first_seen INTEGER NOT NULL, title TEXT,"
    " link TEXT, published INTEGER, body TEXT,"
    " UNIQUE (feed, id));"
    "CREATE INDEX items_first_seen ON items (first_seen);"
    "CREATE INDEX items_link ON items (feed, link_canon)"
    " WHERE link_canon <> '';"
    "CREATE TABLE alerts ("
    " id TEXT PRIMARY KEY, watchlist TEXT NOT NULL, feed TEXT NOT NULL,"
    " link_canon TEXT NOT NULL, title_key TEXT NOT NULL,"
    " fired_at INTEGER NOT NULL, score INTEGER NOT NULL,"
    " doc TEXT NOT NULL);"
    "CREATE INDEX alerts_link ON alerts (watchlist, link_canon)"
    " WHERE link_canon <> '';"
    "CREATE INDEX alerts_title ON alerts (watchlist, title_key, fired_at)"
    " WHERE title_key <> '';"
    "CREATE TABLE sightings ("
    " alert_id TEXT NOT NULL REFERENCES alerts (id), feed TEXT NOT NULL,"
    " PRIMARY KEY (alert_id, feed)) WITHOUT ROWID;"
    "CREATE TABLE deliveries ("
    " alert_id TEXT NOT NULL REFERENCES alerts (id), sink TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending', 'done', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
    " done_at INTEGER, PRIMARY KEY (alert_id, sink)) WITHOUT ROWID;"
    "CREATE INDEX deliveries_due ON deliveries (sink, state, next_attempt);"
    "CREATE TABLE delivery_log ("
    " at INTEGER NOT NULL, alert_id TEXT NOT NULL, sink TEXT NOT NULL,"
    " result TEXT NOT NULL, detail TEXT);",
    /* 2: delivery order, rate limits and digests (issue 7).  seq is the
     * alert's rowid, so a sink's deliveries are read in firing order from
     * an index; held is when the rate limit or a digest sink held the
     * delivery back (0: not held); digest_id the digest that carries it.
     * sink_windows counts each sink's messages in its current rate
     * window, so a restart does not reset the limit. */
    "ALTER TABLE deliveries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE deliveries SET seq = (SELECT rowid FROM alerts a"
    " WHERE a.id = deliveries.alert_id);"
    "ALTER TABLE deliveries ADD COLUMN held INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE deliveries ADD COLUMN digest_id INTEGER;"
    "CREATE INDEX deliveries_order ON deliveries (sink, state, held, seq);"
    "CREATE INDEX deliveries_digest ON deliveries (digest_id)"
    " WHERE digest_id IS NOT NULL;"
    "CREATE TABLE digests ("
    " id INTEGER PRIMARY KEY, sink TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 0,"
    " doc TEXT NOT NULL DEFAULT '',"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending', 'done', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
    " done_at INTEGER);"
    "CREATE INDEX digests_due ON digests (sink, state, next_attempt);"
    "CREATE TABLE sink_windows ("
    " sink TEXT PRIMARY KEY, window_start INTEGER NOT NULL,"
    " sent INTEGER NOT NULL) WITHOUT ROWID;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_FEED_LOAD,
	ST_FEED_SAVE,
	ST_ITEM_SEEN,
	ST_ITEM_LINK_SEEN,
	ST_ITEM_ADD,
	ST_STORY_LINK,
	ST_STORY_TITLE,
	ST_ALERT_ADD,
	ST_DELIVERY_ADD,
	ST_SIGHTING_ADD,
	ST_OUTBOX_DUE,
	ST_DELIVERY_DONE,
	ST_DELIVERY_RETRY,
	ST_DELIVERY_FAIL,
	ST_LOG_ADD,
	ST_OUTBOX_DEPTH,
	ST_OUTBOX_NEXT,
	ST_ALERTS_SINCE,
	ST_OUTBOX_HEAD,
	ST_DELIVERY_HOLD,
	ST_HOLD_ALL,
	ST_HELD_FIRST,
	ST_DIGEST_NEW,
	ST_DIGEST_CLAIM,
	ST_DIGEST_MEMBERS,
	ST_DIGEST_SET,
	ST_DIGEST_DROP,
	ST_DIGEST_DUE,
	ST_DIGEST_NEXT,
	ST_DIGEST_DONE,
	ST_DIGEST_RETRY,
	ST_DIGEST_FAIL,
	ST_DIGEST_MEMBERS_END,
	ST_WINDOW_GET,
	ST_WINDOW_ADD,
	ST_PRUNE_ITEMS,
	ST_FORGET_ITEMS,
	ST_FORGET_LOG,
	ST_FORGET_DOCS,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_FEED_LOAD] = "SELECT url, etag, last_modified, last_poll, next_poll,"
                     " errors, http_status, disabled, fetched_once, last_error,"
                     " conf_url FROM feeds WHERE name = ?1",
    [ST_FEED_SAVE] =
        "INSERT OR REPLACE INTO feeds (name, url, etag,"
        " last_modified, last_poll, next_poll, errors, http_status,"
        " disabled, fetched_once, last_error, conf_url)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [ST_ITEM_SEEN] = "SELECT 1 FROM items WHERE feed = ?1 AND id = ?2",
    [ST_ITEM_LINK_SEEN] = "SELECT 1 FROM items WHERE feed = ?1"
                          " AND link_canon = ?2 AND link_canon <> '' LIMIT 1",
    [ST_ITEM_ADD] = "INSERT OR IGNORE INTO items (feed, id, link_canon,"
                    " title_key, first_seen, title, link, published, body)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_STORY_LINK] = "SELECT id FROM alerts WHERE watchlist = ?1"
                      " AND link_canon = ?2 AND link_canon <> '' LIMIT 1",
    [ST_STORY_TITLE] = "SELECT id FROM alerts WHERE watchlist = ?1"
                       " AND title_key = ?2 AND title_key <> ''"
                       " AND fired_at >= ?3 LIMIT 1",
    [ST_ALERT_ADD] = "INSERT INTO alerts (id, watchlist, feed, link_canon,"
                     " title_key, fired_at, score, doc)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_DELIVERY_ADD] = "INSERT OR IGNORE INTO deliveries (alert_id, sink,"
                        " seq) VALUES (?1, ?2,"
                        " (SELECT rowid FROM alerts WHERE id = ?1))",
    [ST_SIGHTING_ADD] = "INSERT OR IGNORE INTO sightings (alert_id, feed)"
                        " VALUES (?1, ?2)",
    [ST_OUTBOX_DUE] = "SELECT d.alert_id, a.doc, d.attempts, a.fired_at"
                      " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
                      " WHERE d.sink = ?1 AND d.state = 'pending'"
                      " AND d.held = 0 AND d.next_attempt <= ?2"
                      " ORDER BY d.seq LIMIT ?3",
    [ST_DELIVERY_DONE] = "UPDATE deliveries SET state = 'done',"
                         " attempts = attempts + 1, done_at = ?3,"
                         " last_error = NULL"
                         " WHERE alert_id = ?1 AND sink = ?2",
    [ST_DELIVERY_RETRY] = "UPDATE deliveries SET attempts = attempts + 1,"
                          " next_attempt = ?3, last_error = ?4"
                          " WHERE alert_id = ?1 AND sink = ?2"
                          " AND state = 'pending'",
    [ST_DELIVERY_FAIL] = "UPDATE deliveries SET state = 'failed',"
                         " attempts = attempts + 1, done_at = ?3,"
                         " last_error = ?4 WHERE alert_id = ?1 AND sink = ?2",
    [ST_LOG_ADD] = "INSERT INTO delivery_log (at, alert_id, sink, result,"
                   " detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_OUTBOX_DEPTH] = "SELECT count(*) FROM deliveries"
                        " WHERE state = 'pending'",
    [ST_OUTBOX_NEXT] = "SELECT min(next_attempt) FROM deliveries"
                       " WHERE sink = ?1 AND state = 'pending' AND held = 0",
    [ST_OUTBOX_HEAD] = "SELECT d.alert_id, a.doc, d.attempts, a.fired_at,"
                       " d.next_attempt FROM deliveries d JOIN alerts a"
                       " ON a.id = d.alert_id WHERE d.sink = ?1"
                       " AND d.state = 'pending' AND d.held = 0"
                       " ORDER BY d.seq LIMIT 1",
    [ST_DELIVERY_HOLD] = "UPDATE deliveries SET held = ?3 WHERE alert_id = ?1"
                         " AND sink = ?2 AND state = 'pending' AND held = 0",
    [ST_HOLD_ALL] = "UPDATE deliveries SET held = ?2 WHERE sink = ?1"
                    " AND state = 'pending' AND held = 0",
    [ST_HELD_FIRST] = "SELECT min(held) FROM deliveries WHERE sink = ?1"
                      " AND state = 'pending' AND held > 0"
                      " AND digest_id IS NULL",
    [ST_DIGEST_NEW] = "INSERT INTO digests (sink, created_at) VALUES (?1, ?2)",
    [ST_DIGEST_CLAIM] = "UPDATE deliveries SET digest_id = ?1 WHERE sink = ?2"
                        " AND alert_id IN (SELECT alert_id FROM deliveries"
                        " WHERE sink = ?2 AND state = 'pending' AND held > 0"
                        " AND held < ?3 AND digest_id IS NULL"
                        " ORDER BY seq LIMIT ?4)",
    [ST_DIGEST_MEMBERS] = "SELECT d.alert_id, a.doc, d.attempts, a.fired_at"
                          " FROM deliveries d JOIN alerts a"
                          " ON a.id = d.alert_id WHERE d.digest_id = ?1"
                          " ORDER BY d.seq",
    [ST_DIGEST_SET] = "UPDATE digests SET doc = ?2, count = ?3 WHERE id = ?1",
    [ST_DIGEST_DROP] = "DELETE FROM digests WHERE id = ?1",
    [ST_DIGEST_DUE] = "SELECT id, doc, attempts, created_at FROM digests"
                      " WHERE sink = ?1 AND state = 'pending'"
                      " AND next_attempt <= ?2 ORDER BY id LIMIT ?3",
    [ST_DIGEST_NEXT] = "SELECT min(next_attempt) FROM digests"
                       " WHERE sink = ?1 AND state = 'pending'",
    [ST_DIGEST_DONE] = "UPDATE digests SET state = 'done',"
                       " attempts = attempts + 1, done_at = ?2,"
                       " last_error = NULL WHERE id = ?1"
                       " AND state = 'pending'",
    [ST_DIGEST_RETRY] = "UPDATE digests SET attempts = attempts + 1,"
                        " next_attempt = ?2, last_error = ?3"
                        " WHERE id = ?1 AND state = 'pending'",
    [ST_DIGEST_FAIL] = "UPDATE digests SET state = 'failed',"
                       " attempts = attempts + 1, done_at = ?2,"
                       " last_error = ?3 WHERE id = ?1"
                       " AND state = 'pending'",
    [ST_DIGEST_MEMBERS_END] = "UPDATE deliveries SET state = ?2,"
                              " attempts = attempts + 1, done_at = ?3,"
                              " last_error = ?4 WHERE digest_id = ?1"
                              " AND state = 'pending'",
    [ST_WINDOW_GET] = "SELECT window_start, sent FROM sink_windows"
                      " WHERE sink = ?1",
    [ST_WINDOW_ADD] = "INSERT INTO sink_windows (sink, window_start, sent)"
                      " VALUES (?1, ?2, 1) ON CONFLICT (sink) DO UPDATE"
                      " SET sent = CASE WHEN window_start = ?2"
                      " THEN sent + 1 ELSE 1 END, window_start = ?2",
    [ST_ALERTS_SINCE] =
        "SELECT a.id, a.doc, a.fired_at, (SELECT group_concat(feed, ' ')"
        " FROM sightings s WHERE s.alert_id = a.id)"
        " FROM alerts a WHERE a.fired_at >= ?1 AND a.doc <> ''"
        " ORDER BY a.rowid LIMIT ?2",
    [ST_PRUNE_ITEMS] = "UPDATE items SET body = NULL WHERE rowid IN ("
                       "SELECT rowid FROM items WHERE first_seen < ?1"
                       " AND body IS NOT NULL LIMIT ?2)",
    [ST_FORGET_ITEMS] = "DELETE FROM items WHERE rowid IN ("
                        "SELECT rowid FROM items WHERE first_seen < ?1"
                        " LIMIT ?2)",
    [ST_FORGET_LOG] = "DELETE FROM delivery_log WHERE rowid IN ("
                      "SELECT rowid FROM delivery_log WHERE at < ?1"
                      " LIMIT ?2)",
    /* An old alert keeps its row (its story stays known) but not its
     * document, once no sink still needs it. */
    [ST_FORGET_DOCS] = "UPDATE alerts SET doc = '' WHERE rowid IN ("
                       "SELECT rowid FROM alerts a WHERE fired_at < ?1"
                       " AND doc <> '' AND NOT EXISTS (SELECT 1 FROM"
                       " deliveries d WHERE d.alert_id = a.id"
                       " AND d.state = 'pending') LIMIT ?2)",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmts[ST_COUNT];
	struct buf err;
};

/* Record an error message; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
store_fail(struct store *s, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&s->err);
	va_start(ap, fmt);
	buf_vprintf(&s->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Record a SQLite failure naming the file and the step; -1. */
static int
store_fail_db(struct store *s, const char *what)
{
	return store_fail(
	    s, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* The message of the most recent failure; "" before any. */
const char *
store_error(const struct store *s)
{
	return buf_str(&s->err);
}

/* One version per migration, so the count is the version. */
int
store_schema_version(void)
{
	return NMIGRATIONS;
}

/* The prepared statement for id, reset and with bindings cleared. */
static sqlite3_stmt *
stmt(struct store *s, enum stmt_id id)
{
	sqlite3_stmt *st = s->stmts[id];

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
		        SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			store_fail_db(s, "prepare");
			return NULL;
		}
		s->stmts[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Bind a string, NULL as SQL NULL. */
static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Run a statement that returns no rows. */
static int
stmt_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail_db(s, what);
	return 0;
}

/* Run SQL text (maybe several statements) that returns no rows. */
static int
store_exec(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail_db(s, what);
	return 0;
}

/* One integer from a PRAGMA, or -1. */
static long long
store_pragma_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Bring the schema to the current version, or refuse a foreign file. */
static int
store_migrate(struct store *s)
{
	long long app, version, tables;
	char sql[96];

	if (store_exec(s, "BEGIN IMMEDIATE", "cannot lock for writing") == -1)
		return -1;
	app = store_pragma_int(s, "PRAGMA application_id");
	version = store_pragma_int(s, "PRAGMA user_version");
	tables = store_pragma_int(
	    s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
	if (app < 0 || version < 0 || tables < 0) {
		store_fail_db(s, "cannot read the database");
		goto fail;
	}
	if (app != STORE_APPLICATION_ID && (app != 0 || tables != 0)) {
		store_fail(s,
		    "%s: not a feedwatch state file (application id "
		    "%#llx); refusing to touch it",
		    s->path, app);
		goto fail;
	}
	if (version > NMIGRATIONS) {
		store_fail(s,
		    "%s: schema version %lld is newer than this feedwatch "
		    "(%d); refusing to downgrade it",
		    s->path, version, NMIGRATIONS);
		goto fail;
	}
	for (long long v = version; v < NMIGRATIONS; v++)
		if (store_exec(s, migrations[v], "schema migration") == -1)
			goto fail;
	snprintf(sql, sizeof(sql),
	    "PRAGMA application_id = %d; PRAGMA user_version = %d",
	    STORE_APPLICATION_ID, NMIGRATIONS);
	if (store_exec(s, sql, "schema version") == -1 ||
	    store_exec(s, "COMMIT", "commit the schema") == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Make the directory if needed, open exclusively in WAL mode, migrate. */
struct store *
store_open(const char *dir, char **err)
{
	struct store *s = xcalloc(1, sizeof(*s));
	struct stat st;
	int rc;

	xasprintf(&s->path, "%s/state.db", dir);
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || mkdir(dir, 0750) == -1) {
			store_fail(
			    s, "state directory %s: %s", dir, strerror(errno));
			goto fail;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		store_fail(s, "state directory %s: not a directory", dir);
		goto fail;
	}
	rc = sqlite3_open_v2(s->path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, "%s: %s", s->path,
		    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * One process owns the state: the daemon holds state.db exclusively
	 * while it runs (a second one on the same state-dir is refused), so
	 * SQLite needs no file locks per transaction and keeps the WAL index
	 * in memory.  Set before WAL is first used, or it has no effect.
	 * auto_vacuum only takes on a new file, before its first table.
	 */
	if (store_exec(s, "PRAGMA locking_mode = EXCLUSIVE", "cannot open") ==
	        -1 ||
	    store_exec(s, "PRAGMA auto_vacuum = INCREMENTAL", "cannot open") ==
	        -1 ||
	    store_exec(s, "PRAGMA journal_mode = WAL", "cannot open") == -1 ||
	    store_exec(s,
	        "PRAGMA synchronous = NORMAL; "
	        "PRAGMA foreign_keys = ON",
	        "cannot configure") == -1 ||
	    store_migrate(s) == -1)
		goto fail;
	return s;
fail:
	*err = buf_steal(&s->err);
	store_close(s);
	return NULL;
}

/* Finalise every prepared statement, then close; NULL is allowed. */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	buf_free(&s->err);
	free(s->path);
	free(s);
}

/* BEGIN IMMEDIATE: take the write lock now, not at the first write. */
int
store_begin(struct store *s)
{
	sqlite3_stmt *st = stmt(s, ST_BEGIN);

	return st == NULL ? -1 : stmt_done(s, st, "begin");
}

/* Commit the transaction store_begin opened. */
int
store_commit(struct store *s)
{
	sqlite3_stmt *st = stmt(s, ST_COMMIT);

	return st == NULL ? -1 : stmt_done(s, st, "commit");
}

/* SQLite leaves autocommit mode inside a transaction. */
int
store_in_transaction(const struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

/* Roll back when a transaction is open; harmless otherwise. */
void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A column as a fresh string, NULL for SQL NULL. */
static char *
column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

/* Fill f (zeroed first) from name's row: 1, or 0 when there is none. */
int
store_feed_load(struct store *s, const char *name, struct store_feed *f)
{
	sqlite3_stmt *st = stmt(s, ST_FEED_LOAD);
	int rc;

	memset(f, 0, sizeof(*f));
	if (st == NULL)
		return -1;
	bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail_db(s, "load feed");
	}
	f->name = xstrdup(name);
	f->url = column_dup(st, 0);
	f->etag = column_dup(st, 1);
	f->last_modified = column_dup(st, 2);
	f->last_poll = sqlite3_column_int64(st, 3);
	f->next_poll = sqlite3_column_int64(st, 4);
	f->errors = sqlite3_column_int(st, 5);
	f->http_status = sqlite3_column_int(st, 6);
	f->disabled = sqlite3_column_int(st, 7);
	f->fetched_once = sqlite3_column_int(st, 8);
	f->last_error = column_dup(st, 9);
	f->conf_url = column_dup(st, 10);
	sqlite3_reset(st);
	return 1;
}

/* Replace the feed's row whole; NULL URLs are stored as "". */
int
store_feed_save(struct store *s, const struct store_feed *f)
{
	sqlite3_stmt *st = stmt(s, ST_FEED_SAVE);

	if (st == NULL)
		return -1;
	bind_text(st, 1, f->name);
	bind_text(st, 2, f->url != NULL ? f->url : "");
	bind_text(st, 3, f->etag);
	bind_text(st, 4, f->last_modified);
	sqlite3_bind_int64(st, 5, f->last_poll);
	sqlite3_bind_int64(st, 6, f->next_poll);
	sqlite3_bind_int(st, 7, f->errors);
	sqlite3_bind_int(st, 8, f->http_status);
	sqlite3_bind_int(st, 9, f->disabled);
	sqlite3_bind_int(st, 10, f->fetched_once);
	bind_text(st, 11, f->last_error);
	bind_text(st, 12, f->conf_url != NULL ? f->conf_url : "");
	return stmt_done(s, st, "save feed");
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

/* Run a lookup; 1 with *out (may be NULL) set from column 0, 0 if none. */
static int
stmt_lookup(struct store *s, sqlite3_stmt *st, char **out, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		if (out != NULL)
			*out = column_dup(st, 0);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail_db(s, what);
}

/* A lookup keyed by two strings: 1 found, 0 not, -1 error. */
static int
stmt_lookup2(struct store *s, enum stmt_id id, const char *a, const char *b,
    const char *what)
{
	sqlite3_stmt *st = stmt(s, id);

	if (st == NULL)
		return -1;
	bind_text(st, 1, a);
	bind_text(st, 2, b);
	return stmt_lookup(s, st, NULL, what);
}

/* 1 when this feed already has an item with this id. */
int
store_item_seen(struct store *s, const char *feed, const char *id)
{
	return stmt_lookup2(s, ST_ITEM_SEEN, feed, id, "look up item");
}

/* 1 when this feed has an item with this canonical link; "" never does. */
int
store_item_link_seen(struct store *s, const char *feed, const char *link)
{
	return stmt_lookup2(
	    s, ST_ITEM_LINK_SEEN, feed, link, "look up item link");
}

/* Insert an item; one already seen (same feed and id) is left alone. */
int
store_item_add(struct store *s, const struct store_item *it)
{
	sqlite3_stmt *st = stmt(s, ST_ITEM_ADD);

	if (st == NULL)
		return -1;
	bind_text(st, 1, it->feed);
	bind_text(st, 2, it->id);
	bind_text(st, 3, it->link_canon != NULL ? it->link_canon : "");
	bind_text(st, 4, it->title_key != NULL ? it->title_key : "");
	sqlite3_bind_int64(st, 5, it->first_seen);
	bind_text(st, 6, it->title);
	bind_text(st, 7, it->link);
	sqlite3_bind_int64(st, 8, it->published);
	bind_text(st, 9, it->body);
	return stmt_done(s, st, "add item");
}

/* By canonical link first (ever), then by title key since title_since. */
int
store_story_find(struct store *s, const char *watchlist, const char *link_canon,
    const char *title_key, int64_t title_since, char **alert_id)
{
	sqlite3_stmt *st;
	int rc;

	if (link_canon != NULL && *link_canon != '\0') {
		if ((st = stmt(s, ST_STORY_LINK)) == NULL)
			return -1;
		bind_text(st, 1, watchlist);
		bind_text(st, 2, link_canon);
		if ((rc = stmt_lookup(s, st, alert_id, "find story")) != 0)
			return rc;
	}
	if (title_key == NULL || *title_key == '\0')
		return 0;
	if ((st = stmt(s, ST_STORY_TITLE)) == NULL)
		return -1;
	bind_text(st, 1, watchlist);
	bind_text(st, 2, title_key);
	sqlite3_bind_int64(st, 3, title_since);
	return stmt_lookup(s, st, alert_id, "find story");
}

/* Insert the alert, then one pending delivery per sink. */
int
store_alert_add(struct store *s, const struct store_alert *a,
    const char *const *sinks, size_t nsinks)
{
	sqlite3_stmt *st = stmt(s, ST_ALERT_ADD);

	if (st == NULL)
		return -1;
	bind_text(st, 1, a->id);
	bind_text(st, 2, a->watchlist);
	bind_text(st, 3, a->feed);
	bind_text(st, 4, a->link_canon != NULL ? a->link_canon : "");
	bind_text(st, 5, a->title_key != NULL ? a->title_key : "");
	sqlite3_bind_int64(st, 6, a->fired_at);
	sqlite3_bind_int(st, 7, a->score);
	bind_text(st, 8, a->doc);
	if (stmt_done(s, st, "add alert") == -1)
		return -1;
	for (size_t i = 0; i < nsinks; i++) {
		if ((st = stmt(s, ST_DELIVERY_ADD)) == NULL)
			return -1;
		bind_text(st, 1, a->id);
		bind_text(st, 2, sinks[i]);
		if (stmt_done(s, st, "queue delivery") == -1)
			return -1;
	}
	return 0;
}

/* Record another feed's sighting; a repeat is ignored. */
int
store_alert_also_in(struct store *s, const char *alert_id, const char *feed)
{
	sqlite3_stmt *st = stmt(s, ST_SIGHTING_ADD);

	if (st == NULL)
		return -1;
	bind_text(st, 1, alert_id);
	bind_text(st, 2, feed);
	return stmt_done(s, st, "record sighting");
}

/* A delivery row (alert_id, doc, attempts, fired_at[, next_attempt]). */
static void
delivery_from_row(sqlite3_stmt *st, const char *sink, struct store_delivery *d)
{
	d->alert_id = (const char *)sqlite3_column_text(st, 0);
	d->sink = sink;
	d->doc = (const char *)sqlite3_column_text(st, 1);
	d->attempts = sqlite3_column_int(st, 2);
	d->fired_at = sqlite3_column_int64(st, 3);
	d->next_attempt =
	    sqlite3_column_count(st) > 4 ? sqlite3_column_int64(st, 4) : 0;
}

/* Step st, handing each delivery row to cb; the rows read, or -1. */
static int
stmt_deliveries(struct store *s, sqlite3_stmt *st, const char *sink,
    store_delivery_cb cb, void *arg, const char *what)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_delivery d;

		delivery_from_row(st, sink, &d);
		cb(&d, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : store_fail_db(s, what);
}

/* Each due delivery to cb; its strings are valid only during the call. */
int
store_outbox_due(struct store *s, const char *sink, int64_t now, int limit,
    store_delivery_cb cb, void *arg)
{
	sqlite3_stmt *st = stmt(s, ST_OUTBOX_DUE);

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, limit);
	return stmt_deliveries(s, st, sink, cb, arg, "read outbox") == -1 ? -1
	                                                                  : 0;
}

/* Append to the delivery log. */
static int
store_log(struct store *s, int64_t at, const char *alert_id, const char *sink,
    const char *result, const char *detail)
{
	sqlite3_stmt *st = stmt(s, ST_LOG_ADD);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, at);
	bind_text(st, 2, alert_id);
	bind_text(st, 3, sink);
	bind_text(st, 4, result);
	bind_text(st, 5, detail);
	return stmt_done(s, st, "log delivery");
}

/* Update one delivery row and log the outcome. */
static int
store_delivery_update(struct store *s, enum stmt_id id, const char *alert_id,
    const char *sink, int64_t now, int64_t t, const char *error,
    const char *result)
{
	sqlite3_stmt *st = stmt(s, id);

	if (st == NULL)
		return -1;
	bind_text(st, 1, alert_id);
	bind_text(st, 2, sink);
	sqlite3_bind_int64(st, 3, t);
	if (id != ST_DELIVERY_DONE)
		bind_text(st, 4, error);
	if (stmt_done(s, st, "update delivery") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return store_fail(
		    s, "no pending delivery of %s to %s", alert_id, sink);
	return store_log(s, now, alert_id, sink, result, error);
}

/* Mark delivered, counting the attempt, and log it. */
int
store_delivery_done(
    struct store *s, const char *alert_id, const char *sink, int64_t now)
{
	return store_delivery_update(
	    s, ST_DELIVERY_DONE, alert_id, sink, now, now, NULL, "delivered");
}

/* Count a failed attempt, set the next one and log the error. */
int
store_delivery_retry(struct store *s, const char *alert_id, const char *sink,
    int64_t now, int64_t next_attempt, const char *error)
{
	return store_delivery_update(s, ST_DELIVERY_RETRY, alert_id, sink, now,
	    next_attempt, error, "retry");
}

/* Mark failed for good and log why; the row stays in the outbox. */
int
store_delivery_fail(struct store *s, const char *alert_id, const char *sink,
    int64_t now, const char *error)
{
	return store_delivery_update(
	    s, ST_DELIVERY_FAIL, alert_id, sink, now, now, error, "failed");
}

/* One integer (min(...)) of a statement bound to sink: 1 with *v, 0 when
 * NULL. */
static int
store_min_of(struct store *s, enum stmt_id id, const char *sink, int64_t *v)
{
	sqlite3_stmt *st = stmt(s, id);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail_db(s, "read outbox");
	}
	rc = sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (rc)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* min() gives one row, NULL when nothing is pending and not held. */
int
store_outbox_next(struct store *s, const char *sink, int64_t *when)
{
	return store_min_of(s, ST_OUTBOX_NEXT, sink, when);
}

/* One row as store_outbox_due reads it, due or not, plus next_attempt. */
int
store_outbox_head(
    struct store *s, const char *sink, store_delivery_cb cb, void *arg)
{
	sqlite3_stmt *st = stmt(s, ST_OUTBOX_HEAD);

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	return stmt_deliveries(s, st, sink, cb, arg, "read outbox head");
}

/* Mark a pending delivery held at now and log it. */
int
store_delivery_hold(
    struct store *s, const char *alert_id, const char *sink, int64_t now)
{
	sqlite3_stmt *st = stmt(s, ST_DELIVERY_HOLD);

	if (st == NULL)
		return -1;
	bind_text(st, 1, alert_id);
	bind_text(st, 2, sink);
	sqlite3_bind_int64(st, 3, now);
	if (stmt_done(s, st, "hold delivery") == -1)
		return -1;
	return store_log(s, now, alert_id, sink, "held", "for the next digest");
}

/* Hold every pending delivery of sink not held yet; returns how many. */
int
store_outbox_hold_all(struct store *s, const char *sink, int64_t now)
{
	sqlite3_stmt *st = stmt(s, ST_HOLD_ALL);

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	sqlite3_bind_int64(st, 2, now);
	if (stmt_done(s, st, "hold deliveries") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

/* When the earliest held delivery not yet in a digest was held. */
int
store_outbox_held_first(struct store *s, const char *sink, int64_t *when)
{
	return store_min_of(s, ST_HELD_FIRST, sink, when);
}

/* The earliest next attempt of a pending digest of sink. */
int
store_digest_next(struct store *s, const char *sink, int64_t *when)
{
	return store_min_of(s, ST_DIGEST_NEXT, sink, when);
}

/* Make a digest row, claim held deliveries; drop the row if none came. */
int
store_digest_seal(struct store *s, const char *sink, int64_t before, int max,
    int64_t now, int64_t *id, store_delivery_cb cb, void *arg)
{
	sqlite3_stmt *st = stmt(s, ST_DIGEST_NEW);
	int64_t new_id;

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	sqlite3_bind_int64(st, 2, now);
	if (stmt_done(s, st, "new digest") == -1)
		return -1;
	new_id = sqlite3_last_insert_rowid(s->db);
	if ((st = stmt(s, ST_DIGEST_CLAIM)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, new_id);
	bind_text(st, 2, sink);
	sqlite3_bind_int64(st, 3, before);
	sqlite3_bind_int(st, 4, max);
	if (stmt_done(s, st, "fill digest") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		if ((st = stmt(s, ST_DIGEST_DROP)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, new_id);
		return stmt_done(s, st, "drop digest");
	}
	*id = new_id;
	if ((st = stmt(s, ST_DIGEST_MEMBERS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, new_id);
	if (stmt_deliveries(s, st, sink, cb, arg, "read digest") == -1)
		return -1;
	return 1;
}

/* Store the digest's document and member count once it is written. */
int
store_digest_set_doc(struct store *s, int64_t id, const char *doc, int count)
{
	sqlite3_stmt *st = stmt(s, ST_DIGEST_SET);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, doc);
	sqlite3_bind_int(st, 3, count);
	return stmt_done(s, st, "write digest");
}

/* Each due digest to cb; its doc is valid only during the call. */
int
store_digest_due(struct store *s, const char *sink, int64_t now, int limit,
    store_digest_cb cb, void *arg)
{
	sqlite3_stmt *st = stmt(s, ST_DIGEST_DUE);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_digest d = {
		    .id = sqlite3_column_int64(st, 0),
		    .doc = (const char *)sqlite3_column_text(st, 1),
		    .attempts = sqlite3_column_int(st, 2),
		    .created_at = sqlite3_column_int64(st, 3),
		};
		cb(&d, arg);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail_db(s, "read digests");
}

/* A digest's outcome: its row, its members when it ended, one log line. */
static int
store_digest_update(struct store *s, enum stmt_id id, int64_t digest,
    const char *sink, int64_t now, int64_t t, const char *error,
    const char *member_state, const char *result)
{
	sqlite3_stmt *st = stmt(s, id);
	char name[32];

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, digest);
	sqlite3_bind_int64(st, 2, t);
	if (id != ST_DIGEST_DONE)
		bind_text(st, 3, error);
	if (stmt_done(s, st, "update digest") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return store_fail(
		    s, "no pending digest %lld of %s", (long long)digest, sink);
	if (member_state != NULL) {
		if ((st = stmt(s, ST_DIGEST_MEMBERS_END)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, digest);
		bind_text(st, 2, member_state);
		sqlite3_bind_int64(st, 3, now);
		bind_text(st, 4, error);
		if (stmt_done(s, st, "update digest members") == -1)
			return -1;
	}
	snprintf(name, sizeof(name), "digest-%lld", (long long)digest);
	return store_log(s, now, name, sink, result, error);
}

/* Digest delivered: it and its members are done. */
int
store_digest_done(struct store *s, int64_t id, const char *sink, int64_t now)
{
	return store_digest_update(
	    s, ST_DIGEST_DONE, id, sink, now, now, NULL, "done", "delivered");
}

/* Digest to retry: only its row changes; its members stay pending. */
int
store_digest_retry(struct store *s, int64_t id, const char *sink, int64_t now,
    int64_t next_attempt, const char *error)
{
	return store_digest_update(s, ST_DIGEST_RETRY, id, sink, now,
	    next_attempt, error, NULL, "retry");
}

/* Digest failed for good: it and its members are failed. */
int
store_digest_fail(struct store *s, int64_t id, const char *sink, int64_t now,
    const char *error)
{
	return store_digest_update(
	    s, ST_DIGEST_FAIL, id, sink, now, now, error, "failed", "failed");
}

/* The sink's rate window row: 1 with start and count, 0 when none. */
int
store_window_get(struct store *s, const char *sink, int64_t *start, int *sent)
{
	sqlite3_stmt *st = stmt(s, ST_WINDOW_GET);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*start = sqlite3_column_int64(st, 0);
		*sent = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail_db(s, "read rate window");
	return rc == SQLITE_ROW;
}

/* Upsert: the same start adds one, a new start counts from one again. */
int
store_window_add(struct store *s, const char *sink, int64_t start)
{
	sqlite3_stmt *st = stmt(s, ST_WINDOW_ADD);

	if (st == NULL)
		return -1;
	bind_text(st, 1, sink);
	sqlite3_bind_int64(st, 2, start);
	return stmt_done(s, st, "count in rate window");
}

/* Each alert from `since` that still has its document, to cb. */
int
store_alerts_since(
    struct store *s, int64_t since, int limit, store_alert_cb cb, void *arg)
{
	sqlite3_stmt *st = stmt(s, ST_ALERTS_SINCE);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2),
		    (const char *)sqlite3_column_text(st, 3), arg);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail_db(s, "read alerts");
}

/* Pending deliveries over all sinks, or -1 on error. */
int64_t
store_outbox_depth(struct store *s)
{
	sqlite3_stmt *st = stmt(s, ST_OUTBOX_DEPTH);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		store_fail_db(s, "count outbox");
	sqlite3_reset(st);
	return n;
}

/* Run one bounded pruning statement; adds the rows it changed to *n. */
static int
store_prune_one(struct store *s, enum stmt_id id, int64_t before, int *n)
{
	sqlite3_stmt *st = stmt(s, id);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, STORE_PRUNE_BATCH);
	if (stmt_done(s, st, "prune") == -1)
		return -1;
	*n += sqlite3_changes(s->db);
	return 0;
}

/* Each step is bounded, so one call stays short; then vacuum a little. */
int
store_prune(struct store *s, int64_t text_before, int64_t forget_before)
{
	int n = 0;

	if (store_prune_one(s, ST_PRUNE_ITEMS, text_before, &n) == -1 ||
	    store_prune_one(s, ST_FORGET_ITEMS, forget_before, &n) == -1 ||
	    store_prune_one(s, ST_FORGET_LOG, forget_before, &n) == -1 ||
	    store_prune_one(s, ST_FORGET_DOCS, forget_before, &n) == -1)
		return -1;
	/* Give freed pages back to the file system, a bounded number. */
	if (n > 0)
		sqlite3_exec(
		    s->db, "PRAGMA incremental_vacuum(2000)", NULL, NULL, NULL);
	return n;
}
