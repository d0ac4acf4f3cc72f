#!/bin/sh
# A FIFO where a config file should be never hangs the daemon: at start it
# refuses at once naming the include's file:line; on SIGHUP the reload
# fails the same way while the running config goes on (the status API
# answers, SIGTERM stops it).  Before, open() blocked on the FIFO: at
# start for ever, and on SIGHUP with the loop stopped.  The unit raises
# the descriptor limit over systemd's default of 1,024 (LimitNOFILE).
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
mkfifo "$T/inc.fifo" || exit 1
aport=$(free_port)
acme_feed "$T/feed.xml" 1
# conf [LINE]: the config, with LINE (an include) at its end
conf() {
	acme_conf "$T/state" "$aport" "$T/feed.xml" out
	printf '\n[sink out]\ntype = file\npath = %s\n\n%s\n' \
	    "$T/alerts.jsonl" "$1"
}
healthz() { curl -s -m 5 "http://127.0.0.1:$aport/healthz"; }

conf "include = inc.fifo" > "$T/fifo.conf"
out=$(timeout 20 "$FEEDWATCHD" -c "$T/fifo.conf" -f 2>&1); rc=$?
ok $([ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; echo $?) \
    "a config that includes a FIFO: the daemon refuses to start at once"
like "$out" "fifo\.conf:[0-9]+: expected '.*/inc\.fifo' to be a regular file" \
    "... naming the include's file:line"

conf > "$T/feedwatch.conf"
"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/alerts.jsonl" '"title":"Acme merger 1"' 30
ok $? "the daemon runs and alerts"
conf "include = inc.fifo" > "$T/feedwatch.conf"
kill -HUP "$pid"
wait_for "$T/log" "reload failed, the running configuration stays: .*inc\.fifo' to be a regular file" 30
ok $? "SIGHUP with an included FIFO: the reload fails, saying why"
is "$(healthz)" "ok" "... and the status API answers"
kill "$pid"
n=0
while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
ok $(! kill -0 "$pid" 2>/dev/null; echo $?) "... and SIGTERM stops it"

unit="$top_srcdir/systemd/feedwatchd.service.in"
nofile=$(sed -n 's/^LimitNOFILE=//p' "$unit")
ok $([ "${nofile:-0}" -gt 1024 ]; echo $?) \
    "the unit raises the descriptor limit over 1,024 (LimitNOFILE=$nofile)"
done_testing
