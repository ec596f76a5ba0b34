/* update: see update.h. */
#include "admin/update.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/cases.h"
#include "crypto/bundle.h"
#include "crypto/fileio.h"

struct op_ctx {
	struct archive_txn *t;
	const char *district;
	struct bundle_writer *w;
	struct update_result *r;
	json_t *touched; /* case index (string) -> true */
	char *err;
	size_t errsz;
};

static int
write_op(void *vctx, uint64_t opno, const json_t *op)
{
	struct op_ctx *c = vctx;
	const char *kind = json_string_value(json_object_get(op, "op"));
	uint64_t index = (uint64_t)json_integer_value(json_object_get(op, "case"));
	char name[CASES_NAME_BUF], key[24];
	json_t *rec, *line = NULL;
	int rc;

	(void)opno;
	cases_format_name(name, c->district, index);
	rc = archive_case_get(c->t, c->district, index, &rec);
	if (rc != ARCHIVE_OK) {
		snprintf(c->err, c->errsz, "queued operation for case %s: %s", name,
		         archive_strerror(rc));
		return -1;
	}
	if (kind != NULL && strcmp(kind, "status") == 0) {
		const char *st = json_string_value(json_object_get(op, "status"));

		if (!cases_status_valid(st)) {
			snprintf(c->err, c->errsz, "queued status for case %s is corrupt", name);
			json_decref(rec);
			return -1;
		}
		line = json_pack("{s:s, s:O, s:s}", "op", "status", "lookup",
		                 json_object_get(rec, "lookup"), "status", st);
		c->r->status_ops++;
	} else if (kind != NULL && strcmp(kind, "reply") == 0) {
		uint32_t n = (uint32_t)json_integer_value(json_object_get(op, "n"));
		const uint8_t *env;
		size_t len;
		char *b64;

		if (archive_reply_get(c->t, c->district, index, n, ARCHIVE_REPLY_TO_REPORTER, &env,
		                      &len) != ARCHIVE_OK) {
			snprintf(c->err, c->errsz, "queued reply %u of case %s is missing", n,
			         name);
			json_decref(rec);
			return -1;
		}
		b64 = codec_b64u_encode_alloc(env, len);
		if (b64 != NULL)
			line = json_pack("{s:s, s:O, s:s}", "op", "reply", "lookup",
			                 json_object_get(rec, "lookup"), "envelope", b64);
		free(b64);
		c->r->reply_ops++;
	} else {
		snprintf(c->err, c->errsz, "a queued operation for case %s is corrupt", name);
		json_decref(rec);
		return -1;
	}
	json_decref(rec);
	if (line == NULL) {
		snprintf(c->err, c->errsz, "out of memory");
		return -1;
	}
	rc = bundle_write(c->w, line);
	json_decref(line);
	if (rc != BUNDLE_OK) {
		snprintf(c->err, c->errsz, "cannot write the update: %s", bundle_strerror(rc));
		return -1;
	}
	snprintf(key, sizeof key, "%" PRIu64, index);
	json_object_set_new(c->touched, key, json_true());
	return 0;
}

/* Marks what the update carried as sent in the cases it touched. */
static int
mark_sent(struct archive_txn *t, const char *district, const json_t *touched, uint64_t seq)
{
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)(uintptr_t)touched, k, v)
	{
		uint64_t index = strtoull(k, NULL, 10);
		json_t *rec, *it;
		size_t i;
		int rc = archive_case_get(t, district, index, &rec);

		if (rc != ARCHIVE_OK)
			return rc;
		json_array_foreach(json_object_get(rec, "history"), i, it)
		{
			if (json_is_integer(json_object_get(it, "sent_seq")) &&
			    json_integer_value(json_object_get(it, "sent_seq")) == 0)
				json_object_set_new(it, "sent_seq", json_integer((json_int_t)seq));
		}
		json_array_foreach(json_object_get(rec, "replies"), i, it)
		{
			if (json_integer_value(json_object_get(it, "sent_seq")) == 0)
				json_object_set_new(it, "sent_seq", json_integer((json_int_t)seq));
		}
		rc = archive_case_put(t, district, index, rec);
		json_decref(rec);
		if (rc != ARCHIVE_OK)
			return rc;
	}
	return ARCHIVE_OK;
}

int
update_write(struct archive *a, const char *district, const struct keyfile_secret *key,
             const char *path, const char *day, struct update_result *r, char *err, size_t errsz)
{
	struct archive_district d;
	struct archive_txn *t = NULL;
	struct bundle_writer w;
	struct op_ctx c;
	char head[CODEC_B64U_BUF(32)];
	json_t *hdr = NULL, *touched = NULL;
	FILE *f = NULL;
	int fd = -1, rc, made = 0;

	memset(r, 0, sizeof *r);
	err[0] = '\0';
	if (strcmp(key->pub.id, district) != 0) {
		snprintf(err, errsz, "the key is for district %s, not %s", key->pub.id, district);
		return -1;
	}
	rc = archive_begin(a, 1, &t);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, "archive: %s", archive_strerror(rc));
		return -1;
	}
	rc = archive_district_get(t, district, &d);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz,
		         rc == ARCHIVE_ERR_NOT_FOUND ? "district %s is not in the archive"
		                                     : "district %s: archive failure",
		         district);
		goto fail;
	}
	r->seq = d.seq + 1;
	r->acks_through = d.size;
	codec_b64u_encode(head, sizeof head, d.head, 32);
	hdr = json_pack("{s:s, s:i, s:s, s:I, s:I, s:s, s:s}", "type", BUNDLE_TYPE_UPDATE, "v", 1,
	                "district", district, "seq", (json_int_t)r->seq, "acks_through",
	                (json_int_t)r->acks_through, "head", head, "day", day);
	touched = json_object();
	if (hdr == NULL || touched == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errsz, "cannot create %s: %s", path,
		         errno == EEXIST ? "it exists; refusing to overwrite it" : strerror(errno));
		goto fail;
	}
	made = 1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	fd = -1;
	bundle_writer_init(&w, f);
	rc = bundle_write(&w, hdr);
	if (rc != BUNDLE_OK) {
		snprintf(err, errsz, "cannot write %s: %s", path, bundle_strerror(rc));
		goto fail;
	}
	c.t = t;
	c.district = district;
	c.w = &w;
	c.r = r;
	c.touched = touched;
	c.err = err;
	c.errsz = errsz;
	rc = archive_outbox_foreach(t, district, write_op, &c);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, "archive: %s", archive_strerror(rc));
		goto fail;
	}
	rc = bundle_writer_finish(&w, BUNDLE_SIG_UPDATE, key->sign_sk);
	if (rc != BUNDLE_OK || fsync(fileno(f)) != 0) {
		snprintf(err, errsz, "cannot write %s: %s", path,
		         rc != BUNDLE_OK ? bundle_strerror(rc) : strerror(errno));
		goto fail;
	}
	rc = fclose(f);
	f = NULL;
	if (rc != 0) {
		snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	(void)fileio_sync_dir_of(path);

	rc = mark_sent(t, district, touched, r->seq);
	if (rc == ARCHIVE_OK)
		rc = archive_update_done(t, district, r->seq, r->acks_through);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, "archive: %s", archive_strerror(rc));
		goto fail;
	}
	rc = archive_commit(t);
	t = NULL;
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, "archive: %s; the update was not recorded",
		         archive_strerror(rc));
		goto fail;
	}
	json_decref(hdr);
	json_decref(touched);
	return 0;

fail:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(path);
	archive_abort(t);
	json_decref(hdr);
	json_decref(touched);
	memset(r, 0, sizeof *r);
	return -1;
}
