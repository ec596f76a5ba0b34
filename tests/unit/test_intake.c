/*
 * Unit tests for the intake server in this process, as libevent's
 * regress_http does it: the real server (server_start with route.c's
 * handlers) listens on 127.0.0.1:0, and an evhttp client on the same event
 * base sends requests; the loop runs until the answer is complete. Covered:
 * the routing table (every endpoint, 404 and 405 answers), the refusals
 * taken before any handler (cross-site posts), a report written through the
 * group commit and its completion (201 with a signed receipt, then its
 * status and the log head), no-JS posts, which go through the same
 * commit (303 to a one-time page holding the receipt), and the no-JS
 * pieces: read at the start, served from memory, replaced by a reload
 * (SIGHUP) only when every language reads.
 */
#include "tests/unit/cm.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/keyfile.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "crypto/submission.h"
#include "intake/cmd.h"
#include "intake/config.h"
#include "intake/route.h"
#include "intake/server.h"
#include "store/store.h"
#include "tests/unit/testutil.h"

/* One exchange's result, filled by the client callback. */
struct answer {
	int done;
	int code;
	char *body; /* NUL-terminated copy, malloc'd */
	size_t len;
	char location[256];
	char ctype[128];
	char csp; /* a Content-Security-Policy header came */
	char allow[64];
};

struct fixture {
	char *dir;
	struct server *s;
	unsigned short port;
	struct keyfile_secret *key; /* d01's, generated here */
};

static void
answer_cb(struct evhttp_request *req, void *arg)
{
	struct answer *a = arg;
	struct evbuffer *b;
	const char *h;

	a->done = 1;
	if (req == NULL)
		return;
	a->code = evhttp_request_get_response_code(req);
	b = evhttp_request_get_input_buffer(req);
	a->len = evbuffer_get_length(b);
	a->body = calloc(1, a->len + 1);
	if (a->body != NULL)
		evbuffer_remove(b, a->body, a->len);
	h = evhttp_find_header(evhttp_request_get_input_headers(req), "Location");
	snprintf(a->location, sizeof a->location, "%s", h ? h : "");
	h = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	snprintf(a->ctype, sizeof a->ctype, "%s", h ? h : "");
	h = evhttp_find_header(evhttp_request_get_input_headers(req), "Allow");
	snprintf(a->allow, sizeof a->allow, "%s", h ? h : "");
	a->csp = evhttp_find_header(evhttp_request_get_input_headers(req),
	                            "Content-Security-Policy") != NULL;
}

/*
 * Sends one request on a fresh connection and runs the server's loop until
 * its answer is complete. headers: "Name: value" strings, NULL-terminated.
 */
static void
exchange(struct fixture *fx, enum evhttp_cmd_type method, const char *path,
         const char *const *headers, const void *body, size_t len, struct answer *a)
{
	struct evhttp_connection *c;
	struct evhttp_request *req;
	struct evkeyvalq *out;

	memset(a, 0, sizeof *a);
	c = evhttp_connection_base_new(fx->s->base, NULL, "127.0.0.1", fx->port);
	assert_non_null(c);
	req = evhttp_request_new(answer_cb, a);
	assert_non_null(req);
	out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "Host", "127.0.0.1");
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		char name[64];
		const char *colon = strchr(headers[i], ':');

		assert_non_null(colon);
		snprintf(name, sizeof name, "%.*s", (int)(colon - headers[i]), headers[i]);
		evhttp_add_header(out, name, colon + 2);
	}
	if (body != NULL)
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	assert_int_equal(evhttp_make_request(c, req, method, path), 0);
	for (int spins = 0; !a->done && spins < 200000; spins++)
		event_base_loop(fx->s->base, EVLOOP_ONCE);
	assert_true(a->done);
	evhttp_connection_free(c);
}

static void
answer_free(struct answer *a)
{
	free(a->body);
	a->body = NULL;
}

