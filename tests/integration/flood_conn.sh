#!/bin/sh
# Floods (issue 9), each bounded in time and on loopback only:
#   - idle connections beyond max_connections, and connect/close churn:
#     legitimate status requests still succeed (latency printed), memory
#     stays bounded, held connections are cut after request_timeout;
#   - one solved proof-of-work replayed by many clients at once: exactly one
#     report is stored, every other answer is 429 pow_reused;
#   - status guessing, random lookups and one lookup's auth: only 404 and
#     429 rate_limited answers, nothing stored, memory bounded, another
#     receipt's status still answers; server CPU per request is printed.
# QF_FLOOD_SECONDS and QF_FLOOD_WORKERS scale it (tests/stress/).
. "$(dirname "$0")/lib.sh"

SECS=${QF_FLOOD_SECONDS:-3}
WORKERS=${QF_FLOOD_WORKERS:-8}
D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0 | .max_connections = 64 | .request_timeout = 3'
start_server "$D" || exit 1
"$QFTOOL" report-body d01 >"$T_DIR/r.json" 2>"$T_DIR/cred"
eq "a report to ask about" "$(code_of "$(submit /api/v1/reports "$T_DIR/r.json")")" 201
read -r LOOKUP AUTH <"$T_DIR/cred"
# the legitimate client's receipts: a probe a second, each receipt under its
# status_per_minute (10) whatever the duration
NPROBE=8
for i in $(seq 1 $NPROBE); do
	"$QFTOOL" report-body d01 >"$T_DIR/p.json" 2>"$T_DIR/pcred"
	submit /api/v1/reports "$T_DIR/p.json" >/dev/null
	read -r l a <"$T_DIR/pcred"
	printf '{"lookup":"%s","auth":"%s"}' "$l" "$a" >"$T_DIR/st.$i.json"
done
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
head_size() { curl -s "$URL/api/v1/log/d01/head" | jq .size; }
# probe NAME SECONDS: status requests once a second; sets PROBE_OK, PROBE_N, PROBE_LAT
probe() {
	: >"$T_DIR/$1.lat"
	for i in $(seq 1 "$2"); do
		curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/json' \
			--data-binary "@$T_DIR/st.$((i % NPROBE + 1)).json" -w '%{http_code} %{time_total}\n' \
			"$URL/api/v1/status" >>"$T_DIR/$1.lat"
		sleep 1
	done
	PROBE_N=$(wc -l <"$T_DIR/$1.lat")
	PROBE_OK=$(awk '$1 == 200' "$T_DIR/$1.lat" | wc -l)
	PROBE_LAT=$(awk '$1 == 200 { print $2 }' "$T_DIR/$1.lat" | sort -n |
		awk '{ a[NR] = $1 } END { if (NR) printf "median %.3fs max %.3fs", a[int((NR + 1) / 2)], a[NR]; else printf "none" }')
}

# (ASan keeps freed memory in quarantine: memory bounds are for the real build)
asan=0
grep -qa __asan_init "$INTAKE" && asan=1
mem_bounded() { # name
	if [ "$asan" = 1 ]; then
		echo "sanitizer build: $1: memory bound checked on the plain build only"
	else
		check "$1: memory bounded (< 64 MiB more)" test $(($(kib VmHWM) - base)) -lt 65536
	fi
}

# --- idle connections beyond the cap: a legitimate request waits behind them,
# at most ceil(held / max_connections) * request_timeout (here 2 * 3 s)
base=$(kib VmRSS)
end=$(($(date +%s) + SECS))
(while [ "$(date +%s)" -lt "$end" ]; do "$QFTOOL" hold "$PORT" 120 4; done) >"$T_DIR/hold.out" &
hold=$!
sleep 0.5
probe hold "$SECS"
wait "$hold"
held=$(awk '{ n += $1 } END { print n + 0 }' "$T_DIR/hold.out")
cut=$(awk '{ n += $2 } END { print n + 0 }' "$T_DIR/hold.out")
echo "hold: waves of 120 idle connections against max_connections 64 for ${SECS}s ($held in all):" \
	"$PROBE_OK of $PROBE_N status requests answered 200 ($PROBE_LAT); $cut cut by the server;" \
	"RSS ${base} -> $(kib VmHWM) KiB peak"
