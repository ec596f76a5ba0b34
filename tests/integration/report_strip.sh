#!/bin/sh
# The reporter CLI cleans what it attaches (issue 21, item 2): photos from a
# phone (tests/web/fixtures: GPS, camera make and model, serial number, owner,
# C2PA, thumbnail, ICC, vendor segments) submitted with qingfeng-report reach
# the district, opened with qingfeng-admin, with none of it, byte for byte as
# the page's metastrip.js cleans them, under neutral names (附件N.ext). A
# document the CLI cannot clean (DOCX, PDF, unknown) is refused with a warning
# naming what it may carry unless --send-uncleaned; a cut or forged image is
# refused with a clear error; nothing is sent in either case.
. "$(dirname "$0")/lib.sh"

WF="$QF_ROOT/tests/web/fixtures"
P="$T_DIR/pass"
printf 'correct horse battery staple\n' >"$P"
K="$T_DIR/keys"
D="$T_DIR/data"
A="$T_DIR/archive"
check "keygen" sh -c "'$ADMIN' keygen --district d07 --name '七区纪委监委' --out '$K' --kdf interactive --passphrase-file '$P' >/dev/null"
"$INTAKE" init --data "$D" >/dev/null
check "district add" sh -c "'$INTAKE' district add --data '$D' '$K/district.pub.json' >/dev/null"
set_config "$D" '.pow_difficulty = 6'
start_server "$D" || exit 1
head_size() { curl -s "$URL/api/v1/log/d07/head" | jq -r .size; }
has() { LC_ALL=C grep -qaF -- "$2" "$1"; }

printf '举报正文 strip-test\n' >"$T_DIR/body.txt"
cp "$WF/gps.jpg" "$T_DIR/IMG_20260301_143522.jpg"
cp "$WF/phone.jpg" "$T_DIR/张三-手机.JPG"
cp "$WF/phone.png" "$T_DIR/screen.png"
cp "$WF/phone.webp" "$T_DIR/photo.webp"
for s in QFTESTCAM QF-MODEL-9 GPSLatitude; do
	check "the photo carries $s" has "$T_DIR/IMG_20260301_143522.jpg" "$s"
done
for s in QF-SERIAL-0042 QF-ARTIST QF-MAKE-CAM QF-C2PA-AUTHOR QF-THUMB-ORIGINAL QF-ICC-DEVICE QF-VENDOR-APP5; do
	check "the phone photo carries $s" has "$T_DIR/张三-手机.JPG" "$s"
done

