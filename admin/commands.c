/* commands: see commands.h. */
#include "admin/commands.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cases.h"
#include "admin/chart.h"
#include "admin/cli.h"
#include "admin/deadline.h"
#include "admin/extract.h"
#include "admin/forward.h"
#include "admin/ingest.h"
#include "admin/keys.h"
#include "admin/overseecmd.h"
#include "admin/search.h"
#include "admin/stats.h"
#include "admin/term.h"
#include "admin/update.h"
#include "admin/view.h"
#include "admin/workdays.h"
#include "admin/workflow.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

#define ERR_MAX 2048
/* Largest reply text and reply attachment read from a file. */
#define BODY_MAX ((size_t)1 << 20)
#define ATT_MAX  ((size_t)16 << 20)

enum opt_id {
	O_ARCHIVE = 1000,
	O_KEY,
	O_PASSFILE,
	O_DAYOFF,
	O_BY,
	O_DISTRICT,
	O_NAME,
	O_OUT,
	O_KDF,
	O_STATUS,
	O_EXTRACT,
	O_MESSAGE,
	O_FILE,
	O_ATTACH,
	O_JSON,
	O_TITLES,
	O_ACCEPT,
	O_NOTE,
	O_HOLIDAYS,
	O_CSV,
	O_SVG,
	O_HTML,
	O_FROM,
	O_TO,
	O_ALL,
	O_APPROVED,
	O_CLEAR,
	O_WITHATT,
	O_HELP /* the last */
};

#define BIT(o)  (1ull << ((o)-O_ARCHIVE))
#define COMMON  (BIT(O_ARCHIVE) | BIT(O_KEY) | BIT(O_PASSFILE) | BIT(O_DAYOFF) | BIT(O_HELP))
#define ATT_CAP CASES_REPLY_ATT_MAX

static const struct option long_opts[] = {
        {"archive", required_argument, NULL, O_ARCHIVE},
        {"key", required_argument, NULL, O_KEY},
        {"passphrase-file", required_argument, NULL, O_PASSFILE},
        {"day-offset", required_argument, NULL, O_DAYOFF},
        {"by", required_argument, NULL, O_BY},
        {"district", required_argument, NULL, O_DISTRICT},
        {"name", required_argument, NULL, O_NAME},
        {"out", required_argument, NULL, O_OUT},
        {"kdf", required_argument, NULL, O_KDF},
        {"status", required_argument, NULL, O_STATUS},
        {"extract", required_argument, NULL, O_EXTRACT},
        {"message", required_argument, NULL, O_MESSAGE},
        {"file", required_argument, NULL, O_FILE},
        {"attach", required_argument, NULL, O_ATTACH},
        {"json", no_argument, NULL, O_JSON},
        {"titles", no_argument, NULL, O_TITLES},
        {"accept-new-server-key", no_argument, NULL, O_ACCEPT},
        {"note", required_argument, NULL, O_NOTE},
        {"holidays", required_argument, NULL, O_HOLIDAYS},
        {"csv", no_argument, NULL, O_CSV},
        {"svg", required_argument, NULL, O_SVG},
        {"html", required_argument, NULL, O_HTML},
        {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},
        {"all", no_argument, NULL, O_ALL},
        {"approved-by", required_argument, NULL, O_APPROVED},
        {"clear", no_argument, NULL, O_CLEAR},
        {"with-attachments", required_argument, NULL, O_WITHATT},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
};

struct opts {
	const char *archive, *key, *passfile, *day_offset, *by;
	const char *district, *name, *out, *kdf, *status, *extract, *message, *file;
	const char *attach[ATT_CAP];
	size_t nattach;
	int json, titles, accept_new;
	const char *note, *holidays, *svg, *html, *from, *to, *approved, *with_att;
	int csv, all, clear;
	int npos;
	char **pos;
};

struct cmdinfo {
	const char *name;
	unsigned long long allowed;
	int min_pos, max_pos;
	const char *synopsis;
	const char *help;
};

static const struct cmdinfo ci_keygen = {
        "keygen",
        BIT(O_DISTRICT) | BIT(O_NAME) | BIT(O_OUT) | BIT(O_KDF) | BIT(O_PASSFILE) | BIT(O_HELP),
        0,
        0,
        "keygen --district ID --name NAME --out DIR [--kdf interactive|moderate|sensitive]\n"
        "              [--passphrase-file F]",
        "Makes the district's key pairs and writes DIR/district.key (secret, mode 0600,\n"
        "encrypted under a passphrase asked twice on the terminal) and\n"
        "DIR/district.pub.json (for the server operator). Refuses to overwrite either.\n"
        "Prints the fingerprint to publish. --kdf sets the Argon2id strength (default\n"
        "moderate; interactive for tests and old hardware)."};
static const struct cmdinfo ci_fingerprint = {
        "fingerprint",
        BIT(O_HELP),
        1,
        1,
        "fingerprint FILE",
        "Prints the fingerprint of a district key file (district.pub.json or\n"
        "district.key; no passphrase needed), then the district's id and name."};
static const struct cmdinfo ci_ingest = {
        "ingest",
        COMMON | BIT(O_ACCEPT),
        1,
        1,
        "ingest --archive DIR [--key FILE] [--passphrase-file F] [--accept-new-server-key]\n"
        "              FILE.qfx",
        "Verifies an export bundle from the server (signature, hash chain from the\n"
        "archive's last verified head, every envelope opens with the district key) and\n"
        "stores its new entries, still encrypted. Refuses the whole bundle, naming the\n"
        "indices, on any gap, reorder or alteration. The first ingest into an archive\n"
        "needs --key (remembered) and pins the server's signing key; a bundle signed by\n"
        "another server key is refused unless --accept-new-server-key is given."};
static const struct cmdinfo ci_list = {
        "list",
        COMMON | BIT(O_STATUS) | BIT(O_JSON) | BIT(O_TITLES) | BIT(O_HOLIDAYS),
        0,
        0,
        "list --archive DIR [--status S] [--json] [--titles] [--holidays FILE]",
        "Lists the cases, those with an overdue deadline first: case, day, status, stage,\n"
        "follow-ups (FU), replies (RE), queued operations (Q), whether an update has\n"
        "acknowledged all of it (ACKED), and DUE (overdue, or soon: due within 3 working\n"
        "days). No passphrase is needed; --titles also decrypts each report's type,\n"
        "category and title (asks for the passphrase, and is recorded in the access log).\n"
        "--holidays FILE: the holiday calendar (default: holidays.txt in the archive)."};
static const struct cmdinfo ci_show = {
        "show",
        COMMON | BIT(O_EXTRACT),
        1,
        1,
        "show --archive DIR CASE [--extract DIR]",
        "Decrypts and prints a case (e.g. d01-42): the report with every field, the\n"
        "follow-ups, the replies sent and the history. --extract DIR also writes each\n"
        "attachment as DIR/<case>/<n>-<safe name>. Recorded in the access log."};
static const struct cmdinfo ci_status = {
        "status",
        COMMON | BIT(O_BY),
        2,
        2,
        "status --archive DIR CASE STATUS [--by NAME]",
        "Sets the status the reporter sees (received, accepted, not_accepted,\n"
        "transferred, in_progress, need_info, concluded), records it in the case\n"
        "history and queues it for the next update."};
static const struct cmdinfo ci_reply = {
        "reply",
        COMMON | BIT(O_MESSAGE) | BIT(O_FILE) | BIT(O_ATTACH) | BIT(O_BY),
        1,
        1,
        "reply --archive DIR CASE (--message TEXT | --file F) [--attach F]... [--by NAME]",
        "Writes a reply, signed with the district's key (so the reporter can tell it\n"
        "comes from the commission, not from the server) and sealed to the reporter\n"
        "(queued for the next update) and to the district itself (kept so that show\n"
        "can display it). Asks for the passphrase."};
static const struct cmdinfo ci_update = {
        "update",
        COMMON | BIT(O_DISTRICT) | BIT(O_OUT),
        0,
        0,
        "update --archive DIR [--district ID] --out FILE.qfu",
        "Writes the signed update for the server: every queued status and reply, and\n"
        "the acknowledgement of everything ingested. Then marks them sent."};
static const struct cmdinfo ci_log = {"log",
                                      COMMON | BIT(O_JSON),
                                      0,
                                      0,
                                      "log --archive DIR [--json]",
                                      "Prints the access log: who opened or changed which case, "
                                      "on which day."};

