/*
 * What the status API, the metrics and the tools read of a running
 * pipeline (pipeline.h); the pipeline itself is pipeline.c.
 */
#include "config.h"

#include <string.h>

#include "alerts/alertbus.h"
#include "alerts/outbox.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/artwait.h"
#include "daemon/pipeline.h"
#include "daemon/pipeline_int.h"
#include "feeds/fetch.h"
#include "feeds/sched.h"

/* The cluster node, for the status API. */
const struct cluster *
pipeline_cluster(const struct pipeline *p)
{
	return p->cl_arg;
}

/* The cluster's alert flow, for /metrics: -1 when alone. */
int
pipeline_alertbus_stats(const struct pipeline *p, struct alertbus_stats *st)
{
	if (p->alertbus == NULL)
		return -1;
	alertbus_stats(p->alertbus, st);
	return 0;
}

/* The process's NATS connection (the alert bus's), for /metrics. */
const struct natsconn *
pipeline_natsconn(const struct pipeline *p)
{
	return alertbus_natsconn(p->alertbus);
}

/* The counters for the status line, the API and the tests. */
const struct pipeline_stats *
pipeline_stats(const struct pipeline *p)
{
	return &p->stats;
}

/* The configured feeds, disabled ones included. */
size_t
pipeline_nfeeds(const struct pipeline *p)
{
	return p->nfeeds;
}

/* The scheduler's view, or a stand-in for a feed no longer scheduled. */
void
pipeline_feed_status(
    const struct pipeline *p, size_t i, struct sched_feed_status *st)
{
	const struct pl_feed *pf = &p->feeds[i];

	if (pf->in_sched) {
		sched_status(p->sched, pf->sidx, st);
		st->title = pf->conf->title;
		return;
	}
	memset(st, 0, sizeof(*st));
	st->title = pf->conf->title;
	st->name = pf->conf->name;
	st->url = pf->conf->url;
	st->status = FETCH_GONE;
	st->error = p->sched == NULL
	    ? "stopping"
	    : "disabled after 410 Gone; edit its url to poll it again";
}

/* Alerts of watchlist i since this pipeline started; 0 out of range. */
uint64_t
pipeline_watchlist_alerts(const struct pipeline *p, size_t i)
{
	return i < p->conf->nwatchlists ? p->wl_alerts[i] : 0;
}

/* The outbox's delivery counters for sink i. */
const struct outbox_stats *
pipeline_sink_stats(const struct pipeline *p, size_t i)
{
	return outbox_sink_stats(p->outbox, i);
}

/* Per sink of nc, when the sink of that name in old last gave up (0
 * never): a reload must not clear the reason /healthz gives.  Free it. */
int64_t *
pipeline_sink_failures(const struct pipeline *old, const struct conf *nc)
{
	int64_t *t = xcalloc(nc->nsinks ? nc->nsinks : 1, sizeof(*t));

	if (old == NULL || old->outbox == NULL)
		return t;
	for (size_t i = 0; i < nc->nsinks; i++)
		for (size_t j = 0; j < old->conf->nsinks; j++)
			if (strcmp(nc->sinks[i].name,
			        old->conf->sinks[j].name) == 0)
				t[i] = outbox_sink_stats(old->outbox, j)
				           ->failed_at;
	return t;
}

/* Put back what pipeline_sink_failures saved (after pipeline_start). */
void
pipeline_restore_sink_failures(struct pipeline *np, const int64_t *t)
{
	if (np->outbox == NULL)
		return;
	for (size_t i = 0; i < np->conf->nsinks; i++)
		outbox_set_failed_at(np->outbox, i, t[i]);
}

/* The article counters, for /metrics. */
const struct artwait_stats *
pipeline_article_stats(const struct pipeline *p)
{
	return p->artwait != NULL ? artwait_stats(p->artwait) : NULL;
}

/* Items waiting for their article, for /metrics. */
size_t
pipeline_articles_waiting(const struct pipeline *p)
{
	return p->artwait != NULL ? artwait_pending(p->artwait) : 0;
}
