#!/bin/sh
# feedwatch parse as a user runs it: a file, stdin, usage errors and
# unreadable files, with exit statuses.  (URLs: the fetcher's tests.)
. "${top_srcdir:-.}/tests/lib.sh"
F="$top_srcdir/tests/feeds"

out=$("$FEEDWATCH" parse - < "$F/rss20-basic.xml"); rc=$?
is "$rc" 0 "parse - reads stdin"
like "$out" '"title": "Ferry timetable changes in November"' "stdin: items printed"
file=$("$FEEDWATCH" parse "$F/rss20-basic.xml")
is "$out" "$file" "stdin and file give the same document"

err=$("$FEEDWATCH" parse "$TEST_TMP/missing.xml" 2>&1); rc=$?
is "$rc" 1 "a missing file exits 1"
like "$err" "missing.xml: No such file or directory" "naming the file"

"$FEEDWATCH" parse >/dev/null 2>&1; rc=$?
is "$rc" 2 "no argument is a usage error"
"$FEEDWATCH" parse a b >/dev/null 2>&1; rc=$?
is "$rc" 2 "two arguments are a usage error"

err=$("$FEEDWATCH" parse - < "$F/nofeed-html-advertises.html" 2>&1); rc=$?
is "$rc" 1 "an HTML page exits 1"
like "$err" "advertises the feed /feeds/all.rss" "naming the feed it advertises"

out=$(printf '<rss version="2.0"><channel><title>x</title></channel></rss>' | "$FEEDWATCH" parse -); rc=$?
is "$rc" 0 "a feed without items is a feed"
like "$out" '"items": \[\]' "with an empty item list"

done_testing
