/*
 * The config loader (SPEC "Config"; the format is documented key by key in
 * feedwatch.conf(5)).  conf_load reads the main file and its includes line
 * by line into one struct conf, then cross-checks it; the first problem
 * stops everything and becomes the one "file:line: what was expected"
 * message, and the half-built object is freed, so a reload either gets a
 * whole new config or keeps the old one.
 *
 * Three passes:
 *   1. read: each line is a section header, `key = value` or a comment.
 *      Every key is looked up in keys[] (the ONE table of what is accepted;
 *      the man page lists the same keys) and its handler parses the value
 *      straight into the section's struct, so value errors carry the line.
 *      References between sections are kept as names (struct wl_refs).
 *   2. finish: required keys, keys that do not fit a sink's type, defaults
 *      that depend on other sections, name indexes (sorted, so duplicates
 *      show up side by side and lookups are bsearch), then the watchlists'
 *      references and require expressions are resolved.
 *   3. warnings (conf_warn.c): advice for `feedwatch check`.
 *
 * Lexical rules: a line whose first non-blank is '#' or ';' is a comment,
 * and outside double quotes a '#' or ';' that follows a blank starts a
 * trailing comment ("url = https://x/#frag" keeps its fragment).  A value
 * may be double-quoted (\" and \\ escape inside); list keys repeat or take
 * comma-separated items, and quotes protect commas.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* Include nesting: a chain of 8 files is already hard to follow; deeper is
 * a mistake, and the bound keeps the stack of open files small. */
#define CONF_MAX_DEPTH 8
/* Files read per load: a drop-in directory of 1024 files is generous. */
#define CONF_MAX_FILES 1024
/* One line: long comma lists of aliases fit, a binary file does not. */
#define CONF_MAX_LINE (64 * 1024)
/* All files together: 100,000 terms take about 2 MiB; 64 MiB is a runaway. */
#define CONF_MAX_BYTES (64 * 1024 * 1024)
/* A secret (@file): tokens and passwords are short. */
#define CONF_MAX_SECRET (16 * 1024)
/* A term: longer than any name or phrase worth matching. */
#define CONF_MAX_TERM 512
/* A section name, tag or reference. */
#define CONF_MAX_NAME 128
/* Words of an exec command. */
#define CONF_MAX_ARGS 256

#define DEFAULT_STATE_DIR LOCALSTATEDIR "/lib/feedwatch"
#define DEFAULT_USER_AGENT "feedwatch/" PACKAGE_VERSION
#define DEFAULT_REQUIRE "actor or topic"

enum sect {
	SECT_DAEMON,
	SECT_FEED,
	SECT_ACTOR,
	SECT_TOPIC,
	SECT_WATCHLIST,
	SECT_SINK,
	SECT_ANY, /* keys allowed everywhere, even before a section */
};

static const char *const sect_names[] = {
    "daemon", "feed", "actor", "topic", "watchlist", "sink", "any"};

/* A name as written in a list, with where it was written. */
struct ref {
	char *name;
	int line;
};

struct reflist {
	struct ref *v;
	size_t n;
};

/* A watchlist's references, kept as names until every section is read. */
struct wl_refs {
	struct reflist actors, topics, exclude, sinks;
	struct reflist feeds; /* the lines of wl->feeds, for messages */
	char *require;
	int require_line;
	size_t require_col; /* 1-based column of the value in its line */
};

struct loader;
struct sect_rec;
struct key;

typedef int key_set_fn(
    struct loader *, struct sect_rec *, const struct key *, char *, size_t);

/* One key the loader accepts. */
struct key {
	enum sect sect;
	const char *name;
	key_set_fn *set;
	size_t off;         /* field in the section's struct (or wl_refs) */
	size_t off2;        /* count field of a list */
	long long min, max; /* integers, and the least duration/size */
	int list;           /* may repeat */
	int required;
	int typed; /* sink: only for the types that name it (sink_kinds[]) */
};

static key_set_fn key_str, key_path, key_duration, key_size, key_int,
    key_feed_url, key_addr, key_tags, key_label, key_terms, key_refs,
    key_feedrefs, key_require, key_sink_type, key_format, key_header,
    key_command, key_secret, key_sink_url, key_mail, key_mail_list, key_rate,
    key_include;

#define D(f) offsetof(struct conf_daemon, f)
#define F(f) offsetof(struct conf_feed, f)
#define E(f) offsetof(struct conf_entity, f)
#define W(f) offsetof(struct conf_watchlist, f)
#define R(f) offsetof(struct wl_refs, f)
#define S(f) offsetof(struct conf_sink, f)

/*
 * Every key, by section.  feedwatch.conf(5) documents exactly these (a test
 * compares the two lists); defaults are set in conf_defaults().
 */
