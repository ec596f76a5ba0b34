/* view: see view.h. */
#include "admin/view.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/deadline.h"
#include "admin/extract.h"
#include "admin/i18n.h"
#include "admin/opencase.h"
#include "admin/workflow.h"
#include "crypto/vocab.h"

static const char *
str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* Prints "  <label>  value [中文]" for a manifest member; missing or empty shows "-". */
static void
field(FILE *out, const char *indent, const char *label, const json_t *v, const struct vocab_word *t)
{
	fputs(indent, out);
	cli_print_text(out, label, NULL); /* a label may carry a manifest key: never raw */
	/* TRANSLATORS: between a field's label and its value */
	fputs(_(": "), out);
	if (v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
		fputs("-\n", out);
		return;
	}
	if (json_is_string(v)) {
		const char *zh = vocab_zh(t, json_string_value(v));

		cli_print_text(out, json_string_value(v), NULL);
		if (zh != NULL)
			fprintf(out, " %s", zh);
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		cli_print_text(out, s, NULL);
		free(s);
	}
	fputc('\n', out);
}

/* Prints members of obj not in known[] (so every manifest field is shown). */
static void
other_fields(FILE *out, const char *indent, const json_t *obj, const char *const *known)
{
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)(uintptr_t)obj, k, v)
	{
		int seen = 0;
		char label[160];

		for (const char *const *p = known; *p != NULL; p++)
			if (strcmp(*p, k) == 0)
				seen = 1;
		if (seen)
			continue;
		snprintf(label, sizeof label, _("其他 Other \"%.100s\""), k);
		field(out, indent, label, v, NULL);
	}
}

static void
body(FILE *out, const char *indent, const char *label, const json_t *v)
{
	/* TRANSLATORS: a multi-line field's label (indent, label) */
	fprintf(out, _("%s%s:\n"), indent, label);
	if (!json_is_string(v) || json_string_length(v) == 0) {
		fprintf(out, "%s  -\n", indent);
		return;
	}
	{
		char ind[32];

		snprintf(ind, sizeof ind, "%s  ", indent);
		fputs(ind, out);
		cli_print_text(out, json_string_value(v), ind);
		fputc('\n', out);
	}
}

/* ---- show --------------------------------------------------------------- */

static void
print_attachments(FILE *out, const char *indent, const struct opencase_part *o)
{
	const json_t *list = json_object_get(o->manifest, "attachments");
	const json_t *a;
	size_t i;

	fprintf(out, _("%s附件 Attachments:"), indent);
	if (json_array_size(list) == 0) {
		fputs(" -\n", out);
		return;
	}
	fputc('\n', out);
	json_array_foreach(list, i, a)
	{
		const char *path = json_string_value(json_array_get(o->paths, i));

		fprintf(out, _("%s  %zu. "), indent, i + 1);
		cli_print_text(out, json_string_value(json_object_get(a, "name")), NULL);
		fputs(" (", out);
		cli_print_text(out, json_string_value(json_object_get(a, "type")), NULL);
		fprintf(out, _(", %lld bytes)"), json_integer_value(json_object_get(a, "size")));
		if (path != NULL) {
			fputs(" -> ", out);
			cli_print_text(out, path, NULL);
		}
		fputc('\n', out);
	}
}

