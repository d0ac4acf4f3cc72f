/*
 * The poll scheduler (see sched.h).  Feeds that are waiting sit in a binary
 * min-heap ordered by due time (monotonic milliseconds); one evtimer is set
 * for the top.  When it fires, every feed that is due leaves the heap and
 * goes to the fetcher, whose queues apply the concurrency limits; when its
 * fetch is done, the outcome decides the feed's next due time and the feed
 * goes back into the heap.  A feed is thus always in exactly one place: the
 * heap, the fetcher, or nowhere (disabled).
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/redact.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "feeds/sched.h"

/* Doubling stops here: 2^20 intervals exceed any cap long before. */
#define SCHED_MAX_BACKOFF_SHIFT 20

struct sched_feed {
	struct sched *s;
	size_t index;
	size_t heap_idx; /* valid while in the heap */
	int in_heap;
	uint64_t due_ms; /* monotonic */

	char *name;
	char *url;
	char *host_key; /* fetcher_host_key(url), or NULL: not a good URL */
	uint64_t interval_ms;
	char *etag;
	char *last_modified;
	char *ca_file, *ca_path;
	uint64_t body_digest;    /* of the last 200's body; 0: none */
	struct feed_again again; /* its old items' marks (parse.h) */
	uint64_t unchanged;
	const struct conf_fetch *http; /* the def's; outlives the sched */
	const char *user_agent;

	int enabled;
	int in_flight;
	int parked; /* cluster mode: another node polls it */
	int held;   /* its last poll is not written yet: not polled */
	time_t last_poll;
	time_t last_success;
	enum fetch_status status;
	long http_code;
	uint64_t bytes;
	size_t items;
	char *error;
	unsigned errors;
	time_t next_poll;
	uint64_t next_delay_ms;
};

struct sched {
	struct event_base *base;
	struct fetcher *fetcher;
	sched_item_cb on_item;
	sched_known_cb known;
	sched_result_cb on_result;
	void *arg;
	struct event *timer;
	struct sched_feed **feeds; /* by index */
	size_t nfeeds, capfeeds;
	struct sched_feed **heap;
	size_t nheap;
	unsigned short rand[3]; /* erand48 state for jitter */
};

/* Does a come before b?  Ties go to the older feed, for determinism. */
static int
sched_before(const struct sched_feed *a, const struct sched_feed *b)
{
	if (a->due_ms != b->due_ms)
		return a->due_ms < b->due_ms;
	return a->index < b->index;
}

/* Put feed fd at heap slot i. */
static void
sched_heap_set(struct sched *s, size_t i, struct sched_feed *fd)
{
	s->heap[i] = fd;
	fd->heap_idx = i;
}

/* Move the feed at slot i up to where it belongs. */
static void
sched_heap_up(struct sched *s, size_t i)
{
	struct sched_feed *fd = s->heap[i];

	while (i > 0 && sched_before(fd, s->heap[(i - 1) / 2])) {
		sched_heap_set(s, i, s->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	sched_heap_set(s, i, fd);
}

/* Move the feed at slot i down to where it belongs. */
static void
sched_heap_down(struct sched *s, size_t i)
{
	struct sched_feed *fd = s->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap &&
		    sched_before(s->heap[c + 1], s->heap[c]))
			c++;
		if (!sched_before(s->heap[c], fd))
			break;
		sched_heap_set(s, i, s->heap[c]);
		i = c;
	}
	sched_heap_set(s, i, fd);
}

/* Add a feed to the heap (room is reserved by sched_add). */
static void
sched_heap_push(struct sched *s, struct sched_feed *fd)
{
	fd->in_heap = 1;
	sched_heap_set(s, s->nheap++, fd);
	sched_heap_up(s, fd->heap_idx);
}

/* Take the earliest feed off the heap. */
static struct sched_feed *
sched_heap_pop(struct sched *s)
{
	struct sched_feed *top = s->heap[0];

	top->in_heap = 0;
	if (--s->nheap > 0) {
		sched_heap_set(s, 0, s->heap[s->nheap]);
		sched_heap_down(s, 0);
	}
	return top;
}

