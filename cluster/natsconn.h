/*
 * natsconn: one NATS JetStream connection for the daemon's event loop
 * (issue 21).  libnats does its socket IO and its message handlers on
 * threads of its own, and its JetStream and KV calls wait for a round
 * trip; the loop must wait for neither.  So every operation here returns
 * at once, a small pool of worker threads makes the round trips, and
 * every result comes back as a callback ON THE LOOP THREAD (a pipe wakes
 * the loop; no evthread locking is needed in the daemon).
 *
 * The connection retries forever: an operation made while the servers are
 * away fails with an error (after the round-trip timeout at worst), so the
 * caller keeps its own retry (the outbox does).  A callback runs exactly
 * once per operation, unless the natsconn is freed first: then it never
 * runs.  Strings passed in are copied.  Nothing here is safe to call from
 * any thread but the loop's.
 */
#ifndef FW_CLUSTER_NATSCONN_H
#define FW_CLUSTER_NATSCONN_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct natsconn;

struct natsconn_opts {
	const char *urls;        /* nats:// or tls://, comma separated */
	const char *name;        /* the client name the server shows; NULL */
	const char *credentials; /* .creds file path; NULL */
	const char *token;       /* NULL */
	const char *tls_ca;      /* CA bundle, implies TLS; NULL */
	uint64_t timeout_ms;     /* one round trip; 0: 5s */
	int workers;             /* round trips at once; 0: 4 */
	/* The connection came up (connected 1) or went away (0), with why;
	 * on the loop.  NULL: not told. */
	void (*status)(int connected, const char *why, void *arg);
	void *arg;
};

/* NULL with *err (free it) when libnats refuses the options (a bad URL,
 * an unreadable CA file).  Connecting happens on a worker: the loop goes
 * on, and status says when it is up. */
struct natsconn *natsconn_new(
    struct event_base *base, const struct natsconn_opts *o, char **err);
/* Stop the workers (waits for round trips under way, at most the
 * timeout), close the connection; callbacks not yet run never run. */
void natsconn_free(struct natsconn *nc);
int natsconn_connected(const struct natsconn *nc);
/* For an owner that goes before the connection (it is shared): the
 * callbacks with this arg of operations made so far never run. */
void natsconn_cancel(struct natsconn *nc, const void *arg);

/* For /metrics: counts since natsconn_new. */
struct natsconn_stats {
	int connected;
	uint64_t round_trips; /* answered or timed out, every kind below */
	uint64_t publishes;   /* stream publishes (natsconn_publish) */
	uint64_t kv_ops;      /* create, put, update, delete, get */
	uint64_t api_calls;   /* stream, bucket and consumer set-up */
	uint64_t errors;      /* round trips that ended in NATSCONN_ERROR */
	uint64_t acks;        /* ack, nak, in-progress, term sent */
	uint64_t delivered;   /* consumer messages handed to the loop */
	uint64_t watch_updates;
	uint64_t disconnects;
	uint64_t reconnects;
	uint64_t queued; /* operations waiting for a worker now */
};
void natsconn_stats(const struct natsconn *nc, struct natsconn_stats *st);

/* ---- results ---------------------------------------------------------- */

enum natsconn_result {
	NATSCONN_OK,        /* done: stored, acked, created, found */
	NATSCONN_DUPLICATE, /* publish: the stream had this Nats-Msg-Id */
	NATSCONN_EXISTS,    /* kv create: the key is there (first writer won);
	                       kv update: the revision was not the last */
	NATSCONN_NOT_FOUND, /* kv get: no such key (or deleted) */
	NATSCONN_ERROR,     /* anything else; error says what */
};

struct natsconn_reply {
	enum natsconn_result result;
	uint64_t seq;      /* stream sequence, or the key's revision */
	const void *value; /* kv get: the value (valid in the callback) */
	size_t len;
	const char *error; /* NATSCONN_ERROR: what went wrong, else NULL */
};

typedef void (*natsconn_cb)(const struct natsconn_reply *r, void *arg);

/* ---- streams and buckets (set-up, idempotent) ------------------------- */

struct natsconn_stream {
	const char *name;
	const char *const *subjects;
	size_t nsubjects;
	int memory;          /* memory storage; 0: file (survives a restart) */
	int work_queue;      /* retention work-queue: acked messages leave */
	uint64_t max_age_ms; /* 0: none */
	int64_t max_msgs;    /* 0: none */
	int64_t max_bytes;   /* 0: none */
	uint64_t duplicate_window_ms; /* Nats-Msg-Id memory; 0: 2 minutes */
	int keep_existing; /* it exists: use it as it is, no update */
};

/* Create the stream, or update it to this config when it exists (unless
 * keep_existing). */
void natsconn_ensure_stream(struct natsconn *nc,
    const struct natsconn_stream *st, natsconn_cb cb, void *arg);

struct natsconn_bucket {
	const char *name;
	uint64_t ttl_ms; /* max age of every value; 0: none */
	int history;     /* values kept per key; 0: 1 */
	int memory;      /* 0: file storage */
};

/* Bind the bucket (create it when missing); the kv calls below need a
 * bucket ensured first (they fail with an error otherwise). */
void natsconn_ensure_bucket(struct natsconn *nc,
    const struct natsconn_bucket *b, natsconn_cb cb, void *arg);