/* The error code of a JSON error answer ("" when the body is not one). */
static const char *
error_code(const struct answer *a, char *buf, size_t n)
{
	json_t *j = json_loads(a->body ? a->body : "", 0, NULL);
	const char *c = json_string_value(json_object_get(json_object_get(j, "error"), "code"));

	snprintf(buf, n, "%s", c ? c : "");
	json_decref(j);
	return buf;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct config c;
	char path[1024], err[256];

	assert_non_null(fx);
	fx->dir = testutil_tmpdir();
	assert_int_equal(cmd_init(fx->dir), 0);
	assert_int_equal(keyfile_generate(&fx->key, "d01", "测试区纪委监委"), 0);
	snprintf(path, sizeof path, "%s/d01.pub.json", fx->dir);
	assert_int_equal(keyfile_write_public(path, &fx->key->pub), 0);
	assert_int_equal(cmd_district_add(fx->dir, path, 0, NULL, NULL), 0);
	snprintf(path, sizeof path, "%s/config.json", fx->dir);
	assert_int_equal(config_load(&c, path, err, sizeof err), 0);
	c.pow_difficulty = 0; /* the gate's proof-of-work has its own suite (pow_gate.sh) */
	c.nojs_min_seconds = 0;
	c.nojs_patient_seconds = 0;
	assert_int_equal(config_save(&c, path), 0);
	assert_int_equal(server_start(&fx->s, fx->dir, "127.0.0.1:0", &route_handlers), 0);
	fx->port = server_port(fx->s);
	assert_true(fx->port != 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	server_free(fx->s);
	keyfile_secret_free(fx->key);
	testutil_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static void
test_routes(void **state)
{
	struct fixture *fx = *state;
	struct answer a;
	char code[64];
	json_t *j;

	exchange(fx, EVHTTP_REQ_GET, "/api/v1/info", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 200);
	assert_true(a.csp);
	j = json_loads(a.body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(j, "districts"), 0), "id")),
	                    "d01");
	json_decref(j);
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_GET, "/api/v1/nothing", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 404);
	assert_string_equal(error_code(&a, code, sizeof code), "not_found");
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_GET, "/api/v1/reports", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 405);
	assert_string_equal(a.allow, "POST");
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_GET, "/api/v1/log/d01/head", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 200);
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_GET, "/api/v1/log/d01/tail", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 404);
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_GET, "/api/v1/log/d99/head", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 404);
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_GET, "/nojs/report", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 200);
	assert_non_null(strstr(a.ctype, "text/html"));
	answer_free(&a);
}

static void
test_refusals_before_handlers(void **state)
{
	struct fixture *fx = *state;
	static const char *const evil[] = {"Origin: http://evil.example",
	                                   "Content-Type: application/json", NULL};
	static const char *const json_ct[] = {"Content-Type: application/json", NULL};
	static const char *const text_ct[] = {"Content-Type: text/plain", NULL};
	struct answer a;
	char code[64];

	exchange(fx, EVHTTP_REQ_POST, "/api/v1/status", evil, "{}", 2, &a);
	assert_int_equal(a.code, 403);
	assert_string_equal(error_code(&a, code, sizeof code), "cross_site");
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_POST, "/api/v1/status", json_ct, "{not json", 9, &a);
	assert_int_equal(a.code, 400);
	assert_string_equal(error_code(&a, code, sizeof code), "bad_json");
	answer_free(&a);

	exchange(fx, EVHTTP_REQ_POST, "/api/v1/status", text_ct, "{}", 2, &a);
	assert_int_equal(a.code, 415);
	answer_free(&a);

	/* a submission that is not one: refused, and nothing is stored */
	exchange(fx, EVHTTP_REQ_POST, "/api/v1/reports",
	         (const char *const[]){"Content-Type: " SUBMISSION_TYPE, NULL}, "\0\0\0\2{}x", 7,
	         &a);
	assert_int_equal(a.code / 100, 4);
	answer_free(&a);
	{
		struct store_district d;

		assert_int_equal(store_district_get(fx->s->store, "d01", &d), STORE_OK);
		assert_int_equal(d.size, 0);
	}
}

/* Builds a §9 submission body for a report to d01 under receipt. */
static uint8_t *
report_body(struct fixture *fx, const char *receipt, size_t *len)
{
	struct receipt_keys k;
	char lookup[CODEC_B64U_BUF(32)], ah[CODEC_B64U_BUF(32)], rpk[CODEC_B64U_BUF(32)];
	char j[SUBMISSION_JSON_MAX];
	static const char manifest[] = "{\"v\":1,\"type\":\"suggestion\"}";
	uint8_t *env = NULL, *body;
	size_t envlen = 0;
	int n;

	assert_int_equal(receipt_derive(receipt, &k), 0);
	codec_b64u_encode(lookup, sizeof lookup, k.lookup, 32);
	codec_b64u_encode(ah, sizeof ah, k.auth_hash, 32);
	codec_b64u_encode(rpk, sizeof rpk, k.reply_pk, 32);
	receipt_keys_wipe(&k);
	n = snprintf(
	        j, sizeof j,
	        "{\"district\":\"d01\",\"lookup\":\"%s\",\"auth_hash\":\"%s\",\"reply_pk\":\"%s\"}",
	        lookup, ah, rpk);
	assert_true(n > 0 && (size_t)n < sizeof j);
	assert_int_equal(envelope_seal_buffer(&env, &envlen, fx->key->pub.box_pk, manifest,
	                                      sizeof manifest - 1, NULL, 0),
	                 ENVELOPE_OK);
	body = submission_build(len, j, (size_t)n, env, envlen);
	assert_non_null(body);
	free(env);
	return body;
}

