# Shell helpers for whole-program tests that print TAP.  Source it:
#	. "$top_srcdir/tests/lib.sh"
# then call ok/is/like and finish with done_testing.  A test that starts
# servers or daemons registers their pids with `cleanup_pid PID`; they are
# killed when the script exits, however it exits.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FEEDWATCH="$top_builddir/tools/feedwatch"
FEEDWATCHD="$top_builddir/daemon/feedwatchd"
_tap_n=0
_tap_failed=0
_tap_pids=""
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fwtest.XXXXXX")

_tap_cleanup() {
	for p in $_tap_pids; do kill "$p" 2>/dev/null; done
	rm -rf "$TEST_TMP"
}
trap _tap_cleanup EXIT
trap 'exit 130' INT TERM

cleanup_pid() { _tap_pids="$_tap_pids $1"; }

diag() { printf '# %s\n' "$*" >&2; }

# start_server PROG [ARG...]: start one of the tests' servers (tests/httpd,
# tests/hookd, tests/smtpd) as `PROG ARG... PORTFILE`, killed when the test
# exits; wait until it has written the port the kernel gave it into $port.
_tap_nserver=0
start_server() {
	_tap_nserver=$((_tap_nserver + 1))
	_pf="$TEST_TMP/port.$_tap_nserver"
	"$@" "$_pf" >/dev/null 2>&1 &
	cleanup_pid $!
	_n=0
	while [ ! -s "$_pf" ] && [ "$_n" -lt 200 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
	port=$(cat "$_pf" 2>/dev/null)
	[ -n "$port" ] || { echo "Bail out! $1 did not start"; exit 1; }
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago, for a
# daemon's status API (the daemon binds it itself).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for FILE ERE [SECONDS]: until a line of FILE matches (default 20 s).
wait_for() {
	n=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -gt $(( ${3:-20} * 10 )) ] && return 1
		sleep 0.1
	done
	return 0
}

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$2"
	else
		printf 'not ok %d - %s\n' "$_tap_n" "$2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; diag "got: '$1'"; diag "expected: '$2'"
	fi
}

# like GOT ERE DESCRIPTION
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"; diag "got: '$1'"; diag "doesn't match: '$2'"
	fi
}

done_testing() {
	printf '1..%d\n' "$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# rss FILE ID:TITLE:TEXT...: an RSS feed with these items (TEXT is the
# description as XML text: markup in it escaped once).
rss() {
	_f=$1
	shift
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<rss version="2.0"><channel><title>tls</title>'
		echo '<link>https://tls.example/</link>'
		for it in "$@"; do
			_id=${it%%:*}
			_rest=${it#*:}
			echo "<item><title>${_rest%%:*}</title>"
			echo "<link>https://tls.example/$_id</link><guid>$_id</guid>"
			echo "<description>${_rest#*:}</description></item>"
		done
		echo '</channel></rss>'
	} >"$_f"
}

# acme_watchlist SINKS: the config sections of a watchlist "deals" that
# alerts on an item naming Acme and a merger, delivered to SINKS (the
# status API, health, reload and parser hardening tests share it).
acme_watchlist() {
	cat <<EOF_WL
[actor acme]
name = Acme

[topic merger]
term = merger

[watchlist deals]
actors = acme
topics = merger
require = acme and merger
sinks = $1
EOF_WL
}

# acme_conf STATE PORT FEED SINKS: a daemon with its state in STATE, its
# status API on 127.0.0.1:PORT, polling the file FEED each second, and the
# acme watchlist delivering to SINKS (the caller adds the [sink]s).
acme_conf() {
	cat <<EOF_AC
[daemon]
state-dir = $1
http = 127.0.0.1:$2
interval = 1s

[feed f]
url = file://$3
backfill = 10

$(acme_watchlist "$4")
EOF_AC
}

# acme_feed FILE N: FILE becomes (at once) a feed of the item "Acme
# merger N", which the acme watchlist alerts on.
acme_feed() {
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title><link>https://f.example/</link>\n<item><title>Acme merger %s</title><link>https://f.example/%s</link><guid>g%s</guid></item></channel></rss>\n' \
	    "$2" "$2" "$2" > "$1.tmp"
	mv "$1.tmp" "$1"
}

# healthz_code PORT: the status code /healthz answers on 127.0.0.1:PORT.
healthz_code() {
	curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz"
}

# healthz_until PORT CODE: /healthz answers CODE within 30 s.
healthz_until() {
	_n=0
	while [ "$(healthz_code "$1")" != "$2" ]; do
		_n=$((_n + 1))
		[ "$_n" -gt 150 ] && return 1
		sleep 0.2
	done
}
