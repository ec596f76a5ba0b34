/* workflow: see workflow.h. */
#include "admin/workflow.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/i18n.h"
#include "crypto/envelope.h"

/* The one table of §13: stage -> label -> reporter-visible status (§9). */
static const struct workflow_stage stages[] = {
#define QF_STAGE(name, label, status) {name, label, status},
#include "admin/stages.def"
#undef QF_STAGE
};

#define FORWARD_TO_MAX 200

/* The name of stage i, or NULL past the end (cli_join). Cannot fail. */
static const char *
stage_at(size_t i)
{
	return i < sizeof stages / sizeof stages[0] ? stages[i].name : NULL;
}

const struct workflow_stage *
workflow_stages(size_t *n)
{
	*n = sizeof stages / sizeof stages[0];
	return stages;
}

static const struct workflow_stage *
stage_find(const char *s)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
		if (strcmp(s, stages[i].name) == 0)
			return &stages[i];
	return NULL;
}

const char *
workflow_stage_canon(const char *s)
{
	const struct workflow_stage *st = stage_find(s);

	if (st != NULL || s == NULL)
		return st != NULL ? st->name : NULL;
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
		if (strcmp(s, stages[i].label) == 0)
			return stages[i].name;
	return NULL;
}

int
workflow_stage_valid(const char *s)
{
	return stage_find(s) != NULL;
}

const char *
workflow_stage_label(const char *s)
{
	const struct workflow_stage *st = stage_find(s);

	return st != NULL ? st->label : NULL;
}

const char *
workflow_stage_status(const char *s)
{
	const struct workflow_stage *st = stage_find(s);

	return st != NULL ? st->status : NULL;
}

const char *
workflow_stage_of(const struct case_record *c)
{
	return workflow_stage_valid(c->stage) ? c->stage : "registered";
}

const char *
workflow_stage_of_json(const json_t *rec)
{
	const char *s = json_string_value(json_object_get(rec, "stage"));

	return workflow_stage_valid(s) ? s : "registered";
}

/* ---- marks ---------------------------------------------------------------- */

struct mark_value {
	const char *value;
	const char *label;
};

static const struct mark_value realname_values[] = {{"pending", "实名待核实"},
                                                    {"verified", "实名已核实"},
                                                    {"impersonated", "冒名"},
                                                    {NULL, NULL}};
static const struct mark_value escalation_values[] = {
        {"raise", "提级管辖"}, {"designate", "指定管辖"}, {NULL, NULL}};
static const struct mark_value finding_values[] = {
        {"mistaken", "错告"}, {"false-accusation", "诬告陷害"}, {NULL, NULL}};

static const struct {
	const char *name;
	const char *label;
	const struct mark_value *values; /* NULL: no value, or (duplicate-of) a case */
} marks[] = {
        {"realname", "实名核实", realname_values},
        {"duplicate-of", "重复件", NULL},
        {"upper-level", "属上级管辖", NULL},
        {"escalation", "提级/指定管辖", escalation_values},
        {"finding", "错告/诬告陷害认定", finding_values},
        /* events on a 转办/交办 case, each recorded again when repeated */
        {"supervise", "督办", NULL},
        {"reported", "已反馈", NULL},
};

static int
mark_find(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strcmp(name, marks[i].name) == 0)
			return (int)i;
	return -1;
}

const char *
workflow_mark_canon(const char *mark)
{
	int m = mark_find(mark);

	if (m >= 0 || mark == NULL)
		return m >= 0 ? marks[m].name : NULL;
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strcmp(mark, marks[i].label) == 0)
			return marks[i].name;
	return NULL;
}

const char *
workflow_mark_value_canon(const char *mark, const char *value)
{
	int m = mark_find(mark);

	if (m < 0 || value == NULL || marks[m].values == NULL)
		return value;
	for (const struct mark_value *v = marks[m].values; v->value != NULL; v++)
		if (strcmp(value, v->label) == 0)
			return v->value;
	return value;
}

static const char *
value_label(const struct mark_value *v, const char *value)
{
	if (v == NULL || value == NULL)
		return NULL;
	for (; v->value != NULL; v++)
		if (strcmp(v->value, value) == 0)
			return v->label;
	return NULL;
}

const char *
workflow_mark_label(const char *mark, const char *value)
{
	int m = mark_find(mark);

	if (m < 0)
		return NULL;
	if (value == NULL)
		return marks[m].label;
	return value_label(marks[m].values, value);
}

/* ---- helpers -------------------------------------------------------------- */

