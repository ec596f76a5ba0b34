/*
 * qingfeng-report: the reporter's command-line client (DESIGN.md §11):
 * submit a report, see its status and replies, send follow-ups. The work is
 * in report/reporter.c; this only sets up the process.
 */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

#include "crypto/memwipe.h"
#include "report/client.h"
#include "report/reporter.h"

int
main(int argc, char **argv)
{
	struct reporter_io io;

	/* A core dump would hold the receipt and the plaintext. */
	(void)memwipe_no_core_dumps();
	/* A server that closes early must give an error, not kill us. */
	(void)signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0) {
		fputs("qingfeng-report: cannot initialise libsodium\n", stderr);
		return REPORTER_EXIT_ERROR;
	}
	reporter_json_wipe_on_free();
	client_quiet_logs();
	io.out = stdout;
	io.err = stderr;
	io.in = stdin;
	io.base = NULL;
	io.progress = isatty(STDERR_FILENO);
	return reporter_main(argc, argv, &io);
}
