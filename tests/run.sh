#!/bin/sh
# Runs every unit suite (cmocka) and every integration script, from the
# repository root, against the binaries in $B (build/ or build/san/).
# Prints the slowest suites with their seconds, then one summary line "N passed, N failed" and exits non-zero on failure.
set -u
B=${B:-build}
export QF_BIN="$PWD/$B/bin" QF_VECTORS="$PWD/tests/vectors" QF_ROOT="$PWD"
pass=0
fail=0
failed=""
times=""
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	echo "== unit: ${t##*/}"
	t0=$(date +%s)
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed ${t##*/}"; fi
	times="$times$(($(date +%s) - t0)) ${t##*/}
"
done
for t in tests/integration/*.sh; do
	case "$t" in */lib.sh) continue ;; esac
	[ -f "$t" ] || continue
	echo "== integration: ${t##*/}"
	t0=$(date +%s)
	if sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed ${t##*/}"; fi
	times="$times$(($(date +%s) - t0)) ${t##*/}
"
done
echo
echo "slowest suites (seconds):"
printf %s "$times" | sort -rn | head -8
[ -n "$failed" ] && echo "failed suites:$failed"
echo "suites: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
