/*
 * Private to conf/conf*.c: what the loader's files share.  Nothing outside
 * conf/ includes this.
 *
 *   conf.c        reading files, lines and sections; finishing; freeing
 *   conf_keys.c   the key table (every key, its default and range), the
 *                 table of sink kinds and webhook formats
 *   conf_set.c    the handler of each key type, and setting defaults
 *   conf_value.c  values: items and quotes, paths, URLs, secrets, terms,
 *                 word splitting, names, addresses, language tags
 *   conf_ref.c    name indexes and resolving a watchlist's references
 *   conf_expr.c   the require parser
 *   conf_warn.c   the advice for `feedwatch check`
 */
#ifndef FW_CONF_CONF_PRIV_H
#define FW_CONF_CONF_PRIV_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

struct buf;

/* Include nesting: a chain of 8 files is already hard to follow; deeper is
 * a mistake, and the bound keeps the stack of open files small. */
#define CONF_MAX_DEPTH 8
/* A section name, tag or reference. */
#define CONF_MAX_NAME 128
/* Room for every key of the table in a section's record (conf_keys.c
 * checks the table fits). */
#define CONF_MAX_KEYS 128

#define NAME_RULE "letters, digits, '-', '_' or '.' (at most 128)"

enum sect {
	SECT_DAEMON,
	SECT_FEED,
	SECT_ACTOR,
	SECT_TOPIC,
	SECT_WATCHLIST,
	SECT_SINK,
	SECT_CLUSTER,
	SECT_ANY, /* keys allowed everywhere, even before a section */
};

/* Indexed by enum sect. */
extern const char *const conf_sect_names[];

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

/* A section as read: where, and the line of each key set in it. */
struct sect_rec {
	enum sect kind;
	size_t index; /* into the conf array of its kind */
	struct conf_where where;
	int keyline[CONF_MAX_KEYS]; /* by index into the key table */
};

/* One open file of the include stack. */
struct conf_file {
	const char *name; /* as in messages; owned by conf->files */
	char *dir;        /* absolute, for relative paths */
	dev_t dev;
	ino_t ino;
};

/* One load in progress. */
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

/* What a key's value is: its parser, and how its default is stored. */
enum key_type {
	KEY_INCLUDE,
	KEY_STR,
	KEY_PATH,
	KEY_DURATION,
	KEY_SIZE,
	KEY_INT,
	KEY_FEED_URL,
	KEY_ADDR,
	KEY_TAGS,
	KEY_LANGUAGE,
	KEY_LABEL,
	KEY_TERMS,
	KEY_REFS,
	KEY_FEEDREFS,
	KEY_REQUIRE,
	KEY_SINK_TYPE,
	KEY_FORMAT,
	KEY_HEADER,
	KEY_COMMAND,
	KEY_SECRET,
	KEY_MAIL,
	KEY_MAIL_LIST,
	KEY_ENV_LIST,
	KEY_HOST_LIST, /* host names or addresses, comma separated */
	KEY_TLS,       /* an smtp sink's tls = word */
	KEY_RATE,
	KEY_BOOL,
	KEY_SURGE,
	KEY_QUIET,
	KEY_TIMEZONE,
	KEY_ARTICLE,
	KEY_XPATH,
	KEY_CREDS,   /* `@file` naming a file that libnats reads */
	KEY_STREAM,  /* a JetStream stream or bucket name part */
	KEY_SUBJECT, /* a NATS subject, WATCHLIST replaced */
	KEY_NTYPES,
};

/* One key the loader accepts (conf_keys.c has the table). */
struct key {
	enum sect section;
	const char *name;
	enum key_type type;
	size_t offset;       /* field in the section's struct (or wl_refs) */
	size_t count;        /* count field of a list */
	long long min, max;  /* integers, and the least duration/size */
	uint64_t def;        /* default of an integer, duration or size */
	const char *def_str; /* default of a string */
	int list;            /* may repeat */
	int required;
	int typed; /* sink: only for the types that name it (sink kinds) */
};

/* What each sink type takes beyond the keys every sink takes. */
struct conf_sink_kind {
	const char *name;
	enum conf_sink_type type;
	const char *keys;     /* typed keys it accepts */
	const char *required; /* of which it needs */
	const char *expect;   /* the keys, for messages */
};

/* One item of a value: quoted or bare text. */
struct item {
	char *text;
	int quoted;
	int star;   /* a '*' right after the closing quote */
	size_t col; /* offset in the value */
};

