#!/bin/sh
# `feedwatch parse URL` fetches through the daemon's fetcher: real HTTP
# from tests/httpd on 127.0.0.1 (a kernel-picked port), killed at exit.
. "$top_srcdir/tests/lib.sh"

start_server "$top_builddir/tests/httpd"
base="http://127.0.0.1:$port"

# parse URL: run feedwatch parse, keeping stdout, stderr and the status.
parse() {
	"$FEEDWATCH" parse "$1" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	out=$(cat "$TEST_TMP/out")
	err=$(cat "$TEST_TMP/err")
}

parse "$base/feed.xml"
is "$rc" 0 "parse URL: exit 0"
like "$out" '"format": *"rss2.0"' "parse URL: the feed's format"
like "$out" '"title": *"Item 1"' "parse URL: first item"
n=$(printf '%s' "$out" | grep -Eo '"link": *"http://example.org/item/' | wc -l)
is "$(echo $n)" 3 "parse URL: all three items"

parse "$base/gzip.xml"
is "$rc" 0 "parse URL: gzip body decoded"
like "$out" '"title": *"Item 3"' "parse URL: gzip items"

parse "$base/chain/3"
is "$rc" 0 "parse URL: redirects followed"

parse "$base/404"
is "$rc" 1 "parse URL 404: exit 1"
like "$err" "$base/404.*HTTP 404" "parse URL 404: names the URL and the status"
is "$out" "" "parse URL 404: nothing on stdout"

parse "$base/410"
is "$rc" 1 "parse URL 410: exit 1"
like "$err" "410" "parse URL 410: says gone"

parse "$base/loop"
is "$rc" 1 "parse URL redirect loop: exit 1"
like "$err" "[Rr]edirect" "parse URL redirect loop: says why"

parse "ftp://127.0.0.1:$port/feed.xml"
is "$rc" 1 "parse ftp URL: exit 1"
like "$err" "only http, https and file" "parse ftp URL: says why"

done_testing
