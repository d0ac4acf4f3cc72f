# filters/: text normalisation, the term automaton, watchlists and scoring
# (issue 4).  Declares filters/libfwfilters.a and FW_LIBS += it.
noinst_LIBRARIES += filters/libfwfilters.a
FW_LIBS += filters/libfwfilters.a
filters_libfwfilters_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
filters_libfwfilters_a_SOURCES = \
	filters/normalize.c filters/normalize.h \
	filters/automaton.c filters/automaton.h \
	filters/dict.c filters/dict.h \
	filters/inflect.c filters/inflect.h \
	filters/watchlist.c filters/watchlist.h filters/wl_priv.h \
	filters/score.c

FILTERS_TEST_LIBS = $(TAP_LIBS) filters/libfwfilters.a conf/libfwconf.a common/libfwcommon.a \
	$(DEP_LIBS)

check_PROGRAMS += tests/normalize-t tests/match-t
TESTS += tests/normalize-t tests/match-t
tests_normalize_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_normalize_t_SOURCES = tests/normalize-t.c
tests_normalize_t_LDADD = $(FILTERS_TEST_LIBS)
tests_match_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_match_t_SOURCES = tests/match-t.c
tests_match_t_LDADD = $(FILTERS_TEST_LIBS)

check_PROGRAMS += tests/score-t
TESTS += tests/score-t
tests_score_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_score_t_SOURCES = tests/score-t.c
tests_score_t_LDADD = $(FILTERS_TEST_LIBS)

# The example config and feeds are distributed and installed by
# examples/local.mk.

# libFuzzer: normalisation and matching on arbitrary bytes (make fuzz).
EXTRA_PROGRAMS += fuzz/fuzz-match
FUZZ_TARGETS += fuzz/fuzz-match
fuzz_fuzz_match_SOURCES = fuzz/match.c
fuzz_fuzz_match_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
fuzz_fuzz_match_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz_fuzz_match_LDADD = filters/libfwfilters.a conf/libfwconf.a common/libfwcommon.a \
	$(DEP_LIBS)
EXTRA_DIST += fuzz/corpus/match/seed-1 fuzz/corpus/match/seed-2 \
	fuzz/corpus/match/seed-3 fuzz/corpus/match/seed-4 \
	fuzz/corpus/match/seed-5 fuzz/corpus/match/seed-6
# Not built: Hunspell as the oracle of filters/inflect.c (bench/RESULTS.md).
EXTRA_DIST += bench/inflect-oracle.c

# The matching benchmark (make bench): generator, feedwatch + strcasestr
# program, and bench/match.sh, which also builds the Hyperscan reference.
EXTRA_PROGRAMS += bench/match-gen bench/match-bench
BENCH_PROGS += bench/match-gen bench/match-bench
BENCH_RUN += bench/match.sh
bench_match_gen_SOURCES = bench/match-gen.c
bench_match_gen_LDADD = -lm
bench_match_bench_SOURCES = bench/match-bench.c bench/match-data.c \
	bench/match-data.h
bench_match_bench_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
bench_match_bench_LDADD = filters/libfwfilters.a conf/libfwconf.a common/libfwcommon.a \
	$(DEP_LIBS)
EXTRA_DIST += bench/match.sh bench/match-hs.c
CLEANFILES += bench/match-hs

# `feedwatch score` on the example config and feeds, item by item, and on
# URLs served by tests/httpd.
TESTS += tests/score-example.sh tests/score-url.sh
EXTRA_DIST += tests/score-example.sh tests/score-url.sh
