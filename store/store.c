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
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "store/store.h"
#include "store/store_int.h"

/* How long a writer waits for another connection (a tool's short write,
 * an operator's sqlite3 shell) before reporting busy. */
#define STORE_BUSY_TIMEOUT_MS 5000
/* A pid in the lock file, digits and a newline. */
#define STORE_PID_MAX 24
/* The lock file's path. */
#define STORE_PATH_MAX 4096

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

/* The statements that may share a read transaction (store.h). */
static int
store_is_lookup(enum stmt_id id)
{
	return id == ST_ITEM_SEEN || id == ST_ITEM_LINK_SEEN ||
	    id == ST_FEED_HAS_ITEMS;
}

/* End the lookups' read transaction, if one is open. */
void
store_read_end(struct store *s)
{
	sqlite3_stmt *st;

	if (!s->reading)
		return;
	s->reading = 0;
	/* A read-only transaction: COMMIT only drops the snapshot. */
	if ((st = store_stmt(s, ST_COMMIT)) == NULL ||
	    (sqlite3_step(st) != SQLITE_DONE && !sqlite3_get_autocommit(s->db)))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (st != NULL)
		sqlite3_reset(st);
}

/* Is a lookups' read transaction open? */
int
store_reading(const struct store *s)
{
	return s->reading;
}

/* A lookup outside any transaction opens the shared read transaction;
 * any other statement first ends it.  -1 when BEGIN failed. */
static int
store_read_frame(struct store *s, enum stmt_id id)
{
	sqlite3_stmt *st;
	int rc;

	if (!store_is_lookup(id)) {
		store_read_end(s);
		return 0;
	}
	if (s->reading || !sqlite3_get_autocommit(s->db))
		return 0;
	if ((st = store_stmt(s, ST_BEGIN_READ)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail_db(s, "begin reading");
	s->reading = 1;
	return 0;
}

/* Bind, step to the end with each row to fn, reset: see store_int.h. */
int
store_run(struct store *s, enum stmt_id id, const char *what, store_row_fn fn,
    void *arg, const struct sql_arg *args, size_t nargs)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc, rows = 0, in_tx;

	if (st == NULL || store_read_frame(s, id) == -1)
		return -1;
	in_tx = (!sqlite3_get_autocommit(s->db) && !s->reading) ||
	    id == ST_COMMIT || id == ST_BEGIN;
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
	store_read_end(s);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail_db(s, what);
	return 0;
}

/* The state directory: made (0750) when missing and its parent exists;
 * with create == 0 it must exist. */
static int
store_dir(struct store *s, const char *dir, int create)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || !create || mkdir(dir, 0750) == -1)
			return store_fail(
			    s, "state directory %s: %s", dir, strerror(errno));
	} else if (!S_ISDIR(st.st_mode))
		return store_fail(
		    s, "state directory %s: not a directory", dir);
	return 0;
}

/* The pid a lock file names, for the message; "unknown" when it names
 * none. */
static void
store_lock_owner(int fd, char *out, size_t outsz)
{
	char buf[STORE_PID_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	size_t len;

	snprintf(out, outsz, "unknown");
	if (n <= 0)
		return;
	buf[n] = '\0';
	len = strspn(buf, "0123456789");
	if (len > 0 && len < outsz) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
}

/* Write this process's pid into the held lock file. */
int
store_lock_refresh(struct store *s)
{
	char pid[STORE_PID_MAX];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	if (s->lockfd == -1)
		return 0;
	if (ftruncate(s->lockfd, 0) == -1 ||
	    pwrite(s->lockfd, pid, (size_t)len, 0) != len)
		return store_fail(s, "%s/lock: %s", s->dir, strerror(errno));
	return 0;
}

/*
 * One daemon per state directory: an flock on dir/lock, held for the
 * life of the handle (the kernel drops it when the process dies, however
 * it dies), the file naming the holder's pid so the refusal can say who.
 */
static int
store_lock(struct store *s)
{
	char path[STORE_PATH_MAX], owner[STORE_PID_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/lock", s->dir) >=
	    sizeof(path))
		return store_fail(
		    s, "state directory %s: name too long", s->dir);
	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (s->lockfd == -1)
		return store_fail(s, "%s: %s", path, strerror(errno));
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK)
			return store_fail(s, "%s: %s", path, strerror(errno));
		store_lock_owner(s->lockfd, owner, sizeof(owner));
		return store_fail(s,
		    "state directory %s is in use by another feedwatchd "
		    "(pid %s, named in %s); one daemon per state-dir",
		    s->dir, owner, path);
	}
	return store_lock_refresh(s);
}

/*
 * SQLite's allocation statistics take a global mutex and count at every
 * allocation, about 2 k instructions a new item; nothing here reads them
 * (sqlite3_memory_used, the heap limits), so they are off, as SQLite's
 * own list of recommended options has them.  The setting only takes
 * before the library initialises, that is at the first open, which is
 * the main thread's at start; SQLite refuses it later, harmlessly.
 */
