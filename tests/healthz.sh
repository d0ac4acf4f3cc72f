#!/bin/sh
# /healthz tells the truth: 503 with the reason while the state store
# cannot commit (writes past the file size limit fail, as on a full disk)
# and ok again once it can; 503 while a sink gave up on an alert in the
# last hour.  A state file missing a table or an index of the schema is
# refused at start, naming what is missing.  Response headers over
# curl's bound are called so.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
start_server "$top_builddir/tests/smtpd" -l "$T/smtp.log"; sport=$port

# items N: an RSS feed of N items, each of which alerts.
items() {
	{
		printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><link>https://f.example/</link>\n'
		i=1
		while [ "$i" -le "$1" ]; do
			printf '<item><title>Acme merger %d</title><link>https://f.example/%d</link><guid>g%d</guid><description>Acme merger</description></item>\n' \
			    "$i" "$i" "$i"
			i=$((i + 1))
		done
		printf '</channel></rss>\n'
	} > "$T/feed.tmp"
	mv "$T/feed.tmp" "$T/feed.xml"
}
# conf SINKS: the config, its watchlist delivering to SINKS.
conf() {
	cat <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
interval = 1s

[feed f]
url = file://$T/feed.xml
backfill = 1000

$(acme_watchlist "$1")

[sink out]
type = file
path = $T/alerts.jsonl

[sink mail]
type = smtp
url = smtp://127.0.0.1:$sport
from = feedwatch@example.org
to = bounce@example.org
EOF
}
healthz() { curl -s -m 5 "http://127.0.0.1:$aport/healthz"; }
code() { curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$aport/healthz"; }
# until_code CODE: /healthz answers CODE within 30 s.
until_code() {
	n=0
	while [ "$(code)" != "$1" ]; do
		n=$((n + 1))
		[ "$n" -gt 150 ] && return 1
		sleep 0.2
	done
}

conf out > "$T/feedwatch.conf"
items 1
# Ignored here, SIGXFSZ stays ignored in the daemon: a write past the
# limit then fails with EFBIG, as one on a full disk does.
(trap '' XFSZ; exec "$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log") &
pid=$!
cleanup_pid $pid
wait_for "$T/alerts.jsonl" '"title":"Acme merger 1"' 30
ok $? "the first item alerts"
is "$(healthz)" "ok" "/healthz: ok"

prlimit --pid "$pid" --fsize=1:unlimited
items 2
until_code 503
ok $? "while no write can land, /healthz answers 503"
like "$(healthz)" "state store cannot commit: .*state\.db: .*(File too large|file size limit is full)" \
    "... naming the store and the system's reason, not only SQLite's"
diag "$(healthz)"
prlimit --pid "$pid" --fsize=unlimited:unlimited
until_code 200
ok $? "once the store commits again, /healthz is ok"
wait_for "$T/alerts.jsonl" '"title":"Acme merger 2"' 30
ok $? "... and the item alerts"
kill $pid; wait $pid

# A sink that gives up.
conf "out, mail" > "$T/feedwatch.conf"
"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log2" &
pid=$!
cleanup_pid $pid
until_code 200
items 3
wait_for "$T/log2" "sink mail: alert .* failed for good" 30
ok $? "the mail sink fails for good (the recipient bounces)"
is "$(code)" 503 "/healthz answers 503"
like "$(healthz)" "sink mail gave up on an alert [0-9]+s ago" "... naming the sink"
kill $pid; wait $pid

# A state file with an index and then a table dropped is refused.
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
name = db.execute("select name from sqlite_schema where type = '"'index'"' and name not like '"'sqlite_%'"' limit 1").fetchone()[0]
db.execute("drop index " + name)
db.commit()
print(name)' "$T/state/state.db" > "$T/dropped"
idx=$(cat "$T/dropped")
out=$("$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2>&1); rc=$?
ok $([ "$rc" -ne 0 ]; echo $?) "a state file without index $idx: the daemon refuses to start"
like "$out" "state\.db: damaged: the index '$idx' .* is missing" "... naming the index"
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("drop table alerts")
db.commit()' "$T/state/state.db"
out=$("$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2>&1); rc=$?
ok $([ "$rc" -ne 0 ]; echo $?) "a state file without the alerts table: refused too"
like "$out" "state\.db: damaged: the (table|index) '[a-z_]+' .* is missing" "... naming what is missing"

# A response whose header line passes curl's 100 KiB: said so, not "Out
# of memory".
cat > "$T/bighdr.py" <<'EOF'
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("X-Big", "a" * 200000)
        self.end_headers()
        self.wfile.write(b"<rss/>")
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.server_port)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
EOF
start_server /usr/bin/python3 "$T/bighdr.py"
out=$("$FEEDWATCH" parse "http://127.0.0.1:$port/" 2>&1)
like "$out" "headers are too large" "oversized response headers are named as such"
ok $(printf '%s' "$out" | grep -qi 'out of memory'; [ $? -ne 0 ]; echo $?) \
    "... not as 'Out of memory'"
done_testing
