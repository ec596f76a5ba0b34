/* api: see api.h. */
#include "intake/api.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/pow.h"
#include "crypto/sign.h"
#include "intake/commit.h"
#include "intake/http.h"
#include "intake/nojs.h"
#include "intake/server.h"
#include "intake/web.h"

int
api_envelope_plausible(const uint8_t *env, size_t len)
{
	const size_t full = ENVELOPE_CHUNK + ENVELOPE_CHUNK_OVERHEAD;
	size_t n, chunks, rest, plain;

	if (env == NULL || len < ENVELOPE_HEADER_BYTES + ENVELOPE_CHUNK_OVERHEAD + 4096)
		return 0;
	if (memcmp(env, ENVELOPE_MAGIC, 4) != 0)
		return 0;
	n = len - ENVELOPE_HEADER_BYTES;
	chunks = n / full;
	rest = n % full;
	if (rest != 0) {
		if (rest <= ENVELOPE_CHUNK_OVERHEAD)
			return 0; /* an empty or cut final chunk */
		chunks++;
	}
	plain = n - chunks * ENVELOPE_CHUNK_OVERHEAD;
	return plain >= ENVELOPE_MIN_PADDED && envelope_padme(plain) == plain;
}

static int
method_is(struct evhttp_request *req, enum evhttp_cmd_type want, const char *allow)
{
	if (evhttp_request_get_command(req) == want)
		return 1;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
	http_reply_error(req, 405, "method_not_allowed", "this method is not allowed here");
	return 0;
}

void
api_reply_store_error(struct evhttp_request *req, int err)
{
	switch (err) {
	case STORE_ERR_NOT_FOUND:
		http_reply_error(req, 404, "not_found", "no case matches this receipt");
		break;
	case STORE_ERR_EXISTS:
		http_reply_error(req, 409, "lookup_in_use", "this lookup is already in use");
		break;
	case STORE_ERR_FULL:
	case STORE_ERR_QUOTA:
		http_reply_error(req, 503, "storage_full",
		                 "the server cannot accept more material now; try again later");
		break;
	case STORE_ERR_DISTRICT:
		http_reply_error(req, 400, "unknown_district", "no such district here");
		break;
	case STORE_ERR_POW_REUSED:
		http_reply_error(req, 429, "pow_reused", "this proof-of-work was already used");
		break;
	default:
		http_reply_error(req, 503, "overloaded",
		                 "the server cannot handle this now; try again later");
		break;
	}
}

