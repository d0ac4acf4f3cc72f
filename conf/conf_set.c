/*
 * The key handlers: one per key type of the key table (conf_keys.c), each
 * parsing a value (with conf_value.c) straight into its field of the
 * section's struct, or into the watchlist's references kept as names.
 * Beside them, what each type's field is, which says how a key's default
 * from the table is set when its section starts.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* The field of the section's struct a key stores into. */
void *
conf_key_field(
    struct loader *ld, const struct sect_rec *rec, const struct key *k)
{
	return (char *)conf_sect_base(ld, rec) + k->offset;
}

/* Store s into the char * of the key, replacing what was there. */
void
conf_key_store_str(
    struct loader *ld, const struct sect_rec *rec, const struct key *k, char *s)
{
	char **slot = conf_key_field(ld, rec, k);

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
	*(uint64_t *)conf_key_field(ld, rec, k) = v;
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
	*(int *)conf_key_field(ld, rec, k) = (int)v;
	return 0;
}

/* path made absolute against the directory of the file being read. */
static char *
key_fix_path(struct loader *ld, char *path)
{
	char *abs = conf_path_resolve(ld->file->dir, path);

	free(path);
	return abs;
}

/* "@path" is the contents of that file; any other value is itself. */
static char *
key_fix_secret(struct loader *ld, char *s)
{
	char *secret;

	if (s[0] != '@')
		return s;
	secret = conf_secret_read(ld, s + 1);
	free(s);
	return secret;
}

/* libxml2 would print an XPath's errors; the loader says it its way. */
static void
key_xpath_quiet(void *ctx, xmlErrorPtr e)
{
}

/* The same, for libxml2's older error path. */
static void
key_xpath_quiet_generic(void *ctx, const char *fmt, ...)
{
}

/* A language tag: the primary subtag lowercased, the rest as written. */
static char *
key_fix_language(struct loader *ld, char *tag)
{
	for (char *p = tag; *p != '\0' && *p != '-'; p++)
		*p = (char)tolower((unsigned char)*p);
	return tag;
}

/* `article =`: where an item's text comes from. */
static int
key_article_ok(const char *s)
{
	return strcmp(s, "feed") == 0 || strcmp(s, "fetch") == 0;
}

/* `article-xpath =`: compiled now, so a typo is a file:line error and not
 * a surprise at the first item (the pipeline compiles it again). */
static int
key_xpath_ok(const char *s)
{
	xmlXPathCompExprPtr comp;

	xmlSetStructuredErrorFunc(NULL, key_xpath_quiet);
	xmlSetGenericErrorFunc(NULL, key_xpath_quiet_generic);
	comp = xmlXPathCompile((const xmlChar *)s);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlXPathFreeCompExpr(comp);
	return comp != NULL;
}

/* What the value of each string type must be, and what it becomes. */
static const struct key_string {
	int (*ok)(const char *);               /* NULL: any text */
	const char *expect;                    /* what ok wants, for messages */
	char *(*fix)(struct loader *, char *); /* owns the string; returns
	                                          what to store, NULL after
	                                          an error */
} key_strings[KEY_NTYPES] = {
    [KEY_PATH] = {.fix = key_fix_path},
    [KEY_FEED_URL] = {.fix = conf_feed_url},
    [KEY_SECRET] = {.fix = key_fix_secret},
    [KEY_ADDR] = {.ok = conf_addr_ok,
        .expect = "ADDRESS:PORT such as 127.0.0.1:8740 or [::1]:8740"},
    [KEY_MAIL] = {.ok = conf_mail_ok,
        .expect = "a mail address such as feedwatch@example.org"},
    [KEY_LANGUAGE] = {.ok = conf_language_ok,
        .expect = "a language tag such as ru, ko-KR or zh-Hans",
        .fix = key_fix_language},
    [KEY_TAGS] = {.ok = conf_name_ok, .expect = "a tag of " NAME_RULE},
    [KEY_MAIL_LIST] = {.ok = conf_mail_ok,
        .expect = "a mail address such as alerts@example.org"},
    [KEY_HOST_LIST] = {.ok = conf_host_name_ok,
        .expect = "a host name such as feeds.example.org or an address"},
    [KEY_ENV_LIST] = {.ok = conf_env_pass_ok,
        .expect = "a variable name such as API_TOKEN, not FEEDWATCH_* "
                  "(the sink sets those for each alert)"},
    [KEY_ARTICLE] = {.ok = key_article_ok, .expect = "feed or fetch"},
    [KEY_XPATH] = {.ok = key_xpath_ok,
        .expect = "an XPath expression such as //div[@id='story']"},
    [KEY_CREDS] = {.fix = conf_creds_path},
    [KEY_STREAM] = {.ok = conf_stream_name_ok,
        .expect = "letters, digits, '-' or '_' (at most 64)"},
    [KEY_SUBJECT] = {.ok = conf_subject_ok,
        .expect = "a NATS subject such as feedwatch.alerts.WATCHLIST"},
};

