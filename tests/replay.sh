#!/bin/sh
# feedwatch replay and feedwatch alerts beside a running feedwatchd, with
# real processes and a real state.db: the daemon keeps polling and
# committing while they read; a second daemon on the state-dir is refused
# naming the first's pid; replay of the running config shows no
# difference, and each kind of edit exactly the difference it makes;
# items whose text the daemon pruned are counted; a state.db of another
# program or of a newer schema is refused.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
aport=$(free_port)

# feed_items FILE "title|body|link" ...: an RSS file of these items (the
# link is the guid too), replaced at once.
feed_items() {
	_f=$1
	shift
	{
		printf '<?xml version="1.0"?>\n<rss version="2.0"><channel>'
		printf '<title>t</title>\n'
		for _it in "$@"; do
			_t=${_it%%|*}
			_r=${_it#*|}
			_b=${_r%%|*}
			_l=${_r#*|}
			printf '<item><title>%s</title><description>%s' "$_t" "$_b"
			printf '</description><link>%s</link><guid>%s</guid></item>\n' \
			    "$_l" "$_l"
		done
		printf '</channel></rss>\n'
	} > "$_f.tmp"
	mv "$_f.tmp" "$_f"
}

# deals alerts on w1, w4 (score 6) and w5 (score 3); w2 fails require;
# w3 names Globex, not Acme; d1 in the other feed is w1's story.
feed_items "$T/wire.xml" \
    "Acme announces merger|Acme Acme and Initech agree a merger, a merger at last.|https://news.example/w1" \
    "Acme quarterly results|Acme sells more.|https://news.example/w2" \
    "Globex plans merger|Globex and Initech talk about a merger.|https://news.example/w3" \
    "Acme merger talks stall|The Acme merger stalls over a football club.|https://news.example/w4" \
    "Acme notes|A merger was mentioned.|https://news.example/w5"
feed_items "$T/desk.xml" "Initech hires|Nothing to watch here.|https://desk.example/d2"
feed_items "$T/busy.xml" "Filler 0|Nothing.|https://busy.example/0"

cat > "$T/run.conf" <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
interval = 1s

[feed wire]
url = file://$T/wire.xml
backfill = 100

[feed desk]
url = file://$T/desk.xml
backfill = 100

[feed busy]
url = file://$T/busy.xml
backfill = 100

[actor acme]
name = Acme

[topic merger]
term = merger

[topic sport]
term = football

[watchlist deals]
actors = acme
topics = merger
require = acme and merger
threshold = 2
sinks = out

[sink out]
type = file
path = $T/alerts.jsonl
EOF

"$FEEDWATCHD" -c "$T/run.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/alerts.jsonl" 'news.example/w5' 60
ok $? "the daemon runs and alerts"
# w1's story again, in the other feed, once w1 has alerted.
feed_items "$T/desk.xml" "Initech hires|Nothing to watch here.|https://desk.example/d2" \
    "Acme announces merger|Acme and Initech merge.|https://www.news.example/w1/?utm_source=x"
wait_for "$T/log" 'is the story of alert' 60
ok $? "it has seen the same story in the other feed"
is "$(wc -l < "$T/alerts.jsonl")" 3 "it alerted on w1, w4 and w5"

# The daemon keeps committing while the tools read: a new item in the
# busy feed every 0.2 s.
(
	n=1
	while [ $n -lt 2000 ]; do
		feed_items "$T/busy.xml" "Filler $n|Nothing.|https://busy.example/$n"
		n=$((n + 1))
		sleep 0.2
	done
) &
cleanup_pid $!
sleep 2 # a few polls commit

is "$(stat -c %a "$T/state")" 750 "the daemon made the missing state-dir, mode 0750"
is "$(cat "$T/state/lock" | tr -d '\n')" "$pid" "state-dir/lock names the daemon's pid"
"$FEEDWATCHD" -c "$T/run.conf" -f > "$T/out2" 2> "$T/err2"
is $? 1 "a second daemon on the same state-dir is refused"
like "$(cat "$T/err2")" "in use by another feedwatchd \\(pid $pid" \
    "naming the running one's pid"
kill -0 $pid 2>/dev/null
ok $? "and the first one keeps running"

# replay CONF [ARGS]: its stdout in $T/out, its status in $rc.
replay() {
	_c=$1
	shift
	"$FEEDWATCH" replay -c "$_c" "$@" > "$T/out" 2> "$T/err"
	rc=$?
}
diffs() { grep -E '^[-+] ' "$T/out" | sed 's/ (.*//'; }

replay "$T/run.conf"
is $rc 0 "replay of the running config exits 0"
is "$(diffs)" "" "and reports no difference"
like "$(cat "$T/out")" '^deals: [0-9]+ items, 3 alerted, 3 would alert: \+0 -0' \
    "its summary line counts the three alerts"
like "$(cat "$T/out")" '[0-9]+ items replayed; 0 without text' \
    "and says how many items had no text"
n1=$(sed -n 's/^\([0-9]*\) items replayed.*/\1/p' "$T/out")

# The added term: Globex is now a name of acme.
sed 's/^name = Acme$/name = Acme\nalias = Globex/' "$T/run.conf" > "$T/term.conf"
replay "$T/term.conf"
is "$(diffs)" "+ deals: Globex plans merger" "an added term: exactly the item it brings in"
like "$(cat "$T/out")" 'deals: [0-9]+ items, 3 alerted, 4 would alert: \+1 -0' \
    "counted in the summary"
like "$(cat "$T/out")" 'score - -> [0-9]+ \(threshold 2\)' "with the old and new score"
like "$(cat "$T/out")" 'now: acme \+[0-9]+, merger \+[0-9]+' "and what matched now"

sed 's/^threshold = 2$/threshold = 4/' "$T/run.conf" > "$T/thr.conf"
replay "$T/thr.conf"
is "$(diffs)" "- deals: Acme notes" "a raised threshold: exactly the item below it"
like "$(cat "$T/out")" 'score 3 -> 3 \(threshold 4\); no alert: below the threshold' \
    "with both scores and the reason"

sed 's/^threshold = 2$/threshold = 2\nexclude = sport/' "$T/run.conf" > "$T/excl.conf"
replay "$T/excl.conf"
is "$(diffs)" "- deals: Acme merger talks stall" "an added exclude: exactly the item it excludes"
like "$(cat "$T/out")" 'now: .*excluded by sport' "saying what excluded it"

{
	cat "$T/run.conf"
	printf '\n[watchlist acme-any]\nactors = acme\nthreshold = 1\n'
} > "$T/new.conf"
replay "$T/new.conf" --json
is $rc 0 "replay --json exits 0"
python3 - "$T/out" > "$T/pairs" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert set(d) == {"watchlist", "item", "before", "after",
                      "score_before", "score_after", "matches"}, d
    assert set(d["item"]) == {"feed", "id", "title", "link"}
    assert d["score_before"] is None or d["before"]
    assert all("kind" in m and "contribution" in m for m in d["matches"])
    print(d["watchlist"], d["item"]["id"], d["before"], d["after"])
PY
is $? 0 "each JSON line has the documented shape"
is "$(sort "$T/pairs")" "acme-any https://news.example/w1 False True
acme-any https://news.example/w2 False True
acme-any https://news.example/w4 False True
acme-any https://news.example/w5 False True" \
    "a new watchlist: every item it would alert on, before false, the repeated story once"
like "$(cat "$T/err")" 'acme-any: [0-9]+ items, 0 alerted, 4 would alert: \+4 -0' \
    "its summary on stderr, stdout stays JSON"
replay "$T/new.conf" --json --all --watchlist deals
is "$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["before"]))' "$T/out")" 3 \
    "--all prints the unchanged pairs too"

# alerts: the same documents as the status API's /alerts.
"$FEEDWATCH" alerts -c "$T/run.conf" --json > "$T/al" 2> "$T/alerr"
is $? 0 "feedwatch alerts exits 0 beside the daemon"
curl -sf "http://127.0.0.1:$aport/alerts" > "$T/api"
is "$(python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = json.load(open(sys.argv[2]))
print(a == b, len(a))' "$T/al" "$T/api")" "True 3" "feedwatch alerts --json is what /alerts answers"
like "$(grep w1 "$T/al")" '"also_in":\["desk"\]' "with also_in from the store"
"$FEEDWATCH" alerts -c "$T/run.conf" --watchlist nope > "$T/al2"
is "$(tail -1 "$T/al2")" "0 alerts" "--watchlist filters"
"$FEEDWATCH" alerts -c "$T/run.conf" --since 2h > "$T/al2"
like "$(cat "$T/al2")" 'deals  score 6  wire: Acme announces merger' "the readable form"

lag=$(curl -sf "http://127.0.0.1:$aport/metrics" |
    sed -n 's/^feedwatch_loop_lag_max_seconds //p')
ok $(python3 -c "import sys; sys.exit(0 if float('$lag') < 1.0 else 1)"; echo $?) \
    "the daemon's loop never stalled while they read (longest lag ${lag}s)"
# The reads above may all fit between two polls (interval 1s): replay
# again until it sees the daemon's newer commits, for up to 20 s.
i=0
while :; do
	replay "$T/run.conf"
	n2=$(sed -n 's/^\([0-9]*\) items replayed.*/\1/p' "$T/out")
	[ "$n2" -gt "$n1" ] || [ $i -ge 40 ] && break
	i=$((i + 1))
	sleep 0.5
done
ok $([ "$n2" -gt "$n1" ]; echo $?) \
    "the daemon kept committing meanwhile ($n1, then $n2 items)"

kill $pid
wait $pid 2>/dev/null

# Text past retention: d2 was first seen 30 days ago; the daemon prunes
# its text when it starts.
python3 - "$T/state/state.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE items SET first_seen = first_seen - 30 * 86400"
           " WHERE id = 'https://desk.example/d2'")
db.commit()
PY
"$FEEDWATCHD" -c "$T/run.conf" --once 2> "$T/log2"
is $? 0 "the daemon runs again"
replay "$T/run.conf"
like "$(cat "$T/out")" 'items replayed; 1 without text \(past retention\)' \
    "an item whose text was pruned is counted, not skipped silently"
is "$(diffs)" "" "and the rest replays unchanged"

# Files replay must refuse.
mkdir "$T/foreign" "$T/newer"
python3 -c '
import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("CREATE TABLE notes (x TEXT)")' \
    "$T/foreign/state.db"
sed "s|^state-dir = .*|state-dir = $T/foreign|" "$T/run.conf" > "$T/foreign.conf"
replay "$T/foreign.conf"
is $rc 1 "replay refuses another program's state.db (exit 1)"
like "$(cat "$T/err")" 'foreign/state.db: not a feedwatch state file' "saying why"
cp "$T/state/state.db" "$T/newer/state.db"
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA user_version = 999")
db.commit()' "$T/newer/state.db"
sed "s|^state-dir = .*|state-dir = $T/newer|" "$T/run.conf" > "$T/newer.conf"
replay "$T/newer.conf"
is $rc 1 "replay refuses a newer schema (exit 1)"
like "$(cat "$T/err")" 'schema version 999 is newer' "saying why"
"$FEEDWATCH" alerts -c "$T/newer.conf" > /dev/null 2> "$T/err"
is $? 1 "so does feedwatch alerts"
sed "s|^state-dir = .*|state-dir = $T/nowhere|" "$T/run.conf" > "$T/none.conf"
replay "$T/none.conf"
is $rc 1 "replay of a state-dir that does not exist exits 1"
like "$(cat "$T/err")" 'nowhere' "naming it"
ok $([ ! -e "$T/nowhere" ]; echo $?) "and does not create it"

# feedwatch check looks at the state-dir too.
"$FEEDWATCH" check -c "$T/run.conf" > "$T/out" 2> "$T/err"
is $? 0 "check: a state-dir of ours passes"
like "$(tail -1 "$T/out")" "^state-dir $T/state: ok, writable by uid [0-9]+; state.db schema [0-9]+\$" \
    "and says what it found"
"$FEEDWATCH" check -c "$T/none.conf" > "$T/out" 2> "$T/err"
is $? 0 "check: a missing state-dir whose parent exists passes"
like "$(tail -1 "$T/out")" "state-dir $T/nowhere: not there yet; feedwatchd creates it" \
    "saying the daemon will create it"
sed "s|^state-dir = .*|state-dir = $T/no/such/dir|" "$T/run.conf" > "$T/deep.conf"
"$FEEDWATCH" check -c "$T/deep.conf" > "$T/out" 2> "$T/err"
is $? 0 "check: a state-dir that cannot be created is a warning (the config may be for another machine)"
like "$(tail -1 "$T/out")" "^warning: state-dir $T/no/such/dir does not exist and cannot be created.*would not start here" \
    "saying why"
for c in foreign newer; do
	"$FEEDWATCH" check -c "$T/$c.conf" > /dev/null 2> "$T/err"
	is $? 1 "check: a $c state.db fails"
done
like "$(cat "$T/err")" 'schema version 999 is newer' "with the reason"
: > "$T/afile"
sed "s|^state-dir = .*|state-dir = $T/afile|" "$T/run.conf" > "$T/file.conf"
"$FEEDWATCH" check -c "$T/file.conf" > /dev/null 2> "$T/err"
like "$(cat "$T/err")" 'afile: not a directory' "check: a state-dir that is a file fails"

done_testing
