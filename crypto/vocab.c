/* vocab: see vocab.h. */
#include "crypto/vocab.h"

#include <stddef.h>
#include <string.h>

/* The words of each list of vocab.def. */
static const char *const TYPES[] = {
#define QF_TYPE(w, zh, en, hzh, hen) w,
#include "crypto/vocab.def"
        NULL};
static const char *const CATEGORIES[] = {
#define QF_CATEGORY(w, zh, en) w,
#include "crypto/vocab.def"
        NULL};
static const char *const LEVELS[] = {
#define QF_LEVEL(w, zh, en) w,
#include "crypto/vocab.def"
        NULL};
static const char *const PARTY[] = {
#define QF_PARTY(w, zh, en) w,
#include "crypto/vocab.def"
        NULL};
static const char *const PURPOSES[] = {
#define QF_PURPOSE(w, zh, en) w,
#include "crypto/vocab.def"
        NULL};

int
vocab_has(enum vocab_list list, const char *s)
{
	const char *const *set = list == VOCAB_TYPE       ? TYPES
	                         : list == VOCAB_CATEGORY ? CATEGORIES
	                         : list == VOCAB_LEVEL    ? LEVELS
	                         : list == VOCAB_PARTY    ? PARTY
	                                                  : PURPOSES;

	if (s == NULL)
		return 0;
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}
