#!/bin/sh
# The whole loop across the air gap with the real binaries (issue 4):
# keygen -> init/district add/serve -> two CLI reports with attachments and a
# follow-up -> export -> ingest -> show/extract (byte-identical) -> status +
# reply -> update -> import -> the reporter sees the status, the decrypted
# reply and delivered=true; then every forgery and replay is refused with
# nothing changed.
. "$(dirname "$0")/lib.sh"

P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
K="$T_DIR/keys"
D="$T_DIR/data"
A="$T_DIR/archive"
check "keygen" sh -c "'$ADMIN' keygen --district d07 --name '七区纪委监委' --out '$K' --kdf interactive --passphrase-file '$P' >/dev/null"
SFP=$("$INTAKE" init --data "$D" | sed -n 's/^server key fingerprint: //p')
check "init prints the server key fingerprint" test -n "$SFP"
check "district add" sh -c "'$INTAKE' district add --data '$D' '$K/district.pub.json' >/dev/null"
set_config "$D" '.pow_difficulty = 6'
start_server "$D" || exit 1
adm() { "$ADMIN" "$@" --archive "$A" --passphrase-file "$P"; }

# --- reports in
printf '第一份举报正文 report-one\n' >"$T_DIR/b1.txt"
printf '第二份 report-two\n' >"$T_DIR/b2.txt"
head -c 70000 /dev/urandom >"$T_DIR/scan.bin"
printf 'plain evidence\n' >"$T_DIR/note.txt"
head -c 5000 /dev/urandom >"$T_DIR/more.bin"
submit() {
	"$REPORT" submit --server "$URL" --district d07 --title "$1" --body-file "$2" "$3" "$4" --send-uncleaned --keep-names |
		grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '
}
R1=$(submit 标题一 "$T_DIR/b1.txt" --attach "$T_DIR/scan.bin")
R2=$(submit 标题二 "$T_DIR/b2.txt" --attach "$T_DIR/note.txt")
check "two receipts" test -n "$R1" -a -n "$R2"
printf '补充材料 followup-one\n' >"$T_DIR/f1.txt"
check "follow-up" sh -c "'$REPORT' followup --server '$URL' --receipt '$R1' --body-file '$T_DIR/f1.txt' --attach '$T_DIR/more.bin' --send-uncleaned --keep-names >/dev/null"

# --- export and ingest
check "export" sh -c "'$INTAKE' export --data '$D' --district d07 --out '$T_DIR/e1.qfx' >/dev/null"
eq "export holds 3 entries" "$(($(wc -l <"$T_DIR/e1.qfx") - 2))" 3
out=$("$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e1.qfx" 2>&1)
eq "ingest" $? 0
check "first ingest shows the same server fingerprint as init" sh -c "printf '%s' \"\$1\" | grep -qF \"\$2\"" _ "$out" "$SFP"
out=$(adm ingest "$T_DIR/e1.qfx" 2>&1)
eq "re-ingest exit 0" $? 0
check "re-ingest is a no-op that says so" sh -c "printf '%s' \"\$1\" | grep -qi 'already'" _ "$out"
eq "two cases" "$(adm list --json | jq -c '[.[].case] | sort')" '["d07-1","d07-2"]'
out=$(adm show d07-1 --extract "$T_DIR/x")
check "show decrypts the report" sh -c "printf '%s' \"\$1\" | grep -q 'report-one'" _ "$out"
check "show decrypts the follow-up" sh -c "printf '%s' \"\$1\" | grep -q 'followup-one'" _ "$out"
check "attachment byte-identical" sh -c "cmp -s '$T_DIR/x/d07-1/'*scan.bin '$T_DIR/scan.bin'"
check "follow-up attachment byte-identical" sh -c "cmp -s '$T_DIR/x/d07-1/'*more.bin '$T_DIR/more.bin'"
check "access log records the reading" sh -c "'$ADMIN' log --archive '$A' | grep -q d07-1"

