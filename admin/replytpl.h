/*
 * replytpl: the reply templates of `reply` (issue 17): the answers the
 * rules require, in the district's voice and in Chinese whatever the locale:
 *   受理告知 (acceptance)       the report was accepted
 *   不予受理告知 (not-accepted) it was not, with the reasons
 *   办理结果反馈 (result)       the result of the handling
 *   请补充材料 (need-info)      please add material
 * A template is UTF-8 text with the fields {委名} (the district's name from
 * its key), {今天} (today, 2026年4月1日), {收到日期} (the day the report
 * arrived) and {理由} (--reason, or a blank to fill). The district's own
 * text DIR/templates/<名称>.txt (DIR: the archive) replaces the built-in
 * one. A blank is 【请填写：…】; a reply that still holds one is refused.
 * Drafts are never sent by this module: the investigator edits the draft
 * and sends it with reply --file.
 */
#ifndef QF_ADMIN_REPLYTPL_H
#define QF_ADMIN_REPLYTPL_H

#include <stddef.h>

#include "admin/session.h"

/* The blank a template leaves for the investigator, and what the send path refuses. */
#define REPLYTPL_BLANK "【请填写"
/* Longest template file, in bytes. */
#define REPLYTPL_MAX ((size_t)64 << 10)

/* The fields a template is filled with (UTF-8; reason may be NULL). */
struct replytpl_fields {
	const char *district_name, *today, *received, *reason;
};

/*
 * The built-in template i (0..3): its Chinese name, its ASCII key and its
 * text; NULL name past the end. Cannot fail.
 */
const char *replytpl_name(size_t i, const char **key, const char **text);

/* The Chinese name for a name or key ("not-accepted" -> "不予受理告知"), or NULL. Cannot fail. */
const char *replytpl_canon(const char *s);

/*
 * Fills template tpl (tpl_len bytes) into a new NUL-terminated string *out
 * (free it). Returns 0, or -1 with a reason in err: a field it does not
 * know ({电话}), an unclosed brace, --reason for a template without {理由},
 * out of memory.
 */
int replytpl_fill(const char *tpl, size_t tpl_len, const struct replytpl_fields *f, char **out,
                  char *err, size_t errsz);

/*
 * A day YYYY-MM-DD as 2026年4月1日 into out (at least 32 bytes). Returns 0,
 * or -1 with out empty when iso is not a valid day.
 */
int replytpl_day_zh(char *out, size_t outsz, const char *iso);

/* The first blank left in text (a pointer into it), or NULL. Cannot fail. */
const char *replytpl_blank(const char *text, size_t len);

/*
 * reply: --templates lists the templates and where each comes from (with
 * --out DIR, writes the built-in texts there for the district to edit,
 * never overwriting); --template NAME [--reason TEXT] [--out FILE] writes
 * the filled draft to FILE (created 0600, never overwriting) or stdout;
 * otherwise sends with cases_reply_command. Returns CLI_EXIT_OK,
 * CLI_EXIT_USER (said why) or CLI_EXIT_USAGE.
 */
int replytpl_command(struct session *s, const struct session_args *o);

#endif
