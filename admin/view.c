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
#include "admin/labels.h"
#include "admin/workflow.h"
#include "crypto/chain.h"
#include "crypto/envelope.h"

static const char *
str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* Prints "  <label>  value [中文]" for a manifest member; missing or empty shows "-". */
static void
field(FILE *out, const char *indent, const char *label, const json_t *v,
      const struct labels_entry *t)
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
		const char *zh = labels_zh(t, json_string_value(v));

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

/* ---- opening ------------------------------------------------------------ */

struct opened {
	json_t *manifest;
	json_t *paths; /* extracted file per attachment (strings), or NULL */
};

struct open_ctx {
	struct opened *o;
	struct extract *x;
	unsigned *counter;
	int quarantined; /* the entry is quarantined: its files say so (extract_file) */
	size_t next;     /* next attachment index without a file yet */
	char err[512];
};

static int
on_manifest(void *ctx, const char *json, size_t len, const json_t *parsed)
{
	struct open_ctx *c = ctx;

	(void)json;
	(void)len;
	c->o->manifest = json_deep_copy(parsed);
	return c->o->manifest == NULL;
}

static const char *
att_name(const json_t *m, size_t i)
{
	return json_string_value(
	        json_object_get(json_array_get(json_object_get(m, "attachments"), i), "name"));
}

/* Creates the files of attachments up to and including index i. */
static int
files_through(struct open_ctx *c, size_t i)
{
	while (c->next <= i) {
		char shown[512];

		if (extract_file(c->x, ++*c->counter, c->quarantined,
		                 att_name(c->o->manifest, c->next), shown, sizeof shown, c->err,
		                 sizeof c->err) != 0)
			return -1;
		json_array_append_new(c->o->paths, json_string(shown));
		c->next++;
	}
	return 0;
}

static int
on_attachment(void *ctx, size_t index, const uint8_t *data, size_t len)
{
	struct open_ctx *c = ctx;

	if (c->x == NULL)
		return 0;
	if (files_through(c, index) != 0)
		return -1;
	return extract_write(c->x, data, len, c->err, sizeof c->err);
}

static int
open_one(struct opened *o, const struct keyfile_secret *key, const uint8_t *env, size_t len,
         struct extract *x, unsigned *counter, int quarantined, char *err, size_t errsz)
{
	struct open_ctx c;
	struct envelope_callbacks cb = {on_manifest, on_attachment, &c};
	struct envelope_opener *op;
	int rc;