# --- status, reply, update, import
check "status" sh -c "'$ADMIN' status --archive '$A' --passphrase-file '$P' d07-1 accepted >/dev/null"
check "reply" sh -c "'$ADMIN' reply --archive '$A' --passphrase-file '$P' d07-1 --message '已受理，正在核实 reply-one' >/dev/null"
check "update" sh -c "'$ADMIN' update --archive '$A' --passphrase-file '$P' --out '$T_DIR/u1.qfu' >/dev/null"
stop_server
check "import" sh -c "'$INTAKE' import --data '$D' '$T_DIR/u1.qfu' >/dev/null"
check "no envelope left after purge" sh -c "'$INTAKE' check --data '$D' | grep -q ' 0 envelope(s) held'"
check "check passes after import" sh -c "'$INTAKE' check --data '$D' >/dev/null"
start_server "$D" || exit 1
out=$("$REPORT" status --server "$URL" --receipt "$R1" 2>&1)
eq "reporter status exit 0" $? 0
check "reporter sees accepted" sh -c "printf '%s' \"\$1\" | grep -q 'accepted'" _ "$out"
check "reporter reads the reply" sh -c "printf '%s' \"\$1\" | grep -q 'reply-one'" _ "$out"
check "reporter verifies the district's signature on it" sh -c "printf '%s' \"\$1\" | grep -q 'Signed by the district: verified'" _ "$out"
check "reporter sees delivery confirmed" sh -c "printf '%s' \"\$1\" | grep -i 'deliver' | grep -vqi 'not yet'" _ "$out"
out=$("$REPORT" status --server "$URL" --receipt "$R2" 2>&1)
check "second report still received" sh -c "printf '%s' \"\$1\" | grep -q 'received'" _ "$out"
stop_server

# --- forged, replayed and tampered bundles
snapshot() { "$INTAKE" check --data "$D" 2>&1 | tail -n 2; }
before=$(snapshot)
refuse_import() { # name file
	out=$("$INTAKE" import --data "$D" "$2" 2>&1)
	eq "$1: refused" $? 1
	eq "$1: server unchanged" "$(snapshot)" "$before"
}
# the same update again: a harmless slip, said so, not called a replay or tampering
out=$("$INTAKE" import --data "$D" "$T_DIR/u1.qfu" 2>&1)
eq "the same update again: exit 0" $? 0
eq "the same update again: server unchanged" "$(snapshot)" "$before"
check "it says already applied, harmless" sh -c "printf '%s' \"\$1\" | grep -q 'already applied on .*harmless'" _ "$out"
check "it says neither REFUSED nor TAMPERING" sh -c "! printf '%s' \"\$1\" | grep -q 'REFUSED\|TAMPERING'" _ "$out"
# another file under an applied seq, signed by the district: refused as possible tampering
jq -c 'if .type == "qingfeng-update" then .note = "x" else . end' "$T_DIR/u1.qfu" | sed '$d' >"$T_DIR/s.body"
echo '{"sig":"x"}' >>"$T_DIR/s.body"
"$QFTOOL" resign-update "$K/district.key" "$P" "$T_DIR/s.body" "$T_DIR/same-seq.qfu"
refuse_import "another update under an applied seq" "$T_DIR/same-seq.qfu"
check "... called possible tampering" sh -c "'$INTAKE' import --data '$D' '$T_DIR/same-seq.qfu' 2>&1 | grep -q 'TAMPERING.*not that update'"
sed '2s/accepted/concluded/' "$T_DIR/u1.qfu" >"$T_DIR/forged.qfu"
refuse_import "forged update (bad signature)" "$T_DIR/forged.qfu"
# a district-signed update whose head is wrong: an export was altered on the way
jq -c 'if .type == "qingfeng-update" then .seq = 2 | .head = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" else . end' "$T_DIR/u1.qfu" |
	sed '$d' >"$T_DIR/h.body"
echo '{"sig":"x"}' >>"$T_DIR/h.body"
"$QFTOOL" resign-update "$K/district.key" "$P" "$T_DIR/h.body" "$T_DIR/head.qfu"
refuse_import "head mismatch" "$T_DIR/head.qfu"
check "head mismatch is called tampering" sh -c "'$INTAKE' import --data '$D' '$T_DIR/head.qfu' 2>&1 | grep -q TAMPERING"
jq -c 'if .type == "qingfeng-update" then .seq = 2 | .acks_through = 9 else . end' "$T_DIR/u1.qfu" |
	sed '$d' >"$T_DIR/o.body"
echo '{"sig":"x"}' >>"$T_DIR/o.body"
"$QFTOOL" resign-update "$K/district.key" "$P" "$T_DIR/o.body" "$T_DIR/over.qfu"
refuse_import "over-acknowledging update" "$T_DIR/over.qfu"
# another district's key cannot speak for d07, nor name d07's cases
K8="$T_DIR/keys8"
"$ADMIN" keygen --district d08 --name 八区 --out "$K8" --kdf interactive --passphrase-file "$P" >/dev/null
"$INTAKE" district add --data "$D" "$K8/district.pub.json" >/dev/null
before=$(snapshot)
jq -c 'if .type == "qingfeng-update" then .district = "d08" | .seq = 1 | .acks_through = 0 | .head = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" else . end' "$T_DIR/u1.qfu" |
	sed '$d' >"$T_DIR/x.body"
