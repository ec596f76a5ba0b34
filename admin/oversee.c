/* oversee: see oversee.h. */
#include "admin/oversee.h"
#include "admin/buf.h"
#include "admin/i18n.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/bundle.h"
#include "crypto/chain.h"
#include "crypto/serverkey.h"
#include "crypto/sign.h"

static const char *const status_names[OVERSEE_NSTATUS] = {
#define QF_STATUS(name, word, zh, en) word,
#include "crypto/status.def"
#undef QF_STATUS
};

const char *
oversee_status_name(int status)
{
	return status >= 0 && status < OVERSEE_NSTATUS ? status_names[status] : "?";
}

static int
status_parse(const char *s)
{
	for (int i = 0; s != NULL && i < OVERSEE_NSTATUS; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

/* The 32 hex digits of a fingerprint, spaces dropped, lowercase; -1 if it is not one. */
static int
fp_norm(const char *in, char out[33])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 32)
			return -1;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 32 ? 0 : -1;
}

int
oversee_expect_parse(char *arg, struct oversee_expect *e)
{
	char *eq = strchr(arg, '='), norm[33];

	if (eq == NULL)
		return -1;
	*eq = '\0';
	if (!codec_district_valid(arg) || fp_norm(eq + 1, norm) != 0)
		return -1;
	e->id = arg;
	e->fingerprint = eq + 1;
	return 0;
}

/* ---- problems ------------------------------------------------------------ */

struct probs {
	/* [1]: against the pins, listed first (a lie's cascade follows it); [0]: the rest */
	char *line[2][OVERSEE_PROBLEMS_MAX];
	unsigned nline[2];
	unsigned n; /* every problem found */
	int front;  /* where the next ones go */
	int nomem;
};

