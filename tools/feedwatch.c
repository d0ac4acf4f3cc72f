/*
 * feedwatch: the tool people use beside the daemon.  A table maps each
 * subcommand to its function and usage line; the functions live in
 * cmd_NAME.c so each capability stays in a file of its own.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "tools/commands.h"

static const struct command {
	const char *name;
	int (*run)(int, char **);
	const char *args;
	const char *what;
} commands[] = {
    {"article", cmd_article, "[--xpath EXPR] FILE|URL|-",
        "print the article text the daemon would read behind a link"},
    {"check", cmd_check, "-c CONF", "validate a config; print what was loaded"},
    {"parse", cmd_parse, "FILE|URL|-", "feed -> one JSON document on stdout"},
    {"score", cmd_score,
        "-c CONF [--explain] [--watchlist NAME] FILE|URL|-\n"
        "       feedwatch score -c CONF [--explain] --text FILE",
        "score a feed's items (or one article) against the watchlists"},
    {"send-test", cmd_send_test, "-c CONF SINK",
        "push a test alert through one sink"},
    {"status", cmd_status, "[--http ADDR | -c CONF]", "ask a running daemon"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: feedwatch COMMAND [ARGS]\n"
	    "       feedwatch --version | --help\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  feedwatch %s %s\n      %s\n", commands[i].name,
		    commands[i].args, commands[i].what);
	fprintf(fp,
	    "\nExit status: 0 success, 1 the input or config is bad, "
	    "2 usage.\n");
}

int
command_usage(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			fprintf(stderr, "usage: feedwatch %s %s\n", name,
			    commands[i].args);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	log_init("feedwatch", LOG_LEVEL_INFO);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("feedwatch %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "feedwatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
