/*
 * The configuration: one immutable object loaded from feedwatch.conf and
 * its includes (SPEC "Config").  Loading is all or nothing: conf_load
 * returns a complete, cross-checked object or NULL with one message naming
 * file:line, so the daemon's reload can parse a fresh config beside the
 * running one and swap only when it is valid (relayd's parent_reload).
 *
 * Relative paths (state-dir, include globs, file sink paths, @secret files,
 * file: feed URLs) resolve against the directory of the file they are
 * written in.  Durations are milliseconds, sizes bytes.  References between
 * sections (watchlist -> actors, topics, sinks, feeds) are resolved into
 * pointers at load; every pointer points into the same conf object.
 */
#ifndef FW_CONF_CONF_H
#define FW_CONF_CONF_H

#include <stddef.h>
#include <stdint.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* The config file the daemon and the tools read when not given -c. */
#define CONF_DEFAULT_PATH SYSCONFDIR "/feedwatch/feedwatch.conf"

/* Where a section or key was written, for messages. */
struct conf_where {
	const char *file; /* owned by the conf */
	int line;
};

/*
 * How a feed is fetched beyond its URL (conf_fetch.c): written in [feed],
 * or in [daemon] as the default of every feed that does not write it.
 * Secrets (@file) are read at load; none of these is ever shown.
 */
struct conf_fetch {
	char **headers; /* "Name: value", @file secrets read */
	size_t nheaders;
	char *username; /* basic auth, with password; NULL = none */
	char *password;
	char *cookie; /* the Cookie header's value; NULL = none */
	char *proxy;  /* proxy URL; NULL = libcurl's *_proxy variables */
};

struct conf_daemon {
	char *state_dir;         /* default LOCALSTATEDIR "/lib/feedwatch" */
	uint64_t interval_ms;    /* default 5m */
	int max_concurrent;      /* default 64 */
	int per_host;            /* default 4 */
	uint64_t timeout_ms;     /* default 30s */
	uint64_t max_size;       /* default 8 MiB */
	char *user_agent;        /* default "feedwatch/VERSION" */
	char *http;              /* status API "ADDR:PORT"; NULL = off */
	struct conf_fetch fetch; /* every feed's default */
	char *http_token;        /* status API bearer token, @file read;
	                            NULL = none */
	char **http_hosts;       /* http-host: names the Host header may
	                            carry besides the address */
	size_t nhttp_hosts;
	int http_max_connections;        /* default 64 */
	uint64_t http_header_timeout_ms; /* default 10s */
	uint64_t http_idle_timeout_ms;   /* default 60s */
	uint64_t retention_ms;   /* item text kept for replays; default 14d */
	char *ca_file;           /* TLS CA bundle for feeds; NULL = system */
	char *ca_path;           /* TLS CA directory (c_rehash); NULL */
	struct conf_where where; /* the [daemon] section; line 0 if absent */
};

struct conf_feed {
	char *name;
	char *url;            /* http(s) or absolute file:// */
	uint64_t interval_ms; /* the daemon default when not set */
	char **tags;
	size_t ntags;
	int backfill;   /* default 0 */
	char *language; /* `language =`: overrides the feed's own; NULL */
	char *ca_file;  /* TLS CA bundle, instead of [daemon]'s; NULL */
	char *ca_path;  /* TLS CA directory, instead of [daemon]'s; NULL */
	struct conf_fetch fetch; /* the [daemon]'s where not written */
	char *user_agent;        /* the [daemon]'s where not written */
	int enabled;             /* `enabled = no`: configured, never polled */
	char *title;             /* display name for alerts and status; NULL */
	/* Articles (feeds/article.h): "feed" (default: score the feed's
	 * text) or "fetch" (read each new item's page); the XPath that picks
	 * the text on those pages, NULL for the built-in rules. */
	char *article;
	char *article_xpath;
	struct conf_where where;
};

/* One term of an actor or topic, as written. */
struct conf_term {
	char *text; /* without quotes and without the trailing '*' (in
	               conf.pool) */
	int exact;  /* was quoted: match with case, exactly */
	int prefix; /* ended in '*': any word starting with text */
	struct conf_where where;
};

enum conf_entity_kind {
	CONF_ACTOR,
	CONF_TOPIC,
};

/* An [actor] or a [topic]. */
struct conf_entity {
	enum conf_entity_kind kind;
	char *name;  /* the section name: "choe-son-hui" */
	char *label; /* actor: its name= as written; topic: its name */
	struct conf_term *terms; /* actor: name then aliases; topic: terms */
	size_t nterms;
	int weight; /* default 1 */
	struct conf_where where;
};

/* The parsed `require` expression of a watchlist. */
enum conf_expr_op {
	EXPR_ENTITY,    /* a named actor or topic of the watchlist */
	EXPR_ANY_ACTOR, /* `actor` */
	EXPR_ANY_TOPIC, /* `topic` */
	EXPR_AND,       /* a and b */
	EXPR_OR,        /* a or b */
	EXPR_NOT,       /* not a */
	EXPR_NEAR,      /* near(a, b, n): a, b are ENTITY/ANY_* leaves */
};

