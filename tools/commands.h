/*
 * The subcommands of the `feedwatch` tool, one file each (cmd_NAME.c).
 * Each takes the arguments after its own name (argv[0] is the subcommand)
 * and returns the process exit status.
 */
#ifndef FW_TOOLS_COMMANDS_H
#define FW_TOOLS_COMMANDS_H

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

/* Print "usage: feedwatch ..." for one subcommand to stderr; returns
 * EXIT_USAGE. */
int command_usage(const char *name);

#endif
