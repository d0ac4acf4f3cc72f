# alerts/: alert identity and documents, the sending side of the outbox,
# and the sinks.  Depends on common/, conf/, store/, filters/ (story.c
# folds titles with the matcher's normalisation), libevent, libcurl,
# jansson.  Its tests are in tests/local.mk, its benchmark in bench/.
noinst_LIBRARIES += alerts/libfwalerts.a
alerts_libfwalerts_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
alerts_libfwalerts_a_SOURCES = \
	alerts/outbox.c alerts/outbox.h alerts/quiet.c alerts/quiet.h \
	alerts/sink.c alerts/sink.h alerts/sink_priv.h alerts/sink_file.c \
	alerts/sink_exec.c alerts/sink_mime.c alerts/sink_smtp.c alerts/sink_text.c \
	alerts/sink_webhook.c alerts/sink_xfer.c alerts/sink_http.c \
	alerts/sink_chat.c alerts/sink_telegram.c alerts/sink_matrix.c \
	alerts/sink_pagerduty.c alerts/sink_pushover.c alerts/sink_gotify.c \
	alerts/story.c alerts/story.h alerts/sink_nats.c alerts/alertbus.c \
	alerts/alertbus.h
