/*
 * The config loader (SPEC "Config"; the format is documented key by key in
 * feedwatch.conf(5)).  conf_load reads the main file and its includes line
 * by line into one struct conf, then cross-checks it; the first problem
 * stops everything and becomes the one "file:line: what was expected"
 * message, and the half-built object is freed, so a reload either gets a
 * whole new config or keeps the old one.
 *
 * Three passes:
 *   1. read (this file): each line is a section header, `key = value` or
 *      a comment.  A section starts with its keys' defaults; every key is
 *      looked up in the key table (conf_keys.c, the ONE list of what is
 *      accepted, with its default and range) and its handler parses the
 *      value (conf_value.c) straight into the section's struct, so value
 *      errors carry the line.  References between sections are kept as
 *      names (struct wl_refs).
 *   2. finish: required keys, keys that do not fit a sink's type, the one
 *      default that depends on another section, then the name indexes and
 *      the watchlists' references and require expressions (conf_ref.c).
 *   3. warnings (conf_warn.c): advice for `feedwatch check`.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
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

/* Files read per load: a drop-in directory of 1024 files is generous. */
#define CONF_MAX_FILES 1024
/* One line: long comma lists of aliases fit, a binary file does not. */
#define CONF_MAX_LINE (64 * 1024)
/* All files together: 100,000 terms take about 2 MiB; 64 MiB is a runaway. */
#define CONF_MAX_BYTES (64 * 1024 * 1024)