static const struct key keys[] = {
    {SECT_ANY, "include", key_include, 0, 0, 0, 0, 1, 0, 0},
    {SECT_DAEMON, "state-dir", key_path, D(state_dir), 0, 0, 0, 0, 0, 0},
    {SECT_DAEMON, "interval", key_duration, D(interval_ms), 0, 1000, 0, 0, 0,
        0},
    {SECT_DAEMON, "max-concurrent", key_int, D(max_concurrent), 0, 1, 4096, 0,
        0, 0},
    {SECT_DAEMON, "per-host", key_int, D(per_host), 0, 1, 1024, 0, 0, 0},
    {SECT_DAEMON, "timeout", key_duration, D(timeout_ms), 0, 1, 0, 0, 0, 0},
    {SECT_DAEMON, "max-size", key_size, D(max_size), 0, 1024, 0, 0, 0, 0},
    {SECT_DAEMON, "user-agent", key_str, D(user_agent), 0, 0, 0, 0, 0, 0},
    {SECT_DAEMON, "http", key_addr, D(http), 0, 0, 0, 0, 0, 0},
    {SECT_DAEMON, "retention", key_duration, D(retention_ms), 0, 3600000, 0, 0,
        0, 0},
    {SECT_FEED, "url", key_feed_url, F(url), 0, 0, 0, 0, 1, 0},
    {SECT_FEED, "interval", key_duration, F(interval_ms), 0, 1000, 0, 0, 0, 0},
    {SECT_FEED, "tags", key_tags, F(tags), F(ntags), 0, 0, 1, 0, 0},
    {SECT_FEED, "backfill", key_int, F(backfill), 0, 0, 10000, 0, 0, 0},
    {SECT_ACTOR, "name", key_label, 0, 0, 0, 0, 0, 1, 0},
    {SECT_ACTOR, "alias", key_terms, 0, 0, 0, 0, 1, 0, 0},
    {SECT_ACTOR, "weight", key_int, E(weight), 0, 0, 1000, 0, 0, 0},
    {SECT_TOPIC, "term", key_terms, 0, 0, 0, 0, 1, 1, 0},
    {SECT_TOPIC, "weight", key_int, E(weight), 0, 0, 1000, 0, 0, 0},
    {SECT_WATCHLIST, "actors", key_refs, R(actors), 0, 0, 0, 1, 0, 0},
    {SECT_WATCHLIST, "topics", key_refs, R(topics), 0, 0, 0, 1, 0, 0},
    {SECT_WATCHLIST, "require", key_require, 0, 0, 0, 0, 0, 0, 0},
    {SECT_WATCHLIST, "exclude", key_refs, R(exclude), 0, 0, 0, 1, 0, 0},
    {SECT_WATCHLIST, "threshold", key_int, W(threshold), 0, 1, 1000000, 0, 0,
        0},
    {SECT_WATCHLIST, "title-weight", key_int, W(title_weight), 0, 0, 100, 0, 0,
        0},
    {SECT_WATCHLIST, "saturation", key_int, W(saturation), 0, 1, 1000, 0, 0, 0},
    {SECT_WATCHLIST, "feeds", key_feedrefs, 0, 0, 0, 0, 1, 0, 0},
    {SECT_WATCHLIST, "sinks", key_refs, R(sinks), 0, 0, 0, 1, 0, 0},
    {SECT_SINK, "type", key_sink_type, 0, 0, 0, 0, 0, 1, 0},
    {SECT_SINK, "path", key_path, S(path), 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "command", key_command, 0, 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "timeout", key_duration, S(timeout_ms), 0, 1, 0, 0, 0, 1},
    {SECT_SINK, "url", key_sink_url, S(url), 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "format", key_format, 0, 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "header", key_header, 0, 0, 0, 0, 1, 0, 1},
    {SECT_SINK, "from", key_mail, S(from), 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "to", key_mail_list, S(to), S(nto), 0, 0, 1, 0, 1},
    {SECT_SINK, "username", key_str, S(username), 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "password", key_secret, S(password), 0, 0, 0, 0, 0, 1},
    {SECT_SINK, "min-score", key_int, S(min_score), 0, 0, 1000000, 0, 0, 0},
    {SECT_SINK, "rate-limit", key_rate, 0, 0, 0, 0, 0, 0, 0},
    {SECT_SINK, "digest", key_duration, S(digest_ms), 0, 1000, 0, 0, 0, 0},
    {SECT_SINK, "give-up-after", key_duration, S(give_up_after_ms), 0, 1000, 0,
        0, 0, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* What each sink type takes beyond the keys every sink takes. */
static const struct sink_kind {
	const char *name;
	enum conf_sink_type type;
	const char *keys;     /* typed keys it accepts */
	const char *required; /* of which it needs */
	const char *expect;   /* the keys, for messages */
} sink_kinds[] = {
    {"log", SINK_LOG, "", "", "only the keys every sink takes"},
    {"file", SINK_FILE, "path", "path", "path"},
    {"exec", SINK_EXEC, "command timeout", "command", "command or timeout"},
    {"webhook", SINK_WEBHOOK, "url format header timeout", "url",
        "url, format, header or timeout"},
    {"smtp", SINK_SMTP, "url from to username password timeout", "url from to",
        "url, from, to, username, password or timeout"},
};

#define NSINK_KINDS (sizeof(sink_kinds) / sizeof(sink_kinds[0]))

static const char *const webhook_formats[] = {
    "json", "slack", "discord", "ntfy"};

/* A section as read: where, and the line of each key set in it. */
struct sect_rec {
	enum sect kind;
	size_t index; /* into the conf array of its kind */
	struct conf_where where;
	int keyline[NKEYS];
};

/* One open file of the include stack. */
struct conf_file {
	const char *name; /* as in messages; owned by conf->files */
	char *dir;        /* absolute, for relative paths */
	dev_t dev;
	ino_t ino;
};

struct loader {
	struct conf *c;
	int flags;
	char *err;
	struct conf_file stack[CONF_MAX_DEPTH + 1];
	int depth;                    /* files open */
	const struct conf_file *file; /* the file being read */
	int line;
	struct sect_rec *recs;
	size_t nrecs;
	long cur;               /* index into recs; -1 outside any section */
	struct wl_refs *wlrefs; /* parallel to c->watchlists */
	size_t bytes;           /* read so far, all files */
};

/* A name with where it was written, for sorted indexes. */
struct named {
	const char *name;
	const struct conf_where *where;
	const void *obj;
	size_t order;
};

struct name_index {
	struct named *v;
	size_t n;
};

struct conf_names {
	struct name_index feeds, entities, sinks, watchlists;
};

/* Record the first error, "file:line: message"; returns -1. */
static int __attribute__((format(printf, 4, 5))) conf_fail_at(
    struct loader *ld, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	if (ld->err != NULL)
		return -1;
	if (line > 0)
		buf_printf(&b, "%s:%d: ", file, line);
	else
		buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	ld->err = buf_steal(&b);
	return -1;
}

/* An error at the line being read. */
#define conf_fail(ld, ...) \
	conf_fail_at((ld), (ld)->file->name, (ld)->line, __VA_ARGS__)

/* Grow an array of n elements of size sz by one zeroed element. */
static void *
conf_grow(void *v, size_t *n, size_t sz)
{
	char *p = xreallocarray(v, *n + 1, sz);

	memset(p + *n * sz, 0, sz);
	(*n)++;
	return p;
}

/* The struct of the section rec describes. */
static void *
conf_sect_base(struct loader *ld, const struct sect_rec *rec)
{
	struct conf *c = ld->c;

	switch (rec->kind) {
	case SECT_DAEMON:
		return &c->daemon;
	case SECT_FEED:
		return &c->feeds[rec->index];
	case SECT_ACTOR:
	case SECT_TOPIC:
		return &c->entities[rec->index];
	case SECT_WATCHLIST:
		return &c->watchlists[rec->index];
	case SECT_SINK:
		return &c->sinks[rec->index];
	case SECT_ANY:
		break;
	}
	return NULL;
}

/* The name of the section rec describes ("" for [daemon]). */
static const char *
conf_sect_name(struct loader *ld, const struct sect_rec *rec)
{
	struct conf *c = ld->c;

	switch (rec->kind) {
	case SECT_FEED:
		return c->feeds[rec->index].name;
	case SECT_ACTOR:
	case SECT_TOPIC:
		return c->entities[rec->index].name;
	case SECT_WATCHLIST:
		return c->watchlists[rec->index].name;
	case SECT_SINK:
		return c->sinks[rec->index].name;
	case SECT_DAEMON:
	case SECT_ANY:
		break;
	}
	return "";
}

/* ---- values ---------------------------------------------------------- */

/* One item of a value: quoted or bare text. */
struct item {
	char *text;
	int quoted;
	int star;   /* a '*' right after the closing quote */
	size_t col; /* offset in the value */
};

/*
 * Read one item at *pp: "quoted" (\" and \\ escape) or bare text up to a
 * comma (when list) or the end.  *pp moves past the separator.  Returns 0,
 * or -1 with *why.
 */
static int
conf_item_read(const char *value, const char **pp, int list, int star_ok,
    struct item *it, const char **why)
{
	const char *p = *pp, *s, *open;
	struct buf b = BUF_INIT;
	size_t len;

	memset(it, 0, sizeof(*it));
	while (*p == ' ' || *p == '\t')
		p++;
	it->col = (size_t)(p - value);
	if (*p == '"') {
		for (open = p++; *p != '"'; p++) {
			if (*p == '\0') {
				*why = "a closing '\"' for this quote";
				p = open;
				goto fail;
			}
			if (*p == '\\' && p[1] != '\0')
				p++;
			buf_appendc(&b, *p);
		}
		p++;
		it->quoted = 1;
		if (*p == '*' && star_ok) {
			it->star = 1;
			p++;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0' && !(list && *p == ',')) {
			*why = list ? "',' or the end of the line after the "
			              "closing '\"'"
			            : "the end of the line after the closing "
			              "'\"'";
			goto fail;
		}
	} else {
		for (s = p; *p != '\0' && !(list && *p == ','); p++)
			if (*p == '"') {
				*why = "no '\"' inside a value (quote the "
				       "whole value)";
				goto fail;
			}
		len = (size_t)(p - s);
		str_trim_range(&s, &len);
		buf_append(&b, s, len);
	}
	if (b.len == 0) {
		*why = list ? "no empty item in the list" : "a value";
		goto fail;
	}
	if (list && *p == ',') {
		p++;
		for (s = p; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0') {
			*why = "an item after ','";
			goto fail;
		}
	}
	*pp = p;
	it->text = buf_steal(&b);
	return 0;
fail:
	*pp = p; /* where the problem is */
	buf_free(&b);
	return -1;
}

/* The whole value as one string, quotes removed; NULL after an error. */
static char *
conf_value_one(struct loader *ld, const char *value, size_t col)
{
	const char *p = value, *why;
	struct item it;

	if (conf_item_read(value, &p, 0, 0, &it, &why) < 0) {
		conf_fail(ld, "column %zu: expected %s",
		    col + (size_t)(p - value), why);
		return NULL;
	}
	for (const char *q = it.text; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			conf_fail(ld, "expected no control characters");
			free(it.text);
			return NULL;
		}
	return it.text;
}

/* Store s into the char * at off, complaining about a second value. */
static void
conf_set_str(void *base, size_t off, char *s)
{
	char **slot = (char **)((char *)base + off);

	free(*slot);
	*slot = s;
}

/* Percent-encode what a file: URL cannot carry literally. */
static void
conf_url_encode_path(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/-._~!$&'()*+,;=:@", c))
			buf_appendc(b, (char)c);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

/* Remove "." components and doubled slashes from an absolute path. */
static void
conf_path_clean(char *p)
{
	char *r = p, *w = p;

	while (*r != '\0') {
		if (r[0] == '/' && r[1] == '/') {
			r++;
		} else if (r[0] == '/' && r[1] == '.' &&
		    (r[2] == '/' || r[2] == '\0')) {
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

/* path made absolute against dir (dir is absolute). */
static char *
conf_path_resolve(const char *dir, const char *path)
{
	char *abs;

	if (path[0] == '/')
		abs = xstrdup(path);
	else
		xasprintf(&abs, "%s/%s", dir, path);
	conf_path_clean(abs);
	return abs;
}

/* A plain string value. */
static int
key_str(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	conf_set_str(conf_sect_base(ld, rec), k->off, s);
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
	conf_set_str(conf_sect_base(ld, rec), k->off,
	    conf_path_resolve(ld->file->dir, s));
	free(s);
	return 0;
}

/* A duration or size: parse, check the least value, store a uint64_t. */
static int
conf_set_u64(struct loader *ld, struct sect_rec *rec, const struct key *k,
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
	*(uint64_t *)((char *)conf_sect_base(ld, rec) + k->off) = v;
	return 0;
}

/* A duration in milliseconds (str_parse_duration). */
static int
key_duration(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_set_u64(ld, rec, k, value, str_parse_duration, "a duration",
	    "30s, 5m, 1h or 2d", k->min >= 1000 ? "1s" : "1ms");
}

/* A size in bytes (str_parse_size). */
static int
key_size(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_set_u64(ld, rec, k, value, str_parse_size, "a size",
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
	*(int *)((char *)conf_sect_base(ld, rec) + k->off) = (int)v;
	return 0;
}

/* Does url start with scheme followed by "://"? (case-insensitive) */
static int
conf_url_has_scheme(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);

	return str_ncasecmp(url, scheme, n) == 0 &&
	    strncmp(url + n, "://", 3) == 0;
}

/* A URL of one of the schemes (space-separated) with a host; 0 if good. */
static int
conf_check_url(
    struct loader *ld, const char *url, const char *schemes, const char *what)
{
	char scheme[16];
	const char *p = schemes, *h;
	size_t n;

	for (const char *q = url; *q != '\0'; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			return conf_fail(ld,
			    "expected %s without spaces or "
			    "control characters",
			    what);
	while (*p != '\0') {
		n = strcspn(p, " ");
		if (n < sizeof(scheme)) {
			memcpy(scheme, p, n);
			scheme[n] = '\0';
			if (conf_url_has_scheme(url, scheme)) {
				h = url + n + 3;
				if (*h == '\0' || *h == '/' || *h == '?' ||
				    *h == '#')
					return conf_fail(ld,
					    "expected a host name after "
					    "'%s://' in '%s'",
					    scheme, url);
				return 0;
			}
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return conf_fail(ld, "expected %s, found '%s'", what, url);
}

/* file:rel, file:/abs, file:///abs, file://localhost/abs -> file:///abs */
static char *
conf_file_url(struct loader *ld, const char *url)
{
	const char *p = url + 5;
	struct buf b = BUF_INIT;

	if (strncmp(p, "//", 2) == 0) {
		p += 2;
		if (str_has_prefix_case(p, "localhost/"))
			p += strlen("localhost");
		if (*p != '/') {
			conf_fail(ld,
			    "expected file:///path or file:path (no host) in "
			    "'%s'",
			    url);
			return NULL;
		}
	}
	if (*p == '\0') {
		conf_fail(ld, "expected a path after 'file:'");
		return NULL;
	}
	buf_appends(&b, "file://");
	if (*p != '/') {
		char *dir = xstrdup(ld->file->dir);
		conf_url_encode_path(&b, dir);
		free(dir);
		buf_appendc(&b, '/');
	}
	buf_appends(&b, p);
	return buf_steal(&b);
}

/* A feed URL: http(s) as written, file: made absolute. */
static int
key_feed_url(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s, *u;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (str_has_prefix_case(s, "file:")) {
		if (strpbrk(s, " \t") != NULL) {
			free(s);
			return conf_fail(ld,
			    "expected a file: URL without "
			    "spaces (write %%20)");
		}
		u = conf_file_url(ld, s);
		free(s);
		if (u == NULL)
			return -1;
		s = u;
	} else if (conf_check_url(
	               ld, s, "http https", "an http, https or file URL") < 0) {
		free(s);
		return -1;
	}
	conf_set_str(conf_sect_base(ld, rec), k->off, s);
	return 0;
}

/* One string value that ok() accepts; expect says what it should be. */
static int
conf_set_checked(struct loader *ld, struct sect_rec *rec, const struct key *k,
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
	conf_set_str(conf_sect_base(ld, rec), k->off, s);
	return 0;
}

/* ADDR:PORT, with [v6] brackets for IPv6. */
static int
conf_addr_ok(const char *s)
{
	const char *colon = strrchr(s, ':');
	long long port;

	return colon != NULL && colon != s &&
	    str_parse_int(colon + 1, 1, 65535, &port) == 0 &&
	    strpbrk(s, " \t") == NULL &&
	    (s[0] == '[' ? colon[-1] == ']'
	                 : memchr(s, ':', (size_t)(colon - s)) == NULL);
}

/* The status API address. */
static int
key_addr(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_set_checked(ld, rec, k, value, col, conf_addr_ok,
	    "ADDRESS:PORT such as 127.0.0.1:8740 or [::1]:8740");
}

/* A name of letters, digits, '-', '_' and '.'. */
static int
conf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONF_MAX_NAME)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		        (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		        *s == '.'))
			return 0;
	return 1;
}

#define NAME_RULE "letters, digits, '-', '_' or '.' (at most 128)"

/*
 * Call fn on each item of a comma list value; stops at the first error.
 */
static int
conf_each_item(struct loader *ld, const char *value, size_t col, int star_ok,
    int (*fn)(struct loader *, void *, struct item *, size_t), void *arg)
{
	const char *p = value, *why;
	struct item it;

	while (*p != '\0') {
		if (conf_item_read(value, &p, 1, star_ok, &it, &why) < 0)
			return conf_fail(ld, "column %zu: expected %s",
			    col + (size_t)(p - value), why);
		if (fn(ld, arg, &it, col + it.col) < 0) {
			free(it.text);
			return -1;
		}
		free(it.text);
	}
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
conf_add_str(struct loader *ld, void *arg, struct item *it, size_t col)
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
conf_set_strlist(struct loader *ld, struct sect_rec *rec, const struct key *k,
    const char *value, size_t col, int (*ok)(const char *), const char *expect)
{
	char *base = conf_sect_base(ld, rec);
	struct strlist_arg a = {
	    (char ***)(base + k->off), (size_t *)(base + k->off2), ok, expect};

	return conf_each_item(ld, value, col, 0, conf_add_str, &a);
}

/* A feed's tags. */
static int
key_tags(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_set_strlist(
	    ld, rec, k, value, col, conf_name_ok, "a tag of " NAME_RULE);
}

/* A mail address: something@something, no spaces or angle brackets. */
static int
conf_mail_ok(const char *s)
{
	const char *at = strrchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strpbrk(s, " \t<>,;\"") == NULL;
}

/* smtp recipients. */
static int
key_mail_list(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_set_strlist(ld, rec, k, value, col, conf_mail_ok,
	    "a mail address such as alerts@example.org");
}

/* The smtp sender. */
static int
key_mail(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_set_checked(ld, rec, k, value, col, conf_mail_ok,
	    "a mail address such as feedwatch@example.org");
}

/* Turn an item into a term: quoted = exact, trailing '*' = prefix. */
static int
conf_term_make(
    struct loader *ld, struct item *it, size_t col, struct conf_term *t)
{
	size_t len = strlen(it->text);

	memset(t, 0, sizeof(*t));
	t->exact = it->quoted;
	t->prefix = it->star;
	if (!it->quoted && it->text[len - 1] == '*') {
		t->prefix = 1;
		it->text[--len] = '\0';
		while (len > 0 &&
		    (it->text[len - 1] == ' ' || it->text[len - 1] == '\t'))
			it->text[--len] = '\0';
	}
	if (len == 0)
		return conf_fail(
		    ld, "column %zu: expected a word before '*'", col);
	if (len > CONF_MAX_TERM)
		return conf_fail(ld,
		    "column %zu: expected a term of at most %d bytes", col,
		    CONF_MAX_TERM);
	for (const char *p = it->text; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return conf_fail(ld,
			    "column %zu: expected no control characters in a "
			    "term",
			    col);
		if (*p == '*')
			return conf_fail(ld,
			    "column %zu: expected '*' only at the end of a "
			    "term, found '%s'",
			    col, it->text);
	}
	t->text = it->text;
	it->text = NULL;
	t->where.file = ld->file->name;
	t->where.line = ld->line;
	return 0;
}

/* Append one term to an actor or topic. */
static int
conf_add_term(struct loader *ld, void *arg, struct item *it, size_t col)
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
	    ld, value, col, 1, conf_add_term, conf_sect_base(ld, rec));
}

/* An actor's name: its label, and its first term. */
static int
key_label(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_entity *e = conf_sect_base(ld, rec);
	const char *p = value, *why;
	struct item it;
	struct conf_term t;

	if (conf_item_read(value, &p, 0, 1, &it, &why) < 0)
		return conf_fail(ld, "column %zu: expected %s",
		    col + (size_t)(p - value), why);
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
conf_add_ref(struct loader *ld, void *arg, struct item *it, size_t col)
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
	    ld, value, col, 0, conf_add_ref, (char *)r + k->off);
}

struct feedref_arg {
	struct conf_watchlist *wl;
	struct wl_refs *refs;
};

/* Append one feed name or tag:TAG to a watchlist. */
static int
conf_add_feedref(struct loader *ld, void *arg, struct item *it, size_t col)
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

	return conf_each_item(ld, value, col, 0, conf_add_feedref, &a);
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
	struct conf_sink *s = conf_sect_base(ld, rec);

	for (size_t i = 0; i < NSINK_KINDS; i++)
		if (strcmp(value, sink_kinds[i].name) == 0) {
			s->type = sink_kinds[i].type;
			return 0;
		}
	return conf_fail(ld,
	    "expected a sink type: log, file, exec, webhook or smtp, found "
	    "'%s'",
	    value);
}

/* A webhook body format, from webhook_formats[]. */
static int
key_format(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);

	for (size_t i = 0; i < sizeof(webhook_formats) / sizeof(char *); i++)
		if (strcmp(value, webhook_formats[i]) == 0) {
			conf_set_str(s, S(format), xstrdup(value));
			return 0;
		}
	return conf_fail(ld,
	    "expected a webhook format: json, slack, discord or ntfy, found "
	    "'%s'",
	    value);
}

/* The contents of a secret file, one trailing newline removed. */
static char *
conf_secret_read(struct loader *ld, const char *spec)
{
	char *path, *data = NULL;
	struct stat st;
	ssize_t n;
	int fd = -1;

	if (ld->flags & CONF_LOAD_NO_FILES) {
		conf_fail(ld, "@file secrets are disabled here");
		return NULL;
	}
	if (spec[0] == '\0') {
		conf_fail(ld, "expected a file name after '@'");
		return NULL;
	}
	path = conf_path_resolve(ld->file->dir, spec);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 ||
	    fstat(fd, &st) < 0) {
		conf_fail(ld, "cannot read secret file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_MAX_SECRET) {
		conf_fail(ld,
		    "expected secret file '%s' to be a regular file of at "
		    "most 16KiB",
		    path);
		goto out;
	}
	data = xmalloc((size_t)st.st_size + 1);
	if ((n = read(fd, data, (size_t)st.st_size)) < 0) {
		conf_fail(ld, "cannot read secret file '%s': %s", path,
		    strerror(errno));
		free(data);
		data = NULL;
		goto out;
	}
	data[n] = '\0';
	if (n > 0 && data[n - 1] == '\n')
		data[--n] = '\0';
	if (n > 0 && data[n - 1] == '\r')
		data[--n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)data[i] < 0x20 || data[i] == 0x7f) {
			conf_fail(ld,
			    "expected secret file '%s' to hold one line of "
			    "text",
			    path);
			free(data);
			data = NULL;
			goto out;
		}
	if (n == 0) {
		conf_fail(ld, "secret file '%s' is empty", path);
		free(data);
		data = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return data;
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
	conf_set_str(conf_sect_base(ld, rec), k->off, s);
	return 0;
}

/* A sink url (scheme checked once the type is known); may be @file. */
static int
key_sink_url(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return key_secret(ld, rec, k, value, col);
}

/* "Name: value"; a word of the value starting with '@' up to the end of
 * the line names a secret file whose contents replace it. */
static int
key_header(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);
	char *h, *colon, *at, *secret, *full;
	size_t nlen;

	if ((h = conf_value_one(ld, value, col)) == NULL)
		return -1;
	colon = strchr(h, ':');
	nlen = colon == NULL ? 0 : (size_t)(colon - h);
	for (size_t i = 0; i < nlen; i++)
		if (!(strchr("!#$%&'*+-.^_`|~", h[i]) != NULL ||
		        (h[i] >= '0' && h[i] <= '9') ||
		        (h[i] >= 'a' && h[i] <= 'z') ||
		        (h[i] >= 'A' && h[i] <= 'Z')))
			nlen = 0;
	if (nlen == 0) {
		conf_fail(ld,
		    "expected a header such as 'Authorization: Bearer "
		    "@/etc/feedwatch/token', found '%s'",
		    h);
		free(h);
		return -1;
	}
	for (at = colon + 1; (at = strchr(at, '@')) != NULL; at++)
		if (at[-1] == ' ' || at[-1] == '\t' || at[-1] == ':')
			break;
	if (at != NULL) {
		if ((secret = conf_secret_read(ld, at + 1)) == NULL) {
			free(h);
			return -1;
		}
		*at = '\0';
		xasprintf(&full, "%s%s", h, secret);
		free(secret);
		free(h);
		h = full;
	}
	s->headers = conf_grow(s->headers, &s->nheaders, sizeof(char *));
	s->headers[s->nheaders - 1] = h;
	return 0;
}

/*
 * Split a command into words without a shell: blanks separate words,
 * double quotes group (\" and \\ escape inside them), and a quoted part
 * joins the text around it ("--to=\"a b\"" is one word).
 */
static int
key_command(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);
	const char *p = value;
	struct buf w = BUF_INIT;
	char **argv = NULL;
	size_t argc = 0;
	const char *open = NULL;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		open = NULL;
		while (*p != '\0' && (open || (*p != ' ' && *p != '\t'))) {
			if (*p == '"') {
				open = open != NULL ? NULL : p;
			} else if (open && *p == '\\' && p[1] != '\0') {
				buf_appendc(&w, *++p);
			} else {
				buf_appendc(&w, *p);
			}
			p++;
		}
		if (open != NULL) {
			conf_fail(ld,
			    "column %zu: expected a closing '\"' for this "
			    "quote",
			    col + (size_t)(open - value));
			goto fail;
		}
		if (argc == CONF_MAX_ARGS) {
			conf_fail(ld, "expected at most %d words in a command",
			    CONF_MAX_ARGS);
			goto fail;
		}
		argv = xreallocarray(argv, argc + 2, sizeof(char *));
		if (argc == 0 && w.len > 0 && w.data[0] != '/' &&
		    strchr(buf_str(&w), '/') != NULL) {
			argv[argc++] = conf_path_resolve(ld->file->dir, w.data);
			buf_free(&w);
		} else {
			argv[argc++] = buf_steal(&w);
		}
		argv[argc] = NULL;
	}
	if (argc == 0 || argv[0][0] == '\0') {
		conf_fail(ld, "expected a command to run");
		goto fail;
	}
	s->argv = argv;
	s->argc = argc;
	return 0;
