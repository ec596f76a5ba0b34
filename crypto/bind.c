/* bind: see bind.h. */
#include "crypto/bind.h"

#include <sodium.h>
#include <string.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/sign.h"

const char *
bind_strerror(int err)
{
	switch (err) {
	case BIND_OK:
		return "bound";
	case BIND_ERR_MISSING:
		return "the report carries no valid bind (lookup, reply key, signing key)";
	case BIND_ERR_LOOKUP:
		return "the sealed bind.lookup differs from the lookup the server filed it under";
	case BIND_ERR_REPLY_PK:
		return "the sealed bind.reply_pk differs from the reply key the server supplied";
	case BIND_ERR_NO_SIG:
		return "the follow-up carries no reporter's signature";
	case BIND_ERR_SIG:
		return "the follow-up's signature does not verify with its report's signing key";
	case BIND_ERR_FIELDS:
		return "the follow-up's district, lookup, purpose or body is malformed";
	case BIND_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown bind error";
	}
}

/* Sets m[name] to the b64u text of 32 bytes. Returns 0, or -1 on no memory. */
static int
set_b64u32(json_t *m, const char *name, const uint8_t b[32])
{
	char t[CODEC_B64U_BUF(32)];

	codec_b64u_encode(t, sizeof t, b, 32);
	return json_object_set_new(m, name, json_string(t));
}

int
bind_report_put(json_t *m, const struct receipt_keys *k)
{
	json_t *b = json_object(), *rest = json_object();
	const char *key;
	json_t *v;
	int after = 0, rc = BIND_ERR_NOMEM;

	if (b == NULL || rest == NULL || set_b64u32(b, "lookup", k->lookup) != 0 ||
	    set_b64u32(b, "reply_pk", k->reply_pk) != 0 ||
	    set_b64u32(b, "sign_pk", k->rsign_pk) != 0)
		goto out;
	/*
	 * §6 places "bind" right after "lang" (at the end when there is no
	 * "lang"): the members after it move behind it, order kept.
	 */
	json_object_del(m, "bind");
	json_object_foreach(m, key, v)
	{
		if (after && json_object_set(rest, key, v) != 0)
			goto out;
		if (strcmp(key, "lang") == 0)
			after = 1;
	}
	json_object_foreach(rest, key, v)
	{
		json_object_del(m, key); /* iterating rest, deleting from m */
	}
	if (json_object_set(m, "bind", b) != 0 || json_object_update(m, rest) != 0)
		goto out;
	rc = BIND_OK;
out:
	json_decref(b);
	json_decref(rest);
	return rc;
}

int
bind_report_check(const json_t *m, const uint8_t lookup[32], const uint8_t reply_pk[32],
                  uint8_t sign_pk[32])
{
	const json_t *b = json_object_get(m, "bind");
	uint8_t l[32], r[32];
	int rc = BIND_OK;

	if (!json_is_object(b) ||
	    codec_b64u_decode_exact(l, 32, json_string_value(json_object_get(b, "lookup"))) != 0 ||
	    codec_b64u_decode_exact(r, 32, json_string_value(json_object_get(b, "reply_pk"))) !=
	            0 ||
	    codec_b64u_decode_exact(sign_pk, 32,
	                            json_string_value(json_object_get(b, "sign_pk"))) != 0)
		rc = BIND_ERR_MISSING;
	else if (sodium_memcmp(l, lookup, 32) != 0)
		rc = BIND_ERR_LOOKUP;
	else if (sodium_memcmp(r, reply_pk, 32) != 0)
		rc = BIND_ERR_REPLY_PK;
	if (rc != BIND_OK)
		sodium_memzero(sign_pk, 32);
	return rc;
}

/*
 * Reads a follow-up manifest's signed fields: district, lookup, purpose and
 * H256(body). Returns 0, or -1 when one is missing or malformed.
 */
static int
followup_fields(const json_t *m, const char **district, uint8_t lookup[32], const char **purpose,
                uint8_t body_hash[32])
{
	const json_t *body = json_object_get(m, "body");

	*district = json_string_value(json_object_get(m, "district"));
	*purpose = json_string_value(json_object_get(m, "purpose"));
	if (!codec_district_valid(*district) || *purpose == NULL || !json_is_string(body) ||
	    codec_b64u_decode_exact(lookup, 32, json_string_value(json_object_get(m, "lookup"))) !=
	            0)
		return -1;
	chain_h256(body_hash, (const uint8_t *)json_string_value(body), json_string_length(body));
	return 0;
}

int
bind_followup_put(json_t *m, const struct receipt_keys *k, const uint8_t (*att_hashes)[32],
                  size_t natt)
{
	const char *district, *purpose;
	uint8_t lookup[32], body_hash[32], sig[SIGN_BYTES];
	char t[CODEC_B64U_BUF(SIGN_BYTES)];

	if (followup_fields(m, &district, lookup, &purpose, body_hash) != 0 ||
	    sign_followup(sig, k->rsign_sk, district, lookup, purpose, body_hash, att_hashes,
	                  natt) != 0)
		return BIND_ERR_FIELDS;
	codec_b64u_encode(t, sizeof t, sig, sizeof sig);
	if (json_object_set_new(m, "sig", json_string(t)) != 0)
		return BIND_ERR_NOMEM;
	return BIND_OK;
}

int
bind_followup_check(const json_t *m, const uint8_t sign_pk[32], const uint8_t (*att_hashes)[32],
                    size_t natt)
{
	const char *district, *purpose;
	uint8_t lookup[32], body_hash[32], sig[SIGN_BYTES];

	if (codec_b64u_decode_exact(sig, sizeof sig,
	                            json_string_value(json_object_get(m, "sig"))) != 0)
		return BIND_ERR_NO_SIG;
	if (followup_fields(m, &district, lookup, &purpose, body_hash) != 0)
		return BIND_ERR_FIELDS;
	if (sign_followup_verify(sig, sign_pk, district, lookup, purpose, body_hash, att_hashes,
	                         natt) != 0)
		return BIND_ERR_SIG;
	return BIND_OK;
}
