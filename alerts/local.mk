# alerts/: alert identity and documents, the sending side of the outbox,
# and the sinks.  Depends on common/, store/, libevent, libcurl, jansson.
noinst_LIBRARIES += alerts/libfwalerts.a
FW_LIBS += alerts/libfwalerts.a
alerts_libfwalerts_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
alerts_libfwalerts_a_SOURCES = \
	alerts/outbox.c alerts/outbox.h \
	alerts/sink.c alerts/sink.h alerts/sink_priv.h alerts/sink_file.c \
	alerts/story.c alerts/story.h

check_PROGRAMS += tests/story-t tests/outbox-t
TESTS += tests/story-t tests/outbox-t
tests_story_t_SOURCES = tests/story-t.c
tests_story_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a common/libfwcommon.a \
	$(LIBCURL_LIBS)
tests_outbox_t_SOURCES = tests/outbox-t.c
tests_outbox_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_outbox_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a store/libfwstore.a \
	common/libfwcommon.a $(DEP_LIBS)
