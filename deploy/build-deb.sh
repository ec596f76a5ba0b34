#!/bin/sh
# deploy/build-deb.sh OUT-DIR: the three Debian packages of this tree
# (qingfeng-server, qingfeng-admin, qingfeng-report) in OUT-DIR, checked by
# lintian. `make deb` runs it with OUT-DIR=build/deb.
#
# dpkg-buildpackage writes its results into the parent of the source
# directory, so it runs on a copy of the tree in OUT-DIR/src/qingfeng-VERSION:
# the files git knows (tracked, or new and not ignored) as they are in the
# work tree, so a build is what a fresh clone of this state would give;
# node_modules is linked, not copied (the package build reads it and
# downloads nothing). The .deb, .buildinfo and .changes files are then moved
# to OUT-DIR, the build log is OUT-DIR/build.log and lintian's findings
# OUT-DIR/lintian.txt. DEB_BUILD_OPTIONS passes through (nocheck skips the
# unit suites the build runs otherwise).
set -eu
out=${1:?usage: deploy/build-deb.sh OUT-DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
src="$out/src/qingfeng-$version"
rm -rf "$out/src"
rm -f "$out"/qingfeng*.deb "$out"/qingfeng_*.buildinfo "$out"/qingfeng_*.changes
mkdir -p "$src"

cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# files deleted in the work tree but still in the index are skipped
	git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules$' |
		tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$src"
else
	tar --exclude=./.git --exclude='./build*' --exclude=./node_modules --exclude=./demo \
		-cf - . | tar -xf - -C "$src"
fi
if [ ! -f node_modules/libsodium-wrappers/package.json ]; then
	echo "build-deb: node_modules is missing: run 'npm ci' first ('make deb' does)" >&2
	exit 1
fi
ln -s "$(readlink -f node_modules)" "$src/node_modules"

echo "build-deb: dpkg-buildpackage -us -uc -b in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
	exit 1
fi
mv "$out/src"/*.deb "$out/src"/*.buildinfo "$out/src"/*.changes "$out/"
rm -rf "$out/src"
changes="$out/qingfeng_${version}_${arch}.changes"
for f in "$out"/*.deb; do
	printf '  %-44s %6s KiB\n' "${f##*/}" "$(($(stat -c %s "$f") / 1024))"
done

if command -v lintian >/dev/null 2>&1; then
	# Every tag lintian still prints is explained in docs/decisions.md.
	lintian --info --display-info "$changes" >"$out/lintian.txt" 2>&1 || true
	if [ -s "$out/lintian.txt" ]; then
		echo "build-deb: lintian:"
		sed 's/^/  /' "$out/lintian.txt"
	else
		echo "build-deb: lintian: clean"
	fi
else
	echo "build-deb: lintian is not installed (deploy/deps.sh deb): packages not checked" >&2
fi
