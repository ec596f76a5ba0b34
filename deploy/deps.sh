#!/bin/sh
# Installs the Debian packages Qingfeng needs to build and test, and nothing
# else. Idempotent: when every package is present it changes nothing and does
# not touch the network; otherwise it runs `apt-get update` once and installs
# only what is missing.
#
# Usage: deploy/deps.sh [build|test|deploy|deb|shots|all]   (default: test)
# `deploy` adds the tools the deployment checks use (systemd-analyze, tor,
# nginx, strace, man); `deb` is build + what `make deb` and its test need
# (debhelper, lintian, cmocka for the build's unit suites, mmdebstrap for the
# minimal Debian 12 the offline bundle is tried on); `shots` is build + what
# `make screenshots-admin` needs (a loopback intake driven with curl and jq,
# chromium and a monospace CJK font); `all` is test + lint
# tools + deploy + deb. Installing tor or
# nginx here never starts them: a temporary policy-rc.d forbids starting
# services while apt runs, and their units are masked, because a build or CI
# machine must not join the Tor network or listen on port 80.
set -eu

# gettext: msgfmt compiles qingfeng-admin's Chinese catalogue (po/zh_CN.po);
# xgettext and msgmerge refresh it (`make po`).
# libpwquality-dev: keygen's passphrase check; cracklib-runtime: its word list.
build="pkg-config make gcc libc6-dev libsodium-dev libevent-dev liblmdb-dev libjansson-dev zlib1g-dev libpwquality-dev cracklib-runtime libcmocka-dev gettext"
test_extra="curl jq libxml2-utils poppler-utils time"
deploy_extra="systemd tor nginx-light strace openssl man-db"
deb_extra="debhelper dpkg-dev lintian libcmocka-dev mmdebstrap"
# The web pages are built with node and npm (web/build.mjs, `npm ci`); a node
# that is already there (from Debian or elsewhere) is used as it is. The
# browser tests drive Debian's chromium; a CJK font makes their screenshots
# readable.
web_build=""
command -v node >/dev/null 2>&1 || web_build="nodejs"
command -v npm >/dev/null 2>&1 || web_build="$web_build npm"
web_test="chromium fonts-wqy-microhei"
case "${1:-test}" in
build) want="$build $web_build" ;;
test) want="$build $web_build $test_extra $web_test" ;;
deploy) want="$build $web_build $test_extra $web_test $deploy_extra" ;;
deb) want="$build $web_build $deb_extra" ;;
shots) want="$build $web_build curl jq $web_test" ;;
all) want="$build $web_build $test_extra $web_test clang libclang-rt-14-dev clang-tidy cppcheck clang-format lmdb-utils $deploy_extra $deb_extra wrk linux-perf valgrind slowhttptest" ;;
*)
	echo "usage: deploy/deps.sh [build|test|deploy|deb|shots|all]" >&2
	exit 2
	;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
case " $missing " in
*" tor "* | *" nginx-light "*)
	# Daemons installed only for their config checkers: never started. A tor
	# or nginx that was already here (e.g. nginx-full) is left alone.
	units=""
	command -v tor >/dev/null 2>&1 || units="tor.service tor@default.service"
	command -v nginx >/dev/null 2>&1 || units="$units nginx.service"
	$sudo mkdir -p /etc/systemd/system
	for u in $units; do
		[ -e "/etc/systemd/system/$u" ] || $sudo ln -s /dev/null "/etc/systemd/system/$u"
	done
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
		$sudo chmod 755 /usr/sbin/policy-rc.d
		trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	;;
esac
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
