/* stats: see stats.h. */
#include "admin/stats.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin/buf.h"
#include "admin/cases.h"
#include "admin/chart.h"
#include "admin/cli.h"
#include "admin/deadline.h"
#include "admin/i18n.h"
#include "admin/opencase.h"
#include "admin/workflow.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/vocab.h"

#define TOWN_MAX 120

static const char *const statuses[] = {
#define QF_STATUS(name, word, zh, en) word,
#include "crypto/status.def"
#undef QF_STATUS
        NULL};

/*
 * The steps a monthly report counts as reached (stats "reached"): its key,
 * its label, and the stages (and the status set directly with `status`) whose
 * history event reaches it.
 */
static const struct reach {
	const char *key, *label, *stages[3], *status;
} reaches[] = {
        {"accepted", "受理", {"accepted", NULL, NULL}, "accepted"},
        {"verification", "初核", {"verification", NULL, NULL}, NULL},
        {"case_opened", "立案", {"case_opened", NULL, NULL}, NULL},
        {"ended", "了结（予以了结或办结）", {"closed", "concluded", NULL}, "concluded"},
};
#define NREACH (sizeof reaches / sizeof reaches[0])

struct acc {
	struct archive_txn *t;
	const struct stats_query *q;
	stats_key_fn key_for;
	void *ctx;
	json_t *stage, *status, *category, *town, *level, *type;
	json_t *concerns; /* §14: routed reports per district they concern */
	long cases, real_name, anonymous, overdue_cases;
	long quarantined;     /* quarantined entries (§10), counted apart from the cases */
	long reached[NREACH]; /* cases whose history reaches each step within the days */
	long dl[DEADLINE_MAX][5];
	struct stats_longs acc_days, acc_wd, con_days, con_wd, days;
	char *err;
	size_t errsz;
};

