/*
 * Alert documents: see alertdoc.h.  Keys come out in the SPEC's order,
 * so a person reading a JSON-lines file sees the same shape as the SPEC
 * shows; the documents stored ones are read back from go through jansson
 * (which keeps insertion order with JSON_PRESERVE_ORDER).
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/alertdoc.h"
#include "feeds/feedjson.h"
#include "feeds/parse.h"
#include "filters/watchlist.h"

/* "summary": the summary, or the start of the content, cut on a
 * character boundary with an ellipsis. */
static void
summary_write(struct jw *w, const struct feed_item *item)
{
	const char *s =
	    item->summary[0] != '\0' ? item->summary : item->content;
	size_t len = strlen(s), cut = utf8_cut(s, len, ALERTDOC_SUMMARY_MAX);
	char tmp[ALERTDOC_SUMMARY_MAX + 4];

	if (cut == len) {
		jw_strn(w, "summary", s, len);
		return;
	}
	memcpy(tmp, s, cut);
	memcpy(tmp + cut, "\xe2\x80\xa6", 3); /* U+2026 */
	jw_strn(w, "summary", tmp, cut + 3);
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

/* The whole alert document as compact JSON, keys in the SPEC's order,
 * written as text: the same bytes jansson's JSON_COMPACT dump of the
 * document made, at a fraction of building and dumping its tree. */
char *
alertdoc_build_article(const char *alert_id, const struct wl_scan *scan,
    const struct wl_result *r, const struct conf_feed *feed,
    const struct feed_item *item, time_t fired_at, const char *article)
{
	struct buf b = BUF_INIT;
	struct jw w = {.b = &b};

	buf_reserve(&b, 2048);
	jw_open(&w, NULL, '{');
	jw_str(&w, "id", alert_id);
	jw_str(&w, "watchlist", r->wl->name);
	jw_int(&w, "score", r->score);
	jw_int(&w, "threshold", r->threshold);
	feed_time_write(&w, "fired_at", fired_at);
	jw_str(&w, "kind", "item");
	jw_open(&w, "item", '{');
	jw_str(&w, "feed", feed->name);
	if (feed->title != NULL)
		jw_str(&w, "feed_title", feed->title);
	jw_str(&w, "id", item->id);
	jw_str(&w, "title", item->title);
	jw_str(&w, "link", item->link);
	feed_time_write(&w, "published", item->published);
	summary_write(&w, item);
	jw_str(&w, "article", article);
	jw_close(&w, '}');
	wl_result_matches_write(
	    &w, "matches", scan, r, WL_MATCHES_ALERT | WL_MATCHES_TERMS);
	jw_open(&w, "also_in", '[');
	jw_close(&w, ']');
	jw_close(&w, '}');
	return buf_steal(&b);
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
