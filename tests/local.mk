# tests/: every test of the tree, by the module it tests.  C tests print
# TAP through tests/tap.h and link the whole tree ($(TEST_LDADD): a static
# archive adds only what a test uses); shell tests (tests/lib.sh) drive the
# real programs.  Test servers listen on 127.0.0.1 with a kernel-picked
# port and die with their test.
check_LIBRARIES += tests/libtap.a
tests_libtap_a_SOURCES = tests/tap.c tests/tap.h
TEST_LDADD = tests/libtap.a $(FW_LDADD)
TEST_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += tests/lib.sh

# The layout the README states, then common/: the support code, and the
# commands' shared behaviour.
check_PROGRAMS += tests/common-t
TESTS += tests/layout.sh tests/common-t tests/cli.sh
tests_common_t_SOURCES = tests/common-t.c
tests_common_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/layout.sh tests/cli.sh

# common/redact.c: credentials out of every URL that is shown.
check_PROGRAMS += tests/redact-t
TESTS += tests/redact-t
tests_redact_t_SOURCES = tests/redact-t.c
tests_redact_t_LDADD = $(TEST_LDADD)
# Per-feed fetch settings against a recording server and proxy; no
# secret in any output.
TESTS += tests/feed-settings.sh tests/health.sh tests/opml.sh
EXTRA_DIST += tests/feed-settings.sh tests/recorder.py tests/health.sh \
	tests/opml.sh tests/fixtures/reader-300.opml \
	tests/fixtures/make-reader-opml.py
# Help everywhere, from the command table, against the man pages.
TESTS += tests/help.sh
EXTRA_DIST += tests/help.sh

# conf/: 50-odd broken configs with their file:line messages, and check.
check_PROGRAMS += tests/conf-t
TESTS += tests/conf-t tests/check.sh tests/hostile.sh tests/api-guard.sh \
	tests/api-flood.sh tests/conf-memory.sh
tests_conf_t_SOURCES = tests/conf-t.c
tests_conf_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/check.sh tests/hostile.sh tests/api-guard.sh \
	tests/api-flood.sh tests/flood.py tests/conf tests/conf-memory.sh

# store/: the state file, and a schema-2 file of the previous release
# upgraded by feedwatchd.
check_PROGRAMS += tests/store-t
TESTS += tests/store-t tests/migrate.sh tests/migrate-links.sh
tests_store_t_SOURCES = tests/store-t.c
tests_store_t_LDADD = $(TEST_LDADD)
# Sharing the state: the lock, readers and a tool's writer beside the
# daemon, checkpoints off its thread.
check_PROGRAMS += tests/store-share-t tests/store-read-t
TESTS += tests/store-read-t
tests_store_read_t_SOURCES = tests/store-read-t.c
tests_store_read_t_LDADD = $(TEST_LDADD)
TESTS += tests/store-share-t tests/replay.sh
EXTRA_DIST += tests/replay.sh
tests_store_share_t_SOURCES = tests/store-share-t.c
tests_store_share_t_LDADD = $(TEST_LDADD)
# store/walvfs.c: the bytes plain SQLite writes, and kills after commit.
check_PROGRAMS += tests/walvfs-t
TESTS += tests/walvfs-t
tests_walvfs_t_SOURCES = tests/walvfs-t.c
tests_walvfs_t_CFLAGS = $(TEST_CFLAGS) $(SQLITE_CFLAGS)
tests_walvfs_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/migrate.sh tests/migrate-links.sh tests/fixtures/README \
	tests/fixtures/state-v2.sql tests/fixtures/make-state-v2.sh \
	tests/fixtures/v2-setup.sh

# feeds/ fetching: tests/httpd (evhttp; zlib makes its gzip and deflate
# bodies) over real HTTP, and `feedwatch parse URL` through the fetcher.
check_PROGRAMS += tests/httpd tests/fetch-t tests/sched-t
TESTS += tests/fetch-t tests/sched-t tests/fetch-parse.sh
tests_httpd_CFLAGS = $(TEST_CFLAGS)
tests_httpd_SOURCES = tests/httpd.c
tests_httpd_LDADD = $(FW_LDADD) -lz
FETCH_TEST_SOURCES = tests/fetch-server.c tests/fetch-server.h
tests_fetch_t_CFLAGS = $(TEST_CFLAGS)
tests_fetch_t_SOURCES = tests/fetch-t.c $(FETCH_TEST_SOURCES)
tests_fetch_t_LDADD = $(TEST_LDADD)
tests_sched_t_CFLAGS = $(TEST_CFLAGS)
tests_sched_t_SOURCES = tests/sched-t.c $(FETCH_TEST_SOURCES)
tests_sched_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/fetch-parse.sh

