# `make install` / `make uninstall` (included by the Makefile).
#
#   make install [PREFIX=/usr/local] [DESTDIR=/staging/root]
#
# installs the three binaries, the web root, the man pages, the docs, the
# admin tool's Chinese message catalogue (LOCALEDIR, the Makefile's), the
# holiday calendar, the example config, Tor and nginx snippets, the systemd units (server, nightly
# backup timer), sysusers.d/tmpfiles.d entries and the backup helper. It never
# touches /etc, /var or a running system: the operator's next steps are in
# docs/operator.md (and printed at the end). `make uninstall` with the same
# PREFIX and DESTDIR removes exactly what install put there; the data
# directory /var/lib/qingfeng and the backups are never removed.
#
# The server finds its web root at <bin dir>/../share/qingfeng/web, so keep
# BINDIR and DATADIR under one PREFIX or set "web_root" in config.json.

DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/qingfeng
# systemd reads /usr/local/lib/systemd/system, /usr/lib/systemd/system and
# the matching sysusers.d and tmpfiles.d.
SYSTEMD_LIBDIR ?= $(PREFIX)/lib
UNITDIR ?= $(SYSTEMD_LIBDIR)/systemd/system
SYSUSERSDIR ?= $(SYSTEMD_LIBDIR)/sysusers.d
TMPFILESDIR ?= $(SYSTEMD_LIBDIR)/tmpfiles.d
QF_SHARE = $(DATADIR)/qingfeng
QF_WEB = $(QF_SHARE)/web
QF_EXAMPLES = $(QF_SHARE)/examples
QF_HOLIDAYS = $(QF_SHARE)/holidays
QF_LIBEXEC = $(LIBEXECDIR)/qingfeng

