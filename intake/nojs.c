/* nojs: see nojs.h. */
#include "intake/nojs.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/bind.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/fileio.h"
#include "crypto/manifest.h"
#include "crypto/pow.h"
#include "crypto/receipt.h"
#include "crypto/text.h"
#include "crypto/vocab.h"
#include "intake/commit.h"
#include "intake/http.h"
#include "intake/server.h"
#include "intake/spent.h"
#include "store/store.h"

#define PIECES_MAX (512u * 1024) /* of .nojs/<lang>.json */

/* The languages of the pages; the build writes .nojs/<lang>.json for each. */
enum lang { LANG_ZH, LANG_EN, LANG_COUNT };
static const char *const LANGS[LANG_COUNT] = {[LANG_ZH] = "zh-CN", [LANG_EN] = "en"};

/* The pages every pieces file must have (a reload refuses a file without one). */
static const char *const PAGES[] = {"report", "receipt", "status", "error"};

/*
 * The build's pieces, parsed: one JSON object per language (NULL when it was
 * not installed at the start). Read at the start and on reload, never per
 * request; replaced whole by a reload that read every language.
 */
struct nojs_pieces {
	json_t *lang[LANG_COUNT];
};

/* A district's no-JS counters for one day. */
struct nojs_count {
	char id[CODEC_DISTRICT_BUF];
	char day[CODEC_DAY_LEN + 1];
	unsigned total, quick; /* reports stored today; those from quick forms */
	double bucket;         /* quick reports it may take now */
	uint64_t refilled;     /* when the bucket was last topped up (unix seconds) */
};

/* A rendered answer to a post, waiting to be fetched once (GET /nojs/once/ID). */
struct nojs_once {
	uint8_t id[NOJS_ONCE_ID_BYTES];
	char *page; /* sodium_malloc'd, padded; NULL when the slot is free */
	size_t len;
	int code;
	time_t expires;
};

struct nojs_state {
	uint8_t key[POW_KEY_BYTES]; /* MAC key of the form tokens, new at every start */
	struct spent *used;         /* tokens of stored reports */
	struct nojs_count counts[CONFIG_MAX_DISTRICTS];
	struct nojs_once once[NOJS_ONCE_MAX];
	size_t once_bytes;         /* of the pages held */
	struct nojs_pieces pieces; /* the build's pieces (loop thread only) */
};

/* ---- the form's fields -------------------------------------------------- */

enum field {
	F_LANG,
	F_DISTRICT,
	F_TYPE,
	F_CATEGORY,
	F_SUBCATEGORY,
	F_TOWN,
	F_TITLE,
	F_BODY,
	F_WHEN,
	F_WHERE,
	F_SUBJECT_NAME,
	F_SUBJECT_UNIT,
	F_SUBJECT_AREA,
	F_SUBJECT_POSITION,
	F_SUBJECT_LEVEL,
	F_SUBJECT_PARTY,
	F_REAL_NAME,
	F_ID_NAME,
	F_ID_PHONE,
	F_ID_NUMBER,
	F_ID_UNIT,
	F_ID_ADDRESS,
	F_RECEIPT,
	F_TOKEN,
	F_KEEP, /* routing (§14): keep the chosen district for a county-level cadre */
	F_COUNT
};

/* Field names as the form sends them, and the default shown when absent. */
static const struct {
	const char *name;
	const char *def;
} FIELDS[F_COUNT] = {
        [F_LANG] = {"lang", "zh-CN"},
        [F_DISTRICT] = {"district", ""},
        [F_TYPE] = {"type", "accusation"},
        [F_CATEGORY] = {"category", "other"},
        [F_SUBCATEGORY] = {"subcategory", ""},
        [F_TOWN] = {"town", ""},
        [F_TITLE] = {"title", ""},
        [F_BODY] = {"body", ""},
        [F_WHEN] = {"when", ""},
        [F_WHERE] = {"where", ""},
        [F_SUBJECT_NAME] = {"subject_name", ""},
        [F_SUBJECT_UNIT] = {"subject_unit", ""},
        [F_SUBJECT_AREA] = {"subject_area", ""},
        [F_SUBJECT_POSITION] = {"subject_position", ""},
        [F_SUBJECT_LEVEL] = {"subject_level", "unknown"},
        [F_SUBJECT_PARTY] = {"subject_party", "unknown"},
        [F_REAL_NAME] = {"real_name", ""},
        [F_ID_NAME] = {"id_name", ""},
        [F_ID_PHONE] = {"id_phone", ""},
        [F_ID_NUMBER] = {"id_number", ""},
        [F_ID_UNIT] = {"id_unit", ""},
        [F_ID_ADDRESS] = {"id_address", ""},
        [F_RECEIPT] = {"receipt", ""},
        [F_TOKEN] = {"form_token", ""},
        [F_KEEP] = {"keep_district", ""},
};

/* Decoded values (malloc'd by evhttp_uridecode, wiped before free). */
struct form {
	char *v[F_COUNT];
	size_t len[F_COUNT];
};

static void
form_wipe(struct form *f)
{
	for (int i = 0; i < F_COUNT; i++) {
		if (f->v[i] != NULL) {
			sodium_memzero(f->v[i], f->len[i]);
			free(f->v[i]);
		}
		f->v[i] = NULL;
		f->len[i] = 0;
	}
}

static const char *
fv(const struct form *f, enum field i)
{
	return f->v[i] != NULL ? f->v[i] : FIELDS[i].def;
}

/* "en" or "zh-CN": the language of the answer. */
static const char *
form_lang(const struct form *f)
{
	return strcmp(fv(f, F_LANG), "en") == 0 ? "en" : "zh-CN";
}

/* ---- reading the request body, and wiping it ---------------------------- */

/*
 * Zeroes every byte b holds, then drops them (a request body, or a page
 * rendered into b: appending never copies what b already holds).
 */
static void
wipe_buffer(struct evbuffer *in)
{
	int n = evbuffer_peek(in, -1, NULL, NULL, 0);

	if (n > 0) {
		struct evbuffer_iovec *v = calloc((size_t)n, sizeof *v);

		if (v != NULL) {
			n = evbuffer_peek(in, -1, NULL, v, n);
			for (int i = 0; i < n; i++)
				sodium_memzero(v[i].iov_base, v[i].iov_len);
			free(v);
		}
	}
	evbuffer_drain(in, evbuffer_get_length(in));
}

static int
is_form_type(const char *ct)
{
	const char *want = "application/x-www-form-urlencoded";
	size_t n = strlen(want);

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static enum field
field_index(const char *name, size_t len)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strlen(FIELDS[i].name) == len && memcmp(FIELDS[i].name, name, len) == 0)
			return (enum field)i;
	return F_COUNT;
}

