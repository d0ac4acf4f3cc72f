#!/bin/sh
# The alerts feed and the API's writes.  /alerts.atom, read by Debian's
# python3-feedparser and by `feedwatch parse`, has one entry per alert,
# newest first, with tag URI ids, the item's link, fired_at and the score
# and matched names in the content; ?watchlist= keeps one watchlist's.
# Every path but /healthz and the page wants the token; POST /silences
# makes a silence `feedwatch silence list` shows, and is refused without a
# token, with a wrong one, and on a daemon with no http-token at all.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/people-lib.sh"

/usr/bin/python3 -c 'import feedparser' 2>/dev/null
ok $? "python3-feedparser is installed (build-aux/deps-debian)"
people_conf "" "surge = 3/1h" > "$T/feedwatch.conf"
people_start
wait_for "$T/a.jsonl" 'border' && wait_for "$T/a.jsonl" 'river'
# The feed's XML escapes it; the title is: & "tanks".
people_item wire 1 "Ruritania troops &amp; &quot;tanks&quot; cross the border"
wait_for "$T/a.jsonl" 'tanks' && wait_for "$T/a.jsonl" '"kind":"surge"'
ok $? "three alerts and a surge"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
is "$(code "http://127.0.0.1:$aport/alerts.atom")" 401 "/alerts.atom without the token: 401"
is "$(code -H 'Authorization: Bearer nope' "http://127.0.0.1:$aport/alerts.atom")" 401 \
    "with a wrong token: 401"
is "$(code "http://127.0.0.1:$aport/")" 200 "the page itself needs no token (it asks for it)"
like "$(curl -s -D - -o /dev/null -H "$AUTH" "http://127.0.0.1:$aport/alerts.atom")" \
    'Content-Type: application/atom\+xml' "served as application/atom+xml"

api /alerts.atom > "$T/alerts.atom"
/usr/bin/python3 - "$T/alerts.atom" > "$T/fp.out" <<'PY'
import sys, feedparser
d = feedparser.parse(open(sys.argv[1], "rb").read())
print("bozo", int(d.bozo), d.version)
print("feed", d.feed.title)
for e in d.entries:
    print(e.id.split(":", 2)[0], e.id.rsplit("/", 1)[-1] != "", e.title, e.get("link", "-"),
          e.updated_parsed is not None, "score" in e.content[0].value)
PY
is "$(sed -n 1,2p "$T/fp.out")" "bozo 0 atom10
feed feedwatch alerts" "feedparser reads valid Atom 1.0"
is "$(sed -n '3,$p' "$T/fp.out" | cut -d' ' -f1,2 | sort -u)" "tag True" "every id is a tag URI"
# The first two came in one poll, in either order.
is "$( (sed -n '3,4p' "$T/fp.out"; sed -n '5,$p' "$T/fp.out" | sort) | cut -d' ' -f3- )" \
"[rur] Surge on rur: 3 stories in 1h https://wire.example/1 True True
[rur] Ruritania troops & \"tanks\" cross the border https://wire.example/1 True True
[rur] Ruritania troops at the river https://desk.example/0 True True
[rur] Ruritania troops on the border https://wire.example/0 True True" \
    "one entry per alert, newest first, titles unescaped, links to the items"
"$FEEDWATCH" parse "$T/alerts.atom" > "$T/parse.json"
is $? 0 "feedwatch parse reads it"
is "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["format"], len(d["items"]), len(d["warnings"]))
print(d["items"][1]["title"], d["items"][1]["link"])
print(len(set(i["id"] for i in d["items"])), all(i["updated"] for i in d["items"]))
print("ruritania" in d["items"][1]["content"], "threshold 1" in d["items"][1]["content"])' "$T/parse.json")" \
"atom1.0 4 0
[rur] Ruritania troops & \"tanks\" cross the border https://wire.example/1
4 True
True True" "the same entries, distinct ids, updated set, score and names in the content"
api "/alerts.atom?watchlist=nosuch" > "$T/none.atom"
is "$("$FEEDWATCH" parse "$T/none.atom" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" 0 \
    "?watchlist= of another watchlist: no entries"
api "/alerts.atom?watchlist=rur" > "$T/rur.atom"
is "$("$FEEDWATCH" parse "$T/rur.atom" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" 4 \
    "?watchlist=rur: its four"

# Writes.
body='{"watchlist":"rur","feed":"desk","for":"2h","comment":"from the API"}'
is "$(code -X POST -d "$body" "http://127.0.0.1:$aport/silences")" 401 "POST /silences without the token: 401"
is "$(code -X POST -H 'Authorization: Bearer nope' -d "$body" "http://127.0.0.1:$aport/silences")" 401 \
    "with a wrong one: 401"
is "$(code -X POST -H "$AUTH" -d '{"feed":"nosuch","for":"2h","comment":"x"}' "http://127.0.0.1:$aport/silences")" 400 \
    "a feed the config lacks: 400"
is "$(code -X POST -H "$AUTH" -d '{"feed":"desk","comment":"x"}' "http://127.0.0.1:$aport/silences")" 400 \
    "no duration: 400"
is "$(code -X POST -H "$AUTH" -d '{}' "http://127.0.0.1:$aport/feeds")" 405 "POST elsewhere: 405"
big=$(python3 -c 'print("{\"comment\":\"" + "x" * 5000 + "\"}")')
is "$(code -X POST -H "$AUTH" -d "$big" "http://127.0.0.1:$aport/silences")" 413 \
    "a body over 4 KiB: 413"
sid=$(api /silences -X POST -d "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
like "$sid" '^[0-9]+$' "POST /silences with the token creates one"
like "$("$FEEDWATCH" silence list -c "$T/feedwatch.conf")" "^$sid	[0-9TZ:-]+ watchlist=rur feed=desk	from the API" \
    "feedwatch silence list shows it"
kill $pid; wait $pid

# No http-token: the API reads, but takes no writes.
grep -v '^http-token' "$T/feedwatch.conf" > "$T/open.conf"
mv "$T/open.conf" "$T/feedwatch.conf"
people_start
is "$(code "http://127.0.0.1:$aport/alerts.atom")" 200 "without http-token the feed is open"
is "$(code -X POST -d "$body" "http://127.0.0.1:$aport/silences")" 403 \
    "but POST /silences is refused: writes need http-token"
kill $pid; wait $pid
done_testing
