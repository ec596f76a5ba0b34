/* commands: see commands.h. */
#include "admin/commands.h"

#include <getopt.h>
#include <stddef.h>
#include <string.h>

#include "admin/cases.h"
#include "admin/deadline.h"
#include "admin/forward.h"
#include "admin/i18n.h"
#include "admin/ingest.h"
#include "admin/keys.h"
#include "admin/keysheet.h"
#include "admin/overseecmd.h"
#include "admin/replytpl.h"
#include "admin/search.h"
#include "admin/session.h"
#include "admin/stats.h"
#include "admin/update.h"
#include "admin/view.h"
#include "admin/workflow.h"

/* ---- the options: one table, one parser --------------------------------- */

enum opt_id {
	O_ARCHIVE,
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
	O_EXPECT,
	O_ASOF,
	O_READ,
	O_DECIDE,
	O_CONCLUDE,
	O_STALE,
	O_DAYS,
	O_TEMPLATE,
	O_TEMPLATES,
	O_REASON,
	O_HELP,
	O_COUNT
};

#define OPT_VAL 1000 /* getopt_long's value of option id i: OPT_VAL + i */
#define BIT(o)  (1ull << (o))
#define COMMON  (BIT(O_ARCHIVE) | BIT(O_KEY) | BIT(O_PASSFILE) | BIT(O_DAYOFF) | BIT(O_HELP))
#define ARG(f)  required_argument, offsetof(struct session_args, f)
#define FLAG(f) no_argument, offsetof(struct session_args, f)

/* Each option: its name and the session_args member it sets (lists and --help aside). */
static const struct optdef {
	const char *name;
	int has_arg;
	size_t off;
} optdefs[O_COUNT] = {
        [O_ARCHIVE] = {"archive", ARG(archive)},
        [O_KEY] = {"key", ARG(key)},
        [O_PASSFILE] = {"passphrase-file", ARG(passfile)},
        [O_DAYOFF] = {"day-offset", ARG(day_offset)},
        [O_BY] = {"by", ARG(by)},
        [O_DISTRICT] = {"district", ARG(district)},
        [O_NAME] = {"name", ARG(name)},
        [O_OUT] = {"out", ARG(out)},
        [O_KDF] = {"kdf", ARG(kdf)},
        [O_STATUS] = {"status", ARG(status)},
        [O_EXTRACT] = {"extract", ARG(extract)},
        [O_MESSAGE] = {"message", ARG(message)},
        [O_FILE] = {"file", ARG(file)},
        [O_ATTACH] = {"attach", ARG(attach)},
        [O_JSON] = {"json", FLAG(json)},
        [O_TITLES] = {"titles", FLAG(titles)},
        [O_ACCEPT] = {"accept-new-server-key", FLAG(accept_new)},
        [O_NOTE] = {"note", ARG(note)},
        [O_HOLIDAYS] = {"holidays", ARG(holidays)},
        [O_CSV] = {"csv", FLAG(csv)},
        [O_SVG] = {"svg", ARG(svg)},
        [O_HTML] = {"html", ARG(html)},
        [O_FROM] = {"from", ARG(from)},
        [O_TO] = {"to", ARG(to)},
        [O_ALL] = {"all", FLAG(all)},
        [O_APPROVED] = {"approved-by", ARG(approved)},
        [O_CLEAR] = {"clear", FLAG(clear)},
        [O_WITHATT] = {"with-attachments", ARG(with_att)},
        [O_EXPECT] = {"expect", ARG(expect)},
        [O_ASOF] = {"as-of", ARG(as_of)},
        [O_READ] = {"read-days", ARG(read_days)},
        [O_DECIDE] = {"decide-days", ARG(decide_days)},
        [O_CONCLUDE] = {"conclude-days", ARG(conclude_days)},
        [O_STALE] = {"stale-days", ARG(stale_days)},
        [O_DAYS] = {"days", ARG(days)},
        [O_TEMPLATE] = {"template", ARG(template_name)},
        [O_TEMPLATES] = {"templates", FLAG(templates)},
        [O_REASON] = {"reason", ARG(reason)},
        [O_HELP] = {"help", FLAG(json)}, /* handled by parse: sets nothing */
};