/* ---- publishing --------------------------------------------------------- */

/* JetStream publish with Nats-Msg-Id msg_id (NULL: none); the callback
 * has NATSCONN_OK with the stream sequence, NATSCONN_DUPLICATE when the
 * stream had the id within its duplicate window, or NATSCONN_ERROR (no
 * stream for the subject, timeout, not connected). */
void natsconn_publish(struct natsconn *nc, const char *subject,
    const char *msg_id, const void *data, size_t len, natsconn_cb cb,
    void *arg);

/* ---- key-value ---------------------------------------------------------- */

/* Keys are NATS subject tokens: letters, digits, "-_=/." ('.' splits a
 * key into the tokens a watch prefix matches). */

/* First writer wins: NATSCONN_OK (seq: the revision) or NATSCONN_EXISTS. */
void natsconn_kv_create(struct natsconn *nc, const char *bucket,
    const char *key, const void *data, size_t len, natsconn_cb cb, void *arg);
void natsconn_kv_put(struct natsconn *nc, const char *bucket, const char *key,
    const void *data, size_t len, natsconn_cb cb, void *arg);
/* Compare and set: stored only if last_rev is the key's revision now,
 * else NATSCONN_EXISTS. */
void natsconn_kv_update(struct natsconn *nc, const char *bucket,
    const char *key, const void *data, size_t len, uint64_t last_rev,
    natsconn_cb cb, void *arg);
void natsconn_kv_delete(struct natsconn *nc, const char *bucket,
    const char *key, natsconn_cb cb, void *arg);
/* NATSCONN_OK with value, len and seq (the revision), or
 * NATSCONN_NOT_FOUND. */
void natsconn_kv_get(struct natsconn *nc, const char *bucket, const char *key,
    natsconn_cb cb, void *arg);

enum natsconn_kv_op {
	NATSCONN_KV_PUT,
	NATSCONN_KV_DELETE, /* deleted or purged */
};

struct natsconn_kv_entry {
	const char *key;
	const void *value; /* valid in the callback only */
	size_t len;
	uint64_t revision;
	int64_t created_ms; /* server time the value was written (Unix ms) */
	enum natsconn_kv_op op;
};

/* e NULL: every value there at the start has been delivered ("initial
 * values done"), once per watch.  Values that expire by the bucket's TTL
 * are NOT announced by nats-server 2.9 (no marker is written): a watcher
 * that needs expiry (membership) ages entries by created_ms itself. */
typedef void (*natsconn_watch_cb)(const struct natsconn_kv_entry *e, void *arg);

struct natsconn_watch;

/* Watch keys of a bucket: a key, a prefix written "PREFIX.>", or NULL for
 * all.  The bucket must be ensured first.  The watch's thread retries
 * while the servers are away; NULL only when out of threads. */
struct natsconn_watch *natsconn_watch(struct natsconn *nc, const char *bucket,
    const char *keys, natsconn_watch_cb cb, void *arg);
void natsconn_watch_free(struct natsconn_watch *w);

/* ---- work-queue consumer ------------------------------------------------ */

struct natsconn_msg;

/* A message to finish with exactly one of ack, nak, term or release
 * (each frees it); progress may come before.  Valid until then. */
typedef void (*natsconn_msg_cb)(struct natsconn_msg *m, void *arg);

struct natsconn_consumer_opts {
	const char *stream;
	const char *durable;  /* the one consumer every node shares */
	const char *filter;   /* subject filter; NULL: the whole stream */
	uint64_t ack_wait_ms; /* redelivered when not acked by then; 0: 30s */
	int max_in_flight;    /* handed to the loop, not finished; 0: 64 */
};

struct natsconn_consumer;

/* A durable pull consumer (created when missing; explicit acks) whose
 * messages come to cb on the loop.  Every node that names the same
 * durable shares its messages: each goes to one of them at a time. */
struct natsconn_consumer *natsconn_consume(struct natsconn *nc,
    const struct natsconn_consumer_opts *o, natsconn_msg_cb cb, void *arg);
/* Messages not finished must be released (or finished) before this. */
void natsconn_consumer_free(struct natsconn_consumer *c);

const char *natsconn_msg_subject(const struct natsconn_msg *m);
const char *natsconn_msg_id(const struct natsconn_msg *m); /* "" if none */
const void *natsconn_msg_data(const struct natsconn_msg *m);
size_t natsconn_msg_len(const struct natsconn_msg *m);
/* 1 the first time, more when redelivered. */
uint64_t natsconn_msg_deliveries(const struct natsconn_msg *m);
uint64_t natsconn_msg_seq(const struct natsconn_msg *m); /* stream seq */
/* When the stream stored it (server time, Unix ms). */
int64_t natsconn_msg_time_ms(const struct natsconn_msg *m);

void natsconn_msg_ack(struct natsconn_msg *m);
/* Redeliver after delay_ms (0: at once). */
void natsconn_msg_nak(struct natsconn_msg *m, uint64_t delay_ms);
/* Still working on it: restart its ack-wait. */
void natsconn_msg_progress(struct natsconn_msg *m);
/* Never redeliver (a message that can never be handled). */
void natsconn_msg_term(struct natsconn_msg *m);
/* Free without a word: the server redelivers it after ack-wait. */
void natsconn_msg_release(struct natsconn_msg *m);

#endif
