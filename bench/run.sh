#!/bin/sh
# bench/run.sh: Qingfeng's benchmark harness (`make bench`; never part of
# `make test`). Measures, in one run and back to back so that the ratios
# hold on a noisy machine:
#   - the front door: bench/bare.c (a bare libevent evhttp server) against
#     qingfeng-intake, with wrk and the scripts in bench/wrk/: submissions of
#     4 KiB envelopes (POST), status requests for real cases of a store
#     pre-filled with N cases, and a 90/10 status/submit mix, at 64
#     connections and in a sweep; wrk's p50/p99, server CPU and peak RSS;
#   - the offline side: export, ingest (decrypt and verify) and update +
#     import of those N cases of 4 KiB, next to the raw libsodium open rate
#     (crypto_box_seal_open + secretstream) measured in the same run;
#   - memory: RSS with 1,000 idle keep-alive connections, and peak RSS with
#     64 concurrent maximum-size uploads;
#   - a CPU profile (perf) of the server under each load and of ingest, and
#     where the submission loop's wall time goes (perf trace).
# Writes bench/results/latest.json, latest.txt and profile-*.txt, and the
# table in docs/benchmarks.md.
#
# Environment: B (build dir, default build), QF_BENCH_CASES (100000),
# QF_BENCH_SECONDS (5, each main run), QF_BENCH_ROUNDS (3 rounds of bare POST,
# submit, bare GET and status back to back; the figures are the medians),
# QF_BENCH_SWEEP ("1 4 16 64 256"), QF_BENCH_SWEEP_SECONDS (4),
# QF_BENCH_PROFILE (1; 0 skips profiling), QF_BENCH_DOCS (1; 0 leaves
# docs/benchmarks.md alone), QF_BENCH_UPLOADS (64), QF_BENCH_DIR (where the
# work directory goes; default /var/tmp: it must be a real disk, since every
# 201 waits for fsync), QF_BENCH_KEEP (1 keeps the work directory),
# QF_BENCH_RESULTS (bench/results: where the results go).
set -eu

B=${B:-build}
N=${QF_BENCH_CASES:-100000}
DUR=${QF_BENCH_SECONDS:-5}
ROUNDS=${QF_BENCH_ROUNDS:-3}
SWEEP=${QF_BENCH_SWEEP:-"1 4 16 64 256"}
SDUR=${QF_BENCH_SWEEP_SECONDS:-4}
PROFILE=${QF_BENCH_PROFILE:-1}
DOCS=${QF_BENCH_DOCS:-1}
IDLE_CONNS=1000
UPLOADS=${QF_BENCH_UPLOADS:-64}
RES=${QF_BENCH_RESULTS:-bench/results}
BIN=$PWD/$B/bin
TOOLS=$PWD/$B/bench
HOST=127.0.0.1
T_START=$(date +%s)

MODE=${1:-run}
case $MODE in
run | --docs) ;;
*)
	echo "usage: sh bench/run.sh [--docs]   (--docs: only redo docs/benchmarks.md from $RES/latest.json)" >&2
	exit 2
	;;
esac
missing=""
[ "$MODE" = --docs ] || for t in wrk jq curl perf; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || sh deploy/deps.sh all || true
[ "$MODE" = --docs ] || for t in wrk jq curl; do
	command -v $t >/dev/null 2>&1 || {
		echo "bench: $t is missing (sh deploy/deps.sh all installs it)" >&2
		exit 1
	}
done
[ "$MODE" = --docs ] || for f in "$BIN/qingfeng-intake" "$BIN/qingfeng-admin" "$TOOLS/bare" "$TOOLS/qfbench" \
	"$TOOLS/bench_crypto"; do
	[ -x "$f" ] || {
		echo "bench: $f is missing; run it through make (make bench)" >&2
		exit 1
	}
done
# 1,000 idle connections and wrk's 256 need descriptors on both ends.
# shellcheck disable=SC3045 # dash, bash and busybox sh all have ulimit -n and -H
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

