#!/bin/sh
# Cluster overhead against one node on the same feeds (issue 21): the
# feedwatchd CPU time (utime+stime from /proc, not wall clock: the machine
# is shared) and the NATS round trips per poll and per new item, the
# hand-over time after kill -9 of one of three nodes, the idle CPU of a
# node (heartbeats and watches only, every feed polled and not due) against
# one node alone, and the aggregate polls/s of one node and of three over
# loopback when CAPFEEDS feeds (nginx, 304s) are due every second: more
# than two cores serve, so that figure is what the machine gave, not what
# the code is limited to.  The other feeds come from tests/feedsrv.py.
#	sh bench/cluster.sh [NFEEDS [INTERVAL-S [SECONDS [CAPFEEDS]]]]
# PHASES="overhead idle capacity" (the default) picks what runs.
set -e
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
FEEDWATCHD=$top_builddir/daemon/feedwatchd
N=${1:-300}
IV=${2:-2}
RUN=${3:-30}
CAPN=${4:-3000}
T=$(mktemp -d /tmp/fwbench.XXXXXX)
pids=""
. "$top_srcdir/bench/nginx.sh"
trap 'nginx_stop; for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$T"' EXIT
# stop [-SIG] PID...: signal (TERM) and wait for them, and take them off
# the list the exit trap kills, so that it never signals a pid reused.
stop() {
	_sig=-TERM
	case $1 in -*) _sig=$1; shift ;; esac
	kill $_sig "$@" 2>/dev/null || true
	for _p in "$@"; do
		wait $_p 2>/dev/null || true
		pids=$(echo " $pids " | sed "s/ $_p / /")
	done
}
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
natspid=$!
pids="$pids $natspid"
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
# node_conf DIR PORT [NODE]: a node's config; NIV (interval, seconds),
# SHARED (the feeds), CNAME (the cluster) and EXTRA ([daemon] keys) may
# say otherwise than the first phase.
node_conf() {
	mkdir -p "$1/state"
	{
		printf '[daemon]\nstate-dir = %s/state\nhttp = 127.0.0.1:%s\ninterval = %ss\n%s\n' "$1" $2 ${NIV:-$IV} "${EXTRA:-}"
		[ -n "$3" ] && printf '[cluster]\nnats = nats://127.0.0.1:%s\nname = %s\nnode = %s\nheartbeat = 500ms\nheartbeat-ttl = 3s\n' $nport ${CNAME:-bench} $3
		printf 'include = %s\n' "${SHARED:-$T/shared.conf}"
	} >"$1/fw.conf"
}
start() { # start DIR: pid in $spid
	"$FEEDWATCHD" -f -c "$1/fw.conf" >"$1/log" 2>&1 &
	spid=$!
	pids="$pids $spid"
}
tick=$(getconf CLK_TCK)
want() { case " ${PHASES:-overhead idle capacity} " in *" $1 "*) return 0 ;; esac; return 1; }
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

# busy: the machine's busy and total jiffies so far (every process: the
# other users of the machine too).
busy() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# three_nodes PREFIX: start nodes PREFIX1..3 (ports in $ports, pids in
# $npids) and wait until each sees the other two.
three_nodes() {
	ports=""; npids=""
	for k in 1 2 3; do
		p=$(free_port)
		node_conf "$T/$1$k" $p n$k
		start "$T/$1$k"
		ports="$ports $p"; npids="$npids $spid"
		eval "pid$k=$spid; port$k=$p"
	done
	until [ "$(metric $port1 feedwatch_cluster_nodes)" = 3 ] &&
	    [ "$(metric $port2 feedwatch_cluster_nodes)" = 3 ] &&
	    [ "$(metric $port3 feedwatch_cluster_nodes)" = 3 ]; do sleep 0.2; done
}

if want overhead; then
# One node alone.
node_conf "$T/solo" $(free_port)
sport=$(sed -n 's/^http = 127.0.0.1://p' "$T/solo/fw.conf")
start "$T/solo"; solo=$spid
sleep $((IV + 6))
measure "$sport" "$solo" "one node"
stop $solo

# Three nodes, the same feeds.
three_nodes n
sleep $((IV + 2))
measure "$ports" "$npids" "three nodes"

# Hand-over: kill -9 n2; how long until each of its feeds was polled by
# another node (from the feed server's request log).
curl -sf "http://127.0.0.1:$port1/feeds" | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    if f.get("owner") == "n2": print(f["name"])' >"$T/lost"
tk=$(date +%s.%N)
stop -9 $pid2
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

stop $pid1 $pid3
fi

