#!/bin/sh
# Memory per config byte (issue 13): `feedwatch check`, which loads a
# config and builds its matcher as the daemon does, on a generated config
# of 300,000 two-word terms (5.5 MB, bench/gen-bigconf.py) peaks at most
# CONF_MEM_BOUND times the file over its peak on a one-line config.  The
# 37 MB config of bench/confmem.sh (2 million terms) costs less per byte,
# since its words repeat: the figures are in bench/RESULTS.md.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkdir -p "$T/state"
# 11.1 measured (11.2 under ASan, bench/RESULTS.md); 13.5 before the
# 12-byte edges, nodes and outputs, 19.5 before the string pool and the
# smaller automaton.
bound=13
# Under AddressSanitizer freed blocks wait in its quarantine (256 MB) and
# every block records its stack: both off here, and room left for the
# shadow memory and redzones, which are not the program's.
if ldd "$FEEDWATCH" 2>/dev/null | grep -q libasan ||
    nm "$FEEDWATCH" 2>/dev/null | grep -q __asan_init; then
	bound=16
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:malloc_context_size=0"
	export ASAN_OPTIONS
fi
python3 "$top_srcdir/bench/gen-bigconf.py" "$T/big.conf" "$T/state" 300
printf '[daemon]\nstate-dir = %s\n' "$T/state" > "$T/small.conf"
# peak CONF: the peak resident set of `feedwatch check -c CONF`, in kB
peak() {
	python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
if r.returncode != 0:
    sys.exit(1)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
	    "$FEEDWATCH" check -c "$1"
}
base=$(peak "$T/small.conf")
ok $? "check of a one-line config (peak ${base} kB)"
big=$(peak "$T/big.conf")
ok $? "check of a config of 300,000 terms (peak ${big} kB)"
bytes=$(wc -c < "$T/big.conf")
ratio=$(awk -v b="$bytes" -v p="$big" -v z="$base" \
    'BEGIN { printf "%.1f", (p - z) * 1024 / b }')
ok $(awk -v r="$ratio" -v m="$bound" 'BEGIN { exit !(r <= m) }'; echo $?) \
    "it takes $ratio bytes per config byte (at most $bound)"
done_testing
