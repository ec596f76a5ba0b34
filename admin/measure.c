/* measure: see measure.h. */
#include "admin/measure.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/stats.h"
#include "crypto/chain.h"
#include "crypto/serverkey.h"

/* ---- accumulators ----------------------------------------------------------- */

struct series {
	struct stats_longs d; /* working days each report took */
	long late;
};

struct acc {
	long reports, followups;
	struct series read, decision, conclusion;
	long unread, unread_overdue, undecided_overdue, unconcluded_overdue;
	long closed_other, open, stale, duban, backdated;
	long by_status[OVERSEE_NSTATUS];
	long *mrep, *mfol; /* per month of the range */
};

static int
series_merge(struct series *into, const struct series *from)
{
	for (size_t i = 0; i < from->d.n; i++)
		if (stats_longs_push(&into->d, from->d.v[i]) != 0)
			return -1;
	into->late += from->late;
	return 0;
}

static void
acc_free(struct acc *a)
{
	free(a->read.d.v);
	free(a->decision.d.v);
	free(a->conclusion.d.v);
	free(a->mrep);
	free(a->mfol);
}

/* ---- months ------------------------------------------------------------------------ */

/* year * 12 + month - 1 of a day number. */
static long
month_of(long day)
{
	char s[CODEC_DAY_LEN + 1];

	if (codec_day_from_number(s, day) != 0)
		return 0;
	return strtol(s, NULL, 10) * 12 + strtol(s + 5, NULL, 10) - 1;
}

