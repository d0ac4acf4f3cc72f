# fuzz/: libFuzzer targets, built by `make fuzz` with clang.  A target adds
# itself to FUZZ_TARGETS and EXTRA_PROGRAMS, links with $(FUZZ_LDFLAGS),
# and keeps its seed corpus in fuzz/corpus/NAME/ (NAME without "fuzz-").
EXTRA_DIST += fuzz/run.sh
