/* session: see session.h. */
#include "admin/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "admin/i18n.h"
#include "admin/keys.h"

/* The calendar shipped with Qingfeng, named in the warning below (the Makefile
 * sets the installed path when it builds the Debian package). */
#ifndef QF_HOLIDAYS_HINT
#define QF_HOLIDAYS_HINT "holidays/cn-2026.txt"
#endif

int
session_start(struct session *s, const struct session_args *o, int need_day)
{
	memset(s, 0, sizeof *s);
	s->o = o;
	if (cli_who(s->who, o->by) != 0) {
		cli_error(_("--by must be 1-%d characters of text"), CLI_NAME_MAX);
		return -1;
	}
	if (!need_day)
		return 0;
	if (cli_today(s->day, o->day_offset) != 0)
		return -1;
	codec_day_number(s->day, &s->today);
	return 0;
}

int
session_on_txn(struct session *s, struct archive_txn *t, const char *who, const char *day)
{
	memset(s, 0, sizeof *s);
	if (strlen(who) >= sizeof s->who || strlen(day) >= sizeof s->day)
		return -1;
	s->t = t;
	memcpy(s->who, who, strlen(who) + 1);
	memcpy(s->day, day, strlen(day) + 1);
	return codec_day_number(day, &s->today) == 0 ? 0 : -1;
}

void
session_end(struct session *s)
{
	archive_abort(s->t);
	s->t = NULL;
	for (size_t i = 0; i < s->nkeys; i++)
		keyfile_secret_free(s->keys[i]);
	s->nkeys = 0;
	archive_close(s->a);
	s->a = NULL;
}

int
session_archive(struct session *s)
{
	const char *dir = s->o->archive;
	int rc;

	if (s->a != NULL)
		return 0;
	rc = archive_open(&s->a, dir, 0);
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		cli_error(_("no archive at %s (the first ingest creates it)"), dir);
		return -1;
	}
	if (rc != ARCHIVE_OK) {
		cli_error(_("cannot open the archive at %s: %s%s%s"), dir, archive_strerror(rc),
		          rc == ARCHIVE_ERR_IO ? ": " : "",
		          rc == ARCHIVE_ERR_IO ? strerror(errno) : "");
		return -1;
	}
	return 0;
}

/*
 * Opens the archive if needed and begins a transaction of its own in *t,
 * for a lookup that may run while s->t is open (session_key is called from
 * inside commands' transactions). Returns 0, or -1 (said why).
 */
static int
begin_own(struct session *s, int write, struct archive_txn **t)
{
	int rc;

	if (session_archive(s) != 0)
		return -1;
	rc = archive_begin(s->a, write, t);
	if (rc != ARCHIVE_OK) {
		cli_error(_("archive: %s"), archive_strerror(rc));
		return -1;
	}
	return 0;
}

int
session_begin(struct session *s, int write)
{
	if (s->t != NULL) { /* a command's bug: say it rather than lose a transaction */
		cli_error(_("archive: a transaction is already open"));
		return -1;
	}
	return begin_own(s, write, &s->t);
}

int
session_commit_err(struct session *s, const char *command, const char *case_name, char *err,
                   size_t errsz)
{
	struct archive_txn *t = s->t;
	int rc = archive_log_add(t, s->day, s->who, command, case_name);

	s->t = NULL;
	if (rc == ARCHIVE_OK)
		rc = archive_commit(t);
	else
		archive_abort(t);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, "%s", archive_strerror(rc));
		return -1;
	}
	return 0;
}

int
session_commit(struct session *s, const char *command, const char *case_name)
{
	char err[SESSION_ERR_MAX];

	if (session_commit_err(s, command, case_name, err, sizeof err) != 0) {
		cli_error(_("archive: %s; nothing changed"), err);
		return -1;
	}
	return 0;
}

int
session_finish(struct session *s, int rc, const char *err, const char *command,
               const char *case_name)
{
	return rc == 0 ? session_commit(s, command, case_name) : session_abort(s, err);
}

int
session_abort(struct session *s, const char *err)
{
	archive_abort(s->t);
	s->t = NULL;
	if (err != NULL)
		cli_error("%s", err);
	return -1;
}

