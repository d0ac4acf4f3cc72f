/*
 * Feed items to JSON (see feedjson.h).  Keys are added in the SPEC's
 * order; jansson keeps insertion order when dumping.
 */
#include "config.h"

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

/* An array of strings as JSON. */
static json_t *
strv_json(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* One item as the SPEC's JSON object. */
json_t *
feed_item_json(const struct feed_item *it)
{
	json_t *o = json_object(), *encl = json_array();

	json_object_set_new(o, "id", json_string(it->id));
	json_object_set_new(o, "title", json_string(it->title));
	json_object_set_new(o, "link", json_string(it->link));
	json_object_set_new(o, "published", feed_time_json(it->published));
	json_object_set_new(o, "updated", feed_time_json(it->updated));
	json_object_set_new(o, "authors", strv_json(it->authors, it->nauthors));
	json_object_set_new(
	    o, "categories", strv_json(it->categories, it->ncategories));
	json_object_set_new(o, "summary", json_string(it->summary));
	json_object_set_new(o, "content", json_string(it->content));
	json_object_set_new(o, "language", lang_json(it->language));
	for (size_t i = 0; i < it->nenclosures; i++) {
		const struct feed_enclosure *e = &it->enclosures[i];
		json_t *j = json_object();

		json_object_set_new(j, "url", json_string(e->url));
		json_object_set_new(j, "type", json_string(e->type));
		json_object_set_new(j, "length",
		    e->length < 0 ? json_null() : json_integer(e->length));
		json_array_append_new(encl, j);
	}
	json_object_set_new(o, "enclosures", encl);
	json_t *det = json_array(), *links = json_array();
	for (size_t i = 0; i < it->nauthors && it->author_details; i++) {
		const struct feed_author *a = &it->author_details[i];
		json_array_append_new(det,
		    json_pack("{s:s,s:s,s:s}", "name", a->name, "email",
		        a->email, "uri", a->uri));
	}
	json_object_set_new(o, "author_details", det);
	for (size_t i = 0; i < it->nlinks; i++) {
		const struct feed_link *l = &it->links[i];
		json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "rel", l->rel,
		    "type", l->type, "href", l->href, "title", l->title);
		json_object_set_new(j, "length",
		    l->length < 0 ? json_null() : json_integer(l->length));
		json_array_append_new(links, j);
	}
	json_object_set_new(o, "links", links);
	json_object_set_new(o, "content_type",
	    json_string(it->content_type ? it->content_type : ""));
	if (it->summary_raw != NULL)
		json_object_set_new(
		    o, "summary_raw", json_string(it->summary_raw));
	if (it->content_raw != NULL)
		json_object_set_new(
		    o, "content_raw", json_string(it->content_raw));
	return o;
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
