#!/bin/sh
# The investigator's workflow (DESIGN.md §13, issue 6) with the real binaries:
# reports in through the server (one real-name), export, ingest; stages, marks,
# notes and replies; due and list with deadlines in working days; search over
# the decrypted text; stats as text, JSON, CSV, SVG (valid XML, checked with
# xmllint when installed) and HTML (rendered by headless chromium when
# installed); the redacted forward; the update carries the mapped statuses and
# the replies only, and the reporter sees exactly those; nothing the
# investigator wrote or searched lies in the archive in plaintext.
. "$(dirname "$0")/lib.sh"

P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
K="$T_DIR/keys"
D="$T_DIR/data"
A="$T_DIR/archive"
BY="王主任"
"$ADMIN" keygen --district d07 --name '七区纪委监委' --out "$K" --kdf interactive \
	--passphrase-file "$P" >/dev/null || exit 1
"$INTAKE" init --data "$D" >/dev/null || exit 1
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null || exit 1
set_config "$D" '.pow_difficulty = 4'
start_server "$D" || exit 1
adm() { "$ADMIN" "$@" --archive "$A" --passphrase-file "$P"; }
# has TEXT FILE: the file contains the text (bytes, binary files too)
has() { grep -aqF -- "$1" "$2"; }

# --- three reports (the first real-name) and a follow-up
printf '他在验收时收受红包 red-envelope-7731。\n' >"$T_DIR/b1.txt"
printf '村务不公开 village-funds-2209\n' >"$T_DIR/b2.txt"
printf '与第二份同一事项 same-matter-5120\n' >"$T_DIR/b3.txt"
submit() {
	"$REPORT" submit --server "$URL" --district d07 "$@" |
		grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '
}
R1=$(submit --title 验收红包 --body-file "$T_DIR/b1.txt" --category integrity --town 城关镇 \
	--subject-name 张某某 --subject-unit 城建局 --level township \
	--identity-name 王五 --identity-phone 13900001111)
R2=$(submit --title 村务 --body-file "$T_DIR/b2.txt" --category mass --town 东河镇 --level village)
R3=$(submit --title 同一事项 --body-file "$T_DIR/b3.txt" --category work --town '<b>&"镇')
check "three receipts" test -n "$R1" -a -n "$R2" -a -n "$R3"
printf '补充材料 extra-material-4410\n' >"$T_DIR/f1.txt"
check "follow-up" sh -c "'$REPORT' followup --server '$URL' --receipt '$R1' --body-file '$T_DIR/f1.txt' >/dev/null"
check "export" sh -c "'$INTAKE' export --data '$D' --district d07 --out '$T_DIR/e1.qfx' >/dev/null"
stop_server
check "ingest" sh -c "'$ADMIN' ingest --archive '$A' --key '$K/district.key' --passphrase-file '$P' '$T_DIR/e1.qfx' >/dev/null"
cp "$QF_ROOT/holidays/cn-2026.txt" "$A/holidays.txt"
DAY=$(adm list --json | jq -r '.[0].day')
LATER=$(date -u -d "$DAY + 40 days" +%F)

# --- deadlines: ingest recorded which report is real-name
eq "real name recorded at ingest" "$(adm list --json | jq -c '[.[] | .real_name]')" '[true,false,false]'
out=$(QF_TODAY=$DAY adm due --json)
eq "due: one case" "$(printf '%s' "$out" | jq -r '[.[].case] | join(",")')" d07-1
eq "due: acceptance, pending" "$(printf '%s' "$out" | jq -r '.[0].deadline | .kind + " " + .state')" "acceptance pending"
DUE=$(printf '%s' "$out" | jq -r '.[0].deadline.due')
eq "due: 15 working days" "$(printf '%s' "$out" | jq -r '.[0].deadline.working_days_left')" 15
eq "due soon on the day itself" "$(QF_TODAY=$DUE adm due --json | jq -r '.[0].deadline | .state + " " + (.working_days_left | tostring)')" "due_soon 0"
eq "overdue later" "$(QF_TODAY=$LATER adm due --json | jq -r '.[0].deadline.state')" overdue
eq "list: overdue first" "$(QF_TODAY=$LATER adm list --json | jq -c '[.[] | [.case, .overdue]]')" \
	'[["d07-1",true],["d07-2",false],["d07-3",false]]'
