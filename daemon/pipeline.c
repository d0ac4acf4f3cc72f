/*
 * The pipeline: see pipeline.h.
 *
 * Batches and transactions.  Items arrive one by one from the parser while
 * a fetch is still streaming, and many fetches interleave on the one loop.
 * Each new item is scored as it arrives and kept, with the alerts it
 * raised, in its fetch's batch in memory.  When the fetch completes, one
 * transaction writes the whole batch — every item marked seen, every alert
 * that is not a story its watchlist already had into the outbox — and the
 * feed's new validators, and commits.  So no transaction is ever open
 * between two loop events: the outbox, which never looks inside an open
 * transaction, is never held up, and an item and its alerts always commit
 * together.  Story dedup is decided at commit time, so the same story
 * arriving from two feeds at once still alerts once.  A batch that grows
 * past PIPELINE_BATCH_MAX items is written early, the same way.
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alertbus.h"
#include "alerts/outbox.h"
#include "alerts/sink.h"
#include "alerts/story.h"
#include "common/buf.h"
#include "common/idset.h"
#include "common/log.h"
#include "common/prio.h"
#include "common/redact.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/alertdoc.h"
#include "daemon/artwait.h"
#include "daemon/pipeline.h"
#include "daemon/pipeline_int.h"
#include "daemon/surge.h"
#include "feeds/fetch.h"
#include "feeds/sched.h"
#include "filters/watchlist.h"
#include "store/store.h"

/* A fetch whose new items are mostly links the feed had before is a feed
 * re-issuing old items under new ids; below this many it is not worth a
 * log line. */
#define PIPELINE_REISSUE_MIN 3
/* Items held for one fetch before they are written: bounds memory for a
 * feed of thousands of items (max-size bounds the bytes). */
#define PIPELINE_BATCH_MAX 2000
/* A feed the state has never seen (new in the config, by a start or a
 * reload) is first polled within this window, PIPELINE_NEW_FEED_STEP_MS
 * apart by its place in the config: seconds after it was added, yet 300
 * new feeds are not asked for in the same instant. */
#define PIPELINE_NEW_FEED_SPREAD_MS 5000
#define PIPELINE_NEW_FEED_STEP_MS 37

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

/* Free what an item of a batch owns, its alert documents included. */
static void
pl_item_clear(struct pl_item *it)
{
	for (size_t i = 0; i < it->nalerts; i++)
		free(it->alerts[i].doc);
	free(it->alerts);
	free(it->id);
	free(it->title);
	free(it->link);
	free(it->body);
	free(it->categories);
	free(it->language);
	free(it->article_json);
	story_id_clear(&it->story);
}

/* The batch is committed: its ids are seen from now on. */
static void
pl_feed_remember_batch(struct pl_feed *pf)
{
	if (pf->nbatch > 0)
		pf->stored = PL_STORED_SOME;
	for (size_t i = 0; i < pf->nbatch; i++)
		idset_add(&pf->seen_cur, idset_key(pf->batch[i].id));
}

/* A poll read the whole document: what it held is what the next one is
 * checked against, so the sets hold two documents' ids, not history. */
static void
pl_feed_rotate_seen(struct pl_feed *pf)
{
	idset_clear(&pf->seen_old);
	pf->seen_old = pf->seen_cur;
	memset(&pf->seen_cur, 0, sizeof(pf->seen_cur));
}

/* Forget a feed's batch, unwritten items and all; keeps the array. */
static void
pl_feed_drop_batch(struct pl_feed *pf)
{
	for (size_t i = 0; i < pf->nbatch; i++)
		pl_item_clear(&pf->batch[i]);
	pf->nbatch = 0;
	pf->batch_gen++;
}

/* Record an alert and queue it for its sinks, unless a silence mutes
 * it: then it is recorded with the silence's id and goes to no sink. */
static int
pipeline_insert(
    struct pipeline *p, const struct conf_watchlist *wl, struct store_alert *sa)
{
	const char **sinks;
	char *muted = NULL;
	size_t nsinks;
	int rc;

