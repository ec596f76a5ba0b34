#!/bin/sh
# Slowloris on kept-alive connections (issue 13, finding 1): many
# connections, each answered once and then trickling a second request's
# header a line a second (reconnecting whenever the server closes them),
# against a small max_connections. Every fresh client must be served within
# a few seconds throughout: a kept-alive connection's next request has the
# same header budget as a first one, idle and slow connections are evicted
# first, and the listener is never paused for longer than an eviction takes.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0 | .max_connections = 16'
start_server "$D" || exit 1

"$QFTOOL" keepslow "$PORT" 48 40 >"$T_DIR/keepslow.out" &
ks=$!
sleep 5 # every attacking connection has had its first answer and is trickling
served=0 slow=0 worst=0
for i in $(seq 1 20); do
	set -- $(curl -s -o /dev/null --max-time 8 -w '%{http_code} %{time_total}' "$URL/api/v1/info")
	ms=$(echo "$2" | awk '{ printf "%d", $1 * 1000 }')
	[ "$ms" -gt "$worst" ] && worst=$ms
	if [ "$1" = 200 ] && [ "$ms" -le 3000 ]; then served=$((served + 1)); else slow=$((slow + 1)); fi
	sleep 1
done
eq "every fresh client served within 3 s while the slowloris runs (worst ${worst} ms)" "$served/$slow" "20/0"
wait "$ks"
set -- $(cat "$T_DIR/keepslow.out")
check "the attack ran: $1 first answers, $2 connections closed by the server" test "${2:-0}" -gt 48
out=$(api GET /api/v1/info)
eq "served after the attack" "$(code_of "$out")" 200
stop_server
finish
