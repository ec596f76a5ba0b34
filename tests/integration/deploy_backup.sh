#!/bin/sh
# The installed nightly backup (qingfeng-backup, run by qingfeng-backup.timer)
# against a serving installed server, and the restore procedure of
# docs/operator.md step by step: hot backup that passes check, rotation by
# count and by age (QF_BACKUP_MAX_AGE_DAYS), a failed backup deleting nothing, then a disaster (data directory gone)
# and the restore — the reporter's receipt still works and the chain goes on.
# Also `qingfeng-intake stats` on the live data directory.
. "$(dirname "$0")/lib.sh"
. "$QF_ROOT/deploy/testlib.sh"

ROOT="$T_DIR/root"
check "make install DESTDIR" qf_install "$ROOT" || {
	finish
	exit 1
}
R="$ROOT/usr/local"
INTAKE="$R/bin/qingfeng-intake"
BACKUP="$R/libexec/qingfeng/qingfeng-backup"
export QF_INTAKE="$INTAKE" # the installed script names /usr/local/bin/qingfeng-intake
D="$T_DIR/var/lib/qingfeng"
BK="$T_DIR/var/lib/qingfeng-backups"
mkdir -p "$T_DIR/var/lib"
check "init + district add (installed binary)" new_data "$D"
set_config "$D" '.pow_difficulty = 8'
start_server "$D" || exit 1
head_of() { curl -s "$URL/api/v1/log/d01/head" | jq -c '[.size, .head]'; }

printf '第一份举报\n' >"$T_DIR/body.txt"
out=$("$REPORT" submit --server "$URL" --district d01 --title t1 --body-file "$T_DIR/body.txt" 2>&1)
RECEIPT=$(printf '%s\n' "$out" | grep -oE '^ +[0-9A-Z]{4}(-[0-9A-Z]{4}){4} *$' | tr -d ' ')
check "a report through the installed server" test -n "$RECEIPT"
"$REPORT" followup --server "$URL" --receipt "$RECEIPT" --body-file "$T_DIR/body.txt" >/dev/null 2>&1
"$REPORT" submit --server "$URL" --district d01 --title t2 --body-file "$T_DIR/body.txt" >/dev/null 2>&1
eq "three entries" "$(curl -s "$URL/api/v1/log/d01/head" | jq -r .size)" 3

# --- stats for monitoring, while serving
st=$("$INTAKE" stats --data "$D" --json)
eq "stats --json: entries" "$(echo "$st" | jq -r .entries)" 3
eq "stats --json: cases" "$(echo "$st" | jq -r .cases)" 2
eq "stats --json: pending for d01" "$(echo "$st" | jq -r '.districts[0].pending')" 3
check "stats --json: storage use" sh -c "echo '$st' | jq -e '.storage.map_used > 0 and .storage.map_max > 0' >/dev/null"
check "stats carries no day, lookup or address" sh -c \
	"! echo '$st' | grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}|127\\.0\\.0|lookup|\"day\"'"
check "stats (text)" sh -c "'$INTAKE' stats --data '$D' | grep -q 'district d01: 3 entries'"

# --- nightly backups with rotation; `date` is stubbed so names differ without sleeping
mkdir -p "$T_DIR/stub"
cat >"$T_DIR/stub/date" <<EOF
#!/bin/sh
n=\$(cat "$T_DIR/stub/n" 2>/dev/null || echo 10)
echo \$((n + 1)) >"$T_DIR/stub/n"
echo "20260501-0330\$n"
EOF
chmod 755 "$T_DIR/stub/date"
bk() { PATH="$T_DIR/stub:$PATH" "$BACKUP" "$D" "$BK" "$@"; }
check "hot backup while serving" sh -c "PATH='$T_DIR/stub:$PATH' '$BACKUP' '$D' '$BK' 2 >'$T_DIR/bk.out'"
check "backup reports the check" grep -q 'qingfeng-backup: .*3 log entries' "$T_DIR/bk.out"
first=$(ls "$BK")
eq "one backup, named by time" "$first" 20260501-033010
B="$BK/$first"
for f in config.json server.key db/data.mdb check.txt; do
	check "backup has $f" test -f "$B/$f"
