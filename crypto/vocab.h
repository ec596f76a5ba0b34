/*
 * vocab: the closed word lists of a manifest (DESIGN.md §6) — report type,
 * category, subject level, party membership, follow-up purpose — as
 * crypto/vocab.def spells them, for every part that writes or checks one
 * (report/manifest, intake/nojs) or shows one with its label (admin's
 * show, stats and forward; the reporter's --help). No secrets live here.
 */
#ifndef QF_CRYPTO_VOCAB_H
#define QF_CRYPTO_VOCAB_H

/* The word lists. */
enum vocab_list { VOCAB_TYPE, VOCAB_CATEGORY, VOCAB_LEVEL, VOCAB_PARTY, VOCAB_PURPOSE };

/* One word of a list with its Chinese and English labels; a list ends with {NULL}. */
struct vocab_word {
	const char *word, *zh, *en;
};

/* The words of list, in vocab.def's order, ending with {NULL}. Cannot fail. */
const struct vocab_word *vocab_words(enum vocab_list list);

/* True (1) when s is a word of list; 0 otherwise, including for NULL. Cannot fail. */
int vocab_has(enum vocab_list list, const char *s);

/*
 * The Chinese label of word s in words (a vocab_words list), or NULL when
 * words or s is NULL or s is not listed. Cannot fail.
 */
const char *vocab_zh(const struct vocab_word *words, const char *s);

#endif