/* What a command needs before it runs (struct command's flags). */
#define C_BY     1  /* --by NAME is required */
#define C_TEXT   2  /* exactly one of --message TEXT, --file F */
#define C_FORMAT 4  /* at most one of --json, --csv, --svg, --html */
#define C_RAW    8  /* no session (today, --by) and no common options in --help */
#define C_NODAY  16 /* no use for today: a malformed QF_TODAY or --day-offset is ignored */

struct command {
	const char *name;
	unsigned long long allowed, need; /* options; the ones need_msg asks for */
	int min_pos, max_pos, flags;
	int (*fn)(struct session *s, const struct session_args *o);
	const char *synopsis, *help, *need_msg;
	void (*more)(FILE *f); /* prints help drawn from the modules' tables, or NULL */
};

static void
usage(FILE *f, const struct command *c)
{
	fprintf(f, _("usage: %s %s\n"), CLI_PROG, _(c->synopsis));
	if (f != stdout)
		return;
	if (c->help != NULL)
		fprintf(f, "\n%s\n", _(c->help));
	if (c->more != NULL)
		c->more(f);
	if ((c->allowed & BIT(O_ARCHIVE)) && !(c->flags & C_RAW))
		fputs(_("\nCommon options: --archive DIR (required), --key FILE (the district key\n"
		        "file; default: the one the archive remembers), --passphrase-file F "
		        "(first\n"
		        "line; default: ask on the terminal), --day-offset +08:00 (or "
		        "QF_DAY_OFFSET;\n"
		        "QF_TODAY=YYYY-MM-DD fixes the day), --help.\n"),
		      f);
}

/* True (1) when every option of mask (options with an argument) was given. */
static int
have_all(const struct session_args *o, unsigned long long mask)
{
	for (int i = 0; i < O_COUNT; i++)
		if ((mask & BIT(i)) &&
		    *(const char *const *)(const void *)((const char *)o + optdefs[i].off) == NULL)
			return 0;
	return 1;
}

/*
 * Returns 0 to go on, 1 when --help was printed, -1 on a usage error (said
 * why; the synopsis follows), -2 on one that needs no synopsis.
 */
