#!/bin/sh
# The command-line contract of both programs: --version, --help, usage
# errors exit 2, and nothing that is not built yet pretends to succeed.
. "${top_srcdir:-.}/tests/lib.sh"

out=$("$FEEDWATCHD" --version); ok $? "feedwatchd --version exits 0"
like "$out" '^feedwatchd [0-9]+\.[0-9]+\.[0-9]+$' "feedwatchd --version prints the version"
out=$("$FEEDWATCHD" --help); ok $? "feedwatchd --help exits 0"
like "$out" 'feedwatchd \[-c FILE\] \[-f\|--foreground\] \[--once\] \[-v\|--verbose\]' "feedwatchd usage matches the SPEC"
"$FEEDWATCHD" --bogus >/dev/null 2>&1; is $? 2 "feedwatchd: unknown option exits 2"
"$FEEDWATCHD" extra >/dev/null 2>&1; is $? 2 "feedwatchd: stray argument exits 2"

out=$("$FEEDWATCH" --version); ok $? "feedwatch --version exits 0"
like "$out" '^feedwatch [0-9]+\.[0-9]+\.[0-9]+$' "feedwatch --version prints the version"
out=$("$FEEDWATCH" --help); ok $? "feedwatch --help exits 0"
for c in 'parse FILE\|URL\|-' 'score -c CONF \[--explain\]' 'check -c CONF' 'status \[--http ADDR \| -c CONF\]' 'send-test -c CONF SINK'; do
	like "$out" "feedwatch $c" "feedwatch --help lists: $c"
done
"$FEEDWATCH" >/dev/null 2>&1; is $? 2 "feedwatch without a command exits 2"
err=$("$FEEDWATCH" frobnicate 2>&1); is $? 2 "unknown command exits 2"
like "$err" "unknown command 'frobnicate'" "unknown command is named"
done_testing
