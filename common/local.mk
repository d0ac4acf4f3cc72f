# common/: what every module shares (logging, allocation, buffers, strings,
# UTF-8, hashing, time, the one curl driver on the loop and the loop's
# event priorities).  Depends on nothing of ours.
noinst_LIBRARIES += common/libfwcommon.a
common_libfwcommon_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
common_libfwcommon_a_SOURCES = \
	common/buf.c common/buf.h \
	common/curlev.c common/curlev.h \
	common/hash.c common/hash.h \
	common/idset.c common/idset.h \
	common/jsonw.c common/jsonw.h \
	common/log.c common/log.h \
	common/prio.h \
	common/redact.c common/redact.h \
	common/str.c common/str.h \
	common/timeutil.c common/timeutil.h \
	common/utf8.c common/utf8.h \
	common/xmalloc.c common/xmalloc.h
