#!/bin/sh
# The no-JavaScript endpoints (DESIGN.md §9, intake/nojs.c) through the real
# server: the form, a report sealed by the server exactly as the CLI seals
# one (the manifests are compared byte for byte), status with the reply key,
# every refusal (with the form given back, escaped), the form token, the
# limits of the no-JS report path (a flood of quick posts cannot lock out a
# reporter who took the time to write, and no client can store more than
# the district's daily quota), the headers, that nothing of the
# plaintext or of the client reaches the disk or the log, and that the
# pages' pieces are read at the start and on SIGHUP only (a reload that
# cannot read them keeps the old ones and says so).
. "$(dirname "$0")/lib.sh"

D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 8 | .nojs_min_seconds = 0 | .nojs_patient_seconds = 0'
start_server "$D" || exit 1
head_size() { curl -s "$URL/api/v1/log/d01/head" | jq -r .size; }
FP=$(jq -r .fingerprint "$FIXTURES/d01.pub.json")

# post PATH OUT [curl args...]: prints the HTTP code, the page in OUT; follows the
# 303 to the one-time page (as a browser does) and prints that page's code
post() {
	p=$1 o=$2
	shift 2
	curl -s -L -o "$o" -w '%{http_code}' "$@" "$URL$p"
}

# --- the form
out=$(curl -s -D "$T_DIR/h" -o "$T_DIR/form.html" -w '%{http_code}' "$URL/nojs/report")
eq "GET form 200" "$out" 200
tr -d '\r' <"$T_DIR/h" >"$T_DIR/hh"
check "form is HTML" grep -qi '^content-type: text/html; charset=utf-8$' "$T_DIR/hh"
check "form CSP without script-src" grep -qx "Content-Security-Policy: default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'" "$T_DIR/hh"
check "form no-store" grep -qx 'Cache-Control: no-store' "$T_DIR/hh"
check "form no cookie" sh -c "! grep -qi '^set-cookie' '$T_DIR/hh'"
check "form shows the fingerprint" grep -qF "$FP" "$T_DIR/form.html"
check "form has no script" sh -c "! grep -qi '<script' '$T_DIR/form.html'"
check "form says what it trusts the server with" grep -q '信任服务器' "$T_DIR/form.html"
check "form in zh-CN" grep -q 'lang="zh-CN"' "$T_DIR/form.html"
curl -s "$URL/nojs/report?lang=en" >"$T_DIR/form-en.html"
check "form in English" grep -q 'this version trusts the server' "$T_DIR/form-en.html"
check "no template markers left" sh -c "! grep -q '{%' '$T_DIR/form.html' '$T_DIR/form-en.html'"
out=$(curl -s -o /dev/null -w '%{http_code}' "$URL/.nojs/zh-CN.json")
eq "the no-JS pieces are not served" "$out" 404

# --- a report, and the same report through the CLI: one manifest
BODY='正文第一行
第二行 <b>粗体</b> & "引号" \ 反斜杠'
printf '%s' "$BODY" >"$T_DIR/body.txt"
# browsers send a textarea's line ends as CR LF: the no-JS path makes them LF
printf '%s' "$BODY" | awk 'BEGIN { ORS = "" } NR > 1 { print "\r\n" } { print }' >"$T_DIR/body-crlf.txt"
check "the CR LF copy differs" sh -c "! cmp -s '$T_DIR/body.txt' '$T_DIR/body-crlf.txt'"
F="--data-urlencode lang=zh-CN --data-urlencode district=d01 --data-urlencode type=appeal
   --data-urlencode category=integrity --data-urlencode subcategory=违规收受礼品礼金
   --data-urlencode town=城关镇 --data-urlencode when=2026-05 --data-urlencode where=某饭店
   --data-urlencode subject_name=张某 --data-urlencode subject_unit=城关镇政府
   --data-urlencode subject_area=东片 --data-urlencode subject_position=副镇长
   --data-urlencode subject_level=township --data-urlencode subject_party=yes"
