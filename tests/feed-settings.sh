#!/bin/sh
# Per-feed settings as a user writes them: header (with an @file secret),
# username + password (@file), cookie (@file), user-agent and proxy reach
# the server (tests/recorder.py, which is also the proxy); [daemon]'s
# header is the default of a feed that writes none; `enabled = no` is
# never polled and shows as disabled; `title` is in the status API and the
# alert.  Then the whole run's output — the daemon's log, the status API,
# `feedwatch status`, `feedwatch check`, the alerts file — is searched
# for every secret: none may appear (the URL's own password and apikey
# included).
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
printf 'S3CRET-TOKEN-k1\n' >"$T/token"
printf 'S3CRET-PASS-p2\n' >"$T/password"
printf 'session=S3CRET-COOKIE-c3\n' >"$T/cookie"
chmod 600 "$T/token" "$T/password" "$T/cookie"
secrets="S3CRET-TOKEN-k1 S3CRET-PASS-p2 S3CRET-COOKIE-c3 S3CRET-URLPASS-u4 S3CRET-APIKEY-a5"
start_server python3 "$top_srcdir/tests/recorder.py" "$T/requests"
aport=$(free_port)

cat >"$T/fw.conf" <<CONF
[daemon]
state-dir = state
http = 127.0.0.1:$aport
header = X-Default: from-daemon

[feed auth]
url = http://127.0.0.1:$port/auth.xml
title = The Auth Wire
username = desk
password = @password
header = X-Api-Key: @token
cookie = @cookie
user-agent = fw-test/1
backfill = 5

[feed viaproxy]
# TEST-NET-2: reachable only through the proxy.
url = http://198.51.100.7/proxied.xml
proxy = http://127.0.0.1:$port

[feed off]
url = http://127.0.0.1:$port/off.xml
enabled = no

[feed inherit]
url = http://reader:S3CRET-URLPASS-u4@127.0.0.1:$port/fail.xml?apikey=S3CRET-APIKEY-a5&q=news

[actor a]
name = one
[topic t]
term = nothing
[watchlist w]
actors = a
topics = t
threshold = 1
sinks = alerts
[sink alerts]
type = file
path = alerts.jsonl
CONF
: >"$T/alerts.jsonl"

"$FEEDWATCH" check -c "$T/fw.conf" >"$T/check.out" 2>&1
ok $? "feedwatch check accepts the feed settings"
"$FEEDWATCHD" -v -c "$T/fw.conf" --once >"$T/once.out" 2>&1
ok $? "feedwatchd --once polls them"

req=$(cat "$T/requests")
auth=$(awk '/^GET \/auth.xml /,/^$/' "$T/requests")
basic=$(printf 'desk:S3CRET-PASS-p2' | base64)
like "$auth" "Authorization: Basic $basic" "username and password: basic auth"
like "$auth" "X-Api-Key: S3CRET-TOKEN-k1" "header with an @file secret"
like "$auth" "Cookie: session=S3CRET-COOKIE-c3" "cookie from its @file"
like "$auth" "User-Agent: fw-test/1" "the feed's user-agent"
ok "$(printf '%s\n' "$auth" | grep -c '^X-Default:' | grep -qx 0; echo $?)" \
    "a feed with headers of its own does not get [daemon]'s"
like "$req" "^GET http://198\\.51\\.100\\.7/proxied\\.xml " \
    "the viaproxy feed went through its proxy"
inh=$(awk '/^GET \/fail.xml/,/^$/' "$T/requests")
like "$inh" "X-Default: from-daemon" "[daemon] header is the default"
like "$inh" "Authorization: Basic $(printf 'reader:S3CRET-URLPASS-u4' | base64)" \
    "the URL's own login is used"
ok "$(printf '%s\n' "$req" | grep -c 'off\.xml' | grep -qx 0; echo $?)" \
    "enabled = no: never fetched"
like "$(cat "$T/once.out")" "feed inherit: http://reader:\\*\\*\\*@127\\.0\\.0\\.1:$port/fail\\.xml\\?apikey=\\*\\*\\*&q=news: " \
    "the failing feed is logged with its URL redacted"
like "$(cat "$T/alerts.jsonl")" '"feed_title":"The Auth Wire"' \
    "the alert carries the feed's title"

# The running daemon's view.
"$FEEDWATCHD" -f -c "$T/fw.conf" >"$T/daemon.out" 2>&1 &
dpid=$!
cleanup_pid $dpid
n=0
until curl -sf "http://127.0.0.1:$aport/feeds" >"$T/feeds.json" 2>/dev/null; do
	n=$((n + 1)); [ "$n" -gt 200 ] && break; sleep 0.1
done
# feed_is NAME EXPR: EXPR holds for feed NAME (f) in /feeds.
feed_is() {
	python3 -c '
import json, sys
f = {f["name"]: f for f in json.load(open(sys.argv[1]))}[sys.argv[2]]
sys.exit(0 if '"$2"' else 1)' "$T/feeds.json" "$1"
}
feed_is off 'f["enabled"] is False and f["status"] is None'
ok $? "/feeds: the feed with enabled = no is disabled, never polled"
feed_is auth 'f["title"] == "The Auth Wire"'
ok $? "/feeds: the title"
feed_is inherit '"reader:***@127" in f["url"] and "apikey=***" in f["url"]'
ok $? "/feeds: the URL's password and apikey are hidden"
"$FEEDWATCH" status --http "127.0.0.1:$aport" >"$T/status.out" 2>&1
ok $? "feedwatch status answers"
like "$(cat "$T/status.out")" "title: The Auth Wire" "feedwatch status shows the title"
curl -sf "http://127.0.0.1:$aport/metrics" >"$T/metrics.out" 2>&1
kill "$dpid"; wait "$dpid" 2>/dev/null

# No secret anywhere the user or the journal would read.
all=$(cat "$T/check.out" "$T/once.out" "$T/daemon.out" "$T/feeds.json" \
    "$T/status.out" "$T/metrics.out" "$T/alerts.jsonl")
for s in $secrets; do
	ok "$(printf '%s\n' "$all" | grep -c -- "$s" | grep -qx 0; echo $?)" \
	    "no output of the run shows $s"
done
done_testing
