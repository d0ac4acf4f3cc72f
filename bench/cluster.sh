#!/bin/sh
# Cluster overhead against one node on the same feeds (issue 21): the
# feedwatchd CPU time (utime+stime from /proc, not wall clock: the machine
# is shared) and the NATS round trips per poll and per new item, the
# hand-over time after kill -9 of one of three nodes, and the aggregate
# polls/s of three nodes over loopback.  Feeds come from tests/feedsrv.py.
#	sh bench/cluster.sh [NFEEDS [INTERVAL-S [SECONDS]]]
set -e
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
FEEDWATCHD=$top_builddir/daemon/feedwatchd
N=${1:-300}
IV=${2:-2}
RUN=${3:-30}
T=$(mktemp -d /tmp/fwbench.XXXXXX)
pids=""
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$T"' EXIT
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# cpu PID: the process's user+system time in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
metric() { curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { s += $2 } END { print s + 0 }'; }
polls() { curl -sf "http://127.0.0.1:$1/metrics" | awk '$1 ~ /^feedwatch_polls_total/ { s += $2 } END { print s + 0 }'; }
feed() { # feed NAME ITEM...
	_f=$1; shift
	{
		printf '<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>\n' "$_f"
		for _i in "$@"; do
			printf '<item><title>Acme merger %s</title><link>https://news.example/%s</link><guid>%s</guid></item>\n' "$_i" "$_i" "$_i"
		done
		printf '</channel></rss>\n'
	} >"$T/feeds/$_f.xml.tmp"
	mv "$T/feeds/$_f.xml.tmp" "$T/feeds/$_f.xml"
}
mkdir -p "$T/feeds" "$T/js"
i=0
while [ $i -lt $N ]; do feed $(printf 'f%05d' $i) old-$i; i=$((i + 1)); done
python3 "$top_srcdir/tests/feedsrv.py" "$T/feeds" "$T/requests" "$T/fport" &
pids="$pids $!"
while [ ! -s "$T/fport" ]; do sleep 0.1; done
fport=$(cat "$T/fport")
nats-server -js -a 127.0.0.1 -p -1 --store_dir "$T/js" >"$T/nats.log" 2>&1 &
pids="$pids $!"
until grep -q 'Listening for client' "$T/nats.log"; do sleep 0.1; done
nport=$(sed -n 's/.*Listening for client connections on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/nats.log" | head -1)
{
	i=0
	while [ $i -lt $N ]; do
		printf '[feed f%05d]\nurl = http://127.0.0.1:%s/f%05d.xml\n' $i $fport $i
		i=$((i + 1))
	done
	printf '[actor acme]\nname = Acme\n[topic merger]\nterm = merger\n'
	printf '[watchlist deals]\nactors = acme\ntopics = merger\nsinks = out\n'
	printf '[sink out]\ntype = file\npath = %s/alerts.log\n' "$T"
} >"$T/shared.conf"
node_conf() { # node_conf DIR PORT [NODE]
	mkdir -p "$1/state"
	{
		printf '[daemon]\nstate-dir = %s/state\nhttp = 127.0.0.1:%s\ninterval = %ss\n' "$1" $2 $IV
		[ -n "$3" ] && printf '[cluster]\nnats = nats://127.0.0.1:%s\nname = bench\nnode = %s\nheartbeat = 500ms\nheartbeat-ttl = 3s\n' $nport $3
		printf 'include = %s/shared.conf\n' "$T"
	} >"$1/fw.conf"
}
start() { # start DIR: pid in $spid
	"$FEEDWATCHD" -f -c "$1/fw.conf" >"$1/log" 2>&1 &
	spid=$!
	pids="$pids $spid"
}
tick=$(getconf CLK_TCK)
load() { cut -d' ' -f1-3 /proc/loadavg; }

# measure PORTS PIDS: CPU ticks, polls and kv ops over RUN seconds, then
# again over one interval after every feed got a new item.
measure() {
	c0=0; p0=0; k0=0
	for pid in $2; do c0=$((c0 + $(cpu $pid))); done
	for pt in $1; do p0=$((p0 + $(polls $pt))); k0=$((k0 + $(metric $pt feedwatch_nats_round_trips_total))); done
	sleep $RUN
	c1=0; p1=0; k1=0
	for pid in $2; do c1=$((c1 + $(cpu $pid))); done
	for pt in $1; do p1=$((p1 + $(polls $pt))); k1=$((k1 + $(metric $pt feedwatch_nats_round_trips_total))); done
	i=0
	while [ $i -lt $N ]; do feed $(printf 'f%05d' $i) old-$i "new-$i-$3"; i=$((i + 1)); done
	sleep $((IV * 3))
	c2=0; p2=0; k2=0; a2=0
	for pid in $2; do c2=$((c2 + $(cpu $pid))); done
	for pt in $1; do p2=$((p2 + $(polls $pt))); k2=$((k2 + $(metric $pt feedwatch_nats_round_trips_total))); a2=$((a2 + $(metric $pt feedwatch_items_new_total))); done
	awk -v c=$((c1 - c0)) -v p=$((p1 - p0)) -v k=$((k1 - k0)) -v t=$tick -v run=$RUN \
	    -v c2=$((c2 - c1)) -v p2=$((p2 - p1)) -v k2=$((k2 - k1)) -v n=$N -v what="$3" -v load="$(load)" 'BEGIN {
		cpp = c / t * 1e6 / p; rpp = k / p
		printf "%s: %d polls in %d s (%.1f polls/s), CPU %.0f us/poll, NATS round trips %.2f/poll (load %s)\n", what, p, run, p / run, cpp, rpp, load
		printf "%s: %d new items (alerting) over %d polls: CPU %.0f us/poll in that phase, NATS round trips %.2f/item beyond the polls\n", what, n, p2, c2 / t * 1e6 / p2, (k2 - rpp * p2) / n
	}'
}

# One node alone.
node_conf "$T/solo" $(free_port)
sport=$(sed -n 's/^http = 127.0.0.1://p' "$T/solo/fw.conf")
start "$T/solo"; solo=$spid
sleep $((IV + 6))
measure "$sport" "$solo" "one node"
kill $solo; wait $solo 2>/dev/null || true

# Three nodes, the same feeds.
ports=""; npids=""
for k in 1 2 3; do
	p=$(free_port)
	node_conf "$T/n$k" $p n$k
	start "$T/n$k"
	ports="$ports $p"; npids="$npids $spid"
	eval "pid$k=$spid; port$k=$p"
done
until [ "$(metric $port1 feedwatch_cluster_nodes)" = 3 ] &&
    [ "$(metric $port3 feedwatch_cluster_nodes)" = 3 ]; do sleep 0.2; done
sleep $((IV + 2))
measure "$ports" "$npids" "three nodes"

# Hand-over: kill -9 n2; how long until each of its feeds was polled by
# another node (from the feed server's request log).
curl -sf "http://127.0.0.1:$port1/feeds" | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    if f.get("owner") == "n2": print(f["name"])' >"$T/lost"
tk=$(date +%s.%N)
kill -9 $pid2
sleep $((3 + IV * 3 + 5))
python3 - "$T/requests" "$T/lost" "$tk" <<'PY'
import sys
log, lost, tk = sys.argv[1], set(open(sys.argv[2]).read().split()), float(sys.argv[3])
first = {}
for line in open(log):
    t, p = line.split()
    t = float(t); n = p.strip("/").replace(".xml", "")
    if n in lost and t >= tk and n not in first:
        first[n] = t
w = sorted(v - tk for v in first.values())
if w:
    print("hand-over: %d of %d feeds of the killed node polled again; the last %.2f s after the kill (median %.2f s; heartbeat-ttl 3 s)" % (len(w), len(lost), w[-1], w[len(w) // 2]))
PY