static const struct cmdinfo ci_stage = {
        "stage",
        COMMON | BIT(O_BY) | BIT(O_NOTE),
        2,
        2,
        "stage --archive DIR CASE STAGE --by NAME [--note TEXT]",
        "Records that the case reached an internal stage (docs/DESIGN.md §13), with the\n"
        "day, the investigator and an optional note, in the case history. When the stage\n"
        "maps to another status than the reporter sees now, that status is queued for\n"
        "the next update; nothing else about stages ever leaves this machine.\n"
        "The status the reporter sees, and the stages that map to it:\n"
        "  received      <- registered 登记, screened 筛选\n"
        "  accepted      <- accepted 受理, duplicate 重复件\n"
        "  in_progress   <- inquiry 谈话函询, verification 初步核实, hold 暂存待查,\n"
        "                   referred 移送审查调查, case_opened 立案审查调查\n"
        "  concluded     <- closed 予以了结, concluded 办结\n"
        "  transferred   <- transferred_up 上报上级, transferred 转送\n"
        "  not_accepted  <- not_accepted 不予受理\n"
        "Stages may be recorded in any order. --note needs no passphrase (it is sealed\n"
        "to the district's public key)."};
static const struct cmdinfo ci_mark = {
        "mark",
        COMMON | BIT(O_BY) | BIT(O_NOTE) | BIT(O_APPROVED) | BIT(O_CLEAR),
        2,
        3,
        "mark --archive DIR CASE MARK [VALUE] --by NAME [--approved-by NAME] [--note TEXT]\n"
        "              [--clear]",
        "Records a mark the rules need, in the case history (never sent to the server):\n"
        "  realname pending|verified|impersonated   实名待核实 / 实名已核实 / 冒名\n"
        "                                           (reports with an identity block)\n"
        "  duplicate-of CASE                        重复件: the same matter as CASE\n"
        "  upper-level                              属上级管辖: must reach stage\n"
        "                                           transferred_up within 5 working days\n"
        "  escalation raise|designate               提级管辖 / 指定管辖 (needs --approved-by)\n"
        "  finding mistaken|false-accusation        错告 / 诬告 (stage closed or concluded)\n"
        "--clear removes a mark. A case marked realname impersonated no longer has the\n"
        "real-name deadlines."};
static const struct cmdinfo ci_note = {
        "note",
        COMMON | BIT(O_MESSAGE) | BIT(O_FILE) | BIT(O_BY),
        1,
        1,
        "note --archive DIR CASE (--message TEXT | --file F) [--by NAME]",
        "Adds an investigator's note to the case. Notes are sealed to the district's own\n"
        "key (no passphrase needed to write one), shown by show, searched by search, and\n"
        "never leave this machine."};
static const struct cmdinfo ci_due = {
        "due",
        COMMON | BIT(O_JSON) | BIT(O_ALL) | BIT(O_HOLIDAYS) | BIT(O_DISTRICT),
        0,
        0,
        "due --archive DIR [--json] [--all] [--holidays FILE] [--district ID]",
        "Lists, per case, the next deadline of docs/DESIGN.md §13 in working days,\n"
        "overdue first: acceptance (a real-name report is told whether it was accepted\n"
        "within 15 working days), result (told the result within 15 working days of the\n"
        "conclusion), upper-level (a case marked upper-level reaches transferred_up\n"
        "within 5 working days). Due soon: today or within the next 3 working days.\n"
        "--all also lists deadlines already met. --holidays FILE: the holiday calendar\n"
        "(default: holidays.txt in the archive; without one, Monday to Friday count).\n"
        "Asks for the passphrase only when cases ingested by an older version do not\n"
        "yet record whether they are real-name."};
static const struct cmdinfo ci_stats = {
        "stats",
        COMMON | BIT(O_JSON) | BIT(O_CSV) | BIT(O_SVG) | BIT(O_HTML) | BIT(O_FROM) | BIT(O_TO) |
                BIT(O_HOLIDAYS) | BIT(O_DISTRICT),
        0,
        0,
        "stats --archive DIR [--json | --csv | --svg FILE | --html FILE] [--from DAY]\n"
        "              [--to DAY] [--district ID] [--holidays FILE]",
        "Counts the cases received from --from to --to (inclusive; default: all) per\n"
        "stage, status, category, town, subject level, report type and real name or\n"
        "anonymous; the median and 90th percentile days from receipt to acceptance and\n"
        "to conclusion; deadlines met, open and overdue; the weekly intake. Text by\n"
        "default; --json, --csv; --svg FILE and --html FILE write a self-contained,\n"
        "printable file with the charts (never overwriting). Decrypts each report (asks\n"
        "for the passphrase; recorded in the access log)."};
static const struct cmdinfo ci_search = {
        "search",
        COMMON | BIT(O_DISTRICT),
        1,
        SEARCH_WORDS_MAX,
        "search --archive DIR [--district ID] WORD...",
        "Prints the cases whose decrypted text holds every WORD (ASCII case ignored):\n"
        "the report (subject, unit, town, title, body, ...), follow-ups, replies and\n"
        "notes, with a short context for each word. Decrypts case by case in memory and\n"
        "writes nothing to disk. Recorded in the access log."};
static const struct cmdinfo ci_forward = {
        "forward",
        COMMON | BIT(O_OUT) | BIT(O_TO) | BIT(O_BY) | BIT(O_WITHATT),
        1,
        1,
        "forward --archive DIR CASE --out FILE --to AGENCY --by NAME\n"
        "              [--with-attachments DIR]",
        "Writes a redacted copy of the report for another agency (转送) as a plain text\n"
        "file (never overwriting, mode 0600): the report without the reporter's\n"
        "identity, without follow-ups, replies, notes or history. The report's own\n"
        "attachments are included only with --with-attachments DIR (written as\n"
        "DIR/<case>/<n>-<name>; check them: files can identify their author). Records\n"
        "\"forwarded to AGENCY\" in the case history and the access log."};

static void
usage(FILE *f, const struct cmdinfo *ci)
{
	fprintf(f, "usage: " CLI_PROG " %s\n", ci->synopsis);
	if (f == stdout) {
		fprintf(f, "\n%s\n", ci->help);
		if (ci->allowed & BIT(O_ARCHIVE))
			fputs("\nCommon options: --archive DIR (required), --key FILE (the "
			      "district key\n"
			      "file; default: the one the archive remembers), --passphrase-file F "
			      "(first\n"
			      "line; default: ask on the terminal), --day-offset +08:00 (or "
			      "QF_DAY_OFFSET;\n"
			      "QF_TODAY=YYYY-MM-DD fixes the day), --help.\n",
			      f);
	}
}

