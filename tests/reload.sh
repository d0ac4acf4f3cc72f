#!/bin/sh
# A reload whose config loads but cannot be built — a term that can never
# match, a file sink that cannot be opened — is refused before anything of
# the running pipeline is touched: a slow fetch (tests/httpd's /trickle) in
# flight during the SIGHUPs finishes and alerts, the counters go on, new
# items keep alerting through the old config, and the log names the reason
# with file:line.  `feedwatch check` refuses both configs with the same
# message, since it runs the same prepare step.  Last, a good reload during
# a fetch: the old transfer leaves the shared curl driver and the new
# pipeline's fetch completes on it.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state" "$T/adir"
start_server "$top_builddir/tests/httpd"
hport=$port
aport=$(free_port)

# slow_is EXPR: EXPR holds for the slow feed in the status API's /feeds
# (last_poll is set when a fetch of this pipeline completes).
slow_is() {
	curl -sf "http://127.0.0.1:$aport/feeds" | python3 -c '
import json, sys
slow = {f["name"]: f for f in json.load(sys.stdin)}["slow"]
sys.exit(0 if '"$1"' else 1)'
}
# first_in_flight: the slow feed's first fetch is under way.
first_in_flight() {
	slow_is 'slow["in_flight"] and slow["last_poll"] is None'
}

# until_true SECONDS CMD...: run CMD every 0.1 s until it succeeds.
until_true() {
	_s=$1
	shift
	n=0
	until "$@"; do
		n=$((n + 1))
		[ "$n" -gt $((_s * 10)) ] && return 1
		sleep 0.1
	done
}

# polls: feedwatch_polls_total from /metrics, every result summed.
polls() {
	curl -sf "http://127.0.0.1:$aport/metrics" |
	    awk '/^feedwatch_polls_total\{/ { n += $2 } END { print n + 0 }'
}

feed_with() { # file title...: an RSS feed whose items have these titles
	f=$1
	shift
	{
		printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><link>https://r.example/</link>\n'
		for t in "$@"; do
			k=$(printf '%s' "$t" | tr -c 'a-zA-Z0-9' '-')
			printf '<item><title>%s</title><link>https://r.example/%s</link><guid>%s</guid><description>%s</description></item>\n' \
			    "$t" "$k" "$k" "$t"
		done
		printf '</channel></rss>\n'
	} > "$f.tmp"
	mv "$f.tmp" "$f"
}

# The running config: a local feed polled every second, and the slow feed,
# whose test items ("Item N" / "Body N") alert on watchlist `items`.
cat > "$T/good.conf" <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
interval = 1s
timeout = 2m

[feed local]
url = file://$T/local.xml
backfill = 100

[feed slow]
url = http://127.0.0.1:$hport/trickle
interval = 2s
backfill = 100

[actor acme]
name = Acme

[topic merger]
term = merger

[actor item]
name = Item

[topic body]
term = body

[watchlist deals]
actors = acme
topics = merger
require = acme and merger
threshold = 2
sinks = out

[watchlist items]
actors = item
topics = body
require = actor and topic
threshold = 1
sinks = out

[sink out]
type = file
path = $T/alerts.jsonl
EOF
cp "$T/good.conf" "$T/run.conf"
# Loads, but has a term that can never match (line 2 of its topic).
{ cat "$T/good.conf"; printf '\n[topic dashes]\nterm = "---"\n'; } > "$T/noterm.conf"
noterm_line=$(($(wc -l < "$T/good.conf") + 3))
# Loads, but its file sink is a directory.
sed -e "s|^path = .*|path = $T/adir|" "$T/good.conf" > "$T/nosink.conf"
sink_line=$(grep -n '^\[sink out\]' "$T/nosink.conf" | cut -d: -f1)

feed_with "$T/local.xml" "Acme announces merger"
"$FEEDWATCHD" -c "$T/run.conf" -f -v 2> "$T/log" &
pid=$!
cleanup_pid $pid

wait_for "$T/alerts.jsonl" '"title":"Acme announces merger"'
ok $? "the running config alerts"
until_true 30 first_in_flight
# A few polls of the local feed, so that counters starting again from
# zero would show.
n=0
while [ "$(polls)" -lt 3 ] && [ "$n" -lt 100 ]; do
	n=$((n + 1))
	sleep 0.1
done
first_in_flight
ok $? "the slow feed's first fetch is in flight"
before=$(polls)

cp "$T/noterm.conf" "$T/run.conf"
kill -HUP $pid
wait_for "$T/log" 'reload failed, the running configuration stays: '
like "$(grep 'reload failed' "$T/log" | tail -1)" \
    "reload failed, the running configuration stays: $T/run\\.conf:$noterm_line: term \"---\" has no letters or digits" \
    "a term that can never match is refused, with file:line"
cp "$T/nosink.conf" "$T/run.conf"
kill -HUP $pid
wait_for "$T/log" 'stays: .*cannot open'
like "$(grep 'reload failed' "$T/log" | tail -1)" \
    "reload failed, the running configuration stays: $T/run\\.conf:$sink_line: sink out: cannot open $T/adir: Is a directory" \
    "a file sink that cannot be opened is refused, with file:line"
first_in_flight
ok $? "the fetch in flight during both SIGHUPs is still the first, in flight"
mid=$(polls)
ok $([ "$mid" -ge "$before" ] && [ "$before" -ge 3 ]; echo $?) \
    "the running pipeline's counters go on ($before polls, then $mid)"
is "$(grep -c 'reloaded: ' "$T/log")" 0 "no reload took effect"

wait_for "$T/alerts.jsonl" '"watchlist":"items".*"title":"Item 3"' 60
ok $? "the fetch in flight finishes and its items alert"
feed_with "$T/local.xml" "Acme completes merger" "Acme announces merger"
wait_for "$T/alerts.jsonl" '"watchlist":"deals".*"title":"Acme completes merger"'
ok $? "new items keep alerting through the old config"
is "$(grep -c '"title":"Acme announces merger"' "$T/alerts.jsonl")" 1 \
    "and nothing alerts twice"
kill -0 $pid
ok $? "the daemon is still running"

# feedwatch check: the same step, the same messages.
for c in noterm nosink; do
	cp "$T/$c.conf" "$T/run.conf"
	err=$("$FEEDWATCH" check -c "$T/run.conf" 2>&1 >/dev/null); rc=$?
	is "$rc" 1 "feedwatch check refuses the $c config"
	want=$(grep 'reload failed' "$T/log" |
	    sed -n 's/.*the running configuration stays: //p' |
	    grep -F "$(if [ $c = noterm ]; then echo term; else echo sink; fi)")
	is "$err" "feedwatch check: $want" "... with the reload's message"
done
cp "$T/good.conf" "$T/run.conf"
"$FEEDWATCH" check -c "$T/run.conf" > /dev/null
ok $? "feedwatch check accepts the running config"

# A reload that takes effect while a fetch is in flight: the old
# pipeline's transfer is cancelled out of the shared curl driver, and the
# new pipeline's fetch of the same feed completes on it.
until_true 60 slow_is 'slow["in_flight"]'
ok $? "a later fetch of the slow feed is in flight"
kill -HUP $pid
wait_for "$T/log" 'reloaded: 2 feeds, 2 watchlists, 1 sinks'
ok $? "a good config reloads"
until_true 60 slow_is 'slow["last_poll"] is not None and slow["error"] is None'
ok $? "the new pipeline's fetch completes on the same curl driver"
kill -0 $pid
ok $? "the daemon is still running"

kill -TERM $pid
wait $pid
is $? 0 "SIGTERM stops the daemon with status 0"
done_testing
