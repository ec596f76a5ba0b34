/* proto: see proto.h. */
#include "report/proto.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "crypto/submission.h"
#include "crypto/text.h"

#define FP_BYTES 16

static const struct {
	const char *word;
	const char *zh;
} STATUSES[] = {
#define QF_STATUS(name, word, zh, en) {word, zh},
#include "crypto/status.def"
#undef QF_STATUS
};

const struct proto_endpoint proto_endpoints[PROTO_EP_COUNT] = {
        [PROTO_EP_INFO] = {"info", "/api/v1/info", 256u << 10},
        [PROTO_EP_POW] = {"pow", "/api/v1/pow", 16u << 10},
        [PROTO_EP_REPORTS] = {"reports", "/api/v1/reports", 16u << 10},
        [PROTO_EP_FOLLOWUPS] = {"followups", "/api/v1/followups", 16u << 10},
        [PROTO_EP_STATUS] = {"status", "/api/v1/status", 128u << 20},
};

const char *
proto_strerror(int err)
{
	switch (err) {
	case PROTO_OK:
		return "ok";
	case PROTO_ERR_FORMAT:
		return "the server's answer does not have the documented form";
	case PROTO_ERR_DISTRICT:
		return "the server does not serve this district, or answered for another one";
	case PROTO_ERR_FINGERPRINT:
		return "the fingerprint the server states does not match the keys it sent";
	case PROTO_ERR_HASH:
		return "the receipt is for an envelope other than the one sent";
	case PROTO_ERR_SIGNATURE:
		return "the receipt's signature does not verify with the server's key";
	case PROTO_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown protocol error";
	}
}

/* True when s is non-empty and made only of [a-z0-9_], shorter than max. */
static int
word_ok(const char *s, size_t max, int digits)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n == 0 || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || c == '_' || (digits && c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

/*
 * Characters that change how the text around them is shown without being
 * seen: bidi controls (U+061C, U+200E/F, U+202A-202E, U+2066-2069), which
 * can make a terminal show text in another order than it is, and zero-width
 * ones (U+200B-200D, U+2060-2064, U+FEFF), which can hide a difference.
 */
static int
invisible(uint32_t cp)
{
	return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

void
proto_printable(char *dst, size_t dstsz, const char *src, int keep_newlines)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	if (dstsz == 0)
		return;
	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	for (size_t left = strlen(src); left > 0;) {
		uint32_t cp;
		size_t n = text_utf8_next(s, left, &cp);

		if (n == 0) {
			/* not UTF-8: show a replacement, skip the byte */
			if (o + 1 >= dstsz)
				break;
			dst[o++] = '?';
			s++;
			left--;
			continue;
		}
		left -= n;
		if ((cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) &&
		    !(keep_newlines && (cp == '\n' || cp == '\t'))) {
			s += n; /* C0 or C1 control, DEL */
			continue;
		}
		if (invisible(cp)) {
			s += n; /* bidi control or zero-width character */
			continue;
		}
		if (o + n >= dstsz)
			break;
		memcpy(dst + o, s, n);
		o += n;
		s += n;
	}
	dst[o] = '\0';
}

/*
 * Bytes of the space at s (after proto_printable): ASCII space, tab and
 * newline, NBSP, U+1680, U+2000-200A, the line and paragraph separators
 * U+2028/2029, U+202F, U+205F and U+3000. 0 when s is not one.
 */
static size_t
space_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||
	    (s[0] == 0xe2 && s[1] == 0x80 &&
	     ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf)) ||
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80))
		return 3;
	return 0;
}

/* Length of a run at s of 4 or more groups of 4 hex digits (spaces, ':', '.'
 * or '-' between them, as a fingerprint is written), or 0. */
static size_t
hex_run(const char *s)
{
	size_t j = 0, groups = 0;

	for (;;) {
		size_t k = groups == 0 ? j : j + strspn(s + j, " :.-");

		if (strspn(s + k, "0123456789abcdefABCDEF") < 4)
			break;
		j = k + 4;
		groups++;
	}
	return groups >= 4 ? j : 0;
}