fail:
	buf_free(&w);
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return -1;
}

/* rate-limit = N/PERIOD: "20/h", "100/1d", "5/30m". */
static int
key_rate(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_sink *s = conf_sect_base(ld, rec);
	char *slash = strchr(value, '/'), *period;
	long long n;
	uint64_t ms;
	int bad;

	if (slash == NULL)
		return conf_fail(ld,
		    "expected a rate such as 20/h or 100/1d, found '%s'",
		    value);
	*slash = '\0';
	str_trim(value);
	period = str_trim(slash + 1);
	if (period[0] >= 'a' && period[0] <= 'z')
		xasprintf(&period, "1%s", period);
	else
		period = xstrdup(period);
	bad = str_parse_int(value, 1, 1000000, &n) < 0 ||
	    str_parse_duration(period, &ms) < 0 || ms < 1000;
	free(period);
	if (bad) {
		*slash = '/';
		return conf_fail(ld,
		    "expected a rate such as 20/h or 100/1d (a count from 1 "
		    "and a period of at least 1s)");
	}
	s->rate_count = (int)n;
	s->rate_period_ms = ms;
	return 0;
}

/* ---- files ----------------------------------------------------------- */

static int conf_read_file(struct loader *ld, const char *name);

/* A directory glob cannot read: a missing one matches nothing, anything
 * else (permissions) stops the load rather than skip files silently. */
