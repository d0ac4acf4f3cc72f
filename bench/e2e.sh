#!/bin/sh
# The end-to-end benchmark, run by `make bench`: 1,000 feeds of
# 20 items served by nginx on 127.0.2.x (loopback only), polled once by
# feedwatchd --once: fetch, parse, score against the example watchlists
# plus 10,000 generated terms, store, and the file sink.  Prints items per
# second and the delay from each fetch's last byte to the alert's line in
# the file.  nginx is stopped and the directory removed however this exits.
# E2E_WRAP="valgrind --tool=callgrind --callgrind-out-file=F" counts its
# instructions instead (the CPU and delay figures are then valgrind's).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FEEDS=${E2E_FEEDS:-1000}
ITEMS=${E2E_ITEMS:-20}
TERMS=${E2E_TERMS:-10000}
HOSTS=50
. "$top_srcdir/bench/nginx.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/fwe2e.XXXXXX")
cleanup() {
	nginx_stop
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir/state"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout 300 python3 "$top_srcdir/bench/e2e.py" gen "$dir" "$port" "$HOSTS" \
    "$FEEDS" "$ITEMS" "$TERMS" "$top_srcdir/examples/feedwatch.conf"
chmod -R a+rX "$dir/www"

nginx_start "$dir" 127.0.2 "$HOSTS" "$port"

echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) CPUs"
echo "== end to end: $FEEDS feeds x $ITEMS items, example watchlists + $TERMS generated terms"
python3 "$top_srcdir/bench/e2e.py" run "$dir" "$top_builddir/daemon/feedwatchd"
