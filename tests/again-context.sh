#!/bin/sh
# An old item that comes again byte for byte is left unread, but its id
# may depend on what is around it: a link-only item's id is its link,
# resolved against the channel's xml:base.  When that base changes, the
# same bytes are a new item; the daemon must read the feed whole again
# and alert it, not leave it unread for good.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
# version BASE NOTE: the feed, its one link-only item under BASE, and a
# note whose title changes so that the bytes change around the item.
version() {
	{
		printf '<?xml version="1.0"?>\n<rss version="2.0"><channel xml:base="%s"><title>t</title>\n' "$1"
		printf '<item><title>Weather note %s</title><guid>note-%s</guid></item>\n' "$2" "$2"
		printf '<item><title>Acme merger report</title><link>report</link></item>\n'
		printf '</channel></rss>\n'
	} >"$T/feed.xml.tmp"
	mv "$T/feed.xml.tmp" "$T/feed.xml"
}
version https://news.example/2025/ 1
ap=$(free_port)
cat >"$T/fw.conf" <<CONF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$ap
interval = 1s

[feed based]
url = file:$T/feed.xml

$(acme_watchlist file)

[sink file]
type = file
path = $T/alerts.jsonl
CONF
metric() {
	curl -sf "http://127.0.0.1:$ap/metrics" 2>/dev/null | awk -v m="$1" '$1 == m { print $2 }'
}
reads() { metric 'feedwatch_polls_total{result="ok"}'; }
# read_more N: until the daemon has read the feed (a 200 parsed) N times
read_more() {
	_n=0
	until [ "$(reads)" -ge "$1" ] 2>/dev/null; do
		_n=$((_n + 1)); [ "$_n" -gt 300 ] && return 1; sleep 0.1
	done
}

"$FEEDWATCHD" -f -c "$T/fw.conf" 2>"$T/log" &
pid=$!
cleanup_pid $pid
read_more 1
ok $? "the first read (it alerts nothing: a feed's first fetch)"
version https://news.example/2025/ 2
read_more 2
ok $? "the second: the item, old, is read"
version https://news.example/2025/ 3
read_more 3
ok $? "the third: the item comes again byte for byte"
is "$(metric feedwatch_items_again_total)" 1 "... and is left unread"
is "$(wc -l <"$T/alerts.jsonl" 2>/dev/null || echo 0)" 0 "no alert so far"

# The base changes: the same bytes are now another item, which alerts.
version https://news.example/2026/ 4
wait_for "$T/alerts.jsonl" 'https://news.example/2026/report' 20
ok $? "the item under the new base alerts (the feed was read whole again)"
is "$(grep -c 'Acme merger report' "$T/alerts.jsonl")" 1 "once"
kill -TERM $pid
wait $pid
is $? 0 "the daemon stops cleanly"
done_testing
