#!/bin/sh
# The API of DESIGN.md §9 through the real server on loopback: shapes,
# headers, every error code, the binary submission body, proof-of-work in
# its header, rate limits, and that a refused request changes nothing.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0'
start_server "$D" || exit 1

# --- info, pow, headers
out=$(api GET /api/v1/info)
eq "info 200" "$(code_of "$out")" 200
info=$(body_of "$out")
eq "info service" "$(echo "$info" | jq -r .service)" qingfeng
eq "info district" "$(echo "$info" | jq -r '.districts[0].id')" d01
eq "info fingerprint" "$(echo "$info" | jq -r '.districts[0].fingerprint')" \
	"$(jq -r .fingerprint "$FIXTURES/d01.pub.json")"
eq "info limits" "$(echo "$info" | jq -r .limits.max_envelope_bytes)" 20971520
SERVER_PK=$(echo "$info" | jq -r .server_sign_pk)
hdrs=$(curl -s -D - -o /dev/null "$URL/api/v1/info" | tr -d '\r')
for h in "Cache-Control: no-store" "Referrer-Policy: no-referrer" \
	"X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" \
	"Content-Security-Policy: default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"; do
	check "header $h" sh -c "printf '%s\n' \"\$1\" | grep -qxF \"\$2\"" _ "$hdrs" "$h"
done
check "no Server banner" sh -c "! printf '%s\n' \"\$1\" | grep -qi '^server:'" _ "$hdrs"
check "no cookie" sh -c "! printf '%s\n' \"\$1\" | grep -qi '^set-cookie:'" _ "$hdrs"

out=$(api GET /api/v1/pow)
eq "pow 200" "$(code_of "$out")" 200
eq "pow challenge is 40 bytes" "$(body_of "$out" | jq -r .challenge | wc -c)" 55

# --- a report and its status
R1=$("$QFTOOL" rand 12)
receipt="MS0Z-H1WW-YKQN-03JM-SFCX"
set -- $("$QFTOOL" derive "$receipt")
LOOKUP=$1 AUTH=$2 AUTH_HASH=$3 REPLY_PK=$4
ENV=$("$QFTOOL" fake-envelope 4096)
mkreport() { # district lookup auth_hash reply_pk envelope -> file
	printf '{"district":"%s","lookup":"%s","auth_hash":"%s","reply_pk":"%s","envelope":"%s"}' \
		"$1" "$2" "$3" "$4" "$5" >"$T_DIR/body.json"
}
head_size() { curl -s "$URL/api/v1/log/d01/head" | jq -r .size; }
mkreport d01 "$LOOKUP" "$AUTH_HASH" "$REPLY_PK" "$ENV"
out=$(submit /api/v1/reports "$T_DIR/body.json")
eq "report 201" "$(code_of "$out")" 201
rc=$(body_of "$out")
eq "receipt index" "$(echo "$rc" | jq -r .receipt.index)" 1
eq "receipt district" "$(echo "$rc" | jq -r .receipt.district)" d01
eq "receipt envelope_hash" "$(echo "$rc" | jq -r .receipt.envelope_hash)" "$("$QFTOOL" h256-b64u "$ENV")"
check "receipt day is a day" sh -c "echo '$rc' | jq -r .receipt.day | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"
eq "receipt sig is 64 bytes" "$(echo "$rc" | jq -r .receipt.sig | tr -d '\n' | wc -c)" 86
check "receipt answer has no-store" sh -c "curl --interface $CLIENT_ADDR -s -D - -o /dev/null -H 'Content-Type: $SUBMISSION_TYPE' --data-binary @$T_DIR/body.json.bin $URL/api/v1/reports | tr -d '\r' | grep -qx 'Cache-Control: no-store'"

