/*
 * feedwatchd: the daemon's entry point.  It parses the command line and,
 * once the pipeline exists, loads the config, opens the state store, arms
 * the event loop and runs it.  Until then it says clearly that it is not
 * built yet and exits with an error: a daemon that silently does nothing
 * would be worse than one that refuses.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static const char usage_text[] =
    "usage: feedwatchd [-c FILE] [-f|--foreground] [--once] [-v|--verbose]\n"
    "                  [--version] [--help]\n"
    "\n"
    "  -c, --config FILE  configuration file\n"
    "                     (default " SYSCONFDIR "/feedwatch/feedwatch.conf)\n"
    "  -f, --foreground   stay in the foreground (the default under systemd)\n"
    "      --once         poll every feed once, deliver the alerts, exit\n"
    "  -v, --verbose      log debug messages\n"
    "      --version      print the version and exit\n"
    "      --help         print this help and exit\n"
    "\n"
    "Signals: SIGHUP reloads the configuration, SIGTERM and SIGINT stop.\n";

static void __attribute__((noreturn)) usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	exit(status);
}

int
main(int argc, char **argv)
{
	enum { OPT_ONCE = 256, OPT_VERSION, OPT_HELP };
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"once", no_argument, NULL, OPT_ONCE},
	    {"verbose", no_argument, NULL, 'v'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *conffile = SYSCONFDIR "/feedwatch/feedwatch.conf";
	int ch, verbose = 0, once = 0, foreground = 0;

	log_init("feedwatchd", LOG_LEVEL_INFO);
	while ((ch = getopt_long(argc, argv, "c:fv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case OPT_ONCE:
			once = 1;
			break;
		case OPT_VERSION:
			printf("feedwatchd %s\n", PACKAGE_VERSION);
			return 0;
		case OPT_HELP:
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (verbose)
		log_set_level(LOG_LEVEL_DEBUG);
	(void)foreground;
	(void)once;
	log_errx(
	    "%s: the polling pipeline is not built yet (issue 6)", conffile);
	return 1;
}