# feeds/ parsing: every fixture in tests/feeds against its expected JSON,
# whole and chunked, through the library and `feedwatch parse`; then the
# pieces.
check_PROGRAMS += tests/parse-t tests/parse-units-t tests/parse-cdata-t \
	tests/parse-known-t
TESTS += tests/parse-t tests/parse-units-t tests/parse.sh tests/parse-stream.sh \
	tests/parse-cdata-t tests/parse-known-t
tests_parse_t_CFLAGS = $(TEST_CFLAGS)
tests_parse_t_SOURCES = tests/parse-t.c
tests_parse_t_LDADD = $(TEST_LDADD)
tests_parse_units_t_CFLAGS = $(TEST_CFLAGS)
tests_parse_units_t_SOURCES = tests/parse-units-t.c
tests_parse_units_t_LDADD = $(TEST_LDADD)
tests_parse_cdata_t_CFLAGS = $(TEST_CFLAGS)
tests_parse_cdata_t_SOURCES = tests/parse-cdata-t.c
tests_parse_cdata_t_LDADD = $(TEST_LDADD)
tests_parse_known_t_CFLAGS = $(TEST_CFLAGS)
tests_parse_known_t_SOURCES = tests/parse-known-t.c
tests_parse_known_t_LDADD = $(TEST_LDADD)
# tests/parse-compare.sh compares two builds' parse-dump outputs.
check_PROGRAMS += tests/parse-dump
tests_parse_dump_CFLAGS = $(TEST_CFLAGS)
tests_parse_dump_SOURCES = tests/parse-dump.c
tests_parse_dump_LDADD = $(FW_LDADD)
EXTRA_DIST += tests/parse-compare.sh
EXTRA_DIST += tests/feeds tests/parse.sh tests/parse-stream.sh

# filters/: normalisation, matching and scoring; `feedwatch score` on the
# example config and feeds, item by item, and on URLs served by
# tests/httpd.
check_PROGRAMS += tests/normalize-t tests/match-t tests/score-t
TESTS += tests/normalize-t tests/match-t tests/score-t \
	tests/score-example.sh tests/score-url.sh
tests_normalize_t_CFLAGS = $(TEST_CFLAGS)
tests_normalize_t_SOURCES = tests/normalize-t.c
tests_normalize_t_LDADD = $(TEST_LDADD)
tests_match_t_CFLAGS = $(TEST_CFLAGS)
tests_match_t_SOURCES = tests/match-t.c
tests_match_t_LDADD = $(TEST_LDADD)
tests_score_t_CFLAGS = $(TEST_CFLAGS)
tests_score_t_SOURCES = tests/score-t.c
tests_score_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/score-example.sh tests/score-url.sh

# alerts/: story identity, the outbox, and the sinks against real servers:
# tests/hookd (webhook receiver) and tests/smtpd (SMTP responder).
check_PROGRAMS += tests/story-t tests/storylink-t tests/outbox-t tests/hookd \
	tests/smtpd tests/sinks-t tests/deliver-t tests/apid
TESTS += tests/story-t tests/storylink-t tests/outbox-t tests/sinks-t tests/deliver-t \
	tests/sinks.sh tests/once.sh tests/receivers.sh tests/webhooks.sh \
	tests/smtp-tls.sh
tests_story_t_SOURCES = tests/story-t.c
tests_story_t_LDADD = $(TEST_LDADD)
tests_storylink_t_SOURCES = tests/storylink-t.c
tests_storylink_t_LDADD = $(TEST_LDADD)
tests_outbox_t_CFLAGS = $(TEST_CFLAGS)
tests_outbox_t_SOURCES = tests/outbox-t.c
tests_outbox_t_LDADD = $(TEST_LDADD)
tests_hookd_CFLAGS = $(TEST_CFLAGS)
tests_hookd_SOURCES = tests/hookd.c
tests_hookd_LDADD = $(LIBEVENT_LIBS) $(JANSSON_LIBS)
tests_smtpd_SOURCES = tests/smtpd.c
tests_smtpd_CFLAGS = $(AM_CFLAGS) $(LIBSSL_CFLAGS)
tests_smtpd_LDADD = $(LIBSSL_LIBS) $(LIBCRYPTO_LIBS)
# tests/apid: the receivers' APIs (Telegram, Matrix, PagerDuty, ...).
tests_apid_CFLAGS = $(TEST_CFLAGS)
tests_apid_SOURCES = tests/apid.c
tests_apid_LDADD = $(LIBEVENT_LIBS) $(JANSSON_LIBS)
SINK_TEST_SOURCES = tests/sinks-server.c tests/sinks-server.h
tests_sinks_t_CFLAGS = $(TEST_CFLAGS)
tests_sinks_t_SOURCES = tests/sinks-t.c $(SINK_TEST_SOURCES)
tests_sinks_t_LDADD = $(TEST_LDADD)
tests_deliver_t_CFLAGS = $(TEST_CFLAGS)
tests_deliver_t_SOURCES = tests/deliver-t.c $(SINK_TEST_SOURCES)
tests_deliver_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/exec-record.sh tests/sinks.sh tests/once.sh \
	tests/receivers.sh tests/webhooks.sh tests/smtp-tls.sh