static void
print_report(FILE *out, const struct opencase_part *o)
{
	static const char *const known_top[] = {"v",      "kind",        "district", "lang",
	                                        "report", "attachments", "bind",     NULL};
	static const char *const known_report[] = {"type",    "category", "subcategory", "town",
	                                           "title",   "body",     "when",        "where",
	                                           "subject", "identity", "concerns",    NULL};
	static const char *const known_subject[] = {"name",  "unit",         "area", "position",
	                                            "level", "party_member", NULL};
	static const char *const known_identity[] = {"name", "phone",   "id_number",
	                                             "unit", "address", NULL};
	const json_t *m = o->manifest;
	const json_t *r = json_object_get(m, "report");
	const json_t *s = json_object_get(r, "subject");
	const json_t *id = json_object_get(r, "identity");

	fputs(_("\n== 举报内容 Report ==\n"), out);
	if (json_object_get(r, "concerns") != NULL) {
		/* §14: routed here from below */
		field(out, "",
		      _("涉及 Concerns (a county-level cadre of this district, routed here)"),
		      json_object_get(r, "concerns"), NULL);
	}
	field(out, "", _("类型 Type"), json_object_get(r, "type"), vocab_words(VOCAB_TYPE));
	field(out, "", _("问题类别 Category"), json_object_get(r, "category"),
	      vocab_words(VOCAB_CATEGORY));
	field(out, "", _("具体问题 Subcategory"), json_object_get(r, "subcategory"), NULL);
	field(out, "", _("乡镇（街道） Town"), json_object_get(r, "town"), NULL);
	field(out, "", _("标题 Title"), json_object_get(r, "title"), NULL);
	field(out, "", _("发生时间 When"), json_object_get(r, "when"), NULL);
	field(out, "", _("发生地点 Where"), json_object_get(r, "where"), NULL);
	fputs(_("被反映人 Subject:\n"), out);
	if (json_is_object(s)) {
		field(out, "  ", _("姓名 Name"), json_object_get(s, "name"), NULL);
		field(out, "  ", _("单位 Unit"), json_object_get(s, "unit"), NULL);
		field(out, "  ", _("地区 Area"), json_object_get(s, "area"), NULL);
		field(out, "  ", _("职务 Position"), json_object_get(s, "position"), NULL);
		field(out, "  ", _("级别 Level"), json_object_get(s, "level"),
		      vocab_words(VOCAB_LEVEL));
		field(out, "  ", _("是否党员 Party member"), json_object_get(s, "party_member"),
		      vocab_words(VOCAB_PARTY));
		other_fields(out, "  ", s, known_subject);
	} else {
		fputs("  -\n", out);
	}
	if (json_is_object(id)) {
		fputs(_("检举控告人 Reporter: 实名 real name\n"), out);
		field(out, "  ", _("姓名 Name"), json_object_get(id, "name"), NULL);
		field(out, "  ", _("电话 Phone"), json_object_get(id, "phone"), NULL);
		field(out, "  ", _("身份证号 ID number"), json_object_get(id, "id_number"), NULL);
		field(out, "  ", _("单位 Unit"), json_object_get(id, "unit"), NULL);
		field(out, "  ", _("地址 Address"), json_object_get(id, "address"), NULL);
		other_fields(out, "  ", id, known_identity);
	} else {
		fputs(_("检举控告人 Reporter: 匿名 anonymous\n"), out);
	}
	field(out, "", _("语言 Language"), json_object_get(m, "lang"), NULL);
	if (json_is_object(r))
		other_fields(out, "", r, known_report);
	other_fields(out, "", m, known_top);
	body(out, "", _("正文 Body"), json_object_get(r, "body"));
	print_attachments(out, "", o);
}

/* What a mark adds to its name: ": value label", ": case", ", approved by". */
static void
print_mark_members(FILE *out, const char *mk, const char *val, const char *cs, const char *ap)
{
	fprintf(out, "%s %s", mk, str_or(workflow_mark_label(mk, NULL), ""));
	if (val[0] != '\0')
		fprintf(out, ": %s %s", val, str_or(workflow_mark_label(mk, val), ""));
	if (cs[0] != '\0')
		fprintf(out, ": %s", cs);
	if (ap[0] != '\0') {
		fputs(_(", 批准 approved by "), out);
		cli_print_text(out, ap, NULL);
	}
}