static void
test_report_through_group_commit(void **state)
{
	struct fixture *fx = *state;
	static const char *const sub_ct[] = {"Content-Type: " SUBMISSION_TYPE, NULL};
	static const char *const json_ct[] = {"Content-Type: application/json", NULL};
	char receipt[RECEIPT_TEXT_BUF], code[64], status[512];
	struct receipt_keys k;
	char lookup[CODEC_B64U_BUF(32)], auth[CODEC_B64U_BUF(32)];
	struct store_district d;
	struct answer a;
	uint8_t *body;
	size_t len;
	json_t *j, *r;

	receipt_generate(receipt);
	body = report_body(fx, receipt, &len);
	exchange(fx, EVHTTP_REQ_POST, "/api/v1/reports", sub_ct, body, len, &a);
	assert_int_equal(a.code, 201);
	j = json_loads(a.body, 0, NULL);
	r = json_object_get(j, "receipt");
	assert_string_equal(json_string_value(json_object_get(r, "district")), "d01");
	assert_int_equal(json_integer_value(json_object_get(r, "index")), 1);
	json_decref(j);
	answer_free(&a);

	/* the same lookup again: refused by the store through the same completion */
	exchange(fx, EVHTTP_REQ_POST, "/api/v1/reports", sub_ct, body, len, &a);
	assert_int_equal(a.code, 409);
	assert_string_equal(error_code(&a, code, sizeof code), "lookup_in_use");
	answer_free(&a);
	sodium_free(body);

	assert_int_equal(store_district_get(fx->s->store, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 1);

	assert_int_equal(receipt_derive(receipt, &k), 0);
	codec_b64u_encode(lookup, sizeof lookup, k.lookup, 32);
	codec_b64u_encode(auth, sizeof auth, k.auth, 32);
	receipt_keys_wipe(&k);
	snprintf(status, sizeof status, "{\"lookup\":\"%s\",\"auth\":\"%s\"}", lookup, auth);
	exchange(fx, EVHTTP_REQ_POST, "/api/v1/status", json_ct, status, strlen(status), &a);
	assert_int_equal(a.code, 200);
	assert_true(a.len >= 4096); /* padded */
	j = json_loads(a.body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "received");
	json_decref(j);
	answer_free(&a);
}

/* Opens the envelope of entry 1 of d01 with the district's key; copies its manifest to ctx. */
static int
manifest_of_entry(void *ctx, const struct store_entry *e)
{
	void **arg = ctx;
	struct fixture *fx = arg[0];
	struct envelope_contents c = {0};

	assert_int_equal(envelope_open_buffer(&c, fx->key->pub.box_pk, fx->key->box_sk, e->envelope,
	                                      e->envelope_len),
	                 ENVELOPE_OK);
	arg[1] = strdup(c.manifest);
	envelope_contents_free(&c);
	return 0;
}

static void
test_nojs_report_through_group_commit(void **state)
{
	struct fixture *fx = *state;
	static const char *const form_ct[] = {"Content-Type: application/x-www-form-urlencoded",
	                                      NULL};
	static const char mark[] = "name=\"form_token\" value=\"";
	struct store_district d;
	struct answer a, page;
	char once[300], form[512], token[128];
	const char *t;
	int n;

	/* the form carries a token the post must bring back */
	exchange(fx, EVHTTP_REQ_GET, "/nojs/report", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 200);
	t = strstr(a.body, mark);
	assert_non_null(t);
	t += sizeof mark - 1;
	assert_non_null(strchr(t, '"'));
	snprintf(token, sizeof token, "%.*s", (int)(strchr(t, '"') - t), t);
	answer_free(&a);
	n = snprintf(form, sizeof form,
	             "district=d01&type=suggestion&category=other&title=T&body=%%E6%%AD%%A3"
	             "%%E6%%96%%87&form_token=%s",
	             token);
	assert_true(n > 0 && (size_t)n < sizeof form);

	exchange(fx, EVHTTP_REQ_POST, "/nojs/report", form_ct, form, (size_t)n, &a);
	assert_int_equal(a.code, 303);
	assert_memory_equal(a.location, "once?", 5); /* relative to /nojs/report */
	snprintf(once, sizeof once, "/nojs/%s", a.location);
	answer_free(&a);
	exchange(fx, EVHTTP_REQ_GET, once, NULL, NULL, 0, &page);
	assert_int_equal(page.code, 201);
	assert_non_null(strstr(page.body, "d01"));
	answer_free(&page);
	assert_int_equal(store_district_get(fx->s->store, "d01", &d), STORE_OK);
	assert_int_equal(d.size, 1);

	/* the sealed manifest has §6's shape and key order, as the reporter CLI's (crypto/manifest) */
	{
		void *arg[2] = {fx, NULL};
		static const char head[] = "{\"v\":1,\"kind\":\"report\",\"district\":\"d01\","
		                           "\"lang\":\"zh-CN\",\"bind\":{";
		static const char want[] =
		        ",\"report\":{\"type\":\"suggestion\",\"category\":\"other\","
		        "\"subcategory\":"
		        "\"\",\"town\":\"\",\"title\":\"T\",\"body\":\"\xe6\xad\xa3\xe6\x96\x87\","
		        "\"when\":\"\",\"where\":\"\",\"subject\":{\"name\":\"\",\"unit\":\"\","
		        "\"area\":\"\",\"position\":\"\",\"level\":\"unknown\",\"party_member\":"
		        "\"unknown\"},\"identity\":null},\"attachments\":[]}";

		assert_int_equal(
		        store_log_foreach(fx->s->store, "d01", 1, 1, manifest_of_entry, arg),
		        STORE_OK);
		assert_non_null(arg[1]);
		assert_memory_equal(arg[1], head, sizeof head - 1);
		assert_true(strlen(arg[1]) > sizeof want);
		assert_string_equal((char *)arg[1] + strlen(arg[1]) - (sizeof want - 1), want);
		free(arg[1]);
	}
}

/* The tag of page that contains what (a "<option value=..." or an "id=..."), as a copy. */
static void
tag_of(const char *page, const char *what, char *out, size_t n)
{
	const char *p = strstr(page, what), *a, *z;

	assert_non_null(p);
	for (a = p; a > page && *a != '<'; a--)
		;
	z = strchr(p, '>');
	assert_non_null(z);
	assert_true((size_t)(z - a) < n);
	snprintf(out, n, "%.*s", (int)(z - a + 1), a);
}

/*
 * A refused no-JS report comes back as the form with every value typed
 * escaped (none raw) and every choice as it was, in both languages.
 */
static void
test_nojs_form_back_escaped(void **state)
{
	struct fixture *fx = *state;
	static const char *const form_ct[] = {"Content-Type: application/x-www-form-urlencoded",
	                                      NULL};
	static const char *const texts[] = {"title",        "subcategory",  "town",
	                                    "when",         "where",        "subject_name",
	                                    "subject_unit", "subject_area", "subject_position",
	                                    "id_name",      "id_phone",     "id_number",
	                                    "id_unit",      "id_address"};
	static const char *const langs[] = {"zh-CN", "en"};
	static const char mark[] = "name=\"form_token\" value=\"";
	/* the tags that must come back chosen (on) or not, and how they say it */
	static const struct {
		const char *tag, *attr;
		int on;
	} chosen[] = {
	        {"<option value=\"legal", " selected", 1},
	        {"<option value=\"village", " selected", 1},
	        {"<option value=\"yes", " selected", 1},
	        {"id=\"type-appeal\"", " checked", 1},
	        {"id=\"type-accusation\"", " checked", 0},
	        {"id=\"real_name\"", " checked", 1},
	};

	for (size_t l = 0; l < 2; l++) {
		char form[4096], once[300], want[256], tag[512];
		struct answer a, page;
		size_t n = 0, k = 0;
		const char *t;

		exchange(fx, EVHTTP_REQ_GET, l ? "/nojs/report?lang=en" : "/nojs/report", NULL,
		         NULL, 0, &a);
		assert_int_equal(a.code, 200);
		t = strstr(a.body, mark);
		assert_non_null(t);
		t += sizeof mark - 1;
		n = (size_t)snprintf(
		        form, sizeof form,
		        "lang=%s&district=d01&type=appeal&category=legal&subject_level="
		        "village&subject_party=yes&real_name=1&form_token=%.*s",
		        langs[l], (int)(strchr(t, '"') - t), t);
		answer_free(&a);
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			n += (size_t)snprintf(form + n, sizeof form - n,
			                      "&%s=%%22%%27%%3Cb%%3E%%26%s", texts[i], texts[i]);
		/* no body: refused ("body"), the form comes back */
		assert_true(n < sizeof form);
		exchange(fx, EVHTTP_REQ_POST, "/nojs/report", form_ct, form, n, &a);
		assert_int_equal(a.code, 303);
		snprintf(once, sizeof once, "/nojs/%s", a.location);
		answer_free(&a);
		exchange(fx, EVHTTP_REQ_GET, once, NULL, NULL, 0, &page);
		assert_int_equal(page.code, 400);
		assert_non_null(
		        strstr(page.body, l ? "<html lang=\"en\"" : "<html lang=\"zh-CN\""));
		assert_non_null(strstr(page.body, "class=\"error\" role=\"alert\""));
		assert_null(strstr(page.body, "'<b>"));
		assert_null(strstr(page.body, "\"'"));
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			snprintf(want, sizeof want, "value=\"&quot;&#039;&lt;b&gt;&amp;%s\"",
			         texts[i]);
			assert_non_null(strstr(page.body, want));
		}
		/* the choices as they were: one of each list, the type's radio, the box ticked */
		for (size_t i = 0; i < sizeof chosen / sizeof chosen[0]; i++) {
			tag_of(page.body, chosen[i].tag, tag, sizeof tag);
			if (chosen[i].on)
				assert_non_null(strstr(tag, chosen[i].attr));
			else
				assert_null(strstr(tag, chosen[i].attr));
		}
		for (t = page.body; (t = strstr(t, " selected>")) != NULL; t++)
			k++;
		assert_int_equal(k, 3);
		answer_free(&page);
	}
}