/* Returns 0 to go on, 1 when --help was printed, -1 on a usage error (printed). */
static int
parse(int argc, char **argv, const struct cmdinfo *ci, struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	optind = 0; /* GNU: start over, as each command parses afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			cli_error("%s: %s option %s", ci->name,
			          c == ':' ? "missing argument for" : "unknown", argv[optind - 1]);
			usage(stderr, ci);
			return -1;
		}
		if (c < O_ARCHIVE || c > O_HELP || !(ci->allowed & BIT(c))) {
			cli_error("%s: option %s does not apply here", ci->name, argv[optind - 1]);
			usage(stderr, ci);
			return -1;
		}
		switch (c) {
		case O_ARCHIVE:
			o->archive = optarg;
			break;
		case O_KEY:
			o->key = optarg;
			break;
		case O_PASSFILE:
			o->passfile = optarg;
			break;
		case O_DAYOFF:
			o->day_offset = optarg;
			break;
		case O_BY:
			o->by = optarg;
			break;
		case O_DISTRICT:
			o->district = optarg;
			break;
		case O_NAME:
			o->name = optarg;
			break;
		case O_OUT:
			o->out = optarg;
			break;
		case O_KDF:
			o->kdf = optarg;
			break;
		case O_STATUS:
			o->status = optarg;
			break;
		case O_EXTRACT:
			o->extract = optarg;
			break;
		case O_MESSAGE:
			o->message = optarg;
			break;
		case O_FILE:
			o->file = optarg;
			break;
		case O_ATTACH:
			if (o->nattach >= ATT_CAP) {
				cli_error("%s: at most %d attachments", ci->name, ATT_CAP);
				return -1;
			}
			o->attach[o->nattach++] = optarg;
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_TITLES:
			o->titles = 1;
			break;
		case O_ACCEPT:
			o->accept_new = 1;
			break;
		case O_NOTE:
			o->note = optarg;
			break;
		case O_HOLIDAYS:
			o->holidays = optarg;
			break;
		case O_CSV:
			o->csv = 1;
			break;
		case O_SVG:
			o->svg = optarg;
			break;
		case O_HTML:
			o->html = optarg;
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case O_TO:
			o->to = optarg;
			break;
		case O_ALL:
			o->all = 1;
			break;
		case O_APPROVED:
			o->approved = optarg;
			break;
		case O_CLEAR:
			o->clear = 1;
			break;
		case O_WITHATT:
			o->with_att = optarg;
			break;
		case O_HELP:
			usage(stdout, ci);
			return 1;
		default:
			break;
		}
	}
	o->npos = argc - optind;
	o->pos = argv + optind;
	if (o->npos < ci->min_pos || o->npos > ci->max_pos) {
		cli_error("%s: %s", ci->name,
		          o->npos < ci->min_pos ? "missing argument" : "too many arguments");
		usage(stderr, ci);
		return -1;
	}
	if ((ci->allowed & BIT(O_ARCHIVE)) && o->archive == NULL) {
		cli_error("%s: --archive DIR is required", ci->name);
		usage(stderr, ci);
		return -1;
	}
	return 0;
}

#define PARSE(ci)                                                                                  \
	do {                                                                                       \
		int prc_ = parse(argc, argv, &(ci), &o);                                           \
		if (prc_ != 0)                                                                     \
			return prc_ > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;                            \
	} while (0)

/* ---- archive helpers ---------------------------------------------------- */

static int
open_archive(struct archive **a, const char *dir)
{
	int rc = archive_open(a, dir, 0);

	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		cli_error("no archive at %s (the first ingest creates it)", dir);
		return -1;
	}
	if (rc != ARCHIVE_OK) {
		cli_error("cannot open the archive at %s: %s%s%s", dir, archive_strerror(rc),
		          rc == ARCHIVE_ERR_IO ? ": " : "",
		          rc == ARCHIVE_ERR_IO ? strerror(errno) : "");
		return -1;
	}
	return 0;
}

/*
 * The key file for district: --key when given (it must be that district's),
 * else the path the archive remembers. Writes it into path.
 */
static int
key_path_for(struct archive *a, const char *district, const char *opt_key,
             char path[ARCHIVE_PATH_MAX])
{
	struct archive_txn *t;
	struct archive_district d;
	int rc;

	if (opt_key != NULL) {
		snprintf(path, ARCHIVE_PATH_MAX, "%s", opt_key);
		return 0;
	}
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_district_get(t, district, &d);
		archive_abort(t);
	}
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		cli_error("district %s is not in the archive", district);
		return -1;
	}
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		return -1;
	}
	if (d.key_path[0] == '\0') {
		cli_error("the archive does not know the key file of district %s; use --key FILE",
		          district);
		return -1;
	}
	snprintf(path, ARCHIVE_PATH_MAX, "%s", d.key_path);
	return 0;
}

static int
unlock_for(struct archive *a, const char *district, const struct opts *o,
           struct keyfile_secret **key)
{
	char path[ARCHIVE_PATH_MAX], err[ERR_MAX];

