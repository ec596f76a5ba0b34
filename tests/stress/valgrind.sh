#!/bin/sh
# `make valgrind`: every unit suite, and the integration scripts with every
# qingfeng-* binary run under Valgrind memcheck (the plain build, not the
# sanitizer one). Fails on any memcheck error or any definite or indirect
# leak, naming the log. Usage: tests/stress/valgrind.sh BUILDDIR
# QF_VALGRIND_SCRIPTS limits the integration scripts (names without .sh).
set -u
B=${1:-build}
ROOT=$PWD
VG="$ROOT/$B/valgrind"
LOGS="$VG/logs"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind is not installed (deploy/deps.sh all installs it)" >&2
	exit 1
fi
rm -rf "$VG"
mkdir -p "$VG/bin" "$VG/tests/tools" "$LOGS"
VGOPTS="--error-exitcode=97 --leak-check=full --show-leak-kinds=definite,indirect
 --errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=30"
# wrappers that run each program under memcheck (made again before every script:
# a script that runs `make install` from QF_BIN's tree would overwrite them)
wrappers() {
	for p in qingfeng-intake qingfeng-admin qingfeng-report; do
		rm -f "$VG/bin/$p"
		cat >"$VG/bin/$p" <<WRAP
#!/bin/sh
exec valgrind $(echo $VGOPTS) --log-file="$LOGS/$p.%p.log" "$ROOT/$B/bin/$p" "\$@"
WRAP
		chmod 755 "$VG/bin/$p"
	done
}
wrappers
ln -s "$ROOT/$B/tests/tools/qftool" "$VG/tests/tools/qftool"
# the web pages where the server looks for them (beside bin/)
[ -d "$ROOT/$B/web" ] && ln -s "$ROOT/$B/web" "$VG/web"

pass=0
fail=0
failed=""
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	name=${t##*/}
	if QF_VECTORS="$ROOT/tests/vectors" valgrind $VGOPTS --log-file="$LOGS/$name.%p.log" \
		"$t" >"$LOGS/$name.out" 2>&1; then
		pass=$((pass + 1))
		echo "ok   valgrind unit $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL valgrind unit $name (logs $LOGS/$name.*)"
	fi
done
# Scripts that measure time, memory or floods are not meaningful under Valgrind.
# deploy_install tests `make install`, which builds and installs its own copies;
# deploy_systemd runs the server inside the hardened unit (MemoryDenyWriteExecute,
# a system-call filter), where Valgrind's translated code cannot run.
skip="fuzz_smoke fault_memory flood_slow flood_conn web_browser deploy_install deploy_systemd"
for t in tests/integration/*.sh; do
	name=${t##*/}
	name=${name%.sh}
	case "$name" in lib) continue ;; esac
	case " $skip " in *" $name "*) continue ;; esac
	if [ -n "${QF_VALGRIND_SCRIPTS:-}" ]; then
		case " $QF_VALGRIND_SCRIPTS " in *" $name "*) ;; *) continue ;; esac
	fi
	wrappers
	if QF_BIN="$VG/bin" QF_ROOT="$ROOT" QF_VECTORS="$ROOT/tests/vectors" QF_CRASH_ROUNDS=2 \
		QF_DURABILITY_ROUNDS=1 sh "$t" >"$LOGS/$name.out" 2>&1; then
		pass=$((pass + 1))
		echo "ok   valgrind integration $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL valgrind integration $name (output $LOGS/$name.out):"
		grep '^FAIL' "$LOGS/$name.out" | head -n 10
	fi
done
# every memcheck report, also of processes whose exit code a script ignored
bad=$(grep -lE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]' \
	"$LOGS"/*.log 2>/dev/null)
if [ -n "$bad" ]; then
	fail=$((fail + 1))
	echo "FAIL memcheck reported errors or leaks in:"
	for f in $bad; do
		echo "  $f"
		grep -E 'Invalid|uninitialised|definitely lost|indirectly lost|ERROR SUMMARY' "$f" |
			head -n 6 | sed 's/^/    /'
	done
fi
logs=$(ls "$LOGS"/*.log 2>/dev/null | wc -l)
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "valgrind: $pass passed, $fail failed ($logs process logs in $LOGS)"
[ "$fail" -eq 0 ]
