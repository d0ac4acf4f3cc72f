#!/bin/sh
# feedwatch parse writes each item as it is read (a reader sees the first
# item while the feed is still arriving), and --raw keeps the markup of
# summaries and contents beside their text.
. "${top_srcdir:-.}/tests/lib.sh"
F="$top_srcdir/tests/feeds"

# The feed arrives through a FIFO in two parts; the first item must be on
# stdout before the second part is written.
mkfifo "$TEST_TMP/in"
"$FEEDWATCH" parse "$TEST_TMP/in" > "$TEST_TMP/out" 2>"$TEST_TMP/err" &
pid=$!
cleanup_pid $pid
exec 3>"$TEST_TMP/in"
printf '<rss version="2.0"><channel><title>Live</title>
<item><title>First of two</title><link>https://live.example.org/1</link></item>
' >&3
wait_for "$TEST_TMP/out" '"title": "First of two"' 30
ok $? "the first item is written before the feed has ended"
grep -q '"title": "Second of two"' "$TEST_TMP/out"
is $? 1 "and the second is not there yet"
printf '<item><title>Second of two</title></item></channel></rss>\n' >&3
exec 3>&-
wait $pid
is $? 0 "parse exits 0 once the feed ends"
out=$(cat "$TEST_TMP/out")
like "$out" '"title": "Second of two"' "the second item follows"
like "$out" '"title": "Live"' "the channel's title comes after the items"
doc=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]), d["format"], d["title"])')
is "$doc" "2 rss2.0 Live" "the output is one JSON document"

# --raw: the markup beside the text.
out=$("$FEEDWATCH" parse --raw "$F/atom10-links.xml"); rc=$?
is "$rc" 0 "parse --raw exits 0"
like "$out" '"summary_raw": "<p>Two keepers talk about <em>long nights</em>.</p>"' \
    "--raw keeps the summary's HTML"
like "$out" '"content_raw": "<div><p>Show notes: <a href=\\"/keepers\\">the keepers</a>.</p></div>"' \
    "--raw keeps inline XHTML with its attributes"
like "$out" '"summary": "Two keepers talk about long nights."' \
    "the text is there as well"
out=$("$FEEDWATCH" parse "$F/atom10-links.xml")
printf '%s' "$out" | grep -q '_raw"'
is $? 1 "without --raw there is no markup"
out=$("$FEEDWATCH" parse --raw - < "$F/rss20-basic.xml")
like "$out" '"content_raw": "The early ferry' "--raw reads stdin too"

"$FEEDWATCH" parse --raw >/dev/null 2>&1
is $? 2 "--raw without a file is a usage error"
"$FEEDWATCH" parse --bogus "$F/rss20-basic.xml" >/dev/null 2>&1
is $? 2 "an unknown option is a usage error"

done_testing
