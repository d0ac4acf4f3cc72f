#!/bin/sh
# An smtp sink with a username never sends its password in clear text
# unless the config says `tls = none`: against a responder that offers
# AUTH but not STARTTLS (tests/smtpd), the delivery fails for good, says
# STARTTLS was not offered, and the responder hears no AUTH.  A TLS
# failure (smtps:// to a server that speaks none) fails for good too,
# with a reason that says TLS.  check warns of tls = none with a password.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
start_server "$top_builddir/tests/smtpd" -l "$T/smtp.log"; sport=$port
printf 'hunter2-secret\n' > "$T/pw"
# conf TLS-LINE URL: a config with one smtp sink that logs in.
conf() {
	cat <<EOF
[daemon]
state-dir = $T/state

[sink mail]
type = smtp
url = $2
from = feedwatch@example.org
to = ops@example.org
username = feedwatch
password = @pw
$1
EOF
}
b64=$(printf '\0feedwatch\0hunter2-secret' | base64)

conf "" "smtp://127.0.0.1:$sport" > "$T/default.conf"
out=$("$FEEDWATCH" send-test -c "$T/default.conf" mail); rc=$?
ok $([ "$rc" -ne 0 ]; echo $?) "with a username and no tls =, send-test fails"
like "$out" "^sink mail: failed: .*did not offer STARTTLS" \
    "... for good (not retried), saying STARTTLS was not offered"
log=$(cat "$T/smtp.log" 2>/dev/null)
ok $(printf '%s' "$log" | grep -q 'AUTH'; [ $? -ne 0 ]; echo $?) \
    "the responder heard no AUTH"
ok $(printf '%s' "$log" | grep -qF "$b64"; [ $? -ne 0 ]; echo $?) \
    "... and never the password"
out=$("$FEEDWATCH" check -c "$T/default.conf" 2>&1)
ok $(printf '%s' "$out" | grep -q 'clear text'; [ $? -ne 0 ]; echo $?) \
    "check does not warn when TLS is required"

conf "tls = required" "smtp://127.0.0.1:$sport" > "$T/required.conf"
out=$("$FEEDWATCH" send-test -c "$T/required.conf" mail)
like "$out" "^sink mail: failed: .*did not offer STARTTLS" "tls = required: the same"

conf "tls = none" "smtp://127.0.0.1:$sport" > "$T/none.conf"
out=$("$FEEDWATCH" check -c "$T/none.conf" 2>&1)
like "$out" "none\.conf:4: sink 'mail' sends its password in clear text.*tls = none" \
    "check warns of tls = none with a password"
: > "$T/smtp.log"
out=$("$FEEDWATCH" send-test -c "$T/none.conf" mail); rc=$?
is "$rc" 0 "tls = none, written: delivered"
like "$(cat "$T/smtp.log")" "C: AUTH PLAIN" "... and the login went in clear, as asked"

conf "tls = opportunistic" "smtp://127.0.0.1:$sport" > "$T/opp.conf"
out=$("$FEEDWATCH" check -c "$T/opp.conf" 2>&1)
like "$out" "sink 'mail' may send its password in clear text" \
    "check warns of tls = opportunistic with a password"

conf "tls = sometimes" "smtp://127.0.0.1:$sport" > "$T/bad.conf"
out=$("$FEEDWATCH" check -c "$T/bad.conf" 2>&1); rc=$?
is "$rc" 1 "an unknown tls word is an error"
like "$out" "bad\.conf:11: expected required, opportunistic or none, found 'sometimes'" \
    "... with file:line and the words"

conf "tls = none" "smtps://127.0.0.1:$sport" > "$T/smtpsnone.conf"
out=$("$FEEDWATCH" check -c "$T/smtpsnone.conf" 2>&1); rc=$?
is "$rc" 1 "smtps:// with tls = none is an error"
like "$out" "smtpsnone\.conf:11: an smtps:// server speaks TLS" "... saying why"

conf "ca-file = $T/pw" "smtps://127.0.0.1:$sport" > "$T/smtps.conf"
: > "$T/smtp.log"
out=$("$FEEDWATCH" send-test -c "$T/smtps.conf" mail)
like "$out" "^sink mail: failed: TLS failed" \
    "smtps:// to a server without TLS fails for good with a TLS reason"
ok $(grep -qF "$b64" "$T/smtp.log"; [ $? -ne 0 ]; echo $?) "... and the password was not sent"
done_testing
