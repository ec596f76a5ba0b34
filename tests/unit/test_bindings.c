/*
 * Known answers for the bindings of DESIGN.md §5 (sign_seed, id 4) and §6
 * (the report's sealed "bind", the follow-up signature, the attachment and
 * manifest bounds): tests/vectors/bindings.json, made by an independent
 * implementation. The envelopes open with envelopes.json's district key;
 * only "report, bound" and "followup, signed" are clean.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bind.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "tests/unit/testutil.h"

static json_t *g_v;
static uint8_t g_box_pk[32], g_box_sk[32];

static int
setup(void **state)
{
	json_t *env = testutil_vector("envelopes.json");

	(void)state;
	g_v = testutil_vector("bindings.json");
	testutil_b64u(g_box_pk, 32, testutil_str(env, "box_pk"));
	testutil_b64u(g_box_sk, 32, testutil_str(env, "box_sk"));
	json_decref(env);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	json_decref(g_v);
	return 0;
}

static uint8_t *
hex_alloc(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n ? n : 1);

	assert_non_null(b);
	assert_int_equal(sodium_hex2bin(b, n, hex, strlen(hex), NULL, len, NULL), 0);
	assert_int_equal(*len, n);
	return b;
}

/* §5 id 4: every receipt's signing key. */
static void
test_receipt_sign_keys(void **state)
{
	const json_t *arr = json_object_get(g_v, "receipt_sign_keys");
	size_t i;
	const json_t *c;

	(void)state;
	assert_true(json_array_size(arr) >= 6);
	json_array_foreach(arr, i, c)
	{
		struct receipt_keys k;
		uint8_t want[32];

		testutil_b64u(want, 32, testutil_str(c, "sign_pk"));
		assert_int_equal(receipt_derive(testutil_str(c, "receipt"), &k), 0);
		assert_memory_equal(k.rsign_pk, want, 32);
		/* the pair belongs together: what the secret half signs, the public half verifies */
		{
			uint8_t sig[64];

			crypto_sign_detached(sig, NULL, (const uint8_t *)"x", 1, k.rsign_sk);
			assert_int_equal(
			        crypto_sign_verify_detached(sig, (const uint8_t *)"x", 1, want), 0);
		}
		receipt_keys_wipe(&k);
	}
}

/* Hashes each b64u attachment of the follow-up vector. Returns how many. */
static size_t
followup_att_hashes(const json_t *f, uint8_t (*h)[32], size_t max)
{
	const json_t *atts = json_object_get(f, "attachments");
	size_t i, n = json_array_size(atts);
	const json_t *a;

	assert_true(n <= max);
	json_array_foreach(atts, i, a)
	{
		size_t len;
		uint8_t *b = testutil_b64u_alloc(json_string_value(a), &len);

		chain_h256(h[i], b, len);
		free(b);
	}
	return n;
}

/* §6: the follow-up signature, its exact message, and each invalid variant. */
static void
test_followup_signature(void **state)
{
	const json_t *f = json_object_get(g_v, "followup");
	const json_t *inv = json_object_get(f, "invalid");
	struct receipt_keys k;
	uint8_t lookup[32], body_hash[32], sig[64], want_sig[64], att[8][32], msg[256];
	size_t natt, mlen, wlen, n = 0;
	uint8_t *want_msg;
	const char *body = testutil_str(f, "body"), *name;
	const json_t *c;
	json_t *m;

	(void)state;
	assert_int_equal(receipt_derive(testutil_str(f, "receipt"), &k), 0);
	testutil_b64u(lookup, 32, testutil_str(f, "lookup"));
	assert_memory_equal(lookup, k.lookup, 32);
	natt = followup_att_hashes(f, att, 8);
	chain_h256(body_hash, (const uint8_t *)body, strlen(body));

	want_msg = hex_alloc(testutil_str(f, "message_hex"), &wlen);
	assert_int_equal(sign_followup_message(msg, sizeof msg, &mlen, testutil_str(f, "district"),
	                                       lookup, testutil_str(f, "purpose"), body_hash, att,
	                                       natt),
	                 0);
	assert_int_equal(mlen, wlen);
	assert_memory_equal(msg, want_msg, wlen);
	free(want_msg);

	testutil_b64u(want_sig, 64, testutil_str(f, "sig"));
	assert_int_equal(sign_followup(sig, k.rsign_sk, testutil_str(f, "district"), lookup,
	                               testutil_str(f, "purpose"), body_hash, att, natt),
	                 0);
	assert_memory_equal(sig, want_sig, 64); /* Ed25519 is deterministic */
	assert_int_equal(sign_followup_verify(want_sig, k.rsign_pk, testutil_str(f, "district"),
	                                      lookup, testutil_str(f, "purpose"), body_hash, att,
	                                      natt),
	                 0);

	/* the same through the manifest helpers */
	m = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s}", "v", 1, "kind", "followup", "district",
	              testutil_str(f, "district"), "lookup", testutil_str(f, "lookup"), "purpose",
	              testutil_str(f, "purpose"), "body", body);
	assert_non_null(m);
	assert_int_equal(bind_followup_put(m, &k, att, natt), BIND_OK);
	assert_string_equal(json_string_value(json_object_get(m, "sig")), testutil_str(f, "sig"));
	assert_int_equal(bind_followup_check(m, k.rsign_pk, att, natt), BIND_OK);
	assert_int_equal(bind_followup_check(m, k.rsign_pk, att, natt - 1), BIND_ERR_SIG);
	json_object_set_new(m, "purpose", json_string("objection"));
	assert_int_equal(bind_followup_check(m, k.rsign_pk, att, natt), BIND_ERR_SIG);
	json_object_del(m, "sig");
	assert_int_equal(bind_followup_check(m, k.rsign_pk, att, natt), BIND_ERR_NO_SIG);
	json_decref(m);

	/* every invalid message/signature pair fails */
	json_object_foreach((json_t *)inv, name, c)
	{
		uint8_t s[64];
		size_t len;
		uint8_t *b = hex_alloc(testutil_str(c, "message_hex"), &len);

		testutil_b64u(s, 64, testutil_str(c, "sig"));
		if (crypto_sign_verify_detached(s, b, len, k.rsign_pk) == 0)
			fail_msg("invalid follow-up \"%s\" verifies", name);
		free(b);
		n++;
	}
	assert_true(n >= 6);
	receipt_keys_wipe(&k);
}

