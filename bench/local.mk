# bench/: benchmarks, run by `make bench`; figures go to bench/RESULTS.md.
# A benchmark adds its programs to BENCH_PROGS and EXTRA_PROGRAMS (built
# only for `make bench`) and its driver script to BENCH_RUN.
BENCH_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += bench/RESULTS.md bench/gen-bigconf.py bench/store-steady.py

# The parser: bench/parse-gen's 50 MB feed against bare expat and sfeed.
EXTRA_PROGRAMS += bench/parse-gen bench/parse-bench
BENCH_PROGS += bench/parse-gen bench/parse-bench
BENCH_RUN += bench/parse.sh
bench_parse_gen_SOURCES = bench/parse-gen.c
bench_parse_bench_CFLAGS = $(BENCH_CFLAGS)
bench_parse_bench_SOURCES = bench/parse-bench.c
bench_parse_bench_LDADD = $(FW_LDADD)
EXTRA_DIST += bench/parse.sh
CLEANFILES += bench/parse-feed-*.xml

# Matching: generator, feedwatch + strcasestr program, and bench/match.sh,
# which also builds the Hyperscan reference.  Not built: Hunspell as the
# oracle of filters/inflect.c (bench/RESULTS.md says how to run it).
EXTRA_PROGRAMS += bench/match-gen bench/match-bench
BENCH_PROGS += bench/match-gen bench/match-bench
BENCH_RUN += bench/match.sh
bench_match_gen_SOURCES = bench/match-gen.c
bench_match_gen_LDADD = -lm
bench_match_bench_CFLAGS = $(BENCH_CFLAGS)
bench_match_bench_SOURCES = bench/match-bench.c bench/match-data.c \
	bench/match-data.h
bench_match_bench_LDADD = $(FW_LDADD)
EXTRA_DIST += bench/match.sh bench/match-hs.c bench/inflect-oracle.c
CLEANFILES += bench/match-hs

# Polling: nginx on 127.0.1.x serving generated feeds.
EXTRA_PROGRAMS += bench/poll-bench
BENCH_PROGS += bench/poll-bench
BENCH_RUN += bench/poll-run.sh
bench_poll_bench_CFLAGS = $(BENCH_CFLAGS)
bench_poll_bench_SOURCES = bench/poll-bench.c
bench_poll_bench_LDADD = $(FW_LDADD)
EXTRA_DIST += bench/poll-run.sh bench/poll-nginx.conf

# Delivery: 10,000 alerts through a webhook to tests/hookd.
EXTRA_PROGRAMS += bench/deliver-bench
BENCH_PROGS += bench/deliver-bench tests/hookd tests/apid
BENCH_RUN += bench/deliver.sh
bench_deliver_bench_CFLAGS = $(BENCH_CFLAGS)
bench_deliver_bench_SOURCES = bench/deliver-bench.c
bench_deliver_bench_LDADD = $(FW_LDADD)
EXTRA_DIST += bench/deliver.sh

# End to end: feedwatchd --once over 1,000 feeds served by nginx.
BENCH_RUN += bench/e2e.sh
EXTRA_DIST += bench/e2e.sh bench/e2e.py bench/nginx.sh

# Replay: feedwatchd stores 100,000 items, feedwatch replay scores them again.
BENCH_RUN += bench/replay.sh
EXTRA_DIST += bench/replay.sh
# Articles: extraction speed and memory on news-shaped pages
# (bench/article-bench), and the delay articles add from item to alert
# with nginx serving the pages (bench/article.sh).
EXTRA_PROGRAMS += bench/article-bench
BENCH_PROGS += bench/article-bench
BENCH_RUN += bench/article.sh
bench_article_bench_CFLAGS = $(BENCH_CFLAGS)
bench_article_bench_SOURCES = bench/article-bench.c
bench_article_bench_LDADD = $(FW_LDADD)
EXTRA_DIST += bench/article.sh bench/article.py

# Config memory: peak RSS of `feedwatch check` per byte of a generated
# 37 MB config (issue 13's goal: <= 4 x the file).
BENCH_RUN += bench/confmem.sh
EXTRA_DIST += bench/confmem.sh

# The cluster (issue 21): overhead per poll and per new item against one
# node, hand-over after kill -9, on a real nats-server (bench/cluster.sh).
BENCH_RUN += bench/cluster.sh
EXTRA_DIST += bench/cluster.sh