printf '{"lookup":"%s","auth":"%s"}' "$LOOKUP" "$AUTH" >"$T_DIR/st.json"
out=$(api POST /api/v1/status "$T_DIR/st.json")
eq "status 200" "$(code_of "$out")" 200
st=$(body_of "$out")
eq "status received" "$(echo "$st" | jq -r .status)" received
eq "status not delivered" "$(echo "$st" | jq -r .delivered)" false
eq "status index" "$(echo "$st" | jq -r .index)" 1
eq "status followups" "$(echo "$st" | jq -r .followups)" 0
eq "status replies" "$(echo "$st" | jq -c .replies)" "[]"

# wrong auth and unknown lookup: the same answer
printf '{"lookup":"%s","auth":"%s"}' "$LOOKUP" "$("$QFTOOL" rand 32)" >"$T_DIR/st2.json"
a=$(api POST /api/v1/status "$T_DIR/st2.json")
printf '{"lookup":"%s","auth":"%s"}' "$("$QFTOOL" rand 32)" "$AUTH" >"$T_DIR/st3.json"
b=$(api POST /api/v1/status "$T_DIR/st3.json")
eq "wrong auth 404" "$(code_of "$a")" 404
eq "wrong auth == unknown lookup" "$a" "$b"
eq "not_found code" "$(body_of "$a" | jq -r .error.code)" not_found

# --- refusals change nothing
before=$(head_size)
refuse() { # name want-code want-error file [content-type]
	out=$(submit /api/v1/reports "$3" "${5:-$SUBMISSION_TYPE}")
	eq "$1: status" "$(code_of "$out")" "$2"
	eq "$1: code" "$(body_of "$out" | jq -r .error.code)" "$4"
	eq "$1: nothing stored" "$(head_size)" "$before"
}
mkreport d01 "$LOOKUP" "$AUTH_HASH" "$REPLY_PK" "$ENV"
refuse "duplicate lookup" 409 "$T_DIR/body.json" lookup_in_use
echo '{"district":' >"$T_DIR/bad.json"
refuse "malformed JSON" 400 "$T_DIR/bad.json" bad_json
echo '[1,2]' >"$T_DIR/bad.json"
refuse "JSON array" 400 "$T_DIR/bad.json" bad_json
L2=$("$QFTOOL" rand 32)
mkreport d01 "$L2" "$AUTH_HASH" "$REPLY_PK" "$ENV"
jq -c '.lookup = 5' "$T_DIR/body.json" >"$T_DIR/bad.json"
refuse "lookup not a string" 400 "$T_DIR/bad.json" bad_field
msg=$(body_of "$(submit /api/v1/reports "$T_DIR/bad.json")" | jq -r .error.message)
check "bad_field names the field" sh -c "echo '$msg' | grep -q lookup"
jq -c '.auth_hash = "AAAA"' "$T_DIR/body.json" >"$T_DIR/bad.json"
refuse "short auth_hash" 400 "$T_DIR/bad.json" bad_field
jq -c '.reply_pk = (.reply_pk + "=")' "$T_DIR/body.json" >"$T_DIR/bad.json"
refuse "padded base64" 400 "$T_DIR/bad.json" bad_field
jq -c '.envelope = "!!!!"' "$T_DIR/body.json" >"$T_DIR/bad.json"
refuse "a 4-byte envelope" 400 "$T_DIR/bad.json" bad_envelope
jq -c '.district = "D01"' "$T_DIR/body.json" >"$T_DIR/bad.json"
refuse "malformed district" 400 "$T_DIR/bad.json" bad_field
jq -c '.district = "d99"' "$T_DIR/body.json" >"$T_DIR/bad.json"
refuse "unknown district" 400 "$T_DIR/bad.json" unknown_district
mkreport d01 "$L2" "$AUTH_HASH" "$REPLY_PK" "$("$QFTOOL" rand 4221)"
refuse "envelope without magic" 400 "$T_DIR/body.json" bad_envelope
mkreport d01 "$L2" "$AUTH_HASH" "$REPLY_PK" "$("$QFTOOL" fake-envelope 4000)"
refuse "envelope of a wrong size" 400 "$T_DIR/body.json" bad_envelope
mkreport d01 "$L2" "$AUTH_HASH" "$REPLY_PK" "$ENV"
refuse "wrong media type" 415 "$T_DIR/body.json" unsupported_media_type text/plain
refuse "JSON (the old body)" 415 "$T_DIR/body.json" unsupported_media_type application/json
out=$(curl -s -H "Content-Type: $SUBMISSION_TYPE" -H 'Transfer-Encoding: chunked' \
	--data-binary "@$T_DIR/body.json.bin" -w '\n%{http_code}' "$URL/api/v1/reports")
