#!/bin/sh
# feedwatchd --once finishes its deliveries: a receiver that answers 503
# with Retry-After: 1 twice gets every alert within one run; a receiver that
# stays down past --once-timeout makes the run exit 1 naming what stays in
# the outbox, and the next run delivers each of those alerts exactly once.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
HOOKD="$top_builddir/tests/hookd"
cp -R "$top_srcdir/examples/feeds" "$T/feeds"
chmod -R u+w "$T/feeds"

# conf_for DIR PATH: the example config, its state in DIR, delivering to
# a webhook at PATH on $hport.
conf_for() {
	mkdir -p "$T/$1"
	sed -e "s|^state-dir = .*|state-dir = $T/$1|" \
	    -e "s|^path = .*alerts.jsonl|path = $T/$1/alerts.jsonl|" \
	    -e "s|^sinks = journal, alerts-file|sinks = alerts-file, hook|" \
	    "$top_srcdir/examples/feedwatch.conf" > "$T/$1.conf"
	cat >> "$T/$1.conf" <<CONF

[sink hook]
type = webhook
url = http://127.0.0.1:$hport$2
CONF
}

start_server "$HOOKD" -l "$T/flaky.jsonl"; hport=$port
conf_for flaky /flaky
"$FEEDWATCHD" -c "$T/flaky.conf" --once 2> "$T/flaky.err"
is $? 0 "503 twice with Retry-After: 1: --once still exits 0"
nalerts=$(wc -l < "$T/flaky/alerts.jsonl")
python3 - "$T/flaky.jsonl" "$nalerts" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
ids = [json.loads(r["body"])["id"] for r in reqs]
n = int(sys.argv[2])
assert n > 0
# The first alert was tried three times, every other once.
assert len(ids) == n + 2, (len(ids), n)
assert len(set(ids)) == n, "every alert reached the receiver"
PY
ok $? "every alert ($nalerts) reached the receiver within the run"
like "$(cat "$T/flaky.err")" 'not delivered \(HTTP 503: hookd 503 \); retry in 1s' \
    "Retry-After: 1 is followed as sent"
is "$(sqlite3 "$T/flaky/state.db" "select count(*) from messages where sink = 'hook' and state <> 'done'")" 0 \
    "nothing of the webhook's is left in the outbox"

# A receiver that is down: its port, then nobody listening on it.
start_server "$HOOKD" -l "$T/down.jsonl"; hport=$port
kill "${_tap_pids##* }" # start_server registered it last
conf_for down /ok
"$FEEDWATCHD" -c "$T/down.conf" --once --once-timeout 3s 2> "$T/down.err"
is $? 1 "receiver down past --once-timeout: exit 1"
like "$(cat "$T/down.err")" 'sink hook: alert [0-9a-f]{16} not delivered after [0-9]+ attempts' \
    "the log names what was not delivered"
like "$(cat "$T/down.err")" '[0-9]+ deliveries stay in the outbox for the next run \(--once-timeout reached\)' \
    "and says it stays in the outbox"
ndown=$(wc -l < "$T/down/alerts.jsonl")

start_server "$HOOKD" -p "$hport" -l "$T/back.jsonl"
"$FEEDWATCHD" -c "$T/down.conf" --once 2> "$T/back.err"
is $? 0 "the receiver is back: the next run exits 0"
python3 - "$T/back.jsonl" "$ndown" <<'PY'
import json, sys
ids = [json.loads(json.loads(l)["body"])["id"] for l in open(sys.argv[1])]
assert len(ids) == int(sys.argv[2]) and len(set(ids)) == len(ids), (len(ids), sys.argv[2])
PY
ok $? "it delivers each of the $ndown alerts exactly once"

"$FEEDWATCHD" -c "$T/down.conf" --once --once-timeout soon 2> "$T/bad.err"
is $? 2 "a --once-timeout that is not a duration is a usage error"
done_testing
