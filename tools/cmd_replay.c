/*
 * feedwatch replay -c CONF: what would CONF's watchlists have alerted on,
 * of the items the daemon has seen, and how does that differ from what it
 * did alert on?  The items come from CONF's state-dir through a read-only
 * connection (store_open_readonly), so a running daemon is neither
 * stopped nor slowed and the state is never written.  Each item is scored
 * by the daemon's matcher (filters/) and put through its story dedup
 * (alerts/story.c's rule, kept in memory since a replay raises no alerts,
 * and the stored alerts from before the replayed window), then compared
 * with the alert it actually raised for that watchlist.
 *
 * Items the daemon did not score (a re-issued link, past a first fetch's
 * backfill) are left out as it left them out; items whose text is past
 * `retention`, or whose feed is no longer in CONF, cannot be scored and
 * are counted in the last line.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "alerts/story.h"
#include "common/buf.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "filters/watchlist.h"
#include "store/store.h"
#include "tools/commands.h"

/* Categories of one item scored; the parser keeps fewer. */
#define REPLAY_MAX_CATEGORIES 256

/* Per watchlist: its counts and the stories it would have alerted on. */
struct rp_wl {
	const struct conf_watchlist *wl;
	struct story_memo *memo;
	size_t items, before, after, plus, minus;
};

struct rp_ctx {
	const struct conf *conf;
	struct store *store;
	struct wl_scan *scan;
	struct rp_wl *w;
	size_t nw;
	int json, all;
	int64_t since;
	uint64_t *alert_ids; /* every alert of the window, sorted */
	size_t nalert_ids, capalert_ids;
	size_t items, unscored, unknown_feed;
	int failed; /* a store error inside a callback */
};

/* Collect an alert's id (16 hex digits) for the quick "did it alert?". */
static void
replay_collect_id(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	struct rp_ctx *x = arg;

	if (x->nalert_ids == x->capalert_ids) {
		x->capalert_ids = x->capalert_ids ? 2 * x->capalert_ids : 256;
		x->alert_ids = xreallocarray(
		    x->alert_ids, x->capalert_ids, sizeof(*x->alert_ids));
	}
	x->alert_ids[x->nalert_ids++] = strtoull(id, NULL, 16);
}

/* qsort and bsearch order of alert ids. */
static int
replay_id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The stored item as the matcher's input; categories split into v. */
static void
replay_wl_item(struct wl_item *wi, const struct store_replay_item *it,
    const struct conf_feed *feed, char *cats, const char **v)
{
	size_t n = 0;

	memset(wi, 0, sizeof(*wi));
	wi->title = it->title;
	wi->body = it->body;
	for (char *p = cats; *p != '\0' && n < REPLAY_MAX_CATEGORIES;) {
		size_t len = strcspn(p, "\n");

		v[n++] = p;
		p += len;
		if (*p == '\n')
			*p++ = '\0';
	}
	wi->categories = v;
	wi->ncategories = n;
	wi->language = feed->language != NULL ? feed->language : it->language;
}

/* Why the new score does not alert, for the readable output. */
static const char *
replay_reason(const struct wl_result *r, int dup)
{
	if (!r->wanted)
		return "its feeds = leaves this feed out";
	if (r->excluded)
		return "excluded";
	if (r->score < r->threshold)
		return "below the threshold";
	if (!r->require)
		return "require fails";
	if (dup)
		return "the same story alerted before";
	return "";
}

/* "North Korea +10, Russia +4, excl sports" from an alert's matches. */
static void
replay_matches_text(json_t *matches, struct buf *b)
{
	size_t i;
	json_t *m;

	json_array_foreach(matches, i, m)
	{
		const char *name =
		    json_string_value(json_object_get(m, "name"));
		json_int_t c =
		    json_integer_value(json_object_get(m, "contribution"));

		if (json_is_true(json_object_get(m, "exclude")))
			buf_printf(b, "%sexcluded by %s", b->len ? ", " : "",
			    name ? name : "?");
		else
			buf_printf(b, "%s%s %+lld", b->len ? ", " : "",
			    name ? name : "?", (long long)c);
	}
	if (b->len == 0)
		buf_appends(b, "nothing matched");
}

/* One changed (or, with --all, unchanged) pair, readable: the verdicts,
 * the scores, and what matched then and now. */
