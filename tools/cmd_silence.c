/*
 * feedwatch silence: mute alerts for a while without touching the config
 * (Alertmanager's silences).  add writes a row to the daemon's state, list
 * and expire read and end them; the running daemon consults the table for
 * every alert it writes, so a change takes effect at its next write.
 * Names given as matchers must exist in the config, so a typo does not
 * make a silence that mutes nothing.
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/str.h"
#include "common/timeutil.h"
#include "conf/conf.h"
#include "store/store.h"
#include "tools/commands.h"

/* Silences one list prints at most; there are never many. */
#define SILENCE_LIST_MAX 1000

/* The matcher options, in enum conf_matcher order. */
static const char *const matcher_options[CONF_MATCHER_COUNT] = {
    "watchlist", "feed", "actor", "topic"};

/* The state beside a running daemon (a reader, or a short-lived writer);
 * when no daemon has it, the daemon's own way, which also makes or
 * migrates the file.  NULL after saying why. */
static struct store *
silence_store(const char *dir, int write)
{
	char *err = NULL, *err2 = NULL;
	struct store *st;

	st =
	    write ? store_open_tool(dir, &err) : store_open_readonly(dir, &err);
	if (st != NULL)
		return st;
	if ((st = store_open(dir, &err2)) == NULL)
		fprintf(stderr, "feedwatch silence: %s; %s\n", err, err2);
	free(err);
	free(err2);
	return st;
}

/* Load the config and open its state; 0, or -1 after saying why. */
static int
silence_open(const char *path, int write, struct conf **c, struct store **st)
{
	char *err = NULL;

	if ((*c = conf_load(path, &err)) == NULL) {
		fprintf(stderr, "feedwatch silence: %s\n", err);
		free(err);
		return -1;
	}
	if ((*st = silence_store((*c)->daemon.state_dir, write)) == NULL) {
		conf_free(*c);
		return -1;
	}
	return 0;
}

/* feedwatch silence add -c CONF MATCHERS (--for D | --until T) --comment */
static int
silence_add(const char *path, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"watchlist", required_argument, NULL, 'w'},
	    {"feed", required_argument, NULL, 'f'},
	    {"actor", required_argument, NULL, 'a'},
	    {"topic", required_argument, NULL, 't'},
	    {"for", required_argument, NULL, 'F'},
	    {"until", required_argument, NULL, 'U'},
	    {"comment", required_argument, NULL, 'm'},
	    {"config", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *m[CONF_MATCHER_COUNT] = {NULL}, *comment = NULL,
	           *for_s = NULL;
	const char *until_s = NULL;
	struct conf *c;
	struct store *st;
	time_t now = time(NULL), until = 0;
	uint64_t ms;
	int64_t id;
	const char *what = NULL;
	int ch, k, any = 0, rc = EXIT_OK;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'w':
		case 'f':
		case 'a':
		case 't':
			m[ch == 'w'         ? CONF_MATCH_WATCHLIST
			        : ch == 'f' ? CONF_MATCH_FEED
			        : ch == 'a' ? CONF_MATCH_ACTOR
			                    : CONF_MATCH_TOPIC] = optarg;
			any = 1;
			break;
		case 'F':
			for_s = optarg;
			break;
		case 'U':
			until_s = optarg;
			break;
		case 'm':
			comment = optarg;
			break;
		default:
			return command_usage("silence");
		}
	}
	if (optind != argc || !any || comment == NULL ||
	    (for_s == NULL) == (until_s == NULL)) {
		fprintf(stderr,
		    "feedwatch silence add: needs at least one of --watchlist, "
		    "--feed, --actor, --topic; one of --for and --until; and "
		    "--comment\n");
		return command_usage("silence");
	}
	if (for_s != NULL) {
		if (str_parse_duration(for_s, &ms) < 0 || ms < 1000) {
			fprintf(stderr,
			    "feedwatch silence add: --for: expected a "
			    "duration such as 2h, found '%s'\n",
			    for_s);
			return EXIT_USAGE;
		}
		until = now + (time_t)(ms / 1000);
	} else if (time_parse_rfc3339(until_s, &until) == -1 || until <= now) {
		fprintf(stderr,
		    "feedwatch silence add: --until: expected a future RFC "
		    "3339 time such as 2024-10-29T07:00:00Z, found '%s'\n",
		    until_s);
		return EXIT_USAGE;
	}
	if (silence_open(path, 1, &c, &st) == -1)
		return EXIT_BAD;
	if ((k = conf_matchers_check(c, m, &what)) >= 0) {
		fprintf(stderr, "feedwatch silence add: %s: no %s named %s\n",
		    c->path, what, m[k]);
		rc = EXIT_BAD;
	}
	if (rc == EXIT_OK) {
		if (store_silence_new(st, m, now, until, comment, &id) == -1) {
			fprintf(stderr, "feedwatch silence add: %s\n",
			    store_error(st));
			rc = EXIT_BAD;
		} else
			printf("%lld\n", (long long)id);
	}
	store_close(st);
	conf_free(c);
	return rc;
}

