#!/bin/sh
# The cluster's alert flow (alerts/alertbus.c) against a real nats-server:
# node a takes the deliveries of five alerts from the shared work queue
# and is killed -9 while the webhook has not answered them (a listener
# that never replies); node b, which polls the same feed (and raises
# nothing again: node a claimed the stories), gets them again after
# ack-wait and delivers them: the webhook sees every alert exactly once per
# Idempotency-Key.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/nats-lib.sh"

T=$TEST_TMP
nats_start
hport=$(free_port)
: > "$T/hole.log"

# A listener on hport that takes connections and never answers.
python3 - "$hport" "$T/hole.log" <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    with open(sys.argv[2], "a") as f:
        f.write("conn\n")
PY
hole=$!
cleanup_pid $hole

nats_feed "$T/feed.xml" 5

# node NAME PORT: its config and state dir; the status API on PORT (the
# key goes at the end of [daemon], before the cluster section).
node() {
	nats_conf "$T/$1" 1h "[sink hook]
type = webhook
url = http://127.0.0.1:$hport/ok
timeout = 60s" "http = 127.0.0.1:$2

[cluster]
nats = $nats_url
name = t1
node = $1
ack-wait = 3s"
}
bport=$(free_port)
node a $(free_port)
node b $bport
"$FEEDWATCHD" -c "$T/a/f.conf" -f 2> "$T/a/err" &
apid=$!
cleanup_pid $apid
n=0
while [ "$(wc -l < "$T/hole.log" 2>/dev/null || echo 0)" -lt 5 ] && [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
is "$(wc -l < "$T/hole.log" | tr -d ' ')" 5 "node a took the five deliveries from the stream and is sending them"
kill -9 $apid
wait $apid 2>/dev/null
kill $hole
wait $hole 2>/dev/null

start_server "$top_builddir/tests/hookd" -p "$hport" -l "$T/hook.jsonl"
is "$port" "$hport" "the webhook receiver is up on the same port"
"$FEEDWATCHD" -c "$T/b/f.conf" -f 2> "$T/b/err" &
bpid=$!
cleanup_pid $bpid
n=0
while [ "$(wc -l < "$T/hook.jsonl" 2>/dev/null || echo 0)" -lt 5 ] && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
# Two ack-waits more: a second copy would have come by now.
sleep 6
keys() {
	python3 - "$T/hook.jsonl" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    print(json.loads(l)["headers"]["Idempotency-Key"])
PY
}
is "$(keys | sort -u | wc -l | tr -d ' ')" 5 "the webhook got all five alerts after node a died"
is "$(keys | sort | uniq -d)" "" "each Idempotency-Key once"
is "$(wc -l < "$T/hook.jsonl" | tr -d ' ')" 5 "five requests in all"
# What node b's /metrics says of it: it raised none of the alerts again
# (node a had claimed their stories), and the five it delivered it took
# from the stream as redeliveries.
bmetric() {
	curl -sf "http://127.0.0.1:$bport/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
is "$(bmetric feedwatch_cluster_alerts_published_total)" 0 "/metrics: node b published nothing (the stories were node a's)"
is "$(bmetric feedwatch_cluster_alerts_consumed_total)" 5 "/metrics: node b took five deliveries from the stream"
is "$(bmetric feedwatch_cluster_alerts_redelivered_total)" 5 "/metrics: ... each a redelivery"
is "$(bmetric feedwatch_cluster_alerts_delivered_total)" 5 "/metrics: ... and delivered them"
is "$(bmetric feedwatch_cluster_alerts_naks_total)" 0 "/metrics: ... none handed back"
ok "$([ "$(bmetric feedwatch_nats_acks_total)" -ge 5 ]; echo $?)" "/metrics: at least five acks on its NATS connection"
ok "$([ "$(bmetric feedwatch_nats_kv_ops_total)" -gt 0 ]; echo $?)" "/metrics: ... and its key-value round trips"
like "$(cat "$T/b/err")" "NATS connected" "node b logged its NATS connection"
kill $bpid
wait $bpid
is $? 0 "node b stops cleanly"
done_testing
