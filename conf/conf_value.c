/*
 * Values of the config: everything right of a key's '=' before it lands in
 * a struct.  The lexical rules (feedwatch.conf(5)): outside double quotes a
 * '#' or ';' that follows a blank starts a trailing comment; a value may be
 * double-quoted (\" and \\ escape inside); list keys take comma-separated
 * items and quotes protect commas.  Beside the lexer: paths made absolute,
 * URLs checked (file: ones made absolute), @file secrets read, commands
 * split into words without a shell, and the checks of names, addresses,
 * mail addresses and language tags.  Errors go through conf_fail, so each
 * names the line being read.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/redact.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* A secret (@file): tokens and passwords are short. */
#define CONF_MAX_SECRET (16 * 1024)
/* A term: longer than any name or phrase worth matching. */
#define CONF_MAX_TERM 512
/* Words of an exec command. */
#define CONF_MAX_ARGS 256

/* Append word i of n to "a, b or c". */
void
conf_list_word(struct buf *b, const char *word, size_t i, size_t n)
{
	if (i > 0)
		buf_appends(b, i + 1 == n ? " or " : ", ");
	buf_appends(b, word);
}

/* Is word one of the space-separated words of list? */
int
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

/* Find where a comment starts: '#'/';' after a blank, outside quotes. */
void
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

/* The next item of value at *pp, or -1 naming the column of the problem. */
static int
conf_item_next(struct loader *ld, const char *value, const char **pp,
    size_t col, int list, int star_ok, struct item *it)
{
	const char *why;

	if (conf_item_read(value, pp, list, star_ok, it, &why) < 0)
		return conf_fail(ld, "column %zu: expected %s",
		    col + (size_t)(*pp - value), why);
	return 0;
}

/* The whole value as one item (col: the value's column, for messages). */
int
conf_value_item(struct loader *ld, const char *value, size_t col, int star_ok,
    struct item *it)
{
	const char *p = value;

	return conf_item_next(ld, value, &p, col, 0, star_ok, it);
}

/* The whole value as one string, quotes removed; NULL after an error. */
char *
conf_value_one(struct loader *ld, const char *value, size_t col)
{
	struct item it;

	if (conf_value_item(ld, value, col, 0, &it) < 0)
		return NULL;
	for (const char *q = it.text; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			conf_fail(ld, "expected no control characters");
			free(it.text);
			return NULL;
		}
	return it.text;
}

/* Call fn on each item of a comma list value; stops at the first error. */
int
conf_each_item(struct loader *ld, const char *value, size_t col, int star_ok,
    int (*fn)(struct loader *, void *, struct item *, size_t), void *arg)
{
	const char *p = value;
	struct item it;
	int rc;

	while (*p != '\0') {
		if (conf_item_next(ld, value, &p, col, 1, star_ok, &it) < 0)
			return -1;
		rc = fn(ld, arg, &it, col + it.col);
		free(it.text);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- paths and URLs -------------------------------------------------- */

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
char *
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

/* Absolute directory of the file named name. */
char *
conf_file_dir(const char *name)
{
	char cwd[PATH_MAX], *abs, *slash;

	if (name[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
		str_lcpy(cwd, "/", sizeof(cwd));
	abs = conf_path_resolve(cwd, name);
	slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = '\0';
	else
		*slash = '\0';
	return abs;
}

/* Does url start with scheme followed by "://"? (case-insensitive) */
static int
conf_url_has_scheme(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);

	return str_ncasecmp(url, scheme, n) == 0 &&
	    strncmp(url + n, "://", 3) == 0;
}

/* conf_check_url's work; messages show the URL as `shown` (redacted). */
static int
conf_check_url_shown(struct loader *ld, const char *url, const char *shown,
    const char *schemes, const char *what)
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
					    scheme, shown);
				return 0;
			}
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return conf_fail(ld, "expected %s, found '%s'", what, shown);
}

/* A URL of one of the schemes (space-separated) with a host; 0 if good.
 * Its credentials never reach a message. */
int
conf_check_url(
    struct loader *ld, const char *url, const char *schemes, const char *what)
{
	char *shown = url_redact(url);
	int rc = conf_check_url_shown(ld, url, shown, schemes, what);

	free(shown);
	return rc;
}

/* file:rel, file:/abs, file:///abs, file://localhost/abs -> file:///abs */
static char *
conf_file_url(struct loader *ld, const char *url)
{
	const char *p = url + 5;
	struct buf b = BUF_INIT;

	if (strpbrk(url, " \t") != NULL) {
		conf_fail(
		    ld, "expected a file: URL without spaces (write %%20)");
		return NULL;
	}
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
		conf_url_encode_path(&b, ld->file->dir);
		buf_appendc(&b, '/');
	}
	buf_appends(&b, p);
	return buf_steal(&b);
}

