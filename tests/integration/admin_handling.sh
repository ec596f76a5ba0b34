#!/bin/sh
# 转办, 交办 and 督办 with their time limits in `due`; the Chinese 转办单 that
# `forward` writes; the reply templates (受理告知, 不予受理告知, 办理结果反馈,
# 请补充材料) drafted in the district's voice, edited, sent, and read by the
# reporter (issue 17).
. "$(dirname "$0")/lib.sh"

BY="王主任"
admin_district d07 七区纪委监委 || exit 1
has() { grep -aqF -- "$1" "$2"; }
submit() {
	"$REPORT" submit --server "$URL" --district d07 "$@" |
		grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '
}
printf '他在工程验收时收受红包，金额约五千元。\n' >"$T_DIR/b1.txt"
printf '村务不公开，集体收入去向不明。\n' >"$T_DIR/b2.txt"
R1=$(submit --title 验收红包 --body-file "$T_DIR/b1.txt" --category integrity --town 城关镇 \
	--subject-name 张某某 --subject-unit 城建局 --level township \
	--identity-name 王五 --identity-phone 13900001111)
R2=$(submit --title 村务 --body-file "$T_DIR/b2.txt" --category mass --town 东河镇 --level village)
R3=$(submit --title 其他 --body-file "$T_DIR/b2.txt" --identity-name 赵六)
check "three receipts" test -n "$R1" -a -n "$R2" -a -n "$R3"
"$INTAKE" export --data "$D" --district d07 --out "$T_DIR/e1.qfx" >/dev/null || exit 1
stop_server
adm ingest --key "$K/district.key" "$T_DIR/e1.qfx" >/dev/null || exit 1
cp "$QF_ROOT/holidays/cn-2026.txt" "$A/holidays.txt"
# fixed days: 2026-04-01 is a Wednesday; Qingming (04-04..04-06) is a holiday
T0=2026-04-01

# --- 转办: to a town commission; its 5 working days to accept (Article 16)
out=$(QF_TODAY=$T0 adm stage d07-2 转办 --by "$BY" 2>&1)
eq "转办 without --to is refused" $? 1
check "the refusal asks for --to" sh -c "printf '%s' \"\$1\" | grep -q -- '--to'" _ "$out"
out=$(QF_TODAY=$T0 adm stage d07-2 转办 --to 东河镇纪委 --by "$BY" 2>&1)
eq "stage 转办 --to" $? 0
check "转办 maps to transferred" sh -c "printf '%s' \"\$1\" | grep -q 'status transferred'" _ "$out"
check "转办 says its 5 working days" sh -c "printf '%s' \"\$1\" | grep -q 'due within 5 working days'" _ "$out"
out=$(QF_TODAY=$T0 adm due --json)
eq "due: 转办 row" "$(printf '%s' "$out" | jq -r '.[] | select(.case == "d07-2") | .deadline | [.kind, .label, .from, .due, .state, (.working_days_left | tostring), .to] | join(" ")')" \
	"transfer 转办受理 2026-04-01 2026-04-09 pending 5 东河镇纪委"
eq "due soon on 04-07" "$(QF_TODAY=2026-04-07 adm due --json | jq -r '.[] | select(.case == "d07-2") | .deadline | .state + " " + (.working_days_left | tostring)')" "due_soon 2"
eq "overdue on 04-10" "$(QF_TODAY=2026-04-10 adm due --json | jq -r '.[] | select(.case == "d07-2") | .deadline | .state + " " + (.working_days_left | tostring)')" "overdue -1"
out=$(QF_TODAY=2026-04-10 adm due)
check "due text: 转办受理 and where to" sh -c "printf '%s' \"\$1\" | grep d07-2 | grep '转办受理 transfer' | grep -q '东河镇纪委'" _ "$out"

# --- 督办 on the late 转办: 10 working days by default; --days sets it
out=$(QF_TODAY=2026-04-10 adm mark d07-2 督办 --days 3 --by "$BY" 2>&1)
eq "mark 督办 --days 3" $? 0
eq "due: 督办 row" "$(QF_TODAY=2026-04-10 adm due --json | jq -r '.[] | select(.case == "d07-2") | [.deadlines[] | .kind + ":" + .due + ":" + .state] | join(" ")')" \
	"transfer:2026-04-09:overdue supervise:2026-04-15:due_soon"
out=$(QF_TODAY=2026-04-10 adm mark d07-1 supervise --by "$BY" 2>&1)
eq "督办 without a 转办/交办 is refused" $? 1
# the lower body reports back: both are met
out=$(QF_TODAY=2026-04-13 adm mark d07-2 已反馈 --by "$BY" 2>&1)
eq "mark 已反馈" $? 0
eq "nothing open for d07-2" "$(QF_TODAY=2026-04-13 adm due --json | jq '[.[] | select(.case == "d07-2")] | length')" 0
eq "--all: 转办 met late, 督办 met" "$(QF_TODAY=2026-04-13 adm due --json --all | jq -r '.[] | select(.case == "d07-2") | [.deadlines[] | .kind + ":" + .state] | join(" ")')" \
	"transfer:met_late supervise:met"

