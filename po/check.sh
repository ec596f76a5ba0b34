#!/bin/sh
# Checks qingfeng-admin's message catalogue (`make check-po`, `make lint`,
# tests/integration/admin_i18n.sh):
#   1. the template POT is what xgettext makes from the sources now (not stale:
#      run `make po` after changing a message);
#   2. every msgid of the template has a Chinese translation in PO (none
#      missing, untranslated or fuzzy), and PO compiles with msgfmt --check.
# Usage: po/check.sh POT PO SOURCE.c...   Exits 1 with the reason otherwise.
set -u
pot=$1
po=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qfpo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--add-comments=TRANSLATORS: --package-name=qingfeng --sort-by-file --add-location=file --no-wrap \
	-o "$tmp/fresh.pot" $(printf '%s\n' "$@" | LC_ALL=C sort) || exit 1
sed -i '/^"POT-Creation-Date:/d' "$tmp/fresh.pot"
if ! cmp -s "$tmp/fresh.pot" "$pot"; then
	echo "check-po: $pot is stale (the sources' messages changed): run 'make po'" >&2
	diff -u "$pot" "$tmp/fresh.pot" | grep '^[-+]msgid' | head -20 >&2
	fail=1
fi
if ! msgcmp "$po" "$tmp/fresh.pot" >"$tmp/cmp" 2>&1; then
	echo "check-po: msgids without a Chinese translation in $po:" >&2
	grep -A1 'this message is untranslated\|this message is used but not defined' "$tmp/cmp" | head -40 >&2
	fail=1
fi
if ! LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>"$tmp/stat"; then
	cat "$tmp/stat" >&2
	fail=1
elif grep -q 'untranslated\|fuzzy' "$tmp/stat"; then
	echo "check-po: $po: $(cat "$tmp/stat")" >&2
	fail=1
fi
[ "$fail" -eq 0 ] && echo "check-po: $(cat "$tmp/stat")"
exit "$fail"
