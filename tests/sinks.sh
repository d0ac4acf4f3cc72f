#!/bin/sh
# The sinks from the command line and from the daemon, against real
# receivers on 127.0.0.1 (tests/hookd, tests/smtpd): `feedwatch send-test`
# reports each outcome with the right exit status, and feedwatchd --once
# delivers the example feeds' alerts to a webhook, once each, in order.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
HOOKD="$top_builddir/tests/hookd"
SMTPD="$top_builddir/tests/smtpd"
cp -R "$top_srcdir/examples/feeds" "$T/feeds"
chmod -R u+w "$T/feeds"

start_server "$HOOKD" -l "$T/hook.jsonl"; hport=$port
start_server "$SMTPD" -l "$T/smtp.log"; sport=$port
ok $([ -n "$hport" ] && [ -n "$sport" ]; echo $?) "receivers started"

sed -e "s|^state-dir = .*|state-dir = $T/state|" \
    -e "s|^path = .*alerts.jsonl|path = $T/alerts.jsonl|" \
    -e "s|^sinks = journal, alerts-file|sinks = journal, hook|" \
    "$top_srcdir/examples/feedwatch.conf" > "$T/feedwatch.conf"
mkdir -p "$T/state" "$T/exec"
printf 'tok-%s\n' 1234 > "$T/token"
chmod 600 "$T/token"
cat >> "$T/feedwatch.conf" <<CONF

[sink secret]
type = webhook
url = http://127.0.0.1:$hport/ok-secret
format = ntfy
header = Authorization: Bearer @$T/token

[sink hook]
type = webhook
url = http://127.0.0.1:$hport/ok-daemon
format = json
header = X-Feedwatch-Test: yes

[sink slack]
type = webhook
url = http://127.0.0.1:$hport/ok-slack
format = slack

[sink refusing]
type = webhook
url = http://127.0.0.1:$hport/bad

[sink busy]
type = webhook
url = http://127.0.0.1:$hport/busy

[sink pager]
type = exec
command = /bin/sh $top_srcdir/tests/exec-record.sh $T/exec 0
timeout = 10s

[sink mail]
type = smtp
url = smtp://127.0.0.1:$sport
from = feedwatch@example.org
to = ops@example.org
CONF

out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" slack); rc=$?
is $rc 0 "send-test to a webhook that answers 200 exits 0"
like "$out" '^sink slack: delivered \(alert feedwatch-test-[0-9]+-[0-9]+\)$' "and says delivered"
like "$(tail -n 1 "$T/hook.jsonl")" '"path":"/ok-slack".*"body":"\{\\"text\\":\\"\*feedwatch-test\* score 1/1: <https://example.org/feedwatch-test\|feedwatch test alert: delivery works>' \
    "the receiver got a Slack body (no watchlist names the sink: feedwatch-test)"

out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" secret); rc=$?
is $rc 0 "send-test to an ntfy webhook exits 0"
last=$(tail -n 1 "$T/hook.jsonl")
like "$last" '"Authorization":"Bearer tok-1234"' "the header's @file secret was read and sent"
like "$last" '"Title":"feedwatch-test: feedwatch test alert: delivery works","Tags":"feedwatch,feedwatch-test","Click":"https://example.org/feedwatch-test"' \
    "ntfy: Title, Tags and Click headers"

out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" refusing); rc=$?
is $rc 1 "send-test to a webhook that answers 400 exits 1"
like "$out" '^sink refusing: failed: HTTP 400' "and says failed, with the status"
out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" busy); rc=$?
is $rc 1 "send-test to a webhook that answers 429 exits 1"
like "$out" '^sink busy: will retry: HTTP 429' "and says it will retry"

out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" pager); rc=$?
is $rc 0 "send-test through exec exits 0"
is "$(cat "$T/exec/TITLE")" "feedwatch test alert: delivery works" "the command saw FEEDWATCH_TITLE"
like "$(cat "$T/exec/stdin")" '^\{"id":"feedwatch-test-' "and the document on stdin"

out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" mail); rc=$?
is $rc 0 "send-test through smtp exits 0"
like "$(cat "$T/smtp.log")" 'Subject: \[feedwatch\] feedwatch-test: feedwatch test alert: delivery works' \
    "the responder got the mail"

out=$("$FEEDWATCH" send-test -c "$T/feedwatch.conf" nosuch 2>&1); rc=$?
is $rc 1 "send-test to an unknown sink exits 1"
like "$out" 'no sink named nosuch' "and names it"
"$FEEDWATCH" send-test -c "$T/feedwatch.conf" >/dev/null 2>&1
is $? 2 "send-test without a sink is a usage error"

# The daemon: every alert of the example feeds reaches the webhook once,
# in firing order, with its id as the Idempotency-Key.
"$FEEDWATCHD" -c "$T/feedwatch.conf" --once > "$T/out" 2> "$T/err"
is $? 0 "feedwatchd --once with a webhook sink exits 0"
python3 - "$T/hook.jsonl" "$T/err" <<'PY'
import json, re, sys
reqs = [json.loads(l) for l in open(sys.argv[1]) if '"/ok-daemon"' in l]
keys = [r["headers"]["Idempotency-Key"] for r in reqs]
ids = [json.loads(r["body"])["id"] for r in reqs]
assert reqs, "no request"
assert keys == ids, "Idempotency-Key is the alert id"
assert len(set(keys)) == len(keys), "each alert once"
assert all(r["headers"].get("X-Feedwatch-Test") == "yes" for r in reqs)
fired = [json.loads(r["body"])["fired_at"] for r in reqs]
assert fired == sorted(fired), "in firing order"
logged = len(re.findall(r"feedwatchd: alert ", open(sys.argv[2]).read()))
assert logged == len(reqs), (logged, len(reqs))
PY
ok $? "each alert reached the webhook once, keyed by its id, in order"
done_testing
