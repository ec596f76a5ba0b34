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

#define MARK_APPROVED 1u /* needs --approved-by */
#define MARK_REPEATS  2u /* an event on a 转办/交办 case, recorded again when repeated */

/* The marks by enum case_mark_id (names: case_mark_name). */
static const struct {
	const char *label;
	const struct mark_value *values; /* the values it takes, or NULL */
	const char *no_value;            /* the refusal of a value when it takes none, or NULL */
	unsigned flags;
} marks[CASE_MARK_COUNT] = {
        [CASE_MARK_REALNAME] = {"实名核实", realname_values, NULL, 0},
        [CASE_MARK_DUPLICATE_OF] = {"重复件", NULL, NULL, 0}, /* its value: a case */
        [CASE_MARK_UPPER_LEVEL] = {"属上级管辖", NULL, N_("mark upper-level takes no value"), 0},
        [CASE_MARK_ESCALATION] = {"提级/指定管辖", escalation_values, NULL, MARK_APPROVED},
        [CASE_MARK_FINDING] = {"错告/诬告陷害认定", finding_values, NULL, 0},
        [CASE_MARK_SUPERVISE] = {"督办", NULL, NULL, MARK_REPEATS}, /* its value: days */
        [CASE_MARK_REPORTED] = {"已反馈", NULL, N_("mark reported 已反馈 takes no value"),
                                MARK_REPEATS},
};

const char *
workflow_mark_canon(const char *mark)
{
	enum case_mark_id m = case_mark_id(mark);

	if (m != CASE_MARK_COUNT || mark == NULL)
		return case_mark_name(m);
	for (int i = 0; i < CASE_MARK_COUNT; i++)
		if (strcmp(mark, marks[i].label) == 0)
			return case_mark_name((enum case_mark_id)i);
	return NULL;
}

const char *
workflow_mark_value_canon(const char *mark, const char *value)
{
	enum case_mark_id m = case_mark_id(mark);

	if (m == CASE_MARK_COUNT || value == NULL || marks[m].values == NULL)
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
	enum case_mark_id m = case_mark_id(mark);

	if (m == CASE_MARK_COUNT)
		return NULL;
	if (value == NULL)
		return marks[m].label;
	return value_label(marks[m].values, value);
}

/* ---- helpers -------------------------------------------------------------- */

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

/*
 * Checks a body named with --to: 1 to FORWARD_TO_MAX bytes of text without
 * control characters. Returns 0, or -1 with msg (a format of
 * FORWARD_TO_MAX) in err.
 */
static int
to_ok(const char *to, const char *msg, char *err, size_t errsz)
{
	if (to != NULL && to[0] != '\0' && strlen(to) <= FORWARD_TO_MAX &&
	    text_ok(to, strlen(to), 0))
		return 0;
	snprintf(err, errsz, msg, FORWARD_TO_MAX);
	return -1;
}

/*
 * Seals body as note n of case c, stores it and appends {"n","day","by"}
 * to c's notes. Returns 0 with *n set, or -1 with a reason in err.
 */
static int
note_store(struct archive_txn *t, struct case_record *c, const struct keyfile_public *pub,
           const char *body, size_t body_len, const char *by, const char *day, uint32_t *n,
           char *err, size_t errsz)
{
	struct case_note *note;
	json_t *m;
	char *mtext;
	size_t mlen, envlen = 0;
	uint8_t *env = NULL;
	int sealed, arc;

	*n = 0;
	if (pub == NULL) {
		snprintf(err, errsz, _("a note needs the district's public key"));
		return -1;
	}
	if (strcmp(pub->id, c->district) != 0) {
		snprintf(err, errsz, _("the key is for district %s, the case of %s"), pub->id,
		         c->district);
		return -1;
	}
	if (body_len == 0 || body_len > WORKFLOW_NOTE_MAX || !text_ok(body, body_len, 1)) {
		snprintf(err, errsz,
		         _("a note must be 1 byte to 64 KiB of UTF-8 text without control "
		           "characters"));
		return -1;
	}
	if (c->nnotes >= CASE_LIST_MAX) {
		snprintf(err, errsz, _("too many notes"));
		return -1;
	}
	m = json_pack("{s:i, s:s, s:s, s:I, s:s%}", "v", 1, "kind", "note", "district", c->district,
	              "case", (json_int_t)c->index, "body", body, body_len);
	mtext = m != NULL ? json_dumps(m, JSON_COMPACT) : NULL;
	json_decref(m);
	if (mtext == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	mlen = strlen(mtext);
	sealed = envelope_seal_buffer(&env, &envlen, pub->box_pk, mtext, mlen, NULL, 0) ==
	         ENVELOPE_OK;
	sodium_memzero(mtext, mlen);
	free(mtext);
	if (!sealed) {
		snprintf(err, errsz, _("cannot seal the note"));
		return -1;
	}
	arc = archive_note_put(t, c->district, c->index, (uint32_t)c->nnotes + 1, env, envlen);
	free(env);
	if (arc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(arc));
		return -1;
	}
	note = case_add_note(c);
	if (note == NULL || CASE_SET(note->day, day) != 0 || CASE_SET(note->by, by) != 0)
		return cases_no_room(c, err, errsz);
	note->n = *n = (uint32_t)c->nnotes;
	return 0;
}

