/*
 * reporter: the commands of qingfeng-report (DESIGN.md §11): submit, status
 * and followup, from argument parsing to the printed result. Each command
 * returns the process exit code (0 success, 1 a user, server or network
 * error with a one-line message, 2 a usage error) instead of exiting, so that
 * main() and the tests can drive it. The receipt, auth, reply_sk and every
 * plaintext (report text, manifest) are wiped after use; nothing derived
 * from the receipt (lookup, auth) is ever printed.
 */
#ifndef QF_REPORT_REPORTER_H
#define QF_REPORT_REPORTER_H

#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/pow.h"

#define REPORTER_EXIT_OK    0
#define REPORTER_EXIT_ERROR 1
#define REPORTER_EXIT_USAGE 2

/* Where a command reads and writes. */
struct reporter_io {
	FILE *out;               /* results (the receipt, the status) */
	FILE *err;               /* error messages and progress */
	FILE *in;                /* read for "--body-file -" and "--receipt -" */
	struct event_base *base; /* the event loop for HTTP; NULL makes one per command */
	int progress;            /* show proof-of-work progress on err (a terminal) */
};

/*
 * Runs "qingfeng-report COMMAND ARGS...": argv[0] is the program, argv[1]
 * the command (submit, status, followup, help, --help). Returns the exit
 * code; unknown commands and missing arguments give REPORTER_EXIT_USAGE.
 */
int reporter_main(int argc, char **argv, const struct reporter_io *io);

/*
 * The commands; argv[0] is the command's name, the options follow. Each
 * returns REPORTER_EXIT_OK, REPORTER_EXIT_ERROR (with a one-line message on
 * io->err naming what is wrong, e.g. the server's error code) or
 * REPORTER_EXIT_USAGE (bad or missing options; --help prints the usage to
 * io->out and returns REPORTER_EXIT_OK).
 */
int reporter_submit(int argc, char **argv, const struct reporter_io *io);
int reporter_status(int argc, char **argv, const struct reporter_io *io);
int reporter_followup(int argc, char **argv, const struct reporter_io *io);

/* Prints the overall usage text. Cannot fail. */
void reporter_usage(FILE *f);

/*
 * Solves a proof-of-work challenge like pow_solve (same nonce: counting up
 * from 0), showing progress on progress when it is not NULL. Returns 0, or -1
 * when difficulty exceeds POW_MAX_DIFFICULTY.
 */
int reporter_pow_solve(uint8_t nonce[POW_NONCE_BYTES], const uint8_t ch[POW_CHALLENGE_BYTES],
                       unsigned difficulty, FILE *progress);

/*
 * Makes Jansson wipe every block it frees (the manifest and request bodies
 * pass through its strings). Process-wide; call before any JSON is made.
 * Cannot fail.
 */
void reporter_json_wipe_on_free(void);

#endif
