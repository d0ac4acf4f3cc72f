# conf/: the config loader (issues 4 and 11).  Reading and sections
# (conf.c), the key table with every default and range (conf_keys.c),
# the handler of each key type (conf_set.c),
# values: lexer, secrets, URLs, word splitting (conf_value.c), name
# indexes and references (conf_ref.c), the require parser (conf_expr.c)
# and the advice that `feedwatch check` prints (conf_warn.c).  Sits
# above common/ and below every module that reads a config.
noinst_LIBRARIES += conf/libfwconf.a
FW_LIBS += conf/libfwconf.a
conf_libfwconf_a_SOURCES = conf/conf.c conf/conf.h conf/conf_priv.h \
	conf/conf_expr.c conf/conf_keys.c conf/conf_ref.c conf/conf_set.c \
	conf/conf_value.c conf/conf_warn.c

check_PROGRAMS += tests/conf-t
TESTS += tests/conf-t tests/check.sh
tests_conf_t_SOURCES = tests/conf-t.c
tests_conf_t_LDADD = $(TAP_LIBS) conf/libfwconf.a common/libfwcommon.a
EXTRA_DIST += tests/check.sh tests/conf

# The loader's fuzz target (make fuzz in a CC=clang --enable-fuzzing tree).
EXTRA_PROGRAMS += fuzz/fuzz-conf
FUZZ_TARGETS += fuzz/fuzz-conf
fuzz_fuzz_conf_SOURCES = fuzz/conf.c
fuzz_fuzz_conf_LDADD = conf/libfwconf.a common/libfwcommon.a
fuzz_fuzz_conf_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
EXTRA_DIST += fuzz/conf.dict fuzz/corpus/conf