static json_t *
months_json(const long *rep, const long *fol, long first, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++) {
		long m = first + (long)i;
		char name[48];

		snprintf(name, sizeof name, "%04ld-%02ld", m / 12, m % 12 + 1);
		if (json_array_append_new(a, json_pack("{s:s, s:I, s:I}", "month", name, "reports",
		                                       (json_int_t)rep[i], "followups",
		                                       (json_int_t)fol[i])) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

/* ---- one commission ------------------------------------------------------------------- */

struct ctx {
	const struct oversee *ov;
	const struct measure_query *q;
	json_t *duban, *backdated;
	long mfirst; /* first month of the range */
	size_t nmonths;
	int nomem;
};

static const char *
dayname(long day, char buf[CODEC_DAY_LEN + 1])
{
	if (codec_day_from_number(buf, day) != 0)
		snprintf(buf, CODEC_DAY_LEN + 1, "?");
	return buf;
}

/* The day of the first update (applied by as_of) acknowledging index, or -1. */
static long
read_day(const struct oversee_district *d, uint64_t index, long as_of)
{
	size_t lo = 0, hi = d->nupdates;

	while (lo < hi) { /* acks_through never falls from one update to the next */
		size_t mid = lo + (hi - lo) / 2;

		if (d->updates[mid].acks_through < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nupdates && d->updates[lo].day <= as_of ? d->updates[lo].day : -1;
}

static void
add_duban(struct ctx *c, const struct oversee_district *d, uint64_t index, long rday,
          const char *what, long since, long by)
{
	char b1[CODEC_DAY_LEN + 1], b2[CODEC_DAY_LEN + 1];

	if (json_array_append_new(c->duban,
	                          json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "district", d->id,
	                                    "index", (json_int_t)index, "report_day",
	                                    dayname(rday, b1), "what", what, "since",
	                                    dayname(since, b2), "late_by", (json_int_t)by)) != 0)
		c->nomem = 1;
}

static void
add_backdated(struct ctx *c, const struct oversee_district *d, const struct oversee_statement *s,
              long rday, const char *rule, long bound)
{
	char b1[CODEC_DAY_LEN + 1], b2[CODEC_DAY_LEN + 1], b3[CODEC_DAY_LEN + 1];

	if (json_array_append_new(c->backdated,
	                          json_pack("{s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "district",
	                                    d->id, "index", (json_int_t)s->index, "report_day",
	                                    dayname(rday, b3), "seq", (json_int_t)s->seq, "status",
	                                    oversee_status_name(s->status), "status_day",
	                                    dayname(s->status_day, b1), "rule", rule, "bound_day",
	                                    dayname(bound, b2))) != 0)
		c->nomem = 1;
}

/* The day the server applied the update before seq (the highest applied below it), or -1. */
static long
previous_update_day(const struct oversee_district *d, uint64_t seq)
{
	long day = -1;

	for (size_t i = 0; i < d->nupdates && d->updates[i].seq < seq; i++)
		day = d->updates[i].day;
	return day;
}

static int
is_closed_other(int st)
{
	return st == OVERSEE_NOT_ACCEPTED || st == OVERSEE_TRANSFERRED;
}

/* A step of report R done on day done: its working days into s, late when over limit. */
static void
step_done(struct ctx *c, struct series *s, long R, long done, unsigned limit)
{
	long t = workdays_between(c->q->w, R, done);

	if (stats_longs_push(&s->d, t) != 0)
		c->nomem = 1;
	if (t > (long)limit)
		s->late++;
}

/*
 * A step of report index of d not done, el working days after the report:
 * returns 1 when that is over limit, and then lists the report for 督办
 * (what is late since the report's day) unless *listed says it is already.
 */
static int
step_overdue(struct ctx *c, const struct oversee_district *d, uint64_t index, const char *what,
             long el, unsigned limit, int *listed)
{
	long R = d->entries[index - 1].day;

	if (el <= (long)limit)
		return 0;
	if (!*listed)
		add_duban(c, d, index, R, what, R, el - (long)limit);
	*listed = 1;
	return 1;
}

static void
measure_district(struct ctx *c, const struct oversee_district *d, struct acc *a)
{
	const struct measure_query *q = c->q;
	const struct workdays *w = q->w;
	size_t si = 0;

	for (uint64_t i = 1; i <= d->size && !c->nomem; i++) {
		const struct oversee_entry *e = &d->entries[i - 1];
		long R = e->day, rd, dec = -1, conc = -1, last = -1, el, m;
		int latest = -1, prev = -1, listed = 0;

		/* statements of this report (sorted by index, seq) */
		while (si < d->nstatements && d->statements[si].index < i)
			si++;
		if (e->kind == 0 || e->day > q->as_of)
			continue;
		m = month_of(R) - c->mfirst;
		if (e->kind == CHAIN_KIND_FOLLOWUP) {
			a->followups++;
			if (m >= 0 && (size_t)m < c->nmonths)
				a->mfol[m]++;
			continue;
		}
		a->reports++;
		if (m >= 0 && (size_t)m < c->nmonths)
			a->mrep[m]++;
		const struct oversee_statement *pst = NULL;

		for (size_t k = si; k < d->nstatements && d->statements[k].index == i; k++) {
			const struct oversee_statement *s = &d->statements[k];
			const struct oversee_update *u = oversee_update_of(d, s->seq);

			if (u == NULL || u->day > q->as_of)
				continue;
			if (dec < 0 && s->status != OVERSEE_RECEIVED &&
			    s->status != OVERSEE_NEED_INFO)
				dec = u->day;
			if (conc < 0 && s->status == OVERSEE_CONCLUDED)
				conc = u->day;
			if (s->status != prev) {
				long before = previous_update_day(d, s->seq);

				if (s->status_day < R) {
					add_backdated(c, d, s, R, "before_report", R);
					a->backdated++;
				} else if (before >= 0 && s->status_day < before) {
					add_backdated(c, d, s, R, "before_previous_update", before);
					a->backdated++;
				}
			}
			/* a statement carried again unchanged (only its seq differs) is no change */
			if (pst == NULL || s->status != pst->status ||
			    s->status_day != pst->status_day || s->replies != pst->replies ||
			    s->followups != pst->followups)
				last = u->day;
			pst = s;
			prev = s->status;
			latest = s->status;
		}
		el = workdays_between(w, R, q->as_of);
		rd = read_day(d, i, q->as_of);
		if (rd >= 0) {
			step_done(c, &a->read, R, rd, q->lim.read);
			a->by_status[latest >= 0 ? latest : OVERSEE_RECEIVED]++;
		} else {
			a->unread++;
			a->unread_overdue +=
			        step_overdue(c, d, i, "read", el, q->lim.read, &listed);
		}
		if (dec >= 0)
			step_done(c, &a->decision, R, dec, q->lim.decide);
		else
			a->undecided_overdue +=
			        step_overdue(c, d, i, "decision", el, q->lim.decide, &listed);
		if (conc >= 0)
			step_done(c, &a->conclusion, R, conc, q->lim.conclude);
		else if (latest >= 0 && is_closed_other(latest))
			a->closed_other++;
		else
			a->unconcluded_overdue +=
			        step_overdue(c, d, i, "conclusion", el, q->lim.conclude, &listed);
		if (rd >= 0 && latest != OVERSEE_CONCLUDED && !is_closed_other(latest)) {
			long since = last >= 0 ? last : rd,
			     sw = workdays_between(w, since, q->as_of);

			a->open++;
			if (sw > (long)q->lim.stale) {
				a->stale++;
				add_duban(c, d, i, R, "stale", since, sw - (long)q->lim.stale);
				listed = 1;
			}
		}
		a->duban += listed;
	}
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static json_t *
series_json(struct series *s)
{
	double median;
	long p90;

	if (s->d.n == 0 || stats_quantiles(s->d.v, s->d.n, &median, &p90) != 0)
		return json_pack("{s:I, s:n, s:n, s:I}", "cases", (json_int_t)s->d.n, "median_wd",
		                 "p90_wd", "late", (json_int_t)s->late);
	return json_pack("{s:I, s:f, s:I, s:I}", "cases", (json_int_t)s->d.n, "median_wd", median,
	                 "p90_wd", (json_int_t)p90, "late", (json_int_t)s->late);
}

/* Adds the measures of a to o. Returns 0, or -1 out of memory. */
static int
acc_json(json_t *o, struct acc *a, const struct ctx *c)
{
	json_t *bs = json_object();
	int rc = 0;

	for (int i = 0; bs != NULL && i < OVERSEE_NSTATUS; i++)
		if (json_object_set_new(bs, oversee_status_name(i),
		                        json_integer(a->by_status[i])) != 0)
			rc = -1;
	rc |= json_object_set_new(o, "reports", json_integer(a->reports));
	rc |= json_object_set_new(o, "followups", json_integer(a->followups));
	rc |= json_object_set_new(o, "read", series_json(&a->read));
	rc |= json_object_set_new(o, "decision", series_json(&a->decision));
	rc |= json_object_set_new(o, "conclusion", series_json(&a->conclusion));
	rc |= json_object_set_new(o, "unread", json_integer(a->unread));
	rc |= json_object_set_new(o, "unread_overdue", json_integer(a->unread_overdue));
	rc |= json_object_set_new(o, "undecided_overdue", json_integer(a->undecided_overdue));
	rc |= json_object_set_new(o, "unconcluded_overdue", json_integer(a->unconcluded_overdue));
	rc |= json_object_set_new(o, "closed_other", json_integer(a->closed_other));
	rc |= json_object_set_new(o, "open", json_integer(a->open));
	rc |= json_object_set_new(o, "stale", json_integer(a->stale));
	rc |= json_object_set_new(o, "duban", json_integer(a->duban));
	rc |= json_object_set_new(o, "backdated", json_integer(a->backdated));
	rc |= json_object_set_new(o, "by_status", bs);
	rc |= json_object_set_new(o, "months",
	                          months_json(a->mrep, a->mfol, c->mfirst, c->nmonths));
	return rc != 0 ? -1 : 0;
}

int
measure_compute(const struct oversee *ov, const struct measure_query *q, json_t **out, char *err,
                size_t errsz)
{
	struct ctx c;
	struct acc *accs = NULL, total;
	json_t *m = NULL, *list = NULL, *tot = NULL;
	char asof[CODEC_DAY_LEN + 1], fp[SERVERKEY_FINGERPRINT_BUF];
	long first = -1, last = month_of(q->as_of);
	size_t i;
	int rc = -1;

	*out = NULL;
	memset(&c, 0, sizeof c);
	memset(&total, 0, sizeof total);
	c.ov = ov;
	c.q = q;
	for (i = 0; i < ov->nd; i++)
		for (uint64_t k = 0; k < ov->d[i].size; k++) {
			const struct oversee_entry *e = &ov->d[i].entries[k];

			if (e->kind != 0 && e->day <= q->as_of) {
				long mo = month_of(e->day);

				if (first < 0 || mo < first)
					first = mo;
				break; /* days never go back along a chain */
			}
		}
	if (first < 0 || first > last)
		first = last;
	if (last - first + 1 > MEASURE_MONTHS_MAX)
		first = last - MEASURE_MONTHS_MAX + 1;
	c.mfirst = first;
	c.nmonths = (size_t)(last - first + 1);
	c.duban = json_array();
	c.backdated = json_array();
	accs = calloc(ov->nd > 0 ? ov->nd : 1, sizeof *accs);
	total.mrep = calloc(c.nmonths, sizeof(long));
	total.mfol = calloc(c.nmonths, sizeof(long));
	list = json_array();
	if (c.duban == NULL || c.backdated == NULL || accs == NULL || total.mrep == NULL ||
	    total.mfol == NULL || list == NULL)
		goto out;
	for (i = 0; i < ov->nd; i++) {
		const struct oversee_district *d = &ov->d[i];
		struct acc *a = &accs[i];
		json_t *o;

		a->mrep = calloc(c.nmonths, sizeof(long));
		a->mfol = calloc(c.nmonths, sizeof(long));
		if (a->mrep == NULL || a->mfol == NULL)
			goto out;
		measure_district(&c, d, a);
		if (c.nomem)
			goto out;
		o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:I}", "id", d->id, "name",
		              d->name, "level", d->level, "parent",
		              d->parent[0] ? json_string(d->parent) : json_null(), "fingerprint",
		              d->fingerprint, "key_state",
		              d->key_pinned_now ? "pinned now" : "as pinned", "verified_before",
		              d->pinned_day[0] ? json_string(d->pinned_day) : json_null(), "size",
		              (json_int_t)d->size);
		if (o == NULL || acc_json(o, a, &c) != 0 || json_array_append_new(list, o) != 0)
			goto out;
		if (i > 0 || ov->nd == 1) {
			total.reports += a->reports;
			total.followups += a->followups;
			if (series_merge(&total.read, &a->read) != 0 ||
			    series_merge(&total.decision, &a->decision) != 0 ||
			    series_merge(&total.conclusion, &a->conclusion) != 0)
				goto out;
			total.unread += a->unread;
			total.unread_overdue += a->unread_overdue;
			total.undecided_overdue += a->undecided_overdue;
			total.unconcluded_overdue += a->unconcluded_overdue;
			total.closed_other += a->closed_other;
			total.open += a->open;
			total.stale += a->stale;
			total.duban += a->duban;
			total.backdated += a->backdated;
			for (int k = 0; k < OVERSEE_NSTATUS; k++)
				total.by_status[k] += a->by_status[k];
			for (size_t k = 0; k < c.nmonths; k++) {
				total.mrep[k] += a->mrep[k];
				total.mfol[k] += a->mfol[k];
			}
		}
	}
	tot = json_pack("{s:I}", "commissions", (json_int_t)(ov->nd > 1 ? ov->nd - 1 : 1));
	if (tot == NULL || acc_json(tot, &total, &c) != 0)
		goto out;
	serverkey_fingerprint(fp, ov->server_pk);
	m = json_pack(
	        "{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I}, "
	        "s:{s:I, s:I, s:I, s:I}, s:o, s:O, s:O, s:O, s:O}",
	        "v", 1, "bundle_day", ov->day, "as_of", dayname(q->as_of, asof), "under",
	        ov->d[0].id, "under_name", ov->d[0].name, "server_key", fp, "server_key_state",
	        ov->server_pinned_now == 1   ? "first use"
	        : ov->server_pinned_now == 2 ? "replaced"
	        : ov->server_pinned_now == 3 ? "first use, as the archive's ingest pinned it"
	                                     : "as pinned",
	        "limits", "read", (json_int_t)q->lim.read, "decision", (json_int_t)q->lim.decide,
	        "conclusion", (json_int_t)q->lim.conclude, "stale", (json_int_t)q->lim.stale,
	        "verified", "commissions", (json_int_t)ov->nd, "entries", (json_int_t)ov->entries,
	        "updates", (json_int_t)ov->updates, "statements", (json_int_t)ov->statements,
	        "commissions", list, "total", tot, "months", json_object_get(tot, "months"),
	        "duban", c.duban, "backdated", c.backdated);
	list = NULL;
	if (m == NULL)
		goto out;
	*out = m;
	rc = 0;
out:
	if (rc != 0)
		snprintf(err, errsz, _("out of memory"));
	json_decref(list);
	json_decref(tot);
	json_decref(c.duban);
	json_decref(c.backdated);
	for (i = 0; accs != NULL && i < ov->nd; i++)
		acc_free(&accs[i]);
	free(accs);
	acc_free(&total);
	return rc;
}

/* ---- labels ------------------------------------------------------------------------------- */

const char *
measure_label(const char *key)
{
	static const struct {
		const char *key, *zh;
	} labels[] = {
	        {"read", "未读取"},
	        {"decision", "未作受理决定"},
	        {"conclusion", "未办结"},
	        {"stale", "久拖未决"},
	        {"before_report", "早于收件日"},
	        {"before_previous_update", "早于上次更新应用日"},
	};

	for (size_t i = 0; key != NULL && i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(key, labels[i].key) == 0)
			return labels[i].zh;
	return key != NULL ? key : "";
}

/* ---- text ------------------------------------------------------------------------------------ */

/* Display columns of UTF-8 text: East Asian wide characters count two. */
static size_t
text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), w = 0;

	while (len > 0) {
		unsigned cp;
		size_t n = cli_utf8_next(p, len, &cp);

		if (n == 0)
			n = 1, cp = '?';
		w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
		                     (cp >= 0xac00 && cp <= 0xd7a3) ||
		                     (cp >= 0xf900 && cp <= 0xfaff) ||
		                     (cp >= 0xfe30 && cp <= 0xfe4f) ||
		                     (cp >= 0xff00 && cp <= 0xff60) ||
		                     (cp >= 0xffe0 && cp <= 0xffe6)
		             ? 2
		             : 1;
		p += n;
		len -= n;
	}
	return w;
}

