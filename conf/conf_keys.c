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
 * and of webhook formats, which alerts/ uses too, and the handler of each
 * key type, which parses a value straight into the section's struct.
 */
#include "config.h"

#include <ctype.h>
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

/* Durations in milliseconds. */
#define SECONDS(n) ((n)*1000ULL)
#define MINUTES(n) SECONDS((n)*60ULL)
#define HOURS(n) MINUTES((n)*60ULL)
#define DAYS(n) HOURS((n)*24ULL)

const char *const conf_sect_names[] = {
    "daemon", "feed", "actor", "topic", "watchlist", "sink", "any"};

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
    {.section = SECT_DAEMON,
        .name = "retention",
        .type = KEY_DURATION,
        .offset = D(retention_ms),
        .min = 3600000,
        .def = DAYS(14)},

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
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

_Static_assert(NKEYS <= CONF_MAX_KEYS, "CONF_MAX_KEYS holds every key");

/* Every sink type: the typed keys it takes, those it needs, and how
 * messages list them.  alerts/sink.c builds one sink per type. */
static const struct conf_sink_kind sink_kinds[] = {
    {"log", SINK_LOG, "", "", "only the keys every sink takes"},
    {"file", SINK_FILE, "path", "path", "path"},
    {"exec", SINK_EXEC, "command timeout", "command", "command or timeout"},
    {"webhook", SINK_WEBHOOK, "url format header timeout", "url",
        "url, format, header or timeout"},
    {"smtp", SINK_SMTP, "url from to username password timeout", "url from to",
        "url, from, to, username, password or timeout"},
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
};

#define NWEBHOOK_FORMATS (sizeof(webhook_formats) / sizeof(webhook_formats[0]))

/* ---- handlers -------------------------------------------------------- */

typedef int key_set_fn(
    struct loader *, struct sect_rec *, const struct key *, char *, size_t);

/* The field of the section's struct a key stores into. */
static void *
key_field(struct loader *ld, const struct sect_rec *rec, const struct key *k)
{
	return (char *)conf_sect_base(ld, rec) + k->offset;
}

/* Store s into the char * of the key, replacing what was there. */
static void
key_store_str(
    struct loader *ld, const struct sect_rec *rec, const struct key *k, char *s)
{
	char **slot = key_field(ld, rec, k);

	free(*slot);
	*slot = s;
}

/* include = GLOB. */
static int
key_include(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *pat;
	int rc;

	if (ld->flags & CONF_LOAD_NO_FILES)
		return conf_fail(ld, "include is disabled here");
	if ((pat = conf_value_one(ld, value, col)) == NULL)
		return -1;
	rc = conf_include(ld, pat);
	free(pat);
	return rc;
}

/* A plain string value. */
static int
key_str(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	key_store_str(ld, rec, k, s);
	return 0;
}

/* A path, made absolute against the file's directory. */
static int
key_path(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	key_store_str(ld, rec, k, conf_path_resolve(ld->file->dir, s));
	free(s);
	return 0;
}

/* A duration or size: parse, check the least value, store a uint64_t. */
static int
key_set_u64(struct loader *ld, struct sect_rec *rec, const struct key *k,
    const char *value, int (*parse)(const char *, uint64_t *), const char *what,
    const char *examples, const char *least)
{
	uint64_t v;

	if (parse(value, &v) < 0)
		return conf_fail(ld, "expected %s such as %s, found '%s'", what,
		    examples, value);
	if (v < (uint64_t)k->min)
		return conf_fail(ld, "expected %s of at least %s, found '%s'",
		    what, least, value);
	*(uint64_t *)key_field(ld, rec, k) = v;
	return 0;
}

/* A duration in milliseconds (str_parse_duration). */
static int
key_duration(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_set_u64(ld, rec, k, value, str_parse_duration, "a duration",
	    "30s, 5m, 1h or 2d", k->min >= 1000 ? "1s" : "1ms");
}

/* A size in bytes (str_parse_size). */
static int
key_size(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_set_u64(ld, rec, k, value, str_parse_size, "a size",
	    "512KiB or 8MiB", "1KiB");
}

/* An integer within the key's [min, max]. */
static int
key_int(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	long long v;

	if (str_parse_int(value, k->min, k->max, &v) < 0)
		return conf_fail(ld,
		    "expected a whole number from %lld to %lld for '%s', "
		    "found '%s'",
		    k->min, k->max, k->name, value);
	*(int *)key_field(ld, rec, k) = (int)v;
	return 0;
}

/* A feed URL: http(s) as written, file: made absolute. */
static int
key_feed_url(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL ||
	    (s = conf_feed_url(ld, s)) == NULL)
		return -1;
	key_store_str(ld, rec, k, s);
	return 0;
}

/* One string value that ok() accepts; expect says what it should be. */
static int
key_set_checked(struct loader *ld, struct sect_rec *rec, const struct key *k,
    const char *value, size_t col, int (*ok)(const char *), const char *expect)
{
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (!ok(s)) {
		conf_fail(ld, "expected %s, found '%s'", expect, s);
		free(s);
		return -1;
	}
	key_store_str(ld, rec, k, s);
	return 0;
}

