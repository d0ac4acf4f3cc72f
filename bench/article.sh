#!/bin/sh
# The article benchmark, run by `make bench`: extraction speed and memory
# (bench/article-bench), then the delay that `article = fetch` adds from
# an item's feed fetch to its alert, with nginx serving 20 feeds of 20
# items and their 100 KB article pages on 10 loopback hosts (127.0.3.x).
# nginx is stopped and the directory removed however this exits.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FEEDS=${ART_FEEDS:-20}
ITEMS=${ART_ITEMS:-20}
PAGE_KB=${ART_PAGE_KB:-100}
HOSTS=10
. "$top_srcdir/bench/nginx.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/fwart.XXXXXX")
cleanup() {
	nginx_stop
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) CPUs"
echo "== article extraction"
"$top_builddir/bench/article-bench" "${ART_REPEAT:-40}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$top_srcdir/bench/article.py" gen "$dir" "$port" "$HOSTS" \
    "$FEEDS" "$ITEMS" "$PAGE_KB"
chmod -R a+rX "$dir/www"
nginx_start "$dir" 127.0.3 "$HOSTS" "$port"
echo "== item -> alert: $FEEDS feeds x $ITEMS items, $PAGE_KB KB article pages"
python3 "$top_srcdir/bench/article.py" run "$dir" "$top_builddir/daemon/feedwatchd"
