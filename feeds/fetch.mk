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

# The fetcher's and the scheduler's tests drive tests/httpd over real HTTP.
FETCH_TEST_LIBS = $(TAP_LIBS) feeds/libfwfetch.a feeds/libfwparse.a \
	common/libfwcommon.a $(DEP_LIBS)
FETCH_TEST_SOURCES = tests/fetch-server.c tests/fetch-server.h
check_PROGRAMS += tests/fetch-t tests/sched-t
TESTS += tests/fetch-t tests/sched-t
tests_fetch_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_fetch_t_SOURCES = tests/fetch-t.c $(FETCH_TEST_SOURCES)
tests_fetch_t_LDADD = $(FETCH_TEST_LIBS)
tests_sched_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_sched_t_SOURCES = tests/sched-t.c $(FETCH_TEST_SOURCES)
tests_sched_t_LDADD = $(FETCH_TEST_LIBS)

# The polling benchmark: nginx on 127.0.1.x serving generated feeds.
EXTRA_PROGRAMS += bench/poll-bench
BENCH_PROGS += bench/poll-bench
BENCH_RUN += bench/poll-run.sh
bench_poll_bench_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
bench_poll_bench_SOURCES = bench/poll-bench.c
bench_poll_bench_LDADD = feeds/libfwfetch.a feeds/libfwparse.a \
	common/libfwcommon.a $(DEP_LIBS)
EXTRA_DIST += bench/poll-run.sh bench/poll-nginx.conf

# `feedwatch parse URL` goes through the same fetcher.
TESTS += tests/fetch-parse.sh
EXTRA_DIST += tests/fetch-parse.sh
