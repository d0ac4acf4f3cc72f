#!/bin/sh
# Config memory (issue 13: goal <= 4 x the file): a config of generated
# watchlist terms (bench/gen-bigconf.py; CONFMEM_TOPICS topics of 1,000
# two-word terms, default 2,000 = 2 million terms, 37 MB) loaded by
# `feedwatch check`, which reads it and builds the matcher exactly as the
# daemon does.  Prints the peak resident set (getrusage ru_maxrss through
# time(1)), the peak over that of a one-line config, and each per config
# byte, with the CPU time and the load average beside them.
# FEEDWATCH (default $top_builddir/tools/feedwatch) picks the binary, so
# that two builds are measured by one script.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
fw=${FEEDWATCH:-$top_builddir/tools/feedwatch}
topics=${CONFMEM_TOPICS:-2000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/confmem.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/state"
python3 "$top_srcdir/bench/gen-bigconf.py" "$tmp/big.conf" "$tmp/state" \
    "$topics"
printf '[daemon]\nstate-dir = %s\n' "$tmp/state" >"$tmp/small.conf"

# peak RSS in kB and user+sys seconds of `feedwatch check` on a config
measure() {
	/usr/bin/time -f '%M %U %S' -o "$tmp/time" "$fw" check -c "$1" \
	    >/dev/null
	cat "$tmp/time"
}

set -- $(measure "$tmp/small.conf")
base_kb=$1
set -- $(measure "$tmp/big.conf")
peak_kb=$1 cpu="$2+$3"
bytes=$(wc -c <"$tmp/big.conf")
awk -v b="$bytes" -v p="$peak_kb" -v z="$base_kb" -v c="$cpu" \
    -v l="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
	printf "config            %d bytes (%d topics)\n", b, '"$topics"'
	printf "peak RSS          %d kB  (%.1f bytes per config byte)\n", \
	    p, p * 1024 / b
	printf "over a tiny conf  %d kB  (%.1f bytes per config byte)\n", \
	    p - z, (p - z) * 1024 / b
	printf "cpu               %s s user+sys\n", c
	printf "load average      %s\n", l
}'
