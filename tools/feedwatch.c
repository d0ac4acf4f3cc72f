/*
 * feedwatch: the tool people use beside the daemon.  A table maps each
 * subcommand to its function, its synopsis, one line on what it does and
 * its options; the functions live in cmd_NAME.c so each capability stays
 * in a file of its own, and each declares its option text there too
 * (cmd_NAME_options, listed as feedwatch(1) lists them).  Help comes from
 * the table for every command alike: `feedwatch help [CMD]`,
 * `feedwatch CMD --help` (or -h); a command without an options text
 * still gets its synopsis.
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
	const char *options; /* "  -x, --long ARG  what\n" lines, or NULL */
} commands[] = {
    {"alerts", cmd_alerts,
        "-c CONF [--since DURATION|TIME] [--watchlist NAME] [--json]",
        "the alerts raised, read from the state", cmd_alerts_options},
    {"article", cmd_article, "[--xpath EXPR] FILE|URL|-",
        "print the article text the daemon would read behind a link",
        cmd_article_options},
    {"check", cmd_check, "-c CONF", "validate a config; print what was loaded",
        cmd_check_options},
    {"parse", cmd_parse,
        "FILE|URL|-\n"
        "       feedwatch parse --raw FILE|URL|-",
        "feed -> one JSON document on stdout", cmd_parse_options},
    {"replay", cmd_replay,
        "-c CONF [--since DURATION|TIME] [--watchlist NAME] [--json] "
        "[--all]",
        "score the stored items with CONF; show what would change",
        cmd_replay_options},
    {"score", cmd_score,
        "-c CONF [--explain] [--watchlist NAME] FILE|URL|-\n"
        "       feedwatch score -c CONF [--explain] --text FILE",
        "score a feed's items (or one article) against the watchlists",
        cmd_score_options},
    {"send-test", cmd_send_test, "-c CONF SINK",
        "push a test alert through one sink", cmd_send_test_options},
    {"opml", cmd_opml, "import FILE|- [--tags T,...] | export [-c CONF]",
        "feed lists from and to feed readers (OPML)", cmd_opml_options},
    {"silence", cmd_silence,
        "add -c CONF [--watchlist W] [--feed F] [--actor A] [--topic T]\n"
        "           (--for DURATION | --until RFC3339) --comment TEXT\n"
        "       feedwatch silence list -c CONF [--all]\n"
        "       feedwatch silence expire -c CONF ID",
        "mute matching alerts for a while; list or end silences",
        cmd_silence_options},
    {"status", cmd_status, "[--http ADDR | -c CONF]", "ask a running daemon",
        cmd_status_options},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The whole tool's help: every command's synopsis and purpose. */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: feedwatch COMMAND [ARGS]\n"
	    "       feedwatch help [COMMAND] | COMMAND --help\n"
	    "       feedwatch --version | --help\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  feedwatch %s %s\n      %s\n", commands[i].name,
		    commands[i].args, commands[i].what);
	fprintf(fp,
	    "\nExit status: 0 success, 1 the input or config is bad, "
	    "2 usage.\n");
}

/* The table row of a command, or NULL. */
static const struct command *
command_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* One command's help: synopsis, purpose, options. */
static void
command_help(FILE *fp, const struct command *cmd)
{
	fprintf(fp, "usage: feedwatch %s %s\n\n%s\n", cmd->name, cmd->args,
	    cmd->what);
	fprintf(fp, "\noptions:\n%s  -h, --help  print this help and exit\n",
	    cmd->options != NULL ? cmd->options : "");
}

/* Does the command line ask for help: -h or --help before any "--"? */
static int
command_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* `feedwatch help [CMD]`: the tool's help, or one command's. */
static int
command_help_cmd(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2 || (cmd = command_find(argv[1])) == NULL) {
		fprintf(
		    stderr, "feedwatch help: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	command_help(stdout, cmd);
	return EXIT_OK;
}

/* A wrong command line: the command's synopsis on stderr. */
int
command_usage(const char *name)
{
	const struct command *cmd = command_find(name);

	if (cmd != NULL)
		fprintf(stderr,
		    "usage: feedwatch %s %s\n"
		    "(feedwatch %s --help lists the options)\n",
		    name, cmd->args, name);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	const struct command *cmd;

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
	if (strcmp(argv[1], "help") == 0)
		return command_help_cmd(argc - 1, argv + 1);
	if ((cmd = command_find(argv[1])) != NULL) {
		if (command_wants_help(argc - 1, argv + 1)) {
			command_help(stdout, cmd);
			return EXIT_OK;
		}
		return cmd->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "feedwatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
