/*
 * labels: the Chinese labels of the values a report manifest carries
 * (DESIGN.md §6): report types, categories, subject levels, party
 * membership, follow-up purposes. One table each, shared by what the tool
 * prints (show), counts (stats) and writes (forward).
 */
#ifndef QF_ADMIN_LABELS_H
#define QF_ADMIN_LABELS_H

#include <stddef.h>

/* One value and its Chinese label; a table ends with {NULL, NULL}. */
struct labels_entry {
	const char *value;
	const char *zh;
};

/* Report types: accusation 检举控告, appeal 申诉, suggestion 批评建议. Cannot fail. */
const struct labels_entry *labels_types(void);
/* Categories: political 政治纪律 ... other 其他. Cannot fail. */
const struct labels_entry *labels_categories(void);
/* Subject levels: county 县处级 ... unknown 不清楚. Cannot fail. */
const struct labels_entry *labels_levels(void);
/* Party membership: yes 是, no 否, unknown 不清楚. Cannot fail. */
const struct labels_entry *labels_yesno(void);
/* Follow-up purposes: material 补充材料, objection 异议. Cannot fail. */
const struct labels_entry *labels_purposes(void);

/* The label of value v in table t, or NULL when t or v is NULL or v is not listed. Cannot fail. */
const char *labels_zh(const struct labels_entry *t, const char *v);

#endif
