/*
 * opencase: one case as the investigator's commands read it (DESIGN.md
 * §11): its record (struct case_record) and the manifests of its report,
 * follow-ups, replies and notes, each envelope decrypted once, in memory,
 * optionally writing the report's and follow-ups' attachments to disk
 * (admin/extract.h). show, search and list --titles open cases through it;
 * anything else that needs a case's decrypted words should too.
 */
#ifndef QF_ADMIN_OPENCASE_H
#define QF_ADMIN_OPENCASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "admin/extract.h"
#include "crypto/keyfile.h"
#include "store/archive.h"
#include "store/case.h"

/* What to decrypt (or'ed). */
#define OPENCASE_REPORT    1u
#define OPENCASE_FOLLOWUPS 2u
#define OPENCASE_REPLIES   4u
#define OPENCASE_NOTES     8u
#define OPENCASE_ALL       15u

/* One opened envelope. */
struct opencase_part {
	json_t *manifest; /* NULL: not asked for, or quarantined and does not open */
	json_t *paths;    /* with extraction: the file (relative to DIR) per attachment */
};

struct opencase {
	const struct case_record *c; /* &own (opencase_load) or the caller's (opencase_open) */
	struct case_record own;
	struct opencase_part report;
	struct opencase_part *followups; /* one per c->followups when asked for, else NULL */
	struct opencase_part *replies;   /* one per c->replies when asked for, else NULL */
	struct opencase_part *notes;     /* one per c->notes when asked for, else NULL */
};

/*
 * Decrypts the parts of case c asked for (OPENCASE_*) with key (the
 * district's unlocked key); c is borrowed and must outlive oc. With x,
 * writes the attachments of the report and then of the follow-ups as files
 * numbered 1, 2, ... (extract_file; a quarantined entry's files say so). A
 * quarantined report or follow-up that does not open is left with manifest
 * NULL. Returns 0, or -1 with "case NAME: reason" in err (the report entry,
 * a follow-up, reply or note missing, an envelope that does not open, an
 * extraction failure, out of memory); oc is then empty.
 */
int opencase_open(struct archive_txn *t, const struct case_record *c,
                  const struct keyfile_secret *key, unsigned parts, struct extract *x,
                  struct opencase *oc, char *err, size_t errsz);

/*
 * Loads case index of district and opencase_open's it into oc (which owns
 * the record). Returns 0, or -1 with a one-line reason in err (no such case,
 * archive failure, or what opencase_open says); oc is then empty.
 */
int opencase_load(struct archive_txn *t, const char *district, uint64_t index,
                  const struct keyfile_secret *key, unsigned parts, struct extract *x,
                  struct opencase *oc, char *err, size_t errsz);

/* Releases the manifests (and the record when oc owns it) and clears oc. NULL-safe. Cannot fail. */
void opencase_free(struct opencase *oc);

/*
 * Opens one envelope sealed to the district with key and hands back its
 * manifest (attachments are authenticated and discarded). Returns 0 with
 * *manifest a new reference, or -1 with a one-line reason in err and
 * *manifest NULL.
 */
int opencase_envelope(const struct keyfile_secret *key, const uint8_t *env, size_t len,
                      json_t **manifest, char *err, size_t errsz);

#endif