void
proto_name_line(char *dst, size_t dstsz, const char *src)
{
	static const char mask[] = "[\xe2\x80\xa6]"; /* "[…]" */
	unsigned char *d = (unsigned char *)dst;
	size_t i = 0, o = 0, n;

	proto_printable(dst, dstsz, src, 1);
	if (dstsz == 0)
		return;
	while (d[i] != '\0') {
		if ((n = space_len(d + i)) > 0) {
			if (o > 0 && d[o - 1] != ' ')
				d[o++] = ' ';
			i += n;
		} else if ((n = hex_run(dst + i)) > 0) {
			memcpy(dst + o, mask, sizeof mask - 1);
			o += sizeof mask - 1;
			i += n;
		} else {
			d[o++] = d[i++];
		}
	}
	while (o > 0 && d[o - 1] == ' ')
		o--;
	d[o] = '\0';
}

int
proto_error_parse(struct proto_error *e, const json_t *answer)
{
	const json_t *err = json_object_get(answer, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *msg = json_string_value(json_object_get(err, "message"));

	memset(e, 0, sizeof *e);
	if (!json_is_object(err) || !word_ok(code, sizeof e->code, 1))
		return PROTO_ERR_FORMAT;
	memcpy(e->code, code, strlen(code) + 1);
	proto_printable(e->message, sizeof e->message, msg != NULL ? msg : "", 0);
	return PROTO_OK;
}

/* The entry of id in the districts array, or NULL. */
static const json_t *
find_entry(const json_t *districts, const char *id)
{
	for (size_t i = 0; i < json_array_size(districts); i++) {
		const json_t *d = json_array_get(districts, i);
		const char *did = json_string_value(json_object_get(d, "id"));

		if (did != NULL && strcmp(did, id) == 0)
			return json_is_object(d) ? d : NULL;
	}
	return NULL;
}

/*
 * Reads the info entry of id (the public key object without its type and
 * version) into pub, its fingerprint recomputed. Returns PROTO_OK,
 * PROTO_ERR_DISTRICT (not listed), PROTO_ERR_FINGERPRINT, PROTO_ERR_FORMAT
 * or PROTO_ERR_NOMEM.
 */
static int
district_entry(struct keyfile_public *pub, const json_t *districts, const char *id)
{
	const json_t *entry = find_entry(districts, id);
	json_t *copy;
	int rc;

	if (entry == NULL)
		return PROTO_ERR_DISTRICT;
	copy = json_copy((json_t *)entry);
	if (copy == NULL ||
	    json_object_set_new(copy, "type", json_string("qingfeng-district-public")) ||
	    json_object_set_new(copy, "v", json_integer(1))) {
		json_decref(copy);
		return PROTO_ERR_NOMEM;
	}
	rc = keyfile_public_from_json(pub, copy);
	json_decref(copy);
	if (rc == KEYFILE_ERR_MISMATCH)
		return PROTO_ERR_FINGERPRINT;
	if (rc != KEYFILE_OK || strcmp(pub->id, id) != 0)
		return PROTO_ERR_FORMAT;
	return PROTO_OK;
}

int
proto_info_parse(struct proto_info *info, const json_t *answer, const char *district_id)
{
	const json_t *districts, *entry, *v;
	int rc;

	memset(info, 0, sizeof *info);
	if (!json_is_object(answer) || !json_is_string(json_object_get(answer, "service")) ||
	    strcmp(json_string_value(json_object_get(answer, "service")), "qingfeng") != 0 ||
	    json_integer_value(json_object_get(answer, "api")) != 1 ||
	    !json_is_integer(json_object_get(answer, "api")))
		return PROTO_ERR_FORMAT;
	if (codec_b64u_decode_exact(info->server_sign_pk, 32,
	                            json_string_value(json_object_get(answer, "server_sign_pk"))) !=
	    0)
		goto format;
	v = json_object_get(json_object_get(answer, "limits"), "max_envelope_bytes");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			goto format;
		info->max_envelope_bytes = (uint64_t)json_integer_value(v);
	}
	v = json_object_get(json_object_get(answer, "pow"), "difficulty");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > POW_MAX_DIFFICULTY)
			goto format;
		info->pow_difficulty = (unsigned)json_integer_value(v);
	}
	districts = json_object_get(answer, "districts");
	if (!json_is_array(districts))
		goto format;
	rc = district_entry(&info->district, districts, district_id);
	if (rc == PROTO_ERR_DISTRICT) {
		memset(info, 0, sizeof *info);
		return rc;
	}
	if (rc != PROTO_OK)
		goto fail;
	entry = find_entry(districts, district_id);
	v = json_object_get(entry, "level");
	snprintf(info->level, sizeof info->level, "district");
	if (v != NULL) {
		const char *l = json_string_value(v);

		if (l == NULL || (strcmp(l, "district") != 0 && strcmp(l, "city") != 0 &&
		                  strcmp(l, "province") != 0))
			goto format;
		snprintf(info->level, sizeof info->level, "%s", l);
	}
	v = json_object_get(entry, "parent");
	if (v != NULL && !json_is_null(v)) {
		const char *p = json_string_value(v);

		if (!codec_district_valid(p) || strcmp(p, district_id) == 0)
			goto format;
		rc = district_entry(&info->parent, districts, p);
		if (rc == PROTO_ERR_DISTRICT)
			goto format; /* a parent the server does not list */
		if (rc != PROTO_OK)
			goto fail;
		info->has_parent = 1;
	}
	return PROTO_OK;