before=$(head_size)
# shellcheck disable=SC2086
code=$(post /nojs/report "$T_DIR/r1.html" $F --data-urlencode "form_token=$(nojs_token)" --data-urlencode "title=无脚本 <i>标题</i>" \
	--data-urlencode "body@$T_DIR/body-crlf.txt")
eq "report 201" "$code" 201
R1=$(grep -o '<span class="grp">[0-9A-Z]\{4\}</span>' "$T_DIR/r1.html" | sed 's/<[^>]*>//g' | paste -sd- -)
check "the receipt is shown and is a receipt" sh -c "'$QFTOOL' derive '$R1' >/dev/null"
check "receipt page names the district and day" sh -c "grep -q '测试区纪委监委' '$T_DIR/r1.html' && grep -q '[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}' '$T_DIR/r1.html'"
check "receipt page has no script" sh -c "! grep -qi '<script' '$T_DIR/r1.html'"
eq "receipt page: the fingerprint under its fixed label, the name on the next line" \
	"$(grep -A1 -F "<dt>识别码（公钥指纹）</dt><dd><code>$FP</code></dd>" "$T_DIR/r1.html")" \
	"$(printf '<dt>识别码（公钥指纹）</dt><dd><code>%s</code></dd>\n<dt>单位名称（服务器所称）</dt><dd>测试区纪委监委 (d01)</dd>' "$FP")"
check "receipt page asks to write the fingerprint down too" grep -qF '请把识别码也抄下来' "$T_DIR/r1.html"
eq "stored" "$(head_size)" $((before + 1))
"$REPORT" submit --server "$URL" --district d01 --type appeal --category integrity \
	--subcategory 违规收受礼品礼金 --town 城关镇 --when 2026-05 --where 某饭店 \
	--subject-name 张某 --subject-unit 城关镇政府 --subject-area 东片 --subject-position 副镇长 \
	--level township --party-member yes --title "无脚本 <i>标题</i>" --body-file "$T_DIR/body.txt" >/dev/null
eq "CLI report stored" "$(head_size)" $((before + 2))
# a real-name report both ways
# shellcheck disable=SC2086
code=$(post /nojs/report "$T_DIR/r2.html" --data-urlencode "form_token=$(nojs_token)" --data-urlencode lang=en --data-urlencode district=d01 \
	--data-urlencode type=accusation --data-urlencode category=other --data-urlencode title=t2 \
	--data-urlencode body=b2 --data-urlencode real_name=1 --data-urlencode id_name=李四 \
	--data-urlencode id_phone=13800000000 --data-urlencode id_address=某路1号)
eq "real-name report 201" "$code" 201
check "English receipt page" grep -q 'now keep your receipt' "$T_DIR/r2.html"
printf 'b2' >"$T_DIR/b2.txt"
"$REPORT" submit --server "$URL" --district d01 --lang en --title t2 --body-file "$T_DIR/b2.txt" \
	--identity-name 李四 --identity-phone 13800000000 --identity-address 某路1号 >/dev/null
"$INTAKE" export --data "$D" --district d01 --out "$T_DIR/e.qfx" >/dev/null
node "$QF_ROOT/tests/web/open-export.mjs" "$T_DIR/e.qfx" >"$T_DIR/entries" 2>"$T_DIR/node.err"
eq "four entries opened" "$(wc -l <"$T_DIR/entries")" 4
m1=$(sed -n 1p "$T_DIR/entries" | jq -r .manifest)
m2=$(sed -n 2p "$T_DIR/entries" | jq -r .manifest)
# each binds its own receipt (DESIGN.md §6), right after lang; the rest is the same bytes
unbind() { printf '%s' "$1" | sed 's/,"bind":{"lookup":"[^"]*","reply_pk":"[^"]*","sign_pk":"[^"]*"}//'; }
eq "no-JS manifest == CLI manifest (byte for byte, apart from bind)" "$(unbind "$m1")" "$(unbind "$m2")"
m3=$(sed -n 3p "$T_DIR/entries" | jq -r .manifest)
m4=$(sed -n 4p "$T_DIR/entries" | jq -r .manifest)
eq "no-JS real-name manifest == CLI manifest (apart from bind)" "$(unbind "$m3")" "$(unbind "$m4")"
check "every manifest has its bind right after lang" sh -c "printf '%s\n' '$m1' '$m2' '$m3' '$m4' | grep -c '\"lang\":\"[a-zA-Z-]*\",\"bind\":{\"lookup\"' | grep -qx 4"
eq "the no-JS report is bound to the receipt it showed" "$(printf '%s' "$m1" | jq -r .bind.lookup)" \
	"$("$QFTOOL" derive "$R1" | sed -n 1p)"
