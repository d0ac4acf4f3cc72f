/*
 * The schema of state.db and how a file of an older release is brought up
 * to it.  The version is PRAGMA user_version; migrations[] is the ordered
 * list of upgrades, version v + 1 being migrations[v], and all that a file
 * needs run in the one transaction that sets the new version, so a failed
 * or interrupted upgrade leaves the file as it was.  The file carries an
 * application_id so another program's database is refused, not taken
 * over, and at every open the file must hold every table and index the
 * migrations make (store_schema_check).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/hash.h"
#include "store/store.h"
#include "store/store_int.h"

/* "FWCH": marks the file as feedwatch's. */
#define STORE_APPLICATION_ID 0x46574348

/* The messages table (migration 3) as its rebuild makes it again: the
 * columns before and after the check on state, their names in order,
 * its indexes and the view of schema 2's deliveries on it. */
#define MESSAGES_HEAD                                                     \
	" id INTEGER PRIMARY KEY, sink TEXT NOT NULL, key TEXT NOT NULL," \
	" alert_id TEXT REFERENCES alerts (id), seq INTEGER NOT NULL,"    \
	" held INTEGER NOT NULL DEFAULT 0,"                               \
	" state TEXT NOT NULL DEFAULT 'pending'"
#define MESSAGES_TAIL                                                \
	" attempts INTEGER NOT NULL DEFAULT 0,"                      \
	" next_attempt INTEGER NOT NULL DEFAULT 0, last_error TEXT," \
	" done_at INTEGER, created_at INTEGER NOT NULL, doc TEXT,"   \
	" UNIQUE (sink, key)"
#define MESSAGES_NAMES                                                       \
	"id, sink, key, alert_id, seq, held, state, attempts, next_attempt," \
	" last_error, done_at, created_at, doc"
#define MESSAGES_INDEXES                                                    \
	"CREATE INDEX messages_order ON messages (sink, state, held, seq);" \
	"CREATE INDEX messages_alert ON messages (alert_id)"                \
	" WHERE alert_id IS NOT NULL;"