/* ---- the no-JS pieces: read once, reloaded on SIGHUP ------------------------ */

static const char *const piece_langs[] = {"zh-CN", "en"};

/*
 * Writes <web>/.nojs/<lang>.json for both languages: the build's pieces
 * (from build's web root, the server's default) with "<p>pieces-MARK-LANG</p>"
 * after the top of the report form and of the error page.
 */
static void
pieces_write(const char *build_web, const char *web, const char *mark)
{
	char path[4400], extra[128];

	snprintf(path, sizeof path, "%s/.nojs", web);
	mkdir(web, 0700);
	mkdir(path, 0700);
	for (size_t l = 0; l < 2; l++) {
		json_t *all, *pages[2];

		snprintf(path, sizeof path, "%s/.nojs/%s.json", build_web, piece_langs[l]);
		all = json_load_file(path, 0, NULL);
		assert_non_null(all);
		pages[0] = json_object_get(all, "report");
		pages[1] = json_object_get(all, "error");
		snprintf(extra, sizeof extra, "<p>pieces-%s-%s</p>", mark, piece_langs[l]);
		for (size_t i = 0; i < 2; i++) {
			const char *top = json_string_value(json_object_get(pages[i], "top"));
			size_t n;
			char *t;

			assert_non_null(top);
			n = strlen(top) + strlen(extra) + 1;
			t = malloc(n);
			assert_non_null(t);
			snprintf(t, n, "%s%s", top, extra);
			assert_int_equal(json_object_set_new(pages[i], "top", json_string(t)), 0);
			free(t);
		}
		snprintf(path, sizeof path, "%s/.nojs/%s.json", web, piece_langs[l]);
		assert_int_equal(json_dump_file(all, path, JSON_COMPACT), 0);
		json_decref(all);
	}
}

