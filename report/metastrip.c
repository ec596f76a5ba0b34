/* metastrip: see metastrip.h. Each function mirrors the one of the same name in web/js/metastrip.js. */
#include "report/metastrip.h"

#include <sodium.h>
#include <string.h>
#include <zlib.h>

#include "metastrip_allow.h"

/* The most a cleaned file can be longer than the original: JFIF + Adobe + Exif (JPEG), eXIf (PNG). */
#define GROWTH_MAX 128
/* What the JPEG head can take: SOI, JFIF (18), Adobe (16), orientation (36). */
#define JPEG_HEAD_MAX 72

static const uint8_t PNG_SIG[8] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a};
static const uint8_t OLE_SIG[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
static const uint8_t EXIF_HEAD[6] = {'E', 'x', 'i', 'f', 0, 0};
/* JFIF 1.01, no density (aspect 1:1), no thumbnail */
static const uint8_t JFIF[18] = {0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0,
                                 1,    1,    0, 0,  1,   0,   1,   0,   0};

static int
at_is(const uint8_t *b, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	return at <= len && len - at >= n && memcmp(b + at, s, n) == 0;
}

static int
one_of(const uint8_t *b, const char *const *list)
{
	for (; *list != NULL; list++)
		if (memcmp(b, *list, 4) == 0)
			return 1;
	return 0;
}

enum metastrip_kind
metastrip_sniff(const uint8_t *b, size_t len)
{
	static const char *const HEIC[] = {"heic", "heim", "heis", "heix", "hevc", "hevx",
	                                   "mif1", "msf1", "avif", "avis", "crx ", NULL};
	static const char *const VIDEO[] = {"moov", "mdat", "wide", "free", "skip", NULL};
	size_t look = len < 1024 ? len : 1024;

	if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return METASTRIP_JPEG;
	if (len >= 8 && memcmp(b, PNG_SIG, 8) == 0)
		return METASTRIP_PNG;
	if (len >= 12 && at_is(b, len, 0, "RIFF") && at_is(b, len, 8, "WEBP"))
		return METASTRIP_WEBP;
	if (len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
		return METASTRIP_ZIP;
	for (size_t i = 0; i + 5 <= look; i++)
		if (memcmp(b + i, "%PDF-", 5) == 0)
			return METASTRIP_PDF;
	if (len >= 12 && at_is(b, len, 4, "ftyp"))
		return one_of(b + 8, HEIC) ? METASTRIP_HEIC : METASTRIP_VIDEO;
	if (len >= 8 && one_of(b + 4, VIDEO))
		return METASTRIP_VIDEO;
	if (len >= 6 && (at_is(b, len, 0, "GIF87a") || at_is(b, len, 0, "GIF89a")))
		return METASTRIP_GIF;
	if (len >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0))
		return METASTRIP_TIFF;
	if (len >= 8 && memcmp(b, OLE_SIG, 8) == 0)
		return METASTRIP_OFFICE_OLD;
	return METASTRIP_UNKNOWN;
}

const char *
metastrip_kind_name(enum metastrip_kind kind)
{
	switch (kind) {
	case METASTRIP_JPEG:
		return "JPEG image";
	case METASTRIP_PNG:
		return "PNG image";
	case METASTRIP_WEBP:
		return "WebP image";
	case METASTRIP_ZIP:
		return "Office document or zip archive";
	case METASTRIP_PDF:
		return "PDF document";
	case METASTRIP_HEIC:
		return "HEIC/AVIF photo";
	case METASTRIP_VIDEO:
		return "video";
	case METASTRIP_GIF:
		return "GIF image";
	case METASTRIP_TIFF:
		return "TIFF image or camera raw file";
	case METASTRIP_OFFICE_OLD:
		return "old Office document (DOC, XLS, PPT)";
	case METASTRIP_UNKNOWN:
	default:
		return "file of a kind this program does not know";
	}
}

const char *
metastrip_may_contain(enum metastrip_kind kind)
{
	switch (kind) {
	case METASTRIP_HEIC:
		return "where the photo was taken (GPS), when, the phone or camera model and "
		       "serial number, the software";
	case METASTRIP_TIFF:
		return "where the photo was taken (GPS), when, the camera model and serial number, "
		       "the owner's name, the software";
	case METASTRIP_VIDEO:
		return "where it was recorded (GPS), when, the phone or camera model";
	case METASTRIP_GIF:
		return "the software that made it, comments";
	case METASTRIP_OFFICE_OLD:
		return "the author, who last modified it (often a work login), the company or "
		       "unit, "
		       "when it was written and edited, the software";
	case METASTRIP_PDF:
		return "the author, the computer user or work login that made it, when it was "
		       "written and edited, the software, and in photos inside: where and with "
		       "what "
		       "they were taken";
	case METASTRIP_ZIP:
		return "the author, who last modified it (often a work login), the authors of "
		       "comments and tracked changes, the company or unit, when it was written and "
		       "edited, and in photos inside: where (GPS) and with what they were taken";
	case METASTRIP_JPEG:
	case METASTRIP_PNG:
	case METASTRIP_WEBP:
		return "where the photo was taken (GPS), when, the camera or phone model and "
		       "serial "
		       "number, the owner's name";
	case METASTRIP_UNKNOWN:
	default:
		return "the author, who last modified it, where (GPS) and when it was made, the "
		       "device that made it";
	}
}

void
metastrip_free(uint8_t *buf)
{
	if (buf != NULL)
		sodium_free(buf);
}

/* ---- Exif: the orientation of a TIFF, as metastrip.js's exifInfo ---------- */

/* A TIFF being read; a read past its end stops everything (the JS throws). */
struct tiff {
	const uint8_t *t;
	size_t len;
	int le;
	uint32_t seen[9];
	size_t nseen;
	int orientation;
};

static int
t16(const struct tiff *x, uint64_t at, uint32_t *v)
{
	if (at + 2 > x->len)
		return -1;
	*v = x->le ? (uint32_t)(x->t[at] | x->t[at + 1] << 8)
	           : (uint32_t)(x->t[at] << 8 | x->t[at + 1]);
	return 0;
}

static int
t32(const struct tiff *x, uint64_t at, uint32_t *v)
{
	uint32_t hi, lo;

	if (at + 4 > x->len || t16(x, at, &hi) != 0 || t16(x, at + 2, &lo) != 0)
		return -1;
	*v = x->le ? (lo << 16 | hi) : (hi << 16 | lo);
	return 0;
}

/* One IFD and, through the Exif pointer, the IFDs it leads to. Returns 0, or -1 for a read past the end. */
static int
tiff_ifd(struct tiff *x, uint32_t at, int first)
{
	uint32_t n;

	if (at == 0 || x->nseen > 8)
		return 0;
	for (size_t k = 0; k < x->nseen; k++)
		if (x->seen[k] == at)
			return 0;
	x->seen[x->nseen++] = at;
	if (t16(x, at, &n) != 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t e = (uint64_t)at + 2 + (uint64_t)i * 12;
		uint32_t tag, v, type;

		if (t16(x, e, &tag) != 0)
			return -1;
		if (tag == 0x0112 && first) {
			if (t16(x, e + 8, &v) != 0 || t16(x, e + 2, &type) != 0)
				return -1;
			if (type == 3 && v >= 1 && v <= 8)
				x->orientation = (int)v;
		} else if (tag == 0x8769) {
			if (t32(x, e + 8, &v) != 0 || tiff_ifd(x, v, 0) != 0)
				return -1;
		}
	}
	return t32(x, (uint64_t)at + 2 + (uint64_t)n * 12, &n);
}

/* The orientation (1-8) a TIFF's first IFD gives, or 0. Cannot fail. */
static int
exif_orientation(const uint8_t *t, size_t len)
{
	struct tiff x = {.t = t, .len = len};
	uint32_t v;

	if (len >= 2 && t[0] == 0x49 && t[1] == 0x49)
		x.le = 1;
	else if (!(len >= 2 && t[0] == 0x4d && t[1] == 0x4d))
		return 0;
	if (t16(&x, 2, &v) != 0 || v != 42 || t32(&x, 4, &v) != 0)
		return 0;
	(void)tiff_ifd(&x, v, 1);
	return x.orientation;
}

/* A minimal APP1 Exif segment holding only the orientation v (36 bytes). */
static void
orientation_segment(uint8_t seg[36], int v)
{
	static const uint8_t head[36] = {
	        0xff, 0xe1, 0,    34,   'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 0x2a, 0, 0, 0, 8,
	        0,    1,    0x01, 0x12, 0,   3,   0,   0,   0, 1, 0,   0,   0, 0,    0, 0, 0, 0};

	memcpy(seg, head, 36);
	seg[28] = 0;
	seg[29] = (uint8_t)v;
}

/* ---- JPEG ---------------------------------------------------------------- */

static int
jpeg_keep(unsigned m)
{
	for (size_t i = 0; i < sizeof metastrip_jpeg_keep; i++)
		if (metastrip_jpeg_keep[i] == m)
			return 1;
	return 0;
}

/* Output being built: cap bytes at buf, len used. */
struct out {
	uint8_t *buf;
	size_t len;
};

static void
put(struct out *o, const uint8_t *p, size_t n)
{
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* Cleans a JPEG into o (room for len + GROWTH_MAX). Returns 0, or -1 with *why set. */
static int
strip_jpeg(const uint8_t *b, size_t len, struct out *o, const char **why)
{
	struct out body = {o->buf + JPEG_HEAD_MAX, 0};
	int orientation = 0, exif_seen = 0, adobe = -1;
	unsigned components = 0, scans = 0;
	size_t i = 2;

	for (;;) {
		size_t at, seglen, end;
		unsigned m;
		int app;

		if (i + 1 >= len) {
			*why = "JPEG ends before its end marker";
			return -1;
		}
		if (b[i] != 0xff) {
			*why = "JPEG segment expected";
			return -1;
		}
		while (i + 1 < len && b[i + 1] == 0xff)
			i++; /* fill bytes */
		if (i + 1 >= len) {
			*why = "JPEG marker not known";
			return -1;
		}
		m = b[i + 1];
		at = i;
		i += 2;
		if (m == 0xd9) {
			put(&body, b + at, 2);
			break;
		}
		if ((m >= 0xd0 && m <= 0xd7) || m == 0x01) {
			put(&body, b + at, 2);
			continue;
		}
		app = m >= 0xe0 && m <= 0xef;
		if (!app && m != 0xfe && m != 0xda && !jpeg_keep(m)) {
			*why = "JPEG marker not known";
			return -1;
		}
		if (i + 2 > len) {
			*why = "JPEG segment cut short";
			return -1;
		}
		seglen = (size_t)b[i] << 8 | b[i + 1];
		if (seglen < 2 || seglen > len - i) {
			*why = "JPEG segment cut short";
			return -1;
		}
		end = i + seglen;
		{
			const uint8_t *p = b + i + 2;
			size_t plen = seglen - 2;

			i = end;
			if (app) {
				if (m == 0xe1 && !exif_seen && plen >= 6 &&
				    memcmp(p, EXIF_HEAD, 6) == 0) {
					exif_seen = 1;
					orientation = exif_orientation(p + 6, plen - 6);
				}
				if (m == 0xee && adobe < 0 && plen >= 12 &&
				    memcmp(p, "Adobe", 5) == 0)
					adobe = p[11];
				continue;
			}
			if (m == 0xfe)
				continue;
			if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xcc) {
				if (plen < 6) {
					*why = "JPEG frame header cut short";
					return -1;
				}
				components = p[5];
			}
		}
		put(&body, b + at, end - at);
		if (m == 0xda) {
			size_t start = i;

			scans++;
			/* entropy-coded data up to the next marker that is not a stuffed
			 * byte (FF00), a restart marker (FFD0-D7) or fill (FFFF) */
			while (i < len) {
				if (b[i] == 0xff && i + 1 < len) {
					unsigned n = b[i + 1];

					if (n != 0x00 && !(n >= 0xd0 && n <= 0xd7) && n != 0xff)
						break;
				}
				i++;
			}
			if (i >= len) {
				*why = "JPEG ends inside the image data";
				return -1;
			}
			put(&body, b + start, i - start);
		}
	}
	if (components == 0 || scans == 0) {
		*why = "JPEG has no image in it";
		return -1;
	}
	o->len = 0;
	put(o, b, 2);
	if (components != 4) /* JFIF allows grey and YCbCr only */
		put(o, JFIF, sizeof JFIF);
	if (adobe >= 0) {
		uint8_t seg[16] = {0xff, 0xee, 0,   14, 'A', 'd', 'o', 'b',
		                   'e',  0,    100, 0,  0,   0,   0,   0};

		seg[15] = (uint8_t)adobe;
		put(o, seg, sizeof seg);
	}
	if (orientation > 1) {
		uint8_t seg[36];

		orientation_segment(seg, orientation);
		put(o, seg, sizeof seg);
	}
	memmove(o->buf + o->len, body.buf, body.len);
	o->len += body.len;
	return 0;
}

/* ---- PNG ------------------------------------------------------------------ */

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int
png_keep(const uint8_t *type)
{
	for (size_t i = 0; i < sizeof metastrip_png_keep / sizeof metastrip_png_keep[0]; i++)
		if (memcmp(type, metastrip_png_keep[i], 4) == 0)
			return 1;
	return 0;
}

static int
is_letter(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Cleans a PNG into o. Returns 0, or -1 with *why set. */
static int
strip_png(const uint8_t *b, size_t len, struct out *o, const char **why)
{
	int orientation = 0;
	size_t i = 8, ihdr_end = 0;
	int first = 1;

	put(o, b, 8);
	for (;;) {
		uint64_t n, end;
		const uint8_t *type;

		if (i + 12 > len) {
			*why = "PNG ends before IEND";
			return -1;
		}
		n = be32(b + i);
		type = b + i + 4;
		if (!is_letter(type[0]) || !is_letter(type[1]) || !is_letter(type[2]) ||
		    !is_letter(type[3])) {
			*why = "bad PNG chunk type";
			return -1;
		}
		end = (uint64_t)i + 12 + n;
		if (n > 0x7fffffffu || end > len) {
			*why = "PNG chunk cut short";
			return -1;
		}
		if (first && memcmp(type, "IHDR", 4) != 0) {
			*why = "PNG does not start with IHDR";
			return -1;
		}
		if (png_keep(type)) {
			put(o, b + i, (size_t)(end - i));
			if (first)
				ihdr_end = o->len;
		} else if (type[0] >= 'A' && type[0] <= 'Z') {
			*why = "PNG has a chunk needed to show it that this program does not know";
			return -1;
		} else if (memcmp(type, "eXIf", 4) == 0 && orientation == 0) {
			orientation = exif_orientation(b + i + 8, (size_t)n);
			if (orientation == 0)
				orientation = -1;
		}
		first = 0;
		i = (size_t)end;
		if (memcmp(type, "IEND", 4) == 0)
			break;
	}
	/* browsers turn a PNG by its eXIf orientation: keep that alone, as for JPEG */
	if (orientation > 1) {
		uint8_t c[12 + 26], seg[36];

		orientation_segment(seg, orientation);
		put_be32(c, 26);
		memcpy(c + 4, "eXIf", 4);
		memcpy(c + 8, seg + 10, 26);
		/* the chunk CRC (PNG: ISO 3309 CRC-32 over type and data) */
		put_be32(c + 34, (uint32_t)crc32(crc32(0L, Z_NULL, 0), c + 4, 4 + 26));
		memmove(o->buf + ihdr_end + sizeof c, o->buf + ihdr_end, o->len - ihdr_end);
		memcpy(o->buf + ihdr_end, c, sizeof c);
		o->len += sizeof c;
	}
	return 0;
}

/* ---- WebP ----------------------------------------------------------------- */

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int
webp_keep(const uint8_t *type)
{
	for (size_t i = 0; i < sizeof metastrip_webp_keep / sizeof metastrip_webp_keep[0]; i++)
		if (memcmp(type, metastrip_webp_keep[i], 4) == 0)
			return 1;
	return 0;
}

/* Cleans a WebP into o. Returns 0, or -1 with *why set. */
static int
strip_webp(const uint8_t *b, size_t len, struct out *o, const char **why)
{
	uint64_t size = le32(b + 4), end, i;
	int image = 0;

	if (size < 4 || size + 8 > len) {
		*why = "WebP cut short";
		return -1;
	}
	end = 8 + size;
	put(o, b, 12);
	for (i = 12; i < end;) {
		const uint8_t *type = b + i;
		uint64_t n, next, stop;

		if (i + 8 > end) {
			*why = "WebP chunk cut short";
			return -1;
		}
		n = le32(b + i + 4);
		next = i + 8 + n + (n & 1);
		if (i + 8 + n > end) {
			*why = "WebP chunk cut short";
			return -1;
		}
		stop = next < end ? next : end;
		if (webp_keep(type)) {
			if (memcmp(type, "VP8X", 4) == 0) {
				if (n < 10) {
					*why = "WebP header cut short";
					return -1;
				}
				put(o, b + i, (size_t)(stop - i));
				o->buf[o->len - (size_t)(stop - i) + 8] &= (uint8_t)~0x2cu;
			} else
				put(o, b + i, (size_t)(stop - i));
			if (memcmp(type, "VP8X", 4) != 0 && memcmp(type, "ALPH", 4) != 0 &&
			    memcmp(type, "ANIM", 4) != 0)
				image = 1;
		}
		i = next;
	}
	if (!image) {
		*why = "WebP has no image in it";
		return -1;
	}
	if (o->len - 8 > UINT32_MAX) {
		*why = "WebP too large";
		return -1;
	}
	o->buf[4] = (uint8_t)(o->len - 8);
	o->buf[5] = (uint8_t)((o->len - 8) >> 8);
	o->buf[6] = (uint8_t)((o->len - 8) >> 16);
	o->buf[7] = (uint8_t)((o->len - 8) >> 24);
	return 0;
}

/* ---- every kind ------------------------------------------------------------ */

int
metastrip_image(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen, const char **why)
{
	enum metastrip_kind kind = metastrip_sniff(in, len);
	struct out o = {NULL, 0};
	int rc;

	*out = NULL;
	*outlen = 0;
	if (kind != METASTRIP_JPEG && kind != METASTRIP_PNG && kind != METASTRIP_WEBP) {
		*why = "not a JPEG, PNG or WebP image";
		return METASTRIP_ERR_KIND;
	}
	if (len > SIZE_MAX - GROWTH_MAX - JPEG_HEAD_MAX) {
		*why = "too large";
		return METASTRIP_ERR_NOMEM;
	}
	o.buf = sodium_malloc(len + GROWTH_MAX + JPEG_HEAD_MAX);
	if (o.buf == NULL) {
		*why = "out of memory";
		return METASTRIP_ERR_NOMEM;
	}
	*why = NULL;
	if (kind == METASTRIP_JPEG)
		rc = strip_jpeg(in, len, &o, why);
	else if (kind == METASTRIP_PNG)
		rc = strip_png(in, len, &o, why);
	else
		rc = strip_webp(in, len, &o, why);
	if (rc != 0) {
		sodium_free(o.buf);
		return METASTRIP_ERR_FORMAT;
	}
	*out = o.buf;
	*outlen = o.len;
	return METASTRIP_OK;
}
