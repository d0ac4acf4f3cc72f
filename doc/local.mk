# doc/: the man pages.  The sources name the packager's paths (/etc,
# /var); the installed pages are the same text with configure's
# sysconfdir, localstatedir and docdir (FW_PATHS_SED in Makefile.am).
FW_MAN_SRC = doc/feedwatch.1 doc/feedwatchd.8 doc/feedwatch.conf.5
man_MANS = doc/inst/feedwatch.1 doc/inst/feedwatchd.8 doc/inst/feedwatch.conf.5
EXTRA_DIST += $(FW_MAN_SRC)
CLEANFILES += $(man_MANS)

doc/inst/feedwatch.1: doc/feedwatch.1 Makefile
	$(AM_V_GEN)$(MKDIR_P) doc/inst && \
	$(FW_PATHS_SED) $(srcdir)/doc/feedwatch.1 > $@.tmp && mv $@.tmp $@
doc/inst/feedwatchd.8: doc/feedwatchd.8 Makefile
	$(AM_V_GEN)$(MKDIR_P) doc/inst && \
	$(FW_PATHS_SED) $(srcdir)/doc/feedwatchd.8 > $@.tmp && mv $@.tmp $@
doc/inst/feedwatch.conf.5: doc/feedwatch.conf.5 Makefile
	$(AM_V_GEN)$(MKDIR_P) doc/inst && \
	$(FW_PATHS_SED) $(srcdir)/doc/feedwatch.conf.5 > $@.tmp && mv $@.tmp $@
# The alerts page as README.md shows it (tests/page.sh takes it anew with
# PAGE_SCREENSHOT=doc/alerts-page.png).
EXTRA_DIST += doc/alerts-page.png
# How one node and a cluster scale, and what each failure costs.
EXTRA_DIST += doc/scaling.md
