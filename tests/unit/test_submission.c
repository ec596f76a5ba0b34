/*
 * Unit tests for the write's wire form (DESIGN.md §9) against the
 * `pow_required` and `submission` parts of tests/vectors/bindings.json:
 * the difficulty each Content-Length needs (crypto/pow), the body the CLI
 * builds for the vector's JSON and envelope (crypto/submission,
 * report/proto) byte for byte, and the server's split of that body
 * (intake/api) giving back the JSON and the envelope; the Qingfeng-PoW
 * header; cut, padded and oversized bodies; the in-memory spent set.
 */
#include "tests/unit/cm.h"

#include <event2/buffer.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "crypto/submission.h"
#include "intake/api.h"
#include "intake/spent.h"
#include "report/proto.h"
#include "tests/unit/testutil.h"

static void
test_pow_required_vector(void **state)
{
	json_t *v = testutil_vector("bindings.json");
	const json_t *pr = json_object_get(v, "pow_required");
	unsigned base = (unsigned)json_integer_value(json_object_get(pr, "base"));
	const json_t *c;
	size_t i;

	(void)state;
	assert_int_equal(base, 18);
	assert_true(json_array_size(json_object_get(pr, "cases")) >= 7);
	json_array_foreach(json_object_get(pr, "cases"), i, c)
	{
		uint64_t len = (uint64_t)json_integer_value(json_array_get(c, 0));
		unsigned want = (unsigned)json_integer_value(json_array_get(c, 1));

		assert_int_equal(pow_required(base, len), want);
	}
	json_decref(v);
	/* difficulty 0 stays off whatever the size; the growth is bounded */
	assert_int_equal(pow_required(0, 1ULL << 40), 0);
	assert_int_equal(pow_required(1, UINT64_MAX), 1 + 44);
}

struct subvec {
	json_t *root;
	const json_t *json;
	uint8_t *env, *body;
	size_t envlen, bodylen;
};

static void
load(struct subvec *v)
{
	const json_t *s;

	v->root = testutil_vector("bindings.json");
	s = json_object_get(v->root, "submission");
	assert_string_equal(testutil_str(s, "content_type"), SUBMISSION_TYPE);
	v->json = json_object_get(s, "json");
	assert_true(json_is_object(v->json));
	v->env = testutil_b64u_alloc(testutil_str(s, "envelope"), &v->envlen);
	v->body = testutil_b64u_alloc(testutil_str(s, "body"), &v->bodylen);
}

static void
unload(struct subvec *v)
{
	free(v->env);
	free(v->body);
	json_decref(v->root);
}

/* The body of the vector's JSON (compact, in its order) and envelope is exactly `body`. */
static void
test_submission_build_vector(void **state)
{
	struct subvec v;
	char *j;
	uint8_t *b;
	size_t blen;

	(void)state;
	load(&v);
	j = json_dumps(v.json, JSON_COMPACT);
	assert_non_null(j);
	b = submission_build(&blen, j, strlen(j), v.env, v.envlen);
	assert_non_null(b);
	assert_int_equal(blen, v.bodylen);
	assert_memory_equal(b, v.body, blen);
	sodium_free(b);
	free(j);
	unload(&v);
}

/*
 * qingfeng-report's report body for the same values is the vector's body
 * with J padded by trailing spaces to SUBMISSION_JSON_PADDED bytes
 * (docs/decisions.md, issue 21): u32be(256) || the vector's J || spaces ||
 * the same envelope.
 */
