# examples/: the demo's config and feeds.  `make install` puts the example
# feeds under $(pkgdatadir)/examples/feeds and the example config, with its
# paths made absolute for an installed daemon, under
# $(sysconfdir)/feedwatch: always as feedwatch.conf.example, and as
# feedwatch.conf only where there is none (an edited config is never
# overwritten; uninstall removes it only while it is still the example).
examplefeedsdir = $(pkgdatadir)/examples/feeds
dist_examplefeeds_DATA = examples/feeds/world-wire.xml \
	examples/feeds/eastern-desk.xml
EXTRA_DIST += examples/feedwatch.conf examples/README
CLEANFILES += examples/feedwatch.conf.installed

examples/feedwatch.conf.installed: examples/feedwatch.conf Makefile
	$(AM_V_GEN)$(MKDIR_P) examples && \
	$(SED) -e 's|^state-dir = .*|state-dir = $(localstatedir)/lib/feedwatch|' \
	    -e 's|^url = file:feeds/|url = file://$(examplefeedsdir)/|' \
	    -e 's|^path = .*/alerts\.jsonl|path = $(localstatedir)/lib/feedwatch/alerts.jsonl|' \
	    $(srcdir)/examples/feedwatch.conf > $@.tmp && mv $@.tmp $@

all-local: examples/feedwatch.conf.installed

install-data-local: examples/feedwatch.conf.installed
	$(MKDIR_P) "$(DESTDIR)$(sysconfdir)/feedwatch"
	$(INSTALL_DATA) examples/feedwatch.conf.installed \
	    "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf.example"
	@if test -f "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"; then \
		echo "keeping the existing $(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"; \
	else \
		echo " $(INSTALL_DATA) feedwatch.conf"; \
		$(INSTALL_DATA) examples/feedwatch.conf.installed \
		    "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"; \
	fi

uninstall-local:
	-cmp -s "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf" \
	    "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf.example" && \
	    rm -f "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf"
	rm -f "$(DESTDIR)$(sysconfdir)/feedwatch/feedwatch.conf.example"
