#!/bin/sh
# (Re)makes the seed inputs of tests/fuzz/corpus/: each harness writes its own
# (QF_FUZZ_SEEDS, see tests/fuzz/fuzz.h), and the known-answer vectors of
# tests/vectors/ are added where they fit. Existing files (found inputs,
# regressions) are kept. Usage: tests/fuzz/mkcorpus.sh FUZZDIR
set -eu
fz=$1
C=tests/fuzz/corpus
V=tests/vectors
for bin in "$fz"/fuzz_*; do
	name=${bin##*/fuzz_}
	mkdir -p "$C/$name"
	QF_FUZZ_SEEDS="$PWD/$C/$name" "$bin" >/dev/null 2>&1 || {
		echo "mkcorpus: $name failed to write its seeds" >&2
		exit 1
	}
done

# b64u text (stdin) to bytes (stdout)
unb64u() {
	t=$(tr -d '\n' | tr '_-' '/+')
	case $((${#t} % 4)) in
	2) t="$t==" ;;
	3) t="$t=" ;;
	esac
	printf '%s' "$t" | base64 -d
}
# envelopes: mode byte 0 (raw) then the vector's bytes; the small valid ones and every malformed one
i=0
jq -r '.valid[] | select((.envelope | length) < 100000) | .envelope' $V/envelopes.json |
	while read -r e; do
		i=$((i + 1))
		{ printf '\000'; printf '%s' "$e" | unb64u; } >"$C/envelope/vector-valid-$i"
	done
jq -r '.malformed | to_entries[] | "\(.key | gsub("[^a-z]+"; "-"))\t\(.value)"' $V/envelopes.json |
	while IFS="$(printf '\t')" read -r k e; do
		{ printf '\000'; printf '%s' "$e" | unb64u; } >"$C/envelope/vector-$k"
	done
# receipts: what people type, valid and not
jq -r '.valid[] | .receipt, .typed' $V/receipts.json | nl -ba | while read -r n r; do
	printf '%s' "$r" >"$C/receipt/vector-$n"
done
jq -r '.invalid[] | if type == "object" then .typed // .receipt else . end' $V/receipts.json |
	nl -ba | while read -r n r; do
	printf '%s' "$r" >"$C/receipt/vector-invalid-$n"
done
# key files, bundles
jq -c .public $V/keys.json >"$C/keyfile/vector-public"
jq -c .secret_file $V/keys.json >"$C/keyfile/vector-secret"
jq -r .update $V/bundles.json >"$C/bundle/vector-update"
jq -r .tampered $V/bundles.json >"$C/bundle/vector-tampered"
jq -r .update $V/bundles.json >"$C/import/vector-update"
chmod 644 "$C"/*/*
echo "seeds: $(find $C -type f | wc -l) files in $C"