	rc = store_silence_match(p->store, sa->fired_at, wl->name, sa->feed,
	    sa->doc, &sa->silence_id);
	if (rc == -1)
		return -1;
	sinks = pipeline_sink_names(p, wl, sa->score, &nsinks);
	if (rc == 1) {
		log_info("%s: alert %s muted by silence %lld", wl->name, sa->id,
		    (long long)sa->silence_id);
		sa->doc = muted = alertdoc_silenced(sa->doc, sa->silence_id);
		nsinks = 0;
	}
	rc = store_alert_add(p->store, sa, sinks, nsinks);
	free(sinks);
	free(muted);
	if (rc == 0) {
		p->stats.alerts++;
		p->wl_alerts[wl - p->conf->watchlists]++;
	}
	return rc;
}

/* After an alert of wl: raise its surge alert when it has one due. */
static int
pipeline_surge(struct pipeline *p, const struct conf_watchlist *wl, time_t now)
{
	char id[17], *doc = NULL;
	int count = 0, rc;

	if ((rc = surge_check(p->store, wl, now, id, &doc, &count)) != 1)
		return rc;
	log_info("%s: surge of %d stories; alert %s", wl->name, count, id);
	{
		struct store_alert sa = {.id = id,
		    .watchlist = wl->name,
		    .feed = "",
		    .fired_at = now,
		    .score = count,
		    .doc = doc,
		    .kind = "surge"};
		rc = pipeline_insert(p, wl, &sa);
	}
	free(doc);
	return rc;
}

/* Queue one alert, or record the sighting when its watchlist already
 * alerted on the story. */
static int
pipeline_write_alert(struct pipeline *p, struct pl_feed *pf,
    const struct pl_item *pi, const struct pl_alert *a, time_t now)
{
	char *earlier = NULL;
	int rc;

	rc = store_story_find(p->store, a->wl->name, pi->story.link_canon,
	    pi->story.title_key, now - STORY_TITLE_WINDOW_S, &earlier);
	if (rc == -1)
		return -1;
	/* Not this node's story, but a cluster's other node had it. */
	if (rc == 0 && a->elsewhere == 3) {
		if (a->first_id[0] == '\0')
			log_info("%s: \"%s\" in feed %s is a story another "
			         "node alerted on",
			    a->wl->name, pi->title, pf->conf->name);
		else
			log_info("%s: \"%s\" in feed %s is the story of alert "
			         "%s of node %s; %s",
			    a->wl->name, pi->title, pf->conf->name, a->first_id,
			    a->first_node,
			    a->first_also ? "sent to its also_in"
			                  : "that node polled this feed too");
		p->stats.duplicates++;
		return 0;
	}
	if (rc == 1) {
		log_info("%s: \"%s\" in feed %s is the story of alert %s; "
		         "recorded in its also_in",
		    a->wl->name, pi->title, pf->conf->name, earlier);
		rc = store_alert_also_in(p->store, earlier, pf->conf->name);
		free(earlier);
		p->stats.duplicates++;
		return rc;
	}
	{
		struct store_alert sa = {.id = a->id,
		    .watchlist = a->wl->name,
		    .feed = pf->conf->name,
		    .link_canon = pi->story.link_canon,
		    .title_key = pi->story.title_key,
		    .fired_at = now,
		    .score = a->score,
		    .doc = a->doc};
		rc = pipeline_insert(p, a->wl, &sa);
	}
	if (rc == 0) {
		pf->alerts++;
		rc = pipeline_surge(p, a->wl, now);
	}
	return rc;
}

/* Write the batch's items and alerts inside the open transaction. */
static int
pipeline_write_batch(struct pipeline *p, struct pl_feed *pf)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < pf->nbatch; i++) {
		const struct pl_item *pi = &pf->batch[i];
		struct store_item si = {.feed = pf->conf->name,
		    .id = pi->id,
		    .link_canon = pi->story.link_canon,
		    .title_key = pi->story.title_key,
		    .first_seen = now,
		    .title = pi->title,
		    .link = pi->link,
		    .published = pi->published,
		    .body = pi->body,
		    .categories = pi->categories,
		    .language = pi->language,
		    .unscored = pi->unscored};

		if (store_item_add(p->store, &si) == -1)
			return -1;
		if (pi->article_json != NULL &&
		    store_pending_add(p->store, pf->conf->name, pi->id,
		        pi->link, pi->article_json, now) == -1)
			return -1;
		for (size_t j = 0; j < pi->nalerts; j++)
			if (pipeline_write_alert(
			        p, pf, pi, &pi->alerts[j], now) == -1)
				return -1;
	}
	return 0;
}

