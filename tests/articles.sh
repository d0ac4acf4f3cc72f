#!/bin/sh
# Articles end to end (`article = fetch`): feeds whose items carry only a
# headline, and their pages on a local news site (tests/articles/ and
# tests/artsrv.py).  An alert fires only when the article's own text
# names the watchlist's actor (not its menu, "most read" box or footer);
# a windows-1252 page declared only in <meta> reads right; article-xpath
# finds what the heuristic misses and warns once per feed when it selects
# nothing; a 404, a page cut at max-size and a PDF leave the item scored
# on the feed's text with an alert that says why; a redirect is followed;
# a held-up host holds back only its own item; and a restart fetches no
# article twice and raises no alert twice.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
A="$top_srcdir/tests/articles"
mkdir -p "$T/site" "$T/slow" "$T/state"
cp "$A"/*.html "$T/site/"
# Pages whose titles differ, so that each is its own story.
sed 's/Choe Son Hui warns over new sanctions/Envoy statement read on television/g' \
    "$A/news-match.html" > "$T/site/redirected.html"
sed 's/Choe Son Hui warns over new sanctions/Slow site: minister statement/g' \
    "$A/news-match.html" > "$T/slow/held.html"
sed 's/The transport minister resigned/Choe Son Hui said the transport minister resigned/' \
    "$A/xpath-only.html" > "$T/site/xpath-match.html"
printf '%%PDF-1.4\n%% Choe Son Hui sanctions\n' > "$T/site/report.pdf"

start_server python3 "$top_srcdir/tests/artsrv.py" "$T/site"
P=$port
start_server python3 "$top_srcdir/tests/artsrv.py" "$T/slow"
S=$port
B="http://127.0.0.1:$P"

item() { # id title link description
	printf '<item><guid>%s</guid><title>%s</title><link>%s</link><description>%s</description></item>\n' "$@"
}
feed() { # file, then items on stdin
	{ printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>%s</title><link>%s</link><description>d</description>\n' "$1" "$B"
	  cat; printf '</channel></rss>\n'; } > "$T/site/$1.xml"
}
feed courier <<EOF2
$(item c1 'Ferry timetable changes' "$B/f/news-menu.html" 'The ferry runs less often.')
$(item c2 'Foreign minister warns' "$B/f/news-match.html" 'A statement on Monday.')
$(item c3 'Bundesbank chief speaks' "$B/f/cp1252.html" 'On the economy.')
$(item c4 'Envoy statement' "$B/redirect/redirected.html" 'Read on television.')
$(item c5 'Missing page' "$B/f/gone.html" 'Choe Son Hui in the teaser of a page that is gone.')
$(item c6 'Endless page' "$B/endless" 'Choe Son Hui in the teaser of a page that never ends.')
$(item c7 'Sanctions report' "$B/f/report.pdf" 'Choe Son Hui in the teaser of a PDF.')
EOF2
feed xpath <<EOF2
$(item x1 'Minister quits' "$B/f/xpath-match.html" 'A resignation.')
EOF2
feed blind <<EOF2
$(item b1 'Port strike over' "$B/f/article-tag.html" 'Port news.')
$(item b2 'Dam findings' "$B/f/itemprop.html" 'Dam news.')
EOF2
feed slowsite <<EOF2
$(item s1 'Held statement' "http://127.0.0.1:$S/hold/held.html" 'A statement.')
EOF2

H=$(free_port)
cat > "$T/fw.conf" <<EOF2
[daemon]
state-dir = $T/state
http = 127.0.0.1:$H
max-concurrent = 16
per-host = 2
max-size = 64KiB
interval = 2s

[feed courier]
url = $B/f/courier.xml
article = fetch
backfill = 100

[feed xpath]
url = $B/f/xpath.xml
article = fetch
article-xpath = //td[@class='main']
backfill = 100

[feed blind]
url = $B/f/blind.xml
article = fetch
article-xpath = //div[@id='no-such-block']
backfill = 100

[feed slowsite]
url = $B/f/slowsite.xml
article = fetch
backfill = 100

[actor choe]
name = Choe Son Hui

[actor mueller]
name = Müller

[watchlist people]
actors = choe, mueller
require = actor
threshold = 1
sinks = out

[sink out]
type = file
path = $T/alerts.jsonl
EOF2

alerts() { # "id article" per alert, sorted
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(d["item"]["id"], d["item"]["article"])' "$T/alerts.jsonl" 2>/dev/null | sort
}

"$FEEDWATCHD" -c "$T/fw.conf" -f 2> "$T/err1" &
D=$!
cleanup_pid $D
wait_for "$T/alerts.jsonl" '"id":"x1"' 60
ok $? "the fast feeds' alerts arrive"
wait_for "$T/slow/requests.log" '^/hold/held.html' 30
ok $? "the held-up host's article is being fetched"
# Every fast item is settled once x1 and the failures are in; give the
# last ones the same bound.
for id in c2 c3 c4 c5 c6 c7; do
	wait_for "$T/alerts.jsonl" "\"id\":\"$id\"" 60 || diag "no alert for $id"
done
ok $(grep -c '"id":"s1"' "$T/alerts.jsonl" | grep -qx 0; echo $?) \
    "the held-up host's item has not alerted yet, and held back no other"
touch "$T/slow/release"
wait_for "$T/alerts.jsonl" '"id":"s1"' 60
ok $? "the held-up item alerts once its page arrives"
metrics=$(curl -s "http://127.0.0.1:$H/metrics")
like "$metrics" 'feedwatch_article_fetches_total\{result="fetched"\} 8' \
    "/metrics counts the articles read"
like "$metrics" 'feedwatch_article_fetches_total\{result="failed"\} 3' \
    "and those that could not be had"
like "$metrics" 'feedwatch_articles_waiting 0' "and none waits any more"
like "$("$FEEDWATCH" status --http "127.0.0.1:$H")" \
    'articles: 8 fetched, 3 failed, 0 from the store; 0 waiting' \
    "feedwatch status says the same"
kill $D; wait $D

is "$(alerts)" "c2 fetched
c3 fetched
c4 fetched
c5 failed: HTTP 404
c6 failed: cut off at 65536 bytes (max-size)
c7 failed: not HTML (application/pdf)
s1 fetched
x1 fetched" "alerts fire on the article's own text; failures on the feed's, saying why"
like "$(grep '"id":"c3"' "$T/alerts.jsonl")" 'Müller sagte' \
    "the windows-1252 page (declared in <meta>) is read as windows-1252"
like "$(grep '"id":"c3"' "$T/alerts.jsonl")" '“Wir sehen keine Rezession”' \
    "its curly quotes too"
ok $(grep '"id":"c2"' "$T/alerts.jsonl" | grep -q 'state television'; echo $?) \
    "the alert quotes the article, not the teaser"
is "$(grep -c 'article-xpath .* selected nothing' "$T/err1")" 1 \
    "an article-xpath that selects nothing warns once per feed"
grep -c '^/f/news-match.html$' "$T/site/requests.log" > "$T/n1"
is "$(cat "$T/n1")" 1 "each article page was fetched once"

# A restart: nothing fetched again, nothing alerted twice.
cp "$T/alerts.jsonl" "$T/alerts.before"
"$FEEDWATCHD" -c "$T/fw.conf" --once 2> "$T/err2"
is $? 0 "a second run exits 0"
is "$(grep -c '^/f/news-match.html$' "$T/site/requests.log")" 1 \
    "a restart fetches no article again"
cmp -s "$T/alerts.before" "$T/alerts.jsonl"
ok $? "a restart raises no alert twice"

# feedwatch score honours article = fetch.
"$FEEDWATCH" score -c "$T/fw.conf" "$B/f/courier.xml" > "$T/score.out"
is $? 0 "feedwatch score on an article = fetch feed"
is "$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(d["item"]["id"], d["alert"], d["item"]["article"])' "$T/score.out")" \
"c1 False fetched
c2 True fetched
c3 True fetched
c4 True fetched
c5 True failed: HTTP 404
c6 True failed: cut off at 65536 bytes (max-size)
c7 True failed: not HTML (application/pdf)" \
    "it scores each item on its article, as the daemon does"

# feedwatch article: the rule that picked the text.
out=$("$FEEDWATCH" article "$B/f/itemprop.html")
like "$out" '^rule: itemprop=articleBody' "feedwatch article URL names the rule"
"$FEEDWATCH" article "$B/f/gone.html" > /dev/null 2> "$T/err3"
is $? 1 "feedwatch article exits 1 for a page that cannot be had"
like "$(cat "$T/err3")" 'failed: HTTP 404' "and says why"
done_testing