eq "chunked body: 411" "$(code_of "$out")" 411
eq "chunked body: length_required" "$(body_of "$out" | jq -r .error.code)" length_required
out=$(curl -s --max-time 5 -w '\n%{http_code}' -X POST -H "Content-Type: $SUBMISSION_TYPE" \
	-H 'Content-Length:' "$URL/api/v1/reports")
eq "no Content-Length: 411" "$(code_of "$out")" 411
eq "nothing stored by them" "$(head_size)" "$before"
set_config "$D" '.max_envelope_bytes = 8192'
stop_server
start_server "$D" || exit 1
mkreport d01 "$L2" "$AUTH_HASH" "$REPLY_PK" "$("$QFTOOL" fake-envelope 8192)"
refuse "envelope over max_envelope_bytes" 413 "$T_DIR/body.json" too_large
set_config "$D" '.max_envelope_bytes = 20971520'
stop_server
start_server "$D" || exit 1

out=$(api GET /api/v1/reports)
eq "GET on reports 405" "$(code_of "$out")" 405
eq "405 code" "$(body_of "$out" | jq -r .error.code)" method_not_allowed
out=$(api DELETE /api/v1/status)
eq "DELETE 405" "$(code_of "$out")" 405
out=$(api GET /api/v1/nothing)
eq "unknown API path 404" "$(code_of "$out")" 404
for p in "/../config.json" "/%2e%2e/config.json" "/..%2fserver.key" "/.hidden" "/%00"; do
	out=$(curl -s --path-as-is -w '\n%{http_code}' "$URL$p")
	eq "static $p refused" "$(code_of "$out")" 404
	check "static $p leaks nothing" sh -c "! printf '%s' \"\$1\" | grep -q sign_sk" _ "$out"
done

# --- follow-up
F_ENV=$("$QFTOOL" fake-envelope 4096)
printf '{"lookup":"%s","auth":"%s","envelope":"%s"}' "$LOOKUP" "$AUTH" "$F_ENV" >"$T_DIR/fu.json"
out=$(submit /api/v1/followups "$T_DIR/fu.json")
eq "followup 201" "$(code_of "$out")" 201
eq "followup index" "$(body_of "$out" | jq -r .receipt.index)" 2
printf '{"lookup":"%s","auth":"%s","envelope":"%s"}' "$LOOKUP" "$("$QFTOOL" rand 32)" "$F_ENV" >"$T_DIR/fu2.json"
out=$(submit /api/v1/followups "$T_DIR/fu2.json")
eq "followup wrong auth 404" "$(code_of "$out")" 404
eq "followup refused: nothing stored" "$(head_size)" 2
out=$(api POST /api/v1/status "$T_DIR/st.json")
eq "status counts the follow-up" "$(body_of "$out" | jq -r .followups)" 1

# --- log head
out=$(api GET /api/v1/log/d01/head)
eq "head 200" "$(code_of "$out")" 200
eq "head size" "$(body_of "$out" | jq -r .size)" 2
out=$(api GET /api/v1/log/d99/head)
eq "head of unknown district 404" "$(code_of "$out")" 404

