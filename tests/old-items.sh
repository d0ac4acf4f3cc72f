#!/bin/sh
# Old items after a restart: the feed's seen set is empty, so the store
# says which items are old.  An old item whose title and text changed
# (same guid, new markup) is not alerted again nor stored again; a new
# item beside it alerts, with its text made from its markup as before.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
rss "$T/feed.xml" "o-1:Acme announces merger:&lt;p&gt;Acme and its rival &lt;b&gt;agreed&lt;/b&gt; a merger.&lt;/p&gt;"

cat >"$T/fw.conf" <<CONF
[daemon]
state-dir = $T/state

[feed old]
url = file:$T/feed.xml
backfill = 10

$(acme_watchlist file)

[sink file]
type = file
path = $T/alerts.jsonl
CONF
alerts() { wc -l <"$T/alerts.jsonl" 2>/dev/null || echo 0; }
db() { sqlite3 "$T/state/state.db" "$1"; }

"$FEEDWATCHD" -c "$T/fw.conf" --once 2>"$T/log1"
is $? 0 "the first run exits 0"
is "$(alerts)" 1 "its item alerts"

# Same guid, another title and other markup; and a new item.
rss "$T/feed.xml" "o-2:Acme seals second merger:&lt;div&gt;Acme and a &lt;i&gt;third&lt;/i&gt; firm agreed a merger.&lt;/div&gt;" \
    "o-1:Acme announces merger, updated:&lt;p&gt;Acme &amp;amp; its rival agreed a merger &lt;em&gt;today&lt;/em&gt;.&lt;/p&gt;"
"$FEEDWATCHD" -c "$T/fw.conf" --once 2>"$T/log2"
is $? 0 "a run after a restart exits 0"
is "$(alerts)" 2 "one more alert"
like "$(tail -n 1 "$T/alerts.jsonl")" '"id":"o-2"' "the new item's"
like "$(tail -n 1 "$T/alerts.jsonl")" \
    '"summary":"Acme and a third firm agreed a merger."' \
    "its text made from its markup"
is "$(grep -c '"id":"o-1"' "$T/alerts.jsonl")" 1 \
    "the old item whose text changed is not alerted again"
is "$(db 'SELECT count(*) FROM items')" 2 "two items stored"
is "$(db "SELECT title FROM items WHERE id = 'o-1'")" \
    "Acme announces merger" "the old item was not stored again"
is "$(db "SELECT body FROM items WHERE id = 'o-2'")" \
    "Acme and a third firm agreed a merger." "the new one as text"
done_testing