static void prob_add(struct probs *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
prob_add(struct probs *p, const char *fmt, ...)
{
	va_list ap;
	char *l;
	int m;

	p->n++;
	if (p->nomem || p->nline[p->front] >= OVERSEE_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	m = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	l = m >= 0 ? malloc((size_t)m + 1) : NULL;
	if (l == NULL) {
		p->nomem = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(l, (size_t)m + 1, fmt, ap);
	va_end(ap);
	p->line[p->front][p->nline[p->front]++] = l;
}

static void
prob_clear(struct probs *p)
{
	for (int k = 0; k < 2; k++) {
		for (unsigned i = 0; i < p->nline[k]; i++)
			free(p->line[k][i]);
		p->nline[k] = 0;
	}
	p->n = 0;
}

/* The message of a refusal: a first line, the problems (pins first), how many more. */
static char *
prob_message(struct probs *p)
{
	size_t n = 160, len;
	unsigned shown = 0;
	char *m;

	for (int k = 0; k < 2; k++)
		for (unsigned i = 0; i < p->nline[k]; i++)
			n += strlen(p->line[k][i]) + 5;
	m = malloc(n);
	if (m == NULL)
		return NULL;
	snprintf(m, n, _("oversight bundle refused, nothing written (%u problem%s):"), p->n,
	         p->n == 1 ? "" : "s");
	for (int k = 1; k >= 0; k--)
		for (unsigned i = 0; i < p->nline[k] && shown < OVERSEE_PROBLEMS_MAX;
		     i++, shown++) {
			len = strlen(m);
			snprintf(m + len, n - len, "\n  - %s", p->line[k][i]);
		}
	if (p->n > shown) {
		len = strlen(m);
		snprintf(m + len, n - len, _("\n  ... and %u more"), p->n - shown);
	}
	return m;
}

/* ---- JSON fields ----------------------------------------------------------- */

static const char *
jstr(const json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* A valid day member as a day number. Returns 0, or -1. */
static int
jday(const json_t *o, const char *name, long *out)
{
	const char *s = jstr(o, name);

	return s != NULL && codec_day_valid(s) && codec_day_number(s, out) == 0 ? 0 : -1;
}

static const char *
dayname(long day, char buf[CODEC_DAY_LEN + 1])
{
	if (codec_day_from_number(buf, day) != 0)
		snprintf(buf, CODEC_DAY_LEN + 1, "?");
	return buf;
}

/* ---- reports by lookup (open addressing; index 0 is an empty slot) -------- */

struct lmap {
	uint64_t *slot;
	size_t cap, n;
};

static size_t
lmap_pos(const uint8_t lookup[32], size_t cap)
{
	uint64_t k;

	memcpy(&k, lookup, 8); /* lookups are uniform: the first bytes will do */
	return (size_t)(k & (cap - 1));
}

/* The report index with this lookup, or 0. */
static uint64_t
lmap_find(const struct lmap *m, const struct oversee_entry *e, const uint8_t lookup[32])
{
	if (m->cap == 0)
		return 0;
	for (size_t i = lmap_pos(lookup, m->cap);; i = (i + 1) & (m->cap - 1)) {
		uint64_t idx = m->slot[i];

		if (idx == 0)
			return 0;
		if (memcmp(e[idx - 1].lookup, lookup, 32) == 0)
			return idx;
	}
}

/* Adds report index (its entry holds the lookup). Returns 0, or -1 out of memory. */
static int
lmap_add(struct lmap *m, const struct oversee_entry *e, uint64_t index)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		uint64_t *ns = calloc(ncap, sizeof *ns);

		if (ns == NULL)
			return -1;
		for (size_t i = 0; i < m->cap; i++) {
			uint64_t idx = m->slot[i];

			if (idx != 0) {
				size_t j = lmap_pos(e[idx - 1].lookup, ncap);

				while (ns[j] != 0)
					j = (j + 1) & (ncap - 1);
				ns[j] = idx;
			}
		}
		free(m->slot);
		m->slot = ns;
		m->cap = ncap;
	}
	{
		size_t j = lmap_pos(e[index - 1].lookup, m->cap);

		while (m->slot[j] != 0)
			j = (j + 1) & (m->cap - 1);
		m->slot[j] = index;
		m->n++;
	}
	return 0;
}

/* ---- growing arrays ----------------------------------------------------------- */

/* ---- pins ------------------------------------------------------------------ */

/* What was verified last for one commission. */
struct pin {
	int present;
	char fingerprint[KEYFILE_FINGERPRINT_BUF];
	uint8_t sign_pk[32];
	char day[CODEC_DAY_LEN + 1];
	long daynum;
	uint64_t size;
	const uint8_t *chains; /* size * 32 bytes, in the pins map */
	struct oversee_update *updates;
	size_t nupdates;
};

static void
pin_key(char *out, size_t n, char kind, const char *id)
{
	snprintf(out, n, "%c/%s", kind, id);
}

/* Reads the pin of id. Returns 0 (present or not), 1 corrupt, -1 on a pins failure. */
static int
pin_load(struct pins_txn *t, const char *id, struct pin *p)
{
	char key[PINS_KEY_MAX + 1];
	const void *val;
	size_t len, i;
	json_t *j, *it;
	const char *fp, *day;
	int rc;

	memset(p, 0, sizeof *p);
	pin_key(key, sizeof key, 'd', id);
	rc = pins_get(t, key, &val, &len);
	if (rc == PINS_ERR_NOT_FOUND)
		return 0;
	if (rc != PINS_OK)
		return -1;
	j = json_loadb(val, len, JSON_REJECT_DUPLICATES, NULL);
	fp = jstr(j, "fingerprint");
	day = jstr(j, "day");
	if (j == NULL || json_integer_value(json_object_get(j, "v")) != 1 || fp == NULL ||
	    strlen(fp) >= sizeof p->fingerprint || day == NULL || !codec_day_valid(day) ||
	    codec_json_b64u(j, "sign_pk", p->sign_pk, 32) != 0 ||
	    codec_json_count(j, "size", &p->size) != 0 ||
	    !json_is_array(json_object_get(j, "updates"))) {
		json_decref(j);
		return 1;
	}
	snprintf(p->fingerprint, sizeof p->fingerprint, "%s", fp);
	snprintf(p->day, sizeof p->day, "%s", day);
	codec_day_number(day, &p->daynum);
	p->nupdates = json_array_size(json_object_get(j, "updates"));
	p->updates = calloc(p->nupdates ? p->nupdates : 1, sizeof *p->updates);
	if (p->updates == NULL) {
		json_decref(j);
		return -1;
	}
	json_array_foreach(json_object_get(j, "updates"), i, it)
	{
		struct oversee_update *u = &p->updates[i];
		const char *ud = json_string_value(json_array_get(it, 1));

		if (json_array_size(it) != 6 || !json_is_integer(json_array_get(it, 0)) ||
		    ud == NULL || !codec_day_valid(ud) ||
		    codec_b64u_decode_exact(u->hash, 32,
		                            json_string_value(json_array_get(it, 2))) != 0 ||
		    !json_is_integer(json_array_get(it, 3)) ||
		    !json_is_integer(json_array_get(it, 4)) ||
		    codec_b64u_decode_exact(u->digest, 32,
		                            json_string_value(json_array_get(it, 5))) != 0) {
			json_decref(j);
			free(p->updates);
			p->updates = NULL;
			return 1;
		}
		u->seq = (uint64_t)json_integer_value(json_array_get(it, 0));
		codec_day_number(ud, &u->day);
		u->acks_through = (uint64_t)json_integer_value(json_array_get(it, 3));
		u->statements = (uint64_t)json_integer_value(json_array_get(it, 4));
	}
	json_decref(j);
	pin_key(key, sizeof key, 'c', id);
	rc = pins_get(t, key, &val, &len);
	if (rc != PINS_OK && rc != PINS_ERR_NOT_FOUND)
		return -1;
	if (len != p->size * 32) {
		free(p->updates);
		p->updates = NULL;
		return 1;
	}
	p->chains = val;
	p->present = 1;
	return 0;
}

/* Writes the pins of a verified district. Returns PINS_OK or an error. */
static int
pin_store(struct pins_txn *t, const struct oversee_district *d, const char *day)
{
	char key[PINS_KEY_MAX + 1], *s;
	json_t *j, *ups = json_array();
	uint8_t *blob;
	int rc;

	for (size_t i = 0; ups != NULL && i < d->nupdates; i++) {
		const struct oversee_update *u = &d->updates[i];
		char ud[CODEC_DAY_LEN + 1], h[CODEC_B64U_BUF(32)], g[CODEC_B64U_BUF(32)];

		codec_b64u_encode(h, sizeof h, u->hash, 32);
		codec_b64u_encode(g, sizeof g, u->digest, 32);
		if (json_array_append_new(ups, json_pack("[I, s, s, I, I, s]", (json_int_t)u->seq,
		                                         dayname(u->day, ud), h,
		                                         (json_int_t)u->acks_through,
		                                         (json_int_t)u->statements, g)) != 0) {
			json_decref(ups);
			ups = NULL;
		}
	}
	{
		char spk[CODEC_B64U_BUF(32)];

		codec_b64u_encode(spk, sizeof spk, d->sign_pk, 32);
		j = ups == NULL ? NULL
		                : json_pack("{s:i, s:s, s:s, s:s, s:I, s:o}", "v", 1, "fingerprint",
		                            d->fingerprint, "sign_pk", spk, "day", day, "size",
		                            (json_int_t)d->size, "updates", ups);
	}
	s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s == NULL)
		return PINS_ERR_NOMEM;
	pin_key(key, sizeof key, 'd', d->id);
	rc = pins_put(t, key, s, strlen(s));
	free(s);
	if (rc != PINS_OK)
		return rc;
	blob = malloc(d->size ? d->size * 32 : 1);
	if (blob == NULL)
		return PINS_ERR_NOMEM;
	for (uint64_t i = 0; i < d->size; i++)
		memcpy(blob + i * 32, d->entries[i].chain, 32);
	pin_key(key, sizeof key, 'c', d->id);
	rc = pins_put(t, key, blob, d->size * 32);
	free(blob);
	return rc;
}

/* ---- reading -------------------------------------------------------------------- */

struct dstate {
	struct oversee_district *d;
	int phase;    /* 0 chain entries, 1 applied updates, 2 statements */
	int started;  /* a line of it was read */
	int finished; /* its chain was checked against the header */
	uint64_t at;  /* last index read */
	uint8_t chain[32];
	long last_day;
	size_t cap_e, cap_u, cap_s;
	struct lmap reports;
	struct pin pin;
	int key_ok; /* the signing key may verify statements (pinned or expected) */
};

/* A statement whose signature is still to be verified (on every core, once all is read). */
struct pending {
	size_t d; /* the commission, in header order */
	uint64_t index, seq, replies, followups;
	int status;
	char status_day[CODEC_DAY_LEN + 1];
	uint8_t lookup[32], replies_hash[32], sig[SIGN_BYTES];
};

struct run {
	struct oversee *ov;
	struct dstate *ds;
	const struct oversee_opts *o;
	struct probs p;
	uint64_t line;
	int nomem;
	struct pending *pend;
	size_t npend, cap_pend;
};

static struct dstate *
find_district(struct run *r, const char *id)
{
	for (size_t i = 0; id != NULL && i < r->ov->nd; i++)
		if (strcmp(r->ov->d[i].id, id) == 0)
			return &r->ds[i];
	return NULL;
}

/* The header. Returns 0, or -1 with a problem added (the bundle cannot be read further). */
static int
read_header(struct run *r, const json_t *h)
{
	struct oversee *ov = r->ov;
	const json_t *dl = json_object_get(h, "districts"), *x;
	const char *type = jstr(h, "type"), *day = jstr(h, "day");
	size_t i;

	if (type == NULL || strcmp(type, BUNDLE_TYPE_OVERSIGHT) != 0) {
		prob_add(&r->p, _("not an oversight bundle (its type is \"%s\")"),
		         type != NULL ? type : "missing");
		return -1;
	}
	if (json_integer_value(json_object_get(h, "v")) != 1 ||
	    codec_json_b64u(h, "server_sign_pk", ov->server_pk, 32) != 0 || day == NULL ||
	    !codec_day_valid(day) || !json_is_array(dl) || json_array_size(dl) == 0 ||
	    json_array_size(dl) > OVERSEE_DISTRICTS_MAX) {
		prob_add(&r->p, _("the header is malformed (v, server_sign_pk, day or districts)"));
		return -1;
	}
	snprintf(ov->day, sizeof ov->day, "%s", day);
	codec_day_number(day, &ov->daynum);
	ov->d = calloc(json_array_size(dl), sizeof *ov->d);
	r->ds = calloc(json_array_size(dl), sizeof *r->ds);
	if (ov->d == NULL || r->ds == NULL) {
		r->nomem = 1;
		return -1;
	}
	json_array_foreach(dl, i, x)
	{
		struct oversee_district *d = &ov->d[i];
		const char *id = jstr(x, "id"), *name = jstr(x, "name"), *level = jstr(x, "level");
		const char *fp = jstr(x, "fingerprint");
		const json_t *parent = json_object_get(x, "parent");
		char want[KEYFILE_FINGERPRINT_BUF];

		if (id == NULL || !codec_district_valid(id) || find_district(r, id) != NULL ||
		    name == NULL || strlen(name) > KEYFILE_NAME_MAX || level == NULL ||
		    (strcmp(level, "district") != 0 && strcmp(level, "city") != 0 &&
		     strcmp(level, "province") != 0) ||
		    !(json_is_null(parent) || (json_is_string(parent) &&
		                               codec_district_valid(json_string_value(parent)))) ||
		    codec_json_b64u(x, "box_pk", d->box_pk, 32) != 0 ||
		    codec_json_b64u(x, "sign_pk", d->sign_pk, 32) != 0 ||
		    codec_json_b64u(x, "head", d->head, 32) != 0 ||
		    codec_json_count(x, "size", &d->size) != 0 || fp == NULL ||
		    strlen(fp) >= sizeof d->fingerprint) {
			prob_add(&r->p, _("the header's commission %zu is malformed"), i + 1);
			return -1;
		}
		snprintf(d->id, sizeof d->id, "%s", id);
		snprintf(d->name, sizeof d->name, "%s", name);
		snprintf(d->level, sizeof d->level, "%s", level);
		snprintf(d->parent, sizeof d->parent, "%s",
		         json_is_string(parent) ? json_string_value(parent) : "");
		snprintf(d->fingerprint, sizeof d->fingerprint, "%s", fp);
		r->ds[i].d = d;
		ov->nd = i + 1;
		if (i > 0 && find_district(r, d->parent) == NULL)
			prob_add(&r->p, _("%s: its parent \"%s\" is not in the bundle"), id,
			         d->parent);
		if (keyfile_fingerprint(want, id, d->box_pk, d->sign_pk) != 0 ||
		    strcmp(want, fp) != 0)
			prob_add(
			        &r->p,
			        _("%s: the header's fingerprint [%s] is not that of its keys [%s]"),
			        id, fp, want);
	}
	return 0;
}

/* The keys: the server's, and each commission's against its pin and --expect. */
static int
check_keys(struct run *r, struct pins_txn *t)
{
	struct oversee *ov = r->ov;
	const struct oversee_opts *o = r->o;
	const uint8_t *ref = NULL;
	const void *val;
	size_t len;
	char fp[SERVERKEY_FINGERPRINT_BUF], rfp[SERVERKEY_FINGERPRINT_BUF];
	int rc = pins_get(t, "server", &val, &len);

	if (rc != PINS_OK && rc != PINS_ERR_NOT_FOUND)
		return -1;
	if (rc == PINS_OK && len == 32)
		ref = val;
	else if (rc == PINS_OK)
		prob_add(&r->p, _("the pinned server key is corrupt"));
	else if (o->narchive_server_pk > 0)
		ref = o->archive_server_pk[0], ov->server_pinned_now = 3;
	serverkey_fingerprint(fp, ov->server_pk);
	if (ref != NULL && sodium_memcmp(ref, ov->server_pk, 32) != 0) {
		serverkey_fingerprint(rfp, ref);
		if (!o->accept_new_server_key)
			prob_add(&r->p,
			         _("the bundle is signed by server key [%s], not the pinned key "
			           "[%s] "
			           "(if "
			           "the server's key was replaced on purpose, re-run with "
			           "--accept-new-server-key)"),
			         fp, rfp);
		ov->server_pinned_now = 2;
	} else if (ref == NULL) {
		ov->server_pinned_now = 1;
	}
	if (ov->server_pinned_now == 3)
		for (size_t i = 1; i < o->narchive_server_pk; i++)
			if (sodium_memcmp(o->archive_server_pk[i], ov->server_pk, 32) != 0)
				prob_add(
				        &r->p,
				        _("the case archive has pinned more than one server key at "
				          "ingest; this bundle's [%s] is not all of them"),
				        fp);
	for (size_t i = 0; i < o->nexpect; i++)
		if (find_district(r, o->expect[i].id) == NULL)
			prob_add(&r->p, _("--expect names %s, which this bundle does not hold"),
			         o->expect[i].id);
	for (size_t i = 0; i < ov->nd; i++) {
		struct dstate *s = &r->ds[i];
		struct oversee_district *d = s->d;
		const char *expect = NULL;
		char want[33], have[33];

		rc = pin_load(t, d->id, &s->pin);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			prob_add(&r->p, _("%s: its pin in %s is corrupt"), d->id, PINS_FILE);
			continue;
		}
		for (size_t k = 0; k < o->nexpect; k++)
			if (strcmp(o->expect[k].id, d->id) == 0)
				expect = o->expect[k].fingerprint;
		fp_norm(d->fingerprint, have);
		if (expect != NULL && (fp_norm(expect, want) != 0 || strcmp(want, have) != 0)) {
			prob_add(&r->p,
			         _("--expect %s=%s does not match the key this bundle shows for %s "
			           "[%s]"),
			         d->id, expect, d->id, d->fingerprint);
			continue;
		}
		if (s->pin.present) {
			if (strcmp(s->pin.fingerprint, d->fingerprint) != 0 ||
			    sodium_memcmp(s->pin.sign_pk, d->sign_pk, 32) != 0) {
				prob_add(&r->p,
				         _("%s: its key changed: this bundle shows [%s], pinned on "
				           "%s "
				           "[%s]; a commission's signing key cannot change under "
				           "oversight (its earlier statements would no longer "
				           "verify)"),
				         d->id, d->fingerprint, s->pin.day, s->pin.fingerprint);
				continue;
			}
			d->pinned_size = s->pin.size;
			snprintf(d->pinned_day, sizeof d->pinned_day, "%s", s->pin.day);
		} else if (expect == NULL) {
			prob_add(&r->p,
			         _("%s is not pinned yet: give --expect %s=FINGERPRINT with the "
			           "fingerprint %s publishes (posters, official site), not the one "
			           "this bundle shows"),
			         d->id, d->id, d->id);
			continue;
		} else {
			d->key_pinned_now = 1;
		}
		s->key_ok = 1;
	}
	return 0;
}

