#!/bin/sh
# Compare what two builds of the feed parser make of the same inputs, for
# a change that must not alter output.  Not part of `make check`: it needs
# a second build (the baseline).
#
#	sh tests/parse-compare.sh OLD-BUILD NEW-BUILD [FILE...]
#
# Both builds are in-tree (sources beside the objects).  For each file,
# `feedwatch parse` with and without --raw (stdout, stderr, exit code),
# and tests/parse-dump.c, compiled against each build's headers and
# libraries, fed whole and in chunks of 1, 7, 100, 1000 and 4096 bytes:
# as is, with --raw, and with lax.c alone (PARSE_CHUNKS and PARSE_MODES
# change the lists).  Without FILEs: tests/feeds, fuzz/corpus/parse and a
# few made here (carriage returns, U+FFFE, a field past the builder's
# limit over many lines, an HTML page, an error after escaped text).
# Prints one line per difference and a summary; exit 1 on any difference.
set -u
old=$1
new=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwcmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chunks=${PARSE_CHUNKS:-"0 1 7 100 1000 4096"}
modes=${PARSE_MODES:-"x -r -l"}

libs="feeds/libfwparse.a common/libfwcommon.a"
for b in old new; do
	eval dir=\$$b
	args=""
	for l in $libs; do args="$args $dir/$l"; done
	# shellcheck disable=SC2086
	if ! ${CC:-cc} -O2 -I"$dir" -o "$tmp/dump-$b" "$src/tests/parse-dump.c" \
	    $args -lexpat -ljansson -lutf8proc -lm 2>"$tmp/cc.err"; then
		cat "$tmp/cc.err" >&2
		exit 2
	fi
done

if [ $# -eq 0 ]; then
	mkdir "$tmp/made"
	m="$tmp/made"
	printf '<rss version="2.0"><channel><title>CR</title>\r\n<item><title>a &amp;\r\nb</title><description>x &lt;b&gt;\r\ny\rz</description></item>\r\n</channel></rss>\r\n' >"$m/crlf.xml"
	printf '<rss version="2.0"><channel><item><title>a &lt; \357\277\276 b</title></item><item><title>c</title></item></channel></rss>' >"$m/fffe.xml"
	printf '<rss version="2.0"><channel><item><title>a <![CDATA[x \357\277\277]]> b</title></item></channel></rss>' >"$m/ffff-cdata.xml"
	/usr/bin/python3 - "$m" <<'EOF'
import sys
d = sys.argv[1]
line = "word &lt;b&gt;bold&lt;/b&gt; and more words to fill the line\n"
with open(d + "/long-field.xml", "w") as f:
    f.write('<rss version="2.0"><channel><title>Long</title>\n<item><title>t</title><description>')
    f.write(line * 24000)
    f.write('</description></item>\n<item><title>&lt;after&gt;</title></item></channel></rss>\n')
with open(d + "/long-cdata.xml", "w") as f:
    f.write('<rss version="2.0"><channel><item><description><![CDATA[')
    f.write("<p>plain words in a section of the document's own</p>\n" * 22000)
    f.write(']]></description></item></channel></rss>\n')
with open(d + "/html.html", "w") as f:
    f.write('<html><head><title>A &amp; B &lt;site&gt;</title>\n')
    f.write('<link rel="alternate" type="application/rss+xml" href="/feed">\n')
    f.write('</head><body><p>x &amp; y</p></body></html>\n')
with open(d + "/error-after.xml", "w") as f:
    f.write('<rss version="2.0"><channel>\n')
    for i in range(300):
        f.write('<item><title>t%d &amp; u</title><description>&lt;p&gt;%d\n&lt;/p&gt;</description>' % (i, i))
        f.write('<content:encoded><![CDATA[<p>c %d</p>\n]]></content:encoded></item>\n' % i)
        if i == 150:
            f.write('<x a="1" a="2"/>\n')
    f.write('</channel></rss>\n')
with open(d + "/xhtml.xml", "w") as f:
    f.write('<feed xmlns="http://www.w3.org/2005/Atom"><title>X</title>')
    f.write('<entry><id>1</id><title type="html">a &lt;b&gt; &amp;amp;</title>')
    f.write('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">')
    f.write('p &lt; q <![CDATA[<raw> & ]]> r &amp; s</div></content></entry></feed>')
EOF
	set -- "$src"/tests/feeds/* "$src"/fuzz/corpus/parse/* "$m"/*
fi

files=0
bad=0
for f in "$@"; do
	case $f in *.json | *.err) continue ;; esac
	[ -f "$f" ] || continue
	files=$((files + 1))
	for raw in "" --raw; do
		# shellcheck disable=SC2086
		"$old/tools/feedwatch" parse $raw "$f" >"$tmp/o.out" 2>"$tmp/o.err"
		echo "exit $?" >>"$tmp/o.err"
		# shellcheck disable=SC2086
		"$new/tools/feedwatch" parse $raw "$f" >"$tmp/n.out" 2>"$tmp/n.err"
		echo "exit $?" >>"$tmp/n.err"
		if ! cmp -s "$tmp/o.out" "$tmp/n.out" ||
		    ! cmp -s "$tmp/o.err" "$tmp/n.err"; then
			echo "differs: feedwatch parse $raw $f"
			bad=$((bad + 1))
		fi
	done
	for mode in $modes; do
		[ "$mode" = x ] && mode=""
		for c in $chunks; do
			# shellcheck disable=SC2086
			"$tmp/dump-old" $mode "$c" "$f" >"$tmp/o.dump" 2>&1
			# shellcheck disable=SC2086
			"$tmp/dump-new" $mode "$c" "$f" >"$tmp/n.dump" 2>&1
			if ! cmp -s "$tmp/o.dump" "$tmp/n.dump"; then
				echo "differs: parse-dump $mode $c $f"
				bad=$((bad + 1))
			fi
		done
	done
done
echo "$files files, $bad differences"
[ "$bad" -eq 0 ]
