/*
 * feedwatch check -c CONF: load a config exactly as the daemon would and say
 * what was loaded, so a person can validate an edit before reloading.  The
 * config is loaded and its pipeline prepared by the daemon's own
 * pipeline_prepare (terms compiled, sinks built), so "valid" means the
 * same here as to a reload.  A config that fails prints its one
 * "file:line: ..." message on stderr and exits 1; a good one prints
 * counts, one line per watchlist and the warnings (conf_warn.c), all on
 * stdout, and exits 0.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/pipeline.h"
#include "filters/watchlist.h"
#include "store/store.h"
#include "tools/commands.h"

/* Print a list of names: "a, b, c", or "-" when empty. */
static void
check_print_names(const struct conf_entity *const *v, size_t n)
{
	if (n == 0)
		fputs("-", stdout);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i > 0 ? ", " : "", v[i]->name);
}

/* One line per watchlist: what it scores, when it alerts, where to. */
static void
check_print_watchlist(const struct conf_watchlist *wl)
{
	printf("watchlist %s: actors ", wl->name);
	check_print_names(wl->actors, wl->nactors);
	fputs("; topics ", stdout);
	check_print_names(wl->topics, wl->ntopics);
	printf("; require %s; threshold %d; sinks ", wl->require_text,
	    wl->threshold);
	if (wl->nsinks == 0)
		fputs("-", stdout);
	for (size_t i = 0; i < wl->nsinks; i++)
		printf("%s%s", i > 0 ? ", " : "", wl->sinks[i]->name);
	putchar('\n');
}

/* The summary of a loaded config. */
static void
check_print(const struct conf *c)
{
	size_t nactors = 0, nterms = 0;

	for (size_t i = 0; i < c->nentities; i++) {
		nactors += c->entities[i].kind == CONF_ACTOR;
		nterms += c->entities[i].nterms;
	}
	printf("config %s: ok (%zu file%s)\n", c->path, c->nfiles,
	    c->nfiles == 1 ? "" : "s");
	printf("feeds: %zu\n", c->nfeeds);
	printf("actors: %zu\n", nactors);
	printf("topics: %zu\n", c->nentities - nactors);
	printf("terms: %zu\n", nterms);
	printf("watchlists: %zu\n", c->nwatchlists);
	printf("sinks: %zu\n", c->nsinks);
	for (size_t i = 0; i < c->nwatchlists; i++)
		check_print_watchlist(&c->watchlists[i]);
	printf("warnings: %zu\n", c->nwarnings);
	for (size_t i = 0; i < c->nwarnings; i++)
		printf("warning: %s\n", c->warnings[i]);
}

/*
 * The state-dir as the daemon will find it: there, or creatable (its
 * parent exists; the daemon makes it mode 0750); writable by whoever
 * runs this (run check as the daemon's user); its state.db, if any,
 * ours and not newer.  One line on stdout, or -1 with *err.
 */
static int
check_state_dir(const struct conf *c, char **err)
{
	const char *dir = c->daemon.state_dir;
	char *copy, *parent;
	struct stat st;
	int version, rc;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT)
			goto fail;
		copy = xstrdup(dir);
		parent = dirname(copy);
		/* A warning, not an error: the config may be meant for
		 * another machine (the default under /var/lib). */
		if (access(parent, W_OK | X_OK) == -1)
			printf("warning: state-dir %s does not exist and "
			       "cannot be created in %s (%s): feedwatchd "
			       "would not start here\n",
			    dir, parent, strerror(errno));
		else
			printf("state-dir %s: not there yet; feedwatchd "
			       "creates it (mode 0750)\n",
			    dir);
		free(copy);
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		xasprintf(err, "state-dir %s: not a directory", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) == -1)
		goto fail;
	if ((rc = store_inspect(dir, &version, err)) == -1)
		return -1;
	if (rc == 0)
		printf("state-dir %s: ok, writable by uid %ld; no state.db "
		       "yet\n",
		    dir, (long)geteuid());
	else
		printf("state-dir %s: ok, writable by uid %ld; state.db "
		       "schema %d%s\n",
		    dir, (long)geteuid(), version,
		    version < store_schema_version()
		        ? " (feedwatchd upgrades it when it starts)"
		        : "");
	return 0;
fail:
	xasprintf(err, "state-dir %s: %s", dir, strerror(errno));
	return -1;
}

const char cmd_check_options[] =
    "  -c, --config CONF  the configuration to check (default\n"
    "                     " CONF_DEFAULT_PATH ")\n";

/* Load, prepare and summarise a config: -c CONF, or CONF alone. */
int
cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL;
	struct pipeline_opts opts = {.check = 1};
	struct pipeline *p = NULL;
	struct conf *c;
	char *err = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		default:
			return command_usage("check");
		}
	}
	/* `feedwatch check FILE` reads as naturally as -c FILE. */
	if (optind + 1 == argc && path == NULL)
		path = argv[optind++];
	if (optind != argc)
		return command_usage("check");
	if (path == NULL)
		path = CONF_DEFAULT_PATH;
	/* A term that can never match, a sink that cannot be built: errors
	 * of the reload, so errors here. */
	if ((c = conf_load(path, &err)) == NULL ||
	    (p = pipeline_prepare(c, &opts, &err)) == NULL) {
		fprintf(stderr, "feedwatch check: %s\n", err);
		free(err);
		conf_free(c);
		return EXIT_BAD;
	}
	pipeline_free(p);
	/* The matcher's own warnings (filters/) join the config's. */
	wl_term_warnings(c, &c->warnings, &c->nwarnings);
	check_print(c);
	if (check_state_dir(c, &err) == -1) {
		fprintf(stderr, "feedwatch check: %s\n", err);
		free(err);
		conf_free(c);
		return EXIT_BAD;
	}
	conf_free(c);
	return EXIT_OK;
}