	memset(o, 0, sizeof *o);
	memset(&c, 0, sizeof c);
	c.o = o;
	c.x = x;
	c.counter = counter;
	c.quarantined = quarantined;
	if (x != NULL && (o->paths = json_array()) == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	rc = envelope_open_init(&op, key->pub.box_pk, key->box_sk, &cb);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_update(op, env, len);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(op);
	envelope_open_free(op);
	if (rc == ENVELOPE_OK && x != NULL && o->manifest != NULL) {
		size_t n = json_array_size(json_object_get(o->manifest, "attachments"));

		if (n > 0 && files_through(&c, n - 1) != 0)
			rc = ENVELOPE_ERR_SINK;
	}
	if (rc != ENVELOPE_OK || o->manifest == NULL) {
		if (c.err[0] != '\0')
			snprintf(err, errsz, "%s", c.err);
		else
			snprintf(err, errsz, _("envelope does not open: %s"),
			         envelope_strerror(rc));
		json_decref(o->manifest);
		json_decref(o->paths);
		memset(o, 0, sizeof *o);
		return -1;
	}
	return 0;
}

static void
opened_free(struct opened *o)
{
	json_decref(o->manifest);
	json_decref(o->paths);
	memset(o, 0, sizeof *o);
}

int
view_open_manifest(const struct keyfile_secret *key, const uint8_t *env, size_t len,
                   json_t **manifest, char *err, size_t errsz)
{
	struct opened o;

	*manifest = NULL;
	if (open_one(&o, key, env, len, NULL, NULL, 0, err, errsz) != 0)
		return -1;
	*manifest = o.manifest;
	return 0;
}

/* ---- show --------------------------------------------------------------- */

static void
print_attachments(FILE *out, const char *indent, const struct opened *o)
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
print_report(FILE *out, const struct opened *o)
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
	field(out, "", _("类型 Type"), json_object_get(r, "type"), labels_types());
	field(out, "", _("问题类别 Category"), json_object_get(r, "category"), labels_categories());
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
		field(out, "  ", _("级别 Level"), json_object_get(s, "level"), labels_levels());
		field(out, "  ", _("是否党员 Party member"), json_object_get(s, "party_member"),
		      labels_yesno());
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

static void
print_history(FILE *out, const json_t *rec)
{
	const json_t *h;
	size_t i;

	fputs(_("\n== 处理记录 History ==\n"), out);
	json_array_foreach(json_object_get(rec, "history"), i, h)
	{
		const char *ev = json_string_value(json_object_get(h, "event"));
		const char *st = json_string_value(json_object_get(h, "status"));
		json_int_t sent = json_integer_value(json_object_get(h, "sent_seq"));

		fputs(str_or(json_string_value(json_object_get(h, "day")), "?"), out);
		fputc(' ', out);
		cli_print_text(out, str_or(json_string_value(json_object_get(h, "by")), "?"), NULL);
		fputc(' ', out);
		if (ev != NULL && strcmp(ev, "received") == 0) {
			fputs(_("收到 received"), out);
		} else if (ev != NULL && strcmp(ev, "status") == 0) {
			fprintf(out, _("状态 status -> %s %s"), str_or(st, "?"),
			        str_or(cases_status_label(st), ""));
		} else if (ev != NULL && strcmp(ev, "reply") == 0) {
			fprintf(out, _("答复 reply #%lld"),
			        json_integer_value(json_object_get(h, "n")));
		} else if (ev != NULL && strcmp(ev, "stage") == 0) {
			const char *sg = json_string_value(json_object_get(h, "stage"));
			const char *from = json_string_value(json_object_get(h, "from"));

			fprintf(out, _("阶段 stage -> %s %s (from %s)"), str_or(sg, "?"),
			        str_or(workflow_stage_label(sg), ""), str_or(from, "?"));
			if (st != NULL)
				fprintf(out, _(", 状态 status -> %s %s"), st,
				        str_or(cases_status_label(st), ""));
		} else if (ev != NULL && strcmp(ev, "mark") == 0) {
			const char *mk = json_string_value(json_object_get(h, "mark"));
			const char *val = json_string_value(json_object_get(h, "value"));
			const char *cs = json_string_value(json_object_get(h, "case"));
			const char *ap = json_string_value(json_object_get(h, "approved_by"));

			fputs(json_is_true(json_object_get(h, "cleared"))
			              ? _("撤销标记 mark cleared ")
			              : _("标记 mark "),
			      out);
			fprintf(out, "%s %s", str_or(mk, "?"),
			        str_or(workflow_mark_label(mk, NULL), ""));
			if (val != NULL)
				fprintf(out, ": %s %s", val,
				        str_or(workflow_mark_label(mk, val), ""));
			if (cs != NULL)
				fprintf(out, ": %s", cs);
			if (ap != NULL) {
				fputs(_(", 批准 approved by "), out);
				cli_print_text(out, ap, NULL);
			}
		} else if (ev != NULL && strcmp(ev, "note") == 0) {
			fprintf(out, _("备注 note #%lld"),
			        json_integer_value(json_object_get(h, "n")));
		} else if (ev != NULL && strcmp(ev, "forward") == 0) {
			fputs(_("转送 forwarded (redacted) to "), out);
			cli_print_text(out, json_string_value(json_object_get(h, "to")), NULL);
			fprintf(out, _(", %lld 个附件 attachments"),
			        json_integer_value(json_object_get(h, "attachments")));
		} else {
			char *s = json_dumps(h, JSON_COMPACT);

			cli_print_text(out, s, NULL);
			free(s);
		}
		if (ev != NULL && (strcmp(ev, "stage") == 0 || strcmp(ev, "mark") == 0))
			workflow_print_handoff_json(out,
			                            h); /* 转办/交办: where to; 督办: the days */
		if (ev != NULL && (strcmp(ev, "stage") == 0 || strcmp(ev, "mark") == 0) &&
		    json_is_integer(json_object_get(h, "note")))
			fprintf(out, _(", 备注 note #%lld"),
			        json_integer_value(json_object_get(h, "note")));
		if (ev != NULL && (strcmp(ev, "status") == 0 || strcmp(ev, "reply") == 0 ||
		                   json_is_integer(json_object_get(h, "sent_seq")))) {
			if (sent > 0)
				fprintf(out, _(" (已发出 sent in update %lld)"), sent);
			else
				fputs(_(" (待发出 queued for the next update)"), out);
		}
		fputc('\n', out);
	}
}

static void
print_marks(FILE *out, const json_t *rec)
{
	const json_t *marks = json_object_get(rec, "marks");
	const json_t *dups = json_object_get(rec, "duplicated_by");
	const char *k;
	const json_t *m, *it;
	size_t i;

	fprintf(out, _("内部阶段 Stage: %s %s\n"), workflow_stage_of_json(rec),
	        str_or(workflow_stage_label(workflow_stage_of_json(rec)), ""));
	fputs(_("举报方式 Identity: "), out);
	switch (workflow_real_name_json(rec)) {
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
	fputs(_("标记 Marks:"), out);
	if (json_object_size(marks) == 0)
		fputs(" -", out);
	fputc('\n', out);
	json_object_foreach((json_t *)(uintptr_t)marks, k, m)
	{
		const char *val = json_string_value(json_object_get(m, "value"));
		const char *cs = json_string_value(json_object_get(m, "case"));
		const char *ap = json_string_value(json_object_get(m, "approved_by"));

		fprintf(out, "  %s %s", k, str_or(workflow_mark_label(k, NULL), ""));
		if (val != NULL)
			fprintf(out, ": %s %s", val, str_or(workflow_mark_label(k, val), ""));
		if (cs != NULL)
			fprintf(out, ": %s", cs);
		if (ap != NULL) {
			fputs(_(", 批准 approved by "), out);
			cli_print_text(out, ap, NULL);
		}
		fprintf(out, " (%s ", str_or(json_string_value(json_object_get(m, "day")), "?"));
		cli_print_text(out, str_or(json_string_value(json_object_get(m, "by")), "?"), NULL);
		fputs(")\n", out);
	}
	if (json_array_size(dups) > 0) {
		fputs(_("重复件 Duplicates of this case:"), out);
		json_array_foreach(dups, i, it)
		{
			fputc(' ', out);
			cli_print_text(out, json_string_value(it), NULL);
		}
		fputc('\n', out);
	}
}

int
view_show(FILE *out, struct archive_txn *t, const char *district, uint64_t index,
          const struct keyfile_secret *key, const char *extract_dir, char *err, size_t errsz)
{
	struct archive_district d;
	struct archive_entry e;
	struct extract *x = NULL;
	struct opened report = {0}, *fu = NULL, *rep = NULL, *notes = NULL;
	const json_t *list, *it;
	json_t *rec = NULL;
	char name[CASES_NAME_BUF];
	unsigned counter = 0;
	size_t nfu = 0, nrep = 0, nnotes = 0, i;
	int rc;

	cases_format_name(name, district, index);
	rc = archive_case_get(t, district, index, &rec);
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		json_t *q;

		/* no case: perhaps a quarantined entry of its own (§10) */
		if (archive_quarantine_get(t, district, index, &q) == ARCHIVE_OK) {
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
	}
	if (rc == ARCHIVE_OK)
		rc = archive_district_get(t, district, &d);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz,
		         rc == ARCHIVE_ERR_NOT_FOUND ? _("no case %s in the archive")
		                                     : _("case %s: archive failure"),
		         name);
		json_decref(rec);
		return -1;
	}
	if (extract_dir != NULL && extract_begin(&x, extract_dir, name, err, errsz) != 0) {
		json_decref(rec);
		return -1;
	}
	rc = archive_entry_get(t, district, index, &e);
	if (rc != ARCHIVE_OK || e.kind != CHAIN_KIND_REPORT) {
		snprintf(err, errsz, _("case %s: its report entry is missing from the archive"),
		         name);
		goto fail;
	}
	if (open_one(&report, key, e.envelope, e.envelope_len, x, &counter,
	             json_object_get(rec, "quarantine") != NULL, err, errsz) != 0) {
		if (json_object_get(rec, "quarantine") == NULL)
			goto fail_prefix;
		memset(&report, 0, sizeof report); /* quarantined: it may not open at all */
	}

