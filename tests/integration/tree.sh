#!/bin/sh
# Commissions in a tree (docs/DESIGN.md §14) through the real binaries: the
# operator places a city commission above the district (district add/set:
# the parent must exist, no cycles, a refusal changes nothing); /api/v1/info
# lists level and parent; qingfeng-report seals a report about a
# county-level cadre to the city (it says so, and the sealed report names
# the district it concerns), keeps it with --no-route, and leaves other
# reports with the district; the city reads its report with its own key.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
PASS="$T_DIR/pass"
printf 'a passphrase for the city tests\n' >"$PASS"
check "init + district add" new_data "$D"
check "city key made" sh -c "'$ADMIN' keygen --district c01 --name 测试市纪委监委 --out '$T_DIR/c01' \
	--kdf interactive --passphrase-file '$PASS' >/dev/null"
check "district key made" sh -c "'$ADMIN' keygen --district d02 --name 第二区 --out '$T_DIR/d02' \
	--kdf interactive --passphrase-file '$PASS' >/dev/null"

# --- the operator's commands
cp "$D/config.json" "$T_DIR/config.before"
out=$("$INTAKE" district set --data "$D" d01 --parent c01 2>&1)
eq "a parent that does not exist: refused" $? 1
check "... and says so" sh -c "printf '%s' \"\$1\" | grep -q 'not a district of this server'" _ "$out"
check "... nothing changed" cmp -s "$D/config.json" "$T_DIR/config.before"
"$INTAKE" district add --data "$D" "$T_DIR/c01/district.pub.json" --level city >/dev/null
eq "city added" $? 0
out=$("$INTAKE" district set --data "$D" d01 --parent c01)
eq "district placed under the city" $? 0
check "... and says where" sh -c "printf '%s' \"\$1\" | grep -q 'level district; parent c01'" _ "$out"
"$INTAKE" district add --data "$D" "$T_DIR/d02/district.pub.json" --parent c01 >/dev/null
eq "second district added under the city" $? 0
cp "$D/config.json" "$T_DIR/config.before"
"$INTAKE" district set --data "$D" c01 --parent d01 >/dev/null 2>&1
eq "a cycle: refused" $? 1
"$INTAKE" district set --data "$D" c01 --parent c01 >/dev/null 2>&1
eq "its own parent: refused" $? 1
"$INTAKE" district set --data "$D" c01 --level county >/dev/null 2>&1
eq "a level that does not exist: refused" $? 1
"$INTAKE" district set --data "$D" c01 --parent d01 --no-parent >/dev/null 2>&1
eq "--parent with --no-parent: usage error" $? 2
check "refusals changed nothing" cmp -s "$D/config.json" "$T_DIR/config.before"
"$INTAKE" district set --data "$D" d02 --no-parent >/dev/null && "$INTAKE" district set --data "$D" d02 --parent c01 >/dev/null
eq "--no-parent and back" $? 0

set_config "$D" '.pow_difficulty = 0 | .nojs_min_seconds = 0 | .nojs_patient_seconds = 0'
start_server "$D" || exit 1
info=$(curl -s "$URL/api/v1/info")
eq "info: the city's level" "$(printf '%s' "$info" | jq -r '.districts[] | select(.id=="c01") | .level')" city
eq "info: the city has no parent" "$(printf '%s' "$info" | jq -c '.districts[] | select(.id=="c01") | .parent')" null
eq "info: the district's parent" "$(printf '%s' "$info" | jq -r '.districts[] | select(.id=="d01") | .parent')" c01
eq "info: the district's level" "$(printf '%s' "$info" | jq -r '.districts[] | select(.id=="d01") | .level')" district
CFP=$(jq -r .fingerprint "$T_DIR/c01/district.pub.json")

# --- the reporter's client
printf '区委某领导收受礼金。\n' >"$T_DIR/body.txt"
out=$("$REPORT" submit --server "$URL" --district d01 --level county --title 县处级 \
	--body-file "$T_DIR/body.txt" 2>&1)
eq "county-level report filed" $? 0
check "it says where the report goes and why" sh -c "printf '%s' \"\$1\" | grep -q '依照干部管理权限' && printf '%s' \"\$1\" | grep -q 'sealed to c01'" _ "$out"
check "it shows the city's fingerprint" sh -c "printf '%s' \"\$1\" | grep -q \"Fingerprint: $CFP\"" _ "$out"
check "the receipt names the city" sh -c "printf '%s' \"\$1\" | grep -q 'district c01, entry 1'" _ "$out"
R1=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
out=$("$REPORT" submit --server "$URL" --district d01 --level county --no-route --title 留在本区 \
	--body-file "$T_DIR/body.txt" 2>&1)
eq "--no-route report filed" $? 0
check "--no-route says it keeps the district" sh -c "printf '%s' \"\$1\" | grep -q 'kept with d01' && printf '%s' \"\$1\" | grep -q 'district d01, entry 1'" _ "$out"
out=$("$REPORT" submit --server "$URL" --district d01 --level township --title 乡科级 \
	--body-file "$T_DIR/body.txt" 2>&1)
check "a township-level report stays with the district" sh -c "printf '%s' \"\$1\" | grep -q 'district d01, entry 2' && ! printf '%s' \"\$1\" | grep -q Routing" _ "$out"
out=$("$REPORT" submit --server "$URL" --district d01 --level county --pin "$(jq -r .fingerprint "$FIXTURES/d01.pub.json")" \
	--title x --body-file "$T_DIR/body.txt" 2>&1)
eq "--pin of the district, report routed to the city: refused" $? 1

