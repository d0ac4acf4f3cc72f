/*
 * Items waiting for their article (see artwait.h).  Each waiting item is
 * a job on one list; a job whose outcome is known (from the store, from
 * its page, or a fetch that could not start) moves to the ready list, and
 * one event hands the ready jobs to the pipeline from the loop, never from
 * inside the pipeline's own commit or a curl callback.  A page's outcome
 * is stored before the item is handed on: should the process die before
 * the item's alerts commit, the next start finds the item still pending
 * and its article in the store, and scores it without fetching again.
 */
#include "config.h"

#include <sys/queue.h>

#include <event2/event.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/prio.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/artwait.h"
#include "feeds/artfetch.h"
#include "feeds/parse.h"
#include "store/store.h"

/* Article fetches get this share of max-concurrent (at least one), so
 * feed polls always have the rest. */
#define ARTWAIT_SHARE_DIVISOR 4

/* One item waiting for its article. */
struct aw_job {
	struct artwait *aw;
	TAILQ_ENTRY(aw_job) entry; /* aw->waiting or aw->ready */
	size_t feed;
	char *id, *link, *json;
	int ok, cached;
	uint64_t queued_us;
	char *reason; /* !ok */
	char *text;   /* ok */
};

TAILQ_HEAD(aw_jobq, aw_job);

struct artwait {
	const struct conf *conf;
	struct store *store;
	struct artfetcher *af;
	struct article_xpath **xpath; /* per feed, NULL when none */
	int *xpath_warned;            /* per feed */
	struct aw_jobq waiting, ready;
	size_t njobs;
	struct event *ready_ev;
	artwait_cb cb;
	void *arg;
	struct artwait_stats stats;
};

/* Free a job. */
static void
aw_job_free(struct aw_job *j)
{
	free(j->id);
	free(j->link);
	free(j->json);
	free(j->reason);
	free(j->text);
	free(j);
}

/* The job's outcome is known: hand it on from the loop. */
static void
aw_job_ready(struct aw_job *j)
{
	struct artwait *aw = j->aw;

	TAILQ_REMOVE(&aw->waiting, j, entry);
	TAILQ_INSERT_TAIL(&aw->ready, j, entry);
	event_active(aw->ready_ev, 0, 0);
}

/* A failed article, with why. */
static void
aw_job_fail(struct aw_job *j, const char *reason)
{
	j->ok = 0;
	free(j->reason);
	j->reason = xstrdup(reason);
	aw_job_ready(j);
}

/* ---- the item as stored --------------------------------------------- */

/* A string member, "" when absent. */
static char *
aw_json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return xstrdup(s != NULL ? s : "");
}

