#!/bin/sh
# Run each libFuzzer target for FUZZ_SECONDS (default 60) over its seed
# corpus (fuzz/corpus/NAME in the source tree, copied so seeds stay clean).
# A crash stops the run with the fuzzer's non-zero status and leaves the
# crashing input as fuzz/crash-* in the build tree.
set -e
secs=${FUZZ_SECONDS:-60}
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
for prog in "$@"; do
	name=$(basename "$prog" | sed 's/^fuzz-//')
	work=fuzz/work-$name
	mkdir -p "$work"
	if [ -d "$src/fuzz/corpus/$name" ]; then
		cp -R "$src/fuzz/corpus/$name/." "$work/"
	fi
	dict=""
	[ -f "$src/fuzz/$name.dict" ] && dict="-dict=$src/fuzz/$name.dict"
	echo "fuzz: $name for ${secs}s"
	./"$prog" -max_total_time="$secs" -artifact_prefix=fuzz/crash-"$name"- \
	    $dict "$work"
done
