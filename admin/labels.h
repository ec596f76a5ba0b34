/*
 * labels: the Chinese labels of the values a report manifest carries
 * (DESIGN.md §6): report types, categories, subject levels, party
 * membership, follow-up purposes, as crypto/vocab.def spells them. One table
 * each, in the order of vocab.def, shared by what the tool prints (show),
 * counts (stats) and writes (forward).
 */
#ifndef QF_ADMIN_LABELS_H
#define QF_ADMIN_LABELS_H

#include <stddef.h>

/* One value and its Chinese label; a table ends with {NULL, NULL}. */
struct labels_entry {
	const char *value;
	const char *zh;
};

/* Report types (QF_TYPE). Cannot fail. */
const struct labels_entry *labels_types(void);
/* Categories (QF_CATEGORY). Cannot fail. */
const struct labels_entry *labels_categories(void);
/* Subject levels (QF_LEVEL). Cannot fail. */
const struct labels_entry *labels_levels(void);
/* Party membership (QF_PARTY). Cannot fail. */
const struct labels_entry *labels_yesno(void);
/* Follow-up purposes (QF_PURPOSE). Cannot fail. */
const struct labels_entry *labels_purposes(void);

/* The label of value v in table t, or NULL when t or v is NULL or v is not listed. Cannot fail. */
const char *labels_zh(const struct labels_entry *t, const char *v);

#endif