	list = json_object_get(rec, "followups");
	fu = calloc(json_array_size(list) + 1, sizeof *fu);
	list = json_object_get(rec, "replies");
	rep = calloc(json_array_size(list) + 1, sizeof *rep);
	list = json_object_get(rec, "notes");
	notes = calloc(json_array_size(list) + 1, sizeof *notes);
	if (fu == NULL || rep == NULL || notes == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto fail;
	}
	json_array_foreach(json_object_get(rec, "followups"), i, it)
	{
		uint64_t fi = (uint64_t)json_integer_value(json_object_get(it, "index"));

		if (archive_entry_get(t, district, fi, &e) != ARCHIVE_OK ||
		    e.kind != CHAIN_KIND_FOLLOWUP) {
			snprintf(err, errsz, _("case %s: follow-up %" PRIu64 " is missing"), name,
			         fi);
			goto fail;
		}
		if (open_one(&fu[i], key, e.envelope, e.envelope_len, x, &counter,
		             json_object_get(it, "quarantine") != NULL, err, errsz) != 0) {
			if (json_object_get(it, "quarantine") == NULL)
				goto fail_prefix;
			memset(&fu[i], 0, sizeof fu[i]); /* quarantined: it may not open */
		}
		nfu = i + 1;
	}
	json_array_foreach(json_object_get(rec, "replies"), i, it)
	{
		const uint8_t *env;
		size_t len;
		uint32_t n = (uint32_t)json_integer_value(json_object_get(it, "n"));

		if (archive_reply_get(t, district, index, n, ARCHIVE_REPLY_TO_DISTRICT, &env,
		                      &len) != ARCHIVE_OK) {
			snprintf(err, errsz, _("case %s: reply %u is missing"), name, n);
			goto fail;
		}
		if (open_one(&rep[i], key, env, len, NULL, NULL, 0, err, errsz) != 0)
			goto fail_prefix;
		nrep = i + 1;
	}
	json_array_foreach(json_object_get(rec, "notes"), i, it)
	{
		const uint8_t *env;
		size_t len;
		uint32_t n = (uint32_t)json_integer_value(json_object_get(it, "n"));

		if (archive_note_get(t, district, index, n, &env, &len) != ARCHIVE_OK) {
			snprintf(err, errsz, _("case %s: note %u is missing"), name, n);
			goto fail;
		}
		if (open_one(&notes[i], key, env, len, NULL, NULL, 0, err, errsz) != 0)
			goto fail_prefix;
		nnotes = i + 1;
	}
	if (x != NULL && extract_end(x, 1, err, errsz) != 0) {
		x = NULL;
		goto fail;
	}
	x = NULL;