static void
print_history(FILE *out, const struct case_record *c)
{
	fputs(_("\n== 处理记录 History ==\n"), out);
	for (size_t i = 0; i < c->nhistory; i++) {
		const struct case_event *h = &c->history[i];
		const char *ev = h->event, *st = h->status;
		int stage_or_mark = strcmp(ev, "stage") == 0 || strcmp(ev, "mark") == 0;

		fputs(h->day, out);
		fputc(' ', out);
		cli_print_text(out, h->by, NULL);
		fputc(' ', out);
		if (strcmp(ev, "received") == 0) {
			fputs(_("收到 received"), out);
		} else if (strcmp(ev, "status") == 0) {
			fprintf(out, _("状态 status -> %s %s"), st[0] != '\0' ? st : "?",
			        str_or(cases_status_label(st), ""));
		} else if (strcmp(ev, "reply") == 0) {
			fprintf(out, _("答复 reply #%lld"), (long long)h->n);
		} else if (strcmp(ev, "stage") == 0) {
			fprintf(out, _("阶段 stage -> %s %s (from %s)"),
			        h->stage[0] != '\0' ? h->stage : "?",
			        str_or(workflow_stage_label(h->stage), ""),
			        h->from[0] != '\0' ? h->from : "?");
			if (st[0] != '\0')
				fprintf(out, _(", 状态 status -> %s %s"), st,
				        str_or(cases_status_label(st), ""));
		} else if (strcmp(ev, "mark") == 0) {
			fputs(h->cleared ? _("撤销标记 mark cleared ") : _("标记 mark "), out);
			print_mark_members(out, h->mark[0] != '\0' ? h->mark : "?", h->value,
			                   h->case_name, h->approved_by);
		} else if (strcmp(ev, "note") == 0) {
			fprintf(out, _("备注 note #%lld"), (long long)h->n);
		} else if (strcmp(ev, "forward") == 0) {
			fputs(_("转送 forwarded (redacted) to "), out);
			cli_print_text(out, h->to, NULL);
			fprintf(out, _(", %lld 个附件 attachments"), (long long)h->attachments);
		} else { /* a later tool's event: as stored (keys sorted) */
			json_t *j = case_encode_event(h);
			char *s = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

			cli_print_text(out, s != NULL ? s : ev, NULL);
			free(s);
			json_decref(j);
		}
		if (stage_or_mark)
			workflow_print_handoff(out, h); /* 转办/交办: where to; 督办: the days */
		if (stage_or_mark && h->note >= 0)
			fprintf(out, _(", 备注 note #%lld"), (long long)h->note);
		if (strcmp(ev, "status") == 0 || strcmp(ev, "reply") == 0 || h->sent_seq >= 0) {
			if (h->sent_seq > 0)
				fprintf(out, _(" (已发出 sent in update %lld)"),
				        (long long)h->sent_seq);
			else
				fputs(_(" (待发出 queued for the next update)"), out);
		}
		fputc('\n', out);
	}
}

/* "  name label: value ... (day by)" for one mark as it stands. */
static void
print_mark(FILE *out, const char *name, const struct case_mark *m)
{
	fputs("  ", out);
	print_mark_members(out, name, m->value, m->case_name, m->approved_by);
	fprintf(out, " (%s ", m->day[0] != '\0' ? m->day : "?");
	cli_print_text(out, m->by[0] != '\0' ? m->by : "?", NULL);
	fputs(")\n", out);
}

static int
by_mark_name(const void *x, const void *y)
{
	return strcmp(case_mark_name(*(const enum case_mark_id *)x),
	              case_mark_name(*(const enum case_mark_id *)y));
}

/*
 * The marks in the order of their names (the stored record's key order, which
 * show has always listed them in), a later tool's among them.
 */
static void
print_marks(FILE *out, const struct case_record *c)
{
	struct case_mark other;
	enum case_mark_id sorted[CASE_MARK_COUNT];
	const char *on = case_mark_other(c, 0, &other);
	size_t k = 0, i = 0;
	int any = on != NULL;

	fprintf(out, _("内部阶段 Stage: %s %s\n"), workflow_stage_of(c),
	        str_or(workflow_stage_label(workflow_stage_of(c)), ""));
	fputs(_("举报方式 Identity: "), out);
	switch (c->real_name) {
	case 1:
		fputs(_("实名 real name\n"), out);
		break;
	case 0:
		fputs(_("匿名 anonymous\n"), out);
		break;
	default:
		fputs(_("未记录 not recorded\n"), out);
		break;
	}
	for (int m = 0; m < CASE_MARK_COUNT; m++) {
		sorted[m] = (enum case_mark_id)m;
		any |= c->marks[m].set;
	}
	qsort(sorted, CASE_MARK_COUNT, sizeof sorted[0], by_mark_name);
	fputs(_("标记 Marks:"), out);
	if (!any)
		fputs(" -", out);
	fputc('\n', out);
	while (k < CASE_MARK_COUNT || on != NULL) {
		if (k < CASE_MARK_COUNT &&
		    (on == NULL || strcmp(case_mark_name(sorted[k]), on) < 0)) {
			if (c->marks[sorted[k]].set)
				print_mark(out, case_mark_name(sorted[k]), &c->marks[sorted[k]]);
			k++;
		} else {
			print_mark(out, on, &other);
			on = case_mark_other(c, ++i, &other);
		}
	}
	if (c->nduplicated_by > 0) {
		fputs(_("重复件 Duplicates of this case:"), out);
		for (size_t i = 0; i < c->nduplicated_by; i++) {
			fputc(' ', out);
			cli_print_text(out, c->duplicated_by[i], NULL);
		}
		fputc('\n', out);
	}
}

