/* deadline: see deadline.h. */
#include "admin/deadline.h"

#include <stdlib.h>
#include <string.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/opencase.h"
#include "admin/workflow.h"
#include "crypto/codec.h"

static const char *const kind_names[] = {"acceptance", "result", "upper_level",
                                         "transfer",   "assign", "supervise"};
static const char *const kind_labels[] = {"受理告知", "结果告知", "上报上级",
                                          "转办受理", "交办反馈", "督办反馈"};
static const char *const state_names[] = {"pending", "due_soon", "overdue", "met", "met_late"};
static const char *const state_labels[] = {"未到期", "即将到期", "已逾期", "已按时完成",
                                           "逾期完成"};

const char *
deadline_kind_name(int kind)
{
	return kind >= 0 && kind < DEADLINE_KINDS ? kind_names[kind] : "?";
}

const char *
deadline_kind_label(int kind)
{
	return kind >= 0 && kind < DEADLINE_KINDS ? kind_labels[kind] : "?";
}

const char *
deadline_state_name(int state)
{
	return state >= 0 && state <= 4 ? state_names[state] : "?";
}

const char *
deadline_state_label(int state)
{
	return state >= 0 && state <= 4 ? state_labels[state] : "?";
}

int
deadline_open(int state)
{
	return state == DEADLINE_PENDING || state == DEADLINE_DUE_SOON || state == DEADLINE_OVERDUE;
}

static long
day_of(const char *day)
{
	long d;

	if (codec_day_number(day, &d) != 0)
		return -1;
	return d;
}

