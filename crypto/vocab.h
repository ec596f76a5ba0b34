/*
 * vocab: the closed word lists of a manifest (DESIGN.md §6) — report type,
 * category, subject level, party membership, follow-up purpose — as
 * crypto/vocab.def spells them, for every part that writes or checks one
 * (report/manifest, intake/nojs). No secrets live here.
 */
#ifndef QF_CRYPTO_VOCAB_H
#define QF_CRYPTO_VOCAB_H

/* The word lists. */
enum vocab_list { VOCAB_TYPE, VOCAB_CATEGORY, VOCAB_LEVEL, VOCAB_PARTY, VOCAB_PURPOSE };

/* True (1) when s is a word of list; 0 otherwise, including for NULL. Cannot fail. */
int vocab_has(enum vocab_list list, const char *s);

#endif