eq "the text arrived exactly, CR LF as LF" "$(printf '%s' "$m1" | jq -r .report.body)" "$BODY"
eq "identity carried" "$(sed -n 3p "$T_DIR/entries" | jq -r .manifest | jq -c .report.identity)" \
	'{"name":"李四","phone":"13800000000","id_number":"","unit":"","address":"某路1号"}'

# --- status with the receipt
code=$(post /nojs/status "$T_DIR/s1.html" --data-urlencode "receipt=$(printf '%s' "$R1" | tr 'A-Z-' 'a-z ')" --data-urlencode lang=zh-CN)
eq "status 200 (typed sloppily)" "$code" 200
check "status says received" grep -q '已接收' "$T_DIR/s1.html"
check "status shows the entry number" grep -q '<dt>登记编号</dt><dd>[0-9]' "$T_DIR/s1.html"
# issue 20 item 4: the fingerprint of the case's district under its fixed label,
# alone on its line (no operator text before it), to compare with the receipt's
check "status shows the district's fingerprint under its label" grep -qF "<dt>识别码（公钥指纹）</dt><dd><code>$FP</code></dd>" "$T_DIR/s1.html"
check "status says the page verifies nothing" grep -qF '本页由服务器生成，不在您的设备上核验任何内容' "$T_DIR/s1.html"
check "status sends to the standard version for verified replies" grep -qF '请启用 JavaScript 后用标准版本查询' "$T_DIR/s1.html"
code=$(post /nojs/status "$T_DIR/s1en.html" --data-urlencode "receipt=$R1" --data-urlencode lang=en)
eq "status in English 200" "$code" 200
check "English status shows the fingerprint under its label" grep -qF "<dt>Key fingerprint</dt><dd><code>$FP</code></dd>" "$T_DIR/s1en.html"
check "English status says the page verifies nothing" grep -qF 'This page is made by the server and checks nothing on your device' "$T_DIR/s1en.html"
check "English status sends to the standard version" grep -qF 'To have the replies checked on your own device, turn JavaScript on and use the standard version' "$T_DIR/s1en.html"
code=$(post /nojs/status "$T_DIR/s2.html" --data-urlencode "receipt=MS0Z-H1WW-YKQN-03JM-SFC0")
eq "mistyped receipt 400" "$code" 400
check "mistyped receipt explained" grep -q '回执不正确' "$T_DIR/s2.html"
code=$(post /nojs/status "$T_DIR/s3.html" --data-urlencode "receipt=MS0Z-H1WW-YKQN-03JM-SFCX" --data-urlencode lang=en)
eq "unknown receipt 404" "$code" 404
check "unknown receipt explained in English" grep -q 'No report matches this receipt' "$T_DIR/s3.html"
code=$(post /nojs/status /dev/null -H 'Content-Type: text/plain' --data 'receipt=x')
eq "status wrong media type 415" "$code" 415
code=$(post /nojs/status /dev/null --data 'receipt=x&receipt=y')
eq "status duplicate field 400" "$code" 400
code=$(post /nojs/status /dev/null --data 'receipt=x&evil=1')
eq "status unknown field 400" "$code" 400
out=$(curl -s -o /dev/null -w '%{http_code}' "$URL/nojs/status")
eq "GET status 405" "$out" 405
out=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$URL/nojs/report")
eq "PUT report 405" "$out" 405
codes=""
# 21: a minute's limit of 10 lets at most 20 through even across a minute boundary
for i in $(seq 1 21); do
	codes="$codes $(post /nojs/status /dev/null --data-urlencode "receipt=MS0Z-H1WW-YKQN-03JM-SFCX")"
