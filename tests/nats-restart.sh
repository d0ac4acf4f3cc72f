#!/bin/sh
# The cluster's alert flow across a nats-server restart (JetStream file
# store): two nodes deliver the alerts of a growing feed to tests/hookd;
# the server is stopped while new items appear and started again on the
# same port and store.  Counted at the webhook, by Idempotency-Key: none
# lost, and duplicates within the at-least-once bound that
# feedwatch.conf(5) states (deliveries in flight when the server went;
# here the first round was finished, so at most the ten of a round).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/nats-lib.sh"

T=$TEST_TMP
nats_start
start_server "$top_builddir/tests/hookd" -l "$T/hook.jsonl"; hport=$port

feed() { nats_feed "$T/feed.xml" "$1"; }

node() {
	nats_conf "$T/$1" 1s "[sink hook]
type = webhook
url = http://127.0.0.1:$hport/ok" "[cluster]
nats = $nats_url
name = t2
node = $1
ack-wait = 5s
timeout = 2s"
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
# until_distinct N SECONDS
until_distinct() {
	n=0
	while [ "$(distinct)" -lt "$1" ] && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

feed 10
node a
node b
until_distinct 10 60
is "$(distinct)" 10 "round 1: ten alerts at the webhook"
sleep 1

nats_stop
feed 20
sleep 3
nats_start
# Past the membership TTL (heartbeat-ttl, 10 s by default) after the
# restart: a node whose watch of the members died with the old server
# would by now see every member expired, itself too, and poll nothing.
sleep 12
feed 30
until_distinct 30 180
sleep 6
d=$(distinct)
t=$(total)
lost=$((30 - d))
dups=$((t - d))
diag "after the restart: $d distinct alerts of 30, $t requests: lost $lost, duplicates $dups"
is "$lost" 0 "nothing lost across the nats-server restart"
ok $([ "$dups" -le 10 ] && echo 0 || echo 1) "duplicates ($dups) within the at-least-once bound (10)"
kill $pid_a $pid_b
wait $pid_a
ra=$?
wait $pid_b
rb=$?
is "$ra $rb" "0 0" "both nodes stop cleanly"
done_testing