/*
 * The event of a stage or mark change with its note: seals the note (when
 * given) and appends {"day","by","event",...,"note":n} to c's history.
 * Returns the event, or NULL with a reason in err.
 */
static struct case_event *
change_event(struct session *s, struct case_record *c, const char *event,
             const struct workflow_change *ch, char *err, size_t errsz)
{
	struct case_event *ev;
	uint32_t n = 0;

	if (ch->note != NULL && note_store(s->t, c, ch->pub, ch->note, ch->note_len, s->who, s->day,
	                                   &n, err, errsz) != 0)
		return NULL;
	ev = cases_add_event(c, s->day, s->who, event, err, errsz);
	if (ev != NULL && n > 0)
		ev->note = n;
	return ev;
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
 * The time a handoff gives the lower body: 5 for 转办 (days must be 0),
 * days or WORKFLOW_ASSIGN_DAYS when 0 for 交办. Returns 0 with *out, or -1
 * with a reason in err.
 */
static int
handoff_days(const char *stage, unsigned days, unsigned *out, char *err, size_t errsz)
{
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
	*out = days;
	return 0;
}

/*
 * Checks ch's stage and, for a handoff, its to and days (into *days).
 * Returns the stage's entry, or NULL with a reason in err.
 */
static const struct workflow_stage *
stage_args_ok(const struct workflow_change *ch, unsigned *days, char *err, size_t errsz)
{
	const struct workflow_stage *st = stage_find(ch->stage);
	char list[SESSION_ERR_MAX];

	*days = 0;
	if (st == NULL) {
		snprintf(err, errsz, _("unknown stage '%s' (one of %s)"),
		         ch->stage != NULL ? ch->stage : "", cli_join(list, sizeof list, stage_at));
		return NULL;
	}
	if (ch->to == NULL && workflow_handoff_stage(st->name)) {
		snprintf(err, errsz, _("stage %s needs --to BODY (the body it is handed to)"),
		         st->name);
		return NULL;
	}
	if (ch->to == NULL)
		return st;
	if (!workflow_handoff_stage(st->name)) {
		snprintf(err, errsz,
		         _("--to applies to stages transferred_down 转办 and assigned 交办 only"));
		return NULL;
	}
	if (to_ok(ch->to,
	          _("--to must name the body in 1-%d bytes of text without control "
	            "characters"),
	          err, errsz) != 0 ||
	    handoff_days(st->name, ch->days, days, err, errsz) != 0)
		return NULL;
	return st;
}

int
workflow_stage(struct session *s, struct case_record *c, const struct workflow_change *ch,
               int *queued, char *err, size_t errsz)
{
	const struct workflow_stage *st;
	char name[CASES_NAME_BUF];
	struct case_event *ev;
	unsigned days;
	int changed;

	*queued = 0;
	st = stage_args_ok(ch, &days, err, errsz);
	if (st == NULL)
		return -1;
	if (strcmp(workflow_stage_of(c), st->name) == 0) {
		cases_format_name(name, c->district, c->index);
		snprintf(err, errsz, _("case %s is already at stage %s; nothing changed"), name,
		         st->name);
		return -1;
	}
	ev = change_event(s, c, "stage", ch, err, errsz);
	if (ev == NULL)
		return -1;
	/* stage names and statuses fit any word buffer; to is at most FORWARD_TO_MAX */
	CASE_SET(ev->stage, st->name);
	CASE_SET(ev->from, workflow_stage_of(c));
	if (ch->to != NULL) {
		if (CASE_SET(ev->to, ch->to) != 0)
			return cases_no_room(c, err, errsz);
		ev->days = days;
	}
	changed = strcmp(c->status, st->status) != 0;
	if (changed) {
		CASE_SET(ev->status, st->status);
		ev->sent_seq = 0;
		CASE_SET(c->status, st->status);
	}
	CASE_SET(c->stage, st->name);
	if (cases_save(s->t, c, changed, err, errsz) != 0)
		return -1;
	*queued = changed;
	return 0;
}

/* ---- marks ---------------------------------------------------------------- */

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
	struct case_record c;
	size_t k = 0;
	int rc = -1;

	if (cases_parse_name(target, d, &ix) != 0) {
		snprintf(err, errsz, _("'%s' is not a case name"), target);
		return -1;
	}
	if (cases_load(t, d, ix, &c, err, errsz) != 0)
		return -1;
	for (size_t i = 0; i < c.nduplicated_by; i++)
		if (strcmp(c.duplicated_by[i], dup) != 0)
			memmove(c.duplicated_by[k++], c.duplicated_by[i],
			        sizeof c.duplicated_by[i]);
	c.nduplicated_by = k;
	if (add && case_add_duplicated_by(&c, dup) != 0)
		cases_no_room(&c, err, errsz);
	else
		rc = cases_save(t, &c, 0, err, errsz);
	case_free(&c);
	return rc;
}