/* Replaces every CR LF by LF in place (browsers send CR LF from textareas). */
static void
unix_newlines(char *s, size_t *len)
{
	size_t o = 0;

	for (size_t i = 0; i < *len; i++) {
		if (s[i] == '\r' && i + 1 < *len && s[i + 1] == '\n')
			continue;
		s[o++] = s[i];
	}
	if (o < *len)
		sodium_memzero(s + o, *len - o);
	s[o] = '\0';
	*len = o;
}

/* True for the fields whose values the form pads with trailing spaces. */
static int
is_choice(enum field i)
{
	return i == F_DISTRICT || i == F_TYPE || i == F_CATEGORY || i == F_SUBJECT_LEVEL ||
	       i == F_SUBJECT_PARTY;
}

/*
 * Reads the urlencoded body into f (only names of allowed, each at most
 * once). Returns NULL, or the error code to answer ("unsupported_media_type",
 * "too_large", "bad_field", "overloaded"). The body is wiped in any case.
 */
static const char *
form_read(struct evhttp_request *req, struct form *f, const unsigned *allowed, size_t nallowed)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t n = evbuffer_get_length(in);
	const char *err = NULL;
	char *buf, *p;

	memset(f, 0, sizeof *f);
	if (!is_form_type(ct)) {
		wipe_buffer(in);
		return "unsupported_media_type";
	}
	if (n > NOJS_MAX_BODY) {
		wipe_buffer(in);
		return "too_large";
	}
	buf = sodium_malloc(n + 1);
	if (buf == NULL) {
		wipe_buffer(in);
		return "overloaded";
	}
	if (evbuffer_copyout(in, buf, n) != (ev_ssize_t)n) {
		sodium_free(buf);
		wipe_buffer(in);
		return "overloaded";
	}
	buf[n] = '\0';
	wipe_buffer(in);
	if (strlen(buf) != n)
		err = "bad_field"; /* a raw NUL */
	for (p = buf; err == NULL && *p != '\0';) {
		char *amp = strchr(p, '&');
		char *end = amp ? amp : p + strlen(p);
		char *eq = memchr(p, '=', (size_t)(end - p));
		enum field i;
		int ok = 0;
		size_t dlen = 0;
		char *val;

		if (end == p) { /* "a=1&&b=2" */
			p = end + 1;
			continue;
		}
		if (eq == NULL) {
			err = "bad_field";
			break;
		}
		i = field_index(p, (size_t)(eq - p));
		for (size_t k = 0; k < nallowed; k++)
			ok |= allowed[k] == (unsigned)i;
		if (i == F_COUNT || !ok || f->v[i] != NULL) {
			err = "bad_field";
			break;
		}
		*end = '\0';
		val = evhttp_uridecode(eq + 1, 1, &dlen);
		if (val == NULL) {
			err = "overloaded";
			break;
		}
		f->v[i] = val;
		f->len[i] = dlen;
		if (strlen(val) != dlen) { /* %00 */
			err = "bad_field";
			break;
		}
		unix_newlines(val, &f->len[i]);
		if (is_choice(i)) /* the form pads choices to one length (web/build.mjs) */
			while (f->len[i] > 0 && val[f->len[i] - 1] == ' ')
				val[--f->len[i]] = '\0';
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	sodium_free(buf); /* wipes */
	if (err != NULL)
		form_wipe(f);
	return err;
}

/* ---- output: an evbuffer, values escaped by libevent ----------------------- */

/*
 * Appends s[0..n) HTML-escaped by libevent (evhttp_htmlescape, which stops
 * at a NUL) to b, wiping the copies made on the way. Returns 0 or -1.
 */
static int
add_escaped(struct evbuffer *b, const char *s, size_t n)
{
	char *z = malloc(n + 1), *e = NULL;
	int rc = -1;

	if (z != NULL) {
		memcpy(z, s, n);
		z[n] = '\0';
		e = evhttp_htmlescape(z);
		sodium_memzero(z, n);
		free(z);
	}
	if (e != NULL) {
		n = strlen(e);
		rc = evbuffer_add(b, e, n);
		sodium_memzero(e, n);
		free(e);
	}
	return rc;
}

/* ---- pages: the build's pieces, put together ------------------------------ */

/*
 * web/build.mjs writes each no-JS answer cut into named pieces of HTML to
 * <web root>/.nojs/<lang>.json (docs/web.md). A page here is a plain list of
 * page_put calls: which pieces, in which order, is C (an if, a loop). A
 * piece's holes {%name%} are filled with values that are always HTML-escaped.
 */

/* A hole of a piece and the value that fills it (len bytes, escaped). */
struct hole {
	const char *name;
	const char *value;
	size_t len;
};

/* An answer being written: what the build wrote for its language, its buffer. */
struct page {
	const json_t *all;    /* the pieces of its language (nojs_state: not the page's) */
	const json_t *pieces; /* this page's: name -> HTML with holes */
	struct evbuffer *b;
	int failed; /* a piece or a hole missing, or memory: the answer is 503 */
};

/*
 * Reads and parses <web root>/.nojs/<lang>.json (a regular file, no symlink,
 * at most PIECES_MAX bytes): a JSON object with an object for each of PAGES.
 * Returns it (the caller's reference), or NULL with why[0..n) saying what
 * is wrong (the path, and the error or what is missing).
 */
static json_t *
pieces_read(const struct server *s, const char *lang, char *why, size_t n)
{
	char path[PATH_MAX + 64];
	char *text = NULL;
	size_t len = 0;
	json_error_t e;
	json_t *all;

	if (s->web_root[0] == '\0') {
		snprintf(why, n, "no web root");
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/.nojs/%s.json", s->web_root, lang) >=
	    sizeof path) {
		snprintf(why, n, "the web root's path is too long");
		return NULL;
	}
	if (fileio_read_small(path, PIECES_MAX, FILEIO_NOFOLLOW, &text, &len) != 0) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		return NULL;
	}
	all = json_loadb(text, len, 0, &e);
	free(text);
	if (all == NULL) {
		snprintf(why, n, "%s: line %d: %s", path, e.line, e.text);
		return NULL;
	}
	for (size_t i = 0; i < sizeof PAGES / sizeof PAGES[0]; i++)
		if (!json_is_object(json_object_get(all, PAGES[i]))) {
			snprintf(why, n, "%s: no page \"%s\"", path, PAGES[i]);
			json_decref(all);
			return NULL;
		}
	return all;
}

/* Drops every language of p. Cannot fail. */
static void
pieces_free(struct nojs_pieces *p)
{
	for (size_t i = 0; i < LANG_COUNT; i++) {
		json_decref(p->lang[i]);
		p->lang[i] = NULL;
	}
}

/*
 * Opens page name in lang ("en", else zh-CN) from the pieces read at the
 * start or the last reload (the page borrows them: it is written and sent
 * within one callback of the loop, which alone reloads them). Returns 0, or
 * -1 when they are not installed or memory runs out (nothing to free then).
 */
