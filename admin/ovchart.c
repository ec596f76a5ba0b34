/* ovchart: see ovchart.h. */
#include "admin/ovchart.h"

#include <string.h>

#include "admin/chart.h"
#include "admin/measure.h"

#define W       900
#define LABEL_X 24
#define BAR_X   170
#define BAR_W   620
#define ROW_H   24

/* The colours of the district's charts, and what they mean here. */
#define C_OK      "#2c5d9e" /* done in time */
#define C_LATE    "#d99a29" /* done, late */
#define C_OVERDUE "#b03a2e" /* not done, overdue */
#define C_OTHER   "#7f9c74" /* not accepted or transferred */
#define C_PENDING "#c8c8c8" /* not done, not yet due */

/* About how wide text is at the 11px of class v: CJK 11px, other characters 6px. */
static double
text_px(const char *s)
{
	double w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x80)
			w += 6;
		else if ((*p & 0xc0) != 0x80) /* the first byte of a sequence */
			w += 11;
	return w;
}

struct seg {
	const char *label;
	const char *colour;
};

/* The four or five parts of a commission's reports for one step. */
static size_t
parts(const json_t *c, const char *step, long out[5])
{
	long rep = (long)measure_int(c, "reports", NULL);

	if (strcmp(step, "read") == 0) {
		long done = (long)measure_int(c, "read", "cases"),
		     late = (long)measure_int(c, "read", "late");
		long od = (long)measure_int(c, "unread_overdue", NULL);

		out[0] = done - late, out[1] = late, out[2] = od, out[3] = rep - done - od;
		return 4;
	}
	if (strcmp(step, "decision") == 0) {
		long done = (long)measure_int(c, "decision", "cases"),
		     late = (long)measure_int(c, "decision", "late");
		long od = (long)measure_int(c, "undecided_overdue", NULL);

		out[0] = done - late, out[1] = late, out[2] = od, out[3] = rep - done - od;
		return 4;
	}
	{
		long done = (long)measure_int(c, "conclusion", "cases"),
		     late = (long)measure_int(c, "conclusion", "late");
		long od = (long)measure_int(c, "unconcluded_overdue", NULL);
		long other = (long)measure_int(c, "closed_other", NULL);

		out[0] = done - late, out[1] = late, out[2] = od, out[4] = other;
		out[3] = rep - done - od - other;
		return 5;
	}
}

static const struct seg segs[5] = {
        {"按时 in time", C_OK},
        {"逾期完成 late", C_LATE},
        {"已逾期未完成 overdue", C_OVERDUE},
        {"未到期 not yet due", C_PENDING},
        {"不予受理/转送 not accepted or transferred", C_OTHER},
};

/* A stacked bar per commission for one step; returns the height below it. */
static double
stacked(FILE *f, double y, const json_t *m, const char *step, const char *title)
{
	const json_t *list = json_object_get(m, "commissions"), *c;
	long max = 1, v[5];
	size_t i, np = 4;
	double x;

	json_array_foreach(list, i, c)
	{
		if ((long)measure_int(c, "reports", NULL) > max)
			max = (long)measure_int(c, "reports", NULL);
	}
	fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"h\">", LABEL_X, y + 22);
	chart_xml_text(f, title, 0);
	fprintf(f, " (%s %" JSON_INTEGER_FORMAT " 个工作日 working days)</text>\n", "时限 limit",
	        measure_int(json_object_get(m, "limits"),
	                    strcmp(step, "read") == 0       ? "read"
	                    : strcmp(step, "decision") == 0 ? "decision"
	                                                    : "conclusion",
	                    NULL));
	y += 40;
	json_array_foreach(list, i, c)
	{
		np = parts(c, step, v);
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"l\">", LABEL_X + 12, y + 15);
		chart_xml_text(f, json_string_value(json_object_get(c, "id")), 0);
		fputs(" ", f);
		chart_xml_text(f, json_string_value(json_object_get(c, "name")), 8);
		fputs("</text>\n", f);
		x = BAR_X;
		for (size_t k = 0; k < np; k++) {
			double w = (double)BAR_W * (double)(v[k] > 0 ? v[k] : 0) / (double)max;

			if (w <= 0)
				continue;
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"16\" "
			        "fill=\"%s\">"
			        "<title>%s: %ld</title></rect>\n",
			        x, y + 2, w, segs[k].colour, segs[k].label, v[k]);
			if (w >= 18)
				fprintf(f,
				        "<text x=\"%.1f\" y=\"%.0f\" class=\"v\" "
				        "text-anchor=\"middle\" "
				        "fill=\"%s\">%ld</text>\n",
				        x + w / 2, y + 14, k == 3 ? "#111" : "#fff", v[k]);
			x += w;
		}
		fprintf(f,
		        "<text x=\"%.1f\" y=\"%.0f\" class=\"v\">%" JSON_INTEGER_FORMAT "</text>\n",
		        x + 6, y + 14, measure_int(c, "reports", NULL));
		y += ROW_H;
	}
	/* legend */
	x = BAR_X;
	for (size_t k = 0; k < np; k++) {
		fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
		        x, y + 4, segs[k].colour);
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" class=\"v\">%s</text>\n", x + 16, y + 14,
		        segs[k].label);
		x += 16 + text_px(segs[k].label) + 14;
	}
	return y + ROW_H + 12;
}

