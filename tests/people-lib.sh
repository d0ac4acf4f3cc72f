# What the tests of silences, quiet hours, surges, the alerts feed and the
# alerts page share (source it after tests/lib.sh): a small world of two
# file feeds, one watchlist that alerts on any item naming Ruritania with
# troops, two file sinks, and a daemon polling every second.
#
#	people_conf SINK_A_KEYS WATCHLIST_KEYS > $T/feedwatch.conf
#	people_item FEED N TITLE     add item N to feed FEED (wire or desk)
#	people_start                 feedwatchd -f, up when /healthz answers

T=$TEST_TMP
mkdir -p "$T/state"
aport=$(free_port)
printf 'people-token\n' > "$T/token"
AUTH="Authorization: Bearer people-token"
_people_mtime=0

# people_conf SINK_A_KEYS WATCHLIST_KEYS: the config on stdout.
people_conf() {
	cat <<EOF
[daemon]
state-dir = $T/state
interval = 1s
http = 127.0.0.1:$aport
http-token = @token

[feed wire]
url = file:$T/wire.xml
backfill = 100

[feed desk]
url = file:$T/desk.xml
backfill = 100

[actor ruritania]
name = Ruritania

[topic troops]
term = troops

[watchlist rur]
actors = ruritania
topics = troops
require = actor and topic
threshold = 1
sinks = a, b
$2

[sink a]
type = file
path = $T/a.jsonl
$1

[sink b]
type = file
path = $T/b.jsonl
EOF
}

# The items of each feed so far, one line each: N<TAB>TITLE.
: > "$T/wire.items"
: > "$T/desk.items"

# people_item FEED N TITLE: the feed gets item N; its file is rewritten.
people_item() {
	printf '%s\t%s\n' "$2" "$3" >> "$T/$1.items"
	{
		printf '<?xml version="1.0"?>\n<rss version="2.0"><channel>'
		printf '<title>%s</title><link>https://%s.example/</link>\n' "$1" "$1"
		while IFS='	' read -r n title; do
			printf '<item><guid>%s-%s</guid><title>%s</title>' "$1" "$n" "$title"
			printf '<link>https://%s.example/%s</link>' "$1" "$n"
			printf '<description>Ruritania said its troops (item %s of %s) moved.</description></item>\n' "$n" "$1"
		done < "$T/$1.items"
		printf '</channel></rss>\n'
	} > "$T/$1.xml.new"
	mv "$T/$1.xml.new" "$T/$1.xml"
	# Every rewrite is newer than the last poll's validator.
	_people_mtime=$((_people_mtime + 2))
	touch -d "+$_people_mtime seconds" "$T/$1.xml"
}

people_item wire 0 "Ruritania troops on the border"
people_item desk 0 "Ruritania troops at the river"

# people_start: start feedwatchd on $T/feedwatch.conf, wait for /healthz.
people_start() {
	"$FEEDWATCHD" -c "$T/feedwatch.conf" -f 2>> "$T/log" &
	pid=$!
	cleanup_pid $pid
	_n=0
	until curl -s -o /dev/null "http://127.0.0.1:$aport/healthz" || [ $_n -gt 200 ]; do
		_n=$((_n + 1)); sleep 0.1
	done
}

# api PATH [CURL ARGS]: the body of an authorised request.
api() {
	_p=$1; shift
	curl -s -H "$AUTH" "$@" "http://127.0.0.1:$aport$_p"
}

# titles FILE: the titles of the alerts a file sink wrote, one a line
# (a digest's members each on their own).
titles() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    for a in d.get("alerts", [d]):
        print(a["item"]["title"])' "$1" 2>/dev/null
}
