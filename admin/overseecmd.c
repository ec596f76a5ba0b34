/* overseecmd: see overseecmd.h. */
#include "admin/overseecmd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/measure.h"
#include "admin/ovchart.h"
#include "admin/oversee.h"
#include "admin/workdays.h"
#include "crypto/serverkey.h"
#include "store/archive.h"
#include "store/pins.h"

#define ERR_MAX 2048
/* Most server keys the case archive may have pinned that are looked at. */
#define ARCHIVE_KEYS_MAX 16

static const char help[] = N_(
        "The upper level's assessment of the commissions below it (docs/DESIGN.md\n"
        "§16), from the server's signed oversight bundle (qingfeng-intake oversight\n"
        "--under ID) and the districts' signed case statements. The bundle holds no\n"
        "report content, no receipt and no identity, and no key of a district is needed.\n"
        "\n"
        "It verifies everything before it measures, and refuses the whole bundle, writing\n"
        "nothing, on any problem, naming the commission and the indices: the server's\n"
        "signature (its key pinned in DIR on first use, as ingest does; --accept-new-\n"
        "server-key after a deliberate change); each commission's key (pinned the first\n"
        "time only with --expect ID=FINGERPRINT, the fingerprint the commission\n"
        "publishes on its posters and official site, never taken from the bundle; it\n"
        "may not change later); each hash chain, and that it extends the one verified\n"
        "last (shorter, or different at any index, is tampering); each applied update;\n"
        "every statement's signature, and that it names a report of the chain. Then it\n"
        "pins what it verified (DIR/oversight.mdb, one transaction), so that an old\n"
        "bundle replayed, or a later one missing something, is refused.\n"
        "\n"
        "Measures, per commission and for all below the one overseen, in working days\n"
        "(--holidays F, default DIR/holidays.txt; without one, Monday to Friday): read\n"
        "读取 (to the first update that acknowledged the report), decision 受理决定\n"
        "(the first status other than received and need_info), conclusion 办结, open\n"
        "cases without a new statement for long 久拖未决, reports never read, reports\n"
        "and follow-ups per month. A time runs from the report's day on the server's\n"
        "chain to the day the server applied the district's update: never the\n"
        "district's own date. Lists the 督办 cases (commission, index, report day, what\n"
        "is late, by how many working days) and the statements dated before the\n"
        "district could have acted (倒签). --as-of DAY: as the facts stood on DAY\n"
        "(default and latest: the bundle's day).\n"
        "\n"
        "Limits in working days (the time may not exceed N):\n"
        "  --read-days N      default 5. The rules set no time for reading a report,\n"
        "                     but one that belongs to the level above must be sent up\n"
        "                     within 5, which nobody can do unread: 《纪检监察机关处理检举\n"
        "                     控告工作规则》第十五条：“纪检监察机关信访举报部门收到属于上级纪检\n"
        "                     监察机关受理的检举控告，应当径送本机关主要负责人，并在收到之日起\n"
        "                     5个工作日内报送上一级纪检监察机关信访举报部门”.\n"
        "  --decide-days N    default 15. 《规则》关于实名检举控告的规定：“信访举报部门对\n"
        "                     属于本机关受理的实名检举控告，应当在收到检举控告之日起15个工作\n"
        "                     日内告知实名检举控告人受理情况” (its article number is not\n"
        "                     given: it could not be checked against the official text).\n"
        "                     The decision must come first. The bundle cannot tell\n"
        "                     real-name reports (it holds no identity), so every report is\n"
        "                     held to it.\n"
        "  --conclude-days N  default 60. The rules set no time for concluding (办结).\n"
        "                     60 working days, about three months, is this tool's\n"
        "                     default: the point at which to ask. Set your own rule.\n"
        "  --stale-days N     default 30. The rules give no number. An open case on\n"
        "                     which the district has signed nothing new (no status, no\n"
        "                     reply, no follow-up verified) for twice the 15 working\n"
        "                     days of the real-name rule is worth a question.\n"
        "\n"
        "Output: tables on the terminal (Chinese first); --json; --csv; --svg FILE and\n"
        "--html FILE write a self-contained, printable file (never overwriting).\n"
        "docs/oversight.md explains what the bundle proves and what it cannot see.\n"
        "\n"
        "Common options: --archive DIR (required; created if absent), --day-offset\n"
        "(accepted), --key and --passphrase-file (accepted, not needed), --help.\n");

void
overseecmd_help(FILE *f)
{
	fprintf(f, "\n%s", _(help));
}

