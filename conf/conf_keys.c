/*
 * The key table: every key the loader accepts, by section, with its type,
 * where it is stored, its range and its default (the model is tmux's
 * options-table.c), so a key and its default are written once.
 * feedwatch.conf(5) documents exactly these keys (tests/conf-t compares
 * the two lists).  A section's defaults are set when the section starts
 * ([daemon]'s before the first line is read, since the section may be
 * absent); a value written in the file then replaces its default.
 *
 * Beside it, the one table of sink kinds (what each type takes and needs)
 * and of webhook formats, which alerts/ uses too.  The handler of each key
 * type is in conf_set.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

#define D(f) offsetof(struct conf_daemon, f)
#define F(f) offsetof(struct conf_feed, f)
#define E(f) offsetof(struct conf_entity, f)
#define W(f) offsetof(struct conf_watchlist, f)
#define R(f) offsetof(struct wl_refs, f)
#define S(f) offsetof(struct conf_sink, f)
#define C(f) offsetof(struct conf_cluster, f)

/* Durations in milliseconds. */
#define SECONDS(n) ((n)*1000ULL)
#define MINUTES(n) SECONDS((n)*60ULL)
#define HOURS(n) MINUTES((n)*60ULL)
#define DAYS(n) HOURS((n)*24ULL)

const char *const conf_sect_names[] = {
    "daemon", "feed", "actor", "topic", "watchlist", "sink", "cluster", "any"};

/*
 * Every key, by section.  .min is the least integer, duration or size;
 * .max the greatest integer.  .def/.def_str is the default; [feed]
 * interval has none here because it is the [daemon] interval, which may
 * be written after the feed (conf_finish sets it).
 */
