#!/bin/sh
# The cluster's alert flow across a nats-server restart (JetStream file
# store): two nodes deliver the alerts of a growing feed (tests/feedsrv.py,
# which logs every request; no validators, so every poll reads the whole
# feed) to tests/hookd; the server is stopped while new
# items appear and are polled, and started again on the same port and
# store.  Counted in the alerts stream and at the webhook, by
# Idempotency-Key: none lost, each once in the stream, and repeats at the
# webhook within the at-least-once bound feedwatch.conf(5) and
# doc/scaling.md state (deliveries whose ack was lost with the server; the
# first round was finished when it went, so at most the ten of a round).
# The node that owns the feed goes on polling it once the new server has
# been up longer than heartbeat-ttl plus an interval.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/nats-lib.sh"

T=$TEST_TMP
IV=1  # feed interval, seconds
TTL=3 # heartbeat-ttl, seconds
mkdir -p "$T/feeds"
nats_start
start_server python3 "$top_srcdir/tests/feedsrv.py" "$T/feeds" "$T/requests"; fport=$port
start_server "$top_builddir/tests/hookd" -l "$T/hook.jsonl"; hport=$port

feed() { nats_feed "$T/feeds/k.xml" "$1"; }

node() {
	nats_conf "$T/$1" ${IV}s "[sink hook]
type = webhook
url = http://127.0.0.1:$hport/ok" "[cluster]
nats = $nats_url
name = t2
node = $1
heartbeat = 500ms
heartbeat-ttl = ${TTL}s
ack-wait = 5s
timeout = 2s"
	_ap=$(free_port)
	eval "api_$1=$_ap"
	sed -e "s|^url = file://.*|url = http://127.0.0.1:$fport/plain/k.xml|" \
	    -e "s|^interval = .*|&\\
http = 127.0.0.1:$_ap|" \
	    "$T/$1/f.conf" > "$T/$1/f.conf.new" && mv "$T/$1/f.conf.new" "$T/$1/f.conf"
	"$FEEDWATCHD" -c "$T/$1/f.conf" -f 2> "$T/$1/err" &
	cleanup_pid $!
	eval "pid_$1=\$!"
}

# distinct, total: Idempotency-Keys at the webhook.
distinct() {
	python3 - "$T/hook.jsonl" <<'PY'
import json, sys
try:
    print(len({json.loads(l)["headers"]["Idempotency-Key"] for l in open(sys.argv[1])}))
except FileNotFoundError:
    print(0)
PY
}
total() { wc -l < "$T/hook.jsonl" 2>/dev/null | tr -d ' ' || echo 0; }
# until_distinct N SECONDS (bounded by the clock: each look starts a
# python, which takes a while at load)
until_distinct() {
	_end=$(($(date +%s) + $2))
	while [ "$(distinct)" -lt "$1" ] && [ "$(date +%s)" -lt $_end ]; do
		sleep 0.2
	done
}
# polled_after UNIX-SECONDS: the feed's requests logged at or after it.
polled_after() {
	awk -v t="$1" '$2 == "/plain/k.xml" && $1 >= t { n++ } END { print n + 0 }' \
	    "$T/requests" 2>/dev/null
}
# until_polled_after UNIX-SECONDS SECONDS
until_polled_after() {
	_end=$(($(date +%s) + $2))
	while [ "$(polled_after "$1")" -eq 0 ] && [ "$(date +%s)" -lt $_end ]; do
		sleep 0.2
	done
}

feed 10
node a
node b
until_distinct 10 60
is "$(distinct)" 10 "round 1: ten alerts at the webhook"
sleep 1

nats_stop
# The new items are polled while the server is away: their story checks
# fail (at least once) and the commit waits for them meanwhile.
changed=$(date +%s)
feed 20
until_polled_after $((changed + 1)) 30
ok $([ "$(polled_after $((changed + 1)))" -gt 0 ] && echo 0 || echo 1) \
    "the feed is polled while nats-server is away"
sleep 1
nats_start
restarted=$(date +%s)
# Past heartbeat-ttl plus an interval on the new server: a node whose
# view of the members died with the old server would by now see every
# member expired and poll nothing, or nothing but its own.
past=$((restarted + TTL + IV + 1))
until_polled_after $past 60
ok $([ "$(polled_after $past)" -gt 0 ] && echo 0 || echo 1) \
    "the feed is still polled heartbeat-ttl + an interval after the restart"
feed 30
until_distinct 30 120
sleep 3
d=$(distinct)
t=$(total)
lost=$((30 - d))
dups=$((t - d))
stored=$(nats_stored t2_ALERTS)
diag "after the restart: $d distinct alerts of 30, $t requests: lost $lost, duplicates $dups; $stored in the stream"
is "$lost" 0 "nothing lost across the nats-server restart"
ok $([ "$dups" -le 10 ] && echo 0 || echo 1) "duplicates at the webhook ($dups) within the at-least-once bound (10)"
is "$stored" 30 "each alert once in the stream (its Nats-Msg-Id kept across the restart)"
# And after the last round the owner still polls: its batch was written.
last=$(($(date +%s) + IV + 1))
until_polled_after $last 30
ok $([ "$(polled_after $last)" -gt 0 ] && echo 0 || echo 1) \
    "the feed is polled after the last round too"

# The membership view survived the restart too: kill -9 the feed's owner
# and the other node, which sees it expire only by the new server's write
# times, takes the feed over and alerts on what appears meanwhile.
owner=$(curl -s "http://127.0.0.1:$api_a/feeds" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["owner"])')
like "$owner" '^[ab]$' "node a names the feed's owner ($owner)"
if [ "$owner" = a ]; then other=b; else other=a; fi
eval "kill -9 \$pid_$owner"
eval "wait \$pid_$owner" 2>/dev/null
feed 40
until_distinct 40 120
is "$(distinct)" 40 "after kill -9 of its owner ($owner), node $other alerts on the feed's new items"
eval "kill \$pid_$other"
eval "wait \$pid_$other"
is "$?" 0 "node $other stops cleanly"
done_testing