INSTALL ?= install
# The installed names of everything but the web root, relative to DESTDIR.
QF_INSTALLED_BINS = $(addprefix $(BINDIR)/,qingfeng-intake qingfeng-admin qingfeng-report)
QF_MAN1 = $(notdir $(wildcard docs/man/*.1))
QF_MAN8 = $(notdir $(wildcard docs/man/*.8))
QF_DOCS = README.md $(filter-out docs/investigator-notes.md,$(wildcard docs/*.md))
QF_UNITS = qingfeng-intake.service qingfeng-backup.service qingfeng-backup.timer
QF_EXAMPLE_FILES = config.json qingfeng.torrc nginx-qingfeng.conf
QF_HOLIDAY_FILES = $(notdir $(wildcard holidays/*.txt))

# Fills in the paths a unit or script needs.
QF_SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
               -e 's|@DOCDIR@|$(DOCDIR)|g'

.PHONY: install uninstall check-deploy
# WEB_STAMP (the Makefile's web build) makes $(B)/web.
install: $(BINS) $(WEB_STAMP) $(MO)
	$(INSTALL) -d -m 755 "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(QF_LIBEXEC)" \
	  "$(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES" \
	  "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man8" "$(DESTDIR)$(DOCDIR)" \
	  "$(DESTDIR)$(QF_EXAMPLES)" "$(DESTDIR)$(QF_HOLIDAYS)" "$(DESTDIR)$(UNITDIR)" \
	  "$(DESTDIR)$(SYSUSERSDIR)" "$(DESTDIR)$(TMPFILESDIR)"
	$(INSTALL) -m 755 $(BINS) "$(DESTDIR)$(BINDIR)/"
	$(QF_SUBST) deploy/qingfeng-backup.sh >"$(DESTDIR)$(QF_LIBEXEC)/qingfeng-backup"
	chmod 755 "$(DESTDIR)$(QF_LIBEXEC)/qingfeng-backup"
	$(INSTALL) -m 644 $(addprefix docs/man/,$(QF_MAN1)) "$(DESTDIR)$(MANDIR)/man1/"
	$(INSTALL) -m 644 $(addprefix docs/man/,$(QF_MAN8)) "$(DESTDIR)$(MANDIR)/man8/"
	$(INSTALL) -m 644 $(QF_DOCS) "$(DESTDIR)$(DOCDIR)/"
	$(INSTALL) -m 644 $(MO) "$(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/"
	$(INSTALL) -m 644 $(addprefix holidays/,$(QF_HOLIDAY_FILES)) "$(DESTDIR)$(QF_HOLIDAYS)/"
	$(INSTALL) -m 644 deploy/config.example.json "$(DESTDIR)$(QF_EXAMPLES)/config.json"
	$(INSTALL) -m 644 deploy/tor/qingfeng.torrc "$(DESTDIR)$(QF_EXAMPLES)/qingfeng.torrc"
	$(INSTALL) -m 644 deploy/nginx/qingfeng.conf "$(DESTDIR)$(QF_EXAMPLES)/nginx-qingfeng.conf"
	for u in qingfeng-intake.service qingfeng-backup.service; do \
	  $(QF_SUBST) "deploy/systemd/$$u.in" >"$(DESTDIR)$(UNITDIR)/$$u" && \
	  chmod 644 "$(DESTDIR)$(UNITDIR)/$$u" || exit 1; done
	$(INSTALL) -m 644 deploy/systemd/qingfeng-backup.timer "$(DESTDIR)$(UNITDIR)/"
	$(INSTALL) -m 644 deploy/systemd/qingfeng.sysusers "$(DESTDIR)$(SYSUSERSDIR)/qingfeng.conf"
	$(INSTALL) -m 644 deploy/systemd/qingfeng.tmpfiles "$(DESTDIR)$(TMPFILESDIR)/qingfeng.conf"
	@if [ -d "$(B)/web" ]; then \
	  rm -rf "$(DESTDIR)$(QF_WEB)" && mkdir -p "$(DESTDIR)$(QF_WEB)" && \
	  cp -R "$(B)/web/." "$(DESTDIR)$(QF_WEB)/" && rm -f "$(DESTDIR)$(QF_WEB)/.built" && \
	  chmod -R u=rwX,go=rX "$(DESTDIR)$(QF_WEB)" && \
	  echo "installed the web root in $(DESTDIR)$(QF_WEB)"; \
	else \
	  echo "warning: $(B)/web was not built; no web root installed (the API and CLI still work)" >&2; \
	fi
	@if [ -z "$(DESTDIR)" ]; then \
	  echo; \
	  echo "installed under $(PREFIX). Next (docs/operator.md, 'Install'):"; \
	  echo "  systemd-sysusers && systemd-tmpfiles --create && systemctl daemon-reload"; \
	  echo "  runuser -u qingfeng -- $(BINDIR)/qingfeng-intake init --data /var/lib/qingfeng"; \
	fi

uninstall:
	rm -f $(addprefix "$(DESTDIR)",$(QF_INSTALLED_BINS))
	rm -f "$(DESTDIR)$(QF_LIBEXEC)/qingfeng-backup"
	rm -f $(addprefix "$(DESTDIR)$(MANDIR)/man1/",$(QF_MAN1))
	rm -f $(addprefix "$(DESTDIR)$(MANDIR)/man8/",$(QF_MAN8))
	rm -f "$(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/$(PO_DOMAIN).mo"
	rm -f $(addprefix "$(DESTDIR)$(DOCDIR)/",$(notdir $(QF_DOCS)))
	rm -f $(addprefix "$(DESTDIR)$(QF_EXAMPLES)/",$(QF_EXAMPLE_FILES))
	rm -f $(addprefix "$(DESTDIR)$(QF_HOLIDAYS)/",$(QF_HOLIDAY_FILES))
	rm -f $(addprefix "$(DESTDIR)$(UNITDIR)/",$(QF_UNITS))
	rm -f "$(DESTDIR)$(SYSUSERSDIR)/qingfeng.conf" "$(DESTDIR)$(TMPFILESDIR)/qingfeng.conf"
	rm -rf "$(DESTDIR)$(QF_WEB)"
	-rmdir "$(DESTDIR)$(QF_EXAMPLES)" "$(DESTDIR)$(QF_HOLIDAYS)" "$(DESTDIR)$(QF_SHARE)" "$(DESTDIR)$(QF_LIBEXEC)" \
	  "$(DESTDIR)$(DOCDIR)" 2>/dev/null
	@echo "removed Qingfeng from $(DESTDIR)$(PREFIX); /var/lib/qingfeng and the backups are kept"

# The deployment checks alone (they are part of `make test` too).
check-deploy: all
	@fail=0; for t in tests/integration/deploy_*.sh; do \
	  echo "== $$t"; QF_BIN="$(CURDIR)/$(B)/bin" QF_ROOT="$(CURDIR)" sh "$$t" || fail=1; \
	done; exit $$fail