BASE=${QF_BENCH_DIR:-/var/tmp}
W=$(mktemp -d "$BASE/qfbench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ "${QF_BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: work directory kept: $W" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$RES"
: >"$W/runs.jsonl"
HZ=$(getconf CLK_TCK)
FSTYPE=$(stat -f -c %T "$W")
[ "$FSTYPE" != tmpfs ] || echo "bench: WARNING: $W is on tmpfs; fsync costs nothing there" >&2

say() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print 0 }'; }

# A port nobody uses, below the ephemeral range (wrk's client ports linger in
# TIME_WAIT there), and not in use by other work on this machine.
free_port() {
	while :; do
		p=$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { print 20000 + s % 12000 }')
		ss -Hant "( sport = :$p )" 2>/dev/null | grep -q . || {
			echo "$p"
			return
		}
	done
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# wait_http PORT PID: until the server answers (or died).
wait_http() {
	i=0
	while [ $i -lt 100 ]; do
		kill -0 "$2" 2>/dev/null || return 1
		if curl -s -o /dev/null "http://$HOST:$1/api/v1/info"; then
			sleep 0.1 # the answer was ours only if the server still runs
			kill -0 "$2" 2>/dev/null
			return
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# start_qf DATA: starts qingfeng-intake on a free port; sets QF_PID, QF_PORT.
start_qf() {
	for _ in 1 2 3 4 5; do
		QF_PORT=$(free_port)
		"$BIN/qingfeng-intake" serve --data "$1" --listen "$HOST:$QF_PORT" 2>>"$W/intake.log" &
		QF_PID=$!
		PIDS="$PIDS $QF_PID"
		wait_http "$QF_PORT" "$QF_PID" && return 0
		stop_pid "$QF_PID"
	done
	say "bench: qingfeng-intake did not start:"
	cat "$W/intake.log" >&2
	exit 1
}

# start_bare: starts bench/bare.c on a free port; sets BARE_PID, BARE_PORT.
start_bare() {
	for _ in 1 2 3 4 5; do
		BARE_PORT=$(free_port)
		"$TOOLS/bare" "$HOST" "$BARE_PORT" 2>>"$W/bare.log" &
		BARE_PID=$!
		PIDS="$PIDS $BARE_PID"
		wait_http "$BARE_PORT" "$BARE_PID" && return 0
		stop_pid "$BARE_PID"
	done
	say "bench: the bare server did not start:"
	cat "$W/bare.log" >&2
	exit 1
}

stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	PIDS=$(for p in $PIDS; do [ "$p" = "$1" ] || printf '%s ' "$p"; done)
}

# run_wrk NAME SERVER(bare|qf) PID PORT CONNS SECONDS SCRIPT [SCRIPT ARGS]
# Appends one JSON object to runs.jsonl: wrk's figures, the server's CPU
# seconds, its peak RSS during the run (VmHWM: with the LMDB pages it touched,
# which are file-backed) and its anonymous RSS (heap) at the end. ROUND tags it.
ROUND=0
run_wrk() {
	name=$1 server=$2 pid=$3 port=$4 conns=$5 secs=$6 script=$7
	shift 7
	threads=2
	[ "$conns" -ge 2 ] || threads=1
	reset_peak "$pid"
	c0=$(cpu_ticks "$pid")
	if [ $# -gt 0 ]; then
		wrk -t$threads -c"$conns" -d"${secs}s" --timeout 10s -s "bench/wrk/$script" \
			"http://$HOST:$port" -- "$@" >"$W/wrk.out" 2>&1 || true
	else
		wrk -t$threads -c"$conns" -d"${secs}s" --timeout 10s -s "bench/wrk/$script" \
			"http://$HOST:$port" >"$W/wrk.out" 2>&1 || true
	fi
	c1=$(cpu_ticks "$pid")
	line=$(sed -n 's/^WRKJSON //p' "$W/wrk.out")
	if [ -z "$line" ]; then
		say "bench: wrk $name failed:"
		cat "$W/wrk.out" >&2
		exit 1
	fi
	echo "$line" | jq -c --arg n "$name" --arg s "$server" --argjson c "$conns" \
		--argjson cpu "$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" 'BEGIN { printf "%.3f", (b - a) / hz }')" \
		--argjson hwm "$(status_kib "$pid" VmHWM)" --argjson anon "$(status_kib "$pid" RssAnon)" \
		--argjson round "$ROUND" \
		'. + {name: $n, server: $s, conns: $c, round: $round, server_cpu_s: $cpu,
		      server_cpu_pct: (100 * $cpu / .seconds | floor),
		      cpu_us_per_req: (if .requests > 0 then (1e6 * $cpu / .requests | floor) else 0 end),
		      peak_rss_mib: ($hwm / 1024 | . * 10 | floor / 10),
		      anon_rss_mib: ($anon / 1024 | . * 10 | floor / 10)}' >>"$W/runs.jsonl"
	echo "$line" | jq -r --arg n "$name" --argjson c "$conns" \
		'"  \($n) c=\($c): \(.rps | floor) req/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, non-2xx \(.non2xx), errors \(.errors)"' >&2
}

# render_table: the human table of RES/latest.json into W/table.md (also
# printed at the end and kept in docs/benchmarks.md).
render_table() {
	jq -r '
		def f1: if . < 1 then . * 100 | round / 100 else . * 10 | round / 10 end | tostring;
		. as $r | .detail as $d |
		"Qingfeng bench \($d.date) commit \($d.commit), \($d.cores) cores, \($d.cases) cases, \($d.filesystem), \($d.harness_seconds) s",
		"",
		"| load, 64 connections (median of \($d.main[0].rounds) rounds) | req/s | p50 / p99 ms | server CPU | CPU µs/req | peak RSS / heap MiB |",
		"|---|---|---|---|---|---|",
		($d.main[] | "| \(.name) (\(.server)) | \(.rps | round) | \(.p50_ms | f1) / \(.p99_ms | f1) | \(.server_cpu_pct)% | \(.cpu_us_per_req) | \(.peak_rss_mib) / \(.anon_rss_mib) |" +
		  (if .non2xx + .errors > 0 then " **\(.non2xx) non-2xx, \(.errors) errors**" else "" end)),
		"",
		"| ratio | value | goal |",
		"|---|---|---|",
		"| submit / bare POST (p99 \($r.submit_p99_ms) ms) | \($r.submit_ratio) | ≥ 0.25, p99 < 25 ms |",
		"| status / bare GET (p99 \($r.status_p99_ms) ms) | \($r.status_ratio) | ≥ 0.5 |",
		"| ingest / raw open (\($r.ingest_cases_per_s) vs \($r.seal_open_per_s) per s) | \($r.ingest_ratio) | ≥ 0.3 |",
		"| RSS, 1,000 idle connections | \($r.rss_mib_1000_idle) MiB | < 64 MiB |",
		"",
		"Ratios per round: submit \($d.round_ratios.submit | map(tostring) | join(", ")); status \($d.round_ratios.status | map(tostring) | join(", ")). The mix is one run (\($d.main[4].rps | round) req/s).",
		"",
		"sweep (req/s, p99 ms):",
		"",
		"| connections | bare POST | submit | bare GET | status |",
		"|---|---|---|---|---|",
		([$d.sweep[].conns] | unique[]) as $c |
		  ($d.sweep | map(select(.conns == $c))) as $s |
		  def cell($n): ($s | map(select(.name == $n))[0]) | "\(.rps | round) (\(.p99_ms | f1))";
		  "| \($c) | \(cell("sweep_bare_post")) | \(cell("sweep_submit")) | \(cell("sweep_bare_get")) | \(cell("sweep_status")) |"
		' "$RES/latest.json" >"$W/table.md"
}

# update_docs: the latest table between the markers of docs/benchmarks.md,
# and one history line per run, newest first.
update_docs() {
	[ -f docs/benchmarks.md ] || return 0
	render_table
	# The latest table between the markers; one history line per run.
	awk -v table="$W/table.md" '
		/<!-- bench:latest:end -->/ { skip = 0 }
		!skip { print }
		/<!-- bench:latest:begin -->/ {
			while ((getline l < table) > 0) print l
			skip = 1
		}' docs/benchmarks.md >"$W/bm.md"
	hist=$(jq -r '"| \(.detail.date[0:10]) | \(.detail.commit) | \(.submit_rps) / \(.bare_post_rps) = \(.submit_ratio) | \(.submit_p99_ms) | \(.status_rps) / \(.bare_get_rps) = \(.status_ratio) | \(.ingest_cases_per_s) / \(.seal_open_per_s) = \(.ingest_ratio) | \(.rss_mib_1000_idle) |"' "$RES/latest.json")
	# newest first, right under the history table's header
	awk -v row="$hist" '
		{ print }
		/<!-- bench:history/ { m = 1 }
		m && /^[|]---/ { print row; m = 0 }' "$W/bm.md" >docs/benchmarks.md
}

if [ "$MODE" = --docs ]; then
	update_docs
	say "bench: docs/benchmarks.md redone from $RES/latest.json"
	exit 0
fi

# ---- setup ------------------------------------------------------------------
say "bench: work directory $W ($FSTYPE); $N cases; $(nproc) cores; wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2)"
printf 'correct horse battery staple\n' >"$W/pass"
"$BIN/qingfeng-admin" keygen --district d01 --name bench --out "$W/keys" --kdf interactive \
	--passphrase-file "$W/pass" >/dev/null
# make_data DIR: a server data directory with the bench config.
make_data() {
	"$BIN/qingfeng-intake" init --data "$1" >/dev/null
	"$BIN/qingfeng-intake" district add --data "$1" "$W/keys/district.pub.json" >/dev/null
	jq '.pow_difficulty = 0 | .status_per_minute = 100000 | .max_connections = 4096 |
	    .quota_bytes = 68719476736' "$1/config.json" >"$W/config.tmp"
	mv "$W/config.tmp" "$1/config.json"
}
make_data "$W/data"
DAY=$(date -u -d '+8 hours' +%F)

say "bench: pre-filling the store with $N real reports (4 KiB envelopes sealed to the district)"
t0=$(now)
"$TOOLS/qfbench" prefill "$W/data/db" "$W/keys/district.pub.json" "$N" "$W/pairs" "$DAY"
t1=$(now)
PREFILL_S=$(elapsed "$t0" "$t1")
say "  prefill: $PREFILL_S s"

# ---- offline side ---------------------------------------------------------------
say "bench: offline side"
"$TOOLS/bench_crypto" >"$W/bench_crypto.txt"
t0=$(now)
"$BIN/qingfeng-intake" export --data "$W/data" --district d01 --out "$W/export.qfx" >/dev/null
t1=$(now)
EXPORT_S=$(elapsed "$t0" "$t1")
EXPORT_MB=$(awk -v b="$(stat -c %s "$W/export.qfx")" 'BEGIN { printf "%.0f", b / 1048576 }')
say "  export: $EXPORT_S s ($EXPORT_MB MiB)"

# The raw open rate is taken right before and right after ingest, and averaged.
RAW1=$("$TOOLS/qfbench" rawopen 2)

t0=$(now)
/usr/bin/time -f '%M' -o "$W/ingest.rss" "$BIN/qingfeng-admin" ingest --archive "$W/archive" \
	--key "$W/keys/district.key" --passphrase-file "$W/pass" "$W/export.qfx" >"$W/ingest.out"
t1=$(now)
INGEST_S=$(elapsed "$t0" "$t1")
INGEST_RATE=$(awk -v n="$N" -v s="$INGEST_S" 'BEGIN { printf "%.0f", n / s }')
INGEST_RSS=$(awk '{ printf "%.0f", $1 / 1024 }' "$W/ingest.rss")
RAW2=$("$TOOLS/qfbench" rawopen 2)
SEAL_OPEN=$(printf '%s\n%s\n' "$RAW1" "$RAW2" | jq -s 'map(.seal_open_per_s) | add / 2 | round')
ENV_OPEN=$(printf '%s\n%s\n' "$RAW1" "$RAW2" | jq -s 'map(.envelope_open_per_s) | add / 2 | round')
RAW_SPREAD=$(printf '%s\n%s\n' "$RAW1" "$RAW2" | jq -sc 'map(.seal_open_per_s)')
INGEST_RATIO=$(div "$INGEST_RATE" "$SEAL_OPEN")
say "  raw open (crypto_box_seal_open + secretstream pull, 4 KiB): $SEAL_OPEN/s (before, after: $RAW_SPREAD); envelope_open_buffer: $ENV_OPEN/s"
say "  ingest: $INGEST_S s = $INGEST_RATE cases/s (ratio to raw open $INGEST_RATIO), peak RSS $INGEST_RSS MiB"

# a status for some cases and a reply, then the update acknowledging all N
for c in 1 2 3; do
	"$BIN/qingfeng-admin" status --archive "$W/archive" --passphrase-file "$W/pass" "d01-$c" \
		accepted >/dev/null
done
printf 'Received; we are looking into it.\n' >"$W/reply.txt"
"$BIN/qingfeng-admin" reply --archive "$W/archive" --passphrase-file "$W/pass" d01-1 \
	--file "$W/reply.txt" >/dev/null
t0=$(now)
"$BIN/qingfeng-admin" update --archive "$W/archive" --passphrase-file "$W/pass" \
	--out "$W/update.qfu" >/dev/null
t1=$(now)
"$BIN/qingfeng-intake" import --data "$W/data" "$W/update.qfu" >/dev/null
t2=$(now)
UPDATE_S=$(elapsed "$t0" "$t1")
IMPORT_S=$(elapsed "$t1" "$t2")
say "  update: $UPDATE_S s; import (acknowledges and purges $N envelopes): $IMPORT_S s"

# ---- front door: main runs ------------------------------------------------------
say "bench: front door (bare evhttp vs qingfeng-intake, back to back, $ROUNDS rounds of $DUR s)"
start_bare
start_qf "$W/data"
ROUND=1
while [ $ROUND -le "$ROUNDS" ]; do
	run_wrk bare_post bare "$BARE_PID" "$BARE_PORT" 64 "$DUR" submit.lua
	run_wrk submit qf "$QF_PID" "$QF_PORT" 64 "$DUR" submit.lua
	run_wrk bare_get bare "$BARE_PID" "$BARE_PORT" 64 "$DUR" get.lua
	run_wrk status qf "$QF_PID" "$QF_PORT" 64 "$DUR" status.lua "$W/pairs"
	ROUND=$((ROUND + 1))
done
ROUND=0
run_wrk mix qf "$QF_PID" "$QF_PORT" 64 "$DUR" mix.lua "$W/pairs"

say "bench: sweep ($SWEEP connections, $SDUR s each)"
for c in $SWEEP; do
	run_wrk "sweep_bare_post" bare "$BARE_PID" "$BARE_PORT" "$c" "$SDUR" submit.lua
	run_wrk "sweep_submit" qf "$QF_PID" "$QF_PORT" "$c" "$SDUR" submit.lua
	run_wrk "sweep_bare_get" bare "$BARE_PID" "$BARE_PORT" "$c" "$SDUR" get.lua
	run_wrk "sweep_status" qf "$QF_PID" "$QF_PORT" "$c" "$SDUR" status.lua "$W/pairs"
done

# ---- profile ------------------------------------------------------------------
PROFILED=0
if [ "$PROFILE" = 1 ] && command -v perf >/dev/null 2>&1 &&
	perf record -q -e cpu-clock -o "$W/perf.probe" -- true >/dev/null 2>&1; then
	PROFILED=1
	say "bench: profiling (perf record -e cpu-clock, DWARF call graphs)"
	# perf_report NAME TITLE: the top entries of perf.NAME into RES/profile-NAME.txt.
	perf_report() {
		tidy() { grep -v '^#' | grep -v '^$' | sed 's/[ -]*$//'; }
		{
			echo "# perf record -e cpu-clock -F 999 --call-graph dwarf: $2"
			echo "## self time by function (top entries)"
			perf report -i "$W/perf.$1" --no-children --sort dso,symbol --stdio -g none \
				--percent-limit 0.7 2>/dev/null | tidy | head -40
			echo
			echo "## self time by shared object"
			perf report -i "$W/perf.$1" --no-children --sort dso --stdio -g none \
				--percent-limit 0.5 2>/dev/null | tidy | head -15
			echo
			echo "## inclusive time (self + callees) by function, top entries"
			perf report -i "$W/perf.$1" --children --sort symbol --stdio -g none \
				--percent-limit 2 2>/dev/null | tidy | grep -v '\] 0x0' | head -60
		} >"$RES/profile-$1.txt"
	}
	for load in submit status; do
		script=$load.lua
		perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -p "$QF_PID" \
			-o "$W/perf.$load" >/dev/null 2>&1 &
		PERF_PID=$!
		sleep 0.5
		if [ $load = status ]; then
			wrk -t2 -c64 -d5s -s "bench/wrk/$script" "http://$HOST:$QF_PORT" -- "$W/pairs" \
				>/dev/null 2>&1 || true
		else
			wrk -t2 -c64 -d5s -s "bench/wrk/$script" "http://$HOST:$QF_PORT" >/dev/null 2>&1 ||
				true
		fi
		kill -INT "$PERF_PID" 2>/dev/null || true
		wait "$PERF_PID" 2>/dev/null || true
		perf_report $load "qingfeng-intake under wrk -c64 $script"
	done
	# Where the submission loop's wall time goes: the syscalls it waits in.
	timeout -s INT 6 perf trace -s -p "$QF_PID" -o "$W/trace.submit" >/dev/null 2>&1 &
	TRACE_PID=$!
	sleep 0.5
	wrk -t2 -c64 -d4s -s bench/wrk/submit.lua "http://$HOST:$QF_PORT" >"$W/wrk.trace" 2>&1 || true
	wait "$TRACE_PID" 2>/dev/null || true
	{
		echo "# perf trace -s -p qingfeng-intake during wrk -c64 submit.lua (4 s of load, 6 s traced)"
		echo "# $(sed -n 's/^WRKJSON //p' "$W/wrk.trace")"
		grep -E '^ +(syscall|-----|[a-z_0-9]+ +[0-9])' "$W/trace.submit" | head -20
	} >"$RES/profile-submit-syscalls.txt"
	# ingest, on a smaller export of its own
	PN=20000
	make_data "$W/pdata"
	"$TOOLS/qfbench" prefill "$W/pdata/db" "$W/keys/district.pub.json" $PN "$W/ppairs" "$DAY" \
		2>/dev/null
	"$BIN/qingfeng-intake" export --data "$W/pdata" --district d01 --out "$W/pexport.qfx" >/dev/null
	perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -o "$W/perf.ingest" -- \
		"$BIN/qingfeng-admin" ingest --archive "$W/parchive" --key "$W/keys/district.key" \
		--passphrase-file "$W/pass" "$W/pexport.qfx" >/dev/null 2>&1
	perf_report ingest "qingfeng-admin ingest of $PN cases of 4 KiB"
	rm -rf "$W/pdata" "$W/parchive" "$W/pexport.qfx" "$W"/perf.*
fi
stop_pid "$QF_PID"
stop_pid "$BARE_PID"

# ---- memory ---------------------------------------------------------------------
say "bench: memory ($IDLE_CONNS idle keep-alive connections; $UPLOADS concurrent maximum-size uploads)"
# idle_rss NAME PID PORT: RSS (KiB) of PID holding IDLE_CONNS idle connections.
idle_rss() {
	"$TOOLS/qfbench" idle "$HOST" "$3" "$IDLE_CONNS" 4 >"$W/idle.$1" 2>&1 &
	ip=$!
	until grep -q '^ready' "$W/idle.$1"; do
		kill -0 $ip 2>/dev/null || {
			say "bench: idle connections to $1 failed:"
			cat "$W/idle.$1" >&2
			exit 1
		}
		sleep 0.1
	done
	sleep 0.5
	status_kib "$2" VmRSS
	wait $ip || true
}
# fresh servers, so that what the load runs left in their heaps does not count
start_qf "$W/data"
QF_START_RSS=$(status_kib "$QF_PID" VmRSS)
QF_IDLE_RSS=$(idle_rss qf "$QF_PID" "$QF_PORT")
[ -n "$QF_IDLE_RSS" ] || exit 1
QF_IDLE_CLOSED=$(sed -n 's/^closed_by_server //p' "$W/idle.qf")
stop_pid "$QF_PID"
start_bare
BARE_IDLE_RSS=$(idle_rss bare "$BARE_PID" "$BARE_PORT")
[ -n "$BARE_IDLE_RSS" ] || exit 1
reset_peak "$BARE_PID"
"$TOOLS/qfbench" upload "$HOST" "$BARE_PORT" "$UPLOADS" 20971520 >/dev/null || true
BARE_UP_HWM=$(status_kib "$BARE_PID" VmHWM)
stop_pid "$BARE_PID"

make_data "$W/updata"
MAXENV=$(jq .max_envelope_bytes "$W/updata/config.json")
start_qf "$W/updata"
reset_peak "$QF_PID"
UP_QF=$("$TOOLS/qfbench" upload "$HOST" "$QF_PORT" "$UPLOADS" "$MAXENV") || {
	say "bench: uploads to qingfeng-intake did not all get 201: $UP_QF"
	exit 1
}
QF_UP_HWM=$(status_kib "$QF_PID" VmHWM)
stop_pid "$QF_PID"
rm -rf "$W/updata"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
say "  qingfeng-intake: $(mib "$QF_START_RSS") MiB at start, $(mib "$QF_IDLE_RSS") MiB with $IDLE_CONNS idle; peak $(mib "$QF_UP_HWM") MiB with $UPLOADS uploads ($UP_QF)"
say "  bare: $(mib "$BARE_IDLE_RSS") MiB with $IDLE_CONNS idle; peak $(mib "$BARE_UP_HWM") MiB with $UPLOADS uploads"

# ---- results --------------------------------------------------------------------
T_END=$(date +%s)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain -- crypto store intake admin 2>/dev/null | grep -q . && echo "+dirty" || true)
jq -s --arg commit "$COMMIT$DIRTY" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--argjson n "$N" --argjson seal_open "$SEAL_OPEN" --argjson env_open "$ENV_OPEN" \
	--argjson raw_spread "$RAW_SPREAD" \
	--argjson ingest_rate "$INGEST_RATE" --argjson ingest_s "$INGEST_S" \
	--argjson ingest_rss "$INGEST_RSS" --argjson export_s "$EXPORT_S" \
	--argjson export_mib "$EXPORT_MB" --argjson update_s "$UPDATE_S" \
	--argjson import_s "$IMPORT_S" --argjson prefill_s "$PREFILL_S" \
	--argjson qf_idle "$QF_IDLE_RSS" --argjson qf_start "$QF_START_RSS" \
	--argjson bare_idle "$BARE_IDLE_RSS" --argjson qf_idle_closed "${QF_IDLE_CLOSED:-0}" \
	--argjson qf_up "$QF_UP_HWM" --argjson bare_up "$BARE_UP_HWM" \
	--argjson up_qf "$UP_QF" --argjson cores "$(nproc)" \
	--argjson seconds "$((T_END - T_START))" --arg fs "$FSTYPE" '
	def r1: . * 10 | round / 10;
	def r3: . * 1000 | round / 1000;
	def median: sort | if length == 0 then null
	            elif length % 2 == 1 then .[length / 2 | floor]
	            else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	# the median run of a load over the rounds (each figure its own median)
	def med($n): map(select(.name == $n)) as $r |
	  {name: $n, server: $r[0].server, conns: $r[0].conns, rounds: ($r | length),
	   rps: ($r | map(.rps) | median), p50_ms: ($r | map(.p50_ms) | median),
	   p99_ms: ($r | map(.p99_ms) | median),
	   server_cpu_pct: ($r | map(.server_cpu_pct) | median),
	   cpu_us_per_req: ($r | map(.cpu_us_per_req) | median),
	   peak_rss_mib: ($r | map(.peak_rss_mib) | max), anon_rss_mib: ($r | map(.anon_rss_mib) | max),
	   non2xx: ($r | map(.non2xx) | add), errors: ($r | map(.errors) | add)};
	# per round: qingfeng / bare of the same round
	def ratios($a; $b): [group_by(.round)[] | select(.[0].round > 0) |
	  (map(select(.name == $a))[0].rps / map(select(.name == $b))[0].rps | r3)];
	med("submit") as $s | med("status") as $st | med("bare_post") as $bp |
	med("bare_get") as $bg | med("mix") as $mx |
	ratios("submit"; "bare_post") as $sr | ratios("status"; "bare_get") as $gr |
	{
	  submit_rps: ($s.rps | round), status_rps: ($st.rps | round),
	  bare_post_rps: ($bp.rps | round), bare_get_rps: ($bg.rps | round),
	  submit_ratio: ($sr | median | r3), status_ratio: ($gr | median | r3),
	  submit_p99_ms: ($s.p99_ms | r1), status_p99_ms: ($st.p99_ms | r1),
	  rss_mib_1000_idle: ($qf_idle / 1024 | r1),
	  ingest_cases_per_s: $ingest_rate, seal_open_per_s: $seal_open,
	  ingest_ratio: ($ingest_rate / $seal_open | r3),
	  mix_rps: ($mx.rps | round),
	  detail: {
	    date: $date, commit: $commit, cores: $cores, filesystem: $fs, cases: $n,
	    harness_seconds: $seconds,
	    main: [$bp, $s, $bg, $st, $mx],
	    round_ratios: {submit: $sr, status: $gr},
	    runs: map(select(.name | startswith("sweep_") | not)),
	    sweep: map(select(.name | startswith("sweep_"))),
	    offline: {prefill_s: $prefill_s, export_s: $export_s, export_mib: $export_mib,
	              ingest_s: $ingest_s, ingest_peak_rss_mib: $ingest_rss,
	              update_s: $update_s, import_s: $import_s,
	              envelope_open_per_s: $env_open, seal_open_before_after: $raw_spread},
	    memory: {qf_start_rss_mib: ($qf_start / 1024 | r1),
	             qf_1000_idle_rss_mib: ($qf_idle / 1024 | r1),
	             qf_idle_closed_by_server: $qf_idle_closed,
	             bare_1000_idle_rss_mib: ($bare_idle / 1024 | r1),
	             qf_64_uploads_peak_rss_mib: ($qf_up / 1024 | r1),
	             bare_64_uploads_peak_rss_mib: ($bare_up / 1024 | r1),
	             uploads: $up_qf}
	  }
	}' "$W/runs.jsonl" >"$RES/latest.json"

