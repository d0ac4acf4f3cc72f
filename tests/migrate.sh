#!/bin/sh
# A state file of the release before the message table (schema 2, made
# by tests/fixtures/make-state-v2.sh) is upgraded at start and its outbox
# carries over: every pending alert arrives once with its own
# Idempotency-Key and in firing order, the delivered ones and the
# delivered digest are not sent again, the retrying digest arrives once
# under its old key with its alerts, and the alerts the rate limit held
# arrive in the next digest; the file checks out as schema 3.  Before
# any delivery (a copy upgraded by a run with none of its sinks) every
# digest and alert keeps its row, id and state through the messages
# table and its rebuild without an IN list in the state check (which cost
# SQLite an ephemeral b-tree at every write), and the rebuilt table still
# refuses a bad state and a digest member of no message.
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
# The newest schema is what a fresh state file gets (migrations are
# appended by others and renumbered on merge: read it, do not write it).
mkdir -p "$T/fresh"
sed "s|^state-dir = .*|state-dir = $T/fresh|" "$top_srcdir/examples/starter.conf" \
    >"$T/fresh.conf"
"$FEEDWATCHD" -c "$T/fresh.conf" --once 2>/dev/null
latest=$(sqlite3 "$T/fresh/state.db" 'PRAGMA user_version')
ok "$( [ "${latest:-0}" -ge 3 ]; echo $?)" "a fresh state file is schema $latest"
is "$(sqlite3 "$DB" 'PRAGMA user_version')" "$latest" "the file is the newest schema now"
is "$(sqlite3 "$DB" 'PRAGMA application_id')" "$(v2 'PRAGMA application_id')" \
    "and still marked as feedwatch's"
is "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity_check is ok"
is "$(sqlite3 "$DB" 'PRAGMA foreign_key_check')" "" "no dangling reference"
is "$(sqlite3 "$DB" "SELECT type FROM sqlite_schema WHERE name IN ('digests', 'deliveries')")" \
    view "the digests table is gone, deliveries is a view of the messages"

# The upgrade alone, on a copy: the starter config names none of its
# sinks, so nothing is delivered.
mkdir -p "$T/only"
cp "$T/v2/state.db" "$T/only/state.db"
sed "s|^state-dir = .*|state-dir = $T/only|" "$top_srcdir/examples/starter.conf" \
    >"$T/only.conf"
"$FEEDWATCHD" -c "$T/only.conf" --once 2>/dev/null
ONLY=$T/only/state.db
only() { sqlite3 "$ONLY" "$1" | tr '\n' ' ' | sed 's/ $//'; }
is "$(only 'PRAGMA user_version')" "$latest" "the copy is upgraded"
is "$(only "SELECT id, sink, key, state, attempts, next_attempt, last_error,
    done_at, created_at, doc FROM messages WHERE alert_id IS NULL ORDER BY id")" \
    "$(v2 "SELECT id, sink, 'digest-' || id, state, attempts, next_attempt,
    last_error, done_at, created_at, doc FROM digests ORDER BY id")" \
    "every digest is a message with its id, key and state"
is "$(only "SELECT id, sink, key, alert_id, seq, held, state, attempts,
    next_attempt, last_error, done_at FROM messages
    WHERE alert_id IS NOT NULL ORDER BY id")" \
    "$(v2 "SELECT (SELECT max(id) FROM digests)
    + row_number() OVER (ORDER BY seq, sink), sink, alert_id, alert_id, seq,
    held, state, attempts, next_attempt, last_error, done_at FROM deliveries
    WHERE digest_id IS NULL OR digest_id NOT IN (SELECT id FROM digests)
    ORDER BY seq, sink")" \
    "every other delivery is a message, ids in firing order, state kept"
is "$(only 'SELECT message_id, alert_id FROM digest_alerts ORDER BY 1, 2')" \
    "$(v2 'SELECT digest_id, alert_id FROM deliveries
    WHERE digest_id IN (SELECT id FROM digests) ORDER BY 1, 2')" \
    "the digests keep their alerts"
is "$(only 'PRAGMA foreign_key_check')" "" "no dangling reference in the copy"
schema() { sqlite3 "$1" 'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name'; }
is "$(schema "$ONLY")" "$(schema "$T/fresh/state.db")" \
    "its tables, indexes and views are a fresh file's"
msql=$(only "SELECT sql FROM sqlite_schema WHERE name = 'messages'")
like "$msql" "CHECK \(state = 'pending' OR state = 'done' OR state = 'failed'\)" \
    "messages checks its state without an IN list"
ok "$(printf '%s' "$msql" | grep -q ' IN '; [ $? -ne 0 ]; echo $?)" \
    "and has no IN list left"
is "$(sqlite3 "$ONLY" "EXPLAIN UPDATE messages SET state = 'done' WHERE id = 1;
    EXPLAIN INSERT INTO messages (sink, key, seq, created_at) VALUES ('s', 'k', 0, 0)" |
    grep -c OpenEphemeral)" 0 "writing a state builds no ephemeral table"
bad=$(sqlite3 "$ONLY" "UPDATE messages SET state = 'sent' WHERE id = 1" 2>&1)
ok "$( [ $? -ne 0 ]; echo $?)" "a bad state is refused by the database"
like "$bad" "CHECK constraint failed" "by the state check"
bad=$(sqlite3 "$ONLY" "INSERT INTO messages (sink, key, seq, created_at, state)
    VALUES ('s', 'k', 0, 0, 'Done')" 2>&1)
like "$bad" "CHECK constraint failed" "also in a new message"
is "$(sqlite3 "$ONLY" "UPDATE messages SET state = 'failed' WHERE id = 1;
    SELECT changes(), state FROM messages WHERE id = 1")" "1|failed" \
    "a good one is taken"
bad=$(sqlite3 "$ONLY" "PRAGMA foreign_keys = ON;
    INSERT INTO digest_alerts SELECT max(id) + 1, alert_id FROM messages
    WHERE alert_id IS NOT NULL" 2>&1)
like "$bad" "FOREIGN KEY constraint failed" \
    "digest_alerts still refers to the rebuilt messages"

# Foreign keys are off while the migrations run (the rebuild drops a
# table others refer to) and counted after: a file with a dangling
# reference already is upgraded, with no more of them than it had.
mkdir -p "$T/dangling"
sqlite3 "$T/dangling/state.db" < "$top_srcdir/tests/fixtures/state-v2.sql"
sqlite3 "$T/dangling/state.db" "INSERT INTO deliveries (alert_id, sink, state)
    VALUES ('ffffffffffffffff', 'hook', 'done')"
sed "s|^state-dir = .*|state-dir = $T/dangling|" "$top_srcdir/examples/starter.conf" \
    >"$T/dangling.conf"
"$FEEDWATCHD" -c "$T/dangling.conf" --once 2>"$T/dangling.log"
is $? 0 "a file with a dangling reference is upgraded"
is "$(sqlite3 "$T/dangling/state.db" 'PRAGMA user_version')" "$latest" \
    "to the newest schema"
is "$(sqlite3 "$T/dangling/state.db" 'SELECT count(*) FROM pragma_foreign_key_check')" 1 \
    "with no more dangling references than it had"

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
