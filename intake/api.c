/* api: see api.h. */
#include "intake/api.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/pow.h"
#include "crypto/sign.h"
#include "crypto/submission.h"
#include "intake/commit.h"
#include "intake/http.h"
#include "intake/server.h"
#include "intake/spent.h"

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
	default:
		http_reply_error(req, 503, "overloaded",
		                 "the server cannot handle this now; try again later");
		break;
	}
}

void
api_info(struct server *s, struct evhttp_request *req)
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
	http_reply_body(req, 200, "application/json; charset=utf-8", b);
}

void
api_pow(struct server *s, struct evhttp_request *req)
{
	uint8_t ch[POW_CHALLENGE_BYTES];
	uint64_t now = (uint64_t)time(NULL);

	if (!method_is(req, EVHTTP_REQ_GET, "GET"))
		return;
	/* issued after the start second, so a challenge of an earlier process is told apart */
	if (now <= s->started)
		now = s->started + 1;
	pow_challenge_make(ch, s->key->pow_key, now + s->cfg.pow_ttl);
	http_reply_json(req, 200,
	                json_pack("{s:o, s:I, s:I}", "challenge", codec_b64u_json(ch, sizeof ch),
	                          "difficulty", (json_int_t)s->cfg.pow_difficulty, "expires_in",
	                          (json_int_t)s->cfg.pow_ttl));
}

int
api_is_write(struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

	return evhttp_request_get_command(req) == EVHTTP_REQ_POST && path != NULL &&
	       (strcmp(path, "/api/v1/reports") == 0 || strcmp(path, "/api/v1/followups") == 0);
}

static int
refuse(struct http_verdict *v, int status, const char *code, const char *message)
{
	v->status = status;
	v->code = code;
	v->message = message;
	return -1;
}

static int
is_submission_type(const char *ct)
{
	size_t n = strlen(SUBMISSION_TYPE);

	if (ct == NULL || strncasecmp(ct, SUBMISSION_TYPE, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

int
api_gate(struct server *s, struct evhttp_request *req, struct http_verdict *v, uint64_t *length)
{
	const struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *cl = evhttp_find_header(h, "Content-Length");
	const char *pow = evhttp_find_header(h, POW_HEADER);
	uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];
	uint64_t now = (uint64_t)time(NULL), n = 0;
	unsigned need;

	memset(v, 0, sizeof v[0]);
	*length = 0;
	if (evhttp_find_header(h, "Transfer-Encoding") != NULL)
		return refuse(v, 411, "length_required",
		              "send the body with a Content-Length, not chunked");
	if (cl == NULL || cl[0] == '\0')
		return refuse(v, 411, "length_required", "a Content-Length is required");
	for (const char *p = cl; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > UINT64_MAX / 10 - 1)
			return refuse(v, 411, "length_required", "the Content-Length is malformed");
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (!is_submission_type(evhttp_find_header(h, "Content-Type")))
		return refuse(v, 415, "unsupported_media_type",
		              "the body must be " SUBMISSION_TYPE);
	if (n > s->max_body)
		return refuse(v, 413, "too_large", "the request body is too large");
	*length = n;
	if (s->cfg.pow_difficulty == 0)
		return 0; /* proof-of-work off: the header is ignored */
	if (pow == NULL)
		return refuse(v, 429, "pow_required", "a proof-of-work is required");
	if (pow_header_parse(ch, nonce, pow) != 0)
		return refuse(v, 429, "pow_invalid", "the proof-of-work is malformed");
	switch (pow_challenge_check(ch, s->key->pow_key, now)) {
	case POW_OK:
		break;
	case POW_EXPIRED:
		return refuse(v, 429, "pow_expired", "the proof-of-work challenge expired");
	default:
		/*
		 * pow_key is new at every start: a challenge that could have been
		 * issued before it (its expiry within pow_ttl of the start) has
		 * expired; one with a later expiry was never ours.
		 */
		if (pow_challenge_expiry(ch) <= s->started + s->cfg.pow_ttl)
			return refuse(v, 429, "pow_expired",
			              "the proof-of-work challenge expired (the server restarted)");
		return refuse(v, 429, "pow_invalid", "the proof-of-work is not valid");
	}
	need = pow_required(s->cfg.pow_difficulty, n);
	if (pow_solution_check(ch, nonce, need) != POW_OK)
		return refuse(v, 429, "pow_invalid",
		              "the proof-of-work is not solved at the difficulty this size needs");
	switch (spent_add(s->spent, ch)) {
	case SPENT_OK:
		return 0;
	case SPENT_REUSED:
		return refuse(v, 429, "pow_reused", "this proof-of-work was already used");
	default:
		return refuse(v, 503, "overloaded",
		              "too many proofs-of-work in flight; try again later");
	}
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
	                          "envelope_hash", codec_b64u_json(r->envelope_hash, 32), "chain",
	                          codec_b64u_json(r->chain, 32), "sig",
	                          codec_b64u_json(sig, SIGN_BYTES)));
}