/* The header's size and head against the chain read. */
static void
finish_chain(struct run *r, struct dstate *s)
{
	struct oversee_district *d = s->d;

	if (s->finished)
		return;
	s->finished = 1;
	if (s->at < d->size)
		prob_add(&r->p,
		         _("%s: the header says %" PRIu64 " entries, the bundle holds %" PRIu64
		           ": entries %" PRIu64 "..%" PRIu64 " are missing"),
		         d->id, d->size, s->at, s->at + 1, d->size);
	else if (sodium_memcmp(s->chain, d->head, 32) != 0)
		prob_add(&r->p,
		         _("%s: the chain does not end in the header's head (entry %" PRIu64 ")"),
		         d->id, d->size);
}

static void
read_entry(struct run *r, struct dstate *s, const json_t *o)
{
	struct oversee_district *d = s->d;
	struct oversee_entry *e;
	uint8_t eh[32], claimed[32], want[32];
	const char *kind = jstr(o, "kind"), *daytext = jstr(o, "day");
	uint64_t index;
	char b1[CODEC_DAY_LEN + 1];
	int k;

	if (s->phase != 0) {
		prob_add(&r->p,
		         _("%s: a chain entry after its updates or statements (line %" PRIu64 ")"),
		         d->id, r->line);
		return;
	}
	k = kind == NULL                    ? 0
	    : strcmp(kind, "report") == 0   ? CHAIN_KIND_REPORT
	    : strcmp(kind, "followup") == 0 ? CHAIN_KIND_FOLLOWUP
	                                    : 0;
	if (codec_json_count(o, "index", &index) != 0 || index == 0 || k == 0 || daytext == NULL ||
	    !codec_day_valid(daytext) || codec_json_b64u(o, "envelope_hash", eh, 32) != 0 ||
	    codec_json_b64u(o, "chain", claimed, 32) != 0) {
		prob_add(&r->p, _("%s: line %" PRIu64 " is a malformed chain entry"), d->id,
		         r->line);
		return;
	}
	if (index <= s->at || index > d->size) {
		prob_add(&r->p,
		         _("%s: entry %" PRIu64 " %s (after entry %" PRIu64 " of %" PRIu64 ")"),
		         d->id, index,
		         index <= s->at ? "is out of order or repeated"
		                        : "is beyond the header's size",
		         s->at, d->size);
		return;
	}
	if (buf_grow((void **)&d->entries, &s->cap_e, index, sizeof *d->entries) != 0) {
		r->nomem = 1;
		return;
	}
	if (index == s->at + 2) {
		prob_add(&r->p,
		         _("%s: entry %" PRIu64 " is missing: entry %" PRIu64
		           " follows entry %" PRIu64),
		         d->id, s->at + 1, index, s->at);
		memset(&d->entries[s->at], 0, sizeof *d->entries);
	} else if (index > s->at + 2) {
		prob_add(&r->p,
		         _("%s: entries %" PRIu64 "..%" PRIu64 " are missing: entry %" PRIu64
		           " follows entry %" PRIu64),
		         d->id, s->at + 1, index - 1, index, s->at);
		memset(&d->entries[s->at], 0, (size_t)(index - 1 - s->at) * sizeof *d->entries);
	}
	e = &d->entries[index - 1];
	memset(e, 0, sizeof *e);
	if (codec_json_b64u(o, "lookup", e->lookup, 32) != 0) {
		prob_add(&r->p, _("%s: line %" PRIu64 " is a malformed chain entry"), d->id,
		         r->line);
		return;
	}
	e->kind = k;
	codec_day_number(daytext, &e->day);
	memcpy(e->chain, claimed, 32);
	if (index == s->at + 1) {
		chain_next(want, s->chain, index, k, e->lookup, eh, daytext);
		if (sodium_memcmp(want, claimed, 32) != 0)
			prob_add(&r->p,
			         _("%s: entry %" PRIu64 " does not follow from entry %" PRIu64
			           " (its chain value differs: altered, dropped or reordered)"),
			         d->id, index, index - 1);
	}
	if (e->day > r->ov->daynum)
		prob_add(&r->p, _("%s: entry %" PRIu64 " is dated %s, after the bundle's day %s"),
		         d->id, index, daytext, r->ov->day);
	if (s->at > 0 && e->day < s->last_day)
		prob_add(&r->p,
		         _("%s: entry %" PRIu64 " is dated %s, before entry %" PRIu64
		           " (%s): the server's days go back"),
		         d->id, index, daytext, s->at, dayname(s->last_day, b1));
	if (k == CHAIN_KIND_REPORT) {
		uint64_t other = lmap_find(&s->reports, d->entries, e->lookup);

		e->report = index;
		if (other != 0)
			prob_add(&r->p,
			         _("%s: report %" PRIu64 " has the lookup of report %" PRIu64),
			         d->id, index, other);
		else if (lmap_add(&s->reports, d->entries, index) != 0)
			r->nomem = 1;
	} else {
		/* its report, when the lookup names one (nothing here depends on it) */
		e->report = lmap_find(&s->reports, d->entries, e->lookup);
	}
	memcpy(s->chain, claimed, 32);
	s->last_day = e->day;
	s->at = index;
	r->ov->entries++;
}