static int
is_one_of(const char *s, const char *const *list)
{
	if (s == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static void
fill(struct deadline *d, int kind, long from, unsigned n, long met, const struct workdays *w,
     long today)
{
	d->kind = kind;
	d->to[0] = '\0';
	d->from = from;
	d->due = workdays_add(w, from, n);
	d->met = met;
	d->left = workdays_between(w, today, d->due);
	if (met >= 0)
		d->state = met <= d->due ? DEADLINE_MET : DEADLINE_MET_LATE;
	else if (today > d->due)
		d->state = DEADLINE_OVERDUE;
	else if (d->left <= DEADLINE_SOON_DAYS)
		d->state = DEADLINE_DUE_SOON;
	else
		d->state = DEADLINE_PENDING;
}

/* What the history says, walked once. */
struct walk {
	long accepted;   /* first stage accepted or status accepted, or -1 */
	long accept_met; /* first reply once decided, or -1 */
	long concluded;  /* start of the current conclusion, or -1 */
	long result_met; /* first reply after it, or -1 */
	long up;         /* first stage transferred_up, or -1 */
	/* the last 转办/交办 (a stage event with "to"), and the last 督办 */
	int h_kind;        /* DEADLINE_TRANSFER or DEADLINE_ASSIGN, or -1 */
	long h_day, h_met; /* its day, the first 已反馈 after it (or -1) */
	unsigned h_days;   /* its working days */
	const char *h_to;  /* the body it went to (in the record), or NULL */
	long s_day, s_met; /* the last 督办 not cleared (or -1), the first 已反馈 after it */
	unsigned s_days;
};

/* The event's "days" when it is 1 to WORKFLOW_DAYS_MAX, else dflt. */
static unsigned
days_of(const struct case_event *ev, unsigned dflt)
{
	return ev->days >= 1 && ev->days <= WORKFLOW_DAYS_MAX ? (unsigned)ev->days : dflt;
}

/* A mark event for 督办 or 已反馈 (the handoff marks). */
static void
walk_handoff_mark(const struct case_event *ev, long d, struct walk *wk)
{
	const char *mark = ev->mark;
	int cleared = ev->cleared;

	if (strcmp(mark, "supervise") == 0) {
		wk->s_day = cleared ? -1 : d;
		wk->s_met = -1;
		wk->s_days = days_of(ev, WORKFLOW_SUPERVISE_DAYS);
	} else if (strcmp(mark, "reported") == 0 && !cleared) {
		if (wk->h_kind >= 0 && wk->h_met < 0)
			wk->h_met = d;
		if (wk->s_day >= 0 && wk->s_met < 0)
			wk->s_met = d;
	}
}

static void
walk_history(const struct case_record *c, struct walk *wk)
{
	static const char *const undecided_stages[] = {"registered", "screened", NULL};
	static const char *const concluding_stages[] = {"closed", "concluded", NULL};
	static const char *const undecided_statuses[] = {"received", "need_info", NULL};
	int decided = 0;

	wk->accepted = wk->accept_met = wk->concluded = wk->result_met = wk->up = -1;
	wk->h_kind = -1;
	wk->h_day = wk->h_met = wk->s_day = wk->s_met = -1;
	wk->h_days = wk->s_days = 0;
	wk->h_to = NULL;
	for (size_t i = 0; i < c->nhistory; i++) {
		const struct case_event *ev = &c->history[i];
		const char *kind = ev->event;
		const char *s;
		long d = day_of(ev->day);
		int decision, conclusion;

		if (d < 0)
			continue;
		if (strcmp(kind, "reply") == 0) {
			if (decided && wk->accept_met < 0)
				wk->accept_met = d;
			if (wk->concluded >= 0 && wk->result_met < 0)
				wk->result_met = d;
			continue;
		}
		if (strcmp(kind, "mark") == 0) {
			walk_handoff_mark(ev, d, wk);
			continue;
		}
		if (strcmp(kind, "stage") == 0) {
			s = ev->stage;
			if (!workflow_stage_valid(s))
				continue;
			if (workflow_handoff_stage(s)) {
				int assign = strcmp(s, "assigned") == 0;

				wk->h_kind = assign ? DEADLINE_ASSIGN : DEADLINE_TRANSFER;
				wk->h_day = d;
				wk->h_met = -1;
				wk->h_days = assign ? days_of(ev, WORKFLOW_ASSIGN_DAYS)
				                    : DEADLINE_TRANSFER_DAYS;
				wk->h_to = ev->to[0] != '\0' ? ev->to : NULL;
				wk->s_day = -1; /* a 督办 was of the earlier handoff */
			}
			decision = !is_one_of(s, undecided_stages);
			conclusion = is_one_of(s, concluding_stages);
			if (strcmp(s, "transferred_up") == 0 && wk->up < 0)
				wk->up = d;
		} else if (strcmp(kind, "status") == 0) {
			s = ev->status;
			if (s[0] == '\0')
				continue;
			decision = !is_one_of(s, undecided_statuses);
			conclusion = strcmp(s, "concluded") == 0;
		} else {
			continue;
		}
		if (strcmp(s, "accepted") == 0 && wk->accepted < 0)
			wk->accepted = d;
		if (decision)
			decided = 1;
		if (!conclusion) {
			wk->concluded = -1;
			wk->result_met = -1;
		} else if (wk->concluded < 0) {
			wk->concluded = d;
			wk->result_met = -1;
		}
	}
}

void
deadline_milestones(const struct case_record *c, long *accepted, long *concluded)
{
	struct walk wk;

	walk_history(c, &wk);
	*accepted = wk.accepted;
	*concluded = wk.concluded;
}

size_t
deadline_of_case(const struct case_record *c, const struct workdays *w, long today,
                 struct deadline out[DEADLINE_MAX])
{
	struct walk wk;
	long day = day_of(c->day);
	size_t n = 0;

	if (day < 0 || c->quarantine[0] != '\0')
		return 0;
	walk_history(c, &wk);
	if (workflow_real_name_applies(c)) {
		fill(&out[n++], DEADLINE_ACCEPTANCE, day, DEADLINE_ACCEPT_DAYS, wk.accept_met, w,
		     today);
		if (wk.concluded >= 0)
			fill(&out[n++], DEADLINE_RESULT, wk.concluded, DEADLINE_RESULT_DAYS,
			     wk.result_met, w, today);
	}
	if (c->marks[CASE_MARK_UPPER_LEVEL].set)
		fill(&out[n++], DEADLINE_UPPER_LEVEL, day, DEADLINE_UPPER_DAYS, wk.up, w, today);
	if (wk.h_kind >= 0) {
		fill(&out[n], wk.h_kind, wk.h_day, wk.h_days, wk.h_met, w, today);
		CASE_SET(out[n].to, wk.h_to); /* the event's "to": same buffer size */
		n++;
	}
	if (wk.s_day >= 0 && wk.h_kind >= 0) {
		fill(&out[n], DEADLINE_SUPERVISE, wk.s_day, wk.s_days, wk.s_met, w, today);
		CASE_SET(out[n].to, wk.h_to);
		n++;
	}
	return n;
}

int
deadline_handoff(const struct case_record *c, const struct workdays *w, long today,
                 struct deadline *out)
{
	struct deadline d[DEADLINE_MAX];
	size_t n = deadline_of_case(c, w, today, d);
	int found = 0;

	for (size_t i = 0; i < n; i++)
		if (d[i].kind == DEADLINE_TRANSFER || d[i].kind == DEADLINE_ASSIGN) {
			*out = d[i];
			found = 1;
		} else if (d[i].kind == DEADLINE_SUPERVISE && found && deadline_open(d[i].state)) {
			*out = d[i]; /* an open 督办 sets the day the report is due now */
		}
	return found;
}

int
deadline_next(const struct deadline *d, size_t n)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (deadline_open(d[i].state) && (best < 0 || d[i].due < d[best].due))
			best = (int)i;
	return best;
}

json_t *
deadline_to_json(const struct deadline *d)
{
	char from[CODEC_DAY_LEN + 1], due[CODEC_DAY_LEN + 1], met[CODEC_DAY_LEN + 1];

	if (codec_day_from_number(from, d->from) != 0 || codec_day_from_number(due, d->due) != 0)
		return NULL;
	if (d->met < 0 || codec_day_from_number(met, d->met) != 0)
		met[0] = '\0';
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s?, s:s?}", "kind",
	                 deadline_kind_name(d->kind), "label", deadline_kind_label(d->kind), "from",
	                 from, "due", due, "state", deadline_state_name(d->state), "state_label",
	                 deadline_state_label(d->state), "working_days_left", (json_int_t)d->left,
	                 "met", met[0] ? met : NULL, "to", d->to[0] ? d->to : NULL);
}

