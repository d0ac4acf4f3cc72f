#!/bin/sh
# HTTPS feeds against nginx under a CA this test makes: fetched with the
# daemon's ca-file, or a feed's own ca-path; refused without it, with a log
# line naming the feed and the TLS reason; the feeds of one HTTP/2 host
# share one connection; a new connection to a host resumes its TLS session.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/tls-lib.sh"

T=$TEST_TMP
mkdir -p "$T/state" "$T/www"
make_ca "$T/ca"
ok $? "a CA and a server certificate are made"
mkdir -p "$T/ca.d"
cp "$T/ca/ca.pem" "$T/ca.d/"
openssl rehash "$T/ca.d" 2>/dev/null || c_rehash "$T/ca.d" >/dev/null
h2=$(free_port)
h1=$(free_port)
while [ "$h1" = "$h2" ]; do h1=$(free_port); done
nginx_tls_start "$T" "$T/ca" "$h2" "$h1"
for f in a b c r1 r2 r3; do
	rss "$T/www/$f.xml" "$f-1:Item one of $f:text" "$f-2:Item two of $f:text"
done

items() { # items stored for a feed
	sqlite3 "$T/state/state.db" "SELECT count(*) FROM items WHERE feed = '$1'"
}

conf() { # daemon keys, then feeds as NAME=URL[,KEY=VALUE]
	{
		echo "[daemon]"
		echo "state-dir = $T/state"
		echo "per-host = 1"
		echo "$1"
		shift
		for f in "$@"; do
			echo "[feed ${f%%=*}]"
			rest=${f#*=}
			echo "url = ${rest%%,*}"
			case $rest in *,*) echo "${rest#*,}" ;; esac
		done
	} >"$T/fw.conf"
}

# Without the CA: refused, and the log says which feed and why.
conf "" "bad=https://127.0.0.1:$h2/a.xml"
"$FEEDWATCHD" -c "$T/fw.conf" --once 2>"$T/err0"
like "$(grep 'feed bad:' "$T/err0")" \
    "feed bad: https://127.0.0.1:$h2/a.xml: TLS certificate not verified .*(unable to get local issuer certificate|self-signed)" \
    "without the CA the feed is refused; the log names the feed and the TLS reason"
is "$(items bad)" 0 "and nothing of it is stored"

# A CA that did not sign the server's certificate is no better.
conf "ca-file = $T/ca/other.pem" "other=https://127.0.0.1:$h2/a.xml"
"$FEEDWATCHD" -c "$T/fw.conf" --once 2>"$T/err1"
like "$(grep 'feed other:' "$T/err1")" "TLS certificate not verified" \
    "a ca-file of another CA: refused"

# With the daemon's ca-file: three feeds of one HTTP/2 host, three of an
# HTTP/1.1 host that closes every connection.
: >"$T/access.log"
conf "ca-file = $T/ca/ca.pem" \
    "a=https://127.0.0.1:$h2/a.xml" "b=https://127.0.0.1:$h2/b.xml" \
    "c=https://127.0.0.1:$h2/c.xml" "r1=https://127.0.0.1:$h1/r1.xml" \
    "r2=https://127.0.0.1:$h1/r2.xml" "r3=https://127.0.0.1:$h1/r3.xml"
"$FEEDWATCHD" -c "$T/fw.conf" --once 2>"$T/err2"
is $? 0 "with ca-file the run exits 0"
is "$(items a)$(items b)$(items c)$(items r1)$(items r2)$(items r3)" \
    222222 "every feed's items are read and stored"
ok $(! grep -q 'TLS' "$T/err2"; echo $?) "and no TLS error is logged"
wait_for "$T/access.log" "^$h1 .* /r3.xml 200" 5
is "$(awk -v p="$h2" '$1 == p { print $3 }' "$T/access.log" | sort -u)" \
    HTTP/2.0 "the HTTP/2 host is polled over HTTP/2"
is "$(awk -v p="$h2" '$1 == p { print $2 }' "$T/access.log" | sort -u |
    wc -l)" 1 "its three feeds share one connection"
is "$(awk -v p="$h1" '$1 == p' "$T/access.log" | wc -l)" 3 \
    "the HTTP/1.1 host served three polls"
is "$(awk -v p="$h1" '$1 == p && $4 == "r"' "$T/access.log" | wc -l)" 2 \
    "on new connections, the TLS session of the first is resumed"

# A feed's own ca-path, with no CA for the daemon.
conf "" "own=https://127.0.0.1:$h2/b.xml,ca-path = $T/ca.d" \
    "plain=https://127.0.0.1:$h2/c.xml"
"$FEEDWATCHD" -c "$T/fw.conf" --once 2>"$T/err3"
is "$(items own)" 2 "a feed's own ca-path verifies it"
like "$(grep 'feed plain:' "$T/err3")" "TLS certificate not verified" \
    "while a feed without one is still refused"

done_testing