static int
limit_arg(const char *name, const char *s, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > MEASURE_LIMIT_MAX) {
		cli_error(_("oversee: %s must be a number of working days 0..%d, not '%s'"), name,
		          MEASURE_LIMIT_MAX, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/*
 * The options parse leaves as text: --expect, the limits, --as-of. Returns
 * 0, CLI_EXIT_USAGE or CLI_EXIT_USER (said why).
 */
static int
options(const struct session_args *o, struct oversee_expect *expect, struct measure_limits *lim,
        long *as_of)
{
	const struct {
		const char *name, *arg;
		unsigned *out, dflt;
	} limits[] = {{"--read-days", o->read_days, &lim->read, MEASURE_READ_DAYS},
	              {"--decide-days", o->decide_days, &lim->decide, MEASURE_DECIDE_DAYS},
	              {"--conclude-days", o->conclude_days, &lim->conclude, MEASURE_CONCLUDE_DAYS},
	              {"--stale-days", o->stale_days, &lim->stale, MEASURE_STALE_DAYS}};

	for (size_t i = 0; i < o->nexpect; i++)
		if (i >= OVERSEE_DISTRICTS_MAX ||
		    oversee_expect_parse(o->expect[i], &expect[i]) != 0) {
			cli_error(
			        _("oversee: --expect must be ID=FINGERPRINT (a district id and the "
			          "32 "
			          "hex digits of its fingerprint)"));
			return CLI_EXIT_USAGE;
		}
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		*limits[i].out = limits[i].dflt;
		if (limits[i].arg != NULL &&
		    limit_arg(limits[i].name, limits[i].arg, limits[i].out))
			return CLI_EXIT_USAGE;
	}
	*as_of = -1;
	if (o->as_of != NULL &&
	    (!codec_day_valid(o->as_of) || codec_day_number(o->as_of, as_of) != 0)) {
		cli_error(_("--as-of must be a day YYYY-MM-DD, not '%s'"), o->as_of);
		return CLI_EXIT_USER;
	}
	return 0;
}

struct keys {
	uint8_t pk[ARCHIVE_KEYS_MAX][32];
	size_t n;
};

static int
collect_key(void *ctx, const struct archive_district *d)
{
	struct keys *k = ctx;

	if (!d->has_server_pk || k->n == ARCHIVE_KEYS_MAX)
		return 0;
	for (size_t i = 0; i < k->n; i++)
		if (memcmp(k->pk[i], d->server_pk, 32) == 0)
			return 0;
	memcpy(k->pk[k->n++], d->server_pk, 32);
	return 0;
}

/* The server keys the case archive in dir has pinned (none when there is no archive). */
static int
archive_keys(const char *dir, struct keys *k)
{
	struct archive *a;
	struct archive_txn *t;
	int rc = archive_open(&a, dir, 0);

	k->n = 0;
	if (rc == ARCHIVE_ERR_NOT_FOUND)
		return 0;
	if (rc != ARCHIVE_OK) {
		cli_error(_("cannot open the archive at %s: %s"), dir, archive_strerror(rc));
		return -1;
	}
	rc = archive_begin(a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_district_foreach(t, collect_key, k);
		archive_abort(t);
	}
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		cli_error(_("archive: %s"), archive_strerror(rc));
		return -1;
	}
	return 0;
}

static int
load_calendar(const struct session_args *o, struct workdays **w, FILE *notes,
              const char *bundle_day)
{
	char path[PATH_MAX], err[ERR_MAX];
	int missing;

	if (o->holidays != NULL)
		snprintf(path, sizeof path, "%s", o->holidays);
	else
		snprintf(path, sizeof path, "%s/holidays.txt", o->archive);
	if (workdays_load(w, path, o->holidays == NULL, &missing, err, sizeof err) != 0) {
		cli_error("%s", err);
		return -1;
	}
	if (missing)
		fprintf(notes,
		        _("note: no holiday calendar at %s: counting Monday to Friday only (copy "
		          "holidays/cn-2026.txt there and keep it current)\n"),
		        path);
	else if (bundle_day != NULL && !workdays_covers(*w, (int)strtol(bundle_day, NULL, 10)))
		fprintf(notes,
		        _("note: the holiday calendar %s lists nothing for %.4s: counting Monday "
		          "to "
		          "Friday only in that year\n"),
		        path, bundle_day);
	return 0;
}