done
check "backup has no lock.mdb" test ! -e "$B/db/lock.mdb"
eq "backup directory is private" "$(stat -c %a "$B")" 700
eq "backup key is private" "$(stat -c %a "$B/server.key")" 600
eq "backup store is private" "$(stat -c %a "$B/db/data.mdb")" 600
bk 2 >/dev/null
bk 2 >/dev/null
eq "rotation keeps the newest 2" "$(ls "$BK" | tr '\n' ' ')" "20260501-033011 20260501-033012 "
out=$(PATH="$T_DIR/stub:$PATH" "$BACKUP" "$T_DIR/nothing" "$BK" 2 2>&1)
eq "backup of a non-data directory fails" $? 1
eq "a failed backup deletes nothing" "$(ls "$BK" | tr '\n' ' ')" "20260501-033011 20260501-033012 "
out=$("$BACKUP" "$D" 2>&1)
eq "usage error exit 2" $? 2
out=$("$BACKUP" "$D" "$BK" zero 2>&1)
eq "bad KEEP exit 2" $? 2

# --- retention by age (QF_BACKUP_MAX_AGE_DAYS): purged ciphertext stays in a
# backup until the backup goes, so an operator can bound how long that is.
# This `date` answers "now" from a file and does real date arithmetic for -d.
mkdir -p "$T_DIR/stub2"
cat >"$T_DIR/stub2/date" <<EOF
#!/bin/sh
case " \$* " in
*" -d "*) exec /bin/date "\$@" ;;
esac
cat "$T_DIR/stub2/now"
EOF
chmod 755 "$T_DIR/stub2/date"
BK2="$T_DIR/var/lib/qingfeng-backups-aged"
aged() { # aged NOW MAX-AGE-DAYS
	echo "$1" >"$T_DIR/stub2/now"
	PATH="$T_DIR/stub2:$PATH" QF_BACKUP_MAX_AGE_DAYS=$2 "$BACKUP" "$D" "$BK2" 14 >"$T_DIR/aged.out" 2>&1
}
aged 20260501-033000 7
aged 20260505-033000 7
aged 20260510-033000 7
eq "age rotation keeps what is at most 7 days old" "$(ls "$BK2" | tr '\n' ' ')" "20260505-033000 20260510-033000 "
check "age rotation says what it removed" grep -q 'removed old backup .*20260501-033000' "$T_DIR/aged.out"
aged 20260520-033000 1
eq "age rotation never removes the backup it just made" "$(ls "$BK2" | tr '\n' ' ')" "20260520-033000 "
out=$(QF_BACKUP_MAX_AGE_DAYS=soon "$BACKUP" "$D" "$BK2" 2>&1)
eq "bad QF_BACKUP_MAX_AGE_DAYS exit 2" $? 2

# --- a new report after the last backup is lost in the disaster; one before is not
printf 'later\n' >"$T_DIR/later.txt"
"$REPORT" submit --server "$URL" --district d01 --title t3 --body-file "$T_DIR/later.txt" >/dev/null 2>&1
before=$(head_of)
B=$(ls -d "$BK"/2* | tail -n 1)

# --- disaster: the data directory is gone. Restore exactly as docs/operator.md says.
stop_server
rm -rf "$D"
mkdir -m 700 "$D" "$D/db"
cp "$B/config.json" "$B/server.key" "$D/"
cp "$B/db/data.mdb" "$D/db/data.mdb"
rm -f "$D/db/lock.mdb"
check "restored data directory passes check" sh -c "'$INTAKE' check --data '$D' >'$T_DIR/check.out'"
check "check sees the 3 entries of the backup" grep -q '3 log entries' "$T_DIR/check.out"
start_server "$D" || exit 1
eq "restored log is the backup's" "$(curl -s "$URL/api/v1/log/d01/head" | jq -r .size)" 3
out=$("$REPORT" status --server "$URL" --receipt "$RECEIPT" 2>&1)
eq "the reporter's receipt works after restore" $? 0
check "status shows the follow-up" sh -c "printf '%s' \"\$1\" | grep -qE 'Follow-ups: +1'" _ "$out"
"$REPORT" submit --server "$URL" --district d01 --title t4 --body-file "$T_DIR/later.txt" >/dev/null 2>&1
eq "the chain goes on from the backup" "$(curl -s "$URL/api/v1/log/d01/head" | jq -r .size)" 4
check "the head differs from the lost one (the offline tool will see the fork)" \
	test "$(head_of)" != "$before"
check "still passes check" sh -c "'$INTAKE' check --data '$D' >/dev/null"

finish
