/* ingest: see ingest.h. */
#include "admin/ingest.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/buf.h"
#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/keys.h"
#include "admin/workflow.h"
#include "crypto/bind.h"
#include "crypto/chain.h"
#include "crypto/envelope.h"
#include "crypto/serverkey.h"
#include "crypto/sign.h"

/* Problems named in the one-line message; the rest are counted. */
#define SHOWN_MAX 12
/* Indices of one range added to the bad list; a longer range adds its ends. */
#define RANGE_MAX 1000

struct problems {
	char *text;
	size_t len, cap;
	size_t count;
	uint64_t *bad;
	size_t nbad, capbad;
	int nomem;
};

static void
bad_add(struct problems *p, uint64_t x)
{
	if (buf_grow((void **)&p->bad, &p->capbad, p->nbad + 1, sizeof *p->bad) != 0)
		p->nomem = 1;
	else
		p->bad[p->nbad++] = x;
}

static void
text_add(struct problems *p, const char *s)
{
	size_t n = strlen(s);

	if (p->len + n + 1 > p->cap) {
		size_t ncap = (p->len + n + 1) * 2;
		char *nt = realloc(p->text, ncap);

		if (nt == NULL) {
			p->nomem = 1;
			return;
		}
		p->text = nt;
		p->cap = ncap;
	}
	memcpy(p->text + p->len, s, n + 1);
	p->len += n;
}

