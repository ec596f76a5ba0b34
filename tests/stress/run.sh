#!/bin/sh
# `make stress`: the fault and flood scripts of tests/integration/ at full
# scale (about 25 minutes on two cores), each printing its figures; the
# summary lines are collected in $QF_STRESS_OUT (default
# build/stress-summary.txt). `make test` runs the same scripts in a reduced
# form. QF_STRESS_QUICK=1 runs a middle size (a few minutes) for CI.
set -u
: "${QF_ROOT:=$(pwd)}"
: "${QF_BIN:=$QF_ROOT/build/bin}"
export QF_ROOT QF_BIN QF_VECTORS="$QF_ROOT/tests/vectors"
out=${QF_STRESS_OUT:-$QF_ROOT/build/stress-summary.txt}
mkdir -p "$(dirname "$out")"
if [ "${QF_STRESS_QUICK:-0}" = 1 ]; then
	k=10
else
	k=1
fi
# name env... : one script at one scale
run() {
	name=$1
	shift
	echo "== stress: $name ($*)"
	start=$(date +%s)
	if env "$@" sh "tests/integration/$name.sh" >"$out.$name.log" 2>&1; then
		res=ok
	else
		res=FAIL
		failed="$failed $name"
	fi
	grep -vE '^(ok|FAIL) ' "$out.$name.log" | grep -E ':' | sed "s/^/  /"
	grep '^FAIL' "$out.$name.log" | sed 's/^/  /'
	echo "$res $name in $(($(date +%s) - start)) s" | tee -a "$out"
	grep -vE '^(ok|FAIL) |passed, ' "$out.$name.log" | sed "s/^/    /" >>"$out"
}
failed=""
: >"$out"
echo "stress run $(date -u +%FT%TZ) on $(uname -n), $(nproc) cores" >>"$out"
run fault_crash QF_CRASH_ROUNDS=$((150 / k)) QF_CRASH_WORKERS=2 QF_CRASH_MAX_MS=1000 \
	QF_CRASH_INGEST_ROUNDS=$((30 / k)) QF_CRASH_IMPORT_ROUNDS=$((60 / k))
run durability QF_DURABILITY_ROUNDS=$((50 / k))
run fault_disk
run fault_memory QF_MEM_CLIENTS=$((32 / k)) QF_MEM_ENVELOPE=20971520 QF_MEM_SLOTS=9
run flood_slow QF_SLOW_SECONDS=$((120 / k)) QF_SLOW_CONNECTIONS=$((2000 / k)) QF_SLOW_MAXCONN=512
run flood_conn QF_FLOOD_SECONDS=$((60 / k)) QF_FLOOD_WORKERS=16
echo
echo "summary in $out"
[ -z "$failed" ] || {
	echo "failed:$failed"
	exit 1
}
