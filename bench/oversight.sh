#!/bin/sh
# Oversight at scale (docs/DESIGN.md §16): how long the server takes to write
# the oversight bundle of a city whose district holds N cases (default
# 100,000), each with two signed statements, and how long the city's
# qingfeng-admin oversee takes to verify it: first with --expect (pinning
# every key and the chain), then again against those pins. Not a test: it
# prints the times (seconds, wall clock) and peak memory; docs/benchmarks.md
# keeps the last result.
#
#   B=build sh bench/oversight.sh [N]
#
# The cases are real: qfbench prefill seals N reports to the district's key
# straight into the store; the district exports, ingests and writes two
# updates (the second carries every statement again, as after a lost
# update), which the server imports and verifies statement by statement.
set -eu
B=${B:-build}
N=${1:-100000}
BIN="$PWD/$B/bin"
QFB="$PWD/$B/bench/qfbench"
W=$(mktemp -d "${TMPDIR:-/tmp}/qfov.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
DAY=2026-03-02
P="$W/pass"
printf 'correct horse battery staple\n' >"$P"
say() { printf '%s\n' "$*"; }
# timed NAME CMD...: runs CMD, prints "NAME: S s, peak RSS M MiB"
timed() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" || { cat "$W/out" "$W/err"; exit 1; }
	set -- $(cat "$W/time")
	say "$name: $1 s, peak RSS $(($2 / 1024)) MiB"
}
export QF_TODAY=$DAY

"$BIN/qingfeng-intake" init --data "$W/data" >/dev/null
for k in c01 d01; do
	"$BIN/qingfeng-admin" keygen --district $k --name "bench $k" --out "$W/k.$k" --kdf interactive \
		--passphrase-file "$P" >/dev/null
done
"$BIN/qingfeng-intake" district add --data "$W/data" "$W/k.c01/district.pub.json" --level city >/dev/null
"$BIN/qingfeng-intake" district add --data "$W/data" "$W/k.d01/district.pub.json" --parent c01 >/dev/null
say "oversight bench: $N cases, $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo ?)"
timed "prefill (seal $N reports into the store)" "$QFB" prefill "$W/data/db" "$W/k.d01/district.pub.json" "$N" "$W/pairs" $DAY
timed "export" "$BIN/qingfeng-intake" export --data "$W/data" --district d01 --out "$W/e.qfx"
timed "ingest" "$BIN/qingfeng-admin" ingest --archive "$W/a" --key "$W/k.d01/district.key" --passphrase-file "$P" "$W/e.qfx"
rm -f "$W/e.qfx"
timed "update 1 ($N statements)" "$BIN/qingfeng-admin" update --archive "$W/a" --passphrase-file "$P" --out "$W/u1.qfu"
QF_TODAY=2026-03-03 timed "update 2 ($N statements carried again)" "$BIN/qingfeng-admin" update --archive "$W/a" --passphrase-file "$P" --out "$W/u2.qfu"
timed "import 1 (verify $N statements)" "$BIN/qingfeng-intake" import --data "$W/data" "$W/u1.qfu"
QF_TODAY=2026-03-04 timed "import 2" "$BIN/qingfeng-intake" import --data "$W/data" "$W/u2.qfu"
export QF_TODAY=2026-03-05
timed "PRODUCE: qingfeng-intake oversight" "$BIN/qingfeng-intake" oversight --data "$W/data" --under c01 --out "$W/o.qfo"
say "  bundle: $(($(stat -c %s "$W/o.qfo") / 1048576)) MiB, $(wc -l <"$W/o.qfo") lines"
timed "VERIFY (first, pinning): qingfeng-admin oversee --json" "$BIN/qingfeng-admin" oversee --archive "$W/city" \
	--expect "c01=$(jq -r .fingerprint "$W/k.c01/district.pub.json")" \
	--expect "d01=$(jq -r .fingerprint "$W/k.d01/district.pub.json")" --json "$W/o.qfo"
jq -r '"  verified: \(.verified.entries) entries, \(.verified.updates) updates, \(.verified.statements) statements; \(.total.reports) reports, \(.total.unread) unread"' "$W/out"
timed "VERIFY (again, against the pins): qingfeng-admin oversee" "$BIN/qingfeng-admin" oversee --archive "$W/city" "$W/o.qfo"
timed "VERIFY + HTML page" "$BIN/qingfeng-admin" oversee --archive "$W/city" --html "$W/o.html" "$W/o.qfo"
say "  pins file: $(($(stat -c %s "$W/city/oversight.mdb") / 1048576)) MiB"
