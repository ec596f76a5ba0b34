/* chart: see chart.h. */
#include "admin/chart.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "admin/cli.h"
#include "admin/stats.h"
#include "crypto/fileio.h"

#define W         900
#define LABEL_X   24
#define BAR_X     330
#define BAR_W     480
#define ROW_H     22
#define TOWNS_MAX 15
#define FONT      CHART_FONT

static int
xml_allowed(unsigned cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return 1;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
		return 0;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	    cp == 0x200f || cp == 0x061c)
		return 0;
	return 1;
}

void
chart_xml_text(FILE *f, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, chars = 0;

	if (s == NULL)
		return;
	len = strlen(s);
	while (len > 0) {
		unsigned cp;
		size_t n = cli_utf8_next(p, len, &cp);

		if (max_chars > 0 && chars == max_chars) {
			fputs("…", f);
			return;
		}
		chars++;
		if (n == 0) {
			fputs("\xef\xbf\xbd", f);
			n = 1;
		} else if (!xml_allowed(cp)) {
			fputs("\xef\xbf\xbd", f);
		} else if (cp == '&') {
			fputs("&amp;", f);
		} else if (cp == '<') {
			fputs("&lt;", f);
		} else if (cp == '>') {
			fputs("&gt;", f);
		} else if (cp == '"') {
			fputs("&quot;", f);
		} else if (cp == '\'') {
			fputs("&#39;", f);
		} else if (cp == '\n' || cp == '\r' || cp == '\t') {
			fputc(' ', f);
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
		len -= n;
	}
}

/* ---- bar charts ----------------------------------------------------------- */

/* Rows of a section, in the order of the figures; towns beyond the first TOWNS_MAX merged. */
static size_t
bars_of(const json_t *s, const char *member, const char *section, struct chart_bar *rows,
        size_t max, int skip_zero)
{
	const char *k;
	const json_t *v;
	size_t n = 0;
	long rest = 0, nrest = 0;

	json_object_foreach(json_object_get(s, member), k, v)
	{
		long c = (long)json_integer_value(v);

		if (skip_zero && c == 0)
			continue;
		if (n == max) {
			rest += c;
			nrest++;
			continue;
		}
		rows[n].key = k;
		rows[n].zh = stats_label(section, k);
		rows[n].n = c;
		n++;
	}
	if (nrest > 0 && n > 0) {
		/* the last row becomes "others" */
		rows[n - 1].n += rest;
		rows[n - 1].key = "others";
		rows[n - 1].zh = "其他";
	}
	return n;
}

static double
bars_height(size_t n)
{
	return 40 + (double)(n == 0 ? 1 : n) * ROW_H + 16;
}

double
chart_bars(FILE *f, double y, const char *title, const struct chart_bar *rows, size_t n)
{
	long max = 1;

	for (size_t i = 0; i < n; i++)
		if (rows[i].n > max)
			max = rows[i].n;
	fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"h\">%s</text>\n", LABEL_X, y + 22, title);
	y += 40;
	if (n == 0) {
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"l\">无数据 no data</text>\n",
		        LABEL_X + 12, y + 15);
		return y + ROW_H + 16;
	}
	fprintf(f,
	        "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"#555\" "
	        "stroke-width=\"1\"/>\n",
	        BAR_X, y - 4, BAR_X, y + (double)n * ROW_H);
	for (size_t i = 0; i < n; i++) {
		double w = (double)BAR_W * (double)rows[i].n / (double)max;

		fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"l\">", LABEL_X + 12, y + 15);
		if (rows[i].zh != NULL) {
			chart_xml_text(f, rows[i].zh, 0);
			fputc(' ', f);
			chart_xml_text(f, rows[i].key, 16);
		} else {
			chart_xml_text(f, rows[i].key, 20);
		}
		fputs("</text>\n", f);
		fprintf(f,
		        "<rect x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"14\" "
		        "fill=\"#2c5d9e\"/>\n",
		        BAR_X, y + 3, w);
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" class=\"v\">%ld</text>\n", BAR_X + w + 6,
		        y + 15, rows[i].n);
		y += ROW_H;
	}
	return y + 16;
}

/* ---- weekly line -------------------------------------------------------- */

#define LINE_H 220
#define LINE_X 80
#define LINE_W 760

long
chart_nice_step(long max)
{
	long step = 1;

	while (max / step > 5) {
		if (max / (step * 2) <= 5)
			return step * 2;
		if (max / (step * 5) <= 5)
			return step * 5;
		step *= 10;
	}
	return step;
}