/* Records a problem about indices first..last (none when first is 0). */
static void prob_add(struct problems *p, uint64_t first, uint64_t last, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void
prob_add(struct problems *p, uint64_t first, uint64_t last, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (first > 0) {
		if (last - first < RANGE_MAX) {
			for (uint64_t x = first; x <= last; x++)
				bad_add(p, x);
		} else {
			bad_add(p, first);
			bad_add(p, last);
		}
	}
	p->count++;
	if (p->count > SHOWN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (p->count > 1)
		text_add(p, "; ");
	text_add(p, line);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- header ------------------------------------------------------------- */

int
ingest_open(struct ingest *g, FILE *f, char *err, size_t errsz)
{
	const char *type, *district, *day, *bad = NULL;
	json_t *h = NULL;
	int rc;

	memset(g, 0, sizeof *g);
	bundle_reader_init(&g->r, f, INGEST_MAX_LINE);
	rc = bundle_read(&g->r, &h);
	if (rc != BUNDLE_OK) {
		snprintf(err, errsz, _("not an export bundle: %s"),
		         rc == BUNDLE_END ? "no header line" : bundle_strerror(rc));
		return -1;
	}
	type = json_string_value(json_object_get(h, "type"));
	district = json_string_value(json_object_get(h, "district"));
	day = json_string_value(json_object_get(h, "day"));
	if (type == NULL || strcmp(type, BUNDLE_TYPE_EXPORT) != 0)
		bad = "type";
	else if (json_integer_value(json_object_get(h, "v")) != 1 ||
	         !json_is_integer(json_object_get(h, "v")))
		bad = "v";
	else if (!codec_district_valid(district))
		bad = "district";
	else if (codec_json_b64u(h, "server_sign_pk", g->server_pk, 32) != 0)
		bad = "server_sign_pk";
	else if (codec_json_count(h, "from", &g->from) != 0 || g->from == 0 || g->from > INT64_MAX)
		bad = "from";
	else if (codec_json_count(h, "to", &g->to) != 0 || g->to + 1 < g->from)
		bad = "to";
	else if (codec_json_b64u(h, "prev_head", g->prev_head, 32) != 0)
		bad = "prev_head";
	else if (codec_json_b64u(h, "head", g->head, 32) != 0)
		bad = "head";
	else if (!codec_day_valid(day))
		bad = "day";
	else if (json_object_get(h, "applied_seq") != NULL &&
	         codec_json_count(h, "applied_seq", &g->applied_seq) != 0)
		bad = "applied_seq";
	if (bad != NULL) {
		snprintf(err, errsz,
		         _("not a valid export bundle: header field \"%s\" is missing or "
		           "malformed"),
		         bad);
		json_decref(h);
		return -1;
	}
	snprintf(g->district, sizeof g->district, "%s", district);
	memcpy(g->day, day, CODEC_DAY_LEN + 1);
	g->has_applied = json_object_get(h, "applied_seq") != NULL;
	json_decref(h);
	return 0;
}

void
ingest_close(struct ingest *g)
{
	bundle_reader_free(&g->r);
}

void
ingest_result_free(struct ingest_result *res)
{
	free(res->bad);
	free(res->message);
	memset(res, 0, sizeof *res);
}

/* ---- entries ------------------------------------------------------------ */

struct entry_in {
	struct archive_entry e;
	const char *bad_field;
};

/*
 * Reads an entry line's fields into in; the envelope is decoded into *buf
 * (grown as needed, *cap bytes, kept by the caller for the next entry).
 * Returns 0, or -1 with in->bad_field naming the field missing or malformed
 * (or the envelope when *buf cannot grow).
 */
static int
parse_entry(const json_t *o, struct entry_in *in, uint8_t **buf, size_t *cap)
{
	struct archive_entry *e = &in->e;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *day = json_string_value(json_object_get(o, "day"));
	const json_t *rpk = json_object_get(o, "reply_pk");
	const json_t *env = json_object_get(o, "envelope");
	size_t elen, need;

	memset(in, 0, sizeof *in);
	if (codec_json_count(o, "index", &e->index) != 0 || e->index == 0) {
		in->bad_field = "index";
		return -1;
	}
	if (kind != NULL && strcmp(kind, "report") == 0) {
		e->kind = CHAIN_KIND_REPORT;
	} else if (kind != NULL && strcmp(kind, "followup") == 0) {
		e->kind = CHAIN_KIND_FOLLOWUP;
	} else {
		in->bad_field = "kind";
		return -1;
	}
	if (codec_json_b64u(o, "lookup", e->lookup, 32) != 0) {
		in->bad_field = "lookup";
		return -1;
	}
	if (e->kind == CHAIN_KIND_REPORT) {
		if (codec_b64u_decode_exact(e->reply_pk, 32, json_string_value(rpk)) != 0) {
			in->bad_field = "reply_pk";
			return -1;
		}
		e->has_reply_pk = 1;
	} else if (rpk != NULL && !json_is_null(rpk)) {
		in->bad_field = "reply_pk";
		return -1;
	}
	if (!codec_day_valid(day)) {
		in->bad_field = "day";
		return -1;
	}
	memcpy(e->day, day, CODEC_DAY_LEN + 1);
	if (codec_json_b64u(o, "envelope_hash", e->envelope_hash, 32) != 0) {
		in->bad_field = "envelope_hash";
		return -1;
	}
	if (codec_json_b64u(o, "chain", e->chain, 32) != 0) {
		in->bad_field = "chain";
		return -1;
	}
	if (!json_is_string(env) || json_string_length(env) == 0) {
		in->bad_field = "envelope";
		return -1;
	}
	need = json_string_length(env) / 4 * 3 + 3;
	if (need > *cap) {
		free(*buf); /* nothing in it is needed any more: no copy */
		*cap = 0;
		*buf = malloc(need);
		if (*buf == NULL) {
			in->bad_field = "envelope (out of memory)";
			return -1;
		}
		*cap = need;
	}
	if (codec_b64u_decode(*buf, *cap, &elen, json_string_value(env), json_string_length(env)) !=
	            0 ||
	    elen == 0) {
		in->bad_field = "envelope";
		return -1;
	}
	e->envelope = *buf;
	e->envelope_len = elen;
	return 0;
}

struct manifest_seen {
	int got;
	int v;
	char kind[16];
	char district[CODEC_DISTRICT_BUF];
	int has_lookup;
	uint8_t lookup[32];
	int real_name; /* a report with an identity block */
	/* a report's bind (§6) against the entry's lookup and reply_pk */
	const uint8_t *entry_lookup, *entry_reply_pk; /* set by open_envelope */
	int bind_rc;                                  /* bind_report_check's result */
	uint8_t sign_pk[32];                          /* bind.sign_pk when bind_rc is BIND_OK */
	/* a follow-up's signed fields (§6), checked once the attachments are hashed */
	int fu_fields; /* district, lookup, purpose and body were well-formed */
	int has_sig;
	uint8_t sig[SIGN_BYTES];
	char purpose[33];
	uint8_t body_hash[32];
	/* H256 of each attachment, as the opener delivers them */
	size_t natt;
	long cur; /* the attachment being hashed, -1 before the first */
	crypto_generichash_state h;
	uint8_t att_hash[ENVELOPE_ATTACHMENTS_MAX][32];
};

/*
 * What the work on one entry line that needs no other entry found out:
 * the fields (parse_entry), the envelope's hash and, when opened ahead
 * (the pipeline), the opener's result and the manifest's facts.
 */
struct entry_work {
	int parsed; /* parse_entry's result: 0, or -1 with in.bad_field */
	struct entry_in in;
	uint8_t hash[32]; /* chain_h256 of the envelope, when parsed */
	int opened;       /* the envelope was opened: orc and *ms hold the result */
	int orc;
	const struct manifest_seen *ms; /* sodium_malloc'd (struct pipe), wiped after use */
};

static int
on_manifest(void *ctx, const char *json, size_t len, const json_t *m)
{
	struct manifest_seen *s = ctx;
	const char *kind = json_string_value(json_object_get(m, "kind"));
	const char *district = json_string_value(json_object_get(m, "district"));

	(void)json;
	(void)len;
	s->got = 1;
	s->v = json_is_integer(json_object_get(m, "v"))
	               ? (int)json_integer_value(json_object_get(m, "v"))
	               : -1;
	if (kind != NULL && strlen(kind) < sizeof s->kind)
		memcpy(s->kind, kind, strlen(kind) + 1);
	if (codec_district_valid(district))
		memcpy(s->district, district, strlen(district) + 1);
	s->has_lookup = codec_json_b64u(m, "lookup", s->lookup, 32) == 0;
	s->real_name = workflow_manifest_real_name(m);
	s->natt =
	        json_array_size(json_object_get(m, "attachments")); /* the opener checked <= 100 */
	s->cur = -1;
	if (kind != NULL && strcmp(kind, "report") == 0 && s->entry_lookup != NULL)
		s->bind_rc = bind_report_check(m, s->entry_lookup, s->entry_reply_pk, s->sign_pk);
	if (kind != NULL && strcmp(kind, "followup") == 0) {
		const char *purpose = json_string_value(json_object_get(m, "purpose"));
		const json_t *body = json_object_get(m, "body");

		s->has_sig =
		        codec_b64u_decode_exact(s->sig, SIGN_BYTES,
		                                json_string_value(json_object_get(m, "sig"))) == 0;
		if (codec_district_valid(district) && s->has_lookup && purpose != NULL &&
		    strlen(purpose) < sizeof s->purpose && json_is_string(body)) {
			memcpy(s->purpose, purpose, strlen(purpose) + 1);
			chain_h256(s->body_hash, (const uint8_t *)json_string_value(body),
			           json_string_length(body));
			s->fu_fields = 1;
		}
	}
	return 0;
}

/* Ends the hash of the attachment being hashed; empty ones up to upto get H256(""). */
static void
att_close(struct manifest_seen *s, long upto)
{
	if (s->cur >= 0 && (size_t)s->cur < s->natt)
		crypto_generichash_final(&s->h, s->att_hash[s->cur], 32);
	for (long j = s->cur + 1; j < upto && (size_t)j < s->natt; j++)
		chain_h256(s->att_hash[j], NULL, 0);
}

/* Hashes attachment bytes as they come (for a follow-up's signature). */
static int
on_attachment(void *ctx, size_t index, const uint8_t *data, size_t len)
{
	struct manifest_seen *s = ctx;

	if (index >= s->natt)
		return 0; /* the opener refuses such an envelope */
	if ((long)index != s->cur) {
		att_close(s, (long)index);
		s->cur = (long)index;
		crypto_generichash_init(&s->h, NULL, 0, 32);
	}
	crypto_generichash_update(&s->h, data, len);
	return 0;
}

/*
 * Opens env with the district key; fills s. *o is the run's opener: made on
 * first use, reset (wiped) for every later envelope, freed by the caller
 * with envelope_open_free. Returns ENVELOPE_OK or an envelope error
 * (ENVELOPE_ERR_NOMEM when the opener cannot be made).
 */
static int
open_envelope(struct envelope_opener **o, const struct keyfile_secret *key,
              const struct archive_entry *e, struct manifest_seen *s)
{
	struct envelope_callbacks cb = {on_manifest, on_attachment, s};
	const uint8_t *env = e->envelope;
	size_t len = e->envelope_len;
	int rc;

	memset(s, 0, sizeof *s);
	s->entry_lookup = e->lookup;
	s->entry_reply_pk = e->reply_pk;
	s->bind_rc = BIND_ERR_MISSING;
	if (*o == NULL)
		rc = envelope_open_init(o, key->pub.box_pk, key->box_sk, &cb);
	else
		rc = envelope_open_reset(*o, key->pub.box_pk, key->box_sk, &cb);
	if (rc != ENVELOPE_OK)
		return rc;
	rc = envelope_open_update(*o, env, len);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(*o);
	if (s->got)
		att_close(s, (long)s->natt);
	s->entry_lookup = s->entry_reply_pk = NULL; /* not valid beyond this call */
	return rc;
}

/*
 * The lookups of the reports in this bundle (for the follow-ups after
 * them), with an open-addressing index keyed by SipHash under a random key,
 * so a bundle crafted with colliding lookups cannot make ingest quadratic.
 */
struct lookups {
	uint8_t (*l)[32];
	uint64_t *index;
	size_t n, cap;
	size_t *slot; /* 1 + position in l, 0 when empty */
	size_t nslot;
	uint8_t key[crypto_shorthash_KEYBYTES];
};

static size_t
lookups_hash(const struct lookups *ls, const uint8_t lookup[32])
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t x;

	crypto_shorthash(h, lookup, 32, ls->key);
	memcpy(&x, h, sizeof x);
	return (size_t)(x % ls->nslot);
}

static int
lookups_find(const struct lookups *ls, const uint8_t lookup[32], uint64_t *index)
{
	if (ls->nslot == 0)
		return 0;
	for (size_t i = lookups_hash(ls, lookup);; i = (i + 1) % ls->nslot) {
		size_t p = ls->slot[i];

		if (p == 0)
			return 0;
		if (memcmp(ls->l[p - 1], lookup, 32) == 0) {
			*index = ls->index[p - 1];
			return 1;
		}
	}
}

/* Rebuilds the index with room for twice the entries. Returns 0 or -1. */
static int
lookups_rehash(struct lookups *ls)
{
	size_t n = ls->nslot ? ls->nslot * 2 : 256;
	size_t *slot = calloc(n, sizeof *slot);

	if (slot == NULL)
		return -1;
	if (ls->nslot == 0)
		randombytes_buf(ls->key, sizeof ls->key);
	free(ls->slot);
	ls->slot = slot;
	ls->nslot = n;
	for (size_t p = 0; p < ls->n; p++) {
		size_t i = lookups_hash(ls, ls->l[p]);

		while (ls->slot[i] != 0)
			i = (i + 1) % ls->nslot;
		ls->slot[i] = p + 1;
	}
	return 0;
}

static int
lookups_add(struct lookups *ls, const uint8_t lookup[32], uint64_t index)
{
	size_t i;

	if (ls->n == ls->cap) {
		size_t ncap = ls->cap ? ls->cap * 2 : 64;
		uint8_t(*nl)[32] = realloc(ls->l, ncap * 32);
		uint64_t *ni;

		if (nl == NULL)
			return -1;
		ls->l = nl;
		ni = realloc(ls->index, ncap * sizeof *ni);
		if (ni == NULL)
			return -1;
		ls->index = ni;
		ls->cap = ncap;
	}
	memcpy(ls->l[ls->n], lookup, 32);
	ls->index[ls->n++] = index;
	if (ls->n * 2 > ls->nslot)
		return lookups_rehash(ls); /* places the new entry too */
	i = lookups_hash(ls, lookup);
	while (ls->slot[i] != 0)
		i = (i + 1) % ls->nslot;
	ls->slot[i] = ls->n;
	return 0;
}

/* The chain values of an entry of this bundle: as claimed, and as recomputed. */
struct seen {
	uint8_t chain[32];
	uint8_t calc[32];
	uint8_t has;
	uint8_t has_calc;
};

struct range {
	uint64_t first, last;
};

/* Everything ingest_run keeps while it walks the entries. */
struct run {
	struct ingest *g;
	struct archive_txn *t;
	const struct keyfile_secret *key;
	struct envelope_opener *opener; /* reused for every envelope (open_envelope) */
	uint8_t *envbuf;                /* decoded envelope of the entry at hand (reused) */
	size_t envcap;
	struct problems p;
	struct lookups ls;
	uint64_t held;     /* archive size before this bundle */
	uint64_t expected; /* next index expected */
	struct seen *seen; /* entries of this bundle by index - from */
	size_t nseen;
	uint64_t lines;
	struct range *miss; /* indices skipped over and not (yet) seen later */
	size_t nmiss, capmiss;
	uint64_t prev_index; /* index of the entry line before, 0 if none */
	int writing;         /* no problem yet: entries go into the transaction */
	int fatal;           /* the archive failed: stop */
	uint64_t added, skipped, quarantined;
	int real_name;     /* of the report check_new looked at last */
	int objection;     /* the follow-up check_new looked at last is an objection (异议) */
	char qreason[256]; /* the reason of the entry check_new quarantined last */
};

/* Frees the tables and the opener a run keeps (not p, not t). Cannot fail. */
static void
run_free(struct run *run)
{
	free(run->ls.l);
	free(run->ls.slot);
	free(run->ls.index);
	free(run->seen);
	free(run->miss);
	envelope_open_free(run->opener); /* wipes */
	free(run->envbuf);
	memset(&run->ls, 0, sizeof run->ls);
	run->seen = NULL;
	run->miss = NULL;
	run->opener = NULL;
	run->envbuf = NULL;
	run->envcap = 0;
}

/* The entry of this bundle at index, or NULL when none was kept. */
static const struct seen *
seen_at(const struct run *run, uint64_t index)
{
	uint64_t k;

	if (index < run->g->from)
		return NULL;
	k = index - run->g->from;
	return k < run->nseen ? &run->seen[k] : NULL;
}

/*
 * Keeps the chain values of the entry at index. Indices far beyond the lines
 * read so far are not kept (a hostile index cannot make it allocate much).
 */
static int
seen_put(struct run *run, uint64_t index, const uint8_t chain[32], const uint8_t *calc)
{
	uint64_t k;

	if (index < run->g->from || index > run->g->to)
		return 0;
	k = index - run->g->from;
	if (k > run->lines + 1024)
		return 0;
	if (k >= run->nseen) {
		size_t n = (size_t)k + 1 > run->nseen * 2 ? (size_t)k + 1 : run->nseen * 2;
		struct seen *ns = realloc(run->seen, n * sizeof *ns);

		if (ns == NULL)
			return -1;
		memset(ns + run->nseen, 0, (n - run->nseen) * sizeof *ns);
		run->seen = ns;
		run->nseen = n;
	}
	if (run->seen == NULL)
		return -1;
	memcpy(run->seen[k].chain, chain, 32);
	run->seen[k].has = 1;
	if (calc != NULL) {
		memcpy(run->seen[k].calc, calc, 32);
		run->seen[k].has_calc = 1;
	}
	return 0;
}

static int
miss_add(struct run *run, uint64_t first, uint64_t last)
{
	if (buf_grow((void **)&run->miss, &run->capmiss, run->nmiss + 1, sizeof *run->miss) != 0)
		return -1;
	run->miss[run->nmiss].first = first;
	run->miss[run->nmiss].last = last;
	run->nmiss++;
	return 0;
}

/* Removes index from the missing ranges. Returns 1 when it was missing, -1 on no memory. */
static int
miss_take(struct run *run, uint64_t index)
{
	for (size_t i = 0; i < run->nmiss; i++) {
		struct range *r = &run->miss[i];

		if (index < r->first || index > r->last)
			continue;
		if (r->first == r->last) {
			run->miss[i] = run->miss[--run->nmiss];
		} else if (index == r->first) {
			r->first++;
		} else if (index == r->last) {
			r->last--;
		} else {
			uint64_t last = r->last;

			r->last = index - 1;
			if (miss_add(run, index + 1, last) != 0)
				return -1;
		}
		return 1;
	}
	return 0;
}

static int
cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Names the indices that never turned up. */
static void
miss_report(struct run *run)
{
	if (run->nmiss > 1)
		qsort(run->miss, run->nmiss, sizeof run->miss[0], cmp_range);
	for (size_t i = 0; i < run->nmiss; i++) {
		const struct range *r = &run->miss[i];

		if (r->first == r->last)
			prob_add(&run->p, r->first, r->last,
			         _("index %" PRIu64 " missing (dropped)"), r->first);
		else
			prob_add(&run->p, r->first, r->last,
			         _("indices %" PRIu64 "..%" PRIu64 " missing (dropped)"), r->first,
			         r->last);
	}
	run->nmiss = 0;
}

static void quarantine(struct run *run, const char **reason, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * Quarantines the entry at hand: writes the printf-formatted reason into
 * run->qreason (cut to its size) and points *reason at it. Cannot fail.
 */
static void
quarantine(struct run *run, const char **reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(run->qreason, sizeof run->qreason, fmt, ap);
	va_end(ap);
	*reason = run->qreason;
}

/*
 * A new report whose manifest is sound (sp): its lookup must be no case's
 * yet, neither in the archive nor earlier in this bundle (it is then kept
 * for the follow-ups after it), and the manifest must bind it to the
 * entry's lookup and reply_pk (§6). Sets run->real_name. Returns 0 with
 * *reason set when it is to be quarantined, else with sign_pk set to
 * bind.sign_pk; or -1 with run->fatal set when the archive or memory failed.
 */
static int
check_report(struct run *run, const struct archive_entry *e, const struct manifest_seen *sp,
             const char **reason, uint8_t sign_pk[32])
{
	const char *id = run->g->district;
	uint64_t cix;
	int rc;

	run->real_name = sp->real_name;
	rc = archive_case_find(run->t, id, e->lookup, &cix);
	if (rc == ARCHIVE_OK || lookups_find(&run->ls, e->lookup, &cix)) {
		quarantine(run, reason, "the report reuses the lookup of case %s-%" PRIu64, id,
		           cix);
		return 0;
	}
	if (rc != ARCHIVE_ERR_NOT_FOUND) {
		run->fatal = rc;
		return -1;
	}
	if (lookups_add(&run->ls, e->lookup, e->index) != 0) {
		run->fatal = ARCHIVE_ERR_NOMEM;
		return -1;
	}
	if (sp->bind_rc != BIND_OK)
		quarantine(run, reason, "%s", bind_strerror(sp->bind_rc));
	else
		memcpy(sign_pk, sp->sign_pk, 32);
	return 0;
}

/*
 * A new follow-up whose manifest is sound (sp): its sealed lookup must be
 * the entry's and name a case of the archive (when it names a report of
 * this bundle instead, the bundle is refused anyway) that is not
 * quarantined and keeps a signing key, and its signature (§6) must verify
 * under that key. Sets run->objection. Returns 0, with *reason set when it
 * is to be quarantined; or -1 with run->fatal set when the archive failed.
 */
static int
check_followup(struct run *run, const struct archive_entry *e, const struct manifest_seen *sp,
               const char **reason)
{
	const char *id = run->g->district;
	struct case_record c;
	uint64_t cix;
	int rc;

	if (!sp->has_lookup || sodium_memcmp(sp->lookup, e->lookup, 32) != 0) {
		quarantine(run, reason, "the follow-up's sealed lookup differs from the entry's");
		return 0;
	}
	rc = archive_case_find(run->t, id, e->lookup, &cix);
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		if (!lookups_find(&run->ls, e->lookup, &cix))
			quarantine(run, reason,
			           "a follow-up for a lookup that is no case of district %s", id);
		/* else: its report is in this bundle, which is refused (nothing written) */
		return 0;
	}
	if (rc != ARCHIVE_OK) {
		run->fatal = rc;
		return -1;
	}
	rc = archive_case_load(run->t, id, cix, &c);
	if (rc != ARCHIVE_OK) {
		run->fatal = rc == ARCHIVE_ERR_NOT_FOUND ? ARCHIVE_ERR_CORRUPT : rc;
		return -1;
	}
	if (c.quarantine[0] != '\0')
		quarantine(run, reason, "a follow-up to quarantined case %s-%" PRIu64, id, cix);
	else if (!c.has_sign_pk)
		quarantine(run, reason,
		           "its report (case %s-%" PRIu64 ") carries no signing key to check "
		           "it with (ingested before follow-ups were signed)",
		           id, cix);
	else if (!sp->has_sig)
		quarantine(run, reason, "%s", bind_strerror(BIND_ERR_NO_SIG));
	else if (!sp->fu_fields)
		quarantine(run, reason, "%s", bind_strerror(BIND_ERR_FIELDS));
	else if (sign_followup_verify(sp->sig, c.sign_pk, sp->district, sp->lookup, sp->purpose,
	                              sp->body_hash, (const uint8_t(*)[32])sp->att_hash,
	                              sp->natt) != 0)
		quarantine(run, reason, "%s", bind_strerror(BIND_ERR_SIG));
	else
		run->objection = strcmp(sp->purpose, "objection") == 0;
	case_free(&c);
	return 0;
}

/*
 * Checks one new entry's content (opened ahead in w, or here with the run's
 * opener): the envelope must open with the district key and seal a version
 * 1 manifest of the entry's kind and district; then check_report or
 * check_followup (§6, §10). Returns 0 with *reason NULL when it is clean, 0
 * with *reason pointing at run->qreason when it is to be quarantined (kept,
 * acknowledged, never the reporter's words), or -1 with run->fatal set when
 * the archive or memory failed. For a clean report, *sign_pk receives its
 * bind.sign_pk.
 */
static int
check_new(struct run *run, const struct archive_entry *e, const struct entry_work *w,
          const char **reason, uint8_t sign_pk[32])
{
	const char *id = run->g->district;
	const char *kind = e->kind == CHAIN_KIND_REPORT ? "report" : "followup";
	struct manifest_seen *here = NULL;
	const struct manifest_seen *sp;
	int rc, ret = 0;

	*reason = NULL;
	run->real_name = 0; /* until this report's own manifest says otherwise */
	run->objection = 0; /* until this follow-up's own manifest says so */
	if (w->opened) {
		rc = w->orc;
		sp = w->ms;
	} else {
		here = sodium_malloc(sizeof *here);
		if (here == NULL) {
			run->fatal = ARCHIVE_ERR_NOMEM;
			return -1;
		}
		rc = open_envelope(&run->opener, run->key, e, here);
		sp = here;
	}
	if (rc == ENVELOPE_ERR_NOMEM) {
		/* this machine's memory, not the entry: nothing is decided about it */
		run->fatal = ARCHIVE_ERR_NOMEM;
		ret = -1;
	} else if (rc != ENVELOPE_OK) {
		quarantine(run, reason, "the envelope does not open with the district key (%s)",
		           envelope_strerror(rc));
	} else if (!sp->got || sp->v != 1 || strcmp(sp->kind, kind) != 0 ||
	           strcmp(sp->district, id) != 0) {
		quarantine(run, reason, "the sealed manifest is not a version 1 %s of district %s",
		           kind, id);
	} else if (e->kind == CHAIN_KIND_REPORT) {
		ret = check_report(run, e, sp, reason, sign_pk);
	} else {
		ret = check_followup(run, e, sp, reason);
	}
	if (here != NULL)
		sodium_free(here); /* wipes */
	return ret;
}

/*
 * Names an entry line whose fields did not parse (w->in.bad_field): by its
 * index when it has one, else by its line number. Cannot fail.
 */
static void
entry_malformed(struct run *run, const struct entry_work *w, uint64_t line)
{
	const struct archive_entry *e = &w->in.e;

	if (e->index > 0)
		prob_add(&run->p, e->index, e->index,
		         _("index %" PRIu64 ": field \"%s\" missing or malformed"), e->index,
		         w->in.bad_field);
	else
		prob_add(&run->p, 0, 0, _("line %" PRIu64 ": field \"%s\" missing or malformed"),
		         line, w->in.bad_field);
}

/*
 * Checks the entry's place in the sequence: inside the bundle's range, and
 * the index expected next. Indices skipped over are kept as missing (named
 * at the end as dropped, unless they turn up later); an earlier index is a
 * reorder when it was missing, else repeated or out of order. Returns 0
 * when in place, 1 when not (a problem named, or indices skipped over), or
 * -1 with run->fatal set when memory ran out.
 */
static int
entry_place(struct run *run, const struct archive_entry *e)
{
	const struct ingest *g = run->g;
	int bad = 0, rc;

	if (e->index < g->from || e->index > g->to) {
		prob_add(&run->p, e->index, e->index,
		         _("index %" PRIu64 " lies outside the bundle's range %" PRIu64
		           "..%" PRIu64),
		         e->index, g->from, g->to);
		bad = 1;
	} else if (e->index > run->expected) {
		/* named at the end as dropped, unless they turn up later (a reorder) */
		if (miss_add(run, run->expected, e->index - 1) != 0) {
			run->fatal = ARCHIVE_ERR_NOMEM;
			return -1;
		}
		bad = 1;
	} else if (e->index < run->expected) {
		rc = miss_take(run, e->index);
		if (rc < 0) {
			run->fatal = ARCHIVE_ERR_NOMEM;
			return -1;
		}
		if (rc > 0 && run->prev_index > e->index)
			prob_add(&run->p, e->index, e->index,
			         _("index %" PRIu64 " comes after index %" PRIu64 " (reordered)"),
			         e->index, run->prev_index);
		else
			prob_add(&run->p, e->index, e->index,
			         _("index %" PRIu64 " repeated or out of order (expected %" PRIu64
			           ")"),
			         e->index, run->expected);
		if (rc > 0 && run->prev_index > e->index)
			bad_add(&run->p, run->prev_index);
		bad = 1;
	}
	run->prev_index = e->index;
	return bad;
}

/*
 * Checks the envelope against its hash (w->hash, computed when the line
 * was parsed) and the entry against the chain: its chain value must follow
 * from its predecessor's, which is the archive's when the archive holds the
 * predecessor, else the one the entry before claimed or, when that entry
 * was altered, the value recomputed from its fields: either lets an intact
 * entry after an altered, dropped or moved one pass, so that only the
 * indices at fault are named. Keeps the entry's chain values for the entry
 * after. Returns 0 when both hold, 1 when not (problems named), or -1 with
 * run->fatal set when the archive or memory failed.
 */
static int
entry_links(struct run *run, const struct entry_work *w)
{
	const struct archive_entry *e = &w->in.e;
	const struct seen *sp = seen_at(run, e->index - 1);
	uint8_t prev[2][32], calc[32], mine[32];
	int nprev = 0, ok = 0, have_mine = 0, bad = 0, rc;

	if (sodium_memcmp(w->hash, e->envelope_hash, 32) != 0) {
		prob_add(
		        &run->p, e->index, e->index,
		        _("index %" PRIu64 ": envelope does not match its envelope_hash (altered)"),
		        e->index);
		bad = 1;
	}
	if (e->index - 1 <= run->held) {
		rc = archive_chain_at(run->t, run->g->district, e->index - 1, prev[0]);
		if (rc != ARCHIVE_OK) {
			run->fatal = rc;
			return -1;
		}
		nprev = 1;
	} else if (sp != NULL && sp->has) {
		memcpy(prev[nprev++], sp->chain, 32);
		if (sp->has_calc)
			memcpy(prev[nprev++], sp->calc, 32);
	}
	for (int k = 0; k < nprev; k++) {
		if (chain_next(calc, prev[k], e->index, e->kind, e->lookup, e->envelope_hash,
		               e->day) != 0)
			break;
		if (k == 0) {
			memcpy(mine, calc, 32);
			have_mine = 1;
		}
		if (sodium_memcmp(calc, e->chain, 32) == 0)
			ok = 1;
	}
	if (nprev > 0 && !ok) {
		prob_add(&run->p, e->index, e->index,
		         _("index %" PRIu64 ": chain value does not follow from the entry and "
		           "its predecessor (altered)"),
		         e->index);
		bad = 1;
	}
	if (seen_put(run, e->index, e->chain, have_mine ? mine : NULL) != 0) {
		run->fatal = ARCHIVE_ERR_NOMEM;
		return -1;
	}
	return bad;
}

/*
 * An entry the archive already holds (an overlap): the same entry again
 * (counted as skipped) or a different one (tampering). Returns 0, or 1 when
 * it differs (a problem named); run->fatal is set (returning 0) when the
 * archive failed.
 */
static int
entry_held(struct run *run, const struct archive_entry *e)
{
	int rc = archive_entry_add(run->t, run->g->district, e);

	if (rc == ARCHIVE_SKIPPED) {
		run->skipped++;
		return 0;
	}
	if (rc == ARCHIVE_ERR_CHAIN) {
		prob_add(&run->p, e->index, e->index,
		         _("index %" PRIu64 " differs from the entry the archive already holds "
		           "(tampering)"),
		         e->index);
		return 1;
	}
	run->fatal = rc == ARCHIVE_OK ? ARCHIVE_ERR_CORRUPT : rc;
	return 0;
}

/*
 * A new entry: checks its content and case relations (check_new) and, while
 * the run is writing, adds it to the transaction, quarantined or not (§10:
 * content never decides acceptance), with the facts its case record keeps;
 * once a problem was found it is only counted. Returns 0, 1 when the
 * archive refused it (a problem named), or -1 with run->fatal set when
 * check_new failed; run->fatal is also set (returning 0) when the archive
 * failed to add it.
 */
static int
entry_new(struct run *run, struct entry_work *w)
{
	struct archive_entry *e = &w->in.e;
	const char *reason = NULL;
	int rc;

	if (check_new(run, e, w, &reason, e->sign_pk) != 0)
		return -1; /* run->fatal */
	if (!run->writing) {
		run->added++; /* would have been added; nothing is written anyway */
		return 0;
	}
	/*
	 * the facts of a report the case record keeps (§13 deadlines, §6
	 * signing key), written with the new case record itself; a quarantined
	 * entry is kept all the same
	 */
	e->has_real_name = e->kind == CHAIN_KIND_REPORT;
	e->real_name = run->real_name;
	e->has_sign_pk = e->kind == CHAIN_KIND_REPORT && reason == NULL;
	e->quarantine = reason;
	e->objection = e->kind == CHAIN_KIND_FOLLOWUP && reason == NULL && run->objection;
	rc = archive_entry_add(run->t, run->g->district, e);
	if (rc == ARCHIVE_OK && reason != NULL)
		run->quarantined++;
	if (rc == ARCHIVE_OK) {
		run->added++;
		return 0;
	}
	if (rc == ARCHIVE_ERR_ORDER || rc == ARCHIVE_ERR_CHAIN || rc == ARCHIVE_ERR_CASE) {
		prob_add(&run->p, e->index, e->index, _("index %" PRIu64 ": %s"), e->index,
		         archive_strerror(rc));
		return 1;
	}
	run->fatal = rc;
	return 0;
}

/*
 * Applies the entry of line number line, worked on in w, in bundle order:
 * its fields (entry_malformed), its place (entry_place), its hash and chain
 * (entry_links) and, when all hold, stores it: entry_held for an index the
 * archive holds, entry_new for a new one. After any problem (named in
 * run->p) the run stops writing; an archive or memory failure sets
 * run->fatal.
 */
static void
entry_apply(struct run *run, struct entry_work *w, uint64_t line)
{
	struct archive_entry *e = &w->in.e;
	int bad, rc;

	if (w->parsed != 0) {
		entry_malformed(run, w, line);
		bad = 1;
	} else {
		bad = entry_place(run, e);
		if (bad < 0)
			return; /* run->fatal */
		rc = entry_links(run, w);
		if (rc < 0)
			return; /* run->fatal */
		bad |= rc;
		if (!bad) {
			bad = e->index <= run->held ? entry_held(run, e) : entry_new(run, w);
			if (bad < 0)
				return; /* run->fatal */
		}
	}
	if (bad)
		run->writing = 0;
	if (e->index >= run->expected)
		run->expected = e->index + 1;
}

/* One entry line on the calling thread: parse, decode, hash, then entry_apply. */
static void
one_entry(struct run *run, const json_t *o, uint64_t line)
{
	struct entry_work w;

	memset(&w, 0, sizeof w);
	w.parsed = parse_entry(o, &w.in, &run->envbuf, &run->envcap);
	if (w.parsed == 0)
		chain_h256(w.hash, w.in.e.envelope, w.in.e.envelope_len);
	entry_apply(run, &w, line);
}

/* ---- the entries, in order ---------------------------------------------- */

/*
 * Reads and applies the entry lines on the calling thread until the
 * signature line. *line and *n count the lines and entries done. Returns
 * BUNDLE_END, or the reader's error (BUNDLE_ERR_FORMAT / _IO / _NOMEM), or
 * BUNDLE_OK with run->fatal set.
 */
static int
entries_seq(struct run *run, int progress, uint64_t total, uint64_t *line, uint64_t *n)
{
	for (;;) {
		json_t *o;
		int rc = bundle_read(&run->g->r, &o);

		if (rc != BUNDLE_OK)
			return rc;
		(*line)++;
		run->lines++;
		one_entry(run, o, *line);
		json_decref(o);
		if (run->fatal)
			return BUNDLE_OK;
		if (progress)
			cli_progress("ingest: entries", ++*n < total ? *n : total, total);
	}
}

enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE };

/* A slot's buffers above this are freed once applied, so idle slots stay small. */
#define SLOT_KEEP ((size_t)64 << 10)

/*
 * One line in flight: the main thread fills line and queues it, one worker
 * fills the rest, the main thread applies it. Only state is shared at a
 * time; it changes under pipe.mu.
 */
struct slot {
	int state;               /* SLOT_* */
	char *line;              /* the raw line, its '\n' included */
	size_t len;              /* bytes in line */
	size_t cap;              /* bytes allocated for line */
	int prc;                 /* bundle_parse_line's result */
	uint8_t sig[SIGN_BYTES]; /* when prc is BUNDLE_END */
	struct entry_work w;     /* when prc is BUNDLE_OK */
	uint8_t *envbuf;         /* the decoded envelope (w.in.e.envelope) */
	size_t envcap;
};

struct pipe;

/* A worker thread and its own opener (sodium_malloc'd, wiped on reset and exit). */
struct worker {
	struct pipe *p;
	pthread_t th;
	struct envelope_opener *opener;
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t work;      /* workers wait: a slot queued, or stop */
	pthread_cond_t done;      /* the main thread waits: a slot done */
	struct slot *slot;        /* depth slots; line k (from 0) is slot[k % depth] */
	struct manifest_seen *ms; /* slot i's manifest facts: sodium_allocarray'd */
	size_t depth;
	uint64_t head;   /* next line to apply (main thread only) */
	uint64_t tail;   /* next line to read (written by the main thread under mu) */
	uint64_t next;   /* next line for a worker (under mu) */
	size_t inflight; /* bytes of lines and envelopes read, not yet applied (main thread) */
	int stop;        /* under mu */
	const struct keyfile_secret *key; /* read-only while the workers run */
	uint64_t held;
	struct worker *w;
	size_t nw;
};

/*
 * The independent work on one line: parse it, read the entry's fields,
 * decode and hash the envelope and, for a new entry whose envelope matches
 * its hash (the only kind entry_apply opens), open it into *ms. Failures are
 * results in s, applied in order by entry_apply.
 */
static void
slot_work(struct worker *wk, struct slot *s, struct manifest_seen *ms)
{
	struct entry_work *w = &s->w;
	const struct archive_entry *e = &w->in.e;
	json_t *o;

	memset(w, 0, sizeof *w);
	s->prc = bundle_parse_line(s->line, s->len, &o, s->sig);
	if (s->prc != BUNDLE_OK)
		return;
	w->parsed = parse_entry(o, &w->in, &s->envbuf, &s->envcap);
	json_decref(o);
	if (w->parsed != 0)
		return;
	chain_h256(w->hash, e->envelope, e->envelope_len);
	if (e->index > wk->p->held && sodium_memcmp(w->hash, e->envelope_hash, 32) == 0) {
		w->orc = open_envelope(&wk->opener, wk->p->key, e, ms);
		w->ms = ms;
		w->opened = 1;
	}
}

/* A worker: takes queued lines in order until stop, then wipes its opener. Cannot fail. */
static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	struct pipe *p = wk->p;

	for (;;) {
		struct slot *s;
		struct manifest_seen *ms;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->next == p->tail)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		s = &p->slot[p->next % p->depth];
		ms = &p->ms[p->next % p->depth];
		p->next++;
		pthread_mutex_unlock(&p->mu);
		slot_work(wk, s, ms);
		pthread_mutex_lock(&p->mu);
		s->state = SLOT_DONE;
		pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
	envelope_open_free(wk->opener);
	wk->opener = NULL;
	return NULL;
}

