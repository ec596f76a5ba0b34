#!/bin/sh
# `make run`: a demo of Qingfeng on this machine. Creates (once) demo/ with a
# demo district and a demo city commission above it (docs/DESIGN.md §14),
# whose SECRET keys are made right here, an initialised server data
# directory, and serves it on 127.0.0.1:8080 until Ctrl-C. A demo made
# before the city existed gets it on the next run.
# For trying things out only: a real district's key never touches the server.
set -eu
B=${1:-build}
BIN="$B/bin"
DEMO=${QF_DEMO_DIR:-demo}
LISTEN=${QF_DEMO_LISTEN:-127.0.0.1:8080}

if [ ! -f "$DEMO/data/config.json" ]; then
	mkdir -p "$DEMO"
	chmod 700 "$DEMO"
	umask 077
	# 32 random characters none of which follows another in ASCII: cracklib,
	# behind keygen's strength check, refuses strings with many runs like
	# "ef" or "89" as systematic (a random hex string often has them)
	LC_ALL=C tr -dc 'acegikmoqsuwyACEGIKMOQSUWY02468' </dev/urandom | head -c 32 >"$DEMO/passphrase"
	echo >>"$DEMO/passphrase"
	"$BIN/qingfeng-admin" keygen --district demo --name "演示区纪委监委 (demo only)" \
		--out "$DEMO/keys" --kdf interactive --passphrase-file "$DEMO/passphrase" >/dev/null
	"$BIN/qingfeng-intake" init --data "$DEMO/data" >/dev/null
	"$BIN/qingfeng-intake" district add --data "$DEMO/data" "$DEMO/keys/district.pub.json" >/dev/null
fi
if [ ! -f "$DEMO/city-keys/district.pub.json" ]; then
	umask 077
	"$BIN/qingfeng-admin" keygen --district demo-city --name "演示市纪委监委 (demo only)" \
		--out "$DEMO/city-keys" --kdf interactive --passphrase-file "$DEMO/passphrase" >/dev/null
	"$BIN/qingfeng-intake" district add --data "$DEMO/data" "$DEMO/city-keys/district.pub.json" \
		--level city >/dev/null
	"$BIN/qingfeng-intake" district set --data "$DEMO/data" demo --parent demo-city >/dev/null
fi

cat <<MSG

  ==========================================================================
  QINGFENG DEMO — FOR TRYING THINGS OUT ONLY
  The demo district's and the demo city's SECRET keys are on this machine
  ($DEMO/keys/, $DEMO/city-keys/; passphrase in $DEMO/passphrase). A real
  commission makes its key on an offline machine and the server only ever gets
  district.pub.json. Never file a real report here.
  A report about a county-level cadre (县处级) of the demo district goes to the
  demo city (demo-city), the level above, unless the reporter keeps it.
  ==========================================================================

  Reporter page:   http://$LISTEN/
  CLI report:      $BIN/qingfeng-report submit --server http://$LISTEN --district demo \\
                       --title "test" --body-file SOME.txt
  Export:          $BIN/qingfeng-intake export --data $DEMO/data --district demo --out /tmp/demo.qfx
  Read offline:    $BIN/qingfeng-admin ingest --archive $DEMO/archive --key $DEMO/keys/district.key \\
                       --passphrase-file $DEMO/passphrase /tmp/demo.qfx
                   $BIN/qingfeng-admin list --archive $DEMO/archive --passphrase-file $DEMO/passphrase
  The city:        the same with --district demo-city, --key $DEMO/city-keys/district.key
                   and its own archive (e.g. $DEMO/city-archive)

  Stop with Ctrl-C.
MSG
exec "$BIN/qingfeng-intake" serve --data "$DEMO/data" --listen "$LISTEN"
