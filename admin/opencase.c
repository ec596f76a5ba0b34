/* opencase: see opencase.h. */
#include "admin/opencase.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "admin/cases.h"
#include "admin/i18n.h"
#include "crypto/chain.h"
#include "crypto/envelope.h"

/* One envelope being opened: where its manifest and attachment files go. */
struct one {
	struct opencase_part *p;
	struct extract *x;
	unsigned *counter; /* the last file number used */
	int quarantined;   /* the entry is quarantined: its files say so (extract_file) */
	size_t next;       /* next attachment index without a file yet */
	char err[512];
};

static int
on_manifest(void *ctx, const char *json, size_t len, const json_t *parsed)
{
	struct one *c = ctx;

	(void)json;
	(void)len;
	c->p->manifest = json_deep_copy(parsed);
	return c->p->manifest == NULL;
}

/* Creates the files of attachments up to and including index i. */
static int
files_through(struct one *c, size_t i)
{
	while (c->next <= i) {
		char shown[512];
		const json_t *a =
		        json_array_get(json_object_get(c->p->manifest, "attachments"), c->next);

		if (extract_file(c->x, ++*c->counter, c->quarantined,
		                 json_string_value(json_object_get(a, "name")), shown, sizeof shown,
		                 c->err, sizeof c->err) != 0)
			return -1;
		if (json_array_append_new(c->p->paths, json_string(shown)) != 0) {
			snprintf(c->err, sizeof c->err, _("out of memory"));
			return -1;
		}
		c->next++;
	}
	return 0;
}

static int
on_attachment(void *ctx, size_t index, const uint8_t *data, size_t len)
{
	struct one *c = ctx;

	if (c->x == NULL)
		return 0;
	if (files_through(c, index) != 0)
		return -1;
	return extract_write(c->x, data, len, c->err, sizeof c->err);
}

static void
part_free(struct opencase_part *p)
{
	json_decref(p->manifest);
	json_decref(p->paths);
	memset(p, 0, sizeof *p);
}

/* Opens env into p (extracting with x). Returns 0, or -1 with a reason in err. */
static int
open_part(struct opencase_part *p, const struct keyfile_secret *key, const uint8_t *env, size_t len,
          struct extract *x, unsigned *counter, int quarantined, char *err, size_t errsz)
{
	struct one c;
	struct envelope_callbacks cb = {on_manifest, on_attachment, &c};
	struct envelope_opener *op;
	int rc;

