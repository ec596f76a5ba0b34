#!/bin/sh
# The reporter CLI against the real server: submit with attachments under a
# real proof-of-work, status with a sloppily typed receipt, follow-up, the
# --pin refusal, typos caught before sending; the state file: after the
# server swaps the district's key for a look-alike (same id, same name, its
# own keys) status and followup refuse, and --no-state keeps nothing; a
# server that floods the CLI with a huge answer is refused with a bounded
# memory footprint; and nothing the reporter wrote reaches the server's disk
# or log in the clear.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 10'
start_server "$D" || exit 1
FP=$(jq -r .fingerprint "$FIXTURES/d01.pub.json")
head_size() { curl -s "$URL/api/v1/log/d01/head" | jq -r .size; }

MARK="PLAINTEXT-MARKER-$$-某某收受礼金"
printf '%s\n第二行\n' "$MARK" >"$T_DIR/body.txt"
printf 'ATTACHMENT-MARKER-%s\n' "$$" >"$T_DIR/evidence.txt"
head -c 150000 /dev/urandom >"$T_DIR/photo.jpg"

out=$("$REPORT" submit --server "$URL" --district d01 --pin "0000 0000 0000 0000 0000 0000 0000 0000" \
	--title "测试" --body-file "$T_DIR/body.txt" 2>&1)
eq "wrong --pin refused" $? 1
check "wrong --pin says so" sh -c "printf '%s' \"\$1\" | grep -qi 'pin'" _ "$out"
eq "wrong --pin: nothing stored" "$(head_size)" 0

out=$("$REPORT" submit --server "$URL" --district d01 --pin "$(echo "$FP" | tr -d ' ' | tr a-f A-F)" \
	--title "测试标题" --body-file "$T_DIR/body.txt" --attach "$T_DIR/evidence.txt" \
	--attach "$T_DIR/photo.jpg" --send-uncleaned --category integrity --town 城关镇 --level township 2>&1)
eq "submit exit 0" $? 0
RECEIPT=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
check "submit prints a receipt" test -n "$RECEIPT"
check "submit warns the receipt is the only way back" sh -c "printf '%s' \"\$1\" | grep -q 'ONLY way back'" _ "$out"
eq "stored" "$(head_size)" 1

sloppy=$(printf '%s' "$RECEIPT" | tr 'A-Z' 'a-z' | tr '-' ' ' | sed 's/0/o/g; s/1/l/g')
out=$("$REPORT" status --server "$URL" --receipt "$sloppy" 2>&1)
eq "status exit 0" $? 0
check "status received" sh -c "printf '%s' \"\$1\" | grep -q 'received'" _ "$out"
check "status not yet delivered" sh -c "printf '%s' \"\$1\" | grep -q 'not yet confirmed'" _ "$out"

printf 'more material %s\n' "$MARK" >"$T_DIR/more.txt"
out=$("$REPORT" followup --server "$URL" --receipt "$RECEIPT" --body-file "$T_DIR/more.txt" \
	--attach "$T_DIR/evidence.txt" --send-uncleaned --purpose material 2>&1)
eq "followup exit 0" $? 0
eq "followup stored" "$(head_size)" 2
out=$("$REPORT" status --server "$URL" --receipt "$RECEIPT" 2>&1)
check "status counts the follow-up" sh -c "printf '%s' \"\$1\" | grep -qE 'Follow-ups: +1'" _ "$out"

