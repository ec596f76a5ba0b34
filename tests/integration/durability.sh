#!/bin/sh
# Durability: concurrent submissions, kill -9 of the server mid-stream,
# restart. Every submission that got a 201 must be there, with a verifying
# chain (qingfeng-intake check). Repeated a few rounds.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0'
ROUNDS=${QF_DURABILITY_ROUNDS:-3}
WRITERS=4
total201=0

writer() { # out-file
	while :; do
		"$QFTOOL" report-body d01 >"$1.body" 2>"$1.cred" || return
		"$QFTOOL" submission "$1.body" "$1.bin" >/dev/null || return
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Content-Type: $SUBMISSION_TYPE" \
			--data-binary "@$1.bin" "$URL/api/v1/reports" 2>/dev/null)
		echo "$(cat "$1.cred") $code" >>"$1"
	done
}

for round in $(seq 1 "$ROUNDS"); do
	start_server "$D" || exit 1
	pids=""
	for w in $(seq 1 $WRITERS); do
		writer "$T_DIR/w$round.$w" &
		pids="$pids $!"
	done
	sleep 1.5
	kill -9 "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	sleep 0.2
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
done

start_server "$D" || exit 1
lost=0
n=0
for f in "$T_DIR"/w*.*; do
	case "$f" in *.body | *.cred) continue ;; esac
	while read -r lookup auth code; do
		[ "$code" = 201 ] || continue
		n=$((n + 1))
		printf '{"lookup":"%s","auth":"%s"}' "$lookup" "$auth" >"$T_DIR/st.json"
		c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
			--data-binary "@$T_DIR/st.json" "$URL/api/v1/status")
		[ "$c" = 200 ] || lost=$((lost + 1))
	done <"$f"
done
stop_server
echo "submissions answered 201 across $ROUNDS kill -9 rounds: $n; missing after restart: $lost"
check "some submissions were acknowledged" test "$n" -gt 0
eq "no acknowledged submission lost" "$lost" 0
check "chains verify after the crashes" sh -c "'$INTAKE' check --data '$D' >/dev/null"
finish