	memset(p, 0, sizeof *p);
	memset(&c, 0, sizeof c);
	c.p = p;
	c.x = x;
	c.counter = counter;
	c.quarantined = quarantined;
	if (x != NULL && (p->paths = json_array()) == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	rc = envelope_open_init(&op, key->pub.box_pk, key->box_sk, &cb);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_update(op, env, len);
	if (rc == ENVELOPE_OK)
		rc = envelope_open_final(op);
	envelope_open_free(op);
	if (rc == ENVELOPE_OK && x != NULL && p->manifest != NULL) {
		size_t n = json_array_size(json_object_get(p->manifest, "attachments"));

		if (n > 0 && files_through(&c, n - 1) != 0)
			rc = ENVELOPE_ERR_SINK;
	}
	if (rc != ENVELOPE_OK || p->manifest == NULL) {
		if (c.err[0] != '\0')
			snprintf(err, errsz, "%s", c.err);
		else
			snprintf(err, errsz, _("envelope does not open: %s"),
			         envelope_strerror(rc));
		part_free(p);
		return -1;
	}
	return 0;
}

int
opencase_envelope(const struct keyfile_secret *key, const uint8_t *env, size_t len,
                  json_t **manifest, char *err, size_t errsz)
{
	struct opencase_part p;

	*manifest = NULL;
	if (open_part(&p, key, env, len, NULL, NULL, 0, err, errsz) != 0)
		return -1;
	*manifest = p.manifest;
	return 0;
}

/*
 * Opens one entry, reply or note into p: a quarantined one that does not
 * open is left empty. Returns 0, or -1 with "case NAME: reason" in err.
 */
static int
open_named(struct opencase_part *p, const char *name, const struct keyfile_secret *key,
           const uint8_t *env, size_t len, struct extract *x, unsigned *counter, int quarantined,
           char *err, size_t errsz)
{
	char inner[512];

	if (open_part(p, key, env, len, x, counter, quarantined, inner, sizeof inner) == 0)
		return 0;
	if (quarantined)
		return 0; /* quarantined: it may not open at all */
	snprintf(err, errsz, _("case %s: %s"), name, inner);
	return -1;
}

int
opencase_open(struct archive_txn *t, const struct case_record *c, const struct keyfile_secret *key,
              unsigned parts, struct extract *x, struct opencase *oc, char *err, size_t errsz)
{
	struct archive_entry e;
	char name[CASES_NAME_BUF];
	unsigned counter = 0;
	const uint8_t *env;
	size_t len, i;

	memset(oc, 0, sizeof *oc);
	oc->c = c;
	cases_format_name(name, c->district, c->index);
	if ((parts & OPENCASE_REPORT) != 0) {
		if (archive_entry_get(t, c->district, c->index, &e) != ARCHIVE_OK ||
		    e.kind != CHAIN_KIND_REPORT) {
			snprintf(err, errsz,
			         _("case %s: its report entry is missing from the archive"), name);
			goto fail;
		}
		if (open_named(&oc->report, name, key, e.envelope, e.envelope_len, x, &counter,
		               c->quarantine[0] != '\0', err, errsz) != 0)
			goto fail;
	}
	if (((parts & OPENCASE_FOLLOWUPS) != 0 &&
	     (oc->followups = calloc(c->nfollowups + 1, sizeof *oc->followups)) == NULL) ||
	    ((parts & OPENCASE_REPLIES) != 0 &&
	     (oc->replies = calloc(c->nreplies + 1, sizeof *oc->replies)) == NULL) ||
	    ((parts & OPENCASE_NOTES) != 0 &&
	     (oc->notes = calloc(c->nnotes + 1, sizeof *oc->notes)) == NULL)) {
		snprintf(err, errsz, _("out of memory"));
		goto fail;
	}
	for (i = 0; oc->followups != NULL && i < c->nfollowups; i++) {
		const struct case_followup *f = &c->followups[i];

		if (archive_entry_get(t, c->district, f->index, &e) != ARCHIVE_OK ||
		    e.kind != CHAIN_KIND_FOLLOWUP) {
			snprintf(err, errsz, _("case %s: follow-up %" PRIu64 " is missing"), name,
			         f->index);
			goto fail;
		}
		if (open_named(&oc->followups[i], name, key, e.envelope, e.envelope_len, x,
		               &counter, f->quarantine[0] != '\0', err, errsz) != 0)
			goto fail;
	}
	for (i = 0; oc->replies != NULL && i < c->nreplies; i++) {
		uint32_t n = c->replies[i].n;

		if (archive_reply_get(t, c->district, c->index, n, ARCHIVE_REPLY_TO_DISTRICT, &env,
		                      &len) != ARCHIVE_OK) {
			snprintf(err, errsz, _("case %s: reply %u is missing"), name, n);
			goto fail;
		}
		if (open_named(&oc->replies[i], name, key, env, len, NULL, NULL, 0, err, errsz) !=
		    0)
			goto fail;
	}
	for (i = 0; oc->notes != NULL && i < c->nnotes; i++) {
		uint32_t n = c->notes[i].n;

		if (archive_note_get(t, c->district, c->index, n, &env, &len) != ARCHIVE_OK) {
			snprintf(err, errsz, _("case %s: note %u is missing"), name, n);
			goto fail;
		}
		if (open_named(&oc->notes[i], name, key, env, len, NULL, NULL, 0, err, errsz) != 0)
			goto fail;
	}
	return 0;
fail:
	opencase_free(oc);
	return -1;
}

int
opencase_load(struct archive_txn *t, const char *district, uint64_t index,
              const struct keyfile_secret *key, unsigned parts, struct extract *x,
              struct opencase *oc, char *err, size_t errsz)
{
	struct case_record c;

	memset(oc, 0, sizeof *oc);
	if (cases_load(t, district, index, &c, err, errsz) != 0)
		return -1;
	if (opencase_open(t, &c, key, parts, x, oc, err, errsz) != 0) {
		case_free(&c);
		return -1;
	}
	oc->own = c; /* the lists move with the struct */
	oc->c = &oc->own;
	return 0;
}

void
opencase_free(struct opencase *oc)
{
	size_t i;

	if (oc == NULL || oc->c == NULL)
		return;
	part_free(&oc->report);
	for (i = 0; oc->followups != NULL && i < oc->c->nfollowups; i++)
		part_free(&oc->followups[i]);
	for (i = 0; oc->replies != NULL && i < oc->c->nreplies; i++)
		part_free(&oc->replies[i]);
	for (i = 0; oc->notes != NULL && i < oc->c->nnotes; i++)
		part_free(&oc->notes[i]);
	free(oc->followups);
	free(oc->replies);
	free(oc->notes);
	if (oc->c == &oc->own)
		case_free(&oc->own);
	memset(oc, 0, sizeof *oc);
}
