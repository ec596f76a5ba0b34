#!/bin/sh
# What sizes on the wire say (issue 21 item 5): a report's submission body is
# the same length whatever the district id's length (J is padded with
# trailing spaces, docs/decisions.md), and a status answer — the JSON API's
# and the no-JS page — is the same length whatever the district, the index
# or whether the case was delivered (padded to a bucket).
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
K="$T_DIR/keys"
P="$T_DIR/pass"
LONG=county-integrity-commission-x01
printf 'wire test passphrase\n' >"$P"
check "init + d01" new_data "$D"
check "keygen $LONG" sh -c "'$ADMIN' keygen --district $LONG --name 长名区纪委监委 --out '$K' --kdf interactive --passphrase-file '$P' >/dev/null"
"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null
set_config "$D" '.pow_difficulty = 0 | .status_per_minute = 1000 | .nojs_min_seconds = 0 | .nojs_patient_seconds = 0'
start_server "$D" || exit 1

printf 'same text\n' >"$T_DIR/body.txt"
file() { # district -> receipt
	"$REPORT" submit --server "$URL" --district "$1" --title t --body-file "$T_DIR/body.txt" 2>&1 |
		grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' '
}
R1=$(file d01)
R2=$(file "$LONG")
check "two reports filed" sh -c "test -n '$R1' && test -n '$R2'"

status() { # receipt -> bytes of the JSON status answer
	set -- $("$QFTOOL" derive "$1")
	printf '{"lookup":"%s","auth":"%s"}' "$1" "$2" >"$T_DIR/st.json"
	curl -s -H 'Content-Type: application/json' --data-binary "@$T_DIR/st.json" -o "$T_DIR/st.out" \
		-w '%{size_download}' "$URL/api/v1/status"
}
nojs_status() { # receipt -> bytes of the no-JS status page
	curl -s -L --data-urlencode "receipt=$1" -o /dev/null -w '%{size_download}' "$URL/nojs/status"
}
s1=$(status "$R1")
is() { jq -e "$1" "$T_DIR/st.out" >/dev/null; }
check "the status answer parses" is '.status == "received" and .delivered == false'
s2=$(status "$R2")
eq "status answer: a 3- and a 31-character district id, the same length" "$s2" "$s1"
n1=$(nojs_status "$R1")
n2=$(nojs_status "$R2")
eq "no-JS status page: the same length for both" "$n2" "$n1"
# more reports in d01: an index of 2 digits
for i in $(seq 1 10); do R3=$(file d01); done
s3=$(status "$R3")
eq "status answer: index 1 and index 11, the same length" "$s3" "$s1"
# the long district's case: exported, accepted offline, the update imported
A="$T_DIR/archive"
"$INTAKE" export --data "$D" --district "$LONG" --out "$T_DIR/e.qfx" >/dev/null
"$ADMIN" ingest --archive "$A" --key "$K/district.key" --passphrase-file "$P" "$T_DIR/e.qfx" >/dev/null 2>&1
"$ADMIN" status --archive "$A" "$LONG-1" accepted >/dev/null
"$ADMIN" update --archive "$A" --passphrase-file "$P" --out "$T_DIR/u.qfu" >/dev/null
"$INTAKE" import --data "$D" "$T_DIR/u.qfu" >/dev/null
s4=$(status "$R2")
check "accepted, delivered, with a statement now" is '.status == "accepted" and .delivered == true and .statement != null'
eq "status answer: received/undelivered and accepted/delivered/signed, the same length" "$s4" "$s1"
n4=$(nojs_status "$R2")
eq "no-JS status page: the same length for both" "$n4" "$n1"
stop_server
finish
