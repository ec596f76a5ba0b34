#!/bin/sh
# Crash consistency (issue 9). Rounds of concurrent reports, follow-ups and
# status requests (real envelopes sealed to d01) with kill -9 of the server
# at a random moment; after each crash `qingfeng-intake check` passes, and
# after the last restart every 201 is there: its status answers (with every
# acknowledged follow-up), and the export holds each acknowledged entry at
# its index with the envelope hash and chain value of its receipt. Then
# kill -9 of `qingfeng-admin ingest` and of `qingfeng-intake import` at
# random moments: each did everything or nothing, and a rerun completes (a
# rerun of an import that had completed says "already applied" and exits 0).
# QF_CRASH_ROUNDS, QF_CRASH_WORKERS, QF_CRASH_MAX_MS, QF_CRASH_INGEST_ROUNDS,
# QF_CRASH_INGEST_ENTRIES and QF_CRASH_IMPORT_ROUNDS scale it (tests/stress/
# runs it long).
. "$(dirname "$0")/lib.sh"

ROUNDS=${QF_CRASH_ROUNDS:-5}
WORKERS=${QF_CRASH_WORKERS:-4}
INGEST_ROUNDS=${QF_CRASH_INGEST_ROUNDS:-3}
IMPORT_ROUNDS=${QF_CRASH_IMPORT_ROUNDS:-4}
D="$T_DIR/data"
ACK="$T_DIR/acks"
BOX=$(jq -r .box_pk "$FIXTURES/d01.pub.json")
# a random number of milliseconds in [lo, hi)
rand_ms() { echo $(($1 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % ($2 - $1))); }
ms() { awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0'
: >"$ACK"

# --- the server, killed under load
bad_checks=0
for round in $(seq 1 "$ROUNDS"); do
	start_server "$D" || exit 1
	"$QFTOOL" load "$PORT" 60 "$WORKERS" "$ACK" "$BOX" &
	load=$!
	sleep "$(ms "$(rand_ms 200 "${QF_CRASH_MAX_MS:-1500}")")"
	kill -9 "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	wait "$load"
	if ! "$INTAKE" check --data "$D" >"$T_DIR/check.out" 2>&1; then
		bad_checks=$((bad_checks + 1))
		echo "round $round: check failed after kill -9:"
		cat "$T_DIR/check.out"
	fi
done
eq "check passes after every kill -9 ($ROUNDS rounds)" "$bad_checks" 0
start_server "$D" || exit 1
set -- $("$QFTOOL" check-acks "$PORT" "$ACK")
reports=$1 followups=$2 missing=$3 short=$4
stop_server
check "reports were acknowledged" test "$reports" -gt 0
check "follow-ups were acknowledged" test "$followups" -gt 0
eq "every acknowledged report answers its status" "$missing" 0
eq "no acknowledged follow-up missing from its case" "$short" 0
eq "no inconsistency seen while serving" "$(grep -c '^E' "$ACK")" 0
grep '^E' "$ACK" | head -n 5

check "export" sh -c "'$INTAKE' export --data '$D' --district d01 --out '$T_DIR/all.qfx' >/dev/null"
jq -r 'select(.index != null) | "\(.index) \(.envelope_hash) \(.chain)"' "$T_DIR/all.qfx" |
	sort >"$T_DIR/have"
awk '$1 == "R" || $1 == "F" { print $4, $5, $6 }' "$ACK" | sort >"$T_DIR/want"
lost=$(comm -23 "$T_DIR/want" "$T_DIR/have" | wc -l)
entries=$(wc -l <"$T_DIR/have")
acked=$(wc -l <"$T_DIR/want")
eq "every 201 is in the chain at its index with its hash and chain value" "$lost" 0
echo "server: $ROUNDS kill -9 rounds, $acked acknowledged submissions ($reports reports," \
	"$followups follow-ups), $entries entries stored, $lost lost"
eq "no entry twice" "$(cut -d' ' -f1 "$T_DIR/have" | uniq -d | wc -l)" 0
check "check passes at the end" sh -c "'$INTAKE' check --data '$D' >/dev/null"

# --- the offline archive, killed during ingest
K="$T_DIR/d01.key"
P="$T_DIR/pass"
jq '.secret_file' "$QF_ROOT/tests/vectors/keys.json" >"$K"
chmod 600 "$K"
jq -r .passphrase "$QF_ROOT/tests/vectors/keys.json" >"$P"
A="$T_DIR/archive"
# the first QF_CRASH_INGEST_ENTRIES entries, re-signed with the server's key, keep an ingest short
NI=${QF_CRASH_INGEST_ENTRIES:-3000}
if [ "$entries" -gt "$NI" ]; then
	sed -n "2,$((NI + 1))p" "$T_DIR/all.qfx" >"$T_DIR/part.entries"
	{
		head -n 1 "$T_DIR/all.qfx" | jq -c --argjson to "$NI" \
			--arg h "$(tail -n 1 "$T_DIR/part.entries" | jq -r .chain)" '.to = $to | .head = $h'
		cat "$T_DIR/part.entries"
		echo '{"sig":"x"}'
	} >"$T_DIR/part.body"
	"$QFTOOL" resign-export "$D/server.key" "$T_DIR/part.body" "$T_DIR/part.qfx"
else
	cp "$T_DIR/all.qfx" "$T_DIR/part.qfx"
fi
cases=$(grep -c '"kind":"report"' "$T_DIR/part.qfx")
# kill moments spread over the time a whole ingest takes
t0=$(now_ms)
"$ADMIN" ingest --archive "$T_DIR/timing" --key "$K" --passphrase-file "$P" "$T_DIR/part.qfx" >/dev/null
dur=$(($(now_ms) - t0 + 1))
nothing=0 all=0 partial=0
for round in $(seq 1 "$INGEST_ROUNDS"); do
	rm -rf "$A"
	"$ADMIN" ingest --archive "$A" --key "$K" --passphrase-file "$P" "$T_DIR/part.qfx" \
		>/dev/null 2>&1 &
	pid=$!
	sleep "$(ms "$(rand_ms $((dur * 2 / 5)) $((dur * 6 / 5 + 1)))")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$("$ADMIN" list --archive "$A" --json 2>/dev/null | jq '[.[] | select(has("kind") | not)] | length' 2>/dev/null)
	case "${n:-0}" in
	0) nothing=$((nothing + 1)) ;;
	"$cases") all=$((all + 1)) ;;
	*) partial=$((partial + 1)) ;;
	esac
	# rerun always: a kill before the archive existed leaves a first ingest to do
	if ! "$ADMIN" ingest --archive "$A" --key "$K" --passphrase-file "$P" \
		"$T_DIR/part.qfx" >/dev/null 2>&1; then
		partial=$((partial + 1))
		echo "round $round: the ingest after the kill failed"
	fi
