# alerts/: alert identity and documents, the sending side of the outbox,
# and the sinks.  Depends on common/, filters/ and libcurl.
noinst_LIBRARIES += alerts/libfwalerts.a
FW_LIBS += alerts/libfwalerts.a
alerts_libfwalerts_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
alerts_libfwalerts_a_SOURCES = alerts/story.c alerts/story.h

check_PROGRAMS += tests/story-t
TESTS += tests/story-t
tests_story_t_SOURCES = tests/story-t.c
tests_story_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a common/libfwcommon.a \
	$(LIBCURL_LIBS)