format:
	rc = PROTO_ERR_FORMAT;
fail:
	memset(info, 0, sizeof *info);
	return rc;
}

/* Reduces a typed fingerprint to its 16 bytes. Returns 0, or -1. */
static int
pin_bytes(uint8_t out[FP_BYTES], const char *pin)
{
	char hex[2 * FP_BYTES + 1];
	size_t n = 0, got;

	if (pin == NULL)
		return -1;
	for (const char *p = pin; *p != '\0'; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '-' || c == ':')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || n >= 2 * FP_BYTES)
			return -1;
		hex[n++] = c;
	}
	if (n != 2 * FP_BYTES)
		return -1;
	if (sodium_hex2bin(out, FP_BYTES, hex, n, NULL, &got, NULL) != 0 || got != FP_BYTES)
		return -1;
	return 0;
}

int
proto_pin_valid(const char *pin)
{
	uint8_t b[FP_BYTES];

	return pin_bytes(b, pin) == 0;
}

int
proto_pin_matches(const char *pin, const char *fingerprint)
{
	uint8_t a[FP_BYTES], b[FP_BYTES];

	if (pin_bytes(a, pin) != 0 || pin_bytes(b, fingerprint) != 0)
		return 0;
	return sodium_memcmp(a, b, FP_BYTES) == 0;
}

int
proto_pow_parse(uint8_t challenge[POW_CHALLENGE_BYTES], unsigned *difficulty, const json_t *answer)
{
	const json_t *d = json_object_get(answer, "difficulty");

	*difficulty = 0;
	if (!json_is_integer(d) || json_integer_value(d) < 0 ||
	    json_integer_value(d) > POW_MAX_DIFFICULTY ||
	    codec_b64u_decode_exact(challenge, POW_CHALLENGE_BYTES,
	                            json_string_value(json_object_get(answer, "challenge"))) != 0) {
		memset(challenge, 0, POW_CHALLENGE_BYTES);
		return PROTO_ERR_FORMAT;
	}
	*difficulty = (unsigned)json_integer_value(d);
	return PROTO_OK;
}

