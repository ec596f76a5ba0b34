/*
 * overseecmd: the command-line edge of `qingfeng-admin oversee` (DESIGN.md
 * §16): its options (parsed by admin/commands.c's table) and --help (which
 * quotes the handling rules behind each default limit), the pins file in the archive directory, the holiday
 * calendar, messages and exit codes. The verification is admin/oversee.h,
 * the measures admin/measure.h, the printable forms admin/ovchart.h.
 */
#ifndef QF_ADMIN_OVERSEECMD_H
#define QF_ADMIN_OVERSEECMD_H

#include <stdio.h>

#include "admin/session.h"

/* The synopsis, as the list of commands shows it. */
#define OVERSEECMD_SYNOPSIS                                                                        \
	"oversee --archive DIR FILE.qfo [--expect ID=FINGERPRINT]... [--holidays F]\n"             \
	"              [--as-of DAY] [--read-days N] [--decide-days N] [--conclude-days N]\n"      \
	"              [--stale-days N] [--accept-new-server-key]\n"                               \
	"              [--json | --csv | --svg FILE | --html FILE]"

/* Prints the command's help (after its synopsis). Cannot fail. */
void overseecmd_help(FILE *f);

/*
 * Runs `oversee` (the session is not started: it needs no key, no day and
 * no --by). Returns CLI_EXIT_OK, CLI_EXIT_USER (a refused bundle or another
 * user error, said on stderr; nothing written) or CLI_EXIT_USAGE (a
 * malformed --expect or limit).
 */
int overseecmd_command(struct session *s, const struct session_args *o);

#endif
