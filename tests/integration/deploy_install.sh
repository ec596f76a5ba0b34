#!/bin/sh
# `make install` into a DESTDIR (never the real system) and `make uninstall`:
# every file in place with the paths filled in, the man pages render and
# cover every command and config key, the example config is what `init`
# writes, the installed server finds its installed web root, and uninstall
# leaves nothing behind. The same for another PREFIX.
. "$(dirname "$0")/lib.sh"
. "$QF_ROOT/deploy/testlib.sh"

ROOT="$T_DIR/root"
P=/usr/local
check "make install DESTDIR" qf_install "$ROOT" "$P" || {
	finish
	exit 1
}
R="$ROOT$P"

for f in bin/qingfeng-intake bin/qingfeng-admin bin/qingfeng-report \
	libexec/qingfeng/qingfeng-backup; do
	check "installed $f (executable)" test -x "$R/$f"
done
for f in share/man/man8/qingfeng-intake.8 share/man/man1/qingfeng-admin.1 \
	share/man/man1/qingfeng-report.1 share/doc/qingfeng/operator.md \
	share/doc/qingfeng/threat-model.md share/doc/qingfeng/protocol.md \
	share/doc/qingfeng/README.md share/qingfeng/examples/config.json \
	share/qingfeng/examples/qingfeng.torrc share/qingfeng/examples/nginx-qingfeng.conf \
	lib/systemd/system/qingfeng-intake.service lib/systemd/system/qingfeng-backup.service \
	lib/systemd/system/qingfeng-backup.timer lib/sysusers.d/qingfeng.conf \
	lib/tmpfiles.d/qingfeng.conf share/locale/zh_CN/LC_MESSAGES/qingfeng-admin.mo; do
	check "installed $f" test -f "$R/$f"
done
eq "unit mode 0644" "$(stat -c %a "$R/lib/systemd/system/qingfeng-intake.service")" 644
check "no @VAR@ left in the installed units and scripts" sh -c \
	"! grep -l '@[A-Z]*@' '$R'/lib/systemd/system/* '$R/libexec/qingfeng/qingfeng-backup'"
eq "server unit runs the installed binary" \
	"$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/qingfeng-intake.service")" \
	"$P/bin/qingfeng-intake serve --data /var/lib/qingfeng"
eq "backup unit runs the installed script" \
	"$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$R/lib/systemd/system/qingfeng-backup.service")" \
	"$P/libexec/qingfeng/qingfeng-backup"
check "backup script calls the installed binary" \
	grep -qF "$P/bin/qingfeng-intake" "$R/libexec/qingfeng/qingfeng-backup"
check "installed intake runs" sh -c "'$R/bin/qingfeng-intake' --help >/dev/null"
check "installed admin runs" sh -c "'$R/bin/qingfeng-admin' --help >/dev/null"
check "installed admin speaks Chinese with LANG=C (its installed catalogue)" sh -c \
	"env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C '$R/bin/qingfeng-admin' --help | grep -q '用法：'"
check "installed report runs" sh -c "'$R/bin/qingfeng-report' --help >/dev/null"

# --- the web root, found by the installed binary on its own
if [ -d "${QF_BIN%/bin}/web" ]; then
	check "web root installed" test -f "$R/share/qingfeng/web/index.html"
	check "no build stamp in the web root" test ! -e "$R/share/qingfeng/web/.built"
	D="$T_DIR/data"
	check "init with the installed binary" sh -c "'$R/bin/qingfeng-intake' init --data '$D' >/dev/null"
	INTAKE="$R/bin/qingfeng-intake"
	if start_server "$D"; then
		eq "installed server serves its installed web root" \
			"$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" 200
		check "startup line names the installed web root" \
			grep -qF "web root $R/share/qingfeng/web" "$SERVER_LOG"
		stop_server
	else
		not_ok "installed server starts"
	fi
	INTAKE="$QF_BIN/qingfeng-intake"
else
	skip "web root checks" "${QF_BIN%/bin}/web was not built"
fi

# --- man pages: render cleanly, cover every command and every config key
for m in share/man/man8/qingfeng-intake.8 share/man/man1/qingfeng-admin.1 \
	share/man/man1/qingfeng-report.1; do
	# groff has no CJK glyph list; those characters still render (UTF-8).
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$R/$m" 2>&1 >/dev/null |
		grep -v "special character 'u[0-9A-F]*'")
	eq "man page ${m##*/} renders without warnings" "$warn" ""
	check "man page ${m##*/} has the sections" sh -c \
		"for s in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS' 'SEE ALSO'; do grep -q \"^\\.SH \$s\" '$R/$m' || exit 1; done"
done
commands() { "$1" --help 2>&1 | sed -n 's/^  \([a-z][a-z]*\)  *[a-z-].*/\1/p'; }
for bin in qingfeng-intake:man8/qingfeng-intake.8 qingfeng-admin:man1/qingfeng-admin.1 \
	qingfeng-report:man1/qingfeng-report.1; do
	b=${bin%%:*}
	m="$R/share/man/${bin#*:}"
	list=$(commands "$QF_BIN/$b")
	check "$b --help lists commands" test -n "$list"
	for c in $list; do
		check "$b(${m##*.}) documents $c" grep -qE "^\.B $c( |\$)" "$m"
	done
done
"$INTAKE" init --data "$T_DIR/keys" >/dev/null
for k in $(jq -r 'keys[]' "$T_DIR/keys/config.json"); do
	check "qingfeng-intake(8) documents config key $k" grep -qx "\.B $k" "$R/share/man/man8/qingfeng-intake.8"
	check "operator.md documents config key $k" grep -qF "\`$k\`" "$QF_ROOT/docs/operator.md"
done

# --- the example config is what init writes, and it loads
eq "example config = init's defaults" "$(jq -S . "$R/share/qingfeng/examples/config.json")" \
	"$(jq -S . "$T_DIR/keys/config.json")"
cp "$R/share/qingfeng/examples/config.json" "$T_DIR/keys/config.json"
check "example config loads" sh -c "'$INTAKE' check --data '$T_DIR/keys' >/dev/null"

# --- uninstall removes everything install put there
check "make uninstall" sh -c "env -u MAKEFLAGS -u MAKELEVEL make -s -C '$QF_ROOT' uninstall DESTDIR='$ROOT' PREFIX='$P' >/dev/null"
eq "nothing left after uninstall" "$(find "$ROOT" -type f | sed "s|^$ROOT||")" ""
check "no qingfeng directories left" sh -c "! find '$ROOT' -name '*qingfeng*' | grep -q ."

# --- another PREFIX: paths follow it
ROOT2="$T_DIR/root2"
check "make install PREFIX=/opt/qingfeng" qf_install "$ROOT2" /opt/qingfeng
eq "units follow PREFIX" \
	"$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$ROOT2/opt/qingfeng/lib/systemd/system/qingfeng-intake.service")" \
	/opt/qingfeng/bin/qingfeng-intake
check "nothing installed outside PREFIX" sh -c "! find '$ROOT2' -type f | grep -v '^$ROOT2/opt/qingfeng/'"

finish