render_table
{
	cat "$W/table.md"
	echo
	echo "offline ($(jq .detail.cases "$RES/latest.json") cases of 4 KiB):"
	jq -r '.detail.offline | "  export \(.export_s) s (\(.export_mib) MiB); ingest \(.ingest_s) s (peak RSS \(.ingest_peak_rss_mib) MiB); update \(.update_s) s; import \(.import_s) s; envelope_open_buffer \(.envelope_open_per_s)/s"' "$RES/latest.json"
	jq -r '.detail.memory | "memory: qingfeng-intake \(.qf_start_rss_mib) MiB at start, \(.qf_1000_idle_rss_mib) MiB with 1,000 idle connections (bare \(.bare_1000_idle_rss_mib)); peak \(.qf_64_uploads_peak_rss_mib) MiB with \(.uploads.sent) concurrent maximum-size uploads of \(.uploads.envelope_bytes) bytes, which took \(.uploads.seconds) s (bare \(.bare_64_uploads_peak_rss_mib))"' "$RES/latest.json"
	echo
	echo "bench_crypto:"
	sed 's/^/  /' "$W/bench_crypto.txt"
	if [ $PROFILED = 1 ]; then
		for p in submit status ingest; do
			echo
			echo "profile $p (self time, top 12; full report in $RES/profile-$p.txt):"
			sed -n '/^## self time by function/,/^$/p' "$RES/profile-$p.txt" | sed -n '2,13p'
			echo "  by shared object:"
			sed -n '/^## self time by shared object/,/^$/p' "$RES/profile-$p.txt" | sed -n '2,7p'
		done
		echo
		echo "submission loop syscalls ($RES/profile-submit-syscalls.txt):"
		sed -n '3,12p' "$RES/profile-submit-syscalls.txt"
	fi
} >"$RES/latest.txt"

[ "$DOCS" = 1 ] && update_docs

cat "$RES/latest.txt"
say ""
say "bench: done in $(($(date +%s) - T_START)) s; $RES/latest.json, $RES/latest.txt, docs/benchmarks.md"