/* Replaces <web>/.nojs/<lang>.json by text. */
static void
pieces_put_raw(const char *web, const char *lang, const char *text)
{
	char path[4400];
	FILE *f;

	snprintf(path, sizeof path, "%s/.nojs/%s.json", web, lang);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Removes <web>/.nojs/<lang>.json of both languages. */
static void
pieces_remove(const char *web)
{
	char path[4400];

	for (size_t l = 0; l < 2; l++) {
		snprintf(path, sizeof path, "%s/.nojs/%s.json", web, piece_langs[l]);
		assert_int_equal(unlink(path), 0);
	}
}

/* Sends the server SIGHUP and runs its loop until the signal's callback has run. */
static void
send_sighup(struct fixture *fx)
{
	assert_int_equal(raise(SIGHUP), 0);
	for (int i = 0; i < 50; i++)
		event_base_loop(fx->s->base, EVLOOP_NONBLOCK);
}

/*
 * GETs the report form (lang "en" or zh-CN) and checks its code and, for a
 * 200, that it carries the marker of pieces_write's mark.
 */
static void
form_has(struct fixture *fx, const char *lang, int code, const char *mark)
{
	char want[128];
	struct answer a;

	exchange(fx, EVHTTP_REQ_GET,
	         strcmp(lang, "en") == 0 ? "/nojs/report?lang=en" : "/nojs/report", NULL, NULL, 0,
	         &a);
	assert_int_equal(a.code, code);
	if (mark != NULL) {
		snprintf(want, sizeof want, "<p>pieces-%s-%s</p>", mark, lang);
		assert_non_null(strstr(a.body, want));
	}
	answer_free(&a);
}

/*
 * The pieces come from memory: read at the start (a web root without them
 * answers 503 as before, until a reload finds them), still served after
 * the files are gone, replaced by a reload (SIGHUP) that reads every
 * language, and kept whole by one that cannot (a corrupt, a missing file).
 */
static void
test_nojs_pieces_reload(void **state)
{
	struct fixture *fx = *state;
	char build_web[4200], web[1000], path[4400], err[256];
	struct answer a;
	struct config c;

	snprintf(build_web, sizeof build_web, "%s", fx->s->web_root);
	assert_true(build_web[0] != '\0');
	snprintf(web, sizeof web, "%s/web", fx->dir);
	mkdir(web, 0700);
	server_free(fx->s);
	snprintf(path, sizeof path, "%s/config.json", fx->dir);
	assert_int_equal(config_load(&c, path, err, sizeof err), 0);
	snprintf(c.web_root, sizeof c.web_root, "%s", web);
	assert_int_equal(config_save(&c, path), 0);

	/* no pieces at the start: 503 "not installed", as before */
	assert_int_equal(server_start(&fx->s, fx->dir, "127.0.0.1:0", &route_handlers), 0);
	fx->port = server_port(fx->s);
	form_has(fx, "zh-CN", 503, NULL);
	/* installed later: a reload reads them */
	pieces_write(build_web, web, "v1");
	send_sighup(fx);
	form_has(fx, "zh-CN", 200, "v1");
	form_has(fx, "en", 200, "v1");

	/* a start reads them; then they are served from memory, the files gone */
	server_free(fx->s);
	assert_int_equal(server_start(&fx->s, fx->dir, "127.0.0.1:0", &route_handlers), 0);
	fx->port = server_port(fx->s);
	form_has(fx, "zh-CN", 200, "v1");
	pieces_remove(web);
	form_has(fx, "zh-CN", 200, "v1");
	form_has(fx, "en", 200, "v1");
	exchange(fx, EVHTTP_REQ_GET, "/nojs/once?AAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, 0, &a);
	assert_int_equal(a.code, 410); /* the error page, from memory too */
	assert_non_null(strstr(a.body, "<p>pieces-v1-zh-CN</p>"));
	answer_free(&a);

	/* a reload without them keeps them */
	send_sighup(fx);
	form_has(fx, "zh-CN", 200, "v1");

	/* new pieces: served after the reload, not before */
	pieces_write(build_web, web, "v2");
	form_has(fx, "zh-CN", 200, "v1");
	send_sighup(fx);
	form_has(fx, "zh-CN", 200, "v2");
	form_has(fx, "en", 200, "v2");

	/* one language corrupt: the reload keeps every language as it was */
	pieces_write(build_web, web, "v3");
	pieces_put_raw(web, "zh-CN", "{\"report\":{\"top\":");
	send_sighup(fx);
	form_has(fx, "zh-CN", 200, "v2");
	form_has(fx, "en", 200, "v2");
	/* valid JSON without the pages is refused too */
	pieces_put_raw(web, "zh-CN", "{\"errors\":{}}");
	send_sighup(fx);
	form_has(fx, "zh-CN", 200, "v2");
	/* fixed: the next reload takes them */
	pieces_write(build_web, web, "v3");
	send_sighup(fx);
	form_has(fx, "zh-CN", 200, "v3");
	form_has(fx, "en", 200, "v3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refusals_before_handlers, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_report_through_group_commit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_nojs_form_back_escaped, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_nojs_report_through_group_commit, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_nojs_pieces_reload, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
