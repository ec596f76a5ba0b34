/* forward: see forward.h. */
#include "admin/forward.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/deadline.h"
#include "admin/extract.h"
#include "admin/i18n.h"
#include "admin/opencase.h"
#include "admin/replytpl.h"
#include "admin/workflow.h"
#include "crypto/codec.h"
#include "crypto/fileio.h"
#include "crypto/vocab.h"

/* A day number as 2026年4月9日 (empty on a bad day). */
static void
day_zh(char *out, size_t outsz, long d)
{
	char iso[CODEC_DAY_LEN + 1];

	out[0] = '\0';
	if (codec_day_from_number(iso, d) == 0)
		replytpl_day_zh(out, outsz, iso);
}

/*
 * "  label：value" with the value as untrusted text, shown by its Chinese
 * label when the table has one; an absent or empty value leaves the line
 * out (a document has no "-" lines).
 */
static void
field(FILE *f, const char *indent, const char *label, const json_t *v, const struct vocab_word *t)
{
	const char *s = json_string_value(v);

	if (s == NULL || s[0] == '\0')
		return;
	fprintf(f, "%s%s：", indent, label);
	if (vocab_zh(t, s) != NULL)
		fputs(vocab_zh(t, s), f);
	else
		cli_print_text(f, s, NULL);
	fputc('\n', f);
}

static void
write_document(FILE *f, const struct forward_doc *doc, const struct case_record *c, const json_t *m,
               const char *to, const char *by, const json_t *paths, int with_att)
{
	const json_t *r = json_object_get(m, "report");
	const json_t *s = json_object_get(r, "subject");
	const json_t *atts = json_object_get(m, "attachments"), *a;
	int assign = doc->kind == DEADLINE_ASSIGN;
	/* 转办/交办 to a lower body; otherwise 转送 (to another organ, or the level above) */
	const char *verb = !doc->handoff ? "转送" : assign ? "交办" : "转办";
	const char *v1 = !doc->handoff ? "送" : assign ? "交" : "转";
	char received[32] = "", today[32] = "", due[32] = "", year[8] = "";
	long rday;
	size_t i;

	if (codec_day_number(c->day, &rday) == 0)
		day_zh(received, sizeof received, rday);
	day_zh(today, sizeof today, doc->today);
	day_zh(due, sizeof due, doc->due);
	snprintf(year, sizeof year, "%.4s", doc->day);
	/* an official document: Chinese whatever the locale (docs/decisions.md) */
	fprintf(f, "                问题线索%s%s\n\n", verb, doc->handoff ? "单" : "函");
	fprintf(f, "编号：%s〔%s〕%s号\n", v1, year, doc->name);
	if (c->number > 0) { /* the 件号 the office names the case by */
		char no[CASES_NAME_BUF];

		cases_format_number(no, c->district, c->number);
		fprintf(f, "件号：%s\n", no);
	}
	fputc('\n', f);
	fputs("收件单位：", f);
	cli_print_text(f, to, NULL);
	fprintf(f, "\n\n    现将问题线索一件%s你单位%s，有关情况如下。\n", v1,
	        doc->handoff ? "办理" : "依规依法处理");
	fputs("\n一、问题线索摘要\n", f);
	if (received[0] != '\0')
		fprintf(f, "    收到日期：%s\n", received);
	field(f, "    ", "反映类型", json_object_get(r, "type"), vocab_words(VOCAB_TYPE));
	field(f, "    ", "问题类别", json_object_get(r, "category"), vocab_words(VOCAB_CATEGORY));
	field(f, "    ", "具体问题", json_object_get(r, "subcategory"), NULL);
	field(f, "    ", "所在乡镇（街道）", json_object_get(r, "town"), NULL);
	field(f, "    ", "标题", json_object_get(r, "title"), NULL);
	field(f, "    ", "发生时间", json_object_get(r, "when"), NULL);
	field(f, "    ", "发生地点", json_object_get(r, "where"), NULL);
	fputs("    被反映人：\n", f);
	field(f, "        ", "姓名", json_object_get(s, "name"), NULL);
	field(f, "        ", "单位", json_object_get(s, "unit"), NULL);
	field(f, "        ", "地区", json_object_get(s, "area"), NULL);
	field(f, "        ", "职务", json_object_get(s, "position"), NULL);
	field(f, "        ", "级别", json_object_get(s, "level"), vocab_words(VOCAB_LEVEL));
	field(f, "        ", "是否党员", json_object_get(s, "party_member"),
	      vocab_words(VOCAB_PARTY));
	fputs("    主要内容：\n        ", f);
	if (json_is_string(json_object_get(r, "body"))) {
		const char *b = json_string_value(json_object_get(r, "body"));
		size_t bl = strlen(b);

		cli_print_text(f, b, "        ");
		if (bl == 0 || b[bl - 1] != '\n') /* a body ending in a newline has its own */
			fputc('\n', f);
	} else {
		fputs("（无）\n", f);
	}
	fprintf(f, "\n二、%s依据\n", verb);
	if (!doc->handoff)
		fputs("    依据《纪检监察机关处理检举控告工作规则》有关规定，该问题线索不属于我委"
		      "受理范围，现转送你单位依规依法处理。\n",
		      f);
	else if (assign)
		fputs("    依据《纪检监察机关处理检举控告工作规则》和我委有关规定，经研究，"
		      "该问题线索交由你单位办理。\n",
		      f);
	else
		fputs("    《纪检监察机关处理检举控告工作规则》第十六条：“纪检监察机关信访举报部门"
		      "收到属于下级纪检监察机关受理的检举控告，应当及时予以转送。下一级纪检监察"
		      "机关对转送的检举控告，应当进行登记，在收到之日起5个工作日内完成受理或者"
		      "转办工作。”\n",
		      f);
	fputs("\n三、办理要求及时限\n", f);
	if (!doc->handoff)
		fputs("    1. 请依规依法处理，并将处理情况书面反馈我委。\n", f);
	else if (doc->supervised)
		fprintf(f, "    1. 本件已督办。请于%s前将办理情况书面报告我委。\n", due);
	else if (assign)
		fprintf(f,
		        "    1. 请认真调查核实，于%s前（自交办之日起%u个工作日内）将办理结果书面"
		        "报告我委；逾期未报告的，我委将予以督办。\n",
		        due, doc->days);
	else
		fprintf(f,
		        "    1. 请于%s前（自收到之日起5个工作日内）完成登记、受理或者转办工作，"
		        "并将受理情况书面反馈我委。\n",
		        due);
	fputs("    2. 严格保密，不得扩大知情范围，不得将检举控告材料及有关情况透露给被反映人"
	      "或者其他无关人员。\n"
	      "    3. 本单不载明检举控告人身份信息，不附补充材料、答复及我委办理记录。\n",
	      f);
	fputs("\n四、附件\n", f);
	if (json_array_size(atts) == 0)
		fputs("    无\n", f);
	else if (!with_att)
		fprintf(f, "    原件附件%zu件，未随本单移送。\n", json_array_size(atts));
	else
		json_array_foreach(atts, i, a)
		{
			fprintf(f, "    %zu. ", i + 1);
			cli_print_text(f, json_string_value(json_array_get(paths, i)), NULL);
			fprintf(f, "（%" JSON_INTEGER_FORMAT "字节）\n",
			        json_integer_value(json_object_get(a, "size")));
		}
	fputs("\n经办人：", f);
	cli_print_text(f, by, NULL);
	fputs("\n\n                                        ", f);
	cli_print_text(f, doc->district_name, NULL);
	fprintf(f, "\n                                        %s\n", today);
}

