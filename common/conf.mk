# common/conf*: the config loader (issue 4): the reader and its key table
# (conf.c), the require parser (conf_expr.c), the advice that `feedwatch
# check` prints (conf_warn.c), and their tests and fixtures.
common_libfwcommon_a_SOURCES += common/conf.c common/conf.h \
	common/conf_expr.c common/conf_priv.h common/conf_warn.c

check_PROGRAMS += tests/conf-t
TESTS += tests/conf-t tests/check.sh
tests_conf_t_SOURCES = tests/conf-t.c
tests_conf_t_LDADD = $(TAP_LIBS) common/libfwcommon.a
EXTRA_DIST += tests/check.sh tests/conf

# The loader's fuzz target (make fuzz in a CC=clang --enable-fuzzing tree).
EXTRA_PROGRAMS += fuzz/fuzz-conf
FUZZ_TARGETS += fuzz/fuzz-conf
fuzz_fuzz_conf_SOURCES = fuzz/conf.c
fuzz_fuzz_conf_LDADD = common/libfwcommon.a
fuzz_fuzz_conf_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
EXTRA_DIST += fuzz/conf.dict fuzz/corpus/conf
