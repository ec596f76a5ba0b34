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
#include "admin/cli.h"
#include "admin/i18n.h"
#include "crypto/bundle.h"
#include "crypto/fileio.h"
#include "crypto/sign.h"

struct op_ctx {
	struct archive_txn *t;
	const char *district;
	struct bundle_writer *w;
	struct update_result *r;
	json_t *touched; /* case index (string) -> true */
	json_t *stated;  /* case index (string) -> the statement written for it */
	const struct keyfile_secret *key;
	uint64_t applied; /* the highest seq the server said it applied */
	const char *day;
	char *err;
	size_t errsz;
};

/* Writes one line; on failure says why in c->err. Returns 0, or -1. */
static int
put_line(struct op_ctx *c, json_t *line)
{
	int rc;

	if (line == NULL) {
		snprintf(c->err, c->errsz, _("out of memory"));
		return -1;
	}
	rc = bundle_write(c->w, line);
	json_decref(line);
	if (rc != BUNDLE_OK) {
		snprintf(c->err, c->errsz, _("cannot write the update: %s"), bundle_strerror(rc));
		return -1;
	}
	return 0;
}

static void
touch(struct op_ctx *c, uint64_t index)
{
	char key[24];

	snprintf(key, sizeof key, "%" PRIu64, index);
	json_object_set_new(c->touched, key, json_true());
}

/* The case's lookup as an op names it (base64url). Cannot fail. */
static void
lookup_text(char out[CODEC_B64U_BUF(32)], const struct case_record *cr)
{
	codec_b64u_encode(out, CODEC_B64U_BUF(32), cr->lookup, 32);
}

/*
 * A reply op carrying reply n of case cr (queued: from the outbox, which
 * the message then names). Returns 0, or -1 (the reply is missing, memory,
 * the write) with c->err set.
 */
static int
put_reply_op(struct op_ctx *c, const struct case_record *cr, uint32_t n, int queued)
{
	char name[CASES_NAME_BUF], lookup[CODEC_B64U_BUF(32)];
	const uint8_t *env;
	size_t len;
	char *b64;
	json_t *line = NULL;

	if (archive_reply_get(c->t, c->district, cr->index, n, ARCHIVE_REPLY_TO_REPORTER, &env,
	                      &len) != ARCHIVE_OK) {
		cases_format_name(name, c->district, cr->index);
		snprintf(c->err, c->errsz,
		         queued ? _("queued reply %u of case %s is missing")
		                : _("reply %u of case %s is missing"),
		         n, name);
		return -1;
	}
	lookup_text(lookup, cr);
	b64 = codec_b64u_encode_alloc(env, len);
	if (b64 != NULL)
		line = json_pack("{s:s, s:s, s:s}", "op", "reply", "lookup", lookup, "envelope",
		                 b64);
	free(b64);
	c->r->reply_ops++;
	return put_line(c, line);
}

/* A status op setting case cr's status to status. Returns 0, or -1 (c->err set). */
static int
put_status_op(struct op_ctx *c, const struct case_record *cr, const char *status)
{
	char lookup[CODEC_B64U_BUF(32)];

	lookup_text(lookup, cr);
	c->r->status_ops++;
	return put_line(c, json_pack("{s:s, s:s, s:s}", "op", "status", "lookup", lookup, "status",
	                             status));
}

/* A case the district issues no statement for: a quarantined report (§10). */
static int
unstated(const struct case_record *cr)
{
	return cr->quarantine[0] != '\0';
}

/*
 * Carries again what updates the server has not applied carried (§15):
 * every reply sent with a seq above c->applied and, for a case whose last
 * statement went with such an update, its status. Replies the server holds
 * already are not stored twice by it.
 */