int
session_log(struct session *s, const char *command, const char *case_name, const json_t *names)
{
	struct archive_txn *t = NULL;
	const json_t *it;
	size_t i;
	int rc;

	if (session_archive(s) != 0)
		return -1;
	rc = archive_begin(s->a, 1, &t);
	if (rc == ARCHIVE_OK && names == NULL)
		rc = archive_log_add(t, s->day, s->who, command, case_name);
	json_array_foreach(names, i, it)
	{
		const json_t *n = json_is_object(it) ? json_object_get(it, "case") : it;

		if (rc == ARCHIVE_OK)
			rc = archive_log_add(t, s->day, s->who, command, json_string_value(n));
	}
	if (rc == ARCHIVE_OK)
		rc = archive_commit(t);
	else if (t != NULL)
		archive_abort(t);
	if (rc != ARCHIVE_OK) {
		cli_error(_("cannot write the access log: %s"), archive_strerror(rc));
		return -1;
	}
	return 0;
}

/* Says why district could not be read (rc, not ARCHIVE_OK). Returns -1. */
static int
district_failed(int rc, const char *district)
{
	if (rc == ARCHIVE_ERR_NOT_FOUND)
		cli_error(_("district %s is not in the archive"), district);
	else
		cli_error(_("archive: %s"), archive_strerror(rc));
	return -1;
}

/* The key file of district: --key, else the path the archive remembers. Returns 0 or -1. */
static int
key_path(struct session *s, const char *district, char path[ARCHIVE_PATH_MAX])
{
	struct archive_txn *t;
	struct archive_district d;
	int rc;

	if (s->o->key != NULL) {
		snprintf(path, ARCHIVE_PATH_MAX, "%s", s->o->key);
		return 0;
	}
	if (begin_own(s, 0, &t) != 0)
		return -1;
	rc = archive_district_get(t, district, &d);
	archive_abort(t);
	if (rc != ARCHIVE_OK)
		return district_failed(rc, district);
	if (d.key_path[0] == '\0') {
		cli_error(
		        _("the archive does not know the key file of district %s; use --key FILE"),
		        district);
		return -1;
	}
	snprintf(path, ARCHIVE_PATH_MAX, "%s", d.key_path);
	return 0;
}

const struct keyfile_secret *
session_key(void *ctx, const char *district)
{
	struct session *s = ctx;
	char path[ARCHIVE_PATH_MAX], err[SESSION_ERR_MAX];

	for (size_t i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i]->pub.id, district) == 0)
			return s->keys[i];
	if (s->nkeys == SESSION_KEYS_MAX || key_path(s, district, path) != 0) {
		s->key_failed = 1;
		return NULL;
	}
	if (keys_unlock(&s->keys[s->nkeys], path, s->o->passfile, district, err, sizeof err) != 0) {
		cli_error("%s", err);
		s->key_failed = 1;
		return NULL;
	}
	return s->keys[s->nkeys++];
}

int
session_public(struct session *s, const char *district, struct keyfile_public *pub)
{
	char path[ARCHIVE_PATH_MAX];
	int rc;

	if (key_path(s, district, path) != 0)
		return -1;
	rc = keyfile_load_public(pub, path);
	if (rc != KEYFILE_OK) {
		cli_error(_("key file %s: %s"), path, keyfile_strerror(rc));
		return -1;
	}
	return 0;
}

int
session_case(struct session *s, const char *arg, struct session_case *c)
{
	struct archive_txn *t;
	struct case_record rec;
	uint64_t number = 0, shown_number = 0;
	int rc;

	if (cases_parse_name(arg, c->district, &c->index) != 0 &&
	    cases_parse_number(arg, c->district, &number) != 0) {
		cli_error(_("'%s' is not a case name like d01-42 or a case number like d01#3"),
		          arg);
		return -1;
	}
	if (session_archive(s) != 0)
		return -1;
	rc = archive_begin(s->a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = cases_resolve(t, arg, c->district, &c->index);
		/* an unknown case is for the command to say */
		if (rc == ARCHIVE_OK &&
		    archive_case_load(t, c->district, c->index, &rec) == ARCHIVE_OK) {
			shown_number = rec.number;
			case_free(&rec);
		}
		archive_abort(t);
	}
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		char name[CASES_NAME_BUF];

		cases_format_number(name, c->district, number);
		cli_error(_("no case %s in the archive"), name);
		return -1;
	}
	if (rc != ARCHIVE_OK) {
		cli_error(_("case %s: archive failure"), arg);
		return -1;
	}
	cases_format_name(c->name, c->district, c->index);
	cases_format_numbered(c->shown, c->district, c->index, shown_number);
	return 0;
}

