/*
 * JSON Feed: see jsonfeed.h.  The mapping onto the items RSS and Atom
 * give (SPEC "Parsed items"):
 *	id            id (a string, or a number as written), else url,
 *	              else a hash of title and text, as for XML feeds
 *	title         title, HTML references decoded
 *	link          url, resolved against the feed's URL (else feed_url)
 *	published     date_published; updated: date_modified (RFC 3339)
 *	authors       authors[].name (1.1), author.name (1.0), else the
 *	              feed's
 *	categories    tags
 *	content       content_text, else content_html as text
 *	summary       summary, else the content
 *	enclosures    attachments: url, mime_type, size_in_bytes
 *	language      the item's language (1.1), else the feed's
 * and for the feed: title, home_page_url, language.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/xmalloc.h"
#include "feeds/build.h"
#include "feeds/date.h"
#include "feeds/html.h"
#include "feeds/jsonfeed.h"
#include "feeds/url.h"

/* The versions this reader knows, by the URL a feed declares. */
static const struct {
	const char *url;
	enum feed_format format;
} jsonfeed_versions[] = {
    {"https://jsonfeed.org/version/1", FEED_FORMAT_JSON10},
    {"https://jsonfeed.org/version/1.1", FEED_FORMAT_JSON11},
};

/* One item being made: its strings live in these buffers. */
struct jf_item {
	struct buf id, title, link, summary, content, encl;
	char *authv[FP_LIST_MAX];
	char *catv[FP_LIST_MAX];
	struct feed_enclosure encv[FP_LIST_MAX];
};

/* Keep the bytes while the input may be JSON; say what it is. */
enum jsonfeed_sniff
jsonfeed_feed(struct fp_json *j, const char *s, size_t len)
{
	size_t i = 0;

	if (j->state == JSONFEED_NO)
		return j->state;
	if (j->state == JSONFEED_UNDECIDED) {
		/* A UTF-8 BOM, then blanks, may come first, in any chunks. */
		for (; i < len; i++) {
			if (j->bom < 3 && !j->blanks &&
			    s[i] == "\xef\xbb\xbf"[j->bom])
				j->bom++;
			else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
			    s[i] == '\n')
				j->blanks = 1;
			else
				break;
		}
		if (i < len)
			j->state = s[i] == '{' ? JSONFEED_YES : JSONFEED_NO;
		if (j->state == JSONFEED_NO) {
			buf_free(&j->body);
			return j->state;
		}
	}
	buf_append(&j->body, s + i, len - i);
	return j->state;
}

/* A string member, or NULL. */
static const char *
jf_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Text of a plain or HTML field into b, on one line for titles. */
static void
jf_text(struct buf *b, const char *s, int flags)
{
	buf_reset(b);
	if (s != NULL)
		html_to_text(b, s, strlen(s), flags);
}

/* A date member into *t; a warning when it is there but unreadable. */
static void
jf_date(json_t *it, const char *key, time_t *t, size_t n,
    void (*warn)(void *, const char *), void *ctx)
{
	const char *s = jf_str(it, key);
	char msg[160];

	*t = FEED_TIME_NONE;
	if (s != NULL && feed_date_parse(s, strlen(s), t) != 0) {
		*t = FEED_TIME_NONE;
		snprintf(msg, sizeof(msg), "item %zu: %s is not a date: %.60s",
		    n, key, s);
		warn(ctx, msg);
	}
}

/* The names of an authors array (1.1) or author object (1.0). */
static size_t
jf_authors(json_t *o, char **v)
{
	json_t *a = json_object_get(o, "authors"), *x;
	size_t n = 0, i;

	if (json_is_array(a)) {
		json_array_foreach(a, i, x)
		{
			const char *name = jf_str(x, "name");

			if (name != NULL && n < FP_LIST_MAX)
				v[n++] = (char *)name;
		}
	} else if (jf_str(json_object_get(o, "author"), "name") != NULL)
		v[n++] = (char *)jf_str(json_object_get(o, "author"), "name");
	return n;
}

