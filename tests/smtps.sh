#!/bin/sh
# An smtp sink over TLS to tests/smtpd under a CA this test makes: over
# STARTTLS (smtp://, tls = required) and over smtps:// (TLS from the first
# byte), each delivers with ca-file naming the CA, the login and the
# message going only after the handshake; without the CA, or with a CA
# that signed nothing, the delivery fails for good with a reason that
# says the certificate was not trusted, and nothing is sent.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tls-lib.sh"

T=$TEST_TMP
make_ca "$T/ca"
ok $? "a CA and a server certificate for 127.0.0.1 are made"
start_server "$top_builddir/tests/smtpd" -l "$T/starttls.log" -c "$T/ca"
st=$port
start_server "$top_builddir/tests/smtpd" -l "$T/smtps.log" -c "$T/ca" -s
ss=$port
printf 'hunter2-secret\n' >"$T/pw"
b64=$(printf '\0feedwatch\0hunter2-secret' | base64)

# conf URL [KEY = VALUE...]: one smtp sink that logs in.
conf() {
	_url=$1
	shift
	cat <<CONF
[daemon]
state-dir = $T/state

[sink mail]
type = smtp
url = $_url
from = feedwatch@example.org
to = ops@example.org
username = feedwatch
password = @pw
CONF
	for kv in "$@"; do echo "$kv"; done
}

# log_order LOG: the first of TLS-BEGIN, AUTH and DATA-BEGIN, in order.
log_order() {
	grep -Eo '^(TLS-BEGIN|C: AUTH|DATA-BEGIN)' "$1" | tr '\n' ' '
}

for kind in starttls smtps; do
	if [ $kind = starttls ]; then
		url="smtp://127.0.0.1:$st"
		tls="tls = required"
	else
		url="smtps://127.0.0.1:$ss"
		tls=""
	fi
	log="$T/$kind.log"

	conf "$url" "$tls" "ca-file = $T/ca/ca.pem" >"$T/$kind-ok.conf"
	: >"$log"
	out=$("$FEEDWATCH" send-test -c "$T/$kind-ok.conf" mail)
	is $? 0 "$kind with the test CA: send-test delivers ($out)"
	is "$(log_order "$log")" "TLS-BEGIN C: AUTH DATA-BEGIN " \
	    "$kind: the handshake first, then the login, then the message"
	like "$(sed -n '/DATA-BEGIN/,/DATA-END/p' "$log")" \
	    "^To: ops@example.org" "$kind: the responder has the message"

	conf "$url" "$tls" >"$T/$kind-noca.conf"
	: >"$log"
	out=$("$FEEDWATCH" send-test -c "$T/$kind-noca.conf" mail)
	rc=$?
	ok $([ "$rc" -ne 0 ]; echo $?) "$kind without the CA: send-test fails"
	like "$out" \
	    "^sink mail: failed: TLS failed: .*(certificate|issuer|self-signed).*not retried" \
	    "... for good, saying the certificate was not trusted"
	ok $(grep -Eq 'AUTH|DATA-BEGIN' "$log"; [ $? -ne 0 ]; echo $?) \
	    "... and neither the login nor the message was sent"
	ok $(grep -qF "$b64" "$log"; [ $? -ne 0 ]; echo $?) \
	    "... the password least of all"

	conf "$url" "$tls" "ca-file = $T/ca/other.pem" >"$T/$kind-other.conf"
	out=$("$FEEDWATCH" send-test -c "$T/$kind-other.conf" mail)
	like "$out" "^sink mail: failed: TLS failed: .*(certificate|issuer)" \
	    "$kind with a CA that did not sign it: refused the same way"
done
done_testing
