/*
 * workdays: the holiday calendar and the working-day arithmetic behind the
 * deadlines of DESIGN.md §13. Working days are Monday to Friday, except the
 * days the calendar lists as holidays, plus the Saturdays and Sundays it
 * lists as make-up working days (调休上班). The calendar is a text file the
 * district keeps current: one date a line, "YYYY-MM-DD holiday" or
 * "YYYY-MM-DD workday", '#' starts a comment, blank lines are ignored.
 * Days are day numbers (days since 1970-01-01, codec_day_number).
 */
#ifndef QF_ADMIN_WORKDAYS_H
#define QF_ADMIN_WORKDAYS_H

#include <stddef.h>

/* Largest calendar file read, in bytes. */
#define WORKDAYS_FILE_MAX ((size_t)1 << 20)

struct workdays;

/*
 * Parses a calendar from text[0..len). Refuses, naming the line: a date that
 * is not a real day YYYY-MM-DD, a kind other than "holiday" or "workday",
 * extra words, a date listed twice, a "workday" that is not a Saturday or
 * Sunday, a NUL byte. Returns 0 with *out set (free with workdays_free), or
 * -1 with a one-line reason in err and *out NULL (also when memory runs out).
 */
int workdays_parse(struct workdays **out, const char *text, size_t len, char *err, size_t errsz);

/*
 * Reads and parses the calendar file at path. When the file does not exist
 * and missing_ok is set, returns an empty calendar (Monday to Friday only)
 * with *missing = 1; otherwise *missing = 0. Returns 0 with *out set, or -1
 * with a one-line reason in err (unreadable, larger than WORKDAYS_FILE_MAX,
 * a parse error as workdays_parse).
 */
int workdays_load(struct workdays **out, const char *path, int missing_ok, int *missing, char *err,
                  size_t errsz);

/* Frees a calendar; NULL is fine. Cannot fail. */
void workdays_free(struct workdays *w);

/* Day of the week of a day number: 0 Sunday, 1 Monday, ... 6 Saturday. Cannot fail. */
int workdays_weekday(long day);

/* True (1) when day is a working day under w; 0 otherwise. Cannot fail. */
int workdays_is_workday(const struct workdays *w, long day);

/*
 * The n-th working day after day (day itself is not counted; n = 0 gives
 * day). Cannot fail: every week holds working days unless the calendar
 * lists all of them as holidays, and it lists finitely many.
 */
long workdays_add(const struct workdays *w, long day, unsigned n);

/*
 * The number of working days in (from, to] when to >= from, or minus the
 * number in (to, from] when to < from. Cannot fail.
 */
long workdays_between(const struct workdays *w, long from, long to);

/* True (1) when the calendar lists at least one date in year; 0 otherwise. Cannot fail. */
int workdays_covers(const struct workdays *w, int year);

/* Number of dates the calendar lists. Cannot fail. */
size_t workdays_count(const struct workdays *w);

#endif