static double
stacked_height(const json_t *m)
{
	return 40 + (double)json_array_size(json_object_get(m, "commissions")) * ROW_H + ROW_H + 12;
}

/* ---- monthly intake: a column per month, stacked by commission ---------------- */

#define LINE_H 200
#define LINE_X 80
#define LINE_W 640

static const char *const colours[] = {"#b03a2e", "#2c5d9e", "#2e8b57", "#8e44ad",
                                      "#d35400", "#16a085", "#7f8c8d", "#c0392b"};

static double
months_chart(FILE *f, double y, const json_t *m)
{
	const json_t *list = json_object_get(m, "commissions"), *c, *it;
	size_t n = json_array_size(json_object_get(m, "months")), i, j, every, nc;
	long max = 1;
	double top, bottom, slot, colw;

	json_array_foreach(json_object_get(m, "months"), j, it)
	{
		long sum = 0;

		json_array_foreach(list, i, c)
		{
			sum += (long)measure_int(json_array_get(json_object_get(c, "months"), j),
			                         "reports", NULL);
		}
		if (sum > max)
			max = sum;
	}
	bottom = chart_frame(f, y, "每月收件 Reports per month, by commission", LINE_X, LINE_W,
	                     LINE_H, &max);
	top = y + 44;
	nc = sizeof colours / sizeof colours[0];
	slot = n > 0 ? (double)LINE_W / (double)n : LINE_W;
	colw = slot * 0.7 > 40 ? 40 : slot * 0.7;
	every = (n + 11) / 12;
	json_array_foreach(json_object_get(m, "months"), j, it)
	{
		double x = LINE_X + slot * (double)j + (slot - colw) / 2, yy = bottom;
		const char *mo = json_string_value(json_object_get(it, "month"));

		json_array_foreach(list, i, c)
		{
			long v = (long)measure_int(json_array_get(json_object_get(c, "months"), j),
			                           "reports", NULL);
			double h = (double)LINE_H * (double)v / (double)max;

			if (v <= 0)
				continue;
			yy -= h;
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\"><title>",
			        x, yy, colw, h, colours[i % nc]);
			chart_xml_text(f, json_string_value(json_object_get(c, "id")), 0);
			fprintf(f, " %s: %ld</title></rect>\n", mo != NULL ? mo : "", v);
		}
		if (every > 0 && j % every == 0 && mo != NULL)
			fprintf(f,
			        "<text x=\"%.1f\" y=\"%.1f\" class=\"v\" "
			        "text-anchor=\"middle\">%s</text>\n",
			        x + colw / 2, bottom + 16, mo);
	}
	json_array_foreach(list, i, c)
	{
		fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
		        LINE_X + LINE_W + 14, top + (double)i * 18, colours[i % nc]);
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" class=\"v\">", LINE_X + LINE_W + 30,
		        top + (double)i * 18 + 10);
		chart_xml_text(f, json_string_value(json_object_get(c, "id")), 0);
		fputs("</text>\n", f);
	}
	return bottom + 40;
}

