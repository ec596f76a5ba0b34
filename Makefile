# Qingfeng build. `make` builds everything into build/ (build/san/ with SAN=1);
# `make test` runs the whole suite; `make run` starts a demo server.
# Sources are found by folder: every .c in crypto/ and store/ goes into a
# static library; in intake/, admin/ and report/ every .c but main.c goes into
# that program's library and main.c makes the binary; tests/unit/test_*.c are
# cmocka suites.

SAN ?= 0
V ?= 0
BUILD ?= build
PREFIX ?= /usr/local

PKGS := libsodium libevent lmdb jansson zlib
# Only qingfeng-admin (and the tests that link its library) uses libpwquality:
# keygen's passphrase-strength check.
ADMIN_PKGS := pwquality
# QF_NO_DEPS=1 (debian/rules sets it): never run deploy/deps.sh, whose apt-get
# would download during a package build; Build-Depends brought the libraries.
QF_NO_DEPS ?=
ifeq ($(filter clean distclean format,$(MAKECMDGOALS))$(QF_NO_DEPS),)
  # Install missing Debian packages before anything reads pkg-config: always
  # for `make test` (it also needs curl, jq, chromium), otherwise only when a
  # library is missing. deploy/deps.sh does nothing when all is there.
  ifneq ($(filter test,$(MAKECMDGOALS)),)
    DEPS_LEVEL := test
  else
    # (cracklib's word list is a data file: keygen's check needs it, pkg-config cannot see it)
    DEPS_LEVEL := $(if $(shell pkg-config --exists $(PKGS) $(ADMIN_PKGS) cmocka 2>/dev/null && \
                    command -v msgfmt >/dev/null && \
                    test -e /var/cache/cracklib/cracklib_dict.pwd && echo yes),,build)
  endif
  ifneq ($(DEPS_LEVEL),)
    DEPS_RC := $(shell sh deploy/deps.sh $(DEPS_LEVEL) >&2; echo $$?)
    ifneq ($(DEPS_RC),0)
      $(error deploy/deps.sh failed; install libsodium-dev libevent-dev liblmdb-dev libjansson-dev zlib1g-dev libpwquality-dev cracklib-runtime libcmocka-dev pkg-config gettext)
    endif
  endif
endif

CC ?= cc
ifeq ($(SAN),1)
  B := $(BUILD)/san
  OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  FORTIFY :=
else
  B := $(BUILD)
  OPT := -O2 -g
  FORTIFY := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3
endif

WARN := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
        -Wvla -Wundef -Werror
HARDEN := $(FORTIFY) -fstack-protector-strong -fPIE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
ADMIN_CFLAGS = $(shell pkg-config --cflags $(ADMIN_PKGS))
ADMIN_LIBS = $(shell pkg-config --libs $(ADMIN_PKGS))
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)
# Where the admin tool's warnings point for the holiday calendar: the source
# tree's holidays/cn-2026.txt unless set (debian/rules sets the installed path).
QF_HOLIDAYS_HINT ?=
# Where an installed qingfeng-admin finds its message catalogue
# (LOCALEDIR/zh_CN/LC_MESSAGES/qingfeng-admin.mo); the build tree's
# $(B)/locale is found next to the binary without it (admin/i18n.h).
LOCALEDIR ?= $(PREFIX)/share/locale
# Headers generated at build time (the same for every SAN setting).
GEN := $(BUILD)/gen
CFLAGS_ALL = -std=c11 -pthread -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) $(HARDEN) \
             -I. -I$(GEN) $(PKG_CFLAGS) $(ADMIN_CFLAGS) $(if $(QF_HOLIDAYS_HINT),-DQF_HOLIDAYS_HINT='"$(QF_HOLIDAYS_HINT)"') \
             $(CFLAGS)
LDFLAGS_ALL = $(OPT) -pthread -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS)

Q := @
ifeq ($(V),1)
  Q :=
endif

