#!/bin/sh
# Who may read the status API.  With http-token set every path but
# /healthz wants "Authorization: Bearer TOKEN" (401 otherwise, whatever
# the Host); without one, a Host header that is neither the configured
# address nor an http-host name is refused (DNS rebinding: a web page the
# operator visits cannot read /alerts).  A non-loopback address without a
# token is warned about by check and at start.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
printf 's3cret-token\n' > "$T/token"
cat > "$T/feedwatch.conf" <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
http-token = @token
interval = 1h
EOF
"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2> "$T/log" &
pid=$!
cleanup_pid $pid
n=0
until curl -s -o /dev/null "http://127.0.0.1:$aport/healthz" || [ $n -gt 100 ]; do
	n=$((n + 1)); sleep 0.1
done

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
is "$(code "http://127.0.0.1:$aport/healthz")" 200 "/healthz needs no token"
for p in /metrics /feeds /alerts /nothing; do
	is "$(code "http://127.0.0.1:$aport$p")" 401 "$p without a token: 401"
done
is "$(code -H 'Authorization: Bearer wrong' "http://127.0.0.1:$aport/feeds")" 401 \
    "a wrong token: 401"
is "$(code -H 'Authorization: Bearer s3cret-token-and-more' "http://127.0.0.1:$aport/feeds")" 401 \
    "the token with more after it: 401"
is "$(code -H 'Authorization: Bearer s3cret-toke' "http://127.0.0.1:$aport/feeds")" 401 \
    "a prefix of the token: 401"
is "$(code -H 'Authorization: Basic czNjcmV0LXRva2Vu' "http://127.0.0.1:$aport/feeds")" 401 \
    "another scheme: 401"
is "$(code -H 'Authorization: Bearer s3cret-token' "http://127.0.0.1:$aport/feeds")" 200 \
    "the token (read from the @file, newline dropped): 200"
is "$(code -H 'Authorization: Bearer s3cret-token' -H 'Host: evil.example' "http://127.0.0.1:$aport/metrics")" 200 \
    "with the token, any Host is served"
like "$(curl -s -D - -o /dev/null "http://127.0.0.1:$aport/alerts")" 'WWW-Authenticate: Bearer' \
    "a 401 names the scheme"
out=$("$FEEDWATCH" status -c "$T/feedwatch.conf" 2>&1)
like "$out" "feedwatchd at 127.0.0.1:$aport: up" "feedwatch status -c sends the config's token"
kill $pid; wait $pid

# Without a token: the Host header must name this server.
cat > "$T/host.conf" <<EOF
[daemon]
state-dir = $T/state
http = 127.0.0.1:$aport
http-host = feeds.example.org, status.local
interval = 1h
EOF
"$FEEDWATCHD" -c "$T/host.conf" -f 2> "$T/log2" &
pid=$!
cleanup_pid $pid
n=0
until curl -s -o /dev/null "http://127.0.0.1:$aport/healthz" || [ $n -gt 100 ]; do
	n=$((n + 1)); sleep 0.1
done
is "$(code "http://127.0.0.1:$aport/feeds")" 200 "Host 127.0.0.1:PORT is served"
is "$(code -H 'Host: feeds.example.org' "http://127.0.0.1:$aport/feeds")" 200 \
    "a name in http-host is served"
is "$(code -H "Host: status.local:$aport" "http://127.0.0.1:$aport/feeds")" 200 \
    "... with the port too"
is "$(code -H "Host: localhost:$aport" "http://127.0.0.1:$aport/feeds")" 200 \
    "localhost is served on a loopback address"
is "$(code -H "Host: rebind.attacker.example:$aport" "http://127.0.0.1:$aport/alerts")" 403 \
    "another name (DNS rebinding): 403"
is "$(code -H "Host: feeds.example.org.attacker.example" "http://127.0.0.1:$aport/feeds")" 403 \
    "a name that only starts like an http-host name: 403"
kill $pid; wait $pid

# Beyond loopback without a token: check and the start say so.
cat > "$T/open.conf" <<EOF
[daemon]
state-dir = $T/state
http = 0.0.0.0:$aport
interval = 1h
EOF
out=$("$FEEDWATCH" check -c "$T/open.conf" 2>&1)
like "$out" "open\.conf:1: .*http = 0\.0\.0\.0:$aport.*without http-token" \
    "check warns of a non-loopback address without a token, with file:line"
"$FEEDWATCHD" -c "$T/open.conf" -f 2> "$T/log3" &
pid=$!
cleanup_pid $pid
wait_for "$T/log3" "without http-token"
ok $? "the daemon warns at start"
kill $pid; wait $pid
out=$("$FEEDWATCH" check -c "$T/feedwatch.conf" 2>&1)
ok $(printf '%s' "$out" | grep -q 'without http-token'; [ $? -ne 0 ]; echo $?) \
    "no such warning on loopback"
done_testing
