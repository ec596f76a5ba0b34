/*
 * qingfeng-intake: the online intake server and its operator commands
 * (DESIGN.md §11). Parses the command line and hands over to cmd_* and
 * server_run; the only place in intake/ that decides the exit code.
 */
#include <event2/event.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/memwipe.h"
#include "intake/cmd.h"
#include "intake/route.h"
#include "intake/server.h"

static const char usage_text[] =
        "usage: qingfeng-intake COMMAND [OPTIONS]\n"
        "\n"
        "The online intake server of Qingfeng. It stores only ciphertext; it cannot\n"
        "read reports and holds no district secret.\n"
        "\n"
        "  init    --data DIR                          make a new data directory\n"
        "  district add --data DIR FILE [--replace] [--level L] [--parent ID]\n"
        "                                              add a district.pub.json (a commission)\n"
        "  district set --data DIR ID [--level L] [--parent ID | --no-parent]\n"
        "                                              place a commission in the tree: level\n"
        "                                              district, city or province; parent = the\n"
        "                                              commission one level up (docs/DESIGN.md "
        "§14)\n"
        "  serve   --data DIR [--listen HOST:PORT]     run the service\n"
        "  export  --data DIR --district ID --out FILE write new ciphertext for the district\n"
        "  import  --data DIR FILE                     apply a signed update from the district\n"
        "  backup  --data DIR --out FILE               hot, consistent copy of the store\n"
        "  check   --data DIR                          verify every chain and the store\n"
        "  stats   --data DIR [--json]                 counts and storage use, for monitoring\n"
        "  oversight --data DIR --under ID --out FILE.qfo\n"
        "                                              the signed oversight bundle for the\n"
        "                                              commission ID and every one below it:\n"
        "                                              chains, updates, case statements, no\n"
        "                                              content (docs/DESIGN.md §16)\n"
        "\n"
        "Every command takes --help. Exit codes: 0 success, 1 a problem (named on\n"
        "stderr), 2 a usage error.\n";

static void
quiet_libevent(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

struct opts {
	const char *data, *listen, *district, *out, *file, *level, *parent, *under;
	int replace, help, json, no_parent;
};

/*
 * Parses the options after the command words (argv[first] on) with
 * getopt_long: "--name VALUE", "--name=VALUE", flags, and at most one
 * positional argument. Returns 0, or -1 after naming the problem.
 */
static int
parse(int argc, char **argv, int first, struct opts *o)
{
	enum { O_DATA = 256, O_LISTEN, O_DISTRICT, O_OUT, O_LEVEL, O_PARENT, O_UNDER };
	static const struct option longopts[] = {
	        {"data", required_argument, NULL, O_DATA},
	        {"listen", required_argument, NULL, O_LISTEN},
	        {"district", required_argument, NULL, O_DISTRICT},
	        {"out", required_argument, NULL, O_OUT},
	        {"level", required_argument, NULL, O_LEVEL},
	        {"parent", required_argument, NULL, O_PARENT},
	        {"under", required_argument, NULL, O_UNDER},
	        {"no-parent", no_argument, NULL, 'P'},
	        {"replace", no_argument, NULL, 'r'},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c, n = argc - first + 1;
	char **v = argv + first - 1; /* v[0] stands for the program name */

	memset(o, 0, sizeof *o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(n, v, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DATA:
			o->data = optarg;
			break;
		case O_LISTEN:
			o->listen = optarg;
			break;
		case O_DISTRICT:
			o->district = optarg;
			break;
		case O_OUT:
			o->out = optarg;
			break;
		case O_LEVEL:
			o->level = optarg;
			break;
		case O_PARENT:
			o->parent = optarg;
			break;
		case O_UNDER:
			o->under = optarg;
			break;
		case 'P':
			o->no_parent = 1;
			break;
		case 'r':
			o->replace = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			o->help = 1;
			break;
		case ':':
			fprintf(stderr, "qingfeng-intake: %s needs a value\n", v[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "qingfeng-intake: unknown option \"%s\"\n", v[optind - 1]);
			return -1;
		}
	}
	if (optind < n)
		o->file = v[optind++];
	if (optind < n) {
		fprintf(stderr, "qingfeng-intake: unexpected argument \"%s\"\n", v[optind]);
		return -1;
	}
	return 0;
}

static int
need(const char *v, const char *what)
{
	if (v != NULL && v[0] != '\0')
		return 0;
	fprintf(stderr, "qingfeng-intake: missing %s (see --help)\n", what);
	return -1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;
	int first = 2;

	/* a core dump would hold request bodies and the no-JS path's plaintext */
	(void)memwipe_no_core_dumps();
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "district") == 0) {
		if (argc < 3 || (strcmp(argv[2], "add") != 0 && strcmp(argv[2], "set") != 0)) {
			fprintf(stderr, "qingfeng-intake: usage: district add --data DIR FILE, or "
			                "district set --data DIR ID [--level L] [--parent ID | "
			                "--no-parent]\n");
			return 2;
		}
		first = 3;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "qingfeng-intake: libsodium failed to initialise\n");
		return 1;
	}
	/* request bodies, manifests and answers are wiped when Jansson and libevent free them */
	memwipe_jansson();
	event_set_mem_functions(memwipe_malloc, memwipe_realloc, memwipe_free);
	/* libevent's own warnings concern single connections: none goes to the log */
	event_set_log_callback(quiet_libevent);
	if (parse(argc, argv, first, &o) != 0)
		return 2;
	if (o.help) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (need(o.data, "--data DIR") != 0)
		return 2;
	if (strcmp(cmd, "init") == 0)
		return cmd_init(o.data);
	if (strcmp(cmd, "district") == 0 && strcmp(argv[2], "set") == 0) {
		if (need(o.file, "the district ID") != 0)
			return 2;
		if (o.parent != NULL && o.no_parent) {
			fprintf(stderr,
			        "qingfeng-intake: --parent and --no-parent exclude each other\n");
			return 2;
		}
		return cmd_district_set(o.data, o.file, o.level, o.parent != NULL || o.no_parent,
		                        o.parent);
	}
	if (strcmp(cmd, "district") == 0) {
		if (o.no_parent) {
			fprintf(stderr, "qingfeng-intake: --no-parent is for district set\n");
			return 2;
		}
		return need(o.file, "the district.pub.json file")
		               ? 2
		               : cmd_district_add(o.data, o.file, o.replace, o.level, o.parent);
	}
	if (strcmp(cmd, "serve") == 0)
		return server_run(o.data, o.listen, &route_handlers) == 0 ? 0 : 1;
	if (strcmp(cmd, "backup") == 0)
		return need(o.out, "--out FILE") ? 2 : cmd_backup(o.data, o.out);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(o.data);
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(o.data, o.json);
	if (strcmp(cmd, "export") == 0)
		return need(o.district, "--district ID") || need(o.out, "--out FILE")
		               ? 2
		               : cmd_export(o.data, o.district, o.out);
	if (strcmp(cmd, "oversight") == 0)
		return need(o.under, "--under ID") || need(o.out, "--out FILE")
		               ? 2
		               : cmd_oversight(o.data, o.under, o.out);
	if (strcmp(cmd, "import") == 0)
		return need(o.file, "the update file") ? 2 : cmd_import(o.data, o.file);
	fprintf(stderr, "qingfeng-intake: unknown command \"%s\" (see --help)\n", cmd);
	return 2;
}