/* The status API address. */
static int
key_addr(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_set_checked(ld, rec, k, value, col, conf_addr_ok,
	    "ADDRESS:PORT such as 127.0.0.1:8740 or [::1]:8740");
}

/* The smtp sender. */
static int
key_mail(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_set_checked(ld, rec, k, value, col, conf_mail_ok,
	    "a mail address such as feedwatch@example.org");
}

/* A feed's language: the primary subtag lowercased, the rest as written. */
static int
key_language(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *p;

	if (key_set_checked(ld, rec, k, value, col, conf_language_ok,
	        "a language tag such as ru, ko-KR or zh-Hans") < 0)
		return -1;
	for (p = *(char **)key_field(ld, rec, k); *p != '\0' && *p != '-'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

struct strlist_arg {
	char ***v;
	size_t *n;
	int (*ok)(const char *);
	const char *expect;
};

/* Append one checked item to a string list. */
static int
key_add_str(struct loader *ld, void *arg, struct item *it, size_t col)
{
	struct strlist_arg *a = arg;

	if (!a->ok(it->text))
		return conf_fail(ld, "column %zu: expected %s, found '%s'", col,
		    a->expect, it->text);
	*a->v = conf_grow(*a->v, a->n, sizeof(char *));
	(*a->v)[*a->n - 1] = it->text;
	it->text = NULL;
	return 0;
}

/* A comma list of strings, each checked by ok (expect says what). */
static int
key_set_strlist(struct loader *ld, struct sect_rec *rec, const struct key *k,
    const char *value, size_t col, int (*ok)(const char *), const char *expect)
{
	char *base = conf_sect_base(ld, rec);
	struct strlist_arg a = {(char ***)(base + k->offset),
	    (size_t *)(base + k->count), ok, expect};

	return conf_each_item(ld, value, col, 0, key_add_str, &a);
}

/* A feed's tags. */
static int
key_tags(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_set_strlist(
	    ld, rec, k, value, col, conf_name_ok, "a tag of " NAME_RULE);
}

/* smtp recipients. */
static int
key_mail_list(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_set_strlist(ld, rec, k, value, col, conf_mail_ok,
	    "a mail address such as alerts@example.org");
}

/* Append one term to an actor or topic. */
static int
key_add_term(struct loader *ld, void *arg, struct item *it, size_t col)
{
	struct conf_entity *e = arg;
	struct conf_term t;

	if (conf_term_make(ld, it, col, &t) < 0)
		return -1;
	e->terms = conf_grow(e->terms, &e->nterms, sizeof(*e->terms));
	e->terms[e->nterms - 1] = t;
	return 0;
}

/* alias = and term =: a list of terms. */
static int
key_terms(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_each_item(
	    ld, value, col, 1, key_add_term, conf_sect_base(ld, rec));
}

/* An actor's name: its label, and its first term. */
static int
key_label(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_entity *e = conf_sect_base(ld, rec);
	struct item it;
	struct conf_term t;

	if (conf_value_item(ld, value, col, 1, &it) < 0)
		return -1;
	if (conf_term_make(ld, &it, col + it.col, &t) < 0) {
		free(it.text);
		return -1;
	}
	e->label = xstrdup(t.text);
	e->terms = conf_grow(e->terms, &e->nterms, sizeof(*e->terms));
	memmove(e->terms + 1, e->terms, (e->nterms - 1) * sizeof(*e->terms));
	e->terms[0] = t;
	return 0;
}

/* Append one section name to a reference list. */
static int
key_add_ref(struct loader *ld, void *arg, struct item *it, size_t col)
{
	struct reflist *l = arg;

	if (!conf_name_ok(it->text))
		return conf_fail(ld,
		    "column %zu: expected a section name of " NAME_RULE
		    ", found '%s'",
		    col, it->text);
	l->v = conf_grow(l->v, &l->n, sizeof(*l->v));
	l->v[l->n - 1].name = it->text;
	l->v[l->n - 1].line = ld->line;
	it->text = NULL;
	return 0;
}

/* A watchlist's actors, topics, exclude or sinks, kept as names. */
static int
key_refs(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct wl_refs *r = &ld->wlrefs[rec->index];

	return conf_each_item(
	    ld, value, col, 0, key_add_ref, (char *)r + k->offset);
}

struct feedref_arg {
	struct conf_watchlist *wl;
	struct wl_refs *refs;
};

/* Append one feed name or tag:TAG to a watchlist. */
static int
key_add_feedref(struct loader *ld, void *arg, struct item *it, size_t col)
{
	struct feedref_arg *a = arg;
	struct conf_watchlist *wl = a->wl;
	struct reflist *lines = &a->refs->feeds;
	int is_tag = str_has_prefix(it->text, "tag:");
	const char *name = it->text + (is_tag ? 4 : 0);

	if (!conf_name_ok(name))
		return conf_fail(ld,
		    "column %zu: expected a feed name or tag:TAG of " NAME_RULE
		    ", found '%s'",
		    col, it->text);
	wl->feeds = conf_grow(wl->feeds, &wl->nfeeds, sizeof(*wl->feeds));
	wl->feeds[wl->nfeeds - 1].is_tag = is_tag;
	wl->feeds[wl->nfeeds - 1].name = xstrdup(name);
	lines->v = conf_grow(lines->v, &lines->n, sizeof(*lines->v));
	lines->v[lines->n - 1].line = ld->line;
	return 0;
}

/* A watchlist's feeds = restriction. */
static int
key_feedrefs(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct feedref_arg a = {
	    conf_sect_base(ld, rec), &ld->wlrefs[rec->index]};

	return conf_each_item(ld, value, col, 0, key_add_feedref, &a);
}

/* The require text; parsed once the watchlist is resolved. */
static int
key_require(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct wl_refs *r = &ld->wlrefs[rec->index];

	r->require = xstrdup(value);
	r->require_line = ld->line;
	r->require_col = col;
	return 0;
}

/* The sink type, from sink_kinds[]. */
static int
key_sink_type(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < NSINK_KINDS; i++)
		if (strcmp(value, sink_kinds[i].name) == 0) {
			*(enum conf_sink_type *)key_field(ld, rec, k) =
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
static int
key_format(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct buf b = BUF_INIT;
	enum conf_webhook_format fmt;

	if (conf_webhook_format_find(value, &fmt) == 0) {
		key_store_str(ld, rec, k, xstrdup(value));
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

/* A value that is "@path" is the contents of that file. */
static int
key_secret(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s, *secret;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (s[0] == '@') {
		secret = conf_secret_read(ld, s + 1);
		free(s);
		if ((s = secret) == NULL)
			return -1;
	}
	key_store_str(ld, rec, k, s);
	return 0;
}

/* "Name: value", with an @file secret read into it. */
static int
key_header(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);
	char *h;

	if ((h = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (conf_header_secret(ld, &h) < 0) {
		free(h);
		return -1;
	}
	s->headers = conf_grow(s->headers, &s->nheaders, sizeof(char *));
	s->headers[s->nheaders - 1] = h;
	return 0;
}

/* An exec command, split into words without a shell. */
static int
key_command(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);

	return conf_split_words(ld, value, col, &s->argv, &s->argc);
}

/* rate-limit = N/PERIOD. */
static int
key_rate(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);

	return conf_parse_rate(ld, value, &s->rate_count, &s->rate_period_ms);
}

/* How a key type's default is stored. */
enum key_store {
	STORE_NONE, /* no default, or not in the section's struct */
	STORE_INT,
	STORE_U64,
	STORE_STR,
};

/* Each key type: its handler and the kind of its field. */
static const struct {
	key_set_fn *set;
	enum key_store store;
} key_types[] = {
    [KEY_INCLUDE] = {key_include, STORE_NONE},
    [KEY_STR] = {key_str, STORE_STR},
    [KEY_PATH] = {key_path, STORE_STR},
    [KEY_DURATION] = {key_duration, STORE_U64},
    [KEY_SIZE] = {key_size, STORE_U64},
    [KEY_INT] = {key_int, STORE_INT},
    [KEY_FEED_URL] = {key_feed_url, STORE_STR},
    [KEY_ADDR] = {key_addr, STORE_STR},
    [KEY_TAGS] = {key_tags, STORE_NONE},
    [KEY_LANGUAGE] = {key_language, STORE_STR},
    [KEY_LABEL] = {key_label, STORE_NONE},
    [KEY_TERMS] = {key_terms, STORE_NONE},
    [KEY_REFS] = {key_refs, STORE_NONE},
    [KEY_FEEDREFS] = {key_feedrefs, STORE_NONE},
    [KEY_REQUIRE] = {key_require, STORE_NONE},
    [KEY_SINK_TYPE] = {key_sink_type, STORE_NONE},
    [KEY_FORMAT] = {key_format, STORE_STR},
    [KEY_HEADER] = {key_header, STORE_NONE},
    [KEY_COMMAND] = {key_command, STORE_NONE},
    [KEY_SECRET] = {key_secret, STORE_STR},
    [KEY_MAIL] = {key_mail, STORE_STR},
    [KEY_MAIL_LIST] = {key_mail_list, STORE_NONE},
    [KEY_RATE] = {key_rate, STORE_NONE},
};

/* ---- the table's users ----------------------------------------------- */

/* Parse value into the key's field through its type's handler. */
int
conf_key_set(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_types[k->type].set(ld, rec, k, value, col);
}

/* Set the defaults of every key of a section kind in its struct base. */
void
conf_key_defaults(enum sect kind, void *base)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		void *field = (char *)base + k->offset;
		if (k->section != kind)
			continue;
		switch (key_types[k->type].store) {
		case STORE_INT:
			*(int *)field = (int)k->def;
			break;
		case STORE_U64:
			*(uint64_t *)field = k->def;
			break;
		case STORE_STR:
			if (k->def_str != NULL)
				*(char **)field = xstrdup(k->def_str);
			break;
		case STORE_NONE:
			break;
		}
	}
}

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
