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
#include "admin/extract.h"
#include "admin/i18n.h"
#include "admin/labels.h"
#include "admin/workflow.h"
#include "crypto/chain.h"
#include "crypto/envelope.h"
#include "crypto/fileio.h"

struct fwd_open {
	json_t *manifest;
	struct extract *x;
	json_t *paths; /* files written, relative to the attachment directory */
	size_t next;   /* next attachment without a file yet */
	char err[512];
};

static const char *
att_name(const json_t *m, size_t i)
{
	return json_string_value(
	        json_object_get(json_array_get(json_object_get(m, "attachments"), i), "name"));
}

static int
files_through(struct fwd_open *c, size_t i)
{
	while (c->next <= i) {
		char shown[512];

		if (extract_file(c->x, (unsigned)c->next + 1, 0, att_name(c->manifest, c->next),
		                 shown, sizeof shown, c->err, sizeof c->err) != 0)
			return -1;
		if (json_array_append_new(c->paths, json_string(shown)) != 0)
			return -1;
		c->next++;
	}
	return 0;
}

static int
on_manifest(void *ctx, const char *json, size_t len, const json_t *parsed)
{
	struct fwd_open *c = ctx;

	(void)json;
	(void)len;
	c->manifest = json_deep_copy(parsed);
	return c->manifest == NULL;
}

static int
on_attachment(void *ctx, size_t index, const uint8_t *data, size_t len)
{
	struct fwd_open *c = ctx;

	if (c->x == NULL)
		return 0;
	if (files_through(c, index) != 0)
		return -1;
	return extract_write(c->x, data, len, c->err, sizeof c->err);
}

/* "label: value [中文]" with the value as untrusted text; empty shows "-". */
static void
line(FILE *f, const char *indent, const char *label, const json_t *v, const struct labels_entry *t)
{
	const char *s = json_string_value(v);

	fprintf(f, "%s%s: ", indent, label);
	if (s == NULL || s[0] == '\0') {
		fputs("-\n", f);
		return;
	}
	cli_print_text(f, s, NULL);
	if (labels_zh(t, s) != NULL)
		fprintf(f, " %s", labels_zh(t, s));
	fputc('\n', f);
}

