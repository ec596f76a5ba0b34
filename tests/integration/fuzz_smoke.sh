#!/bin/sh
# The libFuzzer harnesses of tests/fuzz/ (issue 9), quickly: each replays its
# committed corpus (every seed and every input that once crashed it) and then
# fuzzes for FUZZ_SMOKE_SECONDS (default 2). Builds them first, with clang,
# into BUILD/fuzz/ (`make fuzz-smoke`). Skips, saying why, only when clang
# or its libFuzzer runtime is missing.
set -u
: "${QF_ROOT:=$(pwd)}"
: "${QF_BIN:=$QF_ROOT/build/bin}"
cd "$QF_ROOT" || exit 1
# QF_BIN is BUILD/bin or BUILD/san/bin: the harnesses go to BUILD/fuzz either way
build=${QF_BIN%/bin}
build=${build%/san}
build=${build#"$QF_ROOT"/}
cc=${FUZZ_CC:-clang}
probe=$(mktemp -d "${TMPDIR:-/tmp}/qffz.XXXXXX")
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "skip: $cc is not installed (deploy/deps.sh all installs clang)"
	exit 0
fi
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >"$probe/err" 2>&1; then
	echo "skip: $cc has no libFuzzer runtime (libclang-rt-*-dev; deploy/deps.sh all): $(head -n 1 "$probe/err")"
	exit 0
fi
# not the parent make's job server or variables: this is a make of its own
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -j2 BUILD="$build" \
	FUZZ_CC="$cc" fuzz-smoke