done
check "status rate-limited per receipt" sh -c "echo '$codes' | grep -q 429"

# --- refusals: nothing stored, the form comes back filled in and escaped
before=$(head_size)
refuse() { # name want-code [curl args]
	name=$1 want=$2
	shift 2
	code=$(post /nojs/report "$T_DIR/ref.html" "$@")
	eq "$name: $want" "$code" "$want"
	eq "$name: nothing stored" "$(head_size)" "$before"
}
refuse "no body" 400 --data-urlencode district=d01 --data-urlencode 'title=<script>alert(1)</script>'
check "the form comes back with the reason" grep -q '请填写“具体内容”' "$T_DIR/ref.html"
check "typed text comes back escaped" grep -qF 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' "$T_DIR/ref.html"
check "nothing typed comes back raw" sh -c "! grep -q '<script>alert' '$T_DIR/ref.html'"
refuse "no title" 400 --data-urlencode district=d01 --data-urlencode body=b
refuse "blank title" 400 --data-urlencode district=d01 --data-urlencode 'title=   ' --data-urlencode body=b
refuse "unknown district" 400 --data-urlencode district=d99 --data-urlencode title=t --data-urlencode body=b
refuse "bad type" 400 --data-urlencode district=d01 --data-urlencode type=x --data-urlencode title=t --data-urlencode body=b
refuse "bad category" 400 --data-urlencode district=d01 --data-urlencode category=x --data-urlencode title=t --data-urlencode body=b
refuse "bad level" 400 --data-urlencode district=d01 --data-urlencode subject_level=x --data-urlencode title=t --data-urlencode body=b
refuse "bad lang" 400 --data-urlencode district=d01 --data-urlencode lang=fr --data-urlencode title=t --data-urlencode body=b
refuse "real name without a name" 400 --data-urlencode district=d01 --data-urlencode real_name=1 --data-urlencode title=t --data-urlencode body=b
refuse "unknown field" 400 --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=b --data-urlencode x=1
refuse "duplicate field" 400 --data-urlencode district=d01 --data-urlencode title=t --data-urlencode title=u --data-urlencode body=b
refuse "NUL byte" 400 --data 'district=d01&title=t%00x&body=b'
refuse "not UTF-8" 400 --data 'district=d01&title=t%FF%FEx&body=b'
refuse "field without =" 400 --data 'district=d01&title&body=b'
refuse "wrong media type" 415 -H 'Content-Type: application/json' --data '{"title":"t"}'
head -c 300000 /dev/zero | tr '\0' 'a' >"$T_DIR/long"
refuse "body too long" 413 --data-urlencode district=d01 --data-urlencode title=t --data-urlencode "body@$T_DIR/long"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$T_DIR/huge"
refuse "request over 1 MiB" 413 --data-urlencode district=d01 --data-urlencode title=t --data-urlencode "body@$T_DIR/huge"

# --- the form token
refuse "no form token" 400 --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=b
check "the refusal comes with a new form token" grep -q 'name="form_token" value="[A-Za-z0-9_-]\{54\}"' "$T_DIR/ref.html"
TOK=$(nojs_token)
code=$(post /nojs/report /dev/null --data-urlencode "form_token=$TOK" --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=b)
eq "a form token once: 201" "$code" 201
before=$(head_size)
refuse "the same form again" 400 --data-urlencode "form_token=$TOK" --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=b
refuse "a forged form token" 400 --data-urlencode "form_token=$(echo "$TOK" | sed 's/^./A/;t;s/^A/B/')" --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=b
TOK2=$(nojs_token)
stop_server
start_server "$D" || exit 1
refuse "a form from before a restart" 400 --data-urlencode "form_token=$TOK2" --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=b
check "it comes back with a new form token" sh -c "! grep -qF '$TOK2' '$T_DIR/ref.html' && grep -q 'name=\"form_token\" value=\"[A-Za-z0-9_-]\{54\}\"' '$T_DIR/ref.html'"
stop_server

