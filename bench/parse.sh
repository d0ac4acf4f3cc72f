#!/bin/sh
# The parser benchmark (`make bench`): generate the RSS 2.0 feed
# (PARSE_MB megabytes, default 50) into the build tree once, then time
# feedwatch's parser, bare expat and sfeed on it.  Prints one table.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
B="$top_builddir/bench"
mb=${PARSE_MB:-50}
feed="$B/parse-feed-$mb.xml"
lenient="$B/parse-feed-$mb-undeclared.xml"
if [ ! -s "$feed" ]; then
	"$B/parse-gen" "$feed" "$mb"
fi
if [ ! -s "$lenient" ]; then
	"$B/parse-gen" "$lenient" "$mb" undeclared
fi
"$B/parse-bench" "$feed" "${SFEED:-$(command -v sfeed || echo /usr/bin/sfeed)}" \
    "$lenient"