static int
parse(int argc, char **argv, const struct command *cmd, struct session_args *o)
{
	static struct option lo[O_COUNT + 1];
	int c;

	for (int i = 0; i < O_COUNT; i++)
		lo[i] = (struct option){optdefs[i].name, optdefs[i].has_arg, NULL, OPT_VAL + i};
	memset(o, 0, sizeof *o);
	optind = 0; /* GNU: start over, as each command parses afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		int id = c - OPT_VAL;

		if (c == '?' || c == ':') {
			cli_error(c == ':' ? _("%s: missing argument for option %s")
			                   : _("%s: unknown option %s"),
			          cmd->name, argv[optind - 1]);
			return -1;
		}
		if (id < 0 || id >= O_COUNT || !(cmd->allowed & BIT(id))) {
			/* name the option, not its value (argv[optind - 1] is the value after --by X) */
			if (id >= 0 && id < O_COUNT)
				cli_error(_("%s: option --%s does not apply here"), cmd->name,
				          lo[id].name);
			else
				cli_error(_("%s: option %s does not apply here"), cmd->name,
				          argv[optind - 1]);
			return -1;
		}
		if (id == O_HELP) {
			usage(stdout, cmd);
			return 1;
		}
		if (id == O_ATTACH || id == O_EXPECT) { /* repeated: a list */
			size_t *n = id == O_ATTACH ? &o->nattach : &o->nexpect;
			int max = id == O_ATTACH ? SESSION_ATTACH_MAX : SESSION_EXPECT_MAX;

			if (*n >= (size_t)max) {
				cli_error(id == O_ATTACH ? _("%s: at most %d attachments")
				                         : _("%s: at most %d --expect"),
				          cmd->name, max);
				return -2;
			}
			(id == O_ATTACH ? o->attach : o->expect)[(*n)++] = optarg;
		} else if (optdefs[id].has_arg == no_argument)
			*(int *)(void *)((char *)o + optdefs[id].off) = 1;
		else
			*(const char **)(void *)((char *)o + optdefs[id].off) = optarg;
	}
	o->npos = argc - optind;
	o->pos = argv + optind;
	if (o->npos < cmd->min_pos || o->npos > cmd->max_pos)
		cli_error(o->npos < cmd->min_pos ? _("%s: missing argument")
		                                 : _("%s: too many arguments"),
		          cmd->name);
	else if ((cmd->allowed & BIT(O_ARCHIVE)) && o->archive == NULL)
		cli_error(_("%s: --archive DIR is required"), cmd->name);
	else if (!have_all(o, cmd->need))
		cli_error("%s", _(cmd->need_msg));
	else if ((cmd->flags & C_BY) && o->by == NULL)
		cli_error(_("%s: --by NAME is required (who records it)"), cmd->name);
	else if ((cmd->flags & C_TEXT) && (o->message == NULL) == (o->file == NULL))
		cli_error(_("%s: give the text with exactly one of --message TEXT or --file F"),
		          cmd->name);
	else if ((cmd->flags & C_FORMAT) && o->json + o->csv + !!o->svg + !!o->html > 1)
		cli_error(_("%s: choose one of --json, --csv, --svg FILE, --html FILE"), cmd->name);
	else
		return 0;
	return -1;
}

/* ---- the commands that are only the edge of one module call ------------ */