/* The item's id as a string: id, url, else the XML feeds' hash. */
static void
jf_id(struct jf_item *x, json_t *it, struct feed_item *out)
{
	json_t *id = json_object_get(it, "id");

	buf_reset(&x->id);
	if (json_is_string(id) && json_string_length(id) > 0)
		buf_appends(&x->id, json_string_value(id));
	else if (json_is_integer(id))
		buf_printf(&x->id, "%lld", (long long)json_integer_value(id));
	else if (out->link[0] != '\0')
		buf_appends(&x->id, out->link);
	else {
		char hex[17];
		uint64_t h =
		    hash64_update(HASH64_INIT, out->title, strlen(out->title));

		h = hash64_update(h, "\n", 1);
		h = hash64_update(h, out->summary, strlen(out->summary));
		hash64_hex(h, hex);
		buf_appends(&x->id, hex);
	}
	out->id = (char *)buf_str(&x->id);
}

/* The attachments as enclosures (their URLs resolved, in x->encl). */
static size_t
jf_enclosures(struct jf_item *x, json_t *it, const char *base)
{
	json_t *a = json_object_get(it, "attachments"), *e;
	size_t n = 0, i, off[FP_LIST_MAX];

	buf_reset(&x->encl);
	json_array_foreach(a, i, e)
	{
		const char *url = jf_str(e, "url"),
		           *type = jf_str(e, "mime_type");
		json_t *size = json_object_get(e, "size_in_bytes");

		if (url == NULL || n == FP_LIST_MAX)
			continue;
		off[n] = x->encl.len;
		url_resolve(&x->encl, base, url, strlen(url));
		buf_appendc(&x->encl, '\0');
		x->encv[n].type = (char *)(type != NULL ? type : "");
		x->encv[n].length = json_is_integer(size)
		    ? (long long)json_integer_value(size)
		    : -1;
		n++;
	}
	for (i = 0; i < n; i++)
		x->encv[i].url = x->encl.data + off[i];
	return n;
}

/* One item of the items array, handed to cb. */
static void
jf_item(struct jf_item *x, json_t *it, size_t n, const char *base,
    const struct feed_meta *meta, char **feed_authors, size_t nfa,
    feed_item_cb cb, void *arg, void (*warn)(void *, const char *), void *ctx)
{
	struct feed_item out = {0};
	json_t *tags = json_object_get(it, "tags"), *t;
	const char *s;
	size_t i;

	jf_text(&x->title, jf_str(it, "title"), HTML_MARKUP | HTML_ONELINE);
	out.title = (char *)buf_str(&x->title);
	buf_reset(&x->link);
	if ((s = jf_str(it, "url")) != NULL)
		url_resolve(&x->link, base, s, strlen(s));
	out.link = (char *)buf_str(&x->link);
	/* content_type says which of the two the text came from. */
	out.content_type = "";
	if ((s = jf_str(it, "content_text")) != NULL) {
		jf_text(&x->content, s, 0);
		out.content_type = "text/plain";
	} else {
		s = jf_str(it, "content_html");
		jf_text(&x->content, s, HTML_MARKUP);
		if (s != NULL)
			out.content_type = "text/html";
	}
	out.content = (char *)buf_str(&x->content);
	if ((s = jf_str(it, "summary")) != NULL)
		jf_text(&x->summary, s, HTML_ONELINE);
	else
		jf_text(&x->summary, out.content, 0);
	out.summary = (char *)buf_str(&x->summary);
	jf_id(x, it, &out);
	if (!json_is_string(json_object_get(it, "id")) &&
	    !json_is_integer(json_object_get(it, "id"))) {
		char msg[96];

		snprintf(msg, sizeof(msg),
		    "item %zu has no id; its link or a hash stands in", n);
		warn(ctx, msg);
	}
	jf_date(it, "date_published", &out.published, n, warn, ctx);
	jf_date(it, "date_modified", &out.updated, n, warn, ctx);
	out.authors = x->authv;
	if ((out.nauthors = jf_authors(it, x->authv)) == 0) {
		for (i = 0; i < nfa; i++)
			x->authv[i] = feed_authors[i];
		out.nauthors = nfa;
	}
	out.categories = x->catv;
	json_array_foreach(tags, i, t)
	{
		if (json_is_string(t) && out.ncategories < FP_LIST_MAX)
			x->catv[out.ncategories++] =
			    (char *)json_string_value(t);
	}
	out.enclosures = x->encv;
	out.nenclosures = jf_enclosures(x, it, base);
	out.language =
	    (char *)(jf_str(it, "language") != NULL ? jf_str(it, "language")
	                                            : meta->language);
	cb(&out, arg);
}