static int
page_open(struct page *p, const struct server *s, const char *lang, const char *name)
{
	memset(p, 0, sizeof *p);
	if (s->nojs == NULL)
		return -1;
	p->all = s->nojs->pieces.lang[strcmp(lang, "en") == 0 ? LANG_EN : LANG_ZH];
	p->pieces = json_object_get(p->all, name);
	if (!json_is_object(p->pieces) || (p->b = evbuffer_new()) == NULL)
		return -1;
	return 0;
}

/* Frees what page_open took, wiping the buffer (it may hold what was typed). */
static void
page_close(struct page *p)
{
	wipe_buffer(p->b);
	evbuffer_free(p->b);
	memset(p, 0, sizeof *p);
}

/* Appends s[0..n) to the page; when memory runs out the page is failed. */
static void
page_add(struct page *p, const char *s, size_t n)
{
	if (n > 0 && evbuffer_add(p->b, s, n) != 0)
		p->failed = 1;
}

/*
 * Appends piece name of the page, each hole filled with the escaped value of
 * the hole of that name in h[0..nh). A missing piece or hole fails the page.
 */
static void
page_put(struct page *p, const char *name, const struct hole *h, size_t nh)
{
	const char *t = json_string_value(json_object_get(p->pieces, name));

	if (t == NULL) {
		p->failed = 1;
		return;
	}
	for (;;) {
		const char *a = strstr(t, "{%"), *z = a ? strstr(a + 2, "%}") : NULL;
		const struct hole *v = NULL;

		if (a == NULL) {
			page_add(p, t, strlen(t));
			return;
		}
		page_add(p, t, (size_t)(a - t));
		for (size_t i = 0; z != NULL && i < nh; i++)
			if (strlen(h[i].name) == (size_t)(z - a - 2) &&
			    memcmp(h[i].name, a + 2, (size_t)(z - a - 2)) == 0)
				v = &h[i];
		if (v == NULL || add_escaped(p->b, v->value, v->len) != 0) {
			p->failed = 1; /* an unknown or unterminated hole, or memory */
			return;
		}
		t = z + 2;
	}
}

/* Appends entry key of the build's table (errors, statuses): nothing when it has none. */
static void
page_put_entry(struct page *p, const char *table, const char *key)
{
	const json_t *e = json_object_get(json_object_get(p->all, table), key);

	if (json_is_string(e))
		page_add(p, json_string_value(e), json_string_length(e));
}

/* Appends the options of choice field, the one whose value is chosen selected. */
static void
page_put_choices(struct page *p, const char *field, const char *chosen)
{
	const json_t *list = json_object_get(json_object_get(p->all, "choices"), field), *o;
	size_t i;

	if (!json_is_array(list))
		p->failed = 1;
	json_array_foreach(list, i, o)
	{
		const char *v = json_string_value(json_object_get(o, "value"));
		const json_t *html =
		        json_object_get(o, v != NULL && strcmp(v, chosen) == 0 ? "on" : "off");

		if (!json_is_string(html))
			p->failed = 1;
		else
			page_add(p, json_string_value(html), json_string_length(html));
	}
}

static void
free_page(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	sodium_free((void *)(uintptr_t)data); /* wipes the page as it goes */
}

size_t
nojs_padded_len(size_t len)
{
	return (size_t)envelope_padme(len < NOJS_PAD_MIN ? NOJS_PAD_MIN : len);
}

