#!/bin/sh
# Crash safety: feedwatchd is killed with SIGKILL at random moments, 30
# rounds, while its feeds keep growing; then it runs to the end.  Every
# item must have alerted at least once in each sink.  The file sink
# repeats no alert: one whose line a kill caught before the record of it
# is found in the file at the next start.  The slow exec sink may repeat
# at most the deliveries in flight at a kill (its children outlive the
# kill).  The numbers seen are reported.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
FEEDS=8
ITEMS=100
ROUNDS=30
GROW=10
mkdir -p "$T/feeds" "$T/state" "$T/calib/state"

# The config for a state and sink under $1, the feeds always in $T/feeds.
write_conf() { # dir
{
	printf '[daemon]\nstate-dir = %s\n\n' "$1/state"
	for f in $(seq 1 $FEEDS); do
		printf '[feed f%d]\nurl = file://%s/feeds/f%d.xml\nbackfill = 10000\n\n' \
		    "$f" "$T" "$f"
	done
	cat <<'CONF'
[actor alpha]
name = Alpha Corp

[topic beta]
term = beta

[watchlist crash]
actors = alpha
topics = beta
require = actor and topic
threshold = 1
sinks = out, slow

[sink out]
type = file
CONF
	printf 'path = %s/alerts.jsonl\n\n' "$1"
	# A slow sink: a child process per alert that takes 20 ms.
	printf '[sink slow]\ntype = exec\ntimeout = 10s\n'
	printf 'command = /bin/sh -c "sleep 0.02; { cat; echo; } >> %s/slow.jsonl"\n' "$1"
} > "$1/crash.conf"
}
write_conf "$T"
write_conf "$T/calib"

# Feed f gets items [1..N*GROW+ITEMS] after round N; each item is its own
# story.  All feeds are rewritten at once (atomically, by rename).
write_feeds() { # round
	python3 - "$T/feeds" "$FEEDS" "$((ITEMS + $1 * GROW))" <<'PY'
import os, sys
d, nf, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for f in range(1, nf + 1):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
           '<channel><title>crash %d</title>'
           '<link>https://crash.example/%d</link>' % (f, f)]
    for i in range(n, 0, -1):
        out.append('<item><title>Alpha Corp beta report %d-%d</title>'
                   '<link>https://crash.example/%d/%d</link>'
                   '<guid>c-%d-%d</guid><description>Alpha Corp said beta '
                   'figures for unit %d rose.</description></item>'
                   % (f, i, f, i, f, i, i))
    out.append('</channel></rss>\n')
    p = os.path.join(d, "f%d.xml" % f)
    open(p + ".tmp", "w").write("".join(out))
    os.rename(p + ".tmp", p)
PY
}

write_feeds 0
# How long a whole first run takes here (sanitizers make it slower): the
# kills fall at random within that time.
t0=$(date +%s%N)
"$FEEDWATCHD" -c "$T/calib/crash.conf" --once 2>/dev/null
span=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$span" -ge 20 ] || span=20
diag "a whole run takes about $span ms; kills fall within that"
kills=0
for r in $(seq 1 $ROUNDS); do
	# The feeds grow between rounds, so every round has new work.
	write_feeds "$r"
	t0=$(date +%s%N)
	"$FEEDWATCHD" -c "$T/crash.conf" --once 2>> "$T/log" &
	pid=$!
	cleanup_pid "$pid"
	# A random moment within the length of the last whole run (rounds
	# get lighter as more items are already seen).
	ms=$(( $(od -An -N2 -tu2 /dev/urandom) % span ))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
		wait "$pid" 2>/dev/null
	else
		wait "$pid" 2>/dev/null
		span=$(( ($(date +%s%N) - t0) / 1000000 ))
		[ "$span" -ge 20 ] || span=20
	fi
done
diag "$kills of $ROUNDS runs were killed while running"
ok $([ "$kills" -ge 3 ]; echo $?) "runs were killed mid-way ($kills of $ROUNDS)"

before=$(wc -l < "$T/alerts.jsonl" 2>/dev/null || echo 0)
ok $([ "$before" -gt 0 ]; echo $?) "the killed runs got work done between kills ($before alerts)"
"$FEEDWATCHD" -c "$T/crash.conf" --once 2>> "$T/log"
is $? 0 "a final run after all the kills completes"

report() { # sink file
python3 - "$1" "$T/feeds" <<'PY'
import json, os, re, sys
seen, lines = {}, {}
for line in open(sys.argv[1], errors="replace"):
    try:
        d = json.loads(line)
    except ValueError:
        continue                       # a blank line, or a line cut by a kill
    seen.setdefault(d["item"]["id"], set()).add(d["id"])
    lines[d["id"]] = lines.get(d["id"], 0) + 1
ids = set()
for name in os.listdir(sys.argv[2]):
    ids |= set(re.findall(r"<guid>([^<]+)</guid>", open(os.path.join(sys.argv[2], name)).read()))
missing = sorted(ids - set(seen))
dups = sum(c - 1 for c in lines.values() if c > 1)
twoids = [i for i, s in seen.items() if len(s) > 1]
print(len(ids), len(missing), dups, len(twoids))
PY
}
report "$T/alerts.jsonl" > "$T/report"
report "$T/slow.jsonl" > "$T/report-slow"
read n_items missing dups twoids < "$T/report"
total=$((FEEDS * (ITEMS + ROUNDS * GROW)))
is "$n_items" "$total" "the feeds hold every item written ($total)"
is "$missing" 0 "no item lost its alert across $kills kills"
is "$twoids" 0 "an item never gets two different alert ids"
diag "file sink: alerts found in the file at a start, not written again: $(grep -c 'not written again' "$T/log")"
is "$dups" 0 "the file sink wrote no alert twice across $kills kills"
read n_slow missing_slow dups_slow twoids_slow < "$T/report-slow"
is "$missing_slow" 0 "the slow exec sink lost nothing either"
is "$twoids_slow" 0 "and never saw two alert ids for one item"
diag "slow sink: duplicate deliveries (children running at a kill): $dups_slow"
ok $([ "$dups_slow" -le $((kills * 16)) ]; echo $?) "its duplicates ($dups_slow) stay within the deliveries in flight at the kills"
is "$(sqlite3 "$T/state/state.db" 'pragma integrity_check')" "ok" "the state file is intact"
is "$(sqlite3 "$T/state/state.db" "select count(*) from deliveries where state <> 'done'")" 0 \
    "nothing is left pending in the outbox"
done_testing