static void
handle_info(struct server *s, struct evhttp_request *req)
{
	struct evbuffer *b;

	if (!method_is(req, EVHTTP_REQ_GET, "GET"))
		return;
	b = evbuffer_new();
	if (b == NULL || evbuffer_add(b, s->info_json, strlen(s->info_json)) != 0) {
		if (b)
			evbuffer_free(b);
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	http_headers(req, HTTP_CSP_BASE);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "application/json; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static json_t *
b64u_json(const uint8_t *bin, size_t len)
{
	char *t = codec_b64u_encode_alloc(bin, len);
	json_t *j = t ? json_string(t) : NULL;

	free(t);
	return j;
}

static void
handle_pow(struct server *s, struct evhttp_request *req)
{
	uint8_t ch[POW_CHALLENGE_BYTES];

	if (!method_is(req, EVHTTP_REQ_GET, "GET"))
		return;
	pow_challenge_make(ch, s->key->pow_key, (uint64_t)time(NULL) + s->cfg.pow_ttl);
	http_reply_json(req, 200,
	                json_pack("{s:o, s:I, s:I}", "challenge", b64u_json(ch, sizeof ch),
	                          "difficulty", (json_int_t)s->cfg.pow_difficulty, "expires_in",
	                          (json_int_t)s->cfg.pow_ttl));
}

/*
 * Checks the request's proof-of-work. Returns 1 with the challenge to spend
 * in ch/expiry, 0 when none is needed (difficulty 0), or -1 after answering.
 */
static int
check_pow(struct server *s, struct evhttp_request *req, const json_t *obj,
          uint8_t ch[POW_CHALLENGE_BYTES], uint64_t *expiry)
{
	const json_t *p = json_object_get(obj, "pow");
	uint8_t nonce[POW_NONCE_BYTES];

	if (s->cfg.pow_difficulty == 0)
		return 0;
	if (!json_is_object(p)) {
		http_reply_error(req, 429, "pow_required", "a proof-of-work is required");
		return -1;
	}
	if (codec_b64u_decode_exact(ch, POW_CHALLENGE_BYTES,
	                            json_string_value(json_object_get(p, "challenge"))) != 0 ||
	    codec_b64u_decode_exact(nonce, POW_NONCE_BYTES,
	                            json_string_value(json_object_get(p, "nonce"))) != 0) {
		http_reply_error(req, 429, "pow_invalid", "the proof-of-work is malformed");
		return -1;
	}
	switch (pow_challenge_check(ch, s->key->pow_key, (uint64_t)time(NULL))) {
	case POW_OK:
		break;
	case POW_EXPIRED:
		http_reply_error(req, 429, "pow_expired", "the proof-of-work challenge expired");
		return -1;
	default:
		http_reply_error(req, 429, "pow_invalid", "the proof-of-work is not valid");
		return -1;
	}
	if (pow_solution_check(ch, nonce, s->cfg.pow_difficulty) != POW_OK) {
		http_reply_error(req, 429, "pow_invalid", "the proof-of-work is not solved");
		return -1;
	}
	*expiry = pow_challenge_expiry(ch);
	return 1;
}

/*
 * Decodes the "envelope" field into a new malloc'd buffer. Returns it, or
 * NULL after answering (400 bad_field, 413 too_large).
 */
static uint8_t *
read_envelope(struct server *s, struct evhttp_request *req, const json_t *obj, size_t *len)
{
	const char *t = json_string_value(json_object_get(obj, "envelope"));
	size_t tl, cap;
	uint8_t *env;

	if (t == NULL) {
		http_reply_bad_field(req, "envelope");
		return NULL;
	}
	tl = json_string_length(json_object_get(obj, "envelope"));
	cap = tl / 4 * 3 + 3;
	if (cap > s->cfg.max_envelope_bytes + 3) {
		http_reply_error(req, 413, "too_large", "the envelope is too large");
		return NULL;
	}
	env = malloc(cap ? cap : 1);
	if (env == NULL) {
		http_reply_error(req, 503, "overloaded", "try again later");
		return NULL;
	}
	if (codec_b64u_decode(env, cap, len, t, tl) != 0) {
		free(env);
		http_reply_bad_field(req, "envelope");
		return NULL;
	}
	if (*len > s->cfg.max_envelope_bytes) {
		free(env);
		http_reply_error(req, 413, "too_large", "the envelope is too large");
		return NULL;
	}
	return env;
}

void
api_reply_receipt(struct evhttp_request *req, const struct store_receipt *r,
                  const uint8_t sig[SIGN_BYTES], int sig_ok)
{
	if (!sig_ok) {
		/* cannot happen for a stored entry; still exactly one answer */
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	http_reply_json(req, 201,
	                json_pack("{s:{s:s, s:I, s:s, s:o, s:o, s:o}}", "receipt", "district",
	                          r->district, "index", (json_int_t)r->index, "day", r->day,
	                          "envelope_hash", b64u_json(r->envelope_hash, 32), "chain",
	                          b64u_json(r->chain, 32), "sig", b64u_json(sig, SIGN_BYTES)));
}

/*
 * What reports and follow-ups share after their own fields: the envelope,
 * the proof-of-work and the envelope's shape. Returns 0 with *env (malloc'd)
 * and the challenge to spend (*pow 1, or 0 at difficulty 0), or -1 after
 * answering.
 */
static int
read_submission(struct server *s, struct evhttp_request *req, const json_t *obj, uint8_t **env,
                size_t *envlen, uint8_t ch[POW_CHALLENGE_BYTES], uint64_t *expiry, int *pow)
{
	*env = read_envelope(s, req, obj, envlen);
	if (*env == NULL)
		return -1;
	*pow = check_pow(s, req, obj, ch, expiry);
	if (*pow < 0)
		goto refused;
	if (!api_envelope_plausible(*env, *envlen)) {
		/* the verified challenge is spent all the same */
		if (*pow > 0 && store_pow_spend(s->store, ch, *expiry) == STORE_ERR_POW_REUSED)
			http_reply_error(req, 429, "pow_reused",
			                 "this proof-of-work was already used");
		else
			http_reply_error(req, 400, "bad_envelope", "the envelope is malformed");
		goto refused;
	}
	return 0;
refused:
	free(*env);
	*env = NULL;
	return -1;
}

static void
handle_report(struct server *s, struct evhttp_request *req)
{
	struct store_report in;
	uint8_t ch[POW_CHALLENGE_BYTES];
	char today[CODEC_DAY_LEN + 1];
	uint64_t expiry = 0;
	const char *district;
	uint8_t *env = NULL;
	size_t envlen = 0;
	json_t *obj;
	int pow;

	if (!method_is(req, EVHTTP_REQ_POST, "POST"))
		return;
	obj = http_read_json(req, s->max_body);
	if (obj == NULL)
		return;
	memset(&in, 0, sizeof in);
	district = json_string_value(json_object_get(obj, "district"));
	if (!codec_district_valid(district)) {
		http_reply_bad_field(req, "district");
		goto out;
	}
	if (config_district(&s->cfg, district) == NULL) {
		http_reply_error(req, 400, "unknown_district", "no such district here");
		goto out;
	}
	if (http_field_bytes(req, obj, "lookup", in.lookup, 32) != 0 ||
	    http_field_bytes(req, obj, "auth_hash", in.auth_hash, 32) != 0 ||
	    http_field_bytes(req, obj, "reply_pk", in.reply_pk, 32) != 0 ||
	    read_submission(s, req, obj, &env, &envlen, ch, &expiry, &pow) != 0)
		goto out;
	server_today(&s->cfg, today);
	in.district = district;
	in.envelope = env;
	in.envelope_len = envlen;
	in.day = today;
	in.pow = pow > 0 ? ch : NULL;
	in.pow_expiry = expiry;
	commit_report(s, req, &in, env); /* answers once the batch is on disk */
out:
	json_decref(obj);
}

static void
handle_followup(struct server *s, struct evhttp_request *req)
{
	struct store_followup in;
	uint8_t ch[POW_CHALLENGE_BYTES];
	char today[CODEC_DAY_LEN + 1];
	uint64_t expiry = 0;
	uint8_t *env = NULL;
	size_t envlen = 0;
	json_t *obj;
	int pow;

	if (!method_is(req, EVHTTP_REQ_POST, "POST"))
		return;
	obj = http_read_json(req, s->max_body);
	if (obj == NULL)
		return;
	memset(&in, 0, sizeof in);
	if (http_field_bytes(req, obj, "lookup", in.lookup, 32) != 0 ||
	    http_field_bytes(req, obj, "auth", in.auth, 32) != 0 ||
	    read_submission(s, req, obj, &env, &envlen, ch, &expiry, &pow) != 0)
		goto out;
	server_today(&s->cfg, today);
	in.envelope = env;
	in.envelope_len = envlen;
	in.day = today;
	in.pow = pow > 0 ? ch : NULL;
	in.pow_expiry = expiry;
	commit_followup(s, req, &in, env); /* answers once the batch is on disk */
out:
	sodium_memzero(in.auth, sizeof in.auth);
	json_decref(obj);
}

static void
handle_status(struct server *s, struct evhttp_request *req)
{
	struct store_case_view v;
	uint8_t lookup[32], auth[32];
	json_t *obj, *replies, *ans;
	int rc;

	if (!method_is(req, EVHTTP_REQ_POST, "POST"))
		return;
	obj = http_read_json(req, 4096);
	if (obj == NULL)
		return;
	if (http_field_bytes(req, obj, "lookup", lookup, 32) != 0 ||
	    http_field_bytes(req, obj, "auth", auth, 32) != 0) {
		json_decref(obj);
		sodium_memzero(auth, sizeof auth);
		return;
	}
	json_decref(obj);
	if (!ratelimit_allow(s->rl, lookup, (uint64_t)time(NULL))) {
		sodium_memzero(auth, sizeof auth);
		http_reply_error(req, 429, "rate_limited",
		                 "too many status requests for this receipt; wait a minute");
		return;
	}
	rc = store_get_case(s->store, lookup, auth, &v);
	sodium_memzero(auth, sizeof auth);
	if (rc != STORE_OK) {
		api_reply_store_error(req, rc);
		return;
	}
	replies = json_array();
	for (size_t i = 0; replies != NULL && i < v.nreplies; i++)
		json_array_append_new(
		        replies,
		        json_pack("{s:I, s:s, s:o}", "seq", (json_int_t)v.replies[i].seq, "day",
		                  v.replies[i].day, "envelope",
		                  b64u_json(v.replies[i].envelope, v.replies[i].envelope_len)));
	ans = json_pack("{s:s, s:I, s:s, s:s, s:s, s:b, s:o*, s:I}", "district", v.district,
	                "index", (json_int_t)v.index, "status", store_status_name(v.status),
	                "status_day", v.status_day, "created_day", v.created_day, "delivered",
	                v.delivered, "replies", replies, "followups", (json_int_t)v.followups);
	if (ans != NULL && v.has_statement) {
		/* the district's signed word (§15), for the client to verify */
		const struct store_statement *st = &v.statement;
		json_t *so =
		        json_pack("{s:I, s:s, s:s, s:I, s:o, s:I, s:I, s:o}", "index",
		                  (json_int_t)st->index, "status", store_status_name(st->status),
		                  "status_day", st->status_day, "replies", (json_int_t)st->replies,
		                  "replies_hash", b64u_json(st->replies_hash, 32),
		                  "followups_verified", (json_int_t)st->followups_verified, "seq",
		                  (json_int_t)st->seq, "sig", b64u_json(st->sig, 64));

		if (so == NULL || json_object_set_new(ans, "statement", so) != 0) {
			json_decref(ans);
			ans = NULL;
		}
	}
	store_case_view_free(&v);
	if (ans == NULL) {
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	http_reply_json(req, 200, ans);
}

static void
handle_head(struct server *s, struct evhttp_request *req, const char *district)
{
	struct store_district d;
	uint8_t sig[SIGN_BYTES];
	char day[CODEC_DAY_LEN + 1];

	if (!method_is(req, EVHTTP_REQ_GET, "GET"))
		return;
	if (!codec_district_valid(district) || config_district(&s->cfg, district) == NULL ||
	    store_district_get(s->store, district, &d) != STORE_OK) {
		http_reply_error(req, 404, "not_found", "no such district here");
		return;
	}
	if (d.size > 0 && codec_day_valid(d.head_day))
		memcpy(day, d.head_day, sizeof day);
	else
		server_today(&s->cfg, day);
	if (sign_head(sig, s->key->sign_sk, district, d.size, d.head, day) != 0) {
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	http_reply_json(req, 200,
	                json_pack("{s:s, s:I, s:o, s:s, s:o}", "district", district, "size",
	                          (json_int_t)d.size, "head", b64u_json(d.head, 32), "day", day,
	                          "sig", b64u_json(sig, sizeof sig)));
}

void
api_dispatch(struct evhttp_request *req, void *arg)
{
	struct server *s = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *prefix = "/api/v1/log/";

	server_conn_served(s, req);
	if (path == NULL) {
		http_reply_error(req, 400, "bad_request", "malformed request");
		return;
	}
	if (s->stopping) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
		http_reply_error(req, 503, "overloaded", "the server is restarting");
		return;
	}
	if (strcmp(path, "/nojs/report") == 0) {
		nojs_report(s, req); /* GET: the form; POST: a report */
		return;
	}
	if (strcmp(path, "/nojs/status") == 0) {
		nojs_status(s, req);
		return;
	}
	if (strncmp(path, "/api/", 5) != 0) {
		web_serve(req, s->web_root);
		return;
	}
	if (strcmp(path, "/api/v1/info") == 0)
		handle_info(s, req);
	else if (strcmp(path, "/api/v1/pow") == 0)
		handle_pow(s, req);
	else if (strcmp(path, "/api/v1/reports") == 0)
		handle_report(s, req);
	else if (strcmp(path, "/api/v1/followups") == 0)
		handle_followup(s, req);
	else if (strcmp(path, "/api/v1/status") == 0)
		handle_status(s, req);
	else if (strncmp(path, prefix, strlen(prefix)) == 0) {
		const char *d = path + strlen(prefix);
		const char *slash = strchr(d, '/');
		char id[CODEC_DISTRICT_BUF];
		size_t n = slash ? (size_t)(slash - d) : 0;

		if (slash == NULL || strcmp(slash, "/head") != 0 || n == 0 || n >= sizeof id) {
			http_reply_error(req, 404, "not_found", "no such resource");
			return;
		}
		memcpy(id, d, n);
		id[n] = '\0';
		handle_head(s, req, id);
	} else
		http_reply_error(req, 404, "not_found", "no such resource");
}
