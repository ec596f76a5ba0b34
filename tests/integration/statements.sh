#!/bin/sh
# The district's signed case statements (docs/DESIGN.md §15) through the real
# binaries: qingfeng-admin update signs a statement for each case, the server
# verifies and keeps it and answers it in the status, qingfeng-report checks
# it against the replies it gets; a deliberately lying server (a proxy that
# hides a reply, reorders them, shows a false status, an old statement or
# one signed by another key) gets a loud warning and exit 1; an update the
# server never applied is detected at the next ingest and its reply carried
# again, so the district's count always matches what the server holds.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
K="$T_DIR/keys"
A="$T_DIR/archive"
P="$T_DIR/pass"
printf 'statement test passphrase\n' >"$P"
"$INTAKE" init --data "$D" >/dev/null
check "keygen" sh -c "'$ADMIN' keygen --district d05 --name 五区纪委监委 --out '$K' --kdf interactive --passphrase-file '$P' >/dev/null"
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null
set_config "$D" '.pow_difficulty = 0 | .status_per_minute = 1000'
start_server "$D" || exit 1
printf '某局长收受礼金。\n' >"$T_DIR/body.txt"

out=$("$REPORT" submit --server "$URL" --district d05 --title 举报 --body-file "$T_DIR/body.txt" 2>&1)
R=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
check "report filed" test -n "$R"
out=$("$REPORT" status --server "$URL" --receipt "$R" 2>&1)
eq "status before any statement: exit 0" $? 0
check "... the status is the server's word" sh -c "printf '%s' \"\$1\" | grep -q \"the server's word\"" _ "$out"

# one cycle: export, ingest, reply, update, import
cycle() { # N [no-import]
	"$INTAKE" export --data "$D" --district d05 --out "$T_DIR/e$1.qfx" >/dev/null || return 1
	"$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e$1.qfx" >"$T_DIR/ingest$1.out" 2>&1 || return 1
	"$ADMIN" reply --archive "$A" --passphrase-file "$P" d05-1 --message "答复$1" >/dev/null || return 1
	"$ADMIN" update --archive "$A" --passphrase-file "$P" --out "$T_DIR/u$1.qfu" >"$T_DIR/update$1.out" || return 1
	[ "${2:-}" = no-import ] && return 0
	"$INTAKE" import --data "$D" "$T_DIR/u$1.qfu" >/dev/null
}
check "cycle 1 (a reply, a statement)" cycle 1
check "the update carries a signed statement" grep -q '"op":"case"' "$T_DIR/u1.qfu"
check "the update says so" grep -q '1 signed case statements' "$T_DIR/update1.out"
ans=$(curl -s -X POST -H "Content-Type: application/json" -d "$("$QFTOOL" derive "$R" | sed -n '1,2p' | jq -R . | jq -sc '{lookup:.[0],auth:.[1]}')" "$URL/api/v1/status")
eq "the status answer carries the statement" "$(printf '%s' "$ans" | jq -r '.statement.replies, .statement.seq, .statement.status' | paste -sd' ')" "1 1 received"
out=$("$REPORT" status --server "$URL" --receipt "$R" 2>&1)
eq "honest server: exit 0" $? 0
check "the district's word is shown" sh -c "printf '%s' \"\$1\" | grep -q '已收到并核验您的举报' && printf '%s' \"\$1\" | grep -q '1 sent by the district'" _ "$out"
check "... and no warning" sh -c "! printf '%s' \"\$1\" | grep -q WARNING" _ "$out"

# a second reply, so that hiding and reordering can be seen
check "cycle 2" cycle 2