/* A feed URL (freed here): http(s) as written, file: made absolute. */
char *
conf_feed_url(struct loader *ld, char *url)
{
	char *u;

	if (str_has_prefix_case(url, "file:")) {
		u = conf_file_url(ld, url);
		free(url);
		return u;
	}
	if (conf_check_url(
	        ld, url, "http https", "an http, https or file URL") < 0) {
		free(url);
		return NULL;
	}
	return url;
}

/* ---- secrets --------------------------------------------------------- */

/* Check what a secret file held: one line of text, not empty. */
static int
conf_secret_check(struct loader *ld, const char *path, char *data, ssize_t n)
{
	data[n] = '\0';
	if (n > 0 && data[n - 1] == '\n')
		data[--n] = '\0';
	if (n > 0 && data[n - 1] == '\r')
		data[--n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)data[i] < 0x20 || data[i] == 0x7f)
			return conf_fail(ld,
			    "expected secret file '%s' to hold one line of "
			    "text",
			    path);
	if (n == 0)
		return conf_fail(ld, "secret file '%s' is empty", path);
	return 0;
}

/*
 * Open a config or secret file for reading: its descriptor, -1 (errno
 * set) when it cannot be opened, -2 when it is not a regular file.
 * O_NONBLOCK keeps open() from waiting for a FIFO's writer (or on a
 * device) before fstat can see what it is; on a regular file the flag
 * changes nothing, so it stays set for the reads.
 */
int
conf_file_open(const char *path, struct stat *st)
{
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -2;
	}
	return fd;
}

/* The contents of a secret file, one trailing newline removed. */
char *
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
	if ((fd = conf_file_open(path, &st)) == -1) {
		conf_fail(ld, "cannot read secret file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (fd == -2 || st.st_size > CONF_MAX_SECRET) {
		conf_fail(ld,
		    "expected secret file '%s' to be a regular file of at "
		    "most 16KiB",
		    path);
		goto out;
	}
	data = xmalloc((size_t)st.st_size + 1);
	if ((n = read(fd, data, (size_t)st.st_size)) < 0)
		conf_fail(ld, "cannot read secret file '%s': %s", path,
		    strerror(errno));
	if (n < 0 || conf_secret_check(ld, path, data, n) < 0) {
		free(data);
		data = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return data;
}

/* "Name: value" (*header, replaced): a word of the value starting with
 * '@' up to the end of the line names a secret file to put in its place. */
int
conf_header_secret(struct loader *ld, char **header)
{
	char *h = *header, *colon = strchr(h, ':'), *at, *secret, *full;
	size_t nlen = colon == NULL ? 0 : (size_t)(colon - h);

	for (size_t i = 0; i < nlen; i++)
		if (!(strchr("!#$%&'*+-.^_`|~", h[i]) != NULL ||
		        (h[i] >= '0' && h[i] <= '9') ||
		        (h[i] >= 'a' && h[i] <= 'z') ||
		        (h[i] >= 'A' && h[i] <= 'Z')))
			nlen = 0;
	if (nlen == 0)
		return conf_fail(ld,
		    "expected a header such as 'Authorization: Bearer "
		    "@/etc/feedwatch/token', found '%s'",
		    h);
	for (at = colon + 1; (at = strchr(at, '@')) != NULL; at++)
		if (at[-1] == ' ' || at[-1] == '\t' || at[-1] == ':')
			break;
	if (at == NULL)
		return 0;
	if ((secret = conf_secret_read(ld, at + 1)) == NULL)
		return -1;
	*at = '\0';
	xasprintf(&full, "%s%s", h, secret);
	free(secret);
	free(h);
	*header = full;
	return 0;
}

/* ---- words, rates, terms --------------------------------------------- */

/*
 * Split a command into words without a shell: blanks separate words,
 * double quotes group (\" and \\ escape inside them), and a quoted part
 * joins the text around it ("--to=\"a b\"" is one word).  A program
 * named with a '/' resolves against the file's directory.
 */
int
conf_split_words(struct loader *ld, const char *value, size_t col,
    char ***argvp, size_t *argcp)
{
	const char *p = value, *open = NULL;
	struct buf w = BUF_INIT;
	char **argv = NULL;
	size_t argc = 0;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		open = NULL;
		while (*p != '\0' && (open || (*p != ' ' && *p != '\t'))) {
			if (*p == '"')
				open = open != NULL ? NULL : p;
			else if (open && *p == '\\' && p[1] != '\0')
				buf_appendc(&w, *++p);
			else
				buf_appendc(&w, *p);
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
	*argvp = argv;
	*argcp = argc;
	return 0;
fail:
	buf_free(&w);
	conf_strv_free(argv, argc);
	return -1;
}

/* N/PERIOD: "20/h", "100/1d", "5/30m" (value is cut at the '/'). */
int
conf_parse_rate(struct loader *ld, char *value, int *count, uint64_t *period_ms)
{
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
	if (bad)
		return conf_fail(ld,
		    "expected a rate such as 20/h or 100/1d (a count from 1 "
		    "and a period of at least 1s)");
	*count = (int)n;
	*period_ms = ms;
	return 0;
}

/*
 * The string pool of a config: blocks that are filled and never moved, so
 * a term's text costs its bytes (a 16-byte term was 80 with malloc's
 * rounding and header, more than the rest of the term together).
 */
#define CONF_POOL_BLOCK ((size_t)64 << 10)

struct conf_pool {
	char **blocks;
	size_t nblocks;
	char *cur;   /* the free end of the last block */
	size_t left; /* bytes free there */
};

/* A copy of s in c's pool, freed with the config. */
char *
conf_pool_strdup(struct conf *c, const char *s)
{
	struct conf_pool *p;
	size_t len = strlen(s) + 1;
	char *d;

	if (c->pool == NULL)
		c->pool = xcalloc(1, sizeof(*c->pool));
	p = c->pool;
	if (len > p->left) {
		size_t sz = len > CONF_POOL_BLOCK ? len : CONF_POOL_BLOCK;

		p->blocks = conf_grow(p->blocks, &p->nblocks, sizeof(char *));
		p->cur = p->blocks[p->nblocks - 1] = xmalloc(sz);
		p->left = sz;
	}
	d = p->cur;
	memcpy(d, s, len);
	p->cur += len;
	p->left -= len;
	return d;
}

/* Free a pool and every string in it (NULL is fine). */
void
conf_pool_free(struct conf_pool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	free(p);
}

/* Turn an item into a term: quoted = exact, trailing '*' = prefix. */
int
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
	t->text = conf_pool_strdup(ld->c, it->text);
	free(it->text);
	it->text = NULL;
	t->where.file = ld->file->name;
	t->where.line = ld->line;
	return 0;
}

/* ---- checks of one string -------------------------------------------- */

/* ASCII letters and digits as the checks below count them. */
#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

/* A name of letters, digits, '-', '_' and '.'. */
int
conf_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= CONF_MAX_NAME &&
	    strspn(s, LETTERS DIGITS "-_.") == n;
}

