#!/bin/sh
# The folders are the architecture (DESIGN.md §3, docs/architecture.md),
# checked on the sources: crypto <- store <- {intake, admin}; report uses
# crypto only; intake and admin never include each other; and above store/,
# a case record is only ever a struct case_record (issue 14): admin/ never
# calls the archive's JSON forms of a case (archive_case_get, _put,
# _foreach), which store/ keeps for itself and its tests.
. "$(dirname "$0")/lib.sh"

R="$QF_ROOT"

# includes_of DIR: the project headers DIR's sources include, as "DIR/file: other/x.h".
includes_of() {
	(cd "$R" && grep -Hno '#include "[a-z]*/[a-z_]*\.[hd][ef]*"' "$1"/*.c "$1"/*.h 2>/dev/null)
}
# none_from DIR FOLDER...: DIR includes nothing from any FOLDER.
none_from() {
	dir=$1
	shift
	for f in "$@"; do
		hits=$(includes_of "$dir" | grep "\"$f/")
		if [ -n "$hits" ]; then
			printf '%s\n' "$hits" >&2
			return 1
		fi
	done
	return 0
}

check "there are sources" test -f "$R/admin/main.c"
check "crypto/ includes nothing above it" none_from crypto store intake admin report
check "store/ includes only crypto/" none_from store intake admin report
check "intake/ never includes admin/ or report/" none_from intake admin report
check "admin/ never includes intake/ or report/" none_from admin intake report
check "report/ includes only crypto/" none_from report store intake admin

json_case_calls() {
	(cd "$R" && grep -n 'archive_case_get\|archive_case_put\|archive_case_foreach' admin/*.c admin/*.h)
}
out=$(json_case_calls)
eq "admin/ reads and writes cases only as struct case_record" "$out" ""

finish
