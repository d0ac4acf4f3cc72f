#!/bin/sh
# The tree's layout as the README states it: each module includes only
# modules below it in the README's layer table, Makefile.am links them in
# that order, and no source file but a generated table passes 1,000 lines.
. "${top_srcdir:-.}/tests/lib.sh"
cd "$top_srcdir" || exit 1

# The layer table's paths, highest first: "| 1 | `tools/` | ...".
layers=$(sed -n 's/^| [0-9][0-9]* | `\([a-z]*\)\/` |.*/\1/p' README.md)
is "$(echo $layers)" "tools daemon alerts cluster filters feeds store conf common" \
    "the README names the nine layers, highest first"

# A module may include its own headers and those of the layers after it.
for m in $layers; do
	below=$(echo $layers | sed "s/.*\<$m\>//")
	bad=""
	for inc in $(cat $m/*.c $m/*.h 2>/dev/null |
	    sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' | sort -u); do
		[ "$inc" = "$m" ] && continue
		case " $below " in
		*" $inc "*) ;;
		*) bad="$bad $inc" ;;
		esac
	done
	is "$bad" "" "$m/ includes only the layers below it"
done

# FW_LIBS: the same order, a library per layer that has one.
libs=$(sed -n '/^FW_LIBS =/,/^[^	]/p' Makefile.am | tr -d '\\' |
    tr ' \t' '\n\n' | sed -n 's/^\([a-z]*\)\/libfw.*\.a$/\1/p' | uniq)
want=$(for m in $layers; do ls $m/local.mk >/dev/null 2>&1 &&
    grep -q "^noinst_LIBRARIES += $m/" $m/local.mk && echo $m; done)
is "$(echo $libs)" "$(echo $want)" "Makefile.am links the libraries in layer order"

# Generated tables are the exception: feeds/entities.c (gen-entities.py).
long=$(for f in $(ls */*.c */*.h | grep -v '^feeds/entities\.c$'); do
	n=$(wc -l < "$f")
	[ "$n" -gt 1000 ] && echo "$f:$n"
done)
is "$long" "" "no source file is over 1,000 lines"
done_testing