/* Sends page (len bytes, sodium_malloc'd: freed, wiped, once sent) with code. */
static void
send_html(struct evhttp_request *req, int code, char *page, size_t len)
{
	struct evbuffer *out = evbuffer_new();

	if (out == NULL || evbuffer_add_reference(out, page, len, free_page, NULL) != 0) {
		if (out != NULL)
			evbuffer_free(out);
		sodium_free(page);
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	http_reply_body(req, code, "text/html; charset=utf-8", out);
}

/* Frees one-time slot o (wiping its page). */
static void
once_drop(struct nojs_state *n, struct nojs_once *o)
{
	if (o->page == NULL)
		return;
	n->once_bytes -= o->len;
	sodium_free(o->page);
	memset(o, 0, sizeof *o);
}

void
nojs_sweep(struct server *s)
{
	time_t now = time(NULL);

	if (s->nojs == NULL)
		return;
	for (size_t i = 0; i < NOJS_ONCE_MAX; i++)
		if (s->nojs->once[i].page != NULL && s->nojs->once[i].expires <= now)
			once_drop(s->nojs, &s->nojs->once[i]);
}

/*
 * Keeps page (len bytes, sodium_malloc'd; taken in any case) as a one-time
 * page and answers 303 to it. When the table is full the page that expires
 * first goes. Exactly one answer.
 */
static void
send_once(struct server *s, struct evhttp_request *req, int code, char *page, size_t len)
{
	struct nojs_state *n = s->nojs;
	struct nojs_once *slot = NULL;
	char id[CODEC_B64U_BUF(NOJS_ONCE_ID_BYTES)], loc[sizeof id + 8];

	if (n == NULL || len > NOJS_ONCE_BYTES) {
		sodium_free(page);
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	nojs_sweep(s);
	for (;;) {
		struct nojs_once *oldest = NULL, *receipt = NULL;

		slot = NULL;
		for (size_t i = 0; i < NOJS_ONCE_MAX; i++) {
			struct nojs_once *o = &n->once[i];
			struct nojs_once **best = o->code == 201 ? &receipt : &oldest;

			if (o->page == NULL && slot == NULL)
				slot = o;
			if (o->page != NULL && (*best == NULL || o->expires < (*best)->expires))
				*best = o;
		}
		if (slot != NULL && n->once_bytes + len <= NOJS_ONCE_BYTES)
			break;
		/* the table holds something: one of them is not NULL */
		once_drop(n, oldest != NULL ? oldest : receipt);
	}
	randombytes_buf(slot->id, sizeof slot->id);
	slot->page = page;
	slot->len = len;
	slot->code = code;
	slot->expires = time(NULL) + NOJS_ONCE_SECONDS;
	n->once_bytes += len;
	codec_b64u_encode(id, sizeof id, slot->id, sizeof slot->id);
	snprintf(loc, sizeof loc, "once?%s", id);
	http_headers(req, HTTP_CSP_BASE);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
	evhttp_send_reply(req, 303, "See Other", NULL);
}

/*
 * Sends page p (closed in any case) with code: a GET directly; a POST's
 * answer padded (nojs_padded_len) as a one-time page, with a 303 to it.
 * Exactly one answer.
 */
static void
page_send(struct server *s, struct evhttp_request *req, int code, struct page *p)
{
	size_t len = evbuffer_get_length(p->b), padded;
	char *page = NULL;
	int post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;

	padded = post || code == 410 ? nojs_padded_len(len) : len;
	if (!p->failed && (page = sodium_malloc(padded > 0 ? padded : 1)) != NULL) {
		evbuffer_copyout(p->b, page, len);
		memset(page + len, ' ', padded - len);
		if (padded > len)
			page[padded - 1] = '\n';
	}
	page_close(p);
	if (page == NULL)
		http_reply_error(req, 503, "overloaded", "try again later");
	else if (post)
		send_once(s, req, code, page, padded);
	else
		send_html(req, code, page, padded);
}

/* Answers 503: the build's pieces are not there. Exactly one answer. */
static void
send_not_installed(struct evhttp_request *req)
{
	http_reply_error(req, 503, "overloaded", "the no-JavaScript pages are not installed");
}

/* Sends the error page of code error in lang with HTTP code. Exactly one answer. */
static void
send_error_page(struct server *s, struct evhttp_request *req, int code, const char *lang,
                const char *error)
{
	struct page p;

	if (page_open(&p, s, lang, "error") != 0) {
		send_not_installed(req);
		return;
	}
	page_put(&p, "top", NULL, 0);
	page_put_entry(&p, "errors", error);
	page_put(&p, "rest", NULL, 0);
	page_send(s, req, code, &p);
}

/* ---- the report form --------------------------------------------------- */

static void token_for(struct server *s, const struct form *f, char out[CODEC_B64U_BUF(40)]);

/* The hole name of a check box's state: " checked" when field i was sent as "1". Cannot fail. */
static struct hole
box_hole(const char *name, const struct form *f, enum field i)
{
	const char *v = f->v[i] != NULL && strcmp(f->v[i], "1") == 0 ? " checked" : "";

	return (struct hole){name, v, strlen(v)};
}

/*
 * Sends the form, filled in with f's values (or the defaults) and, when
 * error is not NULL, the reason it came back. Exactly one answer (503 when
 * the pieces are missing or memory runs out).
 */
static void
send_form(struct server *s, struct evhttp_request *req, int code, const struct form *f,
          const char *error)
{
	char token[CODEC_B64U_BUF(40)];
	struct hole h[F_COUNT + 2];
	struct page p;
	char(*ids)[CODEC_DISTRICT_BUF] = NULL;
	size_t nh = 0, n = s->cfg.ndistricts, idmax = 0;
	int routes = 0;

	for (int i = 0; i < F_COUNT; i++) {
		h[nh].name = FIELDS[i].name;
		h[nh].value = fv(f, (enum field)i);
		h[nh].len = f->v[i] != NULL ? f->len[i] : strlen(FIELDS[i].def);
		if (i == F_TOKEN) { /* the form's token: kept while it is good, else a new one */
			token_for(s, f, token);
			h[nh].value = token;
			h[nh].len = strlen(token);
		}
		nh++;
	}
	h[nh++] = box_hole("real_name_checked", f, F_REAL_NAME);
	h[nh++] = box_hole("keep_district_checked", f, F_KEEP);
	/* §14: some district has a commission above it, so routing can happen */
	for (size_t i = 0; i < n; i++)
		if (s->cfg.tiers[i].parent[0] != '\0')
			routes = 1;
	if (n > 0 && (ids = calloc(n, sizeof *ids)) == NULL) {
		http_reply_error(req, 503, "overloaded", "try again later");
		return;
	}
	if (page_open(&p, s, form_lang(f), "report") != 0) {
		free(ids);
		send_not_installed(req);
		return;
	}
	/* every id posts the same number of bytes: padded with spaces, trimmed on reading */
	for (size_t i = 0; i < n; i++)
		if (strlen(s->cfg.districts[i].id) > idmax)
			idmax = strlen(s->cfg.districts[i].id);
	for (size_t i = 0; i < n; i++) {
		memset(ids[i], ' ', idmax);
		memcpy(ids[i], s->cfg.districts[i].id, strlen(s->cfg.districts[i].id));
	}
	page_put(&p, "top", h, nh);
	if (error != NULL) {
		page_put(&p, "error", h, nh);
		page_put_entry(&p, "errors", error);
		page_put(&p, "error_end", h, nh);
	}
	page_put(&p, "form", h, nh);
	if (n > 1)
		page_put(&p, "districts", h, nh);
	for (size_t i = 0; i < n; i++) {
		const struct keyfile_public *d = &s->cfg.districts[i];
		const char *sel = strcmp(d->id, fv(f, F_DISTRICT)) == 0 ? " selected" : "";
		struct hole r[] = {{"id", ids[i], idmax},
		                   {"name", d->name, strlen(d->name)},
		                   {"selected", sel, strlen(sel)}};

		page_put(&p, n == 1 ? "one_district" : "district", r, 3);
	}
	if (n == 0)
		page_put(&p, "no_district", h, nh);
	if (n > 1)
		page_put(&p, "districts_end", h, nh);
	page_put(&p, "fingerprints", h, nh);
	for (size_t i = 0; i < n; i++) {
		const struct keyfile_public *d = &s->cfg.districts[i];
		struct hole r[] = {{"id", ids[i], idmax},
		                   {"name", d->name, strlen(d->name)},
		                   {"fingerprint", d->fingerprint, strlen(d->fingerprint)}};

		page_put(&p, "fingerprint", r, 3);
	}
	page_put(&p, "type", h, nh);
	page_put_choices(&p, "type", fv(f, F_TYPE));
	page_put(&p, "category", h, nh);
	page_put_choices(&p, "category", fv(f, F_CATEGORY));
	page_put(&p, "level", h, nh);
	page_put_choices(&p, "subject_level", fv(f, F_SUBJECT_LEVEL));
	page_put(&p, "party", h, nh);
	page_put_choices(&p, "subject_party", fv(f, F_SUBJECT_PARTY));
	page_put(&p, "party_end", h, nh);
	if (routes)
		page_put(&p, "routes", h, nh);
	page_put(&p, "matter", h, nh);
	page_send(s, req, code, &p);
	free(ids);
}

/* ---- sealing a report ---------------------------------------------------- */

/* True when every field is UTF-8 Jansson accepts (crypto/text). */
static int
form_utf8(const struct form *f)
{
	for (int i = 0; i < F_COUNT; i++)
		if (f->v[i] != NULL && !text_utf8_valid(f->v[i], f->len[i], TEXT_NUL_OK))
			return 0;
	return 1;
}

/* True when s[0..n) is more than white space. */
static int
has_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 1;
	return 0;
}

/* Checks the report's fields. Returns NULL, or the error code for the page. */
static const char *
report_check(const struct server *s, const struct form *f)
{
	const char *lang = fv(f, F_LANG);

	if (strcmp(lang, "zh-CN") != 0 && strcmp(lang, "en") != 0)
		return "bad_field";
	if (!codec_district_valid(fv(f, F_DISTRICT)) ||
	    config_district(&s->cfg, fv(f, F_DISTRICT)) == NULL)
		return "unknown_district";
	if (!vocab_has(VOCAB_TYPE, fv(f, F_TYPE)) ||
	    !vocab_has(VOCAB_CATEGORY, fv(f, F_CATEGORY)) ||
	    !vocab_has(VOCAB_LEVEL, fv(f, F_SUBJECT_LEVEL)) ||
	    !vocab_has(VOCAB_PARTY, fv(f, F_SUBJECT_PARTY)))
		return "bad_field";
	if (f->v[F_REAL_NAME] != NULL && strcmp(f->v[F_REAL_NAME], "1") != 0)
		return "bad_field";
	for (int i = 0; i < F_COUNT; i++) {
		size_t max = i == F_BODY    ? NOJS_BODY_MAX_BYTES
		             : i == F_TITLE ? NOJS_TITLE_MAX_BYTES
		                            : NOJS_FIELD_MAX_BYTES;

		if (f->len[i] > max)
			return "too_large";
	}
	if (!form_utf8(f))
		return "bad_field";
	if (f->v[F_TITLE] == NULL || !has_text(f->v[F_TITLE], f->len[F_TITLE]))
		return "title";
	if (f->v[F_BODY] == NULL || !has_text(f->v[F_BODY], f->len[F_BODY]))
		return "body";
	if (f->v[F_REAL_NAME] != NULL &&
	    (f->v[F_ID_NAME] == NULL || !has_text(f->v[F_ID_NAME], f->len[F_ID_NAME])))
		return "real_name";
	return NULL;
}

/*
 * The §6 report manifest of f for district (the recipient), built by
 * crypto/manifest as the reporter CLI's is (attachments always []), bound to
 * the receipt keys k (its "bind") and, when routed (§14), naming the
 * district it concerns, as text in a new sodium_malloc'd buffer. Returns
 * NULL when memory runs out or the manifest would be too large.
 */
static char *
report_manifest(const struct form *f, const struct receipt_keys *k, const char *district,
                const char *concerns, size_t *mlen)
{
	struct manifest_report r;
	char *text = NULL;
	json_t *m;

	manifest_report_defaults(&r);
	r.district = district;
	r.lang = fv(f, F_LANG);
	r.type = fv(f, F_TYPE);
	r.category = fv(f, F_CATEGORY);
	r.subcategory = fv(f, F_SUBCATEGORY);
	r.town = fv(f, F_TOWN);
	r.title = fv(f, F_TITLE);
	r.body = fv(f, F_BODY);
	r.body_len = f->len[F_BODY];
	r.when = fv(f, F_WHEN);
	r.where = fv(f, F_WHERE);
	r.subject.name = fv(f, F_SUBJECT_NAME);
	r.subject.unit = fv(f, F_SUBJECT_UNIT);
	r.subject.area = fv(f, F_SUBJECT_AREA);
	r.subject.position = fv(f, F_SUBJECT_POSITION);
	r.subject.level = fv(f, F_SUBJECT_LEVEL);
	r.subject.party_member = fv(f, F_SUBJECT_PARTY);
	r.real_name = f->v[F_REAL_NAME] != NULL;
	r.identity.name = fv(f, F_ID_NAME);
	r.identity.phone = fv(f, F_ID_PHONE);
	r.identity.id_number = fv(f, F_ID_NUMBER);
	r.identity.unit = fv(f, F_ID_UNIT);
	r.identity.address = fv(f, F_ID_ADDRESS);
	r.concerns = concerns;
	m = manifest_report_build(&r, NULL, 0); /* NULL only on memory: every field was checked */
	if (m != NULL && bind_report_put(m, k) == BIND_OK && manifest_text(&text, mlen, m) == 0 &&
	    *mlen > ENVELOPE_MANIFEST_MAX) {
		manifest_text_free(text);
		text = NULL;
	}
	manifest_free(m);
	return text;
}

/* ---- the no-JS limits ----------------------------------------------------- */

int
nojs_init(struct server *s)
{
	s->nojs = calloc(1, sizeof *s->nojs);
	if (s->nojs == NULL)
		return -1;
	randombytes_buf(s->nojs->key, sizeof s->nojs->key);
	s->nojs->used = spent_new(65536, NOJS_TOKEN_TTL);
	if (s->nojs->used == NULL) {
		nojs_free(s);
		return -1;
	}
	/* a language not installed now answers 503 until a reload reads it */
	for (size_t i = 0; i < LANG_COUNT; i++) {
		char why[PATH_MAX + 256];

		s->nojs->pieces.lang[i] = pieces_read(s, LANGS[i], why, sizeof why);
	}
	return 0;
}

void
nojs_reload(struct server *s)
{
	struct nojs_pieces next = {{NULL}};
	char why[PATH_MAX + 256];

	if (s->nojs == NULL || s->web_root[0] == '\0')
		return; /* no web root, no pages: nothing to read */
	for (size_t i = 0; i < LANG_COUNT; i++) {
		next.lang[i] = pieces_read(s, LANGS[i], why, sizeof why);
		if (next.lang[i] == NULL) {
			fprintf(stderr,
			        "qingfeng-intake: reload refused, keeping the previous no-JS "
			        "pages: %s\n",
			        why);
			pieces_free(&next);
			return;
		}
	}
	pieces_free(&s->nojs->pieces);
	s->nojs->pieces = next;
	fprintf(stderr, "qingfeng-intake: reloaded the no-JS pages\n");
}

void
nojs_free(struct server *s)
{
	if (s->nojs == NULL)
		return;
	for (size_t i = 0; i < NOJS_ONCE_MAX; i++)
		if (s->nojs->once[i].page != NULL)
			sodium_free(s->nojs->once[i].page); /* wipes */
	spent_free(s->nojs->used);
	pieces_free(&s->nojs->pieces);
	sodium_memzero(s->nojs, sizeof *s->nojs);
	free(s->nojs);
	s->nojs = NULL;
}

/*
 * A form token is a proof-of-work challenge of the token key whose "expiry"
 * is the time it was issued plus NOJS_TOKEN_TTL: random, dated, MAC'd.
 * Returns its age in seconds, or -1 when it is not a good token.
 */
static long long
token_age(const struct server *s, const char *text, uint8_t ch[POW_CHALLENGE_BYTES])
{
	uint64_t now = (uint64_t)time(NULL), issued;

	if (s->nojs == NULL || text == NULL ||
	    codec_b64u_decode_exact(ch, POW_CHALLENGE_BYTES, text) != 0 ||
	    pow_challenge_check(ch, s->nojs->key, now) != POW_OK)
		return -1;
	issued = pow_challenge_expiry(ch) - NOJS_TOKEN_TTL;
	return issued > now ? -1 : (long long)(now - issued);
}

/* The token a form page carries: f's own while it is good, else a new one. */
static void
token_for(struct server *s, const struct form *f, char out[CODEC_B64U_BUF(40)])
{
	uint8_t ch[POW_CHALLENGE_BYTES];

	if (f->v[F_TOKEN] != NULL && token_age(s, f->v[F_TOKEN], ch) >= 0) {
		codec_b64u_encode(out, CODEC_B64U_BUF(40), ch, sizeof ch);
		return;
	}
	out[0] = '\0';
	if (s->nojs == NULL)
		return;
	pow_challenge_make(ch, s->nojs->key, (uint64_t)time(NULL) + NOJS_TOKEN_TTL);
	codec_b64u_encode(out, CODEC_B64U_BUF(40), ch, sizeof ch);
}

/* District id's counters for today (a new day starts them again). */
static struct nojs_count *
count_of(struct server *s, const char *id)
{
	char today[CODEC_DAY_LEN + 1];
	struct nojs_count *free_slot = NULL;

	server_today(&s->cfg, today);
	for (size_t i = 0; i < CONFIG_MAX_DISTRICTS; i++) {
		struct nojs_count *c = &s->nojs->counts[i];

		if (c->id[0] == '\0' || strcmp(c->day, today) != 0) {
			if (free_slot == NULL || (free_slot->id[0] != '\0' && c->id[0] == '\0'))
				free_slot = c;
			if (c->id[0] == '\0' || strcmp(c->id, id) != 0)
				continue;
		}
		if (strcmp(c->id, id) == 0) {
			if (strcmp(c->day, today) == 0)
				return c;
			free_slot = c; /* yesterday's: start again */
			break;
		}
	}
	if (free_slot == NULL)
		return NULL;
	memset(free_slot, 0, sizeof *free_slot);
	snprintf(free_slot->id, sizeof free_slot->id, "%s", id);
	memcpy(free_slot->day, today, sizeof today);
	free_slot->bucket = NOJS_BURST;
	free_slot->refilled = (uint64_t)time(NULL);
	return free_slot;
}

/*
 * Checks a report's form token and the district's limits. Returns NULL
 * with the token to spend in ch and *quick set when it may be stored, or the
 * error code for the page: form_expired (no good token: a new form comes
 * back), too_fast (sent sooner than nojs_min_seconds after the form),
 * rate_limited (a quick form while the bucket or the quick half of the
 * quota is used up: sending again later, or after writing longer, works),
 * nojs_quota (the district's no-JS reports for today are used up).
 */
static const char *
nojs_admit(struct server *s, const struct form *f, const char *district,
           uint8_t ch[POW_CHALLENGE_BYTES], int *quick)
{
	long long age = token_age(s, f->v[F_TOKEN], ch);
	uint64_t now = (uint64_t)time(NULL);
	unsigned per_day = s->cfg.nojs_per_day;
	struct nojs_count *c;

	if (age < 0)
		return "form_expired";
	if (age < (long long)s->cfg.nojs_min_seconds)
		return "too_fast";
	c = count_of(s, district);
	if (c == NULL)
		return "overloaded";
	if (c->total >= per_day)
		return "nojs_quota";
	*quick = age < (long long)s->cfg.nojs_patient_seconds;
	if (!*quick)
		return spent_add(s->nojs->used, ch) == SPENT_OK ? NULL : "form_expired";
	/* quick forms: half the day's quota at most, spread by a bucket over the day */
	if (per_day > 0)
		c->bucket += (double)(now - c->refilled) * ((double)per_day / 2) / 86400.0;
	c->refilled = now;
	if (c->bucket > NOJS_BURST)
		c->bucket = NOJS_BURST;
	if (c->quick >= per_day / 2 || c->bucket < 1)
		return "rate_limited";
	return spent_add(s->nojs->used, ch) == SPENT_OK ? NULL : "form_expired";
}

/* Drops f's token, so that the form comes back with a new one. */
static void
drop_token(struct form *f)
{
	if (f->v[F_TOKEN] != NULL) {
		sodium_memzero(f->v[F_TOKEN], f->len[F_TOKEN]);
		free(f->v[F_TOKEN]);
		f->v[F_TOKEN] = NULL;
		f->len[F_TOKEN] = 0;
	}
}

/* Counts a stored report. */
static void
nojs_count(struct server *s, const char *district, int quick)
{
	struct nojs_count *c = count_of(s, district);

	if (c == NULL)
		return;
	c->total++;
	if (quick) {
		c->quick++;
		c->bucket -= 1;
	}
}

static int
code_for(const char *error)
{
	if (strcmp(error, "too_large") == 0)
		return 413;
	if (strcmp(error, "unsupported_media_type") == 0)
		return 415;
	if (strcmp(error, "rate_limited") == 0 || strcmp(error, "status_rate_limited") == 0 ||
	    strcmp(error, "too_fast") == 0 || strcmp(error, "nojs_quota") == 0)
		return 429;
	if (strcmp(error, "not_found") == 0)
		return 404;
	if (strcmp(error, "storage_full") == 0 || strcmp(error, "overloaded") == 0)
		return 503;
	return 400;
}

static const char *
store_error_code(int rc)
{
	switch (rc) {
	case STORE_ERR_FULL:
	case STORE_ERR_QUOTA:
		return "storage_full";
	case STORE_ERR_DISTRICT:
		return "unknown_district";
	default:
		return "overloaded";
	}
}

/*
 * Routing (§14), the same rule as the page and the CLI: a report about a
 * county-level cadre of a district with a commission above it goes to that
 * commission, unless the reporter ticked keep_district. Returns the
 * recipient (the district checked by report_check, or its parent) and sets
 * *concerns to the chosen district when routed, else NULL. Cannot fail.
 */
static const struct keyfile_public *
route(const struct server *s, const struct form *f, const char **concerns)
{
	const struct keyfile_public *d = config_district(&s->cfg, fv(f, F_DISTRICT));
	const struct config_tier *t = config_tier(&s->cfg, d->id);
	const struct keyfile_public *p;

	*concerns = NULL;
	if (t == NULL || t->parent[0] == '\0' || strcmp(fv(f, F_SUBJECT_LEVEL), "county") != 0 ||
	    f->v[F_KEEP] != NULL)
		return d;
	p = config_district(&s->cfg, t->parent);
	if (p == NULL)
		return d; /* config_tree_check keeps this from happening */
	*concerns = d->id;
	return p;
}

/* Seals and stores the report of f; on success sends the receipt page. */
/*
 * A no-JS report between its sealing and its answer: it waits for the
 * group commit like any other write (commit.h). sodium_malloc'd (the
 * receipt); the form's text is kept to send it back if the store refuses.
 * The commission is copied: a reload may change the configuration meanwhile.
 */
struct report_wait {
	struct server *s;
	struct form f;
	struct keyfile_public d;
	char concerns_name[KEYFILE_NAME_MAX + 1];
	int routed, quick;
	char receipt[RECEIPT_TEXT_BUF];
};

static void
report_wait_free(struct report_wait *w)
{
	form_wipe(&w->f);
	sodium_free(w); /* wipes the receipt */
}

/* The group commit's completion for a no-JS report: the receipt page, or the form back. */
static void
report_committed(struct evhttp_request *req, const struct commit_outcome *o, void *arg)
{
	struct report_wait *w = arg;
	struct server *s = w->s;
	const char *receipt = w->receipt;
	char idx[24];

	if (o->result != STORE_OK) {
		/* a lookup already in use (a receipt drawn twice) is refused as busy: send again */
		const char *err = store_error_code(o->result);

		drop_token(&w->f); /* spent: the form comes back with a new one */
		send_form(s, req, code_for(err), &w->f, err);
		report_wait_free(w);
		return;
	}
	nojs_count(s, w->d.id, w->quick);
	snprintf(idx, sizeof idx, "%llu", (unsigned long long)o->receipt->index);
	{
		struct hole h[] = {
		        {"r1", receipt, 4},
		        {"r2", receipt + 5, 4},
		        {"r3", receipt + 10, 4},
		        {"r4", receipt + 15, 4},
		        {"r5", receipt + 20, 4},
		        {"district", w->d.id, strlen(w->d.id)},
		        {"district_name", w->d.name, strlen(w->d.name)},
		        {"concerns_name", w->concerns_name, strlen(w->concerns_name)},
		        {"fingerprint", w->d.fingerprint, strlen(w->d.fingerprint)},
		        {"index", idx, strlen(idx)},
		        {"day", o->receipt->day, strlen(o->receipt->day)},
		};
		size_t nh = sizeof h / sizeof h[0];
		struct page p;

		if (page_open(&p, s, form_lang(&w->f), "receipt") != 0) {
			send_not_installed(req);
		} else {
			page_put(&p, "top", h, nh);
			if (w->routed)
				page_put(&p, "routed", h, nh);
			page_put(&p, "rest", h, nh);
			page_send(s, req, 201, &p);
		}
	}
	report_wait_free(w);
}

/*
 * A no-JS report: checked, admitted (its form token spent), sealed on the
 * server to the commission's box key, and queued for the group commit,
 * which answers (report_committed). Takes f's values over. Refusals send
 * the form back with the reason. Exactly one answer.
 */
static void
report_post(struct server *s, struct evhttp_request *req, struct form *f)
{
	static const unsigned allowed[] = {F_LANG,          F_DISTRICT,
	                                   F_TYPE,          F_CATEGORY,
	                                   F_SUBCATEGORY,   F_TOWN,
	                                   F_TITLE,         F_BODY,
	                                   F_WHEN,          F_WHERE,
	                                   F_SUBJECT_NAME,  F_SUBJECT_UNIT,
	                                   F_SUBJECT_AREA,  F_SUBJECT_POSITION,
	                                   F_SUBJECT_LEVEL, F_SUBJECT_PARTY,
	                                   F_REAL_NAME,     F_ID_NAME,
	                                   F_ID_PHONE,      F_ID_NUMBER,
	                                   F_ID_UNIT,       F_ID_ADDRESS,
	                                   F_TOKEN,         F_KEEP};
	uint8_t token[POW_CHALLENGE_BYTES];
	const struct keyfile_public *d = NULL;
	const char *concerns = NULL;
	struct receipt_keys *k = NULL;
	struct report_wait *w = NULL;
	struct store_report in;
	char today[CODEC_DAY_LEN + 1];
	const char *err;
	char *mtext = NULL;
	uint8_t *env = NULL;
	size_t mlen = 0, envlen = 0;
	int quick = 1;

	err = form_read(req, f, allowed, sizeof allowed / sizeof allowed[0]);
	if (err == NULL)
		err = report_check(s, f);
	if (err == NULL)
		d = route(s, f, &concerns);
	if (err == NULL) /* before any sealing or storing; spends the form's token */
		err = nojs_admit(s, f, d->id, token, &quick);
	if (err != NULL && strcmp(err, "form_expired") == 0)
		drop_token(f);
	if (err != NULL) {
		send_form(s, req, code_for(err), f, err);
		return;
	}
	k = sodium_malloc(sizeof *k);
	w = sodium_malloc(sizeof *w);
	if (k == NULL || w == NULL) {
		err = "overloaded";
		goto out;
	}
	memset(w, 0, sizeof *w);
	w->s = s;
	w->d = *d;
	w->quick = quick;
	w->routed = concerns != NULL;
	if (concerns != NULL)
		snprintf(w->concerns_name, sizeof w->concerns_name, "%s",
		         config_district(&s->cfg, concerns)->name);
	server_today(&s->cfg, today);
	/* the receipt first: the sealed manifest binds what derives from it */
	receipt_generate(w->receipt);
	if (receipt_derive(w->receipt, k) != 0) {
		err = "overloaded";
		goto out;
	}
	mtext = report_manifest(f, k, d->id, concerns, &mlen);
	if (mtext == NULL ||
	    envelope_seal_buffer(&env, &envlen, d->box_pk, mtext, mlen, NULL, 0) != ENVELOPE_OK) {
		err = "overloaded";
		goto out;
	}
	if (envlen > s->cfg.max_envelope_bytes) {
		err = "too_large";
		goto out;
	}
	memset(&in, 0, sizeof in);
	in.district = d->id;
	memcpy(in.lookup, k->lookup, 32);
	memcpy(in.auth_hash, k->auth_hash, 32);
	memcpy(in.reply_pk, k->reply_pk, 32);
	in.envelope = env;
	in.envelope_len = envlen;
	in.day = today;
	if (commit_report(s->commit, req, &in, env, report_committed, w) != 0) {
		err = "overloaded";
		goto out;
	}
	env = NULL; /* the queue's now */
	w->f = *f;  /* the form's values go with the wait; f is left empty */
	memset(f, 0, sizeof *f);
	w = NULL;
out:
	if (err != NULL) {
		drop_token(f); /* spent: the form comes back with a new one */
		send_form(s, req, code_for(err), f, err);
	}
	if (w != NULL)
		report_wait_free(w);
	if (k != NULL)
		sodium_free(k);
	if (mtext != NULL)
		sodium_free(mtext);
	free(env);
}

void
nojs_report(struct server *s, struct evhttp_request *req)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	struct form f;

	memset(&f, 0, sizeof f);
	if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) {
		const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
		const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
		struct evkeyvalq params;

		/* evhttp_parse_query_str initialises params, even when it fails */
		if (q != NULL) {
			if (evhttp_parse_query_str(q, &params) == 0) {
				const char *l = evhttp_find_header(&params, "lang");

				if (l != NULL && strcmp(l, "en") == 0) {
					f.v[F_LANG] = strdup("en");
					f.len[F_LANG] = f.v[F_LANG] ? 2 : 0;
				}
			}
			evhttp_clear_headers(&params);
		}
		send_form(s, req, 200, &f, NULL);
		form_wipe(&f);
		return;
	}
	if (m != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
		                  "GET, HEAD, POST");
		http_reply_error(req, 405, "method_not_allowed", "this method is not allowed here");
		return;
	}
	report_post(s, req, &f);
	form_wipe(&f);
}