static int
load_case(struct archive_txn *t, const char *district, uint64_t index, json_t **rec, char *err,
          size_t errsz)
{
	char name[CASES_NAME_BUF];
	int rc = archive_case_get(t, district, index, rec);

	if (rc == ARCHIVE_OK)
		return 0;
	cases_format_name(name, district, index);
	if (rc == ARCHIVE_ERR_NOT_FOUND)
		snprintf(err, errsz, _("no case %s in the archive"), name);
	else
		snprintf(err, errsz, _("case %s: %s"), name, archive_strerror(rc));
	return -1;
}

static int
store_case(struct archive_txn *t, const char *district, uint64_t index, const json_t *rec,
           char *err, size_t errsz)
{
	int rc = archive_case_put(t, district, index, rec);

	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		return -1;
	}
	return 0;
}

/* Text from the investigator: UTF-8, no control characters but newline and tab. */
static int
text_ok(const char *s, size_t len, int multiline)
{
	if (s == NULL || !cli_utf8_valid(s, len))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) ||
		    c == 0x7f)
			return 0;
	}
	return 1;
}

/* Appends ev (stolen) to the record's history. */
static int
history_add(json_t *rec, json_t *ev, char *err, size_t errsz)
{
	if (ev == NULL || json_array_append_new(json_object_get(rec, "history"), ev) != 0) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	return 0;
}

/*
 * Seals body as note n of the case, stores it and appends {"n","day","by"}
 * to the record's "notes". Returns 0 with *n set.
 */
static int
note_store(struct archive_txn *t, json_t *rec, const char *district, uint64_t index,
           const struct keyfile_public *pub, const char *body, size_t body_len, const char *by,
           const char *day, uint32_t *n, char *err, size_t errsz)
{
	json_t *m = NULL, *notes = json_object_get(rec, "notes");
	char *mtext = NULL;
	size_t mlen = 0;
	uint8_t *env = NULL;
	size_t envlen = 0;
	int rc = -1, arc;

	*n = 0;
	if (pub == NULL) {
		snprintf(err, errsz, _("a note needs the district's public key"));
		return -1;
	}
	if (strcmp(pub->id, district) != 0) {
		snprintf(err, errsz, _("the key is for district %s, the case of %s"), pub->id,
		         district);
		return -1;
	}
	if (body_len == 0 || body_len > WORKFLOW_NOTE_MAX || !text_ok(body, body_len, 1)) {
		snprintf(err, errsz,
		         _("a note must be 1 byte to 64 KiB of UTF-8 text without control "
		           "characters"));
		return -1;
	}
	if (notes == NULL) {
		notes = json_array();
		if (notes == NULL || json_object_set_new(rec, "notes", notes) != 0) {
			snprintf(err, errsz, _("out of memory"));
			return -1;
		}
	} else if (!json_is_array(notes)) {
		snprintf(err, errsz, _("the case's notes are corrupt"));
		return -1;
	}
	if (json_array_size(notes) >= UINT32_MAX - 1) {
		snprintf(err, errsz, _("too many notes"));
		return -1;
	}
	*n = (uint32_t)json_array_size(notes) + 1;
	m = json_pack("{s:i, s:s, s:s, s:I, s:s%}", "v", 1, "kind", "note", "district", district,
	              "case", (json_int_t)index, "body", body, body_len);
	if (m != NULL)
		mtext = json_dumps(m, JSON_COMPACT);
	if (mtext == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	mlen = strlen(mtext);
	if (envelope_seal_buffer(&env, &envlen, pub->box_pk, mtext, mlen, NULL, 0) != ENVELOPE_OK) {
		snprintf(err, errsz, _("cannot seal the note"));
		goto out;
	}
	arc = archive_note_put(t, district, index, *n, env, envlen);
	if (arc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(arc));
		goto out;
	}
	if (json_array_append_new(
	            notes, json_pack("{s:i, s:s, s:s}", "n", (int)*n, "day", day, "by", by)) != 0) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	rc = 0;
out:
	if (mtext != NULL) {
		sodium_memzero(mtext, mlen);
		free(mtext);
	}
	free(env);
	json_decref(m);
	if (rc != 0)
		*n = 0;
	return rc;
}

/* ---- stages --------------------------------------------------------------- */

int
workflow_handoff_stage(const char *stage)
{
	return stage != NULL &&
	       (strcmp(stage, "transferred_down") == 0 || strcmp(stage, "assigned") == 0);
}

int
workflow_parse_days(const char *s, unsigned *days)
{
	unsigned long v = 0;

	if (s == NULL || s[0] == '\0' || strlen(s) > 3)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > WORKFLOW_DAYS_MAX)
		return -1;
	*days = (unsigned)v;
	return 0;
}

/*
 * workflow_set_stage, with to and days recorded in the event for a handoff
 * stage (to NULL otherwise).
 */
