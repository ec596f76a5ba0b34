#!/bin/sh
# The district key's life at the shell (issue 17): keygen refuses weak
# passphrases with libpwquality's reason (exit 1, one line, nothing
# written), accepts a strong one, ends by telling the investigator to back
# the key up and writes the printable recovery sheet; key-sheet prints it
# again; key-check proves that a backup copy opens with the passphrase and
# names its fingerprint, and refuses a wrong passphrase, an altered copy and
# a file that is not a key.
. "$(dirname "$0")/lib.sh"
# English messages (the tool is Chinese-first once gettext lands)
export LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8
export QF_TODAY=2026-12-05

# exits_of COMMAND...: the exit code of a command (output discarded)
exits_of() {
	"$@" >/dev/null 2>&1
	echo $?
}
# refused NAME PASSPHRASE WANT: keygen with that passphrase fails with exit 1,
# one line on stderr naming WANT, and leaves no key behind
n=0
refused() {
	n=$((n + 1))
	printf '%s\n' "$2" >"$T_DIR/weak$n"
	"$ADMIN" keygen --district d01 --name 测试区 --out "$T_DIR/w$n" --kdf interactive \
		--passphrase-file "$T_DIR/weak$n" >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
		grep -q '^qingfeng-admin: passphrase too weak: ' "$T_DIR/err" &&
		grep -qi -- "$3" "$T_DIR/err"; then
		ok "keygen refuses $1"
	else
		not_ok "keygen refuses $1 (exit $rc: $(cat "$T_DIR/err"))"
	fi
	check "  and writes no key for it" test ! -e "$T_DIR/w$n/district.key"
}

# --- weak passphrases
refused "12345678" 12345678 "shorter than 12"
refused "password" password "shorter than 12"
refused "a dictionary word" international "dictionary"
refused "a run of digits" 123456789012 "simplistic"
refused "the district's id" "qingfeng d01 d01" "."
refused "the tool's name" "qingfeng-qingfeng" "."

# --- a strong one
P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
K="$T_DIR/keys"
"$ADMIN" keygen --district d01 --name '测试区纪委监委' --out "$K" --kdf interactive \
	--passphrase-file "$P" >"$T_DIR/out" 2>"$T_DIR/err"
eq "keygen with a strong passphrase" "$?" 0
fp=$(sed -n 's/^fingerprint: //p' "$T_DIR/out")
check "keygen prints the fingerprint" sh -c "printf '%s' \"\$1\" | grep -Eq '^([0-9a-f]{4} ){7}[0-9a-f]{4}$'" _ "$fp"
check "keygen says to back the key up on two media" grep -q 'two' "$T_DIR/out"
check "keygen names key-check" grep -q 'key-check' "$T_DIR/out"
check "keygen says what losing it means" grep -qi 'unreadable' "$T_DIR/out"
S="$K/district-key-sheet.txt"
check "keygen wrote the recovery sheet" test -s "$S"
check "keygen names the sheet" grep -qF "$S" "$T_DIR/out"
eq "the sheet is mode 0600" "$(stat -c %a "$S")" 600

# --- the sheet: what is on it, and what is not
g=$(printf '%s' "$fp" | cut -d' ' -f1-4)
h=$(printf '%s' "$fp" | cut -d' ' -f5-8)
check "sheet: district id" grep -q 'd01' "$S"
check "sheet: district name" grep -q '测试区纪委监委' "$S"
check "sheet: fingerprint, first four groups on one line" grep -qF "1-4  $g" "$S"
check "sheet: fingerprint, last four groups on one line" grep -qF "5-8  $h" "$S"
check "sheet: the day the key was made" grep -q '2026-12-05' "$S"
check "sheet: copy 1 and copy 2, where they are" sh -c "grep -q '副本一 Copy 1' '$S' && grep -q '副本二 Copy 2' '$S'"
check "sheet: a checklist" grep -q '\[ \]' "$S"
check "sheet: key-check is named" grep -q 'qingfeng-admin key-check' "$S"
check "sheet: losing the key is explained" grep -q '无法解密' "$S"
check "sheet: no passphrase" sh -c "test -s '$S' && ! grep -q 'correct horse' '$S'"
ct=$(jq -r .ciphertext "$K/district.key")
salt=$(jq -r .kdf.salt "$K/district.key")
check "sheet: no secret key, not even encrypted" sh -c "test -s '$S' && ! grep -qF -- '$ct' '$S' && ! grep -qF -- '$salt' '$S'"

