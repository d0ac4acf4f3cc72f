/*
 * Tests of the state shared between processes: one daemon per state-dir
 * by its lock (a second one is refused, naming the first's pid, from
 * another process), readers beside it through a read-only connection that
 * sees its commits and cannot write, a tool's short writer beside it, and
 * the files a reader must refuse: none, another program's, a newer and an
 * older schema.
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "store/store.h"
#include "tests/tap.h"

static char tmpdir[] = "/tmp/fwshare.XXXXXX";

/* A path under the test's temporary directory (static buffer). */
static const char *
tmp(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* Run SQL on dir/state.db with SQLite itself, as another program
 * would. */
static void
sql_on(const char *dir, const char *sql)
{
	char path[300];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/state.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		bail_out("%s: %s", path, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* Count the row callbacks of store_alerts_since. */
static void
count_alert(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	(*(int *)arg)++;
}

/* An item and an alert, committed by s. */
static int
add_alert(struct store *s, const char *id)
{
	struct store_item it = {.feed = "f",
	    .id = id,
	    .link_canon = "",
	    .title_key = "",
	    .first_seen = 100,
	    .title = "t",
	    .link = "",
	    .body = "b"};
	struct store_alert a = {.id = id,
	    .watchlist = "w",
	    .feed = "f",
	    .link_canon = "",
	    .title_key = "",
	    .fired_at = 100,
	    .score = 5,
	    .doc = "{}"};

	return store_begin(s) == -1 || store_item_add(s, &it) == -1 ||
	        store_alert_add(s, &a, NULL, 0) == -1 || store_commit(s) == -1
	    ? -1
	    : 0;
}

/* A second daemon in a child process: its store_open message on fd. */
static void
second_daemon(const char *dir, struct buf *msg)
{
	int fds[2], status;
	char b[512];
	ssize_t n;
	pid_t pid;

	if (pipe(fds) == -1 || (pid = fork()) == -1)
		bail_out("pipe/fork");
	if (pid == 0) {
		char *err = NULL;
		struct store *s = store_open(dir, &err);

		close(fds[0]);
		if (s == NULL && write(fds[1], err, strlen(err)) < 0)
			_exit(2);
		_exit(s == NULL ? 1 : 0);
	}
	close(fds[1]);
	while ((n = read(fds[0], b, sizeof(b))) > 0)
		buf_append(msg, b, (size_t)n);
	close(fds[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "a second daemon on the same state-dir is refused");
}

/* The daemon's handle held; readers and a tool beside it. */
static void
test_beside_daemon(void)
{
	struct store *d, *r, *t;
	struct buf msg = BUF_INIT;
	char *err = NULL, want[64];
	int n = 0;

	if ((d = store_open(tmp("st"), &err)) == NULL)
		bail_out("store_open: %s", err);
	ok(add_alert(d, "a1") == 0, "the daemon commits an alert");
	second_daemon(tmp("st"), &msg);
	snprintf(want, sizeof(want), "in use by another feedwatchd \\(pid %ld",
	    (long)getpid());
	like(buf_str(&msg), want, "the message names the running one's pid");
	buf_free(&msg);

	r = store_open_readonly(tmp("st"), &err);
	ok(r != NULL, "a reader opens while the daemon runs");
	if (r == NULL)
		bail_out("store_open_readonly: %s", err);
	store_alerts_since(r, 0, 10, count_alert, &n);
	is_int(n, 1, "it reads the daemon's alert");
	ok(add_alert(d, "a2") == 0, "the daemon commits while it is open");
	n = 0;
	store_alerts_since(r, 0, 10, count_alert, &n);
	is_int(n, 2, "the reader's next query sees the new commit");
	ok(add_alert(r, "a3") == -1, "the reader cannot write");
	like(store_error(r), "readonly|read-only|attempt to write",
	    "and says it is read-only");
	store_rollback(r);

	t = store_open_tool(tmp("st"), &err);
	ok(t != NULL, "a tool's writer opens beside the daemon");
	if (t == NULL)
		bail_out("store_open_tool: %s", err);
	ok(add_alert(t, "a4") == 0, "the tool commits a small write");
	store_close(t);
	n = 0;
	store_alerts_since(d, 0, 10, count_alert, &n);
	is_int(n, 3, "the daemon sees the tool's write");
	ok(add_alert(d, "a5") == 0, "and goes on committing");
	store_close(r);
	store_close(d);

	if ((d = store_open(tmp("st"), &err)) == NULL)
		bail_out("store_open: %s", err);
	ok(1, "once the daemon closed, the next one opens");
	ok(store_checkpoint_start(d, 10) == 0, "the checkpoint thread starts");
	ok(add_alert(d, "a6") == 0, "and commits go on beside it");
	usleep(200000);
	{
		uint64_t runs, max_us;
		store_checkpoint_stats(d, &runs, &max_us);
		ok(runs > 0, "the thread ran checkpoints (%llu)",
		    (unsigned long long)runs);
	}
	store_close(d);
}

/* Files a reader refuses, each with its reason. */
static void
test_refusals(void)
{
	struct store *s;
	char *err = NULL;

	s = store_open_readonly(tmp("none"), &err);
	ok(s == NULL, "a missing state-dir is refused");
	like(err, "none: No such file", "naming it");
	free(err);
	mkdir(tmp("empty"), 0700);
	s = store_open_readonly(tmp("empty"), &err);
	ok(s == NULL, "a state-dir without state.db is refused");
	like(err, "has not run on this state-dir", "saying why");
	free(err);
	ok(access(tmp("empty/state.db"), F_OK) == -1, "and nothing is made");

	mkdir(tmp("foreign"), 0700);
	sql_on(tmp("foreign"), "CREATE TABLE notes (x TEXT)");
	s = store_open_readonly(tmp("foreign"), &err);
	ok(s == NULL, "another program's database is refused");
	like(err, "not a feedwatch state file", "and the message says so");
	free(err);

	if ((s = store_open(tmp("newer"), &err)) == NULL)
		bail_out("store_open: %s", err);
	store_close(s);
	sql_on(tmp("newer"), "PRAGMA user_version = 999");
	s = store_open_readonly(tmp("newer"), &err);
	ok(s == NULL, "a newer schema is refused by a reader");
	like(err, "schema version 999 is newer", "and the message says so");
	free(err);
	s = store_open_tool(tmp("newer"), &err);
	ok(s == NULL, "and by a tool's writer");
	free(err);

	if ((s = store_open(tmp("older"), &err)) == NULL)
		bail_out("store_open: %s", err);
	store_close(s);
	sql_on(tmp("older"), "PRAGMA user_version = 1");
	s = store_open_readonly(tmp("older"), &err);
	ok(s == NULL, "an older schema is refused by a reader");
	like(err, "older than this feedwatch.*start feedwatchd",
	    "saying what upgrades it");
	free(err);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		bail_out("mkdtemp");
	test_beside_daemon();
	test_refusals();
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return done_testing();
}