/* Writes s (our own text, never the server's) padded with spaces to width columns. */
static void
pad(FILE *f, const char *s, size_t width)
{
	size_t w = text_width(s);

	fputs(s, f);
	while (w++ < width)
		fputc(' ', f);
}

static void
cell(FILE *f, const char *s, size_t width)
{
	size_t w = text_width(s);

	while (w++ < width)
		fputc(' ', f);
	fputs(s, f);
}

#define LABEL_W 44
#define COL_W   11
#define COLS    6

json_int_t
measure_int(const json_t *o, const char *path1, const char *path2)
{
	const json_t *v = json_object_get(o, path1);

	if (path2 != NULL)
		v = json_object_get(v, path2);
	return json_integer_value(v);
}

/* "1 / 3" from a series (median / p90), "–" when empty. */
static void
fmt_series(char *out, size_t n, const json_t *s)
{
	const json_t *md = json_object_get(s, "median_wd"), *p = json_object_get(s, "p90_wd");

	if (!json_is_number(md)) {
		snprintf(out, n, "–");
		return;
	}
	if (json_number_value(md) == (double)(long)json_number_value(md))
		snprintf(out, n, "%ld / %lld", (long)json_number_value(md), json_integer_value(p));
	else
		snprintf(out, n, "%.1f / %lld", json_number_value(md), json_integer_value(p));
}

