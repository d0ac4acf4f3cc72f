/*
 * The pipeline: see pipeline.h.
 *
 * Transactions.  Items arrive one by one from the parser while a fetch is
 * still streaming, and several fetches interleave on the one loop.  The
 * first write opens a transaction on the one SQLite connection; each item
 * writes its row and its alerts inside it, and the transaction commits
 * when any fetch completes.  So an item and its alerts always commit
 * together, which is the guarantee that matters; a feed's validators are
 * saved only with the completion of its own fetch, after its items.  The
 * outbox does not run while a transaction is open, so no sink ever sees
 * an alert that could still roll back.  If a write fails, the transaction
 * rolls back and every fetch that had items in it forgets its validators,
 * so the next poll reads those items again.
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/outbox.h"
#include "alerts/sink.h"
#include "alerts/story.h"
#include "common/conf.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "daemon/alertdoc.h"
#include "daemon/pipeline.h"
#include "feeds/fetch.h"
#include "feeds/sched.h"
#include "filters/normalize.h"
#include "filters/watchlist.h"
#include "store/store.h"

/* A fetch whose new items are mostly links the feed had before is a feed
 * re-issuing old items under new ids; below this many it is not worth a
 * log line. */
#define PIPELINE_REISSUE_MIN 3

struct pl_feed {
	const struct conf_feed *conf;
	int first_fetch;   /* the store has never seen a fetch of it */
	int backfill_left; /* items of the first fetch that may alert */
	int lost;          /* its items of this fetch were rolled back */
	unsigned new_items, reissued, alerts; /* this fetch */
};

struct pipeline {
	struct event_base *base;
	const struct conf *conf;
	struct store *store;
	struct wl_matcher *matcher;
	struct wl_scan *scan;
	struct sink **sinks; /* one per [sink], in config order */
	size_t nsinks;
	struct outbox *outbox;
	struct fetcher *fetcher;
	struct sched *sched;
	struct pl_feed *feeds; /* config order */
	size_t nfeeds;
	size_t *sched_feed; /* scheduler index -> feeds[] index */
	size_t nsched;
	struct pipeline_stats stats;
	/* --once */
	int once;
	size_t once_pending;
	void (*once_done)(void *);
	void *once_arg;
};

/* Roll back after a failed write; every fetch with items in flight loses
 * them and must not save its validators. */
static void
pipeline_store_failed(struct pipeline *p, const char *what)
{
	log_warnx("%s: %s; rolling back, the items will be read again", what,
	    store_error(p->store));
	store_rollback(p->store);
	for (size_t i = 0; i < p->nfeeds; i++)
		if (p->feeds[i].new_items > 0)
			p->feeds[i].lost = 1;
}

/* The sinks an alert of wl with this score goes to: the watchlist's (or
 * every sink, when it names none) whose min-score it reaches.  Free the
 * array, not the names. */
static const char **
pipeline_sink_names(const struct pipeline *p, const struct conf_watchlist *wl,
    int score, size_t *n)
{
	size_t max = wl->nsinks > 0 ? wl->nsinks : p->conf->nsinks;
	const char **names = xcalloc(max + 1, sizeof(*names));

	*n = 0;
	for (size_t i = 0; i < max; i++) {
		const struct conf_sink *cs =
		    wl->nsinks > 0 ? wl->sinks[i] : &p->conf->sinks[i];
		if (score >= cs->min_score)
			names[(*n)++] = cs->name;
	}
	return names;
}

