#!/bin/sh
# The installed systemd units: `systemd-analyze verify` is clean, `security
# --offline=true` rates the server and the backup "OK" or better, the
# sandboxing options the deployment promises are all there, the timer's
# calendar parses. Then the sandbox is checked against what the programs
# really do (systemd is not PID 1 on build machines, so the units cannot be
# started here): the installed server runs as an unprivileged user without
# capabilities under strace while reports, follow-ups, no-JS forms, static
# pages and a reload go through it, and every system call it makes must be
# one that SystemCallFilter allows; likewise the backup script. Address
# families, W^X mappings, writes outside the state directory, /proc and /dev
# use are checked against RestrictAddressFamilies, MemoryDenyWriteExecute,
# ProtectSystem=strict, ProcSubset=pid and PrivateDevices.
. "$(dirname "$0")/lib.sh"
. "$QF_ROOT/deploy/testlib.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "systemd unit checks" "systemd-analyze is not installed (deploy/deps.sh deploy)"
	finish
	exit
fi
ROOT="$T_DIR/root"
check "make install DESTDIR" qf_install "$ROOT" || {
	finish
	exit 1
}
R="$ROOT/usr/local"
UNITS="$R/lib/systemd/system"
SVC="$UNITS/qingfeng-intake.service"
BSVC="$UNITS/qingfeng-backup.service"
TIMER="$UNITS/qingfeng-backup.timer"

# --- systemd-analyze verify: the installed units, with their paths pointing
# into DESTDIR (verify checks that the commands exist) and the installed man
# pages on MANPATH (it checks Documentation=man:...).
mkdir -p "$T_DIR/units"
for u in "$SVC" "$BSVC" "$TIMER"; do
	sed "s|/usr/local/|$R/|g" "$u" >"$T_DIR/units/${u##*/}"
done
out=$(MANPATH="$R/share/man" systemd-analyze verify "$T_DIR"/units/* 2>&1)
eq "systemd-analyze verify exit" $? 0
eq "systemd-analyze verify says nothing" "$out" ""

# --- systemd-analyze security
rate() { # UNIT -> "EXPOSURE RATING"
	systemd-analyze security --offline=true "$1" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p'
}
for u in "$SVC" "$BSVC"; do
	r=$(rate "$T_DIR/units/${u##*/}")
	echo "     ${u##*/}: systemd-analyze security: $r"
	case "${r#* }" in
	PERFECT | SAFE | OK) ok "${u##*/} rated OK or better ($r)" ;;
	*) not_ok "${u##*/} rated OK or better (got '$r')" ;;
	esac
done

# --- the options the deployment promises
for opt in "User=qingfeng" "StateDirectory=qingfeng" "ProtectSystem=strict" "ProtectHome=yes" \
	"PrivateTmp=yes" "PrivateDevices=yes" "NoNewPrivileges=yes" "MemoryDenyWriteExecute=yes" \
	"RestrictAddressFamilies=AF_INET AF_INET6" "SystemCallFilter=@system-service" \
	"SystemCallFilter=~@privileged @resources" "SystemCallArchitectures=native" \
	"CapabilityBoundingSet=" "IPAddressDeny=any" "IPAddressAllow=localhost" \
	"ExecReload=/bin/kill -HUP \$MAINPID" "UMask=0077"; do
	check "server unit has $opt" grep -qxF "$opt" "$SVC"
done
for opt in "User=qingfeng" "PrivateNetwork=yes" "RestrictAddressFamilies=none" \
	"SystemCallFilter=@system-service" "CapabilityBoundingSet=" "ProtectSystem=strict" \
	"Type=oneshot"; do
	check "backup unit has $opt" grep -qxF "$opt" "$BSVC"
done
cal=$(sed -n 's/^OnCalendar=//p' "$TIMER")
check "timer calendar parses ($cal)" sh -c "systemd-analyze calendar '$cal' >/dev/null"
check "timer is persistent (catches up after downtime)" grep -qx "Persistent=true" "$TIMER"
# more often than daily would date reports more finely than the server does
check "timer runs once a day" sh -c "echo '$cal' | grep -qE '^\*-\*-\* [0-9]{2}:[0-9]{2}(:[0-9]{2})?\$'"

# --- the sandbox against the real programs (strace)
if ! command -v strace >/dev/null 2>&1; then
	skip "system call checks" "strace is not installed (deploy/deps.sh deploy)"
	finish
	exit
fi
if qf_is_san; then
	skip "system call checks" "the sanitizer runtime makes system calls of its own; run on the plain build"
	finish
	exit
fi
if ! id nobody >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
	skip "system call checks" "needs root and the user nobody to drop privileges"
	finish
	exit