/* ---- status ------------------------------------------------------------- */

struct reply_text {
	char seq[24];
	char day[CODEC_DAY_LEN + 1];
	char *body; /* sodium_malloc'd copy of the reply's text, or NULL */
	size_t len;
	int ok, atts;
};

/* Opens one reply with the receipt's reply key; fills t. */
static void
open_reply(struct reply_text *t, const struct store_case_view *v, const struct store_reply *rp,
           const struct receipt_keys *k)
{
	struct envelope_contents ct = {0};
	const json_t *m, *body, *atts;
	const char *kind, *district, *lookup;
	uint8_t lk[32];

	memset(t, 0, sizeof *t);
	snprintf(t->seq, sizeof t->seq, "%u", (unsigned)rp->seq);
	memcpy(t->day, rp->day, sizeof t->day);
	if (envelope_open_buffer(&ct, k->reply_pk, k->reply_sk, rp->envelope, rp->envelope_len) !=
	    ENVELOPE_OK)
		return;
	m = ct.parsed;
	kind = json_string_value(json_object_get(m, "kind"));
	district = json_string_value(json_object_get(m, "district"));
	lookup = json_string_value(json_object_get(m, "lookup"));
	body = json_object_get(m, "body");
	atts = json_object_get(m, "attachments");
	if (kind != NULL && strcmp(kind, "reply") == 0 && district != NULL &&
	    strcmp(district, v->district) == 0 && codec_b64u_decode_exact(lk, 32, lookup) == 0 &&
	    sodium_memcmp(lk, k->lookup, 32) == 0) {
		const char *txt = json_is_string(body) ? json_string_value(body) : "";
		size_t n = json_is_string(body) ? json_string_length(body) : 0;

		t->body = sodium_malloc(n + 1);
		if (t->body != NULL) {
			memcpy(t->body, txt, n);
			t->body[n] = '\0';
			t->len = n;
			t->ok = 1;
			t->atts = json_array_size(atts) > 0;
		}
	}
	manifest_wipe((json_t *)(uintptr_t)ct.parsed);
	envelope_contents_free(&ct);
}

