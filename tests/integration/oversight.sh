#!/bin/sh
# Oversight without disclosure (docs/DESIGN.md §16) through the real binaries:
# a city commission (c01) above three districts on one server, and a year of
# reports with known handling days, each day set with QF_TODAY (the server's
# test hook and the offline tool's):
#   da  prompt: reads a report the next working day and accepts it, concludes
#       it 8, 10 or 12 working days after it arrived;
#   db  slow: reads after 8 working days, accepts after 20, concludes after 70
#       (reports of January to July; the rest stay open); twice it sets its
#       machine's clock back before writing an update, to look quicker;
#   dc  never reads its exports;
#   c01 reads, accepts and concludes the one report routed to it (§14).
# The city verifies the server's oversight bundles of June and December
# (pinning the keys with --expect) and measures: every figure below was
# worked out by hand from the schedule and the 2026 holiday calendar. The
# backdating shows; a replayed June bundle, a bundle with an entry left out
# and one with an entry dropped and the chain recomputed (all signed with the
# server's key) are refused with the indices, and change nothing. Nothing in
# the bundles or in any output is content, a receipt, an identity or a time
# finer than a day.
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
P="$T_DIR/pass"
CITY="$T_DIR/city"
printf 'oversight test passphrase\n' >"$P"
"$INTAKE" init --data "$D" >/dev/null
for k in c01:测试市纪委监委 da:甲区纪委监委 db:乙区纪委监委 dc:丙区纪委监委; do
	"$ADMIN" keygen --district "${k%%:*}" --name "${k#*:}" --out "$T_DIR/k.${k%%:*}" \
		--kdf interactive --passphrase-file "$P" >/dev/null || exit 1
done
"$INTAKE" district add --data "$D" "$T_DIR/k.c01/district.pub.json" --level city >/dev/null &&
	for d in da db dc; do
		"$INTAKE" district add --data "$D" "$T_DIR/k.$d/district.pub.json" --parent c01 >/dev/null || exit 1
	done
eq "a city and three districts on one server" $? 0
set_config "$D" '.pow_difficulty = 0'
fp() { jq -r .fingerprint "$T_DIR/k.$1/district.pub.json"; }

# What the reporters write: every bit of it must stay out of the oversight.
CANARY="CONTENT-CANARY-$$-某局长收受礼金"
printf '%s\n' "$CANARY" >"$T_DIR/body.txt"
printf 'FOLLOWUP-CANARY-%s\n' "$$" >"$T_DIR/more.txt"
: >"$T_DIR/receipts"

