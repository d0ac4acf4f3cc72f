# tools/: the `feedwatch` command, one file per subcommand.
bin_PROGRAMS += tools/feedwatch
tools_feedwatch_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tools_feedwatch_SOURCES = tools/feedwatch.c tools/commands.h \
	tools/cmd_check.c tools/cmd_parse.c tools/cmd_score.c \
	tools/cmd_send_test.c tools/cmd_status.c
# check prepares the daemon's pipeline (daemon/pipeline.c), the same code
# a reload runs.
tools_feedwatch_LDADD = daemon/libfwdaemon.a $(FW_LIBS) $(DEP_LIBS)
