#!/bin/sh
# qingfeng-admin speaks Chinese by default and English for LANG=en* (issue 17,
# admin/i18n.h): with no language variable at all, LANG=C, LANG=C.UTF-8 and an
# ungenerated LANG=zh_CN.UTF-8 (a fresh offline laptop) the help, prompts,
# results and errors of the main commands are Chinese; with LANG=en_US.UTF-8
# (and LANGUAGE=en) they are English. The catalogue has a Chinese translation
# for every message in the sources (po/check.sh).
. "$(dirname "$0")/lib.sh"

# zh|c|cu|zhcn|en ARGS...: the tool with only that language variable set
zh() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "$ADMIN" "$@"; }
c() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C "$ADMIN" "$@"; }
cu() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$ADMIN" "$@"; }
zhcn() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=zh_CN.UTF-8 "$ADMIN" "$@"; }
en() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=en_US.UTF-8 "$ADMIN" "$@"; }
# has NAME TEXT PATTERN: passes when TEXT holds the fixed string PATTERN
has() {
	if printf '%s' "$2" | grep -qF -- "$3"; then ok "$1"; else not_ok "$1 (no '$3' in: $(printf '%s' "$2" | head -c 400))"; fi
}
hasnt() {
	if printf '%s' "$2" | grep -qF -- "$3"; then not_ok "$1 ('$3' in: $(printf '%s' "$2" | head -c 400))"; else ok "$1"; fi
}

