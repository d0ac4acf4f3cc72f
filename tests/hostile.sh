#!/bin/sh
# Hostile neighbours (issue 13).  A FIFO where a config file or an @file
# secret should be is refused at once with file:line, not waited on.
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

done_testing