int
proto_receipt_verify(struct proto_receipt *r, const json_t *answer,
                     const uint8_t server_sign_pk[32], const char *district,
                     const uint8_t envelope_hash[32])
{
	const json_t *rc = json_object_get(answer, "receipt");
	const char *d = json_string_value(json_object_get(rc, "district"));
	const char *day = json_string_value(json_object_get(rc, "day"));
	const json_t *idx = json_object_get(rc, "index");
	uint8_t sig[SIGN_BYTES];
	int err = PROTO_ERR_FORMAT;

	memset(r, 0, sizeof *r);
	if (!json_is_object(rc) || !codec_district_valid(d) || !codec_day_valid(day) ||
	    !json_is_integer(idx) || json_integer_value(idx) < 1 ||
	    codec_b64u_decode_exact(r->envelope_hash, 32,
	                            json_string_value(json_object_get(rc, "envelope_hash"))) != 0 ||
	    codec_b64u_decode_exact(r->chain, 32,
	                            json_string_value(json_object_get(rc, "chain"))) != 0 ||
	    codec_b64u_decode_exact(sig, sizeof sig,
	                            json_string_value(json_object_get(rc, "sig"))) != 0)
		goto fail;
	if (strcmp(d, district) != 0) {
		err = PROTO_ERR_DISTRICT;
		goto fail;
	}
	if (sodium_memcmp(r->envelope_hash, envelope_hash, 32) != 0) {
		err = PROTO_ERR_HASH;
		goto fail;
	}
	r->index = (uint64_t)json_integer_value(idx);
	if (sign_receipt_verify(sig, server_sign_pk, d, r->index, day, r->envelope_hash,
	                        r->chain) != 0) {
		err = PROTO_ERR_SIGNATURE;
		goto fail;
	}
	memcpy(r->district, d, strlen(d) + 1);
	memcpy(r->day, day, CODEC_DAY_LEN + 1);
	return PROTO_OK;
fail:
	memset(r, 0, sizeof *r);
	return err;
}

void
proto_status_free(struct proto_status *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; s->replies != NULL && i < s->nreplies; i++)
		free(s->replies[i].envelope);
	free(s->replies);
	memset(s, 0, sizeof *s);
}

/* Copies a valid day string into out. Returns 0, or -1. */
static int
get_day(char out[CODEC_DAY_LEN + 1], const json_t *obj, const char *key)
{
	const char *day = json_string_value(json_object_get(obj, key));

	if (!codec_day_valid(day))
		return -1;
	memcpy(out, day, CODEC_DAY_LEN + 1);
	return 0;
}

/* Reads a statement object. Returns 0, or -1 when its shape is wrong. */
static int
statement_parse(struct proto_statement *st, const json_t *o)
{
	const char *status = json_string_value(json_object_get(o, "status"));

	if (!json_is_object(o) || !word_ok(status, sizeof st->status, 0) ||
	    get_day(st->status_day, o, "status_day") != 0 ||
	    codec_json_count(o, "index", &st->index) ||
	    codec_json_count(o, "replies", &st->replies) ||
	    codec_json_count(o, "followups_verified", &st->followups_verified) ||
	    codec_json_count(o, "seq", &st->seq) ||
	    codec_b64u_decode_exact(st->replies_hash, 32,
	                            json_string_value(json_object_get(o, "replies_hash"))) != 0 ||
	    codec_b64u_decode_exact(st->sig, 64, json_string_value(json_object_get(o, "sig"))) != 0)
		return -1;
	memcpy(st->status, status, strlen(status) + 1);
	return 0;
}