/* Queue one alert (or note the story was already alerted). */
static int
pipeline_alert(struct pipeline *p, struct pl_feed *pf,
    const struct feed_item *item, const struct wl_result *r,
    const char *link_canon, const char *title_key, time_t now)
{
	const struct conf_watchlist *wl = r->wl;
	const char **sinks;
	char id[17], *earlier = NULL, *key = NULL, *doc;
	size_t nsinks;
	int rc;

	rc = store_story_find(p->store, wl->name, link_canon, title_key,
	    now - STORY_TITLE_WINDOW_S, &earlier);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		log_info("%s: \"%s\" in feed %s is the story of alert %s; "
		         "recorded in its also_in",
		    wl->name, item->title, pf->conf->name, earlier);
		rc = store_alert_also_in(p->store, earlier, pf->conf->name);
		free(earlier);
		p->stats.duplicates++;
		return rc;
	}
	if (link_canon[0] != '\0')
		key = xstrdup(link_canon);
	else
		xasprintf(&key, "%s\n%s", pf->conf->name, item->id);
	story_alert_id(wl->name, key, id);
	free(key);
	if ((doc = alertdoc_build(id, p->scan, r, pf->conf, item, now)) == NULL)
		return 0;
	sinks = pipeline_sink_names(p, wl, r->score, &nsinks);
	{
		struct store_alert a = {.id = id,
		    .watchlist = wl->name,
		    .feed = pf->conf->name,
		    .link_canon = link_canon,
		    .title_key = title_key,
		    .fired_at = now,
		    .score = r->score,
		    .doc = doc};
		rc = store_alert_add(p->store, &a, sinks, nsinks);
	}
	free(sinks);
	free(doc);
	if (rc == 0) {
		p->stats.alerts++;
		pf->alerts++;
	}
	return rc;
}

/* The normalised title's hash, "" when there is no title. */
static void
pipeline_title_key(const char *title, char out[17])
{
	char *folded = norm_fold(title, strlen(title));

	out[0] = '\0';
	if (folded[0] != '\0')
		hash64_hex(hash64(folded, strlen(folded)), out);
	free(folded);
}

static int
pipeline_item(
    struct pipeline *p, struct pl_feed *pf, const struct feed_item *item)
{
	const char *name = pf->conf->name;
	char title_key[17], *link_canon;
	time_t now = time(NULL);
	struct wl_item wi;
	int rc, reissued = 0;

	if ((rc = store_item_seen(p->store, name, item->id)) != 0)
		return rc == 1 ? 0 : -1;
	if (!store_in_transaction(p->store) && store_begin(p->store) == -1)
		return -1;
	link_canon = story_canonical_link(item->link);
	pipeline_title_key(item->title, title_key);
	if (link_canon[0] != '\0' &&
	    (reissued = store_item_link_seen(p->store, name, link_canon)) == -1)
		goto fail;
	{
		struct store_item si = {.feed = name,
		    .id = item->id,
		    .link_canon = link_canon,
		    .title_key = title_key,
		    .first_seen = now,
		    .title = item->title,
		    .link = item->link,
		    .published = item->published == FEED_TIME_NONE
		        ? 0
		        : (int64_t)item->published,
		    .body = item->content[0] != '\0' ? item->content
		                                     : item->summary};
		if (store_item_add(p->store, &si) == -1)
			goto fail;
	}
	pf->new_items++;
	p->stats.items_new++;
	if (reissued) {
		pf->reissued++;
		goto done;
	}
	if (pf->first_fetch) {
		if (pf->backfill_left <= 0)
			goto done;
		pf->backfill_left--;
	}
	wl_item_from_feed(&wi, item);
	wl_scan_item(p->scan, &wi);
	for (size_t i = 0; i < p->conf->nwatchlists; i++) {
		const struct wl_result *r =
		    wl_scan_score(p->scan, &p->conf->watchlists[i], pf->conf);
		if (r->alert &&
		    pipeline_alert(
		        p, pf, item, r, link_canon, title_key, now) == -1)
			goto fail;
	}
done:
	free(link_canon);
	return 0;
fail:
	free(link_canon);
	return -1;
}

static void
pipeline_on_item(size_t feed, const struct feed_item *item, void *arg)
{
	struct pipeline *p = arg;
	struct pl_feed *pf = &p->feeds[p->sched_feed[feed]];

	if (pf->lost)
		return;
	if (pipeline_item(p, pf, item) == -1)
		pipeline_store_failed(p, pf->conf->name);
}

