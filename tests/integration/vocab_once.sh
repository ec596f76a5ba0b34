#!/bin/sh
# One place for each vocabulary (issue 14): the manifest word lists of
# DESIGN.md §6 (crypto/vocab.def), the investigator's stages of §13
# (admin/stages.def) and the statuses of §9 (crypto/status.def) are spelled in their .def file and nowhere else in the
# sources that C, the no-JS pages and the web build read. A source file
# spells a list when it holds, for every word of the list, the word quoted
# ('w' or "w"), or every Chinese label quoted, or every "word label" pair on a
# line (help text), or a line running three words of the list (two for a list
# of two) joined by ", ", " or ", "|" or "/". Tests, docs, the gettext
# catalogues and build output are not sources.
. "$(dirname "$0")/lib.sh"

R="$QF_ROOT"
check "crypto/vocab.def is there" test -f "$R/crypto/vocab.def"
check "admin/stages.def is there" test -f "$R/admin/stages.def"

SRC=$(cd "$R" && find admin crypto intake report store web deploy -type f \
	\( -name '*.c' -o -name '*.h' -o -name '*.def' -o -name '*.js' -o -name '*.mjs' \
	-o -name '*.html' -o -name '*.json' -o -name '*.sh' \) -not -path '*/node_modules/*' | sort)
check "there are sources to check" test -n "$SRC"

# The checker: for each list of QF_<MACRO>(word, "label", ...) lines in the
# .def file, one line "QF_LIST: the sources that spell it". VOCAB_DEBUG=1
# says on stderr which rule each hit matched.
cat >"$T_DIR/spellers.pl" <<'PERL'
use strict;
use warnings;
my ($macro, $def, @files) = @ARGV;
my (%lists, @order);
open my $d, "<:encoding(UTF-8)", $def or die "$def: $!";
while (<$d>) {
	next unless /^(QF_(?:$macro))\((?:\w+, )?"([^"]+)", "([^"]+)"/;
	push @order, $1 unless $lists{$1};
	push @{$lists{$1}}, [$2, $3];
}
for my $l (@order) {
	my @w = @{$lists{$l}};
	my $alt = join "|", map { quotemeta $_->[0] } @w;
	my $more = (@w < 3 ? @w : 3) - 1;
	my $run = qr/\b(?:$alt)\b(?:(?:\s*(?:,|\bor\b|\||\/)\s*)+(?:$alt)\b){$more}/;
	my @hits;
	for my $f (@files) {
		open my $h, "<:encoding(UTF-8)", $f or die "$f: $!";
		my $text = do { local $/; <$h> };
		my ($words, $labels, $pairs) = (1, 1, 1);
		for my $e (@w) {
			my ($word, $label) = @$e;
			$words = 0 if $text !~ /["']\Q$word\E["']/;
			$labels = 0 if $text !~ /["']\Q$label\E["']/;
			$pairs = 0 if $text !~ /\b\Q$word\E\b\W{0,12}\Q$label\E/;
		}
		my $runs = $text =~ $run;
		push @hits, $f if $words || $labels || $pairs || $runs;
		print STDERR "$l $f: words $words labels $labels pairs $pairs runs $runs\n"
		        if $ENV{VOCAB_DEBUG} && ($words || $labels || $pairs || $runs);
	}
	print "$l: @hits\n";
}
PERL
# spellers MACROS DEF: the checker over the sources (MACROS: "TYPE|CATEGORY")
spellers() {
	# shellcheck disable=SC2086
	(cd "$R" && perl -CSD -Mutf8 "$T_DIR/spellers.pl" "$1" "$2" $SRC)
}

# the lists of crypto/vocab.def, the stages and the statuses
for def in "TYPE|CATEGORY|LEVEL|PARTY|PURPOSE crypto/vocab.def" "STAGE admin/stages.def" \
	"STATUS crypto/status.def"; do
	macro=${def% *}
	file=${def#* }
	[ -f "$R/$file" ] || continue
	out=$(spellers "$macro" "$file")
	check "$file lists something" test -n "$out"
	echo "$out" | while IFS= read -r line; do
		list=${line%%:*}
		where=$(echo "${line#*:}" | sed 's/^ *//')
		if [ "$where" = "$file" ]; then
			echo "ok   $list is spelled in $file alone"
		else
			echo "FAIL $list is spelled in: $where"
		fi
	done >"$T_DIR/lines"
	cat "$T_DIR/lines"
	T_PASS=$((T_PASS + $(grep -c '^ok' "$T_DIR/lines")))
	T_FAIL=$((T_FAIL + $(grep -c '^FAIL' "$T_DIR/lines")))
done

# The manual pages cannot read a .def: they name every word with its label as
# the .def spells it (qingfeng-report.1 as ".B word" then "label",
# qingfeng-admin.1 "stage label").
cat >"$T_DIR/manual.pl" <<'PERL'
use strict;
use warnings;
my ($macro, $def, $man, $inline) = @ARGV;
open my $m, "<:encoding(UTF-8)", $man or die "$man: $!";
my $text = do { local $/; <$m> };
open my $d, "<:encoding(UTF-8)", $def or die "$def: $!";
my @missing;
while (<$d>) {
	next unless /^QF_(?:$macro)\("([^"]+)", "([^"]+)"/;
	my ($w, $z) = ($1, $2);
	my $re = $inline ? qr/\b\Q$w\E \Q$z\E(?![^\s,.;])/ : qr/^\.B \Q$w\E\n\Q$z\E[ ,.]/m;
	push @missing, "$w $z" if $text !~ $re;
}
print join(", ", @missing), "\n";
PERL
manual() {
	miss=$(cd "$R" && perl -CSD -Mutf8 "$T_DIR/manual.pl" "$@")
	if [ -z "$miss" ]; then ok "$3 names every word of $2 ($1)"; else not_ok "$3 lacks: $miss"; fi
}
manual "TYPE|CATEGORY|LEVEL|PARTY|PURPOSE" crypto/vocab.def docs/man/qingfeng-report.1 0
manual STAGE admin/stages.def docs/man/qingfeng-admin.1 1
finish