/* ADDR:PORT, with [v6] brackets for IPv6. */
int
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

/* Does an `http =` address take connections from this host only?  The
 * loopback net 127/8, [::1] and the name localhost. */
int
conf_http_loopback(const char *addr)
{
	size_t hlen = strcspn(addr, "]") + (addr[0] == '[');
	const char *colon = strrchr(addr, ':');

	if (addr[0] != '[')
		hlen = colon != NULL ? (size_t)(colon - addr) : strlen(addr);
	return (hlen > 4 && strncmp(addr, "127.", 4) == 0) ||
	    (hlen == 5 && strncmp(addr, "[::1]", 5) == 0) ||
	    (hlen == 9 && strncasecmp(addr, "localhost", 9) == 0);
}

/* Is the status API open to the network without a token? */
int
conf_http_exposed(const struct conf *c)
{
	return c->daemon.http != NULL && c->daemon.http_token == NULL &&
	    !conf_http_loopback(c->daemon.http);
}

/* A mail address: something@something, no spaces or angle brackets. */
int
conf_mail_ok(const char *s)
{
	const char *at = strrchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strpbrk(s, " \t<>,;\"") == NULL;
}

/* A name for the environment: a letter or '_', then letters, digits and
 * '_', as sh(1) takes it; at most 128 bytes. */
int
conf_env_name_ok(const char *s)
{
	size_t n = strspn(s, LETTERS DIGITS "_");

	return n > 0 && n <= 128 && s[n] == '\0' &&
	    strchr(DIGITS, s[0]) == NULL;
}

/* A name a Host header may carry: a DNS name, an IPv4 address or an IPv6
 * one in brackets, without a port; at most 253 bytes as DNS allows. */
int
conf_host_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return 0;
	if (s[0] == '[')
		return n > 2 && s[n - 1] == ']' &&
		    strspn(s + 1, "0123456789abcdefABCDEF:.") == n - 2;
	return strspn(s, LETTERS DIGITS "-.") == n;
}

/* A name for `env =`: a variable name, but none of the FEEDWATCH_* ones,
 * which the sink sets for each alert (the daemon's own would be dropped
 * without a word). */
int
conf_env_pass_ok(const char *s)
{
	return conf_env_name_ok(s) && strncmp(s, "FEEDWATCH_", 10) != 0;
}

/* A language tag as BCP 47 shapes it, as far as matching needs: a primary
 * subtag of 2-3 letters, then '-' subtags of 1-8 letters or digits. */
int
conf_language_ok(const char *s)
{
	size_t n = strspn(s, LETTERS);

	if (n < 2 || n > 3)
		return 0;
	for (s += n; *s != '\0'; s += n) {
		if (*s++ != '-')
			return 0;
		n = strspn(s, LETTERS DIGITS);
		if (n < 1 || n > 8)
			return 0;
	}
	return 1;
}
