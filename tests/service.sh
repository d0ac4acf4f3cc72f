#!/bin/sh
# feedwatchd as a service: sd_notify messages on a real datagram socket,
# the watchdog, SIGHUP reloads (a good edit takes effect, a broken one is
# refused with file:line while the old watchlists keep alerting, a removed
# feed stops being polled), the status API's four endpoints and
# `feedwatch status`, a busy port, and a clean SIGTERM.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state" "$T/state2"
port=$(free_port)

feed_with() { # file title...: an RSS feed whose items have these titles
	f=$1
	shift
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>svc</title><link>https://svc.example/</link>\n'
		i=0
		for t in "$@"; do
			i=$((i + 1))
			printf '<item><title>%s</title><link>https://svc.example/%s</link><guid>svc-%s</guid><description>%s</description></item>\n' \
			    "$t" "$(printf '%s' "$t" | tr -c 'a-zA-Z0-9' '-')" "$(printf '%s' "$t" | tr -c 'a-zA-Z0-9' '-')" "$t"
		done
		printf '</channel></rss>\n'
	} > "$f.tmp"
	mv "$f.tmp" "$f"
}

write_conf() { # extra watchlist? (yes|no) second feed? (yes|no)
	{
		printf '[daemon]\nstate-dir = %s/state\nhttp = 127.0.0.1:%s\ninterval = 1s\n\n' "$T" "$port"
		printf '[feed one]\nurl = file://%s/one.xml\nbackfill = 100\n\n' "$T"
		[ "$2" = yes ] && printf '[feed two]\nurl = file://%s/two.xml\nbackfill = 100\n\n' "$T"
		cat <<'CONF'
[actor acme]
name = Acme

[topic merger]
term = merger

[topic lawsuit]
term = lawsuit

[watchlist deals]
actors = acme
topics = merger
require = actor and topic
threshold = 1
sinks = out
CONF
		if [ "$1" = yes ]; then
			printf '\n[watchlist courts]\nactors = acme\ntopics = lawsuit\nrequire = actor and topic\nthreshold = 1\nsinks = out\n'
		fi
		printf '\n[sink out]\ntype = file\npath = %s/alerts.jsonl\n' "$T"
	} > "$T/svc.conf"
}

feed_with "$T/one.xml" "Acme announces merger"
feed_with "$T/two.xml" "Nothing here"
write_conf no yes

# The service manager's end of NOTIFY_SOCKET: every datagram on a line.
python3 - "$T/notify.sock" "$T/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w", buffering=1) as log:
    while True:
        msg = s.recv(4096).decode()
        log.write(msg.replace("\n", "|") + "\n")
PY
cleanup_pid $!
n=0
while [ ! -S "$T/notify.sock" ] && [ "$n" -lt 100 ]; do sleep 0.05; n=$((n + 1)); done

NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=400000 \
    "$FEEDWATCHD" -c "$T/svc.conf" -v 2> "$T/log" &
pid=$!
cleanup_pid $pid

wait_for "$T/notify.log" '^READY=1$'
ok $? "READY=1 once the loop is armed"
wait_for "$T/notify.log" '^STATUS=[0-9]+ feeds, [0-9]+ polls, [0-9]+ alerts, outbox [0-9]+$'
ok $? "a STATUS= line with feeds, polls, alerts and the outbox"
wait_for "$T/alerts.jsonl" '"title":"Acme announces merger"'
ok $? "the first poll alerts (deals)"
wait_for "$T/notify.log" '^WATCHDOG=1$' && sleep 0.5
n=$(grep -c '^WATCHDOG=1$' "$T/notify.log")
ok $([ "$n" -ge 2 ]; echo $?) "WATCHDOG=1 pings at half of WATCHDOG_USEC ($n so far)"

# The status API.
curl -sf "http://127.0.0.1:$port/healthz" > "$T/healthz"
is "$(cat "$T/healthz")" "ok" "/healthz answers ok"
curl -sf "http://127.0.0.1:$port/metrics" > "$T/metrics"
python3 - "$T/metrics" <<'PY'
import re, sys
names = set()
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("#"):
        assert re.match(r"# (HELP|TYPE) feedwatch_\w+ ", line), line
        continue
    m = re.match(r'(feedwatch_\w+)(\{(\w+="[^"]*",?)+\})? (-?[0-9.e+]+)$', line)
    assert m, line
    names.add(m.group(1))
for want in ("feedwatch_polls_total", "feedwatch_items_new_total",
             "feedwatch_alerts_total", "feedwatch_deliveries_total",
             "feedwatch_outbox_depth", "feedwatch_loop_lag_seconds",
             "feedwatch_fetched_bytes_total"):
    assert want in names, want
PY
ok $? "/metrics is Prometheus text with polls, items, alerts, deliveries, outbox, loop lag"
like "$(cat "$T/metrics")" 'feedwatch_alerts_total\{watchlist="deals"\} 1' "alerts counted by watchlist"
python3 - "$T/metrics" <<'PY'
import re, sys
m = open(sys.argv[1]).read()
b = [(float(le), int(n)) for le, n in re.findall(
    r'^feedwatch_alert_delay_seconds_bucket\{sink="out",le="([0-9.e+-]+)"\} (\d+)$', m, re.M)]
