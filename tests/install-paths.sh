#!/bin/sh
# One set of paths: after `make install DESTDIR=ROOT` (or dpkg -i, ROOT
# empty), the unit, the installed config, the compiled-in defaults and the
# man pages name the same places, the ones configure was given.
#	tests/install-paths.sh ROOT SBINDIR BINDIR SYSCONFDIR LOCALSTATEDIR MANDIR UNIT
# .ci/run calls it for a scratch prefix and for the installed .deb.
. "$(dirname "$0")/lib.sh"
root=$1 sbindir=$2 bindir=$3 sysconfdir=$4 localstatedir=$5 mandir=$6 unit=$7
conf=$sysconfdir/feedwatch/feedwatch.conf
state=$localstatedir/lib/feedwatch
logs=$localstatedir/log/feedwatch

# A man page as installed: plain, or compressed as Debian ships it.
man_text() {
	if [ -f "$root$mandir/$1.gz" ]; then zcat "$root$mandir/$1.gz"
	else cat "$root$mandir/$1"; fi
}

u=$(cat "$root$unit")
like "$u" "^ExecStart=$sbindir/feedwatchd -f -c $conf\$" \
    "the unit runs the installed daemon on the installed config"
like "$u" "^StateDirectory=feedwatch\$" "the unit has StateDirectory=feedwatch"
like "$u" "^LogsDirectory=feedwatch\$" "the unit has LogsDirectory=feedwatch"
if [ "$localstatedir" = /var ]; then
	ok "$(printf '%s\n' "$u" | grep -c '^BindPaths=')" \
	    "with /var the state is where systemd makes it: no BindPaths"
else
	like "$u" "^BindPaths=%S/feedwatch:$state %L/feedwatch:$logs\$" \
	    "with $localstatedir the unit mounts its directories there"
fi

like "$(cat "$root$conf")" "^state-dir = $state\$" \
    "the installed config's state-dir is the unit's state directory"
like "$(grep '^# path = ' "$root$conf")" "$logs/" \
    "the installed config's file sink example is in the unit's logs directory"
like "$("$root$sbindir/feedwatchd" --help 2>&1)" "default $conf\)" \
    "feedwatchd's compiled-in config path"
ok "$(grep -c "$state" "$root$sbindir/feedwatchd" | grep -qv '^0$'; echo $?)" \
    "feedwatchd's compiled-in state-dir default"
is "$("$root$bindir/feedwatch" check -c "$root$conf" 2>&1 | head -1)" \
    "config $root$conf: ok (1 file)" "the installed config passes check"

for page in man1/feedwatch.1 man5/feedwatch.conf.5 man8/feedwatchd.8; do
	# Every config, state and log path the page names is one of ours.
	bad=$(man_text "$page" |
	    grep -Eo '(/[A-Za-z0-9_.-]+)*/(etc|lib|log)/feedwatch[/ ]?' |
	    sed 's| $||; s|/$||' | sort -u |
	    grep -Fvx -e "$sysconfdir/feedwatch" -e "$state" -e "$logs")
	is "$bad" "" "$page names only the configured directories"
done
like "$(man_text man5/feedwatch.conf.5)" "^\.Pa $conf\$" \
    "feedwatch.conf(5) names the installed config"
like "$(man_text man5/feedwatch.conf.5)" "^\.Pa $state\$" \
    "feedwatch.conf(5) names the installed state-dir"
like "$(man_text man8/feedwatchd.8)" "^\.Dl $sbindir/feedwatchd -f -c $conf\$" \
    "feedwatchd(8) shows the unit's command line"
done_testing
