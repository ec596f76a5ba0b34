#!/bin/sh
# The installed Tor snippet: `tor --verify-config` passes on it as Debian's
# tor service would read it (its defaults file, then /etc/tor/torrc with an
# %include of the snippet); it publishes a v3 onion service on the server's
# default listen address with Tor's proof-of-work defences and SafeLogging,
# and no other listener survives from Debian's defaults. Tor then runs with
# DisableNetwork 1 (no traffic leaves the machine) just long enough to make
# the onion service's keys, which shows where the onion address appears.
. "$(dirname "$0")/lib.sh"
. "$QF_ROOT/deploy/testlib.sh"

if ! command -v tor >/dev/null 2>&1; then
	skip "Tor checks" "tor is not installed (deploy/deps.sh deploy)"
	finish
	exit
fi
ROOT="$T_DIR/root"
check "make install DESTDIR" qf_install "$ROOT" || {
	finish
	exit 1
}
SNIP="$ROOT/usr/local/share/qingfeng/examples/qingfeng.torrc"
TD="$T_DIR/tor"
mkdir -m 700 "$TD" "$TD/data" "$TD/run"

# Debian's service defaults, with its paths moved into the test directory;
# the user switch is dropped (this runs as whoever runs the tests).
DEF=/usr/share/tor/tor-service-defaults-torrc
if [ -f "$DEF" ]; then
	grep -v '^User ' "$DEF" | sed "s|^DataDirectory .*|DataDirectory $TD/data|; s|/run/tor/|$TD/run/|g" >"$TD/defaults"
else
	skip "Debian's tor defaults" "$DEF is missing; checking the snippet on its own"
	echo "DataDirectory $TD/data" >"$TD/defaults"
fi
sed "s|^HiddenServiceDir .*|HiddenServiceDir $TD/hs/|" "$SNIP" >"$TD/qingfeng.torrc"
printf '%%include %s\n' "$TD/qingfeng.torrc" >"$TD/torrc"

out=$(tor --verify-config --defaults-torrc "$TD/defaults" -f "$TD/torrc" 2>&1)
eq "tor --verify-config" $? 0
check "tor says the configuration is valid" sh -c "printf '%s' \"\$1\" | grep -q 'Configuration was valid'" _ "$out"
eq "no warning but running as root" \
	"$(printf '%s\n' "$out" | grep '\[warn\]' | grep -v 'running Tor as root')" ""

conf=$(tor --dump-config full --defaults-torrc "$TD/defaults" -f "$TD/torrc" 2>/dev/null)
has() { printf '%s\n' "$conf" | grep -qx "$1"; }
check "v3 onion service" has "HiddenServiceVersion 3"
LISTEN=$(jq -r .listen "$ROOT/usr/local/share/qingfeng/examples/config.json")
check "onion port 80 goes to the server's listen address ($LISTEN)" has "HiddenServicePort 80 $LISTEN"
check "Tor's proof-of-work defences on" has "HiddenServicePoWDefensesEnabled 1"
check "intro point DoS defence on" has "HiddenServiceEnableIntroDoSDefense 1"
check "SafeLogging on" has "SafeLogging 1"
check "not a single-hop (non-anonymous) service" has "HiddenServiceNonAnonymousMode 0"
# Debian's defaults open SOCKS and control sockets: the snippet must turn them off.
for p in SocksPort ControlSocket; do
	eq "no $p listener (Debian's default overridden)" "$(printf '%s\n' "$conf" | sed -n "s/^$p //p" | tr '\n' ' ')" "0 "
done
# Any other listener must be off ("0") or absent. MetricsPort and
# HTTPTunnelPort must be absent: "MetricsPort 0" opens a listener on a random port.
for p in ControlPort DNSPort TransPort NATDPort ORPort ExtORPort DirPort; do
	eq "no $p listener" "$(printf '%s\n' "$conf" | sed -n "s/^$p //p" | grep -vx 0)" ""
done
for p in MetricsPort HTTPTunnelPort; do
	eq "no $p line" "$(printf '%s\n' "$conf" | sed -n "s/^$p //p")" ""
done

# --- make the keys, without the network
tor --defaults-torrc "$TD/defaults" -f "$TD/torrc" --DisableNetwork 1 --RunAsDaemon 0 \
	--Log "notice file $TD/tor.log" >/dev/null 2>&1 &
TOR_PID=$!
trap 'kill "$TOR_PID" 2>/dev/null; wait "$TOR_PID" 2>/dev/null; cleanup' EXIT INT TERM
for _i in $(seq 1 100); do
	[ -s "$TD/hs/hostname" ] && break
	kill -0 "$TOR_PID" 2>/dev/null || break
	sleep 0.1
done
kill -INT "$TOR_PID" 2>/dev/null
wait "$TOR_PID" 2>/dev/null
check "the onion address appears in HiddenServiceDir/hostname" \
	grep -qxE '[a-z2-7]{56}\.onion' "$TD/hs/hostname"
check "the onion service key is private" test "$(stat -c %a "$TD/hs/hs_ed25519_secret_key")" = 600
check "tor kept off the network" grep -q 'DisableNetwork is set' "$TD/tor.log"

finish