double
chart_frame(FILE *f, double y, const char *title, int x, int w, int h, long *max)
{
	long step = chart_nice_step(*max);
	double bottom = y + 44 + h;

	*max = (*max + step - 1) / step * step;
	fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"h\">%s</text>\n", LABEL_X, y + 22, title);
	for (long v = 0; v <= *max; v += step) {
		double yy = bottom - (double)h * (double)v / (double)*max;

		fprintf(f,
		        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\" "
		        "stroke-width=\"1\"/>\n",
		        x, yy, x + w, yy);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"v\" text-anchor=\"end\">%ld</text>\n",
		        x - 6, yy + 4, v);
	}
	fprintf(f,
	        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" "
	        "stroke-width=\"1\"/>\n",
	        x, bottom, x + w, bottom);
	return bottom;
}

static double
line_chart(FILE *f, double y, const json_t *weeks)
{
	size_t n = json_array_size(weeks), i, every;
	long max = 1;
	const json_t *it;
	double top, bottom;

	json_array_foreach(weeks, i, it)
	{
		long c = (long)json_integer_value(json_object_get(it, "cases"));

		if (c > max)
			max = c;
	}
	bottom = chart_frame(f, y, "每周收件 Weekly intake (周一起 weeks from Monday)", LINE_X,
	                     LINE_W, LINE_H, &max);
	top = y + 44;
	if (n == 0) {
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"l\">无数据 no data</text>\n",
		        LINE_X + 12, top + 20);
		return bottom + 40;
	}
	every = (n + 11) / 12;
	fputs("<polyline fill=\"none\" stroke=\"#b03a2e\" stroke-width=\"2\" points=\"", f);
	json_array_foreach(weeks, i, it)
	{
		double x = n == 1 ? LINE_X + LINE_W / 2.0
		                  : LINE_X + (double)LINE_W * (double)i / (double)(n - 1);
		double yy =
		        bottom - (double)LINE_H *
		                         (double)json_integer_value(json_object_get(it, "cases")) /
		                         (double)max;

		fprintf(f, "%s%.1f,%.1f", i ? " " : "", x, yy);
	}
	fputs("\"/>\n", f);
	json_array_foreach(weeks, i, it)
	{
		double x = n == 1 ? LINE_X + LINE_W / 2.0
		                  : LINE_X + (double)LINE_W * (double)i / (double)(n - 1);
		long c = (long)json_integer_value(json_object_get(it, "cases"));
		double yy = bottom - (double)LINE_H * (double)c / (double)max;
		const char *wk = json_string_value(json_object_get(it, "week"));

		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#b03a2e\"/>\n", x, yy);
		if (i % every == 0 && wk != NULL && strlen(wk) == 10)
			fprintf(f,
			        "<text x=\"%.1f\" y=\"%.1f\" class=\"v\" "
			        "text-anchor=\"middle\">%.5s</text>\n",
			        x, bottom + 16, wk + 5);
	}
	return bottom + 40;
}

/* ---- documents ------------------------------------------------------------ */

/* "区 district d01, 收件 received 2026-01-05 – 2026-02-03, 截至 as of 2026-04-10" */
static void
heading(FILE *f, const json_t *s)
{
	const json_t *d = json_object_get(s, "district");
	const char *from = json_string_value(json_object_get(s, "from"));
	const char *to = json_string_value(json_object_get(s, "to"));

	fputs("区 district ", f);
	chart_xml_text(f, json_is_string(d) ? json_string_value(d) : "全部 all", 0);
	fputs(", 收件 received ", f);
	if (from == NULL && to == NULL)
		fputs("全部 all days", f);
	else if (to == NULL)
		fprintf(f, "%s 起 from %s", from, from);
	else if (from == NULL)
		fprintf(f, "%s 止 until %s", to, to);
	else
		fprintf(f, "%s – %s", from, to);
	fprintf(f, ", 截至 as of %s", json_string_value(json_object_get(s, "today")));
}

void
chart_svg_begin(FILE *f, int standalone, double h, const char *id, const char *title,
                void (*heading)(FILE *f, const json_t *o), const json_t *o)
{
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
	        "viewBox=\"0 0 %d %.0f\" role=\"img\" aria-labelledby=\"%s\">\n",
	        W, h, W, h, id);
	fprintf(f, "<title id=\"%s\">%s: ", id, title);
	heading(f, o);
	fputs("</title>\n", f);
	fputs("<style>text{font-family:" FONT ";fill:#111}.t{font-size:18px;font-weight:bold}"
	      ".h{font-size:15px;font-weight:bold}.l{font-size:13px}.v{font-size:11px}"
	      "</style>\n",
	      f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"#fff\"/>\n", W, h);
	fprintf(f, "<text x=\"%d\" y=\"32\" class=\"t\">%s</text>\n", LABEL_X, title);
	fprintf(f, "<text x=\"%d\" y=\"56\" class=\"l\">", LABEL_X);
	heading(f, o);
	fputs("</text>\n", f);
}

