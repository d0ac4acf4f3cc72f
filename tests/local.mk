# tests/: the TAP harness and the tests of the support code.  Each module's
# fragment adds its own tests (check_PROGRAMS, TESTS) next to its sources.
check_LIBRARIES += tests/libtap.a
tests_libtap_a_SOURCES = tests/tap.c tests/tap.h
TAP_LIBS = tests/libtap.a

check_PROGRAMS += tests/common-t
TESTS += tests/common-t tests/cli.sh
tests_common_t_SOURCES = tests/common-t.c
tests_common_t_LDADD = $(TAP_LIBS) common/libfwcommon.a -lm
EXTRA_DIST += tests/cli.sh tests/lib.sh