/* Removes the attachment files listed in paths (relative to dir) after a failure. */
static void
remove_files(const char *dir, const json_t *paths)
{
	const json_t *p;
	size_t i;

	json_array_foreach(paths, i, p)
	{
		char full[4400];

		snprintf(full, sizeof full, "%s/%s", dir, json_string_value(p));
		unlink(full);
	}
}

int
forward_write(struct session *s, struct case_record *c, const struct forward_args *a,
              struct forward_result *r, char *err, size_t errsz)
{
	struct forward_doc doc;
	struct deadline hd;
	struct extract *x = NULL;
	struct opencase oc;
	char name[CASES_NAME_BUF], why[SESSION_ERR_MAX];
	FILE *f = NULL;
	int rc, made = 0, extracted = 0;

	memset(r, 0, sizeof *r);
	memset(&oc, 0, sizeof oc);
	cases_format_name(name, c->district, c->index);
	if (strcmp(a->key->pub.id, c->district) != 0) {
		snprintf(err, errsz, _("the key is for district %s, not %s"), a->key->pub.id,
		         c->district);
		goto fail;
	}
	if (c->quarantine[0] != '\0') {
		/* §10: its content did not hold; it goes nowhere as someone's report */
		snprintf(err, errsz,
		         _("case %s is quarantined: it is not forwarded (its content is not proven "
		           "to be the reporter's; see show %s)"),
		         name, name);
		goto fail;
	}
	/* the history event first (its attachments set once written): a bad --to changes nothing */
	if (workflow_record_forward(c, a->to, 0, s->who, s->day, err, errsz) != 0)
		goto fail;
	f = cli_create(a->path, err, errsz);
	if (f == NULL)
		goto fail;
	made = 1;
	if (a->att_dir != NULL && extract_begin(&x, a->att_dir, name, err, errsz) != 0)
		goto fail;
	/* the report only: what the other body is given (a quarantined case was refused above) */
	if (opencase_open(s->t, c, a->key, OPENCASE_REPORT, x, &oc, err, errsz) != 0)
		goto fail;
	r->listed = json_array_size(json_object_get(oc.report.manifest, "attachments"));
	memset(&doc, 0, sizeof doc);
	doc.name = name;
	doc.day = s->day;
	doc.district_name = a->key->pub.name;
	if (codec_day_number(s->day, &doc.today) != 0) {
		snprintf(err, errsz, "bad day %s", s->day);
		goto fail;
	}
	/* the time limit: the case's 转办/交办 (or its open 督办); else a 转送函 without one */
	if (deadline_handoff(c, a->w, doc.today, &hd)) {
		doc.handoff = 1;
		doc.supervised = hd.kind == DEADLINE_SUPERVISE;
		doc.kind = hd.kind == DEADLINE_SUPERVISE ? DEADLINE_ASSIGN : hd.kind;
		if (hd.kind == DEADLINE_SUPERVISE) {
			struct deadline d[DEADLINE_MAX];
			size_t nd = deadline_of_case(c, a->w, doc.today, d);

			for (size_t k = 0; k < nd; k++)
				if (d[k].kind == DEADLINE_TRANSFER || d[k].kind == DEADLINE_ASSIGN)
					doc.kind = d[k].kind;
		}
		doc.due = hd.due;
		doc.days = (unsigned)workdays_between(a->w, hd.from, hd.due);
	} else {
		doc.kind = DEADLINE_TRANSFER;
		doc.due = doc.today;
	}
	write_document(f, &doc, c, oc.report.manifest, a->to, s->who, oc.report.paths, x != NULL);
	rc = fileio_finish_stream(f, a->path);
	f = NULL;
	if (rc != 0) {
		made = 0; /* removed */
		snprintf(err, errsz, _("cannot write %s: %s"), a->path, strerror(errno));
		goto fail;
	}
	if (x != NULL) {
		struct extract *done = x;

		x = NULL;
		extracted = 1;
		if (extract_end(done, 1, err, errsz) != 0)
			goto fail; /* extract_end removed its files */
		r->attachments = json_array_size(oc.report.paths);
	}
	c->history[c->nhistory - 1].attachments = (int64_t)r->attachments;
	rc = archive_case_store(s->t, c);
	if (rc != ARCHIVE_OK)
		snprintf(why, sizeof why, "%s", archive_strerror(rc));
	if (rc != ARCHIVE_OK || session_commit_err(s, "forward", name, why, sizeof why) != 0) {
		snprintf(err, errsz, _("archive: %s; nothing was forwarded"), why);
		if (extracted && oc.report.paths != NULL)
			remove_files(a->att_dir, oc.report.paths);
		goto fail;
	}
	opencase_free(&oc);
	return 0;

fail:
	if (x != NULL)
		extract_end(x, 0, NULL, 0);
	if (f != NULL)
		fileio_abandon_stream(f, a->path);
	else if (made)
		unlink(a->path);
	session_abort(s, NULL);
	opencase_free(&oc);
	memset(r, 0, sizeof *r);
	return -1;
}

