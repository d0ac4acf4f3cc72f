/*
 * Alert documents: see alertdoc.h.  Keys come out in the SPEC's order
 * (jansson keeps insertion order with JSON_PRESERVE_ORDER), so a person
 * reading a JSON-lines file sees the same shape as the SPEC shows.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/alertdoc.h"
#include "feeds/parse.h"
#include "filters/watchlist.h"

/* A time, or JSON null when absent. */
static json_t *
time_json(time_t t)
{
	char buf[RFC3339_LEN];

	if (t == FEED_TIME_NONE)
		return json_null();
	return json_string(time_rfc3339(t, buf));
}

/* The summary, or the start of the content, cut on a character boundary
 * with an ellipsis. */
static json_t *
summary_json(const struct feed_item *item)
{
	const char *s =
	    item->summary[0] != '\0' ? item->summary : item->content;
	size_t len = strlen(s), cut = utf8_cut(s, len, ALERTDOC_SUMMARY_MAX);
	char *tmp;
	json_t *j;

	if (cut == len)
		return json_string(s);
	tmp = xmalloc(cut + 4);
	memcpy(tmp, s, cut);
	memcpy(tmp + cut, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
	j = json_string(tmp);
	free(tmp);
	return j;
}

/* Each match also names the terms that matched ("word*" for a prefix),
 * so a reader (the alerts page) can mark them in the snippets. */
static json_t *
alertdoc_terms(const struct wl_result *r, json_t *matches)
{
	for (size_t i = 0; i < r->nents && i < json_array_size(matches); i++) {
		const struct wl_entity_result *e = &r->ents[i];
		json_t *terms = json_array();

		for (size_t k = 0; k < e->nexpl; k++) {
			const struct conf_term *t = e->expl[k].term;
			json_t *v = t->prefix ? json_sprintf("%s*", t->text)
			                      : json_string(t->text);
			size_t j;

			for (j = 0; j < json_array_size(terms); j++)
				if (json_equal(json_array_get(terms, j), v))
					break;
			if (v == NULL || j < json_array_size(terms) ||
			    j >= ALERTDOC_TERMS_MAX)
				json_decref(v);
			else
				json_array_append_new(terms, v);
		}
		json_object_set_new(json_array_get(matches, i), "terms", terms);
	}
	return matches;
}

/* An item scored on what its feed carried. */
char *
alertdoc_build(const char *alert_id, const struct wl_scan *scan,
    const struct wl_result *r, const struct conf_feed *feed,
    const struct feed_item *item, time_t fired_at)
{
	return alertdoc_build_article(
	    alert_id, scan, r, feed, item, fired_at, "feed");
}

/* The whole alert document as compact JSON, keys in the SPEC's order. */
char *
alertdoc_build_article(const char *alert_id, const struct wl_scan *scan,
    const struct wl_result *r, const struct conf_feed *feed,
    const struct feed_item *item, time_t fired_at, const char *article)
{
	json_t *doc = json_object(), *it = json_object();
	char *out;

	json_object_set_new(it, "feed", json_string(feed->name));
	if (feed->title != NULL)
		json_object_set_new(it, "feed_title", json_string(feed->title));
	json_object_set_new(it, "id", json_string(item->id));
	json_object_set_new(it, "title", json_string(item->title));
	json_object_set_new(it, "link", json_string(item->link));
	json_object_set_new(it, "published", time_json(item->published));
	json_object_set_new(it, "summary", summary_json(item));
	json_object_set_new(it, "article", json_string(article));

	json_object_set_new(doc, "id", json_string(alert_id));
	json_object_set_new(doc, "watchlist", json_string(r->wl->name));
	json_object_set_new(doc, "score", json_integer(r->score));
	json_object_set_new(doc, "threshold", json_integer(r->threshold));
	json_object_set_new(doc, "fired_at", time_json(fired_at));
	json_object_set_new(doc, "kind", json_string("item"));
	json_object_set_new(doc, "item", it);
	json_object_set_new(doc, "matches",
	    alertdoc_terms(r, wl_result_matches_json(scan, r, 1)));
	json_object_set_new(doc, "also_in", json_array());
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return out;
}

/* Parse the stored document and put the sightings in its also_in. */
json_t *
alertdoc_stored(const char *doc, const char *also_in)
{
	json_t *d = json_loads(doc, 0, NULL), *feeds;

	if (d == NULL)
		return NULL;
	feeds = json_array();
	while (also_in != NULL && *also_in != '\0') {
		size_t n = strcspn(also_in, " ");
		json_array_append_new(feeds, json_stringn(also_in, n));
		also_in += n + (also_in[n] == ' ');
	}
	json_object_set_new(d, "also_in", feeds);
	return d;
}

/* A muted alert's document says which silence muted it. */
char *
alertdoc_silenced(const char *doc, int64_t silence_id)
{
	json_t *d = json_loads(doc, 0, NULL);
	char *out;

	if (d == NULL)
		return xstrdup(doc);
	json_object_set_new(d, "silence", json_integer((json_int_t)silence_id));
	out = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(d);
	return out != NULL ? out : xstrdup(doc);
}
