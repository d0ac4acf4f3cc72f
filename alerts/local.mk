# alerts/: alert identity and documents, the sending side of the outbox,
# and the sinks.  Depends on common/, store/, filters/ (story.c folds
# titles with the matcher's normalisation), libevent, libcurl, jansson.
noinst_LIBRARIES += alerts/libfwalerts.a
FW_LIBS += alerts/libfwalerts.a
alerts_libfwalerts_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
alerts_libfwalerts_a_SOURCES = \
	alerts/outbox.c alerts/outbox.h \
	alerts/sink.c alerts/sink.h alerts/sink_priv.h alerts/sink_file.c \
	alerts/sink_exec.c alerts/sink_mime.c alerts/sink_smtp.c alerts/sink_text.c \
	alerts/sink_webhook.c \
	alerts/story.c alerts/story.h

check_PROGRAMS += tests/story-t tests/outbox-t
TESTS += tests/story-t tests/outbox-t
tests_story_t_SOURCES = tests/story-t.c
tests_story_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a \
	filters/libfwfilters.a common/libfwcommon.a $(LIBCURL_LIBS) \
	$(UTF8PROC_LIBS)
tests_outbox_t_SOURCES = tests/outbox-t.c
tests_outbox_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_outbox_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a \
	store/libfwstore.a conf/libfwconf.a common/libfwcommon.a $(DEP_LIBS)

# The sinks against real servers: tests/hookd (webhook receiver) and
# tests/smtpd (SMTP responder) on 127.0.0.1.
check_PROGRAMS += tests/hookd tests/smtpd tests/sinks-t tests/deliver-t
TESTS += tests/sinks-t tests/deliver-t tests/sinks.sh
EXTRA_DIST += tests/exec-record.sh tests/sinks.sh
tests_hookd_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_hookd_SOURCES = tests/hookd.c
tests_hookd_LDADD = $(LIBEVENT_LIBS) $(JANSSON_LIBS)
tests_smtpd_SOURCES = tests/smtpd.c
tests_sinks_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_sinks_t_SOURCES = tests/sinks-t.c tests/sinks-server.c \
	tests/sinks-server.h
tests_sinks_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a \
	store/libfwstore.a conf/libfwconf.a common/libfwcommon.a $(DEP_LIBS)
tests_deliver_t_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
tests_deliver_t_SOURCES = tests/deliver-t.c tests/sinks-server.c \
	tests/sinks-server.h
tests_deliver_t_LDADD = $(TAP_LIBS) alerts/libfwalerts.a \
	store/libfwstore.a conf/libfwconf.a common/libfwcommon.a $(DEP_LIBS)

# The delivery benchmark: 10,000 alerts through a webhook to tests/hookd.
EXTRA_PROGRAMS += bench/deliver-bench
BENCH_PROGS += bench/deliver-bench tests/hookd
BENCH_RUN += bench/deliver.sh
EXTRA_DIST += bench/deliver.sh
bench_deliver_bench_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
bench_deliver_bench_SOURCES = bench/deliver-bench.c
bench_deliver_bench_LDADD = alerts/libfwalerts.a \
	store/libfwstore.a conf/libfwconf.a common/libfwcommon.a $(DEP_LIBS)