static void
store_sqlite_config(void)
{
	static int done;

	if (!done) {
		done = 1;
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
}

/* Open state.db with flags and the settings every connection shares. */
static int
store_connect(struct store *s, int flags)
{
	int rc;

	store_sqlite_config();
	rc = sqlite3_open_v2(
	    s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX, store_wal_vfs());

	if (rc != SQLITE_OK)
		return store_fail(s, "%s: %s", s->path,
		    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	return 0;
}

/* A fresh handle for dir/state.db, nothing opened yet. */
static struct store *
store_new(const char *dir)
{
	struct store *s = xcalloc(1, sizeof(*s));

	s->lockfd = -1;
	s->dir = xstrdup(dir);
	xasprintf(&s->path, "%s/state.db", dir);
	return s;
}

/* Hand the message to the caller and free what was made. */
static struct store *
store_open_failed(struct store *s, char **err)
{
	*err = buf_steal(&s->err);
	store_close(s);
	return NULL;
}

/*
 * The daemon's connection: the directory made if needed, the lock taken,
 * the file opened in WAL mode and migrated.  Readers and the tools'
 * writers use their own connections (store_open_readonly,
 * store_open_tool), so the daemon never holds the file exclusively.  Its
 * own WAL checkpoints are left to a thread on another connection
 * (store/checkpoint.c), so the loop never copies pages back.
 * auto_vacuum only takes on a new file, before its first table.
 */
struct store *
store_open(const char *dir, char **err)
{
	struct store *s = store_new(dir);

	if (store_dir(s, dir, 1) == -1 || store_lock(s) == -1 ||
	    store_connect(s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) ==
	        -1 ||
	    store_exec(s, "PRAGMA auto_vacuum = INCREMENTAL", "cannot open") ==
	        -1 ||
	    store_exec(s, "PRAGMA journal_mode = WAL", "cannot open") == -1 ||
	    store_exec(s,
	        "PRAGMA synchronous = NORMAL; "
	        "PRAGMA foreign_keys = ON",
	        "cannot configure") == -1 ||
	    store_migrate(s) == -1)
		return store_open_failed(s, err);
	return s;
}

/* An existing state.db, or a message saying there is none yet. */
static int
store_existing(struct store *s, const char *dir)
{
	struct stat st;

	if (store_dir(s, dir, 0) == -1)
		return -1;
	if (stat(s->path, &st) == -1)
		return store_fail(s, "%s: %s%s", s->path, strerror(errno),
		    errno == ENOENT ? " (feedwatchd has not run on this "
		                      "state-dir yet)"
		                    : "");
	return 0;
}

/*
 * Another process's reader: SQLITE_OPEN_READONLY and query_only, so
 * nothing it does can write, no migration, and the file must be ours at
 * exactly this build's schema.  In WAL mode it reads a consistent
 * snapshot beside a running daemon without blocking it.
 */
struct store *
store_open_readonly(const char *dir, char **err)
{
	struct store *s = store_new(dir);

	s->readonly = 1;
	if (store_existing(s, dir) == -1 ||
	    store_connect(s, SQLITE_OPEN_READONLY) == -1 ||
	    store_exec(s, "PRAGMA query_only = ON", "cannot open") == -1 ||
	    store_check_schema(s) == -1)
		return store_open_failed(s, err);
	return s;
}

/* Read-only, as a reader opens it, but any schema up to ours. */
int
store_inspect(const char *dir, int *version, char **err)
{
	struct store *s = store_new(dir);
	struct stat st;
	long long v;

	*version = 0;
	if (stat(s->path, &st) == -1 && errno == ENOENT) {
		store_close(s);
		return 0;
	}
	if (store_connect(s, SQLITE_OPEN_READONLY) == -1 ||
	    (v = store_schema_of(s)) < 0) {
		store_open_failed(s, err);
		return -1;
	}
	*version = (int)v;
	store_close(s);
	return 1;
}

/*
 * A tool's writer beside the daemon (feedwatch silence add): no lock, no
 * migration, the schema must be this build's.  Its transactions wait up
 * to STORE_BUSY_TIMEOUT_MS for the daemon's, and hold up the daemon's
 * commits while they run: for a few rows, committed at once, then
 * closed.
 */
struct store *
store_open_tool(const char *dir, char **err)
{
	struct store *s = store_new(dir);

	if (store_existing(s, dir) == -1 ||
	    store_connect(s, SQLITE_OPEN_READWRITE) == -1 ||
	    store_exec(s, "PRAGMA foreign_keys = ON", "cannot configure") ==
	        -1 ||
	    store_check_schema(s) == -1)
		return store_open_failed(s, err);
	return s;
}

/* Finalise every prepared statement, then close; NULL is allowed. */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	store_read_end(s);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	store_checkpoint_stop(s);
	sqlite3_close(s->db);
	if (s->lockfd != -1)
		close(s->lockfd); /* drops the flock */
	buf_free(&s->err);
	buf_free(&s->health);
	free(s->path);
	free(s->dir);
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
	return !sqlite3_get_autocommit(s->db) && !s->reading;
}

/* Roll back when a transaction is open; harmless otherwise. */
void
store_rollback(struct store *s)
{
	s->reading = 0;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
