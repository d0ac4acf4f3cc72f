#!/bin/sh
# An exec-sink command for tests/sinks-t: records its standard input, its
# arguments and each FEEDWATCH_* variable (exactly, one file each) in DIR,
# then exits with STATUS.  With "hang" it starts a grandchild in its
# process group, records its pid, and waits for it (the timeout test).
#	exec-record.sh DIR STATUS [hang]
dir=$1
cat > "$dir/stdin"
printf '%s' "$#" > "$dir/argc"
for v in ID WATCHLIST SCORE TITLE LINK DIGEST; do
	eval "printf '%s' \"\${FEEDWATCH_$v-unset}\"" > "$dir/$v"
done
if [ "$3" = hang ]; then
	sleep 30 &
	echo $! > "$dir/grandchild"
	wait
fi
exit "$2"
