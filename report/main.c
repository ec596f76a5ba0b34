/* qingfeng-report: the reporter's command-line client (DESIGN.md §11). Placeholder until its issue lands. */
#include <stdio.h>
#include <string.h>

static void
usage(FILE *f)
{
	fprintf(f, "usage: qingfeng-report COMMAND [OPTIONS]\n"
	           "the reporter's command-line client of Qingfeng; see DESIGN.md §11.\n");
}

int
main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
