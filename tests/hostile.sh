#!/bin/sh
# Hostile neighbours (issue 13).  A FIFO where a config file or an @file
# secret should be is refused at once with file:line, not waited on; an
# exec sink's command gets a clean environment (PATH, LANG, TZ, HOME, the
# FEEDWATCH_* variables and the names in `env =`) and no descriptor of the
# daemon's beyond 0, 1 and 2.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
mkfifo "$T/main.fifo" "$T/inc.fifo" "$T/token.fifo" || exit 1

# timeout: on a hang the test fails instead of waiting for ever.
err=$(timeout 10 "$FEEDWATCH" check -c "$T/main.fifo" 2>&1); rc=$?
is "$rc" 1 "a FIFO as the main config exits 1 at once"
like "$err" "main\.fifo: expected a regular file" "... naming it and saying why"

printf '# the FIFO is included\ninclude = inc.fifo\n' > "$T/inc.conf"
err=$(timeout 10 "$FEEDWATCH" check -c "$T/inc.conf" 2>&1); rc=$?
is "$rc" 1 "an included FIFO exits 1 at once"
like "$err" "inc\.conf:2: expected '.*/inc\.fifo' to be a regular file" \
    "... with the include's file:line"

printf '[sink hook]\ntype = webhook\nurl = @token.fifo\n' > "$T/secret.conf"
err=$(timeout 10 "$FEEDWATCH" check -c "$T/secret.conf" 2>&1); rc=$?
is "$rc" 1 "a FIFO as an @file secret exits 1 at once"
like "$err" "secret\.conf:3: expected secret file '.*/token\.fifo' to be a regular file" \
    "... with the key's file:line"

printf '[sink run]\ntype = exec\ncommand = /bin/true\nenv = GOOD, 1BAD\n' > "$T/env.conf"
err=$("$FEEDWATCH" check -c "$T/env.conf" 2>&1); rc=$?
is "$rc" 1 "env = with a name that is no variable name exits 1"
like "$err" "env\.conf:4: .*expected a variable name.*found '1BAD'" "... with file:line"

printf '[sink run]\ntype = exec\ncommand = /bin/true\nenv = GOOD, FEEDWATCH_X\n' > "$T/fwenv.conf"
err=$("$FEEDWATCH" check -c "$T/fwenv.conf" 2>&1); rc=$?
is "$rc" 1 "env = FEEDWATCH_X (which the sink sets itself) exits 1"
like "$err" "fwenv\.conf:4: .*not FEEDWATCH_.*found 'FEEDWATCH_X'" "... with file:line and why"

# The exec child: what the daemon holds stays with the daemon.
cp -R "$top_srcdir/examples/feeds" "$T/feeds"
chmod -R u+w "$T/feeds"
mkdir -p "$T/state" "$T/rec"
cat > "$T/rec.sh" <<'SH'
#!/bin/sh
cat > /dev/null
ls /proc/self/fd | tr '\n' ' ' > "$1/fds.$$"
echo >> "$1/fds.$$"
env > "$1/env.$$"
SH
sed -e "s|^state-dir = .*|state-dir = $T/state|" \
    -e "s|^path = .*alerts.jsonl|path = $T/alerts.jsonl|" \
    -e "s|^sinks = journal, alerts-file|sinks = journal, rec|" \
    "$top_srcdir/examples/feedwatch.conf" > "$T/feedwatch.conf"
cat >> "$T/feedwatch.conf" <<CONF

[sink rec]
type = exec
command = /bin/sh $T/rec.sh $T/rec
env = KEEP_ME, UNSET_ONE
CONF
SECRET_TOKEN=x KEEP_ME=kept LANG=C.UTF-8 TZ=UTC \
    "$FEEDWATCHD" -c "$T/feedwatch.conf" --once > "$T/out" 2> "$T/err"
is $? 0 "feedwatchd --once with an exec sink exits 0"
ok $(ls "$T"/rec/env.* >/dev/null 2>&1; echo $?) "the command ran"
# Each run's findings, merged; ls's own directory descriptor is the 3.
is "$(cat "$T"/rec/fds.* | sort -u)" "0 1 2 3 " \
    "the command has only fds 0, 1 and 2 (and ls its own)"
env=$(cat "$T"/rec/env.* | sort -u)
like "$env" "KEEP_ME=kept" "a name in env = reaches the command"
ok $(printf '%s\n' "$env" | grep -q '^SECRET_TOKEN='; [ $? -ne 0 ]; echo $?) \
    "a variable not named does not"
ok $(printf '%s\n' "$env" | grep -q '^UNSET_ONE'; [ $? -ne 0 ]; echo $?) \
    "a named variable the daemon lacks stays unset"
like "$env" "PATH=" "PATH is passed on"
like "$env" "LANG=C.UTF-8" "LANG is passed on"
like "$env" "TZ=UTC" "TZ is passed on"
like "$env" "HOME=/" "HOME is set"
like "$env" "FEEDWATCH_ID=" "the alert's FEEDWATCH_* variables are set"
is "$(printf '%s\n' "$env" | sed 's/=.*//' | grep -cv '^FEEDWATCH_\|^PATH$\|^LANG$\|^TZ$\|^HOME$\|^KEEP_ME$\|^PWD$')" 0 \
    "and nothing else (but the shell's own PWD)"
done_testing
