/* text: see text.h. */
#include "crypto/text.h"

size_t
text_utf8_next(const unsigned char *p, size_t avail, uint32_t *cp)
{
	uint32_t c = p[0], v;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		v = c & 0x07;
	} else {
		return 0; /* a continuation byte, 0xc0/0xc1 (overlong) or 0xf5-0xff */
	}
	if (avail < n + 1)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[k] & 0x3f);
	}
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n + 1;
}

int
text_utf8_valid(const char *s, size_t len, enum text_nul nul)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return 0;
	while (len > 0) {
		uint32_t cp;
		size_t n = text_utf8_next(p, len, &cp);

		if (n == 0 || (cp == 0 && nul == TEXT_NUL_BAD))
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}