check "list text shows it" sh -c "QF_TODAY=$LATER '$ADMIN' list --archive '$A' | grep d07-1 | grep -q overdue"
out=$(QF_TODAY=$DAY "$ADMIN" due --archive "$A" --holidays "$T_DIR/none.txt" 2>&1)
eq "a missing --holidays file is an error" $? 1
printf '2026-02-16 workday\n' >"$T_DIR/badcal.txt"
out=$(QF_TODAY=$DAY "$ADMIN" due --archive "$A" --holidays "$T_DIR/badcal.txt" 2>&1)
eq "a bad calendar is an error" $? 1
check "the error names the line" sh -c "printf '%s' \"\$1\" | grep -q 'line 1: 2026-02-16 is a Monday'" _ "$out"

# --- stages, marks, notes, replies
out=$(QF_TODAY=$DAY adm stage d07-1 accepted --by "$BY" --note '初核意见 note-text-6631')
eq "stage" $? 0
check "stage says the status is queued" sh -c "printf '%s' \"\$1\" | grep -q 'status accepted 已受理 queued'" _ "$out"
out=$(QF_TODAY=$DAY adm reply d07-1 --message '您的举报已受理 reply-accepted')
eq "reply" $? 0
eq "acceptance met: nothing due" "$(QF_TODAY=$LATER adm due --json | jq length)" 0
eq "due --all shows it met" "$(QF_TODAY=$LATER adm due --json --all | jq -r '.[0].deadline.state')" met
check "mark upper-level" sh -c "QF_TODAY=$DAY '$ADMIN' mark --archive '$A' d07-2 upper-level --by '$BY' >/dev/null"
eq "upper-level due in 5 working days" "$(QF_TODAY=$DAY adm due --json | jq -r '.[0] | .case + " " + .deadline.kind + " " + (.deadline.working_days_left | tostring)')" "d07-2 upper_level 5"
check "mark escalation" sh -c "QF_TODAY=$DAY '$ADMIN' mark --archive '$A' d07-2 escalation designate --approved-by 李书记 --by '$BY' >/dev/null"
check "mark duplicate-of" sh -c "QF_TODAY=$DAY '$ADMIN' mark --archive '$A' d07-3 duplicate-of d07-2 --by '$BY' >/dev/null"
check "stage duplicate" sh -c "QF_TODAY=$DAY '$ADMIN' stage --archive '$A' d07-3 duplicate --by '$BY' >/dev/null"
check "note" sh -c "QF_TODAY=$DAY '$ADMIN' note --archive '$A' d07-2 --message '内部备注 internal-note-8812' --by '$BY' >/dev/null"
check "mark realname verified" sh -c "QF_TODAY=$DAY '$ADMIN' mark --archive '$A' d07-1 realname verified --by '$BY' >/dev/null"
out=$(QF_TODAY=$DAY "$ADMIN" mark --archive "$A" d07-2 realname verified --by "$BY" 2>&1)
eq "realname on an anonymous report refused" $? 1
out=$(QF_TODAY=$DAY "$ADMIN" mark --archive "$A" d07-2 finding mistaken --by "$BY" 2>&1)
eq "finding on an open case refused" $? 1
out=$(QF_TODAY=$DAY "$ADMIN" stage --archive "$A" d07-2 accepted 2>&1)
eq "stage without --by is a usage error" $? 2
out=$(adm show d07-2)
check "show: stage, marks, note" sh -c "printf '%s' \"\$1\" | grep -q '指定管辖, 批准 approved by 李书记' && printf '%s' \"\$1\" | grep -q 'internal-note-8812' && printf '%s' \"\$1\" | grep -q 'Duplicates of this case: d07-3'" _ "$out"

