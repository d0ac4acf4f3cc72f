/*
 * Surges: see surge.h.  Only a watchlist that names `surge` costs
 * anything: one count over the alerts_kind index per alert it raises.
 * A surge's document has the shape of an item alert (item, score,
 * threshold, matches), so every sink and format shows it without knowing
 * about surges: its item is a summary line and the newest story's link,
 * its score the story count and its threshold N; `surge` adds the
 * period and the stories.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/story.h"
#include "common/buf.h"
#include "common/timeutil.h"
#include "conf/conf.h"
#include "daemon/surge.h"
#include "store/store.h"

/* The stories of a surge, as they are collected. */
struct surge_list {
	json_t *stories;
	struct buf titles;
};

/* One story of the burst: its alert, title, link, feed and time. */
static void
surge_story(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	struct surge_list *l = arg;
	json_t *d = json_loads(doc, 0, NULL), *it;
	char when[RFC3339_LEN];
	const char *title;

	(void)also_in;
	if (d == NULL)
		return;
	it = json_object_get(d, "item");
	title = json_string_value(json_object_get(it, "title"));
	json_array_append_new(l->stories,
	    json_pack("{s:s, s:s, s:O?, s:O?, s:s}", "alert", id, "title",
	        title != NULL ? title : "", "link", json_object_get(it, "link"),
	        "feed", json_object_get(it, "feed"), "fired_at",
	        time_rfc3339((time_t)fired_at, when)));
	if (l->titles.len > 0)
		buf_appends(&l->titles, " \xc2\xb7 "); /* a middle dot */
	buf_appends(&l->titles, title != NULL ? title : "");
	json_decref(d);
}

/* A period as the config writes it: 1h, 30m, 7d, 90s. */
static void
surge_period(int64_t s, char *out, size_t len)
{
	static const struct {
		int64_t unit;
		char c;
	} units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s % units[i].unit == 0) {
			snprintf(out, len, "%lld%c",
			    (long long)(s / units[i].unit), units[i].c);
			return;
		}
}

/* The surge document, keys in the order of an item alert's. */
static char *
surge_doc(const struct conf_watchlist *wl, const char *id, time_t now,
    int64_t n, int64_t period_s, struct surge_list *l)
{
	json_t *doc, *first = json_array_get(l->stories, 0);
	char when[RFC3339_LEN], period[32], title[256];
	char *out;

	surge_period(period_s, period, sizeof(period));
	snprintf(title, sizeof(title), "Surge on %s: %lld stories in %s",
	    wl->name, (long long)n, period);
	doc = json_pack("{s:s, s:s, s:I, s:i, s:s, s:s, s:{s:s, s:s, s:s, "
	                "s:O?, s:n, s:s}, s:[], s:{s:I, s:s, s:I, s:O}}",
	    "id", id, "watchlist", wl->name, "score", (json_int_t)n,
	    "threshold", wl->surge_count, "fired_at", time_rfc3339(now, when),
	    "kind", "surge", "item", "feed", "", "id", id, "title", title,
	    "link", json_object_get(first, "link"), "published", "summary",
	    buf_str(&l->titles), "matches", "surge", "count", (json_int_t)n,
	    "period", period, "period_s", (json_int_t)period_s, "stories",
	    l->stories);
	if (doc == NULL)
		return NULL;
	out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return out;
}

/* Count, compare with the last surge, and build the alert. */
int
surge_check(struct store *st, const struct conf_watchlist *wl, time_t now,
    char id[17], char **doc, int *count)
{
	int64_t period = (int64_t)(wl->surge_period_ms / 1000), n, last;
	struct surge_list l = {NULL, BUF_INIT};
	char key[48];
	int rc;

	if (wl->surge_count <= 0)
		return 0;
	if (store_surge_count(st, wl->name, now - period, &n) == -1)
		return -1;
	if (n < wl->surge_count)
		return 0;
	if ((rc = store_surge_last(st, wl->name, &last)) == -1)
		return -1;
	if (rc == 1 && last > now - period)
		return 0;
	l.stories = json_array();
	if (store_surge_stories(st, wl->name, now - period, SURGE_STORIES_MAX,
	        surge_story, &l) == -1) {
		json_decref(l.stories);
		buf_free(&l.titles);
		return -1;
	}
	/* One per period: the time names it. */
	snprintf(key, sizeof(key), "surge:%lld", (long long)now);
	story_alert_id(wl->name, key, id);
	*doc = surge_doc(wl, id, now, n, period, &l);
	*count = (int)n;
	json_decref(l.stories);
	buf_free(&l.titles);
	return *doc != NULL;
}
