#!/bin/sh
# feedwatchd end to end, with real files, a real state.db and real
# processes: the first run alerts, a second alerts nothing, a new item
# alerts alone, one story from two feeds alerts once, and bad state or
# config stop the daemon with a clear message before it touches anything.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
cp -R "$top_srcdir/examples/feeds" "$T/feeds"
chmod -R u+w "$T/feeds"
# The example config, with its state in the test's directory.
sed -e "s|^state-dir = .*|state-dir = $T/state|" \
    -e "s|^path = .*alerts.jsonl|path = $T/alerts.jsonl|" \
    "$top_srcdir/examples/feedwatch.conf" > "$T/feedwatch.conf"
mkdir -p "$T/state"

# What `feedwatch score` says alerts (item id, watchlist), feed by feed.
for f in world-wire eastern-desk; do
	"$FEEDWATCH" score -c "$T/feedwatch.conf" "$T/feeds/$f.xml" |
	    python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    if d["alert"]:
        print(d["item"]["id"], d["watchlist"])'
done | sort > "$T/expected"
n_expected=$(wc -l < "$T/expected")
ok $([ "$n_expected" -ge 10 ]; echo $?) "the example feeds have alerting items ($n_expected)"

alerts_of() { # the (item id, watchlist) pairs in the file sink
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(d["item"]["id"], d["watchlist"])' "$T/alerts.jsonl" | sort
}

"$FEEDWATCHD" -c "$T/feedwatch.conf" --once > "$T/out1" 2> "$T/err1"
is $? 0 "first --once run exits 0"
is "$(alerts_of)" "$(cat "$T/expected")" "first run: exactly the items feedwatch score alerts on, once each"
is "$(grep -c 'feedwatchd: alert ' "$T/err1")" "$n_expected" "one readable log line per alert"
like "$(cat "$T/err1")" 'alert nk-russia score [0-9]+/8: .* <https://[^>]+> \[actors: .*; topics: .*\]' \
    "the log line has watchlist, score, title, link, actors and topics"
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert len(d["id"]) == 16 and d["score"] >= d["threshold"]
    assert d["fired_at"].endswith("Z") and d["item"]["feed"]
    assert d["matches"] and all(m["snippets"] for m in d["matches"])
    assert d["also_in"] == []' "$T/alerts.jsonl"
ok $? "every alert document has the SPEC's fields"

"$FEEDWATCHD" -c "$T/feedwatch.conf" --once 2> "$T/err2"
is $? 0 "second run exits 0"
is "$(wc -l < "$T/alerts.jsonl")" "$n_expected" "second run on the same state alerts nothing"
like "$(cat "$T/err2")" 'done: 2 polls, 0 new items, 0 alerts' "and says so"

# A new on-subject item at the top of one feed alerts alone.
python3 - "$T/feeds/world-wire.xml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
item = """<item><title>Pyongyang sends more troops to Russia, Seoul says</title>
<link>https://wire.example.org/world/2024/11/20/more-troops?utm_source=rss</link>
<guid>wire-new-1</guid><pubDate>Wed, 20 Nov 2024 08:00:00 GMT</pubDate>
<description>South Korea's spy agency says North Korea has deployed thousands more soldiers to Russia.</description></item>
"""
i = s.index("<item>")
open(p, "w", encoding="utf-8").write(s[:i] + item + s[i:])
PY
touch -d '+2 seconds' "$T/feeds/world-wire.xml" 2>/dev/null
"$FEEDWATCHD" -c "$T/feedwatch.conf" --once 2> "$T/err3"
is $? 0 "third run exits 0"
new=$(alerts_of | grep -c '^wire-new-1 ')
is "$new" 1 "the new item alerts on nk-russia"
is "$(wc -l < "$T/alerts.jsonl")" "$((n_expected + new))" "and nothing else alerts"

