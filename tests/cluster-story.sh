#!/bin/sh
# Stories across a cluster (issue 21): three feedwatchd nodes on one real
# nats-server -js.  The same story in three feeds owned by three nodes
# alerts once (in the alerts stream and at the webhook), and the alerting
# node shows the two later feeds in the alert's also_in (its status API,
# `feedwatch alerts`, `feedwatch status`), while the later nodes log the
# alert they deferred to.  A sighting made while the alerting node is down
# reaches its also_in when it is back.  Two nodes that both poll a feed
# during a hand-over (one stopped past the heartbeat TTL, then continued)
# raise one alert; after kill -9 of a node no old item alerts again.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
NFEEDS=30
IV=4  # feed interval, seconds
TTL=3 # heartbeat-ttl, seconds
HOOKD="$top_builddir/tests/hookd"
. "$top_srcdir/tests/nats-lib.sh"
. "$top_srcdir/tests/cluster-lib.sh"

mkdir -p "$T/feeds"
nats_start

# feed NAME ITEM...: the feed's items, each "Acme merger ITEM" (the
# watchlist's story), with its own link, so that one feed's items are
# one story each and the same ITEM in two feeds is one story.
feed() {
	_f=$1; shift
	{
		printf '<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>\n' "$_f"
		for _i in "$@"; do
			printf '<item><title>Acme merger %s</title><link>https://news.example/%s</link><guid>%s-%s</guid></item>\n' "$_i" "$_i" "$_f" "$_i"
		done
		printf '</channel></rss>\n'
	} >"$T/feeds/$_f.xml.tmp"
	mv "$T/feeds/$_f.xml.tmp" "$T/feeds/$_f.xml"
}
i=0
while [ $i -lt $NFEEDS ]; do
	n=$(printf 's%02d' $i)
	feed $n "old-$n"
	i=$((i + 1))
done
start_server python3 "$top_srcdir/tests/feedsrv.py" "$T/feeds" "$T/requests"; fport=$port
start_server "$HOOKD" -l "$T/hook.jsonl"; hport=$port
{
	i=0
	while [ $i -lt $NFEEDS ]; do
		n=$(printf 's%02d' $i)
		printf '[feed %s]\nurl = http://127.0.0.1:%s/%s.xml\n\n' $n $fport $n
		i=$((i + 1))
	done
	acme_watchlist hook
	printf '\n[sink hook]\ntype = webhook\nurl = http://127.0.0.1:%s/ok-hook\n' $hport
} >"$T/shared.conf"
cluster_conf fwstory "$nats_url" 1 2 3
all_live() { live 1 3 && live 2 3 && live 3 3; }
# also_in K ITEM: the also_in of node K's alert on "Acme merger ITEM", as
# its /alerts says (sorted, space-separated), or "none".
also_in() {
	api $1 /alerts | python3 -c '
import json, sys
t = "Acme merger " + sys.argv[1]
a = [d for d in json.load(sys.stdin) if d["item"]["title"] == t]
print(" ".join(sorted(a[0]["also_in"])) if a else "none")' "$2"
}
has_also() { [ "$(also_in $1 $2)" = "$3" ]; }
hooked() { grep -c "Acme merger $1" "$T/hook.jsonl" 2>/dev/null || true; }

start_node 1; start_node 2; start_node 3
until_true 60 all_live
ok $? "three nodes see each other"
owners() {
	api 1 /feeds | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    print(f["name"], f.get("owner"))'
}
owned() { [ "$(owners | grep -c ' n[123]$')" = $NFEEDS ]; }
until_true 30 owned
ok $? "n1 names an owner for every feed"
owners >"$T/owners"
pick() { awk -v n="$1" '$2 == n { print $1 }' "$T/owners" | sed -n "${2}p"; }
a1=$(pick n1 1); b2=$(pick n2 1); c3=$(pick n3 1)
ok "$([ -n "$a1" ] && [ -n "$b2" ] && [ -n "$c3" ]; echo $?)" \
    "each node owns a feed ($a1 n1, $b2 n2, $c3 n3)"