# --- the wire and the history (issue 20 item 5; issue 21 items 1, 5, 6)
start_server "$D" || exit 1
# a no-JS post is answered 303 to a one-time page: the history entry is that
# page's address (no receipt in it), served once, then gone (410)
raw() { # PATH HEADERS-OUT BODY-OUT [curl args]: no redirect followed; prints code
	p=$1 h=$2 o=$3
	shift 3
	curl -s -D "$h" -o "$o" -w '%{http_code}' "$@" "$URL$p"
}
code=$(raw /nojs/report "$T_DIR/wh" "$T_DIR/wb" --data-urlencode "form_token=$(nojs_token)" --data-urlencode district=d01 --data-urlencode title=wire --data-urlencode body=wire)
eq "a no-JS report is answered 303" "$code" 303
loc=$(tr -d '\r' <"$T_DIR/wh" | sed -n 's/^[Ll]ocation: //p')
check "to a one-time page (random token, no receipt) [$loc]" sh -c "echo '$loc' | grep -qE '^once[?][A-Za-z0-9_-]{22}$'"
check "the 303 is no-store" sh -c "tr -d '\r' <'$T_DIR/wh' | grep -qx 'Cache-Control: no-store'"
eq "the 303 carries no page" "$(wc -c <"$T_DIR/wb")" 0
code=$(raw "/nojs/$loc" "$T_DIR/wh1" "$T_DIR/once1.html")
eq "the one-time page: 201" "$code" 201
W=$(grep -o '<span class="grp">[0-9A-Z]\{4\}</span>' "$T_DIR/once1.html" | sed 's/<[^>]*>//g' | paste -sd- -)
check "it shows the receipt" sh -c "'$QFTOOL' derive '$W' >/dev/null"
code=$(raw "/nojs/$loc" "$T_DIR/wh2" "$T_DIR/once2.html")
eq "the one-time page a second time: 410" "$code" 410
check "... without the receipt" sh -c "! grep -qF '$W' '$T_DIR/once2.html'"
code=$(raw "/nojs/once?AAAAAAAAAAAAAAAAAAAAAA" /dev/null /dev/null)
eq "an unknown one-time page: 410" "$code" 410
code=$(raw /nojs/status "$T_DIR/wh" /dev/null --data-urlencode "receipt=$W")
eq "a no-JS status post is answered 303" "$code" 303
code=$(raw /nojs/status "$T_DIR/wh" /dev/null --data-urlencode "receipt=MS0Z-H1WW-YKQN-03JM-SFC0")
eq "a refused status post too" "$code" 303
# sizes: the answers to a short and a long text are the same length
: >"$T_DIR/long.txt"
for i in $(seq 1 300); do printf '这是一段很长的举报正文，' >>"$T_DIR/long.txt"; done
sz() { # curl args: the 303's bytes, then the one-time page's bytes
	curl -s -D "$T_DIR/szh" -o /dev/null -w '%{size_header} %{size_download}\n' "$@" "$URL/nojs/report" >"$T_DIR/sz1"
	l=$(tr -d '\r' <"$T_DIR/szh" | sed -n 's/^[Ll]ocation: //p')
	[ -n "$l" ] && curl -s -o /dev/null -w '%{size_download}' "$URL/nojs/$l" >>"$T_DIR/sz1"
	tr '\n' ' ' <"$T_DIR/sz1"
}
short_err=$(sz --data-urlencode district=d01 --data-urlencode body=短)
long_err=$(sz --data-urlencode district=d01 --data-urlencode "body@$T_DIR/long.txt")
eq "a refusal: short and long text, the same answer sizes ($short_err)" "$long_err" "$short_err"
short_ok=$(sz --data-urlencode "form_token=$(nojs_token)" --data-urlencode district=d01 --data-urlencode title=t --data-urlencode body=短)
long_ok=$(sz --data-urlencode "form_token=$(nojs_token)" --data-urlencode district=d01 --data-urlencode title=t --data-urlencode "body@$T_DIR/long.txt")
eq "a receipt: short and long text, the same answer sizes ($short_ok)" "$long_ok" "$short_ok"
# cross-site posts are refused; same-origin ones (Chromium sends Origin: null
# under Referrer-Policy: no-referrer) and clients without either header are not
before=$(head_size)
xs() { # name want [curl args]
	name=$1 want=$2
	shift 2
	code=$(curl -s -o /dev/null -w '%{http_code}' "$@" --data-urlencode "form_token=$(nojs_token)" \
		--data-urlencode district=d01 --data-urlencode title=x --data-urlencode body=x "$URL/nojs/report")
	eq "$name: $want" "$code" "$want"
}
xs "Sec-Fetch-Site: cross-site" 403 -H 'Sec-Fetch-Site: cross-site' -H 'Origin: http://evil.example'
xs "Sec-Fetch-Site: same-site" 403 -H 'Sec-Fetch-Site: same-site' -H "Origin: http://127.0.0.1:1"
xs "a foreign Origin" 403 -H 'Origin: http://evil.example'
xs "a foreign port in Origin, same host" 403 -H 'Origin: http://127.0.0.1:1'
xs "Origin: null without Sec-Fetch-Site" 403 -H 'Origin: null'
eq "nothing stored by cross-site posts" "$(head_size)" "$before"
xs "same-origin" 303 -H 'Sec-Fetch-Site: same-origin' -H "Origin: $URL"
xs "same-origin with Origin: null" 303 -H 'Sec-Fetch-Site: same-origin' -H 'Origin: null'
xs "own Origin, no Sec-Fetch-Site" 303 -H "Origin: $URL"
xs "neither header (curl, old browsers)" 303
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Sec-Fetch-Site: cross-site' --data-urlencode "receipt=$W" "$URL/nojs/status")
eq "a cross-site status post: 403" "$code" 403
printf '{"lookup":"x","auth":"y"}' >"$T_DIR/xs.json"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Sec-Fetch-Site: cross-site' -H 'Content-Type: application/json' --data-binary "@$T_DIR/xs.json" "$URL/api/v1/status")
eq "a cross-site API post: 403" "$code" 403
stop_server