/* Write a long feed's items before its fetch completes. */
static void pipeline_flush_early(struct pipeline *p, struct pl_feed *pf);

/* The batch committed: its items that wait for an article go to it. */
static void
pipeline_articles_committed(struct pipeline *p, struct pl_feed *pf)
{
	for (size_t i = 0; i < pf->nbatch; i++) {
		const struct pl_item *pi = &pf->batch[i];
		if (pi->article_json != NULL && p->artwait != NULL)
			artwait_add(p->artwait, (size_t)(pf - p->feeds), pi->id,
			    pi->link, pi->article_json);
	}
}

/* Each parsed item of a fetch into its batch; a store error drops it all. */
static void
pipeline_on_item(size_t feed, const struct feed_item *item, void *arg)
{
	struct pipeline *p = arg;
	struct pl_feed *pf = &p->feeds[p->sched_feed[feed]];

	if (pf->lost)
		return;
	if (pipeline_item(p, pf, item) == -1) {
		log_warnx("feed %s: %s; its items will be read again",
		    pf->conf->name, store_error(p->store));
		pf->lost = 1;
		pl_feed_drop_batch(pf);
		return;
	}
	if (pf->nbatch >= PIPELINE_BATCH_MAX)
		pipeline_flush_early(p, pf);
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
	sf.disabled = !st.enabled && pf->conf->enabled; /* 410 Gone */
	/* The first fetch counts once its items are written. */
	sf.fetched_once = !pf->first_fetch || (pf->read_ok && !pf->lost);
	sf.last_error = (char *)st.error;
	pf->saved_clean = st.errors == 0 && st.enabled;
	sf.last_success = st.last_success;
	sf.backoff_ms = (int64_t)st.next_delay_ms;
	sf.poll_status = st.last_poll != 0 ? (int)st.status : -1;
	return store_feed_save(p->store, &sf);
}

/* A batch at PIPELINE_BATCH_MAX: its own transaction, then drop it. */
static void
pipeline_flush_early(struct pipeline *p, struct pl_feed *pf)
{
	if (store_begin(p->store) == -1 || pipeline_write_batch(p, pf) == -1 ||
	    store_commit(p->store) == -1) {
		log_warnx("feed %s: %s; rolled back, its items will be read "
		          "again",
		    pf->conf->name, store_error(p->store));
		store_rollback(p->store);
		pf->lost = 1;
	} else {
		pl_feed_remember_batch(pf);
		pipeline_articles_committed(p, pf);
	}
	pl_feed_drop_batch(pf);
}

/* A poll that brought the same bytes to a feed whose row already says it
 * is well: nothing to write (the schedule lives in memory until the next
 * poll that changes something). */
static int
pipeline_nothing_to_write(const struct pl_feed *pf)
{
	return pf->unchanged && pf->saved_clean && !pf->lost &&
	    !pf->first_fetch;
}

/* Write every completed fetch's batch and feed state; 0, or -1 when the
 * transaction had to roll back. */
static int
pipeline_write_ready(struct pipeline *p)
{
	size_t todo = 0;

	for (size_t i = 0; i < p->nready; i++)
		todo += !pipeline_nothing_to_write(&p->feeds[p->ready[i]]);
	if (todo == 0)
		return 0;
	if (store_begin(p->store) == -1)
		return -1;
	for (size_t i = 0; i < p->nready; i++) {
		struct pl_feed *pf = &p->feeds[p->ready[i]];

		if (pipeline_nothing_to_write(pf))
			continue;
		if ((!pf->lost && pipeline_write_batch(p, pf) == -1) ||
		    pipeline_save_feed(p, pf, pf->sidx) == -1)
			goto fail;
	}
	if (store_commit(p->store) == -1)
		goto fail;
	return 0;
fail:
	log_warnx("%s; rolled back, the items of %zu fetches will be read "
	          "again",
	    store_error(p->store), p->nready);
	store_rollback(p->store);
	/* Forget their validators, so the next polls read everything. */
	for (size_t i = 0; i < p->nready; i++)
		p->feeds[p->ready[i]].lost = 1;
	if (store_begin(p->store) == 0) {
		for (size_t i = 0; i < p->nready; i++) {
			struct pl_feed *pf = &p->feeds[p->ready[i]];
			pipeline_save_feed(p, pf, pf->sidx);
		}
		if (store_commit(p->store) == -1)
			store_rollback(p->store);
	}
	return -1;
}

