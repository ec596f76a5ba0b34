/*
 * chart: the printable forms of the statistics (admin/stats.h): a
 * self-contained SVG image (bar charts per category, subject level, town
 * and stage, and a line of the weekly intake) and a self-contained HTML
 * page (the same charts inline, with every figure in tables) that an office
 * can print on A4. Neither refers to anything outside itself: no links,
 * fonts, images, style sheets or scripts. Labels are Chinese with English.
 * Every string that came from a reporter (town names, values outside the
 * known lists) is escaped for XML, with characters XML 1.0 does not allow,
 * invalid UTF-8 and bidirectional overrides replaced by U+FFFD.
 */
#ifndef QF_ADMIN_CHART_H
#define QF_ADMIN_CHART_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* The fonts of every chart and page (Chinese first). */
#define CHART_FONT                                                                                 \
	"'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft "                \
	"YaHei',sans-serif"

/* One bar: a key, its Chinese label (or NULL) and its value. */
struct chart_bar {
	const char *key;
	const char *zh;
	long n;
};

/*
 * Writes s as XML character data (also safe inside an attribute value):
 * & < > " ' escaped, disallowed or unsafe characters as U+FFFD; with
 * max_chars > 0, at most that many characters and then "…". NULL writes
 * nothing. Cannot fail.
 */
void chart_xml_text(FILE *f, const char *s, size_t max_chars);

/*
 * Writes the charts of the figures s (stats_compute) as one SVG image: a
 * whole document with its XML declaration when standalone, or the bare
 * <svg> element for embedding in HTML. Cannot fail (write errors show in
 * ferror(f)).
 */
void chart_svg(FILE *f, const json_t *s, int standalone);

/* Writes the HTML page of the figures s. Cannot fail (see ferror(f)). */
void chart_html(FILE *f, const json_t *s);

/*
 * The parts other printable forms (admin/ovchart.h) share, so that they look
 * alike: a bar chart of rows at height y inside an SVG of the charts' width
 * (900), returning the height below it; a step of 1, 2 or 5 times a power of
 * ten that cuts 0..max into at most 5 parts; the start of an HTML page up to
 * and including <body> with the pages' style and title (escaped). None can
 * fail (write errors show in ferror(f)).
 */
double chart_bars(FILE *f, double y, const char *title, const struct chart_bar *rows, size_t n);
long chart_nice_step(long max);
void chart_html_begin(FILE *f, const char *title);

/*
 * Writes the SVG (html 0) or HTML (html 1) form to path, which must not
 * exist (created O_EXCL|O_NOFOLLOW, mode 0600, fsynced). Returns 0, or -1
 * with a one-line reason in err; then nothing is left at path.
 */
int chart_write_file(const char *path, const json_t *s, int html, char *err, size_t errsz);

/*
 * The same for any writer: write(f, arg) writes the file's contents.
 * Returns as chart_write_file.
 */
int chart_write_with(const char *path, void (*write)(FILE *f, const void *arg), const void *arg,
                     char *err, size_t errsz);

#endif