static int
recarry_case(void *vctx, const struct case_record *cr)
{
	struct op_ctx *c = vctx;
	int again = 0;

	if (unstated(cr))
		return 0;
	for (size_t i = 0; i < cr->nreplies; i++) {
		int64_t sent = cr->replies[i].sent_seq;

		if (sent > 0 && (uint64_t)sent > c->applied) {
			if (put_reply_op(c, cr, cr->replies[i].n, 0) != 0)
				return -1;
			again = 1;
		}
	}
	if (cr->statement.set && cr->statement.seq > c->applied) {
		if (put_status_op(c, cr, cr->status) != 0)
			return -1;
		again = 1;
	}
	if (again) {
		touch(c, cr->index);
		c->r->recarried++;
	}
	return 0;
}

/*
 * The district's statement on a case (§15), when its status, replies or
 * verified follow-ups changed since the last one, the update touches it,
 * it has none yet (the first confirms delivery), or the last one went with
 * an update the server has not applied.
 */
static int
state_case(void *vctx, const struct case_record *cr)
{
	struct op_ctx *c = vctx;
	const struct case_statement *prev = &cr->statement;
	struct sign_case_fields f;
	uint8_t sig[SIGN_BYTES];
	char key[24], hash[CODEC_B64U_BUF(32)], sigt[CODEC_B64U_BUF(SIGN_BYTES)];
	char lookup[CODEC_B64U_BUF(32)];
	const char *day = c->day;
	uint64_t nrep = cr->nreplies, nfol = cr->nfollowups;
	int same_status;
	json_t *line, *st;

	if (unstated(cr))
		return 0;
	snprintf(key, sizeof key, "%" PRIu64, cr->index);
	if (!cases_status_valid(cr->status)) {
		snprintf(c->err, c->errsz, _("case %s-%s: corrupt status"), c->district, key);
		return -1;
	}
	same_status = prev->set && strcmp(prev->status, cr->status) == 0;
	if (prev->set && json_object_get(c->touched, key) == NULL && prev->seq <= c->applied &&
	    same_status && prev->replies == nrep && prev->followups_verified == nfol)
		return 0;
	/* the day the district gave this status: kept while the status stays */
	if (same_status && codec_day_valid(prev->status_day))
		day = prev->status_day;
	memset(&f, 0, sizeof f);
	f.district = c->district;
	memcpy(f.lookup, cr->lookup, 32);
	f.index = cr->index;
	f.status = cr->status;
	f.status_day = day;
	f.replies = nrep;
	f.followups_verified = nfol;
	f.seq = c->r->seq;
	/* replies_hash over the replies in the order the server numbers them: n = 1, 2, ... */
	for (size_t i = 0; i < cr->nreplies; i++) {
		const uint8_t *env;
		size_t len;

		if (archive_reply_get(c->t, c->district, cr->index, cr->replies[i].n,
		                      ARCHIVE_REPLY_TO_REPORTER, &env, &len) != ARCHIVE_OK) {
			snprintf(c->err, c->errsz, _("case %s-%s: reply %zu is missing"),
			         c->district, key, i + 1);
			return -1;
		}
		sign_replies_hash_next(f.replies_hash, f.replies_hash, env, len);
	}
	if (sign_case(sig, c->key->sign_sk, &f) != 0) {
		snprintf(c->err, c->errsz, _("case %s-%s: cannot sign its statement"), c->district,
		         key);
		return -1;
	}
	codec_b64u_encode(hash, sizeof hash, f.replies_hash, 32);
	codec_b64u_encode(sigt, sizeof sigt, sig, sizeof sig);
	lookup_text(lookup, cr);
	line = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:I, s:s}", "op", "case", "lookup",
	                 lookup, "index", (json_int_t)cr->index, "status", cr->status, "status_day",
	                 day, "replies", (json_int_t)nrep, "replies_hash", hash,
	                 "followups_verified", (json_int_t)nfol, "sig", sigt);
	st = json_pack("{s:I, s:s, s:s, s:I, s:I}", "seq", (json_int_t)f.seq, "status", cr->status,
	               "status_day", day, "replies", (json_int_t)nrep, "followups_verified",
	               (json_int_t)nfol);
	if (st == NULL || json_object_set_new(c->stated, key, st) != 0) {
		json_decref(line);
		snprintf(c->err, c->errsz, _("out of memory"));
		return -1;
	}
	c->r->case_ops++;
	return put_line(c, line);
}

