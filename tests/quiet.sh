#!/bin/sh
# Quiet hours with real processes: sink a is quiet from a minute from now
# round the clock (over midnight) to the end of this minute, in New York
# time while the daemon's own zone is Tokyo's.  The alerts that fire
# meanwhile are held (sink b, without quiet hours, gets them at once) and
# come to a as one digest when the window ends; after it, alerts come one
# by one again.  The wall-clock arithmetic (midnight, DST nights) is
# tests/quiet-t's.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/people-lib.sh"

ZONE=America/New_York
# Not too close to the minute's end, so the window is still on at start.
while [ "$(date +%S)" -gt 40 ]; do sleep 1; done
window=$(TZ=$ZONE /usr/bin/python3 -c '
import time
t = time.localtime()
m = t.tm_hour * 60 + t.tm_min
f = lambda x: "%02d:%02d" % ((x % 1440) // 60, x % 60)
print(f(m + 2) + "-" + f(m + 1))')
people_conf "quiet-hours = $window
timezone = $ZONE" > "$T/feedwatch.conf"
TZ=Asia/Tokyo
export TZ
people_start
wait_for "$T/b.jsonl" 'border' && wait_for "$T/b.jsonl" 'river'
ok $? "sink b, not quiet, delivers at once"
people_item wire 1 "Ruritania troops cross the border"
wait_for "$T/b.jsonl" 'cross the border'
ok $? "and the next alert too"
n=0
until [ "$(sqlite3 "$T/state/state.db" "SELECT count(*) FROM messages WHERE sink = 'a' AND held > 0 AND state = 'pending'")" = 3 ] ||
    [ $n -gt 100 ]; do n=$((n + 1)); sleep 0.1; done
is "$(sqlite3 "$T/state/state.db" "SELECT count(*) FROM messages WHERE sink = 'a' AND held > 0 AND state = 'pending'")" 3 \
    "quiet sink a holds the three alerts ($window $ZONE)"
is "$(cat "$T/a.jsonl" 2>/dev/null | wc -l)" 0 "and has sent nothing"
wait_for "$T/a.jsonl" '"digest"' 90
ok $? "when the window ends, sink a sends a digest"
is "$(wc -l < "$T/a.jsonl")" 1 "one message"
is "$(python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).readline())
print(d["digest"]["count"], len(d["alerts"]))' "$T/a.jsonl")" "3 3" "holding the three alerts"
is "$(titles "$T/a.jsonl" | sort | tr '\n' '|')" \
    "Ruritania troops at the river|Ruritania troops cross the border|Ruritania troops on the border|" \
    "each alert held, none dropped"
people_item desk 1 "Ruritania troops cross the river"
wait_for "$T/a.jsonl" 'cross the river'
ok $? "after the window an alert goes out on its own"
is "$(tail -n 1 "$T/a.jsonl" | grep -c '"digest"')" 0 "not in a digest"
kill $pid; wait $pid
done_testing