int
overseecmd_command(struct session *s, const struct session_args *o)
{
	struct oversee_expect expect[OVERSEE_DISTRICTS_MAX];
	struct measure_limits lim;
	struct oversee_opts vo;
	struct oversee *ov = NULL;
	struct measure_query q;
	struct workdays *w = NULL;
	struct pins *p = NULL;
	struct pins_txn *t = NULL;
	struct keys keys;
	struct stat st;
	json_t *m = NULL;
	char err[ERR_MAX], pfile[PATH_MAX], *msg = NULL, *inbuf = NULL;
	FILE *f = NULL, *notes;
	const char *bundle = o->pos[0];
	long as_of;
	int rc, ret = CLI_EXIT_USER, made_dir = 0, new_pins = 0;

	(void)s;
	rc = options(o, expect, &lim, &as_of);
	if (rc != 0)
		return rc;
	notes = o->json || o->csv ? stderr : stdout;
	if ((o->svg != NULL || o->html != NULL) &&
	    lstat(o->svg != NULL ? o->svg : o->html, &st) == 0) {
		cli_error(_("cannot create %s: it exists; refusing to overwrite it"),
		          o->svg != NULL ? o->svg : o->html);
		return CLI_EXIT_USER;
	}
	f = fopen(bundle, "rb");
	if (f == NULL) {
		cli_error(_("cannot read %s: %s"), bundle, strerror(errno));
		return CLI_EXIT_USER;
	}
	inbuf = malloc((size_t)1 << 20);
	if (inbuf != NULL && setvbuf(f, inbuf, _IOFBF, (size_t)1 << 20) != 0) {
		free(inbuf);
		inbuf = NULL;
	}
	if (load_calendar(o, &w, notes, NULL) != 0)
		goto out;
	if (archive_keys(o->archive, &keys) != 0)
		goto out;
	made_dir = stat(o->archive, &st) != 0;
	snprintf(pfile, sizeof pfile, "%s/%s", o->archive, PINS_FILE);
	new_pins = stat(pfile, &st) != 0;
	rc = pins_open(&p, o->archive, 1);
	if (rc == PINS_OK)
		rc = pins_begin(p, 1, &t);
	if (rc != PINS_OK) {
		cli_error(_("cannot open %s: %s"), pfile, pins_strerror(rc));
		goto refused;
	}
	memset(&vo, 0, sizeof vo);
	vo.expect = expect;
	vo.nexpect = o->nexpect;
	vo.accept_new_server_key = o->accept_new;
	vo.archive_server_pk = (const uint8_t(*)[32])keys.pk;
	vo.narchive_server_pk = keys.n;
	rc = oversee_verify(f, t, &vo, &ov, &msg);
	if (rc != 0) {
		cli_error("%s: %s", bundle, msg != NULL ? msg : _("refused"));
		goto refused;
	}
	if (as_of < 0)
		as_of = ov->daynum;
	else if (as_of > ov->daynum) {
		cli_error(_("--as-of %s lies after the bundle's day %s: the bundle knows nothing "
		            "later; nothing written"),
		          o->as_of, ov->day);
		goto refused;
	}
	if (!workdays_covers(w, (int)strtol(ov->day, NULL, 10)) && workdays_count(w) > 0)
		fprintf(notes,
		        _("note: the holiday calendar lists nothing for %.4s: counting Monday to "
		          "Friday only in that year\n"),
		        ov->day);
	memset(&q, 0, sizeof q);
	q.w = w;
	q.as_of = as_of;
	q.lim = lim;
	if (measure_compute(ov, &q, &m, err, sizeof err) != 0) {
		cli_error("%s", err);
		goto refused;
	}
	rc = pins_commit(t);
	t = NULL;
	if (rc != PINS_OK) {
		cli_error(_("cannot write %s: %s; nothing pinned"), pfile, pins_strerror(rc));
		goto refused;
	}
	if (ov->server_pinned_now) {
		char fp[SERVERKEY_FINGERPRINT_BUF];

		serverkey_fingerprint(fp, ov->server_pk);
		if (ov->server_pinned_now == 3)
			fprintf(notes,
			        _("pinned the server's signing key [%s], the one this archive's "
			          "ingest "
			          "pinned\n"),
			        fp);
		else
			fprintf(notes,
			        ov->server_pinned_now == 1
			                ? _("pinned on first use the server's signing key [%s]: "
			                    "check "
			                    "it against the key the server operator shows\n")
			                : _("replaced the pinned key by the server's signing key "
			                    "[%s]: "
			                    "check it against the key the server operator shows\n"),
			        fp);
	}
	for (size_t i = 0; i < ov->nd; i++)
		if (ov->d[i].key_pinned_now)
			fprintf(notes, _("pinned the key of %s [%s] (as --expect said)\n"),
			        ov->d[i].id, ov->d[i].fingerprint);
	if (o->svg != NULL || o->html != NULL) {
		const char *path = o->svg != NULL ? o->svg : o->html;

		if (ovchart_write_file(path, m, o->html != NULL, err, sizeof err) != 0) {
			cli_error(
			        _("%s (the bundle was verified and pinned; run again to write it)"),
			        err);
			goto out;
		}
		printf(_("wrote %s (%s; %zu commissions, %zu cases to ask about)\n"), path,
		       o->html != NULL ? "HTML" : "SVG", ov->nd,
		       json_array_size(json_object_get(m, "duban")));
	} else if (o->json) {
		json_dumpf(m, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (o->csv) {
		measure_print_csv(stdout, m);
	} else {
		measure_print_text(stdout, m);
	}
	ret = CLI_EXIT_OK;
	goto out;
refused:
	pins_abort(t);
	t = NULL;
	pins_close(p);
	p = NULL;
	if (new_pins)
		pins_remove(o->archive, made_dir);
out:
	pins_abort(t);
	pins_close(p);
	json_decref(m);
	free(msg);
	oversee_free(ov);
	workdays_free(w);
	if (f != NULL)
		fclose(f);
	free(inbuf);
	return ret;
}
