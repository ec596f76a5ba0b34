/*
 * commands: the qingfeng-admin command table (DESIGN.md §11, §13, §16): each
 * command's name, options, synopsis and --help, one getopt_long parser for
 * all of them, and the dispatch to the module function that runs it with a
 * session (admin/session.h). Exit codes: CLI_EXIT_OK, CLI_EXIT_USER (a
 * one-line message on stderr says what is wrong) or CLI_EXIT_USAGE. Nothing
 * here calls exit().
 */
#ifndef QF_ADMIN_COMMANDS_H
#define QF_ADMIN_COMMANDS_H

#include <stdio.h>

/* Prints the list of commands to f. Cannot fail. */
void commands_usage_all(FILE *f);

/*
 * Runs the command named argv[0] (argc >= 1) with its own argv. Returns its
 * exit code, or CLI_EXIT_USAGE for an unknown command or a usage error.
 */
int commands_run(int argc, char **argv);

#endif
