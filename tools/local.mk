# tools/: the `feedwatch` command, one file per subcommand.  check prepares
# the daemon's pipeline (daemon/pipeline.c), the same code a reload runs,
# so it links the whole tree.
bin_PROGRAMS += tools/feedwatch
tools_feedwatch_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tools_feedwatch_SOURCES = tools/feedwatch.c tools/commands.h \
	tools/cmd_article.c tools/cmd_check.c tools/cmd_parse.c tools/cmd_score.c \
	tools/cmd_send_test.c tools/cmd_status.c tools/cmd_opml.c \
	tools/cmd_replay.c tools/cmd_alerts.c tools/cmd_silence.c
tools_feedwatch_LDADD = $(FW_LDADD)
