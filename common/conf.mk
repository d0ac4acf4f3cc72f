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
