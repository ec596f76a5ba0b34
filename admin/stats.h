/*
 * stats: the figures a district reports on how its intake office works
 * (DESIGN.md §13): per stage, status, category, town, subject level, report
 * type and real-name/anonymous; how long from receipt to acceptance and to
 * conclusion (median and 90th percentile, calendar and working days); the
 * deadlines met, open and overdue. The counts come from the case records
 * and the decrypted report manifests (decrypted one at a time, in memory;
 * nothing is written). The result is one JSON object that the text, CSV,
 * SVG and HTML forms (admin/chart.h) are all drawn from.
 */
#ifndef QF_ADMIN_STATS_H
#define QF_ADMIN_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "admin/session.h"
#include "admin/workdays.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/* Most weeks the weekly intake line covers. */
#define STATS_WEEKS_MAX 1040

struct stats_query {
	const char *district; /* NULL: every district of the archive */
	long from, to;        /* receipt days (day numbers), inclusive; -1: open-ended */
	long today;           /* the day the deadlines are judged on */
	const struct workdays *w;
};

/* Returns the unlocked key of district, or NULL (the callback said why) to stop. */
typedef const struct keyfile_secret *(*stats_key_fn)(void *ctx, const char *district);

/*
 * Counts the cases of q received in [from, to] and builds
 *   {"v":1,"district","from","to","today","cases",
 *    "by_stage":{stage:n} (every stage, in the order of §13),
 *    "by_status":{status:n} (every §9 status),
 *    "by_category","by_level","by_type":{value:n} (every listed value, then
 *      any other value reporters sent; a missing or empty one counts as
 *      "unspecified"; an empty level as "unknown"),
 *    "by_town":{town:n} (most first, ties by name; empty: "unspecified"),
 *    "identity":{"real_name":n,"anonymous":n},
 *    "to_acceptance","to_conclusion":{"cases":n,"median_days","p90_days",
 *      "median_working_days","p90_working_days"} (null while n is 0),
 *    "deadlines":{"acceptance"|"result"|"upper_level":{"pending","due_soon",
 *      "overdue","met","met_late"}},"overdue_cases":n,
 *    "weekly":[{"week":Monday,"cases":n}]}
 * (days as YYYY-MM-DD, from/to null when open). Returns 0 with *out a new
 * object, or -1 with a one-line reason in err (an envelope that does not
 * open, no key, a range longer than STATS_WEEKS_MAX weeks, archive failure).
 */
int stats_compute(struct archive_txn *t, const struct stats_query *q, stats_key_fn key_for,
                  void *ctx, json_t **out, char *err, size_t errsz);

/*
 * Median (the mean of the two middle values for an even count) and 90th
 * percentile (nearest rank: the ceil(0.9 n)-th smallest) of v[0..n), which
 * is sorted in place. Returns 0, or -1 when n is 0.
 */
int stats_quantiles(long *v, size_t n, double *median, long *p90);

/* A growing list of numbers (zeroed when empty; free v). */
struct stats_longs {
	long *v;
	size_t n, cap;
};

/* Appends x to l. Returns 0, or -1 when memory runs out (l unchanged). */
int stats_longs_push(struct stats_longs *l, long x);

/* Prints the figures as text tables with Chinese and English labels. Cannot fail. */
void stats_print_text(FILE *f, const json_t *s);

/*
 * Prints the figures as CSV (RFC 4180, header "section,key,label,value").
 * A cell that a spreadsheet would take for a formula (starting with = + -
 * @ or a tab) is prefixed with an apostrophe. Cannot fail.
 */
void stats_print_csv(FILE *f, const json_t *s);

/*
 * The Chinese label of a key in a section of the figures ("category",
 * "integrity" -> "廉洁纪律"), or NULL. Sections: stage, status, category,
 * level, type, identity, deadline, state. Cannot fail.
 */
const char *stats_label(const char *section, const char *key);

/*
 * stats --archive DIR [--json|--csv|--svg F|--html F] [--from D] [--to D]:
 * checks the days and that the output file is new, unlocks the district's
 * key (logged as "stats" of <district>-*), stats_compute, and prints or
 * writes the result. Returns CLI_EXIT_OK or CLI_EXIT_USER (said why).
 */
int stats_command(struct session *s, const struct session_args *o);

#endif
