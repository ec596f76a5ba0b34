#!/bin/sh
# The reporter pages as the server serves them from a data directory made by
# `qingfeng-intake init` with no further configuration: every page answers,
# with the security headers of §9 (script-src only outside /nojs/), every
# script and style tag carries a Subresource Integrity hash that matches what
# is served, nothing is inline or external, and the JavaScript crypto passes
# the known-answer vectors under node (tests/web/*.test.mjs).
. "$(dirname "$0")/lib.sh"

command -v node >/dev/null 2>&1 || {
	echo "FAIL node is missing: run sh deploy/deps.sh test"
	exit 1
}
[ -d "$QF_ROOT/node_modules/libsodium-wrappers" ] || {
	echo "FAIL node_modules is missing: run make (it runs npm ci)"
	exit 1
}

# --- the JavaScript crypto and metadata removal under node
if (cd "$QF_ROOT" && node --test tests/web/crypto.test.mjs tests/web/metastrip.test.mjs tests/web/metastrip-parity.test.mjs tests/web/bindings.test.mjs tests/web/statements.test.mjs) >"$T_DIR/node.out" 2>&1; then
	ok "node: crypto vectors and metadata removal ($(grep -E '^# pass' "$T_DIR/node.out"))"
else
	cat "$T_DIR/node.out"
	not_ok "node: crypto vectors and metadata removal"
fi

D="$T_DIR/data"
check "init + district add" new_data "$D"
eq "config names no web root" "$(jq -r .web_root "$D/config.json")" ""
start_server "$D" || exit 1
check "the server found the built pages" grep -q "web root .*/web)" "$SERVER_LOG"

CSP_BASE="default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
CSP_WASM="$CSP_BASE; script-src 'self' blob: 'wasm-unsafe-eval'"
sri() { node -e 'const c=require("crypto");process.stdout.write("sha384-"+c.createHash("sha384").update(require("fs").readFileSync(0)).digest("base64"))'; }

for p in / /report.html /status.html /en/ /en/report.html /en/status.html /nojs/ /nojs/en/; do
	curl -s -D "$T_DIR/h" -o "$T_DIR/page" "$URL$p"
	tr -d '\r' <"$T_DIR/h" >"$T_DIR/hh"
	check "$p 200" grep -q '^HTTP/1.1 200' "$T_DIR/hh"
	case $p in
	/nojs/*) want=$CSP_BASE ;;
	*) want=$CSP_WASM ;;
	esac
	check "$p CSP" grep -qxF "Content-Security-Policy: $want" "$T_DIR/hh"
	for h in "Cache-Control: no-store" "Referrer-Policy: no-referrer" "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY"; do
		check "$p $h" grep -qxF "$h" "$T_DIR/hh"
	done
	check "$p sets no cookie" sh -c "! grep -qi '^set-cookie' '$T_DIR/hh'"
	check "$p has no inline script" sh -c "! grep -o '<script[^>]*>' '$T_DIR/page' | grep -qv ' src='"
	check "$p has no inline handler or style" sh -c "! grep -qiE ' on[a-z]+=| style=' '$T_DIR/page'"
	check "$p loads nothing from elsewhere" sh -c "! grep -qiE '(src|href|action)=\"(https?:)?//' '$T_DIR/page'"
	base=${p%/*}/
	grep -oE '<(script|link rel="stylesheet")[^>]*>' "$T_DIR/page" >"$T_DIR/tags" || true
	while read -r tag; do
		src=$(printf '%s' "$tag" | sed -n 's/.* \(src\|href\)="\([^"]*\)".*/\2/p')
		hash=$(printf '%s' "$tag" | sed -n 's/.* integrity="\([^"]*\)".*/\1/p')
		got=$(curl -s "$URL$base$src" | sri)
		eq "$p: $src has a matching integrity hash" "$hash" "$got"
	done <"$T_DIR/tags"
	case $p in
	/nojs/*) check "$p has no script at all" sh -c "! grep -qi '<script' '$T_DIR/page'" ;;
	*) check "$p has a module script" grep -q '<script type="module" src=' "$T_DIR/page" ;;
	esac
done
check "zh-CN at /" grep -q '<html lang="zh-CN"' "$(curl -s "$URL/" >"$T_DIR/zh" && echo "$T_DIR/zh")"
check "English at /en/" grep -q '<html lang="en"' "$(curl -s "$URL/en/" >"$T_DIR/en" && echo "$T_DIR/en")"
hdr=$(curl -s -D - -o /dev/null "$URL/js/pow-worker.js" | tr -d '\r')
check "the worker may run WebAssembly" sh -c "printf '%s' \"\$1\" | grep -qxF \"Content-Security-Policy: \$2\"" _ "$hdr" "$CSP_WASM"
out=$(curl -s -o /dev/null -w '%{http_code}' "$URL/.nojs/en.json")
eq "the no-JS pieces are not served" "$out" 404
# a directory without its slash is redirected, only ever to a path of this site
loc() { curl -s --path-as-is -D - -o /dev/null "$URL$1" | tr -d '\r' | sed -n 's/^Location: //p'; }
eq "/en redirects to /en/" "$(loc /en)" /en/
# (evhttp reads "////en" as an empty host and the path "//en": "//en/" would send
# the browser to the host "en")
eq "////en redirects to /en/, not to another host" "$(loc ////en)" /en/
eq "/////nojs redirects to /nojs/" "$(loc /////nojs)" /nojs/
stop_server
grep -v -e 'serving' -e 'stopp' "$SERVER_LOG" >"$T_DIR/extra" || true
check "no per-request log lines" sh -c "cat '$T_DIR/extra'; [ ! -s '$T_DIR/extra' ]"
finish
