# fuzz/: libFuzzer targets, built by `make fuzz` in a tree configured with
# CC=clang --enable-fuzzing.  A target adds itself to FUZZ_TARGETS and
# EXTRA_PROGRAMS, links with $(FUZZ_LDFLAGS), and keeps its seed corpus in
# fuzz/corpus/NAME/ (NAME without "fuzz-").
FUZZ_CFLAGS_ALL = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += fuzz/run.sh

# The feed parser on arbitrary bytes.
EXTRA_PROGRAMS += fuzz/fuzz-parse
FUZZ_TARGETS += fuzz/fuzz-parse
fuzz_fuzz_parse_CFLAGS = $(FUZZ_CFLAGS_ALL)
fuzz_fuzz_parse_SOURCES = fuzz/parse.c
fuzz_fuzz_parse_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz_fuzz_parse_LDADD = $(FW_LDADD)
EXTRA_DIST += fuzz/parse.dict fuzz/corpus/parse

# The config loader (includes and @file refused).
EXTRA_PROGRAMS += fuzz/fuzz-conf
FUZZ_TARGETS += fuzz/fuzz-conf
fuzz_fuzz_conf_SOURCES = fuzz/conf.c
fuzz_fuzz_conf_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz_fuzz_conf_LDADD = $(FW_LDADD)
EXTRA_DIST += fuzz/conf.dict fuzz/corpus/conf

# Normalisation and matching, every script, on arbitrary bytes.
EXTRA_PROGRAMS += fuzz/fuzz-match
FUZZ_TARGETS += fuzz/fuzz-match
fuzz_fuzz_match_CFLAGS = $(FUZZ_CFLAGS_ALL)
fuzz_fuzz_match_SOURCES = fuzz/match.c
fuzz_fuzz_match_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz_fuzz_match_LDADD = $(FW_LDADD)
EXTRA_DIST += fuzz/corpus/match/seed-1 fuzz/corpus/match/seed-2 \
	fuzz/corpus/match/seed-3 fuzz/corpus/match/seed-4 \
	fuzz/corpus/match/seed-5 fuzz/corpus/match/seed-6

# The status API's request parsing and answering, pipelined.
EXTRA_PROGRAMS += fuzz/fuzz-httpreq
FUZZ_TARGETS += fuzz/fuzz-httpreq
fuzz_fuzz_httpreq_CFLAGS = $(FUZZ_CFLAGS_ALL)
fuzz_fuzz_httpreq_SOURCES = fuzz/httpreq.c
fuzz_fuzz_httpreq_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz_fuzz_httpreq_LDADD = $(FW_LDADD)
EXTRA_DIST += fuzz/corpus/httpreq/seed-1 fuzz/corpus/httpreq/seed-2 \
	fuzz/corpus/httpreq/seed-3 fuzz/corpus/httpreq/seed-4
# The article extractor on arbitrary pages (charset, chunking and XPath
# from the first byte).
EXTRA_PROGRAMS += fuzz/fuzz-article
FUZZ_TARGETS += fuzz/fuzz-article
fuzz_fuzz_article_CFLAGS = $(FUZZ_CFLAGS_ALL)
fuzz_fuzz_article_SOURCES = fuzz/article.c
fuzz_fuzz_article_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
fuzz_fuzz_article_LDADD = $(FW_LDADD)
EXTRA_DIST += fuzz/corpus/article