# the lying server, mode by mode
liar() { # MODE: starts the proxy; sets LURL
	node "$QF_ROOT/tests/tools/lying-server.mjs" "$PORT" "$1" >"$T_DIR/liar.port" 2>"$T_DIR/liar.err" &
	LIAR_PID=$!
	for _i in $(seq 1 100); do [ -s "$T_DIR/liar.port" ] && break; sleep 0.05; done
	LURL="http://127.0.0.1:$(cat "$T_DIR/liar.port")"
}
liar_stop() { kill "$LIAR_PID" 2>/dev/null; wait "$LIAR_PID" 2>/dev/null; : >"$T_DIR/liar.port"; }
lied() { # NAME MODE PATTERN
	liar "$2"
	out=$("$REPORT" status --server "$LURL" --receipt "$R" 2>&1)
	rc=$?
	liar_stop
	eq "$1: exit 1" "$rc" 1
	check "$1: a loud warning" sh -c "printf '%s' \"\$1\" | grep -q 'WARNING (警告)' && printf '%s' \"\$1\" | grep -q \"\$2\"" _ "$out" "$3"
}
liar honest
out=$("$REPORT" status --server "$LURL" --receipt "$R" 2>&1)
eq "through an honest proxy: exit 0" $? 0
liar_stop
lied "a hidden reply" drop-reply 'holding back'
lied "replies in another order" swap-reply 'not the ones the district'
lied "a false status" status=concluded 'false status'
lied "a statement signed by another key" foreign-key 'did\nNOT sign\|NOT sign'
# an old statement: the proxy keeps the first it sees, then the district moves on
liar old-statement
"$REPORT" status --server "$LURL" --receipt "$R" >/dev/null 2>&1
check "cycle 3 (the proxy saw statement 2)" cycle 3
out=$("$REPORT" status --server "$LURL" --receipt "$R" 2>&1)
rc=$?
liar_stop
eq "an old statement: exit 1" "$rc" 1
check "an old statement: a loud warning with its day" sh -c "printf '%s' \"\$1\" | grep -q 'the statement is old'" _ "$out"
liar no-statement
out=$("$REPORT" status --server "$LURL" --receipt "$R" 2>&1)
liar_stop
check "no statement: the status shown as the server's word" sh -c "printf '%s' \"\$1\" | grep -q \"the server's word\"" _ "$out"

# --- a lost update: written, never imported
check "cycle 4, its update lost" cycle 4 no-import
"$INTAKE" export --data "$D" --district d05 --out "$T_DIR/e5.qfx" >/dev/null
out=$("$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e5.qfx" 2>&1)
check "ingest says update 4 was not applied" sh -c "printf '%s' \"\$1\" | grep -q 'has not applied update 4'" _ "$out"
"$ADMIN" update --archive "$A" --passphrase-file "$P" --out "$T_DIR/u5.qfu" >"$T_DIR/update5.out"
check "update 5 carries the lost reply again" grep -q 'carries again' "$T_DIR/update5.out"
"$INTAKE" import --data "$D" "$T_DIR/u5.qfu" >/dev/null
eq "update 5 applied" $? 0
out=$("$REPORT" status --server "$URL" --receipt "$R" 2>&1)
eq "after the lost update: exit 0, no warning" "$?$(printf '%s' "$out" | grep -c WARNING)" 00
check "... all four replies, as the district counts them" sh -c "printf '%s' \"\$1\" | grep -q 'Replies:     4' && printf '%s' \"\$1\" | grep -q '4 sent by the district'" _ "$out"
"$INTAKE" import --data "$D" "$T_DIR/u4.qfu" >/dev/null 2>&1
eq "the lost update turning up late is refused" $? 1
out=$("$REPORT" status --server "$URL" --receipt "$R" 2>&1)
check "... and changes nothing" sh -c "printf '%s' \"\$1\" | grep -q 'Replies:     4'" _ "$out"

# --- the server refuses a statement that does not match what it holds
"$INTAKE" export --data "$D" --district d05 --out "$T_DIR/e6.qfx" >/dev/null
"$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e6.qfx" >/dev/null 2>&1
"$ADMIN" reply --archive "$A" --passphrase-file "$P" d05-1 --message 答复6 >/dev/null
"$ADMIN" update --archive "$A" --passphrase-file "$P" --out "$T_DIR/u6.qfu" >/dev/null
grep -v '"op":"reply"' "$T_DIR/u6.qfu" | sed '$d' >"$T_DIR/u6.body"
echo '{"sig":"x"}' >>"$T_DIR/u6.body"
"$QFTOOL" resign-update "$K/district.key" "$P" "$T_DIR/u6.body" "$T_DIR/u6x.qfu"
out=$("$INTAKE" import --data "$D" "$T_DIR/u6x.qfu" 2>&1)
eq "a statement counting a reply the update does not carry: refused" $? 1
check "... naming the statement" sh -c "printf '%s' \"\$1\" | grep -q 'case statement'" _ "$out"
"$INTAKE" import --data "$D" "$T_DIR/u6.qfu" >/dev/null
eq "the real update applies" $? 0
finish