/* What scoring and the alert document read of an item. */
char *
artwait_item_json(const struct feed_item *it)
{
	json_t *o = json_object(), *cats = json_array();
	char *s;

	for (size_t i = 0; i < it->ncategories; i++)
		json_array_append_new(cats, json_string(it->categories[i]));
	json_object_set_new(o, "id", json_string(it->id));
	json_object_set_new(o, "title", json_string(it->title));
	json_object_set_new(o, "link", json_string(it->link));
	json_object_set_new(o, "published",
	    it->published == FEED_TIME_NONE ? json_null()
	                                    : json_integer(it->published));
	json_object_set_new(o, "summary", json_string(it->summary));
	json_object_set_new(o, "content", json_string(it->content));
	json_object_set_new(o, "categories", cats);
	if (it->language != NULL)
		json_object_set_new(o, "language", json_string(it->language));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* The item back from its JSON; NULL when the row is not ours. */
static struct feed_item *
aw_item_from_json(const char *s)
{
	json_t *o = json_loads(s, 0, NULL), *cats, *pub, *lang;
	struct feed_item *it;

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	it = xcalloc(1, sizeof(*it));
	it->id = aw_json_str(o, "id");
	it->title = aw_json_str(o, "title");
	it->link = aw_json_str(o, "link");
	it->summary = aw_json_str(o, "summary");
	it->content = aw_json_str(o, "content");
	pub = json_object_get(o, "published");
	it->published = json_is_integer(pub) ? (time_t)json_integer_value(pub)
	                                     : FEED_TIME_NONE;
	it->updated = FEED_TIME_NONE;
	if ((lang = json_object_get(o, "language")) != NULL &&
	    json_is_string(lang))
		it->language = xstrdup(json_string_value(lang));
	cats = json_object_get(o, "categories");
	if (json_is_array(cats) && json_array_size(cats) > 0) {
		it->categories =
		    xcalloc(json_array_size(cats), sizeof(*it->categories));
		for (size_t i = 0; i < json_array_size(cats); i++) {
			const char *c =
			    json_string_value(json_array_get(cats, i));
			if (c != NULL)
				it->categories[it->ncategories++] = xstrdup(c);
		}
	}
	json_decref(o);
	return it;
}

/* ---- fetching ------------------------------------------------------- */

/* A stored outcome into the job. */
static void
aw_from_store(const struct store_article *a, void *arg)
{
	struct aw_job *j = arg;

	j->ok = a->ok;
	j->reason = xstrdup(a->reason != NULL ? a->reason : "unknown");
	j->text = xstrdup(a->text != NULL ? a->text : "");
}

/* Keep a page's outcome, so it is never fetched again. */
static void
aw_store_outcome(struct aw_job *j, const struct artfetch_result *r)
{
	struct store_article sa = {.url = j->link,
	    .fetched_at = time(NULL),
	    .ok = r->ok,
	    .reason = r->ok ? NULL : r->reason,
	    .rule = r->ok ? article_rule_name(r->art->rule) : NULL,
	    .title = r->ok ? r->art->title : NULL,
	    .text = r->ok ? r->art->text : NULL};

	if (store_article_put(j->aw->store, &sa) == -1)
		log_warnx("article %s: %s", j->link, store_error(j->aw->store));
}

/* The article fetcher's end: store it, warn once about a blind xpath. */
static void
aw_fetched(const struct artfetch_result *r, void *arg)
{
	struct aw_job *j = arg;
	struct artwait *aw = j->aw;
	const struct conf_feed *cf = &aw->conf->feeds[j->feed];

	aw->stats.extract_us += r->extract_us;
	if (r->extract_us > 0 || r->ok)
		aw->stats.pages++;
	if (r->ok && r->art->xpath_missed && !aw->xpath_warned[j->feed]) {
		aw->xpath_warned[j->feed] = 1;
		log_warnx("feed %s: article-xpath %s selected nothing on %s; "
		          "using the built-in rules (said once per feed)",
		    cf->name, cf->article_xpath, j->link);
	}
	aw_store_outcome(j, r);
	if (r->ok) {
		aw->stats.fetched++;
		j->ok = 1;
		j->text = xstrdup(r->art->text);
		log_debug("feed %s: article %s: %s, %zu bytes of text",
		    cf->name, j->link, article_rule_name(r->art->rule),
		    strlen(r->art->text));
		aw_job_ready(j);
	} else {
		aw->stats.failed++;
		log_info("feed %s: article %s: %s; scoring the feed's text",
		    cf->name, j->link, r->reason);
		aw_job_fail(j, r->reason);
	}
}

/* Queue an item: its stored outcome, else a fetch. */
void
artwait_add(struct artwait *aw, size_t feed, const char *id, const char *link,
    const char *item_json)
{
	struct aw_job *j = xcalloc(1, sizeof(*j));
	char *err = NULL;
	int rc;

	j->aw = aw;
	j->feed = feed;
	j->id = xstrdup(id);
	j->link = xstrdup(link != NULL ? link : "");
	j->json = xstrdup(item_json);
	j->queued_us = time_mono_us();
	TAILQ_INSERT_TAIL(&aw->waiting, j, entry);
	aw->njobs++;
	if (j->link[0] == '\0') {
		aw_job_fail(j, "the item has no link");
		return;
	}
	if ((rc = store_article_get(aw->store, j->link, aw_from_store, j)) ==
	    1) {
		j->cached = 1;
		aw->stats.cached++;
		aw_job_ready(j);
		return;
	}
	if (rc == -1)
		log_warnx("article %s: %s; fetching it", j->link,
		    store_error(aw->store));
	if (artfetcher_start(
	        aw->af, j->link, aw->xpath[feed], aw_fetched, j, &err) == -1) {
		aw_job_fail(j, err);
		free(err);
	}
}

/* The loop: every ready item to the pipeline. */
static void
aw_ready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct artwait *aw = arg;
	struct aw_job *j;

	while ((j = TAILQ_FIRST(&aw->ready)) != NULL) {
		struct feed_item *it = aw_item_from_json(j->json);
		char *article = NULL;

		TAILQ_REMOVE(&aw->ready, j, entry);
		aw->njobs--;
		if (it == NULL) {
			log_warnx("feed %s: item %s: its stored copy is "
			          "unreadable; dropped",
			    aw->conf->feeds[j->feed].name, j->id);
			store_pending_done(
			    aw->store, aw->conf->feeds[j->feed].name, j->id);
			aw_job_free(j);
			continue;
		}
		if (j->ok)
			artfetch_apply(it, j->text);
		else
			xasprintf(&article, "failed: %s", j->reason);
		{
			struct artwait_done d = {.feed = j->feed,
			    .item = it,
			    .article = j->ok ? "fetched" : article,
			    .ok = j->ok,
			    .cached = j->cached,
			    .queued_us = j->queued_us};
			aw->cb(&d, aw->arg);
		}
		free(article);
		feed_item_free(it);
		aw_job_free(j);
	}
}