static const struct key keys[] = {
    {.section = SECT_ANY, .name = "include", .type = KEY_INCLUDE, .list = 1},

    {.section = SECT_DAEMON,
        .name = "state-dir",
        .type = KEY_PATH,
        .offset = D(state_dir),
        .def_str = LOCALSTATEDIR "/lib/feedwatch"},
    {.section = SECT_DAEMON,
        .name = "interval",
        .type = KEY_DURATION,
        .offset = D(interval_ms),
        .min = 1000,
        .def = MINUTES(5)},
    {.section = SECT_DAEMON,
        .name = "max-concurrent",
        .type = KEY_INT,
        .offset = D(max_concurrent),
        .min = 1,
        .max = 4096,
        .def = 64},
    {.section = SECT_DAEMON,
        .name = "per-host",
        .type = KEY_INT,
        .offset = D(per_host),
        .min = 1,
        .max = 1024,
        .def = 4},
    {.section = SECT_DAEMON,
        .name = "timeout",
        .type = KEY_DURATION,
        .offset = D(timeout_ms),
        .min = 1,
        .def = SECONDS(30)},
    {.section = SECT_DAEMON,
        .name = "max-size",
        .type = KEY_SIZE,
        .offset = D(max_size),
        .min = 1024,
        .def = 8 * 1024 * 1024},
    {.section = SECT_DAEMON,
        .name = "user-agent",
        .type = KEY_STR,
        .offset = D(user_agent),
        .def_str = "feedwatch/" PACKAGE_VERSION},
    {.section = SECT_DAEMON,
        .name = "http",
        .type = KEY_ADDR,
        .offset = D(http)},
    /* The status API's guards (daemon/httpapi.c). */
    {.section = SECT_DAEMON,
        .name = "http-token",
        .type = KEY_SECRET,
        .offset = D(http_token)},
    {.section = SECT_DAEMON,
        .name = "http-host",
        .type = KEY_HOST_LIST,
        .offset = D(http_hosts),
        .count = D(nhttp_hosts),
        .list = 1},
    /* 64 is far more than people and monitors use at once, and with the
     * fetcher's max-concurrent well within the unit's LimitNOFILE. */
    {.section = SECT_DAEMON,
        .name = "http-max-connections",
        .type = KEY_INT,
        .offset = D(http_max_connections),
        .min = 1,
        .max = 4096,
        .def = 64},
    {.section = SECT_DAEMON,
        .name = "http-header-timeout",
        .type = KEY_DURATION,
        .offset = D(http_header_timeout_ms),
        .min = 100,
        .def = SECONDS(10)},
    {.section = SECT_DAEMON,
        .name = "http-idle-timeout",
        .type = KEY_DURATION,
        .offset = D(http_idle_timeout_ms),
        .min = 100,
        .def = SECONDS(60)},
    {.section = SECT_DAEMON,
        .name = "retention",
        .type = KEY_DURATION,
        .offset = D(retention_ms),
        .min = 3600000,
        .def = DAYS(14)},
    /* TLS trust for every feed: a private CA's bundle or hashed dir. */
    {.section = SECT_DAEMON,
        .name = "ca-file",
        .type = KEY_PATH,
        .offset = D(ca_file)},
    {.section = SECT_DAEMON,
        .name = "ca-path",
        .type = KEY_PATH,
        .offset = D(ca_path)},

    {.section = SECT_FEED,
        .name = "url",
        .type = KEY_FEED_URL,
        .offset = F(url),
        .required = 1},
    {.section = SECT_FEED,
        .name = "interval",
        .type = KEY_DURATION,
        .offset = F(interval_ms),
        .min = 1000},
    {.section = SECT_FEED,
        .name = "tags",
        .type = KEY_TAGS,
        .offset = F(tags),
        .count = F(ntags),
        .list = 1},
    {.section = SECT_FEED,
        .name = "backfill",
        .type = KEY_INT,
        .offset = F(backfill),
        .max = 10000},
    {.section = SECT_FEED,
        .name = "language",
        .type = KEY_LANGUAGE,
        .offset = F(language)},
    /* This feed's own TLS trust, instead of [daemon]'s. */
    {.section = SECT_FEED,
        .name = "ca-file",
        .type = KEY_PATH,
        .offset = F(ca_file)},
    {.section = SECT_FEED,
        .name = "ca-path",
        .type = KEY_PATH,
        .offset = F(ca_path)},

    /* How feeds are fetched: [daemon] holds the defaults of the [feed]
     * keys of the same names (conf_fetch.c). */
    {.section = SECT_DAEMON,
        .name = "header",
        .type = KEY_HEADER,
        .offset = D(fetch.headers),
        .count = D(fetch.nheaders),
        .list = 1},
    {.section = SECT_DAEMON,
        .name = "username",
        .type = KEY_STR,
        .offset = D(fetch.username)},
    {.section = SECT_DAEMON,
        .name = "password",
        .type = KEY_SECRET,
        .offset = D(fetch.password)},
    {.section = SECT_DAEMON,
        .name = "cookie",
        .type = KEY_SECRET,
        .offset = D(fetch.cookie)},
    {.section = SECT_DAEMON,
        .name = "proxy",
        .type = KEY_SECRET,
        .offset = D(fetch.proxy)},
    {.section = SECT_FEED,
        .name = "header",
        .type = KEY_HEADER,
        .offset = F(fetch.headers),
        .count = F(fetch.nheaders),
        .list = 1},
    {.section = SECT_FEED,
        .name = "username",
        .type = KEY_STR,
        .offset = F(fetch.username)},
    {.section = SECT_FEED,
        .name = "password",
        .type = KEY_SECRET,
        .offset = F(fetch.password)},
    {.section = SECT_FEED,
        .name = "cookie",
        .type = KEY_SECRET,
        .offset = F(fetch.cookie)},
    {.section = SECT_FEED,
        .name = "proxy",
        .type = KEY_SECRET,
        .offset = F(fetch.proxy)},
    {.section = SECT_FEED,
        .name = "user-agent",
        .type = KEY_STR,
        .offset = F(user_agent)},
    {.section = SECT_FEED,
        .name = "enabled",
        .type = KEY_BOOL,
        .offset = F(enabled),
        .def = 1},
    {.section = SECT_FEED,
        .name = "title",
        .type = KEY_STR,
        .offset = F(title)},
    /* Articles (issue 14): feeds/article.h. */
    {.section = SECT_FEED,
        .name = "article",
        .type = KEY_ARTICLE,
        .offset = F(article),
        .def_str = "feed"},
    {.section = SECT_FEED,
        .name = "article-xpath",
        .type = KEY_XPATH,
        .offset = F(article_xpath)},

    {.section = SECT_ACTOR, .name = "name", .type = KEY_LABEL, .required = 1},
    {.section = SECT_ACTOR, .name = "alias", .type = KEY_TERMS, .list = 1},
    {.section = SECT_ACTOR,
        .name = "weight",
        .type = KEY_INT,
        .offset = E(weight),
        .max = 1000,
        .def = 1},

    {.section = SECT_TOPIC,
        .name = "term",
        .type = KEY_TERMS,
        .list = 1,
        .required = 1},
    {.section = SECT_TOPIC,
        .name = "weight",
        .type = KEY_INT,
        .offset = E(weight),
        .max = 1000,
        .def = 1},

    {.section = SECT_WATCHLIST,
        .name = "actors",
        .type = KEY_REFS,
        .offset = R(actors),
        .list = 1},
    {.section = SECT_WATCHLIST,
        .name = "topics",
        .type = KEY_REFS,
        .offset = R(topics),
        .list = 1},
    /* Parsed once the watchlist's references resolve (conf_ref.c). */
    {.section = SECT_WATCHLIST,
        .name = "require",
        .type = KEY_REQUIRE,
        .def_str = "actor or topic"},
    {.section = SECT_WATCHLIST,
        .name = "exclude",
        .type = KEY_REFS,
        .offset = R(exclude),
        .list = 1},
    {.section = SECT_WATCHLIST,
        .name = "threshold",
        .type = KEY_INT,
        .offset = W(threshold),
        .min = 1,
        .max = 1000000,
        .def = 1},
    {.section = SECT_WATCHLIST,
        .name = "title-weight",
        .type = KEY_INT,
        .offset = W(title_weight),
        .max = 100,
        .def = 2},
    {.section = SECT_WATCHLIST,
        .name = "saturation",
        .type = KEY_INT,
        .offset = W(saturation),
        .min = 1,
        .max = 1000,
        .def = 3},
    {.section = SECT_WATCHLIST,
        .name = "feeds",
        .type = KEY_FEEDREFS,
        .list = 1},
    {.section = SECT_WATCHLIST,
        .name = "sinks",
        .type = KEY_REFS,
        .offset = R(sinks),
        .list = 1},
    {.section = SECT_WATCHLIST, .name = "surge", .type = KEY_SURGE},

    {.section = SECT_SINK,
        .name = "type",
        .type = KEY_SINK_TYPE,
        .offset = S(type),
        .required = 1},
    {.section = SECT_SINK,
        .name = "path",
        .type = KEY_PATH,
        .offset = S(path),
        .typed = 1},
    {.section = SECT_SINK, .name = "command", .type = KEY_COMMAND, .typed = 1},
    {.section = SECT_SINK,
        .name = "env",
        .type = KEY_ENV_LIST,
        .offset = S(env),
        .count = S(nenv),
        .list = 1,
        .typed = 1},
    /* Every sink carries it; the types that take it use it. */
    {.section = SECT_SINK,
        .name = "timeout",
        .type = KEY_DURATION,
        .offset = S(timeout_ms),
        .min = 1,
        .def = SECONDS(30),
        .typed = 1},
    /* The scheme is checked once the type is known (conf_finish_sink). */
    {.section = SECT_SINK,
        .name = "url",
        .type = KEY_SECRET,
        .offset = S(url),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "format",
        .type = KEY_FORMAT,
        .offset = S(format),
        .def_str = "json",
        .typed = 1},
    {.section = SECT_SINK,
        .name = "header",
        .type = KEY_HEADER,
        .offset = S(headers),
        .count = S(nheaders),
        .list = 1,
        .typed = 1},
    {.section = SECT_SINK,
        .name = "from",
        .type = KEY_MAIL,
        .offset = S(from),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "to",
        .type = KEY_MAIL_LIST,
        .offset = S(to),
        .count = S(nto),
        .list = 1,
        .typed = 1},
    {.section = SECT_SINK,
        .name = "username",
        .type = KEY_STR,
        .offset = S(username),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "password",
        .type = KEY_SECRET,
        .offset = S(password),
        .typed = 1},
    /* Default: required with a username, else opportunistic
     * (conf_finish_sink). */
    {.section = SECT_SINK,
        .name = "tls",
        .type = KEY_TLS,
        .offset = S(tls),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "ca-file",
        .type = KEY_PATH,
        .offset = S(ca_file),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "min-score",
        .type = KEY_INT,
        .offset = S(min_score),
        .max = 1000000},
    {.section = SECT_SINK, .name = "rate-limit", .type = KEY_RATE},
    {.section = SECT_SINK,
        .name = "digest",
        .type = KEY_DURATION,
        .offset = S(digest_ms),
        .min = 1000},
    {.section = SECT_SINK,
        .name = "give-up-after",
        .type = KEY_DURATION,
        .offset = S(give_up_after_ms),
        .min = 1000,
        .def = DAYS(1)},

    /* The receivers (sink types telegram, matrix, pagerduty, pushover,
     * gotify) and signed webhooks: one block, see sink_kinds[]. */
    {.section = SECT_SINK,
        .name = "api",
        .type = KEY_STR,
        .offset = S(api),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "token",
        .type = KEY_SECRET,
        .offset = S(token),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "chat",
        .type = KEY_STR,
        .offset = S(chat),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "disable-web-page-preview",
        .type = KEY_INT,
        .offset = S(no_preview),
        .max = 1,
        .typed = 1},
    {.section = SECT_SINK,
        .name = "homeserver",
        .type = KEY_STR,
        .offset = S(homeserver),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "room",
        .type = KEY_STR,
        .offset = S(room),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "routing-key",
        .type = KEY_SECRET,
        .offset = S(routing_key),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "severity",
        .type = KEY_STR,
        .offset = S(severity),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "user",
        .type = KEY_SECRET,
        .offset = S(user),
        .typed = 1},
    /* Checked against the type's range when the sink is built. */
    {.section = SECT_SINK,
        .name = "priority",
        .type = KEY_INT,
        .offset = S(priority),
        .min = -2,
        .max = 10,
        .def = CONF_PRIORITY_FROM_SCORE,
        .typed = 1},
    {.section = SECT_SINK,
        .name = "secret",
        .type = KEY_SECRET,
        .offset = S(secret),
        .typed = 1},
    /* people: alerts held in quiet hours, sent as one digest after. */
    {.section = SECT_SINK, .name = "quiet-hours", .type = KEY_QUIET, .list = 1},
    {.section = SECT_SINK,
        .name = "timezone",
        .type = KEY_TIMEZONE,
        .offset = S(timezone)},

    /* NATS (issue 21): the nats sink and the [cluster] section; the
     * servers are checked once the section is read (conf_cluster.c). */
    {.section = SECT_SINK,
        .name = "credentials",
        .type = KEY_CREDS,
        .offset = S(credentials),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "tls-ca",
        .type = KEY_PATH,
        .offset = S(tls_ca),
        .typed = 1},
    {.section = SECT_SINK,
        .name = "stream",
        .type = KEY_STREAM,
        .offset = S(stream),
        .def_str = "FEEDWATCH_ALERTS",
        .typed = 1},
    {.section = SECT_SINK,
        .name = "subject",
        .type = KEY_SUBJECT,
        .offset = S(subject),
        .def_str = "feedwatch.alerts.WATCHLIST",
        .typed = 1},
    {.section = SECT_CLUSTER,
        .name = "nats",
        .type = KEY_STR,
        .offset = C(nats),
        .required = 1},
    {.section = SECT_CLUSTER,
        .name = "name",
        .type = KEY_STREAM,
        .offset = C(name),
        .def_str = "feedwatch"},
    {.section = SECT_CLUSTER,
        .name = "node",
        .type = KEY_STR,
        .offset = C(node)},
    {.section = SECT_CLUSTER,
        .name = "credentials",
        .type = KEY_CREDS,
        .offset = C(credentials)},
    {.section = SECT_CLUSTER,
        .name = "token",
        .type = KEY_SECRET,
        .offset = C(token)},
    {.section = SECT_CLUSTER,
        .name = "tls-ca",
        .type = KEY_PATH,
        .offset = C(tls_ca)},
    /* A node heartbeats every 2s and counts as lost after 10s without
     * one: five missed beats, so a busy loop is not taken for a loss. */
    {.section = SECT_CLUSTER,
        .name = "heartbeat",
        .type = KEY_DURATION,
        .offset = C(heartbeat_ms),
        .min = 100,
        .def = SECONDS(2)},
    {.section = SECT_CLUSTER,
        .name = "heartbeat-ttl",
        .type = KEY_DURATION,
        .offset = C(heartbeat_ttl_ms),
        .min = 1000,
        .def = SECONDS(10)},
    {.section = SECT_CLUSTER,
        .name = "timeout",
        .type = KEY_DURATION,
        .offset = C(timeout_ms),
        .min = 100,
        .def = SECONDS(5)},
    /* Longer than the slowest sink's timeout, so a delivery in progress
     * is not handed to another node (in-progress acks extend it). */
    {.section = SECT_CLUSTER,
        .name = "ack-wait",
        .type = KEY_DURATION,
        .offset = C(ack_wait_ms),
        .min = 1000,
        .def = SECONDS(60)},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

_Static_assert(NKEYS <= CONF_MAX_KEYS, "CONF_MAX_KEYS holds every key");

/* Every sink type: the typed keys it takes, those it needs, and how
 * messages list them.  alerts/sink.c builds one sink per type. */
static const struct conf_sink_kind sink_kinds[] = {
    {"log", SINK_LOG, "", "", "only the keys every sink takes"},
    {"file", SINK_FILE, "path", "path", "path"},
    {"exec", SINK_EXEC, "command timeout env", "command",
        "command, timeout or env"},
    {"webhook", SINK_WEBHOOK, "url format header timeout secret", "url",
        "url, format, header, timeout or secret"},
    {"smtp", SINK_SMTP, "url from to username password tls ca-file timeout",
        "url from to",
        "url, from, to, username, password, tls, ca-file or timeout"},
    {"telegram", SINK_TELEGRAM,
        "token chat api disable-web-page-preview timeout", "token chat",
        "token, chat, api, disable-web-page-preview or timeout"},
    {"matrix", SINK_MATRIX, "homeserver room token timeout",
        "homeserver room token", "homeserver, room, token or timeout"},
    {"pagerduty", SINK_PAGERDUTY, "routing-key api severity timeout",
        "routing-key", "routing-key, api, severity or timeout"},
    {"pushover", SINK_PUSHOVER, "token user api priority timeout", "token user",
        "token, user, api, priority or timeout"},
    {"gotify", SINK_GOTIFY, "url token priority timeout", "url token",
        "url, token, priority or timeout"},
    {"nats", SINK_NATS, "url credentials token tls-ca stream subject timeout",
        "url", "url, credentials, token, tls-ca, stream, subject or timeout"},
};

#define NSINK_KINDS (sizeof(sink_kinds) / sizeof(sink_kinds[0]))

_Static_assert(NSINK_KINDS == CONF_SINK_NTYPES, "a kind for every type");

/* Every webhook body format, by its config word. */
static const struct {
	const char *name;
	enum conf_webhook_format fmt;
} webhook_formats[] = {
    {"json", CONF_WEBHOOK_JSON},
    {"slack", CONF_WEBHOOK_SLACK},
    {"discord", CONF_WEBHOOK_DISCORD},
    {"ntfy", CONF_WEBHOOK_NTFY},
    {"teams", CONF_WEBHOOK_TEAMS},
    {"mattermost", CONF_WEBHOOK_MATTERMOST},
};

#define NWEBHOOK_FORMATS (sizeof(webhook_formats) / sizeof(webhook_formats[0]))

/* Every tls = word of an smtp sink. */
static const struct {
	const char *name;
	enum conf_tls tls;
} tls_words[] = {
    {"required", CONF_TLS_REQUIRED},
    {"opportunistic", CONF_TLS_OPPORTUNISTIC},
    {"none", CONF_TLS_NONE},
};

#define NTLS_WORDS (sizeof(tls_words) / sizeof(tls_words[0]))

/* ---- handlers of the tables' words ---------------------------------- */

/* The sink type, from sink_kinds[]. */
int
conf_key_sink_type(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < NSINK_KINDS; i++)
		if (strcmp(value, sink_kinds[i].name) == 0) {
			*(enum conf_sink_type *)conf_key_field(ld, rec, k) =
			    sink_kinds[i].type;
			return 0;
		}
	for (size_t i = 0; i < NSINK_KINDS; i++)
		conf_list_word(&b, sink_kinds[i].name, i, NSINK_KINDS);
	conf_fail(
	    ld, "expected a sink type: %s, found '%s'", buf_str(&b), value);
	buf_free(&b);
	return -1;
}