# --- the catalogue
out=$(cd "$QF_ROOT" && sh po/check.sh po/qingfeng-admin.pot po/zh_CN.po admin/*.c 2>&1)
eq "po/check.sh: every msgid translated, template current" $? 0
has "po/check.sh counts the translations" "$out" "translated messages"

# --- help, in every Chinese environment and in English
for v in zh c cu zhcn; do
	out=$($v --help 2>&1)
	has "$v: --help is Chinese" "$out" "用法：qingfeng-admin 命令 [选项]"
	has "$v: --help lists the commands in Chinese" "$out" "show --archive 目录 案件"
	hasnt "$v: --help has no English usage line" "$out" "usage:"
done
out=$(en --help 2>&1)
has "en: --help is English" "$out" "usage: qingfeng-admin COMMAND [OPTIONS]"
has "en: --help lists the commands" "$out" "show --archive DIR CASE"
out=$(LANGUAGE=en "$ADMIN" --help 2>&1)
has "LANGUAGE=en: English" "$out" "Commands:"
out=$(env -u LANGUAGE -u LC_MESSAGES LC_ALL=zh_CN.UTF-8 LANG=en_US.UTF-8 "$ADMIN" --help 2>&1)
has "LC_ALL=zh_CN before LANG=en_US: Chinese" "$out" "命令："
out=$(zh stage --help 2>&1)
has "stage --help: the description is Chinese" "$out" "把案件到达的内部办理阶段"
has "stage --help: the common options are Chinese" "$out" "通用选项："
out=$(en stage --help 2>&1)
has "en: stage --help is English" "$out" "Records that the case reached an internal stage"

# --- an error message
out=$(zh frobnicate 2>&1)
eq "zh: an unknown command: exit 2" $? 2
has "zh: the error is Chinese" "$out" "qingfeng-admin: 未知命令“frobnicate”"
out=$(en frobnicate 2>&1)
has "en: the error is English" "$out" "qingfeng-admin: unknown command 'frobnicate'"
out=$(cu show --archive "$T_DIR/none" d01-1 2>&1)
has "C.UTF-8: a missing archive is said in Chinese" "$out" "处没有案件库（首次导入时创建）"

# --- keygen
P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
printf 'short\n' >"$T_DIR/short"
out=$(zh keygen --district d07 --name '七区纪委监委' --out "$T_DIR/k" --kdf interactive \
	--passphrase-file "$P" 2>&1)
eq "zh: keygen exit 0" $? 0
has "zh: keygen says what it wrote" "$out" "（私钥：只能保存在这台离线电脑上）"
has "zh: keygen asks to publish the fingerprint" "$out" "请公布这个指纹"
out=$(en keygen --district d08 --name '八区纪委监委' --out "$T_DIR/k8" --kdf interactive \
	--passphrase-file "$P" 2>&1)
has "en: keygen is English" "$out" "Publish this fingerprint"
out=$(c keygen --district d09 --name x --out "$T_DIR/k9" --kdf interactive \
	--passphrase-file "$T_DIR/short" 2>&1)
eq "C: keygen with a short passphrase: exit 1" $? 1
has "C: the refusal is Chinese (UTF-8, not transliterated)" "$out" "口令强度不够"
check "C: libpwquality's own reason is not transliterated to ?" sh -c "! printf '%s' \"\$1\" | grep -q '?'" _ "$out"
# keygen's prompts on a terminal (script(1) gives it one); the passphrase is typed
# again and again, as the tool discards what was typed before it asks
# tty_keygen LANG DIR: prints what the terminal showed
tty_keygen() {
	(for _i in $(seq 1 120); do printf 'correct horse battery staple\n'; sleep 0.25; done) 2>/dev/null |
		env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG="$1" script -qec \
			"'$ADMIN' keygen --district d11 --name x --out '$2' --kdf interactive" /dev/null 2>&1
}
if command -v script >/dev/null; then
	out=$(tty_keygen C "$T_DIR/k11")
	has "C: keygen asks for the new passphrase in Chinese" "$out" "区密钥的新口令："
	has "C: ... and asks to repeat it in Chinese" "$out" "再输入一次口令："
	check "C: ... and writes the key" test -f "$T_DIR/k11/district.key"
	out=$(tty_keygen en_US.UTF-8 "$T_DIR/k11en")
	has "en: keygen's prompt is English" "$out" "New passphrase for the district key: "
	has "en: ... and the second" "$out" "Repeat the passphrase: "
else
	echo "note: no script(1): keygen's terminal prompts not tried"
fi
out=$(zh keygen --district d07 --name x --out "$T_DIR/k" --kdf interactive --passphrase-file "$P" 2>&1)
has "zh: keygen refuses to overwrite, in Chinese" "$out" "中已有区密钥；拒绝覆盖"

# --- a case: the first ingest (which makes the archive), list, show, stage, reply, stats, due
D="$T_DIR/data"
A="$T_DIR/archive"
"$INTAKE" init --data "$D" >/dev/null || exit 1
"$INTAKE" district add --data "$D" "$T_DIR/k/district.pub.json" >/dev/null || exit 1
set_config "$D" '.pow_difficulty = 4'
start_server "$D" || exit 1
printf '正文 body-5521\n' >"$T_DIR/b.txt"
"$REPORT" submit --server "$URL" --district d07 --title 举报一 --body-file "$T_DIR/b.txt" \
	--identity-name 王五 >/dev/null || exit 1
"$INTAKE" export --data "$D" --district d07 --out "$T_DIR/e.qfx" >/dev/null || exit 1
stop_server
out=$(zh ingest --archive "$A" --key "$T_DIR/k/district.key" --passphrase-file "$P" "$T_DIR/e.qfx" 2>&1)
eq "zh: ingest exit 0" $? 0
has "zh: the first ingest reports in Chinese" "$out" "区 d07：新条目 1 条"
out=$(en ingest --archive "$A" --passphrase-file "$P" "$T_DIR/e.qfx" 2>&1)
has "en: ingest again is English" "$out" "nothing new"
C1=$(en list --archive "$A" --json | jq -r '.[0].case')
out=$(zh list --archive "$A" --status concluded 2>&1)
has "zh: an empty list" "$out" "没有案件"
out=$(en list --archive "$A" --status concluded 2>&1)
has "en: an empty list" "$out" "no cases"
out=$(zh show --archive "$A" --passphrase-file "$P" "$C1" --by 张调查员 2>&1)
has "zh: show labels are Chinese" "$out" "案件：$C1"
has "zh: show heads the report in Chinese" "$out" "== 检举控告内容 =="
has "zh: show says real name" "$out" "检举控告人：实名"
hasnt "zh: show has no English label" "$out" "Received:"
out=$(en show --archive "$A" --passphrase-file "$P" "$C1" 2>&1)
has "en: show keeps its labels with English" "$out" "案件 Case: $C1"
has "en: show says Received" "$out" "收到日期 Received:"
out=$(cu stage --archive "$A" "$C1" 受理 --by 李科员 2>&1)
has "C.UTF-8: stage (typed in Chinese) answers in Chinese" "$out" "已记录阶段 accepted 受理"
out=$(en stage --archive "$A" "$C1" verification --by 李科员 2>&1)
has "en: stage answers in English" "$out" "stage verification 初步核实 recorded"
out=$(zh list --archive "$A" 2>&1)
has "zh: list heads its columns in Chinese" "$out" "收到日期"
has "zh: list shows the stage by its Chinese name" "$out" "初步核实"
hasnt "zh: list has no English column" "$out" "STATUS"
out=$(en list --archive "$A" 2>&1)
has "en: list heads its columns in English" "$out" "STATUS"
has "en: list shows the stage key" "$out" "verification"
out=$(zh reply --archive "$A" --passphrase-file "$P" "$C1" --message '您好' --by 李科员 2>&1)
has "zh: reply answers in Chinese" "$out" "第 1 条答复（0 个附件）已排队"
out=$(en reply --archive "$A" --passphrase-file "$P" "$C1" --message 'hello' --by 李科员 2>&1)
has "en: reply answers in English" "$out" "reply #2 (0 attachments) queued for the next update"
out=$(zh stats --archive "$A" --passphrase-file "$P" --by 钱调查员 2>&1)
has "zh: stats is headed in Chinese" "$out" "清风 统计：区 d07"
has "zh: stats names its sections in Chinese" "$out" "办理时长（从收到之日起）"
hasnt "zh: stats drops the English of its heading" "$out" "Qingfeng statistics"
out=$(en stats --archive "$A" --passphrase-file "$P" 2>&1)
has "en: stats keeps English" "$out" "Qingfeng statistics: district d07"
out=$(zh due --archive "$A" --passphrase-file "$P" 2>&1)
has "zh: due says in Chinese that nothing is open" "$out" "没有未完成的期限"
has "zh: due warns in Chinese about the calendar" "$out" "处没有节假日日历：只按周一至周五计算"
out=$(en due --archive "$A" --passphrase-file "$P" 2>&1)
has "en: due says in English that nothing is open" "$out" "no open deadlines"
en mark --archive "$A" "$C1" upper-level --by 李科员 >/dev/null 2>&1
out=$(zh due --archive "$A" --passphrase-file "$P" 2>&1)
has "zh: due heads its columns in Chinese" "$out" "剩余"
has "zh: due names the deadline in Chinese" "$out" "上报上级"
hasnt "zh: due has no English column" "$out" "LEFT"
hasnt "zh: due drops the deadline's key" "$out" "upper_level"
out=$(en due --archive "$A" --passphrase-file "$P" 2>&1)
has "en: due keeps its English columns" "$out" "LEFT"
has "en: due keeps the deadline's key" "$out" "upper_level"
out=$(zh status --archive "$A" "$C1" frobbed 2>&1)
eq "zh: an unknown status: exit 1" $? 1
has "zh: the unknown status is said in Chinese" "$out" "未知状态“frobbed”"
# an output file that exists: refused, and why, in the tool's language (forward,
# update and the charts said "it exists; refusing to overwrite it" in English)
: >"$T_DIR/taken.txt"
out=$(zh forward --archive "$A" --passphrase-file "$P" "$C1" --to 县公安局 --by 李科员 \
	--out "$T_DIR/taken.txt" 2>&1)
eq "zh: forward over an existing file: exit 1" $? 1
has "zh: ... says it exists in Chinese" "$out" "文件已存在，不予覆盖"
out=$(zh update --archive "$A" --passphrase-file "$P" --out "$T_DIR/taken.txt" 2>&1)
has "zh: update over an existing file says it exists in Chinese" "$out" "文件已存在，不予覆盖"
finish