#define DELIVERIES_VIEW                                                      \
	"CREATE VIEW deliveries AS"                                          \
	" SELECT alert_id, sink, state, attempts, next_attempt, last_error," \
	" done_at, held, seq, NULL AS digest_id FROM messages"               \
	" WHERE alert_id IS NOT NULL"                                        \
	" UNION ALL SELECT da.alert_id, m.sink, m.state, m.attempts,"        \
	" m.next_attempt, m.last_error, m.done_at, m.held, m.seq, m.id"      \
	" FROM digest_alerts da JOIN messages m ON m.id = da.message_id;"

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
    /* 2: delivery order, rate limits and digests.  seq is the
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
    /* 3: one table of messages.  A message is what a sink
     * sends: one alert (alert_id), or a digest of the alerts listed in
     * digest_alerts; one set of state columns serves both.  key is its
     * Idempotency-Key and its name in the delivery log: the alert's id,
     * or digest-N with N the message's id.  seq is the firing order (the
     * alert's rowid; a digest's first alert's), created_at when the
     * alert fired or the digest was sealed (give-up-after counts from
     * it).  Sealing moves held alerts from their own messages into a
     * digest's.  Today's digests keep their ids (a receiver has seen
     * digest-N), an alert in one becomes its member and every other
     * delivery its own message, with its state, attempts, schedule and
     * hold; the view deliveries keeps the per-alert look of schema 2. */
    "CREATE TABLE messages (" MESSAGES_HEAD
    "  CHECK (state IN ('pending', 'done', 'failed'))," MESSAGES_TAIL
    ");" MESSAGES_INDEXES "CREATE TABLE digest_alerts ("
    " message_id INTEGER NOT NULL REFERENCES messages (id),"
    " alert_id TEXT NOT NULL REFERENCES alerts (id),"
    " PRIMARY KEY (message_id, alert_id)) WITHOUT ROWID;"
    "CREATE INDEX digest_alerts_alert ON digest_alerts (alert_id);"
    "INSERT INTO messages (id, sink, key, seq, state, attempts,"
    " next_attempt, last_error, done_at, created_at, doc)"
    " SELECT g.id, g.sink, 'digest-' || g.id, coalesce((SELECT"
    " min(d.seq) FROM deliveries d WHERE d.digest_id = g.id), 0),"
    " g.state, g.attempts, g.next_attempt, g.last_error, g.done_at,"
    " g.created_at, g.doc FROM digests g ORDER BY g.id;"
    "INSERT INTO digest_alerts (message_id, alert_id)"
    " SELECT d.digest_id, d.alert_id FROM deliveries d"
    " WHERE d.digest_id IN (SELECT id FROM digests);"
    "INSERT INTO messages (sink, key, alert_id, seq, held, state,"
    " attempts, next_attempt, last_error, done_at, created_at)"
    " SELECT d.sink, d.alert_id, d.alert_id, d.seq, d.held, d.state,"
    " d.attempts, d.next_attempt, d.last_error, d.done_at,"
    " coalesce((SELECT a.fired_at FROM alerts a"
    " WHERE a.id = d.alert_id), 0) FROM deliveries d"
    " WHERE d.digest_id IS NULL"
    " OR d.digest_id NOT IN (SELECT id FROM digests)"
    " ORDER BY d.seq, d.sink;"
    "DROP TABLE deliveries;"
    "DROP TABLE digests;" DELIVERIES_VIEW,
    /* feed health across restarts: when a poll last worked
     * (last_success, unix seconds), the wait chosen after the last poll
     * (backoff_ms, so a failing feed keeps backing off), and that poll's
     * outcome (poll_status, the fetcher's status number; -1: none). */
    "ALTER TABLE feeds ADD COLUMN last_success INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE feeds ADD COLUMN backoff_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE feeds ADD COLUMN poll_status INTEGER NOT NULL DEFAULT -1;",
    /* replay: what an item was scored on besides its title and
     * text — its categories (one per line) and its own language — and
     * whether the daemon scored it at all (a re-issued link, or past a
     * first fetch's backfill, is stored unscored), so `feedwatch replay`
     * scores exactly what the daemon did.  Older rows count as scored. */
    "ALTER TABLE items ADD COLUMN categories TEXT;"
    "ALTER TABLE items ADD COLUMN language TEXT;"
    "ALTER TABLE items ADD COLUMN scored INTEGER NOT NULL DEFAULT 1;",
    /* people: silences, and what an alert row says about them.  A
     * silence mutes the alerts it matches (all of its non-NULL matchers)
     * from starts_at until ends_at (expiring one sets ends_at); an alert
     * it muted names it in silence_id and has no messages.  kind is
     * 'item' or 'surge' (a burst of alerts on one watchlist); the index
     * answers the surge count and the last surge of a watchlist. */
    "CREATE TABLE silences ("
    " id INTEGER PRIMARY KEY, watchlist TEXT, feed TEXT, actor TEXT,"
    " topic TEXT, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
    " comment TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " CHECK (coalesce(watchlist, feed, actor, topic) IS NOT NULL));"
    "CREATE INDEX silences_end ON silences (ends_at);"
    "ALTER TABLE alerts ADD COLUMN silence_id INTEGER;"
    "ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'item';"
    "CREATE INDEX alerts_kind ON alerts (watchlist, kind, fired_at);",
    /* Articles (feeds/article.h): the items of `article = fetch` feeds
     * that are seen but wait for their article, each with what it is
     * scored on (the feed's item as JSON), so a restart scores them; and
     * every article page's outcome, so a restart never fetches one
     * twice (forgotten with item text, after the retention window). */
    "CREATE TABLE article_pending ("
    " feed TEXT NOT NULL, item_id TEXT NOT NULL, link TEXT NOT NULL,"
    " item TEXT NOT NULL, queued_at INTEGER NOT NULL,"
    " PRIMARY KEY (feed, item_id)) WITHOUT ROWID;"
    "CREATE TABLE articles ("
    " url TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL,"
    " ok INTEGER NOT NULL, reason TEXT, rule TEXT, title TEXT, text TEXT);"
    "CREATE INDEX articles_fetched ON articles (fetched_at);",
    /* items_link on an integer: link_key is store_link_key(feed,
     * link_canon), NULL without a link; stored rows get theirs from
     * fw_link_key(), which store_migrate defines on its connection.  The
     * re-issue lookup finds rows by the key and compares feed and
     * link_canon on them, so a collision costs a row, not an answer. */
    "ALTER TABLE items ADD COLUMN link_key INTEGER;"
    "UPDATE items SET link_key = fw_link_key(feed, link_canon)"
    " WHERE link_canon <> '';"
    "DROP INDEX items_link;"
    "CREATE INDEX items_link_key ON items (link_key)"
    " WHERE link_key IS NOT NULL;",
    /* messages' state check without an IN list, for which SQLite (3.40)
     * fills an ephemeral b-tree at every write of state: about 31 k
     * instructions an alert's INSERT and again at its UPDATE.  The OR
     * of equalities is the same constraint, compared in place.  A CHECK
     * cannot be altered, so the table is rebuilt by SQLite's documented
     * steps (store_migrate turns foreign keys off around it, for
     * digest_alerts refers to messages): the view on it first dropped,
     * since a rename refuses a view that names a missing table; the rows
     * copied with their ids (digest-N names its id, and a new digest
     * takes the next one); indexes and view made again as migration 3
     * made them.  The new table's SQL names it "messages", quoted. */
    "DROP VIEW deliveries;"
    "CREATE TABLE new_messages (" MESSAGES_HEAD
    " CHECK (state = 'pending' OR state = 'done'"
    " OR state = 'failed')," MESSAGES_TAIL ");"
    "INSERT INTO new_messages (" MESSAGES_NAMES ") SELECT " MESSAGES_NAMES
    " FROM messages ORDER BY id;"
    "DROP TABLE messages;"
    "ALTER TABLE new_messages RENAME TO messages;" MESSAGES_INDEXES
        DELIVERIES_VIEW,
    /* items_link_key with the feed first: link_key is a hash, so the
     * links of one poll of a feed were spread over the whole index, and
     * each commit wrote a page of it per new item.  Under the feed they
     * share a page or two (half the pages a commit writes to the WAL on
     * a file of 300,000 items); the re-issue lookup names both. */
    "DROP INDEX items_link_key;"
    "CREATE INDEX items_link_key ON items (feed, link_key)"
    " WHERE link_key IS NOT NULL;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* FNV-1a (common/hash.h) over the feed, a NUL, the canonical link and a
 * NUL, never 0 (0 binds as NULL: no link). */