# --- search: decrypted in memory only
out=$(adm search red-envelope-7731)
check "search finds the body" sh -c "printf '%s' \"\$1\" | grep -q '^d07-1 '" _ "$out"
check "search shows context" sh -c "printf '%s' \"\$1\" | grep -q '\"red-envelope-7731\" 正文 body: 他在验收时收受红包 red-envelope-7731。\$'" _ "$out"
eq "search: follow-ups and subject" "$(adm search EXTRA-MATERIAL-4410 张某某 | head -n 1 | cut -d' ' -f1)" d07-1
eq "search: notes" "$(adm search internal-note-8812 | head -n 1 | cut -d' ' -f1)" d07-2
eq "search: all words must match" "$(adm search red-envelope-7731 village-funds-2209 | tail -n 1)" "0 of 3 case(s) match"

# --- statistics
out=$(QF_TODAY=$DAY adm stats --json)
eq "stats: cases" "$(printf '%s' "$out" | jq .cases)" 3
eq "stats: stages" "$(printf '%s' "$out" | jq -c '[.by_stage.registered, .by_stage.accepted, .by_stage.duplicate]')" '[1,1,1]'
eq "stats: identity" "$(printf '%s' "$out" | jq -c '[.identity.real_name, .identity.anonymous]')" '[1,2]'
eq "stats: acceptance same day" "$(printf '%s' "$out" | jq -c '[.to_acceptance.cases, .to_acceptance.median_days]')" '[1,0]'
eq "stats: categories" "$(printf '%s' "$out" | jq -c '[.by_category.integrity, .by_category.mass, .by_category.work]')" '[1,1,1]'
check "stats text" sh -c "QF_TODAY=$DAY '$ADMIN' stats --archive '$A' --passphrase-file '$P' | grep -q '案件总数 Cases: 3'"
check "stats csv" sh -c "QF_TODAY=$DAY '$ADMIN' stats --archive '$A' --passphrase-file '$P' --csv | grep -q '^town,东河镇,,1'"
check "stats svg" sh -c "QF_TODAY=$DAY '$ADMIN' stats --archive '$A' --passphrase-file '$P' --svg '$T_DIR/stats.svg' >/dev/null"
check "stats html" sh -c "QF_TODAY=$DAY '$ADMIN' stats --archive '$A' --passphrase-file '$P' --html '$T_DIR/stats.html' >/dev/null"
out=$("$ADMIN" stats --archive "$A" --passphrase-file "$P" --svg "$T_DIR/stats.svg" 2>&1)
eq "stats never overwrites" $? 1
check "svg: 0600" sh -c "[ \"\$(stat -c %a '$T_DIR/stats.svg')\" = 600 ]"
check "svg: the hostile town is escaped" has '&lt;b&gt;&amp;&quot;镇' "$T_DIR/stats.svg"
check "html: no script" sh -c "! grep -qi '<script' '$T_DIR/stats.html'"
check "html: no outside resource" sh -c "! grep -qiE 'src=|href=|url\\(|https?://[^w]' '$T_DIR/stats.html'"
if command -v xmllint >/dev/null 2>&1; then
	check "svg is well-formed XML (xmllint)" xmllint --noout "$T_DIR/stats.svg"
	# libxml2 parses HTML 4: it names the HTML5 elements (section, svg, ...) and nothing else
	check "html parses (xmllint --html)" sh -c "xmllint --html --noout '$T_DIR/stats.html' 2>&1 | grep 'error' | { ! grep -v 'Tag [a-z]* invalid'; }"
