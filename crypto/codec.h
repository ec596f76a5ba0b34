/*
 * codec: the byte and text encodings of DESIGN.md §4 that every part shares:
 * base64url without padding (b64u), lowercase hex, u64be, lp(), calendar days
 * in the configured UTC offset, and district ids. No secrets live here; the
 * functions only move bytes.
 */
#ifndef QF_CRYPTO_CODEC_H
#define QF_CRYPTO_CODEC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Length of a day string "YYYY-MM-DD" without its terminating NUL. */
#define CODEC_DAY_LEN 10
/* Longest district id, and the buffer it needs with its NUL. */
#define CODEC_DISTRICT_MAX 32
#define CODEC_DISTRICT_BUF (CODEC_DISTRICT_MAX + 1)

/* Characters b64u needs for n bytes, without the NUL. */
#define CODEC_B64U_LEN(n) ((((size_t)(n)) * 4 + 2) / 3)
/* Buffer size for the b64u text of n bytes, with the NUL. */
#define CODEC_B64U_BUF(n) (CODEC_B64U_LEN(n) + 1)

/*
 * Writes the b64u text of bin[0..len) and a NUL into out, which holds outsz
 * bytes. Returns 0, or -1 (out untouched beyond its first byte, set to "")
 * when outsz < CODEC_B64U_BUF(len).
 */
int codec_b64u_encode(char *out, size_t outsz, const uint8_t *bin, size_t len);

/*
 * Encodes bin[0..len) as b64u into a new malloc'd string. Returns NULL when
 * memory runs out.
 */
char *codec_b64u_encode_alloc(const uint8_t *bin, size_t len);

/* bin[0..len) as a new JSON string of its b64u text. Returns NULL when memory runs out. */
json_t *codec_b64u_json(const uint8_t *bin, size_t len);

/*
 * Reads the member name of o, a JSON integer >= 0, into *out. Returns 0, or
 * -1 (*out untouched) when it is missing, not an integer or negative.
 */
int codec_json_count(const json_t *o, const char *name, uint64_t *out);

/*
 * Decodes the member name of o, b64u text of exactly n bytes, into out.
 * Returns 0, or -1 when it is missing, not a string or not that (canonical)
 * b64u (codec_b64u_decode_exact).
 */
int codec_json_b64u(const json_t *o, const char *name, uint8_t *out, size_t n);

/*
 * Decodes the b64u text txt[0..txtlen) into out (outsz bytes) and stores the
 * decoded length in *outlen. Rejects, with -1, anything that is not canonical
 * unpadded base64url: padding, white space, other alphabets, a length of
 * 1 mod 4, non-zero trailing bits, or more than outsz bytes.
 */
int codec_b64u_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *txt, size_t txtlen);

/*
 * Decodes NUL-terminated b64u text that must hold exactly n bytes. Returns 0,
 * or -1 when txt is NULL, not canonical b64u, or of another length.
 */
int codec_b64u_decode_exact(uint8_t *out, size_t n, const char *txt);

/* Writes x as 8 big-endian bytes. Cannot fail. */
void codec_u64be_put(uint8_t out[8], uint64_t x);
/* Reads 8 big-endian bytes. Cannot fail. */
uint64_t codec_u64be_get(const uint8_t in[8]);
/* Writes x as 4 big-endian bytes. Cannot fail. */
void codec_u32be_put(uint8_t out[4], uint32_t x);
/* Reads 4 big-endian bytes. Cannot fail. */
uint32_t codec_u32be_get(const uint8_t in[4]);

/*
 * Writes lowercase hex of bin[0..len) and a NUL into out (outsz >= 2*len+1).
 * Returns 0, or -1 when out is too small.
 */
int codec_hex_encode(char *out, size_t outsz, const uint8_t *bin, size_t len);

/*
 * True (1) when s is a district id: [a-z0-9][a-z0-9-]{0,31}; 0 otherwise,
 * including for NULL.
 */
int codec_district_valid(const char *s);

/*
 * True (1) when s is a real calendar day "YYYY-MM-DD" (years 1970..9999),
 * exactly 10 characters; 0 otherwise, including for NULL.
 */
int codec_day_valid(const char *s);

/*
 * Writes the calendar day of unix time t in the zone offset_minutes east of
 * UTC (+08:00 is 480) as "YYYY-MM-DD" and a NUL into out. Returns 0, or -1
 * when the offset is beyond ±18 hours or the date cannot be represented.
 */
int codec_day_format(char out[CODEC_DAY_LEN + 1], time_t t, int offset_minutes);

/*
 * Parses "YYYY-MM-DD" into a day number (days since 1970-01-01). Returns 0,
 * or -1 when s is not a valid day (codec_day_valid).
 */
int codec_day_number(const char *s, long *days);

/*
 * Formats a day number (days since 1970-01-01) as "YYYY-MM-DD". Returns 0, or
 * -1 when the day lies outside the years 1970..9999.
 */
int codec_day_from_number(char out[CODEC_DAY_LEN + 1], long days);

/*
 * Parses a UTC offset "+08:00" / "-05:30" / "Z" into minutes east of UTC.
 * Returns 0, or -1 when s is not of that form or beyond ±18:00.
 */
int codec_offset_parse(const char *s, int *minutes);

#endif
