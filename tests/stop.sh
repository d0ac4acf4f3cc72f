#!/bin/sh
# A graceful stop with a delivery in flight loses nothing: a webhook that
# never answers holds the delivery, SIGTERM gives it the grace period, the
# daemon exits 0 leaving it in the outbox, and the next start delivers it,
# with the same Idempotency-Key.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
HOOKD="$top_builddir/tests/hookd"
mkdir -p "$T/state"

start_server "$HOOKD" -l "$T/hook.jsonl"
hport=$port

cat > "$T/feed.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>stop</title><link>https://stop.example/</link>
<item><title>Acme announces merger</title><link>https://stop.example/1</link>
<guid>stop-1</guid><description>Acme and its rival agreed a merger.</description></item>
</channel></rss>
XML

write_conf() { # path on the receiver
	cat > "$T/stop.conf" <<CONF
[daemon]
state-dir = $T/state
interval = 1s

[feed one]
url = file://$T/feed.xml
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
sinks = hook

[sink hook]
type = webhook
url = http://127.0.0.1:$hport$1
timeout = 60s
CONF
}

write_conf /hang
"$FEEDWATCHD" -c "$T/stop.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
i=0
while ! grep -q '"path": *"/hang"' "$T/hook.jsonl" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
ok $(grep -q '"path": *"/hang"' "$T/hook.jsonl"; echo $?) "the delivery is under way (the receiver holds it)"
kill -TERM $pid
wait $pid
is $? 0 "SIGTERM with a delivery in flight still exits 0"
like "$(cat "$T/log")" "1 deliveries did not finish within [0-9]+ s; they stay in the outbox" \
    "after the grace period, saying what stays"
is "$(sqlite3 "$T/state/state.db" "select count(*) from deliveries where state = 'pending'")" 1 \
    "the delivery is still pending in the state"

write_conf /ok
"$FEEDWATCHD" -c "$T/stop.conf" --once 2>> "$T/log"
is $? 0 "the next start runs"
is "$(grep -c '"path": *"/ok"' "$T/hook.jsonl")" 1 "and delivers the alert the stop left"
keys=$(python3 -c '
import json, sys
ks = [json.loads(l)["headers"].get("Idempotency-Key") for l in open(sys.argv[1])]
print(len(ks), len(set(ks)), ks[0] is not None)' "$T/hook.jsonl")
is "$keys" "2 1 True" "both attempts carry the same Idempotency-Key"
is "$(sqlite3 "$T/state/state.db" "select count(*) from deliveries where state = 'pending'")" 0 \
    "nothing is left in the outbox"
done_testing
