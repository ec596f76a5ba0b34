/* qingfeng-intake: the online intake server (DESIGN.md §11). Placeholder until its issue lands. */
#include <stdio.h>
#include <string.h>

static void
usage(FILE *f)
{
	fprintf(f, "usage: qingfeng-intake COMMAND [OPTIONS]\n"
	           "the online intake server of Qingfeng; see DESIGN.md §11.\n");
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