/*
 * The status page of case v, its replies opened with k; also the
 * fingerprint of the case's district under its fixed label, so that the
 * reporter can compare it with the receipt's (issue 20 item 4). Sends 503
 * when out of memory. Exactly one answer.
 */
static void
status_page(struct server *s, struct evhttp_request *req, const char *lang,
            const struct store_case_view *v, const struct receipt_keys *k)
{
	const struct keyfile_public *d = config_district(&s->cfg, v->district);
	const char *fp = d ? d->fingerprint : "", *name = d ? d->name : "";
	char index[24], followups[24];
	const char *status = store_status_name(v->status);
	struct page p;

	if (page_open(&p, s, lang, "status") != 0) {
		send_not_installed(req);
		return;
	}
	snprintf(index, sizeof index, "%llu", (unsigned long long)v->index);
	snprintf(followups, sizeof followups, "%llu", (unsigned long long)v->followups);
	{
		struct hole h[] = {
		        {"status_day", v->status_day, strlen(v->status_day)},
		        {"created_day", v->created_day, strlen(v->created_day)},
		        {"district", v->district, strlen(v->district)},
		        {"fingerprint", fp, strlen(fp)},
		        {"district_name", name, strlen(name)},
		        {"index", index, strlen(index)},
		        {"followups", followups, strlen(followups)},
		};
		size_t nh = sizeof h / sizeof h[0];

		page_put(&p, "top", h, nh);
		if (status != NULL)
			page_put_entry(&p, "statuses", status);
		page_put(&p, "facts", h, nh);
		page_put(&p, v->delivered ? "delivered_yes" : "delivered_no", h, nh);
		page_put(&p, "district", h, nh);
		page_put(&p, d != NULL ? "known" : "unknown", h, nh);
		page_put(&p, "replies", h, nh);
	}
	if (v->nreplies == 0)
		page_put(&p, "no_replies", NULL, 0);
	for (size_t i = 0; i < v->nreplies; i++) {
		struct reply_text t;

		open_reply(&t, v, &v->replies[i], k);
		{
			struct hole r[] = {{"seq", t.seq, strlen(t.seq)},
			                   {"day", t.day, strlen(t.day)},
			                   {"body", t.body ? t.body : "", t.len}};

			page_put(&p, "reply", r, 3);
			if (t.ok) {
				page_put(&p, "reply_body", r, 3);
				if (t.atts)
					page_put(&p, "reply_atts", r, 3);
			} else
				page_put(&p, "reply_bad", r, 3);
			page_put(&p, "reply_end", r, 3);
		}
		if (t.body != NULL)
			sodium_free(t.body);
	}
	page_put(&p, "end", NULL, 0);
	page_send(s, req, 200, &p);
}

