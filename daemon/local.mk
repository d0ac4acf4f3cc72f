# daemon/: feedwatchd, the event loop and its wiring.
sbin_PROGRAMS += daemon/feedwatchd
daemon_feedwatchd_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_feedwatchd_SOURCES = daemon/main.c
daemon_feedwatchd_LDADD = $(FW_LIBS) $(DEP_LIBS)