static void
replay_print_text(const struct store_replay_item *it, const struct wl_result *r,
    int before, int after, int score_before, json_t *was, json_t *now, int dup)
{
	struct buf b = BUF_INIT;
	char sb[16] = "-";

	if (before)
		snprintf(sb, sizeof(sb), "%d", score_before);
	printf("%c %s: %s (%s/%s)\n    %s\n",
	    before == after ? '='
	        : after     ? '+'
	                    : '-',
	    r->wl->name, it->title[0] ? it->title : "(no title)", it->feed,
	    it->id, it->link[0] ? it->link : "(no link)");
	printf("    score %s -> %d (threshold %d)%s%s%s\n", sb, r->score,
	    r->threshold,
	    after ? "" : "; no alert: ", after ? "" : replay_reason(r, dup),
	    "");
	replay_matches_text(now, &b);
	printf("    now: %s\n", buf_str(&b));
	if (was != NULL) {
		buf_reset(&b);
		replay_matches_text(was, &b);
		printf("    was: %s\n", buf_str(&b));
	}
	buf_free(&b);
}

/* One pair as the JSON line. */
static void
replay_print_json(const struct store_replay_item *it, const struct wl_result *r,
    int before, int after, int score_before, json_t *now)
{
	json_t *o = json_object(), *item = json_object();
	char *s;

	json_object_set_new(item, "feed", json_string(it->feed));
	json_object_set_new(item, "id", json_string(it->id));
	json_object_set_new(item, "title", json_string(it->title));
	json_object_set_new(item, "link", json_string(it->link));
	json_object_set_new(o, "watchlist", json_string(r->wl->name));
	json_object_set_new(o, "item", item);
	json_object_set_new(o, "before", json_boolean(before));
	json_object_set_new(o, "after", json_boolean(after));
	json_object_set_new(o, "score_before",
	    before ? json_integer(score_before) : json_null());
	json_object_set_new(o, "score_after", json_integer(r->score));
	json_object_set(o, "matches", now);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

/* Did this item raise its story's alert for wl?  1 with its score and
 * the matches it had; 0; -1 on a store error. */
static int
replay_before(struct rp_ctx *x, const struct store_replay_item *it,
    const struct conf_watchlist *wl, const char *key, int *score, json_t **was)
{
	char id[17], *doc = NULL;
	uint64_t idv;
	json_t *d;
	int rc;

	*was = NULL;
	story_alert_id(wl->name, key, id);
	idv = strtoull(id, NULL, 16);
	if (bsearch(&idv, x->alert_ids, x->nalert_ids, sizeof(idv),
	        replay_id_cmp) == NULL)
		return 0;
	rc = store_replay_alert(x->store, id, it->feed, it->id, score, &doc);
	if (rc == 1 && (d = json_loads(doc, 0, NULL)) != NULL) {
		*was = json_incref(json_object_get(d, "matches"));
		json_decref(d);
	}
	free(doc);
	return rc;
}

/* Would the daemon, with CONF, alert on this item for wl now? */
static int
replay_after(struct rp_ctx *x, struct rp_wl *w,
    const struct store_replay_item *it, const struct wl_result *r, int *dup)
{
	int rc;

	*dup = 0;
	if (!r->alert)
		return 0;
	if (story_memo_find(
	        w->memo, it->link_canon, it->title_key, it->first_seen))
		*dup = 1;
	else if (x->since > 0) {
		rc = store_replay_story(x->store, w->wl->name, it->link_canon,
		    it->title_key, x->since,
		    it->first_seen - STORY_TITLE_WINDOW_S);
		if (rc == -1)
			return -1;
		*dup = rc;
	}
	if (*dup)
		return 0;
	story_memo_add(w->memo, it->link_canon, it->title_key, it->first_seen);
	return 1;
}

/* One watchlist against the scanned item: compare, count, print. */
static int
replay_pair(struct rp_ctx *x, struct rp_wl *w, const struct conf_feed *feed,
    const struct store_replay_item *it, const char *key)
{
	const struct wl_result *r = wl_scan_score(x->scan, w->wl, feed);
	json_t *was = NULL, *now;
	int before, after, score_before = 0, dup = 0;

	if ((before = replay_before(x, it, w->wl, key, &score_before, &was)) ==
	        -1 ||
	    (after = replay_after(x, w, it, r, &dup)) == -1) {
		json_decref(was);
		return -1;
	}
	if (r->wanted || before)
		w->items++;
	w->before += before;
	w->after += after;
	w->plus += after && !before;
	w->minus += before && !after;
	if (before != after || x->all) {
		now = wl_result_matches_json(x->scan, r, 1);
		if (x->json)
			replay_print_json(
			    it, r, before, after, score_before, now);
		else
			replay_print_text(
			    it, r, before, after, score_before, was, now, dup);
		json_decref(now);
	}
	json_decref(was);
	return 0;
}

/* Each stored item: scanned once, then compared per watchlist. */
static void
replay_item(const struct store_replay_item *it, void *arg)
{
	struct rp_ctx *x = arg;
	const struct conf_feed *feed;
	const char *cats[REPLAY_MAX_CATEGORIES];
	struct wl_item wi;
	char *cbuf, *key;

	if (x->failed)
		return;
	if (!it->scored) {
		x->unscored++;
		return;
	}
	if ((feed = conf_find_feed(x->conf, it->feed)) == NULL) {
		x->unknown_feed++;
		return;
	}
	x->items++;
	cbuf = xstrdup(it->categories);
	replay_wl_item(&wi, it, feed, cbuf, cats);
	wl_scan_item(x->scan, &wi);
	key = story_key(it->feed, it->id, it->link_canon);
	for (size_t i = 0; i < x->nw && !x->failed; i++)
		if (replay_pair(x, &x->w[i], feed, it, key) == -1)
			x->failed = 1;
	free(key);
	free(cbuf);
}

/* The summary: a line per watchlist, then what could not be replayed. */
static void
replay_summary(struct rp_ctx *x, int64_t notext)
{
	FILE *fp = x->json ? stderr : stdout;

	if (!x->json)
		putchar('\n');
	for (size_t i = 0; i < x->nw; i++) {
		const struct rp_wl *w = &x->w[i];
		fprintf(fp,
		    "%s: %zu items, %zu alerted, %zu would alert: "
		    "+%zu -%zu\n",
		    w->wl->name, w->items, w->before, w->after, w->plus,
		    w->minus);
	}
	fprintf(fp,
	    "%zu items replayed; %lld without text (past retention) not "
	    "replayed; %zu the daemon did not score (re-issued links, past "
	    "a first fetch's backfill); %zu of feeds no longer in the "
	    "config\n",
	    x->items, (long long)notext, x->unscored, x->unknown_feed);
}

/* Everything after the options: config, state, the replay itself. */
static int
replay_run(struct rp_ctx *x, const char *path, const char *only)
{
	struct conf *c = NULL;
	struct wl_matcher *m = NULL;
	char *err = NULL;
	int64_t notext = -1;
	int rc = EXIT_BAD;

	if ((c = conf_load(path, &err)) == NULL ||
	    (m = wl_matcher_new(c, &err)) == NULL)
		goto out;
	x->conf = c;
	x->w = xcalloc(c->nwatchlists, sizeof(*x->w));
	for (size_t i = 0; i < c->nwatchlists; i++)
		if (only == NULL || strcmp(c->watchlists[i].name, only) == 0) {
			x->w[x->nw].wl = &c->watchlists[i];
			x->w[x->nw++].memo = story_memo_new();
		}
	if (only != NULL && x->nw == 0) {
		xasprintf(&err, "%s: no watchlist '%s'", path, only);
		goto out;
	}
	if ((x->store = store_open_readonly(c->daemon.state_dir, &err)) == NULL)
		goto out;
	x->scan = wl_scan_new(m);
	if (store_alerts_since(
	        x->store, x->since, INT_MAX, replay_collect_id, x) == -1 ||
	    (qsort(x->alert_ids, x->nalert_ids, sizeof(*x->alert_ids),
	         replay_id_cmp),
	        store_replay_items(x->store, x->since, replay_item, x) == -1) ||
	    x->failed ||
	    (notext = store_replay_notext(x->store, x->since)) < 0) {
		err = xstrdup(store_error(x->store));
		goto out;
	}
	replay_summary(x, notext);
	rc = EXIT_OK;
out:
	if (err != NULL)
		fprintf(stderr, "feedwatch replay: %s\n", err);
	free(err);
	for (size_t i = 0; i < x->nw; i++)
		story_memo_free(x->w[i].memo);
	free(x->w);
	free(x->alert_ids);
	wl_scan_free(x->scan);
	store_close(x->store);
	wl_matcher_free(m);
	conf_free(c);
	return rc;
}

int
cmd_replay(int argc, char **argv)
{
	struct tool_state_args a = {.all_allowed = 1};
	struct rp_ctx x = {0};
	int rc;

	if ((rc = tool_state_args(argc, argv, "replay", &a)) != EXIT_OK)
		return rc;
	x.json = a.json;
	x.all = a.all;
	x.since = a.since;
	return replay_run(&x, a.conf, a.watchlist);
}

const char cmd_replay_options[] =
    "  -c, --config CONF       the configuration whose state-dir is read\n"
    "  --since DURATION|TIME   items first seen since then (default: all)\n"
    "  --watchlist NAME        only this watchlist\n"
    "  --json                  one JSON line per changed pair\n"
    "  --all                   unchanged pairs too\n";
