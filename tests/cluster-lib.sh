# The cluster tests' nodes (sourced after lib.sh and nats-lib.sh):
#	cluster_conf NAME NATS-URL K...  # $T/nK/fw.conf, each on its own
#	                                 # status API port ($aportK), polling
#	                                 # every $IV s, heartbeat TTL $TTL s,
#	                                 # including $T/shared.conf (the feeds)
#	start_node K                     # feedwatchd -f, its pid in $pidK
#	api K PATH; metric K SAMPLE      # node K's status API, one /metrics value
#	until_true SECONDS CMD...        # CMD until it succeeds, or fail
#	live K N                         # node K sees N live nodes
cluster_conf() {
	_name=$1 _url=$2
	shift 2
	for _k in "$@"; do
		eval "aport$_k=$(free_port)"
		eval "_ap=\$aport$_k"
		mkdir -p "$T/n$_k/state"
		cat >"$T/n$_k/fw.conf" <<CONF
[daemon]
state-dir = $T/n$_k/state
http = 127.0.0.1:$_ap
interval = ${IV}s

[cluster]
nats = $_url
name = $_name
node = n$_k
heartbeat = 500ms
heartbeat-ttl = ${TTL}s

include = ../shared.conf
CONF
	done
}
start_node() {
	"$FEEDWATCHD" -f -c "$T/n$1/fw.conf" >>"$T/n$1/log" 2>&1 &
	eval "pid$1=$!"
	cleanup_pid $!
}
api() {
	eval "_p=\$aport$1"
	curl -sf "http://127.0.0.1:$_p$2" 2>/dev/null
}
metric() {
	api $1 /metrics | awk -v m="$2" '$1 == m { print $2 }'
}
until_true() {
	_s=$1; shift; _n=0
	until "$@"; do
		_n=$((_n + 1)); [ "$_n" -gt $((_s * 10)) ] && return 1; sleep 0.1
	done
}
live() { [ "$(metric $1 feedwatch_cluster_nodes)" = "$2" ]; }
