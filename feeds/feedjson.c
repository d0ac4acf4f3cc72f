/*
 * Feed items to JSON (see feedjson.h), keys in the SPEC's order: items
 * written as text by one writer, the document's own keys through jansson
 * (which keeps insertion order when dumping).
 */
#include "config.h"

#include <string.h>

#include "common/buf.h"
#include "common/timeutil.h"
#include "feeds/feedjson.h"

/* A time as JSON: RFC 3339 UTC or null. */
static json_t *
feed_time_json(time_t t)
{
	char s[RFC3339_LEN];

	if (t == FEED_TIME_NONE)
		return json_null();
	return json_string(time_rfc3339(t, s));
}

/* A language tag, or null when none was declared. */
static json_t *
lang_json(const char *tag)
{
	return tag != NULL ? json_string(tag) : json_null();
}

/*
 * The item writer: JSON text straight from the item, laid out as
 * jansson's JSON_INDENT(2) lays it out, every line after the first
 * starting with `base`.  `feedwatch parse` writes every item of a feed
 * through it, so it builds no tree: each string is escaped as it is
 * copied.
 */
struct jw {
	struct buf *b;
	const char *base;
	unsigned depth;
	int first; /* nothing written yet in the innermost container */
};

/* Bytes that must be escaped in a JSON string (", \, controls). */
static int
json_special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* s as a JSON string. */
static void
jw_string(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	buf_appendc(w->b, '"');
	for (;;) {
		const char *run = s;
		while (*s != '\0' && !json_special((unsigned char)*s))
			s++;
		buf_append(w->b, run, (size_t)(s - run));
		if (*s == '\0')
			break;
		unsigned char c = (unsigned char)*s++;
		char e[7] = {'\\', (char)c, 0};
		size_t n = 2;
		if (c == '\n')
			e[1] = 'n';
		else if (c == '\t')
			e[1] = 't';
		else if (c == '\r')
			e[1] = 'r';
		else if (c == '\b')
			e[1] = 'b';
		else if (c == '\f')
			e[1] = 'f';
		else if (c < 0x20) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			n = 6;
		}
		buf_append(w->b, e, n);
	}
	buf_appendc(w->b, '"');
}

/* A new line at the current depth. */
static void
jw_newline(struct jw *w)
{
	buf_appendc(w->b, '\n');
	buf_appends(w->b, w->base);
	for (unsigned i = 0; i < w->depth; i++)
		buf_append(w->b, "  ", 2);
}

/* The separator before the next value (and its key, if any). */
static void
jw_next(struct jw *w, const char *key)
{
	if (!w->first)
		buf_appendc(w->b, ',');
	w->first = 0;
	jw_newline(w);
	if (key != NULL) {
		jw_string(w, key);
		buf_append(w->b, ": ", 2);
	}
}

/* Open an object or array ('{' or '['). */
static void
jw_open(struct jw *w, const char *key, char c)
{
	if (key != NULL || w->depth > 0)
		jw_next(w, key);
	buf_appendc(w->b, c);
	w->depth++;
	w->first = 1;
}

/* Close it: "[]" when empty, as jansson prints it. */
static void
jw_close(struct jw *w, char c)
{
	w->depth--;
	if (!w->first)
		jw_newline(w);
	buf_appendc(w->b, c);
	w->first = 0;
}

/* "key": "s" */
static void
jw_str(struct jw *w, const char *key, const char *s)
{
	jw_next(w, key);
	jw_string(w, s != NULL ? s : "");
}

/* "key": s or null */
static void
jw_str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_next(w, key);
	if (s != NULL)
		jw_string(w, s);
	else
		buf_append(w->b, "null", 4);
}

/* "key": a time as RFC 3339 UTC, or null. */
static void
jw_time(struct jw *w, const char *key, time_t t)
{
	char s[RFC3339_LEN];

	jw_str_or_null(w, key, t == FEED_TIME_NONE ? NULL : time_rfc3339(t, s));
}