/* An opened vector envelope and its attachments' hashes. */
struct opened {
	struct envelope_contents c;
	uint8_t att[ENVELOPE_ATTACHMENTS_MAX][32];
	int rc;
};

static void
open_vector(const char *name, struct opened *o)
{
	const json_t *envs = json_object_get(g_v, "envelopes");
	size_t len;
	uint8_t *env = testutil_b64u_alloc(testutil_str(envs, name), &len);

	memset(o, 0, sizeof *o);
	o->rc = envelope_open_buffer(&o->c, g_box_pk, g_box_sk, env, len);
	for (size_t i = 0; o->rc == ENVELOPE_OK && i < o->c.natts; i++)
		chain_h256(o->att[i], o->c.att[i], o->c.att_len[i]);
	free(env);
}

/* §6 bindings, §10 quarantine: which envelopes are clean. */
static void
test_envelope_bindings(void **state)
{
	static const struct {
		const char *name;
		int want; /* a bind_err, or 100 + an envelope error */
	} reports[] = {
	        {"report, bound", BIND_OK},
	        {"report, bind.reply_pk differs from the entry's", BIND_ERR_REPLY_PK},
	        {"report, bind.lookup differs from the entry's", BIND_ERR_LOOKUP},
	        {"report, no bind", BIND_ERR_MISSING},
	        {"report, 101 attachments", 100 + ENVELOPE_ERR_MANIFEST},
	};
	static const struct {
		const char *name;
		int want;
	} followups[] = {
	        {"followup, signed", BIND_OK},
	        {"followup, signature does not verify", BIND_ERR_SIG},
	        {"followup, no sig", BIND_ERR_NO_SIG},
	};
	const json_t *envs = json_object_get(g_v, "envelopes");
	uint8_t lookup[32], reply_pk[32], sign_pk[32], want_sign_pk[32];
	struct opened *o = malloc(sizeof *o);

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_object_size(envs), sizeof reports / sizeof reports[0] +
	                                                 sizeof followups / sizeof followups[0]);
	testutil_b64u(lookup, 32, testutil_str(g_v, "entry_lookup"));
	testutil_b64u(reply_pk, 32, testutil_str(g_v, "entry_reply_pk"));
	testutil_b64u(want_sign_pk, 32,
	              testutil_str(json_array_get(json_object_get(g_v, "receipt_sign_keys"), 0),
	                           "sign_pk"));

	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
		uint8_t spk[32];
		int got;

		open_vector(reports[i].name, o);
		if (o->rc != ENVELOPE_OK) {
			got = 100 + o->rc;
		} else {
			assert_string_equal(json_string_value(json_object_get(o->c.parsed, "kind")),
			                    "report");
			got = bind_report_check(o->c.parsed, lookup, reply_pk, spk);
		}
		if (got != reports[i].want)
			fail_msg("\"%s\": got %d, want %d", reports[i].name, got, reports[i].want);
		if (got == BIND_OK) {
			assert_memory_equal(spk, want_sign_pk, 32);
			memcpy(sign_pk, spk, 32);
		}
		envelope_contents_free(&o->c);
	}
	for (size_t i = 0; i < sizeof followups / sizeof followups[0]; i++) {
		int got;

		open_vector(followups[i].name, o);
		assert_int_equal(o->rc, ENVELOPE_OK);
		assert_string_equal(json_string_value(json_object_get(o->c.parsed, "kind")),
		                    "followup");
		got = bind_followup_check(o->c.parsed, sign_pk, (const uint8_t(*)[32])o->att,
		                          o->c.natts);
		if (got != followups[i].want)
			fail_msg("\"%s\": got %d, want %d", followups[i].name, got,
			         followups[i].want);
		/* the signed one is the reporter's only with the report's key */
		if (got == BIND_OK) {
			uint8_t other[32];

			memcpy(other, sign_pk, 32);
			other[0] ^= 1;
			assert_int_not_equal(bind_followup_check(o->c.parsed, other,
			                                         (const uint8_t(*)[32])o->att,
			                                         o->c.natts),
			                     BIND_OK);
		}
		envelope_contents_free(&o->c);
	}
	free(o);
}