static void
test_cli_body_vector(void **state)
{
	struct subvec v;
	struct receipt_keys k;
	uint8_t *b;
	size_t blen;

	(void)state;
	load(&v);
	memset(&k, 0, sizeof k);
	testutil_b64u(k.lookup, 32, testutil_str(v.json, "lookup"));
	testutil_b64u(k.auth_hash, 32, testutil_str(v.json, "auth_hash"));
	testutil_b64u(k.reply_pk, 32, testutil_str(v.json, "reply_pk"));
	b = proto_report_body(&blen, testutil_str(v.json, "district"), &k, v.env, v.envlen);
	assert_non_null(b);
	{
		size_t jlen = v.bodylen - 4 - v.envlen;

		assert_true(jlen < SUBMISSION_JSON_PADDED);
		assert_int_equal(blen, 4 + SUBMISSION_JSON_PADDED + v.envlen);
		assert_int_equal(codec_u32be_get(b), SUBMISSION_JSON_PADDED);
		assert_memory_equal(b + 4, v.body + 4, jlen);
		for (size_t i = 4 + jlen; i < 4 + SUBMISSION_JSON_PADDED; i++)
			assert_int_equal(b[i], ' ');
		assert_memory_equal(b + 4 + SUBMISSION_JSON_PADDED, v.env, v.envlen);
	}
	proto_body_free(b);
	unload(&v);
}

/* The server's split of `body` gives back the JSON and the envelope. */
static void
test_server_split_vector(void **state)
{
	struct subvec v;
	struct evbuffer *in = evbuffer_new();
	char j[SUBMISSION_JSON_MAX];
	size_t jlen, envlen;
	uint8_t *env;
	json_t *got;

	(void)state;
	load(&v);
	assert_non_null(in);
	assert_int_equal(evbuffer_add(in, v.body, v.bodylen), 0);
	assert_int_equal(api_submission_take(in, j, &jlen, &envlen), 0);
	got = json_loadb(j, jlen, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(got);
	assert_true(json_equal(got, v.json));
	assert_int_equal(envlen, v.envlen);
	assert_int_equal(evbuffer_get_length(in), v.envlen);
	env = malloc(envlen);
	assert_non_null(env);
	assert_int_equal(evbuffer_remove(in, env, envlen), (int)envlen);
	assert_memory_equal(env, v.env, envlen);
	free(env);
	json_decref(got);
	evbuffer_free(in);
	unload(&v);
}

/* Splits a copy of body[0..len); returns api_submission_take's result. */
static int
split(const uint8_t *body, size_t len)
{
	struct evbuffer *in = evbuffer_new();
	char j[SUBMISSION_JSON_MAX];
	size_t jlen, envlen;
	int rc;

	assert_non_null(in);
	if (len > 0)
		assert_int_equal(evbuffer_add(in, body, len), 0);
	rc = api_submission_take(in, j, &jlen, &envlen);
	evbuffer_free(in);
	return rc;
}

static void
test_bad_bodies(void **state)
{
	struct subvec v;
	uint8_t big[4 + SUBMISSION_JSON_MAX + 2];
	size_t jlen;

	(void)state;
	load(&v);
	jlen = codec_u32be_get(v.body);
	assert_int_equal(split(v.body, v.bodylen), 0);
	assert_int_equal(split(v.body, 0), -1);
	assert_int_equal(split(v.body, 3), -1);
	assert_int_equal(split(v.body, 4 + jlen), -1); /* J without an envelope */
	assert_int_equal(split(v.body, 4 + jlen - 1), -1);
	memset(big, '{', sizeof big);
	codec_u32be_put(big, 0);
	assert_int_equal(split(big, sizeof big), -1); /* empty J */
	codec_u32be_put(big, SUBMISSION_JSON_MAX + 1);
	assert_int_equal(split(big, sizeof big), -1); /* J over 4 KiB */
	codec_u32be_put(big, SUBMISSION_JSON_MAX);
	assert_int_equal(split(big, sizeof big), 0);
	codec_u32be_put(big, 0xffffffffu);
	assert_int_equal(split(big, sizeof big), -1);
	/* and the builder refuses what the server would */
	{
		size_t n;
		char j[SUBMISSION_JSON_MAX + 1];

		memset(j, ' ', sizeof j);
		assert_null(submission_build(&n, j, sizeof j, v.env, v.envlen));
		assert_null(submission_build(&n, j, 0, v.env, v.envlen));
		assert_null(submission_build(&n, j, 10, v.env, 0));
	}
	unload(&v);
}

static void
test_pow_header(void **state)
{
	uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES], c2[POW_CHALLENGE_BYTES],
	        n2[POW_NONCE_BYTES];
	char h[POW_HEADER_LEN + 1], bad[POW_HEADER_LEN + 8];

	(void)state;
	randombytes_buf(ch, sizeof ch);
	randombytes_buf(nonce, sizeof nonce);
	pow_header_format(h, ch, nonce);
	assert_int_equal(strlen(h), POW_HEADER_LEN);
	assert_int_equal(pow_header_parse(c2, n2, h), 0);
	assert_memory_equal(c2, ch, sizeof ch);
	assert_memory_equal(n2, nonce, sizeof nonce);
	assert_int_equal(pow_header_parse(c2, n2, NULL), -1);
	assert_int_equal(pow_header_parse(c2, n2, ""), -1);
	assert_int_equal(pow_header_parse(c2, n2, "."), -1);
	snprintf(bad, sizeof bad, "%s=", h); /* padded */
	assert_int_equal(pow_header_parse(c2, n2, bad), -1);
	snprintf(bad, sizeof bad, "%s", h);
	bad[54] = ','; /* no dot */
	assert_int_equal(pow_header_parse(c2, n2, bad), -1);
	snprintf(bad, sizeof bad, "%.53s.%s", h, h + 55); /* a short challenge */
	assert_int_equal(pow_header_parse(c2, n2, bad), -1);
	snprintf(bad, sizeof bad, "%s.AA", h); /* two dots */
	assert_int_equal(pow_header_parse(c2, n2, bad), -1);
}

