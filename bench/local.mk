# bench/: benchmarks, run by `make bench`; figures go to bench/RESULTS.md.
# A benchmark adds its programs to BENCH_PROGS and EXTRA_PROGRAMS (built
# only for `make bench`) and its driver script to BENCH_RUN.
EXTRA_DIST += bench/RESULTS.md

# End to end: feedwatchd --once over 1,000 feeds served by nginx.
BENCH_RUN += bench/e2e.sh
EXTRA_DIST += bench/e2e.sh bench/e2e.py bench/nginx.sh