static int
stage_change(struct archive_txn *t, const char *district, uint64_t index, const char *stage,
             const char *to, unsigned days, const struct keyfile_public *pub, const char *note,
             size_t note_len, const char *by, const char *day, int *queued, char *err, size_t errsz)
{
	const struct workflow_stage *st = stage_find(stage);
	char name[CASES_NAME_BUF];
	const char *old, *status;
	json_t *rec = NULL, *ev = NULL, *op = NULL;
	uint32_t n = 0;
	int rc = -1, arc;

	*queued = 0;
	if (st == NULL) {
		char list[SESSION_ERR_MAX];

		snprintf(err, errsz, _("unknown stage '%s' (one of %s)"),
		         stage != NULL ? stage : "", cli_join(list, sizeof list, stage_at));
		return -1;
	}
	if (load_case(t, district, index, &rec, err, errsz) != 0)
		return -1;
	cases_format_name(name, district, index);
	old = workflow_stage_of_json(rec);
	if (strcmp(old, stage) == 0) {
		snprintf(err, errsz, _("case %s is already at stage %s; nothing changed"), name,
		         stage);
		goto out;
	}
	status = json_string_value(json_object_get(rec, "status"));
	if (note != NULL &&
	    note_store(t, rec, district, index, pub, note, note_len, by, day, &n, err, errsz) != 0)
		goto out;
	ev = json_pack("{s:s, s:s, s:s, s:s, s:s}", "day", day, "by", by, "event", "stage", "stage",
	               stage, "from", old);
	if (ev == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	if (n > 0)
		json_object_set_new(ev, "note", json_integer(n));
	if (to != NULL && (json_object_set_new(ev, "to", json_string(to)) != 0 ||
	                   json_object_set_new(ev, "days", json_integer((json_int_t)days)) != 0)) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	if (status == NULL || strcmp(status, st->status) != 0) {
		json_object_set_new(ev, "status", json_string(st->status));
		json_object_set_new(ev, "sent_seq", json_integer(0));
		op = json_pack("{s:s, s:I, s:s}", "op", "status", "case", (json_int_t)index,
		               "status", st->status);
		if (op == NULL ||
		    json_object_set_new(rec, "status", json_string(st->status)) != 0) {
			snprintf(err, errsz, _("out of memory"));
			goto out;
		}
	}
	if (json_object_set_new(rec, "stage", json_string(stage)) != 0) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	if (history_add(rec, ev, err, errsz) != 0) {
		ev = NULL;
		goto out;
	}
	ev = NULL;
	if (store_case(t, district, index, rec, err, errsz) != 0)
		goto out;
	if (op != NULL) {
		arc = archive_outbox_add(t, district, op);
		if (arc != ARCHIVE_OK) {
			snprintf(err, errsz, _("archive: %s"), archive_strerror(arc));
			goto out;
		}
		*queued = 1;
	}
	rc = 0;
out:
	json_decref(ev);
	json_decref(op);
	json_decref(rec);
	if (rc != 0)
		*queued = 0;
	return rc;
}

int
workflow_set_stage(struct archive_txn *t, const char *district, uint64_t index, const char *stage,
                   const struct keyfile_public *pub, const char *note, size_t note_len,
                   const char *by, const char *day, int *queued, char *err, size_t errsz)
{
	*queued = 0;
	if (workflow_handoff_stage(stage)) {
		snprintf(err, errsz, _("stage %s needs --to BODY (the body it is handed to)"),
		         stage);
		return -1;
	}
	return stage_change(t, district, index, stage, NULL, 0, pub, note, note_len, by, day,
	                    queued, err, errsz);
}

int
workflow_handoff(struct archive_txn *t, const char *district, uint64_t index, const char *stage,
                 const char *to, unsigned days, const struct keyfile_public *pub, const char *note,
                 size_t note_len, const char *by, const char *day, int *queued, char *err,
                 size_t errsz)
{
	*queued = 0;
	if (!workflow_handoff_stage(stage)) {
		snprintf(err, errsz,
		         _("--to applies to stages transferred_down 转办 and assigned 交办 only"));
		return -1;
	}
	if (to == NULL || to[0] == '\0' || strlen(to) > FORWARD_TO_MAX ||
	    !text_ok(to, strlen(to), 0)) {
		snprintf(err, errsz,
		         _("--to must name the body in 1-%d bytes of text without control "
		           "characters"),
		         FORWARD_TO_MAX);
		return -1;
	}
	if (strcmp(stage, "transferred_down") == 0) {
		if (days != 0) {
			snprintf(
			        err, errsz,
			        _("the time limit of 转办 is fixed by the rules (%d working days); "
			          "--days applies to 交办 and 督办"),
			        WORKFLOW_TRANSFER_DAYS);
			return -1;
		}
		days = WORKFLOW_TRANSFER_DAYS;
	} else if (days == 0) {
		days = WORKFLOW_ASSIGN_DAYS;
	}
	if (days > WORKFLOW_DAYS_MAX) {
		snprintf(err, errsz, _("--days must be 1 to %d working days"), WORKFLOW_DAYS_MAX);
		return -1;
	}
	return stage_change(t, district, index, stage, to, days, pub, note, note_len, by, day,
	                    queued, err, errsz);
}

/* ---- marks ---------------------------------------------------------------- */

/* Removes name from the string array arr (if present). */
static void
array_remove_string(json_t *arr, const char *name)
{
	size_t i = 0;

	while (i < json_array_size(arr)) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (s != NULL && strcmp(s, name) == 0)
			json_array_remove(arr, i);
		else
			i++;
	}
}