# daemon/: sd_notify, then whole-program tests: real files, a real
# state.db, real signals and kills.
check_PROGRAMS += tests/notify-t
TESTS += tests/notify-t tests/daemon.sh tests/crash.sh tests/service.sh \
	tests/stop.sh tests/reload.sh tests/healthz.sh tests/giant-tag.sh \
	tests/reload-big.sh tests/healthz-lag.sh tests/healthz-reload.sh \
	tests/readonly-state.sh tests/hostile-fifo.sh
tests_notify_t_SOURCES = tests/notify-t.c
tests_notify_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/daemon.sh tests/crash.sh tests/service.sh tests/stop.sh \
	tests/reload.sh tests/healthz.sh tests/giant-tag.sh \
	tests/reload-big.sh tests/healthz-lag.sh tests/healthz-reload.sh \
	tests/readonly-state.sh tests/hostile-fifo.sh

# Old items after a restart are told by the store, not made text again.
TESTS += tests/old-items.sh
EXTRA_DIST += tests/old-items.sh

# HTTPS: nginx under a CA the test makes (tests/tls-lib.sh).
TESTS += tests/https.sh tests/unchanged.sh tests/smtps.sh
EXTRA_DIST += tests/https.sh tests/unchanged.sh tests/tls-lib.sh tests/smtps.sh
EXTRA_DIST += tests/install-paths.sh

# Alerts for people: silences, quiet hours, surges, the alerts feed and
# the alerts page (in headless Chromium), on a shared small world.
check_PROGRAMS += tests/quiet-t
tests_quiet_t_SOURCES = tests/quiet-t.c
tests_quiet_t_LDADD = $(TEST_LDADD)
TESTS += tests/quiet-t tests/silence.sh tests/quiet.sh tests/surge.sh tests/atom.sh tests/page.sh
EXTRA_DIST += tests/people-lib.sh tests/silence.sh tests/quiet.sh tests/surge.sh tests/atom.sh tests/page.sh tests/page.py

# Articles (`article = fetch`): the extractor on news-site pages written in
# the shapes of real ones, and the daemon reading them from a local site
# (tests/artsrv.py), a held-up host and a kill -9 among them.
check_PROGRAMS += tests/article-t
TESTS += tests/article-t tests/articles.sh tests/article-crash.sh
tests_article_t_CFLAGS = $(TEST_CFLAGS)
tests_article_t_SOURCES = tests/article-t.c
tests_article_t_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/articles.sh tests/article-crash.sh tests/artsrv.py \
	tests/articles

# cluster/: rendezvous ownership of feeds over the live nodes.
check_PROGRAMS += tests/owner-t
TESTS += tests/owner-t
tests_owner_t_SOURCES = tests/owner-t.c
tests_owner_t_LDADD = $(TEST_LDADD)
# Three nodes on a real nats-server -js sharing 300 feeds: each polled by
# one node, alerts once, hand-over after kill -9; a story in feeds of three
# nodes alerts once, its later feeds in the alerting node's also_in; an
# old item left unread is in the state a node publishes (cluster-again).
TESTS += tests/cluster.sh tests/cluster-story.sh tests/cluster-again.sh
EXTRA_DIST += tests/cluster.sh tests/cluster-story.sh tests/cluster-again.sh \
    tests/cluster-lib.sh tests/feedsrv.py
# An old item left unread whose context changed: the feed is read whole.
TESTS += tests/again-context.sh
EXTRA_DIST += tests/again-context.sh

# NATS (issue 21): a real nats-server -js started by tests/nats-lib.sh,
# and tests/natsq to read a stream's messages.  The nats sink alone; the
# cluster's alert flow with a node killed mid-delivery, and across a
# nats-server restart (lost and duplicate alerts counted).
check_PROGRAMS += tests/natsq tests/natsconn-t
tests_natsq_CFLAGS = $(AM_CFLAGS) $(LIBNATS_CFLAGS)
tests_natsq_SOURCES = tests/natsq.c
tests_natsq_LDADD = $(LIBNATS_LIBS)
tests_natsconn_t_CFLAGS = $(TEST_CFLAGS)
tests_natsconn_t_SOURCES = tests/natsconn-t.c
tests_natsconn_t_LDADD = $(TEST_LDADD)
TESTS += tests/natsconn.sh tests/nats-sink.sh tests/nats-deliver.sh \
	tests/nats-restart.sh tests/nats-fresh.sh
EXTRA_DIST += tests/nats-lib.sh tests/natsconn.sh tests/nats-sink.sh tests/nats-deliver.sh \
	tests/nats-restart.sh tests/nats-fresh.sh
