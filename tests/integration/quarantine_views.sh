#!/bin/sh
# What the rest of the offline tool does with quarantined entries (docs/DESIGN.md
# §10), through the real binaries; quarantine.sh covers ingest itself. One
# anonymous submission must not stop any command, and nothing quarantined may
# pass for the reporter's words anywhere:
#  1. search goes on past an envelope that does not open, and never finds the
#     words of a quarantined follow-up as the case's;
#  2. a quarantined report gets no deadline: `due` neither lists a garbage
#     report filed after a real-name one (it used to inherit that report's
#     real-name flag) nor a real-name report whose bind did not hold (it can
#     never be answered, so its deadline could never be met);
#  3. `forward` refuses a quarantined case, as `reply` does;
#  4. `show --extract` names a quarantined follow-up's files as such;
#  5. control characters from a reporter are shown spelled out (\x1b, \u202e),
#     never raw, on stdout and in error messages.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
K="$T_DIR/keys"
A="$T_DIR/archive"
P="$T_DIR/pass"
printf 'quarantine views passphrase\n' >"$P"
"$INTAKE" init --data "$D" >/dev/null 2>&1
"$ADMIN" keygen --district d07 --name 七区纪委监委 --out "$K" --kdf interactive --passphrase-file "$P" >/dev/null 2>&1
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null 2>&1
set_config "$D" '.pow_difficulty = 0 | .status_per_minute = 1000'
start_server "$D" || exit 1
printf '某局长收受礼金。\n' >"$T_DIR/body.txt"
printf '转账记录\n' >"$T_DIR/evidence.txt"
filed() { printf '%s\n' "$1" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '; }
ESC=$(printf '\033')
raw_controls() { # FILE: exit 0 when FILE holds ESC, BEL, a C1 CSI or a bidi override
	LC_ALL=C grep -q "$ESC" "$1" || LC_ALL=C grep -q "$(printf '\007')" "$1" ||
		LC_ALL=C grep -q "$(printf '\302\233')" "$1" || LC_ALL=C grep -q "$(printf '\342\200\256')" "$1"
}
no_raw() { # NAME FILE
	if [ ! -s "$2" ]; then not_ok "$1 (no output)"; elif raw_controls "$2"; then not_ok "$1"; else ok "$1"; fi
}
jqe() { jq -e "$1" "$2" >/dev/null; }
admin() {
	_c=$1
	shift
	"$ADMIN" "$_c" --archive "$A" --passphrase-file "$P" "$@"
}

# 1: a real-name report with an attachment
R1=$(filed "$("$REPORT" submit --server "$URL" --district d07 --title 一 --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/evidence.txt" --send-uncleaned --keep-names --identity-name 张三 --identity-phone 13800000000 2>&1)")
check "report 1 (real name) filed" test -n "$R1"
# 2: a garbage report right after it
"$QFTOOL" report-body d07 >"$T_DIR/garbage.json" 2>/dev/null
eq "2: a garbage report: 201" "$(code_of "$(submit /api/v1/reports "$T_DIR/garbage.json")")" 201
# 3: a bound report full of escape sequences
R3=MS0Z-H1WW-YKQN-03JM-SFCX
cat >"$T_DIR/evil.json" <<'JSON'
{"v":1,"kind":"report","district":"d07","lang":"zh-CN",
 "report":{"type":"accusation","category":"other","subcategory":"","town":"\u001b]52;c;SGVsbG8=\u0007镇",
  "title":"\u001b[2J\u001b[H假的举报\u001b]0;PWNED\u0007","body":"正文\u202e倒序\u009b31m",
  "when":"","where":"","subject":{"name":"","unit":"","area":"","position":"","level":"unknown","party_member":"unknown"},
  "identity":null},
 "attachments":[]}
JSON
"$QFTOOL" seal "$K/district.pub.json" "$T_DIR/evil.json" "$R3" report >"$T_DIR/evil.sub"
eq "3: a report full of escape sequences: 201" "$(code_of "$(submit /api/v1/reports "$T_DIR/evil.sub")")" 201
# 4: the operator's follow-up to report 1, with an attachment, signed by another key
printf '{"v":1,"kind":"followup","district":"d07","purpose":"objection","body":"我撤回举报，此前所述均为不实。","attachments":[{"name":"retraction.txt","type":"text/plain","size":5}]}\n' >"$T_DIR/fu.json"
"$QFTOOL" seal "$K/district.pub.json" "$T_DIR/fu.json" "$R1" followup-other >"$T_DIR/forged.sub"
eq "4: a forged follow-up: 201" "$(code_of "$(submit /api/v1/followups "$T_DIR/forged.sub")")" 201
# 5: a garbage follow-up with report 1's lookup and auth (what the operator sees)
set -- $("$QFTOOL" derive "$R1")
jq -n --arg l "$1" --arg a "$2" --arg e "$("$QFTOOL" fake-envelope 4096)" \
	'{lookup: $l, auth: $a, envelope: $e}' >"$T_DIR/gfu.json"
eq "5: a garbage follow-up: 201" "$(code_of "$(submit /api/v1/followups "$T_DIR/gfu.json")")" 201
# 6: the reporter's own follow-up
printf '补充：会议记录。\n' >"$T_DIR/more.txt"
"$REPORT" followup --server "$URL" --receipt "$R1" --body-file "$T_DIR/more.txt" >/dev/null 2>&1
eq "6: the reporter's own follow-up" $? 0

"$INTAKE" export --data "$D" --district d07 --out "$T_DIR/e1.qfx" >/dev/null 2>&1
admin ingest --key "$K/district.key" "$T_DIR/e1.qfx" >"$T_DIR/ingest1.out" 2>&1
eq "ingest takes the bundle" $? 0
check "ingest: 6 entries, 3 quarantined" grep -q '6 new entries, 3 of them QUARANTINED' "$T_DIR/ingest1.out"

# --- 1: search
admin search 收受 >"$T_DIR/s1.out" 2>&1
eq "1: search goes on past envelopes that do not open" $? 0
check "1: ... finds the honest report, of the two cases it can read" sh -c "grep -q '^d07-1' '$T_DIR/s1.out' && grep -q '^1 of 2 case' '$T_DIR/s1.out'"
admin search 会议记录 >"$T_DIR/s2.out" 2>&1
check "1: the reporter's own follow-up is searched" grep -q '^d07-1' "$T_DIR/s2.out"
admin search 撤回举报 >"$T_DIR/s3.out" 2>&1
eq "1: search of a word only the forged follow-up holds" $? 0
check "1: ... finds no case: it is not the reporter's" grep -q '^0 of ' "$T_DIR/s3.out"

# --- 2: deadlines
admin due --json >"$T_DIR/due.json" 2>"$T_DIR/due.err"
eq "2: due runs" $? 0
check "2: the real-name report has its deadline" jqe 'map(select(.case == "d07-1")) | length > 0' "$T_DIR/due.json"
check "2: the garbage report after it has none" jqe 'map(select(.case == "d07-2")) | length == 0' "$T_DIR/due.json"
admin list --json >"$T_DIR/list.json" 2>"$T_DIR/list.err"
check "2: list does not call the garbage report real-name" jqe '.[] | select(.case == "d07-2") | .real_name != true' "$T_DIR/list.json"

# a real-name report whose reply key the operator swaps in a re-signed export
R7=$(filed "$("$REPORT" submit --server "$URL" --district d07 --title 七 --body-file "$T_DIR/body.txt" \
	--identity-name 李四 2>&1)")
check "report 7 (real name) filed" test -n "$R7"
"$INTAKE" export --data "$D" --district d07 --out "$T_DIR/e2.qfx" >/dev/null 2>&1
jq -c --arg pk "$("$QFTOOL" rand 32)" 'if .kind == "report" then .reply_pk = $pk else . end' "$T_DIR/e2.qfx" |
	sed '$d' >"$T_DIR/e2.body"
echo '{"sig":"x"}' >>"$T_DIR/e2.body"
"$QFTOOL" resign-export "$D/server.key" "$T_DIR/e2.body" "$T_DIR/e2x.qfx"
admin ingest "$T_DIR/e2x.qfx" >"$T_DIR/ingest2.out" 2>&1
check "2: the swapped report is quarantined" grep -q '1 of them QUARANTINED' "$T_DIR/ingest2.out"
admin due --json >"$T_DIR/due2.json" 2>"$T_DIR/due2.err"
check "2: a quarantined real-name report gets no deadline it could never meet" \
	jqe 'map(select(.case == "d07-7")) | length == 0' "$T_DIR/due2.json"

# --- 3: forward
admin forward d07-7 --to 区监察委员会 --by 王五 --out "$T_DIR/fwd7.txt" >"$T_DIR/fwd7.out" 2>&1
eq "3: forward of a quarantined case is refused" $? 1
check "3: ... saying why" grep -q 'quarantined' "$T_DIR/fwd7.out"
check "3: ... and writes nothing" test ! -e "$T_DIR/fwd7.txt"

# --- 4: extract
mkdir "$T_DIR/x"
admin show d07-1 --extract "$T_DIR/x" >"$T_DIR/x.out" 2>&1
eq "4: show --extract of case 1" $? 0
ls "$T_DIR/x/d07-1" >"$T_DIR/x.names"
check "4: the reporter's attachment keeps its name" grep -qx '1-evidence.txt' "$T_DIR/x.names"
check "4: the forged follow-up's file is named quarantined" grep -qx '2-QUARANTINED-retraction.txt' "$T_DIR/x.names"

# --- 5: escapes spelled out
admin show d07-3 >"$T_DIR/show3.out" 2>&1
no_raw "5: show prints nothing raw" "$T_DIR/show3.out"
check "5: ESC is spelled \\x1b" grep -qF '\x1b[2J\x1b[H假的举报\x1b]0;PWNED\x07' "$T_DIR/show3.out"
check "5: the bidi override is spelled \\u202e, C1 CSI \\u009b" grep -qF '正文\u202e倒序\u009b31m' "$T_DIR/show3.out"
admin stats >"$T_DIR/stats.out" 2>&1
no_raw "5: stats prints nothing raw (towns come from reports)" "$T_DIR/stats.out"
check "5: ... the town spelled out" grep -qF '\x1b]52;c;SGVsbG8=\x07镇' "$T_DIR/stats.out"
admin list --titles >"$T_DIR/list.out" 2>&1
no_raw "5: list --titles prints nothing raw" "$T_DIR/list.out"
admin search 倒序 >"$T_DIR/s4.out" 2>&1
no_raw "5: search's context prints nothing raw" "$T_DIR/s4.out"

finish
