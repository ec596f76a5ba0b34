#!/bin/sh
# Full disk, map cap and quota (issue 9). The store on an 8 MiB tmpfs is
# filled by reports: every answer is 201 or 503 storage_full, the reports
# already stored still answer their status, `check` passes, and the service
# takes reports again as soon as space is freed (no restart). The same with
# the LMDB map capped at 1 MiB (map_max_bytes; more room after a restart
# with a larger cap) and with a per-district quota. Skips the tmpfs part,
# saying why, when mounting is not permitted (CI runs as root).
. "$(dirname "$0")/lib.sh"

M="$T_DIR/small"
mounted=""
fault_cleanup() {
	stop_server
	[ -n "$mounted" ] && umount "$M" 2>/dev/null
	cleanup
}
trap fault_cleanup EXIT INT TERM

# report ENVELOPE-BYTES ACKFILE: one report; prints the HTTP code and the error code
report() {
	l=$("$QFTOOL" rand 32)
	a=$("$QFTOOL" rand 32)
	printf '{"district":"d01","lookup":"%s","auth_hash":"%s","reply_pk":"%s","envelope":"%s"}' \
		"$l" "$("$QFTOOL" h256-b64u "$a")" "$("$QFTOOL" rand 32)" \
		"$("$QFTOOL" fake-envelope "$1")" >"$T_DIR/body.json"
	out=$(submit /api/v1/reports "$T_DIR/body.json")
	c=$(code_of "$out")
	[ "$c" = 201 ] && echo "$l $a" >>"$2"
	echo "$c $(body_of "$out" | jq -r '.error.code // empty' 2>/dev/null)"
}
# fill SIZE ACKFILE MAX: reports until the first refusal; sets FILLED (201s) and REFUSAL
fill() {
	FILLED=0
	REFUSAL=""
	for _i in $(seq 1 "$3"); do
		r=$(report "$1" "$2")
		case "$r" in
		201*) FILLED=$((FILLED + 1)) ;;
		*)
			REFUSAL=$r
			return
			;;
		esac
	done
}
# statuses ACKFILE: how many acknowledged reports do not answer 200
statuses() {
	bad=0
	while read -r l a; do
		printf '{"lookup":"%s","auth":"%s"}' "$l" "$a" >"$T_DIR/st.json"
		[ "$(code_of "$(api POST /api/v1/status "$T_DIR/st.json")")" = 200 ] || bad=$((bad + 1))
	done <"$1"
	echo "$bad"
}

# --- a full file system
mkdir -p "$M"
if [ "$(id -u)" != 0 ]; then
	echo "skip: full-disk part: mounting a tmpfs needs root (uid $(id -u))"
elif ! mount -t tmpfs -o size=8m qftest "$M" 2>"$T_DIR/mount.err"; then
	echo "skip: full-disk part: mount -t tmpfs not permitted here: $(cat "$T_DIR/mount.err")"
else
	mounted=1
	D="$M/data"
	check "init on an 8 MiB tmpfs" new_data "$D"
	set_config "$D" '.pow_difficulty = 0 | .status_per_minute = 100000'
	dd if=/dev/zero of="$M/reserve" bs=1M count=1 2>/dev/null
	start_server "$D" || exit 1
	fill 65536 "$T_DIR/acks1" 400
	echo "tmpfs: $FILLED reports of 64 KiB stored, then: $REFUSAL ($(df -k "$M" | awk 'NR == 2 { print $4 }') KiB free)"
	check "the disk filled up" test "$FILLED" -gt 10
	eq "a full disk answers 503 storage_full" "$REFUSAL" "503 storage_full"
	eq "a second try is refused the same way" "$(report 65536 "$T_DIR/acks1")" "503 storage_full"
	eq "every stored report still answers its status" "$(statuses "$T_DIR/acks1")" 0
	check "check passes on the full disk" sh -c "'$INTAKE' check --data '$D' >/dev/null"
	rm -f "$M/reserve"
	r=$(report 65536 "$T_DIR/acks1")
	eq "reports are taken again once space is freed (no restart)" "$r" "201 "
	stop_server
	check "check passes after the stop" sh -c "'$INTAKE' check --data '$D' >/dev/null"
	start_server "$D" || exit 1
	eq "after a restart every stored report answers" "$(statuses "$T_DIR/acks1")" 0
	stop_server
	check "no envelope bigger than the disk was left half written" sh -c "'$INTAKE' check --data '$D' | grep -q 'check passed'"
fi

# --- the map cap
D2="$T_DIR/capped"
check "init with map_max_bytes = 1 MiB" new_data "$D2"
set_config "$D2" '.pow_difficulty = 0 | .map_max_bytes = 1048576 | .status_per_minute = 100000'
start_server "$D2" || exit 1
fill 16384 "$T_DIR/acks2" 400
echo "map cap: $FILLED reports of 16 KiB stored, then: $REFUSAL"
check "the map filled up" test "$FILLED" -gt 5
eq "a full map answers 503 storage_full" "$REFUSAL" "503 storage_full"
eq "every stored report still answers its status" "$(statuses "$T_DIR/acks2")" 0
stop_server
check "check passes at the cap" sh -c "'$INTAKE' check --data '$D2' >/dev/null"
set_config "$D2" '.map_max_bytes = 8388608'
start_server "$D2" || exit 1
eq "with a larger cap reports are taken again" "$(report 16384 "$T_DIR/acks2")" "201 "
eq "and the earlier ones still answer" "$(statuses "$T_DIR/acks2")" 0
stop_server

# --- the quota
D3="$T_DIR/quota"
check "init with quota_bytes = 64 KiB" new_data "$D3"
set_config "$D3" '.pow_difficulty = 0 | .quota_bytes = 65536 | .status_per_minute = 100000'
start_server "$D3" || exit 1
fill 4096 "$T_DIR/acks3" 100
echo "quota: $FILLED reports of 4 KiB stored, then: $REFUSAL"
eq "the quota allows what fits" "$FILLED" 15
eq "over the quota: 503 storage_full" "$REFUSAL" "503 storage_full"
eq "every stored report still answers its status" "$(statuses "$T_DIR/acks3")" 0
stop_server
check "check passes at the quota" sh -c "'$INTAKE' check --data '$D3' >/dev/null"
finish
