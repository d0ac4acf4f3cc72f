#!/bin/sh
# The delivery benchmark, run by `make bench`: 10,000 alerts
# through a webhook sink to tests/hookd on 127.0.0.1, then through a
# telegram sink to tests/apid; prints alerts/second
# and the event loop's longest stall.  Bounded by `timeout`.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
timeout 600 nice -n 10 "$top_builddir/bench/deliver-bench" \
    "$top_builddir/tests/hookd" "${DELIVER_N:-10000}"
# The same through a telegram sink to tests/apid's Bot API.
timeout 600 nice -n 10 "$top_builddir/bench/deliver-bench" \
    "$top_builddir/tests/apid" "${DELIVER_N:-10000}" telegram
