/* cases: see cases.h. */
#include "admin/cases.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/replytpl.h"
#include "admin/session.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/sign.h"

static const struct {
	const char *name;
	const char *label;
} statuses[] = {
#define QF_STATUS(name, word, zh, en) {word, zh},
#include "crypto/status.def"
#undef QF_STATUS
};

const char *
cases_status_label(const char *s)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i].name) == 0)
			return statuses[i].label;
	return NULL;
}

const char *
cases_status_at(size_t i)
{
	return i < sizeof statuses / sizeof statuses[0] ? statuses[i].name : NULL;
}

const char *
cases_status_canon(const char *s)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i].name) == 0 || strcmp(s, statuses[i].label) == 0)
			return statuses[i].name;
	return NULL;
}

int
cases_status_valid(const char *s)
{
	return cases_status_label(s) != NULL;
}

/*
 * Splits "<district><sep><n>" where the separator starts at sep and is seplen
 * bytes long: the district before it, n (decimal, >= 1, no leading zeros)
 * after it. Returns 0, or -1 when it is not of that form.
 */
static int
split_name(const char *name, const char *sep, size_t seplen, char district[CODEC_DISTRICT_BUF],
           uint64_t *n)
{
	size_t dlen = (size_t)(sep - name);
	uint64_t x = 0;

	if (dlen == 0 || dlen > CODEC_DISTRICT_MAX)
		return -1;
	if (sep[seplen] < '1' || sep[seplen] > '9')
		return -1;
	for (const char *p = sep + seplen; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || x > (UINT64_C(1) << 62) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	memcpy(district, name, dlen);
	district[dlen] = '\0';
	if (!codec_district_valid(district))
		return -1;
	*n = x;
	return 0;
}

int
cases_parse_name(const char *name, char district[CODEC_DISTRICT_BUF], uint64_t *index)
{
	const char *dash;

	if (name == NULL || (dash = strrchr(name, '-')) == NULL)
		return -1;
	return split_name(name, dash, 1, district, index);
}

int
cases_parse_number(const char *name, char district[CODEC_DISTRICT_BUF], uint64_t *number)
{
	static const char fullwidth[] = "\xef\xbc\x83"; /* ＃ U+FF03 */
	const char *sep, *p;

	if (name == NULL)
		return -1;
	if ((sep = strrchr(name, '#')) != NULL)
		return split_name(name, sep, 1, district, number);
	for (sep = NULL, p = name; (p = strstr(p, fullwidth)) != NULL; p++)
		sep = p;
	if (sep == NULL)
		return -1;
	return split_name(name, sep, sizeof fullwidth - 1, district, number);
}

void
cases_format_number(char out[CASES_NAME_BUF], const char *district, uint64_t number)
{
	snprintf(out, CASES_NAME_BUF, "%s#%" PRIu64, district, number);
}

void
cases_format_shown(char out[CASES_SHOWN_BUF], const struct case_record *c)
{
	cases_format_numbered(out, c->district, c->index, c->number);
}

void
cases_format_numbered(char out[CASES_SHOWN_BUF], const char *district, uint64_t index, uint64_t n)
{
	if (n == 0)
		snprintf(out, CASES_SHOWN_BUF, "%s-%" PRIu64, district, index);
	else
		snprintf(out, CASES_SHOWN_BUF, "%s-%" PRIu64 " (%s#%" PRIu64 ")", district, index,
		         district, n);
}

int
cases_resolve(struct archive_txn *t, const char *name, char district[CODEC_DISTRICT_BUF],
              uint64_t *index)
{
	uint64_t number;

	if (cases_parse_name(name, district, index) == 0)
		return ARCHIVE_OK;
	if (cases_parse_number(name, district, &number) != 0)
		return ARCHIVE_ERR_ARG;
	return archive_case_by_number(t, district, number, index);
}

void
cases_format_name(char out[CASES_NAME_BUF], const char *district, uint64_t index)
{
	snprintf(out, CASES_NAME_BUF, "%s-%" PRIu64, district, index);
}

int
cases_delivered(const struct case_record *c, uint64_t acks_through)
{
	if (c->index > acks_through)
		return 0;
	for (size_t i = 0; i < c->nfollowups; i++)
		if (c->followups[i].index > acks_through)
			return 0;
	return 1;
}

int
cases_begin_write(struct archive *a, const struct keyfile_secret *key, const char *district,
                  struct archive_txn **t, char *err, size_t errsz)
{
	int rc;

	*t = NULL;
	if (strcmp(key->pub.id, district) != 0) {
		snprintf(err, errsz, _("the key is for district %s, not %s"), key->pub.id,
		         district);
		return -1;
	}
	rc = archive_begin(a, 1, t);
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		return -1;
	}
	return 0;
}