int
stats_longs_push(struct stats_longs *l, long x)
{
	if (buf_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
		return -1;
	l->v[l->n++] = x;
	return 0;
}

static int
bump(json_t *obj, const char *key)
{
	return json_object_set_new(obj, key,
	                           json_integer(json_integer_value(json_object_get(obj, key)) + 1));
}

/* A manifest value to count under: the string, or dflt when missing or empty. */
static const char *
value_or(const json_t *v, const char *dflt)
{
	const char *s = json_string_value(v);

	return s != NULL && s[0] != '\0' ? s : dflt;
}

/* The town with white space trimmed and at most TOWN_MAX bytes (whole characters). */
static const char *
town_of(const json_t *v, char buf[TOWN_MAX + 1])
{
	const char *s = json_string_value(v), *e;
	size_t n;

	if (s == NULL)
		return "unspecified";
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	n = (size_t)(e - s);
	if (n == 0)
		return "unspecified";
	if (n > TOWN_MAX) {
		n = TOWN_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* True (1) when day number d lies within the query's days. */
static int
in_period(const struct stats_query *q, long d)
{
	return (q->from < 0 || d >= q->from) && (q->to < 0 || d <= q->to);
}

/*
 * Counts the case once for each step of reaches[] that its history reaches
 * on a day within the query's days (whatever day the case was received).
 */
static void
count_reached(struct acc *a, const struct case_record *c)
{
	for (size_t r = 0; r < NREACH; r++)
		for (size_t i = 0; i < c->nhistory; i++) {
			const struct case_event *ev = &c->history[i];
			long d;
			int hit = 0;

			if (codec_day_number(ev->day, &d) != 0 || !in_period(a->q, d))
				continue;
			if (strcmp(ev->event, "stage") == 0)
				for (size_t k = 0; reaches[r].stages[k] != NULL; k++)
					hit |= strcmp(ev->stage, reaches[r].stages[k]) == 0;
			if (strcmp(ev->event, "status") == 0 && reaches[r].status != NULL)
				hit |= strcmp(ev->status, reaches[r].status) == 0;
			if (hit) {
				a->reached[r]++;
				break;
			}
		}
}

static int
count_case(void *vctx, const struct case_record *c)
{
	struct acc *a = vctx;
	const struct keyfile_secret *key;
	struct archive_entry e;
	struct deadline dl[DEADLINE_MAX];
	char name[CASES_NAME_BUF], town[TOWN_MAX + 1];
	struct case_record with_rn;
	json_t *m = NULL;
	const json_t *r, *subj;
	long day, accepted, concluded;
	size_t ndl;
	int overdue = 0, rn;

	if (codec_day_number(c->day, &day) != 0)
		return ARCHIVE_ERR_CORRUPT;
	if (c->quarantine[0] != '\0')
		return 0;    /* counted with the quarantine records, not as a case */
	count_reached(a, c); /* by the day of the step, not the day received */
	if (!in_period(a->q, day))
		return 0;
	cases_format_name(name, c->district, c->index);
	key = a->key_for(a->ctx, c->district);
	if (key == NULL) {
		snprintf(a->err, a->errsz, _("no key for district %s"), c->district);
		return -1;
	}
	if (archive_entry_get(a->t, c->district, c->index, &e) != ARCHIVE_OK ||
	    e.kind != CHAIN_KIND_REPORT) {
		snprintf(a->err, a->errsz, _("case %s: its report entry is missing"), name);
		return -1;
	}
	if (opencase_envelope(key, e.envelope, e.envelope_len, &m, a->err, a->errsz) != 0) {
		char inner[256];

		snprintf(inner, sizeof inner, "%s", a->err);
		snprintf(a->err, a->errsz, _("case %s: %s"), name, inner);
		return -1;
	}
	r = json_object_get(m, "report");
	subj = json_object_get(r, "subject");
	rn = workflow_manifest_real_name(m);
	if (bump(a->stage, workflow_stage_of(c)) != 0 ||
	    bump(a->status, c->status[0] != '\0' ? c->status : "unspecified") != 0 ||
	    bump(a->category, value_or(json_object_get(r, "category"), "unspecified")) != 0 ||
	    bump(a->type, value_or(json_object_get(r, "type"), "unspecified")) != 0 ||
	    bump(a->level, value_or(json_object_get(subj, "level"), "unknown")) != 0 ||
	    bump(a->town, town_of(json_object_get(r, "town"), town)) != 0 ||
	    (json_is_string(json_object_get(r, "concerns")) &&
	     bump(a->concerns, json_string_value(json_object_get(r, "concerns"))) != 0) ||
	    stats_longs_push(&a->days, day) != 0) {
		json_decref(m);
		snprintf(a->err, a->errsz, _("out of memory"));
		return -1;
	}
	json_decref(m);
	a->cases++;
	if (rn)
		a->real_name++;
	else
		a->anonymous++;

	deadline_milestones(c, &accepted, &concluded);
	if ((accepted >= day &&
	     (stats_longs_push(&a->acc_days, accepted - day) != 0 ||
	      stats_longs_push(&a->acc_wd, workdays_between(a->q->w, day, accepted)) != 0)) ||
	    (concluded >= day &&
	     (stats_longs_push(&a->con_days, concluded - day) != 0 ||
	      stats_longs_push(&a->con_wd, workdays_between(a->q->w, day, concluded)) != 0))) {
		snprintf(a->err, a->errsz, _("out of memory"));
		return -1;
	}
	/* deadlines: the record may predate the real-name flag; the manifest knows */
	with_rn = *c; /* borrows c's lists; never freed */
	with_rn.real_name = rn ? 1 : 0;
	ndl = deadline_of_case(&with_rn, a->q->w, a->q->today, dl);
	for (size_t i = 0; i < ndl; i++) {
		a->dl[dl[i].kind][dl[i].state]++;
		overdue |= dl[i].state == DEADLINE_OVERDUE;
	}
	a->overdue_cases += overdue;
	return 0;
}

static int
cmp_long(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;

	return (a > b) - (a < b);
}

int
stats_quantiles(long *v, size_t n, double *median, long *p90)
{
	if (n == 0)
		return -1;
	size_t mid = n / 2, rank = (9 * n + 9) / 10; /* ceil(0.9 n) */

	qsort(v, n, sizeof *v, cmp_long);
	if (n % 2 == 1)
		*median = (double)v[mid];
	else
		*median = ((double)v[mid - 1] + (double)v[mid]) / 2.0;
	*p90 = v[rank - 1];
	return 0;
}

static json_t *
durations(struct stats_longs *days, struct stats_longs *wd)
{
	double md, mw;
	long pd, pw;

	if (stats_quantiles(days->v, days->n, &md, &pd) != 0 ||
	    stats_quantiles(wd->v, wd->n, &mw, &pw) != 0)
		return json_pack("{s:i, s:n, s:n, s:n, s:n}", "cases", 0, "median_days", "p90_days",
		                 "median_working_days", "p90_working_days");
	return json_pack("{s:I, s:f, s:I, s:f, s:I}", "cases", (json_int_t)days->n, "median_days",
	                 md, "p90_days", (json_int_t)pd, "median_working_days", mw,
	                 "p90_working_days", (json_int_t)pw);
}

/* An object with every value of table (count 0) so that the order is fixed. */
static json_t *
zeros(const struct vocab_word *t)
{
	json_t *o = json_object();

	for (; o != NULL && t->word != NULL; t++)
		json_object_set_new(o, t->word, json_integer(0));
	return o;
}

struct town_row {
	const char *name;
	json_int_t n;
};

static int
cmp_town(const void *x, const void *y)
{
	const struct town_row *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* by_town sorted: most first, then by name. */
static json_t *
sorted_towns(const json_t *towns)
{
	size_t n = json_object_size(towns), i = 0;
	struct town_row *rows = calloc(n + 1, sizeof *rows);
	const char *k;
	const json_t *v;
	json_t *o;

	if (rows == NULL)
		return NULL;
	json_object_foreach((json_t *)(uintptr_t)towns, k, v)
	{
		rows[i].name = k;
		rows[i].n = json_integer_value(v);
		i++;
	}
	qsort(rows, n, sizeof *rows, cmp_town);
	o = json_object();
	for (i = 0; o != NULL && i < n; i++)
		json_object_set_new(o, rows[i].name, json_integer(rows[i].n));
	free(rows);
	return o;
}

static long
week_of(long day)
{
	return day - (workdays_weekday(day) + 6) % 7;
}

static json_t *
weekly(const struct acc *a, char *err, size_t errsz)
{
	long start = a->q->from, end = a->q->to, nweeks;
	long *counts;
	json_t *out = json_array();

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < a->days.n; i++) {
		if (a->q->from < 0 && (start < 0 || a->days.v[i] < start))
			start = a->days.v[i];
		if (a->q->to < 0 && (end < 0 || a->days.v[i] > end))
			end = a->days.v[i];
	}
	if (start < 0 || end < 0 || end < start)
		return out;
	nweeks = (week_of(end) - week_of(start)) / 7 + 1;
	if (nweeks > STATS_WEEKS_MAX) {
		snprintf(err, errsz,
		         _("the range covers %ld weeks; at most %d fit in the weekly chart"),
		         nweeks, STATS_WEEKS_MAX);
		json_decref(out);
		return NULL;
	}
	counts = calloc((size_t)nweeks, sizeof *counts);
	if (counts == NULL) {
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < a->days.n; i++)
		counts[(week_of(a->days.v[i]) - week_of(start)) / 7]++;
	for (long k = 0; k < nweeks; k++) {
		char d[CODEC_DAY_LEN + 1];

		codec_day_from_number(d, week_of(start) + 7 * k);
		json_array_append_new(
		        out, json_pack("{s:s, s:I}", "week", d, "cases", (json_int_t)counts[k]));
	}
	free(counts);
	return out;
}

static json_t *
day_or_null(long d)
{
	char s[CODEC_DAY_LEN + 1];

	if (d < 0 || codec_day_from_number(s, d) != 0)
		return json_null();
	return json_string(s);
}

/* Counts a quarantine record received within the query's days. */
static int
count_quarantined(void *vctx, const char *id, const json_t *q)
{
	struct acc *a = vctx;
	long day;

	(void)id;
	if (codec_day_number(json_string_value(json_object_get(q, "day")), &day) != 0)
		return ARCHIVE_ERR_CORRUPT;
	if ((a->q->from < 0 || day >= a->q->from) && (a->q->to < 0 || day <= a->q->to))
		a->quarantined++;
	return 0;
}

int
stats_compute(struct archive_txn *t, const struct stats_query *q, stats_key_fn key_for, void *ctx,
              json_t **out, char *err, size_t errsz)
{
	struct acc a;
	size_t nst;
	const struct workflow_stage *st = workflow_stages(&nst);
	json_t *s = NULL, *dls = NULL, *wk = NULL;
	int rc, ret = -1;

	*out = NULL;
	memset(&a, 0, sizeof a);
	a.t = t;
	a.q = q;
	a.key_for = key_for;
	a.ctx = ctx;
	a.err = err;
	a.errsz = errsz;
	err[0] = '\0';
	a.stage = json_object();
	a.status = json_object();
	a.category = zeros(vocab_words(VOCAB_CATEGORY));
	a.level = zeros(vocab_words(VOCAB_LEVEL));
	a.type = zeros(vocab_words(VOCAB_TYPE));
	a.town = json_object();
	a.concerns = json_object();
	if (a.concerns == NULL || a.stage == NULL || a.status == NULL || a.category == NULL ||
	    a.level == NULL || a.type == NULL || a.town == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < nst; i++)
		json_object_set_new(a.stage, st[i].name, json_integer(0));
	for (size_t i = 0; statuses[i] != NULL; i++)
		json_object_set_new(a.status, statuses[i], json_integer(0));
	rc = archive_case_each(t, q->district, count_case, &a);
	if (rc == 0)
		rc = archive_quarantine_foreach(t, q->district, count_quarantined, &a);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		goto out;
	}
	dls = json_object();
	for (int k = 0; dls != NULL && k < DEADLINE_MAX; k++) {
		json_t *o = json_object();

		for (int sidx = 0; o != NULL && sidx < 5; sidx++)
			json_object_set_new(o, deadline_state_name(sidx),
			                    json_integer(a.dl[k][sidx]));
		json_object_set_new(dls, deadline_kind_name(k), o);
	}
	wk = weekly(&a, err, errsz);
	if (wk == NULL) {
		if (err[0] == '\0')
			snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	s = json_pack("{s:i, s:s?, s:o, s:o, s:o, s:I, s:O, s:O, s:O, s:o, s:O, s:O, "
	              "s:{s:I, s:I}, s:o, s:o, s:O, s:I, s:O}",
	              "v", 1, "district", q->district, "from", day_or_null(q->from), "to",
	              day_or_null(q->to), "today", day_or_null(q->today), "cases",
	              (json_int_t)a.cases, "by_stage", a.stage, "by_status", a.status,
	              "by_category", a.category, "by_town", sorted_towns(a.town), "by_level",
	              a.level, "by_type", a.type, "identity", "real_name", (json_int_t)a.real_name,
	              "anonymous", (json_int_t)a.anonymous, "to_acceptance",
	              durations(&a.acc_days, &a.acc_wd), "to_conclusion",
	              durations(&a.con_days, &a.con_wd), "deadlines", dls, "overdue_cases",
	              (json_int_t)a.overdue_cases, "weekly", wk);
	if (s == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	if (q->district == NULL)
		json_object_set_new(s, "district", json_null());
	json_object_set_new(s, "quarantined", json_integer(a.quarantined));
	{
		json_t *r = json_object();

		for (size_t i = 0; r != NULL && i < NREACH; i++)
			json_object_set_new(r, reaches[i].key, json_integer(a.reached[i]));
		if (r == NULL || json_object_set_new(s, "reached", r) != 0) {
			json_decref(s);
			snprintf(err, errsz, "out of memory");
			goto out;
		}
	}
	json_object_set(s, "by_concerns", a.concerns);
	*out = s;
	ret = 0;
out:
	json_decref(a.stage);
	json_decref(a.status);
	json_decref(a.category);
	json_decref(a.level);
	json_decref(a.type);
	json_decref(a.town);
	json_decref(a.concerns);
	json_decref(dls);
	json_decref(wk);
	free(a.acc_days.v);
	free(a.acc_wd.v);
	free(a.con_days.v);
	free(a.con_wd.v);
	free(a.days.v);
	return ret;
}

/* ---- labels and printing -------------------------------------------------- */

const char *
stats_label(const char *section, const char *key)
{
	if (section == NULL || key == NULL)
		return NULL;
	if (strcmp(key, "unspecified") == 0)
		return "未填";
	if (strcmp(section, "stage") == 0)
		return workflow_stage_label(key);
	if (strcmp(section, "reached") == 0) {
		for (size_t i = 0; i < NREACH; i++)
			if (strcmp(key, reaches[i].key) == 0)
				return reaches[i].label;
		return NULL;
	}
	if (strcmp(section, "status") == 0)
		return cases_status_label(key);
	if (strcmp(section, "category") == 0)
		return vocab_zh(vocab_words(VOCAB_CATEGORY), key);
	if (strcmp(section, "level") == 0)
		return vocab_zh(vocab_words(VOCAB_LEVEL), key);
	if (strcmp(section, "type") == 0)
		return vocab_zh(vocab_words(VOCAB_TYPE), key);
	if (strcmp(section, "identity") == 0)
		return strcmp(key, "real_name") == 0   ? "实名"
		       : strcmp(key, "anonymous") == 0 ? "匿名"
		                                       : NULL;
	if (strcmp(section, "deadline") == 0) {
		for (int k = 0; k < DEADLINE_MAX; k++)
			if (strcmp(key, deadline_kind_name(k)) == 0)
				return deadline_kind_label(k);
		return NULL;
	}
	if (strcmp(section, "state") == 0) {
		for (int k = 0; k < 5; k++)
			if (strcmp(key, deadline_state_name(k)) == 0)
				return deadline_state_label(k);
		return NULL;
	}
	return NULL;
}

/* Prints a number that is either an integer or a real with at most one decimal. */
static void
num(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(f, "%lld", json_integer_value(v));
	else if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d == (double)(long)d)
			fprintf(f, "%ld", (long)d);
		else
			fprintf(f, "%.1f", d);
	}
}

static void
text_section(FILE *f, const json_t *s, const char *member, const char *section, const char *title)
{
	const char *k;
	const json_t *v;

	fprintf(f, "\n%s\n", title);
	json_object_foreach(json_object_get(s, member), k, v)
	{
		const char *zh = stats_label(section, k);
		int w = cli_columns(k) + (zh != NULL ? 1 + cli_columns(zh) : 0);

		fputs("  ", f);
		cli_print_text(f, k, NULL);
		if (zh != NULL)
			fprintf(f, " %s", zh);
		for (; w < 40; w++)
			fputc(' ', f);
		fprintf(f, " %6lld\n", json_integer_value(v));
	}
}

static void
text_duration(FILE *f, const json_t *d, const char *title)
{
	fprintf(f, _("  %s: %lld cases"), title, json_integer_value(json_object_get(d, "cases")));
	if (json_integer_value(json_object_get(d, "cases")) > 0) {
		fputs(_(", median "), f);
		num(f, json_object_get(d, "median_days"));
		fputs(_(" days ("), f);
		num(f, json_object_get(d, "median_working_days"));
		fputs(_(" working), 90th percentile "), f);
		num(f, json_object_get(d, "p90_days"));
		fputs(_(" days ("), f);
		num(f, json_object_get(d, "p90_working_days"));
		fputs(_(" working)"), f);
	}
	fputc('\n', f);
}

void
stats_print_text(FILE *f, const json_t *s)
{
	const json_t *dls = json_object_get(s, "deadlines"), *it;
	const char *k;
	size_t i;

	{
		const char *from = json_string_value(json_object_get(s, "from"));
		const char *to = json_string_value(json_object_get(s, "to"));
		const char *d = json_string_value(json_object_get(s, "district"));

		fprintf(f, _("清风 统计 Qingfeng statistics: district %s, received "),
		        d != NULL ? d : "(all)");
		if (from == NULL && to == NULL)
			fputs(_("on any day"), f);
		else
			fprintf(f, _("%s to %s"), from != NULL ? from : "the first day",
			        to != NULL ? to : "the last day");
		fprintf(f, _(", as of %s\n"), json_string_value(json_object_get(s, "today")));
	}
	fprintf(f, _("案件总数 Cases: %lld\n"), json_integer_value(json_object_get(s, "cases")));
	fprintf(f,
	        _("隔离条目 Quarantined entries (kept, not cases; see list): %lld"
	          "\n"),
	        json_integer_value(json_object_get(s, "quarantined")));
	text_section(f, s, "by_stage", "stage", _("当前所处阶段 Current stage"));
	fprintf(f, "\n%s\n",
	        json_is_null(json_object_get(s, "from")) && json_is_null(json_object_get(s, "to"))
	                ? _("累计 Cases that ever reached each step")
	                : _("期间内 Cases that reached each step within the period"));
	{
		const json_t *v;

		json_object_foreach(json_object_get(s, "reached"), k, v)
		{
			const char *zh = stats_label("reached", k);
			int w = cli_columns(zh) + 1 + cli_columns(k);

			fprintf(f, "  %s %s", zh, k);
			for (; w < 40; w++)
				fputc(' ', f);
			fprintf(f, " %6" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
		}
	}
	text_section(f, s, "by_status", "status", _("按状态 By status (what reporters see)"));
	text_section(f, s, "by_category", "category", _("按问题类别 By category"));
	text_section(f, s, "by_town", "town", _("按乡镇（街道）By town"));
	if (json_object_size(json_object_get(s, "by_concerns")) > 0)
		text_section(f, s, "by_concerns", "concerns",
		             _("转自下级（涉及县处级干部）Routed from the districts below"));
	text_section(f, s, "by_level", "level", _("按被反映人级别 By subject level"));
	text_section(f, s, "by_type", "type", _("按类型 By report type"));
	text_section(f, s, "identity", "identity", _("实名/匿名 Real name or anonymous"));
	fputs(_("\n办理时长 Time taken (from the day received)\n"), f);
	text_duration(f, json_object_get(s, "to_acceptance"), _("受理 to acceptance"));
	text_duration(f, json_object_get(s, "to_conclusion"), _("办结 to conclusion"));
	fputs(_("\n期限 Deadlines (working days)\n"), f);
	json_object_foreach((json_t *)(uintptr_t)dls, k, it)
	{
		const char *sk;
		const json_t *v;

		fprintf(f, "  %s %s:", stats_label("deadline", k), k);
		json_object_foreach((json_t *)(uintptr_t)it, sk, v)
		{
			fprintf(f, " %s %s %lld;", stats_label("state", sk), sk,
			        json_integer_value(v));
		}
		fputc('\n', f);
	}
	fprintf(f, _("  逾期案件 Cases with an overdue deadline: %lld\n"),
	        json_integer_value(json_object_get(s, "overdue_cases")));
	fputs(_("\n每周收件 Weekly intake (week from Monday)\n"), f);
	json_array_foreach(json_object_get(s, "weekly"), i, it)
	{
		fprintf(f, "  %s %6lld\n", json_string_value(json_object_get(it, "week")),
		        json_integer_value(json_object_get(it, "cases")));
	}
}

/* One CSV cell, quoted when needed, defused when a spreadsheet would see a formula. */
static void
csv_cell(FILE *f, const char *s)
{
	int quote;

	if (s == NULL)
		return;
	quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == '=' || s[0] == '+' || s[0] == '-' ||
	        s[0] == '@' || s[0] == '\t';
	if (quote)
		fputc('"', f);
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t')
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}

static void
csv_row(FILE *f, const char *section, const char *key, const char *label, const json_t *v)
{
	csv_cell(f, section);
	fputc(',', f);
	csv_cell(f, key);
	fputc(',', f);
	csv_cell(f, label);
	fputc(',', f);
	num(f, v);
	fputs("\r\n", f);
}

static void
csv_section(FILE *f, const json_t *s, const char *member, const char *section)
{
	const char *k;
	const json_t *v;

	json_object_foreach(json_object_get(s, member), k, v)
	{
		csv_row(f, section, k, stats_label(section, k), v);
	}
}

void
stats_print_csv(FILE *f, const json_t *s)
{
	static const char *const dur[] = {
	        "cases", "median_days", "p90_days", "median_working_days", "p90_working_days",
	        NULL};
	const char *k;
	const json_t *v, *it;
	size_t i;

	fputs("section,key,label,value\r\n", f);
	csv_row(f, "cases", "all", "案件总数", json_object_get(s, "cases"));
	csv_section(f, s, "by_stage", "stage");
	csv_section(f, s, "reached", "reached");
	csv_section(f, s, "by_status", "status");
	csv_section(f, s, "by_category", "category");
	csv_section(f, s, "by_town", "town");
	csv_section(f, s, "by_level", "level");
	csv_section(f, s, "by_type", "type");
	csv_section(f, s, "identity", "identity");
	for (int d = 0; d < 2; d++) {
		const char *m = d == 0 ? "to_acceptance" : "to_conclusion";

		for (i = 0; dur[i] != NULL; i++)
			csv_row(f, m, dur[i], d == 0 ? "受理用时" : "办结用时",
			        json_object_get(json_object_get(s, m), dur[i]));
	}
	json_object_foreach(json_object_get(s, "deadlines"), k, it)
	{
		char section[64];

		snprintf(section, sizeof section, "deadline_%s", k);
		{
			const char *sk;

			json_object_foreach((json_t *)(uintptr_t)it, sk, v)
			{
				csv_row(f, section, sk, stats_label("state", sk), v);
			}
		}
	}
	csv_row(f, "overdue_cases", "all", "逾期案件", json_object_get(s, "overdue_cases"));
	json_array_foreach(json_object_get(s, "weekly"), i, it)
	{
		csv_row(f, "week", json_string_value(json_object_get(it, "week")), "每周收件",
		        json_object_get(it, "cases"));
	}
}

static int
stats_day(const char *name, const char *s, long *out)
{
	*out = -1;
	if (s != NULL && codec_day_number(s, out) != 0) {
		cli_error(_("%s must be a day YYYY-MM-DD, not '%s'"), name, s);
		return -1;
	}
	return 0;
}

int
stats_command(struct session *s, const struct session_args *o)
{
	struct workdays *w = NULL;
	struct stats_query q;
	char err[SESSION_ERR_MAX], district[CODEC_DISTRICT_BUF], all[CODEC_DISTRICT_BUF + 2];
	const char *path = o->svg != NULL ? o->svg : o->html;
	struct stat st;
	json_t *r = NULL;
	int rc = -1;

	memset(&q, 0, sizeof q);
	if (stats_day("--from", o->from, &q.from) != 0 || stats_day("--to", o->to, &q.to) != 0)
		return CLI_EXIT_USER;
	if (q.from >= 0 && q.to >= 0 && q.to < q.from) {
		cli_error(_("--to %s lies before --from %s"), o->to, o->from);
		return CLI_EXIT_USER;
	}
	/* before the passphrase: the file is made O_EXCL in the end anyway */
	if (path != NULL && lstat(path, &st) == 0) {
		cli_error(_("cannot create %s: it exists; refusing to overwrite it"), path);
		return CLI_EXIT_USER;
	}
	q.today = s->today;
	q.district = district;
	if (session_archive(s) != 0 || session_district(s, o->district, 1, district) != 0 ||
	    session_calendar(s, 0, &w) != 0 || session_key(s, district) == NULL)
		goto out;
	snprintf(all, sizeof all, "%s-*", district);
	if (session_log(s, "stats", all, NULL) != 0 || session_begin(s, 0) != 0)
		goto out;
	q.w = w;
	rc = stats_compute(s->t, &q, session_key, s, &r, err, sizeof err);
	session_abort(s, NULL);
	if (rc != 0 && !s->key_failed)
		cli_error("%s", err);
	if (rc == 0 && path != NULL) {
		rc = chart_write_file(path, r, o->html != NULL, err, sizeof err);
		if (rc != 0)
			cli_error("%s", err);
		else
			printf(_("wrote %s (%s, %lld cases)\n"), path,
			       o->html != NULL ? "HTML" : "SVG",
			       json_integer_value(json_object_get(r, "cases")));
	} else if (rc == 0 && o->json) {
		json_dumpf(r, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (rc == 0) {
		(o->csv ? stats_print_csv : stats_print_text)(stdout, r);
	}
out:
	json_decref(r);
	workdays_free(w);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_USER;
}
