/*
 * Feed items to JSON (see feedjson.h), keys in the SPEC's order: items
 * written as text by common/jsonw.c in jansson's JSON_INDENT(2) layout,
 * so `feedwatch parse` builds no tree for them; the document's own keys
 * through jansson (which keeps insertion order when dumping).
 */
#include "config.h"

#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
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

/* "key": a time as RFC 3339 UTC, or null. */
void
feed_time_write(struct jw *w, const char *key, time_t t)
{
	char s[RFC3339_LEN];

	jw_str_or_null(w, key, t == FEED_TIME_NONE ? NULL : time_rfc3339(t, s));
}

/* "key": n, or null when negative. */
static void
jw_length(struct jw *w, const char *key, long long n)
{
	if (n < 0)
		jw_lit(w, key, "null");
	else
		jw_int(w, key, n);
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
	feed_time_write(&w, "published", it->published);
	feed_time_write(&w, "updated", it->updated);
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