	if (key_path_for(a, district, o->key, path) != 0)
		return -1;
	if (keys_unlock(key, path, o->passfile, district, err, sizeof err) != 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

static int
log_access(struct archive *a, const char *day, const char *user, const char *command,
           const char *case_name)
{
	struct archive_txn *t;
	int rc = archive_begin(a, 1, &t);

	if (rc == ARCHIVE_OK) {
		rc = archive_log_add(t, day, user, command, case_name);
		if (rc == ARCHIVE_OK)
			rc = archive_commit(t);
		else
			archive_abort(t);
	}
	if (rc != ARCHIVE_OK) {
		cli_error("cannot write the access log: %s", archive_strerror(rc));
		return -1;
	}
	return 0;
}

static int
parse_case(const char *name, char district[CODEC_DISTRICT_BUF], uint64_t *index)
{
	if (cases_parse_name(name, district, index) != 0) {
		cli_error("'%s' is not a case name like d01-42", name);
		return -1;
	}
	return 0;
}

static int load_calendar(const struct opts *o, const char *today, int quiet, struct workdays **w);

/* ---- keygen, fingerprint ------------------------------------------------ */

int
commands_keygen(int argc, char **argv)
{
	struct opts o;
	struct keyfile_secret *k = NULL;
	struct term_pass pass = {NULL, 0};
	enum keyfile_kdf kdf = KEYFILE_KDF_MODERATE;
	char *secpath = NULL, *pubpath = NULL, err[ERR_MAX];
	struct stat st;
	size_t n;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_keygen);
	if (o.district == NULL || o.name == NULL || o.out == NULL) {
		cli_error("keygen: --district, --name and --out are required");
		usage(stderr, &ci_keygen);
		return CLI_EXIT_USAGE;
	}
	if (o.kdf == NULL || strcmp(o.kdf, "moderate") == 0)
		kdf = KEYFILE_KDF_MODERATE;
	else if (strcmp(o.kdf, "interactive") == 0)
		kdf = KEYFILE_KDF_INTERACTIVE;
	else if (strcmp(o.kdf, "sensitive") == 0)
		kdf = KEYFILE_KDF_SENSITIVE;
	else {
		cli_error("keygen: --kdf must be interactive, moderate or sensitive, not '%s'",
		          o.kdf);
		return CLI_EXIT_USAGE;
	}
	if (!codec_district_valid(o.district)) {
		cli_error("district id '%s' is invalid: use 1-32 of a-z, 0-9 and '-', not starting "
		          "with '-'",
		          o.district);
		return CLI_EXIT_USER;
	}
	n = strlen(o.out) + sizeof "/district.pub.json";
	secpath = malloc(n);
	pubpath = malloc(n);
	if (secpath == NULL || pubpath == NULL) {
		cli_error("out of memory");
		goto out;
	}
	snprintf(secpath, n, "%s/district.key", o.out);
	snprintf(pubpath, n, "%s/district.pub.json", o.out);
	if (stat(o.out, &st) != 0) {
		if (errno != ENOENT || mkdir(o.out, 0700) != 0) {
			cli_error("cannot use %s: %s", o.out, strerror(errno));
			goto out;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		cli_error("%s is not a directory", o.out);
		goto out;
	}
	if (lstat(secpath, &st) == 0 || lstat(pubpath, &st) == 0) {
		cli_error("%s already holds a district key; refusing to overwrite it", o.out);
		goto out;
	}
	rc = keyfile_generate(&k, o.district, o.name);
	if (rc != KEYFILE_OK) {
		cli_error("cannot make the keys: %s",
		          rc == KEYFILE_ERR_ARG ? "the name must be 1-256 bytes of UTF-8 "
		                                  "without control characters"
		                                : keyfile_strerror(rc));
		goto out;
	}
	if (term_read_new_pass(&pass, o.passfile, err, sizeof err) != 0) {
		cli_error("%s", err);
		goto out;
	}
	rc = keyfile_write_secret(secpath, k, pass.buf, pass.len, kdf);
	term_pass_free(&pass);
	if (rc != KEYFILE_OK) {
		cli_error("cannot write %s: %s", secpath, keyfile_strerror(rc));
		goto out;
	}
	rc = keyfile_write_public(pubpath, &k->pub);
	if (rc != KEYFILE_OK) {
		unlink(secpath);
		cli_error("cannot write %s: %s; nothing was kept", pubpath, keyfile_strerror(rc));
		goto out;
	}
	printf("district %s: wrote %s (secret: keep it on this offline machine) and %s (give it "
	       "to the server operator)\n",
	       k->pub.id, secpath, pubpath);
	printf("fingerprint: %s\n", k->pub.fingerprint);
	printf("Publish this fingerprint (posters, the commission's official site) so that "
	       "reporters can check it.\n");
	ret = CLI_EXIT_OK;
out:
	keyfile_secret_free(k);
	free(secpath);
	free(pubpath);
	return ret;
}

int
commands_fingerprint(int argc, char **argv)
{
	struct keyfile_public pub;
	struct opts o;
	int rc;

	PARSE(ci_fingerprint);
	rc = keyfile_load_public(&pub, o.pos[0]);
	if (rc != KEYFILE_OK) {
		cli_error("%s: %s%s%s", o.pos[0], keyfile_strerror(rc),
		          rc == KEYFILE_ERR_IO ? ": " : "",
		          rc == KEYFILE_ERR_IO ? strerror(errno) : "");
		return CLI_EXIT_USER;
	}
	printf("%s\n", pub.fingerprint);
	printf("district %s ", pub.id);
	cli_print_text(stdout, pub.name, NULL);
	fputc('\n', stdout);
	return CLI_EXIT_OK;
}

/* ---- ingest ------------------------------------------------------------- */

/* Removes an archive this command created (and its directory) after a refusal. */
static void
remove_new_archive(const char *dir, int made_dir)
{
	size_t n = strlen(dir) + sizeof "/lock.mdb";
	char *p = malloc(n);

	if (p == NULL)
		return;
	snprintf(p, n, "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, n, "%s/lock.mdb", dir);
	unlink(p);
	free(p);
	if (made_dir)
		rmdir(dir);
}

int
commands_ingest(int argc, char **argv)
{
	struct opts o;
	struct ingest g;
	struct ingest_result res;
	struct archive *a = NULL;
	struct keyfile_secret *key = NULL;
	char path[ARCHIVE_PATH_MAX], abspath[PATH_MAX], err[ERR_MAX];
	const char *remember = NULL;
	struct stat st;
	FILE *f;
	char *inbuf;
	int rc, ret = CLI_EXIT_USER, created = 0, made_dir = 0;

	PARSE(ci_ingest);
	f = fopen(o.pos[0], "rb");
	if (f == NULL) {
		cli_error("cannot read %s: %s", o.pos[0], strerror(errno));
		return CLI_EXIT_USER;
	}
	/* bundles run to hundreds of MiB: read them in large blocks (stdio's
	 * default buffer is used when this allocation or setvbuf fails) */
	inbuf = malloc(INGEST_READ_BUF);
	if (inbuf != NULL && setvbuf(f, inbuf, _IOFBF, INGEST_READ_BUF) != 0) {
		free(inbuf);
		inbuf = NULL;
	}
	if (ingest_open(&g, f, err, sizeof err) != 0) {
		cli_error("%s: %s", o.pos[0], err);
		goto out;
	}
	rc = archive_open(&a, o.archive, 0);
	if (rc != ARCHIVE_OK && rc != ARCHIVE_ERR_NOT_FOUND) {
		cli_error("cannot open the archive at %s: %s", o.archive, archive_strerror(rc));
		goto out;
	}
	if (o.key != NULL) {
		if (realpath(o.key, abspath) == NULL) {
			cli_error("cannot use key file %s: %s", o.key, strerror(errno));
			goto out;
		}
		snprintf(path, sizeof path, "%s", abspath);
		remember = path;
	} else if (a == NULL) {
		cli_error("the first ingest into a new archive needs --key FILE (the district key "
		          "file of %s)",
		          g.district);
		goto out;
	} else {
		struct archive_txn *t;
		struct archive_district d;

		rc = archive_begin(a, 0, &t);
		if (rc == ARCHIVE_OK) {
			rc = archive_district_get(t, g.district, &d);
			archive_abort(t);
		}
		if (rc == ARCHIVE_ERR_NOT_FOUND || (rc == ARCHIVE_OK && d.key_path[0] == '\0')) {
			cli_error("the first ingest for district %s needs --key FILE", g.district);
			goto out;
		}
		if (rc != ARCHIVE_OK) {
			cli_error("archive: %s", archive_strerror(rc));
			goto out;
		}
		snprintf(path, sizeof path, "%s", d.key_path);
	}
	/* the passphrase first: a wrong one leaves everything untouched */
	if (keys_unlock(&key, path, o.passfile, g.district, err, sizeof err) != 0) {
		cli_error("%s", err);
		goto out;
	}
	if (a == NULL) {
		made_dir = stat(o.archive, &st) != 0;
		rc = archive_open(&a, o.archive, 1);
		if (rc != ARCHIVE_OK) {
			cli_error("cannot create the archive at %s: %s", o.archive,
			          archive_strerror(rc));
			if (made_dir)
				rmdir(o.archive);
			goto out;
		}
		created = 1;
	}
	rc = ingest_run(&g, a, key, remember, o.accept_new, isatty(STDERR_FILENO), &res);
	switch (rc) {
	case INGEST_DONE:
	case INGEST_NOOP:
		printf("%s\n", res.message);
		if (res.key_pinned) {
			char pk[CODEC_B64U_BUF(32)];

			codec_b64u_encode(pk, sizeof pk, g.server_pk, 32);
			printf("%s the server's signing key of district %s: %s (fingerprint [%s]); "
			       "check it against the key the server operator shows\n",
			       res.key_pinned == 1 ? "pinned" : "replaced the pinned key by",
			       g.district, pk, res.server_fp);
		}
		if (res.unapplied_first > 0 && res.unapplied_first == res.unapplied_last)
			printf("the server has not applied update %" PRIu64
			       " (not imported yet, or "
			       "lost): the next update carries again what it carried\n",
			       res.unapplied_first);
		else if (res.unapplied_first > 0)
			printf("the server has not applied updates %" PRIu64 "..%" PRIu64
			       " (not imported yet, or lost): the next update carries again what "
			       "they carried\n",
			       res.unapplied_first, res.unapplied_last);
		ret = CLI_EXIT_OK;
		break;
	default:
		cli_error("%s: %s", o.pos[0], res.message);
		break;
	}
	if (ret != CLI_EXIT_OK && created) {
		archive_close(a);
		a = NULL;
		remove_new_archive(o.archive, made_dir);
	}
	ingest_result_free(&res);
out:
	ingest_close(&g);
	fclose(f);
	free(inbuf);
	archive_close(a);
	keyfile_secret_free(key);
	return ret;
}

/* ---- list, show, log ---------------------------------------------------- */

struct key_cache {
	struct archive *a;
	const struct opts *o;
	struct keyfile_secret *keys[16];
	size_t n;
	int failed;
};

static const struct keyfile_secret *
key_for(void *ctx, const char *district)
{
	struct key_cache *kc = ctx;

	for (size_t i = 0; i < kc->n; i++)
		if (strcmp(kc->keys[i]->pub.id, district) == 0)
			return kc->keys[i];
	if (kc->n == sizeof kc->keys / sizeof kc->keys[0] ||
	    unlock_for(kc->a, district, kc->o, &kc->keys[kc->n]) != 0) {
		kc->failed = 1;
		return NULL;
	}
	return kc->keys[kc->n++];
}

int
commands_list(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct key_cache kc;
	char err[ERR_MAX], day[CODEC_DAY_LEN + 1], who[CLI_NAME_MAX + 1];
	json_t *rows = NULL, *r;
	struct workdays *w = NULL;
	long today;
	size_t i;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_list);
	if (o.status != NULL && !cases_status_valid(o.status)) {
		cli_error("unknown status '%s'", o.status);
		return CLI_EXIT_USER;
	}
	if (cli_today(day, o.day_offset) != 0 || cli_who(who, NULL) != 0)
		return CLI_EXIT_USER;
	codec_day_number(day, &today);
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	memset(&kc, 0, sizeof kc);
	kc.a = a;
	kc.o = &o;
	if (load_calendar(&o, day, 1, &w) != 0)
		goto out;
	rc = archive_begin(a, 0, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	rc = view_list_rows(t, o.status, w, today, o.titles ? key_for : NULL, &kc, &rows, err,
	                    sizeof err);
	archive_abort(t);
	if (rc != 0) {
		if (!kc.failed)
			cli_error("%s", err);
		goto out;
	}
	if (o.titles) {
		rc = archive_begin(a, 1, &t);
		json_array_foreach(rows, i, r)
		{
			if (rc == ARCHIVE_OK)
				rc = archive_log_add(t, day, who, "list --titles",
				                     json_string_value(json_object_get(r, "case")));
		}
		if (rc == ARCHIVE_OK)
			rc = archive_commit(t);
		else
			archive_abort(t);
		if (rc != ARCHIVE_OK) {
			cli_error("cannot write the access log: %s", archive_strerror(rc));
			goto out;
		}
	}
	view_list_print(stdout, rows, o.json);
	ret = CLI_EXIT_OK;
out:
	workdays_free(w);
	json_decref(rows);
	for (i = 0; i < kc.n; i++)
		keyfile_secret_free(kc.keys[i]);
	archive_close(a);
	return ret;
}

int
commands_show(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct keyfile_secret *key = NULL;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	uint64_t index;
	json_t *rec = NULL;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_show);
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	if (cli_today(day, o.day_offset) != 0 || cli_who(who, NULL) != 0)
		return CLI_EXIT_USER;
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_case_get(t, district, index, &rec);
		json_decref(rec);
		archive_abort(t);
	}
	if (rc != ARCHIVE_OK) {
		cli_error(rc == ARCHIVE_ERR_NOT_FOUND ? "no case %s in the archive"
		                                      : "case %s: archive failure",
		          name);
		goto out;
	}
	if (unlock_for(a, district, &o, &key) != 0)
		goto out;
	if (log_access(a, day, who, o.extract != NULL ? "show --extract" : "show", name) != 0)
		goto out;
	rc = archive_begin(a, 0, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	rc = view_show(stdout, t, district, index, key, o.extract, err, sizeof err);
	archive_abort(t);
	if (rc != 0) {
		cli_error("%s", err);
		goto out;
	}
	ret = CLI_EXIT_OK;
out:
	keyfile_secret_free(key);
	archive_close(a);
	return ret;
}

static int
print_log(void *ctx, const json_t *rec)
{
	int json = *(int *)ctx;

	if (json) {
		json_dumpf(rec, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
		return 0;
	}
	printf("%s ", json_string_value(json_object_get(rec, "day")));
	cli_print_text(stdout, json_string_value(json_object_get(rec, "user")), NULL);
	fputc(' ', stdout);
	cli_print_text(stdout, json_string_value(json_object_get(rec, "command")), NULL);
	fputc(' ', stdout);
	cli_print_text(stdout, json_string_value(json_object_get(rec, "case")), NULL);
	fputc('\n', stdout);
	return 0;
}

int
commands_log(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	int rc;

	PARSE(ci_log);
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_log_foreach(t, print_log, &o.json);
		archive_abort(t);
	}
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		cli_error("cannot read the access log: %s", archive_strerror(rc));
		return CLI_EXIT_USER;
	}
	return CLI_EXIT_OK;
}

/* ---- status, reply ------------------------------------------------------ */

int
commands_status(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	uint64_t index;
	int rc;

	PARSE(ci_status);
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	if (!cases_status_valid(o.pos[1])) {
		cli_error("unknown status '%s' (one of received, accepted, not_accepted, "
		          "transferred, "
		          "in_progress, need_info, concluded)",
		          o.pos[1]);
		return CLI_EXIT_USER;
	}
	if (cli_who(who, o.by) != 0) {
		cli_error("--by must be 1-%d characters of text", CLI_NAME_MAX);
		return CLI_EXIT_USER;
	}
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		archive_close(a);
		return CLI_EXIT_USER;
	}
	if (cases_set_status(t, district, index, o.pos[1], who, day, err, sizeof err) != 0) {
		archive_abort(t);
		archive_close(a);
		cli_error("%s", err);
		return CLI_EXIT_USER;
	}
	rc = archive_log_add(t, day, who, "status", name);
	if (rc == ARCHIVE_OK)
		rc = archive_commit(t);
	else
		archive_abort(t);
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s; nothing changed", archive_strerror(rc));
		return CLI_EXIT_USER;
	}
	printf("case %s: status %s %s, queued for the next update\n", name, o.pos[1],
	       cases_status_label(o.pos[1]));
	return CLI_EXIT_OK;
}