static int
conf_glob_error(const char *path, int err)
{
	(void)path;
	return err != ENOENT && err != ENOTDIR;
}

/* include = GLOB: every match, sorted, relative to this file. */
static int
key_include(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *pat, *full;
	glob_t g;
	int rc, ret = 0;
	long saved = ld->cur;
	const struct conf_file *f = ld->file;
	int line = ld->line;

	if (ld->flags & CONF_LOAD_NO_FILES)
		return conf_fail(ld, "include is disabled here");
	if ((pat = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (pat[0] == '/') {
		full = pat;
	} else {
		/* Relative to the including file as it was named, so that
		 * messages name files the way the user wrote them. */
		const char *slash = strrchr(f->name, '/');
		if (slash == NULL)
			full = pat;
		else {
			xasprintf(&full, "%.*s/%s", (int)(slash - f->name),
			    f->name, pat);
			free(pat);
		}
	}
	memset(&g, 0, sizeof(g));
	rc = glob(full, 0, conf_glob_error, &g);
	if (rc == GLOB_NOMATCH && strpbrk(full, "*?[") == NULL)
		ret = conf_fail(
		    ld, "cannot include '%s': %s", full, strerror(ENOENT));
	else if (rc != 0 && rc != GLOB_NOMATCH)
		ret = conf_fail(ld, "cannot include '%s': %s", full,
		    rc == GLOB_NOSPACE
		        ? "out of memory"
		        : "a directory on the way is unreadable");
	for (size_t i = 0; ret == 0 && rc == 0 && i < g.gl_pathc; i++) {
		ld->cur = -1;
		ret = conf_read_file(ld, g.gl_pathv[i]);
		ld->file = f;
		ld->line = line;
	}
	ld->cur = saved;
	globfree(&g);
	free(full);
	return ret;
}

/* Absolute directory of the file named name. */
static char *
conf_file_dir(const char *name)
{
	char cwd[PATH_MAX], *abs, *slash;

	if (name[0] == '/')
		abs = xstrdup(name);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			str_lcpy(cwd, "/", sizeof(cwd));
		xasprintf(&abs, "%s/%s", cwd, name);
	}
	conf_path_clean(abs);
	slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = '\0';
	else
		*slash = '\0';
	return abs;
}

/* Find where a comment starts: '#'/';' after a blank, outside quotes. */
static void
conf_strip_comment(char *line)
{
	int inq = 0;

	for (char *p = line; *p != '\0'; p++) {
		if (inq && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			inq = !inq;
		else if (!inq && (*p == '#' || *p == ';') &&
		    (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

/* The key entry for name in a section of kind; NULL if none. */
static const struct key *
conf_key_find(enum sect kind, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if ((keys[i].sect == kind || keys[i].sect == SECT_ANY) &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* "a, b or c": the keys a section accepts, for messages. */
static char *
conf_key_list(enum sect kind)
{
	struct buf b = BUF_INIT;
	size_t n = 0, total = 0;

	for (size_t i = 0; i < NKEYS; i++)
		total += keys[i].sect == kind || keys[i].sect == SECT_ANY;
	for (size_t i = 0; i < NKEYS; i++) {
		if (keys[i].sect != kind && keys[i].sect != SECT_ANY)
			continue;
		if (n > 0)
			buf_appends(&b, ++n == total ? " or " : ", ");
		else
			n++;
		buf_appends(&b, keys[i].name);
	}
	return buf_steal(&b);
}

/* Names an actor or topic cannot take: they mean something in require. */
static int
conf_name_reserved(const char *name)
{
	static const char *const words[] = {
	    "actor", "and", "near", "not", "or", "topic"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(name, words[i]) == 0)
			return 1;
	return 0;
}

/* [kind NAME]: start a section. */
static int
conf_section(struct loader *ld, char *line)
{
	struct conf *c = ld->c;
	char *end = strchr(line, ']'), *kw, *name;
	struct sect_rec *rec;
	enum sect kind;
	size_t i;

	if (end == NULL || str_trim(end + 1)[0] != '\0')
		return conf_fail(
		    ld, "expected '[SECTION NAME]' on its own line");
	*end = '\0';
	kw = str_trim(line + 1);
	name = kw + strcspn(kw, " \t");
	if (*name != '\0')
		*name++ = '\0';
	name = str_trim(name);
	for (i = 0; i < SECT_ANY; i++)
		if (strcmp(kw, sect_names[i]) == 0)
			break;
	if (i == SECT_ANY)
		return conf_fail(ld,
		    "expected a section: daemon, feed, actor, topic, "
		    "watchlist or sink, found '%s'",
		    kw);
	kind = (enum sect)i;
	if (kind == SECT_DAEMON && *name != '\0')
		return conf_fail(ld, "expected [daemon] without a name");
	if (kind != SECT_DAEMON && !conf_name_ok(name))
		return conf_fail(
		    ld, "expected [%s NAME] with a name of " NAME_RULE, kw);
	if ((kind == SECT_ACTOR || kind == SECT_TOPIC) &&
	    conf_name_reserved(name))
		return conf_fail(ld,
		    "'%s' is a word of the require syntax; expected another "
		    "%s name",
		    name, kw);
	if (kind == SECT_DAEMON && c->daemon.where.line > 0)
		return conf_fail(ld,
		    "[daemon] appears twice (first at %s:%d); expected one",
		    c->daemon.where.file, c->daemon.where.line);
	ld->recs = conf_grow(ld->recs, &ld->nrecs, sizeof(*ld->recs));
	rec = &ld->recs[ld->nrecs - 1];
	rec->kind = kind;
	rec->where.file = ld->file->name;
	rec->where.line = ld->line;
	ld->cur = (long)(ld->nrecs - 1);
	switch (kind) {
	case SECT_DAEMON:
		c->daemon.where = rec->where;
		break;
	case SECT_FEED:
		c->feeds = conf_grow(c->feeds, &c->nfeeds, sizeof(*c->feeds));
		rec->index = c->nfeeds - 1;
		c->feeds[rec->index].name = xstrdup(name);
		c->feeds[rec->index].where = rec->where;
		break;
	case SECT_ACTOR:
	case SECT_TOPIC:
		c->entities =
		    conf_grow(c->entities, &c->nentities, sizeof(*c->entities));
		rec->index = c->nentities - 1;
		c->entities[rec->index].kind =
		    kind == SECT_ACTOR ? CONF_ACTOR : CONF_TOPIC;
		c->entities[rec->index].name = xstrdup(name);
		c->entities[rec->index].where = rec->where;
		c->entities[rec->index].weight = 1;
		if (kind == SECT_TOPIC)
			c->entities[rec->index].label = xstrdup(name);
		break;
	case SECT_WATCHLIST: {
		size_t n = c->nwatchlists;
		c->watchlists = conf_grow(
		    c->watchlists, &c->nwatchlists, sizeof(*c->watchlists));
		ld->wlrefs = conf_grow(ld->wlrefs, &n, sizeof(*ld->wlrefs));
		rec->index = c->nwatchlists - 1;
		c->watchlists[rec->index].name = xstrdup(name);
		c->watchlists[rec->index].where = rec->where;
		c->watchlists[rec->index].threshold = 1;
		c->watchlists[rec->index].title_weight = 2;
		c->watchlists[rec->index].saturation = 3;
		break;
	}
	case SECT_SINK:
		c->sinks = conf_grow(c->sinks, &c->nsinks, sizeof(*c->sinks));
		rec->index = c->nsinks - 1;
		c->sinks[rec->index].name = xstrdup(name);
		c->sinks[rec->index].where = rec->where;
		c->sinks[rec->index].timeout_ms = 30 * 1000;
		c->sinks[rec->index].give_up_after_ms = 24 * 3600 * 1000ULL;
		break;
	case SECT_ANY:
		break;
	}
	return 0;
}

/* key = value */
static int
conf_keyval(struct loader *ld, char *line, char *eq)
{
	struct sect_rec *rec = ld->cur >= 0 ? &ld->recs[ld->cur] : NULL;
	const struct key *k;
	char *key, *value, *list;
	size_t ki;

	*eq = '\0';
	key = str_trim(line);
	value = eq + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	str_trim(value);
	if (*key == '\0' ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(key))
		return conf_fail(
		    ld, "expected 'key = value', found a key '%s'", key);
	k = conf_key_find(rec == NULL ? SECT_ANY : rec->kind, key);
	if (k == NULL && rec == NULL && conf_key_find(SECT_DAEMON, key) == NULL)
		return conf_fail(ld, "unknown key '%s'", key);
	if (k == NULL && rec == NULL)
		return conf_fail(ld,
		    "'%s' outside a section; expected a [SECTION] line first",
		    key);
	if (k == NULL) {
		list = conf_key_list(rec->kind);
		conf_fail(ld, "unknown key '%s' in [%s]; expected %s", key,
		    sect_names[rec->kind], list);
		free(list);
		return -1;
	}
	if (*value == '\0')
		return conf_fail(ld, "expected a value after '%s ='", key);
	ki = (size_t)(k - keys);
	if (rec != NULL) {
		if (rec->keyline[ki] != 0 && !k->list)
			return conf_fail(ld,
			    "'%s' is already set at line %d; expected it once",
			    key, rec->keyline[ki]);
		if (rec->keyline[ki] == 0)
			rec->keyline[ki] = ld->line;
	}
	return k->set(ld, rec, k, value, (size_t)(value - line) + 1);
}

/* One line of a file. */
static int
conf_line(struct loader *ld, char *line, size_t len)
{
	char *p, *eq;

	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len > CONF_MAX_LINE)
		return conf_fail(ld, "expected a line of at most 64KiB");
	if (strlen(line) != len)
		return conf_fail(ld, "expected text, found a NUL byte");
	if (!utf8_valid(line, len))
		return conf_fail(ld, "expected UTF-8 text");
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '#' || *p == ';' || *p == '\0')
		return 0;
	conf_strip_comment(line);
	str_trim(line);
	if (line[0] == '[')
		return conf_section(ld, line);
	if ((eq = strchr(line, '=')) == NULL)
		return conf_fail(ld,
		    "expected '[SECTION NAME]', 'key = value' or a comment");
	return conf_keyval(ld, line, eq);
}

/* Read one file (the main one or an include) into the loader. */
static int
conf_read_file(struct loader *ld, const char *name)
{
	struct conf *c = ld->c;
	struct conf_file *f;
	struct stat st;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	if (ld->depth > CONF_MAX_DEPTH)
		return conf_fail(ld, "expected includes nested at most %d deep",
		    CONF_MAX_DEPTH);
	if (c->nfiles >= CONF_MAX_FILES)
		return conf_fail(
		    ld, "expected at most %d files in all", CONF_MAX_FILES);
	if ((fp = fopen(name, "re")) == NULL) {
		if (ld->depth == 0)
			return conf_fail_at(
			    ld, name, 0, "cannot read: %s", strerror(errno));
		return conf_fail(
		    ld, "cannot read '%s': %s", name, strerror(errno));
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		if (ld->depth == 0)
			return conf_fail_at(
			    ld, name, 0, "expected a regular file");
		return conf_fail(
		    ld, "expected '%s' to be a regular file", name);
	}
	if ((uint64_t)st.st_size > CONF_MAX_BYTES - ld->bytes) {
		fclose(fp);
		if (ld->depth == 0)
			return conf_fail_at(
			    ld, name, 0, "expected at most 64MiB of config");
		return conf_fail(ld,
		    "expected at most 64MiB of config, with "
		    "'%s' included",
		    name);
	}
	for (int i = 0; i < ld->depth; i++)
		if (ld->stack[i].dev == st.st_dev &&
		    ld->stack[i].ino == st.st_ino) {
			fclose(fp);
			return conf_fail(ld,
			    "'%s' is already being read (an include cycle); "
			    "expected no cycle",
			    name);
		}
	c->files = conf_grow(c->files, &c->nfiles, sizeof(char *));
	c->files[c->nfiles - 1] = xstrdup(name);
	f = &ld->stack[ld->depth++];
	f->name = c->files[c->nfiles - 1];
	f->dir = conf_file_dir(name);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	ld->file = f;
	ld->line = 0;
	while (ret == 0 && (n = getline(&line, &cap, fp)) > 0) {
		ld->line++;
		ld->bytes += (size_t)n;
		if (ld->bytes > CONF_MAX_BYTES)
			ret = conf_fail(ld, "expected at most 64MiB of config");
		else
			ret = conf_line(ld, line, (size_t)n);
		ld->file = f;
	}
	if (ret == 0 && ferror(fp))
		ret = conf_fail(ld, "read error: %s", strerror(errno));
	free(line);
	fclose(fp);
	free(f->dir);
	f->dir = NULL;
	ld->depth--;
	return ret;
}

/* ---- finishing ------------------------------------------------------- */

/* Is word one of the space-separated words of list? */
static int
conf_word_in(const char *word, const char *list)
{
	size_t n = strlen(word);

	for (const char *p = list; *p != '\0';) {
		size_t m = strcspn(p, " ");
		if (m == n && strncmp(p, word, n) == 0)
			return 1;
		p += m;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* The sink_kinds[] entry of a type. */
static const struct sink_kind *
conf_sink_kind(enum conf_sink_type t)
{
	for (size_t i = 0; i < NSINK_KINDS; i++)
		if (sink_kinds[i].type == t)
			return &sink_kinds[i];
	return NULL;
}

/* A sink's keys against its type. */
static int
conf_finish_sink(struct loader *ld, const struct sect_rec *rec)
{
	struct conf_sink *s = &ld->c->sinks[rec->index];
	const struct sink_kind *sk = conf_sink_kind(s->type);
	const char *file = rec->where.file;
	char word[32];

	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].sect == SECT_SINK && keys[i].typed &&
		    rec->keyline[i] != 0 &&
		    !conf_word_in(keys[i].name, sk->keys))
			return conf_fail_at(ld, file, rec->keyline[i],
			    "'%s' does not apply to a %s sink; expected %s",
			    keys[i].name, sk->name, sk->expect);
	for (const char *p = sk->required; *p != '\0';) {
		size_t m = strcspn(p, " ");
		const struct key *k;
		snprintf(word, sizeof(word), "%.*s", (int)m, p);
		k = conf_key_find(SECT_SINK, word);
		if (rec->keyline[k - keys] == 0)
			return conf_fail_at(ld, file, rec->where.line,
			    "[sink %s] is a %s sink; expected '%s ='", s->name,
			    sk->name, word);
		p += m;
		while (*p == ' ')
			p++;
	}
	if (s->type == SINK_WEBHOOK || s->type == SINK_SMTP) {
		int line = rec->keyline[conf_key_find(SECT_SINK, "url") - keys];
		int saved = ld->line;
		const struct conf_file *sf = ld->file;
		struct conf_file tmp = {file, NULL, 0, 0};
		int rc;
		ld->file = &tmp;
		ld->line = line;
		rc = conf_check_url(ld, s->url,
		    s->type == SINK_SMTP ? "smtp smtps" : "http https",
		    s->type == SINK_SMTP ? "an smtp:// or smtps:// URL"
		                         : "an http:// or https:// URL");
		ld->file = sf;
		ld->line = saved;
		if (rc < 0)
			return -1;
	}
	if (s->type == SINK_WEBHOOK && s->format == NULL)
		s->format = xstrdup("json");
	if (s->password != NULL && s->username == NULL)
		return conf_fail_at(ld, file,
		    rec->keyline[conf_key_find(SECT_SINK, "password") - keys],
		    "a password without a username; expected 'username =' "
		    "too");
	return 0;
}

/* Keys every section of its kind needs, and the per-kind checks. */
static int
conf_finish_sections(struct loader *ld)
{
	for (size_t r = 0; r < ld->nrecs; r++) {
		const struct sect_rec *rec = &ld->recs[r];
		for (size_t i = 0; i < NKEYS; i++)
			if (keys[i].sect == rec->kind && keys[i].required &&
			    rec->keyline[i] == 0) {
				return conf_fail_at(ld, rec->where.file,
				    rec->where.line, "[%s %s] needs '%s ='",
				    sect_names[rec->kind],
				    conf_sect_name(ld, rec), keys[i].name);
			}
		if (rec->kind == SECT_SINK && conf_finish_sink(ld, rec) < 0)
			return -1;
	}
	return 0;
}

/* ---- names ----------------------------------------------------------- */

/* Order by name, then by file order. */
static int
conf_named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (d != 0)
		return d;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* bsearch: a name against an index entry. */
static int
conf_named_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct named *)elem)->name);
}

/* Append one named section to an index. */
static void
conf_index_add(struct name_index *ix, const char *name,
    const struct conf_where *w, const void *obj)
{
	ix->v = conf_grow(ix->v, &ix->n, sizeof(*ix->v));
	ix->v[ix->n - 1].name = name;
	ix->v[ix->n - 1].where = w;
	ix->v[ix->n - 1].obj = obj;
	ix->v[ix->n - 1].order = ix->n - 1;
}

/* Sort; the later of two sections with one name is an error.  kind names
 * what an entry is (so an actor and a topic can be told apart). */
static int
conf_index_sort(
    struct loader *ld, struct name_index *ix, const char *(*kind)(const void *))
{
	const struct named *a, *b;

	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), conf_named_cmp);
	for (size_t i = 1; i < ix->n; i++) {
		if (strcmp(ix->v[i - 1].name, ix->v[i].name) != 0)
			continue;
		a = &ix->v[i - 1];
		b = &ix->v[i];
		return conf_fail_at(ld, b->where->file, b->where->line,
		    "[%s %s] has the name of the %s defined at %s:%d; expected "
		    "a new name%s",
		    kind(b->obj), b->name, kind(a->obj), a->where->file,
		    a->where->line,
		    strcmp(kind(a->obj), kind(b->obj)) != 0
		        ? " (actors and topics share one set of names)"
		        : "");
	}
	return 0;
}

