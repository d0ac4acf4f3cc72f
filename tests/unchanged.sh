#!/bin/sh
# A server that sends the same bytes on every poll, without validators
# (nginx under /same/ over TLS): after the first poll those polls are
# counted as unchanged in /metrics and cost no alert and no store write;
# an old item whose text changed is not alerted again; a new item still is.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tls-lib.sh"

T=$TEST_TMP
mkdir -p "$T/state" "$T/www"
make_ca "$T/ca" || { echo "Bail out! openssl could not make a CA"; exit 1; }
h2=$(free_port)
h1=$(free_port)
while [ "$h1" = "$h2" ]; do h1=$(free_port); done
aport=$(free_port)
nginx_tls_start "$T" "$T/ca" "$h2" "$h1"
FEED=$T/www/same/s.xml
rss "$FEED" "s-1:Acme announces merger:Acme and its rival agreed a merger."

cat >"$T/fw.conf" <<CONF
[daemon]
state-dir = $T/state
interval = 1s
http = 127.0.0.1:$aport
ca-file = $T/ca/ca.pem

[feed same]
url = https://127.0.0.1:$h2/same/s.xml
backfill = 10

[actor acme]
name = Acme

[topic merger]
term = merger

[watchlist deals]
actors = acme
topics = merger
require = actor and topic
threshold = 1
sinks = file

[sink file]
type = file
path = $T/alerts.jsonl
CONF

metric() { # the polls counted with this result
	curl -sf "http://127.0.0.1:$aport/metrics" |
	    awk -v r="result=\"$1\"" 'index($0, "feedwatch_polls_total{" r "}") {
	        print $2 }'
}
wait_metric() { # RESULT N: until at least N polls had that result (60 s)
	_n=0
	while [ "$(metric "$1")" -lt "$2" ] 2>/dev/null ||
	    [ -z "$(metric "$1")" ]; do
		_n=$((_n + 1))
		[ "$_n" -gt 600 ] && return 1
		sleep 0.1
	done
}
db() { sqlite3 "$T/state/state.db" "$1"; } # once the daemon has stopped
state() { # the state files as they are now: sizes and times to the ns
	stat -c '%n %s %.9Y' "$T/state/state.db"* | sort
}
alerts() { wc -l <"$T/alerts.jsonl" 2>/dev/null || echo 0; }

"$FEEDWATCHD" -c "$T/fw.conf" -f 2>"$T/log" &
pid=$!
cleanup_pid $pid
wait_metric ok 1
ok $? "the first poll reads the feed"
wait_for "$T/alerts.jsonl" '"deals"' 20
is "$(alerts)" 1 "and its item alerts"
# After one more poll the delivery is recorded and nothing else is due.
wait_metric unchanged 1
before=$(state)

wait_metric unchanged 4
ok $? "the next polls bring the same bytes: counted as unchanged in /metrics"
is "$(metric ok)" 1 "and not as polls that read the feed"
is "$(alerts)" 1 "no alert from them"
is "$(state)" "$before" "no store write either: the state files are untouched"

# The old item's text changes (same guid): read, not alerted again.
rss "$FEED" "s-1:Acme announces merger, updated:Acme and its rival agreed a merger today; shares rose."
wait_metric ok 2
ok $? "a changed body is read again"
u=$(metric unchanged)
wait_metric unchanged $((u + 1))
is "$(alerts)" 1 "an old item whose text changed is not alerted again"

# A new item in the same feed still alerts.
rss "$FEED" "s-2:Acme seals second merger:Acme and a third firm agreed a merger." \
    "s-1:Acme announces merger, updated:Acme and its rival agreed a merger today; shares rose."
wait_metric ok 3
ok $? "the feed with a new item is read"
wait_for "$T/alerts.jsonl" 's-2' 20
is "$(alerts)" 2 "and the new item alerts"

kill -TERM $pid
wait $pid
is $? 0 "the daemon stops with status 0"
is "$(db 'SELECT count(*) FROM items')" 2 "two items stored"
is "$(db "SELECT title FROM items WHERE id = 's-1'")" \
    "Acme announces merger" "the changed old item was not stored again"
done_testing
