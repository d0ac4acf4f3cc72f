/*
 * The daemon's memory: state-dir/state.db, one SQLite file in WAL mode.
 * It holds per-feed fetch state (validators, schedule, errors), the items
 * already seen (with their text for a retention window, so watchlists can be
 * replayed), the stories that alerted per watchlist (dedup across feeds and
 * restarts), and the outbox of messages (an alert or a digest) per sink.
 *
 * The pipeline's guarantee rests on one rule: an item is marked seen and its
 * alerts enter the outbox in the same transaction (store_begin ...
 * store_commit).  A crash before the commit loses nothing (the item is new
 * again next time); after it, the outbox has the alert until a sink marks it
 * delivered.  WAL with synchronous=NORMAL survives any process crash; an OS
 * crash may roll back the last commits together, which again loses nothing.
 *
 * Every function returns 0 on success and -1 on error with the message in
 * store_error(); lookups return 1 for "found" and 0 for "not found".
 */
#ifndef FW_STORE_STORE_H
#define FW_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * Three ways to open dir/state.db; each gives NULL and *err (free it) for
 * a file that is not a feedwatch database, is corrupt or is newer than
 * this program, and never replaces a file.
 *
 * store_open is the daemon's: it makes dir (mode 0750) when missing and
 * its parent exists, takes an flock on dir/lock (which then holds its
 * pid; a second daemon is refused with a message naming the holder's
 * pid), creates or migrates the file.  The lock lasts until store_close
 * or the process's death.
 *
 * store_open_readonly is for other processes that read beside a running
 * daemon (feedwatch replay, alerts): SQLITE_OPEN_READONLY, no lock, no
 * migration; the file must exist at exactly this build's schema.  WAL
 * gives it a consistent snapshot without blocking the daemon.
 *
 * store_open_tool is a short-lived writer for a tool beside the daemon
 * (feedwatch silence add): no lock, no migration, same schema rule.  Its
 * write transactions wait for the daemon's (busy timeout, 5 s) and make
 * the daemon's wait while they run, so use it for a few rows committed at
 * once, then store_close: never for bulk work or with a transaction left
 * open.
 */
struct store *store_open(const char *dir, char **err);
struct store *store_open_readonly(const char *dir, char **err);
struct store *store_open_tool(const char *dir, char **err);
/* What `feedwatch check` says of dir/state.db without changing it: 1
 * with *version when it is ours (an older schema is fine: the daemon
 * upgrades it), 0 when there is none yet, -1 with *err (free it) when the
 * daemon would refuse it. */
int store_inspect(const char *dir, int *version, char **err);
/* Write this process's pid into the lock (the daemon after it forks). */
int store_lock_refresh(struct store *s);
/*
 * The daemon's WAL checkpoints, off its loop: autocheckpoint off on s's
 * connection and a thread with its own connection running a PASSIVE
 * checkpoint every interval_ms (never waiting for a reader or writer).
 * Call after any fork; store_close stops it.  -1 when the thread cannot
 * start (s keeps SQLite's automatic checkpoints then).
 */
int store_checkpoint_start(struct store *s, int interval_ms);
/* Checkpoints the thread ran, the WAL frames they copied back, and the
 * longest one in microseconds. */
void store_checkpoint_stats(
    const struct store *s, uint64_t *runs, uint64_t *frames, uint64_t *max_us);
void store_close(struct store *s);
const char *store_error(const struct store *s);
/* Why the last write or commit failed, or NULL when the last commit
 * succeeded: the status API's /healthz. */
const char *store_health(const struct store *s);
/* The schema version this build writes (PRAGMA user_version). */
int store_schema_version(void);

int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);
/*
 * Item lookups (store_item_seen, store_item_link_seen) outside a
 * transaction share one read transaction, so a document's lookups do not
 * each take and drop a WAL snapshot: it stays open until store_read_end
 * or the next statement of any other kind (a write, store_begin).  The
 * caller bounds it by calling store_read_end soon (the daemon: at the end
 * of the loop's turn), since an open snapshot holds back checkpoints.
 * store_reading says whether one is open.
 */
