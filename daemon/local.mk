# daemon/: feedwatchd — the pipeline that joins fetching, scoring, the
# store and the outbox on one event loop, and the process around it.
noinst_LIBRARIES += daemon/libfwdaemon.a
daemon_libfwdaemon_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_libfwdaemon_a_SOURCES = \
	daemon/alertdoc.c daemon/alertdoc.h \
	daemon/artwait.c daemon/artwait.h \
	daemon/httpapi.c daemon/httpapi.h \
	daemon/notify.c daemon/notify.h \
	daemon/pipeline.c daemon/pipeline.h

sbin_PROGRAMS += daemon/feedwatchd
daemon_feedwatchd_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_feedwatchd_SOURCES = daemon/main.c
daemon_feedwatchd_LDADD = $(FW_LDADD)