static void
write_document(FILE *f, const char *name, const json_t *rec, const json_t *m, const char *to,
               const char *by, const char *day, const json_t *paths, int with_att)
{
	const json_t *r = json_object_get(m, "report");
	const json_t *s = json_object_get(r, "subject");
	const json_t *atts = json_object_get(m, "attachments"), *a;
	size_t i;

	fputs("清风 转送件 Forwarded report (redacted)\n", f);
	fputs("==========================================\n", f);
	fprintf(f, "案件 Case: %s\n", name);
	if (cases_number(rec) > 0) { /* the 件号 the office names the case by */
		char no[CASES_NAME_BUF];

		cases_format_number(no, json_string_value(json_object_get(rec, "district")),
		                    cases_number(rec));
		fprintf(f, "件号 No.: %s\n", no);
	}
	fprintf(f, "收到日期 Received: %s\n", json_string_value(json_object_get(rec, "day")));
	fputs("转送至 Forwarded to: ", f);
	cli_print_text(f, to, NULL);
	fputs("\n转送人 Forwarded by: ", f);
	cli_print_text(f, by, NULL);
	fprintf(f, "\n转送日期 Day: %s\n", day);
	fputs("说明 Note: 检举控告人身份信息、补充材料及办理记录均已移除。\n"
	      "      The reporter's identity, the follow-ups and the handling record have been "
	      "removed.\n",
	      f);
	fputs("\n== 举报内容 Report ==\n", f);
	line(f, "", "类型 Type", json_object_get(r, "type"), labels_types());
	line(f, "", "问题类别 Category", json_object_get(r, "category"), labels_categories());
	line(f, "", "具体问题 Subcategory", json_object_get(r, "subcategory"), NULL);
	line(f, "", "乡镇（街道） Town", json_object_get(r, "town"), NULL);
	line(f, "", "标题 Title", json_object_get(r, "title"), NULL);
	line(f, "", "发生时间 When", json_object_get(r, "when"), NULL);
	line(f, "", "发生地点 Where", json_object_get(r, "where"), NULL);
	fputs("被反映人 Subject:\n", f);
	line(f, "  ", "姓名 Name", json_object_get(s, "name"), NULL);
	line(f, "  ", "单位 Unit", json_object_get(s, "unit"), NULL);
	line(f, "  ", "地区 Area", json_object_get(s, "area"), NULL);
	line(f, "  ", "职务 Position", json_object_get(s, "position"), NULL);
	line(f, "  ", "级别 Level", json_object_get(s, "level"), labels_levels());
	line(f, "  ", "是否党员 Party member", json_object_get(s, "party_member"), labels_yesno());
	fputs("正文 Body:\n  ", f);
	if (json_is_string(json_object_get(r, "body")))
		cli_print_text(f, json_string_value(json_object_get(r, "body")), "  ");
	else
		fputs("-", f);
	fputc('\n', f);
	fprintf(f, "\n== 附件 Attachments: %zu ==\n", json_array_size(atts));
	if (json_array_size(atts) > 0 && !with_att)
		fputs("未随附 Not included with this document.\n", f);
	if (with_att)
		json_array_foreach(atts, i, a)
		{
			fprintf(f, "%zu. ", i + 1);
			cli_print_text(f, json_string_value(json_array_get(paths, i)), NULL);
			fprintf(f, " (%" JSON_INTEGER_FORMAT " bytes)\n",
			        json_integer_value(json_object_get(a, "size")));
		}
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
forward_write(struct archive *a, const char *district, uint64_t index,
              const struct keyfile_secret *key, const char *path, const char *to,
              const char *att_dir, const char *by, const char *day, struct forward_result *r,
              char *err, size_t errsz)
{
	struct envelope_callbacks cb = {on_manifest, on_attachment, NULL};
	struct envelope_opener *op = NULL;
	struct archive_txn *t = NULL;
	struct archive_entry e;
	struct fwd_open c;
	char name[CASES_NAME_BUF];
	json_t *rec = NULL;
	FILE *f = NULL;
	int rc, made = 0, extracted = 0;

	memset(r, 0, sizeof *r);
	memset(&c, 0, sizeof c);
	cb.ctx = &c;
	cases_format_name(name, district, index);
	if (strcmp(key->pub.id, district) != 0) {
		snprintf(err, errsz, _("the key is for district %s, not %s"), key->pub.id,
		         district);
		return -1;
	}
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		return -1;
	}
	rc = archive_case_get(t, district, index, &rec);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz,
		         rc == ARCHIVE_ERR_NOT_FOUND ? _("no case %s in the archive")
		                                     : _("case %s: archive failure"),
		         name);
		goto fail;
	}
	if (json_object_get(rec, "quarantine") != NULL) {
		/* §10: its content did not hold; it goes nowhere as someone's report */
		snprintf(err, errsz,
		         _("case %s is quarantined: it is not forwarded (its content is not proven "
		           "to be the reporter's; see show %s)"),
		         name, name);
		goto fail;
	}
	/* the history first: a bad --to changes nothing */
	if (workflow_record_forward(t, district, index, to, 0, by, day, err, errsz) != 0)
		goto fail;
	rc = archive_entry_get(t, district, index, &e);
	if (rc != ARCHIVE_OK || e.kind != CHAIN_KIND_REPORT) {
		snprintf(err, errsz, _("case %s: its report entry is missing"), name);
		goto fail;
	}
	f = fileio_create_stream(path, 0600);
	if (f == NULL) {
		snprintf(err, errsz, _("cannot create %s: %s"), path,
		         errno == EEXIST ? "it exists; refusing to overwrite it" : strerror(errno));
		goto fail;
	}
	made = 1;
	if (att_dir != NULL) {
		c.paths = json_array();
		if (c.paths == NULL) {
			snprintf(err, errsz, _("out of memory"));
			goto fail;
		}
		if (extract_begin(&c.x, att_dir, name, err, errsz) != 0)
			goto fail;
	}
	rc = envelope_open_init(&op, key->pub.box_pk, key->box_sk, &cb);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_update(op, e.envelope, e.envelope_len);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(op);
	envelope_open_free(op);
	if (rc == ENVELOPE_OK && c.x != NULL && c.manifest != NULL) {
		size_t n = json_array_size(json_object_get(c.manifest, "attachments"));

		if (n > 0 && files_through(&c, n - 1) != 0)
			rc = ENVELOPE_ERR_SINK;
	}
	if (rc != ENVELOPE_OK || c.manifest == NULL) {
		if (c.err[0] != '\0')
			snprintf(err, errsz, _("case %s: %s"), name, c.err);
		else
			snprintf(err, errsz, _("case %s: the report does not open: %s"), name,
			         envelope_strerror(rc));
		goto fail;
	}
	r->listed = json_array_size(json_object_get(c.manifest, "attachments"));
	write_document(f, name, rec, c.manifest, to, by, day, c.paths, c.x != NULL);
	rc = fileio_finish_stream(f, path);
	f = NULL;
	if (rc != 0) {
		made = 0; /* removed */
		snprintf(err, errsz, _("cannot write %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (c.x != NULL) {
		struct extract *x = c.x;

		c.x = NULL;
		extracted = 1;
		if (extract_end(x, 1, err, errsz) != 0)
			goto fail; /* extract_end removed its files */
		r->attachments = json_array_size(c.paths);
	}
	/* the history event again, now with the number of attachments given */
	{
		json_t *rec2;
		json_t *last;

		rc = archive_case_get(t, district, index, &rec2);
		if (rc == ARCHIVE_OK) {
			json_t *h = json_object_get(rec2, "history");

			last = json_array_get(h, json_array_size(h) - 1);
			json_object_set_new(last, "attachments",
			                    json_integer((json_int_t)r->attachments));
			rc = archive_case_put(t, district, index, rec2);
			json_decref(rec2);
		}
	}
	if (rc == ARCHIVE_OK)
		rc = archive_log_add(t, day, by, "forward", name);
	if (rc == ARCHIVE_OK) {
		rc = archive_commit(t);
		t = NULL;
	}
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s; nothing was forwarded"), archive_strerror(rc));
		if (extracted && c.paths != NULL)
			remove_files(att_dir, c.paths);
		goto fail;
	}
	json_decref(c.manifest);
	json_decref(c.paths);
	json_decref(rec);
	return 0;

fail:
	if (c.x != NULL)
		extract_end(c.x, 0, NULL, 0);
	if (f != NULL)
		fileio_abandon_stream(f, path);
	else if (made)
		unlink(path);
	archive_abort(t);
	json_decref(c.manifest);
	json_decref(c.paths);
	json_decref(rec);
	memset(r, 0, sizeof *r);
	return -1;
}

int
forward_command(struct session *s, const struct session_args *o)
{
	struct session_case c;
	const struct keyfile_secret *key;
	struct forward_result r;
	char err[SESSION_ERR_MAX];

	if (session_case(s, o->pos[0], &c) != 0 || session_case_exists(s, &c) != 0 ||
	    (key = session_key(s, c.district)) == NULL)
		return CLI_EXIT_USER;
	if (forward_write(s->a, c.district, c.index, key, o->out, o->to, o->with_att, s->who,
	                  s->day, &r, err, sizeof err) != 0) {
		cli_error("%s", err);
		return CLI_EXIT_USER;
	}
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