/*
 * The group commit: every fetch that completed in this turn of the loop is
 * written in one transaction, so pages that every batch touches (the
 * indexes, the feeds table) are written once per turn, not once per feed.
 */
static void
pipeline_commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pipeline *p = arg;
	int written;

	if (p->nready == 0)
		return;
	/* A cluster decides first which of the stories are new to it;
	 * meanwhile the waiting feeds are not polled again, or a second
	 * poll's outcome would replace the unwritten first's. */
	if (p->cl_gate != NULL && p->cl_gate(p->cl_arg) > 0) {
		for (size_t i = 0; i < p->nready; i++)
			sched_hold(p->sched, p->feeds[p->ready[i]].sidx);
		return;
	}
	written = pipeline_write_ready(p) == 0;
	for (size_t i = 0; i < p->nready; i++) {
		struct pl_feed *pf = &p->feeds[p->ready[i]];

		if (!pf->lost)
			pl_feed_remember_batch(pf);
		if (written)
			pipeline_articles_committed(p, pf);
		pl_feed_drop_batch(pf);
		if (pf->read_ok && !pf->lost && !pf->unchanged)
			pl_feed_rotate_seen(pf);
		if (pf->read_ok && !pf->lost)
			pf->first_fetch = 0;
		/* Unstored items must come back: ask for everything. */
		if (pf->lost)
			sched_forget(p->sched, pf->sidx);
		sched_release(p->sched, pf->sidx);
		if (pf->reissued >= PIPELINE_REISSUE_MIN &&
		    pf->reissued * 2 > pf->new_items)
			log_warnx(
			    "feed %s: %u of %u new items repeat links the "
			    "feed already had (re-issued under new ids); "
			    "not alerting on them again",
			    pf->conf->name, pf->reissued, pf->new_items);
		log_debug("feed %s: %u new items, %u alerts", pf->conf->name,
		    pf->new_items, pf->alerts);
		if (p->cl_polled != NULL)
			p->cl_polled(p->cl_arg, p->ready[i]);
		pf->new_items = pf->reissued = pf->alerts = 0;
		pf->lost = pf->read_ok = pf->ready = pf->unchanged = 0;
		if (p->once && p->once_pending > 0)
			p->once_pending--;
	}
	p->nready = 0;
	outbox_fetched(p->outbox, p->ready_us);
	p->ready_us = 0;
}

/* Put one poll's duration in its histogram bucket (none: above all). */
static void
pipeline_count_duration(struct pipeline_stats *st, uint64_t us)
{
	static const double le[] = PIPELINE_FETCH_BUCKETS;
	size_t i = time_bucket(le, PIPELINE_NFETCH_BUCKETS, us);

	st->fetch_us += us;
	if (i < PIPELINE_NFETCH_BUCKETS)
		st->fetch_le[i]++;
}

/* A fetch completed: count it and queue the feed for the group commit. */
static void
pipeline_on_result(size_t feed, const struct fetch_result *r, void *arg)
{
	struct pipeline *p = arg;
	size_t i = p->sched_feed[feed];
	struct pl_feed *pf = &p->feeds[i];

	p->stats.polls++;
	p->stats.bytes += r->bytes;
	pf->unchanged = r->unchanged;
	if (r->unchanged)
		p->stats.unchanged++;
	pipeline_count_duration(&p->stats, r->duration_us);
	if (r->status == FETCH_NOT_MODIFIED)
		p->stats.not_modified++;
	else if (r->status != FETCH_OK)
		p->stats.poll_errors++;
	log_debug("feed %s: %s, %zu items", pf->conf->name,
	    fetch_status_name(r->status), r->nitems);
	if (r->status == FETCH_OK && r->parser != NULL &&
	    feed_parser_giant_tags(r->parser) > 0) {
		p->stats.giant_tags += feed_parser_giant_tags(r->parser);
		log_warnx("feed %s: %zu start tags over 1 MiB read without "
		          "their attributes (their items are kept)",
		    pf->conf->name, feed_parser_giant_tags(r->parser));
	}
	pf->read_ok = r->status == FETCH_OK;
	/* Old items the parser left unread (they came again byte for byte)
	 * were never asked about: they are this document's ids too. */
	if (pf->read_ok && !pf->lost && r->parser != NULL) {
		idset_add_all(&pf->seen_cur,
		    feed_parser_skipped_keys(r->parser),
		    feed_parser_skipped(r->parser));
		p->stats.items_again += feed_parser_skipped(r->parser);
	}
	if (!pf->ready) {
		pf->ready = 1;
		p->ready[p->nready++] = i;
	}
	if (p->ready_us == 0)
		p->ready_us = time_mono_us();
	event_active(p->commit_ev, 0, 0);
}

