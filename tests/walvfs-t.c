/*
 * Tests of store/walvfs.c, the VFS that writes a transaction's WAL
 * frames in one call: the files it leaves are byte for byte those plain
 * SQLite writes for the same statements (WAL and database, across
 * checkpoints, a restarted WAL, a transaction that spills its cache and
 * rewrites frames, and one bigger than what the shim holds), it does
 * join the writes, a write that fails fails the COMMIT and nothing
 * else, and a child killed with SIGKILL at random moments never loses a
 * transaction whose COMMIT had returned.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"
#include "tests/tap.h"

/* Rounds of the kill test, and rows in each of its transactions. */
#define KILL_ROUNDS 30
#define KILL_ROWS 5

static char tmpdir[] = "/tmp/fwwalvfs.XXXXXX";

/* A path under the test's directory (one of two static buffers). */
static const char *
tmp(const char *name)
{
	static char path[2][256];
	static int which;

	which = !which;
	snprintf(path[which], sizeof(path[which]), "%s/%s", tmpdir, name);
	return path[which];
}

/*
 * The default VFS for this test: the system's, with randomness that is
 * always the same (the WAL's salts come from it, so two runs write the
 * same bytes) and the writes counted by size.
 */
static sqlite3_vfs det_vfs;
/* The system's io methods seen (a database's, a WAL's with no locks)
 * and the copies that count. */
#define DET_KINDS 4
static const sqlite3_io_methods *det_real[DET_KINDS];
static sqlite3_io_methods det_methods[DET_KINDS];
static long det_writes, det_headers;
/* Set: the next write of more than two pages fails as a full disk
 * would (only the shim writes that much at once). */
static int det_fail_big;

static int
det_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	memset(out, 0x5a, (size_t)n);
	return n;
}

static int
det_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	size_t i = (size_t)(f->pMethods - det_methods);

	if (det_fail_big && amt > 2 * 4120) {
		det_fail_big = 0;
		return SQLITE_FULL;
	}
	det_writes++;
	det_headers += amt == 24;
	return det_real[i]->xWrite(f, buf, amt, off);
}

static int
det_open(
    sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	sqlite3_vfs *sys = vfs->pAppData;
	int rc = sys->xOpen(sys, name, f, flags, out);
	size_t i;

	if (f->pMethods == NULL)
		return rc;
	for (i = 0;
	     i < DET_KINDS && det_real[i] != NULL && det_real[i] != f->pMethods;
	     i++)
		;
	if (i == DET_KINDS)
		bail_out("more kinds of files than the test knows");
	if (det_real[i] == NULL) {
		det_real[i] = f->pMethods;
		det_methods[i] = *f->pMethods;
		det_methods[i].xWrite = det_write;
	}
	f->pMethods = &det_methods[i];
	return rc;
}

static void
det_install(void)
{
	sqlite3_vfs *sys = sqlite3_vfs_find(NULL);

	det_vfs = *sys;
	det_vfs.pNext = NULL;
	det_vfs.zName = "fwtest-det";
	det_vfs.pAppData = sys;
	det_vfs.xOpen = det_open;
	det_vfs.xRandomness = det_random;
	if (sqlite3_vfs_register(&det_vfs, 1) != SQLITE_OK)
		bail_out("cannot register the test VFS");
}

/* Run sql on db or bail out. */
static void
exec_or_bail(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		bail_out("%s: %s", sql, sqlite3_errmsg(db));
}

/* A file's bytes (malloc'd) and length. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0)
		bail_out("%s: %s", path, strerror(errno));
	rewind(fp);
	b = malloc((size_t)n + 1);
	if (b == NULL || fread(b, 1, (size_t)n, fp) != (size_t)n)
		bail_out("%s: short read", path);
	fclose(fp);
	*len = (size_t)n;
	return b;
}

/* The workload's transactions of 20 rows. */
#define WORK_TXS 40

/* What one run of the workload left: the WAL before the last close,
 * the database after it, the writes it made, the writes of each
 * transaction of 20 rows and of the big one. */
