/*
 * Tests of store/: a real state.db in a temporary directory.  What a user
 * relies on: state survives a restart and a crash, a transaction is all or
 * nothing, the outbox hands out each pending delivery until it is done,
 * and a file that is not ours is refused, never replaced.
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
#include "common/xmalloc.h"
#include "store/store.h"
#include "tests/tap.h"

static char tmpdir[] = "/tmp/fwstore.XXXXXX";

/* A path under the test's temporary directory (static buffer). */
static const char *
tmp(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* Open the store in dir or bail out with the error. */
static struct store *
open_ok(const char *dir)
{
	char *err = NULL;
	struct store *s = store_open(dir, &err);

	if (s == NULL)
		bail_out("store_open %s: %s", dir, err);
	return s;
}

/* Collect outbox ids into a comma-separated list. */
static void
collect(const struct store_message *d, void *arg)
{
	struct buf *b = arg;

	if (b->len > 0)
		buf_appendc(b, ',');
	buf_printf(b, "%s/%d", d->key, d->attempts);
}

/* Collect alerts as id@fired_at[also_in]; documents are ignored. */
static void
collect_alert(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	buf_printf(arg, "%s@%lld[%s];", id, (long long)fired_at,
	    also_in != NULL ? also_in : "-");
	(void)doc;
}

/* The deliveries of sink due at now, as collect lists them (free it). */
static char *
due(struct store *s, const char *sink, int64_t now)
{
	struct buf b = BUF_INIT;

	if (store_outbox_due(s, sink, now, 100, collect, &b) == -1)
		diag("outbox: %s", store_error(s));
	return buf_steal(&b);
}

/* An alert with deliveries to journal and ops; an error is only noted. */
static void
add_alert(struct store *s, const char *id, const char *wl, const char *link,
    const char *title_key, int64_t at)
{
	static const char *const sinks[] = {"journal", "ops"};
	struct store_alert a = {.id = id,
	    .watchlist = wl,
	    .feed = "kcna",
	    .link_canon = link,
	    .title_key = title_key,
	    .fired_at = at,
	    .score = 9,
	    .doc = "{\"id\":\"x\"}"};

	if (store_alert_add(s, &a, sinks, 2) == -1)
		diag("alert_add: %s", store_error(s));
}

/* Feed state survives a reopen; items are seen per feed and pruned. */
static void
test_feeds_items(void)
{
	struct store *s = open_ok(tmp("state"));
	struct store_feed f = {.name = "kcna",
	    .url = "https://a.example/x",
	    .conf_url = "https://a.example/old",
	    .etag = "\"abc\"",
	    .next_poll = 1700000300,
	    .errors = 2,
	    .http_status = 200,
	    .fetched_once = 1,
	    .last_success = 1700000100,
	    .backoff_ms = 600000,
	    .poll_status = 2};
	struct store_feed g;
	struct store_item it = {.feed = "kcna",
	    .id = "guid-1",
	    .link_canon = "https://a.example/1",
	    .title_key = "t1",
	    .first_seen = 1700000000,
	    .title = "Title",
	    .body = "Body"};

	ok(access(tmp("state/state.db"), F_OK) == 0,
	    "state.db created in a new state directory");
	is_int(store_feed_load(s, "kcna", &g), 0, "unknown feed: not found");
	if (!ok(store_feed_save(s, &f) == 0, "save feed state"))
		diag("%s", store_error(s));
	store_close(s);

	s = open_ok(tmp("state"));
	is_int(store_feed_load(s, "kcna", &g), 1, "feed state after reopen");
	is_str(g.etag, "\"abc\"", "etag kept");
	is_str(g.conf_url, "https://a.example/old", "configured URL kept");
	ok(g.last_modified == NULL, "absent Last-Modified stays NULL");
	ok(g.next_poll == 1700000300 && g.errors == 2 && g.http_status == 200 &&
	        g.fetched_once == 1,
	    "schedule, errors, status kept");
	ok(g.last_success == 1700000100 && g.backoff_ms == 600000 &&
	        g.poll_status == 2,
	    "feed health kept: last success, backoff, last outcome");
	store_feed_clear(&g);

	is_int(store_item_seen(s, "kcna", "guid-1"), 0, "new item not seen");
	ok(store_item_add(s, &it) == 0, "add item");
	is_int(store_item_seen(s, "kcna", "guid-1"), 1, "item seen");
	is_int(store_item_seen(s, "other", "guid-1"), 0,
	    "the same id in another feed is another item");
	ok(store_item_add(s, &it) == 0, "adding a seen item again is harmless");
	is_int(store_item_link_seen(s, "kcna", "https://a.example/1"), 1,
	    "its link is known in that feed");
	is_int(store_item_link_seen(s, "kcna", "https://a.example/2"), 0,
	    "another link is not");
	is_int(store_prune(s, 1700000001, 0), 1, "prune old item text");
	is_int(store_item_seen(s, "kcna", "guid-1"), 1,
	    "pruned text, item still remembered");
	is_int(
	    store_prune(s, 1700000001, 0), 0, "pruning twice changes nothing");
	store_close(s);
}

/* Delivery outcomes, story dedup, sightings and forgetting. */
static void
test_outbox(void)
{
	struct store *s = open_ok(tmp("state"));
	char *got, *id = NULL;

	add_alert(s, "a1", "nk-russia", "https://a.example/1", "k1", 1000);
	add_alert(s, "a2", "nk-russia", "", "k2", 1001);
	got = due(s, "ops", 2000);
	is_str(got, "a1/0,a2/0", "both alerts pending for ops, oldest first");
	free(got);
	is_int(store_outbox_depth(s), 4, "two alerts x two sinks pending");

	ok(store_message_done(s, "a1", "ops", 2000) == 0, "a1 delivered");
	ok(store_message_retry(s, "a2", "ops", 2000, 2060, "HTTP 503") == 0,
	    "a2 to retry at +60s");
	{
		int64_t when = 0;
		ok(store_outbox_next(s, "ops", &when) == 1 && when == 2060,
		    "the next attempt time is known");
		is_int(store_outbox_next(s, "nobody", &when), 0,
		    "no pending delivery: none");
	}
	got = due(s, "ops", 2030);
	is_str(got, "", "nothing due before the retry time");
	free(got);
	got = due(s, "ops", 2060);
	is_str(got, "a2/1", "a2 due again, one attempt counted");
	free(got);
	got = due(s, "journal", 2000);
	is_str(got, "a1/0,a2/0", "the other sink's deliveries are its own");
	free(got);
	ok(store_message_fail(s, "a2", "ops", 2070, "HTTP 400") == 0,
	    "permanent failure");
	got = due(s, "ops", 9999);
	is_str(got, "", "a failed delivery is not retried");
	free(got);
	ok(store_message_done(s, "a2", "ops", 3000) == -1,
	    "a failed delivery does not finish again");
	is_int(store_outbox_depth(s), 2, "journal's two still pending");
	ok(store_message_retry(s, "nope", "ops", 1, 2, "x") == -1,
	    "retrying an unknown delivery is an error");
	like(store_error(s), "no pending delivery of nope", "and says so");

	is_int(store_story_find(
	           s, "nk-russia", "https://a.example/1", "zz", 0, &id),
	    1, "same canonical link: same story");
	is_str(id, "a1", "earlier alert named");
	free(id);
	id = NULL;
	is_int(store_story_find(
	           s, "nk-russia", "https://b.example/", "k2", 1001, &id),
	    1, "same title key inside the window");
	free(id);
	is_int(store_story_find(s, "nk-russia", "", "k2", 1002, NULL), 0,
	    "same title key outside the window: a new story");
	is_int(
	    store_story_find(s, "other", "https://a.example/1", "k1", 0, NULL),
	    0, "another watchlist alerts on its own");
	{
		struct buf b = BUF_INIT;
		store_alert_also_in(s, "a1", "yonhap");
		store_alert_also_in(s, "a1", "kcna-mirror");
		ok(store_alerts_since(s, 1001, 10, collect_alert, &b) == 0 &&
		        strcmp(buf_str(&b), "a2@1001[-];") == 0,
		    "alerts since a time");
		buf_reset(&b);
		store_alerts_since(s, 0, 10, collect_alert, &b);
		like(buf_str(&b),
		    "^a1@1000\\[(kcna-mirror yonhap|yonhap kcna-mirror)\\];"
		    "a2@1001\\[-\\];$",
		    "oldest first, with the feeds that also had the story");
		buf_free(&b);
	}
	/* a1 delivered; a2 retried, failed (its refused close logs nothing). */
	is_int(store_prune(s, 0, 5000), 3, "forget the old delivery log");
	is_int(store_prune(s, 0, 1700000001), 1, "forget the old item");
	is_int(store_item_seen(s, "kcna", "guid-1"), 0, "old item forgotten");
	store_message_done(s, "a1", "journal", 6000);
	store_message_done(s, "a2", "journal", 6000);
	is_int(
	    store_prune(s, 0, 5000), 2, "finished alerts lose their documents");
	is_int(store_story_find(
	           s, "nk-russia", "https://a.example/1", "", 0, NULL),
	    1, "a forgotten alert's story is still known");
	ok(store_alert_also_in(s, "a1", "yonhap") == 0 &&
	        store_alert_also_in(s, "a1", "yonhap") == 0,
	    "a sighting is recorded once");
	store_close(s);
}

/* Rollback forgets; a kill after commit keeps all, before it loses all. */
static void
test_transactions(void)
{
	struct store *s = open_ok(tmp("tx"));
	struct store_item it = {.feed = "f", .id = "i1", .first_seen = 1};
	pid_t pid;
	int status;
	char *got;

	ok(!store_in_transaction(s) && store_begin(s) == 0 &&
	        store_in_transaction(s),
	    "begin opens a transaction");
	store_item_add(s, &it);
	add_alert(s, "r1", "wl", "", "", 5);
	store_rollback(s);
	is_int(store_item_seen(s, "f", "i1"), 0, "rollback forgets the item");
	is_int(store_outbox_depth(s), 0, "and its alert");
	store_close(s);

	/* A process killed after COMMIT: everything is there. */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct store *c = open_ok(tmp("tx"));
		store_begin(c);
		store_item_add(c, &it);
		add_alert(c, "k1", "wl", "", "", 5);
		store_commit(c);
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status), "writer killed with SIGKILL after commit");
	s = open_ok(tmp("tx"));
	is_int(store_item_seen(s, "f", "i1"), 1, "committed item survives");
	got = due(s, "ops", 10);
	is_str(got, "k1/0", "committed alert survives in the outbox");
	free(got);
	store_close(s);

	/* A process killed inside the transaction: nothing is there. */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct store *c = open_ok(tmp("tx"));
		struct store_item it2 = {.feed = "f", .id = "i2"};
		store_begin(c);
		store_item_add(c, &it2);
		add_alert(c, "k2", "wl", "", "", 6);
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	s = open_ok(tmp("tx"));
	is_int(store_item_seen(s, "f", "i2"), 0,
	    "uncommitted item gone after a kill");
	got = due(s, "ops", 10);
	is_str(got, "k1/0", "uncommitted alert gone after a kill");
	free(got);
	store_close(s);
}