/*
 * Updates the back-link list "duplicated_by" of the case named target:
 * adds (add) or removes the name of the duplicate.
 */
static int
backlink(struct archive_txn *t, const char *target, const char *dup, int add, char *err,
         size_t errsz)
{
	char d[CODEC_DISTRICT_BUF];
	uint64_t ix;
	json_t *rec, *list;
	int rc = -1;

	if (cases_parse_name(target, d, &ix) != 0) {
		snprintf(err, errsz, _("'%s' is not a case name"), target);
		return -1;
	}
	if (load_case(t, d, ix, &rec, err, errsz) != 0)
		return -1;
	list = json_object_get(rec, "duplicated_by");
	if (!json_is_array(list)) {
		list = json_array();
		if (list == NULL || json_object_set_new(rec, "duplicated_by", list) != 0) {
			snprintf(err, errsz, _("out of memory"));
			goto out;
		}
	}
	array_remove_string(list, dup);
	if (add && json_array_append_new(list, json_string(dup)) != 0) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	rc = store_case(t, d, ix, rec, err, errsz);
out:
	json_decref(rec);
	return rc;
}

/* Checks duplicate-of target for case name; 0 when acceptable. */
static int
check_duplicate_target(struct archive_txn *t, const char *name, const char *target, char *err,
                       size_t errsz)
{
	char d[CODEC_DISTRICT_BUF], tname[CASES_NAME_BUF];
	uint64_t ix;
	json_t *trec;
	const char *its;

	if (target == NULL || cases_parse_name(target, d, &ix) != 0) {
		snprintf(err, errsz, "%s",
		         _("duplicate-of needs the case it duplicates, like d01-42 or d01#3"));
		return -1;
	}
	cases_format_name(tname, d, ix);
	if (strcmp(tname, name) == 0) {
		snprintf(err, errsz, _("case %s cannot be a duplicate of itself"), name);
		return -1;
	}
	if (load_case(t, d, ix, &trec, err, errsz) != 0)
		return -1;
	its = json_string_value(json_object_get(
	        json_object_get(json_object_get(trec, "marks"), "duplicate-of"), "case"));
	if (its != NULL) {
		snprintf(err, errsz,
		         _("case %s is itself a duplicate of %s: mark %s a duplicate of %s"), tname,
		         its, name, its);
		json_decref(trec);
		return -1;
	}
	json_decref(trec);
	return 0;
}

/* True (1) when the history holds a stage event transferred_down or assigned. */
static int
has_handoff(const json_t *rec)
{
	const json_t *ev;
	size_t i;

	json_array_foreach(json_object_get(rec, "history"), i, ev)
	{
		if (json_is_string(json_object_get(ev, "event")) &&
		    strcmp(json_string_value(json_object_get(ev, "event")), "stage") == 0 &&
		    workflow_handoff_stage(json_string_value(json_object_get(ev, "stage"))))
			return 1;
	}
	return 0;
}

/* True when member name is absent from both objects or equal in both. */
static int
same_member(const json_t *a, const json_t *b, const char *name)
{
	const json_t *x = json_object_get(a, name), *y = json_object_get(b, name);

	if (x == NULL || y == NULL)
		return x == y;
	return json_equal((json_t *)(uintptr_t)x, (json_t *)(uintptr_t)y);
}

