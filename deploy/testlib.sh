# shellcheck shell=sh
# Helpers for tests/integration/deploy_*.sh, sourced after tests/integration/lib.sh.
# (Kept here, not in tests/integration/, because tests/run.sh runs every *.sh there.)

# skip WHAT WHY: a check that cannot run on this machine, with the reason.
skip() {
	echo "skip $1: $2"
}

# qf_install ROOT [PREFIX]: `make install DESTDIR=ROOT PREFIX=PREFIX` from the
# build tree whose binaries are $QF_BIN (build/ or build/san/); the output goes
# to $T_DIR/install.log and is shown only on failure.
qf_install() {
	_b=${QF_BIN%/bin}
	case "$_b" in
	*/san) _san=1 _build=${_b%/san} ;;
	*) _san=0 _build=$_b ;;
	esac
	case "$_build" in "$QF_ROOT"/*) _build=${_build#"$QF_ROOT"/} ;; esac
	# A make that runs `make test` must not hand its jobserver to this one.
	if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$QF_ROOT" --no-print-directory \
		install DESTDIR="$1" PREFIX="${2:-/usr/local}" BUILD="$_build" SAN="$_san" \
		>"$T_DIR/install.log" 2>&1; then
		return 0
	fi
	cat "$T_DIR/install.log" >&2
	return 1
}

# qf_is_san: true when the binaries under test are the sanitizer build.
qf_is_san() {
	case "${QF_BIN%/bin}" in */san) return 0 ;; esac
	return 1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	while :; do
		_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		# curl's exit status 7: nothing accepted the connection
		command curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$_p/" 2>/dev/null
		if [ $? -eq 7 ]; then
			echo "$_p"
			return 0
		fi
	done
}