/* Checks duplicate-of target for case name; 0 when acceptable. */
static int
check_duplicate_target(struct archive_txn *t, const char *name, const char *target, char *err,
                       size_t errsz)
{
	char d[CODEC_DISTRICT_BUF], tname[CASES_NAME_BUF];
	uint64_t ix;
	struct case_record tc;
	const struct case_mark *its;
	int rc = 0;

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
	if (cases_load(t, d, ix, &tc, err, errsz) != 0)
		return -1;
	its = &tc.marks[CASE_MARK_DUPLICATE_OF];
	if (its->set && its->case_name[0] != '\0') {
		snprintf(err, errsz,
		         _("case %s is itself a duplicate of %s: mark %s a duplicate of %s"), tname,
		         its->case_name, name, its->case_name);
		rc = -1;
	}
	case_free(&tc);
	return rc;
}

/* True (1) when the history holds a stage event transferred_down or assigned. */
static int
has_handoff(const struct case_record *c)
{
	for (size_t i = 0; i < c->nhistory; i++)
		if (strcmp(c->history[i].event, "stage") == 0 &&
		    workflow_handoff_stage(c->history[i].stage))
			return 1;
	return 0;
}

/* Checks what mark m is set with (before the case is read); *days for supervise. */
static int
mark_args_ok(enum case_mark_id m, const char *value, const char *approved_by, unsigned *days,
             char *err, size_t errsz)
{
	if (marks[m].values != NULL && value_label(marks[m].values, value) == NULL) {
		char list[128] = "";

		for (const struct mark_value *v = marks[m].values; v->value != NULL; v++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			         list[0] ? ", " : "", v->value);
		snprintf(err, errsz, _("mark %s needs one of %s%s%s"), case_mark_name(m), list,
		         value != NULL ? ", not " : "", value != NULL ? value : "");
		return -1;
	}
	if (marks[m].no_value != NULL && value != NULL) {
		snprintf(err, errsz, "%s", _(marks[m].no_value));
		return -1;
	}
	if (m == CASE_MARK_SUPERVISE && value != NULL && workflow_parse_days(value, days) != 0) {
		snprintf(err, errsz,
		         _("mark supervise 督办 takes the working days the lower body has "
		           "to report (1-%d), not %s"),
		         WORKFLOW_DAYS_MAX, value);
		return -1;
	}
	if ((marks[m].flags & MARK_APPROVED) &&
	    (approved_by == NULL || approved_by[0] == '\0' || strlen(approved_by) > CLI_NAME_MAX ||
	     !text_ok(approved_by, strlen(approved_by), 0))) {
		snprintf(err, errsz,
		         _("mark escalation needs --approved-by NAME (who approved "
		           "it, 1-%d characters)"),
		         CLI_NAME_MAX);
		return -1;
	}
	if (!(marks[m].flags & MARK_APPROVED) && approved_by != NULL) {
		snprintf(err, errsz, _("--approved-by applies to mark escalation only"));
		return -1;
	}
	return 0;
}

