#!/bin/sh
# Case numbers and what is new (issue 17), with the real binaries: follow-ups
# take chain indices, yet the reports get a per-district 件号 1, 2, 3 without
# gaps, shown beside the index in list, show, search, due and stats and
# accepted wherever a case is typed (d07#2, or d07＃2 from a Chinese input
# method); ingesting the same export again renumbers nothing; list has a
# real-name column (实名/匿名/冒名) and marks new material since the last show,
# an objection to 不予受理 included; stats says 当前所处阶段 and counts the cases
# that ever reached 受理, 初核, 立案 and 了结.
. "$(dirname "$0")/lib.sh"

BY="王主任"
admin_district d07 七区纪委监委 || exit 1
submit() {
	"$REPORT" submit --server "$URL" --district d07 "$@" |
		grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '
}
followup() { # RECEIPT PURPOSE TEXT
	printf '%s\n' "$3" >"$T_DIR/fu.txt"
	"$REPORT" followup --server "$URL" --receipt "$1" --purpose "$2" --body-file "$T_DIR/fu.txt" >/dev/null
}
printf '正文 case-body-5521\n' >"$T_DIR/b.txt"

# --- indices 1..4: a real-name report, a follow-up to it, two anonymous reports
R1=$(submit --title 一 --body-file "$T_DIR/b.txt" --identity-name 王五)
check "follow-up 1" followup "$R1" material '补充 material-1'
R2=$(submit --title 二 --body-file "$T_DIR/b.txt")
R3=$(submit --title 三 --body-file "$T_DIR/b.txt")
check "three receipts" test -n "$R1" -a -n "$R2" -a -n "$R3"
check "export 1" sh -c "'$INTAKE' export --data '$D' --district d07 --out '$T_DIR/e1.qfx' >/dev/null"
check "ingest 1" sh -c "'$ADMIN' ingest --archive '$A' --key '$K/district.key' --passphrase-file '$P' '$T_DIR/e1.qfx' >/dev/null"
cp "$QF_ROOT/holidays/cn-2026.txt" "$A/holidays.txt"

# --- 件号 without gaps, beside the technical index
eq "list: index and 件号" "$(adm list --json | jq -c '[.[] | [.case, .number, .number_name]]')" \
	'[["d07-1",1,"d07#1"],["d07-3",2,"d07#2"],["d07-4",3,"d07#3"]]'
eq "list: d07-1's follow-up is new (never shown)" "$(adm list --json | jq -c '[.[] | .new_followups]')" '[1,0,0]'
out=$(adm list)
check "list text: a 件号 column" sh -c "printf '%s\n' \"\$1\" | head -n 1 | grep -q '件号'" _ "$out"
check "list text: d07-3 is d07#2" sh -c "printf '%s\n' \"\$1\" | grep '^d07-3 ' | grep -q ' d07#2 '" _ "$out"
out=$(adm show 'd07#2' --by "$BY")
eq "show d07#2: exit 0" $? 0
check "show d07#2 shows case d07-3 and its 件号" sh -c "printf '%s\n' \"\$1\" | grep -q '^案件 Case: d07-3 .*件号 No\\. d07#2'" _ "$out"
out=$(adm show 'd07＃3' --by "$BY")
check "show d07＃3 (full-width #) shows d07-4" sh -c "printf '%s\n' \"\$1\" | grep -q '^案件 Case: d07-4 '" _ "$out"
out=$(adm show 'd07#9' --by "$BY" 2>&1)
eq "show d07#9: exit 1" $? 1
check "it says there is no such 件号" sh -c "printf '%s' \"\$1\" | grep -q 'no case d07#9'" _ "$out"
out=$(adm show 'd07#0' --by "$BY" 2>&1)
eq "show d07#0: exit 1" $? 1
out=$(adm stage 'd07#2' not_accepted --by "$BY" 2>&1)
eq "stage d07#2 不予受理: exit 0" $? 0
eq "... recorded on d07-3" "$(adm list --json | jq -r '.[] | select(.case == "d07-3") | .stage')" not_accepted
check "mark duplicate-of d07#2" sh -c "LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 '$ADMIN' mark --archive '$A' 'd07#3' duplicate-of 'd07#1' --by '$BY' >/dev/null"
check "... names d07-1" sh -c "'$ADMIN' show --archive '$A' --passphrase-file '$P' d07-1 | grep -q 'Duplicates of this case: d07-4'"
out=$(adm search case-body-5521)
check "search names the 件号" sh -c "printf '%s\n' \"\$1\" | grep -q '^d07-3 (d07#2) '" _ "$out"
out=$(adm forward 'd07#2' --out "$T_DIR/fwd.txt" --to 县公安局 --by "$BY")
check "forward d07#2 names d07-3 (d07#2)" sh -c "printf '%s' \"\$1\" | grep -q '^case d07-3 (d07#2): wrote'" _ "$out"
check "the forwarded document carries the 件号" grep -q '^件号：d07#2$' "$T_DIR/fwd.txt"
out=$(adm note 'd07#3' --message 'a note' --by "$BY")
check "note d07#3 names d07-4 (d07#3)" sh -c "printf '%s' \"\$1\" | grep -q '^case d07-4 (d07#3): note #1 added'" _ "$out"
eq "due --json carries the 件号" "$(adm due --json | jq -r '.[0] | .case + " " + .number_name')" "d07-1 d07#1"