/* The report side: bind_report_put writes what bind_report_check accepts. */
static void
test_bind_round_trip(void **state)
{
	struct receipt_keys k;
	uint8_t spk[32], other[32];
	json_t *m = json_pack("{s:i,s:s,s:s,s:s,s:{},s:[]}", "v", 1, "kind", "report", "district",
	                      "d01", "lang", "zh-CN", "report", "attachments");
	char *text, want[512];

	(void)state;
	assert_int_equal(receipt_derive("MS0Z-H1WW-YKQN-03JM-SFCX", &k), 0);
	assert_int_equal(bind_report_put(m, &k), BIND_OK);
	/* §6's order: bind right after lang; a second put replaces it in place */
	assert_int_equal(bind_report_put(m, &k), BIND_OK);
	text = json_dumps(m, JSON_COMPACT);
	snprintf(want, sizeof want,
	         "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\",\"lang\":\"zh-CN\","
	         "\"bind\":{\"lookup\":\"%s\",\"reply_pk\":\"%s\",\"sign_pk\":\"%s\"},"
	         "\"report\":{},\"attachments\":[]}",
	         "RuYTO-sK7fQpCpQATm-iOB5E8x9jx4mj3P28QbdTnrQ", testutil_str(g_v, "entry_reply_pk"),
	         testutil_str(json_array_get(json_object_get(g_v, "receipt_sign_keys"), 0),
	                      "sign_pk"));
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(bind_report_check(m, k.lookup, k.reply_pk, spk), BIND_OK);
	assert_memory_equal(spk, k.rsign_pk, 32);
	memcpy(other, k.reply_pk, 32);
	other[5] ^= 0x40;
	assert_int_equal(bind_report_check(m, k.lookup, other, spk), BIND_ERR_REPLY_PK);
	assert_int_equal(bind_report_check(m, other, k.reply_pk, spk), BIND_ERR_LOOKUP);
	/* a malformed member is no bind */
	json_object_set_new(json_object_get(m, "bind"), "sign_pk", json_string("AAAA"));
	assert_int_equal(bind_report_check(m, k.lookup, k.reply_pk, spk), BIND_ERR_MISSING);
	json_decref(m);
	receipt_keys_wipe(&k);
}

/* §6 bounds: the sealer refuses 101 attachments; 100 round-trip. */
static void
test_attachment_bound(void **state)
{
	struct envelope_blob atts[ENVELOPE_ATTACHMENTS_MAX + 1];
	json_t *m = json_pack("{s:i,s:s,s:[]}", "v", 1, "kind", "report", "attachments");
	struct envelope_contents c;
	uint8_t *env = NULL;
	size_t len = 0;
	char *txt;

	(void)state;
	for (size_t i = 0; i < ENVELOPE_ATTACHMENTS_MAX; i++) {
		atts[i].data = (const uint8_t *)"";
		atts[i].len = 0;
		json_array_append_new(
		        json_object_get(m, "attachments"),
		        json_pack("{s:s,s:s,s:i}", "name", "a", "type", "text/plain", "size", 0));
	}
	txt = json_dumps(m, JSON_COMPACT);
	assert_int_equal(envelope_seal_buffer(&env, &len, g_box_pk, txt, strlen(txt), atts,
	                                      ENVELOPE_ATTACHMENTS_MAX),
	                 ENVELOPE_OK);
	assert_int_equal(envelope_open_buffer(&c, g_box_pk, g_box_sk, env, len), ENVELOPE_OK);
	assert_int_equal(c.natts, ENVELOPE_ATTACHMENTS_MAX);
	envelope_contents_free(&c);
	free(env);
	free(txt);
	atts[ENVELOPE_ATTACHMENTS_MAX] = atts[0];
	json_array_append_new(
	        json_object_get(m, "attachments"),
	        json_pack("{s:s,s:s,s:i}", "name", "a", "type", "text/plain", "size", 0));
	txt = json_dumps(m, JSON_COMPACT);
	assert_int_equal(envelope_seal_buffer(&env, &len, g_box_pk, txt, strlen(txt), atts,
	                                      ENVELOPE_ATTACHMENTS_MAX + 1),
	                 ENVELOPE_ERR_STATE);
	assert_null(env);
	free(txt);
	json_decref(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_receipt_sign_keys), cmocka_unit_test(test_followup_signature),
	        cmocka_unit_test(test_envelope_bindings), cmocka_unit_test(test_bind_round_trip),
	        cmocka_unit_test(test_attachment_bound),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("bindings", tests, setup, teardown);
}