# --- 交办: the district sets the time; default 30 working days
out=$(QF_TODAY=$T0 adm stage d07-3 assigned --to 区纪委第二派驻纪检组 --days 10 --by "$BY" 2>&1)
eq "stage assigned --days 10" $? 0
check "交办 maps to in_progress" sh -c "printf '%s' \"\$1\" | grep -q 'in_progress'" _ "$out"
check "交办 says the days given" sh -c "printf '%s' \"\$1\" | grep -q 'due within 10 working days'" _ "$out"
eq "due: 交办 row" "$(QF_TODAY=$T0 adm due --json | jq -r '.[] | select(.case == "d07-3") | [.deadlines[] | select(.kind == "assign") | .label + ":" + .due + ":" + .to] | join(" ")')" \
	"交办反馈:2026-04-16:区纪委第二派驻纪检组"
out=$(QF_TODAY=$T0 adm stage d07-1 交办 --to 城关镇纪委 --by "$BY" 2>&1)
eq "stage 交办 default days" $? 0
check "交办 says its default 30 days" sh -c "printf '%s' \"\$1\" | grep -q 'due within 30 working days'" _ "$out"
eq "交办: 30 working days" "$(QF_TODAY=$T0 adm due --json | jq -r '.[] | select(.case == "d07-1") | [.deadlines[] | select(.kind == "assign") | .due] | join(" ")')" 2026-05-18
out=$(QF_TODAY=$T0 adm stage d07-1 受理 --to 城关镇纪委 --by "$BY" 2>&1)
eq "--to on another stage is refused" $? 1

out=$(adm show d07-2)
check "show: the 转办 and where to" sh -c "printf '%s' \"\$1\" | grep -q 'transferred_down 转办 (from registered).*, to 东河镇纪委, within 5 working days'" _ "$out"
check "show: the 督办 and its days" sh -c "printf '%s' \"\$1\" | grep -q 'supervise 督办, within 3 working days'" _ "$out"

# --- the 转办单
check "forward" sh -c "QF_TODAY=$T0 '$ADMIN' forward --archive '$A' --passphrase-file '$P' d07-2 --out '$T_DIR/zb.txt' --to 东河镇纪委 --by '$BY' >/dev/null"
for s in 问题线索转办单 编号 收件单位：东河镇纪委 问题线索摘要 转办依据 第十六条 办理要求 时限 \
	2026年4月9日 附件 七区纪委监委 2026年4月1日 村务不公开 东河镇 群众纪律 村（社区）干部 经办人：王主任; do
	check "转办单 has $s" has "$s" "$T_DIR/zb.txt"
done
check "转办单: no ASCII letters but the case number and 件号" sh -c "! sed 's/d07-2//g; s/d07#[0-9]*//g' '$T_DIR/zb.txt' | grep -q '[A-Za-z]'"
check "转办单 says 检举控告人, never 举报人" sh -c "grep -q 检举控告人 '$T_DIR/zb.txt' && ! grep -q 举报人 '$T_DIR/zb.txt'"
check "forward of the 交办 case" sh -c "QF_TODAY=$T0 '$ADMIN' forward --archive '$A' --passphrase-file '$P' d07-1 --out '$T_DIR/jb.txt' --to 城关镇纪委 --by '$BY' >/dev/null"
check "交办单 title and time" sh -c "grep -q 问题线索交办单 '$T_DIR/jb.txt' && grep -q 2026年5月18日 '$T_DIR/jb.txt'"
check "交办单: no identity" sh -c "! grep -qE '王五|13900001111' '$T_DIR/jb.txt'"
check "交办单: no ASCII letters but the case number and 件号" sh -c "! sed 's/d07-1//g; s/d07#[0-9]*//g' '$T_DIR/jb.txt' | grep -q '[A-Za-z]'"
out=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG=C QF_TODAY=$T0 "$ADMIN" forward --archive "$A" --passphrase-file "$P" d07-3 --out "$T_DIR/c.txt" --to 派驻组 --by "$BY" 2>&1)
check "the document is Chinese under LANG=C too" sh -c "grep -q 问题线索交办单 '$T_DIR/c.txt'"

# --- reply templates
out=$(adm reply --templates)
eq "reply --templates" $? 0
for s in 受理告知 不予受理告知 办理结果反馈 请补充材料; do
	check "templates list $s" sh -c "printf '%s' \"\$1\" | grep -q '$s'" _ "$out"
