#!/bin/sh
# Crash safety with articles in flight: feedwatchd reads an `article =
# fetch` feed whose pages take a while to come (tests/artsrv.py /delay/),
# and is killed with SIGKILL at random moments after it began to fetch
# them, 12 rounds, while the feed grows; then it runs to the end.  Only the articles name the actor (the
# feed's text never does), so each alert was scored on its article.  In
# the store every such item has exactly one alert and no other item has
# any (nothing lost, nothing twice); the file sink has each at least once,
# and a repeat only where a kill fell between a delivery and its record
# (at most once per kill).
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
ROUNDS=12
START=20
GROW=6
mkdir -p "$T/site" "$T/state"
start_server python3 "$top_srcdir/tests/artsrv.py" "$T/site"
B="http://127.0.0.1:$port"

# Pages and the feed for n items: every third page names Alpha Corp in
# its story; every page's menu does (which must not count).
write_site() { # n
	python3 - "$T/site" "$1" "$B" <<'PY'
import os, sys
d, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
items = []
for i in range(1, n + 1):
    story = ('Alpha Corp said on Monday that item %d was signed.' % i
             if i % 3 == 0 else 'The council met on Monday about item %d.' % i)
    page = ('<html><head><title>Story %d</title></head><body>'
            '<nav><a href="/alpha">Alpha Corp</a></nav>'
            '<div class="story"><p>%s It is a long paragraph, with commas,'
            ' about the day and what was said, so it scores.</p>'
            '<p>A second paragraph, with more words, about item %d.</p></div>'
            '<footer>Alpha Corp news</footer></body></html>' % (i, story, i))
    open(os.path.join(d, 'p%d.html' % i), 'w').write(page)
    items.append('<item><guid>i%d</guid><title>Story number %d</title>'
                 '<link>%s/delay/p%d.html</link>'
                 '<description>Teaser %d.</description></item>' % (i, i, base, i, i))
tmp = os.path.join(d, 'feed.xml.tmp')
open(tmp, 'w').write('<?xml version="1.0"?><rss version="2.0"><channel>'
                     '<title>t</title><link>%s</link><description>d</description>%s'
                     '</channel></rss>' % (base, ''.join(items)))
os.rename(tmp, os.path.join(d, 'feed.xml'))
PY
}

cat > "$T/fw.conf" <<EOF2
[daemon]
state-dir = $T/state
interval = 1s
max-concurrent = 8
per-host = 2

[feed site]
url = $B/f/feed.xml
article = fetch
backfill = 10000

[actor alpha]
name = Alpha Corp

[watchlist crash]
actors = alpha
require = actor
threshold = 1
sinks = out

[sink out]
type = file
path = $T/alerts.jsonl
EOF2

# Article pages asked for so far.
article_requests() {
	cat "$T/site/requests.log" 2>/dev/null | grep -c '/delay/'
}

n=$START
write_site $n
kills=0
mid=0
for r in $(seq 1 $ROUNDS); do
	seen=$(article_requests)
	"$FEEDWATCHD" -c "$T/fw.conf" -f 2>> "$T/log" &
	pid=$!
	cleanup_pid $pid
	# Once this run asks for an article (each takes a second to come),
	# a random moment within the next second and a half.
	tries=0
	while [ "$(article_requests)" -le "$seen" ] && [ "$tries" -lt 300 ]; do
		tries=$((tries + 1))
		sleep 0.1
	done
	sleep "$(python3 -c 'import random; print(random.uniform(0, 1.5))')"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	# Items the kill left waiting for their article.
	w=$(sqlite3 "$T/state/state.db" 'SELECT count(*) FROM article_pending' 2>/dev/null)
	[ "${w:-0}" -gt 0 ] && mid=$((mid + 1))
	n=$((n + GROW))
	write_site $n
done
in_flight=$(grep -c '/delay/' "$T/site/requests.log")
diag "$kills kills ($mid with articles in flight), $in_flight article requests, $n items"
ok $([ "$mid" -gt 0 ]; echo $?) "some kills fell while articles were in flight"
# To the end: --once waits for every article still pending.
"$FEEDWATCHD" -c "$T/fw.conf" --once 2>> "$T/log"
is $? 0 "the last run exits 0"

expected=$(seq 3 3 $n | sed 's/^/i/' | sort)
stored=$(sqlite3 "$T/state/state.db" \
    "SELECT json_extract(doc, '$.item.id') FROM alerts" | sort)
is "$stored" "$expected" \
    "the store has one alert for each item whose article names the actor, none for the others"
is "$(sqlite3 "$T/state/state.db" 'SELECT count(*) FROM article_pending')" 0 \
    "no item is left waiting for its article"
delivered=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["item"]["id"])' "$T/alerts.jsonl" | sort)
is "$(printf '%s\n' "$delivered" | uniq)" "$expected" \
    "the file sink has every alert"
extra=$(( $(printf '%s\n' "$delivered" | wc -l) - $(printf '%s\n' "$expected" | wc -l) ))
diag "$extra repeated deliveries"
ok $([ "$extra" -le "$kills" ]; echo $?) \
    "a repeat only where a kill fell between delivery and record ($extra <= $kills)"
ok $([ "$(grep -c '"article":"fetched"' "$T/alerts.jsonl")" -eq \
    "$(wc -l < "$T/alerts.jsonl")" ]; echo $?) \
    "every alert was scored on its fetched article"
done_testing
