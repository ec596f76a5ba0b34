#!/bin/sh
# A full cycle across the air gap with N reports of about 4 KiB (default 1000):
# submit (CLI), export, ingest, status+reply for each case... timed per phase.
# Not a test: `sh bench/airgap.sh [N]` after `make`.
set -eu
N=${1:-1000}
BIN=${QF_BIN:-$PWD/build/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/qfbench.XXXXXX")
trap 'kill $SP 2>/dev/null; rm -rf "$W"' EXIT
now() { date +%s.%N; }
el() { echo "$2 - $1" | bc; }

printf 'correct horse battery staple\n' >"$W/p"
"$BIN/qingfeng-admin" keygen --district d01 --name bench --out "$W/k" --kdf interactive --passphrase-file "$W/p" >/dev/null
"$BIN/qingfeng-intake" init --data "$W/d" >/dev/null
"$BIN/qingfeng-intake" district add --data "$W/d" "$W/k/district.pub.json" >/dev/null
jq '.pow_difficulty = 0' "$W/d/config.json" >"$W/c" && mv "$W/c" "$W/d/config.json"
PORT=$((30000 + $$ % 20000))
"$BIN/qingfeng-intake" serve --data "$W/d" --listen 127.0.0.1:$PORT 2>/dev/null &
SP=$!
sleep 0.5
head -c 3000 /dev/urandom | base64 >"$W/body.txt"

t0=$(now)
i=0
while [ $i -lt "$N" ]; do
	"$BIN/qingfeng-report" submit --server http://127.0.0.1:$PORT --district d01 --title "bench $i" \
		--body-file "$W/body.txt" >/dev/null
	i=$((i + 1))
done
t1=$(now)
"$BIN/qingfeng-intake" export --data "$W/d" --district d01 --out "$W/e.qfx" >/dev/null
t2=$(now)
"$BIN/qingfeng-admin" ingest --archive "$W/a" --key "$W/k/district.key" --passphrase-file "$W/p" "$W/e.qfx" >/dev/null
t3=$(now)
"$BIN/qingfeng-admin" status --archive "$W/a" --passphrase-file "$W/p" d01-1 accepted >/dev/null
"$BIN/qingfeng-admin" update --archive "$W/a" --passphrase-file "$W/p" --out "$W/u.qfu" >/dev/null
t4=$(now)
kill $SP
wait $SP 2>/dev/null || true
"$BIN/qingfeng-intake" import --data "$W/d" "$W/u.qfu" >/dev/null
t5=$(now)
echo "reports: $N of ~4 KiB; export $(stat -c %s "$W/e.qfx") bytes"
echo "submit (CLI, one process each): $(el $t0 $t1) s"
echo "export:  $(el $t1 $t2) s"
echo "ingest (verify chain + open every envelope, Argon2id unlock included): $(el $t2 $t3) s"
echo "status + update (Argon2id unlock included): $(el $t3 $t4) s"
echo "import (purge of $N envelopes): $(el $t4 $t5) s"
