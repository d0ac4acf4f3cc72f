#!/bin/sh
# An old item the parser left unread (it came again byte for byte) is
# still one of the feed's ids in the state a cluster node publishes, so
# the node that takes the feed over after a kill -9 does not alert it
# again, even once its text changed.  Two feedwatchd nodes on one real
# nats-server -js poll one feed from tests/feedsrv.py; the feed keeps an
# old item that names Acme and a merger while a note beside it changes.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
IV=1  # feed interval, seconds
TTL=3 # heartbeat-ttl, seconds
HOOKD="$top_builddir/tests/hookd"
. "$top_srcdir/tests/nats-lib.sh"
. "$top_srcdir/tests/cluster-lib.sh"

mkdir -p "$T/feeds"
nats_start

# version K [OLD-DESCRIPTION] [NEW]: the feed's document: the old item
# (its description as given), the note K, and the item NEW if given.
version() {
	{
		printf '<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>\n'
		printf '<item><title>Acme merger old</title><link>https://news.example/old</link><guid>old</guid><description>%s</description></item>\n' "${2:-first words}"
		printf '<item><title>Weather note %s</title><link>https://news.example/n%s</link><guid>note-%s</guid></item>\n' "$1" "$1" "$1"
		[ -n "$3" ] && printf '<item><title>Acme merger %s</title><link>https://news.example/%s</link><guid>%s</guid></item>\n' "$3" "$3" "$3"
		printf '</channel></rss>\n'
	} >"$T/feeds/f.xml.tmp"
	mv "$T/feeds/f.xml.tmp" "$T/feeds/f.xml"
}
version 1
start_server python3 "$top_srcdir/tests/feedsrv.py" "$T/feeds" "$T/requests"; fport=$port
start_server "$HOOKD" -l "$T/hook.jsonl"; hport=$port
{
	printf '[feed f]\nurl = http://127.0.0.1:%s/f.xml\n\n' $fport
	acme_watchlist hook
	printf '\n[sink hook]\ntype = webhook\nurl = http://127.0.0.1:%s/ok-hook\n' $hport
} >"$T/shared.conf"
cluster_conf fwagain "$nats_url" 1 2
owner() { api $1 /feeds | python3 -c '
import json, sys
print([f.get("owner") for f in json.load(sys.stdin)][0])' 2>/dev/null; }
owned() { case "$(owner 1)" in n1 | n2) return 0 ;; esac; return 1; }
# polls_after T N: the feed was requested N times since unix time T
polls_after() {
	[ "$(awk -v t="$1" '$1 >= t' "$T/requests" | wc -l)" -ge "$2" ]
}
# next_version K...: write version K..., then wait for two polls: the
# first reads it, and by the second its outcome is written and published.
next_version() {
	sleep 1.1 # a new mtime, so a new ETag
	_t=$(date +%s.%N)
	version "$@"
	until_true $((IV * 10)) polls_after "$_t" 2
}

start_node 1; start_node 2
until_true 60 live 1 2
ok $? "two nodes see each other"
until_true 30 owned
o=$(owner 1 | tr -d n); other=$((3 - o))
ok "$([ "$o" = 1 ] || [ "$o" = 2 ]; echo $?)" "node n$o owns the feed"
until_true $((IV * 10)) polls_after 0 2
ok $? "the feed was read (its first fetch alerts nothing)"

# The note changes twice: the old item is read as old once, and then
# comes again byte for byte and is left unread.
next_version 2
ok $? "n$o read the feed again"
next_version 3
ok $? "... and again"
sleep 1
is "$(metric $o feedwatch_items_again_total)" 1 \
    "n$o left the old item unread the second time (it came again)"

# n$o dies; n$other takes the feed from the state n$o published, and
# reads the next document whole: the old item, edited, and a new one.
eval "kill -9 \$pid$o"
until_true 60 live $other 1
ok $? "n$other sees n$o gone"
next_version 4 "edited words" fresh
wait_for "$T/hook.jsonl" "Acme merger fresh" 30
ok $? "n$other alerted the new item"
sleep $((IV + 1))
is "$(grep -c 'Acme merger old' "$T/hook.jsonl")" 0 \
    "the old item, edited, was not alerted again"
is "$(grep -c '"path"' "$T/hook.jsonl")" 1 "one alert at the webhook"
done_testing
