/*
 * Every statement of the store, indexed by enum stmt_id (store_int.h), so
 * every query of the program is visible in one place.  store_run prepares
 * each on first use and binds ?1, ?2, ... in the order its caller lists
 * the arguments.
 */
#include "config.h"

#include "store/store_int.h"

const char *const store_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    /* Deferred: the first lookup takes the read snapshot, no lock. */
    [ST_BEGIN_READ] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_FEED_LOAD] = "SELECT url, etag, last_modified, last_poll, next_poll,"
                     " errors, http_status, disabled, fetched_once, last_error,"
                     " conf_url, last_success, backoff_ms, poll_status"
                     " FROM feeds WHERE name = ?1",
    [ST_FEED_SAVE] =
        "INSERT OR REPLACE INTO feeds (name, url, etag,"
        " last_modified, last_poll, next_poll, errors, http_status,"
        " disabled, fetched_once, last_error, conf_url, last_success,"
        " backoff_ms, poll_status)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15)",
    [ST_ITEM_SEEN] = "SELECT 1 FROM items WHERE feed = ?1 AND id = ?2",
    /* ?3 is store_link_key(?1, ?2): the items_link_key index, on
     * (feed, link_key). */
    [ST_ITEM_LINK_SEEN] = "SELECT 1 FROM items WHERE link_key = ?3"
                          " AND feed = ?1 AND link_canon = ?2 LIMIT 1",
    [ST_FEED_HAS_ITEMS] = "SELECT 1 FROM items WHERE feed = ?1 LIMIT 1",
    [ST_ITEM_ADD] = "INSERT OR IGNORE INTO items (feed, id, link_canon,"
                    " title_key, first_seen, title, link, published, body,"
                    " categories, language, scored, link_key)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                    " ?12, nullif(?13, 0))",
    [ST_STORY_LINK] = "SELECT id FROM alerts WHERE watchlist = ?1"
                      " AND link_canon = ?2 AND link_canon <> '' LIMIT 1",
    [ST_STORY_TITLE] = "SELECT id FROM alerts WHERE watchlist = ?1"
                       " AND title_key = ?2 AND title_key <> ''"
                       " AND fired_at >= ?3 LIMIT 1",
    [ST_ALERT_ADD] = "INSERT INTO alerts (id, watchlist, feed, link_canon,"
                     " title_key, fired_at, score, doc, silence_id, kind)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                     " nullif(?9, 0), coalesce(?10, 'item'))",
    /* An alert's message: its key is its id, its order its rowid. */
    [ST_MESSAGE_ADD] = "INSERT OR IGNORE INTO messages (sink, key, alert_id,"
                       " seq, created_at) SELECT ?2, id, id, rowid, fired_at"
                       " FROM alerts WHERE id = ?1",
    [ST_SIGHTING_ADD] = "INSERT OR IGNORE INTO sightings (alert_id, feed)"
                        " VALUES (?1, ?2)",
    /* A cluster node's sighting: only of an alert of ours, from a feed
     * other than the alert's own. */
    [ST_SIGHTING_KNOWN] = "INSERT OR IGNORE INTO sightings (alert_id, feed)"
                          " SELECT id, ?2 FROM alerts WHERE id = ?1"
                          " AND feed <> ?2",
    [ST_ALERTS_SINCE] =
        "SELECT a.id, a.doc, a.fired_at, (SELECT group_concat(feed, ' ')"
        " FROM sightings s WHERE s.alert_id = a.id)"
        " FROM alerts a WHERE a.fired_at >= ?1 AND a.doc <> ''"
        " ORDER BY a.rowid LIMIT ?2",
    /* Both kinds in one list: an alert's document is in alerts, a
     * digest's in its message. */
    [ST_OUTBOX_DUE] = "SELECT m.key, coalesce(m.doc, a.doc), m.attempts,"
                      " m.created_at, m.next_attempt, m.alert_id IS NOT NULL"
                      " FROM messages m LEFT JOIN alerts a ON a.id = m.alert_id"
                      " WHERE m.sink = ?1 AND m.state = 'pending'"
                      " AND m.held = 0 AND m.next_attempt <= ?2"
                      " ORDER BY m.seq, m.id LIMIT ?3",
    [ST_OUTBOX_NEXT] = "SELECT min(next_attempt) FROM messages"
                       " WHERE sink = ?1 AND state = 'pending' AND held = 0",
    /* A pending digest counts each of its alerts. */
    [ST_OUTBOX_DEPTH] = "SELECT (SELECT count(*) FROM messages"
                        " WHERE state = 'pending' AND alert_id IS NOT NULL)"
                        " + (SELECT count(*) FROM messages m JOIN"
                        " digest_alerts da ON da.message_id = m.id"
                        " WHERE m.state = 'pending')",
    /* Every outcome: ?3 the new state, ?4 the next attempt (NULL keeps
     * it), ?5 when it ended (NULL: it did not), ?6 the error. */
    [ST_MESSAGE_END] = "UPDATE messages SET state = ?3,"
                       " attempts = attempts + 1,"
                       " next_attempt = coalesce(?4, next_attempt),"
                       " done_at = ?5, last_error = ?6"
                       " WHERE sink = ?2 AND key = ?1 AND state = 'pending'",
    [ST_MESSAGE_HOLD] = "UPDATE messages SET held = ?3 WHERE sink = ?2"
                        " AND key = ?1 AND state = 'pending' AND held = 0"
                        " AND alert_id IS NOT NULL",
    [ST_HOLD_ALL] = "UPDATE messages SET held = ?2 WHERE sink = ?1"
                    " AND state = 'pending' AND held = 0"
                    " AND alert_id IS NOT NULL",
    [ST_HELD_FIRST] = "SELECT min(held) FROM messages WHERE sink = ?1"
                      " AND state = 'pending' AND held > 0",
    [ST_LOG_ADD] = "INSERT INTO delivery_log (at, alert_id, sink, result,"
                   " detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    /* A digest's id is past every message's, so digest-N is never
     * reused; its order is set with its document. */
    [ST_DIGEST_NEW] = "INSERT INTO messages (id, sink, key, seq, created_at)"
                      " SELECT n, ?1, 'digest-' || n, 0, ?2 FROM (SELECT"
                      " coalesce(max(id), 0) + 1 AS n FROM messages)",
    [ST_DIGEST_CLAIM] = "INSERT INTO digest_alerts (message_id, alert_id)"
                        " SELECT ?1, alert_id FROM messages WHERE sink = ?2"
                        " AND state = 'pending' AND held > 0 AND held < ?3"
                        " AND alert_id IS NOT NULL ORDER BY seq LIMIT ?4",
    [ST_DIGEST_TAKE] = "DELETE FROM messages WHERE sink = ?2"
                       " AND alert_id IN (SELECT alert_id FROM digest_alerts"
                       " WHERE message_id = ?1)",
    [ST_DIGEST_DROP] = "DELETE FROM messages WHERE id = ?1",
    [ST_DIGEST_MEMBERS] = "SELECT a.id, a.doc, 0, a.fired_at, 0, 1"
                          " FROM digest_alerts da JOIN alerts a"
                          " ON a.id = da.alert_id WHERE da.message_id = ?1"
                          " ORDER BY a.rowid",
    [ST_DIGEST_SET] = "UPDATE messages SET doc = ?2, seq = (SELECT"
                      " min(a.rowid) FROM digest_alerts da JOIN alerts a"
                      " ON a.id = da.alert_id WHERE da.message_id = ?1)"
                      " WHERE id = ?1",
    [ST_WINDOW_GET] = "SELECT window_start, sent FROM sink_windows"
                      " WHERE sink = ?1",
    [ST_WINDOW_ADD] = "INSERT INTO sink_windows (sink, window_start, sent)"
                      " VALUES (?1, ?2, 1) ON CONFLICT (sink) DO UPDATE"
                      " SET sent = CASE WHEN window_start = ?2"
                      " THEN sent + 1 ELSE 1 END, window_start = ?2",
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
     * document, once no message still needs it, alone or in a digest
     * (the tables, not the view deliveries: a view in a correlated
     * subquery is read whole for every alert). */
    [ST_FORGET_DOCS] = "UPDATE alerts SET doc = '' WHERE rowid IN ("
                       "SELECT rowid FROM alerts a WHERE fired_at < ?1"
                       " AND doc <> '' AND NOT EXISTS (SELECT 1 FROM"
                       " messages m WHERE m.alert_id = a.id"
                       " AND m.state = 'pending') AND NOT EXISTS (SELECT 1"
                       " FROM digest_alerts da JOIN messages m"
                       " ON m.id = da.message_id WHERE da.alert_id = a.id"
                       " AND m.state = 'pending') LIMIT ?2)",
    /* Replay: the items whose text is kept, in the order the daemon
     * saw them; the rest counted. */
    [ST_REPLAY_ITEMS] = "SELECT feed, id, link_canon, title_key, first_seen,"
                        " title, link, body, categories, language, scored"
                        " FROM items WHERE first_seen >= ?1"
                        " AND body IS NOT NULL ORDER BY rowid",
    [ST_REPLAY_NOTEXT] = "SELECT count(*) FROM items WHERE first_seen >= ?1"
                         " AND body IS NULL",
    /* The alert this item raised: its story's alert id, from this feed,
     * about this item (a re-issue in the same feed shares the id). */
    [ST_REPLAY_ALERT] = "SELECT score, doc FROM alerts WHERE id = ?1"
                        " AND feed = ?2 AND CASE WHEN json_valid(doc)"
                        " THEN json_extract(doc, '$.item.id') END = ?3",
    /* The story dedup against alerts from before the replayed window. */
    [ST_REPLAY_STORY] = "SELECT 1 FROM alerts WHERE watchlist = ?1"
                        " AND fired_at < ?4 AND ((link_canon = ?2"
                        " AND ?2 <> '') OR (title_key = ?3 AND ?3 <> ''"
                        " AND fired_at >= ?5)) LIMIT 1",
    /* people: silences (store/silences.c). */
    [ST_SILENCE_ADD] = "INSERT INTO silences (watchlist, feed, actor, topic,"
                       " starts_at, ends_at, comment, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    /* The active ones (and with ?2 = 1 the ended ones too), newest
     * first. */
    [ST_SILENCE_LIST] = "SELECT id, watchlist, feed, actor, topic, starts_at,"
                        " ends_at, comment, created_at FROM silences"
                        " WHERE ends_at > ?1 OR ?2 ORDER BY id DESC LIMIT ?3",
    [ST_SILENCE_EXPIRE] = "UPDATE silences SET ends_at = ?2"
                          " WHERE id = ?1 AND ends_at > ?2",
    /* The oldest active silence whose every matcher holds: ?4 is the
     * alert document, whose matches name its actors and topics. */
    /* min(id), not ORDER BY id LIMIT 1: that sorted the silences_end
     * rows in a temporary b-tree made for every alert (~30 k
     * instructions with no silence at all); INDEXED BY, or min() walks
     * every silence ever made in id order. */
    [ST_SILENCE_MATCH] =
        "SELECT min(id) FROM silences INDEXED BY silences_end"
        " WHERE starts_at <= ?1 AND ends_at > ?1"
        " AND (watchlist IS NULL OR watchlist = ?2)"
        " AND (feed IS NULL OR feed = ?3)"
        " AND (actor IS NULL OR EXISTS (SELECT 1 FROM"
        " json_each(?4, '$.matches') WHERE json_extract(value, '$.kind')"
        " = 'actor' AND json_extract(value, '$.name') = actor))"
        " AND (topic IS NULL OR EXISTS (SELECT 1 FROM"
        " json_each(?4, '$.matches') WHERE json_extract(value, '$.kind')"
        " = 'topic' AND json_extract(value, '$.name') = topic))",
    /* Surges: a watchlist's item alerts since ?2, its last surge. */
    [ST_SURGE_COUNT] = "SELECT count(*) FROM alerts WHERE watchlist = ?1"
                       " AND kind = 'item' AND fired_at > ?2",
    [ST_SURGE_LAST] = "SELECT max(fired_at) FROM alerts WHERE watchlist = ?1"
                      " AND kind = 'surge'",
    [ST_SURGE_STORIES] = "SELECT id, doc, fired_at, NULL FROM alerts"
                         " WHERE watchlist = ?1 AND kind = 'item'"
                         " AND fired_at > ?2 AND doc <> ''"
                         " ORDER BY rowid DESC LIMIT ?3",
    /* The newest alerts (of one watchlist when ?2 is not NULL). */
    [ST_ALERTS_RECENT] =
        "SELECT a.id, a.doc, a.fired_at, (SELECT group_concat(feed, ' ')"
        " FROM sightings s WHERE s.alert_id = a.id)"
        " FROM alerts a WHERE a.doc <> '' AND (?2 IS NULL OR a.watchlist = ?2)"
        " ORDER BY a.rowid DESC LIMIT ?1",
    /* store/articles.c */
    [ST_PENDING_ADD] = "INSERT OR REPLACE INTO article_pending"
                       " (feed, item_id, link, item, queued_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_PENDING_DONE] = "DELETE FROM article_pending"
                        " WHERE feed = ?1 AND item_id = ?2",
    [ST_PENDING_ALL] = "SELECT feed, item_id, link, item FROM"
                       " article_pending ORDER BY queued_at, feed, item_id",
    [ST_ARTICLE_GET] = "SELECT ok, reason, rule, title, text FROM articles"
                       " WHERE url = ?1",
    [ST_ARTICLE_PUT] = "INSERT OR REPLACE INTO articles"
                       " (url, fetched_at, ok, reason, rule, title, text)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_FORGET_ARTICLES] = "DELETE FROM articles WHERE rowid IN ("
                           "SELECT rowid FROM articles WHERE fetched_at < ?1"
                           " LIMIT ?2)",
};
