#!/bin/sh
# A cluster of three feedwatchd nodes on one real nats-server -js (a port
# it picks, a temp store): 300 feeds from tests/feedsrv.py are shared out
# so that every feed is polled by one node, never two in one interval
# (the server's request log); a new item alerts once at the webhook; and
# after kill -9 of one node its feeds are polled by the others within the
# heartbeat TTL plus an interval, an item that appeared meanwhile alerts
# once, and no old item alerts again; the same story in two feeds of two
# nodes alerts once.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
NFEEDS=300
IV=6      # feed interval, seconds
TTL=3     # heartbeat-ttl, seconds
HOOKD="$top_builddir/tests/hookd"
. "$top_srcdir/tests/nats-lib.sh"
. "$top_srcdir/tests/cluster-lib.sh"

# The NATS server (tests/nats-lib.sh): JetStream on, a port it picks,
# its store under $T, stopped when the test exits.
mkdir -p "$T/feeds"
nats_start
nport=$nats_port

# feed N ITEM...: feed fN holds these items (old ones name Acme's merger
# too, so that one alerting again would be seen).
feed() {
	_f=$1; shift
	{
		printf '<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>\n' "$_f"
		for _i in "$@"; do
			printf '<item><title>Acme merger %s</title><link>https://news.example/%s</link><guid>%s</guid><description>Acme agreed a merger (%s).</description></item>\n' "$_i" "$_i" "$_i" "$_i"
		done
		printf '</channel></rss>\n'
	} >"$T/feeds/$_f.xml.tmp"
	mv "$T/feeds/$_f.xml.tmp" "$T/feeds/$_f.xml"
}
i=0
while [ $i -lt $NFEEDS ]; do
	n=$(printf 'f%03d' $i)
	feed $n "old-$n"
	i=$((i + 1))
done
start_server python3 "$top_srcdir/tests/feedsrv.py" "$T/feeds" "$T/requests"; fport=$port
start_server "$HOOKD" -l "$T/hook.jsonl"; hport=$port

# One shared file every node includes; each node's own file says only
# where its state and status API are and what it is called.
{
	i=0
	while [ $i -lt $NFEEDS ]; do
		n=$(printf 'f%03d' $i)
		printf '[feed %s]\nurl = http://127.0.0.1:%s/%s.xml\n\n' $n $fport $n
		i=$((i + 1))
	done
	acme_watchlist hook
	printf '\n[sink hook]\ntype = webhook\nurl = http://127.0.0.1:%s/ok-hook\n' $hport
} >"$T/shared.conf"
cluster_conf fwtest "nats://127.0.0.1:$nport" 1 2 3

all_settled() {
	live 1 3 && live 2 3 && live 3 3
}
owned_sum() {
	echo $(( $(metric 1 feedwatch_cluster_owned_feeds) + \
	    $(metric 2 feedwatch_cluster_owned_feeds) + \
	    $(metric 3 feedwatch_cluster_owned_feeds) ))
}

start_node 1; start_node 2; start_node 3
until_true 60 all_settled
ok $? "three nodes see each other"
is "$(owned_sum)" $NFEEDS "the three nodes own $NFEEDS feeds between them"
for k in 1 2 3; do
	o=$(metric $k feedwatch_cluster_owned_feeds)
	ok "$([ "$o" -gt 60 ] && [ "$o" -lt 140 ]; echo $?)" "node n$k owns a fair share ($o)"
done
is "$(metric 1 feedwatch_cluster_config_differs)" 0 "no node runs another config"
# nats_conns PID: the TCP connections PID has open to the NATS server.
nats_conns() {
	python3 - "$1" "$nport" <<'PY'
import os, sys
pid, port = sys.argv[1], int(sys.argv[2])
inodes = set()
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
    except OSError:
        continue
    if t.startswith("socket:["):
        inodes.add(t[8:-1])
n = 0
for line in open("/proc/%s/net/tcp" % pid).readlines()[1:]:
    f = line.split()
    if f[3] == "01" and int(f[2].split(":")[1], 16) == port and f[9] in inodes:
        n += 1
print(n)
PY
}
is "$(nats_conns $pid1)" 1 "node n1 has one NATS connection (membership, state, alerts)"

# owners: "FEED NODE" per line, as node 1's /feeds says.
owners() {
	curl -sf "http://127.0.0.1:$aport1/feeds" | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    print(f["name"], f.get("owner"))'
}
owners >"$T/owners"
is "$(awk '$2 == "None"' "$T/owners" | wc -l)" 0 "/feeds names an owner for every feed"
f0=$(awk 'NR == 1 { print $1 }' "$T/owners")
o0=$(awk 'NR == 1 { print $2 }' "$T/owners")
"$FEEDWATCH" status --http "127.0.0.1:$aport3" >"$T/status" 2>&1
like "$(grep -A3 "^  $f0 " "$T/status")" "owner: $o0" \
    "feedwatch status names the owner of $f0 ($o0), asked of n3"

# Three intervals of polling once settled: consecutive polls of a feed
# are an interval apart (never two nodes in one interval), and every
# feed is polled.
sleep $((IV + 1))
t0=$(date +%s)
sleep $((3 * IV))
t1=$(date +%s)
gaps() { # gaps FROM TO: "FEED MIN-GAP COUNT" per feed polled then
	awk -v a="$1" -v b="$2" '$1 >= a && $1 < b {
		n = $2; sub(/^\//, "", n); sub(/\.xml$/, "", n)
		if (n in last) { g = $1 - last[n]; if (!(n in min) || g < min[n]) min[n] = g }
		last[n] = $1; cnt[n]++
	} END { for (n in cnt) printf "%s %.2f %d\n", n, (n in min) ? min[n] : 999, cnt[n] }' "$T/requests"
}
gaps $t0 $t1 >"$T/gaps"
is "$(wc -l <"$T/gaps")" $NFEEDS "every feed was polled in three intervals"
close=$(awk -v iv=$IV '$2 < iv * 0.9' "$T/gaps")
is "$close" "" "no feed was polled twice within an interval"