/* Free an item's buffers. */
static void
jf_item_free(struct jf_item *x)
{
	buf_free(&x->id);
	buf_free(&x->title);
	buf_free(&x->link);
	buf_free(&x->summary);
	buf_free(&x->content);
	buf_free(&x->encl);
}

/* Which JSON Feed version the document declares; UNKNOWN when none. */
static enum feed_format
jf_version(json_t *doc)
{
	const char *v = jf_str(doc, "version");

	for (size_t i = 0; v != NULL &&
	     i < sizeof(jsonfeed_versions) / sizeof(*jsonfeed_versions);
	     i++)
		if (strcmp(v, jsonfeed_versions[i].url) == 0)
			return jsonfeed_versions[i].format;
	if (v != NULL && strncmp(v, "https://jsonfeed.org/version/", 29) == 0)
		return FEED_FORMAT_JSON11;
	return FEED_FORMAT_UNKNOWN;
}

/* The meta strings of the feed, kept in j. */
static void
jf_meta(
    struct fp_json *j, json_t *doc, const char *base, struct feed_meta *meta)
{
	struct buf b = BUF_INIT;
	const char *s;

	jf_text(&b, jf_str(doc, "title"), HTML_MARKUP | HTML_ONELINE);
	j->title = buf_steal(&b);
	if ((s = jf_str(doc, "home_page_url")) != NULL)
		url_resolve(&b, base, s, strlen(s));
	j->link = buf_steal(&b);
	if ((s = jf_str(doc, "language")) != NULL)
		j->language = xstrdup(s);
	meta->title = j->title;
	meta->link = j->link;
	meta->language = j->language;
	meta->updated = FEED_TIME_NONE;
}

/* Parse the whole body as a JSON Feed. */
int
jsonfeed_finish(struct fp_json *j, const char *base_url, struct feed_meta *meta,
    feed_item_cb cb, void *arg, void (*warn)(void *, const char *), void *ctx,
    char **error)
{
	json_error_t je;
	json_t *doc, *items, *it;
	struct jf_item x = {0};
	char *fa[FP_LIST_MAX], msg[160];
	size_t i, nfa;
	enum feed_format f;

	doc = json_loadb(j->body.data != NULL ? j->body.data : "", j->body.len,
	    JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		xasprintf(error, "not a feed: JSON, but line %d: %s", je.line,
		    je.text);
		return -1;
	}
	items = json_object_get(doc, "items");
	if ((f = jf_version(doc)) == FEED_FORMAT_UNKNOWN ||
	    !json_is_array(items)) {
		xasprintf(error,
		    "not a feed: JSON without a JSON Feed version "
		    "and items");
		json_decref(doc);
		return -1;
	}
	/* Relative URLs: against where the feed was read, else its own
	 * feed_url. */
	if (base_url == NULL)
		base_url = jf_str(doc, "feed_url");
	meta->format = f;
	jf_meta(j, doc, base_url, meta);
	nfa = jf_authors(doc, fa);
	json_array_foreach(items, i, it)
	{
		if (!json_is_object(it)) {
			snprintf(msg, sizeof(msg),
			    "item %zu is not an object; it is skipped", i + 1);
			warn(ctx, msg);
			continue;
		}
		jf_item(
		    &x, it, i + 1, base_url, meta, fa, nfa, cb, arg, warn, ctx);
	}
	jf_item_free(&x);
	json_decref(doc);
	return 0;
}

/* Free what the reader keeps. */
void
jsonfeed_free(struct fp_json *j)
{
	buf_free(&j->body);
	free(j->title);
	free(j->link);
	free(j->language);
}