void store_read_end(struct store *s);
int store_reading(const struct store *s);
/* Nonzero between store_begin and store_commit/rollback. */
int store_in_transaction(const struct store *s);

/* Per-feed state, keyed by the feed's config name. */
struct store_feed {
	char *name;
	char *conf_url; /* the URL the config gave when this was saved */
	char *url;      /* current URL (a permanent redirect updates it) */
	char *etag;
	char *last_modified;
	int64_t last_poll;    /* unix seconds, 0 = never */
	int64_t next_poll;    /* unix seconds, 0 = as soon as possible */
	int errors;           /* consecutive errors, for backoff */
	int http_status;      /* of the last poll, 0 = none */
	int disabled;         /* 410 Gone */
	int fetched_once;     /* the first fetch (backfill) is done */
	char *last_error;     /* NULL when the last poll succeeded */
	int64_t last_success; /* unix seconds of the last good poll, 0 = none */
	int64_t backoff_ms;   /* the wait chosen after the last poll */
	int poll_status;      /* the last poll's outcome (fetch status); -1 */
};

int store_feed_load(struct store *s, const char *name, struct store_feed *f);
int store_feed_save(struct store *s, const struct store_feed *f);
void store_feed_clear(struct store_feed *f);

/* An item seen in a feed. */
struct store_item {
	const char *feed;
	const char *id;
	const char *link_canon; /* canonical link, "" when none */
	const char *title_key;  /* normalised-title hash, "" when none */
	int64_t first_seen;
	const char *title;
	const char *link;
	int64_t published;      /* 0 = unknown */
	const char *body;       /* for replay within the retention window */
	const char *categories; /* one per line; NULL: none */
	const char *language;   /* the item's own; NULL: none */
	int unscored; /* the daemon did not score it (re-issue, backfill) */
};

int store_item_seen(struct store *s, const char *feed, const char *id);
/* 1 when the store holds any item of this feed, 0 when none. */
int store_feed_has_items(struct store *s, const char *feed);
int store_item_add(struct store *s, const struct store_item *it);
/* Has this feed had an item with this canonical link (another id)? */
int store_item_link_seen(
    struct store *s, const char *feed, const char *link_canon);

/*
 * The story dedup of the SPEC: has this watchlist alerted on the same
 * canonical link (ever), or the same title key since `title_since`?  On 1,
 * *alert_id (free it) names the earlier alert.
 */
int store_story_find(struct store *s, const char *watchlist,
    const char *link_canon, const char *title_key, int64_t title_since,
    char **alert_id);

/* A new alert and one outbox entry per sink. */
struct store_alert {
	const char *id;
	const char *watchlist;
	const char *feed;
	const char *link_canon;
	const char *title_key;
	int64_t fired_at;
	int score;
	const char *doc;    /* the alert document, JSON */
	int64_t silence_id; /* the silence that muted it; 0: none */
	const char *kind;   /* "item" (NULL) or "surge" */
};

int store_alert_add(struct store *s, const struct store_alert *a,
    const char *const *sinks, size_t nsinks);
/* A later sighting of the story in another feed ("also_in"). */
int store_alert_also_in(
    struct store *s, const char *alert_id, const char *feed);
/* The same from another node (cluster mode): 1 when recorded, 0 when the
 * alert is not in this store, the sighting was there, or feed is the
 * alert's own; -1 on error. */
int store_alert_also_in_known(
    struct store *s, const char *alert_id, const char *feed);

/*
 * The outbox holds messages: what one sink sends at once, either one
 * alert or a digest of several, with one state machine for both.  A
 * message is pending until it is done or failed (an outcome applies only
 * to a pending message); a retry counts the attempt and sets the next
 * one.  A sink's messages are kept in firing order (a digest takes its
 * first alert's place).  An alert the rate limit or a digest sink holds
 * back is "held" (with the time it was held) and leaves the due list;
 * sealing moves the held alerts of a past window into a new digest
 * message, whose outcome is every member's.  Messages are named by sink
 * and key: the alert's id, or "digest-N" (the Idempotency-Key).
 */
