/*
 * feedwatch opml: feed lists in and out of a feed reader.
 *
 *	feedwatch opml import FILE|- [--tags T,...]
 *	feedwatch opml export [-c CONF]
 *
 * import reads OPML (1.0 or 2.0, with expat) and prints one [feed] section
 * per distinct feed URL, ready to `include`: its name made from the title
 * (lower-case ASCII letters, digits and '-'; the URL's host when the title
 * gives none; -2, -3... when taken), the title itself, and as tags the
 * outline folders it sits in, its `category` attribute and --tags.  A URL
 * seen before is skipped with a comment naming the feed that has it.
 * export prints OPML 2.0 of a config's feeds, with the same attributes
 * import reads (and feedwatchName, so names survive the round trip);
 * credentials in a URL are hidden, as everywhere else.
 */
#include "config.h"

#include <errno.h>
#include <expat.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/redact.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "tools/commands.h"

/* Bounds: an OPML file of a reader is kilobytes to a few megabytes; a
 * name or tag is a config name (CONF_MAX_NAME: 128), kept shorter here so
 * that -N suffixes fit; folders nest a few levels. */
#define OPML_MAX_BYTES (32 * 1024 * 1024)
#define OPML_MAX_FEEDS 100000
#define OPML_MAX_DEPTH 32
#define OPML_MAX_TAGS 16
#define OPML_NAME_MAX 60

const char cmd_opml_options[] =
    "  import FILE|-            print [feed] sections of an OPML file\n"
    "      --tags T,...         add these tags to every imported feed\n"
    "  export                   print the config's feeds as OPML 2.0\n"
    "  -c, --config CONF        the config to export (default\n"
    "                           " CONF_DEFAULT_PATH ")\n";

/* One imported feed. */
struct opml_feed {
	char *name;
	char *url;
	char *title; /* NULL when the outline has none */
	char *tags[OPML_MAX_TAGS];
	size_t ntags;
};

/* The parse: the folder stack and the feeds found so far. */
struct opml_import {
	XML_Parser xp;
	char *folders[OPML_MAX_DEPTH]; /* tag of each open outline, or NULL */
	int depth;
	struct opml_feed *feeds;
	size_t nfeeds, cap;
	size_t dups;
	const char *extra; /* --tags */
	char *error;
};