inf = re.search(r'^feedwatch_alert_delay_seconds_bucket\{sink="out",le="\+Inf"\} (\d+)$', m, re.M)
cnt = re.search(r'^feedwatch_alert_delay_seconds_count\{sink="out"\} (\d+)$', m, re.M)
s = re.search(r'^feedwatch_alert_delay_seconds_sum\{sink="out"\} ([0-9.]+)$', m, re.M)
assert len(b) == 16 and [n for _, n in b] == sorted(n for _, n in b), b
assert inf and cnt and int(inf.group(1)) == int(cnt.group(1)) == 1, (inf, cnt)
assert b[-1][1] == 1 and s and 0 < float(s.group(1)) < 300, (b, s)
PY
ok $? "/metrics has the fetch-to-delivery delay of the one alert, by sink"
curl -sf "http://127.0.0.1:$port/feeds" > "$T/feeds.json"
python3 - "$T/feeds.json" <<'PY'
import json, sys
feeds = json.load(open(sys.argv[1]))
assert [f["name"] for f in feeds] == ["one", "two"], feeds
for f in feeds:
    assert f["url"].startswith("file://") and "next_poll" in f and "error" in f
PY
ok $? "/feeds is JSON with each feed's URL, last and next poll, error"
curl -sf "http://127.0.0.1:$port/alerts?since=2000-01-01T00:00:00Z" > "$T/alerts.json"
python3 - "$T/alerts.json" <<'PY'
import json, sys
alerts = json.load(open(sys.argv[1]))
assert len(alerts) == 1 and alerts[0]["watchlist"] == "deals", alerts
assert alerts[0]["also_in"] == []
PY
ok $? "/alerts?since= is JSON with the alert documents"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/alerts?since=yesterday")
is "$code" 400 "/alerts with a bad since answers 400"
out=$("$FEEDWATCH" status --http "127.0.0.1:$port")
ok $? "feedwatch status exits 0"
like "$out" "feedwatchd at 127.0.0.1:$port: up" "feedwatch status says the daemon is up"
like "$out" 'one +ok +last 20' "and lists the feeds with their state"
like "$out" 'deals +[0-9]+/1 +Acme announces merger' "and the recent alerts"

# A second daemon on the same port: a clear error.
sed -e "s|state-dir = .*|state-dir = $T/state2|" "$T/svc.conf" > "$T/busy.conf"
err=$("$FEEDWATCHD" -c "$T/busy.conf" --once 2>&1)
is $? 1 "a busy status port stops a second daemon"
like "$err" "status API: cannot listen on 127.0.0.1:$port: Address already in use" "naming the address and the reason"

# A good reload: a new watchlist, and the second feed removed.
write_conf yes no
kill -HUP $pid
wait_for "$T/log" 'reloaded: 1 feeds, 2 watchlists'
ok $? "SIGHUP loads the edited config"
# A poll of the removed feed in flight at the reload may still end.
sleep 0.5
polls_two=$(grep -c 'feed two: ' "$T/log")
wait_for "$T/notify.log" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$'
ok $? "RELOADING=1 with MONOTONIC_USEC around the reload"
n=$(grep -c '^READY=1$' "$T/notify.log")
ok $([ "$n" -ge 2 ]; echo $?) "and READY=1 after it"
feed_with "$T/one.xml" "Acme faces lawsuit" "Acme announces merger"
wait_for "$T/alerts.jsonl" '"watchlist":"courts".*"title":"Acme faces lawsuit"'
ok $? "the new watchlist alerts on a new item"
is "$(grep -c '"title":"Acme announces merger"' "$T/alerts.jsonl")" 1 "an old item does not alert again after the reload"
sleep 2.5
is "$(grep -c 'feed two: ' "$T/log")" "$polls_two" "the removed feed is not polled any more"

# A broken reload: refused with file:line, the old watchlists go on.
cp "$T/svc.conf" "$T/good.conf"
printf '\n[watchlist broken]\nthreshold = many\n' >> "$T/svc.conf"
kill -HUP $pid
wait_for "$T/log" 'reload failed, the running configuration stays: .*svc\.conf:[0-9]+: '
ok $? "a broken edit is refused, with file:line in the log"
feed_with "$T/one.xml" "Acme agrees merger with rival" "Acme faces lawsuit" "Acme announces merger"
wait_for "$T/alerts.jsonl" '"watchlist":"deals".*"title":"Acme agrees merger with rival"'
ok $? "the running watchlists keep alerting"
kill -0 $pid
ok $? "the daemon is still running"

# SIGTERM: STOPPING=1 and a clean exit.
kill -TERM $pid
wait $pid
is $? 0 "SIGTERM stops the daemon with status 0"
wait_for "$T/notify.log" '^STOPPING=1$' 5
ok $? "STOPPING=1 on SIGTERM"
is "$(sqlite3 "$T/state/state.db" 'pragma integrity_check')" ok "the state file is intact"
done_testing
