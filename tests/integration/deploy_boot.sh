#!/bin/sh
# Opt-in (QF_DEPLOY_BOOT=1, root, systemd-nspawn): the installed tree under a
# real systemd. The machine's own root is mounted as an overlay (all writes go
# to a tmpfs and vanish), the installed files are copied in, and it is booted
# with systemd-nspawn and a private network (loopback only: nothing leaves
# the machine). Inside, operator.md's steps are followed: sysusers,
# tmpfiles, init, district add, enable --now; then the sandboxed service
# takes a report from the CLI, reloads, runs its backup unit and stops.
# This is what proves the unit's sandbox lets the server work; the
# strace-based checks of deploy_systemd.sh are the everyday approximation.
. "$(dirname "$0")/lib.sh"
. "$QF_ROOT/deploy/testlib.sh"

if [ "${QF_DEPLOY_BOOT:-0}" != 1 ]; then
	skip "booted systemd check" "opt-in: set QF_DEPLOY_BOOT=1 (needs root and systemd-nspawn from systemd-container; about 10 s)"
	finish
	exit
fi
if [ "$(id -u)" -ne 0 ] || ! command -v systemd-nspawn >/dev/null 2>&1; then
	skip "booted systemd check" "needs root and systemd-nspawn (package systemd-container)"
	finish
	exit
fi
if [ -d /run/systemd/system ]; then
	skip "booted systemd check" "systemd runs this machine: try the units on it directly"
	finish
	exit
fi

ROOT="$T_DIR/root"
check "make install DESTDIR" qf_install "$ROOT" || {
	finish
	exit 1
}
NS="$T_DIR/ns"
mkdir -p "$NS"
NSPAWN_PID=""
boot_cleanup() {
	[ -n "$NSPAWN_PID" ] && kill "$NSPAWN_PID" 2>/dev/null && wait "$NSPAWN_PID" 2>/dev/null
	umount "$NS/root" 2>/dev/null
	umount "$NS" 2>/dev/null
	cleanup
}
trap boot_cleanup EXIT INT TERM
mount -t tmpfs -o size=1g tmpfs "$NS" || exit 1
mkdir "$NS/upper" "$NS/work" "$NS/root"
if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$NS/upper,workdir=$NS/work" "$NS/root"; then
	skip "booted systemd check" "cannot mount an overlay of /"
	finish
	exit
fi
rm -rf "$NS/root/dev/"* # nspawn wants an empty /dev to populate
cp -a "$ROOT/usr/local/." "$NS/root/usr/local/"
cp "$FIXTURES/d01.pub.json" "$NS/root/root/district.pub.json"
systemd-nspawn -D "$NS/root" --private-network --boot --register=no --keep-unit \
	--link-journal=no --machine="qftest$$" >"$T_DIR/boot.log" 2>&1 &
NSPAWN_PID=$!

# the container's systemd: the child of nspawn
LEADER=""
for _i in $(seq 1 300); do
	LEADER=$(ps -o pid= --ppid "$NSPAWN_PID" 2>/dev/null | tr -d ' ' | head -n 1)
	if [ -n "$LEADER" ]; then
		st=$(nsenter -t "$LEADER" -m -u -i -n -p -- systemctl is-system-running 2>/dev/null)
		case "$st" in running | degraded) break ;; esac
	fi
	sleep 0.2
done
in_ct() { nsenter -t "$LEADER" -m -u -i -n -p -- /bin/sh -c "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin; $1"; }
check "the container booted ($st)" sh -c "[ '$st' = running ] || [ '$st' = degraded ]" || {
	tail -n 20 "$T_DIR/boot.log"
	finish
	exit 1
}
eq "network is loopback only" "$(in_ct 'ls /sys/class/net')" lo

qf='runuser -u qingfeng -- qingfeng-intake'
check "systemd-sysusers, tmpfiles, daemon-reload" in_ct \
	"systemd-sysusers && systemd-tmpfiles --create && systemctl daemon-reload"
check "init as the service user" in_ct "$qf init --data /var/lib/qingfeng >/dev/null"
check "district add" in_ct "install -o qingfeng -g qingfeng -m 600 /root/district.pub.json /var/spool/qingfeng/ &&
	$qf district add --data /var/lib/qingfeng /var/spool/qingfeng/district.pub.json >/dev/null"
check "enable --now the service and the timer" in_ct \
	"systemctl enable --now qingfeng-intake.service qingfeng-backup.timer 2>/dev/null"
for _i in $(seq 1 50); do
	in_ct "curl -fs -o /dev/null http://127.0.0.1:8080/api/v1/info" && break
	sleep 0.1
done
eq "the service is active" "$(in_ct 'systemctl is-active qingfeng-intake')" active
eq "it serves the district" "$(in_ct 'curl -s http://127.0.0.1:8080/api/v1/info' | jq -r '.districts[0].id')" d01
eq "and the web pages" "$(in_ct 'curl -s -o /dev/null -w %{http_code} http://127.0.0.1:8080/')" 200
MAIN=$(in_ct 'systemctl show -p MainPID --value qingfeng-intake')
st=$(in_ct "cat /proc/$MAIN/status")
check "confined: seccomp filter" sh -c "printf '%s' \"\$1\" | grep -q '^Seccomp:[[:space:]]*2'" _ "$st"
check "confined: no new privileges" sh -c "printf '%s' \"\$1\" | grep -q '^NoNewPrivs:[[:space:]]*1'" _ "$st"
check "confined: no capabilities" sh -c "printf '%s' \"\$1\" | grep -q '^CapBnd:[[:space:]]*0000000000000000'" _ "$st"
check "confined: not root" sh -c "! printf '%s' \"\$1\" | grep -q '^Uid:[[:space:]]*0[[:space:]]'" _ "$st"
out=$(in_ct "printf 'boot test\n' >/tmp/b.txt && qingfeng-report submit --server http://127.0.0.1:8080 \
	--district d01 --title t --body-file /tmp/b.txt" 2>&1)
check "a report with the default proof-of-work" sh -c "printf '%s' \"\$1\" | grep -qE '[0-9A-Z]{4}(-[0-9A-Z]{4}){4}'" _ "$out"
check "systemctl reload" in_ct "systemctl reload qingfeng-intake"
check "the journal shows the reload" sh -c "nsenter -t $LEADER -m -u -i -n -p -- journalctl -u qingfeng-intake | grep -q 'reloaded: 1 district'"
check "the backup unit runs" in_ct "systemctl start qingfeng-backup.service"
check "and made a checked backup" in_ct "ls /var/lib/qingfeng-backups/*/db/data.mdb >/dev/null"
check "stats as the service user" in_ct "$qf stats --data /var/lib/qingfeng | grep -q 'district d01: 1 entries'"
check "systemctl stop" in_ct "systemctl stop qingfeng-intake"
check "stopped cleanly" sh -c "nsenter -t $LEADER -m -u -i -n -p -- journalctl -u qingfeng-intake | grep -q 'qingfeng-intake: stopped'"

finish