/*
 * Prints the quarantined entry index of district that belongs to no case
 * (§10). Returns 0, or -1 when there is none.
 */
static int
show_quarantined(FILE *out, struct archive_txn *t, const char *district, uint64_t index,
                 const char *name)
{
	json_t *q;

	if (archive_quarantine_get(t, district, index, &q) != ARCHIVE_OK)
		return -1;
	fprintf(out, _("条目 Entry: %s (%s)\n收到日期 Received: %s\n"), name,
	        str_or(json_string_value(json_object_get(q, "kind")), "?"),
	        str_or(json_string_value(json_object_get(q, "day")), "?"));
	fputs(_("隔离 QUARANTINED: "), out);
	cli_print_text(out, json_string_value(json_object_get(q, "reason")), NULL);
	fputs(_("\nIts chain verifies: the server stored exactly what was "
	        "submitted. "
	        "Its "
	        "content does not\nhold (most likely a broken or malicious "
	        "client), "
	        "so it "
	        "belongs to no case, is\nnot shown as anyone's words, and is "
	        "acknowledged "
	        "by the next update like any entry.\n"),
	      out);
	json_decref(q);
	return 0;
}

/* Prints a section's heading, and "-" when it has no items. */
static void
section(FILE *out, const char *heading, size_t n)
{
	fputs(heading, out);
	if (n == 0)
		fputs("-\n", out);
}

/* Prints an opened case (the record's members, then each decrypted part). */
static void
print_case(FILE *out, const struct opencase *oc, const char *name, uint64_t acks_through)
{
	const struct case_record *c = oc->c;

	if (c->number > 0) {
		char no[CASES_NAME_BUF];

		cases_format_number(no, c->district, c->number);
		fprintf(out, _("案件 Case: %s  件号 No. %s\n"), name, no);
	} else {
		fprintf(out, _("案件 Case: %s\n"), name);
	}
	fprintf(out, _("收到日期 Received: %s\n"), c->day);
	fprintf(out, _("当前状态 Status: %s %s\n"), c->status,
	        str_or(cases_status_label(c->status), ""));
	fprintf(out, _("已确认送达 Acknowledged to the reporter: %s\n"),
	        cases_delivered(c, acks_through) ? _("是 yes") : _("否 not yet (next update)"));
	if (c->quarantine[0] != '\0') {
		fputs(_("\n隔离 QUARANTINED: "), out);
		cli_print_text(out, c->quarantine, NULL);
		fputs(_("\nIts chain verifies: the server stored exactly what was submitted. Its "
		        "content does not\nhold: most likely a broken or malicious client, or a "
		        "server that supplied another\nreply key. It cannot be answered (a reply "
		        "could go to whoever chose that key).\n"),
		      out);
	}
	print_marks(out, c);
	if (oc->report.manifest != NULL)
		print_report(out, &oc->report);
	else
		fputs(_("\n== 举报内容 Report ==\n(the envelope does not open: nothing to show)\n"),
		      out);

	section(out, _("\n== 补充材料 Follow-ups ==\n"), c->nfollowups);
	for (size_t i = 0; i < c->nfollowups; i++) {
		const struct case_followup *f = &c->followups[i];
		const json_t *m = oc->followups[i].manifest;

		fprintf(out, _("#%lld 收到日期 received %s\n"), (long long)f->index, f->day);
		if (f->quarantine[0] != '\0') {
			fputs(_("  隔离 QUARANTINED, NOT verified as the reporter's words: "), out);
			cli_print_text(out, f->quarantine, NULL);
			fputc('\n', out);
			if (m == NULL) {
				fputs(_("  (the envelope does not open: nothing to show)\n"), out);
				continue;
			}
		}
		field(out, "  ", _("目的 Purpose"), json_object_get(m, "purpose"),
		      vocab_words(VOCAB_PURPOSE));
		body(out, "  ", _("正文 Body"), json_object_get(m, "body"));
		print_attachments(out, "  ", &oc->followups[i]);
	}

	section(out, _("\n== 答复 Replies ==\n"), c->nreplies);
	for (size_t i = 0; i < c->nreplies; i++) {
		const struct case_reply *r = &c->replies[i];
		const json_t *m = oc->replies[i].manifest;
		const char *st = json_string_value(json_object_get(m, "status"));

		fprintf(out, "#%lld %s ", (long long)r->n, r->day);
		cli_print_text(out, r->by, NULL);
		fprintf(out, _(", 状态 status %s %s, "), str_or(st, "?"),
		        str_or(cases_status_label(st), ""));
		if (r->sent_seq > 0)
			fprintf(out, _("已发出 sent in update %lld\n"), (long long)r->sent_seq);
		else
			fputs(_("待发出 queued\n"), out);
		body(out, "  ", _("正文 Body"), json_object_get(m, "body"));
		print_attachments(out, "  ", &oc->replies[i]);
	}
	section(out, _("\n== 备注 Notes (investigators only, never sent) ==\n"), c->nnotes);
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct case_note *n = &c->notes[i];

		fprintf(out, "#%lld %s ", (long long)n->n, n->day);
		cli_print_text(out, n->by, NULL);
		fputc('\n', out);
		body(out, "  ", _("正文 Text"), json_object_get(oc->notes[i].manifest, "body"));
	}
	print_history(out, c);
}

