#!/bin/sh
# Surges: with surge = 3/1h the third story of the hour on the watchlist
# raises one alert of kind surge, listing the three, to the watchlist's
# sinks; the fourth and fifth stories of the same hour raise no second
# one.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/people-lib.sh"

people_conf "" "surge = 3/1h" > "$T/feedwatch.conf"
"$FEEDWATCH" check -c "$T/feedwatch.conf" > /dev/null
is $? 0 "feedwatch check takes surge = 3/1h"
people_start
wait_for "$T/a.jsonl" 'border' && wait_for "$T/a.jsonl" 'river'
ok $? "two stories alert"
is "$(grep -c '"kind":"surge"' "$T/a.jsonl")" 0 "two are no surge"
people_item wire 1 "Ruritania troops cross the border"
wait_for "$T/a.jsonl" '"kind":"surge"' && wait_for "$T/b.jsonl" '"kind":"surge"'
ok $? "the third story raises a surge alert to both sinks"
surge=$(grep '"kind":"surge"' "$T/a.jsonl")
is "$(printf '%s' "$surge" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["surge"]
print(d["watchlist"], s["count"], s["period"], d["threshold"], len(s["stories"]))
st = [" ".join((x["title"], x["feed"], x["link"])) for x in s["stories"]]
# The first two came in one poll, in either order.
print("\n".join(st[:1] + sorted(st[1:])))')" "rur 3 1h 3 3
Ruritania troops cross the border wire https://wire.example/1
Ruritania troops at the river desk https://desk.example/0
Ruritania troops on the border wire https://wire.example/0" \
    "it says the count, the period and the stories, newest first"
like "$(printf '%s' "$surge" | python3 -c '
import json, sys
print(json.load(sys.stdin)["item"]["title"])')" '^Surge on rur: 3 stories in 1h$' \
    "its title says so for sinks that show a title"
people_item wire 2 "Ruritania troops leave the border"
people_item desk 1 "Ruritania troops cross the river"
wait_for "$T/a.jsonl" 'leave the border' && wait_for "$T/a.jsonl" 'cross the river'
ok $? "the fourth and fifth stories alert"
sleep 1
is "$(grep -c '"kind":"surge"' "$T/a.jsonl")" 1 "and raise no second surge in the period"
is "$(sqlite3 "$T/state/state.db" "SELECT count(*) FROM alerts WHERE kind = 'surge'")" 1 \
    "the state has one surge alert"
like "$(api /alerts)" '"kind": "surge"' "/alerts shows it"
kill $pid; wait $pid
done_testing