static const char *
media_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	        {".pdf", "application/pdf"},
	        {".txt", "text/plain"},
	        {".jpg", "image/jpeg"},
	        {".jpeg", "image/jpeg"},
	        {".png", "image/png"},
	        {".doc", "application/msword"},
	        {".docx",
	         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	        {".xls", "application/vnd.ms-excel"},
	        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	        {".ofd", "application/ofd"},
	        {".zip", "application/zip"},
	};
	const char *dot = strrchr(name, '.');

	if (dot != NULL)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcasecmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

int
commands_reply(int argc, char **argv)
{
	struct opts o;
	struct archive *a = NULL;
	struct archive_txn *t;
	struct keyfile_secret *key = NULL;
	struct cases_attachment atts[ATT_CAP];
	uint8_t *data[ATT_CAP] = {0}, *bodybuf = NULL;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	const char *body;
	size_t body_len, i;
	uint64_t index;
	uint32_t n;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_reply);
	if ((o.message == NULL) == (o.file == NULL)) {
		cli_error("reply: give the text with exactly one of --message TEXT or --file F");
		usage(stderr, &ci_reply);
		return CLI_EXIT_USAGE;
	}
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	if (cli_who(who, o.by) != 0) {
		cli_error("--by must be 1-%d characters of text", CLI_NAME_MAX);
		return CLI_EXIT_USER;
	}
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (o.file != NULL) {
		if (cli_read_file(o.file, BODY_MAX, &bodybuf, &body_len) != 0) {
			cli_error("cannot read %s: %s", o.file,
			          errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
			goto out;
		}
		body = (const char *)bodybuf;
	} else {
		body = o.message;
		body_len = strlen(o.message);
	}
	if (body_len == 0) {
		cli_error("the reply's text is empty");
		goto out;
	}
	for (i = 0; i < o.nattach; i++) {
		const char *base = strrchr(o.attach[i], '/');

		base = base != NULL ? base + 1 : o.attach[i];
		if (cli_read_file(o.attach[i], ATT_MAX, &data[i], &atts[i].len) != 0) {
			cli_error("cannot read %s: %s", o.attach[i],
			          errno == EFBIG ? "larger than 16 MiB" : strerror(errno));
			goto out;
		}
		if (base[0] == '\0' || !cli_utf8_valid(base, strlen(base))) {
			cli_error("attachment name of %s is not valid UTF-8", o.attach[i]);
			goto out;
		}
		atts[i].name = base;
		atts[i].type = media_type(base);
		atts[i].data = data[i];
	}
	if (open_archive(&a, o.archive) != 0)
		goto out;
	if (unlock_for(a, district, &o, &key) != 0)
		goto out;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	if (cases_reply(t, district, index, key, body, body_len, atts, o.nattach, who, day, &n, err,
	                sizeof err) != 0) {
		archive_abort(t);
		cli_error("%s", err);
		goto out;
	}
	rc = archive_log_add(t, day, who, "reply", name);
	if (rc == ARCHIVE_OK)
		rc = archive_commit(t);
	else
		archive_abort(t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s; nothing changed", archive_strerror(rc));
		goto out;
	}
	printf("case %s: reply #%u (%zu attachments) queued for the next update\n", name, n,
	       o.nattach);
	ret = CLI_EXIT_OK;
out:
	if (bodybuf != NULL) {
		sodium_memzero(bodybuf, body_len);
		free(bodybuf);
	}
	for (i = 0; i < o.nattach; i++) {
		if (data[i] != NULL)
			sodium_memzero(data[i], atts[i].len);
		free(data[i]);
	}
	keyfile_secret_free(key);
	archive_close(a);
	return ret;
}

/* ---- update ------------------------------------------------------------- */

struct pick {
	char id[CODEC_DISTRICT_BUF];
	size_t n;
	char all[256];
};

static int
pick_district(void *ctx, const struct archive_district *d)
{
	struct pick *p = ctx;
	size_t len = strlen(p->all);

	if (p->n++ == 0)
		snprintf(p->id, sizeof p->id, "%s", d->id);
	snprintf(p->all + len, sizeof p->all - len, "%s%s", len ? ", " : "", d->id);
	return 0;
}

int
commands_update(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct keyfile_secret *key = NULL;
	struct update_result r;
	struct pick p;
	char err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	const char *district;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_update);
	if (o.out == NULL) {
		cli_error("update: --out FILE.qfu is required");
		usage(stderr, &ci_update);
		return CLI_EXIT_USAGE;
	}
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	memset(&p, 0, sizeof p);
	district = o.district;
	if (district == NULL) {
		rc = archive_begin(a, 0, &t);
		if (rc == ARCHIVE_OK) {
			rc = archive_district_foreach(t, pick_district, &p);
			archive_abort(t);
		}
		if (rc != ARCHIVE_OK) {
			cli_error("archive: %s", archive_strerror(rc));
			goto out;
		}
		if (p.n == 0) {
			cli_error("the archive holds no district yet (ingest an export first)");
			goto out;
		}
		if (p.n > 1) {
			cli_error("the archive holds several districts (%s): choose one with "
			          "--district ID",
			          p.all);
			goto out;
		}
		district = p.id;
	}
	if (!codec_district_valid(district)) {
		cli_error("'%s' is not a district id", district);
		goto out;
	}
	if (unlock_for(a, district, &o, &key) != 0)
		goto out;
	if (update_write(a, district, key, o.out, day, &r, err, sizeof err) != 0) {
		cli_error("%s", err);
		goto out;
	}
	printf("update %" PRIu64 " of district %s written to %s: acknowledges indices 1..%" PRIu64
	       ", %" PRIu64 " status changes, %" PRIu64 " replies, %" PRIu64
	       " signed case statements\n",
	       r.seq, district, o.out, r.acks_through, r.status_ops, r.reply_ops, r.case_ops);
	if (r.recarried > 0)
		printf("it carries again what %" PRIu64
		       " case(s) got in updates the server has not "
		       "applied\n",
		       r.recarried);
	printf("take it to the server operator (qingfeng-intake import)\n");
	ret = CLI_EXIT_OK;