/* A webhook body format, from webhook_formats[]. */
int
conf_key_format(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct buf b = BUF_INIT;
	enum conf_webhook_format fmt;

	if (conf_webhook_format_find(value, &fmt) == 0) {
		conf_key_store_str(ld, rec, k, xstrdup(value));
		return 0;
	}
	for (size_t i = 0; i < NWEBHOOK_FORMATS; i++)
		conf_list_word(
		    &b, webhook_formats[i].name, i, NWEBHOOK_FORMATS);
	conf_fail(ld, "expected a webhook format: %s, found '%s'", buf_str(&b),
	    value);
	buf_free(&b);
	return -1;
}

/* An smtp sink's tls =, from tls_words[]. */
int
conf_key_tls(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < NTLS_WORDS; i++)
		if (strcmp(value, tls_words[i].name) == 0) {
			*(enum conf_tls *)conf_key_field(ld, rec, k) =
			    tls_words[i].tls;
			return 0;
		}
	for (size_t i = 0; i < NTLS_WORDS; i++)
		conf_list_word(&b, tls_words[i].name, i, NTLS_WORDS);
	conf_fail(ld, "expected %s, found '%s'", buf_str(&b), value);
	buf_free(&b);
	return -1;
}

/* ---- lookups --------------------------------------------------------- */

