#!/bin/sh
# Silences: `feedwatch silence add --feed` beside a running daemon stops
# every sink's deliveries of that feed's alerts at the next poll, while
# the alerts are still recorded with the silence's id (the state, /alerts);
# expiring the silence does not release them, and later alerts flow again.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/people-lib.sh"

people_conf > "$T/feedwatch.conf"
people_start
wait_for "$T/a.jsonl" 'border' && wait_for "$T/b.jsonl" 'river'
ok $? "before any silence both feeds alert to both sinks"

"$FEEDWATCH" silence add -c "$T/feedwatch.conf" --for 1h --comment x > /dev/null 2>&1
is $? 2 "a silence without a matcher is a usage error"
"$FEEDWATCH" silence add -c "$T/feedwatch.conf" --feed nosuch --for 1h --comment x 2> "$T/err"
is $? 1 "a silence of a feed the config lacks is refused"
like "$(cat "$T/err")" 'no feed named nosuch' "naming it"
"$FEEDWATCH" silence add -c "$T/feedwatch.conf" --feed wire --comment x > /dev/null 2>&1
is $? 2 "a silence needs --for or --until"

id=$("$FEEDWATCH" silence add -c "$T/feedwatch.conf" --feed wire --for 2h \
    --comment "border storm" 2> "$T/err")
is $? 0 "silence add beside the running daemon exits 0"
like "$id" '^[0-9]+$' "and prints the silence's id"
like "$("$FEEDWATCH" silence list -c "$T/feedwatch.conf")" \
    "^$id	[0-9TZ:-]+ feed=wire	border storm" "silence list shows it"

people_item wire 1 "Ruritania troops cross the border"
people_item desk 1 "Ruritania troops cross the river"
wait_for "$T/a.jsonl" 'cross the river' && wait_for "$T/b.jsonl" 'cross the river'
ok $? "an alert of the other feed is still delivered"
n=0
until api /alerts | grep -q '"silence"' || [ $n -gt 200 ]; do n=$((n + 1)); sleep 0.1; done
api /alerts > "$T/alerts.json"
is "$(python3 -c '
import json, sys
for a in json.load(open(sys.argv[1])):
    if a.get("silence") is not None:
        print(a["item"]["title"], a["silence"])' "$T/alerts.json")" \
    "Ruritania troops cross the border $id" "the muted alert is in /alerts with its silence's id"
is "$(sqlite3 "$T/state/state.db" "SELECT count(*) FROM alerts WHERE silence_id = $id")" 1 \
    "the state records the muted alert with the silence id"
is "$(titles "$T/a.jsonl" | grep -c 'cross the border')" 0 "sink a did not get it"
is "$(titles "$T/b.jsonl" | grep -c 'cross the border')" 0 "nor sink b"

"$FEEDWATCH" silence expire -c "$T/feedwatch.conf" "$id"
is $? 0 "silence expire exits 0"
"$FEEDWATCH" silence expire -c "$T/feedwatch.conf" "$id" 2> /dev/null
is $? 1 "expiring it again: no active silence"
is "$("$FEEDWATCH" silence list -c "$T/feedwatch.conf" | grep -c "^$id	")" 0 \
    "an expired silence leaves the list"
is "$("$FEEDWATCH" silence list --all -c "$T/feedwatch.conf" | grep -c "^$id	")" 1 \
    "and is listed with --all"
people_item wire 2 "Ruritania troops leave the border"
wait_for "$T/a.jsonl" 'leave the border' && wait_for "$T/b.jsonl" 'leave the border'
ok $? "after the expiry the feed alerts again"
is "$(titles "$T/a.jsonl" | grep -c 'cross the border')$(titles "$T/b.jsonl" | grep -c 'cross the border')" 00 \
    "the muted alert is not delivered later"

# All-of: a silence of the watchlist and an actor mutes both feeds.
id2=$("$FEEDWATCH" silence add -c "$T/feedwatch.conf" --watchlist rur \
    --actor ruritania --topic troops --until 2099-01-01T00:00:00Z --comment all)
people_item desk 2 "Ruritania troops in the hills"
n=0
until [ "$(sqlite3 "$T/state/state.db" "SELECT count(*) FROM alerts WHERE silence_id = $id2")" = 1 ] ||
    [ $n -gt 200 ]; do n=$((n + 1)); sleep 0.1; done
is "$(sqlite3 "$T/state/state.db" "SELECT count(*) FROM alerts WHERE silence_id = $id2")" 1 \
    "a silence of watchlist, actor and topic mutes an alert that has them all"
"$FEEDWATCH" silence add -c "$T/feedwatch.conf" --actor troops --for 1h --comment x 2> /dev/null
is $? 1 "a topic given as --actor is refused"
kill $pid; wait $pid
is $? 0 "the daemon stops cleanly"
done_testing
