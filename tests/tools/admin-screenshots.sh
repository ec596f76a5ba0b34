#!/bin/sh
# tests/tools/admin-screenshots.sh [OUT-DIR]: the terminal screenshots of
# qingfeng-admin for docs/investigator.md (`make screenshots-admin`). Builds a
# demo archive the way an office would (keygen, a running intake on loopback
# with a district, reports filed with qingfeng-report, export, ingest, stages,
# marks, replies), captures the output of list, show, due, stats and forward
# (the 转办单 it writes) and renders each with tests/tools/termshot.mjs into
# OUT-DIR/admin-<command>.png (default docs/screenshots). The output is in the
# tool's default language (Chinese-first); set LANG etc. to change it.
# Expects the binaries in $QF_BIN (default build/bin), node with
# playwright-core and /usr/bin/chromium with a CJK font (fonts-wqy-microhei).
# Exits non-zero when a step fails.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/docs/screenshots}" && cd "${1:-$ROOT/docs/screenshots}" && pwd)
export QF_ROOT="$ROOT" QF_BIN="${QF_BIN:-$ROOT/build/bin}"
cd "$ROOT"
. "$ROOT/tests/integration/lib.sh"
# lib.sh asks the tools for English (the suites assert English); the pictures
# show the default a cadre sees: Chinese
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
set -e

P="$T_DIR/pass"
printf 'lao wang chi le san wan mian\n' >"$P"
K="$T_DIR/keys"
D="$T_DIR/data"
A="$T_DIR/archive"
"$ADMIN" keygen --district d07 --name 七区纪委监委 --out "$K" --kdf interactive --passphrase-file "$P" >/dev/null
"$INTAKE" init --data "$D" >/dev/null
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null
set_config "$D" '.pow_difficulty = 4'
start_server "$D"

# report TITLE BODY [OPTION...]: files a report with qingfeng-report
report() {
	title=$1 body=$2
	shift 2
	printf '%s\n' "$body" >"$T_DIR/body.txt"
	"$REPORT" submit --server "$URL" --district d07 --title "$title" --body-file "$T_DIR/body.txt" "$@" |
		grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '
}
R1=$(report 城建局工程验收收受红包 '2026年10月，城建局某科长在东湖路改造工程验收时收受施工方红包两万元，当天在场的有监理单位两人。' \
	--category integrity --town 东湖街道 --level township --subject-name 张某某 --subject-unit 区城建局 \
	--subject-position 科长 --when 2026-10 --where 东湖路工地)
report 低保名单优亲厚友 '西山镇某村把村干部亲属列入低保名单，真正困难的几户没有评上。' \
	--category mass --town 西山镇 --level village --identity-name 李某 --identity-phone 13800000000 >/dev/null
report 公车私用 '区农业农村局一辆公务车周末经常停在某小区，用于接送家属。' \
	--category work --town 南河街道 --level staff >/dev/null
report 违规收送礼品礼金 '某国有企业副总经理在春节前收受下属单位购物卡。' \
	--category integrity --town 北山镇 --level enterprise --identity-name 王某 >/dev/null
report 对处分决定不服 '本人对所受处分不服，申请复查。' --type appeal --category other --town 东湖街道 >/dev/null
printf '补充：红包是在验收会后的饭局上给的，饭店名称是湖畔酒家。\n' >"$T_DIR/f.txt"
"$REPORT" followup --server "$URL" --receipt "$R1" --body-file "$T_DIR/f.txt" >/dev/null
"$INTAKE" export --data "$D" --district d07 --out "$T_DIR/e1.qfx" >/dev/null
stop_server

"$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e1.qfx" >/dev/null
adm() { "$ADMIN" "$@" --archive "$A" --passphrase-file "$P"; }
today=$(TZ=Asia/Shanghai date +%F)
cp "$ROOT/holidays/cn-2026.txt" "$A/holidays.txt"
adm stage d07-1 accepted --by 王主任 --note '线索具体，拟初核' >/dev/null
adm stage d07-1 verification --by 王主任 >/dev/null
adm reply d07-1 --message '您反映的问题已受理，我们将依规处理。' --by 王主任 >/dev/null
adm mark d07-2 realname pending --by 王主任 >/dev/null
adm stage d07-2 accepted --by 王主任 >/dev/null
adm stage d07-2 转办 --to 西山镇纪委 --by 王主任 >/dev/null
adm stage d07-3 not_accepted --by 王主任 --note '不属于本委管辖' >/dev/null
adm mark d07-4 upper-level --by 王主任 >/dev/null
adm note d07-4 --message '涉及国有企业管理人员，拟报市纪委监委' --by 王主任 >/dev/null

# shot NAME 'SHOWN COMMAND' COMMAND...: runs COMMAND four weeks on (so that
# deadlines fall due), captures its output and renders it
later=$(date -d "$today + 28 days" +%F)
# New Year's Day is a holiday every year: a calendar that says so for the
# year of $later keeps due and stats from warning that it lists nothing
grep -q "^${later%%-*}-" "$A/holidays.txt" || printf '%s-01-01 holiday\n' "${later%%-*}" >>"$A/holidays.txt"
shot() {
	name=$1 shown=$2
	shift 2
	QF_TODAY=$later "$@" >"$T_DIR/$name.txt" 2>&1
	node "$ROOT/tests/tools/termshot.mjs" --cols 124 --out "$OUT/admin-$name.png" --title "\$ $shown" "$T_DIR/$name.txt"
	echo "admin-screenshots: $OUT/admin-$name.png"
}
shot list 'qingfeng-admin list --archive $A --by 王主任' adm list --by 王主任
shot show 'qingfeng-admin show --archive $A d07-1 --by 王主任' adm show d07-1 --by 王主任
shot due 'qingfeng-admin due --archive $A' adm due
shot stats 'qingfeng-admin stats --archive $A --by 王主任' adm stats --by 王主任
(cd "$T_DIR" && QF_TODAY=$later adm forward d07-2 --out 转办-d07-2.txt --to 西山镇纪委 --by 王主任) >"$T_DIR/fwd.out" 2>&1
{
	cat "$T_DIR/fwd.out"
	printf '$ cat 转办-d07-2.txt\n'
	cat "$T_DIR/转办-d07-2.txt"
} >"$T_DIR/forward.txt"
node "$ROOT/tests/tools/termshot.mjs" --out "$OUT/admin-forward.png" \
	--title '$ qingfeng-admin forward --archive $A d07-2 --out 转办-d07-2.txt --to 西山镇纪委 --by 王主任' \
	"$T_DIR/forward.txt"
echo "admin-screenshots: $OUT/admin-forward.png"
