# feeds/ fetching and scheduling (issue 5): libcurl multi-socket on the
# libevent loop, and the poll scheduler.  Included before feeds/parse.mk so
# that libfwfetch.a comes before the parser it feeds in FW_LIBS.
noinst_LIBRARIES += feeds/libfwfetch.a
FW_LIBS += feeds/libfwfetch.a
feeds_libfwfetch_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
feeds_libfwfetch_a_SOURCES = \
	feeds/fetch.c feeds/fetch.h \
	feeds/sched.c feeds/sched.h

# The test HTTP server (evhttp on 127.0.0.1, kernel-picked port); zlib
# makes its gzip and deflate bodies (libcurl links it already).
check_PROGRAMS += tests/httpd
tests_httpd_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_httpd_SOURCES = tests/httpd.c
tests_httpd_LDADD = common/libfwcommon.a $(LIBEVENT_LIBS) -lz
