# Shared helpers for the integration scripts (sourced, POSIX sh).
# Expects QF_BIN (the binaries) and QF_ROOT (the repository); tests/run.sh sets both.
set -u
: "${QF_ROOT:=$(pwd)}"
: "${QF_BIN:=$QF_ROOT/build/bin}"
INTAKE="$QF_BIN/qingfeng-intake"
ADMIN="$QF_BIN/qingfeng-admin"
REPORT="$QF_BIN/qingfeng-report"
QFTOOL="$QF_BIN/../tests/tools/qftool"
FIXTURES="$QF_ROOT/tests/integration/fixtures"
# Clients speak from 127.0.0.3 so the privacy checks can look for that address.
CLIENT_ADDR=127.0.0.3
curl() { command curl --interface "$CLIENT_ADDR" "$@"; }
T_PASS=0
T_FAIL=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qfit.XXXXXX")
# qingfeng-report keeps its state file (report/statefile.h) here, not in the tester's home
export XDG_STATE_HOME="$T_DIR/state"
SERVER_PID=""
# qingfeng-admin speaks Chinese unless the environment asks for English
# (admin/i18n.h: the first non-empty of LANGUAGE, LC_ALL, LC_MESSAGES, LANG
# starting with "en"). These scripts assert its English messages; a test of
# the Chinese output sets the variables on the command (admin_i18n.sh).
export LANGUAGE=en

cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	rm -rf "$T_DIR"
}
trap cleanup EXIT INT TERM

ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok   $1"
}
not_ok() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL $1"
}
# check NAME COMMAND...: passes when the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# eq NAME GOT WANT
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}
finish() {
	# a sanitizer build reports memory errors and leaks of the server in its log
	for log in "$T_DIR"/server.*.log; do
		[ -f "$log" ] || continue
		if grep -qE 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error' "$log"; then
			not_ok "sanitizer report in the server log:"
			sed -n '1,40p' "$log"
		fi
	done
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}

# new_data DIR: an initialised data directory serving district d01 (the vectors' key).
new_data() {
	"$INTAKE" init --data "$1" >/dev/null || return 1
	"$INTAKE" district add --data "$1" "$FIXTURES/d01.pub.json" >/dev/null || return 1
}

# set_config DIR JQ-FILTER: edits config.json.
set_config() {
	jq "$2" "$1/config.json" >"$1/config.json.new" && mv "$1/config.json.new" "$1/config.json"
}

# start_server DIR: serves DIR on a free loopback port; sets PORT, URL, SERVER_PID, SERVER_LOG.
start_server() {
	SERVER_LOG="$T_DIR/server.$$.log"
	: >>"$SERVER_LOG"
	for _try in 1 2 3 4 5 6 7 8; do
		_keep=$(wc -c <"$SERVER_LOG")
		PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		"$INTAKE" serve --data "$1" --listen "127.0.0.1:$PORT" 2>>"$SERVER_LOG" &
		SERVER_PID=$!
		URL="http://127.0.0.1:$PORT"
		for _i in $(seq 1 100); do
			if curl -s -o /dev/null "$URL/api/v1/info"; then return 0; fi
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=""
		# a failed try (e.g. the port was taken) is not this server's log: say it, drop it
		echo "note: server try $_try on port $PORT failed: $(tail -c +$((_keep + 1)) "$SERVER_LOG" | tr '\n' ' ')"
		tail -c +$((_keep + 1)) "$SERVER_LOG" | grep -qE 'Sanitizer|runtime error' ||
			[ "$_try" = 8 ] || truncate -s "$_keep" "$SERVER_LOG"
	done
	echo "could not start the server:" >&2
	cat "$SERVER_LOG" >&2
	return 1
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}

# api METHOD PATH [BODY-FILE] [CONTENT-TYPE]: prints "CODE" on the first line, the body after.
api() {
	if [ $# -ge 3 ]; then
		curl -s -X "$1" -H "Content-Type: ${4:-application/json}" --data-binary "@$3" \
			-w '\n%{http_code}' "$URL$2"
	else
		curl -s -X "$1" -w '\n%{http_code}' "$URL$2"
	fi
}
# submit PATH JSON-FILE [CONTENT-TYPE]: a write (DESIGN.md §9) of a JSON file whose
# "envelope" holds the envelope (b64u) and optional "pow" the proof: posted as the binary
# submission body with the Qingfeng-PoW header; prints like api.
SUBMISSION_TYPE=application/vnd.qingfeng.submission
submit() {
	_pow=$("$QFTOOL" submission "$2" "$2.bin") || return 1
	curl -s -X POST -H "Content-Type: ${3:-$SUBMISSION_TYPE}" ${_pow:+-H "Qingfeng-PoW: $_pow"} \
		--data-binary "@$2.bin" -w '\n%{http_code}' "$URL$1"
}
# nojs_token [URL]: the form token of a freshly fetched no-JS report form
nojs_token() {
	curl -s "${1:-$URL}/nojs/report" | grep -o 'name="form_token" value="[^"]*"' | sed 's/.*value="//; s/"$//'
}
# code_of OUTPUT / body_of OUTPUT
code_of() { printf '%s\n' "$1" | tail -n 1; }
body_of() { printf '%s\n' "$1" | sed '$d'; }

# admin_district ID NAME: the usual start of an offline-tool suite. A district
# key (passphrase file $P, keys in $K), a server in $D serving it (started), the
# archive path $A, and adm CMD ARGS... (qingfeng-admin on $A with $P; English,
# as this file asks for).
admin_district() {
	P="$T_DIR/pass"
	printf 'correct horse battery staple\n' >"$P"
	K="$T_DIR/keys" D="$T_DIR/data" A="$T_DIR/archive"
	"$ADMIN" keygen --district "$1" --name "$2" --out "$K" --kdf interactive \
		--passphrase-file "$P" >/dev/null || return 1
	"$INTAKE" init --data "$D" >/dev/null || return 1
	"$INTAKE" district add --data "$D" "$K/district.pub.json" >/dev/null || return 1
	set_config "$D" '.pow_difficulty = 4'
	start_server "$D"
}
adm() { "$ADMIN" "$@" --archive "$A" --passphrase-file "$P"; }