# --- rate limit per lookup: the 11th status request in a minute is refused, others go on
# (22 requests: even split by a minute boundary, one minute sees 11)
codes=""
for i in $(seq 1 22); do codes="$codes $(code_of "$(api POST /api/v1/status "$T_DIR/st2.json")")"; done
check "status rate-limited per lookup" sh -c "echo '$codes' | grep -q 429"
out=$(api POST /api/v1/status "$T_DIR/st3.json")
eq "another lookup is not slowed" "$(code_of "$out")" 404

# --- proof-of-work
stop_server
set_config "$D" '.pow_difficulty = 8'
start_server "$D" || exit 1
mkreport d01 "$("$QFTOOL" rand 32)" "$AUTH_HASH" "$REPLY_PK" "$ENV"
out=$(submit /api/v1/reports "$T_DIR/body.json")
eq "no pow: 429" "$(code_of "$out")" 429
eq "no pow: pow_required" "$(body_of "$out" | jq -r .error.code)" pow_required
CH=$(curl -s "$URL/api/v1/pow" | jq -r .challenge)
NONCE=$("$QFTOOL" pow "$CH" 8)
with_pow() { jq -c --arg c "$1" --arg n "$2" '.pow = {challenge: $c, nonce: $n}' "$T_DIR/body.json" >"$T_DIR/powbody.json"; }
bad_nonce=AAAAAAAAAAA
[ "$NONCE" = "$bad_nonce" ] && bad_nonce=AAAAAAAAAAE
with_pow "$CH" "$bad_nonce"
out=$(submit /api/v1/reports "$T_DIR/powbody.json")
eq "unsolved pow: pow_invalid" "$(body_of "$out" | jq -r .error.code)" pow_invalid
FORGED=$(printf '%s' "$CH" | sed 's/^./A/;t;s/^A/B/')
[ "$FORGED" = "$CH" ] && FORGED=$(printf '%s' "$CH" | sed 's/^./B/')
with_pow "$FORGED" "$NONCE"
out=$(submit /api/v1/reports "$T_DIR/powbody.json")
eq "forged challenge: pow_invalid" "$(body_of "$out" | jq -r .error.code)" pow_invalid
out=$(curl -s -H "Content-Type: $SUBMISSION_TYPE" -H "Qingfeng-PoW: $CH" \
	--data-binary "@$T_DIR/body.json.bin" -w '\n%{http_code}' "$URL/api/v1/reports")
eq "malformed header: pow_invalid" "$(body_of "$out" | jq -r .error.code)" pow_invalid
with_pow "$CH" "$NONCE"
out=$(submit /api/v1/reports "$T_DIR/powbody.json")
eq "solved pow: 201" "$(code_of "$out")" 201
jq -c --arg l "$("$QFTOOL" rand 32)" '.lookup = $l' "$T_DIR/powbody.json" >"$T_DIR/powbody2.json"
out=$(submit /api/v1/reports "$T_DIR/powbody2.json")
eq "reused pow: 429" "$(code_of "$out")" 429
eq "reused pow: pow_reused" "$(body_of "$out" | jq -r .error.code)" pow_reused
CH2=$(curl -s "$URL/api/v1/pow" | jq -r .challenge)
jq -c --arg l "$("$QFTOOL" rand 32)" --arg c "$CH2" --arg n "$("$QFTOOL" pow "$CH2" 8)" \
	'.lookup = $l | .pow = {challenge: $c, nonce: $n}' "$T_DIR/body.json" >"$T_DIR/powbody3.json"
sleep 1 # a restart in the second the server started cannot tell its challenges apart by time
stop_server
start_server "$D" || exit 1
out=$(submit /api/v1/reports "$T_DIR/powbody2.json")
eq "spent before a restart: pow_expired (pow_key is new)" "$(body_of "$out" | jq -r .error.code)" pow_expired
out=$(submit /api/v1/reports "$T_DIR/powbody3.json")
eq "unspent from before a restart: pow_expired" "$(body_of "$out" | jq -r .error.code)" pow_expired