/* The index entry of a name, or NULL. */
static const struct named *
conf_index_find(const struct name_index *ix, const char *name)
{
	if (ix->n == 0)
		return NULL;
	return bsearch(name, ix->v, ix->n, sizeof(*ix->v), conf_named_key_cmp);
}

/* What a feed is called in messages. */
static const char *
conf_kind_feed(const void *obj)
{
	(void)obj;
	return "feed";
}

/* What an actor or topic is called in messages. */
static const char *
conf_kind_entity(const void *obj)
{
	return ((const struct conf_entity *)obj)->kind == CONF_ACTOR ? "actor"
	                                                             : "topic";
}

/* What a watchlist is called in messages. */
static const char *
conf_kind_watchlist(const void *obj)
{
	(void)obj;
	return "watchlist";
}

/* What a sink is called in messages. */
static const char *
conf_kind_sink(const void *obj)
{
	(void)obj;
	return "sink";
}

/* Build the sorted indexes behind conf_find_*; duplicates are errors. */
static int
conf_build_names(struct loader *ld)
{
	struct conf *c = ld->c;
	struct conf_names *nm = xcalloc(1, sizeof(*nm));

	c->names = nm;
	for (size_t i = 0; i < c->nfeeds; i++)
		conf_index_add(&nm->feeds, c->feeds[i].name, &c->feeds[i].where,
		    &c->feeds[i]);
	for (size_t i = 0; i < c->nentities; i++)
		conf_index_add(&nm->entities, c->entities[i].name,
		    &c->entities[i].where, &c->entities[i]);
	for (size_t i = 0; i < c->nwatchlists; i++)
		conf_index_add(&nm->watchlists, c->watchlists[i].name,
		    &c->watchlists[i].where, &c->watchlists[i]);
	for (size_t i = 0; i < c->nsinks; i++)
		conf_index_add(&nm->sinks, c->sinks[i].name, &c->sinks[i].where,
		    &c->sinks[i]);
	if (conf_index_sort(ld, &nm->feeds, conf_kind_feed) < 0 ||
	    conf_index_sort(ld, &nm->entities, conf_kind_entity) < 0 ||
	    conf_index_sort(ld, &nm->watchlists, conf_kind_watchlist) < 0 ||
	    conf_index_sort(ld, &nm->sinks, conf_kind_sink) < 0)
		return -1;
	return 0;
}

