#!/bin/sh
# A cluster across a nats-server that comes back WITHOUT its JetStream
# state: restarted on the same port with a new, empty store dir (its disk
# lost).  The buckets, the alerts stream and the durable consumer are
# gone and the old KV watches stay silent; each node notices that its
# heartbeat no longer comes back, says so once, and sets everything up
# again.  Two nodes, two growing feeds (tests/feedsrv.py logs every
# request), a webhook (tests/hookd): afterwards both nodes see each other
# past heartbeat-ttl on the new server, each feed is polled by exactly one
# node, and an item that appears after the restart alerts at the webhook
# and reaches the new alerts stream.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/nats-lib.sh"

T=$TEST_TMP
IV=1  # feed interval, seconds
TTL=3 # heartbeat-ttl, seconds
mkdir -p "$T/feeds"
nats_start
start_server python3 "$top_srcdir/tests/feedsrv.py" "$T/feeds" "$T/requests"; fport=$port
start_server "$top_builddir/tests/hookd" -l "$T/hook.jsonl"; hport=$port

# feeds N: feed k with items 1..N, feed j with its own five.
feeds() {
	nats_feed "$T/feeds/k.xml" "$1"
	nats_feed "$T/feeds/j.tmp" 5
	sed -e 's/k-/j-/g' -e 's/k\.example/j.example/g' \
	    -e 's/said thing/spoke on jay/g' "$T/feeds/j.tmp" > "$T/feeds/j.new"
	mv "$T/feeds/j.new" "$T/feeds/j.xml"
}

node() {
	nats_conf "$T/$1" ${IV}s "[sink hook]
type = webhook
url = http://127.0.0.1:$hport/ok

[feed j]
url = http://127.0.0.1:$fport/plain/j.xml
backfill = 100" "[cluster]
nats = $nats_url
name = t3
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

distinct() {
	python3 - "$T/hook.jsonl" <<'PY'
import json, sys
try:
    print(len({json.loads(l)["headers"]["Idempotency-Key"] for l in open(sys.argv[1])}))
except FileNotFoundError:
    print(0)
PY
}
until_distinct() {
	_end=$(($(date +%s) + $2))
	while [ "$(distinct)" -lt "$1" ] && [ "$(date +%s)" -lt $_end ]; do
		sleep 0.2
	done
}
# metric NODE NAME: the value of a /metrics line of node NODE.
metric() {
	eval "_p=\$api_$1"
	curl -s "http://127.0.0.1:$_p/metrics" |
	    awk -v m="$2" '$1 == m { print $2; f = 1 } END { if (!f) print -1 }'
}
# owners NODE: "feed=owner ..." as node NODE's /feeds says.
owners() {
	eval "_p=\$api_$1"
	curl -s "http://127.0.0.1:$_p/feeds" | python3 -c '
import json, sys
print(" ".join(sorted("%s=%s" % (f["name"], f.get("owner")) for f in json.load(sys.stdin))))'
}
# polled_after FEED UNIX-SECONDS: its requests logged at or after then.
polled_after() {
	awk -v f="/plain/$1.xml" -v t="$2" '$2 == f && $1 >= t { n++ } END { print n + 0 }' \
	    "$T/requests" 2>/dev/null
}
until_polled_after() {
	_end=$(($(date +%s) + $3))
	while [ "$(polled_after "$1" "$2")" -eq 0 ] && [ "$(date +%s)" -lt $_end ]; do
		sleep 0.2
	done
}
# until_nodes N SECONDS: until both nodes count N live nodes.
until_nodes() {
	_end=$(($(date +%s) + $2))
	while { [ "$(metric a feedwatch_cluster_nodes)" != "$1" ] ||
	    [ "$(metric b feedwatch_cluster_nodes)" != "$1" ]; } &&
	    [ "$(date +%s)" -lt $_end ]; do
		sleep 0.2
	done
}

feeds 10
node a
node b
until_distinct 15 90
is "$(distinct)" 15 "before: fifteen alerts at the webhook"
until_nodes 2 30
is "$(metric a feedwatch_cluster_nodes)/$(metric b feedwatch_cluster_nodes)" 2/2 \
    "before: both nodes see two"
sleep 1

nats_stop
nats_fresh
nats_start
restarted=$(date +%s)
ok $(wait_for "$T/a/err" "NATS lost its JetStream state" 60 && echo 0 || echo 1) \
    "node a says NATS lost its JetStream state"
ok $(wait_for "$T/b/err" "NATS lost its JetStream state" 60 && echo 0 || echo 1) \
    "node b says NATS lost its JetStream state"
ok $([ "$(metric a feedwatch_cluster_nats_state_lost_total)" -ge 1 ] && echo 0 || echo 1) \
    "node a counts it in /metrics"

# Past heartbeat-ttl plus a beat after both set up again, judged by the
# new server's write times: a node that saw only its own records there
# would have dropped the other by now.
sleep $((TTL + 2))
until_nodes 2 30
is "$(metric a feedwatch_cluster_nodes)/$(metric b feedwatch_cluster_nodes)" 2/2 \
    "after: both nodes see two on the new server"
oa=$(owners a)
ob=$(owners b)
is "$oa" "$ob" "after: the nodes agree who polls what ($oa)"
sum=$(($(metric a feedwatch_cluster_owned_feeds) + $(metric b feedwatch_cluster_owned_feeds)))
is "$sum" 2 "after: each of the two feeds is polled by exactly one node"
now=$(date +%s)
until_polled_after k $((now + 1)) 30
until_polled_after j $((now + 1)) 30
ok $([ "$(polled_after k $((now + 1)))" -gt 0 ] && [ "$(polled_after j $((now + 1)))" -gt 0 ] &&
    echo 0 || echo 1) "after: both feeds are still polled"

feeds 12
until_distinct 17 120
is "$(distinct)" 17 "items that appear after the fresh restart alert at the webhook"
[ "$(distinct)" -eq 17 ] || tail -n 20 "$T/a/err" "$T/b/err" | sed 's/^/# /' >&2
stored=$(nats_stored t3_ALERTS)
diag "the new alerts stream stored $stored"
ok $([ "$stored" -ge 2 ] && echo 0 || echo 1) "the new items went through the new alerts stream"
kill "$pid_a" "$pid_b"
wait "$pid_a"
is "$?" 0 "node a stops cleanly"
wait "$pid_b"
is "$?" 0 "node b stops cleanly"
done_testing