# Change the last character (part of the checksum) to a different one.
last=${RECEIPT#"${RECEIPT%?}"}
typo=Z
[ "$last" = Z ] && typo=Y
out=$("$REPORT" status --server "$URL" --receipt "${RECEIPT%?}$typo" 2>&1)
rc=$?
eq "typo caught locally" "$rc" 1
check "typo says invalid receipt" sh -c "printf '%s' \"\$1\" | grep -q 'invalid receipt'" _ "$out"
out=$("$REPORT" status --server "$URL" --receipt "MS0Z-H1WW-YKQN-03JM-SFCX" 2>&1)
eq "unknown receipt exit 1" $? 1
check "unknown receipt names not_found" sh -c "printf '%s' \"\$1\" | grep -q 'not_found'" _ "$out"
out=$("$REPORT" submit --server "$URL" --district d01 --title x --body-file "$T_DIR/nonexistent" 2>&1)
eq "missing body file exit 1" $? 1
out=$("$REPORT" submit --server "$URL" --district d01 --title x --body-file "$T_DIR/body.txt" --level emperor 2>&1)
eq "bad --level exit 2" $? 2

# --- the state file: the district each receipt was sealed to
PINS="$XDG_STATE_HOME/qingfeng/pins"
check "state file written" test -f "$PINS"
eq "state file mode 0600" "$(stat -c %a "$PINS")" 600
eq "state file: one line for the one receipt filed" "$(wc -l <"$PINS")" 1
check "state file names d01 and its fingerprint" grep -q " d01 $(echo "$FP" | tr -d ' ')\$" "$PINS"
check "state file holds no receipt" sh -c "! grep -q '$RECEIPT' '$PINS'"
out=$("$REPORT" submit --server "$URL" --district d01 --title "不留记录" --body-file "$T_DIR/body.txt" --no-state 2>&1)
eq "submit --no-state exit 0" $? 0
NOSTATE=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
eq "--no-state: no line added" "$(wc -l <"$PINS")" 1
stored=$(head_size)

# the server now lists a look-alike d01: same id and name, its own keys
printf 'look-alike-passphrase\n' >"$T_DIR/pass2"
"$ADMIN" keygen --district d01 --name "$(jq -r .name "$FIXTURES/d01.pub.json")" --out "$T_DIR/fake" \
	--kdf interactive --passphrase-file "$T_DIR/pass2" >/dev/null
stop_server
jq --slurpfile k "$T_DIR/fake/district.pub.json" '.districts[0] = $k[0]' "$D/config.json" >"$D/config.json.new" &&
	mv "$D/config.json.new" "$D/config.json"
start_server "$D" || exit 1
FAKE=$(jq -r .fingerprint "$T_DIR/fake/district.pub.json")
out=$("$REPORT" status --server "$URL" --receipt "$RECEIPT" 2>&1)
eq "status after the key swap refused" $? 1
check "the refusal names both fingerprints" sh -c "printf '%s' \"\$1\" | grep -q 'sealed to district d01' && printf '%s' \"\$1\" | grep -q '$FAKE'" _ "$out"
out=$("$REPORT" followup --server "$URL" --receipt "$RECEIPT" --body-file "$T_DIR/more.txt" 2>&1)
eq "followup after the key swap refused" $? 1
eq "followup after the key swap: nothing stored" "$(head_size)" "$stored"
out=$("$REPORT" status --server "$URL" --receipt "$NOSTATE" 2>&1)
eq "a receipt with no record: status goes on" $? 0
out=$("$REPORT" status --server "$URL" --receipt "$RECEIPT" --no-state 2>&1)
eq "status --no-state neither reads nor refuses" $? 0
printf 'garbage\n' >>"$PINS"
out=$("$REPORT" status --server "$URL" --receipt "$NOSTATE" 2>&1)
eq "an unreadable state file is refused, not ignored" $? 1
check "it says which file" sh -c "printf '%s' \"\$1\" | grep -q 'state file'" _ "$out"

# --- a hostile server floods the CLI (issue 21): 4.5 MB of empty objects once
# took 339 MiB to parse. Each answer is capped by endpoint and refused while
# it is read, and the parse is bounded; the CLI stays small and says why.
# MAX_RSS (KiB): 3 MiB here, 21 MiB under ASan; an unguarded parse needs 340 MiB.
MAX_RSS=${QF_REPORT_MAX_RSS:-65536}
rm -f "$PINS"
flooded() { # NAME MODE PATTERN COMMAND...: the CLI run through the flooding proxy
	_name=$1 _mode=$2 _pat=$3
	shift 3
	node "$QF_ROOT/tests/tools/lying-server.mjs" "$PORT" "$_mode" >"$T_DIR/liar.port" 2>"$T_DIR/liar.err" &
	_lp=$!
	for _i in $(seq 1 100); do [ -s "$T_DIR/liar.port" ] && break; sleep 0.05; done
	/usr/bin/time -o "$T_DIR/rss" -f %M "$REPORT" "$@" --server "http://127.0.0.1:$(cat "$T_DIR/liar.port")" >"$T_DIR/flood.out" 2>&1
	_rc=$?
	kill "$_lp" 2>/dev/null
	wait "$_lp" 2>/dev/null
	: >"$T_DIR/liar.port"
	_rss=$(tail -n 1 "$T_DIR/rss")
	eq "$_name: exit 1" "$_rc" 1
	check "$_name: says the answer was refused ($_pat)" grep -q "$_pat" "$T_DIR/flood.out"
	check "$_name: max RSS ${_rss} KiB < $MAX_RSS KiB" test "$_rss" -lt "$MAX_RSS"
}
big_info="the server's answer to info is larger than 262144 bytes; refusing it"
for m in flood-info flood-info-chunked flood-info-unframed; do
	flooded "$m, submit" "$m" "$big_info" submit --district d01 --title x --body-file "$T_DIR/body.txt"
done
# refused on the header, before any of the body: no waiting for the 1 GiB
flooded "flood-info-length (1 GiB announced, never sent)" flood-info-length "$big_info" \
	submit --district d01 --title x --body-file "$T_DIR/body.txt" --timeout 30
check "... nothing written to the state file" test ! -e "$PINS"
stored=$(head_size)
flooded "flood-info, followup" flood-info "$big_info" followup --receipt "$NOSTATE" --body-file "$T_DIR/more.txt"
eq "... nothing stored" "$(head_size)" "$stored"
many="the server's answer to status holds more JSON values than"
for m in flood-status flood-status-chunked; do
	flooded "$m" "$m" "$many" status --receipt "$NOSTATE"
done
check "... nothing written to the state file" test ! -e "$PINS"
stop_server

check "store check passes" sh -c "'$INTAKE' check --data '$D' >/dev/null"
check "no plaintext body on disk or in the log" sh -c "! grep -rqa 'PLAINTEXT-MARKER' '$D' '$SERVER_LOG'"
check "no attachment plaintext on disk" sh -c "! grep -rqa 'ATTACHMENT-MARKER' '$D' '$SERVER_LOG'"
check "no receipt on disk" sh -c "! grep -rqa '$RECEIPT' '$D' '$SERVER_LOG'"
check "no client address on disk or in the log" sh -c "! grep -rqa '$CLIENT_ADDR' '$D' '$SERVER_LOG'"

# --- issue 21 item 4: a district's name (free text, not covered by the
# fingerprint) that carries a fake fingerprint never stands beside the real
# one: the fingerprint has its own labelled line, the name is further down.
FAKE_FP="0000 0000 0000 0000 0000 0000 0000 0000"
FAKE_NAME="某区纪委监委 Fingerprint: $FAKE_FP ✓"
D2="$T_DIR/data2"
check "init + a district with a fake fingerprint in its name" new_data "$D2"
"$ADMIN" keygen --district c02 --name "$FAKE_NAME" --out "$T_DIR/c02" --kdf interactive \
	--passphrase-file "$T_DIR/pass2" >/dev/null
"$INTAKE" district add --data "$D2" "$T_DIR/c02/district.pub.json" >/dev/null
CFP=$(jq -r .fingerprint "$T_DIR/c02/district.pub.json")
start_server "$D2" || exit 1
# fp_alone NAME OUTPUT REAL: one line says "Fingerprint:", it is the real one,
# and neither the line before nor the one after carries the name's text
fp_alone() {
	printf '%s\n' "$2" | awk -v real="Fingerprint: $3" '
		/Fingerprint:/ && !/某区/ { n++; if ($0 != real) bad = "another fingerprint line: " $0; at = NR }
		{ line[NR] = $0 }
		END {
			if (n != 1) { print "fingerprint lines: " n; exit 1 }
			if (bad != "") { print bad; exit 1 }
			if (line[at - 1] ~ /某区|0000 0000/ || line[at + 1] ~ /某区|0000 0000/) {
				print "beside the name:\n" line[at - 1] "\n" line[at] "\n" line[at + 1]; exit 1 }
		}' >"$T_DIR/fp_alone" || { not_ok "$1: $(cat "$T_DIR/fp_alone")"; return; }
	ok "$1"
}
out=$("$REPORT" submit --server "$URL" --district c02 --pin "$FAKE_FP" --title x --body-file "$T_DIR/body.txt" 2>&1)
eq "a fake-named district: --pin refused" $? 1
fp_alone "submit: the fingerprint stands alone, not after the name" "$out" "$CFP"
check "submit: the name is shown, labelled" sh -c "printf '%s' \"\$1\" | grep -q '^Name: .*某区纪委监委'" _ "$out"
# a hostile server's name: a line break is refused outright (key files allow
# no control characters); Unicode line separators, NEL and runs of spaces
# become one space, and fingerprint-shaped hex shows as […]
liar() {
	rm -f "$T_DIR/liar.port"
	node "$QF_ROOT/tests/tools/lying-server.mjs" "$PORT" rename "$1" >"$T_DIR/liar.port" &
	LIAR=$!
	for _i in $(seq 1 100); do [ -s "$T_DIR/liar.port" ] && break; sleep 0.1; done
	LIAR_URL="http://127.0.0.1:$(cat "$T_DIR/liar.port")"
}
liar '某区纪委监委\nFingerprint: 0000 0000 0000 0000 0000 0000 0000 0000'
out=$("$REPORT" submit --server "$LIAR_URL" --district c02 --title x --body-file "$T_DIR/body.txt" 2>&1)
eq "a name with a line break: refused" $? 1
check "it says the answer is malformed" sh -c "printf '%s' \"\$1\" | grep -q 'does not have the documented form'" _ "$out"
kill "$LIAR" 2>/dev/null
wait "$LIAR" 2>/dev/null
SP=$(printf '%40s' '') # the name stays within the key files' 256 bytes
liar "某区纪委监委\\u2028Fingerprint: 0000 0000 0000 0000 0000 0000 0000 0000\\u2029Fingerprint: 0000 0000 0000 0000 0000 0000 0000 0000\\u0085${SP}Fingerprint: 0000 0000 0000 0000 0000 0000 0000 0000 ✓"
out=$("$REPORT" submit --server "$LIAR_URL" --district c02 --pin "$FAKE_FP" --title x \
	--body-file "$T_DIR/body.txt" 2>&1)
eq "a renamed district: --pin refused" $? 1
fp_alone "a name with line separators makes no line of its own" "$out" "$CFP"
check "separators and runs of spaces are one space each, hex is masked" sh -c \
	"printf '%s' \"\$1\" | grep -q '^Name: *某区纪委监委 Fingerprint: \[…\] Fingerprint: \[…\] Fingerprint: \[…\] ✓\$'" _ "$out"
check "no line but the real one starts with Fingerprint" sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c '^ *Fingerprint:') -eq 1 ]" _ "$out"
check "the fake fingerprint is shown nowhere" sh -c "! printf '%s' \"\$1\" | grep -q '0000 0000'" _ "$out"
kill "$LIAR" 2>/dev/null
wait "$LIAR" 2>/dev/null
stop_server
finish