CRYPTO_SRC := $(wildcard crypto/*.c)
STORE_SRC := $(wildcard store/*.c)
INTAKE_SRC := $(filter-out intake/main.c,$(wildcard intake/*.c))
ADMIN_SRC := $(filter-out admin/main.c,$(wildcard admin/*.c))
REPORT_SRC := $(filter-out report/main.c,$(wildcard report/*.c))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_SUPPORT := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

LIBCRYPTO := $(B)/lib/libqfcrypto.a
LIBSTORE := $(B)/lib/libqfstore.a
LIBINTAKE := $(B)/lib/libqfintake.a
LIBADMIN := $(B)/lib/libqfadmin.a
LIBREPORT := $(B)/lib/libqfreport.a
BINS := $(B)/bin/qingfeng-intake $(B)/bin/qingfeng-admin $(B)/bin/qingfeng-report
TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRC))
TOOLS := $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(wildcard tests/tools/*.c))

.PHONY: all test unit-test integration-test run bench bench-crypto format lint \
        clean install-deps check-format po check-po
# The reporter web pages: web/build.mjs renders web/ (pages, CSS, the JS
# bundles with libsodium-wrappers from node_modules and SRI hashes) into
# $(B)/web, where the server finds them. node_modules comes from `npm ci`
# (package-lock.json) at build time only; deploy/deps.sh installs node/npm
# when they are missing. flock keeps parallel builds off each other's npm ci.
WEB_SRC := $(shell find web -type f 2>/dev/null)
WEB_STAMP := $(B)/web/.built
NODE_STAMP := node_modules/.qf-npm-ci

PO_DOMAIN := qingfeng-admin
POT := po/$(PO_DOMAIN).pot
MO := $(B)/locale/zh_CN/LC_MESSAGES/$(PO_DOMAIN).mo
XGETTEXT = xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--add-comments=TRANSLATORS: --package-name=qingfeng --sort-by-file --add-location=file --no-wrap

all: $(BINS) $(TESTS) $(TOOLS) $(WEB_STAMP) $(MO)

$(NODE_STAMP): package.json package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || sh deploy/deps.sh build
	@echo "  NPM     ci"
	$(Q)flock package-lock.json sh -c '[ $@ -nt package-lock.json ] && [ $@ -nt package.json ] || \
	  { npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null && touch $@; }'
$(WEB_STAMP): $(WEB_SRC) crypto/status.def crypto/vocab.def $(NODE_STAMP)
	@echo "  WEB     $(B)/web"
	$(Q)flock -s package-lock.json node web/build.mjs $(B)/web
.PHONY: web
web: $(WEB_STAMP)

# The reporter CLI's metadata stripper keeps what the page's keeps: its lists
# are generated from the page's web/js/metastrip-allow.js.
$(GEN)/metastrip_allow.h: web/js/metastrip-allow.js report/gen-allow.mjs
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)node report/gen-allow.mjs $@
$(B)/obj/report/metastrip.o: $(GEN)/metastrip_allow.h

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# tests may use cmocka headers
$(B)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -MMD -MP -c $< -o $@

define mklib
$(1): $(call obj,$(2))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$(Q)ar rcs $$@ $$^
endef
$(eval $(call mklib,$(LIBCRYPTO),$(CRYPTO_SRC)))
$(eval $(call mklib,$(LIBSTORE),$(STORE_SRC)))
$(eval $(call mklib,$(LIBINTAKE),$(INTAKE_SRC)))
$(eval $(call mklib,$(LIBADMIN),$(ADMIN_SRC)))
$(eval $(call mklib,$(LIBREPORT),$(REPORT_SRC)))

# Link order follows the layering: program, store, crypto.
$(B)/bin/qingfeng-intake: $(B)/obj/intake/main.o $(LIBINTAKE) $(LIBSTORE) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)
$(B)/bin/qingfeng-admin: $(B)/obj/admin/main.o $(LIBADMIN) $(LIBSTORE) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(ADMIN_LIBS)
$(B)/bin/qingfeng-report: $(B)/obj/report/main.o $(LIBREPORT) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(call obj,$(TEST_SUPPORT)) $(LIBINTAKE) $(LIBADMIN) \
              $(LIBREPORT) $(LIBSTORE) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(ADMIN_LIBS) $(CMOCKA_LIBS)

# small programs the integration scripts use (pow solving, random values)
$(B)/tests/tools/%: $(B)/obj/tests/tools/%.o $(LIBSTORE) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# the reporter CLI's metadata stripper on its own (tests/web/metastrip-parity.test.mjs)
$(B)/tests/tools/metastrip: $(B)/obj/tests/tools/metastrip.o $(LIBREPORT) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(B)/bench/%: $(B)/obj/bench/%.o $(LIBSTORE) $(LIBCRYPTO)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

# qingfeng-admin's messages (admin/i18n.h): the msgids are the English
# _("...") and N_("...") strings of admin/*.c; po/qingfeng-admin.pot is their
# template and po/zh_CN.po the Chinese catalogue, compiled into $(B)/locale.
# `make po` refreshes both after a message changes; check-po (part of `make
# lint` and of tests/integration/admin_i18n.sh) fails when the template is
# stale or a msgid has no Chinese translation.
$(B)/obj/admin/i18n.o: CFLAGS_ALL += -DQF_LOCALEDIR_DEFAULT='"$(LOCALEDIR)"'
$(MO): po/zh_CN.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $@"
	$(Q)msgfmt --check -o $@ $<
po:
	$(XGETTEXT) -o $(POT).new $(sort $(wildcard admin/*.c))
	sed -i '/^"POT-Creation-Date:/d' $(POT).new
	mv $(POT).new $(POT)
	msgmerge --quiet --update --backup=none --no-wrap po/zh_CN.po $(POT)
	@$(MAKE) --no-print-directory check-po
check-po:
	@sh po/check.sh $(POT) po/zh_CN.po admin/*.c

test: all
	@B=$(B) sh tests/run.sh

run: $(BINS) $(WEB_STAMP) $(MO)
	@sh deploy/demo.sh $(B)

bench-crypto: $(B)/bench/bench_crypto
	$(B)/bench/bench_crypto

# Terminal screenshots of qingfeng-admin (list, show, due, stats, forward) for
# docs/investigator.md: docs/screenshots/admin-*.png, from a demo archive
# (tests/tools/admin-screenshots.sh, rendered by tests/tools/termshot.mjs in
# chromium with fonts-wqy-microhei).
.PHONY: screenshots-admin
screenshots-admin: $(BINS) $(NODE_STAMP)
	@sh deploy/deps.sh shots
	@QF_BIN="$(CURDIR)/$(B)/bin" sh tests/tools/admin-screenshots.sh "$(CURDIR)/docs/screenshots"



SRC_ALL = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build/*')
format:
	clang-format -i $(SRC_ALL)
check-format:
	@clang-format --dry-run --Werror $(SRC_ALL)

lint: $(GEN)/metastrip_allow.h check-po
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --std=c11 --inline-suppr -I. -I$(GEN) -D__GNUC__ --suppress=missingIncludeSystem \
	  crypto store intake admin report
	clang-tidy --quiet $(filter crypto/% store/% intake/% admin/% report/%,$(filter %.c,$(SRC_ALL))) -- $(CFLAGS_ALL)

install-deps:
	sh deploy/deps.sh all

clean:
	rm -rf $(BUILD)

# Further targets live beside what they build: install (deploy/install.mk),
# Debian packages and the offline bundle (deploy/deb.mk),
# benchmarks (bench/bench.mk), fuzzing and stress (tests/fuzz/fuzz.mk).
-include deploy/install.mk
-include deploy/deb.mk
-include bench/bench.mk
-include tests/fuzz/fuzz.mk

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