int
view_show(FILE *out, struct archive_txn *t, const char *district, uint64_t index,
          const struct keyfile_secret *key, const char *extract_dir, char *err, size_t errsz)
{
	struct archive_district d;
	struct extract *x = NULL;
	struct opencase oc;
	struct case_record c;
	char name[CASES_NAME_BUF];
	int rc;

	cases_format_name(name, district, index);
	rc = archive_case_load(t, district, index, &c);
	if (rc == ARCHIVE_ERR_NOT_FOUND &&
	    show_quarantined(out, t, district, index, name) == 0) /* no case: an entry of its own */
		return 0;
	if (rc == ARCHIVE_OK)
		rc = archive_district_get(t, district, &d);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz,
		         rc == ARCHIVE_ERR_NOT_FOUND ? _("no case %s in the archive")
		                                     : _("case %s: archive failure"),
		         name);
		case_free(&c);
		return -1;
	}
	if (extract_dir != NULL && extract_begin(&x, extract_dir, name, err, errsz) != 0) {
		case_free(&c);
		return -1;
	}
	if (opencase_open(t, &c, key, OPENCASE_ALL, x, &oc, err, errsz) != 0) {
		extract_end(x, 0, NULL, 0);
		case_free(&c);
		return -1;
	}
	rc = x != NULL ? extract_end(x, 1, err, errsz) : 0;
	if (rc == 0)
		print_case(out, &oc, name, d.acks_through);
	opencase_free(&oc);
	case_free(&c);
	return rc;
}

/* ---- list --------------------------------------------------------------- */

struct list_ctx {
	struct archive_txn *t;
	const char *status;
	view_key_fn key_for;
	void *key_ctx;
	json_t *rows;
	json_t *queued; /* district -> {case index -> count} */
	char *err;
	size_t errsz;
	char cur[CODEC_DISTRICT_BUF];
	uint64_t acks;
	const struct workdays *w;
	long today;
};

static int
count_op(void *ctx, uint64_t opno, const json_t *op)
{
	json_t *counts = ctx;
	char k[24];

	(void)opno;
	snprintf(k, sizeof k, "%lld", json_integer_value(json_object_get(op, "case")));
	json_object_set_new(counts, k,
	                    json_integer(json_integer_value(json_object_get(counts, k)) + 1));
	return 0;
}

/*
 * Adds to a list row the case's 件号 ("number", "number_name"), its
 * real-name label ("real_name_label": 实名, 匿名, 冒名 when marked
 * impersonated, null when not recorded) and what is new since the last show
 * (view_mark_seen): "new_followups" and "new_objection". Returns 0, or -1
 * when out of memory.
 */
static int
list_new(json_t *row, const struct case_record *c)
{
	char no[CASES_NAME_BUF];
	const char *rn = NULL;
	json_int_t nnew = 0;
	int objection = 0;

	cases_format_number(no, c->district, c->number);
	if (c->real_name == 1)
		rn = strcmp(c->marks[CASE_MARK_REALNAME].value, "impersonated") == 0 ? "冒名"
		                                                                     : "实名";
	else if (c->real_name == 0)
		rn = "匿名";
	for (size_t i = 0; i < c->nfollowups; i++) {
		if (c->followups[i].index <= c->seen_through) /* 0 when never shown */
			continue;
		nnew++;
		objection |= c->followups[i].objection;
	}
	if (json_object_set_new(row, "number",
	                        c->number > 0 ? json_integer((json_int_t)c->number)
	                                      : json_null()) != 0 ||
	    json_object_set_new(row, "number_name",
	                        c->number > 0 ? json_string(no) : json_null()) != 0 ||
	    json_object_set_new(row, "real_name_label",
	                        rn != NULL ? json_string(rn) : json_null()) != 0)
		return -1;
	if (json_object_set_new(row, "new_followups", json_integer(nnew)) != 0 ||
	    json_object_set_new(row, "new_objection", json_boolean(objection)) != 0)
		return -1;
	return 0;
}