/* The key entry for name in a section of kind; NULL if none. */
const struct key *
conf_key_find(enum sect kind, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if ((keys[i].section == kind || keys[i].section == SECT_ANY) &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Where k is in the table (for sect_rec.keyline). */
size_t
conf_key_index(const struct key *k)
{
	return (size_t)(k - keys);
}

/* The i-th key, or NULL past the end. */
const struct key *
conf_key_get(size_t i)
{
	return i < NKEYS ? &keys[i] : NULL;
}

/* "a, b or c": the keys a section accepts, for messages. */
char *
conf_key_list(enum sect kind)
{
	struct buf b = BUF_INIT;
	size_t n = 0, total = 0;

	for (size_t i = 0; i < NKEYS; i++)
		total += keys[i].section == kind || keys[i].section == SECT_ANY;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].section == kind || keys[i].section == SECT_ANY)
			conf_list_word(&b, keys[i].name, n++, total);
	return buf_steal(&b);
}

/* The sink_kinds[] entry of a type. */
const struct conf_sink_kind *
conf_sink_kind(enum conf_sink_type t)
{
	for (size_t i = 0; i < NSINK_KINDS; i++)
		if (sink_kinds[i].type == t)
			return &sink_kinds[i];
	return NULL;
}

/* The config word of a sink type. */
const char *
conf_sink_type_name(enum conf_sink_type t)
{
	const struct conf_sink_kind *sk = conf_sink_kind(t);

	return sk != NULL ? sk->name : "unknown";
}

/* A webhook format by its word; NULL is the `format` key's default. */
int
conf_webhook_format_find(const char *name, enum conf_webhook_format *fmt)
{
	if (name == NULL)
		name = conf_key_find(SECT_SINK, "format")->def_str;
	for (size_t i = 0; i < NWEBHOOK_FORMATS; i++)
		if (strcmp(name, webhook_formats[i].name) == 0) {
			*fmt = webhook_formats[i].fmt;
			return 0;
		}
	return -1;
}

/* Walk the key table (tests compare it with the man page). */
const char *
conf_key_at(size_t i, const char **section)
{
	if (i >= NKEYS)
		return NULL;
	if (section != NULL)
		*section = conf_sect_names[keys[i].section];
	return keys[i].name;
}