void
nojs_status(struct server *s, struct evhttp_request *req)
{
	static const unsigned allowed[] = {F_LANG, F_RECEIPT};
	struct store_case_view v;
	struct receipt_keys *k = NULL;
	struct form f;
	const char *err, *lang;
	int rc;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		http_reply_error(req, 405, "method_not_allowed", "this method is not allowed here");
		return;
	}
	err = form_read(req, &f, allowed, sizeof allowed / sizeof allowed[0]);
	lang = form_lang(&f);
	if (err != NULL) {
		send_error_page(s, req, code_for(err), lang, err);
		return;
	}
	k = sodium_malloc(sizeof *k);
	if (k == NULL) {
		send_error_page(s, req, 503, lang, "overloaded");
		goto out;
	}
	if (f.v[F_RECEIPT] == NULL || receipt_derive(f.v[F_RECEIPT], k) != 0) {
		send_error_page(s, req, 400, lang, "invalid_receipt");
		goto out;
	}
	if (!ratelimit_allow(s->rl, k->lookup, (uint64_t)time(NULL))) {
		send_error_page(s, req, 429, lang, "status_rate_limited");
		goto out;
	}
	rc = store_get_case(s->store, k->lookup, k->auth, &v);
	if (rc != STORE_OK) {
		send_error_page(s, req, rc == STORE_ERR_NOT_FOUND ? 404 : 503, lang,
		                rc == STORE_ERR_NOT_FOUND ? "not_found" : "overloaded");
		goto out;
	}
	status_page(s, req, lang, &v, k);
	store_case_view_free(&v);
out:
	if (k != NULL)
		sodium_free(k);
	form_wipe(&f);
}

void
nojs_once(struct server *s, struct evhttp_request *req)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
	uint8_t id[NOJS_ONCE_ID_BYTES];

	if (m != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET");
		http_reply_error(req, 405, "method_not_allowed", "this method is not allowed here");
		return;
	}
	nojs_sweep(s);
	if (s->nojs != NULL && q != NULL && codec_b64u_decode_exact(id, sizeof id, q) == 0) {
		for (size_t i = 0; i < NOJS_ONCE_MAX; i++) {
			struct nojs_once *o = &s->nojs->once[i];

			if (o->page != NULL && sodium_memcmp(o->id, id, sizeof id) == 0) {
				char *page = o->page;
				size_t len = o->len;
				int code = o->code;

				s->nojs->once_bytes -= len;
				memset(o, 0,
				       sizeof *o); /* served once: the page is the answer's now */
				send_html(req, code, page, len);
				return;
			}
		}
	}
	send_error_page(s, req, 410, "zh-CN", "once_gone");
}