/* Set the one timer for the earliest due feed. */
static void
sched_arm(struct sched *s)
{
	uint64_t now = time_mono_ms(), wait;
	struct timeval tv;

	if (s->nheap == 0) {
		evtimer_del(s->timer);
		return;
	}
	wait = s->heap[0]->due_ms > now ? s->heap[0]->due_ms - now : 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

/* Up to SCHED_JITTER_PERCENT of ms, at random. */
static uint64_t
sched_jitter(struct sched *s, uint64_t ms)
{
	return (uint64_t)(erand48(s->rand) * (double)ms * SCHED_JITTER_PERCENT /
	    100.0);
}

/* interval x 2^errors, without overflow, capped at a day or the interval. */
uint64_t
sched_backoff_ms(uint64_t interval_ms, unsigned errors)
{
	uint64_t cap = interval_ms > SCHED_MAX_BACKOFF_MS
	    ? interval_ms
	    : SCHED_MAX_BACKOFF_MS;
	unsigned shift =
	    errors > SCHED_MAX_BACKOFF_SHIFT ? SCHED_MAX_BACKOFF_SHIFT : errors;

	if (interval_ms > (cap >> shift))
		return cap;
	return interval_ms << shift;
}

/* The wait after an outcome (the feed's error count already updated). */
static uint64_t
sched_next_delay(
    struct sched *s, const struct sched_feed *fd, const struct fetch_result *r)
{
	uint64_t d;

	if (r->status == FETCH_OK || r->status == FETCH_NOT_MODIFIED)
		return fd->interval_ms + sched_jitter(s, fd->interval_ms);
	if ((r->http_code == 429 || r->http_code == 503) &&
	    r->retry_after_s >= 0) {
		/* What the server asked, but never sooner than our interval. */
		d = (uint64_t)r->retry_after_s * 1000;
		if (d < fd->interval_ms)
			d = fd->interval_ms;
		return d > SCHED_MAX_RETRY_AFTER_MS ? SCHED_MAX_RETRY_AFTER_MS
		                                    : d;
	}
	d = sched_backoff_ms(fd->interval_ms, fd->errors);
	return d + sched_jitter(s, d);
}

/* Replace *dst with a copy of src (NULL allowed); the same string again
 * (a 304's validators) is left as it is. */
static void
sched_set_str(char **dst, const char *src)
{
	char *copy;

	if (*dst != NULL && src != NULL && strcmp(*dst, src) == 0)
		return;
	copy = src ? xstrdup(src) : NULL;
	free(*dst);
	*dst = copy;
}

/* The next poll asks for everything (no validators, no digest to match)
 * and reads every item (no marks of old items). */
static void
sched_read_whole(struct sched_feed *fd)
{
	sched_set_str(&fd->etag, NULL);
	sched_set_str(&fd->last_modified, NULL);
	fd->body_digest = 0;
	feed_again_free(&fd->again);
}

/* The feed's URL from now on, and its host's key worked out once. */
static void
sched_set_url(struct sched_feed *fd, const char *url)
{
	char *err = NULL;

	sched_set_str(&fd->url, url);
	free(fd->host_key);
	fd->host_key = fetcher_host_key(url, &err);
	free(err); /* said when the feed is polled */
}

/* Take in the outcome of a poll: state, validators, URL, next due time. */
static void
sched_apply(struct sched_feed *fd, const struct fetch_result *r)
{
	struct sched *s = fd->s;

	fd->in_flight = 0;
	fd->last_poll = time(NULL);
	fd->status = r->status;
	fd->http_code = r->http_code;
	fd->bytes = r->bytes;
	fd->items = r->nitems;
	sched_set_str(&fd->error, r->error);
	fd->next_poll = 0;
	fd->next_delay_ms = 0;

	if (r->status == FETCH_OK || r->status == FETCH_NOT_MODIFIED) {
		fd->last_success = fd->last_poll;
		fd->errors = 0;
		sched_set_str(&fd->etag, r->etag);
		sched_set_str(&fd->last_modified, r->last_modified);
		if (r->status == FETCH_OK) {
			fd->body_digest = r->body_digest;
			fd->unchanged += r->unchanged != 0;
		}
		/* An old item was left unread in a changed context: the
		 * next poll reads the whole document again. */
		if (r->status == FETCH_OK && r->parser != NULL &&
		    feed_parser_again_stale(r->parser))
			sched_read_whole(fd);
		if (r->permanent_url != NULL &&
		    strcmp(r->permanent_url, fd->url) != 0) {
			char *from = url_redact(fd->url);
			char *to = url_redact(r->permanent_url);

			log_info("feed %s: moved permanently from %s to %s",
			    fd->name, from, to);
			free(from);
			free(to);
			sched_set_url(fd, r->permanent_url);
		}
	} else if (r->status == FETCH_GONE) {
		char *shown = url_redact(fd->url);

		fd->enabled = 0;
		log_warnx("feed %s: %s answered 410 Gone; feed disabled",
		    fd->name, shown);
		free(shown);
		return;
	} else {
		char *shown = url_redact(fd->url);

		fd->errors++;
		log_warnx("feed %s: %s: %s", fd->name, shown, r->error);
		free(shown);
	}
	fd->next_delay_ms = sched_next_delay(s, fd, r);
	fd->due_ms = time_mono_ms() + fd->next_delay_ms;
	fd->next_poll = fd->last_poll + (time_t)(fd->next_delay_ms / 1000);
	if (fd->parked || fd->held)
		return; /* disowned while in flight, or held */
	sched_heap_push(s, fd);
	sched_arm(s);
}

/* The fetcher: an item of this feed. */
static void
sched_item_cb_(const struct feed_item *item, void *arg)
{
	struct sched_feed *fd = arg;

	if (fd->s->on_item != NULL)
		fd->s->on_item(fd->index, item, fd->s->arg);
}

/* The parser: is this item of the feed old? */
static int
sched_known_cb_(const char *id, void *arg)
{
	struct sched_feed *fd = arg;

	return fd->s->known(fd->index, id, fd->s->arg);
}

/* The fetcher: this feed's poll is over. */
static void
sched_done_cb(const struct fetch_result *r, void *arg)
{
	struct sched_feed *fd = arg;

	sched_apply(fd, r);
	if (fd->s->on_result != NULL)
		fd->s->on_result(fd->index, r, fd->s->arg);
}

/* Hand a due feed to the fetcher. */
static void
sched_poll(struct sched *s, struct sched_feed *fd)
{
	struct fetch_request req = {
	    .url = fd->url,
	    .host_key = fd->host_key,
	    .etag = fd->etag,
	    .last_modified = fd->last_modified,
	    .ca_file = fd->ca_file,
	    .ca_path = fd->ca_path,
	    .body_digest = fd->body_digest,
	    .again = &fd->again,
	    .on_item = sched_item_cb_,
	    .known = s->known != NULL ? sched_known_cb_ : NULL,
	    .on_done = sched_done_cb,
	    .arg = fd,
	    .http = fd->http,
	    .user_agent = fd->user_agent,
	};
	struct fetch_result r;
	char *err = NULL;

	fd->in_flight = 1;
	if (fetcher_start(s->fetcher, &req, &err) == 0)
		return;
	/* A URL the fetcher refuses is an error like any other. */
	memset(&r, 0, sizeof(r));
	r.status = FETCH_ERROR;
	r.error = err;
	r.final_url = fd->url;
	r.retry_after_s = -1;
	sched_done_cb(&r, fd);
	free(err);
}

/* The timer: poll everything that is due. */
static void
sched_timer_cb(evutil_socket_t fd_, short what, void *arg)
{
	struct sched *s = arg;
	uint64_t now = time_mono_ms();

	while (s->nheap > 0 && s->heap[0]->due_ms <= now)
		sched_poll(s, sched_heap_pop(s));
	sched_arm(s);
}

/* Old items are the pipeline's to recognise (sched.h). */
void
sched_set_known(struct sched *s, sched_known_cb known)
{
	s->known = known;
}

/* An empty scheduler polling through f. */
struct sched *
sched_new(struct event_base *base, struct fetcher *f, sched_item_cb on_item,
    sched_result_cb on_result, void *arg)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	uint64_t seed = time_mono_ms() ^ ((uint64_t)getpid() << 16);

	s->base = base;
	s->fetcher = f;
	s->on_item = on_item;
	s->on_result = on_result;
	s->arg = arg;
	s->timer = evtimer_new(base, sched_timer_cb, s);
	s->rand[0] = (unsigned short)seed;
	s->rand[1] = (unsigned short)(seed >> 16);
	s->rand[2] = (unsigned short)(seed >> 32);
	return s;
}