static int
write_op(void *vctx, uint64_t opno, const json_t *op)
{
	struct op_ctx *c = vctx;
	const char *kind = json_string_value(json_object_get(op, "op"));
	uint64_t index = (uint64_t)json_integer_value(json_object_get(op, "case"));
	char name[CASES_NAME_BUF];
	struct case_record cr;
	int rc;

	(void)opno;
	cases_format_name(name, c->district, index);
	rc = archive_case_load(c->t, c->district, index, &cr);
	if (rc != ARCHIVE_OK) {
		snprintf(c->err, c->errsz, _("queued operation for case %s: %s"), name,
		         archive_strerror(rc));
		return -1;
	}
	if (kind != NULL && strcmp(kind, "status") == 0) {
		const char *st = json_string_value(json_object_get(op, "status"));

		if (!cases_status_valid(st)) {
			snprintf(c->err, c->errsz, _("queued status for case %s is corrupt"), name);
			rc = -1;
		} else {
			rc = put_status_op(c, &cr, st);
		}
	} else if (kind != NULL && strcmp(kind, "reply") == 0) {
		rc = put_reply_op(c, &cr, (uint32_t)json_integer_value(json_object_get(op, "n")),
		                  1);
	} else {
		snprintf(c->err, c->errsz, _("a queued operation for case %s is corrupt"), name);
		rc = -1;
	}
	case_free(&cr);
	if (rc != 0)
		return -1;
	touch(c, index);
	return 0;
}

/*
 * Marks what the update carried as sent in the cases it touched (what it
 * carried again included: sent_seq above applied), and keeps the statement
 * it made for each case, in transaction t. Returns ARCHIVE_OK or an
 * archive error (ARCHIVE_ERR_NOMEM, a case's load or store).
 */
