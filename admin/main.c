/* qingfeng-admin: the district's offline investigator tool (DESIGN.md §11-§13). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "admin/cli.h"
#include "admin/commands.h"
#include "admin/i18n.h"
#include "crypto/memwipe.h"

int
main(int argc, char **argv)
{
	(void)i18n_init(); /* first: every message after this is in its language */
	/* a core dump would hold the unlocked district key and decrypted reports */
	(void)memwipe_no_core_dumps();
	if (sodium_init() < 0) {
		cli_error(_("cannot initialise libsodium"));
		return CLI_EXIT_USER;
	}
	memwipe_jansson(); /* before any Jansson value exists: freed text is wiped */
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	                  strcmp(argv[1], "help") == 0)) {
		commands_usage_all(stdout);
		return CLI_EXIT_OK;
	}
	if (argc < 2) {
		commands_usage_all(stderr);
		return CLI_EXIT_USAGE;
	}
	return commands_run(argc - 1, argv + 1);
}
