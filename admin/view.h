/*
 * view: what the investigator reads (DESIGN.md §11, §13): `show` decrypts a
 * case on demand (the report, its follow-ups, the replies sent, the notes,
 * the stage and marks, the history) and prints every manifest field with Chinese and English labels,
 * optionally extracting attachments; `list` summarises cases, from the
 * archive's records alone or, with titles, from the decrypted manifests.
 * Decrypted text lives only in memory and on the terminal; every string
 * from a reporter is printed through cli_print_text.
 */
#ifndef QF_ADMIN_VIEW_H
#define QF_ADMIN_VIEW_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "admin/session.h"
#include "admin/workdays.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/*
 * Decrypts and prints case index of district (status, stage, marks, report,
 * follow-ups, replies, notes, history) to out, using key (the district's
 * unlocked key).
 * With extract_dir, also writes each attachment of the report and of its
 * follow-ups, numbered 1, 2, ... in that order, as extract_dir/<case>/<n>-<safe
 * name> (admin/extract.h); on any failure the files made are removed.
 * Returns 0, or -1 with a one-line reason in err (no such case, an envelope
 * or note that does not open or is missing, an extraction failure).
 */
int view_show(FILE *out, struct archive_txn *t, const char *district, uint64_t index,
              const struct keyfile_secret *key, const char *extract_dir, char *err, size_t errsz);

/*
 * Returns the unlocked key of district for list titles, or NULL (the
 * callback has said why) to stop.
 */
typedef const struct keyfile_secret *(*view_key_fn)(void *ctx, const char *district);

/*
 * Builds the list rows, one object per case (optionally only those with
 * status): {"case","district","index","day","status","stage","real_name"
 * (true, false, or null when not recorded),"followups","replies","queued",
 * "delivered","number","number_name" (the 件号, "d07#3"; null when the
 * record has none),"real_name_label" (实名, 匿名, 冒名, or null),
 * "new_followups","new_objection" (since the last show, view_mark_seen)};
 * with a calendar w also "overdue","due_soon" and
 * "next_deadline" (admin/deadline.h, as of the day number today, or null);
 * when key_for is non-NULL, "type","category","title" from the decrypted
 * report manifest. Cases with an overdue deadline come first; within each
 * group the order is (district, index). Returns 0 with *rows a new array,
 * or -1 with a reason in err.
 */
int view_list_rows(struct archive_txn *t, const char *status, const struct workdays *w, long today,
                   view_key_fn key_for, void *ctx, json_t **rows, char *err, size_t errsz);

/*
 * A domain function (admin/workflow.h): records in c that it was shown
 * ("seen":{"through","day","by"}: through is the highest chain index of the
 * report and its follow-ups now, day and by the session's) and stores c in
 * s->t, the transaction that writes show's access-log line. Follow-ups
 * beyond it are new material for list. Returns ARCHIVE_OK, ARCHIVE_ERR_ARG
 * when the day or the name does not fit the record, or an error of
 * archive_case_store.
 */
int view_mark_seen(struct session *s, struct case_record *c);

/*
 * Prints rows as a table (titles included when present), or as one JSON
 * array when json is set. Cannot fail.
 */
void view_list_print(FILE *out, const json_t *rows, int json);

#endif