int
session_load(struct session *s, const struct session_case *c, struct case_record *rec)
{
	char err[SESSION_ERR_MAX];

	if (cases_load(s->t, c->district, c->index, rec, err, sizeof err) != 0)
		return session_abort(s, err);
	return 0;
}

int
session_case_exists(struct session *s, const struct session_case *c)
{
	struct archive_txn *t;
	struct case_record rec;
	int rc;

	if (session_archive(s) != 0)
		return -1;
	rc = archive_begin(s->a, 0, &t);
	if (rc == ARCHIVE_OK) {
		rc = archive_case_load(t, c->district, c->index, &rec);
		case_free(&rec);
		archive_abort(t);
	}
	if (rc != ARCHIVE_OK) {
		cli_error(rc == ARCHIVE_ERR_NOT_FOUND ? _("no case %s in the archive")
		                                      : _("case %s: archive failure"),
		          c->name);
		return -1;
	}
	return 0;
}

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
session_district(struct session *s, const char *opt, int known, char out[CODEC_DISTRICT_BUF])
{
	struct archive_txn *t;
	struct archive_district d;
	struct pick p;
	int rc;

	if (opt != NULL && !codec_district_valid(opt)) {
		cli_error(_("'%s' is not a district id"), opt);
		return -1;
	}
	if (opt != NULL && !known) {
		snprintf(out, CODEC_DISTRICT_BUF, "%s", opt);
		return 0;
	}
	if (begin_own(s, 0, &t) != 0)
		return -1;
	memset(&p, 0, sizeof p);
	rc = opt != NULL ? archive_district_get(t, opt, &d)
	                 : archive_district_foreach(t, pick_district, &p);
	archive_abort(t);
	if (rc != ARCHIVE_OK)
		return district_failed(rc, opt);
	if (opt == NULL && p.n == 0) {
		cli_error(_("the archive holds no district yet (ingest an export first)"));
		return -1;
	}
	if (opt == NULL && p.n > 1) {
		cli_error(_("the archive holds several districts (%s): choose one with --district "
		            "ID"),
		          p.all);
		return -1;
	}
	snprintf(out, CODEC_DISTRICT_BUF, "%s", opt != NULL ? opt : p.id);
	return 0;
}

int
session_calendar(struct session *s, int quiet, struct workdays **w)
{
	const char *hol = s->o->holidays;
	char path[ARCHIVE_PATH_MAX], err[SESSION_ERR_MAX];
	int missing;

	if (hol != NULL)
		snprintf(path, sizeof path, "%s", hol);
	else
		snprintf(path, sizeof path, "%s/holidays.txt", s->o->archive);
	if (workdays_load(w, path, hol == NULL, &missing, err, sizeof err) != 0) {
		cli_error("%s", err);
		return -1;
	}
	if (quiet)
		return 0;
	if (missing)
		cli_warn(_("no holiday calendar at %s: counting Monday to Friday only (copy "
		           "%s there and keep it current)"),
		         path, QF_HOLIDAYS_HINT);
	else if (!workdays_covers(*w, (int)strtol(s->day, NULL, 10)))
		cli_warn(_("the holiday calendar %s lists nothing for %.4s: counting Monday to "
		           "Friday only in that year"),
		         path, s->day);
	return 0;
}

int
session_text(const struct session_args *o, size_t max, const char *too_big, const char **text,
             size_t *len, uint8_t **buf)
{
	*buf = NULL;
	*text = o->message;
	*len = o->message != NULL ? strlen(o->message) : 0;
	if (o->file == NULL)
		return 0;
	if (cli_read_file(o->file, max, buf, len) != 0) {
		cli_error(_("cannot read %s: %s"), o->file,
		          errno == EFBIG ? too_big : strerror(errno));
		return -1;
	}
	*text = (const char *)*buf;
	return 0;
}

void
session_text_free(uint8_t *buf, size_t len)
{
	if (buf != NULL) {
		sodium_memzero(buf, len);
		free(buf);
	}
}