# The same story in the other feed, its link differing only in tracking
# parameters: recorded, not alerted again.
python3 - "$T/feeds/eastern-desk.xml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
entry = """<entry><title>More North Korean troops head for Russia</title>
<link href="https://wire.example.org/world/2024/11/20/more-troops?utm_medium=feed&amp;fbclid=abc"/>
<id>urn:eastern-desk:dup-1</id><updated>2024-11-20T09:00:00Z</updated>
<summary>Seoul's intelligence service says North Korea has sent thousands more soldiers to Russia.</summary></entry>
"""
i = s.index("<entry>")
open(p, "w", encoding="utf-8").write(s[:i] + entry + s[i:])
PY
touch -d '+4 seconds' "$T/feeds/eastern-desk.xml" 2>/dev/null
"$FEEDWATCHD" -c "$T/feedwatch.conf" --once 2> "$T/err4"
is $? 0 "fourth run exits 0"
is "$(wc -l < "$T/alerts.jsonl")" "$((n_expected + new))" "the same story from another feed does not alert again"
like "$(cat "$T/err4")" "nk-russia: \"More North Korean troops head for Russia\" in feed eastern-desk is the story of alert [0-9a-f]{16}; recorded in its also_in" \
    "the log names the earlier alert and the other feed"
is "$(sqlite3 "$T/state/state.db" "select feed from sightings")" "eastern-desk" \
    "the sighting is kept in the state for also_in"

# A GUID storm: the feed re-issues every item under a new id.
sed -i 's|\(<guid[^>]*>\)\([^<]*\)</guid>|\1\2-reissued</guid>|' "$T/feeds/world-wire.xml"
touch -d '+6 seconds' "$T/feeds/world-wire.xml" 2>/dev/null
"$FEEDWATCHD" -c "$T/feedwatch.conf" --once 2> "$T/err-storm"
is $? 0 "a run over re-issued items exits 0"
is "$(wc -l < "$T/alerts.jsonl")" "$((n_expected + new))" "items re-issued under new ids do not alert again"
is "$(grep -c 'repeat links the feed already had' "$T/err-storm")" 1 "the storm is reported once"
like "$(cat "$T/err-storm")" 'feed world-wire: 17 of 17 new items repeat links' "naming the feed and the count"

# --json: the log sink prints documents.
mkdir -p "$T/state2"
sed -e "s|^state-dir = .*|state-dir = $T/state2|" "$T/feedwatch.conf" > "$T/json.conf"
"$FEEDWATCHD" -c "$T/json.conf" --once --json 2> "$T/err5" >/dev/null
like "$(grep -m1 'feedwatchd: {' "$T/err5")" '^feedwatchd: \{"id":"[0-9a-f]{16}","watchlist":' "--json logs alert documents"

# A corrupt state file: a clear error, the file untouched.
mkdir -p "$T/bad"
printf 'not a database at all, just some text that is long enough to be read as a header by SQLite' > "$T/bad/state.db"
cp "$T/bad/state.db" "$T/bad/copy"
sed -e "s|^state-dir = .*|state-dir = $T/bad|" "$T/feedwatch.conf" > "$T/bad.conf"
err=$("$FEEDWATCHD" -c "$T/bad.conf" --once 2>&1)
is $? 1 "a corrupt state file stops the daemon (exit 1)"
like "$err" "bad/state\.db: .*(not a database|corrupt)" "with the file and the reason"
cmp -s "$T/bad/state.db" "$T/bad/copy"
ok $? "the corrupt file is never replaced"

# A state-dir that cannot be a directory.
: > "$T/notadir"
sed -e "s|^state-dir = .*|state-dir = $T/notadir|" "$T/feedwatch.conf" > "$T/nd.conf"
err=$("$FEEDWATCHD" -c "$T/nd.conf" --once 2>&1)
is $? 1 "an unusable state-dir stops the daemon"
like "$err" "notadir: not a directory" "and says why"

# A broken config names file:line.
printf '[daemon]\nstate-dir = %s\nbogus-key = 1\n' "$T/state" > "$T/broken.conf"
err=$("$FEEDWATCHD" -c "$T/broken.conf" --once 2>&1)
is $? 1 "a broken config stops the daemon"
like "$err" "broken\.conf:3: " "with file:line"
done_testing