/* One silence as a line of the list: ID UNTIL MATCHERS -- COMMENT. */
static void
silence_print(const struct store_silence *sl, void *arg)
{
	const char *v[CONF_MATCHER_COUNT] = {
	    sl->watchlist, sl->feed, sl->actor, sl->topic};
	char until[RFC3339_LEN];

	printf("%lld\t%s", (long long)sl->id, time_rfc3339(sl->ends_at, until));
	for (int k = 0; k < CONF_MATCHER_COUNT; k++)
		if (v[k] != NULL)
			printf(" %s=%s", matcher_options[k], v[k]);
	printf("\t%s\n", sl->comment != NULL ? sl->comment : "");
}

/* feedwatch silence list|expire ID: one table each way. */
static int
silence_list_or_expire(const char *path, int argc, char **argv, int expire)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"all", no_argument, NULL, 'A'},
	    {NULL, 0, NULL, 0},
	};
	struct conf *c;
	struct store *st;
	long long id = 0;
	int ch, all = 0, rc = EXIT_OK, n;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ch == 'c')
			path = optarg;
		else if (ch == 'A' && !expire)
			all = 1;
		else
			return command_usage("silence");
	}
	if (optind != argc - expire ||
	    (expire && str_parse_int(argv[optind], 1, INT64_MAX, &id) < 0))
		return command_usage("silence");
	if (silence_open(path, expire, &c, &st) == -1)
		return EXIT_BAD;
	if (!expire) {
		printf("ID\tUNTIL\tMATCHERS\tCOMMENT\n");
		n = store_silence_list(
		    st, time(NULL), all, SILENCE_LIST_MAX, silence_print, NULL);
	} else if ((n = store_silence_expire(st, id, time(NULL))) == 0) {
		fprintf(stderr,
		    "feedwatch silence expire: no active silence %lld\n", id);
		rc = EXIT_BAD;
	}
	if (n == -1) {
		fprintf(stderr, "feedwatch silence: %s\n", store_error(st));
		rc = EXIT_BAD;
	}
	store_close(st);
	conf_free(c);
	return rc;
}

/* feedwatch silence add|list|expire ... */
int
cmd_silence(int argc, char **argv)
{
	const char *path = CONF_DEFAULT_PATH;

	if (argc < 2)
		return command_usage("silence");
	optind = 1;
	argc--;
	argv++;
	if (strcmp(argv[0], "add") == 0)
		return silence_add(path, argc, argv);
	if (strcmp(argv[0], "list") == 0)
		return silence_list_or_expire(path, argc, argv, 0);
	if (strcmp(argv[0], "expire") == 0)
		return silence_list_or_expire(path, argc, argv, 1);
	return command_usage("silence");
}

const char cmd_silence_options[] =
    "  -c, --config CONF       the configuration whose state holds them\n"
    "  --watchlist NAME        add: alerts of this watchlist\n"
    "  --feed NAME             add: alerts of items from this feed\n"
    "  --actor NAME            add: alerts that matched this actor\n"
    "  --topic NAME            add: alerts that matched this topic\n"
    "  --for DURATION          add: from now, for this long\n"
    "  --until TIME            add: from now until this RFC 3339 time\n"
    "  --comment TEXT          add: why (required)\n"
    "  --all                   list: expired silences too\n";
