#!/bin/sh
# Slow clients (issue 9): Debian's slowhttptest runs a slowloris attack
# (headers sent a line at a time) and then a slow-body attack (R.U.D.Y.: a
# large Content-Length, the body a few bytes at a time) against the server
# with more connections than max_connections. While each attack runs, a
# legitimate client asks for a report's status once a second: every one of
# those requests must succeed, and their latency is printed. Loopback only;
# each attack stops by itself. QF_SLOW_SECONDS, QF_SLOW_CONNECTIONS and
# QF_SLOW_MAXCONN scale it (tests/stress/ runs it with the defaults of a
# real deployment). Skips, saying why, without slowhttptest.
. "$(dirname "$0")/lib.sh"

SECS=${QF_SLOW_SECONDS:-12}
CONNS=${QF_SLOW_CONNECTIONS:-200}
MAXCONN=${QF_SLOW_MAXCONN:-64}
if ! command -v slowhttptest >/dev/null 2>&1; then
	echo "skip: slowhttptest is not installed (deploy/deps.sh all installs it)"
	finish
	exit
fi
# slowhttptest needs a descriptor per connection
ulimit -n $((CONNS + 256)) 2>/dev/null || ulimit -n 4096 2>/dev/null || true
D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" ".pow_difficulty = 0 | .max_connections = $MAXCONN | .request_timeout = 5"
start_server "$D" || exit 1
"$QFTOOL" report-body d01 >"$T_DIR/r.json" 2>"$T_DIR/cred"
eq "a report to ask about" "$(code_of "$(submit /api/v1/reports "$T_DIR/r.json")")" 201
read -r LOOKUP AUTH <"$T_DIR/cred"
printf '{"lookup":"%s","auth":"%s"}' "$LOOKUP" "$AUTH" >"$T_DIR/st.json"
stop_server
set_config "$D" '.status_per_minute = 100000'
start_server "$D" || exit 1

# attack NAME SLOWHTTPTEST-ARGS...: runs it, probing the status meanwhile
attack() {
	name=$1
	shift
	slowhttptest "$@" -c "$CONNS" -r 200 -i 2 -l "$SECS" -p 2 -u "$URL/api/v1/status" \
		>"$T_DIR/$name.out" 2>&1 &
	sh_pid=$!
	sleep 2
	: >"$T_DIR/$name.lat"
	end=$(($(date +%s) + SECS - 3))
	while [ "$(date +%s)" -lt "$end" ]; do
		curl -s -o /dev/null --max-time 4 -H 'Content-Type: application/json' \
			--data-binary "@$T_DIR/st.json" -w '%{http_code} %{time_total}\n' \
			"$URL/api/v1/status" >>"$T_DIR/$name.lat"
		sleep 1
	done
	wait "$sh_pid"
	n=$(wc -l <"$T_DIR/$name.lat")
	ok=$(awk '$1 == 200' "$T_DIR/$name.lat" | wc -l)
	lat=$(awk '$1 == 200 { print $2 }' "$T_DIR/$name.lat" | sort -n |
		awk '{ a[NR] = $1 } END { if (NR) printf "min %.3fs median %.3fs max %.3fs", a[1], a[int((NR + 1) / 2)], a[NR]; else printf "none" }')
	conn=$(sed 's/\x1b\[[0-9;]*m//g' "$T_DIR/$name.out" | awk '/^connected:/ { c = $2 } END { print c + 0 }')
	echo "$name: $CONNS attack connections ($conn connected at the end) against max_connections $MAXCONN:" \
		"$ok of $n status requests answered 200; latency $lat"
	eq "$name: every legitimate status request succeeds during the attack" "$ok" "$n"
	check "$name: the server survived" kill -0 "$SERVER_PID"
}
attack slowloris -H -t GET -x 24
attack slow-body -B -t POST -s 65536 -x 16
# afterwards the service is as before
eq "status after the attacks" "$(code_of "$(api POST /api/v1/status "$T_DIR/st.json")")" 200
stop_server
check "nothing stored by the attacks" sh -c "'$INTAKE' check --data '$D' | grep -q '^1 case(s), 1 log entries'"
finish
