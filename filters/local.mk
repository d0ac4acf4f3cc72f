# filters/: text normalisation per script, the term automaton and its
# inflection tables, watchlists and scoring.  Depends on common/, conf/
# and the parsed item of feeds/parse.h; never on the network or the loop,
# so its tests (tests/local.mk) run it in isolation.
noinst_LIBRARIES += filters/libfwfilters.a
filters_libfwfilters_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
filters_libfwfilters_a_SOURCES = \
	filters/normalize.c filters/normalize.h \
	filters/normhash.c filters/normhash.h \
	filters/automaton.c filters/automaton.h \
	filters/dict.c filters/dict.h \
	filters/inflect.c filters/inflect.h \
	filters/watchlist.c filters/watchlist.h filters/wl_priv.h \
	filters/score.c