/* Take up a feed's health where the store left it. */
static void
sched_restore(struct sched_feed *fd, const struct sched_health *h)
{
	fd->last_poll = h->last_poll;
	fd->last_success = h->last_success;
	fd->errors = h->errors;
	if (h->status >= FETCH_OK && h->status <= FETCH_GONE)
		fd->status = (enum fetch_status)h->status;
	fd->http_code = h->http_code;
	sched_set_str(&fd->error, h->error);
}

/* Copy a feed in and put it in the heap at its first due time. */
size_t
sched_add(struct sched *s, const struct sched_feed_def *def)
{
	struct sched_feed *fd = xcalloc(1, sizeof(*fd));
	uint64_t first;

	if (s->nfeeds == s->capfeeds) {
		s->capfeeds = s->capfeeds ? 2 * s->capfeeds : 16;
		s->feeds =
		    xreallocarray(s->feeds, s->capfeeds, sizeof(*s->feeds));
		s->heap = xreallocarray(s->heap, s->capfeeds, sizeof(*s->heap));
	}
	fd->s = s;
	fd->index = s->nfeeds;
	fd->name = xstrdup(def->name);
	sched_set_url(fd, def->url);
	fd->interval_ms = def->interval_ms > 0 ? def->interval_ms : 1;
	fd->etag = def->etag ? xstrdup(def->etag) : NULL;
	fd->last_modified =
	    def->last_modified ? xstrdup(def->last_modified) : NULL;
	fd->ca_file = def->ca_file ? xstrdup(def->ca_file) : NULL;
	fd->ca_path = def->ca_path ? xstrdup(def->ca_path) : NULL;
	fd->http = def->http;
	fd->user_agent = def->user_agent;
	fd->enabled = !def->disabled;
	if (def->health != NULL)
		sched_restore(fd, def->health);
	s->feeds[s->nfeeds++] = fd;
	fd->parked = def->parked;
	if (!fd->enabled || fd->parked)
		return fd->index;

	if (def->first_delay_ms >= 0)
		first = (uint64_t)def->first_delay_ms;
	else {
		uint64_t w = fd->interval_ms < SCHED_START_SPREAD_MS
		    ? fd->interval_ms
		    : SCHED_START_SPREAD_MS;
		first = (uint64_t)(erand48(s->rand) * (double)w);
	}
	fd->due_ms = time_mono_ms() + first;
	fd->next_delay_ms = first;
	fd->next_poll = time(NULL) + (time_t)(first / 1000);
	sched_heap_push(s, fd);
	sched_arm(s);
	return fd->index;
}