/* ---- watchlists ------------------------------------------------------ */

/*
 * Resolve a list of actor or topic names into entity pointers.  seen[] is
 * per entity, the watchlist's number + 1 when already listed in this list.
 */
static int
conf_resolve_entities(struct loader *ld, const struct conf_watchlist *wl,
    const struct reflist *l, enum conf_entity_kind want, const char *key,
    size_t *seen, size_t mark, const struct conf_entity ***out, size_t *nout)
{
	const char *file = wl->where.file;
	const char *wname = want == CONF_ACTOR ? "actor" : "topic";
	const struct named *nd;
	const struct conf_entity *e;

	*out = xcalloc(l->n + 1, sizeof(**out));
	*nout = 0;
	for (size_t i = 0; i < l->n; i++) {
		if ((nd = conf_index_find(
		         &ld->c->names->entities, l->v[i].name)) == NULL)
			return conf_fail_at(ld, file, l->v[i].line,
			    "unknown %s '%s' in '%s ='; expected the name of "
			    "an "
			    "[%s] section",
			    wname, l->v[i].name, key, wname);
		e = nd->obj;
		if (e->kind != want)
			return conf_fail_at(ld, file, l->v[i].line,
			    "'%s' is %s; expected %s in '%s ='", e->name,
			    e->kind == CONF_ACTOR ? "an actor" : "a topic",
			    want == CONF_ACTOR ? "an actor" : "a topic", key);
		if (seen[e - ld->c->entities] == mark)
			return conf_fail_at(ld, file, l->v[i].line,
			    "'%s' is listed twice in '%s ='; expected each "
			    "once",
			    e->name, key);
		seen[e - ld->c->entities] = mark;
		(*out)[(*nout)++] = e;
	}
	return 0;
}

