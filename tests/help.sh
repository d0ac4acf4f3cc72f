#!/bin/sh
# Help everywhere: `feedwatch help [CMD]`, `feedwatch CMD --help` and -h,
# `feedwatchd -h`.  The commands come from the tool's own table (the
# `feedwatch --help` list), so a command added later is checked the same
# way; each one's options must be the ones its feedwatch(1) section lists,
# both ways, and feedwatchd's those of feedwatchd(8).
. "${top_srcdir:-.}/tests/lib.sh"
man1=$top_srcdir/doc/feedwatch.1
man8=$top_srcdir/doc/feedwatchd.8

# The long options (--name) and short ones (-x) a help text lists.
help_opts() {
	grep -Eo '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | sed 's/^ *//; s/, /\n/' |
	    grep -v -e '^--help$' -e '^-h$' -e '^--version$' | sort -u
}
# The options a man page section names: "Fl c", "Fl -explain".
man_opts() {
	grep -Eo 'Fl -?[a-z][a-z-]*' | sed 's/^Fl /-/' |
	    grep -v -e '^--help$' -e '^-h$' -e '^--version$' | sort -u
}
# One man page section: from ".Ss NAME" to the next section.
man_section() {
	awk -v s="$2" '$0 == ".Ss " s { on = 1; next }
	    on && /^\.S[sh] / { exit } on' "$1"
}

cmds=$("$FEEDWATCH" --help | sed -n 's/^  feedwatch \([a-z][a-z-]*\) .*/\1/p')
ok "$( [ "$(echo "$cmds" | wc -l)" -ge 5 ]; echo $?)" \
    "feedwatch --help lists the commands"
out=$("$FEEDWATCH" help); ok $? "feedwatch help exits 0"
is "$out" "$("$FEEDWATCH" --help)" "feedwatch help is feedwatch --help"
"$FEEDWATCH" help frobnicate >/dev/null 2>&1
is $? 2 "feedwatch help of an unknown command exits 2"

for c in $cmds; do
	out=$("$FEEDWATCH" "$c" --help 2>&1); rc=$?
	is "$rc" 0 "feedwatch $c --help exits 0"
	like "$out" "^usage: feedwatch $c " "feedwatch $c --help starts with its usage"
	is "$("$FEEDWATCH" "$c" -h 2>&1)" "$out" "feedwatch $c -h is --help"
	is "$("$FEEDWATCH" help "$c" 2>&1)" "$out" "feedwatch help $c is --help"
	sect=$(man_section "$man1" "$c")
	ok "$( [ -n "$sect" ]; echo $?)" "feedwatch(1) has a section for $c"
	is "$(printf '%s\n' "$out" | help_opts | tr '\n' ' ')" \
	    "$(printf '%s\n' "$sect" | man_opts | tr '\n' ' ')" \
	    "feedwatch $c --help lists the options feedwatch(1) does"
done

# `status --http HOST` means the status API's port, 8740.
like "$("$FEEDWATCH" status --http 127.0.0.2 2>&1)" "at 127\.0\.0\.2:8740:" \
    "feedwatch status --http HOST asks HOST:8740"
like "$("$FEEDWATCH" status --http '[::1]' 2>&1)" "at \[::1\]:8740:" \
    "... and [IPv6]:8740"
like "$("$FEEDWATCH" status --http 127.0.0.2:1 2>&1)" "at 127\.0\.0\.2:1:" \
    "... a port given is kept"

out=$("$FEEDWATCHD" -h); ok $? "feedwatchd -h exits 0"
is "$out" "$("$FEEDWATCHD" --help)" "feedwatchd -h is --help"
is "$(printf '%s\n' "$out" | help_opts | tr '\n' ' ')" \
    "$(grep '^\.It Fl' "$man8" | man_opts | tr '\n' ' ')" \
    "feedwatchd -h lists the options feedwatchd(8) does"
done_testing
