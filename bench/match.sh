#!/bin/sh
# The matching benchmark (`make bench`): the same generated news text
# (MATCH_MB, default 50 MB) scored against 100, 10,000 and 100,000
# generated terms by feedwatch, by a naive strcasestr loop (the floor) and
# by Intel Hyperscan (the ceiling for raw literal matching; built here
# from bench/match-hs.c when pkg-config finds libhs — it is a reference,
# not a dependency of feedwatch).  Prints one table; the data and the
# raw key=value lines stay in $top_builddir/bench/match-data/.
# MATCH_LANGS (default "en ru ko zh") repeats the feedwatch runs on the
# same invented words written in Cyrillic, Hangul and Han (match-gen's
# last argument), terms in plain form and Russian and Korean text words
# inflected; Hyperscan and strcasestr run on the English text only.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
B="$top_builddir/bench"
data="$B/match-data"
mb=${MATCH_MB:-50}
sets=${MATCH_SETS:-"100 10000 100000"}
mkdir -p "$data"
langs=${MATCH_LANGS:-"en ru ko zh"}
text="$data/text-$mb.txt"
terms="$data/terms.txt"
if [ ! -s "$text" ] || [ ! -s "$terms" ]; then
	"$B/match-gen" "$text" "$mb" "$terms" 100000
fi
for l in $langs; do
	[ "$l" = en ] && continue
	if [ ! -s "$data/text-$l-$mb.txt" ] || [ ! -s "$data/terms-$l.txt" ]; then
		"$B/match-gen" "$data/text-$l-$mb.txt" "$mb" \
		    "$data/terms-$l.txt" 100000 "$l"
	fi
done

hs=""
if pkg-config --exists libhs 2>/dev/null; then
	if ${CC:-cc} -O2 $(pkg-config --cflags libhs) -o "$B/match-hs" \
	    "$top_srcdir/bench/match-hs.c" "$top_srcdir/bench/match-data.c" \
	    $(pkg-config --libs libhs); then
		hs="$B/match-hs"
	fi
else
	echo "match: libhs not found by pkg-config: no Hyperscan column" >&2
fi

for n in $sets; do
	"$B/match-bench" "$text" "$terms" "$n" >"$data/fw-$n.txt"
	for l in $langs; do
		[ "$l" = en ] && continue
		"$B/match-bench" "$data/text-$l-$mb.txt" "$data/terms-$l.txt" \
		    "$n" 0 >"$data/fw-$l-$n.txt"
	done
	if [ -n "$hs" ]; then
		"$hs" "$text" "$terms" "$n" >"$data/hs-$n.txt"
	else
		echo "terms=$n" >"$data/hs-$n.txt"
	fi
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | sed -n 1p)
echo "matching benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), ${cpu:-unknown CPU}"
for n in $sets; do
	cat "$data/fw-$n.txt" "$data/hs-$n.txt" | tr '\n' ' '
	echo
done | awk '
function v(k) { return (k in kv) ? kv[k] : "n/a" }
{
	delete kv
	for (i = 1; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
	if (NR == 1) {
		printf "text: %s MB, %s articles; feedwatch = tokenise + automaton + score, best of 3\n", v("text_mb"), v("articles")
		printf "%8s %10s %9s %9s %9s %10s %10s %12s %12s %8s %8s\n", "terms", "fw MB/s", "fw build", "fw MB", "fw rss", "hs MB/s", "hs build", "strcasestr", "(sample MB)", "fw/hs", "fw/fw100"
		base = v("fw_mbs")
	}
	ratio = (v("hs_mbs") != "n/a" && v("hs_mbs") > 0) ? sprintf("%.2f", v("fw_mbs") / v("hs_mbs")) : "n/a"
	printf "%8s %10s %7sms %9s %9s %10s %8sms %12s %12s %8s %8.2f\n", v("terms"), v("fw_mbs"), v("build_ms"), v("build_mb"), v("build_rss_mb"), v("hs_mbs"), v("hs_compile_ms"), v("naive_mbs"), v("naive_sample_mb"), ratio, v("fw_mbs") / base
	matches = matches sprintf("  %s terms: feedwatch %s entity matches (%s alerting articles), hyperscan %s raw matches, strcasestr %s on its sample\n", v("terms"), v("fw_matches"), v("fw_alerts"), v("hs_matches"), v("naive_matches"))
}
END { printf "%s", matches
	print "strcasestr reads a sample of 2 GB / terms bytes of the same text; its MB/s is extrapolated to the whole."
	print "fw MB = the matcher'"'"'s own count of its allocations; fw rss = resident memory it added." }'

# The other scripts beside English, at each number of terms.
en_line() { tr ' ' '\n' <"$data/fw-$1.txt" | sed -n "s/^$2=//p"; }
printf '\n%8s %5s %10s %9s %9s %9s %10s\n' terms lang "fw MB/s" "fw build" "fw MB" "fw rss" "vs en"
for n in $sets; do
	en=$(en_line "$n" fw_mbs)
	for l in $langs; do
		f="$data/fw-$l-$n.txt"
		[ "$l" = en ] && f="$data/fw-$n.txt"
		tr ' ' '\n' <"$f" | awk -F= -v n="$n" -v l="$l" -v en="$en" '
			{ kv[$1] = $2 }
			END { printf "%8s %5s %10s %7sms %9s %9s %10.2f\n", n, l, kv["fw_mbs"], kv["build_ms"], kv["build_mb"], kv["build_rss_mb"], kv["fw_mbs"] / en }'
	done
done