/* "测试市纪委监委 (c01) 及其下级 · 服务器数据日 bundle of … · 计至 as of …" */
static void
heading(FILE *f, const json_t *m)
{
	chart_xml_text(f, json_string_value(json_object_get(m, "under_name")), 0);
	fputs(" (", f);
	chart_xml_text(f, json_string_value(json_object_get(m, "under")), 0);
	fputs(") 及其下级 and below · 服务器数据日 bundle of ", f);
	chart_xml_text(f, json_string_value(json_object_get(m, "bundle_day")), 0);
	fputs(" · 计至 as of ", f);
	chart_xml_text(f, json_string_value(json_object_get(m, "as_of")), 0);
}

void
ovchart_svg(FILE *f, const json_t *m, int standalone)
{
	const json_t *list = json_object_get(m, "commissions"), *c;
	struct chart_bar bars[64];
	size_t nb = 0, i;
	double h, y;

	json_array_foreach(list, i, c)
	{
		if (nb == sizeof bars / sizeof bars[0])
			break;
		bars[nb].key = json_string_value(json_object_get(c, "id"));
		bars[nb].zh = NULL;
		bars[nb].n = (long)measure_int(c, "duban", NULL);
		nb++;
	}
	h = 90 + 3 * stacked_height(m) + 40 + (double)(nb ? nb : 1) * 22 + 16 + 44 + LINE_H + 40 +
	    20;
	chart_svg_begin(f, standalone, h, "qf-ov-title", "清风 上级监督 Qingfeng oversight",
	                heading, m);
	fprintf(f,
	        "<text x=\"%d\" y=\"78\" class=\"l\">收件 reports %" JSON_INTEGER_FORMAT
	        "; 从未读取 never read %" JSON_INTEGER_FORMAT
	        "; 督办件 cases to ask about %" JSON_INTEGER_FORMAT
	        "; 倒签 backdating flags %" JSON_INTEGER_FORMAT " (合计 all below)</text>\n",
	        LABEL_X, measure_int(json_object_get(m, "total"), "reports", NULL),
	        measure_int(json_object_get(m, "total"), "unread", NULL),
	        measure_int(json_object_get(m, "total"), "duban", NULL),
	        measure_int(json_object_get(m, "total"), "backdated", NULL));
	y = 90;
	y = stacked(f, y, m, "read", "读取 Reading");
	y = stacked(f, y, m, "decision", "受理决定 Decision to accept or not");
	y = stacked(f, y, m, "conclusion", "办结 Conclusion");
	y = chart_bars(f, y, "督办件 Cases to ask about, by commission", bars, nb);
	months_chart(f, y, m);
	fputs("</svg>\n", f);
}

/* ---- HTML ---------------------------------------------------------------------------- */

static void
num(FILE *f, const json_t *v)
{
	if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v) && json_real_value(v) == (double)(long)json_real_value(v))
		fprintf(f, "%ld", (long)json_real_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.1f", json_real_value(v));
	else
		fputs("–", f);
}

struct hrow {
	const char *label, *a, *b;
};

static const struct hrow hrows[] = {
        {"收件 Reports", "reports", NULL},
        {"补充材料 Follow-ups", "followups", NULL},
        {"已读取 Read", "read", "cases"},
        {"读取用时中位数 Read: median (wd)", "read", "median_wd"},
        {"读取用时 90% Read: 90% (wd)", "read", "p90_wd"},
        {"逾期读取 Read late", "read", "late"},
        {"从未读取 Never read", "unread", NULL},
        {"其中逾期 of them overdue", "unread_overdue", NULL},
        {"已作受理决定 Decided", "decision", "cases"},
        {"决定用时中位数 Decision: median (wd)", "decision", "median_wd"},
        {"决定用时 90% Decision: 90% (wd)", "decision", "p90_wd"},
        {"逾期决定 Decided late", "decision", "late"},
        {"未决定且逾期 Undecided, overdue", "undecided_overdue", NULL},
        {"已办结 Concluded", "conclusion", "cases"},
        {"办结用时中位数 Conclusion: median (wd)", "conclusion", "median_wd"},
        {"办结用时 90% Conclusion: 90% (wd)", "conclusion", "p90_wd"},
        {"逾期办结 Concluded late", "conclusion", "late"},
        {"未办结且逾期 Not concluded, overdue", "unconcluded_overdue", NULL},
        {"不予受理或转送 Not accepted / transferred", "closed_other", NULL},
        {"在办 Open", "open", NULL},
        {"久拖未决 Stale", "stale", NULL},
        {"督办件 Cases to ask about", "duban", NULL},
        {"倒签 Backdating flags", "backdated", NULL},
};

