#!/bin/sh
# The cluster's alert flow (alerts/alertbus.c) against a real nats-server:
# node a takes the deliveries of five alerts from the shared work queue
# and is killed -9 while the webhook has not answered them (a listener
# that never replies); node b, which raised the same alerts (the stream
# dropped its copies by Nats-Msg-Id), gets them again after ack-wait and
# delivers them: the webhook sees every alert exactly once per
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

# node NAME: its config and state dir.
node() {
	nats_conf "$T/$1" 1h "[sink hook]
type = webhook
url = http://127.0.0.1:$hport/ok
timeout = 60s" "[cluster]
nats = $nats_url
name = t1
node = $1
ack-wait = 3s"
}
node a
node b
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
like "$(cat "$T/b/err")" "NATS connected" "node b logged its NATS connection"
kill $bpid
wait $bpid
is $? 0 "node b stops cleanly"
done_testing