else
	echo "skip svg XML check: xmllint not installed (Debian: libxml2-utils)"
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T_DIR/chromium" --screenshot="$T_DIR/stats.png" \
		--window-size=1200,1600 "file://$T_DIR/stats.html" >/dev/null 2>&1
	check "html renders in headless chromium" sh -c "[ -s '$T_DIR/stats.png' ] && head -c 8 '$T_DIR/stats.png' | od -An -c | grep -q 'P   N   G'"
else
	echo "skip html rendering: chromium not installed"
fi

# --- redacted forward
check "forward" sh -c "QF_TODAY=$DAY '$ADMIN' forward --archive '$A' --passphrase-file '$P' d07-1 --out '$T_DIR/fwd.txt' --to 县公安局 --by '$BY' >/dev/null"
check "forward: the report" has red-envelope-7731 "$T_DIR/fwd.txt"
check "forward: the subject" has 张某某 "$T_DIR/fwd.txt"
check "forward: no identity" sh -c "! grep -qE '王五|13900001111' '$T_DIR/fwd.txt'"
check "forward: no follow-up, reply or note" sh -c "! grep -qE 'extra-material|reply-accepted|note-text' '$T_DIR/fwd.txt'"
check "forward: 0600" sh -c "[ \"\$(stat -c %a '$T_DIR/fwd.txt')\" = 600 ]"
check "forward: in the history" sh -c "'$ADMIN' show --archive '$A' --passphrase-file '$P' d07-1 | grep -q 'forwarded (redacted) to 县公安局'"

# --- nothing the investigator wrote or searched for is on disk in plaintext
for s in note-text-6631 internal-note-8812 red-envelope-7731 extra-material-4410 王五; do
	check "archive holds no plaintext '$s'" sh -c "! grep -raqF '$s' '$A'"
done

# --- update: the mapped statuses and the replies, nothing else
check "update" sh -c "QF_TODAY=$DAY '$ADMIN' update --archive '$A' --passphrase-file '$P' --out '$T_DIR/u1.qfu' >/dev/null"
eq "update entries" "$(sed '1d;$d' "$T_DIR/u1.qfu" | jq -c 'select(.op != "case") | [.op, (.status // "-")]' | tr '\n' ' ')" \
	'["status","accepted"] ["reply","-"] ["status","accepted"] '
# and the district's signed word on each case (§15): the reporter-visible status only
eq "update statements" "$(sed '1d;$d' "$T_DIR/u1.qfu" | jq -c 'select(.op == "case") | .status' | sort | uniq -c | tr -s ' \n' ' ')" \
	' 2 "accepted" 1 "received" '
for s in 李书记 escalation upper-level duplicate-of verified note internal stage; do
	check "update does not carry '$s'" sh -c "! sed '1d;\$d' '$T_DIR/u1.qfu' | jq -c 'if .op == \"case\" then [.status, .status_day] else del(.envelope) end' | grep -qF '$s'"
done
check "import" sh -c "'$INTAKE' import --data '$D' '$T_DIR/u1.qfu' >/dev/null"
start_server "$D" || exit 1
out=$("$REPORT" status --server "$URL" --receipt "$R1" 2>&1)
check "reporter 1 sees accepted and the reply" sh -c "printf '%s' \"\$1\" | grep -q accepted && printf '%s' \"\$1\" | grep -q reply-accepted" _ "$out"
out=$("$REPORT" status --server "$URL" --receipt "$R2" 2>&1)
check "reporter 2 still sees received (marks are not sent)" sh -c "printf '%s' \"\$1\" | grep -q received" _ "$out"
out=$("$REPORT" status --server "$URL" --receipt "$R3" 2>&1)
check "reporter 3 sees accepted (duplicate maps to accepted)" sh -c "printf '%s' \"\$1\" | grep -q accepted" _ "$out"
stop_server

# --- the access log
log=$("$ADMIN" log --archive "$A")
for c in stage mark note search stats forward; do
	check "access log: $c" sh -c "printf '%s\n' \"\$1\" | grep -q \" $c \"" _ "$log"
done
finish