/* One string value: checked and fixed as its type says, then stored. */
static int
key_string(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	const struct key_string *ks = &key_strings[k->type];
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (ks->ok != NULL && !ks->ok(s)) {
		conf_fail(ld, "expected %s, found '%s'", ks->expect, s);
		free(s);
		return -1;
	}
	if (ks->fix != NULL && (s = ks->fix(ld, s)) == NULL)
		return -1;
	conf_key_store_str(ld, rec, k, s);
	return 0;
}

struct strlist_arg {
	char ***v;
	size_t *n;
	const struct key_string *ks;
};

/* Append one checked item to a string list. */
static int
key_add_str(struct loader *ld, void *arg, struct item *it, size_t col)
{
	struct strlist_arg *a = arg;

	if (!a->ks->ok(it->text))
		return conf_fail(ld, "column %zu: expected %s, found '%s'", col,
		    a->ks->expect, it->text);
	*a->v = conf_grow(*a->v, a->n, sizeof(char *));
	(*a->v)[*a->n - 1] = it->text;
	it->text = NULL;
	return 0;
}

/* A comma list of strings, each checked as its type says. */
static int
key_strlist(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *base = conf_sect_base(ld, rec);
	struct strlist_arg a = {(char ***)(base + k->offset),
	    (size_t *)(base + k->count), &key_strings[k->type]};

	return conf_each_item(ld, value, col, 0, key_add_str, &a);
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

/* "Name: value", with an @file secret read into it, appended to the
 * key's list (a sink's, a feed's or the [daemon]'s headers). */
static int
key_header(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *base = conf_sect_base(ld, rec), *h;
	char ***v = (char ***)(base + k->offset);
	size_t *n = (size_t *)(base + k->count);

	if ((h = conf_value_one(ld, value, col)) == NULL)
		return -1;
	if (conf_header_secret(ld, &h) < 0) {
		free(h);
		return -1;
	}
	*v = conf_grow(*v, n, sizeof(char *));
	(*v)[*n - 1] = h;
	return 0;
}

/* The words people write for on and off. */
static const struct {
	const char *word;
	int value;
} key_bools[] = {
    {"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0}, {"on", 1}, {"off", 0}};

/* yes/no (true/false, on/off) into the key's int. */
static int
key_bool(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	int *slot = (int *)conf_key_field(ld, rec, k);
	char *s;

	if ((s = conf_value_one(ld, value, col)) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(key_bools) / sizeof(*key_bools); i++)
		if (str_casecmp(s, key_bools[i].word) == 0) {
			*slot = key_bools[i].value;
			free(s);
			return 0;
		}
	conf_fail(ld, "expected yes or no, found '%s'", s);
	free(s);
	return -1;
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
} key_types[KEY_NTYPES] = {
    [KEY_INCLUDE] = {key_include, STORE_NONE},
    [KEY_STR] = {key_string, STORE_STR},
    [KEY_PATH] = {key_string, STORE_STR},
    [KEY_DURATION] = {key_duration, STORE_U64},
    [KEY_SIZE] = {key_size, STORE_U64},
    [KEY_INT] = {key_int, STORE_INT},
    [KEY_FEED_URL] = {key_string, STORE_STR},
    [KEY_ADDR] = {key_string, STORE_STR},
    [KEY_TAGS] = {key_strlist, STORE_NONE},
    [KEY_LANGUAGE] = {key_string, STORE_STR},
    [KEY_LABEL] = {key_label, STORE_NONE},
    [KEY_TERMS] = {key_terms, STORE_NONE},
    [KEY_REFS] = {key_refs, STORE_NONE},
    [KEY_FEEDREFS] = {key_feedrefs, STORE_NONE},
    [KEY_REQUIRE] = {key_require, STORE_NONE},
    [KEY_SINK_TYPE] = {conf_key_sink_type, STORE_NONE},
    [KEY_FORMAT] = {conf_key_format, STORE_STR},
    [KEY_HEADER] = {key_header, STORE_NONE},
    [KEY_COMMAND] = {key_command, STORE_NONE},
    [KEY_SECRET] = {key_string, STORE_STR},
    [KEY_MAIL] = {key_string, STORE_STR},
    [KEY_MAIL_LIST] = {key_strlist, STORE_NONE},
    [KEY_ENV_LIST] = {key_strlist, STORE_NONE},
    [KEY_HOST_LIST] = {key_strlist, STORE_NONE},
    [KEY_TLS] = {conf_key_tls, STORE_NONE},
    [KEY_RATE] = {key_rate, STORE_NONE},
    [KEY_BOOL] = {key_bool, STORE_INT},
    [KEY_SURGE] = {conf_key_surge, STORE_NONE},
    [KEY_QUIET] = {conf_key_quiet, STORE_NONE},
    [KEY_TIMEZONE] = {conf_key_timezone, STORE_STR},
    [KEY_ARTICLE] = {key_string, STORE_STR},
    [KEY_XPATH] = {key_string, STORE_STR},
    [KEY_CREDS] = {key_string, STORE_STR},
    [KEY_STREAM] = {key_string, STORE_STR},
    [KEY_SUBJECT] = {key_string, STORE_STR},
};

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
	const struct key *k;

	for (size_t i = 0; (k = conf_key_get(i)) != NULL; i++) {
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