out:
	keyfile_secret_free(key);
	archive_close(a);
	return ret;
}

/* ---- workflow: stage, mark, note --------------------------------------- */

/* The calendar shipped with Qingfeng, named in the warning below (the Makefile
 * sets the installed path when it builds the Debian package). */
#ifndef QF_HOLIDAYS_HINT
#define QF_HOLIDAYS_HINT "holidays/cn-2026.txt"
#endif

/*
 * The holiday calendar: --holidays FILE, else DIR/holidays.txt when it
 * exists. Unless quiet, warns when there is none or it lists nothing for
 * this year.
 */
static int
load_calendar(const struct opts *o, const char *today, int quiet, struct workdays **w)
{
	char path[ARCHIVE_PATH_MAX], err[ERR_MAX];
	int missing;

	if (o->holidays != NULL)
		snprintf(path, sizeof path, "%s", o->holidays);
	else
		snprintf(path, sizeof path, "%s/holidays.txt", o->archive);
	if (workdays_load(w, path, o->holidays == NULL, &missing, err, sizeof err) != 0) {
		cli_error("%s", err);
		return -1;
	}
	if (quiet)
		return 0;
	if (missing)
		cli_warn("no holiday calendar at %s: counting Monday to Friday only (copy "
		         "%s there and keep it current)",
		         path, QF_HOLIDAYS_HINT);
	else if (!workdays_covers(*w, (int)strtol(today, NULL, 10)))
		cli_warn("the holiday calendar %s lists nothing for %.4s: counting Monday to "
		         "Friday only in that year",
		         path, today);
	return 0;
}

static int
load_public(struct archive *a, const char *district, const struct opts *o,
            struct keyfile_public *pub)
{
	char path[ARCHIVE_PATH_MAX];
	int rc;

	if (key_path_for(a, district, o->key, path) != 0)
		return -1;
	rc = keyfile_load_public(pub, path);
	if (rc != KEYFILE_OK) {
		cli_error("key file %s: %s", path, keyfile_strerror(rc));
		return -1;
	}
	return 0;
}

static int
need_by(const struct opts *o, const struct cmdinfo *ci, char who[CLI_NAME_MAX + 1])
{
	if (o->by == NULL) {
		cli_error("%s: --by NAME is required (who records it)", ci->name);
		usage(stderr, ci);
		return CLI_EXIT_USAGE;
	}
	if (cli_who(who, o->by) != 0) {
		cli_error("--by must be 1-%d characters of text", CLI_NAME_MAX);
		return CLI_EXIT_USER;
	}
	return 0;
}

/* Commits t with an access-log line; aborts it on failure. Returns 0 or -1 (said why). */
static int
commit_logged(struct archive_txn *t, const char *day, const char *who, const char *command,
              const char *name)
{
	int rc = archive_log_add(t, day, who, command, name);

	if (rc == ARCHIVE_OK)
		rc = archive_commit(t);
	else
		archive_abort(t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s; nothing changed", archive_strerror(rc));
		return -1;
	}
	return 0;
}

int
commands_stage(int argc, char **argv)
{
	struct opts o;
	struct archive *a = NULL;
	struct archive_txn *t;
	struct keyfile_public pub;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	const char *stage, *status;
	uint64_t index;
	int rc, queued, ret = CLI_EXIT_USER;

	PARSE(ci_stage);
	if ((rc = need_by(&o, &ci_stage, who)) != 0)
		return rc;
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	stage = o.pos[1];
	if (!workflow_stage_valid(stage)) {
		cli_error("unknown stage '%s' (one of registered, screened, accepted, inquiry, "
		          "verification, hold, closed, referred, case_opened, concluded, "
		          "transferred_up, transferred, duplicate, not_accepted)",
		          stage);
		return CLI_EXIT_USER;
	}
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	if (o.note != NULL && load_public(a, district, &o, &pub) != 0)
		goto out;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	if (workflow_set_stage(t, district, index, stage, o.note != NULL ? &pub : NULL, o.note,
	                       o.note != NULL ? strlen(o.note) : 0, who, day, &queued, err,
	                       sizeof err) != 0) {
		archive_abort(t);
		cli_error("%s", err);
		goto out;
	}
	if (commit_logged(t, day, who, "stage", name) != 0)
		goto out;
	status = workflow_stage_status(stage);
	printf("case %s: stage %s %s recorded", name, stage, workflow_stage_label(stage));
	if (queued)
		printf("; status %s %s queued for the next update\n", status,
		       cases_status_label(status));
	else
		printf("; the status the reporter sees stays %s %s\n", status,
		       cases_status_label(status));
	ret = CLI_EXIT_OK;
out:
	archive_close(a);
	return ret;
}

int
commands_mark(int argc, char **argv)
{
	struct opts o;
	struct archive *a = NULL;
	struct archive_txn *t;
	struct keyfile_public pub;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	const char *mark, *value;
	uint64_t index;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_mark);
	if ((rc = need_by(&o, &ci_mark, who)) != 0)
		return rc;
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	mark = o.pos[1];
	value = o.npos > 2 ? o.pos[2] : NULL;
	if (workflow_mark_label(mark, NULL) == NULL) {
		cli_error("unknown mark '%s' (one of realname, duplicate-of, upper-level, "
		          "escalation, finding)",
		          mark);
		return CLI_EXIT_USER;
	}
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	if (o.note != NULL && load_public(a, district, &o, &pub) != 0)
		goto out;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	if (workflow_mark(t, district, index, mark, value, o.approved, o.clear,
	                  o.note != NULL ? &pub : NULL, o.note, o.note != NULL ? strlen(o.note) : 0,
	                  who, day, err, sizeof err) != 0) {
		archive_abort(t);
		cli_error("%s", err);
		goto out;
	}
	if (commit_logged(t, day, who, "mark", name) != 0)
		goto out;
	if (o.clear)
		printf("case %s: mark %s %s cleared\n", name, mark,
		       workflow_mark_label(mark, NULL));
	else
		printf("case %s: mark %s %s%s%s%s%s recorded (kept on this machine only)\n", name,
		       mark, workflow_mark_label(mark, NULL), value != NULL ? ": " : "",
		       value != NULL ? value : "",
		       value != NULL && workflow_mark_label(mark, value) != NULL ? " " : "",
		       value != NULL && workflow_mark_label(mark, value) != NULL
		               ? workflow_mark_label(mark, value)
		               : "");
	ret = CLI_EXIT_OK;
out:
	archive_close(a);
	return ret;
}

int
commands_note(int argc, char **argv)
{
	struct opts o;
	struct archive *a = NULL;
	struct archive_txn *t;
	struct keyfile_public pub;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	uint8_t *buf = NULL;
	const char *body;
	size_t len = 0;
	uint64_t index;
	uint32_t n;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_note);
	if ((o.message == NULL) == (o.file == NULL)) {
		cli_error("note: give the text with exactly one of --message TEXT or --file F");
		usage(stderr, &ci_note);
		return CLI_EXIT_USAGE;
	}
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	if (cli_who(who, o.by) != 0) {
		cli_error("--by must be 1-%d characters of text", CLI_NAME_MAX);
		return CLI_EXIT_USER;
	}
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (o.file != NULL) {
		if (cli_read_file(o.file, WORKFLOW_NOTE_MAX, &buf, &len) != 0) {
			cli_error("cannot read %s: %s", o.file,
			          errno == EFBIG ? "larger than 64 KiB" : strerror(errno));
			return CLI_EXIT_USER;
		}
		body = (const char *)buf;
	} else {
		body = o.message;
		len = strlen(o.message);
	}
	if (open_archive(&a, o.archive) != 0)
		goto out;
	if (load_public(a, district, &o, &pub) != 0)
		goto out;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	if (workflow_add_note(t, district, index, &pub, body, len, who, day, &n, err, sizeof err) !=
	    0) {
		archive_abort(t);
		cli_error("%s", err);
		goto out;
	}
	if (commit_logged(t, day, who, "note", name) != 0)
		goto out;
	printf("case %s: note #%u added (sealed; it never leaves this machine)\n", name, n);
	ret = CLI_EXIT_OK;