static int
print_log(void *ctx, const json_t *rec)
{
	static const char *const fields[] = {"day", "user", "command", "case"};

	if (*(const int *)ctx) {
		json_dumpf(rec, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
		return 0;
	}
	for (size_t i = 0; i < 4; i++) {
		cli_print_text(stdout, json_string_value(json_object_get(rec, fields[i])), NULL);
		fputc(i < 3 ? ' ' : '\n', stdout);
	}
	return 0;
}

static int
cmd_log(struct session *s, const struct session_args *o)
{
	int json = o->json, rc;

	if (session_begin(s, 0) != 0)
		return CLI_EXIT_USER;
	rc = archive_log_foreach(s->t, print_log, &json);
	session_abort(s, NULL);
	if (rc != ARCHIVE_OK) {
		cli_error(_("cannot read the access log: %s"), archive_strerror(rc));
		return CLI_EXIT_USER;
	}
	return CLI_EXIT_OK;
}

static int
cmd_list(struct session *s, const struct session_args *o)
{
	struct workdays *w = NULL;
	char err[SESSION_ERR_MAX];
	json_t *rows = NULL;
	int rc = -1;
	const char *status = o->status != NULL ? cases_status_canon(o->status) : NULL;

	if (o->status != NULL && status == NULL) {
		cli_error(_("unknown status '%s'"), o->status);
		return CLI_EXIT_USER;
	}
	if (session_archive(s) == 0 && session_calendar(s, 1, &w) == 0 &&
	    session_begin(s, 0) == 0) {
		rc = view_list_rows(s->t, status, w, s->today, o->titles ? session_key : NULL, s,
		                    &rows, err, sizeof err);
		session_abort(s, NULL);
		if (rc != 0 && !s->key_failed)
			cli_error("%s", err);
	}
	if (rc == 0 && o->titles)
		rc = session_log(s, "list --titles", NULL, rows);
	if (rc == 0)
		view_list_print(stdout, rows, o->json);
	workdays_free(w);
	json_decref(rows);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_USER;
}

static int
cmd_show(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct case_record rec;
	const struct keyfile_secret *key;
	char err[SESSION_ERR_MAX];
	int rc;

	if (session_case(s, o->pos[0], &c) != 0 || session_case_exists(s, &c) != 0 ||
	    (key = session_key(s, c.district)) == NULL || session_begin(s, 1) != 0 ||
	    session_load(s, &c, &rec) != 0)
		return CLI_EXIT_USER;
	/* seen by someone (list's new material), in the transaction of the access-log line */
	rc = view_mark_seen(s, &rec);
	case_free(&rec);
	if (rc != ARCHIVE_OK) {
		session_abort(s, NULL);
		cli_error(_("case %s: %s"), c.name, archive_strerror(rc));
		return CLI_EXIT_USER;
	}
	if (session_commit(s, o->extract != NULL ? "show --extract" : "show", c.name) != 0 ||
	    session_begin(s, 0) != 0)
		return CLI_EXIT_USER;
	rc = view_show(stdout, s->t, c.district, c.index, key, o->extract, err, sizeof err);
	session_abort(s, NULL);
	if (rc != 0)
		cli_error("%s", err);
	return rc != 0 ? CLI_EXIT_USER : CLI_EXIT_OK;
}

static int
cmd_status(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct case_record rec;
	char err[SESSION_ERR_MAX];
	const char *status = cases_status_canon(o->pos[1]); /* 已受理 as well as accepted */
	int rc;

	if (session_case(s, o->pos[0], &c) != 0)
		return CLI_EXIT_USER;
	if (status == NULL)
		return cli_unknown(_("unknown status '%s' (one of %s)"), o->pos[1],
		                   cases_status_at);
	if (session_begin(s, 1) != 0 || session_load(s, &c, &rec) != 0)
		return CLI_EXIT_USER;
	rc = cases_set_status(s, &rec, status, err, sizeof err);
	case_free(&rec);
	if (session_finish(s, rc, err, "status", c.name) != 0)
		return CLI_EXIT_USER;
	printf(_("case %s: status %s %s, queued for the next update\n"), c.shown, status,
	       cases_status_label(status));
	return CLI_EXIT_OK;
}

/* ---- help drawn from the tables the code uses --------------------------- */

static void
help_statuses(FILE *f)
{
	const char *st;

	fputs(_("The statuses:"), f);
	for (size_t i = 0; (st = cases_status_at(i)) != NULL; i++)
		fprintf(f, "%s %s %s",
		        i == 0  ? "\n "
		        : i % 4 ? ","
		                : ",\n ",
		        st, cases_status_label(st));
	fputc('\n', f);
}

/* Each status the reporter sees, and the stages (admin/workflow.c) that map to it. */
static void
help_stages(FILE *f)
{
	size_t n, i, j, k;
	const struct workflow_stage *st = workflow_stages(&n);

	fputs(_("The status the reporter sees, and the stages that map to it:\n"), f);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(st[j].status, st[i].status) != 0; j++)
			;
		if (j < i)
			continue; /* listed with the first stage that maps to it */
		fprintf(f, "  %-13s <-", st[i].status);
		for (j = i, k = 0; j < n; j++) {
			if (strcmp(st[j].status, st[i].status) != 0)
				continue;
			fprintf(f, "%s%s %s",
			        k == 0  ? " "
			        : k % 3 ? ", "
			                : ",\n                   ",
			        st[j].name, st[j].label);
			k++;
		}
		fputc('\n', f);
	}
}

/* ---- the command table -------------------------------------------------- */