static void
read_update(struct run *r, struct dstate *s, const json_t *o)
{
	struct oversee_district *d = s->d;
	struct oversee_update u, *prev;
	char b1[CODEC_DAY_LEN + 1], b2[CODEC_DAY_LEN + 1];

	if (s->phase > 1) {
		prob_add(&r->p, _("%s: an applied update after its statements (line %" PRIu64 ")"),
		         d->id, r->line);
		return;
	}
	if (s->phase == 0)
		finish_chain(r, s);
	s->phase = 1;
	memset(&u, 0, sizeof u);
	if (codec_json_count(o, "applied", &u.seq) != 0 || u.seq == 0 ||
	    jday(o, "day", &u.day) != 0 || codec_json_b64u(o, "update_hash", u.hash, 32) != 0 ||
	    codec_json_count(o, "acks_through", &u.acks_through) != 0) {
		prob_add(&r->p, _("%s: line %" PRIu64 " is a malformed applied update"), d->id,
		         r->line);
		return;
	}
	prev = d->nupdates > 0 ? &d->updates[d->nupdates - 1] : NULL;
	if (prev != NULL && u.seq <= prev->seq) {
		prob_add(&r->p,
		         _("%s: update %" PRIu64 " follows update %" PRIu64 " (out of order)"),
		         d->id, u.seq, prev->seq);
		return;
	}
	if (u.acks_through > s->at)
		prob_add(&r->p,
		         _("%s: update %" PRIu64 " acknowledges through entry %" PRIu64
		           ", beyond the chain (%" PRIu64 ")"),
		         d->id, u.seq, u.acks_through, s->at);
	else if (u.acks_through > 0 && u.day < d->entries[u.acks_through - 1].day)
		prob_add(&r->p,
		         _("%s: update %" PRIu64 " was applied on %s, before entry %" PRIu64
		           " it acknowledges arrived (%s)"),
		         d->id, u.seq, dayname(u.day, b1), u.acks_through,
		         dayname(d->entries[u.acks_through - 1].day, b2));
	if (prev != NULL && u.acks_through < prev->acks_through)
		prob_add(&r->p,
		         _("%s: update %" PRIu64 " acknowledges less (%" PRIu64
		           ") than update %" PRIu64 " (%" PRIu64 ")"),
		         d->id, u.seq, u.acks_through, prev->seq, prev->acks_through);
	if (prev != NULL && u.day < prev->day)
		prob_add(&r->p,
		         _("%s: update %" PRIu64 " was applied on %s, before update %" PRIu64
		           " (%s): the server's days go back"),
		         d->id, u.seq, dayname(u.day, b1), prev->seq, dayname(prev->day, b2));
	if (u.day > r->ov->daynum)
		prob_add(&r->p, _("%s: update %" PRIu64 " is dated %s, after the bundle's day %s"),
		         d->id, u.seq, dayname(u.day, b1), r->ov->day);
	if (buf_grow((void **)&d->updates, &s->cap_u, d->nupdates + 1, sizeof *d->updates) != 0) {
		r->nomem = 1;
		return;
	}
	d->updates[d->nupdates++] = u;
	r->ov->updates++;
}

