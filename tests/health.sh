#!/bin/sh
# Feed health survives a restart: after a failing feed's polls and a good
# feed's, a daemon started again on the same state shows each one's last
# poll, last success, error count and last error in the status API, and
# the failing feed keeps backing off from where it was instead of being
# polled again at once.  A feed added by a reload is polled within seconds,
# not after one interval.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
start_server python3 "$top_srcdir/tests/recorder.py" "$T/requests"
aport=$(free_port)
write_conf() { # write_conf [EXTRA-FEED-SECTION]
	cat >"$T/fw.conf" <<CONF
[daemon]
state-dir = state
http = 127.0.0.1:$aport
interval = 1h

[feed good]
url = http://127.0.0.1:$port/good.xml

[feed bad]
url = http://127.0.0.1:$port/fail.xml
$1
[actor a]
name = nobody-here
[topic t]
term = nothing-here
[watchlist w]
actors = a
topics = t
sinks = journal
[sink journal]
type = log
CONF
}
write_conf ""

# feed_is NAME EXPR: EXPR holds for feed NAME (f) in /feeds.
feed_is() {
	curl -sf "http://127.0.0.1:$aport/feeds" | python3 -c '
import json, sys
f = {f["name"]: f for f in json.load(sys.stdin)}.get(sys.argv[1])
sys.exit(0 if f is not None and ('"$2"') else 1)' "$1"
}
# until_true SECONDS CMD...: run CMD every 0.1 s until it succeeds.
until_true() {
	_s=$1; shift; _n=0
	until "$@"; do
		_n=$((_n + 1)); [ "$_n" -gt $((_s * 10)) ] && return 1; sleep 0.1
	done
}
start_daemon() {
	"$FEEDWATCHD" -f -c "$T/fw.conf" >>"$T/daemon.log" 2>&1 &
	dpid=$!
	cleanup_pid $dpid
	until_true 30 curl -sf "http://127.0.0.1:$aport/feeds" -o /dev/null
}

"$FEEDWATCHD" -c "$T/fw.conf" --once >"$T/once1" 2>&1
"$FEEDWATCHD" -c "$T/fw.conf" --once >"$T/once2" 2>&1
is "$(grep -c '^GET /fail.xml' "$T/requests")" 2 "two runs polled the failing feed twice"

start_daemon
feed_is bad 'f["errors"] == 2 and f["last_poll"] and f["error"] and "500" in f["error"]'
ok $? "after a restart: the failing feed's error count, last poll and error"
feed_is bad 'f["last_success"] is None and f["status"] == "error"'
ok $? "... it never worked, and its last outcome was an error"
feed_is good 'f["errors"] == 0 and f["last_success"] == f["last_poll"] and f["status"] == "ok"'
ok $? "after a restart: the good feed's last success and status"
feed_is bad 'f["next_poll"] is not None and f["next_poll"] > f["last_poll"]'
ok $? "the failing feed is next due after its backoff, not now"
sleep 2
is "$(grep -c '^GET /fail.xml' "$T/requests")" 2 \
    "the restarted daemon did not poll the failing feed again at once"

# A feed added by a reload: polled within seconds (its interval is 1h).
write_conf "[feed added]
url = http://127.0.0.1:$port/added.xml
"
kill -HUP "$dpid"
until_true 30 feed_is added 'f["last_poll"] is not None'
ok $? "a feed added by a reload is polled within seconds"

# /metrics: the build, each feed's last success, the fetch durations.
curl -sf "http://127.0.0.1:$aport/metrics" >"$T/metrics"
curl -sf "http://127.0.0.1:$aport/feeds" >"$T/feeds.json"
python3 - "$T/metrics" "$T/feeds.json" "$("$FEEDWATCHD" --version)" >"$T/checks" <<'PY'
import calendar, json, re, sys, time
m = open(sys.argv[1]).read()
feeds = {f["name"]: f for f in json.load(open(sys.argv[2]))}
version = sys.argv[3].split()[1]
ok = lambda c, what: print(("0 " if c else "1 ") + what)
ok('feedwatch_build_info{version="%s"} 1' % version in m, "feedwatch_build_info names the version")
def last_success(name):
    r = re.search(r'^feedwatch_feed_last_success_timestamp_seconds\{feed="%s"\} (\d+)$' % name, m, re.M)
    return int(r.group(1)) if r else None
good = calendar.timegm(time.strptime(feeds["good"]["last_success"], "%Y-%m-%dT%H:%M:%SZ"))
ok(last_success("good") == good, "the good feed's last success, as /feeds has it")
ok(last_success("bad") == 0, "the failing feed never worked: 0")
ok("# TYPE feedwatch_fetch_duration_seconds histogram" in m, "a fetch-duration histogram")
b = [int(x) for x in re.findall(r'^feedwatch_fetch_duration_seconds_bucket\{le="[^"]+"\} (\d+)$', m, re.M)]
cnt = re.search(r'^feedwatch_fetch_duration_seconds_count (\d+)$', m, re.M)
polls = sum(int(x) for x in re.findall(r'^feedwatch_polls_total\{result="[^"]+"\} (\d+)$', m, re.M))
ok(len(b) == 11 and b == sorted(b) and cnt and b[-1] == int(cnt.group(1)) == polls >= 1,
   "its buckets are cumulative and count every poll (%d)" % polls)
PY
while read -r rc what; do ok "$rc" "$what"; done <"$T/checks"
kill "$dpid"; wait "$dpid" 2>/dev/null
done_testing
