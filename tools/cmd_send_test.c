/*
 * feedwatch send-test -c CONF SINK: push one test alert through one sink,
 * as the daemon would, and say what happened.  The sink is built from the
 * config exactly as feedwatchd builds it and runs on a private event loop;
 * the document has the SPEC's alert shape (watchlist: the first that names
 * the sink, or "feedwatch-test"), a fresh id each run so that a receiver's
 * idempotency does not swallow the second test.  No state is touched: the
 * outbox, rate limits and digests are the daemon's business, so the alert
 * goes straight to the sink.
 *
 * Prints "sink NAME: delivered", "... will retry: REASON" or "... failed:
 * REASON"; exits 0 only when delivered.
 */
#include "config.h"

#include <event2/event.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts/sink.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "conf/conf.h"
#include "tools/commands.h"

/* Beyond the sink's own timeout: connecting, a slow child's exit. */
#define SEND_TEST_SLACK_MS 5000

struct send_test {
	struct event_base *base;
	int done;
	enum sink_result result;
	char *error;
};

/* The watchlist a real alert to this sink would come from. */
static const char *
send_test_watchlist(const struct conf *c, const struct conf_sink *cs)
{
	for (size_t i = 0; i < c->nwatchlists; i++)
		for (size_t j = 0; j < c->watchlists[i].nsinks; j++)
			if (c->watchlists[i].sinks[j] == cs)
				return c->watchlists[i].name;
	return "feedwatch-test";
}

/* A test alert in the SPEC's shape; free it. */
static char *
send_test_doc(const char *id, const char *watchlist)
{
	char when[RFC3339_LEN];
	json_t *o;
	char *s;

	time_rfc3339(time(NULL), when);
	o = json_pack("{s:s, s:s, s:i, s:i, s:s, s:{s:s, s:s, s:s, s:s, s:s, "
	              "s:s}, s:[{s:s, s:s, s:s, s:i, s:i, s:[s], s:[s]}], "
	              "s:[]}",
	    "id", id, "watchlist", watchlist, "score", 1, "threshold", 1,
	    "fired_at", when, "item", "feed", "feedwatch-test", "id", id,
	    "title", "feedwatch test alert: delivery works", "link",
	    "https://example.org/feedwatch-test", "published", when, "summary",
	    "A test alert sent by feedwatch send-test.", "matches", "kind",
	    "topic", "name", "test", "label", "test", "hits", 1, "contribution",
	    1, "fields", "title", "snippets", "feedwatch test alert",
	    "also_in");
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* The sink reported: keep the outcome and stop the loop. */
static void
send_test_done(const struct sink_outcome *o, void *arg)
{
	struct send_test *t = arg;

	t->done = 1;
	t->result = o->result;
	t->error = o->error != NULL ? strdup(o->error) : NULL;
	event_base_loopbreak(t->base);
}

/* The sink took longer than its own timeout allows. */
static void
send_test_expired(evutil_socket_t fd, short what, void *arg)
{
	struct send_test *t = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(t->base);
}

/* Deliver through cs; 0 when delivered. */
static int
send_test_run(const struct conf *c, const struct conf_sink *cs)
{
	struct send_test t = {0};
	struct sink_env env = {0};
	struct timeval tv;
	struct event *timer;
	struct sink *s;
	char id[64], *doc, *err = NULL;
	uint64_t ms = cs->timeout_ms + SEND_TEST_SLACK_MS;
	int rc = EXIT_BAD;

	snprintf(id, sizeof(id), "feedwatch-test-%lld-%ld",
	    (long long)time(NULL), (long)getpid());
	if ((t.base = env.base = event_base_new()) == NULL) {
		fprintf(stderr, "feedwatch send-test: no event loop\n");
		return EXIT_BAD;
	}
	if ((s = sink_new(cs, &env, &err)) == NULL) {
		fprintf(stderr, "feedwatch send-test: %s\n", err);
		free(err);
		event_base_free(t.base);
		return EXIT_BAD;
	}
	doc = send_test_doc(id, send_test_watchlist(c, cs));
	timer = evtimer_new(t.base, send_test_expired, &t);
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(timer, &tv);
	sink_deliver(s, id, doc, send_test_done, &t);
	if (!t.done)
		event_base_dispatch(t.base);
	if (!t.done)
		printf("sink %s: will retry: no outcome within %llu ms\n",
		    cs->name, (unsigned long long)ms);
	else if (t.result == SINK_DELIVERED)
		printf("sink %s: delivered (alert %s)\n", cs->name, id);
	else
		printf("sink %s: %s: %s\n", cs->name,
		    t.result == SINK_RETRY ? "will retry" : "failed",
		    t.error != NULL ? t.error : "no reason given");
	if (t.done && t.result == SINK_DELIVERED)
		rc = EXIT_OK;
	event_free(timer);
	sink_free(s);
	event_base_free(t.base);
	free(t.error);
	free(doc);
	return rc;
}

const char cmd_send_test_options[] =
    "  -c, --config CONF  the configuration that defines SINK (default\n"
    "                     " CONF_DEFAULT_PATH ")\n";

/* feedwatch send-test [-c CONF] SINK */
int
cmd_send_test(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = CONF_DEFAULT_PATH;
	const struct conf_sink *cs;
	struct conf *c;
	char *err = NULL;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			return command_usage("send-test");
		}
	}
	if (optind + 1 != argc)
		return command_usage("send-test");
	if ((c = conf_load(path, &err)) == NULL) {
		fprintf(stderr, "feedwatch send-test: %s\n", err);
		free(err);
		return EXIT_BAD;
	}
	if ((cs = conf_find_sink(c, argv[optind])) == NULL) {
		fprintf(stderr, "feedwatch send-test: %s: no sink named %s\n",
		    c->path, argv[optind]);
		conf_free(c);
		return EXIT_BAD;
	}
	/* A command that stops reading its input must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	rc = send_test_run(c, cs);
	conf_free(c);
	return rc;
}
