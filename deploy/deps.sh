#!/bin/sh
# Installs the Debian packages Qingfeng needs to build and test, and nothing
# else. Idempotent: when every package is present it changes nothing and does
# not touch the network; otherwise it runs `apt-get update` once and installs
# only what is missing.
#
# Usage: deploy/deps.sh [build|test|all]   (default: test)
set -eu

build="pkg-config make gcc libc6-dev libsodium-dev libevent-dev liblmdb-dev libjansson-dev"
test_extra="libcmocka-dev curl jq"
case "${1:-test}" in
build) want="$build" ;;
test) want="$build $test_extra" ;;
all) want="$build $test_extra clang clang-tidy cppcheck clang-format lmdb-utils" ;;
*)
	echo "usage: deploy/deps.sh [build|test|all]" >&2
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
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
