#!/bin/sh
# A state.db the daemon may not write is refused at start with the real
# cause, not SQLite's "disk I/O error": the file read-only, or its
# directory (where SQLite keeps the -wal and -shm files) read-only.  Tests
# run as root in CI, where permissions do not bind, so as root the daemon
# runs as nobody (setpriv) on a state-dir that nobody owns; as another
# user it runs as that user.  Either way the denial is the kernel's.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state" "$T/out"
chmod 755 "$T"
aport=$(free_port)
acme_feed "$T/feed.xml" 1
{
	acme_conf "$T/state" "$aport" "$T/feed.xml" out
	printf '\n[sink out]\ntype = file\npath = %s\n' "$T/out/alerts.jsonl"
} > "$T/feedwatch.conf"
chmod 644 "$T/feedwatch.conf" "$T/feed.xml"

"$FEEDWATCHD" -c "$T/feedwatch.conf" --once 2> "$T/log0"
ok $? "a first run makes the state file"
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv > /dev/null ||
	    { echo "Bail out! setpriv (util-linux) is needed"; exit 1; }
	chown -R nobody:nogroup "$T/state" "$T/out"
	# a prefix, not a function: `$as_user prog &` is prog's own pid
	as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$as_user test -r "$T/feedwatch.conf" ||
	    { echo "Bail out! nobody cannot read $T (TMPDIR)"; exit 1; }
else
	as_user=""
fi
# the daemon as that user, stopped after 20 s if it does start
run() { $as_user timeout 20 "$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2>&1; }

# refused PATH WHAT ERE: the user may not write PATH, and the daemon
# refuses to start with a message that matches ERE, not SQLite's own.
refused() {
	$as_user test -w "$1"
	ok $([ $? -ne 0 ]; echo $?) "the user may not write the $2"
	out=$(run); rc=$?
	diag "$out"
	ok $([ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; echo $?) \
	    "a read-only $2: the daemon refuses to start"
	like "$out" "$3" "... naming the cause"
	ok $(printf '%s' "$out" | grep -q 'disk I/O error'; [ $? -ne 0 ]; echo $?) \
	    "... not 'disk I/O error'"
}

chmod 444 "$T/state/state.db"
refused "$T/state/state.db" state.db \
    "state\.db: .*the file may not be written: Permission denied \(read-only; check its owner and mode\)"

chmod 644 "$T/state/state.db"
rm -f "$T/state/state.db-wal" "$T/state/state.db-shm"
chmod 555 "$T/state"
refused "$T/state" state-dir \
    "state\.db: .*its directory $T/state may not be written \(Permission denied\), and SQLite keeps its journal there"

chmod 755 "$T/state"
$as_user "$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
wait_for "$T/log" "started:" 30
ok $? "writable again: the same user's daemon starts"
is "$(curl -s -m 5 "http://127.0.0.1:$aport/healthz")" "ok" "... and is healthy"
kill "$pid"; wait "$pid"
done_testing
