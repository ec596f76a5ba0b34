/*
 * measure: what the upper level measures from a verified oversight bundle
 * (DESIGN.md §16, admin/oversee.h), per commission and for the whole level
 * below the one overseen, in working days of the holiday calendar (§13,
 * admin/workdays.h). A report's times run from its day on the server's
 * chain to the day the server applied the update that did the thing; the
 * district's own status_day is never used for a time, only to flag
 * backdating. "Took N working days" counts the working days after the
 * report's day up to and including the day of the act; late means more
 * than the limit.
 *   读取 read       the first applied update whose acks_through covers it
 *   决定 decision   the first statement whose status is neither received nor
 *                   need_info (受理, 不予受理, 转送, 办理中 or 办结)
 *   办结 conclusion the first statement with status concluded
 *   久拖未决 stale  read, its latest status not concluded, not_accepted or
 *                   transferred, and no new statement for more than the
 *                   limit (from the day the last one was applied, or the
 *                   read day when it has none)
 *   never read      no applied update covers it
 * The 督办 list names every case overdue on the as-of day, with only its
 * first missing step (read, then decision, then conclusion) and, for an
 * open case, staleness: (commission, index, report day, what, by how many
 * working days over the limit). Backdating: a statement that changes a
 * case's status (or is its first) and whose status_day lies before the
 * report's day, or before the day the server applied the commission's
 * previous update, is listed; it changes no time.
 * Everything is counted as of as_of: entries, updates and statements the
 * server dated later are left out. Nothing here fails but memory.
 */
#ifndef QF_ADMIN_MEASURE_H
#define QF_ADMIN_MEASURE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "admin/oversee.h"
#include "admin/workdays.h"

/* Default limits, in working days (docs/oversight.md says where each comes from). */
#define MEASURE_READ_DAYS     5
#define MEASURE_DECIDE_DAYS   15
#define MEASURE_CONCLUDE_DAYS 60
#define MEASURE_STALE_DAYS    30
/* Largest limit accepted. */
#define MEASURE_LIMIT_MAX 2000
/* Most months the monthly intake covers (the last ones before as_of). */
#define MEASURE_MONTHS_MAX 120

struct measure_limits {
	unsigned read, decide, conclude, stale;
};

struct measure_query {
	const struct workdays *w;
	long as_of; /* day number; not after the bundle's day */
	struct measure_limits lim;
};

/*
 * Computes the measures of ov as of q->as_of:
 *   {"v":1,"bundle_day","as_of","under","under_name","server_key",
 *    "server_key_state":"first use"|"replaced"|"as pinned",
 *    "limits":{"read","decision","conclusion","stale"},
 *    "verified":{"commissions","entries","updates","statements"},
 *    "commissions":[{"id","name","level","parent","fingerprint",
 *      "key_state":"pinned now"|"as pinned","verified_before":day|null,
 *      "size", MEASURES}],
 *    "total":{"commissions":n, MEASURES} (every commission but the first,
 *      or the first alone when it is the only one),
 *    "months":[{"month":"YYYY-MM","reports","followups"}] (the level's),
 *    "duban":[{"district","index","report_day","what","since","late_by"}],
 *    "backdated":[{"district","index","report_day","seq","status","status_day",
 *      "rule","bound_day"}]}
 * where MEASURES are "reports","followups",
 *   "read"|"decision"|"conclusion":{"cases","median_wd","p90_wd","late"}
 *     (median and p90 null while cases is 0),
 *   "unread","unread_overdue","undecided_overdue","unconcluded_overdue",
 *   "closed_other","open","stale","duban","backdated",
 *   "by_status":{status:n} (latest status of the cases read),
 *   "months":[{"month","reports","followups"}].
 * what is "read", "decision", "conclusion" or "stale"; rule is
 * "before_report" or "before_previous_update". Returns 0 with *out a new
 * object, or -1 with a reason in err (out of memory).
 */
int measure_compute(const struct oversee *ov, const struct measure_query *q, json_t **out,
                    char *err, size_t errsz);

/*
 * A number of measure_compute's object: o[a], or o[a][b] when b is not
 * NULL; 0 when missing or not an integer. Cannot fail.
 */
json_int_t measure_int(const json_t *o, const char *a, const char *b);

/* Chinese label of a 督办 "what" or a backdating rule; the key itself otherwise. */
const char *measure_label(const char *key);

/* Prints the measures as terminal tables, Chinese first. Cannot fail. */
void measure_print_text(FILE *f, const json_t *m);

/*
 * Prints the measures as CSV (RFC 4180), one table with the header
 * "section,district,index,report_day,key,label,value": sections "measure"
 * (district "*" for the level), "month", "duban" and "backdated". Cells a
 * spreadsheet would take for a formula are prefixed with an apostrophe.
 * Cannot fail.
 */
void measure_print_csv(FILE *f, const json_t *m);

#endif
