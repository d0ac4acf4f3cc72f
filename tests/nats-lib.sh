# A real nats-server with JetStream for the NATS tests (the nats sink,
# cluster mode).  Source it after tests/lib.sh:
#	. "$top_srcdir/tests/nats-lib.sh"
#	nats_start            # sets nats_port, nats_url, nats_pid
#	nats_stop             # TERM, wait for it to go
#	nats_start            # again: the same port and store (a restart)
#	nats_fresh; nats_start  # the same port, a new empty store (disk lost)
# The server listens on 127.0.0.1 on a port it picks (-p -1, read from its
# log), keeps its file store in $TEST_TMP/nats (under lib.sh's temp dir,
# removed at exit) and is killed when the test exits, however it exits.
# A test that needs it fails without it: CI installs nats-server.
NATSQ="$top_builddir/tests/natsq"
nats_dir="$TEST_TMP/nats"
nats_port=""
nats_pid=""
nats_runs=0
nats_store="$nats_dir/store"

command -v nats-server >/dev/null 2>&1 ||
	{ echo "Bail out! nats-server is required (apt-get install nats-server)"; exit 1; }

# nats_start: start (or restart on the same port and store) the server.
nats_start() {
	mkdir -p "$nats_store"
	nats_runs=$((nats_runs + 1))
	_log="$nats_dir/log.$nats_runs"
	nats-server -js -a 127.0.0.1 -p "${nats_port:--1}" \
	    --store_dir "$nats_store" -l "$_log" &
	nats_pid=$!
	cleanup_pid $nats_pid
	wait_for "$_log" "Listening for client connections on" 20 ||
		{ echo "Bail out! nats-server did not start"; cat "$_log" >&2; exit 1; }
	wait_for "$_log" "Server is ready" 20 ||
		{ echo "Bail out! nats-server is not ready"; exit 1; }
	nats_port=$(sed -n 's/.*Listening for client connections on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$_log" | tail -1)
	nats_url="nats://127.0.0.1:$nats_port"
}

# nats_fresh: the next nats_start uses a new, empty store dir, as a
# server that lost its disk (or a new one at the same address) would.
nats_fresh() {
	nats_store="$nats_dir/store.$((nats_runs + 1))"
}

# nats_stop [SIGNAL]: stop the server (TERM by default, or KILL) and wait
# until it is gone.
nats_stop() {
	[ -n "$nats_pid" ] || return 0
	kill -"${1:-TERM}" "$nats_pid" 2>/dev/null
	wait "$nats_pid" 2>/dev/null
	nats_pid=""
}

# nats_msgs STREAM: the stream's messages, "SUBJECT<TAB>MSG-ID<TAB>DATA"
# a line (tests/natsq).
nats_msgs() {
	"$NATSQ" "$nats_url" "$1"
}

# nats_stored STREAM: how many messages the stream ever stored (its last
# sequence), which a work queue keeps after its messages are acked.
nats_stored() {
	"$NATSQ" "$nats_url" "$1" stored
}

# nats_feed FILE N: an RSS feed of items 1..N ("Kim said thing I"), each
# an alert of nats_conf's watchlist; written whole, then renamed.
nats_feed() {
	{
		echo '<?xml version="1.0"?><rss version="2.0"><channel><title>K</title>'
		_i=1
		while [ "$_i" -le "$2" ]; do
			echo "<item><title>Kim said thing $_i</title><link>https://k.example/$_i</link><guid>k-$_i</guid></item>"
			_i=$((_i + 1))
		done
		echo '</channel></rss>'
	} > "$1.new"
	mv "$1.new" "$1"
}

# nats_conf DIR INTERVAL SINK-SECTION [CLUSTER-SECTION]: DIR/f.conf with
# state in DIR, the feed $T/feed.xml, watchlist kim, and the sections
# given (text, each starting with its [header]).
nats_conf() {
	mkdir -p "$1"
	cat > "$1/f.conf" <<CONF
[daemon]
state-dir = $1
interval = $2

$4

[feed k]
url = file://$TEST_TMP/feed.xml
backfill = 100

[actor kim]
name = Kim

[watchlist kim]
actors = kim

$3
CONF
}
