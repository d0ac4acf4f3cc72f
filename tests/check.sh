#!/bin/sh
# feedwatch check, as a person runs it: a good config prints its summary
# and warnings and exits 0; a broken one prints file:line on stderr and
# exits 1; a wrong command line exits 2.
. "${top_srcdir:-.}/tests/lib.sh"

conf="$top_srcdir/tests/conf"
cd "$conf" || exit 1

out=$("$FEEDWATCH" check -c good.conf 2>"$TEST_TMP/err"); rc=$?
is "$rc" 0 "check of a good config exits 0"
is "$(cat "$TEST_TMP/err")" "" "... and prints nothing on stderr"
is "$(printf '%s\n' "$out" | sed -n 1,7p)" "config good.conf: ok (3 files)
feeds: 3
actors: 3
topics: 3
terms: 16
watchlists: 2
sinks: 6" "the counts"
is "$(printf '%s\n' "$out" | grep '^watchlist ')" \
"watchlist nk-russia: actors choe-son-hui, kcna, putin; topics troops, satellite; require (choe-son-hui or actor) and not near(kcna, troops, 5); threshold 6; sinks journal, ops, mail
watchlist defaults: actors -; topics troops; require actor or topic; threshold 1; sinks -" \
    "one line per watchlist"
like "$out" "warnings: 5" "the number of warnings"
like "$out" "warning: good.d/10-putin.conf:4: alias 'Putin' of actor 'putin' is a bare surname" \
    "a bare surname is pointed out"
like "$out" "warning: good.d/10-putin.conf:4: term 'the' of actor 'putin' is a very common English word" \
    "a common word is pointed out"
like "$out" "warning: good.conf:78: sink 'run' is in no watchlist's 'sinks ='" \
    "an unused sink is pointed out"

err=$("$FEEDWATCH" check -c bad/bad-21.conf 2>&1 >"$TEST_TMP/out"); rc=$?
is "$rc" 1 "check of a broken config exits 1"
is "$err" "feedwatch check: bad/bad-21.conf:10: require, column 21: 'kim' is not an actor or topic of watchlist 'w'" \
    "... with file:line on stderr"
is "$(cat "$TEST_TMP/out")" "" "... and nothing on stdout"

err=$("$FEEDWATCH" check --config bad/bad-41.conf 2>&1); rc=$?
is "$rc" 1 "an error in an include exits 1"
is "$err" "feedwatch check: bad/inc/broken.conf:4: expected a whole number from 0 to 1000 for 'weight', found 'heavy'" \
    "... naming the included file"

"$FEEDWATCH" check -c /nonexistent.conf >/dev/null 2>&1
is $? 1 "a missing config exits 1"
"$FEEDWATCH" check -x >/dev/null 2>&1
is $? 2 "an unknown option exits 2"
"$FEEDWATCH" check -c good.conf extra >/dev/null 2>&1
is $? 2 "a stray argument exits 2"
err=$("$FEEDWATCH" check -c 2>&1); rc=$?
is "$rc" 2 "-c without a file exits 2"
like "$err" "usage: feedwatch check -c CONF" "... and shows the usage"

# A term the matcher cannot use is refused here, as the daemon refuses it.
printf '[actor x]\nname = "---"\n\n[watchlist w]\nactors = x\n\n[sink s]\ntype = log\n' > "$TEST_TMP/noword.conf"
err=$("$FEEDWATCH" check -c "$TEST_TMP/noword.conf" 2>&1); rc=$?
is "$rc" 1 "a term with no letters or digits exits 1"
like "$err" "noword\.conf:2: term \"---\" has no letters or digits" "... with file:line"
done_testing
