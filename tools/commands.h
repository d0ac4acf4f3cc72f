/*
 * The subcommands of the `feedwatch` tool, one file each (cmd_NAME.c).
 * Each takes the arguments after its own name (argv[0] is the subcommand)
 * and returns the process exit status.
 */
#ifndef FW_TOOLS_COMMANDS_H
#define FW_TOOLS_COMMANDS_H

#include <stdint.h>
#include <time.h>

/* Exit statuses shared by every subcommand (SPEC: "Exit status"). */
#define EXIT_OK 0
#define EXIT_BAD 1   /* the input or the config is bad; message on stderr */
#define EXIT_USAGE 2 /* the command line is wrong */

int cmd_article(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_send_test(int argc, char **argv);
int cmd_opml(int argc, char **argv);

/*
 * Each command's options for `feedwatch CMD --help`, defined in its
 * cmd_NAME.c beside its getopt table: one "  -x, --long ARG  what" line
 * each, as feedwatch(1) lists them (tests/help.sh compares the two).
 */
extern const char cmd_parse_options[];
extern const char cmd_score_options[];
extern const char cmd_check_options[];
extern const char cmd_status_options[];
extern const char cmd_send_test_options[];
extern const char cmd_opml_options[];
extern const char cmd_replay_options[];
extern const char cmd_alerts_options[];
extern const char cmd_article_options[];
int cmd_replay(int argc, char **argv);
int cmd_alerts(int argc, char **argv);

/* The command line of replay and alerts: -c CONF, --since, --watchlist,
 * --json, and --all when all_allowed.  Set since (and all_allowed)
 * before; returns EXIT_OK, or the status to exit with after saying why. */
struct tool_state_args {
	const char *conf;
	const char *watchlist; /* NULL: all */
	int json, all, all_allowed;
	int64_t since; /* unix seconds */
};
int tool_state_args(
    int argc, char **argv, const char *cmd, struct tool_state_args *a);

/* --since of replay and alerts: a duration back from now ("7d", "36h")
 * or an RFC 3339 time, as unix seconds; -1 when it is neither. */
int tool_parse_since(const char *s, time_t now, int64_t *out);
int cmd_silence(int argc, char **argv);
extern const char cmd_silence_options[];

/* Print "usage: feedwatch ..." for one subcommand to stderr; returns
 * EXIT_USAGE. */
int command_usage(const char *name);

#endif