# a follow-up follows its report
printf '补充。\n' >"$T_DIR/more.txt"
out=$("$REPORT" followup --server "$URL" --receipt "$R1" --body-file "$T_DIR/more.txt" 2>&1)
check "the follow-up goes to the city too" sh -c "printf '%s' \"\$1\" | grep -q 'district c01, entry 2'" _ "$out"

# --- the no-JS form: the same rule, said before anything is sent, and the choice to keep
# (a post is answered 303 to a one-time page that keeps the answer's code; curl -L follows it)
curl -s "$URL/nojs/report" >"$T_DIR/form.html"
check "no-JS form explains the rule" grep -q '依照干部管理权限' "$T_DIR/form.html"
check "no-JS form offers to keep the district" grep -q 'name="keep_district"' "$T_DIR/form.html"
head_of() { curl -s "$URL/api/v1/log/$1/head" | jq -r .size; }
c_before=$(head_of c01)
d_before=$(head_of d01)
code=$(curl -s -L -o "$T_DIR/nr1.html" -w '%{http_code}' --data-urlencode "form_token=$(nojs_token)" \
	--data-urlencode district=d01 --data-urlencode subject_level=county --data-urlencode title=无脚本县处级 \
	--data-urlencode body=正文 "$URL/nojs/report")
eq "no-JS county-level report: 201" "$code" 201
eq "... stored with the city" "$(head_of c01)" $((c_before + 1))
check "... the receipt page says where it went and why" sh -c "grep -q '依照干部管理权限加密交给' '$T_DIR/nr1.html' && grep -q '测试市纪委监委' '$T_DIR/nr1.html'"
code=$(curl -s -L -o "$T_DIR/nr2.html" -w '%{http_code}' --data-urlencode "form_token=$(nojs_token)" \
	--data-urlencode district=d01 --data-urlencode subject_level=county --data-urlencode keep_district=1 \
	--data-urlencode title=留在本区 --data-urlencode body=正文 "$URL/nojs/report")
eq "no-JS, kept on purpose: 201" "$code" 201
eq "... stored with the district" "$(head_of d01)" $((d_before + 1))
check "... no routing note" sh -c "! grep -q '依照干部管理权限加密交给' '$T_DIR/nr2.html'"

# --- the city reads it with its own key; the report names the district it concerns
"$INTAKE" export --data "$D" --district c01 --out "$T_DIR/c01.qfx" >/dev/null
out=$("$ADMIN" ingest --archive "$T_DIR/arch" --key "$T_DIR/c01/district.key" --passphrase-file "$PASS" "$T_DIR/c01.qfx" 2>&1)
eq "the city ingests" $? 0
out=$("$ADMIN" show --archive "$T_DIR/arch" --passphrase-file "$PASS" c01-1 2>&1)
check "the city reads the report" sh -c "printf '%s' \"\$1\" | grep -q '区委某领导收受礼金'" _ "$out"
check "the sealed report names the district it concerns" sh -c "printf '%s' \"\$1\" | grep -q 'oncerns.*d01'" _ "$out"
out=$("$ADMIN" show --archive "$T_DIR/arch" --passphrase-file "$PASS" c01-3 2>&1)
check "the no-JS routed report names it too" sh -c "printf '%s' \"\$1\" | grep -q 'oncerns.*d01' && printf '%s' \"\$1\" | grep -q 无脚本县处级" _ "$out"
out=$("$ADMIN" list --archive "$T_DIR/arch" --passphrase-file "$PASS" --titles 2>&1)
check "list --titles names the district a routed report concerns" sh -c "printf '%s' \"\$1\" | grep '^c01-1 ' | grep -q '涉及 concerns d01'" _ "$out"
out=$("$ADMIN" stats --archive "$T_DIR/arch" --passphrase-file "$PASS" 2>&1)
check "stats counts the routed reports per district" sh -c "printf '%s' \"\$1\" | grep -A2 'Routed from the districts below' | grep -q 'd01.*2'" _ "$out"
out=$("$ADMIN" search --archive "$T_DIR/arch" --passphrase-file "$PASS" d01 2>&1)
check "search finds reports by the district they concern" sh -c "printf '%s' \"\$1\" | grep -q 'c01-1'" _ "$out"
"$INTAKE" export --data "$D" --district d01 --out "$T_DIR/d01.qfx" >/dev/null
check "the district's export holds only its own reports" sh -c "[ \$(grep -c '\"kind\":\"report\"' '$T_DIR/d01.qfx') = 3 ]"

# --- the oversight bundle (§16): the city and every commission below it, no content
"$INTAKE" oversight --data "$D" --under c01 --out "$T_DIR/c01.qfo" >/dev/null
eq "oversight bundle written" $? 0
eq "header: the city, then the districts below it" \
	"$(head -n 1 "$T_DIR/c01.qfo" | jq -r '[.type, (.districts[] | .id + ":" + .level + ":" + (.parent // "-") + ":" + (.size|tostring))] | join(" ")')" \
	"qingfeng-oversight c01:city:-:3 d01:district:c01:3 d02:district:c01:0"
eq "every chain entry, no envelope" "$(grep -c '"envelope_hash"' "$T_DIR/c01.qfo")" 6
check "no envelope, no text of the report" sh -c "! grep -q '\"envelope\"' '$T_DIR/c01.qfo' && ! grep -q '收受礼金' '$T_DIR/c01.qfo'"
"$INTAKE" oversight --data "$D" --under c01 --out "$T_DIR/c01.qfo" >/dev/null 2>&1
eq "an existing file is never overwritten" $? 1
"$INTAKE" oversight --data "$D" --under zz --out "$T_DIR/zz.qfo" >/dev/null 2>&1
eq "an unknown commission: refused" $? 1
check "... and no file left" test ! -e "$T_DIR/zz.qfo"
finish