/* How many feeds were added. */
size_t
sched_nfeeds(const struct sched *s)
{
	return s->nfeeds;
}

/* Every waiting feed due now; the heap is rebuilt in place. */
void
sched_poll_all_now(struct sched *s)
{
	uint64_t now = time_mono_ms();

	/* Every waiting feed gets the same key: the heap order is by index. */
	for (size_t i = 0; i < s->nheap; i++)
		s->heap[i]->due_ms = now;
	for (size_t i = s->nheap / 2; i-- > 0;)
		sched_heap_down(s, i);
	sched_arm(s);
}

/* Copy out one feed's state for the status API. */
void
sched_status(const struct sched *s, size_t feed, struct sched_feed_status *st)
{
	const struct sched_feed *fd = s->feeds[feed];

	memset(st, 0, sizeof(*st));
	st->name = fd->name;
	st->url = fd->url;
	st->enabled = fd->enabled;
	st->in_flight = fd->in_flight;
	st->last_poll = fd->last_poll;
	st->last_success = fd->last_success;
	st->status = fd->status;
	st->http_code = fd->http_code;
	st->bytes = fd->bytes;
	st->items = fd->items;
	st->error = fd->error;
	st->errors = fd->errors;
	st->next_poll = fd->in_heap ? fd->next_poll : 0;
	st->next_delay_ms = fd->next_delay_ms;
	st->etag = fd->etag;
	st->last_modified = fd->last_modified;
	st->unchanged = fd->unchanged;
}

