#!/bin/sh
# The polling benchmark, run by `make bench`: generate feeds, serve them
# with nginx on 127.0.1.1-127.0.1.$HOSTS (loopback only) from a temporary
# directory, over plain HTTP and over TLS under a CA made for the run, and
# let bench/poll-bench poll them:
#   full polls (all 200, then all 304, then half) for N = 1,000 and 10,000
#   over HTTP, and 10,000 over HTTPS (HTTP/2, connections kept);
#   steady state (50% 304, 30% same bytes, 20% changed) for 10,000 feeds
#   over HTTPS with a new connection for every poll, with TLS session
#   resumption and without, and over HTTP/2 with connections kept.
# nginx is stopped and the directory removed however this exits.  Every
# step is bounded by `timeout`.  POLL_PARTS picks parts: full steady.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BENCH="$top_builddir/bench/poll-bench"
# 100 hosts x 4 per host leaves room for the 200 transfers in flight.
HOSTS=${POLL_HOSTS:-100}
SIZES=${POLL_SIZES:-"1000 10000"}
TLS_SIZE=${POLL_TLS_SIZE:-10000}
STEADY=${POLL_STEADY:-10000}
PARTS=${POLL_PARTS:-"full steady"}
# POLL_STEADY_MODES picks the steady runs: resume no-resume h2.
STEADY_MODES=${POLL_STEADY_MODES:-"resume no-resume h2"}
# POLL_WRAP runs the steady benchmark under a tool, e.g. "valgrind
# --tool=callgrind --dump-before=sched_poll_all_now" (set POLL_TIMEOUT_S).
WRAP=${POLL_WRAP:-}
. "$top_srcdir/bench/nginx.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/fwpoll.XXXXXX")
cleanup() {
	nginx_stop
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$BENCH" port)
tport=$("$BENCH" port)
nkport=$("$BENCH" port)

max=$STEADY
for n in $SIZES $TLS_SIZE; do [ "$n" -gt "$max" ] && max=$n; done
echo "generating $max feeds in $dir/www"
timeout 600 nice -n 10 "$BENCH" gen "$dir" "$max"
nginx_make_ca "$dir" 127.0.1 "$HOSTS"
nginx_start "$dir" 127.0.1 "$HOSTS" "$port" "$tport" "$nkport"
export POLL_CA="$dir/tls/ca.pem"

echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) CPUs, $("$NGINX" -v 2>&1), $(openssl version), load $(cut -d' ' -f1-3 /proc/loadavg)"
# Put the touched files back so every run starts from equal ground.
untouch() {
	find "$dir/www" -name '*.xml' -exec touch -d '2024-01-01 00:00:00' {} +
}
case " $PARTS " in *" full "*)
	for n in $SIZES; do
		echo "== full polls, $n feeds, http"
		timeout 900 "$BENCH" run "$dir" "$n" "$HOSTS" "$port"
		untouch
	done
	echo "== full polls, $TLS_SIZE feeds, https (HTTP/2, kept connections)"
	timeout 900 "$BENCH" run "$dir" "$TLS_SIZE" "$HOSTS" "$tport" https
	untouch
	;;
esac
# handshakes PORT: "TLS connections: N full handshakes, M resumed" since
# the last call, from nginx's log (tls.log, flushed by USR1's reopen).
handshakes() {
	kill -USR1 "$ngx" 2>/dev/null
	sleep 2
	awk -v p="$1" '$1 == p { c[$2] = $3 }
	    END { for (k in c) n[c[k]]++
		printf "TLS connections: %d full handshakes, %d resumed\n",
		    n["."], n["r"] }' "$dir/tls.log"
	: >"$dir/tls.log"
}
case " $PARTS " in *" steady "*)
	rm -rf "$dir/www"
	: >"$dir/tls.log"
	timeout 600 nice -n 10 "$BENCH" gen-steady "$dir" "$STEADY"
	chmod -R a+rX "$dir/www"
	for mode in $STEADY_MODES; do
		echo "== steady state, $STEADY feeds, https, $mode"
		timeout 600 nice -n 10 "$BENCH" gen-steady "$dir" "$STEADY"
		p=$nkport
		[ "$mode" = h2 ] && p=$tport
		if [ "$mode" = no-resume ]; then
			POLL_NO_RESUME=1 timeout 900 "$BENCH" steady "$dir" \
			    "$STEADY" "$HOSTS" "$p" https
		else
			timeout 900 $WRAP "$BENCH" steady "$dir" "$STEADY" \
			    "$HOSTS" "$p" https
		fi
		handshakes "$p"
	done
	;;
esac
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
