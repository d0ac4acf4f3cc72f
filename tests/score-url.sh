#!/bin/sh
# `feedwatch score URL`: the feed is fetched over real HTTP by the daemon's
# fetcher (tests/httpd on 127.0.0.1, a kernel-picked port, killed at exit)
# and every item is scored; a [feed] with that URL brings its `feeds =`
# restrictions; a failed fetch exits 1 naming the URL.
. "$top_srcdir/tests/lib.sh"

start_server "$top_builddir/tests/httpd"
base="http://127.0.0.1:$port"

# tests/httpd's feed: three items "Item N" with bodies "Body N ...".
cat >"$TEST_TMP/url.conf" <<CONF
[feed served]
url = $base/feed.xml
tags = test

[feed elsewhere]
url = $base/other.xml
tags = other

[topic items]
term = item

[topic bodies]
term = body
weight = 3

[watchlist all]
topics = items, bodies
threshold = 5

[watchlist other-only]
topics = items
feeds = tag:other
CONF
conf="$TEST_TMP/url.conf"

out=$("$FEEDWATCH" score -c "$conf" "$base/feed.xml" 2>"$TEST_TMP/err")
is $? 0 "score URL: exit 0"
is "$(printf '%s\n' "$out" | grep -c '"watchlist":"all"')" 3 "every fetched item is scored"
like "$(printf '%s\n' "$out" | sed -n 1p)" '^\{"item":\{"id":"urn:feedwatch-test:1","title":"Item 1","link":"http://example.org/item/1"\},"watchlist":"all","score":5,"threshold":5,"require":true,"excluded":false,"alert":true,' \
    "title hit x2 + body hit x3 = 5: alerts"
is "$(printf '%s\n' "$out" | grep -c '"other-only"')" 0 "the [feed] with this URL is not in other-only's feeds"
is "$(cat "$TEST_TMP/err")" "" "nothing on stderr"

out=$("$FEEDWATCH" score -c "$conf" --explain "$base/gzip.xml")
is $? 0 "score a compressed URL: exit 0"
like "$out" "other-only: ALERT" "a URL no [feed] names is scored by every watchlist"
like "$out" "3 items, 6 alerts" "--explain totals"

err=$("$FEEDWATCH" score -c "$conf" "$base/404" 2>&1 >/dev/null)
is $? 1 "score URL 404: exit 1"
like "$err" "$base/404: .*404" "and names the URL and the status"
err=$("$FEEDWATCH" score -c "$conf" "$base/notfeed" 2>&1 >/dev/null)
is $? 1 "score URL that is not a feed: exit 1"
like "$err" "$base/notfeed: " "and names the URL"
done_testing