static int
mark_sent(struct archive_txn *t, const char *district, json_t *touched, const json_t *stated,
          uint64_t seq, uint64_t applied)
{
	const char *k;
	const json_t *v;

	if (json_object_update_missing(touched, (json_t *)(uintptr_t)stated) != 0)
		return ARCHIVE_ERR_NOMEM;
	json_object_foreach(touched, k, v)
	{
		struct case_record cr;
		const json_t *st = json_object_get(stated, k);
		int rc = archive_case_load(t, district, strtoull(k, NULL, 10), &cr);

		if (rc != ARCHIVE_OK)
			return rc;
		for (size_t i = 0; i < cr.nhistory; i++)
			if (cr.history[i].sent_seq == 0)
				cr.history[i].sent_seq = (int64_t)seq;
		for (size_t i = 0; i < cr.nreplies; i++) {
			int64_t sent = cr.replies[i].sent_seq;

			if (sent <= 0 || (uint64_t)sent > applied)
				cr.replies[i].sent_seq = (int64_t)seq;
		}
		if (st != NULL) {
			struct case_statement *cs = &cr.statement;

			cs->set = 1;
			cs->seq = (uint64_t)json_integer_value(json_object_get(st, "seq"));
			cs->replies = (uint64_t)json_integer_value(json_object_get(st, "replies"));
			cs->followups_verified = (uint64_t)json_integer_value(
			        json_object_get(st, "followups_verified"));
			if (CASE_SET(cs->status,
			             json_string_value(json_object_get(st, "status"))) != 0 ||
			    CASE_SET(cs->status_day,
			             json_string_value(json_object_get(st, "status_day"))) != 0)
				rc = ARCHIVE_ERR_ARG;
		}
		if (rc == ARCHIVE_OK)
			rc = archive_case_store(t, &cr);
		case_free(&cr);
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
	json_t *hdr = NULL, *touched = NULL, *stated = NULL;
	FILE *f = NULL;
	int rc, made = 0;

	memset(r, 0, sizeof *r);
	err[0] = '\0';
	if (cases_begin_write(a, key, district, &t, err, errsz) != 0)
		return -1;
	rc = archive_district_get(t, district, &d);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz,
		         rc == ARCHIVE_ERR_NOT_FOUND ? _("district %s is not in the archive")
		                                     : _("district %s: archive failure"),
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
	stated = json_object();
	if (hdr == NULL || touched == NULL || stated == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto fail;
	}

	f = cli_create(path, err, errsz);
	if (f == NULL)
		goto fail;
	made = 1;
	bundle_writer_init(&w, f);
	rc = bundle_write(&w, hdr);
	if (rc != BUNDLE_OK) {
		snprintf(err, errsz, _("cannot write %s: %s"), path, bundle_strerror(rc));
		goto fail;
	}
	c.t = t;
	c.district = district;
	c.w = &w;
	c.r = r;
	c.touched = touched;
	c.stated = stated;
	c.key = key;
	c.applied = d.applied_seq;
	c.day = day;
	c.err = err;
	c.errsz = errsz;
	/* what the server lacks first, then what is new, then the district's word on each case */
	rc = archive_case_each(t, district, recarry_case, &c);
	if (rc == 0)
		rc = archive_outbox_foreach(t, district, write_op, &c);
	if (rc == 0)
		rc = archive_case_each(t, district, state_case, &c);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		goto fail;
	}
	rc = bundle_writer_finish(&w, BUNDLE_SIG_UPDATE, key->sign_sk);
	if (rc != BUNDLE_OK) {
		snprintf(err, errsz, _("cannot write %s: %s"), path, bundle_strerror(rc));
		goto fail;
	}
	rc = fileio_finish_stream(f, path);
	f = NULL;
	if (rc != 0) {
		made = 0; /* removed */
		snprintf(err, errsz, _("cannot write %s: %s"), path, strerror(errno));
		goto fail;
	}

	rc = mark_sent(t, district, touched, stated, r->seq, d.applied_seq);
	if (rc == ARCHIVE_OK)
		rc = archive_update_done(t, district, r->seq, r->acks_through);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		goto fail;
	}
	rc = archive_commit(t);
	t = NULL;
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s; the update was not recorded"),
		         archive_strerror(rc));
		goto fail;
	}
	json_decref(hdr);
	json_decref(touched);
	json_decref(stated);
	return 0;

fail:
	if (f != NULL)
		fileio_abandon_stream(f, path);
	else if (made)
		unlink(path);
	archive_abort(t);
	json_decref(hdr);
	json_decref(touched);
	json_decref(stated);
	memset(r, 0, sizeof *r);
	return -1;
}

int
update_command(struct session *s, const struct session_args *o)
{
	const struct keyfile_secret *key;
	struct update_result r;
	char err[SESSION_ERR_MAX], district[CODEC_DISTRICT_BUF];

	if (session_archive(s) != 0 || session_district(s, o->district, 0, district) != 0 ||
	    (key = session_key(s, district)) == NULL)
		return CLI_EXIT_USER;
	if (update_write(s->a, district, key, o->out, s->day, &r, err, sizeof err) != 0) {
		cli_error("%s", err);
		return CLI_EXIT_USER;
	}
	printf(_("update %" PRIu64 " of district %s written to %s: acknowledges indices 1..%" PRIu64
	         ", %" PRIu64 " status changes, %" PRIu64 " replies, %" PRIu64
	         " signed case statements\n"),
	       r.seq, district, o->out, r.acks_through, r.status_ops, r.reply_ops, r.case_ops);
	if (r.recarried > 0)
		printf(_("it carries again what %" PRIu64
		         " case(s) got in updates the server has not "
		         "applied\n"),
		       r.recarried);
	printf(_("take it to the server operator (qingfeng-intake import)\n"));
	return CLI_EXIT_OK;
}