/* Write bytes to dir/state.db and return a copy for comparison. */
static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0)
		bail_out("cannot write %s", path);
}

/* Nonzero when path holds exactly the n bytes at p. */
static int
file_equals(const char *path, const void *p, size_t n)
{
	char got[4096];
	FILE *fp = fopen(path, "rb");
	size_t r;

	if (fp == NULL)
		return 0;
	r = fread(got, 1, sizeof(got), fp);
	fclose(fp);
	return r == n && memcmp(got, p, n) == 0;
}

/* What store_open refuses: corrupt, foreign, newer, a file, unwritable. */
static void
test_refusals(void)
{
	static const char junk[] = "this is not an SQLite database, not even "
	                           "close; it is a text file of some length "
	                           "so that SQLite reads a full header.....";
	char *err = NULL;
	struct store *s;

	mkdir(tmp("corrupt"), 0700);
	write_file(tmp("corrupt/state.db"), junk, sizeof(junk));
	s = store_open(tmp("corrupt"), &err);
	ok(s == NULL, "a corrupt state file is refused");
	like(err, "corrupt/state\\.db: .*(not a database|corrupt)",
	    "the message names the file and the problem");
	ok(file_equals(tmp("corrupt/state.db"), junk, sizeof(junk)),
	    "the corrupt file is left exactly as it was");
	free(err);

	/* Another program's SQLite database, and a newer feedwatch's. */
	s = open_ok(tmp("foreign"));
	store_close(s);
	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd),
		    "sqlite3 %s 'PRAGMA application_id = 1234' 2>/dev/null",
		    tmp("foreign/state.db"));
		if (system(cmd) != 0) {
			skip(2, "sqlite3 shell not installed");
		} else {
			err = NULL;
			s = store_open(tmp("foreign"), &err);
			ok(s == NULL, "another program's database is refused");
			like(err, "not a feedwatch state file",
			    "and the message says so");
			free(err);
		}
		snprintf(cmd, sizeof(cmd),
		    "sqlite3 %s 'PRAGMA application_id = 1180123976; "
		    "PRAGMA user_version = 99' 2>/dev/null",
		    tmp("foreign/state.db"));
		if (system(cmd) != 0) {
			skip(2, "sqlite3 shell not installed");
		} else {
			err = NULL;
			s = store_open(tmp("foreign"), &err);
			ok(s == NULL, "a newer schema is refused");
			like(err, "schema version 99 is newer",
			    "and the message says so");
			free(err);
		}
	}

	write_file(tmp("plainfile"), "x", 1);
	err = NULL;
	s = store_open(tmp("plainfile"), &err);
	ok(s == NULL, "a state-dir that is a file is refused");
	like(err, "not a directory", "with a clear message");
	free(err);

	if (geteuid() == 0) {
		skip(2, "running as root: file permissions do not bind");
	} else {
		mkdir(tmp("ro"), 0700);
		s = open_ok(tmp("ro"));
		store_close(s);
		chmod(tmp("ro/state.db"), 0400);
		chmod(tmp("ro"), 0500);
		err = NULL;
		s = store_open(tmp("ro"), &err);
		ok(s == NULL, "an unwritable state file is refused at start");
		like(err, "ro/state\\.db", "naming the file");
		free(err);
		chmod(tmp("ro"), 0700);
	}
}