/*
 * An item's article arrived or failed: score it now, on the article's
 * text or the feed's, and write its alerts and the end of its wait in one
 * transaction.  A rollback leaves it pending in the store: the next start
 * scores it (its article's outcome is stored by then).
 */
static void
pipeline_on_article(const struct artwait_done *d, void *arg)
{
	struct pipeline *p = arg;
	struct pl_feed *pf = &p->feeds[d->feed];
	const struct feed_item *item = d->item;
	time_t now = time(NULL);
	struct pl_item pi;
	int rc = 0;

	memset(&pi, 0, sizeof(pi));
	pi.title = xstrdup(item->title);
	story_identify(
	    &pi.story, pf->conf->name, item->id, item->link, item->title);
	pipeline_score(p, pf, &pi, item, now, d->article);
	if (d->ok)
		p->stats.articles_fetched++;
	else
		p->stats.articles_failed++;
	if (store_begin(p->store) == -1)
		rc = -1;
	for (size_t j = 0; rc == 0 && j < pi.nalerts; j++)
		rc = pipeline_write_alert(p, pf, &pi, &pi.alerts[j], now);
	if (rc == 0)
		rc = store_pending_done(p->store, pf->conf->name, item->id);
	if (rc == 0)
		rc = store_commit(p->store);
	if (rc == -1) {
		log_warnx("feed %s: item %s: %s; rolled back, it is scored "
		          "again at the next start",
		    pf->conf->name, item->id, store_error(p->store));
		store_rollback(p->store);
	}
	pl_item_clear(&pi);
	/* Delays are logged from when the item's feed was read. */
	outbox_fetched(p->outbox, d->queued_us);
}

/* --once ends when every feed was polled, every article settled and the
 * outbox has nothing due. */
static void
pipeline_outbox_idle(void *arg)
{
	struct pipeline *p = arg;

	if (p->artwait != NULL && artwait_pending(p->artwait) > 0)
		return;
	if (p->once && p->once_pending == 0 && p->once_done != NULL) {
		void (*done)(void *) = p->once_done;
		p->once_done = NULL;
		done(p->once_arg);
	}
}

/* Register one configured feed with the scheduler, from its stored
 * state; a state that cannot be read is polled now, without validators
 * (its items still dedup against the store). */
static void
pipeline_add_feed(struct pipeline *p, size_t i, time_t now)
{
	struct pl_feed *pf = &p->feeds[i];
	const struct conf_feed *cf = pf->conf;
	struct store_feed sf;
	struct sched_health health;
	struct sched_feed_def def = {.name = cf->name,
	    .url = cf->url,
	    .interval_ms = cf->interval_ms,
	    .ca_file = cf->ca_file,
	    .ca_path = cf->ca_path,
	    .first_delay_ms = -1,
	    .http = &cf->fetch,
	    .user_agent = cf->user_agent,
	    .disabled = !cf->enabled,
	    .parked = p->cluster};
	int rc = store_feed_load(p->store, cf->name, &sf);

	pf->first_fetch = 1;
	pf->backfill_left = cf->backfill;
	/* Due soon unless its state below says when. */
	if (rc != -1)
		def.first_delay_ms = (int64_t)((i * PIPELINE_NEW_FEED_STEP_MS) %
		    PIPELINE_NEW_FEED_SPREAD_MS);
	if (rc == -1) {
		log_warnx("feed %s: cannot read its state (%s); polling it "
		          "without validators",
		    cf->name, store_error(p->store));
		pf->first_fetch = 0;
	}
	/* A feed whose URL was edited in the config starts afresh. */
	if (rc == 1 && sf.conf_url != NULL &&
	    strcmp(sf.conf_url, cf->url) == 0) {
		if (sf.disabled) {
			char *shown = url_redact(sf.url);

			log_warnx("feed %s: disabled since %s answered 410 "
			          "Gone; edit its url to poll it again",
			    cf->name, shown);
			free(shown);
			store_feed_clear(&sf);
			return;
		}
		pf->first_fetch = !sf.fetched_once;
		health = (struct sched_health){.last_poll = sf.last_poll,
		    .last_success = sf.last_success,
		    .errors = sf.errors > 0 ? (unsigned)sf.errors : 0,
		    .status = sf.poll_status,
		    .http_code = sf.http_status,
		    .error = sf.last_error,
		    .next_delay_ms = (uint64_t)sf.backoff_ms};
		def.health = &health;
		def.url = sf.url;
		def.etag = sf.etag;
		def.last_modified = sf.last_modified;
		if (sf.next_poll > now)
			def.first_delay_ms =
			    (int64_t)(sf.next_poll - now) * 1000;
	}
	pf->sidx = sched_add(p->sched, &def);
	pf->in_sched = 1;
	p->sched_feed[pf->sidx] = i;
	p->nsched += cf->enabled; /* what --once waits for */
	if (rc == 1)
		store_feed_clear(&sf);
}