int
proto_status_parse(struct proto_status *s, const json_t *answer)
{
	const char *d = json_string_value(json_object_get(answer, "district"));
	const char *st = json_string_value(json_object_get(answer, "status"));
	const json_t *idx = json_object_get(answer, "index");
	const json_t *fu = json_object_get(answer, "followups");
	const json_t *del = json_object_get(answer, "delivered");
	const json_t *replies = json_object_get(answer, "replies");
	int err = PROTO_ERR_FORMAT;

	memset(s, 0, sizeof *s);
	if (!codec_district_valid(d) || !word_ok(st, sizeof s->status, 0) ||
	    !json_is_integer(idx) || json_integer_value(idx) < 1 || !json_is_integer(fu) ||
	    json_integer_value(fu) < 0 || !json_is_boolean(del) ||
	    get_day(s->status_day, answer, "status_day") != 0 ||
	    get_day(s->created_day, answer, "created_day") != 0 ||
	    (replies != NULL && !json_is_array(replies)))
		goto fail;
	memcpy(s->district, d, strlen(d) + 1);
	memcpy(s->status, st, strlen(st) + 1);
	if (json_object_get(answer, "statement") != NULL &&
	    statement_parse(&s->statement, json_object_get(answer, "statement")) != 0)
		goto fail;
	s->has_statement = json_object_get(answer, "statement") != NULL;
	s->index = (uint64_t)json_integer_value(idx);
	s->followups = (uint64_t)json_integer_value(fu);
	s->delivered = json_is_true(del);
	if (json_array_size(replies) > 0) {
		s->replies = calloc(json_array_size(replies), sizeof *s->replies);
		if (s->replies == NULL) {
			err = PROTO_ERR_NOMEM;
			goto fail;
		}
	}
	for (size_t i = 0; i < json_array_size(replies); i++) {
		const json_t *r = json_array_get(replies, i);
		const json_t *seq = json_object_get(r, "seq");
		const char *env = json_string_value(json_object_get(r, "envelope"));
		struct proto_reply *p = &s->replies[i];
		size_t tl, cap;

		if (!json_is_object(r) || !json_is_integer(seq) || json_integer_value(seq) < 1 ||
		    get_day(p->day, r, "day") != 0 || env == NULL)
			goto fail;
		p->seq = (uint64_t)json_integer_value(seq);
		tl = strlen(env);
		cap = tl / 4 * 3 + 3;
		p->envelope = malloc(cap);
		s->nreplies = i + 1;
		if (p->envelope == NULL) {
			err = PROTO_ERR_NOMEM;
			goto fail;
		}
		if (codec_b64u_decode(p->envelope, cap, &p->len, env, tl) != 0)
			goto fail;
	}
	return PROTO_OK;
fail:
	proto_status_free(s);
	return err;
}

int
proto_statement_check(const struct proto_status *s, const uint8_t lookup[32],
                      const uint8_t sign_pk[32])
{
	const struct proto_statement *st = &s->statement;
	struct sign_case_fields f;
	uint8_t h[32] = {0};
	uint64_t shown = 0;
	int bad = 0;

	if (!s->has_statement)
		return -1;
	memset(&f, 0, sizeof f);
	f.district = s->district;
	memcpy(f.lookup, lookup, 32);
	f.index = st->index;
	f.status = st->status;
	f.status_day = st->status_day;
	f.replies = st->replies;
	memcpy(f.replies_hash, st->replies_hash, 32);
	f.followups_verified = st->followups_verified;
	f.seq = st->seq;
	if (st->index != s->index || sign_case_verify(st->sig, sign_pk, &f) != 0)
		bad |= PROTO_STMT_SIG;
	/* the replies by seq 1, 2, ...: the order the district's replies_hash covers */
	for (uint64_t seq = 1; seq <= st->replies; seq++) {
		const struct proto_reply *r = NULL;

		for (size_t i = 0; i < s->nreplies && r == NULL; i++)
			if (s->replies[i].seq == seq)
				r = &s->replies[i];
		if (r == NULL)
			break;
		sign_replies_hash_next(h, h, r->envelope, r->len);
		shown++;
	}
	if (shown < st->replies)
		bad |= PROTO_STMT_MISSING;
	else if (sodium_memcmp(h, st->replies_hash, 32) != 0)
		bad |= PROTO_STMT_DIFFERENT;
	if (s->nreplies > st->replies)
		bad |= PROTO_STMT_STALE;
	if (strcmp(s->status, st->status) != 0)
		bad |= PROTO_STMT_STATUS;
	return bad;
}

