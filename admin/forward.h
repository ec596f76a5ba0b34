/*
 * forward: the redacted copy of a report for another body, as a Chinese
 * official document (问题线索转办单, or 交办单 for a case at stage assigned;
 * DESIGN.md §11, §13), in Chinese whatever the locale. It is a plain UTF-8
 * text document that prints anywhere and hides nothing in markup: title,
 * 编号 (the case name), 收件单位 (the body), the 问题线索摘要 (day received,
 * and the report's type, category, subcategory, town, title, time, place,
 * subject and body, enumerated values by their Chinese labels), 转办依据
 * (the rules' Article 16, quoted) or 交办依据, 办理要求 and the time limit
 * (the case's 转办/交办 deadline or open 督办 from admin/deadline.h; without
 * one, 5 working days from today), 附件, 经办人, and 落款 (the district's
 * name from its key and today's date). The reporter's identity block, the follow-ups, the
 * replies, the notes, the history and any manifest member not listed above
 * are never included. Attachments are left out unless an attachment
 * directory is given; then the report's own attachments (never the
 * follow-ups') are written there as admin/extract.h does, and the document
 * lists them. Text from the reporter is written with control characters,
 * bidirectional overrides and invalid UTF-8 replaced by U+FFFD.
 */
#ifndef QF_ADMIN_FORWARD_H
#define QF_ADMIN_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include "admin/session.h"
#include "admin/workdays.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/* What the document says besides the report (forward_write fills it). */
struct forward_doc {
	const char *name;          /* the case, d07-2 */
	const char *day;           /* today, YYYY-MM-DD */
	const char *district_name; /* 落款: the district's name from its key */
	long today, due;           /* day numbers: the document's day, the time limit */
	int kind;    /* DEADLINE_TRANSFER (转办单) or DEADLINE_ASSIGN (交办单) */
	int handoff; /* 0: no 转办/交办 recorded, the document is a 转送函 (no time limit) */
	int supervised; /* an open 督办 sets the time limit */
	unsigned days;  /* working days from the 转办/交办 to due */
};

struct forward_result {
	size_t attachments; /* attachments written to the attachment directory */
	size_t listed;      /* attachments the report has */
};

/* What to forward and where. */
struct forward_args {
	const struct keyfile_secret *key; /* the unlocked key of the case's district */
	const char *path;                 /* the document; must not exist */
	const char *to;                   /* the body it goes to */
	const char *att_dir;              /* NULL, or where the report's attachments go */
	const struct workdays *w;         /* the calendar that counts the time limit */
};

/*
 * A domain function (admin/workflow.h) that ends the transaction itself,
 * because it writes files: writes the redacted document of case c (loaded
 * from s->t) to a->path (created O_EXCL|O_NOFOLLOW, mode 0600, fsynced),
 * with the report's attachments in a->att_dir/<case>/ when att_dir is
 * non-NULL, records {"event":"forward","to","attachments"} in c's history
 * (dated s->day, by s->who), and commits s->t with a "forward" line in the
 * access log. Returns 0 with r filled, or -1 with a one-line reason in err
 * (a key of another district, a quarantined case (DESIGN.md §10), a bad
 * to, a report that does not open, a file that cannot be written, the
 * commit failing); then nothing is left at path or in att_dir and the
 * archive is unchanged. s->t is ended either way.
 */
int forward_write(struct session *s, struct case_record *c, const struct forward_args *a,
                  struct forward_result *r, char *err, size_t errsz);

/*
 * forward --archive DIR CASE --out FILE --to AGENCY --by NAME: checks the
 * case, unlocks its district's key, forward_write, and says what was
 * written. Returns CLI_EXIT_OK or CLI_EXIT_USER (said why).
 */
int forward_command(struct session *s, const struct session_args *o);

#endif