int
forward_command(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct case_record rec;
	struct forward_args a = {.path = o->out, .to = o->to, .att_dir = o->with_att};
	struct workdays *w = NULL;
	struct forward_result r;
	char err[SESSION_ERR_MAX];
	int rc = -1;

	if (session_case(s, o->pos[0], &c) != 0 || session_case_exists(s, &c) != 0 ||
	    (a.key = session_key(s, c.district)) == NULL)
		return CLI_EXIT_USER;
	if (session_calendar(s, 1, &w) != 0)
		return CLI_EXIT_USER;
	a.w = w;
	if (session_begin(s, 1) == 0 && session_load(s, &c, &rec) == 0) {
		rc = forward_write(s, &rec, &a, &r, err, sizeof err);
		case_free(&rec);
		if (rc != 0)
			cli_error("%s", err);
	}
	workdays_free(w);
	if (rc != 0)
		return CLI_EXIT_USER;
	printf(_("case %s: wrote %s for "), c.shown, o->out);
	cli_print_text(stdout, o->to, NULL);
	printf(_(" without the reporter's identity and follow-ups; "));
	if (o->with_att != NULL)
		printf(_("%zu attachment(s) in %s/%s\n"), r.attachments, o->with_att, c.name);
	else
		printf(_("%zu attachment(s) not included\n"), r.listed);
	printf(_("read it before it leaves: the text a reporter wrote may itself name them\n"));
	return CLI_EXIT_OK;
}
