#!/bin/sh
# A state file of the release before the message table (schema 2, made
# by tests/fixtures/make-state-v2.sh) is upgraded at start and its outbox
# carries over: every pending alert arrives once with its own
# Idempotency-Key and in firing order, the delivered ones and the
# delivered digest are not sent again, the retrying digest arrives once
# under its old key with its alerts, and the alerts the rate limit held
# arrive in the next digest; the file checks out as schema 3.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
HOOKD="$top_builddir/tests/hookd"
DB="$T/state/state.db"
mkdir -p "$T/state" "$T/v2"
sqlite3 "$T/v2/state.db" < "$top_srcdir/tests/fixtures/state-v2.sql"
cp "$T/v2/state.db" "$DB"
v2() { sqlite3 "$T/v2/state.db" "$1" | tr '\n' ' ' | sed 's/ $//'; }
is "$(v2 'PRAGMA user_version')" 2 "the fixture is a schema-2 file"

start_server "$HOOKD" -l "$T/hook.jsonl"
hport=$port

# The fixture's feed and sinks, all on hookd now; every item is known,
# so nothing new alerts.
. "$top_srcdir/tests/fixtures/v2-setup.sh"
v2_setup "$T" "$hport" "$hport"

# What hookd got on path $1: one line per request, its Idempotency-Key
# and, for a digest, the ids of its alerts.
got() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] != sys.argv[2]:
        continue
    b = json.loads(r["body"])
    ids = [a["id"] for a in b.get("alerts", [])]
    print(" ".join([r["headers"].get("Idempotency-Key", "-")] + ids))
' "$T/hook.jsonl" "$1" 2>/dev/null
}

"$FEEDWATCHD" -c "$T/v2.conf" --once 2> "$T/log"
is $? 0 "feedwatchd --once runs on the schema-2 file"
# This build's version, read from a file it makes new (migrations are
# appended by parallel work, so no number is written here).
mkdir -p "$T/fresh"
printf '[daemon]\nstate-dir = %s\n' "$T/fresh" > "$T/fresh.conf"
"$FEEDWATCHD" -c "$T/fresh.conf" --once 2>/dev/null
is "$(sqlite3 "$DB" 'PRAGMA user_version')" \
    "$(sqlite3 "$T/fresh/state.db" 'PRAGMA user_version')" \
    "the file is at this build's schema now"
is "$(sqlite3 "$DB" 'PRAGMA application_id')" "$(v2 'PRAGMA application_id')" \
    "and still marked as feedwatch's"
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity_check is ok"
is "$(sqlite3 "$DB" 'PRAGMA foreign_key_check')" "" "no dangling reference"
is "$(sqlite3 "$DB" "SELECT type FROM sqlite_schema WHERE name IN ('digests', 'deliveries')")" \
    view "the digests table is gone, deliveries is a view of the messages"

is "$(got /ok-down | tr '\n' ' ' | sed 's/ $//')" \
    "$(v2 "SELECT alert_id FROM deliveries WHERE sink = 'down' ORDER BY seq")" \
    "the six pending alerts arrive once each, in firing order"
is "$(got /ok-hook)" "" "the delivered alerts are not sent again"
is "$(got /ok-daily-ok)" "" "nor the delivered digest"
is "$(got /ok-daily)" \
    "digest-1 $(v2 "SELECT alert_id FROM deliveries WHERE digest_id = 1 ORDER BY seq")" \
    "the retrying digest arrives once, under its key, with its six alerts"
held=$(v2 "SELECT alert_id FROM deliveries WHERE sink = 'limited' AND held > 0 ORDER BY seq")
like "$(got /ok-limited)" "^digest-[0-9]+ $held\$" \
    "the alerts the rate limit held arrive once, in the next digest"
like "$(got /ok-limited)" "^digest-[3-9]|^digest-[1-9][0-9]" \
    "which has a number of its own"
is "$(sqlite3 "$DB" "SELECT count(*) FROM deliveries WHERE state <> 'done'")" 0 \
    "nothing is left in the outbox"
is "$(sqlite3 "$DB" "SELECT count(*) FROM deliveries")" \
    "$(v2 "SELECT count(*) FROM deliveries")" \
    "every alert of every sink is still there"

n=$(wc -l < "$T/hook.jsonl")
"$FEEDWATCHD" -c "$T/v2.conf" --once 2>> "$T/log"
is $? 0 "a second run"
is "$(wc -l < "$T/hook.jsonl")" "$n" "sends nothing again"
done_testing