/* sinks = and feeds = of one watchlist. */
static int
conf_resolve_outlets(
    struct loader *ld, struct conf_watchlist *wl, const struct wl_refs *r)
{
	struct conf *c = ld->c;
	const struct named *nd;
	int found;

	wl->sinks = xcalloc(r->sinks.n + 1, sizeof(*wl->sinks));
	for (size_t i = 0; i < r->sinks.n; i++) {
		if ((nd = conf_index_find(
		         &c->names->sinks, r->sinks.v[i].name)) == NULL)
			return conf_fail_at(ld, wl->where.file,
			    r->sinks.v[i].line,
			    "unknown sink '%s' in 'sinks ='; expected the name "
			    "of a [sink] section",
			    r->sinks.v[i].name);
		for (size_t j = 0; j < wl->nsinks; j++)
			if (wl->sinks[j] == nd->obj)
				return conf_fail_at(ld, wl->where.file,
				    r->sinks.v[i].line,
				    "'%s' is listed twice in 'sinks ='; "
				    "expected each once",
				    r->sinks.v[i].name);
		wl->sinks[wl->nsinks++] = nd->obj;
	}
	for (size_t i = 0; i < wl->nfeeds; i++) {
		const struct conf_feedref *fr = &wl->feeds[i];
		if (!fr->is_tag) {
			if (conf_index_find(&c->names->feeds, fr->name) == NULL)
				return conf_fail_at(ld, wl->where.file,
				    r->feeds.v[i].line,
				    "unknown feed '%s' in 'feeds ='; expected "
				    "the name of a [feed] section or tag:TAG",
				    fr->name);
			continue;
		}
		found = 0;
		for (size_t f = 0; f < c->nfeeds && !found; f++)
			for (size_t t = 0; t < c->feeds[f].ntags; t++)
				if (strcmp(c->feeds[f].tags[t], fr->name) == 0)
					found = 1;
		if (!found)
			return conf_fail_at(ld, wl->where.file,
			    r->feeds.v[i].line,
			    "no feed has the tag '%s' of 'feeds ='; expected "
			    "a tag that some feed's 'tags =' lists",
			    fr->name);
	}
	return 0;
}