out:
	if (buf != NULL) {
		sodium_memzero(buf, len);
		free(buf);
	}
	archive_close(a);
	return ret;
}

/* ---- due, stats, search, forward ----------------------------------------- */

static int
district_known(struct archive *a, const char *district)
{
	struct archive_txn *t;
	struct archive_district d;
	int rc;

	if (!codec_district_valid(district)) {
		cli_error("'%s' is not a district id", district);
		return -1;
	}
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_district_get(t, district, &d);
		archive_abort(t);
	}
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		cli_error("district %s is not in the archive", district);
		return -1;
	}
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		return -1;
	}
	return 0;
}

struct unknown_ctx {
	json_t *list; /* [[district, index], ...] */
};

static int
collect_unknown(void *ctx, const char *id, uint64_t index, const json_t *rec)
{
	struct unknown_ctx *u = ctx;

	if (workflow_real_name(rec) >= 0)
		return 0;
	return json_array_append_new(u->list, json_pack("[s, I]", id, (json_int_t)index)) != 0
	               ? ARCHIVE_ERR_NOMEM
	               : 0;
}

/*
 * Cases ingested before the real-name flag was kept: decrypts their reports
 * once and records it (one access-log line each). Returns 0 or -1 (said why).
 */
static int
learn_real_names(struct archive *a, const struct opts *o, const char *district, const char *day,
                 const char *who)
{
	struct unknown_ctx u = {json_array()};
	struct key_cache kc;
	struct archive_txn *t = NULL;
	const json_t *it;
	char err[ERR_MAX];
	size_t i;
	int rc, ret = -1;

	memset(&kc, 0, sizeof kc);
	kc.a = a;
	kc.o = o;
	if (u.list == NULL) {
		cli_error("out of memory");
		return -1;
	}
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_case_foreach(t, district, collect_unknown, &u);
		archive_abort(t);
		t = NULL;
	}
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	if (json_array_size(u.list) == 0) {
		ret = 0;
		goto out;
	}
	fprintf(stderr,
	        "%zu case(s) do not yet record whether they are real-name; reading them once\n",
	        json_array_size(u.list));
	json_array_foreach(u.list, i, it)
	{
		if (key_for(&kc, json_string_value(json_array_get(it, 0))) == NULL)
			goto out;
	}
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	json_array_foreach(u.list, i, it)
	{
		const char *id = json_string_value(json_array_get(it, 0));
		uint64_t index = (uint64_t)json_integer_value(json_array_get(it, 1));
		struct archive_entry e;
		char name[CASES_NAME_BUF];
		json_t *m;

		cases_format_name(name, id, index);
		if (archive_entry_get(t, id, index, &e) != ARCHIVE_OK ||
		    view_open_manifest(key_for(&kc, id), e.envelope, e.envelope_len, &m, err,
		                       sizeof err) != 0) {
			cli_error("case %s: the report does not open", name);
			goto out;
		}
		rc = workflow_set_real_name(t, id, index, workflow_manifest_real_name(m));
		json_decref(m);
		if (rc == ARCHIVE_OK)
			rc = archive_log_add(t, day, who, "due (identity check)", name);
		if (rc != ARCHIVE_OK) {
			cli_error("archive: %s", archive_strerror(rc));
			goto out;
		}
	}
	rc = archive_commit(t);
	t = NULL;
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	ret = 0;
out:
	archive_abort(t);
	json_decref(u.list);
	for (i = 0; i < kc.n; i++)
		keyfile_secret_free(kc.keys[i]);
	return ret;
}

int
commands_due(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct workdays *w = NULL;
	char err[ERR_MAX], day[CODEC_DAY_LEN + 1], who[CLI_NAME_MAX + 1];
	json_t *rows = NULL;
	long today;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_due);
	if (cli_today(day, o.day_offset) != 0 || cli_who(who, NULL) != 0)
		return CLI_EXIT_USER;
	codec_day_number(day, &today);
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	if (o.district != NULL && district_known(a, o.district) != 0)
		goto out;
	if (load_calendar(&o, day, 0, &w) != 0)
		goto out;
	if (learn_real_names(a, &o, o.district, day, who) != 0)
		goto out;
	rc = archive_begin(a, 0, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	rc = deadline_rows(t, o.district, w, today, o.all, &rows, err, sizeof err);
	archive_abort(t);
	if (rc != 0) {
		cli_error("%s", err);
		goto out;
	}
	deadline_print(stdout, rows, o.json);
	ret = CLI_EXIT_OK;
out:
	json_decref(rows);
	workdays_free(w);
	archive_close(a);
	return ret;
}

/* --district, or the archive's only district. */
static int
one_district(struct archive *a, const char *opt, char out[CODEC_DISTRICT_BUF])
{
	struct archive_txn *t;
	struct pick p;
	int rc;

	if (opt != NULL) {
		if (district_known(a, opt) != 0)
			return -1;
		snprintf(out, CODEC_DISTRICT_BUF, "%s", opt);
		return 0;
	}
	memset(&p, 0, sizeof p);
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_district_foreach(t, pick_district, &p);
		archive_abort(t);
	}
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		return -1;
	}
	if (p.n == 0) {
		cli_error("the archive holds no district yet (ingest an export first)");
		return -1;
	}
	if (p.n > 1) {
		cli_error("the archive holds several districts (%s): choose one with --district ID",
		          p.all);
		return -1;
	}
	snprintf(out, CODEC_DISTRICT_BUF, "%s", p.id);
	return 0;
}

static int
parse_day_opt(const char *name, const char *s, long *out)
{
	*out = -1;
	if (s == NULL)
		return 0;
	if (codec_day_number(s, out) != 0) {
		cli_error("%s must be a day YYYY-MM-DD, not '%s'", name, s);
		return -1;
	}
	return 0;
}

