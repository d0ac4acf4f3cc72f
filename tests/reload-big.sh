#!/bin/sh
# A SIGHUP with a large config (about 8 MB of topic terms) is loaded and
# built off the loop: while it is under way the status API answers and
# polls go on; then the new config runs.  A second SIGHUP during it is
# kept for after.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><link>https://f.example/</link>\n<item><title>Acme merger</title><guid>g1</guid><link>https://f.example/1</link></item>\n</channel></rss>\n' > "$T/feed.xml"
cat > "$T/base.conf" <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
interval = 1s

[feed f]
url = file://$T/feed.xml
backfill = 10

$(acme_watchlist out)

[sink out]
type = file
path = $T/alerts.jsonl
EOF
cp "$T/base.conf" "$T/run.conf"
"$FEEDWATCHD" -c "$T/run.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/alerts.jsonl" '"title":"Acme merger"' 30
ok $? "the small config runs"

{
	cat "$T/base.conf"
	python3 - <<'EOF'
import random
random.seed(2)
l = "abcdefghijklmnopqrstuvwxyz"
for t in range(400):
    print("[topic big%d]" % t)
    for n in range(60):
        print("term = " + ", ".join("".join(random.choice(l) for _ in range(8)) for _ in range(30)))
print("[watchlist big]")
print("topics = " + ", ".join("big%d" % t for t in range(400)))
EOF
} > "$T/run.conf.tmp"
mv "$T/run.conf.tmp" "$T/run.conf"
diag "config: $(wc -c < "$T/run.conf") bytes"
polls() {
	curl -s -m 5 "http://127.0.0.1:$aport/metrics" |
	    awk '/^feedwatch_polls_total\{/ { n += $2 } END { print n + 0 }'
}
kill -HUP $pid
wait_for "$T/log" "reloading" 10
answered=0 served=0
before=$(polls)
while ! grep -q "reloaded:" "$T/log"; do
	code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$aport/healthz")
	if ! grep -q "reloaded:" "$T/log"; then
		[ "$code" = 200 ] && answered=$((answered + 1))
		[ "$answered" -eq 2 ] && kill -HUP $pid
	fi
	sleep 0.2
	served=$((served + 1))
	[ "$served" -gt 1500 ] && break
done
after=$(polls)
ok $([ "$answered" -gt 0 ]; echo $?) "/healthz answered during the reload ($answered times)"
diag "polls during the reload: $before -> $after"
wait_for "$T/log" "reloaded: 1 feeds, 2 watchlists" 300
ok $? "the big config runs"
lag=$(curl -s "http://127.0.0.1:$aport/metrics" | awk '/^feedwatch_loop_lag_max_seconds/ { print $2 }')
diag "loop lag max: $lag s"
if [ "$answered" -ge 2 ]; then
	wait_for "$T/log" "another follows it" 10
	ok $? "a SIGHUP during the reload is kept"
	n=0
	while [ "$(grep -c 'reloaded:' "$T/log")" -lt 2 ] && [ $n -lt 3000 ]; do
		n=$((n + 1)); sleep 0.1
	done
	is "$(grep -c 'reloaded:' "$T/log")" 2 "... and runs after it"
fi
kill $pid; wait $pid
is $? 0 "the daemon stops cleanly"
done_testing