eq "idle flood: every legitimate status request succeeds" "$PROBE_OK" "$PROBE_N"
check "idle flood: the server cuts idle connections (request_timeout)" test "$cut" -gt 0
mem_bounded "idle flood"

# --- connect/close churn
"$QFTOOL" flood "$PORT" "$SECS" "$WORKERS" connect >"$T_DIR/churn.out" &
churn=$!
probe churn "$SECS"
wait "$churn"
echo "churn: $(awk '{ n += $2 } END { print n }' "$T_DIR/churn.out") connections opened and closed;" \
	"$PROBE_OK of $PROBE_N status requests answered 200 ($PROBE_LAT)"
eq "churn: every legitimate status request succeeds" "$PROBE_OK" "$PROBE_N"

# --- status guessing: random lookups
before=$(head_size)
t0=$(cpu_ticks)
"$QFTOOL" flood "$PORT" "$SECS" "$WORKERS" guess >"$T_DIR/guess.out"
t1=$(cpu_ticks)
n=$(awk '{ n += $2 } END { print n }' "$T_DIR/guess.out")
echo "guess: $n random status requests: $(tr '\n' ' ' <"$T_DIR/guess.out");" \
	"server CPU $(((t1 - t0) * 10)) ms ($(awk -v t="$((t1 - t0))" -v n="$n" 'BEGIN { printf "%.3f", t * 10 / n }') ms each)"
eq "guess: only 404 answers" "$(awk '$1 != 404 { print }' "$T_DIR/guess.out")" ""
eq "guess: nothing stored" "$(head_size)" "$before"
mem_bounded "guess"

# --- one lookup's auth guessed, while its owner and another receipt ask
"$QFTOOL" flood "$PORT" "$SECS" "$WORKERS" guess-one "$LOOKUP" >"$T_DIR/one.out"
echo "guess-one: $(tr '\n' ' ' <"$T_DIR/one.out")"
eq "guess-one: 404 then 429 rate_limited, nothing else" \
	"$(awk '$1 != 404 && $1 != 429 { print }' "$T_DIR/one.out")" ""
check "guess-one: the rate limit answered most" test "$(awk '$1 == 429 { print $2 }' "$T_DIR/one.out")" -gt 0
check "guess-one: at most status_per_minute guesses a minute got through" \
	test "$(awk '$1 == 404 { print $2 }' "$T_DIR/one.out")" -le $((10 * (SECS / 60 + 2)))
eq "guess-one: another receipt's status still answers" \
	"$(code_of "$(api POST /api/v1/status "$T_DIR/st.1.json")")" 200

# --- one proof-of-work replayed by everyone at once
stop_server
set_config "$D" '.pow_difficulty = 8'
start_server "$D" || exit 1
before=$(head_size)
CH=$(curl -s "$URL/api/v1/pow" | jq -r .challenge)
jq -c --arg c "$CH" --arg n "$("$QFTOOL" pow "$CH" 8)" '.pow = {challenge: $c, nonce: $n}' \
	"$T_DIR/r.json" >"$T_DIR/replay.json"
"$QFTOOL" flood "$PORT" "$SECS" "$WORKERS" replay "$T_DIR/replay.json" >"$T_DIR/replay.out"
echo "replay: $(tr '\n' ' ' <"$T_DIR/replay.out")"
eq "replay: exactly one 201" "$(awk '$1 == 201 { print $2 }' "$T_DIR/replay.out")" 1
eq "replay: everything else 429" "$(awk '$1 != 201 && $1 != 429 { print }' "$T_DIR/replay.out")" ""
eq "replay: exactly one report stored" "$(head_size)" $((before + 1))
stop_server
check "check passes after the floods" sh -c "'$INTAKE' check --data '$D' >/dev/null"
finish