struct row {
	const char *label;
	const char *a, *b; /* member path */
	int series;        /* a median / p90 cell */
};

static const struct row rows[] = {
        {N_("收件 Reports"), "reports", NULL, 0},
        {N_("补充材料 Follow-ups"), "followups", NULL, 0},
        {N_("已读取 Read"), "read", "cases", 0},
        {N_("  读取用时 中位/P90 Read: median / p90"), "read", NULL, 1},
        {N_("  逾期读取 Read late"), "read", "late", 0},
        {N_("从未读取 Never read"), "unread", NULL, 0},
        {N_("  其中逾期 of them overdue"), "unread_overdue", NULL, 0},
        {N_("已作受理决定 Decided"), "decision", "cases", 0},
        {N_("  决定用时 中位/P90 Decision: median / p90"), "decision", NULL, 1},
        {N_("  逾期决定 Decided late"), "decision", "late", 0},
        {N_("未决定且逾期 Undecided, overdue"), "undecided_overdue", NULL, 0},
        {N_("已办结 Concluded"), "conclusion", "cases", 0},
        {N_("  办结用时 中位/P90 Conclusion: median / p90"), "conclusion", NULL, 1},
        {N_("  逾期办结 Concluded late"), "conclusion", "late", 0},
        {N_("未办结且逾期 Not concluded, overdue"), "unconcluded_overdue", NULL, 0},
        {N_("不予受理或转送 Not accepted / transferred"), "closed_other", NULL, 0},
        {N_("在办 Open"), "open", NULL, 0},
        {N_("  久拖未决 Stale"), "stale", NULL, 0},
        {N_("督办件 Cases to ask about (督办)"), "duban", NULL, 0},
        {N_("倒签 Backdating flags"), "backdated", NULL, 0},
};

