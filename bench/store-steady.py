#!/usr/bin/env python3
# The store of a daemon that has run a while: a state.db made by
# BUILD/daemon/feedwatchd (its schema, its indexes), filled with OLD items
# over 1,000 feeds, then two polls of every feed with 20 new items each,
# one transaction a feed as the pipeline writes them: the re-issue lookup
# and the insert of each item.  Prints the CPU seconds of those polls and
# the pages each commit wrote to the WAL (checkpoints held off, so the
# WAL holds every frame written).  bench/e2e.sh starts from an empty file
# and cannot show what an index costs once the file is large.
#   python3 bench/store-steady.py BUILD [OLD]
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

FEEDS, NEW, ROUNDS = 1000, 20, 2


def link_key(feed, link):
    # store_link_key: FNV-1a 64 over feed, NUL, link, NUL; never 0.
    h = 0xCBF29CE484222325
    for b in feed.encode() + b"\0" + link.encode() + b"\0":
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    h = h or 1
    return h - (1 << 64) if h >= 1 << 63 else h


def item(n):
    f = n % FEEDS
    feed = "feed-%04d" % f
    link = "https://host%d.example/%s/item-%d" % (f % 50, feed, n)
    return feed, "id-%d" % n, link


def insert(db, n, first_seen):
    feed, iid, link = item(n)
    db.execute("INSERT OR IGNORE INTO items (feed, id, link_canon, title_key,"
               " first_seen, title, link, published, body, scored, link_key)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
               (feed, iid, link, "title key %d" % n, first_seen,
                "Title %d" % n, link, first_seen, "body text " * 40,
                link_key(feed, link)))


def main():
    build = sys.argv[1]
    old = int(sys.argv[2]) if len(sys.argv) > 2 else 300000
    d = tempfile.mkdtemp(prefix="fwsteady.")
    conf = os.path.join(d, "c.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\nstate-dir = %s/state\n" % d)
    subprocess.run([os.path.join(build, "daemon/feedwatchd"), "-c", conf,
                    "--once"], check=True, stderr=subprocess.DEVNULL)
    path = os.path.join(d, "state", "state.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for n in range(old):
        insert(db, n, n)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    t0 = time.process_time()
    n = old
    for _ in range(ROUNDS):
        for f in range(FEEDS):
            db.execute("BEGIN IMMEDIATE")
            for _ in range(NEW):
                n += (f - n) % FEEDS  # the next item of feed f
                feed, iid, link = item(n)
                db.execute("SELECT 1 FROM items WHERE link_key = ?3"
                           " AND feed = ?1 AND link_canon = ?2 LIMIT 1",
                           (feed, link, link_key(feed, link))).fetchall()
                insert(db, n, n)
                n += 1
            db.execute("COMMIT")
    cpu = time.process_time() - t0
    page = db.execute("PRAGMA page_size").fetchone()[0]
    frames = (os.path.getsize(path + "-wal") - 32) // (page + 24)
    index = db.execute("SELECT sql FROM sqlite_schema"
                       " WHERE name = 'items_link_key'").fetchone()[0]
    db.close()
    subprocess.run(["rm", "-rf", d], check=True)
    print("%s\n%d old items, %d polls of %d new items: %.2f CPU-s,"
          " %.1f WAL pages a commit" % (index, old, ROUNDS * FEEDS, NEW, cpu,
                                       frames / (ROUNDS * FEEDS)))


main()