int
view_mark_seen(struct session *s, struct case_record *c)
{
	c->seen_through = c->index;
	for (size_t i = 0; i < c->nfollowups; i++)
		if (c->followups[i].index > c->seen_through)
			c->seen_through = c->followups[i].index;
	c->seen_set = 1;
	if (CASE_SET(c->seen_day, s->day) != 0 || CASE_SET(c->seen_by, s->who) != 0)
		return ARCHIVE_ERR_ARG;
	return archive_case_store(s->t, c);
}

/* Adds the decrypted report's "type", "category", "title" (and "concerns") to a list row. */
static int
list_titles(struct list_ctx *lc, json_t *row, const struct case_record *c, const char *name)
{
	const struct keyfile_secret *key = lc->key_for(lc->key_ctx, c->district);
	static const char *const keys[] = {"type", "category", "title"};
	struct opencase oc;
	const json_t *r;

	if (key == NULL) {
		snprintf(lc->err, lc->errsz, _("no key for district %s"), c->district);
		return -1;
	}
	if (opencase_open(lc->t, c, key, OPENCASE_REPORT, NULL, &oc, lc->err, lc->errsz) != 0 ||
	    oc.report.manifest == NULL) {
		opencase_free(&oc);
		if (c->quarantine[0] != '\0')
			return 0; /* quarantined: it may not open at all */
		snprintf(lc->err, lc->errsz, _("case %s: the report does not open"), name);
		return -1;
	}
	r = json_object_get(oc.report.manifest, "report");
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		json_object_set(row, keys[k],
		                json_object_get(r, keys[k]) != NULL ? json_object_get(r, keys[k])
		                                                    : json_null());
	if (json_is_string(json_object_get(r, "concerns"))) /* §14: routed from below */
		json_object_set(row, "concerns", json_object_get(r, "concerns"));
	opencase_free(&oc);
	return 0;
}

static int
list_one(void *vctx, const struct case_record *c)
{
	struct list_ctx *lc = vctx;
	const char *id = c->district;
	json_t *counts, *row;
	char name[CASES_NAME_BUF], k[24];

	if (lc->status != NULL && strcmp(c->status, lc->status) != 0)
		return 0;
	if (strcmp(lc->cur, id) != 0) {
		struct archive_district d;

		if (archive_district_get(lc->t, id, &d) != ARCHIVE_OK) {
			snprintf(lc->err, lc->errsz, _("district %s: archive failure"), id);
			return -1;
		}
		snprintf(lc->cur, sizeof lc->cur, "%s", id);
		lc->acks = d.acks_through;
	}
	counts = json_object_get(lc->queued, id);
	if (counts == NULL) {
		counts = json_object();
		if (counts == NULL || json_object_set_new(lc->queued, id, counts) != 0 ||
		    archive_outbox_foreach(lc->t, id, count_op, counts) != ARCHIVE_OK) {
			snprintf(lc->err, lc->errsz,
			         _("district %s: cannot read the queued operations"), id);
			return -1;
		}
	}
	cases_format_name(name, id, c->index);
	snprintf(k, sizeof k, "%" PRIu64, c->index);
	row = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:b}", "case", name, "district",
	                id, "index", (json_int_t)c->index, "day", c->day, "status", c->status,
	                "followups", (json_int_t)c->nfollowups, "replies", (json_int_t)c->nreplies,
	                "queued", json_integer_value(json_object_get(counts, k)), "delivered",
	                cases_delivered(c, lc->acks));
	if (row == NULL || json_array_append_new(lc->rows, row) != 0) {
		snprintf(lc->err, lc->errsz, _("out of memory"));
		return -1;
	}
	json_object_set_new(row, "stage", json_string(workflow_stage_of(c)));
	json_object_set_new(row, "quarantine",
	                    c->quarantine[0] != '\0' ? json_string(c->quarantine) : json_null());
	json_object_set_new(row, "real_name",
	                    c->real_name < 0 ? json_null() : json_boolean(c->real_name));
	if (list_new(row, c) != 0) {
		snprintf(lc->err, lc->errsz, "out of memory");
		return -1;
	}
	if (lc->w != NULL) {
		struct deadline dl[DEADLINE_MAX];
		size_t ndl = deadline_of_case(c, lc->w, lc->today, dl);
		int next = deadline_next(dl, ndl), overdue = 0, soon = 0;

		for (size_t i = 0; i < ndl; i++) {
			overdue |= dl[i].state == DEADLINE_OVERDUE;
			soon |= dl[i].state == DEADLINE_DUE_SOON;
		}
		json_object_set_new(row, "overdue", json_boolean(overdue));
		json_object_set_new(row, "due_soon", json_boolean(soon));
		json_object_set_new(row, "next_deadline",
		                    next >= 0 ? deadline_to_json(&dl[next]) : json_null());
	}
	return lc->key_for != NULL ? list_titles(lc, row, c, name) : 0;
}