/* Checks the conditions of the rules for setting mark m on case c (named name). */
static int
mark_allowed(struct archive_txn *t, const struct case_record *c, enum case_mark_id m,
             const char *name, const char *value, char *err, size_t errsz)
{
	const char *st = workflow_stage_of(c);

	if (m == CASE_MARK_REALNAME && c->real_name == 0)
		snprintf(err, errsz, _("case %s is anonymous: its report has no identity block"),
		         name);
	else if (m == CASE_MARK_REALNAME && c->real_name != 1)
		snprintf(err, errsz,
		         _("it is not yet recorded whether case %s has an identity "
		           "block; run qingfeng-admin due once (it asks for the "
		           "passphrase and records it)"),
		         name);
	else if (m == CASE_MARK_FINDING && strcmp(st, "closed") != 0 &&
	         strcmp(st, "concluded") != 0)
		snprintf(err, errsz,
		         _("a finding is recorded for closed cases (stage closed or "
		           "concluded); case %s is at stage %s"),
		         name, st);
	else if (m == CASE_MARK_DUPLICATE_OF)
		return check_duplicate_target(t, name, value, err, errsz);
	else if ((marks[m].flags & MARK_REPEATS) && !has_handoff(c))
		snprintf(err, errsz,
		         _("case %s was not handed to a lower body: record stage 转办 or "
		           "交办 (with --to) first"),
		         name);
	else
		return 0;
	return -1;
}

/*
 * The mark m as set now: the case of duplicate-of, the days of supervise,
 * else its value; approved_by, day, by. Returns 0, or -1 when a text does
 * not fit.
 */
static int
mark_new(struct case_mark *nm, enum case_mark_id m, const char *value, unsigned days,
         const char *approved_by, const char *day, const char *by)
{
	memset(nm, 0, sizeof *nm);
	nm->set = 1;
	nm->days = m == CASE_MARK_SUPERVISE ? (int64_t)days : CASE_NONE;
	if (CASE_SET(nm->day, day) != 0 || CASE_SET(nm->by, by) != 0 ||
	    (approved_by != NULL && CASE_SET(nm->approved_by, approved_by) != 0))
		return -1;
	if (m == CASE_MARK_DUPLICATE_OF)
		return CASE_SET(nm->case_name, value);
	return m != CASE_MARK_SUPERVISE && value != NULL ? CASE_SET(nm->value, value) : 0;
}