int
commands_stats(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct workdays *w = NULL;
	struct key_cache kc;
	struct stats_query q;
	char err[ERR_MAX], day[CODEC_DAY_LEN + 1], who[CLI_NAME_MAX + 1];
	char district[CODEC_DISTRICT_BUF], all[CODEC_DISTRICT_BUF + 2];
	json_t *s = NULL;
	size_t i;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_stats);
	if (o.json + o.csv + (o.svg != NULL) + (o.html != NULL) > 1) {
		cli_error("stats: choose one of --json, --csv, --svg FILE, --html FILE");
		usage(stderr, &ci_stats);
		return CLI_EXIT_USAGE;
	}
	memset(&q, 0, sizeof q);
	if (parse_day_opt("--from", o.from, &q.from) != 0 ||
	    parse_day_opt("--to", o.to, &q.to) != 0)
		return CLI_EXIT_USER;
	if (q.from >= 0 && q.to >= 0 && q.to < q.from) {
		cli_error("--to %s lies before --from %s", o.to, o.from);
		return CLI_EXIT_USER;
	}
	if (o.svg != NULL || o.html != NULL) {
		struct stat st;
		const char *path = o.svg != NULL ? o.svg : o.html;

		/* before the passphrase: the file is made O_EXCL in the end anyway */
		if (lstat(path, &st) == 0) {
			cli_error("cannot create %s: it exists; refusing to overwrite it", path);
			return CLI_EXIT_USER;
		}
	}
	if (cli_today(day, o.day_offset) != 0 || cli_who(who, NULL) != 0)
		return CLI_EXIT_USER;
	codec_day_number(day, &q.today);
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	memset(&kc, 0, sizeof kc);
	kc.a = a;
	kc.o = &o;
	if (one_district(a, o.district, district) != 0)
		goto out;
	if (load_calendar(&o, day, 0, &w) != 0)
		goto out;
	q.district = district;
	q.w = w;
	if (key_for(&kc, district) == NULL)
		goto out;
	snprintf(all, sizeof all, "%s-*", district);
	if (log_access(a, day, who, "stats", all) != 0)
		goto out;
	rc = archive_begin(a, 0, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	rc = stats_compute(t, &q, key_for, &kc, &s, err, sizeof err);
	archive_abort(t);
	if (rc != 0) {
		if (!kc.failed)
			cli_error("%s", err);
		goto out;
	}
	if (o.svg != NULL || o.html != NULL) {
		const char *path = o.svg != NULL ? o.svg : o.html;

		if (chart_write_file(path, s, o.html != NULL, err, sizeof err) != 0) {
			cli_error("%s", err);
			goto out;
		}
		printf("wrote %s (%s, %" JSON_INTEGER_FORMAT " cases)\n", path,
		       o.html != NULL ? "HTML" : "SVG",
		       json_integer_value(json_object_get(s, "cases")));
	} else if (o.json) {
		json_dumpf(s, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (o.csv) {
		stats_print_csv(stdout, s);
	} else {
		stats_print_text(stdout, s);
	}
	ret = CLI_EXIT_OK;
out:
	json_decref(s);
	workdays_free(w);
	for (i = 0; i < kc.n; i++)
		keyfile_secret_free(kc.keys[i]);
	archive_close(a);
	return ret;
}

struct hits {
	json_t *names;
	char **words;
};

static int
print_hit(void *ctx, const char *district, uint64_t index, const json_t *rec,
          const char *const *where, const char *const *context, size_t nwords)
{
	struct hits *h = ctx;
	char name[CASES_NAME_BUF];
	const char *st = json_string_value(json_object_get(rec, "status"));

	cases_format_name(name, district, index);
	printf("%s  %s  stage %s %s, status %s %s\n", name,
	       json_string_value(json_object_get(rec, "day")), workflow_stage_of(rec),
	       workflow_stage_label(workflow_stage_of(rec)), st != NULL ? st : "?",
	       cases_status_label(st) != NULL ? cases_status_label(st) : "");
	for (size_t i = 0; i < nwords; i++) {
		fputs("  \"", stdout);
		cli_print_text(stdout, h->words[i], NULL);
		printf("\" %s: ", where[i]);
		cli_print_text(stdout, context[i], NULL);
		fputc('\n', stdout);
	}
	return json_array_append_new(h->names, json_string(name)) != 0 ? -1 : 0;
}

int
commands_search(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct key_cache kc;
	struct hits h = {NULL, NULL};
	char err[ERR_MAX], day[CODEC_DAY_LEN + 1], who[CLI_NAME_MAX + 1],
	        all[CODEC_DISTRICT_BUF + 2];
	const json_t *it;
	size_t i, searched = 0;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_search);
	h.words = o.pos;
	h.names = json_array();
	if (h.names == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_USER;
	}
	for (int k = 0; k < o.npos; k++) {
		size_t len = strlen(o.pos[k]);

		if (len == 0 || len > SEARCH_WORD_MAX || !cli_utf8_valid(o.pos[k], len)) {
			cli_error("search words must be 1-%d bytes of UTF-8 text", SEARCH_WORD_MAX);
			json_decref(h.names);
			return CLI_EXIT_USER;
		}
	}
	if (cli_today(day, o.day_offset) != 0 || cli_who(who, NULL) != 0) {
		json_decref(h.names);
		return CLI_EXIT_USER;
	}
	if (open_archive(&a, o.archive) != 0) {
		json_decref(h.names);
		return CLI_EXIT_USER;
	}
	memset(&kc, 0, sizeof kc);
	kc.a = a;
	kc.o = &o;
	if (o.district != NULL && district_known(a, o.district) != 0)
		goto out;
	snprintf(all, sizeof all, "%s-*", o.district != NULL ? o.district : "*");
	if (log_access(a, day, who, "search", o.district != NULL ? all : "*") != 0)
		goto out;
	rc = archive_begin(a, 0, &t);
	if (rc != ARCHIVE_OK) {
		cli_error("archive: %s", archive_strerror(rc));
		goto out;
	}
	rc = search_run(t, o.district, (const char *const *)o.pos, (size_t)o.npos, key_for, &kc,
	                print_hit, &h, &searched, err, sizeof err);
	archive_abort(t);
	if (rc != 0) {
		if (!kc.failed)
			cli_error("%s", err[0] ? err : "out of memory");
		goto out;
	}
	rc = archive_begin(a, 1, &t);
	json_array_foreach(h.names, i, it)
	{
		if (rc == ARCHIVE_OK)
			rc = archive_log_add(t, day, who, "search (match shown)",
			                     json_string_value(it));
	}
	if (rc == ARCHIVE_OK)
		rc = archive_commit(t);
	else
		archive_abort(t);
	if (rc != ARCHIVE_OK) {
		cli_error("cannot write the access log: %s", archive_strerror(rc));
		goto out;
	}
	printf("%zu of %zu case(s) match\n", json_array_size(h.names), searched);
	ret = CLI_EXIT_OK;
out:
	json_decref(h.names);
	for (i = 0; i < kc.n; i++)
		keyfile_secret_free(kc.keys[i]);
	archive_close(a);
	return ret;
}

int
commands_forward(int argc, char **argv)
{
	struct opts o;
	struct archive *a;
	struct archive_txn *t;
	struct keyfile_secret *key = NULL;
	struct forward_result r;
	char district[CODEC_DISTRICT_BUF], err[ERR_MAX], day[CODEC_DAY_LEN + 1];
	char who[CLI_NAME_MAX + 1], name[CASES_NAME_BUF];
	uint64_t index;
	json_t *rec = NULL;
	int rc, ret = CLI_EXIT_USER;

	PARSE(ci_forward);
	if (o.out == NULL || o.to == NULL) {
		cli_error("forward: --out FILE and --to AGENCY are required");
		usage(stderr, &ci_forward);
		return CLI_EXIT_USAGE;
	}
	if ((rc = need_by(&o, &ci_forward, who)) != 0)
		return rc;
	if (parse_case(o.pos[0], district, &index) != 0)
		return CLI_EXIT_USER;
	if (cli_today(day, o.day_offset) != 0)
		return CLI_EXIT_USER;
	if (open_archive(&a, o.archive) != 0)
		return CLI_EXIT_USER;
	cases_format_name(name, district, index);
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_case_get(t, district, index, &rec);
		json_decref(rec);
		archive_abort(t);
	}
	if (rc != ARCHIVE_OK) {
		cli_error(rc == ARCHIVE_ERR_NOT_FOUND ? "no case %s in the archive"
		                                      : "case %s: archive failure",
		          name);
		goto out;
	}
	if (unlock_for(a, district, &o, &key) != 0)
		goto out;
	if (forward_write(a, district, index, key, o.out, o.to, o.with_att, who, day, &r, err,
	                  sizeof err) != 0) {
		cli_error("%s", err);
		goto out;
	}
	printf("case %s: wrote %s for ", name, o.out);
	cli_print_text(stdout, o.to, NULL);
	printf(" without the reporter's identity and follow-ups; ");
	if (o.with_att != NULL)
		printf("%zu attachment(s) in %s/%s\n", r.attachments, o.with_att, name);
	else
		printf("%zu attachment(s) not included\n", r.listed);
	printf("read it before it leaves: the text a reporter wrote may itself name them\n");
	ret = CLI_EXIT_OK;
out:
	keyfile_secret_free(key);
	archive_close(a);
	return ret;
}

/* ---- dispatch ----------------------------------------------------------- */

/* oversee (§16) parses its own options: admin/overseecmd.h */
static const struct cmdinfo ci_oversee = {"oversee", 0, 1, 1, OVERSEECMD_SYNOPSIS, ""};

static const struct {
	const struct cmdinfo *ci;
	int (*fn)(int argc, char **argv);
} commands[] = {
        {&ci_keygen, commands_keygen}, {&ci_fingerprint, commands_fingerprint},
        {&ci_ingest, commands_ingest}, {&ci_list, commands_list},
        {&ci_show, commands_show},     {&ci_status, commands_status},
        {&ci_reply, commands_reply},   {&ci_update, commands_update},
        {&ci_log, commands_log},       {&ci_stage, commands_stage},
        {&ci_mark, commands_mark},     {&ci_note, commands_note},
        {&ci_due, commands_due},       {&ci_stats, commands_stats},
        {&ci_search, commands_search}, {&ci_forward, commands_forward},
        {&ci_oversee, overseecmd_run},
};

void
commands_usage_all(FILE *f)
{
	fputs("usage: " CLI_PROG " COMMAND [OPTIONS]   (" CLI_PROG " COMMAND --help for more)\n"
	      "The district's offline investigator tool of Qingfeng (清风).\n\nCommands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %s\n", commands[i].ci->synopsis);
}

int
commands_run(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[0], commands[i].ci->name) == 0)
			return commands[i].fn(argc, argv);
	cli_error("unknown command '%s'", argv[0]);
	commands_usage_all(stderr);
	return CLI_EXIT_USAGE;
}