int64_t
store_link_key(const char *feed, const char *link)
{
	uint64_t h = hash64_update(
	    hash64(feed, strlen(feed) + 1), link, strlen(link) + 1);

	return h == 0 ? 1 : (int64_t)h;
}

/* fw_link_key(feed, link_canon) in SQL, for the migration that fills
 * link_key; NULL for a NULL or empty link. */
static void
store_fn_link_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *feed = (const char *)sqlite3_value_text(argv[0]);
	const char *link = (const char *)sqlite3_value_text(argv[1]);

	(void)argc;
	if (feed == NULL || link == NULL || *link == '\0')
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, store_link_key(feed, link));
}

/* The functions the migrations call, on the connection that runs them. */
static int
store_schema_functions(sqlite3 *db)
{
	return sqlite3_create_function(db, "fw_link_key", 2,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, store_fn_link_key, NULL,
	    NULL);
}

/* One version per migration, so the count is the version. */
int
store_schema_version(void)
{
	return NMIGRATIONS;
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

/* Is there a schema object of this type and name in db? */
static int
store_schema_has(sqlite3 *db, const char *type, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db,
	        "SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2", -1,
	        &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/*
 * Every table, index, view and trigger the migrations make must be in the
 * file: a table dropped by hand would otherwise make every transaction
 * that touches it fail, or quietly raise nothing.  The expected set is
 * what the migrations make in an empty in-memory database, so a new
 * migration is covered without a list to keep.
 */
static int
store_schema_check(struct store *s)
{
	sqlite3 *mem;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(":memory:", &mem,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return store_fail(s, "cannot open a database in memory");
	if (store_schema_functions(mem) != SQLITE_OK) {
		store_fail(s, "cannot define the schema's functions");
		goto out;
	}
	for (int v = 0; v < NMIGRATIONS; v++)
		if (sqlite3_exec(mem, migrations[v], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			store_fail(s, "schema migration %d: %s", v + 1,
			    sqlite3_errmsg(mem));
			goto out;
		}
	if (sqlite3_prepare_v2(mem,
	        "SELECT type, name FROM sqlite_schema WHERE name NOT LIKE "
	        "'sqlite_%' ORDER BY rowid",
	        -1, &st, NULL) != SQLITE_OK) {
		store_fail(
		    s, "cannot read the schema: %s", sqlite3_errmsg(mem));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (!store_schema_has(s->db, type, name)) {
			store_fail(s,
			    "%s: damaged: the %s '%s' of schema version %d is "
			    "missing; restore the file from a backup, or move "
			    "it away to start afresh",
			    s->path, type, name, NMIGRATIONS);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(mem);
	return rc;
}

/* The file's schema version, after refusing another program's file and
 * a newer schema; -1 with the reason. */
long long
store_schema_of(struct store *s)
{
	long long app, version, tables;

	app = store_pragma_int(s, "PRAGMA application_id");
	version = store_pragma_int(s, "PRAGMA user_version");
	tables = store_pragma_int(
	    s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
	if (app < 0 || version < 0 || tables < 0)
		return store_fail_db(s, "cannot read the database");
	if (app != STORE_APPLICATION_ID && (app != 0 || tables != 0))
		return store_fail(s,
		    "%s: not a feedwatch state file (application id "
		    "%#llx); refusing to touch it",
		    s->path, app);
	if (version > NMIGRATIONS)
		return store_fail(s,
		    "%s: schema version %lld is newer than this feedwatch "
		    "(%d); refusing to downgrade it",
		    s->path, version, NMIGRATIONS);
	return version;
}

/* A connection that does not migrate needs the file at this build's
 * schema: another program's, a newer or an older one is refused. */
int
store_check_schema(struct store *s)
{
	long long version = store_schema_of(s);

	if (version < 0)
		return -1;
	if (version == 0)
		return store_fail(s,
		    "%s: not a feedwatch state file (empty); refusing to "
		    "read it",
		    s->path);
	if (version < NMIGRATIONS)
		return store_fail(s,
		    "%s: schema version %lld is older than this feedwatch "
		    "(%d); start feedwatchd once to upgrade it",
		    s->path, version, NMIGRATIONS);
	return 0;
}

/* References that point at no row, or -1. */
static long long
store_dangling(struct store *s)
{
	return store_pragma_int(
	    s, "SELECT count(*) FROM pragma_foreign_key_check");
}

/* The migrations the file needs and its new version, in one transaction;
 * with foreign keys (checked is set) off for it, a migration must leave
 * no more dangling references than the file had. */
static int
store_migrate_locked(struct store *s, int checked)
{
	long long version, before = 0, after;
	char sql[96];

	if (store_exec(s, "BEGIN IMMEDIATE", "cannot lock for writing") == -1)
		return -1;
	if ((version = store_schema_of(s)) < 0)
		goto fail;
	if (store_schema_functions(s->db) != SQLITE_OK) {
		store_fail_db(s, "define the schema's functions");
		goto fail;
	}
	if (checked && version < NMIGRATIONS &&
	    (before = store_dangling(s)) < 0) {
		store_fail_db(s, "check foreign keys");
		goto fail;
	}
	for (long long v = version; v < NMIGRATIONS; v++)
		if (store_exec(s, migrations[v], "schema migration") == -1)
			goto fail;
	if (checked && version < NMIGRATIONS &&
	    ((after = store_dangling(s)) < 0 || after > before)) {
		if (after < 0)
			store_fail_db(s, "check foreign keys");
		else
			store_fail(s,
			    "%s: the migration to schema %d leaves %lld "
			    "dangling references (%lld before)",
			    s->path, NMIGRATIONS, after, before);
		goto fail;
	}
	snprintf(sql, sizeof(sql),
	    "PRAGMA application_id = %d; PRAGMA user_version = %d",
	    STORE_APPLICATION_ID, NMIGRATIONS);
	if (store_schema_check(s) == -1 ||
	    store_exec(s, sql, "schema version") == -1 ||
	    store_exec(s, "COMMIT", "commit the schema") == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Bring the schema to the current version, or refuse a foreign file.  A
 * table rebuild drops a table others refer to, so foreign keys are off
 * while the migrations run and checked after (SQLite's procedure for
 * schema changes ALTER TABLE cannot make); the pragma is a no-op inside
 * a transaction, hence around it.
 */
int
store_migrate(struct store *s)
{
	long long fk = store_pragma_int(s, "PRAGMA foreign_keys");
	int rc;

	if (fk > 0 &&
	    store_exec(s, "PRAGMA foreign_keys = OFF", "cannot configure") ==
	        -1)
		return -1;
	rc = store_migrate_locked(s, fk > 0);
	if (fk > 0 &&
	    store_exec(s, "PRAGMA foreign_keys = ON", "cannot configure") == -1)
		return -1;
	return rc;
}