/*
 * A quarantined entry that is not the report of a listed case (a follow-up,
 * a report that reused a lookup) as a row of its own: kept and acknowledged
 * like any entry, never the reporter's words (§10).
 */
static int
list_quarantined(void *vctx, const char *id, const json_t *q)
{
	struct list_ctx *c = vctx;
	char name[CASES_NAME_BUF];
	uint64_t index = (uint64_t)json_integer_value(json_object_get(q, "index"));
	const char *kind = json_string_value(json_object_get(q, "kind"));
	struct case_record rec;
	json_t *row;

	if (kind != NULL && strcmp(kind, "report") == 0 &&
	    archive_case_load(c->t, id, index, &rec) == ARCHIVE_OK) {
		case_free(&rec); /* listed as a case, with its reason */
		return 0;
	}
	cases_format_name(name, id, index);
	row = json_pack("{s:s, s:s, s:I, s:O, s:n, s:s, s:O}", "case", name, "district", id,
	                "index", (json_int_t)index, "day", json_object_get(q, "day"), "status",
	                "kind", kind != NULL ? kind : "?", "quarantine",
	                json_object_get(q, "reason"));
	if (row == NULL || json_array_append_new(c->rows, row) != 0) {
		snprintf(c->err, c->errsz, _("out of memory"));
		return -1;
	}
	return 0;
}