done
echo "ingest ($dur ms for $cases cases): $INGEST_ROUNDS kill -9 rounds: $nothing left nothing, $all everything, $partial partial"
eq "a killed ingest leaves nothing or everything, and a rerun completes" "$partial" 0
eq "the archive holds every case after the reruns" \
	"$("$ADMIN" list --archive "$A" --json | jq '[.[] | select(has("kind") | not)] | length')" "$cases"

# --- the server, killed during import of an update
adm() { "$ADMIN" "$@" --archive "$A" --passphrase-file "$P"; }
for c in $(adm list --json | jq -r '.[].case' | head -n 200); do
	"$ADMIN" status --archive "$A" "$c" accepted >/dev/null 2>&1 ||
		adm status "$c" accepted >/dev/null
done
for c in $(adm list --json | jq -r '.[].case' | head -n 3); do
	adm reply "$c" --message "已受理 $c" >/dev/null
done
check "update" sh -c "'$ADMIN' update --archive '$A' --passphrase-file '$P' --out '$T_DIR/u.qfu' >/dev/null"
cp -a "$D" "$T_DIR/pristine"
cp -a "$D" "$T_DIR/reference"
t0=$(now_ms)
check "clean import" sh -c "'$INTAKE' import --data '$T_DIR/reference' '$T_DIR/u.qfu' >/dev/null"
dur=$(($(now_ms) - t0 + 1))
ref=$("$INTAKE" check --data "$T_DIR/reference" | head -n 1)
applied=0 notyet=0 bad=0
for round in $(seq 1 "$IMPORT_ROUNDS"); do
	rm -rf "$T_DIR/d2"
	cp -a "$T_DIR/pristine" "$T_DIR/d2"
	"$INTAKE" import --data "$T_DIR/d2" "$T_DIR/u.qfu" >/dev/null 2>&1 &
	pid=$!
	sleep "$(ms "$(rand_ms 0 "$dur")")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if ! "$INTAKE" check --data "$T_DIR/d2" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "round $round: check failed after a killed import"
		continue
	fi
	seq=$("$INTAKE" stats --data "$T_DIR/d2" --json | jq '.districts[0].update_seq')
	if [ "$seq" = 1 ]; then
		applied=$((applied + 1))
		# the same update again: a harmless no-op that says so (issue 17), exit 0
		out=$("$INTAKE" import --data "$T_DIR/d2" "$T_DIR/u.qfu" 2>&1) || bad=$((bad + 1))
		printf '%s' "$out" | grep -q 'already applied' || bad=$((bad + 1))
	else
		notyet=$((notyet + 1))
		"$INTAKE" import --data "$T_DIR/d2" "$T_DIR/u.qfu" >/dev/null 2>&1 || bad=$((bad + 1))
	fi
	[ "$("$INTAKE" check --data "$T_DIR/d2" | head -n 1)" = "$ref" ] || bad=$((bad + 1))
done
echo "import ($dur ms): $IMPORT_ROUNDS kill -9 rounds: $applied applied whole, $notyet not at all, $bad otherwise"
eq "a killed import applied all or nothing, and a rerun ends where a clean import does" "$bad" 0
finish
