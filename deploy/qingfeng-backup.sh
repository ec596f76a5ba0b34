#!/bin/sh
# qingfeng-backup DATA-DIR BACKUP-DIR [KEEP]
#
# A hot backup of a Qingfeng data directory, safe while the server runs:
# BACKUP-DIR/YYYYMMDD-HHMMSS/ receives a consistent compacted copy of the
# store (db/data.mdb, from `qingfeng-intake backup`), config.json and
# server.key, so the backup is itself a data directory. The copy is verified
# with `qingfeng-intake check` before it counts; then all but the newest KEEP
# backups (default $QF_BACKUP_KEEP, else 14) are deleted, and, when
# QF_BACKUP_MAX_AGE_DAYS is set, every backup older than that many days (by
# its name; never the one just made). A backup keeps the ciphertext of
# reports purged since it was made for as long as the backup is kept: these
# two settings bound that time. A failed backup leaves
# BACKUP-DIR/.incomplete-* for inspection, deletes nothing and exits 1.
#
# Restore (docs/operator.md): stop the server, copy config.json and
# server.key into the data directory, copy db/data.mdb to DATA/db/data.mdb,
# delete DATA/db/lock.mdb, start, run `qingfeng-intake check`.
#
# Installed by `make install` with @BINDIR@ filled in; QF_INTAKE overrides
# the binary (tests).
set -eu
umask 077

usage() {
	echo "usage: qingfeng-backup DATA-DIR BACKUP-DIR [KEEP]" >&2
	exit 2
}
case $# in 2 | 3) ;; *) usage ;; esac
data=$1
dest=$2
keep=${3:-${QF_BACKUP_KEEP:-14}}
case "$keep" in
'' | *[!0-9]*) usage ;;
esac
[ "$keep" -ge 1 ] || usage
max_age=${QF_BACKUP_MAX_AGE_DAYS:-}
case "$max_age" in
'') ;;
*[!0-9]* | 0*)
	echo "qingfeng-backup: QF_BACKUP_MAX_AGE_DAYS must be a number of days from 1" >&2
	exit 2
	;;
esac
intake=${QF_INTAKE:-@BINDIR@/qingfeng-intake}

[ -f "$data/config.json" ] || {
	echo "qingfeng-backup: $data is not a Qingfeng data directory" >&2
	exit 1
}
mkdir -p "$dest"
stamp=$(date +%Y%m%d-%H%M%S)
final="$dest/$stamp"
work="$dest/.incomplete-$stamp"
if [ -e "$final" ] || [ -e "$work" ]; then
	echo "qingfeng-backup: $final already exists" >&2
	exit 1
fi
mkdir "$work" "$work/db"
"$intake" backup --data "$data" --out "$work/db/data.mdb" >/dev/null
cp "$data/config.json" "$data/server.key" "$work/"
if ! "$intake" check --data "$work" >"$work/check.txt" 2>&1; then
	echo "qingfeng-backup: the new backup does not pass check; kept in $work:" >&2
	cat "$work/check.txt" >&2
	exit 1
fi
# check opened the copy: drop its lock file, so the backup can be put in
# place as it is.
rm -f "$work/db/lock.mdb"
sync "$work/db/data.mdb" "$work/config.json" "$work/server.key" "$work/check.txt" "$work/db" "$work"
mv "$work" "$final"
sync "$dest"
echo "qingfeng-backup: $final ($(head -n 1 "$final/check.txt"))"

# Rotation: the newest $keep backups stay (names sort by time).
set --
for b in "$dest"/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]; do
	[ -d "$b" ] && set -- "$@" "$b"
done
excess=$(($# - keep))
while [ "$excess" -gt 0 ]; do
	rm -rf "$1"
	echo "qingfeng-backup: removed old backup $1"
	shift
	excess=$((excess - 1))
done

# Rotation by age: backups made more than $max_age days before this one go.
[ -n "$max_age" ] || exit 0
when=$(echo "$stamp" | sed 's/^\(....\)\(..\)\(..\)-\(..\)\(..\)\(..\)$/\1-\2-\3 \4:\5:\6/')
cutoff=$(date -d "$when $max_age days ago" +%Y%m%d%H%M%S)
for b in "$@"; do
	[ "$b" = "$final" ] && continue
	name=${b##*/}
	if [ "$(echo "$name" | tr -d -)" -lt "$cutoff" ]; then
		rm -rf "$b"
		echo "qingfeng-backup: removed old backup $b (more than $max_age days old)"
	fi
done
