/*
 * qingfeng-intake: the online intake server and its operator commands
 * (DESIGN.md §11). Parses the command line and hands over to cmd_* and
 * server_run; the only place in intake/ that decides the exit code.
 */
#include <event2/event.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/memwipe.h"
#include "intake/cmd.h"
#include "intake/server.h"

static const char usage_text[] =
        "usage: qingfeng-intake COMMAND [OPTIONS]\n"
        "\n"
        "The online intake server of Qingfeng. It stores only ciphertext; it cannot\n"
        "read reports and holds no district secret.\n"
        "\n"
        "  init    --data DIR                          make a new data directory\n"
        "  district add --data DIR FILE [--replace]    add a district.pub.json\n"
        "  serve   --data DIR [--listen HOST:PORT]     run the service\n"
        "  export  --data DIR --district ID --out FILE write new ciphertext for the district\n"
        "  import  --data DIR FILE                     apply a signed update from the district\n"
        "  backup  --data DIR --out FILE               hot, consistent copy of the store\n"
        "  check   --data DIR                          verify every chain and the store\n"
        "  stats   --data DIR [--json]                 counts and storage use, for monitoring\n"
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
	const char *data, *listen, *district, *out, *file;
	int replace, help, json;
};

/* Parses "--name VALUE", "--name=VALUE", flags and at most one positional. */
static int
parse(int argc, char **argv, int first, struct opts *o)
{
	static const char *const with_value[] = {"--data", "--listen", "--district", "--out"};

	memset(o, 0, sizeof *o);
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *eq;
		size_t k;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = 1;
			continue;
		}
		if (strcmp(a, "--replace") == 0) {
			o->replace = 1;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (o->file != NULL) {
				fprintf(stderr, "qingfeng-intake: unexpected argument \"%s\"\n", a);
				return -1;
			}
			o->file = a;
			continue;
		}
		eq = strchr(a, '=');
		for (k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
			size_t n = strlen(with_value[k]);
			if (strncmp(a, with_value[k], n) == 0 && (a[n] == '\0' || a[n] == '='))
				break;
		}
		switch (k) {
		case 0:
			slot = &o->data;
			break;
		case 1:
			slot = &o->listen;
			break;
		case 2:
			slot = &o->district;
			break;
		case 3:
			slot = &o->out;
			break;
		default:
			fprintf(stderr, "qingfeng-intake: unknown option \"%s\"\n", a);
			return -1;
		}
		if (eq != NULL) {
			*slot = eq + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			fprintf(stderr, "qingfeng-intake: %s needs a value\n", a);
			return -1;
		}
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
		if (argc < 3 || strcmp(argv[2], "add") != 0) {
			fprintf(stderr, "qingfeng-intake: usage: district add --data DIR FILE\n");
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
	if (strcmp(cmd, "district") == 0)
		return need(o.file, "the district.pub.json file")
		               ? 2
		               : cmd_district_add(o.data, o.file, o.replace);
	if (strcmp(cmd, "serve") == 0)
		return server_run(o.data, o.listen) == 0 ? 0 : 1;
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
	if (strcmp(cmd, "import") == 0)
		return need(o.file, "the update file") ? 2 : cmd_import(o.data, o.file);
	fprintf(stderr, "qingfeng-intake: unknown command \"%s\" (see --help)\n", cmd);
	return 2;
}