const char *
proto_status_chinese(const char *status)
{
	if (status == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
		if (strcmp(STATUSES[i].word, status) == 0)
			return STATUSES[i].zh;
	return NULL;
}

void
proto_status_label(char *out, size_t outsz, const char *status)
{
	const char *zh = proto_status_chinese(status);
	char safe[PROTO_STATUS_BUF * 2];

	proto_printable(safe, sizeof safe, status != NULL ? status : "", 0);
	if (zh != NULL)
		snprintf(out, outsz, "%s (%s)", safe, zh);
	else
		snprintf(out, outsz, "%s", safe);
}

/* Dumps j compactly into a new sodium_malloc'd text. */
static char *
dump_secure(size_t *len, const json_t *j)
{
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	char *buf;

	*len = 0;
	if (n == 0)
		return NULL;
	buf = sodium_malloc(n + 1);
	if (buf == NULL)
		return NULL;
	if (json_dumpb(j, buf, n, JSON_COMPACT) != n) {
		sodium_free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Sets key to the b64u text of bin[0..len). Returns 0, or -1. */
static int
set_b64u(json_t *obj, const char *key, const uint8_t *bin, size_t len)
{
	char *txt = codec_b64u_encode_alloc(bin, len);
	int rc;

	if (txt == NULL)
		return -1;
	rc = json_object_set_new(obj, key, json_stringn_nocheck(txt, CODEC_B64U_LEN(len)));
	sodium_memzero(txt, CODEC_B64U_LEN(len));
	free(txt);
	return rc;
}

/*
 * Builds the submission body of J, padded with trailing spaces to
 * SUBMISSION_JSON_PADDED bytes (wiped after), and the envelope. Returns
 * NULL when memory runs out.
 */
static uint8_t *
submission_of(size_t *len, const json_t *j, const uint8_t *envelope, size_t envlen)
{
	size_t jlen = 0;
	char *text = dump_secure(&jlen, j);
	char *padded = NULL;
	uint8_t *out = NULL;

	if (text != NULL && jlen < SUBMISSION_JSON_PADDED) {
		padded = sodium_malloc(SUBMISSION_JSON_PADDED);
		if (padded != NULL) {
			memcpy(padded, text, jlen);
			memset(padded + jlen, ' ', SUBMISSION_JSON_PADDED - jlen);
			jlen = SUBMISSION_JSON_PADDED;
		}
	}
	if (text != NULL && (padded != NULL || jlen >= SUBMISSION_JSON_PADDED))
		out = submission_build(len, padded != NULL ? padded : text, jlen, envelope, envlen);
	proto_body_free(text);
	if (padded != NULL)
		sodium_free(padded);
	return out;
}

uint8_t *
proto_report_body(size_t *len, const char *district, const struct receipt_keys *k,
                  const uint8_t *envelope, size_t envlen)
{
	json_t *j = json_object();
	uint8_t *out = NULL;

	*len = 0;
	if (j == NULL || json_object_set_new(j, "district", json_string(district)) != 0 ||
	    set_b64u(j, "lookup", k->lookup, 32) != 0 ||
	    set_b64u(j, "auth_hash", k->auth_hash, 32) != 0 ||
	    set_b64u(j, "reply_pk", k->reply_pk, 32) != 0)
		goto out;
	out = submission_of(len, j, envelope, envlen);
out:
	json_decref(j);
	return out;
}

uint8_t *
proto_followup_body(size_t *len, const struct receipt_keys *k, const uint8_t *envelope,
                    size_t envlen)
{
	json_t *j = json_object();
	uint8_t *out = NULL;

	*len = 0;
	if (j == NULL || set_b64u(j, "lookup", k->lookup, 32) != 0 ||
	    set_b64u(j, "auth", k->auth, 32) != 0)
		goto out;
	out = submission_of(len, j, envelope, envlen);
out:
	if (j != NULL && json_is_string(json_object_get(j, "auth")))
		sodium_memzero((void *)(uintptr_t)json_string_value(json_object_get(j, "auth")),
		               json_string_length(json_object_get(j, "auth")));
	json_decref(j);
	return out;
}

char *
proto_status_body(size_t *len, const struct receipt_keys *k)
{
	json_t *j = json_object();
	char *out = NULL;

	*len = 0;
	if (j == NULL || set_b64u(j, "lookup", k->lookup, 32) != 0 ||
	    set_b64u(j, "auth", k->auth, 32) != 0)
		goto out;
	out = dump_secure(len, j);
out:
	json_decref(j);
	return out;
}

void
proto_body_free(void *body)
{
	if (body != NULL)
		sodium_free(body); /* sodium_free wipes */
}