/* ---- the rows of `due` ------------------------------------------------------ */

struct rows_ctx {
	const struct workdays *w;
	long today;
	int all;
	json_t *rows;
	char *err;
	size_t errsz;
};

static int
state_rank(const char *s)
{
	static const char *const order[] = {"overdue", "due_soon", "pending", "met_late", "met"};

	for (int i = 0; i < 5; i++)
		if (s != NULL && strcmp(s, order[i]) == 0)
			return i;
	return 5;
}

static int
row_case(void *vctx, const struct case_record *rc)
{
	struct rows_ctx *c = vctx;
	struct deadline dl[DEADLINE_MAX];
	size_t n = deadline_of_case(rc, c->w, c->today, dl);
	int next = deadline_next(dl, n);
	char name[CASES_NAME_BUF];
	json_t *row, *list;

	if (n == 0 || (next < 0 && !c->all))
		return 0;
	if (next < 0)
		next = (int)n - 1;
	cases_format_name(name, rc->district, rc->index);
	list = json_array();
	for (size_t i = 0; list != NULL && i < n; i++)
		if (json_array_append_new(list, deadline_to_json(&dl[i])) != 0) {
			json_decref(list);
			list = NULL;
		}
	row = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "case", name, "district",
	                rc->district, "index", (json_int_t)rc->index, "day", rc->day, "stage",
	                workflow_stage_of(rc), "status", rc->status, "real_name",
	                rc->real_name == CASE_NONE ? json_null() : json_boolean(rc->real_name),
	                "deadline", deadline_to_json(&dl[next]), "deadlines", list);
	if (row == NULL || json_array_append_new(c->rows, row) != 0) {
		snprintf(c->err, c->errsz, _("out of memory"));
		return -1;
	}
	cases_format_number(name, rc->district, rc->number); /* the 件号 beside the index */
	json_object_set_new(row, "number_name", rc->number > 0 ? json_string(name) : json_null());
	return 0;
}

/* One row to sort. */
struct row_ref {
	json_t *row;
};