struct conf_expr {
	enum conf_expr_op op;
	struct conf_expr *a;
	struct conf_expr *b;
	const struct conf_entity *entity; /* EXPR_ENTITY */
	int n;                            /* EXPR_NEAR: window in words */
};

/* A `feeds =` restriction: a feed by name or every feed with a tag. */
struct conf_feedref {
	int is_tag;
	char *name; /* feed name, or tag without "tag:" */
};

enum conf_sink_type {
	SINK_LOG,
	SINK_FILE,
	SINK_EXEC,
	SINK_WEBHOOK,
	SINK_SMTP,
	SINK_TELEGRAM,
	SINK_MATRIX,
	SINK_PAGERDUTY,
	SINK_PUSHOVER,
	SINK_GOTIFY,
	SINK_NATS,
};

/* How many sink types there are (alerts/ has one implementation each). */
#define CONF_SINK_NTYPES (SINK_NATS + 1)

/* A webhook's body formats (conf_webhook_format_find maps the words). */
enum conf_webhook_format {
	CONF_WEBHOOK_JSON,
	CONF_WEBHOOK_SLACK,
	CONF_WEBHOOK_DISCORD,
	CONF_WEBHOOK_NTFY,
	CONF_WEBHOOK_TEAMS,
	CONF_WEBHOOK_MATTERMOST,
};

/* `priority` not written: the receiver's priority follows the score. */
#define CONF_PRIORITY_FROM_SCORE 100
/* One `quiet-hours` window in minutes: of the day (00:00 = 0), or of
 * the week (Sunday 00:00 = 0) when weekly.  start != end; a window
 * whose end is before its start runs over midnight (or the week's end). */
struct conf_quiet {
	int start, end;
	int weekly;
};

#define CONF_QUIET_MAX 16 /* windows per sink: a week has few */

/* How an smtp sink uses TLS (`tls =`).  A conf_sink made in code and
 * zeroed is opportunistic; the loader's default is required whenever a
 * username is set. */
enum conf_tls {
	CONF_TLS_OPPORTUNISTIC, /* STARTTLS when offered, else clear text */
	CONF_TLS_REQUIRED,      /* smtps, or STARTTLS, or no delivery */
	CONF_TLS_NONE,          /* never: credentials go in clear text */
};

struct conf_sink {
	char *name;
	enum conf_sink_type type;
	char *path;  /* file */
	char **argv; /* exec: command split into words, no shell;
	                NULL-terminated */
	size_t argc;
	char **env; /* exec: names of the daemon's variables passed on */
	size_t nenv;
	uint64_t timeout_ms; /* exec, webhook, smtp; default 30s */
	char *url;           /* webhook, smtp */
	char *format;        /* webhook: json, slack, discord, ntfy; every sink
	                        carries the default, json */
	char **headers;      /* webhook: "Name: value", @file secrets read */
	size_t nheaders;
	char *from; /* smtp */
	char **to;
	size_t nto;
	char *username;
	char *password;    /* @file read at load */
	enum conf_tls tls; /* smtp */
	char *ca_file;     /* smtp: CA certificates to verify against */
	int min_score;     /* default 0 */
	int rate_count;    /* rate-limit N/period; 0 = none */
	uint64_t rate_period_ms;
	uint64_t digest_ms;        /* 0 = each alert on its own */
	uint64_t give_up_after_ms; /* default 24h */
	/* The receivers' keys (telegram, matrix, pagerduty, pushover,
	 * gotify) and the webhook's signing secret; NULL when not written. */
	char *api;         /* the service's API URL; NULL: its public one */
	char *token;       /* @file read at load */
	char *chat;        /* telegram: chat id or @channel */
	int no_preview;    /* telegram: disable_web_page_preview */
	char *homeserver;  /* matrix */
	char *room;        /* matrix: !id:server or #alias:server */
	char *routing_key; /* pagerduty, @file read at load */
	char *severity;    /* pagerduty: a word, or "MIN=word ... word" */
	char *user;        /* pushover's user or group key */
	int priority;      /* pushover, gotify; CONF_PRIORITY_FROM_SCORE */
	char *secret;      /* webhook: HMAC key, @file read at load */
	struct conf_quiet *quiet; /* quiet-hours: held, sent as a digest */
	size_t nquiet;
	char *timezone; /* of the quiet hours; NULL: the system's */
	/* nats (issue 21): url holds the servers, comma separated. */
	char *credentials; /* nats: .creds file (`@file`), its path; NULL */
	char *tls_ca;      /* nats: CA bundle for tls:// servers; NULL */
	char *stream;      /* nats: the stream; default FEEDWATCH_ALERTS */
	char *subject;     /* nats: WATCHLIST replaced by the watchlist */
	struct conf_where where;
};

