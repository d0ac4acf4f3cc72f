#!/bin/sh
# A state file of an older schema (the schema-2 fixture, whose feed has
# six items) keeps its items and what was decided about them through the
# migration to link_key: the six are still known (no alert, no new row),
# each stored link has its key, an item under a new id that repeats a
# stored link is a re-issue (stored unscored, no alert), and a really new
# item alerts.  The re-issue lookup reads the items_link_key index, on
# the feed and the key.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
DB="$T/state/state.db"
mkdir -p "$T/state"
sqlite3 "$DB" < "$top_srcdir/tests/fixtures/state-v2.sql"
q() { sqlite3 "$DB" "$1" | tr '\n' ' ' | sed 's/ $//'; }
is "$(q 'PRAGMA user_version')" 2 "the file starts at schema 2"
is "$(q 'SELECT count(*) FROM items')" 6 "with six items"

# The fixture's six items, one under a new id with item 3's link, and
# one new item; the fixture's watchlist, a file sink.
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<rss version="2.0"><channel><title>v2</title>'
	echo '<link>https://v2.example/</link>'
	for i in 1 2 3 4 5 6; do
		printf '<item><title>Acme announces merger number %s' $i
		printf '</title><link>https://v2.example/%s</link>' $i
		printf '<guid>v2-%s</guid></item>\n' $i
	done
	printf '<item><title>Acme announces merger number 3, again</title>'
	printf '<link>https://v2.example/3</link><guid>v2-3-again</guid></item>\n'
	printf '<item><title>Acme announces merger number 7</title>'
	printf '<link>https://v2.example/7</link><guid>v2-7</guid></item>\n'
	echo '</channel></rss>'
} > "$T/feed.xml"
cat > "$T/c.conf" <<CONF
[daemon]
state-dir = $T/state
interval = 1h
[feed one]
url = file://$T/feed.xml
backfill = 10
[actor acme]
name = Acme
[topic merger]
term = merger
[watchlist deals]
actors = acme
topics = merger
require = actor and topic
threshold = 1
sinks = out
[sink out]
type = file
path = $T/alerts.jsonl
CONF

"$FEEDWATCHD" -c "$T/c.conf" --once 2> "$T/log"
is $? 0 "feedwatchd --once migrates the file and polls"
ok "$( [ "$(q 'PRAGMA user_version')" -gt 2 ]; echo $?)" "the file is at a newer schema"
is "$(q 'PRAGMA integrity_check')" ok "integrity_check is ok"
is "$(q "SELECT group_concat(id, ' ') FROM (SELECT id FROM items ORDER BY rowid)")" \
    "v2-1 v2-2 v2-3 v2-4 v2-5 v2-6 v2-3-again v2-7" \
    "the six items are kept, the two new ones added"
is "$(q "SELECT count(*) FROM items WHERE link_canon <> '' AND link_key IS NULL")" 0 \
    "every stored link has its key"
is "$(q "SELECT count(DISTINCT link_key) FROM items WHERE id LIKE 'v2-_'")" 7 \
    "one key per link"
is "$(q "SELECT link_key FROM items WHERE id = 'v2-3-again'")" \
    "$(q "SELECT link_key FROM items WHERE id = 'v2-3'")" \
    "the re-issue's key is the stored link's, filled by the migration"
is "$(q "SELECT id || ':' || scored FROM items WHERE id IN ('v2-3-again', 'v2-7') ORDER BY id")" \
    "v2-3-again:0 v2-7:1" "the re-issue is stored unscored, the new item scored"
is "$(wc -l < "$T/alerts.jsonl" | tr -d ' ')" 1 "one alert"
like "$(cat "$T/alerts.jsonl")" '"title":"Acme announces merger number 7"' \
    "and it is the new item's"
like "$(q "EXPLAIN QUERY PLAN SELECT 1 FROM items WHERE link_key = 1 AND feed = 'one' AND link_canon = 'x' LIMIT 1")" \
    "USING INDEX items_link_key \(feed=\? AND link_key=\?\)" \
    "the re-issue lookup uses the link_key index, a feed's keys together"
is "$(q "SELECT count(*) FROM sqlite_schema WHERE name = 'items_link'")" 0 \
    "the text index is gone"

"$FEEDWATCHD" -c "$T/c.conf" --once 2>> "$T/log"
is $? 0 "a second run"
is "$(q 'SELECT count(*) FROM items')" 8 "adds no item"
is "$(wc -l < "$T/alerts.jsonl" | tr -d ' ')" 1 "and no alert"
done_testing