echo '{"sig":"x"}' >>"$T_DIR/x.body"
"$QFTOOL" resign-update "$K8/district.key" "$P" "$T_DIR/x.body" "$T_DIR/cross.qfu"
refuse_import "cross-district update" "$T_DIR/cross.qfu"
"$QFTOOL" resign-update "$K8/district.key" "$P" "$T_DIR/o.body" "$T_DIR/wrongkey.qfu"
refuse_import "update signed by another district" "$T_DIR/wrongkey.qfu"

# tampered exports, re-signed with the server key as a malicious operator could
start_server "$D" || exit 1
printf '第三份 report-three\n' >"$T_DIR/b3.txt"
R3=$(submit 标题三 "$T_DIR/b3.txt" --attach "$T_DIR/note.txt")
R4=$(submit 标题四 "$T_DIR/b3.txt" --attach "$T_DIR/note.txt")
R5=$(submit 标题五 "$T_DIR/b3.txt" --attach "$T_DIR/note.txt")
stop_server
check "export 2" sh -c "'$INTAKE' export --data '$D' --district d07 --out '$T_DIR/e2.qfx' >/dev/null"
arch_before=$(adm list --json | md5sum)
refuse_ingest() { # name file [expect-text]
	out=$(adm ingest "$2" 2>&1)
	eq "$1: refused" $? 1
	eq "$1: archive unchanged" "$(adm list --json | md5sum)" "$arch_before"
	if [ $# -ge 3 ]; then
		check "$1: names index $3" sh -c "printf '%s' \"\$1\" | grep -q \"\$2\"" _ "$out" "$3"
	fi
}
lines=$(wc -l <"$T_DIR/e2.qfx")
hdr=$(sed -n 1p "$T_DIR/e2.qfx")
tamper() { # name jq-filter-on-entries -> resigned file
	{
		echo "$hdr"
		sed -n "2,$((lines - 1))p" "$T_DIR/e2.qfx" | jq -c "$2"
		echo '{"sig":"x"}'
	} >"$T_DIR/$1.body"
	"$QFTOOL" resign-export "$D/server.key" "$T_DIR/$1.body" "$T_DIR/$1.qfx"
}
tamper altenv 'if .index == 5 then .envelope = (.envelope | .[0:100] + (if .[100:101] == "A" then "B" else "A" end) + .[101:]) else . end'
refuse_ingest "altered envelope" "$T_DIR/altenv.qfx" 5
tamper altidx 'if .index == 5 then .index = 6 else . end'
refuse_ingest "altered index" "$T_DIR/altidx.qfx" 5
{
	echo "$hdr"
	sed -n "2,$((lines - 1))p" "$T_DIR/e2.qfx" | jq -c 'select(.index != 5)'
	echo '{"sig":"x"}'
} >"$T_DIR/drop.body"
"$QFTOOL" resign-export "$D/server.key" "$T_DIR/drop.body" "$T_DIR/drop.qfx"
refuse_ingest "dropped entry" "$T_DIR/drop.qfx" 5
{
	echo "$hdr"
	sed -n "2,$((lines - 1))p" "$T_DIR/e2.qfx" | awk 'NR == 1 { first = $0; next } NR == 2 { print; print first; next } { print }'
	echo '{"sig":"x"}'
} >"$T_DIR/reord.body"
"$QFTOOL" resign-export "$D/server.key" "$T_DIR/reord.body" "$T_DIR/reord.qfx"
refuse_ingest "reordered entries" "$T_DIR/reord.qfx" 4
D2="$T_DIR/data2"
"$INTAKE" init --data "$D2" >/dev/null
"$QFTOOL" resign-export "$D2/server.key" "$T_DIR/e2.qfx" "$T_DIR/otherkey.qfx"
refuse_ingest "another server key" "$T_DIR/otherkey.qfx"
printf 'wrong passphrase\n' >"$T_DIR/wrongpass"
out=$("$ADMIN" ingest --archive "$A" --passphrase-file "$T_DIR/wrongpass" "$T_DIR/e2.qfx" 2>&1)
eq "wrong passphrase refused" $? 1
eq "wrong passphrase: archive unchanged" "$(adm list --json | md5sum)" "$arch_before"
check "the genuine export still ingests" sh -c "'$ADMIN' ingest --archive '$A' --passphrase-file '$P' '$T_DIR/e2.qfx' >/dev/null"
eq "five cases now" "$(adm list --json | jq length)" 5
finish
