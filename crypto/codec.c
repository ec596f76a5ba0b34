/* codec: see codec.h. */
#include "crypto/codec.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define B64U_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

int
codec_b64u_encode(char *out, size_t outsz, const uint8_t *bin, size_t len)
{
	if (outsz == 0)
		return -1;
	if (outsz < CODEC_B64U_BUF(len)) {
		out[0] = '\0';
		return -1;
	}
	sodium_bin2base64(out, outsz, bin, len, B64U_VARIANT);
	return 0;
}

char *
codec_b64u_encode_alloc(const uint8_t *bin, size_t len)
{
	size_t sz = CODEC_B64U_BUF(len);
	char *s = malloc(sz);

	if (s == NULL)
		return NULL;
	sodium_bin2base64(s, sz, bin, len, B64U_VARIANT);
	return s;
}

json_t *
codec_b64u_json(const uint8_t *bin, size_t len)
{
	char *t = codec_b64u_encode_alloc(bin, len);
	json_t *j = t != NULL ? json_string(t) : NULL;

	free(t);
	return j;
}

int
codec_json_count(const json_t *o, const char *name, uint64_t *out)
{
	const json_t *v = json_object_get(o, name);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int
codec_json_b64u(const json_t *o, const char *name, uint8_t *out, size_t n)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s != NULL && codec_b64u_decode_exact(out, n, s) == 0 ? 0 : -1;
}

/* The 64 symbols of base64url, by byte value. */
static const unsigned char b64u_symbol[256] = {
        ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
        ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
        ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
        ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
        ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
        ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
        ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
        ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['-'] = 1, ['_'] = 1,
};

int
codec_b64u_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *txt, size_t txtlen)
{
	const char *end = NULL;
	size_t n = 0;

	*outlen = 0;
	if (txt == NULL)
		return -1;
	/*
	 * libsodium 1.0.18 maps some bytes >= 0x80 to symbols (e.g. "\xc3\xa9"
	 * decodes like "__"), so the alphabet is checked first.
	 */
	for (size_t i = 0; i < txtlen; i++)
		if (!b64u_symbol[(unsigned char)txt[i]])
			return -1;
	/* libsodium rejects non-zero trailing bits and a dangling symbol. */
	if (sodium_base642bin(out, outsz, txt, txtlen, NULL, &n, &end, B64U_VARIANT) != 0)
		return -1;
	if (end != txt + txtlen)
		return -1;
	*outlen = n;
	return 0;
}

int
codec_b64u_decode_exact(uint8_t *out, size_t n, const char *txt)
{
	size_t got;
	size_t len;

	if (txt == NULL)
		return -1;
	len = strlen(txt);
	if (len != CODEC_B64U_LEN(n))
		return -1;
	if (codec_b64u_decode(out, n, &got, txt, len) != 0 || got != n) {
		sodium_memzero(out, n);
		return -1;
	}
	return 0;
}

void
codec_u64be_put(uint8_t out[8], uint64_t x)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)(x & 0xff);
		x >>= 8;
	}
}

uint64_t
codec_u64be_get(const uint8_t in[8])
{
	uint64_t x = 0;

	for (int i = 0; i < 8; i++)
		x = (x << 8) | in[i];
	return x;
}

void
codec_u32be_put(uint8_t out[4], uint32_t x)
{
	out[0] = (uint8_t)(x >> 24);
	out[1] = (uint8_t)(x >> 16);
	out[2] = (uint8_t)(x >> 8);
	out[3] = (uint8_t)x;
}

uint32_t
codec_u32be_get(const uint8_t in[4])
{
	return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) |
	       (uint32_t)in[3];
}

int
codec_hex_encode(char *out, size_t outsz, const uint8_t *bin, size_t len)
{
	if (len > (SIZE_MAX - 1) / 2 || outsz < len * 2 + 1) {
		if (outsz > 0)
			out[0] = '\0';
		return -1;
	}
	sodium_bin2hex(out, outsz, bin, len);
	return 0;
}

int
codec_district_valid(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n < 1 || n > CODEC_DISTRICT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
		if (!ok)
			return 0;
	}
	return 1;
}

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, long *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *s, int n, long *v)
{
	long x = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int
codec_day_number(const char *s, long *days)
{
	long y, m, d;

	if (s == NULL || strlen(s) != CODEC_DAY_LEN || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &y) != 0 || digits(s + 5, 2, &m) != 0 || digits(s + 8, 2, &d) != 0)
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, (int)m))
		return -1;
	*days = days_from_civil(y, (int)m, (int)d);
	return 0;
}

int
codec_day_valid(const char *s)
{
	long days;

	return codec_day_number(s, &days) == 0;
}

int
codec_day_from_number(char out[CODEC_DAY_LEN + 1], long days)
{
	long y;
	int m, d;

	if (days < 0 || days > 2932896) /* 9999-12-31 */
		return -1;
	civil_from_days(days, &y, &m, &d);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 0;
}

int
codec_day_format(char out[CODEC_DAY_LEN + 1], time_t t, int offset_minutes)
{
	long long secs;

	if (offset_minutes < -18 * 60 || offset_minutes > 18 * 60)
		return -1;
	secs = (long long)t + (long long)offset_minutes * 60;
	if (secs < 0)
		return -1;
	return codec_day_from_number(out, (long)(secs / 86400));
}

int
codec_offset_parse(const char *s, int *minutes)
{
	long h, m;
	int sign;

	if (s == NULL)
		return -1;
	if (strcmp(s, "Z") == 0) {
		*minutes = 0;
		return 0;
	}
	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	if (digits(s + 1, 2, &h) != 0 || digits(s + 4, 2, &m) != 0 || m > 59 ||
	    h * 60 + m > 18 * 60)
		return -1;
	*minutes = sign * (int)(h * 60 + m);
	return 0;
}
