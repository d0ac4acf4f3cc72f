#!/bin/sh
# A sink that gave up on an alert keeps /healthz at 503 for an hour, and
# a reload (SIGHUP) does not clear it: the give-up time is carried to the
# new configuration's sink of the same name, even when the sinks are
# written in another order.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
start_server "$top_builddir/tests/smtpd" -l "$T/smtp.log"; sport=$port
acme_feed "$T/feed.xml" 1
out_sink() { printf '[sink out]\ntype = file\npath = %s\n\n' "$T/alerts.jsonl"; }
# The recipient bounces: the smtp sink fails for good.
mail_sink() {
	printf '[sink mail]\ntype = smtp\nurl = smtp://127.0.0.1:%s\n' "$sport"
	printf 'from = feedwatch@example.org\nto = bounce@example.org\n\n'
}
# conf FIRST SECOND: the config with its sinks in that order.
conf() {
	acme_conf "$T/state" "$aport" "$T/feed.xml" "out, mail"
	echo
	$1
	$2
}
healthz() { curl -s -m 5 "http://127.0.0.1:$aport/healthz"; }

conf out_sink mail_sink > "$T/feedwatch.conf"
"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/log" "sink mail: alert .* failed for good" 30
ok $? "the mail sink fails for good (the recipient bounces)"
is "$(healthz_code "$aport")" 503 "/healthz answers 503"
like "$(healthz)" "sink mail gave up on an alert [0-9]+s ago" "... naming the sink"

conf mail_sink out_sink > "$T/feedwatch.conf"
kill -HUP "$pid"
wait_for "$T/log" "reloaded: 1 feeds" 60
ok $? "the daemon reloads (sinks now in the other order)"
is "$(healthz_code "$aport")" 503 "after the reload, /healthz still answers 503"
like "$(healthz)" "sink mail gave up on an alert [0-9]+s ago" \
    "... naming the same sink"
ok $(healthz | grep -q "sink out"; [ $? -ne 0 ]; echo $?) \
    "... and not the sink that delivers"

# A reload that drops the sink drops its reason with it.
conf out_sink true | sed 's/out, mail/out/' > "$T/feedwatch.conf"
kill -HUP "$pid"
wait_for "$T/log" "reloaded: 1 feeds, 1 watchlists, 1 sinks" 60
ok $? "a reload without the mail sink"
is "$(healthz)" "ok" "... and /healthz is ok"
kill "$pid"; wait "$pid"
done_testing