fi

# Every system call SystemCallFilter= allows: the allow list minus the
# deny lists, groups expanded as this systemd defines them.
expand() (
	for g in "$@"; do
		systemd-analyze syscall-filter "$g" | sed -n '2,$s/^ *\([^ #][^ ]*\)$/\1/p' |
			while read -r s; do
				case "$s" in
				@*) expand "$s" ;;
				*) echo "$s" ;;
				esac
			done
	done
)
allow_groups=$(sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$SVC")
deny_groups=$(sed -n 's/^SystemCallFilter=~//p' "$SVC")
# shellcheck disable=SC2086
expand $allow_groups | sort -u >"$T_DIR/allow"
# shellcheck disable=SC2086
expand $deny_groups | sort -u >"$T_DIR/deny"
comm -23 "$T_DIR/allow" "$T_DIR/deny" >"$T_DIR/allowed"
check "the allow list is not empty" test "$(wc -l <"$T_DIR/allowed")" -gt 100

# after_exec TRACE EXE: the trace from the execve of EXE on (what runs in the unit)
after_exec() {
	awk -v exe="execve(\"$2\"" 'index($0, exe) { on = 1 } on' "$1"
}
# paths_changed TRACE: every path a call creates, writes, renames or removes
# (strace -y shows the directory behind a descriptor; relative paths are joined to it)
paths_changed() {
	grep -E '^[0-9]+ +(open(at)?\(.*O_(WRONLY|RDWR|CREAT)|(mkdir|rename|unlink|rmdir|link|symlink)(at2?)?\()' "$1" |
		grep -v ' = -1 ' |
		sed -n 's/^[0-9]* *\([a-z0-9]*\)(\(\([A-Z_]*[0-9]*\)<\([^>]*\)>, \)\{0,1\}"\([^"]*\)".*/\4|\5/p' |
		awk -F'|' '{ if (substr($2, 1, 1) == "/" || $1 == "") print $2; else print $1 "/" $2 }' |
		sort -u
}
# sandbox_checks NAME TRACE EXE WRITABLE-DIRS(regex) FAMILIES(regex)
sandbox_checks() {
	t="$T_DIR/$1.trace"
	after_exec "$2" "$3" >"$t"
	sed -n 's/^[0-9][0-9]* *\([a-z_0-9]*\)(.*/\1/p; s/^[0-9][0-9]* *<\.\.\. \([a-z_0-9]*\) resumed>.*/\1/p' "$t" |
		sort -u >"$T_DIR/$1.used"
	check "$1: traced some system calls" test "$(wc -l <"$T_DIR/$1.used")" -gt 20
	eq "$1: system calls outside SystemCallFilter" \
		"$(comm -23 "$T_DIR/$1.used" "$T_DIR/allowed" | tr '\n' ' ')" ""
	# Refused families fail with EAFNOSUPPORT. Two probes of glibc's that then
	# fall back by themselves are tolerated (checked under a booted systemd):
	# getaddrinfo's netlink query for configured addresses, and nscd's socket.
	fam=$(grep -oE 'socket\(AF_[A-Z0-9]+' "$t" | sed 's/socket(//' | sort -u | grep -vxE "$5")
	for f in $fam; do
		case "$f" in
		AF_NETLINK) eq "$1: netlink only as getaddrinfo's probe" \
			"$(grep 'socket(AF_NETLINK' "$t" | grep -v NETLINK_ROUTE)" "" ;;
		AF_UNIX) eq "$1: local sockets only to reach nscd" \
			"$(grep 'sa_family=AF_UNIX' "$t" | grep -v 'sun_path="/var/run/nscd/socket"')" "" ;;
		*) not_ok "$1: socket family $f beyond RestrictAddressFamilies" ;;
		esac
	done
	eq "$1: writable+executable memory (MemoryDenyWriteExecute)" \
		"$(grep -E 'mmap\(.*PROT_(WRITE\|PROT_EXEC|EXEC\|PROT_WRITE)|mprotect\(.*PROT_EXEC' "$t" | head -n 3)" ""
	paths_changed "$t" >"$T_DIR/$1.changed"
	check "$1: the trace shows the store being written" grep -q '/data\.mdb$' "$T_DIR/$1.changed"
	eq "$1: files changed outside the state directories (ProtectSystem=strict)" \
		"$(grep -vE "^($4)(/|\$)" "$T_DIR/$1.changed" | grep -vxE '/dev/null|/dev/tty' | tr '\n' ' ')" ""
	# /proc/filesystems: libselinux's probe in coreutils, harmless when hidden
	eq "$1: /proc beyond the process's own (ProcSubset=pid)" \
		"$(grep -oE '"/proc/[^"]*"' "$t" | grep -vE '^"/proc/(self|thread-self|[0-9]+)(/|")' |
			grep -vx '"/proc/filesystems"' | sort -u | tr '\n' ' ')" ""
	eq "$1: devices beyond PrivateDevices" \
		"$(grep -oE '"/dev/[^"]*"' "$t" | grep -vxE '"/dev/(null|zero|full|random|urandom|tty|ptmx|pts/ptmx|shm/.*)"' | sort -u | tr '\n' ' ')" ""
}

