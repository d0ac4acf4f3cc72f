/*
 * SQLite state: see store.h for what is kept and the transaction rule.
 *
 * This file opens and closes the file, keeps the error message and runs
 * statements (store_run, see store_int.h).  The schema and its migrations
 * are in store/schema.c, the SQL of every statement in store/sql.c, and
 * the operations in store/items.c (feeds, items, stories, alerts,
 * housekeeping) and store/messages.c (the outbox).
 */
#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "store/store.h"
#include "store/store_int.h"

/* How long a writer waits for another connection (feedwatch status, an
 * operator's sqlite3 shell) before reporting busy. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Record an error message; always returns -1. */
int
store_fail(struct store *s, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&s->err);
	va_start(ap, fmt);
	buf_vprintf(&s->err, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * What SQLite's message hides: "disk I/O error" or "unable to open" when
 * the file or its directory (where the -wal and -shm files go) may not be
 * written, and "database or disk is full".  "" when nothing is to add.
 */
static const char *
store_cause(struct store *s, char *buf, size_t size)
{
	int code = sqlite3_errcode(s->db) & 0xff; /* the primary code */
	char *dir, *slash;

	if (code == SQLITE_FULL)
		return "; the disk (or the file system's quota) is full";
	if (code != SQLITE_READONLY && code != SQLITE_IOERR &&
	    code != SQLITE_CANTOPEN && code != SQLITE_PERM)
		return "";
	if (access(s->path, W_OK) == -1 && errno != ENOENT) {
		snprintf(buf, size, "; the file may not be written: %s%s",
		    strerror(errno),
		    errno == EACCES ? " (read-only; check its owner and mode)"
		                    : "");
		return buf;
	}
	dir = xstrdup(s->path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	buf[0] = '\0';
	if (access(slash != NULL ? dir : ".", W_OK) == -1)
		snprintf(buf, size,
		    "; its directory %s may not be written (%s), and SQLite "
		    "keeps its journal there",
		    slash != NULL ? dir : ".", strerror(errno));
	free(dir);
	if (buf[0] == '\0' && sqlite3_system_errno(s->db) != 0)
		snprintf(
		    buf, size, " (%s)", strerror(sqlite3_system_errno(s->db)));
	else if (buf[0] == '\0' &&
	    sqlite3_extended_errcode(s->db) == SQLITE_IOERR_WRITE)
		snprintf(buf, size,
		    "; a write did not land: the disk, a quota or a file size "
		    "limit is full, or the disk fails");
	return buf;
}

/* Record a SQLite failure naming the file, the step and the cause; -1. */
int
store_fail_db(struct store *s, const char *what)
{
	char cause[512];

	return store_fail(s, "%s: %s: %s%s", s->path, what,
	    sqlite3_errmsg(s->db), store_cause(s, cause, sizeof(cause)));
}

/* The reason the last transaction did not commit, or NULL when it did. */
const char *
store_health(const struct store *s)
{
	return s->health.len > 0 ? buf_str(&s->health) : NULL;
}

/* The message of the most recent failure; "" before any. */
const char *
store_error(const struct store *s)
{
	return buf_str(&s->err);
}

/* The prepared statement for id, prepared on first use and kept. */
static sqlite3_stmt *
store_stmt(struct store *s, enum stmt_id id)
{
	sqlite3_stmt *st = s->stmts[id];

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, store_sql[id], -1,
		        SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			store_fail_db(s, "prepare");
			return NULL;
		}
		s->stmts[id] = st;
	}
	return st;
}

/* Bind, step to the end with each row to fn, reset: see store_int.h. */
int
store_run(struct store *s, enum stmt_id id, const char *what, store_row_fn fn,
    void *arg, const struct sql_arg *args, size_t nargs)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc, rows = 0, in_tx;

	if (st == NULL)
		return -1;
	in_tx =
	    !sqlite3_get_autocommit(s->db) || id == ST_COMMIT || id == ST_BEGIN;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (size_t i = 0; i < nargs; i++) {
		if (!args[i].is_text)
			sqlite3_bind_int64(st, (int)i + 1, args[i].i);
		else if (args[i].text != NULL)
			sqlite3_bind_text(
			    st, (int)i + 1, args[i].text, -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn != NULL)
			fn(st, arg);
		rows++;
	}
	if (rc != SQLITE_DONE) {
		store_fail_db(s, what);
		/* A write that failed: the store cannot commit until one
		 * succeeds (/healthz says so). */
		if (in_tx) {
			buf_reset(&s->health);
			buf_appends(&s->health, buf_str(&s->err));
		}
		sqlite3_reset(st);
		return -1;
	}
	if (id == ST_COMMIT)
		buf_reset(&s->health);
	sqlite3_reset(st);
	return sqlite3_column_count(st) > 0 ? rows : sqlite3_changes(s->db);
}

/* A column as a fresh string, NULL for SQL NULL. */
char *
store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

/* Lookups (LIMIT 1) want column 0, or only whether there is a row. */
void
store_row_dup(sqlite3_stmt *st, void *arg)
{
	char **out = arg;

	if (out != NULL)
		*out = store_column_dup(st, 0);
}

/* min() and count() give one row; min() of nothing is NULL. */
void
store_row_int(sqlite3_stmt *st, void *arg)
{
	struct store_int *v = arg;

	v->set = sqlite3_column_type(st, 0) != SQLITE_NULL;
	v->v = sqlite3_column_int64(st, 0);
}

/* Run SQL text (maybe several statements) that returns no rows. */
int
store_exec(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail_db(s, what);
	return 0;
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
	buf_free(&s->health);
	free(s->path);
	free(s);
}

/* BEGIN IMMEDIATE: take the write lock now, not at the first write. */
int
store_begin(struct store *s)
{
	return store_status(
	    store_run(s, ST_BEGIN, "begin", NULL, NULL, SQL_NOARGS));
}

/* Commit the transaction store_begin opened. */
int
store_commit(struct store *s)
{
	return store_status(
	    store_run(s, ST_COMMIT, "commit", NULL, NULL, SQL_NOARGS));
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
