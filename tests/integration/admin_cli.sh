#!/bin/sh
# qingfeng-admin at the shell: --help and exit codes (0 success, 1 a user
# error named on one line, 2 a usage error), keygen and fingerprint, and
# refusals that leave nothing behind. Ingest, update and show are covered by
# tests/unit/test_admin.c; the full server round trip by the end-to-end test.
. "$(dirname "$0")/lib.sh"

P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
K="$T_DIR/keys"

# exits COMMAND...: prints the exit code of a command (output discarded)
exits() {
	"$@" >/dev/null 2>&1
	echo $?
}
# one_line NAME COMMAND...: the command fails with exactly one line on stderr
one_line() {
	name=$1
	shift
	"$@" >/dev/null 2>"$T_DIR/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T_DIR/err")" -eq 1 ] &&
		grep -q '^qingfeng-admin: ' "$T_DIR/err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc: $(cat "$T_DIR/err"))"
	fi
}

# --- help and usage
eq "--help" "$(exits "$ADMIN" --help)" 0
for c in keygen fingerprint ingest list show status reply update log stage mark note due stats \
	search forward; do
	eq "$c --help" "$(exits "$ADMIN" "$c" --help)" 0
	check "$c --help names it" sh -c "\"\$1\" \"\$2\" --help | grep -q \"usage: qingfeng-admin \$2\"" _ "$ADMIN" "$c"
done
eq "no command" "$(exits "$ADMIN")" 2
eq "unknown command" "$(exits "$ADMIN" frobnicate)" 2
eq "list without --archive" "$(exits "$ADMIN" list)" 2
eq "unknown option" "$(exits "$ADMIN" list --archive "$T_DIR/a" --bogus)" 2
eq "option of another command" "$(exits "$ADMIN" log --archive "$T_DIR/a" --extract x)" 2
eq "show without CASE" "$(exits "$ADMIN" show --archive "$T_DIR/a")" 2
eq "status without STATUS" "$(exits "$ADMIN" status --archive "$T_DIR/a" d01-1)" 2
eq "reply without text" "$(exits "$ADMIN" reply --archive "$T_DIR/a" d01-1)" 2
eq "keygen without --out" "$(exits "$ADMIN" keygen --district d01 --name x)" 2
eq "stage without --by" "$(exits "$ADMIN" stage --archive "$T_DIR/a" d01-1 accepted)" 2
eq "stage without STAGE" "$(exits "$ADMIN" stage --archive "$T_DIR/a" d01-1 --by x)" 2
eq "mark without MARK" "$(exits "$ADMIN" mark --archive "$T_DIR/a" d01-1 --by x)" 2
eq "note without text" "$(exits "$ADMIN" note --archive "$T_DIR/a" d01-1)" 2
eq "search without words" "$(exits "$ADMIN" search --archive "$T_DIR/a")" 2
eq "stats with two forms" "$(exits "$ADMIN" stats --archive "$T_DIR/a" --json --csv)" 2
eq "forward without --to" "$(exits "$ADMIN" forward --archive "$T_DIR/a" d01-1 --out x --by y)" 2
eq "due with an option of another command" "$(exits "$ADMIN" due --archive "$T_DIR/a" --csv)" 2
eq "keygen bad --kdf" "$(exits "$ADMIN" keygen --district d01 --name x --out "$K" --kdf fast)" 2

# --- keygen
out=$("$ADMIN" keygen --district d01 --name '测试区纪委监委' --out "$K" --kdf interactive \
	--passphrase-file "$P")
eq "keygen" "$?" 0
check "secret key 0600" sh -c "[ \"\$(stat -c %a \"\$1/district.key\")\" = 600 ]" _ "$K"
check "public key written" test -s "$K/district.pub.json"
fp=$(printf '%s\n' "$out" | sed -n 's/^fingerprint: //p')
check "keygen prints a fingerprint" sh -c "printf '%s' \"\$1\" | grep -Eq '^([0-9a-f]{4} ){7}[0-9a-f]{4}$'" _ "$fp"
check "keygen says to publish it" sh -c "printf '%s' \"\$1\" | grep -qi publish" _ "$out"
eq "fingerprint of the public file" "$("$ADMIN" fingerprint "$K/district.pub.json" | head -n 1)" "$fp"
eq "fingerprint of the secret file" "$("$ADMIN" fingerprint "$K/district.key" | head -n 1)" "$fp"
eq "fingerprint in the public file" \
	"$(grep -o '"fingerprint": *"[^"]*"' "$K/district.pub.json" | sed 's/.*: *"//; s/"$//')" "$fp"
sum=$(cat "$K/district.key" "$K/district.pub.json" | cksum)
one_line "keygen refuses to overwrite" "$ADMIN" keygen --district d01 --name x --out "$K" \
	--kdf interactive --passphrase-file "$P"
eq "keys unchanged" "$(cat "$K/district.key" "$K/district.pub.json" | cksum)" "$sum"
printf 'short\n' >"$T_DIR/short"
one_line "keygen refuses a short passphrase" "$ADMIN" keygen --district d02 --name x \
	--out "$T_DIR/k2" --kdf interactive --passphrase-file "$T_DIR/short"
check "nothing written for it" test ! -e "$T_DIR/k2/district.key"
one_line "keygen refuses a bad district id" "$ADMIN" keygen --district D-01 --name x \
	--out "$T_DIR/k3" --kdf interactive --passphrase-file "$P"
one_line "fingerprint of a non-key file" "$ADMIN" fingerprint "$P"
one_line "fingerprint of a missing file" "$ADMIN" fingerprint "$T_DIR/none"

# --- refusals that create nothing
A="$T_DIR/archive"
printf '{"type":"qingfeng-export"}\n{"sig":"AAAA"}\n' >"$T_DIR/bad.qfx"
one_line "ingest of a non-bundle" "$ADMIN" ingest --archive "$A" --key "$K/district.key" \
	--passphrase-file "$P" "$T_DIR/bad.qfx"
check "no archive made" test ! -e "$A"
one_line "ingest of a missing file" "$ADMIN" ingest --archive "$A" --key "$K/district.key" \
	--passphrase-file "$P" "$T_DIR/none.qfx"
for c in list log due stats; do
	one_line "$c without an archive" "$ADMIN" "$c" --archive "$A"
done
one_line "stage without an archive" "$ADMIN" stage --archive "$A" d01-1 accepted --by x
one_line "mark without an archive" "$ADMIN" mark --archive "$A" d01-1 upper-level --by x
one_line "note without an archive" "$ADMIN" note --archive "$A" d01-1 --message x
one_line "search without an archive" "$ADMIN" search --archive "$A" word
one_line "forward without an archive" "$ADMIN" forward --archive "$A" d01-1 --out "$T_DIR/f.txt" \
	--to x --by y
one_line "stage with an unknown stage" "$ADMIN" stage --archive "$A" d01-1 solved --by x
one_line "mark with an unknown mark" "$ADMIN" mark --archive "$A" d01-1 colour --by x
one_line "stats with a bad day" "$ADMIN" stats --archive "$A" --from 2026-02-30
one_line "show without an archive" "$ADMIN" show --archive "$A" d01-1
one_line "update without an archive" "$ADMIN" update --archive "$A" --out "$T_DIR/u.qfu"
one_line "status with a bad case name" "$ADMIN" status --archive "$A" d01 accepted
check "still no archive" test ! -e "$A"
check "no update file" test ! -e "$T_DIR/u.qfu"
check "no forwarded file" test ! -e "$T_DIR/f.txt"

finish
