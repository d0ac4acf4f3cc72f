# examples/: the starter config and the demo.  `make install` puts the
# starter config (examples/starter.conf: commented, no feed enabled, one
# example watchlist, a log sink) in $(sysconfdir)/feedwatch/feedwatch.conf
# only where there is none (an edited config is never overwritten;
# uninstall removes it only while it is still the starter), and a copy as
# feedwatch.conf.starter.  The demo (examples/feedwatch.conf, with its paths
# made absolute for an installed daemon) goes to $(docdir)/examples, its
# feeds to $(pkgdatadir)/examples/feeds.
examplefeedsdir = $(pkgdatadir)/examples/feeds
dist_examplefeeds_DATA = examples/feeds/world-wire.xml \
	examples/feeds/eastern-desk.xml
EXTRA_DIST += examples/feedwatch.conf examples/README examples/starter.conf
CLEANFILES += examples/feedwatch.conf.installed \
	examples/starter.conf.installed

examples/feedwatch.conf.installed: examples/feedwatch.conf Makefile
	$(AM_V_GEN)$(MKDIR_P) examples && \
	$(SED) -e 's|^state-dir = .*|state-dir = $(localstatedir)/lib/feedwatch|' \
	    -e 's|^url = file:feeds/|url = file://$(examplefeedsdir)/|' \
	    -e 's|^path = .*/alerts\.jsonl|path = $(localstatedir)/log/feedwatch/alerts.jsonl|' \
	    $(srcdir)/examples/feedwatch.conf > $@.tmp && mv $@.tmp $@

examples/starter.conf.installed: examples/starter.conf Makefile
	$(AM_V_GEN)$(MKDIR_P) examples && \
	$(FW_PATHS_SED) $(srcdir)/examples/starter.conf > $@.tmp && mv $@.tmp $@

all-local: examples/feedwatch.conf.installed examples/starter.conf.installed

install-data-local: examples/starter.conf.installed \
    examples/feedwatch.conf.installed
	$(MKDIR_P) "$(DESTDIR)$(docdir)/examples"
	$(INSTALL_DATA) examples/feedwatch.conf.installed \
	    "$(DESTDIR)$(docdir)/examples/feedwatch.conf"
	$(MKDIR_P) "$(DESTDIR)$(sysconfdir)/feedwatch"
	$(INSTALL_DATA) examples/starter.conf.installed \
	    "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf.starter"
	@if test -f "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"; then \
		echo "keeping the existing $(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"; \
	else \
		echo " $(INSTALL_DATA) feedwatch.conf"; \
		$(INSTALL_DATA) examples/starter.conf.installed \
		    "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"; \
	fi

uninstall-local:
	-cmp -s "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf" \
	    "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf.starter" && \
	    rm -f "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"
	rm -f "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf.starter" \
	    "$(DESTDIR)$(docdir)/examples/feedwatch.conf"