# --- real name, impersonation; new material since the last show
eq "list: real name" "$(adm list --json | jq -c '[.[] | .real_name_label]')" '["实名","匿名","匿名"]'
eq "list: nothing new once each was shown" "$(adm list --json | jq -c '[.[] | .new_followups]')" '[0,0,0]'
check "mark d07#1 impersonated" sh -c "LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 '$ADMIN' mark --archive '$A' 'd07#1' realname impersonated --by '$BY' >/dev/null"
eq "list: 冒名" "$(adm list --json | jq -r '.[0].real_name_label')" 冒名
out=$(adm list)
check "list text: the 冒名 column" sh -c "printf '%s\n' \"\$1\" | grep '^d07-1 ' | grep -q 冒名" _ "$out"

# --- indices 5..7: an objection to the 不予受理 of d07-3, material for d07-4, a new report
check "objection" followup "$R2" objection '对不予受理有异议 objection-7'
check "material" followup "$R3" material '补充 material-3'
R4=$(submit --title 四 --body-file "$T_DIR/b.txt")
check "fourth receipt" test -n "$R4"
check "export 2" sh -c "'$INTAKE' export --data '$D' --district d07 --out '$T_DIR/e2.qfx' >/dev/null"
stop_server
check "ingest 2" sh -c "'$ADMIN' ingest --archive '$A' --passphrase-file '$P' '$T_DIR/e2.qfx' >/dev/null"
eq "list: the new report is d07#4" "$(adm list --json | jq -r '.[] | select(.case == "d07-7") | .number_name')" 'd07#4'
eq "list: new follow-ups" "$(adm list --json | jq -c '[.[] | [.case, .new_followups, .new_objection]]')" \
	'[["d07-1",0,false],["d07-3",1,true],["d07-4",1,false],["d07-7",0,false]]'
out=$(adm list)
check "list text: the objection is marked" sh -c "printf '%s\n' \"\$1\" | grep '^d07-3 ' | grep -q '异议'" _ "$out"
check "list text: new material is marked" sh -c "printf '%s\n' \"\$1\" | grep '^d07-4 ' | grep -q '+1'" _ "$out"
check "show d07-3" sh -c "LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 '$ADMIN' show --archive '$A' --passphrase-file '$P' d07-3 --by '$BY' | grep -q objection-7"
eq "after show: nothing new on d07-3" "$(adm list --json | jq -c '.[] | select(.case == "d07-3") | [.new_followups, .new_objection]')" '[0,false]'
eq "... d07-4 still has its new material" "$(adm list --json | jq -c '.[] | select(.case == "d07-4") | .new_followups')" 1
check "the show is in the access log" sh -c "'$ADMIN' log --archive '$A' --json | jq -r 'select(.command == \"show\") | .case' | grep -qx d07-3"

# --- the same export again (and the first): nothing renumbered
before=$(adm list --json | jq -c '[.[] | [.case, .number]]')
check "ingest 2 again" sh -c "'$ADMIN' ingest --archive '$A' --passphrase-file '$P' '$T_DIR/e2.qfx' >/dev/null"
check "ingest 1 again" sh -c "'$ADMIN' ingest --archive '$A' --passphrase-file '$P' '$T_DIR/e1.qfx' >/dev/null"
eq "re-ingest renumbers nothing" "$(adm list --json | jq -c '[.[] | [.case, .number]]')" "$before"

# --- stats: the current stage, and the cases that ever reached each step
for s in 受理 初步核实 立案审查调查 办结; do
	check "d07-1 → $s" sh -c "LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 '$ADMIN' stage --archive '$A' d07-1 '$s' --by '$BY' >/dev/null"
done
check "d07#4 → 受理" sh -c "LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 '$ADMIN' stage --archive '$A' 'd07#4' 受理 --by '$BY' >/dev/null"
out=$(adm stats --json)
eq "stats: current stage" "$(printf '%s' "$out" | jq -c '[.by_stage.accepted, .by_stage.concluded, .by_stage.not_accepted]')" '[1,1,1]'
eq "stats: ever reached" "$(printf '%s' "$out" | jq -c '[.reached.accepted, .reached.verification, .reached.case_opened, .reached.ended]')" '[2,1,1,1]'
TODAY=$(adm log --json | tail -n 1 | jq -r .day) # the tool's day (China time by default)
eq "stats: ever reached, in a period without them" \
	"$(adm stats --json --from 2020-01-01 --to 2020-12-31 | jq -c '[.reached.accepted, .reached.ended]')" '[0,0]'
eq "stats: ever reached, in today's period" \
	"$(adm stats --json --from "$TODAY" --to "$TODAY" | jq -c '[.reached.accepted, .reached.verification, .reached.case_opened, .reached.ended]')" '[2,1,1,1]'
out=$(adm stats)
check "stats text: 当前所处阶段" sh -c "printf '%s\n' \"\$1\" | grep -q '^当前所处阶段'" _ "$out"
check "stats text: no 按阶段" sh -c "! printf '%s\n' \"\$1\" | grep -q '按阶段'" _ "$out"
check "stats text: 累计 受理 2" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^ +受理 .* 2\$'" _ "$out"
check "stats text: 累计 了结 1" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^ +了结.* 1\$'" _ "$out"
check "stats csv: reached" sh -c "'$ADMIN' stats --archive '$A' --passphrase-file '$P' --csv | grep -q '^reached,case_opened,立案,1'"
finish
