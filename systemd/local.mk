# systemd/: the unit file, with paths filled in at build time and installed
# into systemd's unit directory (--with-systemdsystemunitdir=no skips it).
if HAVE_SYSTEMDUNITDIR
systemdsystemunit_DATA = systemd/feedwatchd.service
endif
CLEANFILES += systemd/feedwatchd.service
EXTRA_DIST += systemd/feedwatchd.service.in

systemd/feedwatchd.service: systemd/feedwatchd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	if test "$(localstatedir)" = /var; then binds=; else \
	    binds='BindPaths=%S/feedwatch:$(localstatedir)/lib/feedwatch %L/feedwatch:$(localstatedir)/log/feedwatch'; \
	fi && \
	$(FW_PATHS_SED) -e "s|@FW_UNIT_BINDS[@]|$$binds|" \
	    $(srcdir)/systemd/feedwatchd.service.in > $@.tmp && mv $@.tmp $@