/* "key": n, or null when negative. */
static void
jw_length(struct jw *w, const char *key, long long n)
{
	jw_next(w, key);
	if (n < 0)
		buf_append(w->b, "null", 4);
	else
		buf_printf(w->b, "%lld", n);
}

/* "key": ["…", …] */
static void
jw_strv(struct jw *w, const char *key, char **v, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		jw_str(w, NULL, v[i]);
	jw_close(w, ']');
}

/* One item as the SPEC's JSON object, appended to out. */
void
feed_item_write(struct buf *out, const struct feed_item *it, const char *base)
{
	struct jw w = {.b = out, .base = base};

	jw_open(&w, NULL, '{');
	jw_str(&w, "id", it->id);
	jw_str(&w, "title", it->title);
	jw_str(&w, "link", it->link);
	jw_time(&w, "published", it->published);
	jw_time(&w, "updated", it->updated);
	jw_strv(&w, "authors", it->authors, it->nauthors);
	jw_strv(&w, "categories", it->categories, it->ncategories);
	jw_str(&w, "summary", it->summary);
	jw_str(&w, "content", it->content);
	jw_str_or_null(&w, "language", it->language);
	jw_open(&w, "enclosures", '[');
	for (size_t i = 0; i < it->nenclosures; i++) {
		const struct feed_enclosure *e = &it->enclosures[i];
		jw_open(&w, NULL, '{');
		jw_str(&w, "url", e->url);
		jw_str(&w, "type", e->type);
		jw_length(&w, "length", e->length);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_open(&w, "author_details", '[');
	for (size_t i = 0; i < it->nauthors && it->author_details; i++) {
		const struct feed_author *a = &it->author_details[i];
		jw_open(&w, NULL, '{');
		jw_str(&w, "name", a->name);
		jw_str(&w, "email", a->email);
		jw_str(&w, "uri", a->uri);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_open(&w, "links", '[');
	for (size_t i = 0; i < it->nlinks; i++) {
		const struct feed_link *l = &it->links[i];
		jw_open(&w, NULL, '{');
		jw_str(&w, "rel", l->rel);
		jw_str(&w, "type", l->type);
		jw_str(&w, "href", l->href);
		jw_str(&w, "title", l->title);
		jw_length(&w, "length", l->length);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_str(&w, "content_type", it->content_type);
	if (it->summary_raw != NULL)
		jw_str(&w, "summary_raw", it->summary_raw);
	if (it->content_raw != NULL)
		jw_str(&w, "content_raw", it->content_raw);
	jw_close(&w, '}');
}

/* One item as the SPEC's JSON object: the writer's text, loaded. */
json_t *
feed_item_json(const struct feed_item *it)
{
	struct buf b = BUF_INIT;
	json_t *j;

	feed_item_write(&b, it, "");
	j = json_loadb(b.data, b.len, 0, NULL);
	buf_free(&b);
	return j;
}

/* The whole document: meta data, warnings, items. */
json_t *
feed_doc_json(const struct feed_parser *p, json_t *items)
{
	const struct feed_meta *m = feed_parser_meta(p);
	json_t *o = json_object(), *w = json_array();

	json_object_set_new(
	    o, "format", json_string(feed_format_name(m->format)));
	json_object_set_new(o, "title", json_string(m->title));
	json_object_set_new(o, "link", json_string(m->link));
	json_object_set_new(o, "updated", feed_time_json(m->updated));
	json_object_set_new(o, "language", lang_json(m->language));
	json_object_set_new(
	    o, "version", json_string(m->version ? m->version : ""));
	for (size_t i = 0; i < feed_parser_nwarnings(p); i++)
		json_array_append_new(
		    w, json_string(feed_parser_warning(p, i)));
	json_object_set_new(o, "warnings", w);
	json_object_set_new(o, "items", items);
	return o;
}
