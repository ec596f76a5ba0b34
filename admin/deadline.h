/*
 * deadline: the time limits of DESIGN.md §13, counted in working days
 * (admin/workdays.h) from a case record's history:
 *   acceptance   a real-name report must be told whether it was accepted
 *                within 15 working days of its day: met by the first reply
 *                written once the case has had a decision, i.e. any stage but
 *                registered and screened (accepted, not_accepted and every
 *                stage after them), or a status other than received and
 *                need_info set directly;
 *   result       a real-name report must be told the result within 15
 *                working days of the day it was concluded (the stage became
 *                closed or concluded, or the status concluded): met by the
 *                first reply after that; a case reopened (any other stage or
 *                status) has no result deadline until it is concluded again;
 *   upper-level  a case marked upper-level must reach stage transferred_up
 *                within 5 working days of its day;
 *   transfer     转办: after the last stage transferred_down (with --to) the
 *                body it went to accepts within 5 working days (the rules'
 *                Article 16(2), counted from the 转办 day: the day it is sent);
 *   assign       交办: after the last stage assigned, the body reports the
 *                result within the event's "days" (default 30);
 *   supervise    督办: after the last mark supervise (not cleared) of a case
 *                with a 转办/交办, the body reports within its "days"
 *                (default 10).
 * The last three are met by the first mark reported (已反馈) after them; a
 * new 转办/交办 starts its deadline afresh and ends an earlier 督办. They apply to every case, real
 * name or not.
 * "Within N working days of D" means by the N-th working day after D (D
 * itself is not counted). A deadline is met on the day of the event that
 * meets it. An open deadline is overdue once today is past it, and due soon
 * when it is today or one of the next 3 working days. Real-name deadlines
 * apply to reports with an identity block unless marked realname
 * impersonated (冒名). Nothing here fails: missing or malformed members
 * count as absent.
 */
#ifndef QF_ADMIN_DEADLINE_H
#define QF_ADMIN_DEADLINE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "admin/session.h"
#include "admin/workdays.h"
#include "admin/workflow.h"
#include "store/archive.h"

#define DEADLINE_ACCEPT_DAYS   15
#define DEADLINE_RESULT_DAYS   15
#define DEADLINE_UPPER_DAYS    5
#define DEADLINE_TRANSFER_DAYS WORKFLOW_TRANSFER_DAYS
#define DEADLINE_SOON_DAYS     3
#define DEADLINE_KINDS         6
#define DEADLINE_MAX           DEADLINE_KINDS

enum deadline_kind {
	DEADLINE_ACCEPTANCE = 0,
	DEADLINE_RESULT = 1,
	DEADLINE_UPPER_LEVEL = 2,
	DEADLINE_TRANSFER = 3, /* 转办: the lower body accepts within 5 working days */
	DEADLINE_ASSIGN = 4,   /* 交办: the lower body reports by the district's days */
	DEADLINE_SUPERVISE = 5 /* 督办: the lower body reports by the 督办's days */
};

enum deadline_state {
	DEADLINE_PENDING = 0,  /* open, more than 3 working days left */
	DEADLINE_DUE_SOON = 1, /* open, due today or within 3 working days */
	DEADLINE_OVERDUE = 2,  /* open, past its day */
	DEADLINE_MET = 3,      /* met on or before its day */
	DEADLINE_MET_LATE = 4  /* met after its day */
};

struct deadline {
	int kind;               /* enum deadline_kind */
	long from;              /* the day the period counts from (not itself counted) */
	long due;               /* the last day on which it is met in time */
	long met;               /* the day it was met, or -1 */
	int state;              /* enum deadline_state */
	long left;              /* working days in (today, due], or minus those in (due, today] */
	char to[CASE_TEXT_BUF]; /* 转办/交办/督办: the body; else "" */
};

/*
 * The deadlines of the case record rec as of today (a day number), in the
 * order acceptance, result, upper-level, only those that apply; none for a
 * quarantined report (DESIGN.md §10: it cannot be answered, so no time
 * limit could ever be met). Returns how many were written to out. Cannot fail.
 */
size_t deadline_of_case(const struct case_record *c, const struct workdays *w, long today,
                        struct deadline out[DEADLINE_MAX]);

/*
 * Milestones of a case for the statistics: *accepted, the first day it was
 * recorded as accepted (stage accepted, or status accepted set directly);
 * *concluded, the day its current conclusion began (as for the result
 * deadline); -1 for either when there is none. Cannot fail.
 */
void deadline_milestones(const struct case_record *c, long *accepted, long *concluded);

/*
 * The deadline of the case's last 转办/交办 as of today, or, while a 督办 of
 * it is open, the 督办's: into *out. Returns 1, or 0 when the case was never
 * handed to a lower body. Cannot fail.
 */
int deadline_handoff(const struct case_record *c, const struct workdays *w, long today,
                     struct deadline *out);

/* Index in d[0..n) of the open deadline due first, or -1 when none is open. Cannot fail. */
int deadline_next(const struct deadline *d, size_t n);

/* True (1) when the state is open (pending, due soon, overdue). Cannot fail. */
int deadline_open(int state);

/* "acceptance", "result", "upper_level", "transfer", "assign", "supervise" ("?" otherwise). Cannot fail. */
const char *deadline_kind_name(int kind);
/* "受理告知", "结果告知", "上报上级", "转办受理", "交办反馈", "督办反馈" ("?" otherwise). Cannot fail. */
const char *deadline_kind_label(int kind);
/* "pending", "due_soon", "overdue", "met", "met_late" ("?" otherwise). Cannot fail. */
const char *deadline_state_name(int state);
/* "未到期", "即将到期", "已逾期", "已按时完成", "逾期完成" ("?" otherwise). Cannot fail. */
const char *deadline_state_label(int state);

/*
 * {"kind","label","from","due","state","state_label","working_days_left",
 * "met","to"} (met: a day or absent; to: the body, only for 转办/交办/督办). Returns NULL only when memory runs out.
 */
json_t *deadline_to_json(const struct deadline *d);

/*
 * The rows of `due`: one per case (of district, or all when NULL) that has
 * an open deadline, or with all any deadline at all, as
 * {"case","district","index","day","stage","status","real_name",
 * "deadline":<the open one due first, else the last>,"deadlines":[...]}
 * (deadline_to_json). Ordered overdue first, then due soon, pending, met
 * late, met; within each by due day, then case. Returns 0 with *rows a new
 * array, or -1 with a one-line reason in err.
 */
int deadline_rows(struct archive_txn *t, const char *district, const struct workdays *w, long today,
                  int all, json_t **rows, char *err, size_t errsz);

/*
 * Prints rows as a table with Chinese and English labels and a summary
 * line, or as one JSON array. Cannot fail.
 */
void deadline_print(FILE *f, const json_t *rows, int json);

/*
 * due --archive DIR [--district ID] [--all] [--json]: records first whether
 * the cases ingested by an older version are real-name (decrypting those
 * reports once; an access-log line each), then prints deadline_rows.
 * Returns CLI_EXIT_OK or CLI_EXIT_USER (said why).
 */
int deadline_command(struct session *s, const struct session_args *o);

#endif