/* What can fail on a config that loaded: the matcher and the sinks. */
struct pipeline *
pipeline_prepare(
    const struct conf *c, const struct pipeline_opts *o, char **err)
{
	struct pipeline *p = xcalloc(1, sizeof(*p));
	struct sink_env env = {.log_json = o->log_json, .check = o->check};

	p->conf = c;
	if ((p->matcher = wl_matcher_new(c, err)) == NULL)
		goto fail;
	p->scan = wl_scan_new(p->matcher);
	p->sinks = xcalloc(c->nsinks + 1, sizeof(*p->sinks));
	for (size_t i = 0; i < c->nsinks; i++) {
		if ((p->sinks[i] = sink_new(&c->sinks[i], &env, err)) == NULL)
			goto fail;
		p->nsinks++;
	}
	/* The switch of the cluster's alert flow. */
	if (c->cluster.nats != NULL && !o->check)
		p->alertbus = alertbus_new(c, p->sinks, p->nsinks, err);
	p->nfeeds = c->nfeeds;
	p->feeds = xcalloc(c->nfeeds + 1, sizeof(*p->feeds));
	for (size_t i = 0; i < c->nfeeds; i++)
		p->feeds[i].conf = &c->feeds[i];
	p->sched_feed = xcalloc(c->nfeeds + 1, sizeof(*p->sched_feed));
	p->ready = xcalloc(c->nfeeds + 1, sizeof(*p->ready));
	p->wl_alerts = xcalloc(c->nwatchlists + 1, sizeof(*p->wl_alerts));
	return p;
fail:
	pipeline_free(p);
	return NULL;
}

/* The loop and the store: outbox, fetcher, scheduler, feeds' state. */
int
pipeline_start(struct pipeline *p, struct event_base *base, struct store *st,
    struct curlev *cv, char **err)
{
	struct fetch_options fo;
	time_t now = time(NULL);

	p->base = base;
	p->store = st;
	p->cluster = p->conf->cluster.nats != NULL;
	for (size_t i = 0; i < p->nsinks; i++)
		sink_attach(p->sinks[i], base, cv);
	if (p->alertbus != NULL &&
	    alertbus_start(p->alertbus, base, cv, err) < 0)
		return -1;
	p->outbox = outbox_new(base, st, p->sinks, p->nsinks);
	outbox_on_idle(p->outbox, pipeline_outbox_idle, p);
	p->commit_ev = event_new(base, -1, 0, pipeline_commit_cb, p);
	event_priority_set(p->commit_ev, PRIO_COMMIT);
	p->read_ev = event_new(base, -1, 0, pipeline_lookups_done, p);
	fetch_options_init(&fo);
	fetch_options_from_conf(&fo, &p->conf->daemon);
	fo.curl = cv;
	/* The article fetcher first: the feed fetcher's connection cache
	 * size is the one that holds on the shared driver. */
	if ((p->artwait = artwait_new(
	         base, p->conf, st, cv, pipeline_on_article, p, err)) == NULL)
		return -1;
	if (artwait_resume(p->artwait) == -1)
		log_warnx("cannot read the items waiting for an article: %s",
		    store_error(st));
	if ((p->fetcher = fetcher_new(base, &fo, err)) == NULL)
		return -1;
	p->sched = sched_new(
	    base, p->fetcher, pipeline_on_item, pipeline_on_result, p);
	sched_set_known(p->sched, pipeline_on_known);
	for (size_t i = 0; i < p->nfeeds; i++)
		pipeline_add_feed(p, i, now);
	return 0;
}