int
cases_load(struct archive_txn *t, const char *district, uint64_t index, struct case_record *c,
           char *err, size_t errsz)
{
	char name[CASES_NAME_BUF];
	int rc = archive_case_load(t, district, index, c);

	if (rc == ARCHIVE_OK)
		return 0;
	cases_format_name(name, district, index);
	if (rc == ARCHIVE_ERR_NOT_FOUND)
		snprintf(err, errsz, _("no case %s in the archive"), name);
	else
		snprintf(err, errsz, _("case %s: %s"), name, archive_strerror(rc));
	return -1;
}

int
cases_no_room(const struct case_record *c, char *err, size_t errsz)
{
	char name[CASES_NAME_BUF];

	cases_format_name(name, c->district, c->index);
	snprintf(err, errsz,
	         _("case %s: cannot record it (out of memory, a list full, or a day or name too "
	           "long)"),
	         name);
	return -1;
}

struct case_event *
cases_add_event(struct case_record *c, const char *day, const char *by, const char *event,
                char *err, size_t errsz)
{
	struct case_event *ev = case_add_event(c, day, by, event);

	if (ev == NULL)
		cases_no_room(c, err, errsz);
	return ev;
}

int
cases_save(struct archive_txn *t, const struct case_record *c, int queue_status, char *err,
           size_t errsz)
{
	json_t *op = NULL;
	int rc = archive_case_store(t, c);

	if (rc == ARCHIVE_OK && queue_status) {
		op = json_pack("{s:s, s:I, s:s}", "op", "status", "case", (json_int_t)c->index,
		               "status", c->status);
		if (op == NULL) {
			snprintf(err, errsz, _("out of memory"));
			return -1;
		}
		rc = archive_outbox_add(t, c->district, op);
		json_decref(op);
	}
	if (rc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
		return -1;
	}
	return 0;
}

int
cases_set_status(struct session *s, struct case_record *c, const char *status, char *err,
                 size_t errsz)
{
	struct case_event *ev;
	char name[CASES_NAME_BUF];

	if (!cases_status_valid(status)) {
		char list[512];

		snprintf(err, errsz, _("unknown status '%s' (one of %s)"), status,
		         cli_join(list, sizeof list, cases_status_at));
		return -1;
	}
	if (strcmp(c->status, status) == 0) {
		cases_format_name(name, c->district, c->index);
		snprintf(err, errsz, _("case %s already has status %s; nothing changed"), name,
		         status);
		return -1;
	}
	if ((ev = cases_add_event(c, s->day, s->who, "status", err, errsz)) == NULL)
		return -1;
	/* a valid status fits any status buffer */
	CASE_SET(ev->status, status);
	CASE_SET(ev->from, c->status);
	ev->sent_seq = 0;
	CASE_SET(c->status, status);
	return cases_save(s->t, c, 1, err, errsz);
}

/* Seals the manifest and attachments to pk. Returns 0 with *env set. */
static int
seal(uint8_t **env, size_t *len, const uint8_t pk[32], const char *m, size_t mlen,
     const struct cases_attachment *atts, size_t natts, char *err, size_t errsz)
{
	struct envelope_blob blobs[CASES_REPLY_ATT_MAX];
	int rc;

	for (size_t i = 0; i < natts; i++) {
		blobs[i].data = atts[i].data;
		blobs[i].len = atts[i].len;
	}
	rc = envelope_seal_buffer(env, len, pk, m, mlen, blobs, natts);
	if (rc != ENVELOPE_OK) {
		snprintf(err, errsz, _("cannot seal the reply: %s"), envelope_strerror(rc));
		return -1;
	}
	return 0;
}