/* Stops and joins the workers, frees (wipes) what p holds. Cannot fail. */
static void
pipe_stop(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->nw; i++)
		pthread_join(p->w[i].th, NULL);
	for (size_t i = 0; i < p->depth; i++) {
		free(p->slot[i].line);
		free(p->slot[i].envbuf);
	}
	free(p->slot);
	free(p->w);
	sodium_free(p->ms); /* zeroes it first */
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
}

/*
 * Starts nw workers (at least one must start) with depth slots. Returns 0,
 * or -1 with nothing left running or allocated (no memory, no thread): the
 * caller then works on its own thread.
 */
static int
pipe_start(struct pipe *p, const struct run *run, size_t nw, size_t depth)
{
	memset(p, 0, sizeof *p);
	p->depth = depth;
	p->key = run->key;
	p->held = run->held;
	p->slot = calloc(depth, sizeof *p->slot);
	p->w = calloc(nw, sizeof *p->w);
	p->ms = sodium_allocarray(depth, sizeof *p->ms);
	if (p->slot == NULL || p->w == NULL || p->ms == NULL) {
		free(p->slot);
		free(p->w);
		sodium_free(p->ms);
		return -1;
	}
	sodium_memzero(p->ms, depth * sizeof *p->ms);
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p->slot);
		free(p->w);
		sodium_free(p->ms);
		return -1;
	}
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (size_t i = 0; i < nw; i++) {
		p->w[p->nw].p = p;
		if (pthread_create(&p->w[p->nw].th, NULL, worker_main, &p->w[p->nw]) != 0)
			break;
		p->nw++;
	}
	if (p->nw == 0) {
		pipe_stop(p);
		return -1;
	}
	return 0;
}

