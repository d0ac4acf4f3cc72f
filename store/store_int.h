/*
 * What the files of store/ share and nobody else sees: the handle, the
 * statement table's names (store/sql.c holds the SQL) and the one helper
 * that runs a statement.
 *
 * store_run prepares a statement on its first use (and keeps it), binds
 * the arguments given as a typed list, steps it to the end and hands each
 * row to a callback.  Every query of the store goes through it, so the
 * reset, bind and error handling are written once:
 *
 *	n = store_run(s, ST_ITEM_SEEN, "look up item", row_found, &found,
 *	    SQL_ARGS(SQL_TEXT(feed), SQL_TEXT(id)));
 */
#ifndef FW_STORE_STORE_INT_H
#define FW_STORE_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum stmt_id {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_FEED_LOAD,
	ST_FEED_SAVE,
	ST_ITEM_SEEN,
	ST_ITEM_LINK_SEEN,
	ST_FEED_HAS_ITEMS,
	ST_ITEM_ADD,
	ST_STORY_LINK,
	ST_STORY_TITLE,
	ST_ALERT_ADD,
	ST_MESSAGE_ADD,
	ST_SIGHTING_ADD,
	ST_SIGHTING_KNOWN,
	ST_ALERTS_SINCE,
	ST_OUTBOX_DUE,
	ST_OUTBOX_NEXT,
	ST_OUTBOX_DEPTH,
	ST_MESSAGE_END,
	ST_MESSAGE_HOLD,
	ST_HOLD_ALL,
	ST_HELD_FIRST,
	ST_LOG_ADD,
	ST_DIGEST_NEW,
	ST_DIGEST_CLAIM,
	ST_DIGEST_TAKE,
	ST_DIGEST_DROP,
	ST_DIGEST_MEMBERS,
	ST_DIGEST_SET,
	ST_WINDOW_GET,
	ST_WINDOW_ADD,
	ST_PRUNE_ITEMS,
	ST_FORGET_ITEMS,
	ST_FORGET_LOG,
	ST_FORGET_DOCS,
	/* replay (store/replay.c) */
	ST_REPLAY_ITEMS,
	ST_REPLAY_NOTEXT,
	ST_REPLAY_ALERT,
	ST_REPLAY_STORY,
	/* people: silences and surges (store/silences.c) */
	ST_SILENCE_ADD,
	ST_SILENCE_LIST,
	ST_SILENCE_EXPIRE,
	ST_SILENCE_MATCH,
	ST_SURGE_COUNT,
	ST_SURGE_LAST,
	ST_SURGE_STORIES,
	ST_ALERTS_RECENT,
	/* store/articles.c */
	ST_PENDING_ADD,
	ST_PENDING_DONE,
	ST_PENDING_ALL,
	ST_ARTICLE_GET,
	ST_ARTICLE_PUT,
	ST_FORGET_ARTICLES,
	ST_COUNT
};

/* The SQL of each statement (store/sql.c). */
extern const char *const store_sql[ST_COUNT];

struct store_ckpt;

struct store {
	sqlite3 *db;
	char *dir;
	char *path;
	int lockfd;   /* the daemon's flock on dir/lock; -1 for the others */
	int readonly; /* store_open_readonly */
	struct store_ckpt *ckpt; /* the checkpoint thread, or NULL */
	sqlite3_stmt *stmts[ST_COUNT];
	/* A read transaction store_run opened for lookups, kept for the
	 * next lookup until store_read_end or any other statement. */
	int reading;
	struct buf err;
	struct buf health; /* why the last transaction failed; "" after a
	                      commit */
};

/* One bound argument: text (NULL binds SQL NULL) or an integer. */
struct sql_arg {
	int is_text;
	const char *text;
	int64_t i;
};

#define SQL_TEXT(v) ((struct sql_arg){1, (v), 0})
#define SQL_INT(v) ((struct sql_arg){0, NULL, (int64_t)(v)})
/* The argument list of store_run: an array and its length. */
#define SQL_ARGS(...)                                       \
	(const struct sql_arg[]){__VA_ARGS__},              \
	    sizeof((const struct sql_arg[]){__VA_ARGS__}) / \
	    sizeof(struct sql_arg)
#define SQL_NOARGS NULL, 0

/* Called with the statement on each row; columns are valid until it
 * returns. */
typedef void (*store_row_fn)(sqlite3_stmt *st, void *arg);

/* Run statement id with args, rows to fn (may be NULL): the rows read
 * when the statement returns rows, else the rows it changed; -1 with the
 * error (naming `what`) recorded. */
int store_run(struct store *s, enum stmt_id id, const char *what,
    store_row_fn fn, void *arg, const struct sql_arg *args, size_t nargs);

/* store_run's result as the status of a function that reports no
 * count: 0, or -1 on error. */
static inline int
store_status(int n)
{
	return n < 0 ? -1 : 0;
}

/* Record an error message; always returns -1. */
int store_fail(struct store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Record a SQLite failure naming the file and the step; -1. */
int store_fail_db(struct store *s, const char *what);

/* Run SQL text (maybe several statements) that returns no rows. */
int store_exec(struct store *s, const char *sql, const char *what);
/* The items_link_key value of a feed's canonical link (store/schema.c). */
int64_t store_link_key(const char *feed, const char *link);
/* Bring the schema to the current version (store/schema.c). */
int store_migrate(struct store *s);
/* The file's schema version (0: a new file), refusing another
 * program's file and a newer schema: -1 (store/schema.c). */
long long store_schema_of(struct store *s);
/* Refuse a file that is not at this build's schema (store/schema.c). */
int store_check_schema(struct store *s);
/* The name of the VFS every connection to state.db opens with: the
 * default one, WAL frames written in one call (store/walvfs.c). */
const char *store_wal_vfs(void);
/* Stop and join the checkpoint thread, if any (store/checkpoint.c). */
void store_checkpoint_stop(struct store *s);

/* A column as a fresh string, NULL for SQL NULL. */
char *store_column_dup(sqlite3_stmt *st, int i);
/* Row callback of a one-row lookup: column 0 as a fresh string into
 * *(char **)arg, when arg is not NULL. */
void store_row_dup(sqlite3_stmt *st, void *arg);
/* An integer column that may be NULL (min() of no rows). */
struct store_int {
	int set;
	int64_t v;
};

/* Row callback: column 0 into the struct store_int at arg. */
void store_row_int(sqlite3_stmt *st, void *arg);

#endif