# A new item in a feed node 2 owns alerts once.
f2=$(awk '$2 == "n2" { print $1; exit }' "$T/owners")
feed $f2 "old-$f2" "new-$f2"
wait_for "$T/hook.jsonl" "new-$f2" $((IV * 4))
ok $? "the new item in $f2 reached the webhook"
sleep $((IV + 1))
is "$(grep -c "new-$f2" "$T/hook.jsonl")" 1 "... once"
# What /metrics says of that one alert, summed over the nodes: n2 raised
# it and published it into the alerts stream, which stored it once; one
# node took it from the stream and delivered it.
sum3() { echo $(( $(metric 1 $1) + $(metric 2 $1) + $(metric 3 $1) )); }
is "$(metric 2 feedwatch_cluster_alerts_published_total)" 1 \
    "/metrics: n2 published the alert into the stream"
is "$(sum3 feedwatch_cluster_alerts_stored_total)" 1 \
    "/metrics: the stream acked one publish as new"
is "$(sum3 feedwatch_cluster_alerts_consumed_total)" 1 \
    "/metrics: one node took the delivery from the stream"
is "$(sum3 feedwatch_cluster_alerts_delivered_total)" 1 \
    "/metrics: ... and delivered it"
is "$(sum3 feedwatch_cluster_alerts_failed_total)" 0 \
    "/metrics: no delivery failed"
is "$(metric 2 feedwatch_nats_publishes_total)" 1 \
    "/metrics: n2's NATS connection made that one stream publish"
ok "$([ "$(metric 2 feedwatch_nats_kv_ops_total)" -gt 0 ]; echo $?)" \
    "/metrics: ... and its key-value round trips on the same connection"
"$FEEDWATCH" status --http "127.0.0.1:$aport2" >"$T/status2" 2>&1
like "$(cat "$T/status2")" "cluster fwtest: node n2, 3 live nodes" \
    "feedwatch status names the node and the live set"
like "$(cat "$T/status2")" "cluster alerts: 1 published \\(1 stored, 0 duplicates\\)" \
    "feedwatch status counts the alert n2 published"

# The same story in a feed of n1 and one of n3 at once alerts once.
s1=$(awk '$2 == "n1" { print $1; exit }' "$T/owners")
s3=$(awk '$2 == "n3" { print $1; exit }' "$T/owners")
feed $s1 "old-$s1" "story-both"
feed $s3 "old-$s3" "story-both"
wait_for "$T/hook.jsonl" "story-both" $((IV * 4))
ok $? "the story in $s1 (n1) and $s3 (n3) reached the webhook"
sleep $((2 * IV))
is "$(grep -c "story-both" "$T/hook.jsonl")" 1 "... once"
dups=$(( $(metric 1 feedwatch_duplicate_stories_total) + \
    $(metric 3 feedwatch_duplicate_stories_total) ))
is "$dups" 1 "... and one node counts the other sighting as a duplicate"
is "$(sum3 feedwatch_cluster_alerts_stored_total)" 2 \
    "/metrics: the stream stored two alerts in all"
is "$(sum3 feedwatch_cluster_alerts_delivered_total)" 2 \
    "/metrics: two deliveries from the stream"

# kill -9 node 2; an item appears at once in another of its feeds.
g2=$(awk -v f="$f2" '$2 == "n2" && $1 != f { print $1; exit }' "$T/owners")
kill -9 $pid2
tk=$(date +%s)
feed $g2 "old-$g2" "later-$g2"
until_true 60 live 1 2
ok $? "node n1 sees node n2 gone"
# polled_since T FEED...: every FEED has a request at T or later.
polled_since() {
	_t=$1; shift
	for _f in "$@"; do
		awk -v t="$_t" -v p="/$_f.xml" '$1 >= t && $2 == p { f = 1 } END { exit !f }' \
		    "$T/requests" || return 1
	done
}
lost=$(awk '$2 == "n2" { print $1 }' "$T/owners")
until_true $((TTL + IV + 60)) polled_since $tk $lost
ok $? "every feed of n2 was polled by another node after the kill"
is "$(( $(metric 1 feedwatch_cluster_owned_feeds) + $(metric 3 feedwatch_cluster_owned_feeds) ))" \
    $NFEEDS "n1 and n3 own all $NFEEDS feeds"
wait_for "$T/hook.jsonl" "later-$g2" $((IV * 4))
ok $? "the item that appeared after the kill reached the webhook"
sleep $((2 * IV))
is "$(grep -c "later-$g2" "$T/hook.jsonl")" 1 "... once"
is "$(grep -c "new-$f2" "$T/hook.jsonl")" 1 "the item that alerted before the kill did not alert again"
is "$(grep -c '"path"' "$T/hook.jsonl")" 3 "no old item alerted at all"
# Each of the three alerts went to one sink: the alerts stream stored one
# message for each, whichever nodes raised or relayed it.
is "$(nats_stored fwtest_ALERTS)" 3 \
    "the alerts stream stored each alert once"
ok "$([ "$(metric 1 feedwatch_cluster_handovers_total)" -gt 0 ]; echo $?)" \
    "n1 counts its hand-overs"
ok "$([ "$(metric 1 feedwatch_cluster_state_adopted_total)" -gt 0 ]; echo $?)" \
    "n1 took feeds over with their shared state"
done_testing