/*
 * Reads the next line into the slot at tail (taking the reader's buffer, no
 * copy) and queues it for the workers. Returns BUNDLE_OK, or what ends the
 * reading: bundle_read_raw's BUNDLE_END (end of file) or error.
 */
static int
pipe_fill(struct pipe *p, struct bundle_reader *r)
{
	struct slot *s = &p->slot[p->tail % p->depth];
	const char *line;
	size_t len;
	int rc = bundle_read_raw(r, &line, &len);

	if (rc != BUNDLE_OK)
		return rc;
	bundle_reader_swap_line(r, &s->line, &s->cap); /* s->line is line now */
	s->len = len;
	p->inflight += len + len / 4 * 3;
	pthread_mutex_lock(&p->mu);
	s->state = SLOT_QUEUED;
	p->tail++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return BUNDLE_OK;
}

/* Frees an applied slot's buffers when large, wipes its manifest facts. Cannot fail. */
static void
pipe_release(struct pipe *p, struct slot *s, struct manifest_seen *ms)
{
	sodium_memzero(ms, sizeof *ms);
	p->inflight -= s->len + s->len / 4 * 3;
	if (s->cap > SLOT_KEEP) {
		free(s->line);
		s->line = NULL;
		s->cap = 0;
	}
	if (s->envcap > SLOT_KEEP) {
		free(s->envbuf);
		s->envbuf = NULL;
		s->envcap = 0;
	}
	s->state = SLOT_FREE;
	p->head++;
}

