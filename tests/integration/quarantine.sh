#!/bin/sh
# Issue 12 through the real binaries: what a hostile server operator or an
# anonymous attacker could do before bindings, signed follow-ups and
# quarantine (docs/DESIGN.md §6, §10), and that it no longer works:
#  1. one garbage envelope ("QFE1" and random bytes) among honest reports no
#     longer stops the district: ingest quarantines exactly it, goes on, the
#     update acknowledges it, the server purges it, the next round works;
#  2. the operator's reply-key swap in a re-signed export is caught (the
#     report's sealed bind disagrees): quarantined, and it cannot be answered;
#     a reply to an honest case opens only with the reporter's own key;
#  3. a follow-up the operator writes with the report's lookup and auth, but
#     not the reporter's signing key (or none), is quarantined and never shown
#     as the reporter's words; the reporter's own signed one is clean;
#  4. escape sequences in manifest keys, values and attachment names, and in
#     a bundle field, never reach the terminal raw.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
K="$T_DIR/keys"
A="$T_DIR/archive"
P="$T_DIR/pass"
printf 'quarantine test passphrase\n' >"$P"
"$INTAKE" init --data "$D" >/dev/null
"$ADMIN" keygen --district d06 --name 六区纪委监委 --out "$K" --kdf interactive --passphrase-file "$P" >/dev/null
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null
set_config "$D" '.pow_difficulty = 0 | .status_per_minute = 1000'
start_server "$D" || exit 1
printf '某局长收受礼金。\n' >"$T_DIR/body.txt"
filed() { printf '%s\n' "$1" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '; }
ESC=$(printf '\033')
raw_controls() { # FILE: exit 0 when FILE holds ESC, BEL, a C1 CSI or a bidi override
	LC_ALL=C grep -q "$ESC" "$1" || LC_ALL=C grep -q "$(printf '\007')" "$1" ||
		LC_ALL=C grep -q "$(printf '\302\233')" "$1" || LC_ALL=C grep -q "$(printf '\342\200\256')" "$1"
}
no_raw() { # NAME FILE
	if [ ! -s "$2" ]; then not_ok "$1 (no output)"; elif raw_controls "$2"; then not_ok "$1"; else ok "$1"; fi
}

# --- the submissions: honest, garbage, honest, hostile text, forged and honest follow-ups
R1=$(filed "$("$REPORT" submit --server "$URL" --district d06 --title 一 --body-file "$T_DIR/body.txt" 2>&1)")
check "report 1 filed" test -n "$R1"
"$QFTOOL" report-body d06 >"$T_DIR/garbage.json" 2>/dev/null
out=$(submit /api/v1/reports "$T_DIR/garbage.json")
eq "a garbage envelope of a plausible length: the server cannot tell (201)" "$(code_of "$out")" 201
R3=$(filed "$("$REPORT" submit --server "$URL" --district d06 --title 三 --body-file "$T_DIR/body.txt" 2>&1)")
check "report 3 filed" test -n "$R3"
R4=MS0Z-H1WW-YKQN-03JM-SFCX
cat >"$T_DIR/evil.json" <<'JSON'
{"v":1,"kind":"report","district":"d06","lang":"zh-CN",
 "report":{"type":"accusation","category":"other","subcategory":"","town":"",
  "title":"\u001b[2J\u001b[H假的举报\u001b]0;PWNED\u0007","body":"正文\u001b]52;c;SGVsbG8=\u0007\u202e倒序\u009b31m",
  "when":"","where":"","subject":{"name":"","unit":"","area":"","position":"","level":"unknown","party_member":"unknown"},
  "identity":null,"\u001b[31mkey":"\u001b[5mvalue"},
 "attachments":[{"name":"a\u001b[2Jb\u202egpj.exe","type":"image/jpeg","size":3}]}
JSON
"$QFTOOL" seal "$K/district.pub.json" "$T_DIR/evil.json" "$R4" report >"$T_DIR/evil.sub"
out=$(submit /api/v1/reports "$T_DIR/evil.sub")
eq "a report full of escape sequences (bound, so not quarantined): 201" "$(code_of "$out")" 201
printf '{"v":1,"kind":"followup","district":"d06","purpose":"objection","body":"我撤回举报，此前所述均为不实。","attachments":[]}\n' >"$T_DIR/fu.json"
"$QFTOOL" seal "$K/district.pub.json" "$T_DIR/fu.json" "$R1" followup-other >"$T_DIR/forged.sub"
out=$(submit /api/v1/followups "$T_DIR/forged.sub")
eq "the operator's follow-up with the reporter's auth, another key: 201" "$(code_of "$out")" 201
"$QFTOOL" seal "$K/district.pub.json" "$T_DIR/fu.json" "$R1" followup-unsigned >"$T_DIR/unsigned.sub"
out=$(submit /api/v1/followups "$T_DIR/unsigned.sub")
eq "... and one without a signature: 201" "$(code_of "$out")" 201
printf '补充：会议记录。\n' >"$T_DIR/more.txt"
"$REPORT" followup --server "$URL" --receipt "$R1" --body-file "$T_DIR/more.txt" >/dev/null 2>&1
eq "the reporter's own follow-up" $? 0

# --- 1 and 3: ingest takes the bundle, quarantines exactly the bad ones
"$INTAKE" export --data "$D" --district d06 --out "$T_DIR/e1.qfx" >/dev/null
"$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e1.qfx" >"$T_DIR/ingest1.out" 2>&1
eq "ingest takes the bundle" $? 0
check "ingest says 3 entries are quarantined" grep -q '7 new entries, 3 of them QUARANTINED' "$T_DIR/ingest1.out"
no_raw "ingest's output holds no raw control" "$T_DIR/ingest1.out"
"$ADMIN" list --archive "$A" --passphrase-file "$P" >"$T_DIR/list.out" 2>&1
check "list: the garbage report (2) quarantined, with why" sh -c "grep -A1 '^d06-2 ' '$T_DIR/list.out' | grep -q 'does not open'"
check "list: the forged follow-up (5) quarantined" sh -c "grep -A1 '^d06-5 ' '$T_DIR/list.out' | grep -q 'does not verify'"
check "list: the unsigned follow-up (6) quarantined" sh -c "grep -A1 '^d06-6 ' '$T_DIR/list.out' | grep -q 'no reporter'"
check "list: the honest ones are not" sh -c "! grep -A1 '^d06-1 \|^d06-3 \|^d06-4 ' '$T_DIR/list.out' | grep -q 'quarantined:'"
out=$("$ADMIN" show --archive "$A" --passphrase-file "$P" d06-1 2>&1)
check "show case 1: the reporter's own follow-up is its words" sh -c "printf '%s' \"\$1\" | grep -q '会议记录'" _ "$out"
check "show case 1: the forged retraction is marked NOT the reporter's" sh -c "printf '%s' \"\$1\" | grep -B1 -A3 'NOT verified' | grep -q '撤回举报'" _ "$out"
eq "show case 1: two quarantined follow-ups marked" "$(printf '%s' "$out" | grep -c 'NOT verified as the reporter')" 2
out=$("$ADMIN" show --archive "$A" --passphrase-file "$P" d06-2 2>&1)
check "show of the garbage report says what it is" sh -c "printf '%s' \"\$1\" | grep -q 'QUARANTINED' && printf '%s' \"\$1\" | grep -q 'broken or malicious client'" _ "$out"
"$ADMIN" stats --archive "$A" --passphrase-file "$P" >"$T_DIR/stats.out" 2>&1
check "stats counts the quarantined entries" grep -q 'Quarantined entries.*: 3' "$T_DIR/stats.out"
"$ADMIN" reply --archive "$A" --passphrase-file "$P" d06-3 --message "已受理。" >/dev/null
"$ADMIN" update --archive "$A" --passphrase-file "$P" --out "$T_DIR/u1.qfu" >/dev/null
check "the update acknowledges every entry, the quarantined included" sh -c "head -n 1 '$T_DIR/u1.qfu' | jq -e '.acks_through == 7' >/dev/null"
eq "before the import every exported envelope is in data.mdb" "$(node "$QF_ROOT/tests/tools/purged_in_file.mjs" "$T_DIR/e1.qfx" "$D/db/data.mdb")" "7 of 7"
"$INTAKE" import --data "$D" "$T_DIR/u1.qfu" >/dev/null
eq "import" $? 0
# issue 21: the purge also overwrites the freed pages, with the server running
eq "no purged envelope left in data.mdb's bytes" "$(node "$QF_ROOT/tests/tools/purged_in_file.mjs" "$T_DIR/e1.qfx" "$D/db/data.mdb")" "0 of 7"
check "the server purged the acknowledged envelopes (the garbage too)" sh -c "'$INTAKE' stats --data '$D' --json | jq -e '.envelopes == 0' >/dev/null"
R5=$(filed "$("$REPORT" submit --server "$URL" --district d06 --title 五 --body-file "$T_DIR/body.txt" 2>&1)")
"$INTAKE" export --data "$D" --district d06 --out "$T_DIR/e2.qfx" >/dev/null
out=$("$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e2.qfx" 2>&1)
check "the next round works" sh -c "printf '%s' \"\$1\" | grep -q '1 new entries'" _ "$out"
out=$("$REPORT" status --server "$URL" --receipt "$R3" 2>&1)
check "2: the reply to an honest case opens with the reporter's own key" sh -c "printf '%s' \"\$1\" | grep -q '已受理。'" _ "$out"

# --- 2: the operator swaps report 5's reply key in the export and re-signs it
R6=$(filed "$("$REPORT" submit --server "$URL" --district d06 --title 六 --body-file "$T_DIR/body.txt" 2>&1)")
"$INTAKE" export --data "$D" --district d06 --out "$T_DIR/e3.qfx" >/dev/null
OTHER=$("$QFTOOL" rand 32)
jq -c --arg pk "$OTHER" 'if .kind == "report" then .reply_pk = $pk else . end' "$T_DIR/e3.qfx" | sed '$d' >"$T_DIR/e3.body"
echo '{"sig":"x"}' >>"$T_DIR/e3.body"
"$QFTOOL" resign-export "$D/server.key" "$T_DIR/e3.body" "$T_DIR/e3x.qfx"
out=$("$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e3x.qfx" 2>&1)
eq "2: the re-signed export is taken (its chain holds)" $? 0
out=$("$ADMIN" show --archive "$A" --passphrase-file "$P" d06-9 2>&1)
check "2: the swapped report is quarantined, naming the reply key" sh -c "printf '%s' \"\$1\" | grep -q 'QUARANTINED' && printf '%s' \"\$1\" | grep -q 'reply_pk differs'" _ "$out"
out=$("$ADMIN" reply --archive "$A" --passphrase-file "$P" d06-9 --message "答复" 2>&1)
eq "2: it cannot be answered" $? 1
check "2: ... and says why" sh -c "printf '%s' \"\$1\" | grep -q 'quarantined'" _ "$out"

# --- 4: nothing raw on the terminal
"$ADMIN" show --archive "$A" --passphrase-file "$P" d06-4 >"$T_DIR/show4.out" 2>&1
eq "4: show of the hostile report works" $? 0
check "4: its title is shown, made harmless" grep -q '假的举报' "$T_DIR/show4.out"
no_raw "4: show prints no ESC, BEL, C1 CSI or bidi override" "$T_DIR/show4.out"
"$ADMIN" list --archive "$A" --passphrase-file "$P" --titles >"$T_DIR/list4.out" 2>&1
no_raw "4: list --titles prints none either" "$T_DIR/list4.out"
mkdir "$T_DIR/x"
"$ADMIN" show --archive "$A" --passphrase-file "$P" d06-4 --extract "$T_DIR/x" >"$T_DIR/x.out" 2>&1
no_raw "4: --extract prints none" "$T_DIR/x.out"
ls "$T_DIR/x/d06-4" >"$T_DIR/x.names"
no_raw "4: --extract names the file safely" "$T_DIR/x.names"
# a bundle field with an escape sequence, quoted by the refusal
jq -c 'if .kind then .kind = "\u001b[2Jreport" else . end' "$T_DIR/e1.qfx" | sed '$d' >"$T_DIR/e4.body"
echo '{"sig":"x"}' >>"$T_DIR/e4.body"
"$QFTOOL" resign-export "$D/server.key" "$T_DIR/e4.body" "$T_DIR/e4.qfx"
"$ADMIN" ingest --archive "$T_DIR/arch2" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e4.qfx" >"$T_DIR/ingest4.out" 2>&1
no_raw "4: a bundle field with an escape sequence: nothing raw printed" "$T_DIR/ingest4.out"
check "4: ... the bundle is refused, naming the field" grep -q 'kind' "$T_DIR/ingest4.out"

finish