static int
cmp_seq(const void *key, const void *elem)
{
	uint64_t k = *(const uint64_t *)key, q = ((const struct oversee_update *)elem)->seq;

	return (k > q) - (k < q);
}

struct oversee_update *
oversee_update_of(const struct oversee_district *d, uint64_t seq)
{
	return d->nupdates == 0
	               ? NULL
	               : bsearch(&seq, d->updates, d->nupdates, sizeof *d->updates, cmp_seq);
}

static void
read_statement(struct run *r, struct dstate *s, const json_t *o)
{
	struct oversee_district *d = s->d;
	struct oversee_statement st;
	struct oversee_update *u;
	struct sign_case_fields f;
	uint8_t sig[SIGN_BYTES], h[32];
	const char *status = jstr(o, "status"), *sday = jstr(o, "status_day");

	if (s->phase == 0)
		finish_chain(r, s);
	s->phase = 2;
	memset(&st, 0, sizeof st);
	memset(&f, 0, sizeof f);
	f.district = d->id;
	if (codec_json_b64u(o, "lookup", f.lookup, 32) != 0 ||
	    codec_json_count(o, "index", &f.index) != 0 || (st.status = status_parse(status)) < 0 ||
	    sday == NULL || !codec_day_valid(sday) ||
	    codec_json_count(o, "replies", &f.replies) != 0 ||
	    codec_json_b64u(o, "replies_hash", f.replies_hash, 32) != 0 ||
	    codec_json_count(o, "followups_verified", &f.followups_verified) != 0 ||
	    codec_json_count(o, "seq", &f.seq) != 0 ||
	    codec_json_b64u(o, "sig", sig, sizeof sig) != 0) {
		prob_add(&r->p, _("%s: line %" PRIu64 " is a malformed statement"), d->id, r->line);
		return;
	}
	f.status = status;
	f.status_day = sday;
	u = oversee_update_of(d, f.seq);
	if (u == NULL) {
		prob_add(&r->p,
		         _("%s: the statement on report %" PRIu64 " belongs to update %" PRIu64
		           ", which the bundle does not list as applied"),
		         d->id, f.index, f.seq);
		return;
	}
	/* counted before anything else, so that one lie does not read as many dropped */
	chain_h256(h, sig, sizeof sig);
	for (size_t i = 0; i < 32; i++)
		u->digest[i] ^= h[i];
	u->statements++;
	if (f.index == 0 || f.index > s->at || d->entries[f.index - 1].kind != CHAIN_KIND_REPORT ||
	    memcmp(d->entries[f.index - 1].lookup, f.lookup, 32) != 0) {
		prob_add(&r->p,
		         _("%s: a statement names index %" PRIu64 " (seq %" PRIu64
		           "), which is not a report of the chain with its lookup"),
		         d->id, f.index, f.seq);
		return;
	}
	if (f.index > u->acks_through)
		prob_add(&r->p,
		         _("%s: the statement on report %" PRIu64 " belongs to update %" PRIu64
		           ", which acknowledges only through entry %" PRIu64),
		         d->id, f.index, f.seq, u->acks_through);
	if (s->key_ok) {
		struct pending *pd;

		if (buf_grow((void **)&r->pend, &r->cap_pend, r->npend + 1, sizeof *r->pend) != 0) {
			r->nomem = 1;
			return;
		}
		pd = &r->pend[r->npend++];
		pd->d = (size_t)(s - r->ds);
		pd->index = f.index;
		pd->seq = f.seq;
		pd->replies = f.replies;
		pd->followups = f.followups_verified;
		pd->status = st.status;
		memcpy(pd->status_day, sday, CODEC_DAY_LEN + 1);
		memcpy(pd->lookup, f.lookup, 32);
		memcpy(pd->replies_hash, f.replies_hash, 32);
		memcpy(pd->sig, sig, sizeof sig);
	}
	st.index = f.index;
	st.seq = f.seq;
	codec_day_number(sday, &st.status_day);
	st.replies = f.replies;
	st.followups = f.followups_verified;
	if (buf_grow((void **)&d->statements, &s->cap_s, d->nstatements + 1,
	             sizeof *d->statements) != 0) {
		r->nomem = 1;
		return;
	}
	d->statements[d->nstatements++] = st;
	r->ov->statements++;
}

