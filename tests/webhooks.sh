#!/bin/sh
# Webhook formats against tests/hookd, fed an item whose link holds |, <
# and > and whose text tries markup: Slack and Mattermost links stay whole
# (percent-encoded), Discord keeps the link, ntfy gets a Priority from the
# score and each snippet once; a signed webhook's X-Feedwatch-Signature
# verifies with python's hmac over TIMESTAMP.BODY, and fails for a
# changed body.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
HOOKD="$top_builddir/tests/hookd"
start_server "$HOOKD" -l "$T/hook.jsonl"; hport=$port
H="http://127.0.0.1:$hport"
printf 'k3y-%s\n' "$(date +%N)" > "$T/secret"

cat > "$T/feed.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Links</title><link>https://news.example/</link>
<item><title>Kim &amp;amp; co &amp;lt;!channel&amp;gt; @everyone</title>
<link>https://news.example/a?q=a|b&amp;r=&lt;x&gt;</link>
<guid>links-1</guid>
<description>Kim has said the talks will go on.</description>
</item></channel></rss>
XML
cat > "$T/hooks.conf" <<CONF
[daemon]
state-dir = $T/state

[feed links]
url = file://$T/feed.xml
backfill = 10

[actor kim]
name = Kim

[topic said]
term = said

[watchlist kim]
actors = kim
topics = said
sinks = slack, discord, ntfy, mm, signed

[sink slack]
type = webhook
format = slack
url = $H/ok-slack

[sink discord]
type = webhook
format = discord
url = $H/ok-discord

[sink ntfy]
type = webhook
format = ntfy
url = $H/ok-ntfy

[sink mm]
type = webhook
format = mattermost
url = $H/ok-mm

[sink signed]
type = webhook
url = $H/ok-signed
secret = @$T/secret
CONF
mkdir -p "$T/state"
"$FEEDWATCHD" -c "$T/hooks.conf" --once 2> "$T/err"
is $? 0 "every webhook delivered"

# check PYTHON: run it with reqs (path -> request) and the secret.
check() {
	python3 - "$T/hook.jsonl" "$T/secret" "$1" <<'PY'
import json, sys
reqs = {json.loads(l)["path"]: json.loads(l) for l in open(sys.argv[1])}
secret = open(sys.argv[2], "rb").read().strip()
exec(sys.argv[3])
PY
}
check '
t = json.loads(reqs["/ok-slack"]["body"])["text"]
assert "<https://news.example/a?q=a%7Cb&amp;r=%3Cx%3E|Kim &amp; co &lt;!channel&gt; @everyone>" in t, t
'
ok $? "slack: the link is whole, | < > percent-encoded, the title escaped"
check '
t = json.loads(reqs["/ok-mm"]["body"])["text"]
assert "](https://news.example/a?q=a%7Cb&r=%3Cx%3E)" in t, t
assert "@everyone" not in t
'
ok $? "mattermost: the link is whole and percent-encoded, no mention"
check '
t = json.loads(reqs["/ok-discord"]["body"])["content"]
assert "](<https://news.example/a?q=a%7Cb&r=%3Cx%3E>)" in t, t
'
ok $? "discord: a link with | < > is kept, percent-encoded"
check '
r = reqs["/ok-ntfy"]
assert r["headers"]["Priority"] == "5", r["headers"]
assert r["body"].count("> Kim has said the talks will go on.") == 1, r["body"]
assert len(r["body"].encode()) < 4096
'
ok $? "ntfy: Priority from the score (5: three times the threshold or more), each snippet once"
check '
import hashlib, hmac
r = reqs["/ok-signed"]
ts = r["headers"]["X-Feedwatch-Timestamp"]
mac = hmac.new(secret, ts.encode() + b"." + r["body"].encode(), hashlib.sha256)
assert hmac.compare_digest("sha256=" + mac.hexdigest(), r["headers"]["X-Feedwatch-Signature"])
'
ok $? "signed: python's hmac verifies X-Feedwatch-Signature over TIMESTAMP.BODY"
check '
import hashlib, hmac
r = reqs["/ok-signed"]
ts = r["headers"]["X-Feedwatch-Timestamp"]
body = r["body"].replace("Kim", "Kin", 1).encode()
mac = hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256)
assert not hmac.compare_digest("sha256=" + mac.hexdigest(), r["headers"]["X-Feedwatch-Signature"])
'
ok $? "signed: a changed body does not verify"
check '
assert "X-Feedwatch-Signature" not in reqs["/ok-slack"]["headers"]
'
ok $? "a webhook without a secret is not signed"
done_testing
