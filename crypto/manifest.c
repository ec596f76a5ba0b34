/* manifest: see manifest.h. */
#include "crypto/manifest.h"

#include <sodium.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/text.h"
#include "crypto/vocab.h"

void
manifest_report_defaults(struct manifest_report *r)
{
	memset(r, 0, sizeof *r);
	r->district = "";
	r->lang = "zh-CN";
	r->type = "accusation";
	r->category = "other";
	r->subcategory = r->town = r->title = r->when = r->where = "";
	r->body = "";
	r->body_len = 0;
	r->subject.name = r->subject.unit = r->subject.area = r->subject.position = "";
	r->subject.level = "unknown";
	r->subject.party_member = "unknown";
	r->real_name = 0;
	r->identity.name = r->identity.phone = r->identity.id_number = r->identity.unit =
	        r->identity.address = "";
}

static int
text_ok(const char *s)
{
	return s != NULL && text_utf8_valid(s, strlen(s), TEXT_NUL_OK);
}

static int
alnum(char c, int alpha_only)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return !alpha_only && c >= '0' && c <= '9';
}

/* A language tag: [A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*. */
static int
lang_ok(const char *s)
{
	size_t run = 0, i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0' && s[i] != '-'; i++)
		if (!alnum(s[i], 1) || ++run > 8)
			return 0;
	if (run < 2)
		return 0;
	while (s[i] == '-') {
		run = 0;
		for (i++; s[i] != '\0' && s[i] != '-'; i++)
			if (!alnum(s[i], 0) || ++run > 8)
				return 0;
		if (run == 0)
			return 0;
	}
	return s[i] == '\0';
}

const char *
manifest_report_check(const struct manifest_report *r)
{
	/* the optional text fields, each with what is said when it is not UTF-8 */
	const struct {
		const char *text, *why;
	} texts[] = {
	        {r->subcategory, "--subcategory must be UTF-8 text"},
	        {r->town, "--town must be UTF-8 text"},
	        {r->when, "--when must be UTF-8 text"},
	        {r->where, "--where must be UTF-8 text"},
	        {r->subject.name, "--subject-name must be UTF-8 text"},
	        {r->subject.unit, "--subject-unit must be UTF-8 text"},
	        {r->subject.area, "--subject-area must be UTF-8 text"},
	        {r->subject.position, "--subject-position must be UTF-8 text"},
	        {r->identity.name, "--identity-name must be UTF-8 text"},
	        {r->identity.phone, "--identity-phone must be UTF-8 text"},
	        {r->identity.id_number, "--identity-id-number must be UTF-8 text"},
	        {r->identity.unit, "--identity-unit must be UTF-8 text"},
	        {r->identity.address, "--identity-address must be UTF-8 text"},
	};

	if (!codec_district_valid(r->district))
		return "--district must be a district id ([a-z0-9][a-z0-9-]{0,31})";
	if (!vocab_has(VOCAB_TYPE, r->type))
		return "--type must be one of:"
#define QF_TYPE(w, zh, en, hzh, hen) " " w
#include "crypto/vocab.def"
		        ;
	if (!vocab_has(VOCAB_CATEGORY, r->category))
		return "--category must be one of:"
#define QF_CATEGORY(w, zh, en) " " w
#include "crypto/vocab.def"
		        ;
	if (!vocab_has(VOCAB_LEVEL, r->subject.level))
		return "--level must be one of:"
#define QF_LEVEL(w, zh, en) " " w
#include "crypto/vocab.def"
		        ;
	if (!vocab_has(VOCAB_PARTY, r->subject.party_member))
		return "--party-member must be one of:"
#define QF_PARTY(w, zh, en) " " w
#include "crypto/vocab.def"
		        ;
	if (!lang_ok(r->lang))
		return "--lang must be a language tag such as zh-CN";
	if (!text_ok(r->title) || r->title[0] == '\0')
		return "--title must be non-empty UTF-8 text";
	if (r->body == NULL || r->body_len == 0)
		return "--body-file must not be empty";
	if (!text_utf8_valid(r->body, r->body_len, TEXT_NUL_OK))
		return "--body-file must hold UTF-8 text";
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!text_ok(texts[i].text))
			return texts[i].why;
	return NULL;
}

const char *
manifest_purpose_check(const char *purpose)
{
	return vocab_has(VOCAB_PURPOSE, purpose) ? NULL : "--purpose must be one of:"
#define QF_PURPOSE(w, zh, en) " " w
#include "crypto/vocab.def"
	        ;
}

/* Sets obj[key] to the string s; returns non-zero on failure (bad UTF-8, memory). */
static int
put_str(json_t *obj, const char *key, const char *s)
{
	return json_object_set_new(obj, key, json_string(s));
}

