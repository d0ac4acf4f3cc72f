#!/bin/sh
# The receivers against tests/apid, a local fake of each service's API
# that checks what the service checks: every type delivers, retries what
# the service rate-limits (after the wait it says), fails for good on what
# it refuses, and is idempotent across a restart where the service is
# (Matrix's txn, PagerDuty's dedup_key).  Hostile feed text (<b>,
# @everyone, @room, <!channel>, markdown) arrives inert in every one.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
APID="$top_builddir/tests/apid"
start_server "$APID" -l "$T/api.jsonl"; aport=$port
A="http://127.0.0.1:$aport"

printf '123456:ABC-tok\n' > "$T/tg-token"
printf 'syt_feedwatch\n' > "$T/mx-token"
printf 'azGDORePK8gMaC0QOYAMyEEuzJnyUi\n' > "$T/po-token"
printf 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG\n' > "$T/po-user"
printf 'AbCdEfGh12345\n' > "$T/go-token"

# One item whose text tries every markup and mention.
cat > "$T/hostile.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>https://news.example/</link>
<item><title>&amp;lt;b&amp;gt;Kim&amp;lt;/b&amp;gt; @everyone @room &amp;lt;!channel&amp;gt; *bold* [x](https://evil.example) &amp; more</title>
<link>https://news.example/a?x=1|y=&lt;2&gt;&amp;z=(3)</link>
<guid>hostile-1</guid>
<description>Kim met envoys; @here &lt;script&gt;alert(1)&lt;/script&gt; Kim again.</description>
</item></channel></rss>
XML

# conf NAME SCENARIO [TOKEN-SUFFIX]: every receiver, in one scenario; a
# room and a PagerDuty service of its own (their dedup is per room and
# per service).
conf() {
	mkdir -p "$T/$1"
	printf '%-32.32s\n' "R$1-0123456789abcdef0123456789abcdef" > "$T/pd-key-$1"
	cat > "$T/$1.conf" <<CONF
[daemon]
state-dir = $T/$1

[feed hostile]
url = file://$T/hostile.xml
backfill = 10

[actor kim]
name = Kim

[watchlist kim]
actors = kim
sinks = tg, mx, pd, po, go, teams, mm

[sink tg]
type = telegram
api = $A/$2
token = @$T/tg-token$3
chat = @newsdesk

[sink mx]
type = matrix
homeserver = $A/$2
room = !room-$1:example.org
token = @$T/mx-token$3

[sink pd]
type = pagerduty
api = $A/$2/v2/enqueue
routing-key = @$T/pd-key-$1$3

[sink po]
type = pushover
api = $A/$2/1/messages.json
token = @$T/po-token$3
user = @$T/po-user

[sink go]
type = gotify
url = $A/$2
token = @$T/go-token$3

[sink teams]
type = webhook
format = teams
url = $A/$2/teams

[sink mm]
type = webhook
format = mattermost
url = $A/$2/hooks/xyz
CONF
}

# check SCENARIO PYTHON: run PYTHON over the requests of SCENARIO (reqs).
check() {
	python3 - "$T/api.jsonl" "$1" "$2" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
reqs = [r for r in reqs if r["scenario"] == sys.argv[2]]
def of(service): return [r for r in reqs if r["service"] == service]
exec(sys.argv[3])
PY
}

SERVICES='["telegram","matrix","pagerduty","pushover","gotify","teams","mattermost"]'

conf ok ok
"$FEEDWATCHD" -c "$T/ok.conf" --once 2> "$T/ok.err"
is $? 0 "every receiver delivered: --once exits 0"
check ok "
for s in $SERVICES:
    got = of(s)
    assert len(got) == 1 and got[0]['shown'], (s, got)
"
ok $? "each service got the alert once, and took it"

# What each received, read the way the service shows it.
check ok '
import html, re
t = json.loads(of("telegram")[0]["body"])["text"]
shown = html.unescape(re.sub(r"<[^>]+>", "", t))
assert "<b>Kim</b>" in shown and "<!channel>" in shown, shown
assert "@everyone" not in shown and "@room" not in shown, shown
assert "@\u2060everyone" in shown
assert re.search(r"<a href=\"https://news.example/a\?x=1\|y=%3C2%3E&amp;z=\(3\)\">", t), t
m = json.loads(of("matrix")[0]["body"])
assert m["m.mentions"] == {} and m["msgtype"] == "m.notice"
assert "@room" not in m["body"] and "@room" not in html.unescape(m["formatted_body"])
assert "&lt;b&gt;Kim&lt;/b&gt;" in m["formatted_body"]
mm = json.loads(of("mattermost")[0]["body"])["text"]
assert "@everyone" not in mm and "\\*bold\\*" in mm and "\\[x\\]" in mm, mm
assert "(https://news.example/a?x=1%7Cy=%3C2%3E&z=%283%29)" in mm, mm
card = json.loads(of("teams")[0]["body"])["attachments"][0]["content"]
runs = [i for b in card["body"] for i in b["inlines"]]
assert all(r["type"] == "TextRun" for r in runs)
assert card["actions"][0]["url"] == "https://news.example/a?x=1|y=<2>&z=(3)"
pd = json.loads(of("pagerduty")[0]["body"])
assert pd["dedup_key"] == of("pagerduty")[0]["headers"]["Idempotency-Key"]
assert pd["payload"]["summary"].startswith("[feedwatch] kim: <b>Kim</b>")
po = of("pushover")[0]["body"]
assert "html=" not in po and "priority=1" in po and "%40%E2%81%A0everyone" in po
go = json.loads(of("gotify")[0]["body"])
assert go["extras"]["client::display"]["contentType"] == "text/plain"
'
ok $? "hostile feed text arrives inert in every receiver, links whole"

conf limit limit
"$FEEDWATCHD" -c "$T/limit.conf" --once 2> "$T/limit.err"
is $? 0 "rate-limited first: retried and delivered within one run"
check limit "
for s in ['telegram', 'matrix', 'pagerduty', 'pushover']:
    st = [r['status'] for r in of(s)]
    assert st == [429, 200 if s != 'pagerduty' else 202], (s, st)
"
ok $? "each rate-limiting service answered 429 once, then took it"
like "$(cat "$T/limit.err")" 'sink tg: .*HTTP 429: .*retry in 1s' \
    "Telegram's parameters.retry_after is followed"
like "$(cat "$T/limit.err")" 'sink mx: .*M_LIMIT_EXCEEDED.*retry in 2s' \
    "Matrix's retry_after_ms is followed, in whole seconds up"

printf 'wrong\n' > "$T/tg-token.bad"; printf 'wrong\n' > "$T/mx-token.bad"
printf 'short\n' > "$T/pd-key-bad.bad"; printf 'short\n' > "$T/po-token.bad"
printf 'wrong\n' > "$T/go-token.bad"
conf bad ok .bad
sed -i "s|/ok/|/bad/|; s|$A/ok|$A/bad|" "$T/bad.conf"
"$FEEDWATCHD" -c "$T/bad.conf" --once 2> "$T/bad.err"
is $? 1 "refused credentials: --once exits 1"
for s in tg mx pd po go; do
	like "$(cat "$T/bad.err")" "sink $s: alert [0-9a-f]{16} failed for good: HTTP (400|401)" \
	    "sink $s fails for good on the service's refusal"
done
is "$(sqlite3 "$T/bad/state.db" "select count(*) from messages where state = 'failed'")" 5 \
    "the five refused deliveries are kept, failed"

# A lost answer: the first run's request was taken but its answer lost;
# the next run repeats it with the same txn and dedup_key.
conf lost lost
"$FEEDWATCHD" -c "$T/lost.conf" --once --once-timeout 3s 2> "$T/lost.err"
is $? 1 "answers lost: the run ends at --once-timeout with exit 1"
sed -i "s|$A/lost|$A/ok|" "$T/lost.conf"
"$FEEDWATCHD" -c "$T/lost.conf" --once 2> "$T/lost2.err"
is $? 0 "the next run delivers"
python3 - "$T/api.jsonl" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
mx = [r for r in reqs if r["service"] == "matrix" and r["scenario"] in ("lost",) ]
mx2 = [r for r in reqs if r["service"] == "matrix" and r["scenario"] == "ok"][1:]
assert len(mx) == 1 and len(mx2) == 1, (mx, mx2)
txn = lambda r: r["path"].rsplit("/", 1)[1]
assert txn(mx[0]) == txn(mx2[0]) and txn(mx[0]).startswith("feedwatch-")
assert mx[0]["shown"] and not mx2[0]["shown"]
pd = [r for r in reqs if r["service"] == "pagerduty" and r["scenario"] == "lost"]
pd2 = [r for r in reqs if r["service"] == "pagerduty" and r["scenario"] == "ok"][1:]
key = lambda r: json.loads(r["body"])["dedup_key"]
assert len(pd) == 1 and len(pd2) == 1 and key(pd[0]) == key(pd2[0])
assert pd[0]["shown"] and not pd2[0]["shown"]
PY
ok $? "Matrix's txn and PagerDuty's dedup_key are the same across the restart: shown once"

for s in tg mx pd po go teams mm; do
	out=$("$FEEDWATCH" send-test -c "$T/ok.conf" $s); rc=$?
	is "$rc $out" "0 sink $s: delivered${out#*delivered}" "send-test through $s"
done
done_testing