int
workflow_mark(struct session *s, struct case_record *c, const struct workflow_change *ch, char *err,
              size_t errsz)
{
	enum case_mark_id m = case_mark_id(ch->mark);
	char name[CASES_NAME_BUF], old_dup[CASE_NAME_BUF];
	struct case_mark nm, *cm;
	struct case_event *ev;
	unsigned days = WORKFLOW_SUPERVISE_DAYS;
	const char *value = ch->value, *approved_by = ch->approved_by;
	int clear = ch->clear;

	if (m == CASE_MARK_COUNT) {
		snprintf(err, errsz,
		         _("unknown mark '%s' (one of realname, duplicate-of, upper-level, "
		           "escalation, finding, supervise, reported)"),
		         ch->mark != NULL ? ch->mark : "");
		return -1;
	}
	cases_format_name(name, c->district, c->index);
	if (clear && (value != NULL || approved_by != NULL)) {
		snprintf(err, errsz, _("--clear takes no value and no --approved-by"));
		return -1;
	}
	if (!clear && mark_args_ok(m, value, approved_by, &days, err, errsz) != 0)
		return -1;
	cm = &c->marks[m];
	memcpy(old_dup, cm->case_name, sizeof old_dup);
	if (clear && !cm->set) {
		snprintf(err, errsz, _("case %s has no mark %s; nothing changed"), name, ch->mark);
		return -1;
	}
	if (!clear) {
		if (mark_allowed(s->t, c, m, name, value, err, errsz) != 0)
			return -1;
		if (mark_new(&nm, m, value, days, approved_by, s->day, s->who) != 0)
			return cases_no_room(c, err, errsz);
		if (!(marks[m].flags & MARK_REPEATS) && cm->set &&
		    strcmp(cm->value, nm.value) == 0 && strcmp(cm->case_name, nm.case_name) == 0 &&
		    strcmp(cm->approved_by, nm.approved_by) == 0) {
			snprintf(err, errsz, _("case %s already has this mark; nothing changed"),
			         name);
			return -1;
		}
	}
	ev = change_event(s, c, "mark", ch, err, errsz);
	if (ev == NULL)
		return -1;
	CASE_SET(ev->mark, ch->mark); /* a mark's name fits a word buffer */
	ev->cleared = clear;
	json_decref(cm->rest);
	if (clear) {
		memset(cm, 0, sizeof *cm);
		cm->days = CASE_NONE;
	} else { /* the event records what the mark now holds (same buffer sizes) */
		*cm = nm;
		CASE_SET(ev->case_name, nm.case_name);
		CASE_SET(ev->value, nm.value);
		CASE_SET(ev->approved_by, nm.approved_by);
		ev->days = nm.days;
	}
	if (cases_save(s->t, c, 0, err, errsz) != 0)
		return -1;
	if (m == CASE_MARK_DUPLICATE_OF &&
	    ((old_dup[0] != '\0' && backlink(s->t, old_dup, name, 0, err, errsz) != 0) ||
	     (!clear && backlink(s->t, value, name, 1, err, errsz) != 0)))
		return -1;
	return 0;
}

/* ---- notes, forwards ------------------------------------------------------ */

int
workflow_add_note(struct session *s, struct case_record *c, const struct workflow_change *ch,
                  uint32_t *n, char *err, size_t errsz)
{
	struct case_event *ev;

	*n = 0;
	if (note_store(s->t, c, ch->pub, ch->note, ch->note_len, s->who, s->day, n, err, errsz) !=
	            0 ||
	    (ev = cases_add_event(c, s->day, s->who, "note", err, errsz)) == NULL) {
		*n = 0;
		return -1;
	}
	ev->n = *n;
	if (cases_save(s->t, c, 0, err, errsz) != 0) {
		*n = 0;
		return -1;
	}
	return 0;
}

int
workflow_record_forward(struct case_record *c, const char *to, size_t natts, const char *by,
                        const char *day, char *err, size_t errsz)
{
	struct case_event *ev;

	if (to_ok(to,
	          _("--to must name the agency in 1-%d bytes of text without control "
	            "characters"),
	          err, errsz) != 0)
		return -1;
	if ((ev = cases_add_event(c, day, by, "forward", err, errsz)) == NULL)
		return -1;
	CASE_SET(ev->to, to); /* FORWARD_TO_MAX fits */
	ev->attachments = (int64_t)natts;
	return 0;
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
workflow_set_real_name(struct archive_txn *t, const char *district, uint64_t index, int real_name)
{
	struct case_record c;
	int rc = archive_case_load(t, district, index, &c);

	if (rc == ARCHIVE_OK) {
		c.real_name = real_name != 0;
		rc = archive_case_store(t, &c);
	}
	case_free(&c);
	return rc;
}

int
workflow_real_name_applies(const struct case_record *c)
{
	const struct case_mark *m = &c->marks[CASE_MARK_REALNAME];

	return c->real_name == 1 && !(m->set && strcmp(m->value, "impersonated") == 0);
}

static const char *
mark_at(size_t i)
{
	return case_mark_name((enum case_mark_id)i);
}

/*
 * Opens the archive, loads pub when a note is to be sealed, begins the
 * write and loads case c into rec. Returns 0, or -1 (said why; nothing open).
 */
static int
begin_change(struct session *s, const struct session_case *c, int note, struct keyfile_public *pub,
             struct case_record *rec)
{
	if (session_archive(s) != 0 || (note && session_public(s, c->district, pub) != 0))
		return -1;
	if (session_begin(s, 1) != 0)
		return -1;
	return session_load(s, c, rec);
}

/* session_finish for case c, after freeing rec. Returns 0, or -1 (nothing changed). */
static int
end_change(struct session *s, const struct session_case *c, struct case_record *rec, int rc,
           const char *err, const char *command)
{
	case_free(rec);
	return session_finish(s, rc, err, command, c->name);
}

int
workflow_stage_command(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct case_record rec;
	struct keyfile_public pub;
	char err[SESSION_ERR_MAX];
	/* 受理 as well as accepted: the Chinese word is the one investigators use */
	const char *stage = workflow_stage_canon(o->pos[1]), *status = workflow_stage_status(stage);
	struct workflow_change ch = {.stage = stage, .to = o->to, .note = o->note, .pub = &pub};
	unsigned days;
	int queued = 0, rc;

	if (session_case(s, o->pos[0], &c) != 0)
		return CLI_EXIT_USER;
	if (stage == NULL || status == NULL)
		return cli_unknown(_("unknown stage '%s' (one of %s)"), o->pos[1], stage_at);
	if (o->days != NULL &&
	    (strcmp(stage, "assigned") != 0 || workflow_parse_days(o->days, &ch.days))) {
		cli_error(_("--days N (1-%d working days) applies to stage assigned 交办 and mark "
		            "supervise 督办"),
		          WORKFLOW_DAYS_MAX);
		return CLI_EXIT_USER;
	}
	ch.note_len = o->note != NULL ? strlen(o->note) : 0;
	if (begin_change(s, &c, o->note != NULL, &pub, &rec) != 0)
		return CLI_EXIT_USER;
	/* --to and the days are checked there; the event says the days it gives */
	rc = workflow_stage(s, &rec, &ch, &queued, err, sizeof err);
	days = rc == 0 ? (unsigned)rec.history[rec.nhistory - 1].days : 0;
	if (end_change(s, &c, &rec, rc, err, "stage") != 0)
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
		       days, strcmp(stage, "assigned") == 0 ? "交办单" : "转办单");
	}
	return CLI_EXIT_OK;
}