/* Take a waiting feed out of the heap, wherever it sits. */
static void
sched_heap_remove(struct sched *s, struct sched_feed *fd)
{
	size_t i = fd->heap_idx;
	struct sched_feed *moved;

	fd->in_heap = 0;
	if (--s->nheap == i)
		return;
	moved = s->heap[s->nheap];
	sched_heap_set(s, i, moved);
	sched_heap_up(s, i);
	sched_heap_down(s, moved->heap_idx);
}

/* A waiting feed is to wait no more: out of the heap. */
static void
sched_unqueue(struct sched *s, struct sched_feed *fd)
{
	if (fd->in_heap) {
		sched_heap_remove(s, fd);
		sched_arm(s);
	}
}

/* Into the heap at its due time, unless something keeps it out. */
static void
sched_queue(struct sched *s, struct sched_feed *fd)
{
	if (fd->parked || fd->held || !fd->enabled || fd->in_flight ||
	    fd->in_heap)
		return;
	sched_heap_push(s, fd);
	sched_arm(s);
}

/* Another node polls this feed now. */
void
sched_disown(struct sched *s, size_t feed)
{
	struct sched_feed *fd = s->feeds[feed];

	if (fd->parked)
		return;
	fd->parked = 1;
	sched_unqueue(s, fd);
	fd->next_poll = 0;
}

/* This node polls the feed now, from the state the cluster kept. */
void
sched_own(struct sched *s, size_t feed, uint64_t delay_ms,
    const struct sched_shared *sh)
{
	struct sched_feed *fd = s->feeds[feed];

	if (!fd->parked)
		return;
	fd->parked = 0;
	if (sh != NULL) {
		if (sh->url != NULL)
			sched_set_url(fd, sh->url);
		sched_set_str(&fd->etag, sh->etag);
		sched_set_str(&fd->last_modified, sh->last_modified);
		fd->body_digest = 0;
		feed_again_free(&fd->again);
		if (sh->health != NULL)
			sched_restore(fd, sh->health);
	}
	if (!fd->enabled || fd->in_flight || fd->in_heap)
		return;
	fd->due_ms = time_mono_ms() + delay_ms;
	fd->next_delay_ms = delay_ms;
	fd->next_poll = time(NULL) + (time_t)(delay_ms / 1000);
	sched_queue(s, fd); /* when held, sched_release does */
}

/* Its last poll waits to be written: poll it no more until released. */
void
sched_hold(struct sched *s, size_t feed)
{
	struct sched_feed *fd = s->feeds[feed];

	if (fd->held)
		return;
	fd->held = 1;
	sched_unqueue(s, fd);
}

/* Written: the feed is due when it was, at once if that has passed. */
void
sched_release(struct sched *s, size_t feed)
{
	struct sched_feed *fd = s->feeds[feed];

	if (!fd->held)
		return;
	fd->held = 0;
	sched_queue(s, fd);
}

/* Does this node poll the feed? */
int
sched_is_owned(const struct sched *s, size_t feed)
{
	return !s->feeds[feed]->parked;
}

/* The next poll asks for everything and parses whatever comes. */
void
sched_forget(struct sched *s, size_t feed)
{
	sched_read_whole(s->feeds[feed]);
}

/* Free every feed (the fetcher must be gone: it holds them). */
void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nfeeds; i++) {
		struct sched_feed *fd = s->feeds[i];
		free(fd->name);
		free(fd->url);
		free(fd->host_key);
		free(fd->etag);
		free(fd->last_modified);
		free(fd->ca_file);
		free(fd->ca_path);
		free(fd->error);
		feed_again_free(&fd->again);
		free(fd);
	}
	event_free(s->timer);
	free(s->feeds);
	free(s->heap);
	free(s);
}