static json_t *
attachments(const struct manifest_file *files, size_t n)
{
	json_t *a = json_array();

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(a, o) != 0 ||
		    put_str(o, "name", files[i].name) != 0 ||
		    put_str(o, "type", files[i].type) != 0 || files[i].size > (uint64_t)INT64_MAX ||
		    json_object_set_new(o, "size", json_integer((json_int_t)files[i].size)) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *
manifest_report_build(const struct manifest_report *r, const struct manifest_file *files,
                      size_t nfiles)
{
	json_t *m = NULL, *rep = NULL, *subj = NULL, *id = NULL;

	if (manifest_report_check(r) != NULL)
		return NULL;
	m = json_object();
	rep = json_object();
	subj = json_object();
	if (m == NULL || rep == NULL || subj == NULL)
		goto fail;
	if (r->real_name) {
		id = json_object();
		if (id == NULL || put_str(id, "name", r->identity.name) != 0 ||
		    put_str(id, "phone", r->identity.phone) != 0 ||
		    put_str(id, "id_number", r->identity.id_number) != 0 ||
		    put_str(id, "unit", r->identity.unit) != 0 ||
		    put_str(id, "address", r->identity.address) != 0)
			goto fail;
	} else {
		id = json_null();
	}
	if (put_str(subj, "name", r->subject.name) != 0 ||
	    put_str(subj, "unit", r->subject.unit) != 0 ||
	    put_str(subj, "area", r->subject.area) != 0 ||
	    put_str(subj, "position", r->subject.position) != 0 ||
	    put_str(subj, "level", r->subject.level) != 0 ||
	    put_str(subj, "party_member", r->subject.party_member) != 0)
		goto fail;
	if (put_str(rep, "type", r->type) != 0 || put_str(rep, "category", r->category) != 0 ||
	    put_str(rep, "subcategory", r->subcategory) != 0 ||
	    put_str(rep, "town", r->town) != 0 || put_str(rep, "title", r->title) != 0 ||
	    json_object_set_new(rep, "body", json_stringn(r->body, r->body_len)) != 0 ||
	    put_str(rep, "when", r->when) != 0 || put_str(rep, "where", r->where) != 0)
		goto fail;
	/* set_new takes the references even when it fails */
	if (json_object_set_new(rep, "subject", subj) != 0) {
		subj = NULL;
		goto fail;
	}
	subj = NULL;
	if (json_object_set_new(rep, "identity", id) != 0) {
		id = NULL;
		goto fail;
	}
	id = NULL;
	if (r->concerns != NULL &&
	    (!codec_district_valid(r->concerns) || put_str(rep, "concerns", r->concerns) != 0))
		goto fail;
	if (json_object_set_new(m, "v", json_integer(1)) != 0 ||
	    put_str(m, "kind", "report") != 0 || put_str(m, "district", r->district) != 0 ||
	    put_str(m, "lang", r->lang) != 0)
		goto fail;
	if (json_object_set_new(m, "report", rep) != 0) {
		rep = NULL;
		goto fail;
	}
	rep = NULL;
	if (json_object_set_new(m, "attachments", attachments(files, nfiles)) != 0)
		goto fail;
	return m;
fail:
	json_decref(id);
	json_decref(subj);
	json_decref(rep);
	json_decref(m);
	return NULL;
}

json_t *
manifest_followup_build(const char *district, const uint8_t lookup[32], const char *purpose,
                        const char *body, size_t body_len, const struct manifest_file *files,
                        size_t nfiles)
{
	char lk[CODEC_B64U_BUF(32)];
	json_t *m;

	if (!codec_district_valid(district) || manifest_purpose_check(purpose) != NULL ||
	    body == NULL)
		return NULL;
	if (codec_b64u_encode(lk, sizeof lk, lookup, 32) != 0)
		return NULL;
	m = json_object();
	if (m == NULL || json_object_set_new(m, "v", json_integer(1)) != 0 ||
	    put_str(m, "kind", "followup") != 0 || put_str(m, "district", district) != 0 ||
	    put_str(m, "lookup", lk) != 0 || put_str(m, "purpose", purpose) != 0 ||
	    json_object_set_new(m, "body", json_stringn(body, body_len)) != 0 ||
	    json_object_set_new(m, "attachments", attachments(files, nfiles)) != 0) {
		json_decref(m);
		m = NULL;
	}
	sodium_memzero(lk, sizeof lk);
	return m;
}

int
manifest_text(char **out, size_t *len, const json_t *manifest)
{
	size_t n = json_dumpb(manifest, NULL, 0, JSON_COMPACT);
	char *buf;

	*out = NULL;
	*len = 0;
	if (n == 0)
		return -1;
	buf = sodium_malloc(n + 1);
	if (buf == NULL)
		return -1;
	if (json_dumpb(manifest, buf, n, JSON_COMPACT) != n) {
		sodium_free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

void
manifest_text_free(char *text)
{
	if (text != NULL)
		sodium_free(text);
}

void
manifest_wipe(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		sodium_memzero((void *)(uintptr_t)json_string_value(j), json_string_length(j));
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, v)
		{
			manifest_wipe(v);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
		{
			manifest_wipe(v);
		}
	}
}

void
manifest_free(json_t *manifest)
{
	manifest_wipe(manifest);
	json_decref(manifest);
}
