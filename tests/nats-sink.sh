#!/bin/sh
# The nats sink alone, against a real nats-server -js: each alert lands
# once in the stream the sink made, on feedwatch.alerts.WATCHLIST, with
# Nats-Msg-Id the alert id.  Then the server goes away: alerts raised
# meanwhile wait in the outbox and arrive once it is back, and nothing is
# stored twice.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/nats-lib.sh"

T=$TEST_TMP
nats_start

feed() { nats_feed "$T/feed.xml" "$1"; }

conf() {
	nats_conf "$T/state" 1s "[sink bus]
type = nats
url = $nats_url
timeout = 2s"
}
mkdir -p "$T/state"
feed 3
conf
"$FEEDWATCHD" -c "$T/state/f.conf" --once 2> "$T/err1"
is $? 0 "--once: three alerts delivered to the stream"
nats_msgs FEEDWATCH_ALERTS > "$T/msgs1"
is "$(wc -l < "$T/msgs1" | tr -d ' ')" 3 "the stream holds three messages"
is "$(cut -f1 "$T/msgs1" | sort -u)" "feedwatch.alerts.kim" \
    "each on feedwatch.alerts.WATCHLIST with the watchlist"
python3 - "$T/msgs1" <<'PY'
import json, sys
lines = open(sys.argv[1]).readlines()
assert len(lines) == 3, lines
for line in lines:
    subj, mid, data = line.rstrip("\n").split("\t", 2)
    doc = json.loads(data)
    assert doc["id"] == mid, (doc["id"], mid)
    assert doc["watchlist"] == "kim"
PY
ok $? "each message's Nats-Msg-Id is its alert document's id"

# The server goes; two more alerts wait in the outbox; it comes back on
# the same port and store.
nats_stop
feed 5
"$FEEDWATCHD" -c "$T/state/f.conf" -f 2> "$T/err2" &
fwpid=$!
cleanup_pid $fwpid
wait_for "$T/err2" "not delivered" 30
ok $? "with the server away the sink's deliveries fail and are retried"
nats_start
n=0
while [ "$(nats_msgs FEEDWATCH_ALERTS | wc -l)" -lt 5 ] && [ $n -lt 900 ]; do
	sleep 0.1
	n=$((n + 1))
done
nats_msgs FEEDWATCH_ALERTS > "$T/msgs2"
is "$(wc -l < "$T/msgs2" | tr -d ' ')" 5 "after the server is back the stream has all five alerts"
is "$(cut -f2 "$T/msgs2" | sort | uniq -d)" "" "no alert id twice"
is "$(cut -f2 "$T/msgs2" | sort -u | wc -l | tr -d ' ')" 5 "five distinct alert ids"
kill $fwpid
wait $fwpid
is $? 0 "the daemon stops cleanly with its NATS connection"
done_testing