DAY=""
server_on() { # DAY
	[ "$DAY" = "$1" ] && [ -n "$SERVER_PID" ] && return 0
	stop_server
	DAY=$1
	QF_TODAY=$1 start_server "$D"
}
submit() { # DAY DIST KIND INDEX
	server_on "$1" || return 1
	case "$2:$3" in
	c01:report) # about a county-level cadre of da: routed to the city
		out=$("$REPORT" submit --server "$URL" --district da --level county --title 县处级 \
			--body-file "$T_DIR/body.txt" 2>&1) ;;
	da:followup)
		out=$("$REPORT" followup --server "$URL" --receipt "$(cat "$T_DIR/r.da.3")" \
			--body-file "$T_DIR/more.txt" 2>&1) ;;
	da:report) # the prompt district's reporters give their names
		out=$("$REPORT" submit --server "$URL" --district da --title "TITLE-CANARY-$$" \
			--body-file "$T_DIR/body.txt" --identity-name "NAME-CANARY-$$ 张三" \
			--identity-phone 13812345678 --identity-id-number 110101199001011234 2>&1) ;;
	*)
		out=$("$REPORT" submit --server "$URL" --district "$2" --title "TITLE-CANARY-$$" \
			--body-file "$T_DIR/body.txt" --town 城关镇 2>&1) ;;
	esac
	printf '%s' "$out" | grep -q "district $2, entry $4\b" || { echo "submit $*: $out"; return 1; }
	r=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
	[ "$3" = report ] && printf '%s\n' "$r" >"$T_DIR/r.$2.$4"
	[ -z "$r" ] || printf '%s\n' "$r" >>"$T_DIR/receipts"
	return 0
}
archive_of() { if [ "$1" = c01 ]; then echo "$CITY"; else echo "$T_DIR/arch.$1"; fi; }
cycle() { # DAY DIST ingest|noingest BACKDATE|- [CASE:STAGE]...
	day=$1 d=$2 ing=$3 bd=$4
	shift 4
	stop_server
	a=$(archive_of "$d")
	if [ "$ing" = ingest ]; then
		QF_TODAY=$day "$INTAKE" export --data "$D" --district "$d" --out "$T_DIR/x.$d.$day.qfx" >/dev/null &&
			QF_TODAY=$day "$ADMIN" ingest --archive "$a" --key "$T_DIR/k.$d/district.key" \
				--passphrase-file "$P" "$T_DIR/x.$d.$day.qfx" >/dev/null || return 1
	fi
	# a district that backdates sets its machine's clock back before it works
	clock=$day
	[ "$bd" = - ] || clock=$bd
	for s in "$@"; do
		QF_TODAY=$clock "$ADMIN" stage --archive "$a" "$d-${s%%:*}" "${s#*:}" --by 办案人 >/dev/null || return 1
	done
	QF_TODAY=$clock "$ADMIN" update --archive "$a" --passphrase-file "$P" --district "$d" \
		--out "$T_DIR/u.$d.$day.qfu" >/dev/null &&
		QF_TODAY=$day "$INTAKE" import --data "$D" "$T_DIR/u.$d.$day.qfu" >/dev/null
}
oversight() { # DAY
	stop_server
	QF_TODAY=$1 "$INTAKE" oversight --data "$D" --under c01 --out "$T_DIR/$1.qfo" >/dev/null
}

# The year, day by day (on a day, the districts work before the reports come in).
failed=""
while read -r day what d a b rest; do
	case $what in
	submit) submit "$day" "$d" "$a" "$b" ;;
	cycle) cycle "$day" "$d" "$a" "$b" $rest ;;
	export) stop_server && QF_TODAY=$day "$INTAKE" export --data "$D" --district "$d" \
		--out "$T_DIR/x.$d.$day.qfx" >/dev/null ;;
	oversight) oversight "$day" ;;
	esac || failed="$failed $day:$what:$d"
	# the city's archive keeps the holiday calendar
	[ -d "$CITY" ] && [ ! -f "$CITY/holidays.txt" ] && cp "$QF_ROOT/holidays/cn-2026.txt" "$CITY/holidays.txt"
