# systemd/: the unit file, with paths filled in at build time and installed
# into systemd's unit directory (--with-systemdsystemunitdir=no skips it).
if HAVE_SYSTEMDUNITDIR
systemdsystemunit_DATA = systemd/feedwatchd.service
endif
CLEANFILES += systemd/feedwatchd.service
EXTRA_DIST += systemd/feedwatchd.service.in

systemd/feedwatchd.service: systemd/feedwatchd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' \
	    $(srcdir)/systemd/feedwatchd.service.in > $@.tmp && mv $@.tmp $@
