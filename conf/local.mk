# conf/: the config loader.  Reading and sections (conf.c), the key table
# with every default and range (conf_keys.c), the handler of each key type
# (conf_set.c), values: lexer, secrets, URLs, word splitting
# (conf_value.c), name indexes and references (conf_ref.c), the require
# parser (conf_expr.c) and the advice that `feedwatch check` prints
# (conf_warn.c).  Sits above common/ and below every module that reads a
# config.
noinst_LIBRARIES += conf/libfwconf.a
# libxml2 compiles article-xpath at load, so a bad one is a file:line error.
conf_libfwconf_a_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS)
conf_libfwconf_a_SOURCES = conf/conf.c conf/conf.h conf/conf_priv.h \
	conf/conf_expr.c conf/conf_keys.c conf/conf_ref.c conf/conf_set.c \
	conf/conf_value.c conf/conf_warn.c \
	conf/conf_fetch.c conf/conf_quiet.c conf/conf_cluster.c