	/* print */
	if (cases_number_json(rec) > 0) {
		char no[CASES_NAME_BUF];

		cases_format_number(no, district, cases_number_json(rec));
		fprintf(out, _("案件 Case: %s  件号 No. %s\n"), name, no);
	} else {
		fprintf(out, _("案件 Case: %s\n"), name);
	}
	fprintf(out, _("收到日期 Received: %s\n"), json_string_value(json_object_get(rec, "day")));
	{
		const char *st = json_string_value(json_object_get(rec, "status"));

		fprintf(out, _("当前状态 Status: %s %s\n"), st, str_or(cases_status_label(st), ""));
	}
	fprintf(out, _("已确认送达 Acknowledged to the reporter: %s\n"),
	        cases_delivered_json(rec, d.acks_through) ? _("是 yes")
	                                                  : _("否 not yet (next update)"));
	if (json_object_get(rec, "quarantine") != NULL) {
		fputs(_("\n隔离 QUARANTINED: "), out);
		cli_print_text(out, json_string_value(json_object_get(rec, "quarantine")), NULL);
		fputs(_("\nIts chain verifies: the server stored exactly what was submitted. Its "
		        "content does not\nhold: most likely a broken or malicious client, or a "
		        "server that supplied another\nreply key. It cannot be answered (a reply "
		        "could go to whoever chose that key).\n"),
		      out);
	}
	print_marks(out, rec);
	if (report.manifest != NULL)
		print_report(out, &report);
	else
		fputs(_("\n== 举报内容 Report ==\n(the envelope does not open: nothing to show)\n"),
		      out);

