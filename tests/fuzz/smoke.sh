#!/bin/sh
# Runs one fuzz harness over its committed corpus (every seed and every past
# crash, tests/fuzz/corpus/NAME) and then fuzzes it for SECONDS more.
# Usage: tests/fuzz/smoke.sh FUZZDIR SECONDS NAME [libFuzzer options...]
# Prints one line; on a crash, the harness's report, and exits 1.
set -u
fz=$1 secs=$2 name=$3
shift 3
bin="$fz/fuzz_$name"
corpus="tests/fuzz/corpus/$name"
work="$fz/smoke/$name"
log="$fz/smoke/$name.log"
rm -rf "$work"
mkdir -p "$work" "$corpus" "$fz/artifacts"
n=$(find "$corpus" -type f | wc -l)
if "$bin" -close_fd_mask=3 -timeout=25 -rss_limit_mb=3072 -print_final_stats=1 \
	-max_total_time="$secs" "$@" -artifact_prefix="$fz/artifacts/$name-" \
	"$work" "$corpus" >"$log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "ok   fuzz $name: $n corpus inputs, ${runs:-?} runs in ${secs}s"
	rm -rf "$work"
	exit 0
fi
echo "FAIL fuzz $name (log $log):"
grep -E 'ERROR|SUMMARY|#[0-9]+ 0x| in |Test unit written' "$log" | head -n 40
exit 1
