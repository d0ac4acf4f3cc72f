#!/bin/sh
# The replay benchmark, run by `make bench`: feedwatchd --once stores
# 100,000 items (5,000 generated feeds of 20, read as files; bench/e2e.py
# writes them and the config: the example watchlists plus a topic of
# 10,000 generated terms), then `feedwatch replay` scores them all again
# against the same config.  Prints items replayed per CPU second and per
# wall second (the machine may be shared).  The directory is removed
# however this exits.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FEEDS=${REPLAY_FEEDS:-5000}
ITEMS=${REPLAY_ITEMS:-20}
TERMS=${REPLAY_TERMS:-10000}

dir=$(mktemp -d "${TMPDIR:-/tmp}/fwreplay.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir/state"
timeout 300 python3 "$top_srcdir/bench/e2e.py" gen "$dir" 0 1 \
    "$FEEDS" "$ITEMS" "$TERMS" "$top_srcdir/examples/feedwatch.conf"
# The same feeds as files: no server needed to fill the store.
sed -i "s|^url = http://127.0.2.[0-9]*:0/|url = file://$dir/www/|" \
    "$dir/bench.conf"
timeout 600 "$top_builddir/daemon/feedwatchd" -c "$dir/bench.conf" --once \
    2> "$dir/daemon.log" || { tail -5 "$dir/daemon.log"; exit 1; }
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== replay: $FEEDS feeds x $ITEMS items stored, example watchlists + $TERMS generated terms"
python3 - "$top_builddir/tools/feedwatch" "$dir/bench.conf" <<'PY'
import re, resource, subprocess, sys, time
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
p = subprocess.run([sys.argv[1], "replay", "-c", sys.argv[2]],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   text=True, timeout=600)
wall = time.monotonic() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
if p.returncode != 0:
    sys.exit("feedwatch replay exited %d: %s" % (p.returncode, p.stderr))
n = int(re.search(r"^(\d+) items replayed", p.stdout, re.M).group(1))
diffs = sum(1 for l in p.stdout.splitlines() if l[:2] in ("+ ", "- "))
for l in p.stdout.splitlines():
    if re.match(r"^[\w-]+: \d+ items", l):
        print("   ", l)
print("replay: %d items in %.2f s CPU (%.2f s wall): %.0f items/s CPU, "
      "%.0f items/s wall; %d differences; peak RSS %d MiB"
      % (n, cpu, wall, n / cpu, n / wall, diffs,
         after.ru_maxrss // 1024))
print("replay: goal >= 50000 items/s: %s" % ("met" if n / cpu >= 50000 else "NOT met"))
PY
