# Debian packages and the offline installation bundle (included by the
# Makefile).
#
#   make deb              the three packages in build/deb/ (DEB_OUT=), unit
#                         suites run during the build (DEB_BUILD_OPTIONS=nocheck
#                         skips them), then lintian
#   make offline-bundle   build/qingfeng-offline/: qingfeng-admin and every package it
#                         needs that a minimal Debian 12 lacks, SHA256SUMS,
#                         安装说明 (install with dpkg -i, no network), and a tar
#   make test-deb         tests/integration/deploy_deb.sh alone, with the minbase
#                         chroot check (QF_DEB_MINBASE=1)
#
# `make deb` needs node_modules (`npm ci`, which NODE_STAMP runs) and the
# Debian packaging tools (deploy/deps.sh deb installs them); the package build
# itself downloads nothing. `make offline-bundle` downloads the dependency
# packages from the Debian mirror apt is set up with.

DEB_OUT ?= $(BUILD)/deb
BUNDLE_OUT ?= $(BUILD)/qingfeng-offline

.PHONY: deb offline-bundle test-deb
deb: $(NODE_STAMP)
	@sh deploy/deps.sh deb
	@sh deploy/build-deb.sh $(DEB_OUT)

offline-bundle: deb
	@sh deploy/offline-bundle.sh $(DEB_OUT) $(BUNDLE_OUT)

test-deb: all
	@QF_BIN="$(CURDIR)/$(B)/bin" QF_ROOT="$(CURDIR)" QF_DEB_MINBASE=1 sh tests/integration/deploy_deb.sh