void
chart_svg(FILE *f, const json_t *s, int standalone)
{
	struct chart_bar cat[32], lvl[32], town[TOWNS_MAX + 1], stage[32];
	size_t ncat = bars_of(s, "by_category", "category", cat, 32, 0);
	size_t nlvl = bars_of(s, "by_level", "level", lvl, 32, 0);
	size_t ntown = bars_of(s, "by_town", "town", town, TOWNS_MAX + 1, 0);
	size_t nstage = bars_of(s, "by_stage", "stage", stage, 32, 0);
	double h = 90 + bars_height(ncat) + bars_height(nlvl) + bars_height(ntown) +
	           bars_height(nstage) + 44 + LINE_H + 40 + 20,
	       y;

	chart_svg_begin(f, standalone, h, "qf-title", "清风 统计 Qingfeng statistics", heading, s);
	fprintf(f,
	        "<text x=\"%d\" y=\"78\" class=\"l\">案件 cases %" JSON_INTEGER_FORMAT
	        "; 实名 real name %" JSON_INTEGER_FORMAT ", 匿名 anonymous %" JSON_INTEGER_FORMAT
	        "; 有逾期期限的案件 cases with an overdue deadline %" JSON_INTEGER_FORMAT
	        "</text>\n",
	        LABEL_X, json_integer_value(json_object_get(s, "cases")),
	        json_integer_value(json_object_get(json_object_get(s, "identity"), "real_name")),
	        json_integer_value(json_object_get(json_object_get(s, "identity"), "anonymous")),
	        json_integer_value(json_object_get(s, "overdue_cases")));
	y = 90;
	y = chart_bars(f, y, "按问题类别 By category", cat, ncat);
	y = chart_bars(f, y, "按乡镇（街道）By town", town, ntown);
	y = chart_bars(f, y, "按被反映人级别 By subject level", lvl, nlvl);
	y = chart_bars(f, y, "当前所处阶段 Current stage", stage, nstage);
	line_chart(f, y, json_object_get(s, "weekly"));
	fputs("</svg>\n", f);
}

static void
num(FILE *f, const json_t *v)
{
	if (json_is_integer(v)) {
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d == (double)(long)d)
			fprintf(f, "%ld", (long)d);
		else
			fprintf(f, "%.1f", d);
	} else {
		fputs("–", f);
	}
}

static void
html_table(FILE *f, const json_t *s, const char *member, const char *section, const char *title)
{
	const char *k;
	const json_t *v;

	fprintf(f, "<section><h2>%s</h2>\n<table><tr><th>项目 Item</th><th>数量 Count</th></tr>\n",
	        title);
	json_object_foreach(json_object_get(s, member), k, v)
	{
		const char *zh = stats_label(section, k);

		fputs("<tr><td>", f);
		if (zh != NULL) {
			chart_xml_text(f, zh, 0);
			fputc(' ', f);
		}
		chart_xml_text(f, k, 0);
		fputs("</td><td class=\"n\">", f);
		num(f, v);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></section>\n", f);
}

static void
html_duration(FILE *f, const json_t *d, const char *title)
{
	fprintf(f, "<tr><td>%s</td><td class=\"n\">", title);
	num(f, json_object_get(d, "cases"));
	fputs("</td><td class=\"n\">", f);
	num(f, json_object_get(d, "median_days"));
	fputs("</td><td class=\"n\">", f);
	num(f, json_object_get(d, "p90_days"));
	fputs("</td><td class=\"n\">", f);
	num(f, json_object_get(d, "median_working_days"));
	fputs("</td><td class=\"n\">", f);
	num(f, json_object_get(d, "p90_working_days"));
	fputs("</td></tr>\n", f);
}

void
chart_html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
	      f);
	chart_xml_text(f, title, 0);
	fputs("</title>\n<style>\n"
	      "@page{size:A4;margin:14mm}\n"
	      "body{font-family:" FONT ";color:#111;background:#fff;margin:24px;font-size:14px}\n"
	      "h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px;"
	      "border-bottom:1px solid #888}\n"
	      "table{border-collapse:collapse;margin:4px 0 10px}"
	      "td,th{border:1px solid #aaa;padding:3px 10px;text-align:left}"
	      "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}\n"
	      ".charts svg{max-width:100%;height:auto}section{break-inside:avoid}\n"
	      ".cols{display:flex;flex-wrap:wrap;gap:0 28px}\n"
	      "footer{margin-top:24px;font-size:12px;color:#555}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
}