/* The group commit's completion for an API write: its 201 or refusal. */
static void
api_committed(struct evhttp_request *req, const struct commit_outcome *o, void *arg)
{
	(void)arg;
	if (o->result == STORE_OK)
		api_reply_receipt(req, o->receipt, o->sig, o->sig_ok);
	else
		api_reply_store_error(req, o->result);
}

int
api_submission_take(struct evbuffer *in, char j[SUBMISSION_JSON_MAX], size_t *jlen, size_t *envlen)
{
	size_t len = evbuffer_get_length(in);
	uint8_t first[4];

	*jlen = 0;
	*envlen = 0;
	if (evbuffer_copyout(in, first, 4) != 4 || submission_split(first, len, jlen) != 0 ||
	    evbuffer_drain(in, 4) != 0 || evbuffer_remove(in, j, *jlen) != (int)*jlen) {
		*jlen = 0;
		return -1;
	}
	*envlen = evbuffer_get_length(in);
	return 0;
}

/*
 * Reads a write's body (u32be(len(J)) || J || envelope) after its header
 * passed the gate (checked here when the header callback did not run).
 * Returns J as a new object with the envelope in a new malloc'd *env, or
 * NULL after answering (the gate's refusal, 400 bad_json, 413 too_large,
 * 400 bad_envelope). The body is drained in any case.
 */
static json_t *
read_submission(struct server *s, struct evhttp_request *req, uint8_t **env, size_t *envlen)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const struct http_verdict *early = server_conn_verdict(s, req);
	size_t len = evbuffer_get_length(in), jlen;
	char j[SUBMISSION_JSON_MAX];
	struct http_verdict v;
	json_error_t jerr;
	uint64_t cl;
	json_t *obj;

	*env = NULL;
	*envlen = 0;
	if (early != NULL && early->status != 0) {
		evbuffer_drain(in, len);
		http_reply_verdict(req, early, 1);
		return NULL;
	}
	if (early == NULL && api_gate(s, req, &v, &cl) != 0) { /* no header callback ran */
		evbuffer_drain(in, len);
		http_reply_verdict(req, &v, 0);
		return NULL;
	}
	if (api_submission_take(in, j, &jlen, envlen) != 0) {
		evbuffer_drain(in, evbuffer_get_length(in));
		http_reply_error(req, 400, "bad_json", "the submission body is malformed");
		return NULL;
	}
	obj = json_loadb(j, jlen, JSON_REJECT_DUPLICATES, &jerr);
	sodium_memzero(j, jlen); /* a follow-up's J holds auth */
	if (obj == NULL || !json_is_object(obj)) {
		json_decref(obj);
		evbuffer_drain(in, *envlen);
		http_reply_error(req, 400, "bad_json", "the submission's JSON is not an object");
		return NULL;
	}
	if (*envlen > s->cfg.max_envelope_bytes) {
		json_decref(obj);
		evbuffer_drain(in, *envlen);
		http_reply_error(req, 413, "too_large", "the envelope is too large");
		return NULL;
	}
	*env = malloc(*envlen);
	if (*env == NULL || evbuffer_remove(in, *env, *envlen) != (int)*envlen) {
		free(*env);
		*env = NULL;
		json_decref(obj);
		evbuffer_drain(in, evbuffer_get_length(in));
		http_reply_error(req, 503, "overloaded", "try again later");
		return NULL;
	}
	return obj;
}

