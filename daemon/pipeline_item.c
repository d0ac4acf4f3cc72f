/*
 * The pipeline's per-item path (see pipeline.c for the batches): is an
 * item new, what it is stored with, and its score and alerts.  The
 * store lookups of one turn of the loop share a read transaction
 * (store_read_end), which pipeline_lookups_done ends.
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/story.h"
#include "common/buf.h"
#include "common/idset.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/alertdoc.h"
#include "daemon/artwait.h"
#include "daemon/pipeline.h"
#include "daemon/pipeline_int.h"
#include "feeds/fetch.h"
#include "filters/watchlist.h"
#include "store/store.h"

/* A lookup left the store's read transaction open: end it with this
 * turn of the loop, so the snapshot never outlives it. */
static void
pipeline_lookups_later(struct pipeline *p)
{
	if (store_reading(p->store) && p->read_ev != NULL)
		event_active(p->read_ev, EV_TIMEOUT, 0);
}

/* The turn of the loop is done: drop the lookups' snapshot, so the
 * checkpoint thread can copy back every page committed before it. */
void
pipeline_lookups_done(evutil_socket_t fd, short what, void *arg)
{
	struct pipeline *p = arg;

	(void)fd;
	(void)what;
	store_read_end(p->store);
}

/* Score a new item against every watchlist and keep its alerts. */
void
pipeline_score(struct pipeline *p, struct pl_feed *pf, struct pl_item *pi,
    const struct feed_item *item, time_t now, const char *article)
{
	struct wl_item wi;

	wl_item_from_feed(&wi, item);
	if (pf->conf->language != NULL)
		wi.language = pf->conf->language;
	wl_scan_item(p->scan, &wi);
	for (size_t i = 0; i < p->conf->nwatchlists; i++) {
		const struct conf_watchlist *wl = &p->conf->watchlists[i];
		const struct wl_result *r =
		    wl_scan_score(p->scan, wl, pf->conf);
		struct pl_alert *a;

		if (!r->alert)
			continue;
		pi->alerts = xreallocarray(
		    pi->alerts, pi->nalerts + 1, sizeof(*pi->alerts));
		a = &pi->alerts[pi->nalerts];
		memset(a, 0, sizeof(*a));
		a->wl = wl;
		a->score = r->score;
		story_alert_id(wl->name, pi->story.key, a->id);
		if ((a->doc = alertdoc_build_article(a->id, p->scan, r,
		         pf->conf, item, now, article)) != NULL)
			pi->nalerts++;
	}
}

/* An item's categories one per line, as the store keeps them for
 * replay; NULL when it has none. */
static char *
pipeline_join_lines(char *const *v, size_t n)
{
	struct buf b = BUF_INIT;

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_appendc(&b, '\n');
		buf_appends(&b, v[i]);
	}
	return buf_steal(&b);
}

/* Does this feed's every new item wait for its article? */
static int
pipeline_article_wanted(const struct conf_feed *cf)
{
	return cf->article != NULL && strcmp(cf->article, "fetch") == 0;
}

/* Does the store hold any item of the feed?  1 yes, 0 no, -1 the store
 * failed.  A feed's first fetch (or any until one of its batches
 * commits) then costs no lookup per item. */
static int
pipeline_stored(struct pipeline *p, struct pl_feed *pf)
{
	int rc;

	if (pf->stored == PL_STORED_UNKNOWN) {
		rc = store_feed_has_items(p->store, pf->conf->name);
		pipeline_lookups_later(p);
		if (rc == -1)
			return -1;
		pf->stored = rc == 1 ? PL_STORED_SOME : PL_STORED_NONE;
	}
	return pf->stored == PL_STORED_SOME;
}

/* Has the feed had this id?  1 yes, 0 no, -1 the store failed.  Ids of
 * the last document are in memory, so old items cost no store lookup. */
static int
pipeline_seen(
    struct pipeline *p, struct pl_feed *pf, const char *id, uint64_t key)
{
	int rc;

