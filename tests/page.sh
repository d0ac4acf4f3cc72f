#!/bin/sh
# The alerts page at / in a real browser (Debian's chromium, with
# chromium-driver and python3-selenium for the clicks): a static load
# (--dump-dom) asks for the token; with it the page lists the alerts with
# the matched words marked, score and threshold and also_in, filters by
# watchlist and by feed, lists the feeds with the failing one first, keeps
# the token over a reload, and its silence button makes a silence that
# `feedwatch silence list` shows.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/people-lib.sh"

command -v chromium > /dev/null && [ -x /usr/bin/chromedriver ] &&
    /usr/bin/python3 -c 'import selenium' 2> /dev/null
ok $? "chromium, chromium-driver and python3-selenium are installed (build-aux/deps-debian)"
people_conf "" "
[watchlist troops-only]
topics = troops
threshold = 1
sinks = b

[feed broken]
url = file:$T/no-such-feed.xml" > "$T/feedwatch.conf"
people_start
wait_for "$T/a.jsonl" 'border' && wait_for "$T/a.jsonl" 'river'
# One story in both feeds: also_in.
people_item desk 1 "Ruritania troops on the border"
n=0
until api /alerts | grep -q '"desk"' && api /alerts | grep -q 'also_in": \[$' ||
    [ $n -gt 100 ]; do n=$((n + 1)); sleep 0.1; done

chromium --headless --no-sandbox --disable-gpu --dump-dom \
    "http://127.0.0.1:$aport/" > "$T/dom.html" 2> /dev/null
like "$(cat "$T/dom.html")" '<form id="login">' "a static load shows the token form (not hidden)"
like "$(cat "$T/dom.html")" 'the API wants its token' "and says why"
is "$(grep -c 'class="alert' "$T/dom.html")" 0 "no alerts without the token"

/usr/bin/python3 "$top_srcdir/tests/page.py" "http://127.0.0.1:$aport/" people-token \
    "$T/alerts-page.png" > "$T/page.out" 2> "$T/page.err"
is $? 0 "the browser session ran"
[ -s "$T/page.err" ] && diag "$(tail -n 5 "$T/page.err")"
v() { sed -n "s/^$1 //p" "$T/page.out"; }
is "$(v login-shown)" 1 "the page asks for the token"
is "$(v alerts)" 4 "with it, it lists the four alerts"
is "$(v login-hidden)" 1 "and hides the form"
is "$(v marks)" "ruritania,troops" "matched words are marked in the snippets"
is "$(v score)" 1 "score and threshold are shown"
is "$(v also_in)" 1 "and also_in"
is "$(v watchlist-filter)" "2 1" "the watchlist filter keeps that watchlist's alerts"
is "$(v feed-filter)" "2 1" "the feed filter keeps that feed's"
is "$(v feeds | cut -d, -f1)" broken "the failing feed is listed first"
is "$(v reload-no-login)" 1 "a reload keeps the token (sessionStorage)"
is "$(v button)" "silence rur on desk for 2h" "an alert's silence button names its watchlist and feed"
sid=$(v msg)
like "$sid" '^[0-9]+$' "pressing it creates a silence"
is "$(v silences-row)" "watchlist=rur" "the page lists it"
like "$("$FEEDWATCH" silence list -c "$T/feedwatch.conf")" \
    "^$sid	[0-9TZ:-]+ watchlist=rur feed=desk	muted from the alerts page" \
    "feedwatch silence list shows it"
ok $([ -s "$T/alerts-page.png" ]; echo $?) "a screenshot was taken"
[ -n "$PAGE_SCREENSHOT" ] && cp "$T/alerts-page.png" "$PAGE_SCREENSHOT"
kill $pid; wait $pid
done_testing
