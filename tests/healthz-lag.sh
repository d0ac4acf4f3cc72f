#!/bin/sh
# /healthz answers 503 with the reason while the event loop runs late: the
# daemon is stopped (SIGSTOP) for longer than the bound (5 s) with a
# request waiting in its listen queue, so the loop really does not run;
# resumed, the lag probe fires late first and /healthz says by how much.
# /metrics keeps the worst lag; /healthz is ok again once the loop keeps
# time, and polling goes on.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
{
	acme_conf "$T/state" "$aport" "$T/feed.xml" out
	printf '\n[sink out]\ntype = file\npath = %s\n' "$T/alerts.jsonl"
} > "$T/feedwatch.conf"
acme_feed "$T/feed.xml" 1
"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/alerts.jsonl" '"title":"Acme merger 1"' 30
ok $? "the first item alerts"
healthz_until "$aport" 200
ok $? "/healthz: ok"

# A stop of 7 s: the request is queued while the daemon cannot run, and
# answered right after it resumes, when the probe has just measured the
# lag.  Tried up to three times: a starved machine may let the next probe
# (0.5 s later) run first, which measures a lag of ~0 again.
try=0
while [ "$try" -lt 3 ]; do
	try=$((try + 1))
	kill -STOP "$pid"
	sleep 7
	curl -s -m 30 -w '%{http_code}\n' \
	    "http://127.0.0.1:$aport/healthz" > "$T/h" &
	cpid=$!
	sleep 1
	kill -CONT "$pid"
	wait "$cpid"
	grep -q '^503$' "$T/h" && break
done
diag "attempt $try: $(tr '\n' ' ' < "$T/h")"
like "$(tail -n 1 "$T/h")" '^503$' "after a 7 s stall, /healthz answers 503"
like "$(cat "$T/h")" "the event loop ran ([5-9]|[1-9][0-9])\.[0-9]s late" \
    "... saying how late the loop ran (over the 5 s bound)"
max=$(curl -s -m 5 "http://127.0.0.1:$aport/metrics" |
    sed -n 's/^feedwatch_loop_lag_max_seconds //p')
ok $(awk -v m="$max" 'BEGIN { exit !(m >= 5) }'; echo $?) \
    "/metrics: the worst loop lag ($max s) is the stall's"
healthz_until "$aport" 200
ok $? "once the loop keeps time, /healthz is ok again"
acme_feed "$T/feed.xml" 2
wait_for "$T/alerts.jsonl" '"title":"Acme merger 2"' 30
ok $? "... and polling went on"
kill "$pid"; wait "$pid"
done_testing