struct conf_watchlist {
	char *name;
	const struct conf_entity **actors;
	size_t nactors;
	const struct conf_entity **topics;
	size_t ntopics;
	struct conf_expr *require; /* never NULL: default `actor or topic` */
	char *require_text;        /* as written, or the default's text */
	const struct conf_entity **exclude; /* topics */
	size_t nexclude;
	int threshold;              /* default 1 */
	int title_weight;           /* default 2 */
	int saturation;             /* default 3 */
	struct conf_feedref *feeds; /* NULL/0: every feed */
	size_t nfeeds;
	const struct conf_sink **sinks;
	size_t nsinks;
	int surge_count; /* surge = N/PERIOD; 0 = none */
	uint64_t surge_period_ms;
	struct conf_where where;
};

/*
 * [cluster] (issue 21): nodes that share feeds, state and alerts through
 * NATS JetStream (cluster/).  nats == NULL: no [cluster], one node alone.
 */
struct conf_cluster {
	char *nats;        /* server URLs, comma separated (libnats' form) */
	char *name;        /* prefix of every stream and bucket; "feedwatch" */
	char *node;        /* this node; default the host name */
	char *credentials; /* .creds file (`@file`), its path; NULL */
	char *token;       /* @file read at load; NULL */
	char *tls_ca;      /* CA bundle for tls:// servers; NULL */
	uint64_t heartbeat_ms;     /* membership heartbeat; default 2s */
	uint64_t heartbeat_ttl_ms; /* a node is lost after; default 10s */
	uint64_t timeout_ms;       /* one NATS round trip; default 5s */
	uint64_t ack_wait_ms;      /* an alert not acked is redelivered; 60s */
	struct conf_where where;   /* line 0 when absent */
};

struct conf_names; /* private: the name indexes behind conf_find_* */

struct conf {
	char *path; /* the main file as given */
	struct conf_daemon daemon;
	struct conf_cluster cluster;
	struct conf_feed *feeds;
	size_t nfeeds;
	struct conf_entity *entities; /* actors and topics, in file order */
	size_t nentities;
	struct conf_watchlist *watchlists; /* in config order */
	size_t nwatchlists;
	struct conf_sink *sinks;
	size_t nsinks;
	/* Things worth a look that are not errors (`feedwatch check`):
	 * "file:line: ..." each. */
	char **warnings;
	size_t nwarnings;
	char **files; /* every file read, as named in messages */
	size_t nfiles;
	struct conf_names *names;
	/* The texts of every term, packed (conf_pool_strdup): a config of
	 * millions of terms costs their bytes, not a malloc each. */
	struct conf_pool *pool;
};

/* The matchers of a silence, each naming a section of the config. */
enum conf_matcher {
	CONF_MATCH_WATCHLIST,
	CONF_MATCH_FEED,
	CONF_MATCH_ACTOR,
	CONF_MATCH_TOPIC,
	CONF_MATCHER_COUNT
};

/* conf_load_flags: include and @file are errors (the fuzz target). */
#define CONF_LOAD_NO_FILES 0x1

/* Load path and its includes.  NULL on any error, with *err (free it) set
 * to "file:line: what was expected". */
struct conf *conf_load(const char *path, char **err);
struct conf *conf_load_flags(const char *path, int flags, char **err);
void conf_free(struct conf *c);

const struct conf_feed *conf_find_feed(const struct conf *c, const char *name);
const struct conf_entity *conf_find_entity(
    const struct conf *c, const char *name);
const struct conf_sink *conf_find_sink(const struct conf *c, const char *name);
/* Does the watchlist's `feeds =` admit this feed? */
int conf_watchlist_wants_feed(
    const struct conf_watchlist *wl, const struct conf_feed *feed);
const char *conf_sink_type_name(enum conf_sink_type t);
/* The webhook format of a `format =` word (NULL: the default); -1 if it is
 * not one. */
int conf_webhook_format_find(const char *name, enum conf_webhook_format *fmt);
/* Check a silence's matchers (m[CONF_MATCHER_COUNT], NULL: unset): -1
 * when at least one is set and each names a section of its kind; else
 * the first that names none (*what its kind's word), or
 * CONF_MATCHER_COUNT when none is set. */
int conf_matchers_check(
    const struct conf *c, const char *const m[], const char **what);
/* The expression fully parenthesised: "((a and b) or not c)"; free it. */
char *conf_expr_to_string(const struct conf_expr *e);
/* Is the `http =` address the loopback net, [::1] or localhost? */
int conf_http_loopback(const char *addr);
/* Is the status API on a non-loopback address without http-token? */
int conf_http_exposed(const struct conf *c);
/* What `check` and the daemon's start say when conf_http_exposed. */
#define CONF_HTTP_EXPOSED_MSG                                          \
	"the status API listens beyond this host (http = %s) without " \
	"http-token: anyone who reaches it reads the feeds and alerts"
/* The i-th key the loader accepts and its section ("daemon", "feed", ...,
 * or "any" for include); NULL past the end.  The man page lists the same. */
const char *conf_key_at(size_t i, const char **section);

#endif
