# daemon/: feedwatchd — the pipeline that joins fetching, scoring, the
# store and the outbox on one event loop, and the process around it.
noinst_LIBRARIES += daemon/libfwdaemon.a
daemon_libfwdaemon_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_libfwdaemon_a_SOURCES = \
	daemon/alertdoc.c daemon/alertdoc.h \
	daemon/cluster.c daemon/cluster.h \
	daemon/clstory.c daemon/clstory.h \
	daemon/artwait.c daemon/artwait.h \
	daemon/httpapi.c daemon/httpapi.h \
	daemon/httpserv.c daemon/httpserv.h \
	daemon/httppage.c daemon/httppage.h daemon/httpatom.c \
	daemon/notify.c daemon/notify.h \
	daemon/surge.c daemon/surge.h \
	daemon/pipeline.c daemon/pipeline.h daemon/pipeline_int.h \
	daemon/pipeline_get.c daemon/pipeline_item.c

sbin_PROGRAMS += daemon/feedwatchd
daemon_feedwatchd_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
daemon_feedwatchd_SOURCES = daemon/main.c
daemon_feedwatchd_LDADD = $(FW_LDADD)

# The alerts page, compiled in: daemon/page.html as a C array.
nodist_daemon_libfwdaemon_a_SOURCES = daemon/page-html.c
daemon/page-html.c: $(top_srcdir)/daemon/page.html $(top_srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) daemon && \
	$(SHELL) $(top_srcdir)/build-aux/embed.sh httppage_html \
	    daemon/httppage.h < $(top_srcdir)/daemon/page.html > $@.tmp && \
	mv $@.tmp $@
CLEANFILES += daemon/page-html.c
EXTRA_DIST += daemon/page.html build-aux/embed.sh