static void
table_block(FILE *f, const json_t *const *cols, const char *const *names, size_t n)
{
	char buf[64];

	pad(f, "", LABEL_W);
	for (size_t k = 0; k < n; k++)
		cell(f, names[k], COL_W);
	fputc('\n', f);
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		pad(f, _(rows[r].label), LABEL_W);
		for (size_t k = 0; k < n; k++) {
			if (rows[r].series)
				fmt_series(buf, sizeof buf, json_object_get(cols[k], rows[r].a));
			else
				snprintf(buf, sizeof buf, "%lld",
				         measure_int(cols[k], rows[r].a, rows[r].b));
			cell(f, buf, COL_W);
		}
		fputc('\n', f);
	}
}

void
measure_print_text(FILE *f, const json_t *m)
{
	const json_t *list = json_object_get(m, "commissions"), *it,
	             *lim = json_object_get(m, "limits");
	const json_t *ver = json_object_get(m, "verified");
	const json_t *cols[COLS];
	const char *names[COLS];
	size_t i, n = 0, ncom = json_array_size(list);

	fputs(_("清风 上级监督 Qingfeng oversight: "), f);
	cli_print_text(f, json_string_value(json_object_get(m, "under_name")), NULL);
	fprintf(f, _(" (%s) 及其下级 and the commissions below it\n"),
	        json_string_value(json_object_get(m, "under")));
	fprintf(f, _("服务器数据日 Bundle of %s; 计至 measured as of %s\n"),
	        json_string_value(json_object_get(m, "bundle_day")),
	        json_string_value(json_object_get(m, "as_of")));
	fprintf(f,
	        _("已核验 Verified: 服务器签名 the server's signature (key [%s], %s); "
	          "%lld 个委的哈希链 chains of %lld"
	          " commissions, %lld 条 entries; %lld"
	          " 次已应用更新 applied updates; %lld"
	          " 份案件声明 case statements, each with its commission's key\n"),
	        json_string_value(json_object_get(m, "server_key")),
	        json_string_value(json_object_get(m, "server_key_state")),
	        measure_int(ver, "commissions", NULL), measure_int(ver, "commissions", NULL),
	        measure_int(ver, "entries", NULL), measure_int(ver, "updates", NULL),
	        measure_int(ver, "statements", NULL));
	fprintf(f,
	        _("时限（工作日）Limits in working days: 读取 read %lld"
	          ", 受理决定 decision %lld"
	          ", 办结 conclusion %lld, 久拖未决 stale %lld"
	          " (qingfeng-admin oversee --help: where "
	          "each comes from)\n\n"),
	        measure_int(lim, "read", NULL), measure_int(lim, "decision", NULL),
	        measure_int(lim, "conclusion", NULL), measure_int(lim, "stale", NULL));
	fputs(_("委 Commissions\n"), f);
	json_array_foreach(list, i, it)
	{
		const char *vb = json_string_value(json_object_get(it, "verified_before"));

		fprintf(f, "  %-10s ", json_string_value(json_object_get(it, "id")));
		cli_print_text(f, json_string_value(json_object_get(it, "name")), NULL);
		fprintf(f, _(" (%s%s) key [%s] %s; chain %lld entries%s%s\n"),
		        json_string_value(json_object_get(it, "level")),
		        i == 0 ? _(", 本级 overseen") : "",
		        json_string_value(json_object_get(it, "fingerprint")),
		        json_string_value(json_object_get(it, "key_state")),
		        measure_int(it, "size", NULL),
		        vb != NULL ? _(", extends the one verified on ") : "",
		        vb != NULL ? vb : "");
	}
	fputc('\n', f);
	for (i = 0; i <= ncom; i++) {
		const json_t *c = i < ncom ? json_array_get(list, i) : json_object_get(m, "total");

		cols[n] = c;
		names[n] = i < ncom ? json_string_value(json_object_get(c, "id")) : _("合计 all");
		if (++n == COLS || i == ncom) {
			table_block(f, cols, names, n);
			fputc('\n', f);
			n = 0;
		}
	}
	if (ncom > 1)
		fprintf(f, _("合计 all: the %zu commission%s below %s.\n\n"), ncom - 1,
		        ncom == 2 ? "" : "s", json_string_value(json_object_get(m, "under")));

	fputs(_("每月收件 Reports per month (合计 all; +follow-ups)\n"), f);
	json_array_foreach(json_object_get(m, "months"), i, it)
	{
		fprintf(f, "  %s %6lld +%lld\n", json_string_value(json_object_get(it, "month")),
		        measure_int(it, "reports", NULL), measure_int(it, "followups", NULL));
	}

	fprintf(f, _("\n督办清单 Cases to ask about (%zu)\n"),
	        json_array_size(json_object_get(m, "duban")));
	if (json_array_size(json_object_get(m, "duban")) > 0) {
		pad(f, _("  委 Commission"), 18);
		pad(f, _("编号 Index"), 12);
		pad(f, _("收件日 Report day"), 19);
		pad(f, _("逾期事项 What is late"), 32);
		fputs(_("超期 Over by (wd)\n"), f);
	}
	json_array_foreach(json_object_get(m, "duban"), i, it)
	{
		char buf[64];
		const char *what = json_string_value(json_object_get(it, "what"));

		fputs("  ", f);
		pad(f, json_string_value(json_object_get(it, "district")), 16);
		snprintf(buf, sizeof buf, "%lld", measure_int(it, "index", NULL));
		pad(f, buf, 12);
		pad(f, json_string_value(json_object_get(it, "report_day")), 19);
		snprintf(buf, sizeof buf, "%s %s", measure_label(what), what);
		pad(f, buf, 32);
		fprintf(f, "%lld\n", measure_int(it, "late_by", NULL));
	}
	fprintf(f, _("\n倒签 Statements dated before the district could have acted (%zu)\n"),
	        json_array_size(json_object_get(m, "backdated")));
	json_array_foreach(json_object_get(m, "backdated"), i, it)
	{
		const char *rule = json_string_value(json_object_get(it, "rule"));

		fprintf(f,
		        _("  %s-%lld: update %lld"
		          " says %s on %s, %s %s (%s)\n"),
		        json_string_value(json_object_get(it, "district")),
		        measure_int(it, "index", NULL), measure_int(it, "seq", NULL),
		        json_string_value(json_object_get(it, "status")),
		        json_string_value(json_object_get(it, "status_day")), measure_label(rule),
		        strcmp(rule, "before_report") == 0 ? _("before the report's day")
		                                           : _("before the server applied the "
		                                               "previous update"),
		        json_string_value(json_object_get(it, "bound_day")));
	}
}

