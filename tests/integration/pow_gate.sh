#!/bin/sh
# Proof-of-work before the body, its cost growing with the size, and nothing
# of it on disk (issue 13, findings 2, 3 and 5; DESIGN.md §9):
#  - large writes without a valid proof are refused from their header: the
#    server's CPU time stays low while they arrive, and /api/v1/info stays
#    responsive;
#  - a large write solved at the base difficulty is refused (pow_invalid);
#    solved at the difficulty its size needs, it is stored;
#  - no challenge that was used appears in the live data.mdb or in a
#    `qingfeng-intake backup` copy, and one from before a restart is refused.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
start_server "$D" || exit 1 # the defaults: difficulty 18, 20 MiB envelopes

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
HZ=$(getconf CLK_TCK)
BYTES=20000000
before=$(cpu_ticks)
"$QFTOOL" unpaid "$PORT" 3 "$BYTES" json >"$T_DIR/unpaid-json.out" &
u1=$!
"$QFTOOL" unpaid "$PORT" 3 "$BYTES" sub >"$T_DIR/unpaid-sub.out" &
u2=$!
worst=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	ms=$(curl -s -o /dev/null --max-time 5 -w '%{time_total}' "$URL/api/v1/info" | awk '{ printf "%d", $1 * 1000 }')
	[ "$ms" -gt "$worst" ] && worst=$ms
	sleep 0.2
done
wait "$u1" "$u2"
after=$(cpu_ticks)
used_ms=$(((after - before) * 1000 / HZ))
eq "unpaid JSON bodies: 415 from the header" "$(cat "$T_DIR/unpaid-json.out")" "415 3"
eq "unpaid submission bodies: 429 from the header" "$(cat "$T_DIR/unpaid-sub.out")" "429 3"
check "six unpaid ${BYTES}-byte bodies cost the server ${used_ms} ms of CPU (< 250)" test "$used_ms" -lt 250
check "/api/v1/info answered within 500 ms meanwhile (worst ${worst} ms)" test "$worst" -lt 500

# --- the difficulty grows with the size
stop_server
set_config "$D" '.pow_difficulty = 10'
start_server "$D" || exit 1
set -- $("$QFTOOL" derive "MS0Z-H1WW-YKQN-03JM-SFCX")
AUTH_HASH=$3 REPLY_PK=$4
big() { # lookup envelope-padded-size -> $T_DIR/w.json (no proof yet)
	printf '{"district":"d01","lookup":"%s","auth_hash":"%s","reply_pk":"%s","envelope":"%s"}' \
		"$1" "$AUTH_HASH" "$REPLY_PK" "$("$QFTOOL" fake-envelope "$2")" >"$T_DIR/w.json"
}
prove() { # difficulty: adds a proof solved at it to $T_DIR/w.json
	ch=$(curl -s "$URL/api/v1/pow" | jq -r .challenge)
	echo "$ch" >>"$T_DIR/challenges"
	jq -c --arg c "$ch" --arg n "$("$QFTOOL" pow "$ch" "$1")" '.pow = {challenge: $c, nonce: $n}' \
		"$T_DIR/w.json" >"$T_DIR/wp.json"
}
big "$("$QFTOOL" rand 32)" 3145728
"$QFTOOL" submission "$T_DIR/w.json" "$T_DIR/w.bin" >/dev/null
len=$(wc -c <"$T_DIR/w.bin")
need=$("$QFTOOL" pow-required 10 "$len")
eq "a 3 MiB write needs 12 bits at base 10" "$need" 12
prove 10
while "$QFTOOL" pow "$ch" 12 | grep -qx "$(jq -r .pow.nonce "$T_DIR/wp.json")"; do prove 10; done
out=$(submit /api/v1/reports "$T_DIR/wp.json")
eq "solved at the base difficulty only: 429" "$(code_of "$out")" 429
eq "solved at the base difficulty only: pow_invalid" "$(body_of "$out" | jq -r .error.code)" pow_invalid
prove "$need"
out=$(submit /api/v1/reports "$T_DIR/wp.json")
eq "solved at the difficulty its size needs: 201" "$(code_of "$out")" 201
big "$("$QFTOOL" rand 32)" 4096
prove 10
out=$(submit /api/v1/reports "$T_DIR/wp.json")
eq "a small write at the base difficulty: 201" "$(code_of "$out")" 201
for i in 1 2 3; do
	big "$("$QFTOOL" rand 32)" 4096
	prove 10
	eq "another write: 201" "$(code_of "$(submit /api/v1/reports "$T_DIR/wp.json")")" 201
done

# --- nothing of proof-of-work on disk
check "the backup command" sh -c "'$INTAKE' backup --data '$D' --out '$T_DIR/backup.mdb' >/dev/null"
found=0 n=0
while read -r c; do
	n=$((n + 1))
	for f in "$D/db/data.mdb" "$T_DIR/backup.mdb"; do
		if "$QFTOOL" contains "$f" "$c"; then found=$((found + 1)); fi
		# nor its random part alone (the expiry would date it)
		if "$QFTOOL" contains "$f" "$(printf '%s' "$c" | cut -c1-20)"; then found=$((found + 1)); fi
	done
done <"$T_DIR/challenges"
eq "none of the $n challenges used is in data.mdb or the backup" "$found" 0
tail -n 1 "$T_DIR/challenges" >"$T_DIR/last"
big "$("$QFTOOL" rand 32)" 4096
prove 10
sleep 1 # a restart in the second the server started cannot tell its challenges apart by time
stop_server
start_server "$D" || exit 1
out=$(submit /api/v1/reports "$T_DIR/wp.json")
eq "a challenge from before the restart: pow_expired" "$(body_of "$out" | jq -r .error.code)" pow_expired
stop_server
finish