int
workflow_mark(struct archive_txn *t, const char *district, uint64_t index, const char *mark,
              const char *value, const char *approved_by, int clear,
              const struct keyfile_public *pub, const char *note, size_t note_len, const char *by,
              const char *day, char *err, size_t errsz)
{
	int m = mark_find(mark);
	char name[CASES_NAME_BUF];
	json_t *rec = NULL, *marks_obj, *old, *nm = NULL, *ev = NULL;
	const char *old_dup = NULL;
	char *old_dup_copy = NULL;
	uint32_t n = 0;
	unsigned days = WORKFLOW_SUPERVISE_DAYS;
	int rc = -1, repeatable = m >= 0 && (strcmp(marks[m].name, "supervise") == 0 ||
	                                     strcmp(marks[m].name, "reported") == 0);

	if (m < 0) {
		snprintf(err, errsz,
		         _("unknown mark '%s' (one of realname, duplicate-of, upper-level, "
		           "escalation, finding, supervise, reported)"),
		         mark != NULL ? mark : "");
		return -1;
	}
	cases_format_name(name, district, index);
	if (clear && (value != NULL || approved_by != NULL)) {
		snprintf(err, errsz, _("--clear takes no value and no --approved-by"));
		return -1;
	}
	if (!clear) {
		if (marks[m].values != NULL && value_label(marks[m].values, value) == NULL) {
			const struct mark_value *v = marks[m].values;
			char list[128] = "";

			for (; v->value != NULL; v++)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				         list[0] ? ", " : "", v->value);
			snprintf(err, errsz, _("mark %s needs one of %s%s%s"), mark, list,
			         value != NULL ? ", not " : "", value != NULL ? value : "");
			return -1;
		}
		if (strcmp(mark, "upper-level") == 0 && value != NULL) {
			snprintf(err, errsz, _("mark upper-level takes no value"));
			return -1;
		}
		if (strcmp(mark, "reported") == 0 && value != NULL) {
			snprintf(err, errsz, _("mark reported 已反馈 takes no value"));
			return -1;
		}
		if (strcmp(mark, "supervise") == 0 && value != NULL &&
		    workflow_parse_days(value, &days) != 0) {
			snprintf(err, errsz,
			         _("mark supervise 督办 takes the working days the lower body has "
			           "to report (1-%d), not %s"),
			         WORKFLOW_DAYS_MAX, value);
			return -1;
		}
		if (strcmp(mark, "escalation") == 0) {
			if (approved_by == NULL || approved_by[0] == '\0' ||
			    strlen(approved_by) > CLI_NAME_MAX ||
			    !text_ok(approved_by, strlen(approved_by), 0)) {
				snprintf(err, errsz,
				         _("mark escalation needs --approved-by NAME (who approved "
				           "it, 1-%d characters)"),
				         CLI_NAME_MAX);
				return -1;
			}
		} else if (approved_by != NULL) {
			snprintf(err, errsz, _("--approved-by applies to mark escalation only"));
			return -1;
		}
	}
	if (load_case(t, district, index, &rec, err, errsz) != 0)
		return -1;
	marks_obj = json_object_get(rec, "marks");
	if (!json_is_object(marks_obj)) {
		marks_obj = json_object();
		if (marks_obj == NULL || json_object_set_new(rec, "marks", marks_obj) != 0) {
			snprintf(err, errsz, _("out of memory"));
			goto out;
		}
	}
	old = json_object_get(marks_obj, mark);
	old_dup = json_string_value(json_object_get(old, "case"));
	if (old_dup != NULL && (old_dup_copy = strdup(old_dup)) == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	if (clear) {
		if (old == NULL) {
			snprintf(err, errsz, _("case %s has no mark %s; nothing changed"), name,
			         mark);
			goto out;
		}
	} else {
		/* conditions of the rules */
		if (strcmp(mark, "realname") == 0) {
			int rn = workflow_real_name_json(rec);

			if (rn == 0) {
				snprintf(
				        err, errsz,
				        _("case %s is anonymous: its report has no identity block"),
				        name);
				goto out;
			}
			if (rn < 0) {
				snprintf(err, errsz,
				         _("it is not yet recorded whether case %s has an identity "
				           "block; run qingfeng-admin due once (it asks for the "
				           "passphrase and records it)"),
				         name);
				goto out;
			}
		} else if (strcmp(mark, "finding") == 0) {
			const char *st = workflow_stage_of_json(rec);

			if (strcmp(st, "closed") != 0 && strcmp(st, "concluded") != 0) {
				snprintf(
				        err, errsz,
				        _("a finding is recorded for closed cases (stage closed or "
				          "concluded); case %s is at stage %s"),
				        name, st);
				goto out;
			}
		} else if (strcmp(mark, "duplicate-of") == 0) {
			if (check_duplicate_target(t, name, value, err, errsz) != 0)
				goto out;
		} else if (repeatable && !has_handoff(rec)) {
			snprintf(err, errsz,
			         _("case %s was not handed to a lower body: record stage 转办 or "
			           "交办 (with --to) first"),
			         name);
			goto out;
		}
		if (strcmp(mark, "duplicate-of") == 0)
			nm = json_pack("{s:s, s:s, s:s}", "case", value, "day", day, "by", by);
		else if (strcmp(mark, "supervise") == 0)
			nm = json_pack("{s:I, s:s, s:s}", "days", (json_int_t)days, "day", day,
			               "by", by);
		else if (value != NULL)
			nm = json_pack("{s:s, s:s, s:s}", "value", value, "day", day, "by", by);
		else
			nm = json_pack("{s:s, s:s}", "day", day, "by", by);
		if (nm == NULL ||
		    (approved_by != NULL &&
		     json_object_set_new(nm, "approved_by", json_string(approved_by)))) {
			snprintf(err, errsz, _("out of memory"));
			goto out;
		}
		if (!repeatable && old != NULL && same_member(old, nm, "value") &&
		    same_member(old, nm, "case") && same_member(old, nm, "approved_by")) {
			snprintf(err, errsz, _("case %s already has this mark; nothing changed"),
			         name);
			goto out;
		}
	}
	if (note != NULL &&
	    note_store(t, rec, district, index, pub, note, note_len, by, day, &n, err, errsz) != 0)
		goto out;
	ev = json_pack("{s:s, s:s, s:s, s:s}", "day", day, "by", by, "event", "mark", "mark", mark);
	if (ev == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	if (clear)
		json_object_set_new(ev, "cleared", json_true());
	if (!clear && strcmp(mark, "duplicate-of") == 0)
		json_object_set_new(ev, "case", json_string(value));
	else if (!clear && strcmp(mark, "supervise") == 0)
		json_object_set_new(ev, "days", json_integer((json_int_t)days));
	else if (value != NULL)
		json_object_set_new(ev, "value", json_string(value));
	if (approved_by != NULL)
		json_object_set_new(ev, "approved_by", json_string(approved_by));
	if (n > 0)
		json_object_set_new(ev, "note", json_integer(n));
	if (clear)
		json_object_del(marks_obj, mark);
	else if (json_object_set(marks_obj, mark, nm) != 0) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	if (history_add(rec, ev, err, errsz) != 0) {
		ev = NULL;
		goto out;
	}
	ev = NULL;
	if (store_case(t, district, index, rec, err, errsz) != 0)
		goto out;
	if (strcmp(mark, "duplicate-of") == 0) {
		if (old_dup_copy != NULL && backlink(t, old_dup_copy, name, 0, err, errsz) != 0)
			goto out;
		if (!clear && backlink(t, value, name, 1, err, errsz) != 0)
			goto out;
	}
	rc = 0;
out:
	free(old_dup_copy);
	json_decref(nm);
	json_decref(ev);
	json_decref(rec);
	return rc;
}

/* ---- notes, forwards ------------------------------------------------------ */

int
workflow_add_note(struct archive_txn *t, const char *district, uint64_t index,
                  const struct keyfile_public *pub, const char *body, size_t body_len,
                  const char *by, const char *day, uint32_t *n, char *err, size_t errsz)
{
	json_t *rec;
	int rc = -1;

	*n = 0;
	if (load_case(t, district, index, &rec, err, errsz) != 0)
		return -1;
	if (note_store(t, rec, district, index, pub, body, body_len, by, day, n, err, errsz) == 0 &&
	    history_add(rec,
	                json_pack("{s:s, s:s, s:s, s:i}", "day", day, "by", by, "event", "note",
	                          "n", (int)*n),
	                err, errsz) == 0 &&
	    store_case(t, district, index, rec, err, errsz) == 0)
		rc = 0;
	json_decref(rec);
	if (rc != 0)
		*n = 0;
	return rc;
}

int
workflow_record_forward(struct archive_txn *t, const char *district, uint64_t index, const char *to,
                        size_t natts, const char *by, const char *day, char *err, size_t errsz)
{
	json_t *rec;
	int rc = -1;

	if (to == NULL || to[0] == '\0' || strlen(to) > FORWARD_TO_MAX ||
	    !text_ok(to, strlen(to), 0)) {
		snprintf(err, errsz,
		         _("--to must name the agency in 1-%d bytes of text without control "
		           "characters"),
		         FORWARD_TO_MAX);
		return -1;
	}
	if (load_case(t, district, index, &rec, err, errsz) != 0)
		return -1;
	if (history_add(rec,
	                json_pack("{s:s, s:s, s:s, s:s, s:I}", "day", day, "by", by, "event",
	                          "forward", "to", to, "attachments", (json_int_t)natts),
	                err, errsz) == 0 &&
	    store_case(t, district, index, rec, err, errsz) == 0)
		rc = 0;
	json_decref(rec);
	return rc;
}

void
workflow_print_handoff(FILE *out, const struct case_event *ev)
{
	if (ev->to[0] != '\0') {
		fputs(_(", to "), out);
		cli_print_text(out, ev->to, NULL);
	}
	if (ev->days != CASE_NONE)
		fprintf(out, _(", within %ld working days"), (long)ev->days);
}

void
workflow_print_handoff_json(FILE *out, const json_t *ev)
{
	const char *to = json_string_value(json_object_get(ev, "to"));
	const json_t *days = json_object_get(ev, "days");

	if (to != NULL) {
		fputs(_(", to "), out);
		cli_print_text(out, to, NULL);
	}
	if (json_is_integer(days))
		fprintf(out, _(", within %ld working days"), (long)json_integer_value(days));
}

/* ---- real name ------------------------------------------------------------ */

int
workflow_manifest_real_name(const json_t *manifest)
{
	const json_t *id = json_object_get(json_object_get(manifest, "report"), "identity");
	const char *k;
	const json_t *v;

	if (!json_is_object(id))
		return 0;
	json_object_foreach((json_t *)(uintptr_t)id, k, v)
	{
		if (json_is_string(v) && json_string_length(v) > 0)
			return 1;
	}
	return 0;
}

int
workflow_real_name_json(const json_t *rec)
{
	const json_t *v = json_object_get(rec, "real_name");

	if (!json_is_boolean(v))
		return -1;
	return json_is_true(v);
}

int
workflow_set_real_name(struct archive_txn *t, const char *district, uint64_t index, int real_name)
{
	json_t *rec;
	int rc = archive_case_get(t, district, index, &rec);

	if (rc != ARCHIVE_OK)
		return rc;
	if (json_object_set_new(rec, "real_name", json_boolean(real_name)) != 0)
		rc = ARCHIVE_ERR_NOMEM;
	else
		rc = archive_case_put(t, district, index, rec);
	json_decref(rec);
	return rc;
}

int
workflow_real_name_applies(const struct case_record *c)
{
	const struct case_mark *m = &c->marks[CASE_MARK_REALNAME];

	return c->real_name == 1 && !(m->set && strcmp(m->value, "impersonated") == 0);
}

int
workflow_real_name_applies_json(const json_t *rec)
{
	const char *v = json_string_value(json_object_get(
	        json_object_get(json_object_get(rec, "marks"), "realname"), "value"));

	return workflow_real_name_json(rec) == 1 && (v == NULL || strcmp(v, "impersonated") != 0);
}

static const char *
mark_at(size_t i)
{
	return i < sizeof marks / sizeof marks[0] ? marks[i].name : NULL;
}

/* Opens the archive, loads pub when a note is to be sealed, begins the write. Returns 0 or -1. */
static int
begin_change(struct session *s, const char *district, int note, struct keyfile_public *pub,
             struct archive_txn **t)
{
	if (session_archive(s) != 0 || (note && session_public(s, district, pub) != 0))
		return -1;
	return session_begin(s, 1, t);
}

int
workflow_stage_command(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct keyfile_public pub;
	struct archive_txn *t;
	char err[SESSION_ERR_MAX];
	/* 受理 as well as accepted: the Chinese word is the one investigators use */
	const char *stage = workflow_stage_canon(o->pos[1]), *status = workflow_stage_status(stage);
	unsigned days = 0;
	int queued;

	if (session_case(s, o->pos[0], &c) != 0)
		return CLI_EXIT_USER;
	if (status == NULL) {
		cli_error(_("unknown stage '%s' (one of %s)"), o->pos[1],
		          cli_join(err, sizeof err, stage_at));
		return CLI_EXIT_USER;
	}
	if (o->days != NULL && (stage == NULL || strcmp(stage, "assigned") != 0 ||
	                        workflow_parse_days(o->days, &days))) {
		cli_error(_("--days N (1-%d working days) applies to stage assigned 交办 and mark "
		            "supervise 督办"),
		          WORKFLOW_DAYS_MAX);
		return CLI_EXIT_USER;
	}
	if ((o->to != NULL) != workflow_handoff_stage(stage)) {
		cli_error(o->to != NULL ? _("--to applies to stages transferred_down 转办 and "
		                            "assigned 交办 only")
		                        : _("stage %s needs --to BODY (the body it is handed to)"),
		          stage);
		return CLI_EXIT_USER;
	}
	if (begin_change(s, c.district, o->note != NULL, &pub, &t) != 0)
		return CLI_EXIT_USER;
	if (o->to != NULL ? workflow_handoff(t, c.district, c.index, stage, o->to, days,
	                                     o->note != NULL ? &pub : NULL, o->note,
	                                     o->note != NULL ? strlen(o->note) : 0, s->who, s->day,
	                                     &queued, err, sizeof err) != 0
	                  : workflow_set_stage(t, c.district, c.index, stage,
	                                       o->note != NULL ? &pub : NULL, o->note,
	                                       o->note != NULL ? strlen(o->note) : 0, s->who,
	                                       s->day, &queued, err, sizeof err) != 0)
		return session_abort(t, err);
	if (session_commit(s, t, "stage", c.name) != 0)
		return CLI_EXIT_USER;
	printf(queued ? _("case %s: stage %s %s recorded; status %s %s queued for the next "
	                  "update\n")
	              : _("case %s: stage %s %s recorded; the status the reporter sees stays %s "
	                  "%s\n"),
	       c.shown, stage, workflow_stage_label(stage), status, cases_status_label(status));
	if (o->to != NULL) {
		printf(_("handed to "));
		cli_print_text(stdout, o->to, NULL);
		printf(_(": its report is due within %u working days (see due; forward writes "
		         "the %s)\n"),
		       days != 0                        ? days
		       : strcmp(stage, "assigned") == 0 ? WORKFLOW_ASSIGN_DAYS
		                                        : WORKFLOW_TRANSFER_DAYS,
		       strcmp(stage, "assigned") == 0 ? "交办单" : "转办单");
	}
	return CLI_EXIT_OK;
}

int
workflow_mark_command(struct session *s, const struct session_args *o)
{
	struct session_case c, dup;
	struct keyfile_public pub;
	struct archive_txn *t;
	char err[SESSION_ERR_MAX];
	const char *mark = workflow_mark_canon(o->pos[1]), *vl;
	const char *value = o->npos > 2 ? workflow_mark_value_canon(mark, o->pos[2]) : NULL;

	if (session_case(s, o->pos[0], &c) != 0)
		return CLI_EXIT_USER;
	/* duplicate-of d07#3: the case of that 件号, recorded by its index */
	if (mark != NULL && strcmp(mark, "duplicate-of") == 0 && value != NULL &&
	    cases_parse_number(value, dup.district, &dup.index) == 0) {
		if (session_case(s, value, &dup) != 0)
			return CLI_EXIT_USER;
		value = dup.name;
	}
	if (mark == NULL) {
		cli_error(_("unknown mark '%s' (one of %s)"), o->pos[1],
		          cli_join(err, sizeof err, mark_at));
		return CLI_EXIT_USER;
	}
	if (o->days != NULL) { /* mark CASE 督办 --days N: the same as mark CASE 督办 N */
		if (strcmp(mark, "supervise") != 0 || value != NULL) {
			cli_error(
			        _("--days N (1-%d working days) applies to stage assigned 交办 and "
			          "mark supervise 督办"),
			        WORKFLOW_DAYS_MAX);
			return CLI_EXIT_USER;
		}
		value = o->days;
	}
	if (begin_change(s, c.district, o->note != NULL, &pub, &t) != 0)
		return CLI_EXIT_USER;
	if (workflow_mark(t, c.district, c.index, mark, value, o->approved, o->clear,
	                  o->note != NULL ? &pub : NULL, o->note,
	                  o->note != NULL ? strlen(o->note) : 0, s->who, s->day, err,
	                  sizeof err) != 0)
		return session_abort(t, err);
	if (session_commit(s, t, "mark", c.name) != 0)
		return CLI_EXIT_USER;
	vl = value != NULL ? workflow_mark_label(mark, value) : NULL;
	if (o->clear)
		printf(_("case %s: mark %s %s cleared\n"), c.shown, mark,
		       workflow_mark_label(mark, NULL));
	else
		printf(_("case %s: mark %s %s%s%s%s%s recorded (kept on this machine only)\n"),
		       c.shown, mark, workflow_mark_label(mark, NULL), value != NULL ? ": " : "",
		       value != NULL ? value : "", vl != NULL ? " " : "", vl != NULL ? vl : "");
	return CLI_EXIT_OK;
}

int
workflow_note_command(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct keyfile_public pub;
	struct archive_txn *t;
	char err[SESSION_ERR_MAX];
	uint8_t *buf = NULL;
	const char *body;
	size_t len = 0;
	uint32_t n;
	int ret = CLI_EXIT_USER;

	if (session_case(s, o->pos[0], &c) != 0 ||
	    session_text(o, WORKFLOW_NOTE_MAX, "larger than 64 KiB", &body, &len, &buf) != 0)
		return CLI_EXIT_USER;
	if (begin_change(s, c.district, 1, &pub, &t) == 0) {
		if (workflow_add_note(t, c.district, c.index, &pub, body, len, s->who, s->day, &n,
		                      err, sizeof err) != 0)
			session_abort(t, err);
		else if (session_commit(s, t, "note", c.name) == 0)
			ret = CLI_EXIT_OK;
	}
	if (ret == CLI_EXIT_OK)
		printf(_("case %s: note #%u added (sealed; it never leaves this machine)\n"),
		       c.shown, n);
	session_text_free(buf, len);
	return ret;
}