/* Write the feed's schedule and validators after a poll. */
static int
pipeline_save_feed(struct pipeline *p, struct pl_feed *pf, size_t sidx)
{
	struct sched_feed_status st;
	struct store_feed sf;

	sched_status(p->sched, sidx, &st);
	memset(&sf, 0, sizeof(sf));
	sf.name = (char *)pf->conf->name;
	sf.conf_url = pf->conf->url;
	sf.url = (char *)st.url;
	/* Items that were rolled back must be fetched in full again. */
	sf.etag = pf->lost ? NULL : (char *)st.etag;
	sf.last_modified = pf->lost ? NULL : (char *)st.last_modified;
	sf.last_poll = st.last_poll;
	sf.next_poll = st.next_poll;
	sf.errors = (int)st.errors;
	sf.http_status = (int)st.http_code;
	sf.disabled = !st.enabled;
	sf.fetched_once = !pf->first_fetch;
	sf.last_error = (char *)st.error;
	return store_feed_save(p->store, &sf);
}

static void
pipeline_on_result(size_t feed, const struct fetch_result *r, void *arg)
{
	struct pipeline *p = arg;
	struct pl_feed *pf = &p->feeds[p->sched_feed[feed]];
	uint64_t done_us = time_mono_us();

	p->stats.polls++;
	if (r->status == FETCH_NOT_MODIFIED)
		p->stats.not_modified++;
	else if (r->status != FETCH_OK)
		p->stats.poll_errors++;
	if (r->status == FETCH_OK && !pf->lost)
		pf->first_fetch = 0;
	if (pf->reissued >= PIPELINE_REISSUE_MIN &&
	    pf->reissued * 2 > pf->new_items)
		log_warnx("feed %s: %u of %u new items repeat links the feed "
		          "already had (re-issued under new ids); not alerting "
		          "on them again",
		    pf->conf->name, pf->reissued, pf->new_items);
	log_debug("feed %s: %s, %zu items, %u new, %u alerts", pf->conf->name,
	    fetch_status_name(r->status), r->nitems, pf->new_items, pf->alerts);
	if (!store_in_transaction(p->store) && store_begin(p->store) == -1)
		log_warnx("feed %s: %s", pf->conf->name, store_error(p->store));
	else if (pipeline_save_feed(p, pf, feed) == -1 ||
	    store_commit(p->store) == -1)
		pipeline_store_failed(p, pf->conf->name);
	pf->new_items = pf->reissued = pf->alerts = 0;
	pf->lost = 0;
	outbox_fetched(p->outbox, done_us);
	if (p->once && p->once_pending > 0)
		p->once_pending--;
}

/* --once ends when every feed was polled and the outbox has nothing due. */
static void
pipeline_outbox_idle(void *arg)
{
	struct pipeline *p = arg;

	if (p->once && p->once_pending == 0 && p->once_done != NULL) {
		void (*done)(void *) = p->once_done;
		p->once_done = NULL;
		done(p->once_arg);
	}
}