static int
cmp_statement(const void *a, const void *b)
{
	const struct oversee_statement *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Per case: seq rising, replies and verified follow-ups never lower. */
static void
check_statements(struct run *r, struct oversee_district *d)
{
	if (d->nstatements > 1)
		qsort(d->statements, d->nstatements, sizeof *d->statements, cmp_statement);
	for (size_t i = 1; i < d->nstatements; i++) {
		const struct oversee_statement *a = &d->statements[i - 1], *b = &d->statements[i];

		if (a->index != b->index)
			continue;
		if (a->seq == b->seq)
			prob_add(&r->p,
			         _("%s: report %" PRIu64 " has two statements of update %" PRIu64),
			         d->id, b->index, b->seq);
		else if (b->replies < a->replies || b->followups < a->followups)
			prob_add(&r->p,
			         _("%s: the statement on report %" PRIu64 " of update %" PRIu64
			           " counts fewer replies or follow-ups than that of update "
			           "%" PRIu64),
			         d->id, b->index, b->seq, a->seq);
	}
}

/* This bundle against what was verified before. */
static void
check_against_pin(struct run *r, struct dstate *s)
{
	struct oversee_district *d = s->d;
	const struct pin *p = &s->pin;
	/* only the entries read: a bundle cut short is refused already, and holds no more */
	uint64_t have = s->at < d->size ? s->at : d->size;
	uint64_t n = have < p->size ? have : p->size, first = 0, nlate = 0;
	char b1[CODEC_DAY_LEN + 1], b2[CODEC_DAY_LEN + 1];

	if (!p->present)
		return;
	for (uint64_t i = 0; i < n; i++)
		if (sodium_memcmp(d->entries[i].chain, p->chains + i * 32, 32) != 0) {
			prob_add(&r->p,
			         _("%s: entry %" PRIu64
			           " differs from the one verified on %s (and so "
			           "does every chain value after it, through %" PRIu64
			           "): an entry at or after %" PRIu64
			           " was altered, dropped or reordered"),
			         d->id, i + 1, p->day, n, i + 1);
			break;
		}
	if (d->size + 1 == p->size)
		prob_add(&r->p,
		         _("%s: the chain holds %" PRIu64
		           " entries; the bundle verified on %s held %" PRIu64 ": entry %" PRIu64
		           " is missing (dropped by the server, or an old bundle)"),
		         d->id, d->size, p->day, p->size, p->size);
	else if (d->size < p->size)
		prob_add(&r->p,
		         _("%s: the chain holds %" PRIu64
		           " entries; the bundle verified on %s held %" PRIu64 ": entries %" PRIu64
		           "..%" PRIu64 " are missing (dropped by the server, or an old bundle)"),
		         d->id, d->size, p->day, p->size, d->size + 1, p->size);
	for (uint64_t i = p->size; i < have; i++)
		if (d->entries[i].day < p->daynum) {
			if (nlate++ == 0)
				first = i + 1;
		}
	if (nlate == 1)
		prob_add(&r->p,
		         _("%s: entry %" PRIu64
		           " is dated %s, before %s, the day of the bundle verified "
		           "then, which did not hold it (backdated by the server)"),
		         d->id, first, dayname(d->entries[first - 1].day, b1), p->day);
	else if (nlate > 1)
		prob_add(&r->p,
		         _("%s: %" PRIu64 " entries from %" PRIu64
		           " on are dated before %s, the day of "
		           "the bundle verified then, which did not hold them (backdated by the "
		           "server)"),
		         d->id, nlate, first, p->day);
	for (size_t i = 0; i < p->nupdates; i++) {
		const struct oversee_update *pu = &p->updates[i];
		const struct oversee_update *u = oversee_update_of(d, pu->seq);

		if (u == NULL) {
			prob_add(&r->p,
			         _("%s: update %" PRIu64
			           ", verified on %s, is missing from this bundle"),
			         d->id, pu->seq, p->day);
			continue;
		}
		if (u->day != pu->day || sodium_memcmp(u->hash, pu->hash, 32) != 0 ||
		    u->acks_through != pu->acks_through)
			prob_add(&r->p,
			         _("%s: update %" PRIu64
			           " differs from the one verified on %s (applied on "
			           "%s, was %s; its file hash or acks_through may differ too)"),
			         d->id, pu->seq, p->day, dayname(u->day, b1), dayname(pu->day, b2));
		else if (u->statements != pu->statements ||
		         sodium_memcmp(u->digest, pu->digest, 32) != 0)
			prob_add(&r->p,
			         _("%s: update %" PRIu64 " comes with %" PRIu64
			           " statements; the bundle verified on %s had %" PRIu64
			           "%s (statements dropped or swapped)"),
			         d->id, pu->seq, u->statements, p->day, pu->statements,
			         u->statements == pu->statements ? ", other ones" : "");
	}
	for (size_t i = 0; i < d->nupdates; i++) {
		const struct oversee_update *u = &d->updates[i];
		int known = 0;

		for (size_t k = 0; k < p->nupdates && !known; k++)
			known = p->updates[k].seq == u->seq;
		if (known)
			continue;
		if (p->nupdates > 0 && u->seq < p->updates[p->nupdates - 1].seq)
			prob_add(&r->p,
			         _("%s: update %" PRIu64
			           " was not in the bundle verified on %s, though "
			           "later updates were"),
			         d->id, u->seq, p->day);
		else if (u->day < p->daynum)
			prob_add(&r->p,
			         _("%s: update %" PRIu64
			           " is dated %s, before the bundle verified on %s, "
			           "which did not list it (backdated by the server)"),
			         d->id, u->seq, dayname(u->day, b1), p->day);
	}
}

/* ---- statement signatures, on every core ---------------------------------------------- */

#define VERIFY_THREADS_MAX 8

struct vjob {
	const struct run *r;
	uint8_t *bad;
	size_t first, step;
};

static void *
verify_some(void *arg)
{
	const struct vjob *j = arg;
	const struct run *r = j->r;

	for (size_t i = j->first; i < r->npend; i += j->step) {
		const struct pending *pd = &r->pend[i];
		const struct oversee_district *d = &r->ov->d[pd->d];
		struct sign_case_fields f;

		memset(&f, 0, sizeof f);
		f.district = d->id;
		memcpy(f.lookup, pd->lookup, 32);
		f.index = pd->index;
		f.status = status_names[pd->status];
		f.status_day = pd->status_day;
		f.replies = pd->replies;
		memcpy(f.replies_hash, pd->replies_hash, 32);
		f.followups_verified = pd->followups;
		f.seq = pd->seq;
		j->bad[i] = sign_case_verify(pd->sig, d->sign_pk, &f) != 0;
	}
	return NULL;
}

/* Verifies every pending statement, in threads when there are many; adds a problem per failure. */
static void
verify_pending(struct run *r)
{
	struct vjob jobs[VERIFY_THREADS_MAX];
	pthread_t th[VERIFY_THREADS_MAX];
	int started[VERIFY_THREADS_MAX] = {0};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores < 1 ? 1 : cores > VERIFY_THREADS_MAX ? VERIFY_THREADS_MAX : (size_t)cores;
	uint8_t *bad;

	if (r->npend == 0)
		return;
	bad = calloc(r->npend, 1);
	if (bad == NULL) {
		r->nomem = 1;
		return;
	}
	if (r->npend < 1024)
		n = 1;
	for (size_t k = 0; k < n; k++) {
		jobs[k].r = r;
		jobs[k].bad = bad;
		jobs[k].first = k;
		jobs[k].step = n;
	}
	for (size_t k = 1; k < n; k++)
		started[k] = pthread_create(&th[k], NULL, verify_some, &jobs[k]) == 0;
	verify_some(&jobs[0]);
	for (size_t k = 1; k < n; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			verify_some(&jobs[k]); /* no thread: do its share here */
	}
	for (size_t i = 0; i < r->npend; i++)
		if (bad[i])
			prob_add(&r->p,
			         _("%s: the statement on report %" PRIu64 " (update %" PRIu64
			           ") does not verify with %s's key"),
			         r->ov->d[r->pend[i].d].id, r->pend[i].index, r->pend[i].seq,
			         r->ov->d[r->pend[i].d].id);
	free(bad);
}

void
oversee_free(struct oversee *ov)
{
	if (ov == NULL)
		return;
	for (size_t i = 0; i < ov->nd; i++) {
		free(ov->d[i].entries);
		free(ov->d[i].updates);
		free(ov->d[i].statements);
	}
	free(ov->d);
	free(ov);
}

static void
free_states(struct run *r)
{
	for (size_t i = 0; r->ds != NULL && i < r->ov->nd; i++) {
		free(r->ds[i].reports.slot);
		free(r->ds[i].pin.updates);
	}
	free(r->ds);
	r->ds = NULL;
}

int
oversee_verify(FILE *f, struct pins_txn *t, const struct oversee_opts *o, struct oversee **out,
               char **msg)
{
	struct bundle_reader br;
	struct run r;
	struct dstate *cur = NULL;
	json_t *obj = NULL;
	int rc, ret = 1, header_ok = 0, sig_ok = 0;

	*out = NULL;
	*msg = NULL;
	memset(&r, 0, sizeof r);
	r.o = o;
	r.ov = calloc(1, sizeof *r.ov);
	if (r.ov == NULL) {
		*msg = buf_printf(_("out of memory"));
		return -1;
	}
	bundle_reader_init(&br, f, OVERSEE_LINE_MAX);
	rc = bundle_read(&br, &obj);
	r.line = 1;
	if (rc != BUNDLE_OK) {
		prob_add(&r.p, _("line 1: %s"),
		         rc == BUNDLE_END ? "no header" : bundle_strerror(rc));
		goto done;
	}
	if (read_header(&r, obj) != 0)
		goto done;
	json_decref(obj);
	obj = NULL;
	header_ok = 1;
	r.p.front = 1;
	rc = check_keys(&r, t);
	r.p.front = 0;
	if (rc != 0) {
		*msg = buf_printf(_("cannot read %s"), PINS_FILE);
		ret = -1;
		goto done;
	}
	while (!r.nomem && (rc = bundle_read(&br, &obj)) == BUNDLE_OK) {
		const char *id = jstr(obj, "district");
		struct dstate *s;

		r.line++;
		s = cur != NULL && id != NULL && strcmp(cur->d->id, id) == 0
		            ? cur
		            : find_district(&r, id);
		if (s == NULL) {
			prob_add(&r.p, _("line %" PRIu64 " names no commission of the header"),
			         r.line);
		} else if (s != cur && s->started) {
			prob_add(&r.p, _("line %" PRIu64 ": the lines of %s are not together"),
			         r.line, s->d->id);
		} else if (cur != NULL && s != cur && s < cur) {
			prob_add(&r.p,
			         _("line %" PRIu64 ": %s comes after %s, unlike in the header"),
			         r.line, s->d->id, cur->d->id);
		} else {
			if (s != cur && cur != NULL)
				finish_chain(&r, cur);
			cur = s;
			s->started = 1;
			if (json_object_get(obj, "kind") != NULL)
				read_entry(&r, s, obj);
			else if (json_object_get(obj, "applied") != NULL)
				read_update(&r, s, obj);
			else if (jstr(obj, "op") != NULL && strcmp(jstr(obj, "op"), "case") == 0)
				read_statement(&r, s, obj);
			else
				prob_add(&r.p,
				         _("line %" PRIu64
				           " is neither a chain entry, an update nor a "
				           "statement"),
				         r.line);
		}
		json_decref(obj);
		obj = NULL;
	}
	if (r.nomem)
		goto done;
	if (rc != BUNDLE_END) {
		prob_add(&r.p, _("line %" PRIu64 ": %s"), r.line + 1, bundle_strerror(rc));
		goto done;
	}
	if (bundle_reader_verify(&br, BUNDLE_SIG_OVERSIGHT, r.ov->server_pk) != BUNDLE_OK) {
		/* every other finding is moot: the file is not what the server signed */
		prob_clear(&r.p);
		prob_add(&r.p,
		         _("the server's signature does not verify: the file was altered after "
		           "the server wrote it"));
		goto done;
	}
	sig_ok = 1;
	verify_pending(&r);
	for (size_t i = 0; i < r.ov->nd; i++) {
		finish_chain(&r, &r.ds[i]);
		check_statements(&r, r.ds[i].d);
	}
	r.p.front = 1; /* against what was verified before: the first thing to say */
	{
		const struct dstate *newest = NULL;

		for (size_t i = 0; i < r.ov->nd; i++)
			if (r.ds[i].pin.present &&
			    (newest == NULL || r.ds[i].pin.daynum > newest->pin.daynum))
				newest = &r.ds[i];
		if (newest != NULL && newest->pin.daynum > r.ov->daynum)
			prob_add(&r.p,
			         _("this bundle is of %s, but one of %s was verified already: an "
			           "old "
			           "bundle replayed?"),
			         r.ov->day, newest->pin.day);
	}
	for (size_t i = 0; i < r.ov->nd; i++)
		check_against_pin(&r, &r.ds[i]);
done:
	json_decref(obj);
	bundle_reader_free(&br);
	if (r.nomem) {
		*msg = buf_printf(_("out of memory"));
		ret = -1;
	} else if (ret == 1 && r.p.n == 0 && header_ok && sig_ok) {
		/* verified: pin it all */
		rc = PINS_OK;
		if (r.ov->server_pinned_now)
			rc = pins_put(t, "server", r.ov->server_pk, 32);
		for (size_t i = 0; rc == PINS_OK && i < r.ov->nd; i++)
			rc = pin_store(t, &r.ov->d[i], r.ov->day);
		if (rc != PINS_OK) {
			*msg = buf_printf(_("cannot write %s: %s"), PINS_FILE, pins_strerror(rc));
			ret = -1;
		} else {
			ret = 0;
		}
	} else if (ret == 1) {
		if (r.p.n == 0)
			prob_add(&r.p, _("the bundle is not complete"));
		*msg = r.p.nomem ? buf_printf(_("oversight bundle refused")) : prob_message(&r.p);
	}
	if (*msg == NULL && ret != 0)
		*msg = buf_printf(_("out of memory"));
	free_states(&r);
	if (ret == 0)
		*out = r.ov;
	else
		oversee_free(r.ov);
	prob_clear(&r.p);
	free(r.pend);
	return ret;
}
