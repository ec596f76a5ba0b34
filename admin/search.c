/* search: see search.h. */
#include "admin/search.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/opencase.h"
#include "admin/workflow.h"

/* Room for a context: SEARCH_CONTEXT characters (4 bytes at most) each side, the match, "…". */
#define CONTEXT_BUF (2 * 4 * SEARCH_CONTEXT + SEARCH_WORD_MAX + 16)

struct word {
	char *folded; /* sodium_malloc'd */
	size_t len;
	int found;
	const char *where;
	char *context; /* sodium_malloc'd, CONTEXT_BUF bytes */
};

struct scan {
	struct word *w;
	size_t n;
	size_t left; /* words not found yet */
	int nomem;
};

static void
fold(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = src[i];

		dst[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	dst[len] = '\0';
}

/* The first occurrence of needle[0..nlen) in hay[0..hlen), or NULL. */
static const char *
find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || nlen > hlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

/* Writes the context of s around [at, at + len) into out (CONTEXT_BUF bytes). */
static void
context_of(char *out, const char *s, size_t slen, size_t at, size_t len)
{
	size_t start = at, end = at + len, o = 0;
	int chars;

	for (chars = 0; start > 0 && chars < SEARCH_CONTEXT; chars++) {
		start--;
		while (start > 0 && ((unsigned char)s[start] & 0xc0) == 0x80)
			start--;
	}
	for (chars = 0; end < slen && chars < SEARCH_CONTEXT; chars++) {
		end++;
		while (end < slen && ((unsigned char)s[end] & 0xc0) == 0x80)
			end++;
	}
	if (start > 0) {
		memcpy(out, "…", 3);
		o = 3;
	}
	for (size_t i = start; i < end && o + 4 < CONTEXT_BUF; i++) {
		char c = s[i];

		out[o++] = c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	if (end < slen && o + 4 < CONTEXT_BUF) {
		memcpy(out + o, "…", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Looks for every word not yet found in one text field. */
static void
scan_text(struct scan *sc, const char *where, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t len;
	char *f;

	if (s == NULL || sc->left == 0)
		return;
	len = strlen(s);
	if (len == 0)
		return;
	f = sodium_malloc(len + 1);
	if (f == NULL) {
		sc->nomem = 1;
		return;
	}
	fold(f, s, len);
	for (size_t i = 0; i < sc->n; i++) {
		struct word *w = &sc->w[i];
		const char *hit;

		if (w->found || w->len > len)
			continue;
		hit = find(f, len, w->folded, w->len);
		if (hit == NULL)
			continue;
		w->found = 1;
		w->where = where;
		context_of(w->context, s, len, (size_t)(hit - f), w->len);
		sc->left--;
	}
	sodium_free(f); /* wipes */
}

/* Looks for the words in the fields of one manifest of kind ("report", "followup", ...). */
static void
scan_manifest(struct scan *sc, const char *kind, const json_t *m)
{
	const json_t *r = json_object_get(m, "report");
	const json_t *subj = json_object_get(r, "subject");
	const json_t *id = json_object_get(r, "identity"), *a, *v;
	const char *k;
	size_t i;

	if (strcmp(kind, "report") == 0) {
		scan_text(sc, _("标题 title"), json_object_get(r, "title"));
		scan_text(sc, _("被反映人 subject name"), json_object_get(subj, "name"));
		scan_text(sc, _("被反映人单位 subject unit"), json_object_get(subj, "unit"));
		scan_text(sc, _("被反映人职务 subject position"),
		          json_object_get(subj, "position"));
		scan_text(sc, _("被反映人地区 subject area"), json_object_get(subj, "area"));
		scan_text(sc, _("乡镇（街道） town"), json_object_get(r, "town"));
		scan_text(sc, _("地点 where"), json_object_get(r, "where"));
		scan_text(sc, _("时间 when"), json_object_get(r, "when"));
		scan_text(sc, _("具体问题 subcategory"), json_object_get(r, "subcategory"));
		scan_text(sc, _("涉及 concerns (routed from)"), json_object_get(r, "concerns"));
		scan_text(sc, _("正文 body"), json_object_get(r, "body"));
		if (json_is_object(id))
			json_object_foreach((json_t *)(uintptr_t)id, k, v)
			{
				scan_text(sc, _("检举控告人 identity"), v);
			}
	} else if (strcmp(kind, "followup") == 0) {
		scan_text(sc, _("补充材料 follow-up"), json_object_get(m, "body"));
	} else if (strcmp(kind, "reply") == 0) {
		scan_text(sc, _("答复 reply"), json_object_get(m, "body"));
	} else {
		scan_text(sc, _("备注 note"), json_object_get(m, "body"));
	}
	if (strcmp(kind, "report") == 0 || strcmp(kind, "followup") == 0)
		json_array_foreach(json_object_get(m, "attachments"), i, a)
		{
			scan_text(sc, _("附件名 attachment name"), json_object_get(a, "name"));
		}
}

struct run {
	struct archive_txn *t;
	struct scan sc;
	search_key_fn key_for;
	void *kctx;
	search_hit_fn on_hit;
	void *hctx;
	size_t searched;
	char *err;
	size_t errsz;
};

/* Scans the opened parts of a case: the report, the follow-ups not quarantined, replies, notes. */
static void
scan_case(struct scan *sc, const struct opencase *oc)
{
	const struct case_record *c = oc->c;

	if (oc->report.manifest != NULL)
		scan_manifest(sc, "report", oc->report.manifest);
	for (size_t i = 0; oc->followups != NULL && i < c->nfollowups; i++)
		if (c->followups[i].quarantine[0] == '\0') /* §10: never the reporter's words */
			scan_manifest(sc, "followup", oc->followups[i].manifest);
	for (size_t i = 0; oc->replies != NULL && i < c->nreplies; i++)
		scan_manifest(sc, "reply", oc->replies[i].manifest);
	for (size_t i = 0; oc->notes != NULL && i < c->nnotes; i++)
		scan_manifest(sc, "note", oc->notes[i].manifest);
}

static int
search_case(void *vctx, const struct case_record *c)
{
	struct run *r = vctx;
	struct scan *sc = &r->sc;
	const struct keyfile_secret *key;
	struct opencase oc;
	const char *where[SEARCH_WORDS_MAX], *ctx[SEARCH_WORDS_MAX];
	size_t i;

	if (c->quarantine[0] != '\0')
		return 0; /* §10: not the reporter's words, perhaps no words at all */
	key = r->key_for(r->kctx, c->district);
	if (key == NULL) {
		snprintf(r->err, r->errsz, _("no key for district %s"), c->district);
		return -1;
	}
	for (i = 0; i < sc->n; i++)
		sc->w[i].found = 0;
	sc->left = sc->n;
	r->searched++;
	if (opencase_open(r->t, c, key, OPENCASE_REPORT, NULL, &oc, r->err, r->errsz) != 0)
		return -1;
	scan_case(sc, &oc);
	opencase_free(&oc);
	if (sc->left > 0) { /* the rest is decrypted only when a word is still missing */
		if (opencase_open(r->t, c, key, OPENCASE_ALL & ~OPENCASE_REPORT, NULL, &oc, r->err,
		                  r->errsz) != 0)
			return -1;
		scan_case(sc, &oc);
		opencase_free(&oc);
	}
	if (sc->nomem) {
		snprintf(r->err, r->errsz, _("out of memory"));
		return -1;
	}
	if (sc->left > 0)
		return 0;
	for (i = 0; i < sc->n; i++) {
		where[i] = sc->w[i].where;
		ctx[i] = sc->w[i].context;
	}
	return r->on_hit(r->hctx, c, where, ctx, sc->n);
}

int
search_run(struct archive_txn *t, const char *district, const char *const *words, size_t nwords,
           search_key_fn key_for, void *kctx, search_hit_fn on_hit, void *hctx, size_t *searched,
           char *err, size_t errsz)
{
	struct word w[SEARCH_WORDS_MAX];
	struct run r;
	int rc = -1;

	*searched = 0;
	err[0] = '\0';
	if (nwords == 0 || nwords > SEARCH_WORDS_MAX) {
		snprintf(err, errsz, _("give 1 to %d words to search for"), SEARCH_WORDS_MAX);
		return -1;
	}
	memset(w, 0, sizeof w);
	for (size_t i = 0; i < nwords; i++) {
		size_t len = words[i] != NULL ? strlen(words[i]) : 0;

		if (len == 0 || len > SEARCH_WORD_MAX || !cli_utf8_valid(words[i], len)) {
			snprintf(err, errsz, _("word %zu must be 1-%d bytes of UTF-8 text"), i + 1,
			         SEARCH_WORD_MAX);
			goto out;
		}
		w[i].folded = sodium_malloc(len + 1);
		w[i].context = sodium_malloc(CONTEXT_BUF);
		if (w[i].folded == NULL || w[i].context == NULL) {
			snprintf(err, errsz, _("out of memory"));
			goto out;
		}
		fold(w[i].folded, words[i], len);
		w[i].len = len;
		w[i].context[0] = '\0';
	}
	r = (struct run){.t = t,
	                 .sc = {.w = w, .n = nwords},
	                 .key_for = key_for,
	                 .kctx = kctx,
	                 .on_hit = on_hit,
	                 .hctx = hctx,
	                 .err = err,
	                 .errsz = errsz};
	rc = archive_case_each(t, district, search_case, &r);
	*searched = r.searched;
	if (rc != 0 && err[0] == '\0' && rc < 0)
		snprintf(err, errsz, _("archive: %s"), archive_strerror(rc));
out:
	for (size_t i = 0; i < nwords && i < SEARCH_WORDS_MAX; i++) {
		if (w[i].folded != NULL)
			sodium_free(w[i].folded);
		if (w[i].context != NULL)
			sodium_free(w[i].context);
	}
	return rc;
}

struct hits {
	json_t *names;
	char **words;
};

static int
print_hit(void *ctx, const struct case_record *c, const char *const *where,
          const char *const *context, size_t nwords)
{
	struct hits *h = ctx;
	char name[CASES_NAME_BUF], shown[CASES_SHOWN_BUF];
	const char *label = cases_status_label(c->status);

	cases_format_name(name, c->district, c->index);
	cases_format_shown(shown, c);
	printf(_("%s  %s  stage %s %s, status %s %s\n"), shown, c->day, workflow_stage_of(c),
	       workflow_stage_label(workflow_stage_of(c)), c->status, label != NULL ? label : "");
	for (size_t i = 0; i < nwords; i++) {
		fputs("  \"", stdout);
		cli_print_text(stdout, h->words[i], NULL);
		printf("\" %s: ", where[i]);
		cli_print_text(stdout, context[i], NULL);
		fputc('\n', stdout);
	}
	return json_array_append_new(h->names, json_string(name)) != 0 ? -1 : 0;
}

int
search_command(struct session *s, const struct session_args *o)
{
	struct hits h = {NULL, o->pos};
	char err[SESSION_ERR_MAX], district[CODEC_DISTRICT_BUF], all[CODEC_DISTRICT_BUF + 2];
	size_t searched = 0;
	int rc = -1;

	for (int k = 0; k < o->npos; k++) {
		size_t len = strlen(o->pos[k]);

		if (len == 0 || len > SEARCH_WORD_MAX || !cli_utf8_valid(o->pos[k], len)) {
			cli_error(_("search words must be 1-%d bytes of UTF-8 text"),
			          SEARCH_WORD_MAX);
			return CLI_EXIT_USER;
		}
	}
	h.names = json_array();
	snprintf(all, sizeof all, "%s-*", o->district != NULL ? o->district : "*");
	if (h.names == NULL)
		cli_error(_("out of memory"));
	else if (session_archive(s) == 0 &&
	         (o->district == NULL || session_district(s, o->district, 1, district) == 0) &&
	         session_log(s, "search", o->district != NULL ? all : "*", NULL) == 0 &&
	         session_begin(s, 0) == 0) {
		err[0] = '\0';
		rc = search_run(s->t, o->district, (const char *const *)o->pos, (size_t)o->npos,
		                session_key, s, print_hit, &h, &searched, err, sizeof err);
		session_abort(s, NULL);
		if (rc != 0 && !s->key_failed)
			cli_error("%s", err[0] ? err : _("out of memory"));
	}
	if (rc == 0)
		rc = session_log(s, "search (match shown)", NULL, h.names);
	if (rc == 0)
		printf(_("%zu of %zu case(s) match\n"), json_array_size(h.names), searched);
	json_decref(h.names);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_USER;
}
