#!/bin/sh
# The polling benchmark, run by `make bench`: generate N feeds,
# serve them with nginx on 127.0.1.1-127.0.1.$HOSTS (loopback only) from a
# temporary directory, and let bench/poll-bench poll them, for N = 1,000
# and 10,000.  nginx is stopped and the directory removed however this
# exits.  Every step is bounded by `timeout`.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BENCH="$top_builddir/bench/poll-bench"
# 100 hosts x 4 per host leaves room for the 200 transfers in flight.
HOSTS=${POLL_HOSTS:-100}
SIZES=${POLL_SIZES:-"1000 10000"}
. "$top_srcdir/bench/nginx.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/fwpoll.XXXXXX")
cleanup() {
	nginx_stop
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$BENCH" port)

max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
echo "generating $max feeds in $dir/www"
timeout 600 nice -n 10 "$BENCH" gen "$dir" "$max"

nginx_start "$dir" 127.0.1 "$HOSTS" "$port"

echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) CPUs, $("$NGINX" -v 2>&1)"
for n in $SIZES; do
	echo "== $n feeds"
	timeout 900 "$BENCH" run "$dir" "$n" "$HOSTS" "$port"
	# Put the touched files back so every size starts from equal ground.
	find "$dir/www" -name '*.xml' -exec touch -d '2024-01-01 00:00:00' {} +
done
