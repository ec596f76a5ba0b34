#!/bin/sh
# Memory under a flood of maximum-size requests (issue 9). N clients each
# send a report body of the largest accepted size, holding the last byte
# back so that the server would buffer all of them at once. The server
# gives a body over 64 KiB one of upload_memory_bytes / max_body upload
# slots; the others stop being read (TCP back-pressure) until a slot frees.
# Checks: every request answered, the peak resident memory (VmHWM) within
# rest + (slots + 4) * max_body + N * 128 KiB (docs/testing.md), small
# requests answered while every slot is taken, nothing stored; then that a
# connection waiting longer than request_timeout is closed.
# QF_MEM_CLIENTS, QF_MEM_ENVELOPE and QF_MEM_SLOTS scale it
# (tests/stress/ runs it at the default 20 MiB).
. "$(dirname "$0")/lib.sh"

N=${QF_MEM_CLIENTS:-16}
ENV_BYTES=${QF_MEM_ENVELOPE:-1048576}
SLOTS=${QF_MEM_SLOTS:-4}
max_body=$((ENV_BYTES + 4 + 4096)) # the envelope, its length prefix and the JSON
D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" ".pow_difficulty = 0 | .max_envelope_bytes = $ENV_BYTES | .max_connections = 1024
	| .upload_memory_bytes = $((SLOTS * max_body))"
start_server "$D" || exit 1
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
base=$(kib VmRSS)
"$QFTOOL" bigpost "$PORT" "$N" "$max_body" 2 >"$T_DIR/big.out" &
big=$!
sleep 1
t0=$(date +%s%N)
small=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/api/v1/log/d01/head")
t1=$(date +%s%N)
wait $big
out=$(cat "$T_DIR/big.out")
peak=$(kib VmHWM)
after=$(kib VmRSS)
extra=$((peak - base))
bound=$((((SLOTS + 4) * max_body + N * 131072) / 1024))
echo "memory: $N concurrent bodies of $max_body bytes, $SLOTS slots: rest ${base} KiB," \
	"peak ${peak} KiB (+${extra} KiB, $(awk -v e="$extra" -v b="$max_body" 'BEGIN { printf "%.2f", e * 1024 / b }') bodies)," \
	"after ${after} KiB; bound +${bound} KiB"
echo "answers: $(echo "$out" | tr '\n' ' ')"
# the body is within max_body, its envelope field beyond max_envelope_bytes: 413 too_large
eq "every request answered (413 too_large)" "$(echo "$out" | awk '$1 == 413 { print $2 }')" "$N"
eq "a small request while every slot is taken: answered" "$small" 200
echo "small request answered in $(((t1 - t0) / 1000000)) ms"
# (ASan keeps freed memory in quarantine: the bound is for the real build)
if grep -qa __asan_init "$INTAKE"; then
	echo "sanitizer build: the memory bound is checked on the plain build only"
else
	check "peak within rest + (slots + 4) * max_body + N * 128 KiB" test "$extra" -le "$bound"
fi
eq "nothing stored" "$(curl -s "$URL/api/v1/log/d01/head" | jq .size)" 0
# a body over the limit is refused by libevent from its Content-Length, before it is read
out=$("$QFTOOL" bigpost "$PORT" "$N" $((max_body + 1)) 0)
# (libevent answers 413 itself, or closes while the client is still sending)
eq "bodies over the limit: refused before they are read" \
	"$(echo "$out" | awk '$1 == 413 || $1 == -1 { n += $2 } END { print n }')" "$N"
if grep -qa __asan_init "$INTAKE"; then
	echo "sanitizer build: 'no more memory' is checked on the plain build only (ASan quarantine)"
else
	check "and no more memory for them" test "$(kib VmHWM)" -le $((peak + 1024))
fi
check "the server is still there" sh -c "curl --interface $CLIENT_ADDR -s -o /dev/null -w '%{http_code}' $URL/api/v1/info | grep -q 200"
stop_server

# One slot. An upload that trickles holds it; a second upload waits.
# request_timeout 2 s: the waiting upload is closed after 2 s, the slow one
# finishes. request_timeout 10 s: after a 5 s window below 16 KiB/s the slow
# one is closed because another waits, and the waiting one goes on.
set_config "$D" ".upload_memory_bytes = $max_body | .request_timeout = 2"
start_server "$D" || exit 1
"$QFTOOL" slowpost "$PORT" "$max_body" 4 >"$T_DIR/slow.out" &
slow=$!
sleep 0.5
waiter=$("$QFTOOL" bigpost "$PORT" 1 "$max_body" 0)
wait $slow
eq "waiting longer than request_timeout: closed" "$waiter" "-1 1"
eq "the slow upload holding the slot: answered" "$(cat "$T_DIR/slow.out")" 413
stop_server
set_config "$D" ".request_timeout = 10"
start_server "$D" || exit 1
"$QFTOOL" slowpost "$PORT" "$max_body" 9 >"$T_DIR/slow.out" &
slow=$!
sleep 0.5
t0=$(date +%s%N)
waiter=$("$QFTOOL" bigpost "$PORT" 1 "$max_body" 0)
t1=$(date +%s%N)
wait $slow
eq "a slow upload while another waits: closed" "$(cat "$T_DIR/slow.out")" -1
eq "the waiting upload: answered" "$waiter" "413 1"
echo "the waiting upload was answered after $(((t1 - t0) / 1000000)) ms"
check "the server is still there" sh -c "curl --interface $CLIENT_ADDR -s -o /dev/null -w '%{http_code}' $URL/api/v1/info | grep -q 200"
stop_server
finish