/* conf.c */
int conf_fail_at(struct loader *ld, const char *file, int line, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
/* An error at the line being read. */
#define conf_fail(ld, ...) \
	conf_fail_at((ld), (ld)->file->name, (ld)->line, __VA_ARGS__)
void *conf_grow(void *v, size_t *n, size_t sz);
void conf_strv_free(char **v, size_t n);
void *conf_sect_base(struct loader *ld, const struct sect_rec *rec);
int conf_include(struct loader *ld, const char *pattern);

/* A key type's handler: parse value (at col of its line) into its field. */
typedef int key_set_fn(
    struct loader *, struct sect_rec *, const struct key *, char *, size_t);

/* conf_keys.c */
key_set_fn conf_key_sink_type, conf_key_format, conf_key_tls;
const struct key *conf_key_find(enum sect kind, const char *name);
size_t conf_key_index(const struct key *k);
const struct key *conf_key_get(size_t i);
char *conf_key_list(enum sect kind);
const struct conf_sink_kind *conf_sink_kind(enum conf_sink_type t);

/* conf_quiet.c: surge, quiet-hours and timezone */
key_set_fn conf_key_surge, conf_key_quiet, conf_key_timezone;

/* conf_set.c */
void *conf_key_field(
    struct loader *ld, const struct sect_rec *rec, const struct key *k);
void conf_key_store_str(struct loader *ld, const struct sect_rec *rec,
    const struct key *k, char *s);
int conf_key_set(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col);
void conf_key_defaults(enum sect kind, void *base);

/* conf_value.c */
void conf_list_word(struct buf *b, const char *word, size_t i, size_t n);
int conf_word_in(const char *word, const char *list);
void conf_strip_comment(char *line);
int conf_value_item(struct loader *ld, const char *value, size_t col,
    int star_ok, struct item *it);
char *conf_value_one(struct loader *ld, const char *value, size_t col);
int conf_each_item(struct loader *ld, const char *value, size_t col,
    int star_ok, int (*fn)(struct loader *, void *, struct item *, size_t),
    void *arg);
char *conf_path_resolve(const char *dir, const char *path);
char *conf_file_dir(const char *name);
int conf_check_url(
    struct loader *ld, const char *url, const char *schemes, const char *what);
char *conf_feed_url(struct loader *ld, char *url);
char *conf_secret_read(struct loader *ld, const char *spec);
int conf_file_open(const char *path, struct stat *st);
int conf_header_secret(struct loader *ld, char **header);
/* conf_fetch.c */
void conf_fetch_inherit(struct loader *ld);
void conf_fetch_free(struct conf_fetch *f);
int conf_split_words(struct loader *ld, const char *value, size_t col,
    char ***argvp, size_t *argcp);
int conf_parse_rate(
    struct loader *ld, char *value, int *count, uint64_t *period_ms);
char *conf_pool_strdup(struct conf *c, const char *s);
void conf_pool_free(struct conf_pool *p);
int conf_term_make(
    struct loader *ld, struct item *it, size_t col, struct conf_term *t);
int conf_name_ok(const char *s);
int conf_addr_ok(const char *s);
int conf_mail_ok(const char *s);
int conf_env_name_ok(const char *s);
int conf_env_pass_ok(const char *s);
int conf_host_name_ok(const char *s);
int conf_language_ok(const char *s);

/* conf_cluster.c: [cluster] and the nats sink */
int conf_check_nats(
    struct loader *ld, const char *file, int line, const char *urls);
int conf_finish_cluster(struct loader *ld, const struct sect_rec *rec);
void conf_cluster_free(struct conf_cluster *cl);
char *conf_creds_path(struct loader *ld, char *s);
int conf_stream_name_ok(const char *s);
int conf_subject_ok(const char *s);

/* conf_ref.c */
int conf_build_names(struct loader *ld);
int conf_resolve_watchlists(struct loader *ld);
void conf_names_free(struct conf_names *nm);

/* conf_expr.c */
/*
 * Parse a require expression against the watchlist's resolved actors and
 * topics.  NULL on error, with *col (0-based offset into text) and *msg
 * (free it) saying what was expected.
 */
struct conf_expr *conf_expr_parse(
    const char *text, const struct conf_watchlist *wl, size_t *col, char **msg);
void conf_expr_free(struct conf_expr *e);

/* conf_warn.c */
/* Add every warning worth a look to a loaded, cross-checked config. */
void conf_warn_all(struct conf *c);

#endif