# --- a case of a second district shows that district's fingerprint (issue 20 item 4)
jq '.id = "d02" | .name = "第二测试区纪委监委" | del(.fingerprint) | .box_pk = "jiQO9G9GSUIK4rsBr01ssTufiUMwECV75LZlx8vAnJc" | .sign_pk = "vK7PCZDaqkzvx-FoHxV1WVp1D-AY1mpN_4NFwI5vPhE"' \
	"$FIXTURES/d01.pub.json" >"$T_DIR/d02.pub.json"
check "district add d02" sh -c "'$INTAKE' district add --data '$D' '$T_DIR/d02.pub.json' >/dev/null"
FP2="433c fb1b f8a0 f0a5 f52f 8de1 6be1 98c3" # as tests/integration/intake_api.sh has it
start_server "$D" || exit 1
code=$(post /nojs/report "$T_DIR/d2r.html" --data-urlencode "form_token=$(nojs_token)" --data-urlencode district=d02 --data-urlencode title=d2 --data-urlencode body=d2)
eq "a no-JS report to d02: 201" "$code" 201
R2=$(grep -o '<span class="grp">[0-9A-Z]\{4\}</span>' "$T_DIR/d2r.html" | sed 's/<[^>]*>//g' | paste -sd- -)
check "the d02 receipt page shows d02's fingerprint" grep -qF "$FP2" "$T_DIR/d2r.html"
code=$(post /nojs/status "$T_DIR/d2s.html" --data-urlencode "receipt=$R2")
eq "status of the d02 case: 200" "$code" 200
check "it shows d02's fingerprint under the label" grep -qF "<dt>识别码（公钥指纹）</dt><dd><code>$FP2</code></dd>" "$T_DIR/d2s.html"
check "... and not d01's" sh -c "! grep -qF '$FP' '$T_DIR/d2s.html'"
check "... the name on its own line under its own label" grep -qF '<dt>单位名称（服务器所称）</dt><dd>第二测试区纪委监委 (d02)</dd>' "$T_DIR/d2s.html"
code=$(post /nojs/status "$T_DIR/d1s.html" --data-urlencode "receipt=$R1")
check "the d01 case still shows d01's fingerprint" sh -c "grep -qF '$FP' '$T_DIR/d1s.html' && ! grep -qF '$FP2' '$T_DIR/d1s.html'"
stop_server
# a case whose district is gone from the configuration: a warning, no empty fingerprint
cp "$D/config.json" "$T_DIR/config.keep"
set_config "$D" 'del(.districts[] | select(.id == "d02"))'
start_server "$D" || exit 1
code=$(post /nojs/status "$T_DIR/d2gone.html" --data-urlencode "receipt=$R2")
eq "status of a case of a district no longer configured: 200" "$code" 200
check "... says there is no fingerprint to compare and not to trust the page" grep -qF '服务器没有给出这个受理单位的识别码' "$T_DIR/d2gone.html"
check "... shows no fingerprint label" sh -c "! grep -qF '<dt>识别码（公钥指纹）</dt>' '$T_DIR/d2gone.html'"
stop_server
cp "$T_DIR/config.keep" "$D/config.json"

