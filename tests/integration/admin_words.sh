#!/bin/sh
# The offline tool takes the words investigators use (issue 17): stages,
# statuses and marks typed in Chinese (受理, 已受理, 重复件, 实名已核实) do what
# the English words do; every reading command takes --by and the access log
# records that name instead of the operating-system login; a misplaced option
# is named by its name, not by the value after it; an export for another
# district says so instead of asking for a key.
. "$(dirname "$0")/lib.sh"

P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
K="$T_DIR/keys"
D="$T_DIR/data"
A="$T_DIR/archive"
"$ADMIN" keygen --district d07 --name '七区纪委监委' --out "$K" --kdf interactive \
	--passphrase-file "$P" >/dev/null || exit 1
"$INTAKE" init --data "$D" >/dev/null || exit 1
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null || exit 1
"$ADMIN" keygen --district d08 --name '八区纪委监委' --out "$T_DIR/k8" --kdf interactive \
	--passphrase-file "$P" >/dev/null || exit 1
"$INTAKE" district add --data "$D" "$T_DIR/k8/district.pub.json" >/dev/null || exit 1
set_config "$D" '.pow_difficulty = 4'
start_server "$D" || exit 1
adm() { "$ADMIN" "$@" --archive "$A" --passphrase-file "$P"; }
printf '正文 body-3391\n' >"$T_DIR/b.txt"
for t in 一 二; do
	"$REPORT" submit --server "$URL" --district d07 --title "举报$t" --body-file "$T_DIR/b.txt" \
		--identity-name 王五 >/dev/null || exit 1
done
"$REPORT" submit --server "$URL" --district d08 --title 八区 --body-file "$T_DIR/b.txt" >/dev/null || exit 1
"$INTAKE" export --data "$D" --district d07 --out "$T_DIR/e.qfx" >/dev/null || exit 1
"$INTAKE" export --data "$D" --district d08 --out "$T_DIR/e8.qfx" >/dev/null || exit 1
stop_server
adm ingest --key "$K/district.key" "$T_DIR/e.qfx" >/dev/null || exit 1
C1=$(adm list --json | jq -r '.[0].case')
C2=$(adm list --json | jq -r '.[1].case')

# --- Chinese words
out=$(adm stage "$C1" 受理 --by 李科员 2>&1)
eq "stage 受理: exit 0" $? 0
eq "stage 受理 records the stage accepted" "$(adm list --json | jq -r --arg c "$C1" '.[] | select(.case == $c) | .stage')" accepted
out=$(adm status "$C2" 已受理 2>&1)
eq "status 已受理: exit 0" $? 0
check "status 已受理 queues accepted" sh -c "printf '%s' \"\$1\" | grep -q 'status accepted 已受理'" _ "$out"
eq "list --status 已受理 finds it" "$(adm list --status 已受理 --json | jq -r '.[].case' | grep -c "$C2")" 1
out=$(adm mark "$C1" 实名核实 实名已核实 --by 李科员 2>&1)
eq "mark 实名核实 实名已核实: exit 0" $? 0
check "it records realname verified" sh -c "printf '%s' \"\$1\" | grep -q 'mark realname .*: verified'" _ "$out"
out=$(adm stage "$C1" 受 --by 李科员 2>&1)
eq "an unknown word: exit 1" $? 1
check "it lists the stages" sh -c "printf '%s' \"\$1\" | grep -q \"unknown stage '受'\"" _ "$out"

# --- --by on every reading command, recorded in the access log
check "show --by" sh -c "'$ADMIN' show --archive '$A' --passphrase-file '$P' '$C1' --by 张调查员 >/dev/null"
check "search --by" sh -c "'$ADMIN' search --archive '$A' --passphrase-file '$P' --by 赵调查员 body-3391 >/dev/null"
check "stats --by" sh -c "'$ADMIN' stats --archive '$A' --passphrase-file '$P' --by 钱调查员 >/dev/null"
check "list --titles --by" sh -c "'$ADMIN' list --archive '$A' --passphrase-file '$P' --titles --by 孙调查员 >/dev/null"
log=$(adm log --json | jq -s .)
for who in 张调查员:show 赵调查员:search 钱调查员:stats 孙调查员:list; do
	eq "the access log names ${who%%:*} for ${who#*:}" \
		"$(printf '%s' "$log" | jq -r --arg w "${who%%:*}" --arg c "${who#*:}" '[.[] | select(.user == $w and (.command | startswith($c)))] | length > 0')" true
done
login=$(id -un)
eq "no reading line by the login when --by was given" \
	"$(printf '%s' "$log" | jq -r --arg w "$login" '[.[] | select(.user == $w and (.command | test("^(show|search|stats)")))] | length')" 0

# --- another district's export says so, rather than asking for a key
out=$(adm ingest "$T_DIR/e8.qfx" 2>&1)
eq "d08's export into d07's archive: exit 1" $? 1
check "it says the export is for another district" sh -c "printf '%s' \"\$1\" | grep -q 'this export is for district d08, and this archive holds d07'" _ "$out"
eq "nothing of d08 was read" "$(adm list --json | jq '[.[] | select(.case | startswith("d08"))] | length')" 0

# --- a misplaced option is named by its name
out=$(adm log --by 李科员 2>&1)
eq "log --by: a usage error" $? 2
check "it names --by, not its value" sh -c "printf '%s' \"\$1\" | grep -q 'option --by does not apply here'" _ "$out"
check "... and not the value" sh -c "! printf '%s' \"\$1\" | grep -q 'option 李科员'" _ "$out"
finish