	if (idset_has(&pf->seen_cur, key))
		return 1;
	if (idset_has(&pf->seen_old, key)) {
		idset_add(&pf->seen_cur, key);
		return 1;
	}
	if ((rc = pipeline_stored(p, pf)) != 1)
		return rc;
	rc = store_item_seen(p->store, pf->conf->name, id);
	pipeline_lookups_later(p);
	if (rc == 1)
		idset_add(&pf->seen_cur, key);
	return rc;
}

/* The parser asks before it makes an item's text: an old item costs no
 * HTML-to-text, normalising or scoring.  A new one's id is remembered so
 * that pipeline_item does not ask the store again. */
int
pipeline_on_known(size_t feed, const char *id, void *arg)
{
	struct pipeline *p = arg;
	struct pl_feed *pf = &p->feeds[p->sched_feed[feed]];
	uint64_t key = idset_key(id);
	int rc;

	pf->checked_new = 0;
	/* Its items are dropped anyway.  The parser then marks them as old
	 * ones that may be left out next time (parse.h, feed_again): the
	 * commit pass's sched_forget drops those marks before the feed is
	 * polled again, so they must not outlive a lost poll. */
	if (pf->lost)
		return 1;
	if ((rc = pipeline_seen(p, pf, id, key)) == 0)
		pf->checked_new = key;
	return rc == 1;
}

/* A new item: remember it in the batch, scored unless it only re-issues
 * a link the feed had, or the first fetch's backfill is used up. */
int
pipeline_item(
    struct pipeline *p, struct pl_feed *pf, const struct feed_item *item)
{
	const char *name = pf->conf->name;
	uint64_t key = idset_key(item->id);
	time_t now = time(NULL);
	struct pl_item *pi;
	int rc;

	/* pipeline_on_known asked the store about this id just now. */
	if (key != pf->checked_new &&
	    (rc = pipeline_seen(p, pf, item->id, key)) != 0)
		return rc == 1 ? 0 : -1;
	pf->checked_new = 0;
	for (size_t i = 0; i < pf->nbatch; i++)
		if (strcmp(pf->batch[i].id, item->id) == 0)
			return 0; /* the same id twice in one document */
	if (pf->nbatch == pf->capbatch) {
		pf->capbatch = pf->capbatch ? pf->capbatch * 2 : 32;
		pf->batch =
		    xreallocarray(pf->batch, pf->capbatch, sizeof(*pf->batch));
	}
	pi = &pf->batch[pf->nbatch++];
	memset(pi, 0, sizeof(*pi));
	pi->id = xstrdup(item->id);
	pi->title = xstrdup(item->title);
	pi->link = xstrdup(item->link);
	pi->body =
	    xstrdup(item->content[0] != '\0' ? item->content : item->summary);
	pi->published =
	    item->published == FEED_TIME_NONE ? 0 : (int64_t)item->published;
	pi->categories =
	    pipeline_join_lines(item->categories, item->ncategories);
	pi->language = item->language != NULL && item->language[0] != '\0'
	    ? xstrdup(item->language)
	    : NULL;
	pi->unscored = 1;
	story_identify_link(&pi->story, name, item->id, item->link);
	pf->new_items++;
	p->stats.items_new++;
	if (pi->story.link_canon[0] != '\0' && pf->stored == PL_STORED_SOME) {
		rc = store_item_link_seen(p->store, name, pi->story.link_canon);
		pipeline_lookups_later(p);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			pf->reissued++;
			goto unscored;
		}
	}
	if (pf->first_fetch) {
		if (pf->backfill_left <= 0)
			goto unscored;
		pf->backfill_left--;
	}
	pi->unscored = 0;
	if (pipeline_article_wanted(pf->conf)) {
		/* Scored once its article arrived or failed. */
		pi->article_json = artwait_item_json(item);
		goto unscored;
	}
	/* The matcher tokenises the title: its words make the title key. */
	pipeline_score(p, pf, pi, item, now, "feed");
	story_title_key_of(wl_scan_title_hash(p->scan), pi->story.title_key);
	return 0;
unscored:
	story_title_key(item->title, pi->story.title_key);
	return 0;
}