# --- the limits of the no-JS report path (no proof-of-work without JS).
# A flooding client posts quick forms as fast as it can; another reporter's
# form has been open longer than nojs_patient_seconds when it is sent: it is
# stored, and the flood stores no more than the quick half of the quota.
set_config "$D" '.nojs_min_seconds = 1 | .nojs_patient_seconds = 4 | .nojs_per_day = 12'
start_server "$D" || exit 1
before=$(head_size)
slow_tok=$(nojs_token)
flood() { # seconds: quick forms (1 s old) in a loop; prints "201s 429s"
	end=$(($(date +%s) + $1)) a=0 b=0
	while [ "$(date +%s)" -lt "$end" ]; do
		t=$(nojs_token)
		sleep 1.05
		c=$(post /nojs/report /dev/null --data-urlencode "form_token=$t" --data-urlencode district=d01 --data-urlencode title=flood --data-urlencode body=flood)
		[ "$c" = 201 ] && a=$((a + 1))
		[ "$c" = 429 ] && b=$((b + 1))
	done
	echo "$a $b"
}
flood 6 >"$T_DIR/flood1" &
fp1=$!
flood 6 >"$T_DIR/flood2" &
fp2=$!
sleep 4.5
code=$(post /nojs/report "$T_DIR/slow.html" --data-urlencode "form_token=$slow_tok" --data-urlencode district=d01 --data-urlencode title=patient --data-urlencode body=patient)
eq "a reporter who took the time is not locked out by the flood" "$code" 201
wait "$fp1" "$fp2"
set -- $(cat "$T_DIR/flood1") $(cat "$T_DIR/flood2")
flood201=$(($1 + $3))
check "the flood was refused (429: $(($2 + $4)))" test $(($2 + $4)) -gt 0
check "the flood stored at most the quick half of the quota ($flood201)" test "$flood201" -le 6
eq "stored: the flood's and the patient one" "$(head_size)" $((before + flood201 + 1))
# patient forms too: never more than the day's quota
toks=""
for i in $(seq 1 14); do toks="$toks $(nojs_token)"; done
sleep 4.2
n201=0 nq=0
for t in $toks; do
	c=$(post /nojs/report "$T_DIR/q.html" --data-urlencode "form_token=$t" --data-urlencode district=d01 --data-urlencode title=q --data-urlencode body=q)
	[ "$c" = 201 ] && n201=$((n201 + 1))
	[ "$c" = 429 ] && nq=$((nq + 1))