struct run {
	unsigned char *wal, *db;
	size_t wal_len, db_len;
	long writes, headers;
	long tx_writes[WORK_TXS], big_writes;
};

/* Open name with vfs, as the store does. */
static sqlite3 *
open_with(const char *path, const char *vfs)
{
	sqlite3 *db;

	if (sqlite3_open_v2(path, &db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	            SQLITE_OPEN_NOMUTEX,
	        vfs) != SQLITE_OK)
		bail_out("%s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 5000);
	exec_or_bail(
	    db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
	return db;
}

/*
 * Transactions of rows with overflow pages and an index, a PASSIVE
 * checkpoint from a second connection (so the WAL restarts), one
 * transaction bigger than the cache that rewrites its own frames, and
 * one of about 1,500 frames, more than the shim holds at once.
 */
static void
workload(const char *name, const char *vfs, struct run *r)
{
	char sql[512], path[300];
	sqlite3 *db, *ck;

	snprintf(path, sizeof(path), "%s", tmp(name));
	sqlite3_randomness(0, NULL); /* reseeded from det_random */
	det_writes = det_headers = 0;
	db = open_with(path, vfs);
	ck = open_with(path, vfs);
	exec_or_bail(db,
	    "CREATE TABLE t (k INTEGER PRIMARY KEY, tag TEXT, v TEXT);"
	    "CREATE INDEX t_tag ON t (tag)");
	for (int tx = 0; tx < WORK_TXS; tx++) {
		long w0 = det_writes;

		snprintf(sql, sizeof(sql),
		    "BEGIN IMMEDIATE;"
		    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1"
		    " FROM n WHERE i < 19) INSERT INTO t (tag, v)"
		    " SELECT hex((%d * 20 + i) * 7919 %% 1000),"
		    " printf('%%.*c', 200 + (%d * 20 + i) * 37 %% 5000, 'x')"
		    " FROM n; COMMIT",
		    tx, tx);
		exec_or_bail(db, sql);
		r->tx_writes[tx] = det_writes - w0;
		if (tx == 12 || tx == 25)
			exec_or_bail(ck, "PRAGMA wal_checkpoint(PASSIVE)");
		if (tx == 30)
			exec_or_bail(db,
			    "PRAGMA cache_size = 10; BEGIN;"
			    " UPDATE t SET tag = tag || 'a';"
			    " UPDATE t SET v = v || 'b' WHERE k % 3 = 0;"
			    " UPDATE t SET tag = substr(tag, 1, 3);"
			    " COMMIT; PRAGMA cache_size = -2000");
	}
	{
		long w0 = det_writes;

		exec_or_bail(db,
		    "PRAGMA cache_size = -16000; PRAGMA wal_autocheckpoint = 0;"
		    " BEGIN IMMEDIATE;"
		    " WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1"
		    " FROM n WHERE i < 1499) INSERT INTO t (tag, v)"
		    " SELECT hex(i * 31 % 977), printf('%.*c', 3000, 'z')"
		    " FROM n; COMMIT; PRAGMA cache_size = -2000;"
		    " PRAGMA wal_autocheckpoint = 1000");
		r->big_writes = det_writes - w0;
	}
	sqlite3_close(ck);
	r->wal = slurp(tmp(strcat(strcpy(sql, name), "-wal")), &r->wal_len);
	sqlite3_close(db);
	r->db = slurp(path, &r->db_len);
	r->writes = det_writes;
	r->headers = det_headers;
}

/* Same bytes as plain SQLite, in fewer writes. */
static void
test_same_bytes(void)
{
	struct run plain, shim;
	int one;

	workload("plain.db", "fwtest-det", &plain);
	workload("shim.db", store_wal_vfs(), &shim);
	ok(plain.wal_len > 100000, "the workload wrote a WAL (%zu bytes)",
	    plain.wal_len);
	is_int(shim.wal_len, plain.wal_len, "the WAL has the same length");
	ok(shim.wal_len == plain.wal_len &&
	        memcmp(shim.wal, plain.wal, plain.wal_len) == 0,
	    "the WAL has the same bytes");
	is_int(shim.db_len, plain.db_len, "the database has the same length");
	ok(shim.db_len == plain.db_len &&
	        memcmp(shim.db, plain.db, plain.db_len) == 0,
	    "the database has the same bytes");
	ok(plain.headers > 2000, "plain SQLite wrote %ld frame headers alone",
	    plain.headers);
	one = 0;
	for (int tx = 0; tx < WORK_TXS; tx++) {
		one += shim.tx_writes[tx] == 1;
		if (shim.tx_writes[tx] != 1)
			diag("transaction %d: %ld writes through the shim, %ld "
			     "plain",
			    tx, shim.tx_writes[tx], plain.tx_writes[tx]);
	}
	/* Not one: those that restart the WAL (its header first) and the
	 * one after the transaction that spilled its cache. */
	ok(one >= WORK_TXS - 4,
	    "%d of %d transactions wrote their frames in one call (plain "
	    "SQLite: %ld calls for the first)",
	    one, WORK_TXS, plain.tx_writes[0]);
	/* About 1,500 frames: about 50 calls of at most 31 frames. */
	ok(shim.big_writes >= 40 && shim.big_writes <= 60,
	    "the big transaction took %ld calls (plain SQLite: %ld)",
	    shim.big_writes, plain.big_writes);
	diag("writes: %ld plain, %ld through the shim", plain.writes,
	    shim.writes);
	free(plain.wal);
	free(plain.db);
	free(shim.wal);
	free(shim.db);
}

/* A count from db, or -1. */
static long long
count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The write that carries a commit fails (a full disk): that COMMIT
 * fails, its rows are nowhere, the next transaction commits, and plain
 * SQLite finds a sound file with exactly the committed rows. */
static void
test_write_fails(void)
{
	const char *path = tmp("full.db");
	const char *add = "BEGIN IMMEDIATE; WITH RECURSIVE n(i) AS (SELECT 0"
	                  " UNION ALL SELECT i + 1 FROM n WHERE i < 9)"
	                  " INSERT INTO t (v) SELECT printf('%.*c', 2000,"
	                  " 'f') FROM n; COMMIT";
	sqlite3 *db = open_with(path, store_wal_vfs()), *plain;
	int rc;

	exec_or_bail(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
	exec_or_bail(db, add);
	det_fail_big = 1;
	rc = sqlite3_exec(db, add, NULL, NULL, NULL);
	ok(rc == SQLITE_FULL, "a COMMIT whose write fails fails (%s)",
	    sqlite3_errstr(rc));
	ok(det_fail_big == 0, "that write was the shim's, of many frames");
	det_fail_big = 0;
	if (!sqlite3_get_autocommit(db))
		exec_or_bail(db, "ROLLBACK");
	is_int((int)count_rows(db, "SELECT count(*) FROM t"), 10,
	    "its rows are not seen");
	ok(sqlite3_exec(db, add, NULL, NULL, NULL) == SQLITE_OK,
	    "the next transaction commits");
	if (sqlite3_open_v2(path, &plain, SQLITE_OPEN_READWRITE, "unix") !=
	    SQLITE_OK)
		bail_out("%s: %s", path, sqlite3_errmsg(plain));
	is_int((int)count_rows(plain, "SELECT count(*) FROM t"), 20,
	    "another connection sees the committed rows, and only those");
	ok(count_rows(plain,
	       "SELECT count(*) FROM pragma_integrity_check"
	       " WHERE integrity_check = 'ok'") == 1,
	    "the file is sound");
	sqlite3_close(plain);
	sqlite3_close(db);
}

/* The kill test's table; db. */
static sqlite3 *
kill_schema(sqlite3 *db)
{
	exec_or_bail(db,
	    "CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY,"
	    " tx INTEGER, v TEXT)");
	return db;
}

/* The child of the kill test: transactions of KILL_ROWS rows, each
 * number written to fd once its COMMIT returned, until killed. */
static void
kill_child(const char *path, int fd)
{
	sqlite3 *db = open_with(path, store_wal_vfs());
	sqlite3 *ck = open_with(path, store_wal_vfs());
	sqlite3_stmt *st;
	char sql[300];
	long long n = 0;

	kill_schema(db);
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(tx) + 1, 0) FROM t", -1,
	        &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		_exit(3);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (;; n++) {
		snprintf(sql, sizeof(sql),
		    "BEGIN IMMEDIATE; WITH RECURSIVE r(i) AS (SELECT 1 UNION "
		    "ALL"
		    " SELECT i + 1 FROM r WHERE i < %d) INSERT INTO t (tx, v)"
		    " SELECT %lld, printf('%%.*c', 100 + %lld * 131 %% 6000,"
		    " 'y') FROM r; COMMIT",
		    KILL_ROWS, n, n);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			_exit(4);
		if (write(fd, &n, sizeof(n)) != sizeof(n))
			_exit(5);
		if (n % 7 == 0)
			sqlite3_exec(ck, "PRAGMA wal_checkpoint(PASSIVE)", NULL,
			    NULL, NULL);
	}
}

/* The last number the child reported, reading fd to its end. */
static long long
kill_reported(int fd, long long last)
{
	long long n;

	while (read(fd, &n, sizeof(n)) == sizeof(n))
		last = n;
	return last;
}

/* After each kill, plain SQLite finds every reported transaction,
 * whole, and a sound file. */
static void
test_kill(void)
{
	const char *path = tmp("kill.db");
	int bad = 0, rounds = 0;
	long long reported = -1, txs = 0;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	sqlite3_close(kill_schema(open_with(path, "unix")));
	for (int round = 0; round < KILL_ROUNDS; round++) {
		int fds[2], status;
		pid_t pid;
		sqlite3 *db;
		sqlite3_stmt *st;
		long long maxtx, rows;
		const char *check;

		if (pipe(fds) == -1 || (pid = fork()) == -1)
			bail_out("pipe/fork: %s", strerror(errno));
		if (pid == 0) {
			close(fds[0]);
			kill_child(path, fds[1]);
		}
		close(fds[1]);
		/* The first commit, then a moment anywhere in the next
		 * few dozen (the machine may be slow or busy). */
		if (read(fds[0], &reported, sizeof(reported)) !=
		    sizeof(reported))
			diag("round %d: the child reported nothing", round);
		usleep((unsigned)(rand() % 20000));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		reported = kill_reported(fds[0], reported);
		close(fds[0]);
		if (!WIFSIGNALED(status)) {
			diag("round %d: the child exited %d", round,
			    WEXITSTATUS(status));
			bad++;
			continue;
		}
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, "unix") !=
		        SQLITE_OK ||
		    sqlite3_prepare_v2(db,
		        "SELECT coalesce(max(tx), -1), count(*),"
		        " (SELECT group_concat(integrity_check) FROM"
		        " pragma_integrity_check) FROM t",
		        -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW)
			bail_out("%s: %s", path, sqlite3_errmsg(db));
		maxtx = sqlite3_column_int64(st, 0);
		rows = sqlite3_column_int64(st, 1);
		check = (const char *)sqlite3_column_text(st, 2);
		if (maxtx < reported || rows != (maxtx + 1) * KILL_ROWS ||
		    check == NULL || strcmp(check, "ok") != 0) {
			diag(
			    "round %d: committed %lld, found %lld in %lld rows,"
			    " check %s",
			    round, reported, maxtx, rows, check ? check : "-");
			bad++;
		}
		txs = maxtx + 1;
		sqlite3_finalize(st);
		sqlite3_close(db);
		rounds++;
	}
	is_int(bad, 0,
	    "%d kills, %lld transactions: none reported lost or"
	    " torn",
	    rounds, txs);
	ok(txs >= 2 * KILL_ROUNDS, "the child committed between kills");
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL)
		bail_out("mkdtemp: %s", strerror(errno));
	det_install();
	ok(store_wal_vfs() != NULL, "the shim is registered");
	test_same_bytes();
	test_write_fails();
	test_kill();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return done_testing();
}