/* Record the first error, "file:line: message"; returns -1. */
int
conf_fail_at(
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

/*
 * Grow an array of n elements of size sz by one zeroed element.  Room
 * doubles whenever n reaches a power of two, so that 20,000 sections cost
 * a few reallocations rather than one each (which copies the whole array
 * every time under ASan).  Only conf_grow may grow such an array.
 */
void *
conf_grow(void *v, size_t *n, size_t sz)
{
	char *p = v;

	if ((*n & (*n - 1)) == 0)
		p = xreallocarray(v, *n == 0 ? 1 : *n * 2, sz);
	memset(p + *n * sz, 0, sz);
	(*n)++;
	return p;
}

/* The struct of the section rec describes. */
void *
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
	case SECT_CLUSTER:
		return &c->cluster;
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
	case SECT_CLUSTER:
	case SECT_ANY:
		break;
	}
	return "";
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
int
conf_include(struct loader *ld, const char *pattern)
{
	char *full;
	glob_t g;
	int rc, ret = 0;
	long saved = ld->cur;
	const struct conf_file *f = ld->file;
	const char *slash = strrchr(f->name, '/');
	int line = ld->line;

	/* Relative to the including file as it was named, so that messages
	 * name files the way the user wrote them. */
	if (pattern[0] == '/' || slash == NULL)
		full = xstrdup(pattern);
	else
		xasprintf(
		    &full, "%.*s/%s", (int)(slash - f->name), f->name, pattern);
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

/* A new named section of rec's kind, its index set in rec. */
static void
conf_sect_add(struct loader *ld, struct sect_rec *rec, const char *name)
{
	struct conf *c = ld->c;
	size_t n = c->nwatchlists;
	char **namep = NULL;
	struct conf_where *wherep = NULL;

	switch (rec->kind) {
	case SECT_FEED:
		c->feeds = conf_grow(c->feeds, &c->nfeeds, sizeof(*c->feeds));
		rec->index = c->nfeeds - 1;
		namep = &c->feeds[rec->index].name;
		wherep = &c->feeds[rec->index].where;
		break;
	case SECT_ACTOR:
	case SECT_TOPIC:
		c->entities =
		    conf_grow(c->entities, &c->nentities, sizeof(*c->entities));
		rec->index = c->nentities - 1;
		c->entities[rec->index].kind =
		    rec->kind == SECT_ACTOR ? CONF_ACTOR : CONF_TOPIC;
		if (rec->kind == SECT_TOPIC)
			c->entities[rec->index].label = xstrdup(name);
		namep = &c->entities[rec->index].name;
		wherep = &c->entities[rec->index].where;
		break;
	case SECT_WATCHLIST:
		c->watchlists = conf_grow(
		    c->watchlists, &c->nwatchlists, sizeof(*c->watchlists));
		ld->wlrefs = conf_grow(ld->wlrefs, &n, sizeof(*ld->wlrefs));
		rec->index = c->nwatchlists - 1;
		namep = &c->watchlists[rec->index].name;
		wherep = &c->watchlists[rec->index].where;
		break;
	case SECT_SINK:
		c->sinks = conf_grow(c->sinks, &c->nsinks, sizeof(*c->sinks));
		rec->index = c->nsinks - 1;
		namep = &c->sinks[rec->index].name;
		wherep = &c->sinks[rec->index].where;
		break;
	case SECT_DAEMON:
	case SECT_CLUSTER:
	case SECT_ANY:
		return;
	}
	*namep = xstrdup(name);
	*wherep = rec->where;
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
		if (strcmp(kw, conf_sect_names[i]) == 0)
			break;
	if (i == SECT_ANY) {
		struct buf b = BUF_INIT;
		for (i = 0; i < SECT_ANY; i++)
			conf_list_word(&b, conf_sect_names[i], i, SECT_ANY);
		conf_fail(
		    ld, "expected a section: %s, found '%s'", buf_str(&b), kw);
		buf_free(&b);
		return -1;
	}
	kind = (enum sect)i;
	if ((kind == SECT_DAEMON || kind == SECT_CLUSTER) && *name != '\0')
		return conf_fail(ld, "expected [%s] without a name", kw);
	if (kind != SECT_DAEMON && kind != SECT_CLUSTER && !conf_name_ok(name))
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
	if (kind == SECT_CLUSTER && c->cluster.where.line > 0)
		return conf_fail(ld,
		    "[cluster] appears twice (first at %s:%d); expected one",
		    c->cluster.where.file, c->cluster.where.line);
	ld->recs = conf_grow(ld->recs, &ld->nrecs, sizeof(*ld->recs));
	rec = &ld->recs[ld->nrecs - 1];
	rec->kind = kind;
	rec->where.file = ld->file->name;
	rec->where.line = ld->line;
	ld->cur = (long)(ld->nrecs - 1);
	if (kind == SECT_DAEMON) {
		/* Its defaults are set at load: the section may be absent. */
		c->daemon.where = rec->where;
		return 0;
	}
	if (kind == SECT_CLUSTER) {
		c->cluster.where = rec->where;
		conf_key_defaults(kind, &c->cluster);
		return 0;
	}
	conf_sect_add(ld, rec, name);
	conf_key_defaults(kind, conf_sect_base(ld, rec));
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
		    conf_sect_names[rec->kind], list);
		free(list);
		return -1;
	}
	if (*value == '\0')
		return conf_fail(ld, "expected a value after '%s ='", key);
	ki = conf_key_index(k);
	if (rec != NULL) {
		if (rec->keyline[ki] != 0 && !k->list)
			return conf_fail(ld,
			    "'%s' is already set at line %d; expected it once",
			    key, rec->keyline[ki]);
		if (rec->keyline[ki] == 0)
			rec->keyline[ki] = ld->line;
	}
	return conf_key_set(ld, rec, k, value, (size_t)(value - line) + 1);
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
	const char *why;
	char *line = NULL, *text;
	size_t cap = 0;
	ssize_t n;
	int fd, ret = 0;

	if (ld->depth > CONF_MAX_DEPTH)
		return conf_fail(ld, "expected includes nested at most %d deep",
		    CONF_MAX_DEPTH);
	if (c->nfiles >= CONF_MAX_FILES)
		return conf_fail(
		    ld, "expected at most %d files in all", CONF_MAX_FILES);
	if ((fd = conf_file_open(name, &st)) == -2) {
		if (ld->depth == 0)
			return conf_fail_at(
			    ld, name, 0, "expected a regular file");
		return conf_fail(
		    ld, "expected '%s' to be a regular file", name);
	}
	if (fd == -1 || (fp = fdopen(fd, "r")) == NULL) {
		why = strerror(errno);
		if (fd >= 0)
			close(fd);
		if (ld->depth == 0)
			return conf_fail_at(
			    ld, name, 0, "cannot read: %s", why);
		return conf_fail(ld, "cannot read '%s': %s", name, why);
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
		text = line;
		/* Editors on some systems start a UTF-8 file with a BOM. */
		if (ld->line == 1 && n >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			text += 3;
			n -= 3;
		}
		if (ld->bytes > CONF_MAX_BYTES)
			ret = conf_fail(ld, "expected at most 64MiB of config");
		else
			ret = conf_line(ld, text, (size_t)n);
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

/* The line a sink key is set at in rec, 0 if not set. */
static int
conf_sink_keyline(const struct sect_rec *rec, const char *name)
{
	return rec->keyline[conf_key_index(conf_key_find(SECT_SINK, name))];
}

/* A sink url's scheme, which its type decides; the error names its line. */
static int
conf_check_sink_url(struct loader *ld, const struct sect_rec *rec,
    const char *key, const char *url, int smtp)
{
	int saved = ld->line, rc;
	const struct conf_file *sf = ld->file;
	struct conf_file tmp = {rec->where.file, NULL, 0, 0};

	if (url == NULL)
		return 0;
	ld->file = &tmp;
	ld->line = conf_sink_keyline(rec, key);
	rc = conf_check_url(ld, url, smtp ? "smtp smtps" : "http https",
	    smtp ? "an smtp:// or smtps:// URL" : "an http:// or https:// URL");
	ld->file = sf;
	ld->line = saved;
	return rc;
}

/* A sink's keys against its type. */
static int
conf_finish_sink(struct loader *ld, const struct sect_rec *rec)
{
	struct conf_sink *s = &ld->c->sinks[rec->index];
	const struct conf_sink_kind *sk = conf_sink_kind(s->type);
	const char *file = rec->where.file;
	const struct key *k;
	char word[32];

	for (size_t i = 0; (k = conf_key_get(i)) != NULL; i++)
		if (k->section == SECT_SINK && k->typed &&
		    rec->keyline[i] != 0 && !conf_word_in(k->name, sk->keys))
			return conf_fail_at(ld, file, rec->keyline[i],
			    "'%s' does not apply to a %s sink; expected %s",
			    k->name, sk->name, sk->expect);
	for (const char *p = sk->required; *p != '\0';) {
		size_t m = strcspn(p, " ");
		snprintf(word, sizeof(word), "%.*s", (int)m, p);
		if (conf_sink_keyline(rec, word) == 0)
			return conf_fail_at(ld, file, rec->where.line,
			    "[sink %s] is a %s sink; expected '%s ='", s->name,
			    sk->name, word);
		p += m;
		while (*p == ' ')
			p++;
	}
	/* Every URL a sink sends to: http(s), smtp(s) for mail, nats. */
	if (s->type == SINK_NATS)
		return conf_check_nats(
		    ld, rec->where.file, conf_sink_keyline(rec, "url"), s->url);
	if (conf_check_sink_url(ld, rec, "url", s->url, s->type == SINK_SMTP) <
	        0 ||
	    conf_check_sink_url(ld, rec, "api", s->api, 0) < 0 ||
	    conf_check_sink_url(ld, rec, "homeserver", s->homeserver, 0) < 0)
		return -1;
	if (s->password != NULL && s->username == NULL)
		return conf_fail_at(ld, file,
		    conf_sink_keyline(rec, "password"),
		    "a password without a username; expected 'username =' "
		    "too");
	if (s->type == SINK_SMTP && conf_sink_keyline(rec, "tls") == 0)
		s->tls = s->username != NULL ? CONF_TLS_REQUIRED
		                             : CONF_TLS_OPPORTUNISTIC;
	if (s->type == SINK_SMTP && s->tls == CONF_TLS_NONE &&
	    strncmp(s->url, "smtps:", 6) == 0)
		return conf_fail_at(ld, file, conf_sink_keyline(rec, "tls"),
		    "an smtps:// server speaks TLS from the start; expected "
		    "tls = required or an smtp:// URL");
	return 0;
}

/* Keys every section of its kind needs, and the per-kind checks. */
static int
conf_finish_sections(struct loader *ld)
{
	const struct key *k;

	for (size_t r = 0; r < ld->nrecs; r++) {
		const struct sect_rec *rec = &ld->recs[r];
		for (size_t i = 0; (k = conf_key_get(i)) != NULL; i++)
			if (k->section == rec->kind && k->required &&
			    rec->keyline[i] == 0)
				return conf_fail_at(ld, rec->where.file,
				    rec->where.line, "[%s%s%s] needs '%s ='",
				    conf_sect_names[rec->kind],
				    *conf_sect_name(ld, rec) != '\0' ? " " : "",
				    conf_sect_name(ld, rec), k->name);
		if (rec->kind == SECT_SINK && conf_finish_sink(ld, rec) < 0)
			return -1;
		if (rec->kind == SECT_CLUSTER &&
		    conf_finish_cluster(ld, rec) < 0)
			return -1;
	}
	return 0;
}

/*
 * The cross-checks, and the one default that is code rather than in the
 * key table: a feed's interval is the [daemon] interval, which may be
 * written after the feed, so it is known only once every file is read.
 */
static int
conf_finish(struct loader *ld)
{
	struct conf *c = ld->c;
	size_t fi = conf_key_index(conf_key_find(SECT_FEED, "interval"));

	if (conf_finish_sections(ld) < 0)
		return -1;
	for (size_t r = 0; r < ld->nrecs; r++)
		if (ld->recs[r].kind == SECT_FEED &&
		    ld->recs[r].keyline[fi] == 0)
			c->feeds[ld->recs[r].index].interval_ms =
			    c->daemon.interval_ms;
	conf_fetch_inherit(ld);
	if (conf_build_names(ld) < 0 || conf_resolve_watchlists(ld) < 0)
		return -1;
	return 0;
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
	conf_key_defaults(SECT_DAEMON, &c->daemon);
	c->daemon.where.file = c->path;
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
void
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
	free(c->daemon.ca_file);
	free(c->daemon.ca_path);
	conf_fetch_free(&c->daemon.fetch);
	free(c->daemon.http_token);
	for (size_t i = 0; i < c->daemon.nhttp_hosts; i++)
		free(c->daemon.http_hosts[i]);
	free(c->daemon.http_hosts);
	conf_cluster_free(&c->cluster);
	for (size_t i = 0; i < c->nfeeds; i++) {
		conf_fetch_free(&c->feeds[i].fetch);
		free(c->feeds[i].user_agent);
		free(c->feeds[i].title);
		free(c->feeds[i].name);
		free(c->feeds[i].url);
		conf_strv_free(c->feeds[i].tags, c->feeds[i].ntags);
		free(c->feeds[i].language);
		free(c->feeds[i].ca_file);
		free(c->feeds[i].ca_path);
		free(c->feeds[i].article);
		free(c->feeds[i].article_xpath);
	}
	free(c->feeds);
	for (size_t i = 0; i < c->nentities; i++) {
		struct conf_entity *e = &c->entities[i];
		free(e->name);
		free(e->label);
		free(e->terms); /* their texts are in c->pool */
	}
	free(c->entities);
	conf_pool_free(c->pool);
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
		conf_strv_free(s->env, s->nenv);
		free(s->quiet);
		free(s->timezone);
		free(s->username);
		free(s->password);
		free(s->api);
		free(s->token);
		free(s->chat);
		free(s->homeserver);
		free(s->room);
		free(s->routing_key);
		free(s->severity);
		free(s->user);
		free(s->secret);
		free(s->ca_file);
		free(s->credentials);
		free(s->tls_ca);
		free(s->stream);
		free(s->subject);
	}
	free(c->sinks);
	conf_strv_free(c->warnings, c->nwarnings);
	conf_strv_free(c->files, c->nfiles);
	conf_names_free(c->names);
	free(c->path);
	free(c);
}