# --- key-sheet prints it again (never overwriting)
touch -d '2026-11-30 12:00:00' "$K/district.key"
"$ADMIN" key-sheet "$K/district.key" --out "$T_DIR/sheet2.txt" >"$T_DIR/out" 2>"$T_DIR/err"
eq "key-sheet" "$?" 0
check "key-sheet: the same fingerprint lines" sh -c "grep -qF '1-4  $g' '$T_DIR/sheet2.txt' && grep -qF '5-8  $h' '$T_DIR/sheet2.txt'"
check "key-sheet: the key file's day" grep -q '2026-11-30' "$T_DIR/sheet2.txt"
"$ADMIN" key-sheet "$K/district.pub.json" --out "$T_DIR/sheet3.txt" >/dev/null 2>&1
eq "key-sheet of the public file" "$?" 0
sum=$(cksum <"$T_DIR/sheet2.txt")
"$ADMIN" key-sheet "$K/district.key" --out "$T_DIR/sheet2.txt" >/dev/null 2>"$T_DIR/err"
eq "key-sheet refuses to overwrite" "$?" 1
eq "  and leaves the old sheet" "$(cksum <"$T_DIR/sheet2.txt")" "$sum"
"$ADMIN" key-sheet "$P" --out "$T_DIR/sheet4.txt" >/dev/null 2>&1
eq "key-sheet of a non-key file" "$?" 1
check "  writes nothing" test ! -e "$T_DIR/sheet4.txt"

# --- key-check: each backup copy opens
mkdir -p "$T_DIR/usb1" "$T_DIR/usb2"
cp "$K/district.key" "$T_DIR/usb1/district.key"
cp "$K/district.key" "$T_DIR/usb2/district.key"
out=$("$ADMIN" key-check "$T_DIR/usb1/district.key" --passphrase-file "$P" 2>"$T_DIR/err")
eq "key-check of copy 1" "$?" 0
check "key-check prints the fingerprint as the sheet does" sh -c "printf '%s\n' \"\$1\" | grep -qF '1-4  $g' && printf '%s\n' \"\$1\" | grep -qF '5-8  $h'" _ "$out"
check "key-check says the copy opens" sh -c "printf '%s\n' \"\$1\" | grep -qi 'opens'" _ "$out"
eq "key-check of copy 2" "$(exits_of "$ADMIN" key-check "$T_DIR/usb2/district.key" --passphrase-file "$P")" 0
printf 'wrong passphrase\n' >"$T_DIR/wrong"
"$ADMIN" key-check "$T_DIR/usb1/district.key" --passphrase-file "$T_DIR/wrong" >/dev/null 2>"$T_DIR/err"
eq "key-check with a wrong passphrase" "$?" 1
check "  says the passphrase is wrong" grep -qi 'passphrase' "$T_DIR/err"
# an altered copy (one ciphertext character changed)
jq -c '.ciphertext = (if .ciphertext[0:1] == "A" then "B" + .ciphertext[1:] else "A" + .ciphertext[1:] end)' \
	"$K/district.key" >"$T_DIR/usb2/bad.key"
"$ADMIN" key-check "$T_DIR/usb2/bad.key" --passphrase-file "$P" >/dev/null 2>"$T_DIR/err"
eq "key-check of an altered copy" "$?" 1
"$ADMIN" key-check "$K/district.pub.json" --passphrase-file "$P" >/dev/null 2>"$T_DIR/err"
eq "key-check of the public file" "$?" 1
check "  says it holds no secret key" grep -qi 'public' "$T_DIR/err"
"$ADMIN" key-check "$T_DIR/none.key" --passphrase-file "$P" >/dev/null 2>&1
eq "key-check of a missing file" "$?" 1

finish
