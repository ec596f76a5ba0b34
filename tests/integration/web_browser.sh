#!/bin/sh
# The browser tests (tests/web/browser.test.mjs): Debian's chromium, headless,
# driven by playwright-core against the real server on 127.0.0.1. Screenshots
# go to $QF_SCREENSHOTS (default: screenshots/ beside the binaries' bin/;
# QF_SCREENSHOTS=docs/screenshots refreshes the ones in the docs).
set -u
: "${QF_ROOT:=$(pwd)}"
: "${QF_BIN:=$QF_ROOT/build/bin}"
CHROMIUM=${QF_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	echo "FAIL $CHROMIUM is missing: run sh deploy/deps.sh test"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -d "$QF_ROOT/node_modules/playwright-core" ]; then
	echo "FAIL node_modules is missing: run make (it runs npm ci)"
	echo "0 passed, 1 failed"
	exit 1
fi
export QF_BIN QF_ROOT QF_CHROMIUM="$CHROMIUM"
export QF_SCREENSHOTS="${QF_SCREENSHOTS:-$QF_BIN/../screenshots}"
cd "$QF_ROOT" && exec node --test --test-reporter=tap tests/web/browser.test.mjs tests/web/tree.test.mjs tests/web/forms.test.mjs tests/web/wire.test.mjs tests/web/names.test.mjs tests/web/words.test.mjs