/* The envelope's shape. Returns 0, or -1 after answering 400 bad_envelope. */
static int
check_envelope(struct evhttp_request *req, const uint8_t *env, size_t envlen)
{
	if (api_envelope_plausible(env, envlen))
		return 0;
	http_reply_error(req, 400, "bad_envelope", "the envelope is malformed");
	return -1;
}

void
api_report(struct server *s, struct evhttp_request *req)
{
	struct store_report in;
	char today[CODEC_DAY_LEN + 1];
	const char *district;
	uint8_t *env = NULL;
	size_t envlen = 0;
	json_t *obj;

	if (!method_is(req, EVHTTP_REQ_POST, "POST"))
		return;
	obj = read_submission(s, req, &env, &envlen);
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
	    check_envelope(req, env, envlen) != 0)
		goto out;
	server_today(&s->cfg, today);
	in.district = district;
	in.envelope = env;
	in.envelope_len = envlen;
	in.day = today;
	if (commit_report(s->commit, req, &in, env, api_committed, NULL) != 0) {
		http_reply_error(req, 503, "overloaded", "try again later");
		goto out;
	}
	env = NULL; /* answered by api_committed once the batch is on disk */
out:
	free(env);
	json_decref(obj);
}

void
api_followup(struct server *s, struct evhttp_request *req)
{
	struct store_followup in;
	char today[CODEC_DAY_LEN + 1];
	uint8_t *env = NULL;
	size_t envlen = 0;
	json_t *obj;

	if (!method_is(req, EVHTTP_REQ_POST, "POST"))
		return;
	obj = read_submission(s, req, &env, &envlen);
	if (obj == NULL)
		return;
	memset(&in, 0, sizeof in);
	if (http_field_bytes(req, obj, "lookup", in.lookup, 32) != 0 ||
	    http_field_bytes(req, obj, "auth", in.auth, 32) != 0 ||
	    check_envelope(req, env, envlen) != 0)
		goto out;
	server_today(&s->cfg, today);
	in.envelope = env;
	in.envelope_len = envlen;
	in.day = today;
	if (commit_followup(s->commit, req, &in, env, api_committed, NULL) != 0) {
		http_reply_error(req, 503, "overloaded", "try again later");
		goto out;
	}
	env = NULL; /* answered by api_committed once the batch is on disk */
out:
	free(env);
	sodium_memzero(in.auth, sizeof in.auth);
	if (json_is_string(json_object_get(obj, "auth")))
		sodium_memzero((void *)(uintptr_t)json_string_value(json_object_get(obj, "auth")),
		               json_string_length(json_object_get(obj, "auth")));
	json_decref(obj);
}

void
api_status(struct server *s, struct evhttp_request *req)
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
		        replies, json_pack("{s:I, s:s, s:o}", "seq", (json_int_t)v.replies[i].seq,
		                           "day", v.replies[i].day, "envelope",
		                           codec_b64u_json(v.replies[i].envelope,
		                                           v.replies[i].envelope_len)));
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
		                  "replies_hash", codec_b64u_json(st->replies_hash, 32),
		                  "followups_verified", (json_int_t)st->followups_verified, "seq",
		                  (json_int_t)st->seq, "sig", codec_b64u_json(st->sig, 64));

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
	/* padded: the length says nothing of the district, index, status or delivered */
	http_reply_json_padded(req, 200, ans, API_STATUS_PAD_MIN);
}

void
api_log_head(struct server *s, struct evhttp_request *req, const char *path)
{
	struct store_district d;
	uint8_t sig[SIGN_BYTES];
	char day[CODEC_DAY_LEN + 1], district[CODEC_DISTRICT_BUF];
	const char *id = path, *slash = strchr(path, '/');
	size_t n = slash != NULL ? (size_t)(slash - id) : 0;

	if (slash == NULL || strcmp(slash, "/head") != 0 || n == 0 || n >= sizeof district) {
		http_reply_error(req, 404, "not_found", "no such resource");
		return;
	}
	memcpy(district, id, n);
	district[n] = '\0';
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
	                          (json_int_t)d.size, "head", codec_b64u_json(d.head, 32), "day",
	                          day, "sig", codec_b64u_json(sig, sizeof sig)));
}
