/* labels: see labels.h. */
#include "admin/labels.h"

#include <string.h>

/* The words of crypto/vocab.def with their Chinese labels. */
static const struct labels_entry types[] = {
#define QF_TYPE(w, zh, en, hzh, hen) {w, zh},
#include "crypto/vocab.def"
        {NULL, NULL}};
static const struct labels_entry categories[] = {
#define QF_CATEGORY(w, zh, en) {w, zh},
#include "crypto/vocab.def"
        {NULL, NULL}};
static const struct labels_entry levels[] = {
#define QF_LEVEL(w, zh, en) {w, zh},
#include "crypto/vocab.def"
        {NULL, NULL}};
static const struct labels_entry yesno[] = {
#define QF_PARTY(w, zh, en) {w, zh},
#include "crypto/vocab.def"
        {NULL, NULL}};
static const struct labels_entry purposes[] = {
#define QF_PURPOSE(w, zh, en) {w, zh},
#include "crypto/vocab.def"
        {NULL, NULL}};

const struct labels_entry *
labels_types(void)
{
	return types;
}

const struct labels_entry *
labels_categories(void)
{
	return categories;
}

const struct labels_entry *
labels_levels(void)
{
	return levels;
}

const struct labels_entry *
labels_yesno(void)
{
	return yesno;
}

const struct labels_entry *
labels_purposes(void)
{
	return purposes;
}

const char *
labels_zh(const struct labels_entry *t, const char *v)
{
	if (t == NULL || v == NULL)
		return NULL;
	for (; t->value != NULL; t++)
		if (strcmp(t->value, v) == 0)
			return t->zh;
	return NULL;
}