# --- photos are cleaned, under neutral names
out=$("$REPORT" submit --server "$URL" --district d07 --title 照片 --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/IMG_20260301_143522.jpg" --attach "$T_DIR/张三-手机.JPG" \
	--attach "$T_DIR/screen.png" --attach "$T_DIR/photo.webp" 2>&1)
eq "submit with photos exit 0" $? 0
R1=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
check "a receipt" test -n "$R1"
check "submit says the photos were cleaned" sh -c "printf '%s' \"\$1\" | grep -q '附件1.jpg.*removed'" _ "$out"

# --- a follow-up's photo too
out=$("$REPORT" followup --server "$URL" --receipt "$R1" --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/IMG_20260301_143522.jpg" 2>&1)
eq "follow-up with a photo exit 0" $? 0

# --- documents the CLI cannot clean: refused, nothing sent
n0=$(head_size)
cp "$WF/author.docx" "$T_DIR/材料.docx"
out=$("$REPORT" submit --server "$URL" --district d07 --title 文档 --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/材料.docx" 2>&1)
eq "a DOCX is refused" $? 1
check "the refusal names what a DOCX may carry" sh -c "printf '%s' \"\$1\" | grep -q 'author' && printf '%s' \"\$1\" | grep -q 'last modified'" _ "$out"
check "the refusal names the way through" sh -c "printf '%s' \"\$1\" | grep -q -- '--send-uncleaned'" _ "$out"
cp "$WF/author.pdf" "$T_DIR/a.pdf"
printf 'plain evidence\n' >"$T_DIR/note.txt"
out=$("$REPORT" submit --server "$URL" --district d07 --title 文档 --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/a.pdf" --attach "$T_DIR/note.txt" 2>&1)
eq "a PDF and a text file are refused" $? 1
check "both are named" sh -c "printf '%s' \"\$1\" | grep -q 'a.pdf' && printf '%s' \"\$1\" | grep -q 'note.txt'" _ "$out"
eq "nothing sent for refused documents" "$(head_size)" "$n0"

# --- cut and forged images: a clear error, nothing sent
head -c 3000 "$WF/phone.jpg" >"$T_DIR/cut.jpg"
head -c 100 "$WF/phone.png" >"$T_DIR/cut.png"
{ printf 'RIFF\377\377\0\0WEBP'; tail -c +13 "$WF/phone.webp"; } >"$T_DIR/forged.webp"
for f in cut.jpg cut.png forged.webp; do
	out=$("$REPORT" submit --server "$URL" --district d07 --title 坏图 --body-file "$T_DIR/body.txt" \
		--attach "$T_DIR/$f" --send-uncleaned 2>&1)
	eq "$f refused (even with --send-uncleaned)" $? 1
	check "$f: the error says it cannot be cleaned" sh -c "printf '%s' \"\$1\" | grep -q 'cannot clean'" _ "$out"
done
eq "nothing sent for bad images" "$(head_size)" "$n0"

# --- --send-uncleaned sends them as they are, with the warning; --keep-names keeps the name
out=$("$REPORT" submit --server "$URL" --district d07 --title 文档 --body-file "$T_DIR/body.txt" \
	--attach "$T_DIR/材料.docx" --attach "$T_DIR/screen.png" --send-uncleaned --keep-names 2>&1)
eq "--send-uncleaned exit 0" $? 0
check "--send-uncleaned still warns" sh -c "printf '%s' \"\$1\" | grep -q 'NOT cleaned' && printf '%s' \"\$1\" | grep -q 'author'" _ "$out"

# --- what the district reads
check "export" sh -c "'$INTAKE' export --data '$D' --district d07 --out '$T_DIR/e1.qfx' >/dev/null"
check "ingest" sh -c "'$ADMIN' ingest --archive '$A' --key '$K/district.key' --passphrase-file '$P' '$T_DIR/e1.qfx' >/dev/null"
check "show --extract" sh -c "'$ADMIN' show d07-1 --archive '$A' --passphrase-file '$P' --extract '$T_DIR/x' >'$T_DIR/show1'"
C2=$("$ADMIN" list --archive "$A" --json | jq -r '[.[].case] | sort | last')
eq "two reports (the follow-up is the first's)" "$("$ADMIN" list --archive "$A" --json | jq length)" 2
check "show --extract the second" sh -c "'$ADMIN' show '$C2' --archive '$A' --passphrase-file '$P' --extract '$T_DIR/x' >'$T_DIR/show2'"
X="$T_DIR/x/d07-1"
ls "$X" >"$T_DIR/names"
eq "neutral names" "$(tr '\n' ' ' <"$T_DIR/names")" "1-附件1.jpg 2-附件2.jpg 3-附件3.png 4-附件4.webp 5-附件1.jpg "
check "no original name reached the district" sh -c "! grep -qE 'IMG_2026|张三|screen|photo' '$T_DIR/show1' '$T_DIR/names'"
for f in "$X"/*; do
	for s in QFTESTCAM QF-MODEL-9 GPSLatitude QF-XMP-GPS QF-SERIAL-0042 QF-ARTIST QF-MAKE-CAM QF-MODEL-PHONE \
		QF-C2PA-AUTHOR QF-THUMB-ORIGINAL QF-ICC-DEVICE QF-VENDOR-APP5 QF-PNG-EXIF-CAM QF-PNG-AUTHOR \
		QF-WEBP-EXIF-CAM QF-WEBP-XMP '2026:03:01 14:35:22'; do
		if has "$f" "$s"; then not_ok "${f##*/} still carries $s"; fi
	done
done
# byte for byte what the page sends
page_strip() {
	(cd "$QF_ROOT" && node --input-type=module -e "
		import { readFileSync } from 'node:fs';
		import { stripImage } from './web/js/metastrip.js';
		process.stdout.write(stripImage(new Uint8Array(readFileSync(process.argv[1]))).data);" "$1")
}
for pair in 1-附件1.jpg:gps.jpg 2-附件2.jpg:phone.jpg 3-附件3.png:phone.png 4-附件4.webp:phone.webp 5-附件1.jpg:gps.jpg; do
	page_strip "$WF/${pair#*:}" >"$T_DIR/want"
	check "${pair%%:*} is what the page would send" cmp -s "$X/${pair%%:*}" "$T_DIR/want"
done
ls "$T_DIR/x/$C2" >"$T_DIR/names2"
eq "--keep-names kept them" "$(tr '\n' ' ' <"$T_DIR/names2")" "1-材料.docx 2-screen.png "
check "--send-uncleaned sent the document as it was" cmp -s "$T_DIR/x/$C2/1-材料.docx" "$WF/author.docx"
page_strip "$WF/phone.png" >"$T_DIR/want"
check "with --send-uncleaned a photo is still cleaned" cmp -s "$T_DIR/x/$C2/2-screen.png" "$T_DIR/want"
finish