/* --once: poll every feed now; done runs when all is delivered. */
void
pipeline_run_once(struct pipeline *p, void (*done)(void *), void *arg)
{
	/* Draining also delivers what an earlier run left, and finishes at
	 * once when there are no feeds at all. */
	pipeline_drain(p, done, arg);
	/* It ends when every delivery succeeded or failed for good, not
	 * while one waits for a retry (the caller bounds the wait). */
	outbox_set_finish(p->outbox, 1);
	p->once_pending = p->nsched;
	/* A cluster's feeds wait for an owner; --once is its own. */
	for (size_t i = 0; p->cluster && i < p->nfeeds; i++)
		if (p->feeds[i].in_sched)
			sched_own(p->sched, p->feeds[i].sidx, 0, NULL);
	if (p->sched != NULL)
		sched_poll_all_now(p->sched);
}

/* Polling runs on the scheduler's timers; this starts the outbox. */
void
pipeline_run(struct pipeline *p)
{
	outbox_kick(p->outbox);
}

/* Commit what completed, then free the fetcher and the scheduler. */
void
pipeline_stop_fetching(struct pipeline *p)
{
	if (p->fetcher == NULL)
		return;
	pipeline_commit_cb(-1, 0, p);
	/* Items waiting for their article stay pending in the store. */
	artwait_free(p->artwait);
	p->artwait = NULL;
	/* Items of fetches still streaming are not marked seen: they are
	 * read again at the next start. */
	for (size_t i = 0; i < p->nfeeds; i++) {
		pl_feed_drop_batch(&p->feeds[i]);
		p->feeds[i].in_sched = 0;
	}
	fetcher_free(p->fetcher);
	p->fetcher = NULL;
	sched_free(p->sched);
	p->sched = NULL;
}

/* Like --once with nothing left to poll: done when the outbox is idle. */
void
pipeline_drain(struct pipeline *p, void (*done)(void *), void *arg)
{
	p->once = 1;
	p->once_pending = 0;
	outbox_set_finish(p->outbox, 0);
	p->once_done = done;
	p->once_arg = arg;
	outbox_kick(p->outbox);
}

/* Log what is still undelivered; how many. */
size_t
pipeline_report_undelivered(struct pipeline *p)
{
	return outbox_report_pending(p->outbox);
}

/* Deliveries a sink has not yet answered. */
size_t
pipeline_deliveries_in_flight(const struct pipeline *p)
{
	return outbox_in_flight(p->outbox);
}

/* Commit what completed, drop what still streams, free everything. */
void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	/* Fetches that completed are committed; items of fetches still
	 * streaming are dropped: not marked seen, they are read again. */
	if (p->commit_ev != NULL) {
		pipeline_commit_cb(-1, 0, p);
		event_free(p->commit_ev);
	}
	if (p->read_ev != NULL) {
		pipeline_lookups_done(-1, 0, p);
		event_free(p->read_ev);
	}
	free(p->ready);
	free(p->wl_alerts);
	for (size_t i = 0; i < p->nfeeds && p->feeds != NULL; i++) {
		pl_feed_drop_batch(&p->feeds[i]);
		free(p->feeds[i].batch);
		idset_clear(&p->feeds[i].seen_cur);
		idset_clear(&p->feeds[i].seen_old);
	}
	artwait_free(p->artwait);
	/* The fetcher first: it holds the scheduler's feeds. */
	if (p->fetcher != NULL)
		fetcher_free(p->fetcher);
	if (p->sched != NULL)
		sched_free(p->sched);
	outbox_free(p->outbox);
	for (size_t i = 0; i < p->nsinks; i++)
		sink_free(p->sinks[i]);
	free(p->sinks);
	alertbus_free(p->alertbus);
	wl_scan_free(p->scan);
	wl_matcher_free(p->matcher);
	free(p->feeds);
	free(p->sched_feed);
	free(p);
}