int
cases_reply(struct session *s, struct case_record *c, const struct cases_reply_args *r, uint32_t *n,
            char *err, size_t errsz)
{
	const struct keyfile_public *pub = &r->key->pub;
	const struct cases_attachment *atts = r->atts;
	const char *body = r->body, *district = c->district;
	size_t body_len = r->body_len, natts = r->natts;
	uint64_t index = c->index;
	uint8_t body_hash[32], sig[SIGN_BYTES], *env_r = NULL, *env_d = NULL;
	uint8_t(*att_hashes)[32] = NULL;
	char sigtxt[CODEC_B64U_BUF(SIGN_BYTES)];
	size_t len_r = 0, len_d = 0, mlen = 0;
	struct case_reply *rp;
	struct case_event *ev;
	json_t *m = NULL, *list, *op = NULL;
	char *mtext = NULL;
	int rc = -1, arc;

	*n = 0;
	if (strcmp(pub->id, district) != 0) {
		snprintf(err, errsz, _("the key is for district %s, the case of %s"), pub->id,
		         district);
		return -1;
	}
	if (natts > CASES_REPLY_ATT_MAX) {
		snprintf(err, errsz, _("too many attachments (at most %d)"), CASES_REPLY_ATT_MAX);
		return -1;
	}
	if (!cli_utf8_valid(body, body_len) || memchr(body, '\0', body_len) != NULL) {
		snprintf(err, errsz, _("the reply's text is not valid UTF-8"));
		return -1;
	}
	if (c->quarantine[0] != '\0') {
		/* §10: its bind did not hold, so the reply key may be anyone's */
		snprintf(err, errsz,
		         _("case %s-%" PRIu64
		           " is quarantined: it cannot be answered (a reply could "
		           "go to whoever chose its reply key)"),
		         district, index);
		goto out;
	}
	if (!c->has_sign_pk) {
		/* ingested before reports were bound: only the server vouches for its reply key */
		snprintf(err, errsz,
		         _("case %s-%" PRIu64 " cannot be answered: its report was not bound to a "
		           "reply key inside its seal (ingested before bindings), so a reply could "
		           "go "
		           "to whoever chose that key"),
		         district, index);
		goto out;
	}
	/*
	 * §6: c->reply_pk is the one the report bound inside its seal: ingest keeps
	 * bind.sign_pk (above) only for a report whose bind.reply_pk equals it
	 */
	list = json_array();
	m = json_pack("{s:i, s:s, s:s, s:o, s:s, s:s%, s:o}", "v", 1, "kind", "reply", "district",
	              district, "lookup", codec_b64u_json(c->lookup, 32), "status", c->status,
	              "body", body, body_len, "attachments", list);
	if (m == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < natts; i++) {
		json_t *a = json_pack("{s:s, s:s, s:I}", "name", atts[i].name, "type", atts[i].type,
		                      "size", (json_int_t)atts[i].len);

		if (a == NULL || json_array_append_new(list, a) != 0) {
			snprintf(err, errsz, _("attachment name '%s' is not valid UTF-8"),
			         atts[i].name);
			goto out;
		}
	}
	/* the district's signature: the reporter can tell the reply is the commission's */
	if (natts > 0 && (att_hashes = calloc(natts, sizeof *att_hashes)) == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < natts; i++)
		chain_h256(att_hashes[i], atts[i].data, atts[i].len);
	chain_h256(body_hash, (const uint8_t *)body, body_len);
	if (sign_reply(sig, r->key->sign_sk, district, c->lookup, c->status, body_hash,
	               (const uint8_t(*)[32])att_hashes, natts) != 0) {
		snprintf(err, errsz, _("cannot sign the reply (status \"%s\")"), c->status);
		goto out;
	}
	codec_b64u_encode(sigtxt, sizeof sigtxt, sig, sizeof sig);
	if (json_object_set_new(m, "sig", json_string(sigtxt)) != 0) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	mtext = json_dumps(m, JSON_COMPACT);
	if (mtext == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	mlen = strlen(mtext);
	{
		uint64_t total = 4 + (uint64_t)mlen, sealed;

		for (size_t i = 0; i < natts; i++)
			total += atts[i].len;
		sealed = envelope_sealed_size(total);
		if (sealed == 0 || sealed > CASES_REPLY_SEALED_MAX) {
			snprintf(err, errsz,
			         _("the reply would be %llu bytes sealed; at most %llu fit (send "
			           "less "
			           "or split it into several replies)"),
			         (unsigned long long)sealed,
			         (unsigned long long)CASES_REPLY_SEALED_MAX);
			goto out;
		}
	}
	if (seal(&env_r, &len_r, c->reply_pk, mtext, mlen, atts, natts, err, errsz) != 0 ||
	    seal(&env_d, &len_d, pub->box_pk, mtext, mlen, atts, natts, err, errsz) != 0)
		goto out;

	if (c->nreplies >= CASE_LIST_MAX) {
		snprintf(err, errsz, _("too many replies"));
		goto out;
	}
	*n = (uint32_t)c->nreplies + 1;
	op = json_pack("{s:s, s:I, s:i}", "op", "reply", "case", (json_int_t)index, "n", (int)*n);
	if (op == NULL) {
		snprintf(err, errsz, _("out of memory"));
		goto out;
	}
	rp = case_add_reply(c);
	if (rp == NULL || CASE_SET(rp->day, s->day) != 0 || CASE_SET(rp->by, s->who) != 0 ||
	    CASE_SET(rp->status, c->status) != 0) {
		cases_no_room(c, err, errsz);
		goto out;
	}
	rp->n = *n;
	rp->sent_seq = 0;
	if ((ev = cases_add_event(c, s->day, s->who, "reply", err, errsz)) == NULL)
		goto out;
	ev->n = *n;
	ev->sent_seq = 0;
	arc = archive_reply_put(s->t, district, index, *n, ARCHIVE_REPLY_TO_REPORTER, env_r, len_r);
	if (arc == ARCHIVE_OK)
		arc = archive_reply_put(s->t, district, index, *n, ARCHIVE_REPLY_TO_DISTRICT, env_d,
		                        len_d);
	if (arc == ARCHIVE_OK)
		arc = archive_case_store(s->t, c);
	if (arc == ARCHIVE_OK)
		arc = archive_outbox_add(s->t, district, op);
	if (arc != ARCHIVE_OK) {
		snprintf(err, errsz, _("archive: %s"), archive_strerror(arc));
		goto out;
	}
	rc = 0;
out:
	if (mtext != NULL) {
		sodium_memzero(mtext, mlen);
		free(mtext);
	}
	free(env_r);
	free(env_d);
	free(att_hashes);
	sodium_memzero(body_hash, sizeof body_hash);
	json_decref(op);
	json_decref(m);
	if (rc != 0)
		*n = 0;
	return rc;
}

/* The media type of a reply attachment, from its name's extension. */
static const char *
media_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	        {".pdf", "application/pdf"},
	        {".txt", "text/plain"},
	        {".jpg", "image/jpeg"},
	        {".jpeg", "image/jpeg"},
	        {".png", "image/png"},
	        {".doc", "application/msword"},
	        {".docx",
	         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	        {".xls", "application/vnd.ms-excel"},
	        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	        {".ofd", "application/ofd"},
	        {".zip", "application/zip"},
	};
	const char *dot = strrchr(name, '.');

	if (dot != NULL)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcasecmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* Largest reply text and reply attachment read from a file. */
#define BODY_MAX ((size_t)1 << 20)
#define ATT_MAX  ((size_t)16 << 20)

int
cases_reply_command(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct cases_attachment atts[SESSION_ATTACH_MAX];
	uint8_t *data[SESSION_ATTACH_MAX] = {0}, *bodybuf = NULL;
	struct cases_reply_args r = {.atts = atts, .natts = o->nattach};
	struct case_record rec;
	char err[SESSION_ERR_MAX];
	size_t i;
	uint32_t n = 0;
	int ret = CLI_EXIT_USER, rc;

	if (session_case(s, o->pos[0], &c) != 0)
		return CLI_EXIT_USER;
	if (session_text(o, BODY_MAX, "larger than 1 MiB", &r.body, &r.body_len, &bodybuf) != 0)
		goto out;
	if (r.body_len == 0) {
		cli_error(_("the reply's text is empty"));
		goto out;
	}
	if (replytpl_blank(r.body, r.body_len) != NULL) { /* a template's blank left unfilled */
		cli_error(_("the reply still has a blank to fill (%s…】); edit it and send again"),
		          REPLYTPL_BLANK);
		goto out;
	}
	for (i = 0; i < o->nattach; i++) {
		const char *base = strrchr(o->attach[i], '/');

		base = base != NULL ? base + 1 : o->attach[i];
		if (cli_read_file(o->attach[i], ATT_MAX, &data[i], &atts[i].len) != 0) {
			cli_error(_("cannot read %s: %s"), o->attach[i],
			          errno == EFBIG ? "larger than 16 MiB" : strerror(errno));
			goto out;
		}
		if (base[0] == '\0' || !cli_utf8_valid(base, strlen(base))) {
			cli_error(_("attachment name of %s is not valid UTF-8"), o->attach[i]);
			goto out;
		}
		atts[i].name = base;
		atts[i].type = media_type(base);
		atts[i].data = data[i];
	}
	if (session_archive(s) != 0 || (r.key = session_key(s, c.district)) == NULL ||
	    session_begin(s, 1) != 0 || session_load(s, &c, &rec) != 0)
		goto out;
	rc = cases_reply(s, &rec, &r, &n, err, sizeof err);
	case_free(&rec);
	if (session_finish(s, rc, err, "reply", c.name) != 0)
		goto out;
	printf(_("case %s: reply #%u (%zu attachments) queued for the next update\n"), c.shown, n,
	       o->nattach);
	ret = CLI_EXIT_OK;
out:
	session_text_free(bodybuf, r.body_len);
	for (i = 0; i < o->nattach; i++) {
		if (data[i] != NULL)
			sodium_memzero(data[i], atts[i].len);
		free(data[i]);
	}
	return ret;
}