/* The value of attribute name in expat's list, or NULL. */
static const char *
opml_attr(const char **attrs, const char *name)
{
	for (size_t i = 0; attrs[i] != NULL; i += 2)
		if (strcmp(attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

/* The entities readers double-escape into titles ("&amp;amp;"), by name. */
static const struct {
	const char *name;
	const char *text;
} opml_entities[] = {{"amp", "&"}, {"apos", "'"}, {"gt", ">"}, {"lt", "<"},
    {"nbsp", " "}, {"quot", "\""}, {"mdash", "\xe2\x80\x94"},
    {"ndash", "\xe2\x80\x93"}, {"hellip", "\xe2\x80\xa6"},
    {"rsquo", "\xe2\x80\x99"}, {"lsquo", "\xe2\x80\x98"},
    {"rdquo", "\xe2\x80\x9d"}, {"ldquo", "\xe2\x80\x9c"}};

/* Append the UTF-8 of code point c (a valid scalar value). */
static void
opml_utf8(struct buf *b, unsigned long c)
{
	if (c < 0x80)
		buf_appendc(b, (char)c);
	else if (c < 0x800) {
		buf_appendc(b, (char)(0xc0 | (c >> 6)));
		buf_appendc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_appendc(b, (char)(0xe0 | (c >> 12)));
		buf_appendc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_appendc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_appendc(b, (char)(0xf0 | (c >> 18)));
		buf_appendc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		buf_appendc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_appendc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/* Decode one "&...;" at s into b; the bytes it used, or 0 if it is none. */
static size_t
opml_entity(struct buf *b, const char *s)
{
	const char *end = strchr(s, ';');
	size_t n;

	if (end == NULL || (n = (size_t)(end - s - 1)) == 0 || n > 10)
		return 0;
	if (s[1] == '#') {
		char *e;
		int hex = s[2] == 'x' || s[2] == 'X';
		unsigned long c = strtoul(s + 2 + hex, &e, hex ? 16 : 10);

		if (e != end || e == s + 2 + hex || c == 0 || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 0;
		opml_utf8(b, c);
		return n + 2;
	}
	for (size_t i = 0; i < sizeof(opml_entities) / sizeof(*opml_entities);
	     i++)
		if (strlen(opml_entities[i].name) == n &&
		    strncmp(s + 1, opml_entities[i].name, n) == 0) {
			buf_appends(b, opml_entities[i].text);
			return n + 2;
		}
	return 0;
}

/* A title as people read it: HTML entities decoded, blanks collapsed,
 * control characters dropped; NULL when nothing is left. */
static char *
opml_clean_title(const char *s)
{
	struct buf b = BUF_INIT;
	int blank = 0;

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n, before;

		if (c <= 0x20 || c == 0x7f) {
			blank = b.len > 0;
			continue;
		}
		before = b.len;
		if (blank)
			buf_appendc(&b, ' ');
		blank = 0;
		if (c == '&' && (n = opml_entity(&b, s)) > 0) {
			s += n - 1;
			/* &nbsp; is a blank like any other. */
			if (strcmp(b.data + b.len - 1, " ") == 0) {
				buf_truncate(&b, before);
				blank = b.len > 0;
			}
			continue;
		}
		buf_appendc(&b, (char)c);
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* A config name from text: ASCII letters and digits lower-cased, every
 * other run of bytes one '-'; "" when no letter or digit is left. */
static char *
opml_slug(const char *s, size_t max)
{
	struct buf b = BUF_INIT;

	for (; s != NULL && *s != '\0' && b.len < max; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf_appendc(&b, (char)c);
		else if (c >= 'A' && c <= 'Z')
			buf_appendc(&b, (char)(c - 'A' + 'a'));
		else if (b.len > 0 && b.data[b.len - 1] != '-')
			buf_appendc(&b, '-');
	}
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.len--;
	buf_truncate(&b, b.len);
	return buf_steal(&b);
}

/* The host of a URL, for a feed without a title: "www.example.org". */
static char *
opml_host(const char *url)
{
	const char *p = strstr(url, "://"), *at;
	size_t n;

	p = p != NULL ? p + 3 : url;
	n = strcspn(p, "/?#");
	if ((at = memchr(p, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	n = strcspn(p, ":/?#") < n ? strcspn(p, ":/?#") : n;
	return xstrndup(p, n);
}

/* Has an earlier feed this name? */
static const struct opml_feed *
opml_find_name(const struct opml_import *im, const char *name)
{
	for (size_t i = 0; i < im->nfeeds; i++)
		if (strcmp(im->feeds[i].name, name) == 0)
			return &im->feeds[i];
	return NULL;
}

/* Has an earlier feed this URL? */
static const struct opml_feed *
opml_find_url(const struct opml_import *im, const char *url)
{
	for (size_t i = 0; i < im->nfeeds; i++)
		if (strcmp(im->feeds[i].url, url) == 0)
			return &im->feeds[i];
	return NULL;
}

/* A name no earlier feed has: the title's slug (or the host's), then -2,
 * -3, ...; an exported feed's own name (feedwatchName) as it is. */
static char *
opml_unique_name(const struct opml_import *im, const char *own,
    const char *want, const char *url)
{
	char *base, *name;

	if (own != NULL && own[0] != '\0' && strlen(own) <= OPML_NAME_MAX &&
	    strspn(own,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789-_.") == strlen(own) &&
	    opml_find_name(im, own) == NULL)
		return xstrdup(own);
	base = want != NULL ? opml_slug(want, OPML_NAME_MAX) : NULL;
	/* A title in another script leaves only digits, if anything. */
	if (base != NULL && strpbrk(base, "abcdefghijklmnopqrstuvwxyz") == NULL)
		base[0] = '\0';
	if (base == NULL || base[0] == '\0') {
		char *host = opml_host(url);

		free(base);
		base = opml_slug(str_has_prefix(host, "www.") ? host + 4 : host,
		    OPML_NAME_MAX);
		free(host);
	}
	if (base[0] == '\0') {
		free(base);
		base = xstrdup("feed");
	}
	name = xstrdup(base);
	for (int n = 2; opml_find_name(im, name) != NULL; n++) {
		free(name);
		xasprintf(&name, "%s-%d", base, n);
	}
	free(base);
	return name;
}

/* Add a tag (slugged) unless it is empty or already there. */
static void
opml_add_tag(struct opml_feed *f, const char *text)
{
	char *t = opml_slug(text, OPML_NAME_MAX);

	for (size_t i = 0; t[0] != '\0' && i < f->ntags; i++)
		if (strcmp(f->tags[i], t) == 0)
			t[0] = '\0';
	if (t[0] == '\0' || f->ntags == OPML_MAX_TAGS) {
		free(t);
		return;
	}
	f->tags[f->ntags++] = t;
}

/* Add each item of a list: "a,b" or the category form "/News/World". */
static void
opml_add_tags(struct opml_feed *f, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;

	for (char *t = strtok_r(copy, ",/", &save); t != NULL;
	     t = strtok_r(NULL, ",/", &save)) {
		char *clean = opml_clean_title(t);

		if (clean != NULL)
			opml_add_tag(f, clean);
		free(clean);
	}
	free(copy);
}

/* One feed outline: a new [feed], or a comment for a URL seen before. */
static void
opml_add_feed(struct opml_import *im, const char **attrs, const char *url)
{
	const char *title = opml_attr(attrs, "title");
	const char *cat = opml_attr(attrs, "category");
	const char *name = opml_attr(attrs, "feedwatchName");
	struct opml_feed *f;

	/* export writes a feed without a title with its name as the text. */
	if (title == NULL || title[0] == '\0')
		title = opml_attr(attrs, "text");
	if (title != NULL && name != NULL &&
	    opml_attr(attrs, "title") == NULL && strcmp(title, name) == 0)
		title = NULL;
	if (opml_find_url(im, url) != NULL) {
		im->dups++;
		return;
	}
	if (im->nfeeds == OPML_MAX_FEEDS) {
		if (im->error == NULL)
			xasprintf(
			    &im->error, "more than %d feeds", OPML_MAX_FEEDS);
		return;
	}
	if (im->nfeeds == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 64;
		im->feeds =
		    xreallocarray(im->feeds, im->cap, sizeof(*im->feeds));
	}
	f = &im->feeds[im->nfeeds];
	memset(f, 0, sizeof(*f));
	f->url = xstrdup(url);
	f->title = opml_clean_title(title);
	f->name = opml_unique_name(im, name, f->title, url);
	for (int d = 0; d < im->depth; d++)
		if (im->folders[d] != NULL)
			opml_add_tag(f, im->folders[d]);
	if (cat != NULL)
		opml_add_tags(f, cat);
	if (im->extra != NULL)
		opml_add_tags(f, im->extra);
	im->nfeeds++;
}

/* expat: an <outline> is a feed (xmlUrl) or a folder of feeds. */
static void XMLCALL
opml_start(void *arg, const char *el, const char **attrs)
{
	struct opml_import *im = arg;
	const char *url, *folder = NULL;

	if (strcmp(el, "outline") != 0)
		return;
	if (im->depth == OPML_MAX_DEPTH) {
		if (im->error == NULL)
			xasprintf(&im->error, "outlines nested deeper than %d",
			    OPML_MAX_DEPTH);
		XML_StopParser(im->xp, XML_FALSE);
		return;
	}
	if ((url = opml_attr(attrs, "xmlUrl")) != NULL && url[0] != '\0')
		opml_add_feed(im, attrs, url);
	else if ((folder = opml_attr(attrs, "text")) == NULL)
		folder = opml_attr(attrs, "title");
	im->folders[im->depth++] =
	    url == NULL || url[0] == '\0' ? opml_clean_title(folder) : NULL;
}

/* expat: an outline closes. */
static void XMLCALL
opml_end(void *arg, const char *el)
{
	struct opml_import *im = arg;

	if (strcmp(el, "outline") != 0 || im->depth == 0)
		return;
	im->depth--;
	free(im->folders[im->depth]);
	im->folders[im->depth] = NULL;
}

/* Write a value the config lexer reads back as it was: in double quotes,
 * with \" and \\. */
static void
opml_print_quoted(const char *key, const char *s)
{
	printf("%s = \"", key);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	printf("\"\n");
}

/* The [feed] sections, in the file's order. */
static void
opml_print_feeds(const struct opml_import *im, const char *path)
{
	printf("# feedwatch opml import %s: %zu feeds", path, im->nfeeds);
	if (im->dups > 0)
		printf(", %zu repeated URLs skipped", im->dups);
	printf("\n");
	for (size_t i = 0; i < im->nfeeds; i++) {
		const struct opml_feed *f = &im->feeds[i];

		printf("\n[feed %s]\nurl = %s\n", f->name, f->url);
		if (f->title != NULL)
			opml_print_quoted("title", f->title);
		if (f->ntags > 0) {
			printf("tags = ");
			for (size_t t = 0; t < f->ntags; t++)
				printf("%s%s", t > 0 ? ", " : "", f->tags[t]);
			printf("\n");
		}
	}
}

/* Free the import's feeds and folders. */
static void
opml_import_free(struct opml_import *im)
{
	for (size_t i = 0; i < im->nfeeds; i++) {
		free(im->feeds[i].name);
		free(im->feeds[i].url);
		free(im->feeds[i].title);
		for (size_t t = 0; t < im->feeds[i].ntags; t++)
			free(im->feeds[i].tags[t]);
	}
	free(im->feeds);
	for (int d = 0; d < OPML_MAX_DEPTH; d++)
		free(im->folders[d]);
	free(im->error);
	if (im->xp != NULL)
		XML_ParserFree(im->xp);
}

/* A URL this config would take: one line, no blanks or quotes. */
static int
opml_url_ok(const char *url)
{
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == '"' || *p == 0x7f)
			return 0;
	return str_has_prefix_case(url, "http://") ||
	    str_has_prefix_case(url, "https://");
}

/* Drop the feeds whose URLs a config cannot hold (counted as skipped). */
static size_t
opml_drop_bad_urls(struct opml_import *im)
{
	size_t kept = 0, dropped = 0;

	for (size_t i = 0; i < im->nfeeds; i++) {
		struct opml_feed *f = &im->feeds[i];

		if (opml_url_ok(f->url)) {
			im->feeds[kept++] = *f;
			continue;
		}
		fprintf(stderr,
		    "feedwatch opml: skipped %s: not an http(s) URL\n",
		    f->name);
		free(f->name);
		free(f->url);
		free(f->title);
		for (size_t t = 0; t < f->ntags; t++)
			free(f->tags[t]);
		dropped++;
	}
	im->nfeeds = kept;
	return dropped;
}

/* `opml import FILE [--tags T]`. */
static int
opml_import(const char *path, const char *tags)
{
	struct opml_import im = {.extra = tags};
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char chunk[16384];
	size_t n, total = 0;
	int rc = EXIT_OK;

	if (fp == NULL) {
		fprintf(
		    stderr, "feedwatch opml: %s: %s\n", path, strerror(errno));
		return EXIT_BAD;
	}
	im.xp = XML_ParserCreate(NULL);
	XML_SetUserData(im.xp, &im);
	XML_SetElementHandler(im.xp, opml_start, opml_end);
	while (
	    im.error == NULL && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if ((total += n) > OPML_MAX_BYTES) {
			xasprintf(
			    &im.error, "larger than %d bytes", OPML_MAX_BYTES);
			break;
		}
		if (XML_Parse(im.xp, chunk, (int)n, 0) == XML_STATUS_ERROR)
			break;
	}
	/* The end of the document; an error is reported just below. */
	if (im.error == NULL && XML_GetErrorCode(im.xp) == XML_ERROR_NONE)
		(void)XML_Parse(im.xp, "", 0, 1);
	if (im.error == NULL && XML_GetErrorCode(im.xp) != XML_ERROR_NONE)
		xasprintf(&im.error, "line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(im.xp),
		    XML_ErrorString(XML_GetErrorCode(im.xp)));
	if (fp != stdin)
		fclose(fp);
	if (im.error != NULL) {
		fprintf(stderr, "feedwatch opml: %s: %s\n", path, im.error);
		rc = EXIT_BAD;
	} else {
		opml_drop_bad_urls(&im);
		opml_print_feeds(&im, path);
	}
	opml_import_free(&im);
	return rc;
}

/* Print s as XML attribute text. */
static void
opml_print_attr(const char *name, const char *s)
{
	printf(" %s=\"", name);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", stdout);
			break;
		case '<':
			fputs("&lt;", stdout);
			break;
		case '>':
			fputs("&gt;", stdout);
			break;
		case '"':
			fputs("&quot;", stdout);
			break;
		case '\t':
		case '\n':
		case '\r':
			putchar(' ');
			break;
		default:
			putchar(*s);
		}
	}
	putchar('"');
}

/* `opml export -c CONF`: OPML 2.0, one outline per feed. */
static int
opml_export(const char *path)
{
	struct conf *c;
	char *err = NULL;

	if ((c = conf_load(path, &err)) == NULL) {
		fprintf(stderr, "feedwatch opml: %s\n", err);
		free(err);
		return EXIT_BAD;
	}
	printf(
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\">\n<head>\n<title>feedwatch feeds</title>\n"
	    "</head>\n<body>\n");
	for (size_t i = 0; i < c->nfeeds; i++) {
		const struct conf_feed *f = &c->feeds[i];
		char *url = url_redact(f->url);
		struct buf cat = BUF_INIT;

		printf("<outline type=\"rss\"");
		opml_print_attr("text", f->title != NULL ? f->title : f->name);
		if (f->title != NULL)
			opml_print_attr("title", f->title);
		opml_print_attr("xmlUrl", url);
		for (size_t t = 0; t < f->ntags; t++)
			buf_printf(&cat, "%s%s", t > 0 ? "," : "", f->tags[t]);
		if (cat.len > 0)
			opml_print_attr("category", buf_str(&cat));
		opml_print_attr("feedwatchName", f->name);
		printf("/>\n");
		buf_free(&cat);
		free(url);
	}
	printf("</body>\n</opml>\n");
	conf_free(c);
	return EXIT_OK;
}

/* feedwatch opml import FILE [--tags T] | export [-c CONF] */
int
cmd_opml(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"tags", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	const char *conf = CONF_DEFAULT_PATH, *tags = NULL;
	int ch, import;

	if (argc < 2)
		return command_usage("opml");
	import = strcmp(argv[1], "import") == 0;
	if (!import && strcmp(argv[1], "export") != 0)
		return command_usage("opml");
	optind = 1;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 't':
			tags = optarg;
			break;
		default:
			return command_usage("opml");
		}
	}
	if (import && optind + 1 == argc)
		return opml_import(argv[optind], tags);
	if (!import && optind == argc && tags == NULL)
		return opml_export(conf);
	return command_usage("opml");
}
