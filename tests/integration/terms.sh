#!/bin/sh
# One vocabulary (issue 17, checked against the handling rules): the words
# replaced must not come back in what people read — the C sources of the tools
# (messages, labels, help), the gettext catalogues, the web page's texts and
# taxonomy, the built pages, and the guides. DESIGN.md is the contract copied
# from elsewhere and keeps its words (docs/decisions.md notes them); the
# category and stage keys never change, only their labels.
#   筛选 → 分类处理          涉法行为 → 涉嫌职务违法、职务犯罪
#   诬告 → 诬告陷害          乡镇 → 乡镇（街道）
#   国企人员 → 国有企业管理人员   按阶段 → 当前所处阶段
#   举报人 → 检举控告人 in the investigator's tool (the public pages keep their words)
. "$(dirname "$0")/lib.sh"

R="$QF_ROOT"
WEB="$QF_BIN/../web"
check "the built pages are there" test -f "$WEB/report.html"

# files TREE...: the text files under each tree that exist
files() {
	for t in "$@"; do
		[ -e "$t" ] && find "$t" -type f \( -name '*.c' -o -name '*.h' -o -name '*.po' \
			-o -name '*.json' -o -name '*.js' -o -name '*.html' -o -name '*.md' -o -name '*.1' \
			-o -name '*.8' -o -name '*.txt' \) -not -path '*/node_modules/*'
	done
}
ALL=$(files "$R/admin" "$R/intake" "$R/report" "$R/store" "$R/crypto" "$R/po" "$R/web/i18n" \
	"$R/web/js" "$R/web/pages" "$WEB" "$R/docs/investigator.md" "$R/docs/investigator-notes.md" \
	"$R/docs/man" "$R/deploy")
TOOL=$(files "$R/admin" "$R/po" "$R/docs/investigator.md" "$R/docs/man/qingfeng-admin.1")
check "there is text to check" test -n "$ALL"

# none NAME PERL-REGEX FILES: no line of FILES matches
none() {
	# shellcheck disable=SC2086
	hits=$(perl -ne "print \"\$ARGV:\$.: \$_\" if /$2/; close ARGV if eof" $3 2>/dev/null | head -n 5)
	if [ -z "$hits" ]; then ok "$1"; else not_ok "$1: $hits"; fi
}
none "no 筛选 (分类处理)" '筛选' "$ALL"
none "no 涉法行为 (涉嫌职务违法、职务犯罪)" '涉法' "$ALL"
none "no 诬告 without 陷害" '诬告(?!陷害)' "$ALL"
none "no 国企人员 (国有企业管理人员)" '国企人员' "$ALL"
none "no 乡镇 without （街道）" '乡镇(?!（街道）)' "$ALL"
none "no 按阶段 (当前所处阶段)" '按阶段' "$ALL"
none "no 举报人 in the investigator's tool (检举控告人)" '举报人' "$TOOL"

# the same category everywhere: its one spelling (crypto/vocab.def, see
# vocab_once.sh), and what the tool, the page and the reporter's CLI carry
check "crypto/vocab.def says 涉嫌职务违法、职务犯罪" grep -q '"legal", "涉嫌职务违法、职务犯罪"' "$R/crypto/vocab.def"
check "qingfeng-admin carries 涉嫌职务违法、职务犯罪" grep -qa '涉嫌职务违法、职务犯罪' "$ADMIN"
out=$("$REPORT" submit --help)
check "qingfeng-report submit --help: legal 涉嫌职务违法、职务犯罪" sh -c "printf '%s' \"\$1\" | grep -q 'legal 涉嫌职务违法、职务犯罪'" _ "$out"
check "the built report page says 涉嫌职务违法、职务犯罪" grep -rq '涉嫌职务违法、职务犯罪' "$WEB"

# and what the tool prints: the stage table in the help
out=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 "$ADMIN" stage --help)
check "stage --help: screened 分类处理" sh -c "printf '%s' \"\$1\" | grep -q 'screened 分类处理'" _ "$out"
out=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8 "$ADMIN" mark --help)
check "mark --help: 诬告陷害" sh -c "printf '%s' \"\$1\" | grep -q '错告 / 诬告陷害'" _ "$out"
finish