done
eq "no more than the daily quota in all" "$(head_size)" $((before + 12))
check "the quota page explains and keeps the text" sh -c "grep -q '今天' '$T_DIR/q.html' && grep -q 'value=\"q\"' '$T_DIR/q.html'"
code=$(post /nojs/status /dev/null --data-urlencode "receipt=$R1")
eq "status is not limited by the report limits" "$code" 200
out=$(api GET /api/v1/pow)
eq "the API is not limited by them" "$(code_of "$out")" 200
stop_server

# --- nothing of the plaintext, the client or the request on disk or in the log
check "store check passes" sh -c "'$INTAKE' check --data '$D' >/dev/null"
check "no plaintext in the data directory" sh -c "! grep -rqaF '粗体' '$D' && ! grep -rqa '13800000000' '$D'"
check "no receipt in the data directory" sh -c "! grep -rqaF '$R1' '$D'"
check "no client address in data or log" sh -c "! grep -rqa '$CLIENT_ADDR' '$D' '$SERVER_LOG'"
check "no user agent in data or log" sh -c "! grep -rqa 'curl/' '$D' '$SERVER_LOG'"
check "no per-request log lines" sh -c "[ \$(grep -vc -e 'serving' -e 'stopp' '$SERVER_LOG') -eq 0 ]"
# --- the pieces (.nojs/<lang>.json) are read at the start and on SIGHUP, not per request
W="$T_DIR/web"
cp -a "$QF_BIN/../web" "$W"
set_config "$D" ".web_root = \"$W\""
start_server "$D" || exit 1
form_says() { curl -s "$URL/nojs/report${2:-}" | grep -c "$1"; }
mv "$W/.nojs" "$W/.nojs.v1"
eq "the form is served with the pieces gone from disk" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nojs/report")" 200
check "... the whole form" sh -c "curl -s '$URL/nojs/report' | grep -q '信任服务器'"
mkdir "$W/.nojs"
for l in zh-CN en; do
	sed 's/信任服务器/信任服务器V2/; s/this version trusts the server/this version trusts the server V2/' \
		"$W/.nojs.v1/$l.json" >"$W/.nojs/$l.json"
done
eq "new pieces are not served before a reload" "$(form_says 信任服务器V2)" 0
# reload_and_wait: SIGHUP, then wait for the reload's last line in the log
reload_and_wait() {
	n=$(grep -c 'reloaded:' "$SERVER_LOG")
	kill -HUP "$SERVER_PID"
	for _i in $(seq 1 50); do
		[ "$(grep -c 'reloaded:' "$SERVER_LOG")" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
check "SIGHUP" reload_and_wait
eq "after SIGHUP the new pieces are served" "$(form_says 信任服务器V2)" 1
eq "... in English too" "$(form_says 'trusts the server V2' '?lang=en')" 1
check "the reload says so" grep -q 'reloaded the no-JS pages' "$SERVER_LOG"
head -c 1000 "$W/.nojs.v1/zh-CN.json" >"$W/.nojs/zh-CN.json"
cp "$W/.nojs.v1/en.json" "$W/.nojs/en.json"
check "SIGHUP with a truncated file" reload_and_wait
eq "a reload that cannot read a file keeps the old pieces" "$(form_says 信任服务器V2)" 1
eq "... of every language" "$(form_says 'trusts the server V2' '?lang=en')" 1
check "... and says which file and why" grep -qF "reload refused, keeping the previous no-JS pages: $W/.nojs/zh-CN.json: " "$SERVER_LOG"
rm "$W/.nojs/zh-CN.json"
check "SIGHUP with a file missing" reload_and_wait
eq "a reload without a file keeps the old pieces" "$(form_says 信任服务器V2)" 1
check "... and says so" grep -qF "reload refused, keeping the previous no-JS pages: $W/.nojs/zh-CN.json: No such file or directory" "$SERVER_LOG"
stop_server
check "no per-request log lines after the reloads" sh -c "[ \$(grep -vc -e 'serving' -e 'stopp' -e 'reload' '$SERVER_LOG') -eq 0 ]"
finish