/* Register one configured feed with the scheduler, from its stored state. */
static int
pipeline_add_feed(struct pipeline *p, size_t i, time_t now)
{
	struct pl_feed *pf = &p->feeds[i];
	const struct conf_feed *cf = pf->conf;
	struct store_feed sf;
	struct sched_feed_def def = {.name = cf->name,
	    .url = cf->url,
	    .interval_ms = cf->interval_ms,
	    .first_delay_ms = -1};
	int rc = store_feed_load(p->store, cf->name, &sf);

	if (rc == -1)
		return -1;
	pf->first_fetch = 1;
	pf->backfill_left = cf->backfill;
	/* A feed whose URL was edited in the config starts afresh. */
	if (rc == 1 && sf.conf_url != NULL &&
	    strcmp(sf.conf_url, cf->url) == 0) {
		if (sf.disabled) {
			log_warnx("feed %s: disabled since %s answered 410 "
			          "Gone; edit its url to poll it again",
			    cf->name, sf.url);
			store_feed_clear(&sf);
			return 0;
		}
		pf->first_fetch = !sf.fetched_once;
		def.url = sf.url;
		def.etag = sf.etag;
		def.last_modified = sf.last_modified;
		if (sf.next_poll > now)
			def.first_delay_ms =
			    (int64_t)(sf.next_poll - now) * 1000;
	}
	p->sched_feed[sched_add(p->sched, &def)] = i;
	p->nsched++;
	store_feed_clear(&sf);
	return 0;
}

struct pipeline *
pipeline_new(struct event_base *base, const struct conf *c, struct store *st,
    const struct pipeline_opts *o, char **err)
{
	struct pipeline *p = xcalloc(1, sizeof(*p));
	struct sink_env env = {.base = base, .log_json = o->log_json};
	struct fetch_options fo;
	time_t now = time(NULL);

	p->base = base;
	p->conf = c;
	p->store = st;
	if ((p->matcher = wl_matcher_new(c, err)) == NULL)
		goto fail;
	p->scan = wl_scan_new(p->matcher);
	p->sinks = xcalloc(c->nsinks + 1, sizeof(*p->sinks));
	for (size_t i = 0; i < c->nsinks; i++) {
		if ((p->sinks[i] = sink_new(&c->sinks[i], &env, err)) == NULL)
			goto fail;
		p->nsinks++;
	}
	p->outbox = outbox_new(base, st, p->sinks, p->nsinks);
	outbox_on_idle(p->outbox, pipeline_outbox_idle, p);
	fetch_options_init(&fo);
	fetch_options_from_conf(&fo, &c->daemon);
	if ((p->fetcher = fetcher_new(base, &fo, err)) == NULL)
		goto fail;
	p->sched = sched_new(
	    base, p->fetcher, pipeline_on_item, pipeline_on_result, p);
	p->nfeeds = c->nfeeds;
	p->feeds = xcalloc(c->nfeeds + 1, sizeof(*p->feeds));
	p->sched_feed = xcalloc(c->nfeeds + 1, sizeof(*p->sched_feed));
	for (size_t i = 0; i < c->nfeeds; i++) {
		p->feeds[i].conf = &c->feeds[i];
		if (pipeline_add_feed(p, i, now) == -1) {
			xasprintf(err, "%s", store_error(st));
			goto fail;
		}
	}
	return p;
fail:
	pipeline_free(p);
	return NULL;
}

void
pipeline_run_once(struct pipeline *p, void (*done)(void *), void *arg)
{
	p->once = 1;
	p->once_pending = p->nsched;
	p->once_done = done;
	p->once_arg = arg;
	sched_poll_all_now(p->sched);
	/* Deliver what an earlier run left, and finish at once when there
	 * are no feeds at all. */
	outbox_kick(p->outbox);
}

void
pipeline_run(struct pipeline *p)
{
	outbox_kick(p->outbox);
}

const struct pipeline_stats *
pipeline_stats(const struct pipeline *p)
{
	return &p->stats;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	if (store_in_transaction(p->store) && store_commit(p->store) == -1)
		pipeline_store_failed(p, "final commit");
	/* The fetcher first: it holds the scheduler's feeds. */
	if (p->fetcher != NULL)
		fetcher_free(p->fetcher);
	if (p->sched != NULL)
		sched_free(p->sched);
	outbox_free(p->outbox);
	for (size_t i = 0; i < p->nsinks; i++)
		sink_free(p->sinks[i]);
	free(p->sinks);
	wl_scan_free(p->scan);
	wl_matcher_free(p->matcher);
	free(p->feeds);
	free(p->sched_feed);
	free(p);
}