int
view_list_rows(struct archive_txn *t, const char *status, const struct workdays *w, long today,
               view_key_fn key_for, void *ctx, json_t **rows, char *err, size_t errsz)
{
	struct list_ctx c;
	json_t *ordered;
	size_t i;
	int rc;

	memset(&c, 0, sizeof c);
	*rows = NULL;
	c.t = t;
	c.status = status;
	c.key_for = key_for;
	c.key_ctx = ctx;
	c.rows = json_array();
	c.queued = json_object();
	c.err = err;
	c.errsz = errsz;
	c.w = w;
	c.today = today;
	err[0] = '\0';
	if (c.rows == NULL || c.queued == NULL) {
		json_decref(c.rows);
		json_decref(c.queued);
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	rc = archive_case_each(t, NULL, list_one, &c);
	if (rc == 0 && status == NULL)
		rc = archive_quarantine_foreach(t, NULL, list_quarantined, &c);
	json_decref(c.queued);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		json_decref(c.rows);
		return -1;
	}
	/* overdue cases first, each group in (district, index) order */
	ordered = json_array();
	if (ordered == NULL) {
		json_decref(c.rows);
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	for (int pass = 1; pass >= 0; pass--) {
		json_t *r;

		json_array_foreach(c.rows, i, r)
		{
			if (json_is_true(json_object_get(r, "overdue")) == pass)
				json_array_append(ordered, r);
		}
	}
	json_decref(c.rows);
	*rows = ordered;
	return 0;
}

static void
cell(FILE *out, const json_t *v, int width)
{
	cli_cell(out, json_string_value(v), width);
}

/* The columns of list: msgid and width (negative: right-aligned). */
static const struct {
	const char *title;
	int width;
} list_heads[] = {{N_("CASE"), 16},  {N_("件号 NO."), 10}, {N_("DAY"), 10}, {N_("STATUS"), 12},
                  {N_("STAGE"), 14}, {N_("FU"), -3},       {N_("RE"), -3},  {N_("Q"), -3},
                  {N_("ACKED"), 5},  {N_("DUE"), 8},       {N_("实名"), 4}, {N_("NEW 新"), 0}};

void
view_list_print(FILE *out, const json_t *rows, int json)
{
	const json_t *r;
	const char *st, *sg;
	size_t i;
	int titles = json_object_get(json_array_get(rows, 0), "title") != NULL;

	if (cli_rows_done(out, rows, json, _("no cases\n")))
		return;
	/* headers and values in the tool's language; widths in terminal columns
	 * (a negative width: the column is right-aligned, as its numbers are) */
	for (size_t h = 0; h < sizeof list_heads / sizeof list_heads[0]; h++) {
		const char *t = _(list_heads[h].title);

		for (int w = cli_columns(t); w < -list_heads[h].width; w++)
			fputc(' ', out);
		cli_cell(out, t, list_heads[h].width > 0 ? list_heads[h].width : 0);
		if (h + 1 < sizeof list_heads / sizeof list_heads[0])
			fputc(' ', out);
	}
	if (titles)
		fprintf(out, " %-10s %-14s %s", _("TYPE"), _("CATEGORY"), _("TITLE"));
	fputc('\n', out);
	json_array_foreach(rows, i, r)
	{
		cell(out, json_object_get(r, "case"), 16);
		fputc(' ', out);
		cell(out, json_object_get(r, "number_name"), 10);
		fputc(' ', out);
		cell(out, json_object_get(r, "day"), 10);
		fputc(' ', out);
		st = json_string_value(json_object_get(r, "status"));
		sg = json_string_value(json_object_get(r, "stage"));
		if (json_is_string(json_object_get(r, "quarantine")))
			cli_cell(out, _("QUARANTINE"), 12);
		else /* Chinese: the labels (已受理, 初步核实); English: the keys */
			cli_cell(out,
			         i18n_chinese() && cases_status_label(st) != NULL
			                 ? cases_status_label(st)
			                 : st,
			         12);
		fputc(' ', out);
		cli_cell(out,
		         i18n_chinese() && workflow_stage_label(sg) != NULL
		                 ? workflow_stage_label(sg)
		                 : sg,
		         14);
		fprintf(out, " %3lld %3lld %3lld ",
		        json_integer_value(json_object_get(r, "followups")),
		        json_integer_value(json_object_get(r, "replies")),
		        json_integer_value(json_object_get(r, "queued")));
		cli_cell(out, json_is_true(json_object_get(r, "delivered")) ? _("yes") : _("no"),
		         5);
		fputc(' ', out);
		cli_cell(out,
		         json_is_true(json_object_get(r, "overdue"))    ? _("overdue")
		         : json_is_true(json_object_get(r, "due_soon")) ? _("soon")
		                                                        : "-",
		         8);
		fputc(' ', out);
		cell(out, json_object_get(r, "real_name_label"), 4);
		fputc(' ', out);
		if (json_integer_value(json_object_get(r, "new_followups")) > 0) {
			char nw[48];

			snprintf(nw, sizeof nw, "+%" JSON_INTEGER_FORMAT "%s",
			         json_integer_value(json_object_get(r, "new_followups")),
			         json_is_true(json_object_get(r, "new_objection")) ? " 异议" : "");
			cli_cell(out, nw, 8);
		} else {
			cli_cell(out, "-", 8);
		}
		if (titles) {
			fputc(' ', out);
			cell(out, json_object_get(r, "type"), 10);
			fputc(' ', out);
			cell(out, json_object_get(r, "category"), 14);
			fputc(' ', out);
			cell(out, json_object_get(r, "title"), 0);
			if (json_is_string(json_object_get(r, "concerns"))) {
				fputs(_(" [涉及 concerns "), out);
				cell(out, json_object_get(r, "concerns"), 0);
				fputc(']', out);
			}
		}
		fputc('\n', out);
		if (json_is_string(json_object_get(r, "quarantine"))) {
			/* the reason may quote what came in the bundle: printed safely */
			fputs(_("  隔离 quarantined: "), out);
			cli_print_text(out, json_string_value(json_object_get(r, "quarantine")),
			               NULL);
			fputs(_(" (kept and acknowledged; not the reporter's words)\n"), out);
		}
	}
}
