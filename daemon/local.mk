# daemon/: feedwatchd — the pipeline that joins fetching, scoring, the
# store and the outbox on one event loop, and the process around it.
noinst_LIBRARIES += daemon/libfwdaemon.a
daemon_libfwdaemon_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_libfwdaemon_a_SOURCES = \
	daemon/alertdoc.c daemon/alertdoc.h \
	daemon/httpapi.c daemon/httpapi.h \
	daemon/notify.c daemon/notify.h \
	daemon/pipeline.c daemon/pipeline.h

sbin_PROGRAMS += daemon/feedwatchd
daemon_feedwatchd_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_feedwatchd_SOURCES = daemon/main.c
daemon_feedwatchd_LDADD = daemon/libfwdaemon.a $(FW_LIBS) $(DEP_LIBS)

check_PROGRAMS += tests/notify-t
TESTS += tests/notify-t
tests_notify_t_SOURCES = tests/notify-t.c
tests_notify_t_LDADD = $(TAP_LIBS) daemon/libfwdaemon.a common/libfwcommon.a

# Whole-program tests: real files, a real state.db, real kills.
TESTS += tests/daemon.sh tests/crash.sh tests/service.sh tests/stop.sh \
	tests/reload.sh
EXTRA_DIST += tests/daemon.sh tests/crash.sh tests/service.sh tests/stop.sh \
	tests/reload.sh