done
out=$(QF_TODAY=$T0 adm reply d07-1 --template 受理告知 --out "$T_DIR/draft1.txt" 2>&1)
eq "draft written" $? 0
check "draft: the district's name" has 七区纪委监委 "$T_DIR/draft1.txt"
check "draft: today in Chinese" has 2026年4月1日 "$T_DIR/draft1.txt"
check "draft: 0600" sh -c "[ \"\$(stat -c %a '$T_DIR/draft1.txt')\" = 600 ]"
out=$(QF_TODAY=$T0 adm reply d07-1 --template 受理告知 --out "$T_DIR/draft1.txt" 2>&1)
eq "a draft never overwrites" $? 1
# the investigator edits the draft, then sends it
printf '\n联系人：李科员\n' >>"$T_DIR/draft1.txt"
out=$(QF_TODAY=$T0 adm reply d07-1 --file "$T_DIR/draft1.txt" --by "$BY" 2>&1)
eq "the edited draft is sent" $? 0
# 不予受理告知 without a reason: a blank to fill, and a reply with it is refused
QF_TODAY=$T0 adm reply d07-3 --template 不予受理告知 --out "$T_DIR/draft3.txt" >/dev/null 2>&1
check "blank for the reason" has 【请填写 "$T_DIR/draft3.txt"
out=$(QF_TODAY=$T0 adm reply d07-3 --file "$T_DIR/draft3.txt" --by "$BY" 2>&1)
eq "a reply with a blank left is refused" $? 1
check "the refusal names the blank" sh -c "printf '%s' \"\$1\" | grep -q '【请填写'" _ "$out"
out=$(QF_TODAY=$T0 adm reply d07-3 --template not-accepted --reason '所反映问题不属于纪检监察机关受理范围。' 2>&1)
eq "--reason fills it (ascii key, to stdout)" $? 0
check "the reason is in the text" sh -c "printf '%s' \"\$1\" | grep -q '不属于纪检监察机关受理范围' && ! printf '%s' \"\$1\" | grep -q '【请填写'" _ "$out"
out=$(adm reply d07-3 --template 表扬信 2>&1)
eq "an unknown template is refused" $? 1
# the district's own template, with a field it does not know
mkdir -p "$A/templates"
printf '{委名}通知：您{收到日期}的检举控告已受理。{今天}\n' >"$A/templates/受理告知.txt"
eq "the district's template wins" "$(QF_TODAY=$T0 adm reply d07-3 --template 受理告知 2>/dev/null | head -n 1)" "七区纪委监委通知：您$(adm list --json | jq -r '.[] | select(.case == "d07-3") | .day' | sed -E 's/^([0-9]+)-0?([0-9]+)-0?([0-9]+)$/\1年\2月\3日/')的检举控告已受理。2026年4月1日"
check "--templates says where it comes from" sh -c "'$ADMIN' reply --archive '$A' --templates | grep 受理告知 | grep -q templates/"
printf '{委名}{电话}\n' >"$A/templates/请补充材料.txt"
out=$(adm reply d07-3 --template 请补充材料 2>&1)
eq "an unknown field is refused" $? 1
check "the refusal names it" sh -c "printf '%s' \"\$1\" | grep -q '{电话}'" _ "$out"

# --- the reporter reads the reply drafted from the template
check "update" sh -c "QF_TODAY=$T0 '$ADMIN' update --archive '$A' --passphrase-file '$P' --out '$T_DIR/u1.qfu' >/dev/null"
for s in 东河镇纪委 派驻 supervise reported transferred_down assigned days; do
	check "update does not carry '$s'" sh -c "! grep -aqF '$s' '$T_DIR/u1.qfu'"
done
eq "update: the mapped statuses only" "$(sed '1d;$d' "$T_DIR/u1.qfu" | jq -r 'select(.op == "status") | .status' | sort | tr '\n' ' ')" \
	"in_progress in_progress transferred "
check "import" sh -c "'$INTAKE' import --data '$D' '$T_DIR/u1.qfu' >/dev/null"
start_server "$D" || exit 1
out=$("$REPORT" status --server "$URL" --receipt "$R1" 2>&1)
check "reporter 1 reads the templated reply" sh -c "printf '%s' \"\$1\" | grep -q '七区纪委监委' && printf '%s' \"\$1\" | grep -q '联系人：李科员'" _ "$out"
out=$("$REPORT" status --server "$URL" --receipt "$R2" 2>&1)
check "reporter 2 sees transferred, nothing about 督办" sh -c "printf '%s' \"\$1\" | grep -q transferred && ! printf '%s' \"\$1\" | grep -qE '督办|东河镇纪委'" _ "$out"
stop_server
finish