# all_polled TOTAL PORTS: wait until the nodes polled TOTAL times.
all_polled() {
	until [ "$(for pt in $2; do polls $pt; done | awk '{ s += $1 } END { print s + 0 }')" -ge "$1" ]; do sleep 0.5; done
}
# idle WHAT PORTS PIDS: each process's CPU over RUN seconds (and
# nats-server's), and the polls made meanwhile (none expected).
idle() {
	n0=$(cpu $natspid); p0=0; c0=""
	for pt in $2; do p0=$((p0 + $(polls $pt))); done
	for pid in $3; do c0="$c0 $(cpu $pid)"; done
	sleep $RUN
	n1=$(cpu $natspid); p1=0; c1=""
	for pt in $2; do p1=$((p1 + $(polls $pt))); done
	for pid in $3; do c1="$c1 $(cpu $pid)"; done
	echo "$c0 | $c1" | awk -v t=$tick -v run=$RUN -v what="$1" -v p=$((p1 - p0)) -v nats=$((n1 - n0)) -v load="$(load)" '{
		n = (NF - 1) / 2; s = ""; sum = 0
		for (i = 1; i <= n; i++) { d = $(n + 1 + i) - $i; sum += d; s = s sprintf(" %.1f", d / t * 1000 / run) }
		printf "%s, idle: feedwatchd CPU ms/s per process:%s (sum %.1f ms/s = %.2f%% of a core); nats-server %.1f ms/s; %d polls in %d s (load %s)\n", what, s, sum / t * 1000 / run, sum / t * 100 / run, nats / t * 1000 / run, p, run, load
	}'
}

if want idle; then
# Idle: every feed polled once, the interval an hour: what is left is the
# loop's timers, and in a cluster heartbeats (500 ms) and the watches.
NIV=3600 CNAME=idle
node_conf "$T/isolo" $(free_port)
sport=$(sed -n 's/^http = 127.0.0.1://p' "$T/isolo/fw.conf")
start "$T/isolo"; solo=$spid
all_polled $N "$sport"
sleep 5
idle "one node" "$sport" "$solo"
stop $solo
three_nodes i
all_polled $N "$ports"
sleep 5
idle "three nodes" "$ports" "$npids"
stop $npids
fi

want capacity || exit 0
# Capacity: CAPN feeds on nginx (ETag, 304 to every poll after the
# first), every one due each second, per-host 64: polls/s is what the
# machine gives one node and three.
mkdir -p "$T/ngx/www"
# nginx's workers may read as nobody.
chmod 755 "$T"
i=0
while [ $i -lt $CAPN ]; do
	printf '<?xml version="1.0"?><rss version="2.0"><channel><title>c%05d</title><item><title>Acme merger old-%d</title><guid>c-%d</guid></item></channel></rss>\n' $i $i $i >"$T/ngx/www/c$i.xml"
	i=$((i + 1))
done
ngport=$(free_port)
# (bench/poll-nginx.conf's TLS servers want their ports and certificate,
# unused here.)
nginx_make_ca "$T/ngx" 127.0.1 1 >/dev/null 2>&1
nginx_start "$T/ngx" 127.0.1 1 $ngport $(free_port) $(free_port)
{
	i=0
	while [ $i -lt $CAPN ]; do
		printf '[feed c%05d]\nurl = http://127.0.1.1:%s/c%d.xml\n' $i $ngport $i
		i=$((i + 1))
	done
	printf '[actor acme]\nname = Acme\n[topic merger]\nterm = merger\n'
	printf '[watchlist deals]\nactors = acme\ntopics = merger\nsinks = out\n'
	printf '[sink out]\ntype = file\npath = %s/cap-alerts.log\n' "$T"
} >"$T/cap.conf"
NIV=1 SHARED=$T/cap.conf CNAME=cap EXTRA="per-host = 64"
# capacity WHAT PORTS PIDS: polls/s and CPU over RUN seconds.
capacity() {
	c0=0; p0=0; k0=0; n0=$(cpu $natspid); set -- "$@" $(busy)
	for pid in $3; do c0=$((c0 + $(cpu $pid))); done
	for pt in $2; do p0=$((p0 + $(polls $pt))); k0=$((k0 + $(metric $pt feedwatch_nats_round_trips_total))); done
	sleep $RUN
	c1=0; p1=0; k1=0; n1=$(cpu $natspid)
	for pid in $3; do c1=$((c1 + $(cpu $pid))); done
	for pt in $2; do p1=$((p1 + $(polls $pt))); k1=$((k1 + $(metric $pt feedwatch_nats_round_trips_total))); done
	set -- "$@" $(busy)
	nm=0; er=0
	for pt in $2; do
		nm=$((nm + $(metric $pt 'feedwatch_polls_total{result="not_modified"}')))
		er=$((er + $(metric $pt 'feedwatch_polls_total{result="error"}')))
	done
	awk -v nm=$nm -v er=$er -v what="$1" -v p=$((p1 - p0)) -v c=$((c1 - c0)) -v k=$((k1 - k0)) -v nats=$((n1 - n0)) -v t=$tick -v run=$RUN \
	    -v b=$(($6 - $4)) -v all=$(($7 - $5)) -v want=$CAPN -v load="$(load)" 'BEGIN {
		printf "%s, capacity: %d polls in %d s = %.0f polls/s (%d due/s); feedwatchd CPU %.0f us/poll (%.2f cores), nats-server %.2f cores, %.2f NATS round trips/poll; the machine %.0f%% busy (load %s); since the start %d not modified, %d failed\n", what, p, run, p / run, want, c / t * 1e6 / p, c / t / run, nats / t / run, k / p, 100 * b / all, load, nm, er
	}'
}
node_conf "$T/csolo" $(free_port)
sport=$(sed -n 's/^http = 127.0.0.1://p' "$T/csolo/fw.conf")
start "$T/csolo"; solo=$spid
all_polled $CAPN "$sport"
capacity "one node" "$sport" "$solo"
stop $solo
three_nodes c
all_polled $CAPN "$ports"
capacity "three nodes" "$ports" "$npids"
stop $npids