static void
test_spent(void **state)
{
	uint8_t key[POW_KEY_BYTES], ch[64][POW_CHALLENGE_BYTES], late[POW_CHALLENGE_BYTES];
	struct spent *sp = spent_new(40, 600);
	uint64_t expiry = 1900000000u;

	(void)state;
	assert_non_null(sp);
	randombytes_buf(key, sizeof key);
	for (int i = 0; i < 64; i++)
		pow_challenge_make(ch[i], key, expiry + (uint64_t)i);
	for (int i = 0; i < 40; i++)
		assert_int_equal(spent_add(sp, ch[i]), SPENT_OK);
	for (int i = 0; i < 40; i++)
		assert_int_equal(spent_add(sp, ch[i]), SPENT_REUSED);
	/* full: refused, nothing forgotten */
	assert_int_equal(spent_add(sp, ch[40]), SPENT_FULL);
	assert_int_equal(spent_add(sp, ch[0]), SPENT_REUSED);
	assert_int_equal(spent_count(sp), 40);
	/* the next window (expiries are 600 s windows; all of ch share one) has its own table */
	pow_challenge_make(late, key, expiry + 600);
	assert_int_equal(spent_add(sp, late), SPENT_OK);
	assert_int_equal(spent_add(sp, late), SPENT_REUSED);
	/* two windows on, the old table is emptied for it (its challenges expired) */
	pow_challenge_make(late, key, expiry + 2400);
	assert_int_equal(spent_add(sp, late), SPENT_OK);
	/* and a challenge of a window older than its table's is refused, not forgotten */
	assert_int_equal(spent_add(sp, ch[1]), SPENT_FULL);
	spent_free(sp);
	assert_null(spent_new(0, 600));
	assert_null(spent_new(10, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pow_required_vector),
	        cmocka_unit_test(test_submission_build_vector),
	        cmocka_unit_test(test_cli_body_vector),
	        cmocka_unit_test(test_server_split_vector),
	        cmocka_unit_test(test_bad_bodies),
	        cmocka_unit_test(test_pow_header),
	        cmocka_unit_test(test_spent),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("submission", tests, NULL, NULL);
}