	fputs(_("\n== 补充材料 Follow-ups ==\n"), out);
	if (nfu == 0)
		fputs("-\n", out);
	json_array_foreach(json_object_get(rec, "followups"), i, it)
	{
		const json_t *m = fu[i].manifest;

		if (i >= nfu)
			break;
		fprintf(out, _("#%lld 收到日期 received %s\n"),
		        json_integer_value(json_object_get(it, "index")),
		        json_string_value(json_object_get(it, "day")));
		if (json_object_get(it, "quarantine") != NULL) {
			fputs(_("  隔离 QUARANTINED, NOT verified as the reporter's words: "), out);
			cli_print_text(out, json_string_value(json_object_get(it, "quarantine")),
			               NULL);
			fputc('\n', out);
			if (m == NULL) {
				fputs(_("  (the envelope does not open: nothing to show)\n"), out);
				continue;
			}
		}
		field(out, "  ", _("目的 Purpose"), json_object_get(m, "purpose"),
		      labels_purposes());
		body(out, "  ", _("正文 Body"), json_object_get(m, "body"));
		print_attachments(out, "  ", &fu[i]);
	}

	fputs(_("\n== 答复 Replies ==\n"), out);
	if (nrep == 0)
		fputs("-\n", out);
	json_array_foreach(json_object_get(rec, "replies"), i, it)
	{
		const json_t *m = rep[i].manifest;
		json_int_t sent = json_integer_value(json_object_get(it, "sent_seq"));
		const char *st = json_string_value(json_object_get(m, "status"));

		if (i >= nrep)
			break;
		fprintf(out, "#%lld %s ", json_integer_value(json_object_get(it, "n")),
		        json_string_value(json_object_get(it, "day")));
		cli_print_text(out, json_string_value(json_object_get(it, "by")), NULL);
		fprintf(out, _(", 状态 status %s %s, "), str_or(st, "?"),
		        str_or(cases_status_label(st), ""));
		if (sent > 0)
			fprintf(out, _("已发出 sent in update %lld\n"), sent);
		else
			fputs(_("待发出 queued\n"), out);
		body(out, "  ", _("正文 Body"), json_object_get(m, "body"));
		print_attachments(out, "  ", &rep[i]);
	}
	fputs(_("\n== 备注 Notes (investigators only, never sent) ==\n"), out);
	if (nnotes == 0)
		fputs("-\n", out);
	json_array_foreach(json_object_get(rec, "notes"), i, it)
	{
		if (i >= nnotes)
			break;
		fprintf(out, "#%lld %s ", json_integer_value(json_object_get(it, "n")),
		        str_or(json_string_value(json_object_get(it, "day")), "?"));
		cli_print_text(out, json_string_value(json_object_get(it, "by")), NULL);
		fputc('\n', out);
		body(out, "  ", _("正文 Text"), json_object_get(notes[i].manifest, "body"));
	}
	print_history(out, rec);