/* Collect message keys and documents. */
static void
collect_digest(const struct store_message *d, void *arg)
{
	struct buf *b = arg;

	buf_printf(
	    b, "%s%s:%s/%d", b->len ? "," : "", d->key, d->doc, d->attempts);
}

/* The key of digest id (static buffer). */
static const char *
dkey(int64_t id)
{
	static char key[32];

	snprintf(key, sizeof(key), "digest-%lld", (long long)id);
	return key;
}

/* Rate limits and digests (schema 2): held deliveries leave the due list,
 * a seal puts them in one digest in firing order, and the digest's
 * outcome is every member's. */
static void
test_digests(void)
{
	struct store *s = open_ok(tmp("digests"));
	struct buf b = BUF_INIT;
	int64_t id = 0, when = 0, start = 0;
	int sent = 0;
	char *got;

	add_alert(s, "d1", "nk-russia", "", "", 1000);
	add_alert(s, "d2", "nk-russia", "", "", 1001);
	add_alert(s, "d3", "nk-russia", "", "", 1002);
	ok(store_message_hold(s, "d2", "ops", 1100) == 0, "hold d2");
	got = due(s, "ops", 2000);
	is_str(got, "d1/0,d3/0", "a held delivery is not due");
	free(got);
	ok(store_outbox_held_first(s, "ops", &when) == 1 && when == 1100,
	    "when the first held one was held");
	is_int(store_outbox_hold_all(s, "ops", 1200), 2, "hold the other two");
	is_int(store_digest_seal(s, "ops", 1100, 10, 1300, &id, collect, &b), 0,
	    "nothing held before 1100: no digest");
	is_int(store_digest_seal(s, "ops", 1201, 2, 1300, &id, collect, &b), 1,
	    "seal a digest of two");
	is_str(buf_str(&b), "d1/0,d2/0", "its members, in firing order");
	buf_reset(&b);
	ok(store_digest_set_doc(s, id, "DOC") == 0, "its document");
	is_int(store_digest_seal(s, "ops", 1201, 2, 1300, &id, collect, &b), 1,
	    "the rest goes into the next digest");
	is_str(buf_str(&b), "d3/0", "one member");
	buf_reset(&b);
	store_digest_set_doc(s, id, "DOC2");
	is_int(store_digest_seal(s, "ops", 1201, 2, 1300, &id, collect, &b), 0,
	    "nothing left to seal");
	ok(store_outbox_due(s, "ops", 1300, 10, collect_digest, &b) == 0,
	    "read due digests");
	like(buf_str(&b), "^digest-[0-9]+:DOC/0,digest-[0-9]+:DOC2/0$",
	    "both due, in order");
	buf_reset(&b);
	ok(store_message_retry(s, dkey(id), "ops", 1300, 1400, "HTTP 503") == 0,
	    "the second digest retries");
	ok(store_outbox_next(s, "ops", &when) == 1 && when == 0,
	    "the first is still due");
	ok(store_message_done(s, dkey(id - 1), "ops", 1310) == 0,
	    "first delivered");
	ok(store_outbox_next(s, "ops", &when) == 1 && when == 1400,
	    "next digest attempt at 1400");
	is_int(store_outbox_depth(s), 4,
	    "the second digest's member and journal's three stay pending");
	ok(store_message_fail(s, dkey(id), "ops", 1500, "HTTP 400") == 0,
	    "second digest fails for good");
	is_int(store_outbox_depth(s), 3, "its member failed with it");
	ok(store_message_done(s, dkey(id), "ops", 1600) == -1,
	    "a finished digest cannot finish again");

	is_int(store_window_get(s, "ops", &start, &sent), 0, "no window yet");
	store_window_add(s, "ops", 3600);
	store_window_add(s, "ops", 3600);
	ok(store_window_get(s, "ops", &start, &sent) == 1 && start == 3600 &&
	        sent == 2,
	    "two messages in the window at 3600");
	store_window_add(s, "ops", 7200);
	ok(store_window_get(s, "ops", &start, &sent) == 1 && start == 7200 &&
	        sent == 1,
	    "a new window counts from one");
	buf_free(&b);
	store_close(s);
}

/* Counting SQLite's allocations costs each one a global mutex: with a
 * store open, the count must still be nothing. */
static void
test_memstatus(void)
{
	struct store *s = open_ok(tmp("memstatus"));

	ok(sqlite3_memory_used() == 0,
	    "the store keeps SQLite's allocation statistics off");
	store_close(s);
}

/* Run every group in a fresh temporary directory, then remove it. */
int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL)
		bail_out("mkdtemp failed");
	/* 3 and the feed-health migration at least; others append theirs. */
	ok(store_schema_version() >= 4, "schema version of this build (%d)",
	    store_schema_version());
	test_feeds_items();
	test_memstatus();
	test_outbox();
	test_digests();
	test_transactions();
	test_refusals();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	return done_testing();
}
