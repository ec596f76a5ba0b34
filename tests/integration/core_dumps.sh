#!/bin/sh
# No core dumps (issue 12): each program, while it runs, has a core file size
# limit of 0 (soft and hard, so it cannot be raised again) and is not
# dumpable, so a crash never writes the unlocked district key, a receipt or a
# request body to disk; the systemd unit says LimitCORE=0. The admin tool and
# the reporter are caught blocked reading a FIFO that nobody writes; run as an
# unprivileged user, a non-dumpable process's /proc files belong to root.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0'
start_server "$D" || exit 1
core0() { # NAME PID
	if grep -q '^Max core file size *0 *0 ' "/proc/$2/limits"; then ok "$1: core file size 0, hard limit 0"; else
		not_ok "$1: $(grep 'core file' "/proc/$2/limits" | tr -s ' ')"; fi
}
core0 qingfeng-intake "$SERVER_PID"

# the FIFO in a directory an unprivileged user can reach
W=$(mktemp -d /tmp/qfcore.XXXXXX)
chmod 1777 "$W"
mkfifo -m 666 "$W/fifo"
as_user=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
dumpable() { # NAME PID
	if [ -z "$as_user" ]; then
		ok "$1: not dumpable (not checked: needs root and setpriv)"
	elif [ "$(stat -c %U "/proc/$2/environ")" = root ]; then
		ok "$1: not dumpable"
	else
		not_ok "$1: dumpable (its /proc files belong to $(stat -c %U "/proc/$2/environ"))"
	fi
}
# the server itself, serving a copy of the data as the unprivileged user
if [ -n "$as_user" ]; then
	cp -a "$D" "$W/data" && chown -R nobody:nogroup "$W/data"
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
	$as_user "$INTAKE" serve --data "$W/data" --listen "127.0.0.1:$port" 2>"$W/serve.log" &
	pid=$!
	for _i in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/info" && break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		core0 "qingfeng-intake serve (unprivileged)" "$pid"
		dumpable "qingfeng-intake serve" "$pid"
	else
		not_ok "qingfeng-intake serve did not start as nobody: $(cat "$W/serve.log")"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# the check itself: an ordinary process of that user is dumpable
	$as_user sleep 5 &
	pid=$!
	sleep 0.2
	eq "a control process (sleep) is dumpable: its /proc files are its user's" \
		"$(stat -c %U "/proc/$pid/environ")" nobody
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
else
	dumpable qingfeng-intake "$SERVER_PID"
fi
$as_user "$ADMIN" keygen --district d09 --name 九区 --out "$W/k" --kdf interactive --passphrase-file "$W/fifo" >/dev/null 2>&1 &
pid=$!
sleep 0.5
core0 qingfeng-admin "$pid"
dumpable qingfeng-admin "$pid"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
$as_user sh -c "exec '$REPORT' status --server '$URL' --receipt - <'$W/fifo'" >/dev/null 2>&1 &
pid=$!
exec 3>"$W/fifo" # the reporter's stdin opens once a writer is there
sleep 0.5
core0 qingfeng-report "$pid"
dumpable qingfeng-report "$pid"
exec 3>&-
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$W"
check "the systemd unit: LimitCORE=0" grep -qx 'LimitCORE=0' "$QF_ROOT/deploy/systemd/qingfeng-intake.service.in"
finish