/* Resolve every watchlist's references and parse its require. */
static int
conf_resolve_watchlists(struct loader *ld)
{
	struct conf *c = ld->c;
	size_t *seen = xcalloc(c->nentities + 1, sizeof(*seen));
	size_t mark = 0, col;
	char *msg;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < c->nwatchlists; i++) {
		struct conf_watchlist *wl = &c->watchlists[i];
		struct wl_refs *r = &ld->wlrefs[i];
		ret = conf_resolve_entities(ld, wl, &r->actors, CONF_ACTOR,
		          "actors", seen, ++mark, &wl->actors,
		          &wl->nactors) < 0 ||
		    conf_resolve_entities(ld, wl, &r->topics, CONF_TOPIC,
		        "topics", seen, ++mark, &wl->topics,
		        &wl->ntopics) < 0 ||
		    conf_resolve_entities(ld, wl, &r->exclude, CONF_TOPIC,
		        "exclude", seen, ++mark, &wl->exclude,
		        &wl->nexclude) < 0 ||
		    conf_resolve_outlets(ld, wl, r) < 0;
		if (ret != 0) {
			ret = -1;
			break;
		}
		if (wl->nactors == 0 && wl->ntopics == 0) {
			ret = conf_fail_at(ld, wl->where.file, wl->where.line,
			    "[watchlist %s] needs 'actors =' or 'topics ='",
			    wl->name);
			break;
		}
		wl->require_text =
		    xstrdup(r->require != NULL ? r->require : DEFAULT_REQUIRE);
		wl->require = conf_expr_parse(wl->require_text, wl, &col, &msg);
		if (wl->require == NULL) {
			ret = conf_fail_at(ld, wl->where.file, r->require_line,
			    "require, column %zu: %s", r->require_col + col,
			    msg);
			free(msg);
		}
	}
	free(seen);
	return ret;
}

/* Defaults that depend on other sections, then the cross-checks. */
static int
conf_finish(struct loader *ld)
{
	struct conf *c = ld->c;
	size_t fi = (size_t)(conf_key_find(SECT_FEED, "interval") - keys);

	if (conf_finish_sections(ld) < 0)
		return -1;
	for (size_t r = 0; r < ld->nrecs; r++)
		if (ld->recs[r].kind == SECT_FEED &&
		    ld->recs[r].keyline[fi] == 0)
			c->feeds[ld->recs[r].index].interval_ms =
			    c->daemon.interval_ms;
	if (conf_build_names(ld) < 0 || conf_resolve_watchlists(ld) < 0)
		return -1;
	return 0;
}

/* Defaults of [daemon], in force whether or not the section exists. */
static void
conf_defaults(struct conf *c)
{
	struct conf_daemon *d = &c->daemon;

	d->state_dir = xstrdup(DEFAULT_STATE_DIR);
	d->interval_ms = 5 * 60 * 1000;
	d->max_concurrent = 64;
	d->per_host = 4;
	d->timeout_ms = 30 * 1000;
	d->max_size = 8 * 1024 * 1024;
	d->user_agent = xstrdup(DEFAULT_USER_AGENT);
	d->retention_ms = 14ULL * 86400 * 1000;
	d->where.file = c->path;
}

/* Free a list of names. */
static void
conf_reflist_free(struct reflist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
}

/* Free what the loader kept beside the conf. */
static void
conf_loader_free(struct loader *ld)
{
	for (size_t i = 0; i < ld->c->nwatchlists; i++) {
		struct wl_refs *r = &ld->wlrefs[i];
		conf_reflist_free(&r->actors);
		conf_reflist_free(&r->topics);
		conf_reflist_free(&r->exclude);
		conf_reflist_free(&r->sinks);
		conf_reflist_free(&r->feeds);
		free(r->require);
	}
	free(ld->wlrefs);
	free(ld->recs);
}

/* Read, finish, warn; on error free everything and pass the message. */
struct conf *
conf_load_flags(const char *path, int flags, char **err)
{
	struct loader ld;
	struct conf *c = xcalloc(1, sizeof(*c));

	memset(&ld, 0, sizeof(ld));
	ld.c = c;
	ld.flags = flags;
	ld.cur = -1;
	c->path = xstrdup(path);
	conf_defaults(c);
	if (conf_read_file(&ld, path) == 0 && conf_finish(&ld) == 0 &&
	    ld.err == NULL)
		conf_warn_all(c);
	conf_loader_free(&ld);
	if (ld.err != NULL) {
		conf_free(c);
		*err = ld.err;
		return NULL;
	}
	return c;
}

/* conf_load_flags without flags: what the daemon and tools call. */
struct conf *
conf_load(const char *path, char **err)
{
	return conf_load_flags(path, 0, err);
}

/* Free an array of n strings. */
static void
conf_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Free a conf and everything it owns (NULL is fine). */
void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->daemon.state_dir);
	free(c->daemon.user_agent);
	free(c->daemon.http);
	for (size_t i = 0; i < c->nfeeds; i++) {
		free(c->feeds[i].name);
		free(c->feeds[i].url);
		conf_strv_free(c->feeds[i].tags, c->feeds[i].ntags);
	}
	free(c->feeds);
	for (size_t i = 0; i < c->nentities; i++) {
		struct conf_entity *e = &c->entities[i];
		free(e->name);
		free(e->label);
		for (size_t t = 0; t < e->nterms; t++)
			free(e->terms[t].text);
		free(e->terms);
	}
	free(c->entities);
	for (size_t i = 0; i < c->nwatchlists; i++) {
		struct conf_watchlist *wl = &c->watchlists[i];
		free(wl->name);
		free(wl->actors);
		free(wl->topics);
		free(wl->exclude);
		free(wl->sinks);
		conf_expr_free(wl->require);
		free(wl->require_text);
		for (size_t f = 0; f < wl->nfeeds; f++)
			free(wl->feeds[f].name);
		free(wl->feeds);
	}
	free(c->watchlists);
	for (size_t i = 0; i < c->nsinks; i++) {
		struct conf_sink *s = &c->sinks[i];
		free(s->name);
		free(s->path);
		conf_strv_free(s->argv, s->argc);
		free(s->url);
		free(s->format);
		conf_strv_free(s->headers, s->nheaders);
		free(s->from);
		conf_strv_free(s->to, s->nto);
		free(s->username);
		free(s->password);
	}
	free(c->sinks);
	conf_strv_free(c->warnings, c->nwarnings);
	conf_strv_free(c->files, c->nfiles);
	if (c->names != NULL) {
		free(c->names->feeds.v);
		free(c->names->entities.v);
		free(c->names->watchlists.v);
		free(c->names->sinks.v);
		free(c->names);
	}
	free(c->path);
	free(c);
}

/* ---- lookups --------------------------------------------------------- */

/* A feed by name, or NULL. */
const struct conf_feed *
conf_find_feed(const struct conf *c, const char *name)
{
	const struct named *nd = conf_index_find(&c->names->feeds, name);

	return nd != NULL ? nd->obj : NULL;
}

/* An actor or topic by name, or NULL. */
const struct conf_entity *
conf_find_entity(const struct conf *c, const char *name)
{
	const struct named *nd = conf_index_find(&c->names->entities, name);

	return nd != NULL ? nd->obj : NULL;
}

/* A sink by name, or NULL. */
const struct conf_sink *
conf_find_sink(const struct conf *c, const char *name)
{
	const struct named *nd = conf_index_find(&c->names->sinks, name);

	return nd != NULL ? nd->obj : NULL;
}

/* No restriction admits all; else a name or a tag must match. */
int
conf_watchlist_wants_feed(
    const struct conf_watchlist *wl, const struct conf_feed *feed)
{
	if (wl->nfeeds == 0)
		return 1;
	for (size_t i = 0; i < wl->nfeeds; i++) {
		const struct conf_feedref *fr = &wl->feeds[i];
		if (!fr->is_tag && strcmp(fr->name, feed->name) == 0)
			return 1;
		for (size_t t = 0; fr->is_tag && t < feed->ntags; t++)
			if (strcmp(fr->name, feed->tags[t]) == 0)
				return 1;
	}
	return 0;
}

/* The config word of a sink type. */
const char *
conf_sink_type_name(enum conf_sink_type t)
{
	const struct sink_kind *sk = conf_sink_kind(t);

	return sk != NULL ? sk->name : "unknown";
}

/* Walk the key table (tests compare it with the man page). */
const char *
conf_key_at(size_t i, const char **section)
{
	if (i >= NKEYS)
		return NULL;
	if (section != NULL)
		*section = sect_names[keys[i].sect];
	return keys[i].name;
}