struct store_message {
	const char *key;
	const char *sink;
	const char *doc; /* the alert's or the digest's document */
	int attempts;
	int64_t fired_at; /* the alert fired, the digest was sealed */
	int64_t next_attempt;
	int single; /* one alert: counts against the rate limit, can be held */
};

typedef void (*store_message_cb)(const struct store_message *m, void *arg);

/* Messages for `sink` due at `now` and not held, oldest first, at most
 * limit; their strings are valid only during the callback. */
int store_outbox_due(struct store *s, const char *sink, int64_t now, int limit,
    store_message_cb cb, void *arg);
/* The oldest pending, not held message of sink, due or not (ordered sinks
 * wait for it): 1 after calling cb, 0 when none. */
int store_outbox_head(
    struct store *s, const char *sink, store_message_cb cb, void *arg);
/* The earliest next attempt of a pending, not held message of sink: 1
 * with *when set, 0 when none is pending. */
int store_outbox_next(struct store *s, const char *sink, int64_t *when);
/* Outcomes, each logged: delivered; to retry at next_attempt; failed
 * for good (a permanent error, or give-up), kept in the outbox. */
int store_message_done(
    struct store *s, const char *key, const char *sink, int64_t now);
int store_message_retry(struct store *s, const char *key, const char *sink,
    int64_t now, int64_t next_attempt, const char *error);
int store_message_fail(struct store *s, const char *key, const char *sink,
    int64_t now, const char *error);
/* Hold a pending alert for the next digest. */
int store_message_hold(
    struct store *s, const char *key, const char *sink, int64_t now);
/* Hold every pending alert of sink (a digest sink); the count or -1. */
int store_outbox_hold_all(struct store *s, const char *sink, int64_t now);
/* When the earliest held alert (not yet in a digest) was held: 1 with
 * *when, 0 when none. */
int store_outbox_held_first(struct store *s, const char *sink, int64_t *when);
/* Put up to max alerts of sink held before `before` into a new digest
 * (in firing order), calling cb for each: 1 with *id, the N of its key
 * digest-N; 0 when none was held. */
int store_digest_seal(struct store *s, const char *sink, int64_t before,
    int max, int64_t now, int64_t *id, store_message_cb cb, void *arg);
/* The digest's document, once written from its members. */
int store_digest_set_doc(struct store *s, int64_t id, const char *doc);
/* The rate window of sink: 1 with its start and the messages sent in it,
 * 0 when it never sent. */
int store_window_get(
    struct store *s, const char *sink, int64_t *start, int *sent);
/* One more message in the window starting at start (a new window starts
 * the count again). */
int store_window_add(struct store *s, const char *sink, int64_t start);

/* Alerts fired at or after `since` (unix seconds), oldest first, at most
 * limit: id, document, fired_at, and the feeds that also had the story
 * (space-separated, NULL when none).  Alerts past the forget window have
 * no document and are left out. */
typedef void (*store_alert_cb)(const char *id, const char *doc,
    int64_t fired_at, const char *also_in, void *arg);
int store_alerts_since(
    struct store *s, int64_t since, int limit, store_alert_cb cb, void *arg);
/* Alerts not yet done or failed, over all sinks (a pending digest
 * counts each of its alerts). */
int64_t store_outbox_depth(struct store *s);

/* The newest alerts first (of one watchlist, or all when NULL), at most
 * limit, as store_alerts_since gives them. */
int store_alerts_recent(struct store *s, const char *watchlist, int limit,
    store_alert_cb cb, void *arg);

/*
 * Silences (store/silences.c): an alert that an active silence matches
 * is recorded with the silence's id and delivered to no sink.  A
 * silence's matchers are all-of; NULL matches anything, and at least one
 * is set.  Ending one (expire) does not deliver what it muted.
 */
struct store_silence {
	int64_t id;
	const char *watchlist, *feed, *actor, *topic; /* NULL: any */
	int64_t starts_at, ends_at, created_at;
	const char *comment;
};

typedef void (*store_silence_cb)(const struct store_silence *sl, void *arg);

/* Add one (its id in *id); its strings are copied. */
int store_silence_add(
    struct store *s, const struct store_silence *sl, int64_t *id);
