#!/bin/sh
# The built pages are stored pre-compressed (gzip and brotli, by make) and the
# server sends a compressed copy only to a client that asks for it in
# Accept-Encoding (q-values honoured, identity otherwise), always with
# "Vary: Accept-Encoding"; the copies decompress to exactly the files the
# Subresource Integrity hashes cover; API answers are never compressed, even
# when asked (docs/decisions.md: length side channels next to secrets).
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
start_server "$D" || exit 1
W="$QF_BIN/../web"

# get PATH ACCEPT-ENCODING: body in $T_DIR/body, headers in $T_DIR/hh
get() {
	if [ -n "$2" ]; then
		curl -s -D "$T_DIR/h" -o "$T_DIR/body" -H "Accept-Encoding: $2" "$URL$1"
	else
		curl -s -D "$T_DIR/h" -o "$T_DIR/body" "$URL$1"
	fi
	tr -d '\r' <"$T_DIR/h" >"$T_DIR/hh"
}
enc() { sed -n 's/^[Cc]ontent-[Ee]ncoding: //p' "$T_DIR/hh"; }

for f in js/report.js js/pow-worker.js js/status.js css/qf.css index.html en/report.html; do
	check "$f.gz was built" test -f "$W/$f.gz"
	check "$f.br was built" test -f "$W/$f.br"
	get "/$f" ""
	eq "/$f without Accept-Encoding: identity" "$(enc)" ""
	check "/$f without Accept-Encoding: the file itself" cmp -s "$T_DIR/body" "$W/$f"
	check "/$f Vary: Accept-Encoding" grep -qix "Vary: Accept-Encoding" "$T_DIR/hh"
	check "/$f Cache-Control: no-store" grep -qxF "Cache-Control: no-store" "$T_DIR/hh"
	get "/$f" "identity"
	eq "/$f identity: identity" "$(enc)" ""
	get "/$f" "gzip"
	eq "/$f gzip: gzip" "$(enc)" "gzip"
	check "/$f gzip decompresses to the original" sh -c "gzip -dc <'$T_DIR/body' | cmp -s - '$W/$f'"
	check "/$f gzip: Vary" grep -qix "Vary: Accept-Encoding" "$T_DIR/hh"
	check "/$f gzip: Content-Type kept" sh -c "grep -i '^Content-Type:' '$T_DIR/hh' | grep -vq octet"
	get "/$f" "gzip, deflate, br"
	eq "/$f gzip, deflate, br: br" "$(enc)" "br"
	check "/$f br decompresses to the original" sh -c "node -e 'process.stdout.write(require(\"zlib\").brotliDecompressSync(require(\"fs\").readFileSync(0)))' <'$T_DIR/body' | cmp -s - '$W/$f'"
	get "/$f" "br;q=0, gzip;q=0.5"
	eq "/$f br;q=0: gzip" "$(enc)" "gzip"
	get "/$f" "gzip;q=0, br;q=0"
	eq "/$f everything refused but identity: identity" "$(enc)" ""
	get "/$f" "*"
	check "/$f *: compressed" sh -c "[ -n '$(enc)' ]"
	get "/$f" "compress, deflate"
	eq "/$f only unknown codings: identity" "$(enc)" ""
done
# the hashes in the pages hold for what a browser that asks for br/gzip gets
get /report.html "gzip"
gzip -dc <"$T_DIR/body" >"$T_DIR/page"
grep -oE '<script[^>]*>' "$T_DIR/page" >"$T_DIR/tags"
sri() { node -e 'const c=require("crypto");process.stdout.write("sha384-"+c.createHash("sha384").update(require("fs").readFileSync(0)).digest("base64"))'; }
while read -r tag; do
	src=$(printf '%s' "$tag" | sed -n 's/.* src="\([^"]*\)".*/\1/p')
	hash=$(printf '%s' "$tag" | sed -n 's/.* integrity="\([^"]*\)".*/\1/p')
	got=$(curl -s --compressed "$URL/$src" | sri)
	eq "$src (compressed transfer) matches its integrity hash" "$hash" "$got"
done <"$T_DIR/tags"

# API answers: never compressed, whatever is asked
for p in /api/v1/info /api/v1/pow /api/v1/nothing; do
	get "$p" "br, gzip, *"
	eq "$p br, gzip, *: not compressed" "$(enc)" ""
done
out=$(curl -s -o /dev/null -w '%{http_code}' "$URL/.nojs/en.json.gz")
eq "the hidden pieces' copies are not served" "$out" 404
stop_server
finish
