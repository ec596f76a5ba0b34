/*
 * text: the one UTF-8 check every part shares. A sequence is valid when it
 * is the shortest form of a Unicode scalar value: no overlong forms, no
 * surrogates (U+D800-DFFF), nothing above U+10FFFF, no truncated or stray
 * continuation bytes — exactly what Jansson accepts in a string, so text
 * that passes here always fits a JSON string. No secrets are kept here.
 */
#ifndef QF_CRYPTO_TEXT_H
#define QF_CRYPTO_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Whether text_utf8_valid accepts U+0000 (a NUL byte) inside the text. */
enum text_nul { TEXT_NUL_OK, TEXT_NUL_BAD };

/*
 * Decodes one UTF-8 sequence at p (avail >= 1 bytes there): returns its
 * length (1-4) with *cp set, or 0 (*cp untouched) when it is not a valid,
 * shortest-form sequence of a scalar value, or is cut off by avail.
 */
size_t text_utf8_next(const unsigned char *p, size_t avail, uint32_t *cp);

/*
 * True (1) when s[0..len) is valid UTF-8 (with nul == TEXT_NUL_BAD: and
 * holds no NUL byte); 0 otherwise, including for s == NULL.
 */
int text_utf8_valid(const char *s, size_t len, enum text_nul nul);

#endif