chmod 711 "$T_DIR"
D="$T_DIR/state"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 8 | .nojs_min_seconds = 0'
chown -R nobody:nogroup "$D"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
SERVER_LOG="$T_DIR/server.strace.log"
DROP="setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all --"
# shellcheck disable=SC2086
strace -f -qq -y -s 256 -o "$T_DIR/trace.server" $DROP "$R/bin/qingfeng-intake" serve --data "$D" \
	--listen "127.0.0.1:$PORT" 2>>"$SERVER_LOG" &
STRACE_PID=$!
for _i in $(seq 1 200); do
	curl -s -o /dev/null "$URL/api/v1/info" && break
	sleep 0.05
done
SPID=$(head -n 1 "$T_DIR/trace.server" | cut -d' ' -f1)
trap 'kill "$SPID" 2>/dev/null; wait "$STRACE_PID" 2>/dev/null; cleanup' EXIT INT TERM
check "the server runs as nobody without capabilities" sh -c \
	"grep -q '^Uid:.*65534' /proc/$SPID/status && grep -q '^CapEff:.*0000000000000000' /proc/$SPID/status && grep -q '^NoNewPrivs:.*1' /proc/$SPID/status"

# the requests a day brings
printf '举报正文\n' >"$T_DIR/body.txt"
head -c 70000 /dev/urandom >"$T_DIR/photo.jpg"
out=$("$REPORT" submit --server "$URL" --district d01 --title t --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/photo.jpg" --send-uncleaned 2>&1)
RECEIPT=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
check "report through the confined server" test -n "$RECEIPT"
check "follow-up" sh -c "'$REPORT' followup --server '$URL' --receipt '$RECEIPT' --body-file '$T_DIR/body.txt' >/dev/null 2>&1"
check "status" sh -c "'$REPORT' status --server '$URL' --receipt '$RECEIPT' >/dev/null 2>&1"
eq "no-JS report" "$(curl -s -L -o /dev/null -w '%{http_code}' --data-urlencode lang=zh-CN \
	--data-urlencode "form_token=$(nojs_token)" --data-urlencode district=d01 --data-urlencode type=accusation --data-urlencode category=other \
	--data-urlencode title=t --data-urlencode body=b "$URL/nojs/report")" 201
eq "no-JS status" "$(curl -s -L -o /dev/null -w '%{http_code}' --data-urlencode "receipt=$RECEIPT" \
	"$URL/nojs/status")" 200
curl -s -o /dev/null "$URL/"
curl -s -o /dev/null -I "$URL/"
curl -s -o /dev/null "$URL/nojs/report"
curl -s -o /dev/null "$URL/api/v1/log/d01/head"
curl -s -o /dev/null "$URL/no/such/page"
curl -s -o /dev/null -H 'Content-Type: application/json' --data '{"lookup":' "$URL/api/v1/status"
kill -HUP "$SPID"
sleep 0.3
eq "after reload it still serves" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/info")" 200
kill -TERM "$SPID"
wait "$STRACE_PID"
check "server stopped cleanly" grep -q 'qingfeng-intake: stopped' "$SERVER_LOG"
families() { sed -n 's/^RestrictAddressFamilies=//p' "$1" | tr ' ' '|' | sed 's/^none$/NONE/'; }
sandbox_checks server "$T_DIR/trace.server" "$R/bin/qingfeng-intake" "$D" "$(families "$SVC")"

# the backup service's program, as the same kind of user, on the same data
BK="$T_DIR/backups"
mkdir -m 700 "$BK"
chown nobody:nogroup "$BK"
# shellcheck disable=SC2086
check "backup under strace" env QF_INTAKE="$R/bin/qingfeng-intake" strace -f -qq -y -s 256 \
	-o "$T_DIR/trace.backup" $DROP "$R/libexec/qingfeng/qingfeng-backup" "$D" "$BK"
# (StateDirectory=qingfeng qingfeng-backups: the store's lock file is in the data directory)
sandbox_checks backup "$T_DIR/trace.backup" "$R/libexec/qingfeng/qingfeng-backup" "$D|$BK" "$(families "$BSVC")"

finish