/* ---- CSV ----------------------------------------------------------------------------------- */

static void
csv_cell(FILE *f, const char *s, int last)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int defuse = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t';

	if (quote || defuse) {
		fputc('"', f);
		if (defuse)
			fputc('\'', f);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void
csv_row(FILE *f, const char *section, const char *district, const char *index, const char *day,
        const char *key, const char *label, const char *value)
{
	csv_cell(f, section, 0);
	csv_cell(f, district, 0);
	csv_cell(f, index, 0);
	csv_cell(f, day, 0);
	csv_cell(f, key, 0);
	csv_cell(f, label, 0);
	csv_cell(f, value, 1);
}

static void
csv_measures(FILE *f, const char *district, const json_t *c)
{
	static const struct {
		const char *key, *a, *b, *label;
	} keys[] = {
	        {"reports", "reports", NULL, "收件"},
	        {"followups", "followups", NULL, "补充材料"},
	        {"read_cases", "read", "cases", "已读取"},
	        {"read_median_wd", "read", "median_wd", "读取用时中位数（工作日）"},
	        {"read_p90_wd", "read", "p90_wd", "读取用时90%（工作日）"},
	        {"read_late", "read", "late", "逾期读取"},
	        {"unread", "unread", NULL, "从未读取"},
	        {"unread_overdue", "unread_overdue", NULL, "从未读取且逾期"},
	        {"decision_cases", "decision", "cases", "已作受理决定"},
	        {"decision_median_wd", "decision", "median_wd", "决定用时中位数（工作日）"},
	        {"decision_p90_wd", "decision", "p90_wd", "决定用时90%（工作日）"},
	        {"decision_late", "decision", "late", "逾期决定"},
	        {"undecided_overdue", "undecided_overdue", NULL, "未决定且逾期"},
	        {"conclusion_cases", "conclusion", "cases", "已办结"},
	        {"conclusion_median_wd", "conclusion", "median_wd", "办结用时中位数（工作日）"},
	        {"conclusion_p90_wd", "conclusion", "p90_wd", "办结用时90%（工作日）"},
	        {"conclusion_late", "conclusion", "late", "逾期办结"},
	        {"unconcluded_overdue", "unconcluded_overdue", NULL, "未办结且逾期"},
	        {"closed_other", "closed_other", NULL, "不予受理或转送"},
	        {"open", "open", NULL, "在办"},
	        {"stale", "stale", NULL, "久拖未决"},
	        {"duban", "duban", NULL, "督办件"},
	        {"backdated", "backdated", NULL, "倒签"},
	};
	const json_t *it;
	size_t i;

	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		const json_t *v = json_object_get(c, keys[k].a);
		char buf[64];

		if (keys[k].b != NULL)
			v = json_object_get(v, keys[k].b);
		if (json_is_integer(v))
			snprintf(buf, sizeof buf, "%lld", json_integer_value(v));
		else if (json_is_real(v))
			snprintf(buf, sizeof buf, "%g", json_real_value(v));
		else
			buf[0] = '\0';
		csv_row(f, "measure", district, "", "", keys[k].key, keys[k].label, buf);
	}
	json_array_foreach(json_object_get(c, "months"), i, it)
	{
		char key[32], buf[32];
		const char *mo = json_string_value(json_object_get(it, "month"));

		snprintf(key, sizeof key, "%s/reports", mo);
		snprintf(buf, sizeof buf, "%lld", measure_int(it, "reports", NULL));
		csv_row(f, "month", district, "", "", key, "收件", buf);
		snprintf(key, sizeof key, "%s/followups", mo);
		snprintf(buf, sizeof buf, "%lld", measure_int(it, "followups", NULL));
		csv_row(f, "month", district, "", "", key, "补充材料", buf);
	}
}