/*
 * As entries_seq, with the lines parsed and the envelopes opened ahead by
 * the workers of p: reads ahead while fewer than depth lines (and less than
 * INGEST_INFLIGHT_BYTES) are in flight, applies them strictly in order, and
 * ends exactly where entries_seq would, with the same result.
 */
static int
entries_par(struct run *run, struct pipe *p, int progress, uint64_t total, uint64_t *line,
            uint64_t *n)
{
	struct bundle_reader *r = &run->g->r;
	int reader_rc = BUNDLE_OK; /* BUNDLE_OK while there is more to read */

	for (;;) {
		struct slot *s;
		struct manifest_seen *ms;

		while (reader_rc == BUNDLE_OK && p->tail - p->head < p->depth &&
		       (p->tail == p->head || p->inflight < INGEST_INFLIGHT_BYTES))
			reader_rc = pipe_fill(p, r);
		if (p->tail == p->head) /* the file ended (or failed) before a signature line */
			return reader_rc == BUNDLE_END ? BUNDLE_ERR_FORMAT : reader_rc;
		s = &p->slot[p->head % p->depth];
		ms = &p->ms[p->head % p->depth];
		pthread_mutex_lock(&p->mu);
		while (s->state != SLOT_DONE)
			pthread_cond_wait(&p->done, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (s->prc == BUNDLE_END) {
			/* the signature line: the file must end right after it */
			if (p->tail - p->head == 1 && reader_rc == BUNDLE_OK) {
				const char *rest;
				size_t len;

				reader_rc = bundle_read_raw(r, &rest, &len);
			}
			if (p->tail - p->head > 1 || reader_rc != BUNDLE_END)
				return BUNDLE_ERR_FORMAT;
			bundle_reader_set_end(r, s->sig);
			return BUNDLE_END;
		}
		if (s->prc != BUNDLE_OK)
			return BUNDLE_ERR_FORMAT;
		bundle_reader_hash(r, s->line, s->len);
		(*line)++;
		run->lines++;
		entry_apply(run, &s->w, *line);
		pipe_release(p, s, ms);
		if (run->fatal)
			return BUNDLE_OK;
		if (progress)
			cli_progress("ingest: entries", ++*n < total ? *n : total, total);
	}
}

/* The number of workers for g (see struct ingest), 0 for none. Cannot fail. */
static size_t
workers_for(const struct ingest *g)
{
	long n = g->workers;

	if (n < 0)
		return 0;
	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > INGEST_WORKERS_MAX ? INGEST_WORKERS_MAX : (size_t)n;
}

/*
 * Fills res with outcome and msg (taken; NULL: "out of memory") and, when
 * p is given, the indices it names, sorted without repeats (p->bad is
 * handed over). Returns outcome.
 */
static int
finish(struct ingest_result *res, int outcome, struct problems *p, char *msg)
{
	res->outcome = outcome;
	if (p != NULL && p->nbad > 0) {
		size_t o = 0;

		if (p->nbad > 1)
			qsort(p->bad, p->nbad, sizeof p->bad[0], cmp_u64);
		for (size_t i = 0; i < p->nbad; i++)
			if (o == 0 || p->bad[o - 1] != p->bad[i])
				p->bad[o++] = p->bad[i];
		res->bad = p->bad;
		res->nbad = o;
		p->bad = NULL;
	}
	res->message = msg;
	if (msg == NULL)
		res->message = buf_printf(_("out of memory"));
	return outcome;
}

/* What a step of ingest_run returns when the run goes on (outcomes are >= 0). */
#define RUN_ON (-1)

/*
 * Aborts the run's transaction and frees its problems and tables (the
 * pointers left NULL). Cannot fail.
 */
static void
run_drop(struct run *run)
{
	archive_abort(run->t);
	free(run->p.text);
	free(run->p.bad);
	run->p.text = NULL;
	run->p.bad = NULL;
	run_free(run);
}

/*
 * Ends a run the archive (or memory) failed with rc: run_drop, res filled
 * as INGEST_FAILED ("nothing written"). Returns INGEST_FAILED.
 */
static int
run_failed(struct run *run, struct ingest_result *res, int rc)
{
	run_drop(run);
	return finish(res, INGEST_FAILED, NULL,
	              buf_printf(_("archive: %s; nothing written"), archive_strerror(rc)));
}

/*
 * Ends a run that found problems: aborts the transaction and fills res as
 * INGEST_REFUSED, naming the first SHOWN_MAX problems of run->p (fallback
 * when their text ran out of memory) and handing res their indices. What
 * else the run keeps is the caller's (run_free). Returns INGEST_REFUSED.
 */
static int
run_refuse(struct run *run, struct ingest_result *res, const char *fallback)
{
	char *msg;

	archive_abort(run->t);
	if (run->p.count > SHOWN_MAX) {
		char more[64];

		snprintf(more, sizeof more, _("; and %zu more"), run->p.count - SHOWN_MAX);
		text_add(&run->p, more);
	}
	msg = buf_printf(_("bundle refused, nothing written: %s"),
	                 run->p.text ? run->p.text : fallback);
	free(run->p.text);
	run->p.text = NULL;
	return finish(res, INGEST_REFUSED, &run->p, msg);
}

/*
 * Checks that the key is the bundle's district's, begins the run's write
 * transaction and reads the district's record into *d: created when new,
 * its key file set to key_path (when given and different), the updates the
 * server applied recorded (§15; those it lacks go to res->unapplied_*).
 * Sets *changed when it wrote. Returns RUN_ON, or the outcome with res
 * filled: INGEST_REFUSED (another district's key) or INGEST_FAILED (the
 * archive failed; nothing written).
 */
static int
run_begin(struct run *run, struct archive *a, const char *key_path, struct archive_district *d,
          int *changed, struct ingest_result *res)
{
	const struct ingest *g = run->g;
	int rc;

	if (strcmp(run->key->pub.id, g->district) != 0)
		return finish(res, INGEST_REFUSED, NULL,
		              buf_printf(_("the bundle is for district %s, the key for %s"),
		                         g->district, run->key->pub.id));
	rc = archive_begin(a, 1, &run->t);
	if (rc != ARCHIVE_OK)
		return finish(res, INGEST_FAILED, NULL,
		              buf_printf(_("archive: %s"), archive_strerror(rc)));
	rc = archive_district_get(run->t, g->district, d);
	if (rc == ARCHIVE_ERR_NOT_FOUND) {
		rc = archive_district_create(run->t, g->district);
		if (rc == ARCHIVE_OK)
			rc = archive_district_get(run->t, g->district, d);
		*changed = 1;
	}
	if (rc == ARCHIVE_OK && key_path != NULL && strcmp(d->key_path, key_path) != 0) {
		rc = archive_district_set_key_path(run->t, g->district, key_path);
		*changed = 1;
	}
	/* which of our updates the server applied (§15): what it lacks is carried again */
	if (rc == ARCHIVE_OK && g->has_applied) {
		if (g->applied_seq != d->applied_seq) {
			rc = archive_district_set_applied(run->t, g->district, g->applied_seq);
			*changed = 1;
		}
		if (g->applied_seq < d->seq) {
			res->unapplied_first = g->applied_seq + 1;
			res->unapplied_last = d->seq;
		}
	}
	if (rc != ARCHIVE_OK)
		return run_failed(run, res, rc);
	return RUN_ON;
}

/*
 * Checks the bundle's server key against the district's (d): pinned now on
 * first use (res->key_pinned 1), or re-pinned when it differs and
 * accept_new_key (2); sets *changed when it wrote. Returns RUN_ON, or the
 * outcome with res filled, nothing written: INGEST_REFUSED (a key other
 * than the pinned one, not accepted) or INGEST_FAILED (the archive failed).
 */
static int
run_pin_key(struct run *run, const struct archive_district *d, int accept_new_key, int *changed,
            struct ingest_result *res)
{
	const struct ingest *g = run->g;
	char pinned_fp[KEYFILE_FINGERPRINT_BUF];
	int rc;

	if (d->has_server_pk && sodium_memcmp(d->server_pk, g->server_pk, 32) != 0) {
		serverkey_fingerprint(pinned_fp, d->server_pk);
		if (!accept_new_key) {
			archive_abort(run->t);
			return finish(
			        res, INGEST_REFUSED, NULL,
			        buf_printf(_("the bundle comes with server key [%s], not the "
			                     "pinned key [%s]; nothing written (if the server's "
			                     "key was replaced on purpose, re-run with "
			                     "--accept-new-server-key)"),
			                   res->server_fp, pinned_fp));
		}
		res->key_pinned = 2;
	} else if (!d->has_server_pk) {
		res->key_pinned = 1;
	}
	if (res->key_pinned) {
		rc = archive_district_set_server_key(run->t, g->district, g->server_pk);
		if (rc != ARCHIVE_OK)
			return run_failed(run, res, rc);
		*changed = 1;
	}
	return RUN_ON;
}

/*
 * Checks where the bundle starts against what the archive holds of the
 * district (d): a gap before from refuses it at once; a prev_head other
 * than the archive's chain value at from - 1 is a problem (tampering). Then
 * the run expects index from, and writes while no problem was found.
 * Returns RUN_ON, or the outcome with res filled, nothing written:
 * INGEST_REFUSED (a gap) or INGEST_FAILED (the archive failed).
 */
static int
run_start(struct run *run, const struct archive_district *d, struct ingest_result *res)
{
	const struct ingest *g = run->g;
	uint8_t prev[32];
	int rc;

	run->held = d->size;
	if (g->from > d->size + 1) {
		if (d->size + 2 == g->from)
			prob_add(&run->p, d->size + 1, g->from - 1,
			         _("gap: the archive holds district %s through index %" PRIu64
			           ", the bundle starts at %" PRIu64 "; index %" PRIu64
			           " is missing"),
			         g->district, d->size, g->from, d->size + 1);
		else
			prob_add(&run->p, d->size + 1, g->from - 1,
			         _("gap: the archive holds district %s through index %" PRIu64
			           ", the bundle starts at %" PRIu64 "; indices %" PRIu64
			           "..%" PRIu64 " are missing"),
			         g->district, d->size, g->from, d->size + 1, g->from - 1);
		return run_refuse(run, res, "gap");
	}
	rc = archive_chain_at(run->t, g->district, g->from - 1, prev);
	if (rc != ARCHIVE_OK)
		return run_failed(run, res, rc);
	if (sodium_memcmp(prev, g->prev_head, 32) != 0)
		prob_add(&run->p, g->from - 1 > 0 ? g->from - 1 : 0, g->from - 1,
		         _("prev_head differs from the archive's chain value at index "
		           "%" PRIu64 " (tampering)"),
		         g->from - 1);
	run->expected = g->from;
	run->writing = run->p.count == 0;
	return RUN_ON;
}

/*
 * Reads and applies the entry lines up to the signature line: on worker
 * threads (the pipeline) or, when none can start, on this one; shows
 * progress when asked. *end receives how the reading ended (BUNDLE_END, or
 * the reader's complaint about the file's form: a problem named later) and
 * *line the number of the last line read. Returns RUN_ON, or INGEST_FAILED
 * with res filled when the archive, memory or the file failed (nothing
 * written).
 */
static int
run_entries(struct run *run, int progress, int *end, uint64_t *line, struct ingest_result *res)
{
	const struct ingest *g = run->g;
	uint64_t total = g->to >= g->from ? g->to - g->from + 1 : 0, n = 0;
	struct pipe pipe;
	size_t nw = workers_for(g);
	int rc;

	if (nw > 0 && pipe_start(&pipe, run, nw, g->depth ? g->depth : INGEST_DEPTH) == 0) {
		rc = entries_par(run, &pipe, progress, total, line, &n);
		pipe_stop(&pipe);
	} else {
		rc = entries_seq(run, progress, total, line, &n);
	}
	if (run->fatal)
		return run_failed(run, res, run->fatal);
	if (progress && n < total)
		cli_progress("ingest: entries", total, total);
	if (rc == BUNDLE_ERR_IO || rc == BUNDLE_ERR_NOMEM) {
		run_drop(run);
		return finish(res, INGEST_FAILED, NULL,
		              buf_printf(_("cannot read the bundle: %s"), bundle_strerror(rc)));
	}
	*end = rc;
	return RUN_ON;
}

/*
 * The checks once the entries are read (end and line from run_entries): a
 * bundle cut short, indices that never turned up, the header's head
 * against the chain value at to (prev_head for an empty bundle), and the
 * server's signature over every line (server_fp names its key). Problems
 * go to run->p. Cannot fail.
 */
static void
run_check_end(struct run *run, int end, uint64_t line, const struct archive_district *d,
              const char *server_fp)
{
	struct ingest *g = run->g;

	if (end != BUNDLE_END)
		prob_add(&run->p, 0, 0,
		         _("the bundle is malformed or cut short after line %" PRIu64
		           " (no valid signature line)"),
		         line);
	if (end == BUNDLE_END && run->expected <= g->to && miss_add(run, run->expected, g->to) != 0)
		run->p.nomem = 1;
	miss_report(run);
	if (end == BUNDLE_END) {
		/* the header's head: the chain value at to (prev_head for an empty bundle) */
		const struct seen *sp = seen_at(run, g->to);
		uint8_t at[32];
		int known = 0;

		if (sp != NULL && sp->has) {
			memcpy(at, sp->chain, 32);
			known = 1;
		} else if (g->to <= d->size &&
		           archive_chain_at(run->t, g->district, g->to, at) == ARCHIVE_OK) {
			known = 1;
		}
		if (known && sodium_memcmp(at, g->head, 32) != 0)
			prob_add(&run->p, g->to, g->to,
			         _("the header's head is not the chain value at index %" PRIu64
			           " (altered)"),
			         g->to);
	}
	if (end == BUNDLE_END &&
	    bundle_reader_verify(&g->r, BUNDLE_SIG_EXPORT, g->server_pk) != BUNDLE_OK)
		prob_add(&run->p, 0, 0,
		         _("the server's signature does not verify (the bundle was altered or not "
		           "signed by key [%s])"),
		         server_fp);
}

/*
 * Ends the run after its checks: refuses the bundle when a problem was
 * found (or memory ran out), leaves the archive alone when nothing is new
 * (entries or the district's record: changed), else commits the
 * transaction. Fills res and returns its outcome: INGEST_REFUSED,
 * INGEST_NOOP, INGEST_DONE (INGEST_NOOP when only the district's record
 * changed), or INGEST_FAILED when the commit failed (nothing written).
 */
static int
run_commit(struct run *run, const struct archive_district *d, int changed,
           struct ingest_result *res)
{
	const struct ingest *g = run->g;
	int rc, outcome;

	run_free(run);
	res->added = run->added;
	res->skipped = run->skipped;
	if (run->p.count > 0 || run->p.nomem) {
		res->added = 0;
		res->size = d->size;
		return run_refuse(run, res, "out of memory");
	}
	free(run->p.text);
	free(run->p.bad);
	res->size = run->added > 0 ? run->held + run->added : d->size;
	if (run->added == 0 && !changed) {
		archive_abort(run->t);
		return finish(res, INGEST_NOOP, NULL,
		              buf_printf(_("nothing new: the archive already holds district %s "
		                           "through index %" PRIu64 " (%" PRIu64
		                           " entries skipped); nothing written"),
		                         g->district, d->size, run->skipped));
	}
	rc = archive_commit(run->t);
	if (rc != ARCHIVE_OK)
		return finish(res, INGEST_FAILED, NULL,
		              buf_printf(_("archive: %s; nothing written"), archive_strerror(rc)));
	outcome = run->added == 0 ? INGEST_NOOP : INGEST_DONE;
	res->quarantined = run->quarantined;
	if (run->quarantined > 0)
		return finish(
		        res, outcome, NULL,
		        buf_printf(_("district %s: %" PRIu64 " new entries, %" PRIu64
		                     " of them QUARANTINED (their chain verifies, their content "
		                     "does not: see list), %" PRIu64
		                     " already held; the archive holds indices 1..%" PRIu64),
		                   g->district, run->added, run->quarantined, run->skipped,
		                   res->size));
	return finish(res, outcome, NULL,
	              buf_printf(_("district %s: %" PRIu64 " new entries, %" PRIu64
	                           " already held; the archive holds indices 1..%" PRIu64),
	                         g->district, run->added, run->skipped, res->size));
}

int
ingest_run(struct ingest *g, struct archive *a, const struct keyfile_secret *key,
           const char *key_path, int accept_new_key, int progress, struct ingest_result *res)
{
	struct run run;
	struct archive_district d;
	uint64_t line = 1;
	int end = BUNDLE_END, changed = 0, out;

	memset(res, 0, sizeof *res);
	memset(&run, 0, sizeof run);
	run.g = g;
	run.key = key;
	serverkey_fingerprint(res->server_fp, g->server_pk);
	out = run_begin(&run, a, key_path, &d, &changed, res);
	if (out == RUN_ON)
		out = run_pin_key(&run, &d, accept_new_key, &changed, res);
	if (out == RUN_ON)
		out = run_start(&run, &d, res);
	if (out == RUN_ON)
		out = run_entries(&run, progress, &end, &line, res);
	if (out != RUN_ON)
		return out;
	run_check_end(&run, end, line, &d, res->server_fp);
	return run_commit(&run, &d, changed, res);
}

#define HELD_MAX 256 /* bytes of the district list in the message below */

/* archive_district_foreach callback: appends each district with a key to a
 * ", "-separated list of HELD_MAX bytes (cut, never overrun). Cannot fail. */
static int
held_district(void *ctx, const struct archive_district *d)
{
	char *list = ctx;
	size_t n = strlen(list);

	if (d->key_path[0] != '\0' && n + strlen(d->id) + 3 < HELD_MAX)
		snprintf(list + n, HELD_MAX - n, "%s%s", n > 0 ? ", " : "", d->id);
	return 0;
}

/* The key file for ingest: --key (made absolute, to be remembered), else the archive's. */
static int
ingest_key_path(struct session *s, const char *district, char path[ARCHIVE_PATH_MAX],
                const char **remember)
{
	char abspath[PATH_MAX];
	struct archive_district d;
	int rc;

	if (s->o->key != NULL) {
		if (realpath(s->o->key, abspath) == NULL) {
			cli_error(_("cannot use key file %s: %s"), s->o->key, strerror(errno));
			return -1;
		}
		snprintf(path, ARCHIVE_PATH_MAX, "%s", abspath);
		*remember = path;
		return 0;
	}
	if (s->a == NULL) {
		cli_error(
		        _("the first ingest into a new archive needs --key FILE (the district key "
		          "file of %s)"),
		        district);
		return -1;
	}
	if (session_begin(s, 0) != 0)
		return -1;
	rc = archive_district_get(s->t, district, &d);
	if (rc == ARCHIVE_ERR_NOT_FOUND || (rc == ARCHIVE_OK && d.key_path[0] == '\0')) {
		char held[HELD_MAX] = "";

		(void)archive_district_foreach(s->t, held_district, held);
		session_abort(s, NULL);
		/* most often an export meant for another district's machine (issue 17) */
		if (held[0] != '\0')
			cli_error(
			        _("this export is for district %s, and this archive holds %s, not "
			          "%s: it "
			          "was probably made for another district. Nothing was read. If "
			          "%s's "
			          "reports really belong here, give its key with --key FILE"),
			        district, held, district, district);
		else
			cli_error(_("the first ingest for district %s needs --key FILE"), district);
		return -1;
	}
	session_abort(s, NULL);
	if (rc != ARCHIVE_OK) {
		cli_error(_("archive: %s"), archive_strerror(rc));
		return -1;
	}
	snprintf(path, ARCHIVE_PATH_MAX, "%s", d.key_path);
	return 0;
}

static void
ingest_print(const struct ingest *g, const struct ingest_result *res)
{
	printf("%s\n", res->message);
	if (res->key_pinned) {
		char pk[CODEC_B64U_BUF(32)];

		codec_b64u_encode(pk, sizeof pk, g->server_pk, 32);
		printf(res->key_pinned == 1
		               ? _("pinned the server's signing key of district %s: %s "
		                   "(fingerprint "
		                   "[%s]); check it against the key the server operator shows\n")
		               : _("replaced the pinned key by the server's signing key of "
		                   "district "
		                   "%s: %s (fingerprint [%s]); check it against the key the server "
		                   "operator shows\n"),
		       g->district, pk, res->server_fp);
	}
	if (res->unapplied_first > 0 && res->unapplied_first == res->unapplied_last)
		printf(_("the server has not applied update %" PRIu64 " (not imported yet, or "
		         "lost): the next update carries again what it carried\n"),
		       res->unapplied_first);
	else if (res->unapplied_first > 0)
		printf(_("the server has not applied updates %" PRIu64 "..%" PRIu64
		         " (not imported yet, or lost): the next update carries again what "
		         "they carried\n"),
		       res->unapplied_first, res->unapplied_last);
}

int
ingest_command(struct session *s, const struct session_args *o)
{
	struct ingest g;
	struct ingest_result res;
	struct keyfile_secret *key = NULL;
	char path[ARCHIVE_PATH_MAX], err[SESSION_ERR_MAX];
	const char *remember = NULL, *dir = o->archive;
	struct stat st;
	FILE *f = fopen(o->pos[0], "rb");
	char *inbuf;
	int rc, ret = CLI_EXIT_USER, made_dir = 0, created = 0;

	if (f == NULL) {
		cli_error(_("cannot read %s: %s"), o->pos[0], strerror(errno));
		return CLI_EXIT_USER;
	}
	/* bundles run to hundreds of MiB: read them in large blocks (stdio's
	 * default buffer is used when this allocation or setvbuf fails) */
	inbuf = malloc(INGEST_READ_BUF);
	if (inbuf != NULL && setvbuf(f, inbuf, _IOFBF, INGEST_READ_BUF) != 0) {
		free(inbuf);
		inbuf = NULL;
	}
	if (ingest_open(&g, f, err, sizeof err) != 0) {
		cli_error("%s: %s", o->pos[0], err);
		goto out;
	}
	rc = archive_open(&s->a, dir, 0);
	if (rc != ARCHIVE_OK && rc != ARCHIVE_ERR_NOT_FOUND) {
		cli_error(_("cannot open the archive at %s: %s"), dir, archive_strerror(rc));
		goto out;
	}
	if (ingest_key_path(s, g.district, path, &remember) != 0)
		goto out;
	/* the passphrase first: a wrong one leaves everything untouched */
	if (keys_unlock(&key, path, o->passfile, g.district, err, sizeof err) != 0) {
		cli_error("%s", err);
		goto out;
	}
	if (s->a == NULL) {
		made_dir = stat(dir, &st) != 0;
		rc = archive_open(&s->a, dir, 1);
		if (rc != ARCHIVE_OK) {
			cli_error(_("cannot create the archive at %s: %s"), dir,
			          archive_strerror(rc));
			if (made_dir)
				rmdir(dir);
			goto out;
		}
		created = 1; /* removed again unless the bundle is stored */
	}
	rc = ingest_run(&g, s->a, key, remember, o->accept_new, isatty(STDERR_FILENO), &res);
	if (rc == INGEST_DONE || rc == INGEST_NOOP) {
		ingest_print(&g, &res);
		ret = CLI_EXIT_OK;
	} else {
		cli_error("%s: %s", o->pos[0], res.message);
	}
	if (ret != CLI_EXIT_OK && created) {
		archive_close(s->a);
		s->a = NULL;
		archive_remove(dir, made_dir);
	}
	ingest_result_free(&res);
out:
	ingest_close(&g);
	fclose(f);
	free(inbuf);
	keyfile_secret_free(key);
	return ret;
}