static const struct command commands[] = {
        {"keygen",
         BIT(O_DISTRICT) | BIT(O_NAME) | BIT(O_OUT) | BIT(O_KDF) | BIT(O_PASSFILE) | BIT(O_HELP),
         BIT(O_DISTRICT) | BIT(O_NAME) | BIT(O_OUT), 0, 0, 0, keys_keygen_command,
         N_("keygen --district ID --name NAME --out DIR [--kdf interactive|moderate|sensitive]\n"
            "              [--passphrase-file F]"),
         N_("Makes the district's key pairs and writes DIR/district.key (secret, mode 0600,\n"
            "encrypted under a passphrase asked twice on the terminal) and\n"
            "DIR/district.pub.json (for the server operator). Refuses to overwrite either.\n"
            "Prints the fingerprint to publish. --kdf sets the Argon2id strength (default\n"
            "moderate; interactive for tests and old hardware).\n"
            "The passphrase must have at least 12 characters and must not be a dictionary\n"
            "word or a simple pattern (checked by libpwquality; a weak one is refused with\n"
            "the reason). Also writes DIR/district-key-sheet.txt, the recovery sheet to\n"
            "print: back the key up on two media and check each with key-check."),
         N_("keygen: --district, --name and --out are required"), NULL},
        {"fingerprint", BIT(O_HELP), 0, 1, 1, 0, keys_fingerprint_command, N_("fingerprint FILE"),
         N_("Prints the fingerprint of a district key file (district.pub.json or\n"
            "district.key; no passphrase needed), then the district's id and name."),
         NULL, NULL},
        {"key-sheet", BIT(O_OUT) | BIT(O_HELP), BIT(O_OUT), 1, 1, 0, keysheet_command,
         N_("key-sheet FILE --out SHEET.txt"),
         N_("Writes the printable recovery sheet of a district key (FILE: district.key or\n"
            "district.pub.json) to SHEET.txt, never overwriting: the district, the\n"
            "fingerprint, the key file's date, blanks for where the two backup copies are\n"
            "kept, and a checklist. It holds neither the passphrase nor the key. keygen\n"
            "writes one next to district.key."),
         N_("key-sheet: --out SHEET.txt is required"), NULL},
        {"key-check", BIT(O_PASSFILE) | BIT(O_HELP), 0, 1, 1, 0, keysheet_check_command,
         N_("key-check FILE [--passphrase-file F]"),
         N_("Checks a backup copy of district.key: unlocks it with the passphrase and\n"
            "prints its district and fingerprint as the recovery sheet shows them. Run it\n"
            "on each copy after making it, and every year."),
         NULL, NULL},
        {"ingest", COMMON | BIT(O_ACCEPT), 0, 1, 1, C_NODAY, ingest_command,
         N_("ingest --archive DIR [--key FILE] [--passphrase-file F] [--accept-new-server-key]\n"
            "              FILE.qfx"),
         N_("Verifies an export bundle from the server (signature, hash chain from the\n"
            "archive's last verified head, every envelope opens with the district key) and\n"
            "stores its new entries, still encrypted. Refuses the whole bundle, naming the\n"
            "indices, on any gap, reorder or alteration. The first ingest into an archive\n"
            "needs --key (remembered) and pins the server's signing key; a bundle signed by\n"
            "another server key is refused unless --accept-new-server-key is given."),
         NULL, NULL},
        {"list", COMMON | BIT(O_STATUS) | BIT(O_JSON) | BIT(O_TITLES) | BIT(O_HOLIDAYS) | BIT(O_BY),
         0, 0, 0, 0, cmd_list,
         N_("list --archive DIR [--status S] [--json] [--titles] [--holidays FILE] [--by NAME]"),
         N_("Lists the cases, those with an overdue deadline first: case, its number (NO.,\n"
            "the one to type: d07#3), day, status, stage, follow-ups (FU), replies (RE),\n"
            "queued operations (Q), whether an update has acknowledged all of it (ACKED),\n"
            "DUE (overdue, or soon: due within 3 working days), real name or anonymous\n"
            "(impersonated when so marked), and NEW (+N follow-ups since the case was last\n"
            "shown, and when one of them is an objection). No passphrase is needed;\n"
            "--titles also decrypts each report's type, category and title (asks for the\n"
            "passphrase, and is recorded in the access log).\n"
            "--holidays FILE: the holiday calendar (default: holidays.txt in the archive)."),
         NULL, NULL},
        {"show", COMMON | BIT(O_EXTRACT) | BIT(O_BY), 0, 1, 1, 0, cmd_show,
         N_("show --archive DIR CASE [--extract DIR] [--by NAME]"),
         N_("Decrypts and prints a case (e.g. d01-42, or by its number d01#3): the report\n"
            "with every field, the follow-ups, the replies sent and the history. --extract\n"
            "DIR also writes each attachment as DIR/<case>/<n>-<safe name>. Recorded in the\n"
            "access log; list's NEW counts what came after."),
         NULL, NULL},
        {"status", COMMON | BIT(O_BY), 0, 2, 2, 0, cmd_status,
         N_("status --archive DIR CASE STATUS [--by NAME]"),
         N_("Sets the status the reporter sees, records it in the case history and queues it\n"
            "for the next update."),
         NULL, help_statuses},
        {"reply",
         COMMON | BIT(O_MESSAGE) | BIT(O_FILE) | BIT(O_ATTACH) | BIT(O_BY) | BIT(O_TEMPLATE) |
                 BIT(O_TEMPLATES) | BIT(O_REASON) | BIT(O_OUT),
         0, 0, 1, 0, replytpl_command,
         N_("reply --archive DIR CASE (--message TEXT | --file F) [--attach F]... [--by NAME]\n"
            "       qingfeng-admin reply --archive DIR CASE --template NAME [--reason TEXT] "
            "[--out FILE]\n"
            "       qingfeng-admin reply --archive DIR --templates [--out DIR]"),
         N_("Writes a reply, signed with the district's key (so the reporter can tell it\n"
            "comes from the commission, not from the server) and sealed to the reporter\n"
            "(queued for the next update) and to the district itself (kept so that show\n"
            "can display it). Asks for the passphrase. A reply that still holds a blank\n"
            "【请填写：…】 is refused.\n"
            "--template NAME drafts the answer the rules require in the district's voice\n"
            "(受理告知, 不予受理告知 with --reason TEXT, 办理结果反馈, 请补充材料) into --out "
            "FILE\n"
            "(or prints it): edit the file, then send it with --file FILE. --templates lists\n"
            "them; a district's own text in DIR/templates/<名称>.txt replaces the built-in\n"
            "one (--templates --out DIR/templates writes the built-in texts there to edit)."),
         NULL, NULL},
        {"update", COMMON | BIT(O_DISTRICT) | BIT(O_OUT), BIT(O_OUT), 0, 0, 0, update_command,
         N_("update --archive DIR [--district ID] --out FILE.qfu"),
         N_("Writes the signed update for the server: every queued status and reply, and\n"
            "the acknowledgement of everything ingested. Then marks them sent."),
         N_("update: --out FILE.qfu is required"), NULL},
        {"log", COMMON | BIT(O_JSON), 0, 0, 0, C_NODAY, cmd_log, N_("log --archive DIR [--json]"),
         N_("Prints the access log: who opened or changed which case, on which day."), NULL, NULL},
        {"stage", COMMON | BIT(O_BY) | BIT(O_NOTE) | BIT(O_TO) | BIT(O_DAYS), 0, 2, 2, C_BY,
         workflow_stage_command,
         N_("stage --archive DIR CASE STAGE --by NAME [--note TEXT] [--to BODY [--days N]]"),
         N_("Records that the case reached an internal stage (docs/DESIGN.md §13), with the\n"
            "day, the investigator and an optional note, in the case history. When the stage\n"
            "maps to another status than the reporter sees now, that status is queued for\n"
            "the next update; nothing else about stages ever leaves this machine. Stages\n"
            "may be recorded in any order. --note needs no passphrase (it is sealed to the\n"
            "district's public key).\n"
            "转办 transferred_down and 交办 assigned hand the case to a lower body named\n"
            "with --to (a 乡镇（街道）纪（工）委 or a 派驻机构): after 转办 it has 5 working days\n"
            "to accept (the rules, Article 16); after 交办 it reports within --days N working\n"
            "days (default 30). due lists both; forward writes the 转办单 or 交办单."),
         NULL, help_stages},
        {"mark", COMMON | BIT(O_BY) | BIT(O_NOTE) | BIT(O_APPROVED) | BIT(O_CLEAR) | BIT(O_DAYS), 0,
         2, 3, C_BY, workflow_mark_command,
         N_("mark --archive DIR CASE MARK [VALUE] --by NAME [--approved-by NAME] [--note TEXT]\n"
            "              [--clear] [--days N]"),
         N_("Records a mark the rules need, in the case history (never sent to the server):\n"
            "  realname pending|verified|impersonated   实名待核实 / 实名已核实 / 冒名\n"
            "                                           (reports with an identity block)\n"
            "  duplicate-of CASE                        重复件: the same matter as CASE\n"
            "  upper-level                              属上级管辖: must reach stage\n"
            "                                           transferred_up within 5 working days\n"
            "  escalation raise|designate               提级管辖 / 指定管辖 (needs --approved-by)\n"
            "  finding mistaken|false-accusation        错告 / 诬告陷害 (stage closed or\n"
            "                                           concluded)\n"
            "  supervise [--days N]                     督办 a 转办/交办 case: the lower body\n"
            "                                           reports within N working days (10)\n"
            "  reported                                 已反馈: the lower body reported\n"
            "--clear removes a mark. A case marked realname impersonated no longer has the\n"
            "real-name deadlines."),
         NULL, NULL},
        {"note", COMMON | BIT(O_MESSAGE) | BIT(O_FILE) | BIT(O_BY), 0, 1, 1, C_TEXT,
         workflow_note_command,
         N_("note --archive DIR CASE (--message TEXT | --file F) [--by NAME]"),
         N_("Adds an investigator's note to the case. Notes are sealed to the district's own\n"
            "key (no passphrase needed to write one), shown by show, searched by search, and\n"
            "never leave this machine."),
         NULL, NULL},
        {"due", COMMON | BIT(O_JSON) | BIT(O_ALL) | BIT(O_HOLIDAYS) | BIT(O_DISTRICT), 0, 0, 0, 0,
         deadline_command,
         N_("due --archive DIR [--json] [--all] [--holidays FILE] [--district ID]"),
         N_("Lists, per case, the next deadline of docs/DESIGN.md §13 in working days,\n"
            "overdue first: acceptance (a real-name report is told whether it was accepted\n"
            "within 15 working days), result (told the result within 15 working days of the\n"
            "conclusion), upper-level (a case marked upper-level reaches transferred_up\n"
            "within 5 working days), and for a case handed to a lower body: transfer 转办\n"
            "(accepted within 5 working days), assign 交办 and supervise 督办 (reported\n"
            "within the days set), met by mark reported 已反馈. Due soon: today or within\n"
            "the next 3 working days.\n"
            "--all also lists deadlines already met. --holidays FILE: the holiday calendar\n"
            "(default: holidays.txt in the archive; without one, Monday to Friday count).\n"
            "Asks for the passphrase only when cases ingested by an older version do not\n"
            "yet record whether they are real-name."),
         NULL, NULL},
        {"stats",
         COMMON | BIT(O_JSON) | BIT(O_CSV) | BIT(O_SVG) | BIT(O_HTML) | BIT(O_FROM) | BIT(O_TO) |
                 BIT(O_HOLIDAYS) | BIT(O_DISTRICT) | BIT(O_BY),
         0, 0, 0, C_FORMAT, stats_command,
         N_("stats --archive DIR [--json | --csv | --svg FILE | --html FILE] [--from DAY]\n"
            "              [--to DAY] [--district ID] [--holidays FILE] [--by NAME]"),
         N_("Counts the cases received from --from to --to (inclusive; default: all) per\n"
            "current stage, status, category, town, subject level, report type and real\n"
            "name or anonymous; the median and 90th percentile days from receipt to\n"
            "acceptance and to conclusion; deadlines met, open and overdue; the weekly\n"
            "intake; and how many cases reached acceptance, preliminary verification, case\n"
            "opening and conclusion on a day within --from/--to (any day without them).\n"
            "Text by default; --json, --csv; --svg FILE and --html FILE write a\n"
            "self-contained, printable file with the charts (never overwriting). Decrypts\n"
            "each report (asks for the passphrase; recorded in the access log)."),
         NULL, NULL},
        {"search", COMMON | BIT(O_DISTRICT) | BIT(O_BY), 0, 1, SEARCH_WORDS_MAX, 0, search_command,
         N_("search --archive DIR [--district ID] [--by NAME] WORD..."),
         N_("Prints the cases whose decrypted text holds every WORD (ASCII case ignored):\n"
            "the report (subject, unit, town, title, body, ...), follow-ups, replies and\n"
            "notes, with a short context for each word. Decrypts case by case in memory and\n"
            "writes nothing to disk. Recorded in the access log."),
         NULL, NULL},
        {"forward", COMMON | BIT(O_OUT) | BIT(O_TO) | BIT(O_BY) | BIT(O_WITHATT),
         BIT(O_OUT) | BIT(O_TO), 1, 1, C_BY, forward_command,
         N_("forward --archive DIR CASE --out FILE --to AGENCY --by NAME\n"
            "              [--with-attachments DIR]"),
         N_("Writes a redacted copy of the report for another agency (转送) as a plain text\n"
            "file (never overwriting, mode 0600): the report without the reporter's\n"
            "identity, without follow-ups, replies, notes or history. The report's own\n"
            "attachments are included only with --with-attachments DIR (written as\n"
            "DIR/<case>/<n>-<name>; check them: files can identify their author). Records\n"
            "\"forwarded to AGENCY\" in the case history and the access log."),
         N_("forward: --out FILE and --to AGENCY are required"), NULL},
        {"oversee",
         COMMON | BIT(O_EXPECT) | BIT(O_HOLIDAYS) | BIT(O_ASOF) | BIT(O_READ) | BIT(O_DECIDE) |
                 BIT(O_CONCLUDE) | BIT(O_STALE) | BIT(O_ACCEPT) | BIT(O_JSON) | BIT(O_CSV) |
                 BIT(O_SVG) | BIT(O_HTML),
         0, 1, 1, C_FORMAT | C_RAW, overseecmd_command, OVERSEECMD_SYNOPSIS, NULL, NULL,
         overseecmd_help},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

void
commands_usage_all(FILE *f)
{
	fprintf(f,
	        _("usage: %s COMMAND [OPTIONS]   (%s COMMAND --help for more)\n"
	          "The district's offline investigator tool of Qingfeng (清风).\n\nCommands:\n"),
	        CLI_PROG, CLI_PROG);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", _(commands[i].synopsis));
}

int
commands_run(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct session_args o;
	struct session s;
	int rc;

	for (size_t i = 0; i < NCOMMANDS && cmd == NULL; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		cli_error(_("unknown command '%s'"), argv[0]);
		commands_usage_all(stderr);
		return CLI_EXIT_USAGE;
	}
	rc = parse(argc, argv, cmd, &o);
	if (rc == -1)
		usage(stderr, cmd);
	if (rc != 0)
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (!(cmd->allowed & BIT(O_ARCHIVE)) || (cmd->flags & C_RAW)) {
		memset(&s, 0, sizeof s);
		s.o = &o;
	} else if (session_start(&s, &o, !(cmd->flags & C_NODAY)) != 0) {
		return CLI_EXIT_USER;
	}
	rc = cmd->fn(&s, &o);
	session_end(&s);
	return rc == CLI_EXIT_OK || rc == CLI_EXIT_USAGE ? rc : CLI_EXIT_USER;
}