void
measure_print_csv(FILE *f, const json_t *m)
{
	const json_t *it;
	size_t i;

	csv_row(f, "section", "district", "index", "report_day", "key", "label", "value");
	json_array_foreach(json_object_get(m, "commissions"), i, it)
	{
		csv_measures(f, json_string_value(json_object_get(it, "id")), it);
	}
	csv_measures(f, "*", json_object_get(m, "total"));
	json_array_foreach(json_object_get(m, "duban"), i, it)
	{
		char idx[24], by[24];
		const char *what = json_string_value(json_object_get(it, "what"));

		snprintf(idx, sizeof idx, "%lld", measure_int(it, "index", NULL));
		snprintf(by, sizeof by, "%lld", measure_int(it, "late_by", NULL));
		csv_row(f, "duban", json_string_value(json_object_get(it, "district")), idx,
		        json_string_value(json_object_get(it, "report_day")), what,
		        measure_label(what), by);
	}
	json_array_foreach(json_object_get(m, "backdated"), i, it)
	{
		char idx[24], label[96];
		const char *rule = json_string_value(json_object_get(it, "rule"));

		snprintf(idx, sizeof idx, "%lld", measure_int(it, "index", NULL));
		if (strcmp(rule, "before_report") == 0)
			snprintf(label, sizeof label, "%s", measure_label(rule));
		else
			snprintf(label, sizeof label, "%s %s", measure_label(rule),
			         json_string_value(json_object_get(it, "bound_day")));
		csv_row(f, "backdated", json_string_value(json_object_get(it, "district")), idx,
		        json_string_value(json_object_get(it, "report_day")), rule, label,
		        json_string_value(json_object_get(it, "status_day")));
	}
}
