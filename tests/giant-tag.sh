#!/bin/sh
# An item whose start tag passes 1 MiB (an attribute of megabytes) is
# not lost: the daemon reads it without its attributes, alerts on it,
# logs a warning and counts it in /metrics (feedwatch_giant_tags_total).
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
python3 - "$T/feed.xml" <<'EOF'
import sys
big = "x" * (1536 * 1024)
open(sys.argv[1], "w").write(
    '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>'
    '<link>https://g.example/</link>\n'
    '<item><title>Acme merger before</title><guid>g0</guid>'
    '<link>https://g.example/0</link></item>\n'
    '<item data-x="%s"><title>Acme merger giant</title><guid>g1</guid>'
    '<link>https://g.example/1</link></item>\n'
    '<item><title>Acme merger after</title><guid>g2</guid>'
    '<link>https://g.example/2</link></item>\n'
    '</channel></rss>\n' % big)
EOF
out=$("$FEEDWATCH" parse "$T/feed.xml")
like "$out" '"title": *"Acme merger giant"' "feedwatch parse keeps the item"
like "$out" 'start tag <item> longer than 65536 bytes' "... and warns"
cat > "$T/feedwatch.conf" <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
interval = 1h

[feed f]
url = file://$T/feed.xml
backfill = 10

$(acme_watchlist out)

[sink out]
type = file
path = $T/alerts.jsonl
EOF
"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/alerts.jsonl" '"title":"Acme merger after"' 30
ok $? "the feed is read"
like "$(cat "$T/alerts.jsonl")" '"title":"Acme merger giant"' "the item with the giant start tag alerts"
like "$(cat "$T/log")" "feed f: 1 start tags over 1 MiB read without their attributes" "the log says so"
like "$(curl -s "http://127.0.0.1:$aport/metrics")" "feedwatch_giant_tags_total 1" "/metrics counts it"
kill $pid; wait $pid
done_testing
