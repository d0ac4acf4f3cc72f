# filters/: text normalisation, the term automaton, watchlists and scoring
# (issue 4).  Declares filters/libfwfilters.a and FW_LIBS += it.
