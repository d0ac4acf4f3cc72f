/*
 * The daemon's item lookups share one read transaction (store.h,
 * store_read_end): what a user relies on is that it never holds back
 * another connection for longer than the caller lets it.  A checkpoint
 * that must wait for every reader completes once store_read_end ran; a
 * write of the daemon's own ends the lookups' snapshot first; another
 * connection's row is seen after store_read_end; and a feed with no
 * stored item says so.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/tap.h"

static char tmpdir[] = "/tmp/fwstoreread.XXXXXX";

/* A second connection to the state file, as a tool or an operator's
 * sqlite3 shell opens it. */
static sqlite3 *
other_open(void)
{
	char path[256];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/state.db", tmpdir);
	/* A first read, so the connection knows the file is in WAL mode. */
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "SELECT count(*) FROM items", NULL, NULL, NULL) !=
	        SQLITE_OK)
		bail_out("%s: %s", path, sqlite3_errmsg(db));
	return db;
}

/* A TRUNCATE checkpoint from db: SQLITE_OK, with every frame of the
 * log copied back and the log emptied, only when no reader holds a
 * snapshot of it. */
static int
other_checkpoint(sqlite3 *db)
{
	int nlog = -1, nckpt = -1;
	int rc = sqlite3_wal_checkpoint_v2(
	    db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &nlog, &nckpt);

	return rc == SQLITE_OK && nlog == 0 ? SQLITE_OK : SQLITE_BUSY;
}

/* Add one item of feed f with id, in its own transaction. */
static int
add_item(struct store *s, const char *f, const char *id, const char *link)
{
	struct store_item it = {.feed = f,
	    .id = id,
	    .link_canon = link,
	    .title_key = "",
	    .first_seen = 1,
	    .title = "t",
	    .link = link,
	    .body = "b"};

	return store_begin(s) == 0 && store_item_add(s, &it) == 0 &&
	        store_commit(s) == 0
	    ? 0
	    : -1;
}

int
main(void)
{
	struct store *s;
	sqlite3 *db;
	char *err = NULL;

	if (mkdtemp(tmpdir) == NULL)
		bail_out("mkdtemp");
	if ((s = store_open(tmpdir, &err)) == NULL)
		bail_out("store_open: %s", err);
	db = other_open();

	is_int(store_feed_has_items(s, "kcna"), 0, "a new feed has no items");
	is_int(add_item(s, "kcna", "guid-1", "https://a.example/1"), 0,
	    "an item is added");
	is_int(store_feed_has_items(s, "kcna"), 1, "now the feed has one");
	is_int(store_feed_has_items(s, "other"), 0, "another feed has none");
	store_read_end(s);

	is_int(store_item_seen(s, "kcna", "guid-1"), 1, "the item is seen");
	is_int(store_item_link_seen(s, "kcna", "https://a.example/1"), 1,
	    "its link is seen");
	is_int(store_item_link_seen(s, "kcna", "https://a.example/2"), 0,
	    "another link is not");
	is_int(store_item_link_seen(s, "other", "https://a.example/1"), 0,
	    "nor the link in another feed");
	ok(store_reading(s), "the lookups keep a read transaction open");
	is_int(store_in_transaction(s), 0, "which is not a write transaction");
	ok(other_checkpoint(db) != SQLITE_OK,
	    "a checkpoint that waits for readers cannot finish meanwhile");
	store_read_end(s);
	ok(!store_reading(s), "store_read_end ends it");
	is_int(other_checkpoint(db), SQLITE_OK, "and the checkpoint finishes");

	is_int(store_item_seen(s, "kcna", "guid-2"), 0, "a new id is not seen");
	if (sqlite3_exec(db,
	        "INSERT INTO items (feed, id, link_canon, title_key,"
	        " first_seen) VALUES ('kcna', 'guid-2', '', '', 1)",
	        NULL, NULL, NULL) != SQLITE_OK)
		bail_out("insert: %s", sqlite3_errmsg(db));
	store_read_end(s);
	is_int(store_item_seen(s, "kcna", "guid-2"), 1,
	    "after store_read_end another connection's item is seen");

	ok(store_reading(s), "a lookup opened the read transaction again");
	is_int(add_item(s, "kcna", "guid-3", ""), 0,
	    "a write while it is open commits");
	ok(!store_reading(s), "the write ended the lookups' transaction");
	is_int(store_item_seen(s, "kcna", "guid-3"), 1,
	    "the written item is seen");
	store_read_end(s);
	is_int(other_checkpoint(db), SQLITE_OK, "nothing holds the log");

	sqlite3_close(db);
	store_close(s);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return done_testing();
}