int
workflow_mark_command(struct session *s, const struct session_args *o)
{
	struct session_case c, dup;
	struct case_record rec;
	struct keyfile_public pub;
	char err[SESSION_ERR_MAX];
	const char *mark = workflow_mark_canon(o->pos[1]), *vl;
	const char *value = o->npos > 2 ? workflow_mark_value_canon(mark, o->pos[2]) : NULL;
	struct workflow_change ch = {.mark = mark,
	                             .approved_by = o->approved,
	                             .clear = o->clear,
	                             .note = o->note,
	                             .note_len = o->note != NULL ? strlen(o->note) : 0,
	                             .pub = &pub};

	if (session_case(s, o->pos[0], &c) != 0)
		return CLI_EXIT_USER;
	/* duplicate-of d07#3: the case of that 件号, recorded by its index */
	if (mark != NULL && strcmp(mark, "duplicate-of") == 0 && value != NULL &&
	    cases_parse_number(value, dup.district, &dup.index) == 0) {
		if (session_case(s, value, &dup) != 0)
			return CLI_EXIT_USER;
		value = dup.name;
	}
	if (mark == NULL)
		return cli_unknown(_("unknown mark '%s' (one of %s)"), o->pos[1], mark_at);
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
	ch.value = value;
	if (begin_change(s, &c, o->note != NULL, &pub, &rec) != 0 ||
	    end_change(s, &c, &rec, workflow_mark(s, &rec, &ch, err, sizeof err), err, "mark") != 0)
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
	struct case_record rec;
	struct keyfile_public pub;
	struct workflow_change ch = {.pub = &pub};
	char err[SESSION_ERR_MAX];
	uint8_t *buf = NULL;
	uint32_t n = 0;
	int ret = CLI_EXIT_USER;

	if (session_case(s, o->pos[0], &c) != 0 ||
	    session_text(o, WORKFLOW_NOTE_MAX, "larger than 64 KiB", &ch.note, &ch.note_len,
	                 &buf) != 0)
		return CLI_EXIT_USER;
	if (begin_change(s, &c, 1, &pub, &rec) == 0 &&
	    end_change(s, &c, &rec, workflow_add_note(s, &rec, &ch, &n, err, sizeof err), err,
	               "note") == 0) {
		printf(_("case %s: note #%u added (sealed; it never leaves this machine)\n"),
		       c.shown, n);
		ret = CLI_EXIT_OK;
	}
	session_text_free(buf, ch.note_len);
	return ret;
}