static int
cmp_rows(const void *x, const void *y)
{
	const json_t *a = ((const struct row_ref *)x)->row, *b = ((const struct row_ref *)y)->row;
	const json_t *da = json_object_get(a, "deadline"), *db = json_object_get(b, "deadline");
	int ra = state_rank(json_string_value(json_object_get(da, "state")));
	int rb = state_rank(json_string_value(json_object_get(db, "state")));
	int c;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	c = strcmp(json_string_value(json_object_get(da, "due")),
	           json_string_value(json_object_get(db, "due")));
	if (c != 0)
		return c;
	c = strcmp(json_string_value(json_object_get(a, "district")),
	           json_string_value(json_object_get(b, "district")));
	if (c != 0)
		return c;
	return json_integer_value(json_object_get(a, "index")) <
	                       json_integer_value(json_object_get(b, "index"))
	               ? -1
	               : 1;
}

int
deadline_rows(struct archive_txn *t, const char *district, const struct workdays *w, long today,
              int all, json_t **rows, char *err, size_t errsz)
{
	struct rows_ctx c = {w, today, all, json_array(), err, errsz};
	struct row_ref *v = NULL;
	json_t *sorted;
	size_t n, i;
	int rc;

	*rows = NULL;
	err[0] = '\0';
	if (c.rows == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	rc = archive_case_each(t, district, row_case, &c);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		json_decref(c.rows);
		return -1;
	}
	n = json_array_size(c.rows);
	v = calloc(n + 1, sizeof *v);
	sorted = json_array();
	if (v == NULL || sorted == NULL) {
		free(v);
		json_decref(sorted);
		json_decref(c.rows);
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	for (i = 0; i < n; i++)
		v[i].row = json_array_get(c.rows, i);
	qsort(v, n, sizeof *v, cmp_rows);
	for (i = 0; i < n; i++)
		json_array_append(sorted, v[i].row);
	free(v);
	json_decref(c.rows);
	*rows = sorted;
	return 0;
}

/* A cell of the due table and the space after it. */
static void
pad(FILE *f, const char *s, int width)
{
	cli_cell(f, s, width);
	fputc(' ', f);
}

void
deadline_print(FILE *f, const json_t *rows, int json)
{
	const json_t *r;
	size_t i;
	long counts[6] = {0};

	if (json) {
		json_dumpf(rows, f, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', f);
		return;
	}
	if (json_array_size(rows) == 0) {
		fputs(_("no open deadlines\n"), f);
		return;
	}
	/* headers in the tool's language; Chinese shows the labels alone (转办受理, 已逾期) */
	pad(f, _("CASE"), 16);
	pad(f, _("件号 NO."), 10);
	pad(f, _("DEADLINE 期限"), 26);
	pad(f, _("FROM"), 10);
	pad(f, _("DUE"), 10);
	pad(f, _("STATE 状态"), 22);
	fprintf(f, "%s\n", _("LEFT"));
	json_array_foreach(rows, i, r)
	{
		const json_t *d = json_object_get(r, "deadline");
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *label = json_string_value(json_object_get(d, "label"));
		const char *st = json_string_value(json_object_get(d, "state"));
		const char *stl = json_string_value(json_object_get(d, "state_label"));
		char k[64], s[64];

		counts[state_rank(st)]++;
		if (i18n_chinese()) {
			snprintf(k, sizeof k, "%s", label);
			snprintf(s, sizeof s, "%s", stl);
		} else {
			snprintf(k, sizeof k, "%s %s", label, kind);
			snprintf(s, sizeof s, "%s %s", stl, st);
		}
		pad(f, json_string_value(json_object_get(r, "case")), 16);
		pad(f,
		    json_is_string(json_object_get(r, "number_name"))
		            ? json_string_value(json_object_get(r, "number_name"))
		            : "-",
		    10);
		pad(f, k, 26);
		pad(f, json_string_value(json_object_get(d, "from")), 10);
		pad(f, json_string_value(json_object_get(d, "due")), 10);
		pad(f, s, 22);
		fprintf(f, "%4" JSON_INTEGER_FORMAT,
		        json_integer_value(json_object_get(d, "working_days_left")));
		if (json_is_string(json_object_get(d, "to"))) {
			fputs(_("  to "), f);
			cli_print_text(f, json_string_value(json_object_get(d, "to")), NULL);
		}
		fputc('\n', f);
	}
	fprintf(f, _("%ld overdue, %ld due soon, %ld pending"), counts[0], counts[1], counts[2]);
	if (counts[3] + counts[4] > 0)
		fprintf(f, _(", %ld met late, %ld met"), counts[3], counts[4]);
	fputs(_(" (LEFT: working days to the deadline; negative: working days past it)\n"), f);
}

static int
collect_unknown(void *ctx, const struct case_record *c)
{
	if (c->real_name != CASE_NONE)
		return 0;
	return json_array_append_new(ctx, json_pack("[s, I]", c->district, (json_int_t)c->index)) !=
	                       0
	               ? ARCHIVE_ERR_NOMEM
	               : 0;
}

/*
 * Cases ingested before the real-name flag was kept: decrypts their reports
 * once and records it (one access-log line each). Returns 0 or -1 (said why).
 */
static int
learn_real_names(struct session *s, const char *district)
{
	json_t *list = json_array(); /* [[district, index], ...] */
	const json_t *it;
	char err[SESSION_ERR_MAX], name[CASES_NAME_BUF];
	size_t i;
	int rc;

	if (list == NULL) {
		cli_error(_("out of memory"));
		return -1;
	}
	if (session_begin(s, 0) != 0)
		goto fail;
	rc = archive_case_each(s->t, district, collect_unknown, list);
	session_abort(s, NULL);
	if (rc != ARCHIVE_OK)
		goto archive_fail;
	if (json_array_size(list) == 0) {
		json_decref(list);
		return 0;
	}
	fprintf(stderr,
	        _("%zu case(s) do not yet record whether they are real-name; reading them once\n"),
	        json_array_size(list));
	json_array_foreach(list, i, it)
	{
		if (session_key(s, json_string_value(json_array_get(it, 0))) == NULL)
			goto fail;
	}
	if (session_begin(s, 1) != 0)
		goto fail;
	json_array_foreach(list, i, it)
	{
		const char *id = json_string_value(json_array_get(it, 0));
		uint64_t index = (uint64_t)json_integer_value(json_array_get(it, 1));
		struct archive_entry e;
		json_t *m;

		cases_format_name(name, id, index);
		if (archive_entry_get(s->t, id, index, &e) != ARCHIVE_OK ||
		    opencase_envelope(session_key(s, id), e.envelope, e.envelope_len, &m, err,
		                      sizeof err) != 0) {
			cli_error(_("case %s: the report does not open"), name);
			goto fail;
		}
		rc = workflow_set_real_name(s->t, id, index, workflow_manifest_real_name(m));
		json_decref(m);
		if (rc == ARCHIVE_OK && i + 1 < json_array_size(list))
			rc = archive_log_add(s->t, s->day, s->who, "due (identity check)", name);
		if (rc != ARCHIVE_OK)
			goto archive_fail;
	}
	/* the last case's log line, and the commit */
	if (session_commit(s, "due (identity check)", name) == 0) {
		json_decref(list);
		return 0;
	}
	json_decref(list);
	return -1;
archive_fail:
	cli_error(_("archive: %s"), archive_strerror(rc));
fail:
	session_abort(s, NULL);
	json_decref(list);
	return -1;
}

int
deadline_command(struct session *s, const struct session_args *o)
{
	struct workdays *w = NULL;
	char err[SESSION_ERR_MAX], district[CODEC_DISTRICT_BUF];
	json_t *rows = NULL;
	int rc = -1;

	if (session_archive(s) == 0 &&
	    (o->district == NULL || session_district(s, o->district, 1, district) == 0) &&
	    session_calendar(s, 0, &w) == 0 && learn_real_names(s, o->district) == 0 &&
	    session_begin(s, 0) == 0) {
		rc = deadline_rows(s->t, o->district, w, s->today, o->all, &rows, err, sizeof err);
		session_abort(s, NULL);
		if (rc != 0)
			cli_error("%s", err);
		else
			deadline_print(stdout, rows, o->json);
	}
	json_decref(rows);
	workdays_free(w);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_USER;
}