done <<'SCHEDULE'
2026-01-12 submit da report 1
2026-01-12 submit db report 1
2026-01-12 submit dc report 1
2026-01-13 cycle da ingest - 1:accepted
2026-01-19 export dc
2026-01-22 cycle db ingest -
2026-01-26 cycle da ingest - 1:concluded
2026-02-09 cycle db noingest - 1:accepted
2026-02-09 submit da report 2
2026-02-09 submit db report 2
2026-02-09 submit dc report 2
2026-02-10 cycle da ingest - 2:accepted
2026-02-14 export dc
2026-02-26 cycle db ingest -
2026-03-03 cycle da ingest - 2:concluded
2026-03-09 submit da report 3
2026-03-09 submit db report 3
2026-03-09 submit dc report 3
2026-03-10 cycle da ingest - 3:accepted
2026-03-13 cycle db noingest - 2:accepted
2026-03-16 export dc
2026-03-16 submit da followup 4
2026-03-19 cycle da ingest - 3:concluded
2026-03-19 cycle db ingest -
2026-04-07 cycle db noingest - 3:accepted
2026-04-13 submit da report 5
2026-04-13 submit db report 4
2026-04-13 submit dc report 4
2026-04-14 cycle da ingest - 5:accepted
2026-04-20 export dc
2026-04-23 cycle db ingest -
2026-04-27 cycle da ingest - 5:concluded
2026-04-27 cycle db noingest - 1:concluded
2026-05-11 submit da report 6
2026-05-11 submit db report 5
2026-05-11 submit dc report 5
2026-05-12 cycle da ingest - 6:accepted
2026-05-13 cycle db noingest - 4:accepted
2026-05-18 export dc
2026-05-21 cycle db ingest -
2026-05-27 cycle da ingest - 6:concluded
2026-05-27 cycle db noingest - 2:concluded
2026-06-08 cycle db noingest 2026-05-08 5:accepted
2026-06-08 submit c01 report 1
2026-06-08 submit da report 7
2026-06-08 submit db report 6
2026-06-08 submit dc report 6
2026-06-09 cycle da ingest - 7:accepted
2026-06-10 cycle c01 ingest -
2026-06-11 cycle c01 ingest - 1:accepted
2026-06-15 export dc
2026-06-18 cycle da ingest - 7:concluded
2026-06-18 cycle db ingest - 3:concluded
2026-06-30 cycle c01 ingest - 1:concluded
2026-06-30 oversight
2026-07-07 cycle db noingest - 6:accepted
2026-07-13 submit da report 8
2026-07-13 submit db report 7
2026-07-13 submit dc report 7
2026-07-14 cycle da ingest - 8:accepted
2026-07-20 export dc
2026-07-23 cycle db ingest - 4:concluded
2026-07-27 cycle da ingest - 8:concluded
2026-08-10 cycle db noingest - 7:accepted
2026-08-10 submit da report 9
2026-08-10 submit db report 8
2026-08-10 submit dc report 8
2026-08-11 cycle da ingest - 9:accepted
2026-08-17 export dc
2026-08-18 cycle db noingest - 5:concluded
2026-08-20 cycle db ingest -
2026-08-26 cycle da ingest - 9:concluded
2026-09-07 cycle db noingest - 8:accepted
2026-09-14 submit da report 10
2026-09-14 submit db report 9
2026-09-14 submit dc report 9
2026-09-15 cycle da ingest - 10:accepted
2026-09-15 cycle db noingest - 6:concluded
2026-09-20 export dc
2026-09-23 cycle da ingest - 10:concluded
2026-09-23 cycle db ingest -
2026-10-12 submit da report 11
2026-10-12 submit db report 10
2026-10-12 submit dc report 10
2026-10-13 cycle da ingest - 11:accepted
2026-10-16 cycle db noingest 2026-09-15 9:accepted
2026-10-19 export dc
2026-10-22 cycle db ingest -
2026-10-23 cycle db noingest - 7:concluded
2026-10-26 cycle da ingest - 11:concluded
2026-11-09 cycle db noingest - 10:accepted
2026-11-09 submit da report 12
2026-11-09 submit db report 11
2026-11-09 submit dc report 11
2026-11-10 cycle da ingest - 12:accepted
2026-11-16 export dc
2026-11-19 cycle db ingest -
2026-11-25 cycle da ingest - 12:concluded
2026-12-07 cycle db noingest - 11:accepted
2026-12-07 submit da report 13
2026-12-07 submit db report 12
2026-12-07 submit dc report 12
2026-12-08 cycle da ingest - 13:accepted
2026-12-14 export dc
2026-12-17 cycle da ingest - 13:concluded
2026-12-17 cycle db ingest -
2026-12-31 oversight
SCHEDULE
stop_server
eq "the year ran as scheduled" "$failed" ""
eq "37 receipts, one per report" "$(wc -l <"$T_DIR/receipts" | tr -d ' ')" 37
eq "every oversight bundle written" "$(ls "$T_DIR"/*.qfo | wc -l | tr -d ' ')" 2
JUN="$T_DIR/2026-06-30.qfo"
DEC="$T_DIR/2026-12-31.qfo"
pins_sum() { sha256sum "$CITY/oversight.mdb" 2>/dev/null | cut -c1-64; }
ov() { "$ADMIN" oversee --archive "$CITY" "$@"; }
EXPECT="--expect c01=$(fp c01 | tr -d ' ') --expect da=$(fp da | tr -d ' ') --expect db=$(fp db | tr -d ' ') --expect dc=$(fp dc | tr -d ' ')"
# one commission's measures: reports follow-ups | read: cases median(tenths) p90 late |
# never read, overdue | decided: cases median p90 late | undecided overdue |
# concluded: cases median p90 late | not concluded overdue | not accepted/transferred |
# open stale | 督办 cases | backdating flags
row() { # JSON ID
	jq -r --arg id "$2" '(if $id == "total" then .total else (.commissions[] | select(.id == $id)) end) as $c |
	def t(x): if x == null then "-" else (x * 10 | round | tostring) end;
	[$c.reports, $c.followups, $c.read.cases, t($c.read.median_wd), ($c.read.p90_wd // "-"),
	 $c.read.late, $c.unread, $c.unread_overdue, $c.decision.cases, t($c.decision.median_wd),
	 ($c.decision.p90_wd // "-"), $c.decision.late, $c.undecided_overdue, $c.conclusion.cases,
	 t($c.conclusion.median_wd), ($c.conclusion.p90_wd // "-"), $c.conclusion.late,
	 $c.unconcluded_overdue, $c.closed_other, $c.open, $c.stale, $c.duban, $c.backdated]
	| map(tostring) | join(" ")' "$1"
}
duban() { jq -r '[.duban[] | "\(.district)-\(.index):\(.what):\(.late_by)"] | join(" ")' "$1"; }
backdated() { jq -r '[.backdated[] | "\(.district)-\(.index):\(.seq):\(.status):\(.status_day):\(.rule):\(.bound_day)"] | join(" ")' "$1"; }

# --- June: the first oversight; the keys are pinned only as the districts publish them
out=$(ov "$JUN" 2>&1)
eq "June without --expect: refused" $? 1
check "... naming every commission not pinned" sh -c "printf '%s' \"\$1\" | grep -q 'c01 is not pinned yet' &&
	printf '%s' \"\$1\" | grep -q 'dc is not pinned yet'" _ "$out"
check "... and nothing written" test ! -e "$CITY/oversight.mdb"
out=$(ov $EXPECT --expect "dc=$(fp da | tr -d ' ')" "$JUN" 2>&1)
eq "a wrong --expect: refused" $? 1
check "... saying which" sh -c "printf '%s' \"\$1\" | grep -q -- '--expect dc=.* does not match the key this bundle shows for dc'" _ "$out"
out=$(ov $EXPECT --json "$JUN" 2>"$T_DIR/jun.err")
eq "June verified with the published fingerprints" $? 0
printf '%s\n' "$out" >"$T_DIR/jun.json"
check "the server key is the one the city's ingest pinned" sh -c "grep -q \"signing key .*, the one this archive's ingest pinned\" '$T_DIR/jun.err' &&
	jq -r .server_key_state '$T_DIR/jun.json' | grep -q 'as the archive.s ingest pinned it'"
eq "the keys pinned" "$(grep -c '^pinned the key of' "$T_DIR/jun.err")" 4
J="$T_DIR/jun.json"
eq "June: c01" "$(row "$J" c01)" "1 0 1 20 2 0 0 0 1 30 3 0 0 1 150 15 0 0 0 0 0 0 0"
eq "June: da" "$(row "$J" da)" "6 1 6 10 1 0 0 0 6 10 1 0 0 6 100 12 0 0 0 0 0 0 0"
eq "June: db" "$(row "$J" db)" "6 0 6 80 8 6 0 0 5 200 20 5 0 3 700 70 3 0 0 3 1 1 1"
eq "June: dc" "$(row "$J" dc)" "6 0 0 - - 0 6 6 0 - - 0 5 0 - - 0 3 0 0 0 6 0"
eq "June: all below the city" "$(row "$J" total)" "18 1 12 45 8 6 6 6 11 10 20 5 5 9 120 70 3 3 0 3 1 7 1"
eq "June: the 督办 list" "$(duban "$J")" \
	"db-4:stale:3 dc-1:read:108 dc-2:read:88 dc-3:read:72 dc-4:read:48 dc-5:read:30 dc-6:read:10"
eq "June: the backdated decision" "$(backdated "$J")" "db-5:12:accepted:2026-05-08:before_report:2026-05-11"

# --- December: the year
ov --json "$DEC" >"$T_DIR/dec.json"
eq "December verified against June's pins (no --expect needed)" $? 0
J="$T_DIR/dec.json"
eq "December: every chain extends June's" "$(jq -r '[.commissions[] | .verified_before] | unique | join(" ")' "$J")" 2026-06-30
eq "December: c01" "$(row "$J" c01)" "1 0 1 20 2 0 0 0 1 30 3 0 0 1 150 15 0 0 0 0 0 0 0"
eq "December: da, prompt" "$(row "$J" da)" "12 1 12 10 1 0 0 0 12 10 1 0 0 12 100 12 0 0 0 0 0 0 0"
eq "December: db, slow" "$(row "$J" db)" "12 0 12 80 8 12 0 0 11 200 20 11 1 7 700 70 7 2 0 5 3 4 2"
eq "December: dc, never reads" "$(row "$J" dc)" "12 0 0 - - 0 12 12 0 - - 0 12 0 - - 0 9 0 0 0 12 0"
eq "December: all below the city" "$(row "$J" total)" "36 1 24 45 8 12 12 12 23 10 20 11 13 19 120 70 7 11 0 5 3 16 2"
eq "December: the 督办 list" "$(duban "$J")" \
	"db-8:conclusion:39 db-8:stale:49 db-9:conclusion:14 db-9:stale:24 db-10:stale:8 db-12:decision:3 dc-1:read:236 dc-2:read:216 dc-3:read:200 dc-4:read:176 dc-5:read:158 dc-6:read:138 dc-7:read:114 dc-8:read:94 dc-9:read:69 dc-10:read:53 dc-11:read:33 dc-12:read:13"
eq "December: both backdated decisions" "$(backdated "$J")" \
	"db-5:12:accepted:2026-05-08:before_report:2026-05-11 db-9:22:accepted:2026-09-15:before_previous_update:2026-09-23"
eq "December: the backdated decisions are timed by the server's days" \
	"$(jq -r '[.commissions[] | select(.id == "db") | .decision.p90_wd, .decision.late] | join(" ")' "$J")" "20 11"
eq "December: reports per month" "$(jq -r '[.months[] | .reports] | join(" ")' "$J")" "3 3 3 3 3 3 3 3 3 3 3 3"
eq "December: the limits" "$(jq -r '[.limits[]] | join(" ")' "$J")" "5 15 60 30"
# the December bundle measured as of June 30 says what the June bundle said
ov --json --as-of 2026-06-30 "$DEC" >"$T_DIR/asof.json"
for id in c01 da db dc total; do
	eq "December as of June 30 = June: $id" "$(row "$T_DIR/asof.json" "$id")" "$(row "$T_DIR/jun.json" "$id")"
done
eq "... and the same 督办 list" "$(duban "$T_DIR/asof.json")" "$(duban "$T_DIR/jun.json")"
out=$(ov --as-of 2027-01-04 "$DEC" 2>&1)
eq "--as-of after the bundle's day: refused" $? 1
check "... saying why" sh -c "printf '%s' \"\$1\" | grep -q 'the bundle knows nothing later'" _ "$out"
out=$(ov --read-days 10 --json "$DEC")
eq "--read-days 10: db's reads are in time" "$(printf '%s' "$out" | jq -r '.commissions[] | select(.id == "db") | .read.late')" 0

# --- every form of the output
ov "$DEC" >"$T_DIR/dec.txt"
eq "text" $? 0
check "text: Chinese first, the table and the 督办 list" sh -c "grep -q '^收件 Reports  *1  *12  *12  *12  *36\$' '$T_DIR/dec.txt' &&
	grep -q '督办清单 Cases to ask about (18)' '$T_DIR/dec.txt' &&
	grep -qE '^  db +12 +2026-12-07 +未作受理决定 decision +3\$' '$T_DIR/dec.txt'"
check "text: the backdating" grep -q 'db-9: update 22 says accepted on 2026-09-15, 早于上次更新应用日' "$T_DIR/dec.txt"
ov --csv "$DEC" >"$T_DIR/dec.csv"
eq "csv" $? 0
tr -d '\r' <"$T_DIR/dec.csv" >"$T_DIR/dec.lf"
check "csv: CRLF line ends" sh -c "[ \$(wc -l <'$T_DIR/dec.lf') -gt 100 ] && [ \$(wc -l <'$T_DIR/dec.lf') = \$(tr -cd '\r' <'$T_DIR/dec.csv' | wc -c) ]"
check "csv: a measure, a 督办 row, a backdating row" sh -c "grep -q '^measure,db,,,read_late,逾期读取,12\$' '$T_DIR/dec.lf' &&
	grep -q '^duban,db,12,2026-12-07,decision,未作受理决定,3\$' '$T_DIR/dec.lf' &&
	grep -q '^backdated,db,5,2026-05-11,before_report,早于收件日,2026-05-08\$' '$T_DIR/dec.lf' &&
	grep -q '^backdated,db,9,2026-09-14,before_previous_update,早于上次更新应用日 2026-09-23,2026-09-15\$' '$T_DIR/dec.lf'"
check "svg" sh -c "'$ADMIN' oversee --archive '$CITY' --svg '$T_DIR/dec.svg' '$DEC' >/dev/null"
check "html" sh -c "'$ADMIN' oversee --archive '$CITY' --html '$T_DIR/dec.html' '$DEC' >/dev/null"
out=$(ov --html "$T_DIR/dec.html" "$DEC" 2>&1)
eq "html never overwrites" $? 1
check "html: 0600" sh -c "[ \"\$(stat -c %a '$T_DIR/dec.html')\" = 600 ]"
check "html: no script, no outside resource" sh -c "! grep -qiE '<script|src=|href=|url\\(|https?://[^w]' '$T_DIR/dec.html'"
check "html: the 督办 list" grep -q '<td>dc</td><td class="n">1</td><td>2026-01-12</td><td>未读取 read</td>' "$T_DIR/dec.html"
if command -v xmllint >/dev/null 2>&1; then
	check "svg is well-formed XML (xmllint)" xmllint --noout "$T_DIR/dec.svg"
	check "html parses (xmllint --html)" sh -c "xmllint --html --noout '$T_DIR/dec.html' 2>&1 | grep 'error' | { ! grep -v 'Tag [a-z]* invalid'; }"
else
	echo "skip XML checks: xmllint not installed (Debian: libxml2-utils)"
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T_DIR/chromium" --screenshot="$T_DIR/dec.png" \
		--window-size=1200,2000 "file://$T_DIR/dec.html" >/dev/null 2>&1
	check "html renders in headless chromium" sh -c "[ -s '$T_DIR/dec.png' ] && head -c 8 '$T_DIR/dec.png' | od -An -c | grep -q 'P   N   G'"
else
	echo "skip html rendering: chromium not installed"
fi

# --- the server lies: every lie is refused, with the indices, and changes nothing
SK="$D/server.key"
before=$(pins_sum)
out=$(ov --html "$T_DIR/replay.html" "$JUN" 2>&1)
eq "June's bundle replayed after December's: refused" $? 1
check "... as an old bundle" sh -c "printf '%s' \"\$1\" | grep -q 'this bundle is of 2026-06-30, but one of 2026-12-31 was verified already'" _ "$out"
check "... naming what it lacks" sh -c "printf '%s' \"\$1\" | grep -q 'da: the chain holds 7 entries; the bundle verified on 2026-12-31 held 13: entries 8..13 are missing'" _ "$out"
check "... no output written" test ! -e "$T_DIR/replay.html"
grep -v '"district":"db","index":5,' "$DEC" >"$T_DIR/gap.body"
"$QFTOOL" resign-oversight "$SK" "$T_DIR/gap.body" "$T_DIR/gap.qfo"
out=$(ov "$T_DIR/gap.qfo" 2>&1)
eq "an entry left out (re-signed by the server): refused" $? 1
check "... naming it" sh -c "printf '%s' \"\$1\" | grep -q 'db: entry 5 is missing: entry 6 follows entry 4'" _ "$out"
"$QFTOOL" oversight-drop "$SK" "$DEC" "$T_DIR/drop.qfo" db 5
out=$(ov "$T_DIR/drop.qfo" 2>&1)
eq "an entry dropped and the chain recomputed: refused" $? 1
check "... where it differs from the pinned chain" sh -c "printf '%s' \"\$1\" | grep -q 'db: entry 5 differs from the one verified on 2026-12-31' &&
	printf '%s' \"\$1\" | grep -q 'db: the chain holds 11 entries; the bundle verified on 2026-12-31 held 12: entry 12 is missing'" _ "$out"
check "... and the district's statements give it away" sh -c "printf '%s' \"\$1\" | grep -qE 'db: a statement names index 5 \(seq [0-9]+\), which is not a report of the chain with its lookup'" _ "$out"
sed 's/"day":"2026-03-09"/"day":"2026-03-06"/' "$DEC" >"$T_DIR/alt.qfo"
out=$(ov "$T_DIR/alt.qfo" 2>&1)
eq "a day altered without the server's key: refused" $? 1
check "... the signature" sh -c "printf '%s' \"\$1\" | grep -q 'the server.s signature does not verify'" _ "$out"
eq "the refusals changed nothing" "$(pins_sum)" "$before"
ov --json "$DEC" >/dev/null
eq "the honest bundle still verifies" $? 0

# --- privacy: no content, receipt, identity or time finer than a day anywhere
OUTS="$JUN $DEC $T_DIR/jun.json $T_DIR/dec.json $T_DIR/dec.txt $T_DIR/dec.csv $T_DIR/dec.svg $T_DIR/dec.html"
for s in "CONTENT-CANARY-$$" "TITLE-CANARY-$$" "FOLLOWUP-CANARY-$$" "NAME-CANARY-$$" 13812345678 \
	110101199001011234 某局长收受礼金 城关镇 "$CLIENT_ADDR"; do
	check "no '$s' in the bundles or the outputs" sh -c "! grep -qaF '$s' $OUTS"
done
leak=""
while read -r r; do
	for form in "$r" "$(printf '%s' "$r" | tr -d -)"; do
		grep -qaF "$form" $OUTS && leak="$leak $r"
	done
done <"$T_DIR/receipts"
eq "no receipt, with or without dashes, in the bundles or the outputs" "$leak" ""
check "no time finer than a day" sh -c "! grep -qaE '[0-9]{2}:[0-9]{2}(:[0-9]{2})?|T[0-9]{2}:|\"(time|ts|timestamp)\"' $OUTS"
jq -r 'select(.lookup != null) | .lookup' "$DEC" | sort -u >"$T_DIR/lookups"
eq "the bundle's lookups exist" "$(wc -l <"$T_DIR/lookups" | tr -d ' ')" 37
check "no lookup in any output" sh -c "! grep -qaFf '$T_DIR/lookups' $T_DIR/dec.json $T_DIR/dec.txt $T_DIR/dec.csv $T_DIR/dec.svg $T_DIR/dec.html"
finish
