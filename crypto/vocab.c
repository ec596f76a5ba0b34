/* vocab: see vocab.h. */
#include "crypto/vocab.h"

#include <stddef.h>
#include <string.h>

static const char *const TYPES[] = {"accusation", "appeal", "suggestion", NULL};
static const char *const CATEGORIES[] = {"political", "organizational", "integrity", "mass", "work",
                                         "life",      "legal",          "other",     NULL};
static const char *const LEVELS[] = {"county",     "township", "staff",   "village",
                                     "enterprise", "other",    "unknown", NULL};
static const char *const PARTY[] = {"yes", "no", "unknown", NULL};
static const char *const PURPOSES[] = {"material", "objection", NULL};

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