# The story first in n1's feed, then in n2's and n3's.
feed $a1 "old-$a1" story-x
wait_for "$T/hook.jsonl" "Acme merger story-x" $((IV * 5))
ok $? "the story in $a1 (n1) reached the webhook"
feed $b2 "old-$b2" story-x
feed $c3 "old-$c3" story-x
until_true $((IV * 6)) has_also 1 story-x "$(printf '%s\n' $b2 $c3 | sort | tr '\n' ' ' | sed 's/ $//')"
ok $? "n1's /alerts shows the story also in $b2 and $c3"
sleep $((IV + 1))
is "$(hooked story-x)" 1 "the story alerted once at the webhook"
is "$(nats_stored fwstory_ALERTS)" 1 "... and once in the alerts stream"
id=$(api 1 /alerts | python3 -c '
import json, sys
print([d["id"] for d in json.load(sys.stdin) if d["item"]["title"] == "Acme merger story-x"][0])')
like "$(cat "$T/n2/log")" "\"Acme merger story-x\" in feed $b2 is the story of alert $id of node n1; sent to its also_in" \
    "n2 logs the alert of n1 it deferred to"
like "$(cat "$T/n3/log")" "in feed $c3 is the story of alert $id of node n1; sent to its also_in" \
    "... and so does n3"
like "$(cat "$T/n1/log")" "deals: alert $id: its story is also in feed $b2 \\(node n2\\); recorded in its also_in" \
    "n1 logs the sighting it recorded"
"$FEEDWATCH" alerts -c "$T/n1/fw.conf" >"$T/cli" 2>&1
like "$(grep -A1 'story-x' "$T/cli")" "also in .*$b2" "feedwatch alerts on n1's state shows $b2 in also_in"
like "$(grep -A1 'story-x' "$T/cli")" "also in .*$c3" "... and $c3"
"$FEEDWATCH" status --http "127.0.0.1:$aport1" >"$T/status" 2>&1
like "$(grep -A1 'story-x' "$T/status")" "also in" "feedwatch status of n1 shows the also_in"
is "$(metric 1 'feedwatch_cluster_sightings_total{dir="recorded"}')" 2 \
    "n1 counts two sightings recorded"
is "$(( $(metric 2 'feedwatch_cluster_sightings_total{dir="sent"}') + \
    $(metric 3 'feedwatch_cluster_sightings_total{dir="sent"}') ))" 2 \
    "n2 and n3 sent one each"
is "$(metric 2 'feedwatch_cluster_story_kv_ops_total{op="get"}')" 1 \
    "n2 read the taken key once (which alert was first)"

# A sighting while n1 is down waits in the bucket for n1's return.
kill -TERM $pid1
wait $pid1 2>/dev/null
until_true 60 live 2 2
ok $? "n2 sees n1 gone"
d4=$(awk -v a="$a1" -v b="$b2" -v c="$c3" '$1 != a && $1 != b && $1 != c { print $1; exit }' "$T/owners")
feed $d4 "old-$d4" story-x
until_true $((IV * 6)) sh -c "grep -q 'in feed $d4 is the story of alert $id of node n1; sent to its also_in' '$T/n2/log' '$T/n3/log'"
ok $? "the story in $d4 was sent to n1's also_in while n1 was down"
start_node 1
until_true 60 all_live
ok $? "n1 is back"
until_true 30 has_also 1 story-x "$(printf '%s\n' $b2 $c3 $d4 | sort | tr '\n' ' ' | sed 's/ $//')"
ok $? "n1's /alerts now shows $d4 too"
is "$(hooked story-x)" 1 "the story still alerted once"

# n2 stopped past the TTL: its feeds go to n1 and n3; a new item in one
# of them alerts there; n2 continued polls the feed too and defers.
owners >"$T/owners2"
h2=$(awk -v b="$b2" -v d="$d4" '$2 == "n2" && $1 != b && $1 != d { print $1; exit }' "$T/owners2")
kill -STOP $pid2
until_true 60 live 1 2
ok $? "n1 sees the stopped n2 gone"
feed $h2 "old-$h2" over-x
wait_for "$T/hook.jsonl" "Acme merger over-x" $((IV * 6))
ok $? "the new item in $h2 alerted on another node"
kill -CONT $pid2
until_true $((IV * 6)) grep -q "in feed $h2 is the story of alert [0-9a-f]* of node n[13]; that node polled this feed too" "$T/n2/log"
ok $? "n2, continued, polled $h2 too and deferred to the alert raised"
until_true 60 all_live
sleep $((IV + 1))
is "$(hooked over-x)" 1 "the item alerted once at the webhook"
is "$(nats_stored fwstory_ALERTS)" 2 "the alerts stream stored two alerts"

# kill -9 n3: its feeds go to n1 and n2; no old item alerts again.
owners >"$T/owners3"
tk=$(date +%s)
kill -9 $pid3
until_true 60 live 1 2
ok $? "n1 sees n3 gone"
polled_since() { # polled_since T FEED...
	_t=$1; shift
	for _f in "$@"; do
		awk -v t="$_t" -v p="/$_f.xml" '$1 >= t && $2 == p { f = 1 } END { exit !f }' \
		    "$T/requests" || return 1
	done
}
until_true $((TTL + IV + 60)) polled_since $tk $(awk '$2 == "n3" { print $1 }' "$T/owners3")
ok $? "every feed of n3 was polled by another node"
sleep $((IV + 1))
is "$(grep -c '"path"' "$T/hook.jsonl")" 2 "no old item alerted again: two alerts at the webhook"
is "$(nats_stored fwstory_ALERTS)" 2 "... and two in the stream"
done_testing