# --- hot backup while serving, restore into a new data directory
check "hot backup" sh -c "'$INTAKE' backup --data '$D' --out '$T_DIR/backup.mdb' >/dev/null"
check "backup is mode 0600" test "$(stat -c %a "$T_DIR/backup.mdb")" = 600
eq "backup refuses to overwrite" "$("$INTAKE" backup --data "$D" --out "$T_DIR/backup.mdb" >/dev/null 2>&1; echo $?)" 1
mkdir -p "$T_DIR/restored/db"
cp "$D/config.json" "$D/server.key" "$T_DIR/restored/"
cp "$T_DIR/backup.mdb" "$T_DIR/restored/db/data.mdb"
check "restored copy passes check" sh -c "'$INTAKE' check --data '$T_DIR/restored' >/dev/null"
eq "restored copy holds the same cases" "$("$INTAKE" check --data "$T_DIR/restored" | head -n 1)" \
	"$("$INTAKE" check --data "$D" | head -n 1)"
stop_server

# --- slow clients are cut off; SIGHUP adds a district; SIGTERM stops cleanly
set_config "$D" '.request_timeout = 2 | .pow_difficulty = 0'
start_server "$D" || exit 1
secs=$("$QFTOOL" slow "$PORT" 20)
eq "a slow client is cut off" $? 0
check "after about request_timeout seconds ($secs)" test "${secs:-99}" -le 4
jq --arg id d02 '.id = $id | del(.fingerprint) | .box_pk = "jiQO9G9GSUIK4rsBr01ssTufiUMwECV75LZlx8vAnJc" | .sign_pk = "vK7PCZDaqkzvx-FoHxV1WVp1D-AY1mpN_4NFwI5vPhE"' \
	"$FIXTURES/d01.pub.json" >"$T_DIR/d02.pub.json"
check "district add d02" sh -c "'$INTAKE' district add --data '$D' '$T_DIR/d02.pub.json' >/dev/null"
kill -HUP "$SERVER_PID"
n=0
for _i in $(seq 1 50); do
	n=$(curl -s "$URL/api/v1/info" | jq '.districts | length')
	[ "$n" = 2 ] && break
	sleep 0.1
done
eq "SIGHUP reloads the districts" "$n" 2
eq "d02 fingerprint as published" "$(curl -s "$URL/api/v1/info" | jq -r '.districts[1].fingerprint')" "433c fb1b f8a0 f0a5 f52f 8de1 6be1 98c3"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
eq "SIGTERM exits 0" $? 0
SERVER_PID=""
check "stopped cleanly" grep -q "stopped" "$SERVER_LOG"
check "a district secret key is refused by district add" sh -c "jq '.secret_file' '$QF_ROOT/tests/vectors/keys.json' > '$T_DIR/sec.json'; ! '$INTAKE' district add --data '$D' '$T_DIR/sec.json' 2>/dev/null"

st=$("$INTAKE" stats --data "$D" --json)
eq "stats: cases" "$(echo "$st" | jq .cases)" 2
eq "stats: district entries" "$(echo "$st" | jq '.districts[0].entries')" 3
check "stats: storage" test "$(echo "$st" | jq .storage.map_used)" -gt 0
check "stats text" sh -c "'$INTAKE' stats --data '$D' | grep -q 'district d01'"

check "store check passes" sh -c "'$INTAKE' check --data '$D' >/dev/null"
check "no client address in data or log (text)" sh -c "! grep -rqa '$CLIENT_ADDR' '$D' '$SERVER_LOG'"
check "no client address in data (binary)" sh -c "! grep -rqaP '\\x7f\\x00\\x00\\x03' '$D'"
check "no user agent in data or log" sh -c "! grep -rqa 'curl/' '$D' '$SERVER_LOG'"
grep -v -e 'serving' -e 'stopp' -e 'reloaded' "$SERVER_LOG" >"$T_DIR/extra" || true
check "no per-request log lines" sh -c "cat '$T_DIR/extra'; [ ! -s '$T_DIR/extra' ]"
finish
