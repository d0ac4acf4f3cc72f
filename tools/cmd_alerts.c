/*
 * feedwatch alerts -c CONF: the alerts the daemon raised, read from CONF's
 * state-dir through a read-only connection: the same documents, with
 * their also_in, as the status API's /alerts (alertdoc_stored builds both),
 * without the daemon running or `http` set.  One readable line per alert,
 * or with --json one alert document per line; oldest first.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/str.h"
#include "common/timeutil.h"
#include "conf/conf.h"
#include "daemon/alertdoc.h"
#include "store/store.h"
#include "tools/commands.h"

/* Without --since: the last day, as /alerts. */
#define ALERTS_DEFAULT_S (24 * 3600)

struct al_ctx {
	const char *only; /* --watchlist */
	int json;
	size_t n;
};

/* A DURATION back from now, or an RFC 3339 time; -1 when neither. */
int
tool_parse_since(const char *s, time_t now, int64_t *out)
{
	uint64_t ms;
	time_t t;

	if (time_parse_rfc3339(s, &t) == 0) {
		*out = (int64_t)t;
		return 0;
	}
	if (str_parse_duration(s, &ms) == -1 || ms / 1000 > (uint64_t)now)
		return -1;
	*out = (int64_t)now - (int64_t)(ms / 1000);
	return 0;
}

/* A string member of o, "" when absent. */
static const char *
member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* One stored alert: filtered by watchlist, printed either way. */
static void
alerts_cb(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	struct al_ctx *x = arg;
	json_t *d = alertdoc_stored(doc, also_in), *it;
	char when[RFC3339_LEN], *s;

	if (d == NULL)
		return;
	if (x->only != NULL && strcmp(member(d, "watchlist"), x->only) != 0) {
		json_decref(d);
		return;
	}
	x->n++;
	if (x->json) {
		s = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
	} else {
		it = json_object_get(d, "item");
		printf("%s  %s  score %lld  %s: %s\n    %s",
		    time_rfc3339((time_t)fired_at, when),
		    member(d, "watchlist"),
		    (long long)json_integer_value(json_object_get(d, "score")),
		    member(it, "feed"), member(it, "title"),
		    member(it, "link"));
		if (also_in != NULL && *also_in != '\0')
			printf("  (also in %s)", also_in);
		putchar('\n');
	}
	json_decref(d);
}

/* The command line of a command that reads the state; see commands.h. */
int
tool_state_args(
    int argc, char **argv, const char *cmd, struct tool_state_args *a)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"since", required_argument, NULL, 's'},
	    {"watchlist", required_argument, NULL, 'w'},
	    {"json", no_argument, NULL, 'j'},
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	const char *since = NULL;
	int ch;

	a->conf = CONF_DEFAULT_PATH;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		if (ch == 'c')
			a->conf = optarg;
		else if (ch == 's')
			since = optarg;
		else if (ch == 'w')
			a->watchlist = optarg;
		else if (ch == 'j')
			a->json = 1;
		else if (ch == 'a' && a->all_allowed)
			a->all = 1;
		else
			return command_usage(cmd);
	}
	if (optind != argc)
		return command_usage(cmd);
	if (since != NULL &&
	    tool_parse_since(since, time(NULL), &a->since) == -1) {
		fprintf(stderr,
		    "feedwatch %s: --since %s: expected a duration (7d, 36h) "
		    "or an RFC 3339 time\n",
		    cmd, since);
		return EXIT_BAD;
	}
	return EXIT_OK;
}

int
cmd_alerts(int argc, char **argv)
{
	struct tool_state_args a = {
	    .since = (int64_t)time(NULL) - ALERTS_DEFAULT_S};
	struct al_ctx x = {0};
	struct store *st = NULL;
	struct conf *c;
	char *err = NULL;
	int rc;

	if ((rc = tool_state_args(argc, argv, "alerts", &a)) != EXIT_OK)
		return rc;
	x.only = a.watchlist;
	x.json = a.json;
	if ((c = conf_load(a.conf, &err)) == NULL ||
	    (st = store_open_readonly(c->daemon.state_dir, &err)) == NULL) {
		fprintf(stderr, "feedwatch alerts: %s\n", err);
		free(err);
		conf_free(c);
		return EXIT_BAD;
	}
	rc = EXIT_BAD;
	if (store_alerts_since(st, a.since, INT_MAX, alerts_cb, &x) == -1)
		fprintf(stderr, "feedwatch alerts: %s\n", store_error(st));
	else
		rc = EXIT_OK;
	if (rc == EXIT_OK && !x.json)
		printf("%zu alert%s\n", x.n, x.n == 1 ? "" : "s");
	store_close(st);
	conf_free(c);
	return rc;
}

const char cmd_alerts_options[] =
    "  -c, --config CONF       the configuration whose state-dir is read\n"
    "  --since DURATION|TIME   alerts raised since then (default: 24h)\n"
    "  --watchlist NAME        only this watchlist's alerts\n"
    "  --json                  one alert document per line\n";