/* ---- set-up --------------------------------------------------------- */

struct aw_resume {
	struct artwait *aw;
	int n;
	char **gone; /* feed, id pairs of feeds no longer configured */
	size_t ngone;
};

/* One pending row: back in line, or noted when its feed is gone. */
static void
aw_resume_row(const char *feed, const char *id, const char *link,
    const char *json, void *arg)
{
	struct aw_resume *r = arg;
	const struct conf *c = r->aw->conf;

	for (size_t i = 0; i < c->nfeeds; i++)
		if (strcmp(c->feeds[i].name, feed) == 0) {
			artwait_add(r->aw, i, id, link, json);
			r->n++;
			return;
		}
	r->gone = xreallocarray(r->gone, r->ngone + 2, sizeof(*r->gone));
	r->gone[r->ngone++] = xstrdup(feed);
	r->gone[r->ngone++] = xstrdup(id);
}

/* Items the last run left waiting; those of removed feeds are dropped
 * (after the rows are read: not while the store reads them). */
int
artwait_resume(struct artwait *aw)
{
	struct aw_resume r = {aw, 0, NULL, 0};
	int rc = store_pending_each(aw->store, aw_resume_row, &r);

	for (size_t i = 0; i < r.ngone; i += 2) {
		log_warnx("feed %s is no longer configured; its item %s, "
		          "which waited for an article, is dropped",
		    r.gone[i], r.gone[i + 1]);
		if (store_pending_done(aw->store, r.gone[i], r.gone[i + 1]) ==
		    -1)
			log_warnx("%s", store_error(aw->store));
		free(r.gone[i]);
		free(r.gone[i + 1]);
	}
	free(r.gone);
	if (r.n > 0)
		log_info(
		    "%d items wait for their article since the last run", r.n);
	return rc;
}

/* The article fetcher with its share, and each feed's xpath. */
struct artwait *
artwait_new(struct event_base *base, const struct conf *c, struct store *st,
    struct curlev *cv, artwait_cb cb, void *arg, char **err)
{
	struct artwait *aw = xcalloc(1, sizeof(*aw));
	struct fetch_options fo;

	aw->conf = c;
	aw->store = st;
	aw->cb = cb;
	aw->arg = arg;
	TAILQ_INIT(&aw->waiting);
	TAILQ_INIT(&aw->ready);
	aw->xpath = xcalloc(c->nfeeds + 1, sizeof(*aw->xpath));
	aw->xpath_warned = xcalloc(c->nfeeds + 1, sizeof(*aw->xpath_warned));
	for (size_t i = 0; i < c->nfeeds; i++) {
		const char *x = c->feeds[i].article_xpath;
		/* The loader compiled it already: this cannot fail. */
		if (x != NULL &&
		    (aw->xpath[i] = article_xpath_compile(x, err)) == NULL)
			goto fail;
	}
	fetch_options_from_conf(&fo, &c->daemon);
	fo.max_concurrent = fo.max_concurrent / ARTWAIT_SHARE_DIVISOR;
	if (fo.max_concurrent < 1)
		fo.max_concurrent = 1;
	fo.curl = cv;
	if ((aw->af = artfetcher_new(base, &fo, err)) == NULL)
		goto fail;
	aw->ready_ev = event_new(base, -1, 0, aw_ready_cb, aw);
	event_priority_set(aw->ready_ev, PRIO_COMMIT);
	return aw;
fail:
	artwait_free(aw);
	return NULL;
}

/* Items waiting for their article, ready ones included. */
size_t
artwait_pending(const struct artwait *aw)
{
	return aw->njobs;
}

/* The counters; the page counts are the article fetcher's. */
const struct artwait_stats *
artwait_stats(const struct artwait *aw)
{
	return &aw->stats;
}

/* The fetcher first (it drops its transfers without callbacks). */
void
artwait_free(struct artwait *aw)
{
	struct aw_job *j;

	if (aw == NULL)
		return;
	artfetcher_free(aw->af);
	while ((j = TAILQ_FIRST(&aw->waiting)) != NULL) {
		TAILQ_REMOVE(&aw->waiting, j, entry);
		aw_job_free(j);
	}
	while ((j = TAILQ_FIRST(&aw->ready)) != NULL) {
		TAILQ_REMOVE(&aw->ready, j, entry);
		aw_job_free(j);
	}
	for (size_t i = 0; aw->xpath != NULL && i < aw->conf->nfeeds; i++)
		article_xpath_free(aw->xpath[i]);
	free(aw->xpath);
	free(aw->xpath_warned);
	if (aw->ready_ev != NULL)
		event_free(aw->ready_ev);
	free(aw);
}
