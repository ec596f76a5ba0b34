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
 * More shared parts: the frame of a line or column chart at height y (its
 * heading title, SVG text not escaped; the grid from 0 to *max, which it
 * rounds up to a chart_nice_step; the base line) for a plot from x, w wide
 * and h high, returning the y of the base line (the plot's top is h above
 * it); and the start of an SVG image h high up to its heading lines: the
 * XML declaration when standalone, the <svg> element labelled by its
 * <title id>, the style, the white ground, title and heading(f, o) below it
 * (title is SVG text, not escaped; heading escapes what it writes). Neither
 * can fail (write errors show in ferror(f)).
 */
double chart_frame(FILE *f, double y, const char *title, int x, int w, int h, long *max);
void chart_svg_begin(FILE *f, int standalone, double h, const char *id, const char *title,
                     void (*heading)(FILE *f, const json_t *o), const json_t *o);

/*
 * Writes the SVG (html 0) or HTML (html 1) form to path, which must not
 * exist (created O_EXCL|O_NOFOLLOW, mode 0600, fsynced). Returns 0, or -1
 * with a one-line reason in err; then nothing is left at path.
 */
int chart_write_file(const char *path, const json_t *s, int html, char *err, size_t errsz);

/*
 * The same for another pair of forms: page(f, o) writes the HTML form
 * (html 1), svg(f, o, 1) the standalone SVG. Returns as chart_write_file.
 */
int chart_write_with(const char *path, int html,
                     void (*svg)(FILE *f, const json_t *o, int standalone),
                     void (*page)(FILE *f, const json_t *o), const json_t *o, char *err,
                     size_t errsz);

#endif