/*
 * One cell of a list's row: the member key as text ('t') or a number ('n'),
 * or ('l') key's label (measure_label), a space and the member then.
 */
struct cell {
	char kind;
	const char *key, *then;
};

static const struct cell duban_cells[] = {
        {'t', "district", NULL}, {'n', "index", NULL}, {'t', "report_day", NULL},
        {'l', "what", "what"},   {'t', "since", NULL}, {'n', "late_by", NULL},
        {0, NULL, NULL},
};

static const struct cell backdated_cells[] = {
        {'t', "district", NULL}, {'n', "index", NULL},      {'n', "seq", NULL},
        {'t', "status", NULL},   {'t', "status_day", NULL}, {'l', "rule", "bound_day"},
        {0, NULL, NULL},
};

/* A table row for each of rows, its cells as cells says. Cannot fail (see ferror(f)). */
static void
list_rows(FILE *f, const json_t *rows, const struct cell *cells)
{
	const json_t *it;
	size_t i;

	json_array_foreach(rows, i, it)
	{
		fputs("<tr>", f);
		for (const struct cell *c = cells; c->key != NULL; c++) {
			const char *s = json_string_value(json_object_get(it, c->key));

			fputs(c->kind == 'n' ? "<td class=\"n\">" : "<td>", f);
			if (c->kind == 'n') {
				num(f, json_object_get(it, c->key));
			} else if (c->kind == 'l') {
				chart_xml_text(f, measure_label(s), 0);
				fputc(' ', f);
				chart_xml_text(f, json_string_value(json_object_get(it, c->then)),
				               0);
			} else {
				chart_xml_text(f, s, 0);
			}
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
}

void
ovchart_html(FILE *f, const json_t *m)
{
	const json_t *list = json_object_get(m, "commissions"), *c, *it, *lim;
	const json_t *ver = json_object_get(m, "verified");
	size_t i, r;

	chart_html_begin(f, "清风 上级监督 Qingfeng oversight");
	fputs("<h1>清风 上级监督 Qingfeng oversight</h1>\n<p>", f);
	heading(f, m);
	fputs("</p>\n", f);
	fprintf(f,
	        "<p>已核验 Verified: 服务器签名 the server's signature (key [%s], %s); "
	        "%" JSON_INTEGER_FORMAT " 个委的哈希链 chains of %" JSON_INTEGER_FORMAT
	        " commissions with %" JSON_INTEGER_FORMAT " entries; %" JSON_INTEGER_FORMAT
	        " 次已应用更新 applied updates; %" JSON_INTEGER_FORMAT
	        " 份案件声明 case statements, each with its commission's key.</p>\n",
	        json_string_value(json_object_get(m, "server_key")),
	        json_string_value(json_object_get(m, "server_key_state")),
	        measure_int(ver, "commissions", NULL), measure_int(ver, "commissions", NULL),
	        measure_int(ver, "entries", NULL), measure_int(ver, "updates", NULL),
	        measure_int(ver, "statements", NULL));
	lim = json_object_get(m, "limits");
	fprintf(f,
	        "<p>时限（工作日）Limits in working days: 读取 read %" JSON_INTEGER_FORMAT
	        " · 受理决定 decision %" JSON_INTEGER_FORMAT
	        " · 办结 conclusion %" JSON_INTEGER_FORMAT " · 久拖未决 stale %" JSON_INTEGER_FORMAT
	        ". 时间从收件日起，至服务器应用该更新之日止 "
	        "Times run from the report's day to the day the server applied the update that "
	        "did it.</p>\n",
	        measure_int(lim, "read", NULL), measure_int(lim, "decision", NULL),
	        measure_int(lim, "conclusion", NULL), measure_int(lim, "stale", NULL));

	fputs("<section><h2>各委情况 By commission</h2>\n<table><tr><th>项目 Measure</th>", f);
	json_array_foreach(list, i, c)
	{
		fputs("<th>", f);
		chart_xml_text(f, json_string_value(json_object_get(c, "id")), 0);
		fputs("<br>", f);
		chart_xml_text(f, json_string_value(json_object_get(c, "name")), 10);
		fputs("</th>", f);
	}
	fputs("<th>合计 All below</th></tr>\n", f);
	for (r = 0; r < sizeof hrows / sizeof hrows[0]; r++) {
		fprintf(f, "<tr><td>%s</td>", hrows[r].label);
		for (i = 0; i <= json_array_size(list); i++) {
			const json_t *col = i < json_array_size(list) ? json_array_get(list, i)
			                                              : json_object_get(m, "total");
			const json_t *v = json_object_get(col, hrows[r].a);

			if (hrows[r].b != NULL)
				v = json_object_get(v, hrows[r].b);
			fputs("<td class=\"n\">", f);
			num(f, v);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></section>\n", f);

	fprintf(f, "<section><h2>督办清单 Cases to ask about (%zu)</h2>\n",
	        json_array_size(json_object_get(m, "duban")));
	fputs("<table><tr><th>委 Commission</th><th>编号 Index</th><th>收件日 Report day</th>"
	      "<th>逾期事项 What is late</th><th>计时起 Counted from</th>"
	      "<th>超期（工作日）Over by (wd)</th></tr>\n",
	      f);
	list_rows(f, json_object_get(m, "duban"), duban_cells);
	fputs("</table></section>\n", f);

	fprintf(f,
	        "<section><h2>倒签 Statements dated before the district could have acted "
	        "(%zu)</h2>\n",
	        json_array_size(json_object_get(m, "backdated")));
	fputs("<table><tr><th>委 Commission</th><th>编号 Index</th><th>更新 Update</th>"
	      "<th>状态 Status</th><th>声明日期 status_day</th><th>早于 Before</th></tr>\n",
	      f);
	list_rows(f, json_object_get(m, "backdated"), backdated_cells);
	fputs("</table></section>\n", f);

	fputs("<section class=\"charts\"><h2>图表 Charts</h2>\n", f);
	ovchart_svg(f, m, 0);
	fputs("</section>\n", f);

	fputs("<section><h2>每月收件 Reports per month (+补充材料 follow-ups)</h2>\n<table><tr>"
	      "<th>月份 Month</th>",
	      f);
	json_array_foreach(list, i, c)
	{
		fputs("<th>", f);
		chart_xml_text(f, json_string_value(json_object_get(c, "id")), 0);
		fputs("</th>", f);
	}
	fputs("<th>合计 All below</th></tr>\n", f);
	json_array_foreach(json_object_get(m, "months"), r, it)
	{
		fputs("<tr><td>", f);
		chart_xml_text(f, json_string_value(json_object_get(it, "month")), 0);
		fputs("</td>", f);
		for (i = 0; i <= json_array_size(list); i++) {
			const json_t *col = i < json_array_size(list) ? json_array_get(list, i)
			                                              : json_object_get(m, "total");
			const json_t *mo = json_array_get(json_object_get(col, "months"), r);

			fprintf(f,
			        "<td class=\"n\">%" JSON_INTEGER_FORMAT " +%" JSON_INTEGER_FORMAT
			        "</td>",
			        measure_int(mo, "reports", NULL),
			        measure_int(mo, "followups", NULL));
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></section>\n", f);
	fputs("<footer>qingfeng-admin oversee. 仅供内部使用 For internal use. "
	      "本页不含任何举报内容、"
	      "凭证、身份或精确到日以下的时间 This page holds no report content, no receipt, no "
	      "identity and no time finer than a day: only what the server's chain and the "
	      "districts' signed statements prove.</footer>\n</body>\n</html>\n",
	      f);
}

int
ovchart_write_file(const char *path, const json_t *m, int html, char *err, size_t errsz)
{
	return chart_write_with(path, html, ovchart_svg, ovchart_html, m, err, errsz);
}