	opened_free(&report);
	for (i = 0; i < nfu; i++)
		opened_free(&fu[i]);
	for (i = 0; i < nrep; i++)
		opened_free(&rep[i]);
	for (i = 0; i < nnotes; i++)
		opened_free(&notes[i]);
	free(fu);
	free(rep);
	free(notes);
	json_decref(rec);
	return 0;

fail_prefix : {
	char inner[512];

	snprintf(inner, sizeof inner, "%s", err);
	snprintf(err, errsz, _("case %s: %s"), name, inner);
}
fail:
	extract_end(x, 0, NULL, 0);
	opened_free(&report);
	for (i = 0; i < nfu; i++)
		opened_free(&fu[i]);
	for (i = 0; i < nrep; i++)
		opened_free(&rep[i]);
	for (i = 0; i < nnotes; i++)
		opened_free(&notes[i]);
	free(fu);
	free(rep);
	free(notes);
	json_decref(rec);
	return -1;
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
list_new(json_t *row, const char *id, const json_t *rec)
{
	char no[CASES_NAME_BUF];
	const char *rn = NULL, *mark;
	const json_t *it;
	json_int_t seen =
	        json_integer_value(json_object_get(json_object_get(rec, "seen"), "through"));
	json_int_t nnew = 0;
	int objection = 0;
	size_t i;

	cases_format_number(no, id, cases_number_json(rec));
	mark = json_string_value(json_object_get(
	        json_object_get(json_object_get(rec, "marks"), "realname"), "value"));
	if (workflow_real_name_json(rec) == 1)
		rn = mark != NULL && strcmp(mark, "impersonated") == 0 ? "冒名" : "实名";
	else if (workflow_real_name_json(rec) == 0)
		rn = "匿名";
	json_array_foreach(json_object_get(rec, "followups"), i, it)
	{
		if (json_integer_value(json_object_get(it, "index")) <= seen)
			continue;
		nnew++;
		objection |= json_is_true(json_object_get(it, "objection"));
	}
	if (json_object_set_new(row, "number",
	                        cases_number_json(rec) > 0
	                                ? json_integer((json_int_t)cases_number_json(rec))
	                                : json_null()) != 0 ||
	    json_object_set_new(row, "number_name",
	                        cases_number_json(rec) > 0 ? json_string(no) : json_null()) != 0 ||
	    json_object_set_new(row, "real_name_label",
	                        rn != NULL ? json_string(rn) : json_null()) != 0)
		return -1;
	if (json_object_set_new(row, "new_followups", json_integer(nnew)) != 0 ||
	    json_object_set_new(row, "new_objection", json_boolean(objection)) != 0)
		return -1;
	return 0;
}

int
view_mark_seen(struct archive_txn *t, const char *district, uint64_t index, const char *by,
               const char *day)
{
	json_t *rec, *seen;
	json_int_t through = (json_int_t)index;
	const json_t *it;
	size_t i;
	int rc = archive_case_get(t, district, index, &rec);

	if (rc != ARCHIVE_OK)
		return rc;
	json_array_foreach(json_object_get(rec, "followups"), i, it)
	{
		if (json_integer_value(json_object_get(it, "index")) > through)
			through = json_integer_value(json_object_get(it, "index"));
	}
	seen = json_pack("{s:I, s:s, s:s?}", "through", through, "day", day, "by", by);
	if (seen == NULL || json_object_set_new(rec, "seen", seen) != 0)
		rc = ARCHIVE_ERR_NOMEM;
	else
		rc = archive_case_put(t, district, index, rec);
	json_decref(rec);
	return rc;
}

static int
list_one(void *vctx, const char *id, uint64_t index, const json_t *rec)
{
	struct list_ctx *c = vctx;
	const char *st = json_string_value(json_object_get(rec, "status"));
	json_t *counts, *row;
	char name[CASES_NAME_BUF], k[24];

	if (c->status != NULL && (st == NULL || strcmp(st, c->status) != 0))
		return 0;
	if (strcmp(c->cur, id) != 0) {
		struct archive_district d;

		if (archive_district_get(c->t, id, &d) != ARCHIVE_OK) {
			snprintf(c->err, c->errsz, _("district %s: archive failure"), id);
			return -1;
		}
		snprintf(c->cur, sizeof c->cur, "%s", id);
		c->acks = d.acks_through;
	}
	counts = json_object_get(c->queued, id);
	if (counts == NULL) {
		counts = json_object();
		if (counts == NULL || json_object_set_new(c->queued, id, counts) != 0 ||
		    archive_outbox_foreach(c->t, id, count_op, counts) != ARCHIVE_OK) {
			snprintf(c->err, c->errsz,
			         _("district %s: cannot read the queued operations"), id);
			return -1;
		}
	}
	cases_format_name(name, id, index);
	snprintf(k, sizeof k, "%" PRIu64, index);
	row = json_pack("{s:s, s:s, s:I, s:O, s:O, s:I, s:I, s:I, s:b}", "case", name, "district",
	                id, "index", (json_int_t)index, "day", json_object_get(rec, "day"),
	                "status", json_object_get(rec, "status"), "followups",
	                (json_int_t)json_array_size(json_object_get(rec, "followups")), "replies",
	                (json_int_t)json_array_size(json_object_get(rec, "replies")), "queued",
	                json_integer_value(json_object_get(counts, k)), "delivered",
	                cases_delivered_json(rec, c->acks));
	if (row == NULL || json_array_append_new(c->rows, row) != 0) {
		snprintf(c->err, c->errsz, _("out of memory"));
		return -1;
	}
	json_object_set_new(row, "stage", json_string(workflow_stage_of_json(rec)));
	json_object_set(row, "quarantine",
	                json_object_get(rec, "quarantine") ? json_object_get(rec, "quarantine")
	                                                   : json_null());
	json_object_set_new(row, "real_name",
	                    workflow_real_name_json(rec) < 0
	                            ? json_null()
	                            : json_boolean(workflow_real_name_json(rec)));
	if (list_new(row, id, rec) != 0) {
		snprintf(c->err, c->errsz, "out of memory");
		return -1;
	}
	if (c->w != NULL) {
		struct deadline dl[DEADLINE_MAX];
		size_t ndl = deadline_of_case_json(rec, c->w, c->today, dl);
		int next = deadline_next(dl, ndl), overdue = 0, soon = 0;

		for (size_t k = 0; k < ndl; k++) {
			overdue |= dl[k].state == DEADLINE_OVERDUE;
			soon |= dl[k].state == DEADLINE_DUE_SOON;
		}
		json_object_set_new(row, "overdue", json_boolean(overdue));
		json_object_set_new(row, "due_soon", json_boolean(soon));
		json_object_set_new(row, "next_deadline",
		                    next >= 0 ? deadline_to_json(&dl[next]) : json_null());
	}
	if (c->key_for != NULL) {
		const struct keyfile_secret *key = c->key_for(c->key_ctx, id);
		struct archive_entry e;
		struct opened o;
		const json_t *r;

		if (key == NULL) {
			snprintf(c->err, c->errsz, _("no key for district %s"), id);
			return -1;
		}
		if (archive_entry_get(c->t, id, index, &e) != ARCHIVE_OK ||
		    open_one(&o, key, e.envelope, e.envelope_len, NULL, NULL, 0, c->err,
		             c->errsz) != 0) {
			if (json_object_get(rec, "quarantine") != NULL)
				return 0; /* quarantined: it may not open at all */
			snprintf(c->err, c->errsz, _("case %s: the report does not open"), name);
			return -1;
		}
		r = json_object_get(o.manifest, "report");
		json_object_set(row, "type",
		                json_object_get(r, "type") != NULL ? json_object_get(r, "type")
		                                                   : json_null());
		json_object_set(row, "category",
		                json_object_get(r, "category") != NULL
		                        ? json_object_get(r, "category")
		                        : json_null());
		json_object_set(row, "title",
		                json_object_get(r, "title") != NULL ? json_object_get(r, "title")
		                                                    : json_null());
		if (json_is_string(json_object_get(r, "concerns"))) /* §14: routed from below */
			json_object_set(row, "concerns", json_object_get(r, "concerns"));
		opened_free(&o);
	}
	return 0;
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
	json_t *rec = NULL, *row;

	if (kind != NULL && strcmp(kind, "report") == 0 &&
	    archive_case_get(c->t, id, index, &rec) == ARCHIVE_OK) {
		json_decref(rec); /* listed as a case, with its reason */
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
	rc = archive_case_foreach(t, NULL, list_one, &c);
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

	if (json) {
		json_dumpf(rows, out, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', out);
		return;
	}
	if (json_array_size(rows) == 0) {
		fputs(_("no cases\n"), out);
		return;
	}
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
