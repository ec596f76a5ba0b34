#!/bin/sh
# Regressions for what fuzzing found (issue 9; docs/testing.md "Bugs found"),
# through the real binaries:
#   - config.json with an unknown key or a bad value: the message names the
#     key (intake/config.c read the key after freeing the parsed file);
#   - b64u with bytes >= 0x80: refused (libsodium 1.0.18 decodes every such
#     byte as '_', so "é" passed for "__" in lookups, keys and envelopes).
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
cp "$D/config.json" "$T_DIR/config.good"
set_config "$D" '. + {"colour": 1}'
out=$("$INTAKE" check --data "$D" 2>&1)
eq "unknown config key: refused" $? 1
check "unknown config key: the message names it" sh -c "printf '%s' \"\$1\" | grep -q 'unknown key: colour\$'" _ "$out"
cp "$T_DIR/config.good" "$D/config.json"
set_config "$D" '.pow_difficulty = 99'
out=$("$INTAKE" check --data "$D" 2>&1)
eq "bad config value: refused" $? 1
check "bad config value: the message names the key" sh -c "printf '%s' \"\$1\" | grep -q 'bad value for: pow_difficulty\$'" _ "$out"
cp "$T_DIR/config.good" "$D/config.json"
set_config "$D" '.upload_memory_bytes = 1000'
out=$("$INTAKE" check --data "$D" 2>&1)
eq "upload_memory_bytes under 1 MiB: refused" $? 1
check "upload_memory_bytes under 1 MiB: the message names the key" sh -c "printf '%s' \"\$1\" | grep -q 'bad value for: upload_memory_bytes\$'" _ "$out"
cp "$T_DIR/config.good" "$D/config.json"
set_config "$D" '.upload_memory_bytes = 1048576'
"$INTAKE" check --data "$D" >/dev/null 2>&1
eq "upload_memory_bytes of 1 MiB: accepted" $? 0
cp "$T_DIR/config.good" "$D/config.json"
set_config "$D" '.pow_difficulty = 0'

start_server "$D" || exit 1
# a lookup whose b64u has "__", written with "é" (two bytes >= 0x80) instead
while :; do
	L=$("$QFTOOL" rand 32)
	case "$L" in *__*) break ;; esac
done
AUTH=$("$QFTOOL" rand 32)
AUTH_HASH=$("$QFTOOL" h256-b64u "$AUTH")
REPLY_PK=$("$QFTOOL" rand 32)
LE=$(printf '%s' "$L" | sed 's/__/é/')
printf '{"district":"d01","lookup":"%s","auth_hash":"%s","reply_pk":"%s","envelope":"%s"}' \
	"$LE" "$AUTH_HASH" "$REPLY_PK" "$("$QFTOOL" fake-envelope 4096)" >"$T_DIR/body.json"
out=$(submit /api/v1/reports "$T_DIR/body.json")
eq "lookup with non-ASCII bytes: 400" "$(code_of "$out")" 400
eq "lookup with non-ASCII bytes: bad_field" "$(body_of "$out" | jq -r .error.code)" bad_field
eq "lookup with non-ASCII bytes: nothing stored" "$(curl -s "$URL/api/v1/log/d01/head" | jq .size)" 0
printf '{"lookup":"%s","auth":"%s"}' "$LE" "$AUTH" >"$T_DIR/st.json"
eq "status with a non-ASCII lookup: 400" "$(code_of "$(api POST /api/v1/status "$T_DIR/st.json")")" 400
stop_server
finish
