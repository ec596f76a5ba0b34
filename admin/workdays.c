/* workdays: see workdays.h. */
#include "admin/workdays.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/buf.h"
#include "admin/cli.h"
#include "admin/i18n.h"
#include "crypto/codec.h"

struct wd_entry {
	long day;
	int workday; /* 1: make-up working day, 0: holiday */
	unsigned line;
};

struct workdays {
	struct wd_entry *e; /* sorted by day, no repeats */
	size_t n;
	int *years; /* sorted, no repeats */
	size_t nyears;
};

static const char *const weekday_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};

int
workdays_weekday(long day)
{
	long r = (day + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(r < 0 ? r + 7 : r);
}

static int
year_of(long day)
{
	char s[CODEC_DAY_LEN + 1];

	if (codec_day_from_number(s, day) != 0)
		return 0;
	return (int)strtol(s, NULL, 10);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct wd_entry *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Copies the next white-space separated word of [p, end) into out; returns its end. */
static const char *
word(const char *p, const char *end, char *out, size_t outsz, size_t *wlen)
{
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && *p != ' ' && *p != '\t') {
		if (n + 1 < outsz)
			out[n] = *p;
		n++;
		p++;
	}
	out[n < outsz ? n : outsz - 1] = '\0';
	*wlen = n;
	return p;
}

void
workdays_free(struct workdays *w)
{
	if (w == NULL)
		return;
	free(w->e);
	free(w->years);
	free(w);
}

int
workdays_parse(struct workdays **out, const char *text, size_t len, char *err, size_t errsz)
{
	struct workdays *w;
	const char *p = text, *end = text + len;
	size_t cap = 0;
	unsigned line = 0;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (w == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	if (len > 0 && memchr(text, 0, len) != NULL) {
		const char *nul = memchr(text, 0, len);
		unsigned ln = 1;

		for (const char *q = text; q < nul; q++)
			ln += *q == '\n';
		snprintf(err, errsz, _("line %u: NUL byte (not a text file)"), ln);
		goto fail;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *stop, *hash, *q;
		char w1[32], w2[32], w3[32];
		size_t l1, l2, l3;
		long day;

		line++;
		if (eol == NULL)
			eol = end;
		stop = eol;
		hash = memchr(p, '#', (size_t)(eol - p));
		if (hash != NULL)
			stop = hash;
		while (stop > p && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		q = word(p, stop, w1, sizeof w1, &l1);
		p = eol < end ? eol + 1 : end;
		if (l1 == 0)
			continue;
		q = word(q, stop, w2, sizeof w2, &l2);
		(void)word(q, stop, w3, sizeof w3, &l3);
		if (l1 >= sizeof w1 || !codec_day_valid(w1)) {
			snprintf(err, errsz, _("line %u: '%.20s' is not a day YYYY-MM-DD"), line,
			         w1);
			goto fail;
		}
		if (l2 == 0 || (strcmp(w2, "holiday") != 0 && strcmp(w2, "workday") != 0)) {
			snprintf(err, errsz, _("line %u: expected 'holiday' or 'workday' after %s"),
			         line, w1);
			goto fail;
		}
		if (l3 != 0) {
			snprintf(err, errsz, _("line %u: unexpected text after '%s %s'"), line, w1,
			         w2);
			goto fail;
		}
		codec_day_number(w1, &day);
		if (w2[0] == 'w' && workdays_weekday(day) != 0 && workdays_weekday(day) != 6) {
			snprintf(err, errsz,
			         _("line %u: %s is a %s; a make-up working day must be a Saturday "
			           "or "
			           "Sunday"),
			         line, w1, weekday_names[workdays_weekday(day)]);
			goto fail;
		}
		if (buf_grow((void **)&w->e, &cap, w->n + 1, sizeof *w->e) != 0) {
			snprintf(err, errsz, _("out of memory"));
			goto fail;
		}
		w->e[w->n].day = day;
		w->e[w->n].workday = w2[0] == 'w';
		w->e[w->n].line = line;
		w->n++;
	}
	if (w->n > 0) {
		qsort(w->e, w->n, sizeof *w->e, cmp_entry);
		w->years = malloc(w->n * sizeof *w->years);
		if (w->years == NULL) {
			snprintf(err, errsz, _("out of memory"));
			goto fail;
		}
	}
	for (size_t i = 0; i < w->n; i++) {
		int y;

		if (i > 0 && w->e[i].day == w->e[i - 1].day) {
			char d[CODEC_DAY_LEN + 1];

			codec_day_from_number(d, w->e[i].day);
			snprintf(err, errsz, _("line %u: %s is already listed on line %u"),
			         w->e[i].line, d, w->e[i - 1].line);
			goto fail;
		}
		y = year_of(w->e[i].day);
		if (w->nyears == 0 || w->years[w->nyears - 1] != y)
			w->years[w->nyears++] = y;
	}
	if (w->nyears > 0)
		qsort(w->years, w->nyears, sizeof *w->years, cmp_int);
	*out = w;
	return 0;
fail:
	workdays_free(w);
	return -1;
}

int
workdays_load(struct workdays **out, const char *path, int missing_ok, int *missing, char *err,
              size_t errsz)
{
	uint8_t *buf;
	size_t len;
	int rc;

	*out = NULL;
	*missing = 0;
	if (cli_read_file(path, WORKDAYS_FILE_MAX, &buf, &len) != 0) {
		if (errno == ENOENT && missing_ok) {
			*missing = 1;
			return workdays_parse(out, "", 0, err, errsz);
		}
		snprintf(err, errsz, _("holiday calendar %s: %s"), path,
		         errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		return -1;
	}
	rc = workdays_parse(out, (const char *)buf, len, err, errsz);
	free(buf);
	if (rc != 0) {
		char inner[512];

		snprintf(inner, sizeof inner, "%s", err);
		snprintf(err, errsz, _("holiday calendar %s: %s"), path, inner);
	}
	return rc;
}

static int
cmp_day(const void *key, const void *elem)
{
	long k = *(const long *)key, d = ((const struct wd_entry *)elem)->day;

	return (k > d) - (k < d);
}

/* The entry for day, or NULL. */
static const struct wd_entry *
find(const struct workdays *w, long day)
{
	return w->n == 0 ? NULL : bsearch(&day, w->e, w->n, sizeof *w->e, cmp_day);
}

/* Index of the first entry after day. */
static size_t
first_after(const struct workdays *w, long day)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->e[mid].day <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
plain_weekday(long day)
{
	int d = workdays_weekday(day);

	return d >= 1 && d <= 5;
}

int
workdays_is_workday(const struct workdays *w, long day)
{
	const struct wd_entry *e = find(w, day);

	if (e != NULL)
		return e->workday;
	return plain_weekday(day);
}

long
workdays_add(const struct workdays *w, long day, unsigned n)
{
	while (n > 0) {
		day++;
		if (workdays_is_workday(w, day))
			n--;
	}
	return day;
}

/* Monday-to-Friday days in [0, x] for x >= -1 (day 0, 1970-01-01, was a Thursday). */
static long
weekdays_through(long x)
{
	static const long prefix[7] = {0, 1, 2, 2, 2, 3, 4}; /* Thu Fri Sat Sun Mon Tue Wed */
	long days = x + 1;

	if (days <= 0)
		return 0;
	return 5 * (days / 7) + prefix[days % 7];
}

long
workdays_between(const struct workdays *w, long from, long to)
{
	long lo = from < to ? from : to, hi = from < to ? to : from, count;

	count = weekdays_through(hi) - weekdays_through(lo);
	for (size_t i = first_after(w, lo); i < w->n && w->e[i].day <= hi; i++) {
		int weekday = plain_weekday(w->e[i].day);

		if (w->e[i].workday && !weekday)
			count++;
		else if (!w->e[i].workday && weekday)
			count--;
	}
	return to >= from ? count : -count;
}

int
workdays_covers(const struct workdays *w, int year)
{
	if (w->nyears == 0)
		return 0;
	return bsearch(&year, w->years, w->nyears, sizeof *w->years, cmp_int) != NULL;
}

size_t
workdays_count(const struct workdays *w)
{
	return w->n;
}
