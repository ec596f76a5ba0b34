/* vocab: see vocab.h. */
#include "crypto/vocab.h"

#include <stddef.h>
#include <string.h>

/* The words of each list of vocab.def, with their labels. */
static const struct vocab_word TYPES[] = {
#define QF_TYPE(w, zh, en, hzh, hen) {w, zh, en},
#include "crypto/vocab.def"
        {NULL, NULL, NULL}};
static const struct vocab_word CATEGORIES[] = {
#define QF_CATEGORY(w, zh, en) {w, zh, en},
#include "crypto/vocab.def"
        {NULL, NULL, NULL}};
static const struct vocab_word LEVELS[] = {
#define QF_LEVEL(w, zh, en) {w, zh, en},
#include "crypto/vocab.def"
        {NULL, NULL, NULL}};
static const struct vocab_word PARTY[] = {
#define QF_PARTY(w, zh, en) {w, zh, en},
#include "crypto/vocab.def"
        {NULL, NULL, NULL}};
static const struct vocab_word PURPOSES[] = {
#define QF_PURPOSE(w, zh, en) {w, zh, en},
#include "crypto/vocab.def"
        {NULL, NULL, NULL}};

const struct vocab_word *
vocab_words(enum vocab_list list)
{
	return list == VOCAB_TYPE       ? TYPES
	       : list == VOCAB_CATEGORY ? CATEGORIES
	       : list == VOCAB_LEVEL    ? LEVELS
	       : list == VOCAB_PARTY    ? PARTY
	                                : PURPOSES;
}

/* The entry of s in words, or NULL. */
static const struct vocab_word *
find(const struct vocab_word *words, const char *s)
{
	if (words == NULL || s == NULL)
		return NULL;
	for (; words->word != NULL; words++)
		if (strcmp(s, words->word) == 0)
			return words;
	return NULL;
}

int
vocab_has(enum vocab_list list, const char *s)
{
	return find(vocab_words(list), s) != NULL;
}

const char *
vocab_zh(const struct vocab_word *words, const char *s)
{
	const struct vocab_word *w = find(words, s);

	return w != NULL ? w->zh : NULL;
}