/* Add one from now until `until`: match[] is watchlist, feed, actor,
 * topic in that order (conf's enum conf_matcher), NULL for any. */
int store_silence_new(struct store *s, const char *const match[4], int64_t now,
    int64_t until, const char *comment, int64_t *id);
/* Silences active at now (with `all`, the ended ones too), newest
 * first, at most limit. */
int store_silence_list(struct store *s, int64_t now, int all, int limit,
    store_silence_cb cb, void *arg);
/* End a silence at now: 1 when it was active, 0 when there is none such. */
int store_silence_expire(struct store *s, int64_t id, int64_t now);
/* The active silence that mutes an alert of watchlist from feed with
 * this document: 1 with *id, 0 when none does. */
int store_silence_match(struct store *s, int64_t now, const char *watchlist,
    const char *feed, const char *doc, int64_t *id);

/* Surges: the watchlist's item alerts fired after `since`; when it last
 * had a surge alert (1 with *when, 0 never); and its item alerts fired
 * after since, newest first, at most limit. */
int store_surge_count(
    struct store *s, const char *watchlist, int64_t since, int64_t *n);
int store_surge_last(struct store *s, const char *watchlist, int64_t *when);
int store_surge_stories(struct store *s, const char *watchlist, int64_t since,
    int limit, store_alert_cb cb, void *arg);

/*
 * Replay (feedwatch replay): the items first seen at or after `since`
 * whose text is still kept, in the order the daemon saw them, each to cb
 * (its strings valid during the call; categories one per line, "" for
 * none; language NULL for none).  The count of those without text, or -1.
 */
struct store_replay_item {
	const char *feed, *id, *link_canon, *title_key;
	int64_t first_seen;
	const char *title, *link, *body, *categories, *language;
	int scored;
};
typedef void (*store_replay_cb)(const struct store_replay_item *it, void *arg);
int store_replay_items(
    struct store *s, int64_t since, store_replay_cb cb, void *arg);
int64_t store_replay_notext(struct store *s, int64_t since);
/* The alert alert_id if this item (feed, id) raised it: 1 with its score
 * and *doc (free it), 0 when it did not. */
int store_replay_alert(struct store *s, const char *alert_id, const char *feed,
    const char *item_id, int *score, char **doc);
/* store_story_find over the alerts fired before `before` only. */
int store_replay_story(struct store *s, const char *watchlist,
    const char *link_canon, const char *title_key, int64_t before,
    int64_t title_since);

/*
 * Articles (`article = fetch` feeds, store/articles.c).  An item waiting
 * for its article is pending: added in the transaction that marks it seen,
 * done in the one that writes its alerts, so a crash in between leaves it
 * pending and the next start scores it.  Each article page's outcome is
 * kept by URL (text forgotten with items' text) so it is fetched once.
 */
typedef void (*store_pending_cb)(const char *feed, const char *id,
    const char *link, const char *item_json, void *arg);
int store_pending_add(struct store *s, const char *feed, const char *id,
    const char *link, const char *item_json, int64_t now);
int store_pending_done(struct store *s, const char *feed, const char *id);
/* Every pending item, oldest first. */
int store_pending_each(struct store *s, store_pending_cb cb, void *arg);

struct store_article {
	const char *url;
	int64_t fetched_at;
	int ok;             /* the page gave text */
	const char *reason; /* !ok: why not */
	const char *rule;   /* ok: the rule that picked the text */
	const char *title;
	const char *text;
};
typedef void (*store_article_cb)(const struct store_article *a, void *arg);
/* 1 after calling cb with url's stored outcome, 0 when there is none. */
int store_article_get(
    struct store *s, const char *url, store_article_cb cb, void *arg);
int store_article_put(struct store *s, const struct store_article *a);

/*
 * Housekeeping, bounded per call (call it periodically): drop the text of
 * items first seen before text_before (the retention window); forget items,
 * the delivery log and the documents of finished alerts from before
 * forget_before.  An alert's row stays, so its story never alerts again.
 * Returns the rows changed, or -1.
 */
int store_prune(struct store *s, int64_t text_before, int64_t forget_before);

#endif
