/*
 * commands: the qingfeng-admin commands (DESIGN.md §11, §13) at the command-line
 * edge: option parsing, --help, passphrases, messages, exit codes. Each
 * takes the command's own argv (argv[0] is the command name) and returns
 * the exit code: CLI_EXIT_OK, CLI_EXIT_USER (a one-line message on stderr
 * says what is wrong) or CLI_EXIT_USAGE. None of them calls exit().
 */
#ifndef QF_ADMIN_COMMANDS_H
#define QF_ADMIN_COMMANDS_H

#include <stdio.h>

/* keygen --district ID --name NAME --out DIR [--kdf interactive|moderate|sensitive] */
int commands_keygen(int argc, char **argv);
/* fingerprint FILE */
int commands_fingerprint(int argc, char **argv);
/* ingest --archive DIR [--key FILE] [--accept-new-server-key] FILE.qfx */
int commands_ingest(int argc, char **argv);
/* list --archive DIR [--status S] [--json] [--titles] [--holidays FILE] */
int commands_list(int argc, char **argv);
/* show --archive DIR CASE [--extract DIR] */
int commands_show(int argc, char **argv);
/* status --archive DIR CASE STATUS [--by NAME] */
int commands_status(int argc, char **argv);
/* reply --archive DIR CASE --message TEXT | --file F [--attach F]... [--by NAME] */
int commands_reply(int argc, char **argv);
/* update --archive DIR [--district ID] --out FILE.qfu */
int commands_update(int argc, char **argv);
/* log --archive DIR [--json] */
int commands_log(int argc, char **argv);
/* stage --archive DIR CASE STAGE --by NAME [--note TEXT] */
int commands_stage(int argc, char **argv);
/* mark --archive DIR CASE MARK [VALUE] --by NAME [--approved-by NAME] [--note TEXT] [--clear] */
int commands_mark(int argc, char **argv);
/* note --archive DIR CASE (--message TEXT | --file F) [--by NAME] */
int commands_note(int argc, char **argv);
/* due --archive DIR [--json] [--all] [--holidays FILE] [--district ID] */
int commands_due(int argc, char **argv);
/* stats --archive DIR [--json|--csv|--svg FILE|--html FILE] [--from DAY] [--to DAY] ... */
int commands_stats(int argc, char **argv);
/* search --archive DIR [--district ID] WORD... */
int commands_search(int argc, char **argv);
/* forward --archive DIR CASE --out FILE --to AGENCY --by NAME [--with-attachments DIR] */
int commands_forward(int argc, char **argv);

/* Prints the list of commands to f. Cannot fail. */
void commands_usage_all(FILE *f);

/*
 * Runs the command named argv[0] (argc >= 1). Returns its exit code, or
 * CLI_EXIT_USAGE for an unknown command.
 */
int commands_run(int argc, char **argv);

#endif
