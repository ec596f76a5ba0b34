/*
 * ovchart: the printable forms of the oversight measures (admin/measure.h)
 * for a monthly assessment meeting, in the visual language of the district's
 * own statistics (admin/chart.h: the same fonts, colours, bars and page
 * style): a self-contained SVG image (per commission, stacked bars of how
 * its reports were read, decided and concluded — in time, late, overdue,
 * not yet due — the 督办 count, and the monthly intake) and a self-contained
 * HTML page (the same image inline, every figure in tables, the 督办 list
 * and the backdating flags). Neither refers to anything outside itself.
 * Every name that came from the server is escaped (chart_xml_text).
 */
#ifndef QF_ADMIN_OVCHART_H
#define QF_ADMIN_OVCHART_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Writes the charts of the measures m as one SVG image: a whole document
 * when standalone, or the bare <svg> element for embedding. Cannot fail
 * (write errors show in ferror(f)).
 */
void ovchart_svg(FILE *f, const json_t *m, int standalone);

/* Writes the HTML page of the measures m. Cannot fail (see ferror(f)). */
void ovchart_html(FILE *f, const json_t *m);

/*
 * Writes the SVG (html 0) or HTML (html 1) form to path, which must not
 * exist (O_EXCL, mode 0600, fsynced). Returns 0, or -1 with a one-line
 * reason in err; then nothing is left at path.
 */
int ovchart_write_file(const char *path, const json_t *m, int html, char *err, size_t errsz);

#endif