void
chart_html(FILE *f, const json_t *s)
{
	const json_t *dls = json_object_get(s, "deadlines"), *it, *v;
	const char *k, *sk;
	size_t i;

	chart_html_begin(f, "清风 统计 Qingfeng statistics");
	fputs("<h1>清风 统计 Qingfeng statistics</h1>\n<p>", f);
	heading(f, s);
	fputs("</p>\n", f);

	fputs("<section><h2>概况 Summary</h2>\n<table>\n", f);
	fputs("<tr><td>案件总数 Cases</td><td class=\"n\">", f);
	num(f, json_object_get(s, "cases"));
	fputs("</td></tr>\n<tr><td>实名 Real name</td><td class=\"n\">", f);
	num(f, json_object_get(json_object_get(s, "identity"), "real_name"));
	fputs("</td></tr>\n<tr><td>匿名 Anonymous</td><td class=\"n\">", f);
	num(f, json_object_get(json_object_get(s, "identity"), "anonymous"));
	fputs("</td></tr>\n<tr><td>有逾期期限的案件 Cases with an overdue deadline</td>"
	      "<td class=\"n\">",
	      f);
	num(f, json_object_get(s, "overdue_cases"));
	fputs("</td></tr>\n</table>\n", f);
	fputs("<table><tr><th>办理时长 Time from receipt</th><th>案件 Cases</th>"
	      "<th>中位数 Median (days)</th><th>90% (days)</th>"
	      "<th>中位数 Median (working days)</th><th>90% (working days)</th></tr>\n",
	      f);
	html_duration(f, json_object_get(s, "to_acceptance"), "至受理 to acceptance");
	html_duration(f, json_object_get(s, "to_conclusion"), "至办结 to conclusion");
	fputs("</table></section>\n", f);

	fputs("<section><h2>期限 Deadlines (working days)</h2>\n<table><tr><th>期限 Deadline</th>",
	      f);
	json_object_foreach(json_object_get(dls, "acceptance"), sk, v)
	{
		fprintf(f, "<th>%s %s</th>", stats_label("state", sk), sk);
	}
	fputs("</tr>\n", f);
	json_object_foreach((json_t *)(uintptr_t)dls, k, it)
	{
		fprintf(f, "<tr><td>%s %s</td>", stats_label("deadline", k), k);
		json_object_foreach((json_t *)(uintptr_t)it, sk, v)
		{
			fputs("<td class=\"n\">", f);
			num(f, v);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></section>\n", f);

	fputs("<section class=\"charts\"><h2>图表 Charts</h2>\n", f);
	chart_svg(f, s, 0);
	fputs("</section>\n<div class=\"cols\">\n", f);
	html_table(f, s, "by_stage", "stage", "当前所处阶段 Current stage");
	html_table(f, s, "reached", "reached",
	           json_is_null(json_object_get(s, "from")) &&
	                           json_is_null(json_object_get(s, "to"))
	                   ? "累计 Ever reached"
	                   : "期间内到达 Reached within the period");
	html_table(f, s, "by_status", "status", "按状态 By status");
	html_table(f, s, "by_category", "category", "按问题类别 By category");
	html_table(f, s, "by_type", "type", "按类型 By report type");
	html_table(f, s, "by_level", "level", "按被反映人级别 By subject level");
	html_table(f, s, "by_town", "town", "按乡镇（街道）By town");
	fputs("<section><h2>每周收件 Weekly intake</h2>\n<table><tr><th>周一 Week of</th>"
	      "<th>案件 Cases</th></tr>\n",
	      f);
	json_array_foreach(json_object_get(s, "weekly"), i, it)
	{
		fputs("<tr><td>", f);
		chart_xml_text(f, json_string_value(json_object_get(it, "week")), 0);
		fputs("</td><td class=\"n\">", f);
		num(f, json_object_get(it, "cases"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table></section>\n</div>\n", f);
	fputs("<footer>qingfeng-admin stats. 仅供内部使用 For internal use: this page names no "
	      "reporter and holds no report text.</footer>\n</body>\n</html>\n",
	      f);
}

int
chart_write_with(const char *path, int html, void (*svg)(FILE *f, const json_t *o, int standalone),
                 void (*page)(FILE *f, const json_t *o), const json_t *o, char *err, size_t errsz)
{
	FILE *f = cli_create(path, err, errsz);

	if (f == NULL)
		return -1;
	if (html)
		page(f, o);
	else
		svg(f, o, 1);
	if (fileio_finish_stream(f, path) != 0) {
		snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
chart_write_file(const char *path, const json_t *s, int html, char *err, size_t errsz)
{
	return chart_write_with(path, html, chart_svg, chart_html, s, err, errsz);
}
