/*
 * Unit tests for report/metastrip: the reporter CLI's metadata stripper on
 * the page's fixtures (tests/web/fixtures, next to $QF_VECTORS): what a phone
 * writes (GPS, make, model, serial, owner, C2PA, JFXX thumbnail, ICC, vendor
 * APPn, text chunks) is gone, the result has the structure decoders need
 * (JPEG segments, PNG chunks with valid CRCs, WebP RIFF sizes), the image data
 * is untouched, and cut or forged files are refused without a crash. That the
 * bytes are exactly metastrip.js's is tests/web/metastrip-parity.test.mjs.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/metastrip.h"

/* A fixture of tests/web/fixtures, malloc'd. */
static uint8_t *
fixture(const char *name, size_t *len)
{
	const char *v = getenv("QF_VECTORS");
	char path[4096];
	FILE *f;
	uint8_t *b;
	long n;

	snprintf(path, sizeof path, "%s/../web/fixtures/%s", v != NULL ? v : "tests/vectors", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* The first place needle[0..n) occurs in b[0..len), or NULL. */
static const uint8_t *
find(const uint8_t *b, size_t len, const void *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(b + i, needle, n) == 0)
			return b + i;
	return NULL;
}

static int
has(const uint8_t *b, size_t len, const void *needle, size_t n)
{
	return find(b, len, needle, n) != NULL;
}

#define HAS(b, len, s) has(b, len, s, strlen(s))

static uint8_t *
strip_ok(const uint8_t *in, size_t len, size_t *outlen)
{
	uint8_t *out = NULL;
	const char *why = "unset";

	assert_int_equal(metastrip_image(in, len, &out, outlen, &why), METASTRIP_OK);
	assert_non_null(out);
	return out;
}

static void
strip_fails(const uint8_t *in, size_t len, int want)
{
	uint8_t *out = (uint8_t *)1;
	size_t outlen = 1;
	const char *why = NULL;

	assert_int_equal(metastrip_image(in, len, &out, &outlen, &why), want);
	assert_null(out);
	assert_int_equal(outlen, 0);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

/* Walks the JPEG segments up to SOS: the markers (up to max), their count, and checks each length. */
static size_t
jpeg_markers(const uint8_t *b, size_t len, uint8_t *m, uint16_t *seglen, size_t max)
{
	size_t i = 2, n = 0;

	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0xd8);
	for (;;) {
		uint16_t l;

		assert_true(i + 4 <= len);
		assert_int_equal(b[i], 0xff);
		l = (uint16_t)(b[i + 2] << 8 | b[i + 3]);
		assert_true(l >= 2 && i + 2 + l <= len);
		assert_true(n < max);
		m[n] = b[i + 1];
		seglen[n++] = l;
		if (b[i + 1] == 0xda)
			return n;
		i += 2 + l;
	}
}

static const char *const GPS_JPG_CANARIES[] = {"QFTESTCAM",   "QF-MODEL-9",  "QF-XMP-GPS",
                                               "GPSLatitude", "QF-IPTC-KEY", "QF-COMMENT",
                                               "Photoshop",   NULL};

static void
test_jpeg_gps(void **state)
{
	size_t len, outlen, nm;
	uint8_t *in = fixture("gps.jpg", &len), *out, m[64];
	uint16_t l[64];
	const uint8_t gps_ifd_be[2] = {0x88, 0x25}, gps_ifd_le[2] = {0x25, 0x88};
	const uint8_t dqt[2] = {0xff, 0xdb};
	const uint8_t *a, *b;

	(void)state;
	assert_int_equal(metastrip_sniff(in, len), METASTRIP_JPEG);
	for (size_t k = 0; GPS_JPG_CANARIES[k] != NULL; k++)
		assert_true(HAS(in, len, GPS_JPG_CANARIES[k]));
	out = strip_ok(in, len, &outlen);
	for (size_t k = 0; GPS_JPG_CANARIES[k] != NULL; k++)
		assert_false(HAS(out, outlen, GPS_JPG_CANARIES[k]));
	/* the only Exif left is the 36-byte orientation segment: no GPS IFD, no make, no serial */
	assert_true(has(in, len, gps_ifd_be, 2) || has(in, len, gps_ifd_le, 2));
	assert_ptr_equal(find(out, outlen, "Exif", 4), out + 2 + 18 + 4);
	assert_null(find(out + 2 + 18 + 8, outlen - 2 - 18 - 8, "Exif", 4));
	/* a fresh JFIF, the orientation (6) alone, then only what decoding needs */
	nm = jpeg_markers(out, outlen, m, l, 64);
	assert_true(nm >= 4);
	assert_int_equal(m[0], 0xe0);
	assert_int_equal(l[0], 16);
	assert_memory_equal(out + 6, "JFIF\0", 5);
	assert_int_equal(m[1], 0xe1);
	assert_int_equal(l[1], 34);
	assert_int_equal(out[2 + 18 + 29], 6);
	for (size_t k = 2; k < nm; k++)
		assert_true(m[k] == 0xdb || m[k] == 0xc4 || m[k] == 0xdd ||
		            (m[k] >= 0xc0 && m[k] <= 0xc2) || m[k] == 0xda);
	assert_int_equal(out[outlen - 2], 0xff);
	assert_int_equal(out[outlen - 1], 0xd9);
	/* from the first DQT on, the image is the original's, byte for byte */
	a = find(in, len, dqt, 2);
	b = find(out, outlen, dqt, 2);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(outlen - (size_t)(b - out), len - (size_t)(a - in));
	assert_memory_equal(a, b, len - (size_t)(a - in));
	metastrip_free(out);
	free(in);
}

static void
test_jpeg_phone(void **state)
{
	static const char *const canaries[] = {"QF-THUMB-ORIGINAL",
	                                       "QF-MAKE-CAM",
	                                       "QF-MODEL-PHONE",
	                                       "QF-SOFTWARE",
	                                       "QF-ARTIST",
	                                       "2026:03:01 14:35:22",
	                                       "QF-SERIAL-0042",
	                                       "QF-XMP-CREATOR",
	                                       "QF-XMP-MODEL",
	                                       "QF-XMP-EXT",
	                                       "QF-ICC-DEVICE",
	                                       "QF-MPF-INDEX",
	                                       "QF-VENDOR-APP5",
	                                       "QF-C2PA-AUTHOR",
	                                       "QF-C2PA-DEVICE",
	                                       "QF-IPTC-BYLINE",
	                                       "QF-COMMENT-2",
	                                       "QF-TRAILER-MOTION",
	                                       "JFXX",
	                                       "ICC_PROFILE",
	                                       "c2pa",
	                                       "jumb",
	                                       "Photoshop",
	                                       "ns.adobe.com",
	                                       NULL};
	size_t len, outlen, again_len, nm;
	uint8_t *in = fixture("phone.jpg", &len), *out, *again, m[64];
	uint16_t l[64];

	(void)state;
	for (size_t k = 0; canaries[k] != NULL; k++)
		assert_true(HAS(in, len, canaries[k]));
	out = strip_ok(in, len, &outlen);
	for (size_t k = 0; canaries[k] != NULL; k++)
		assert_false(HAS(out, outlen, canaries[k]));
	nm = jpeg_markers(out, outlen, m, l, 64);
	assert_int_equal(m[0], 0xe0);
	assert_int_equal(m[1], 0xe1);
	assert_int_equal(out[2 + 18 + 29], 8);
	for (size_t k = 2; k < nm; k++) /* no APPn (C2PA APP11, ICC APP2, vendor APP5) and no COM */
		assert_false((m[k] >= 0xe0 && m[k] <= 0xef) || m[k] == 0xfe);
	/* nothing after EOI, and cleaning again changes nothing */
	assert_int_equal(out[outlen - 1], 0xd9);
	again = strip_ok(out, outlen, &again_len);
	assert_int_equal(again_len, outlen);
	assert_memory_equal(again, out, outlen);
	metastrip_free(again);
	metastrip_free(out);
	free(in);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static void
test_png(void **state)
{
	static const char *const canaries[] = {"QF-ICC-PNG-NAME",
	                                       "QF-C2PA-AUTHOR",
	                                       "QF-C2PA-DEVICE",
	                                       "QF-PNG-EXIF-CAM",
	                                       "QF-PNG-EXIF-MODEL",
	                                       "QF-PNG-AUTHOR",
	                                       "QF-PNG-XMP",
	                                       "QF-PNG-PRIVATE",
	                                       "QF-PNG-TRAILER",
	                                       "2026:03:01 14:35:22",
	                                       "caBX",
	                                       "iCCP",
	                                       "tEXt",
	                                       "iTXt",
	                                       "zTXt",
	                                       "tIME",
	                                       "prVt",
	                                       NULL};
	static const char *const want[] = {"IHDR", "eXIf", "sRGB", "gAMA",
	                                   "cHRM", "pHYs", "IDAT", "IEND"};
	size_t len, outlen, i = 8, w = 0;
	uint8_t *in = fixture("phone.png", &len), *out;

	(void)state;
	assert_int_equal(metastrip_sniff(in, len), METASTRIP_PNG);
	for (size_t k = 0; canaries[k] != NULL; k++)
		assert_true(HAS(in, len, canaries[k]));
	out = strip_ok(in, len, &outlen);
	for (size_t k = 0; canaries[k] != NULL; k++)
		assert_false(HAS(out, outlen, canaries[k]));
	/* every chunk well-formed, CRC right, in the expected order (IDAT may repeat) */
	assert_memory_equal(out, in, 8);
	while (i < outlen) {
		uint32_t n = be32(out + i);

		assert_true(i + 12 + n <= outlen);
		assert_int_equal(be32(out + i + 8 + n), crc32_of(out + i + 4, 4 + n));
		if (w == 0 || memcmp(out + i + 4, want[w - 1], 4) != 0) {
			assert_true(w < sizeof want / sizeof want[0]);
			assert_memory_equal(out + i + 4, want[w], 4);
			w++;
		}
		if (memcmp(out + i + 4, "eXIf", 4) == 0) {
			assert_int_equal(n, 26);
			assert_int_equal(out[i + 8 + 19], 8); /* the orientation alone */
		}
		i += 12 + n;
	}
	assert_int_equal(i, outlen);
	assert_int_equal(w, sizeof want / sizeof want[0]);
	metastrip_free(out);
	free(in);

	/* the older fixture: text, Exif but the orientation (6), time */
	in = fixture("meta.png", &len);
	out = strip_ok(in, len, &outlen);
	assert_false(HAS(out, outlen, "QF-PNG-TEXT") || HAS(out, outlen, "QFTESTCAM") ||
	             HAS(out, outlen, "QF-MODEL-9") || HAS(out, outlen, "tIME"));
	assert_true(HAS(out, outlen, "eXIf"));
	metastrip_free(out);
	free(in);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void
test_webp(void **state)
{
	static const char *const canaries[] = {"QF-WEBP-ICC", "QF-WEBP-EXIF-CAM",
	                                       "QF-WEBP-XMP", "QF-WEBP-UNKNOWN",
	                                       "ICCP",        "EXIF",
	                                       "XMP ",        "QFUK",
	                                       NULL};
	static const char *const want[] = {"VP8X", "ALPH", "VP8 "};
	size_t len, outlen, i = 12, w = 0;
	uint8_t *in = fixture("phone.webp", &len), *out;

	(void)state;
	assert_int_equal(metastrip_sniff(in, len), METASTRIP_WEBP);
	for (size_t k = 0; canaries[k] != NULL; k++)
		assert_true(HAS(in, len, canaries[k]));
	out = strip_ok(in, len, &outlen);
	for (size_t k = 0; canaries[k] != NULL; k++)
		assert_false(HAS(out, outlen, canaries[k]));
	assert_int_equal(le32(out + 4), outlen - 8);
	while (i < outlen) {
		uint32_t n = le32(out + i + 4);

		assert_true(w < 3);
		assert_memory_equal(out + i, want[w++], 4);
		if (memcmp(out + i, "VP8X", 4) == 0) {
			assert_int_equal(out[i + 8] & 0x2c, 0);    /* no ICC, Exif, XMP flags */
			assert_int_equal(out[i + 8] & 0x10, 0x10); /* alpha kept */
		}
		i += 8 + n + (n & 1);
	}
	assert_int_equal(i, outlen);
	assert_int_equal(w, 3);
	metastrip_free(out);
	free(in);
}

/* Every prefix of every image fixture: refused or cleaned, never a crash; cut images are refused. */
static void
test_cut_and_forged(void **state)
{
	static const char *const names[] = {"gps.jpg", "phone.jpg", "meta.png", "phone.png",
	                                    "phone.webp"};
	size_t len, outlen;
	uint8_t *in, *out;

	(void)state;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t refused = 0;

		in = fixture(names[k], &len);
		for (size_t n = 0; n < len; n++) {
			const char *why = NULL;
			int rc = metastrip_image(in, n, &out, &outlen, &why);

			if (rc == METASTRIP_OK)
				metastrip_free(out);
			else {
				assert_true(rc == METASTRIP_ERR_FORMAT || rc == METASTRIP_ERR_KIND);
				assert_non_null(why);
				refused++;
			}
		}
		/* only a cut in a trailer after the image can still be cleaned */
		assert_true(refused > len * 9 / 10);
		free(in);
	}
	/* the JS test's cases: APP0 length past the end, SOI twice, an unknown marker (JPEG-LS) */
	in = fixture("phone.jpg", &len);
	in[4] = in[5] = 0xff;
	strip_fails(in, len, METASTRIP_ERR_FORMAT);
	free(in);
	{
		const uint8_t soi2[] = {0xff, 0xd8, 0xff, 0xd8};
		uint8_t ls[] = {0xff, 0xd8, 0xff, 0xf7, 0, 4, 0, 0, 0xff, 0xd9};

		strip_fails(soi2, sizeof soi2, METASTRIP_ERR_FORMAT);
		strip_fails(ls, sizeof ls, METASTRIP_ERR_FORMAT);
	}
	/* PNG: a broken IHDR type, an unknown critical chunk */
	in = fixture("phone.png", &len);
	in[12] = 0x01;
	strip_fails(in, len, METASTRIP_ERR_FORMAT);
	in[12] = 'I';
	{
		uint8_t *crit = malloc(len + 12);
		uint32_t ihdr = 12 + be32(in + 8);

		assert_non_null(crit);
		memcpy(crit, in, 8 + ihdr);
		memcpy(crit + 8 + ihdr, "\0\0\0\0QFCR\0\0\0\0", 12);
		memcpy(crit + 8 + ihdr + 12, in + 8 + ihdr, len - 8 - ihdr);
		strip_fails(crit, len + 12, METASTRIP_ERR_FORMAT);
		free(crit);
	}
	free(in);
	/* WebP: a RIFF size past the end, a chunk length past the end */
	in = fixture("phone.webp", &len);
	in[7] = 0x7f;
	strip_fails(in, len, METASTRIP_ERR_FORMAT);
	in[7] = 0;
	in[4 + 12] = 0xff;
	in[5 + 12] = 0xff;
	in[6 + 12] = 0xff;
	strip_fails(in, len, METASTRIP_ERR_FORMAT);
	free(in);
}

/* Documents and unknown files are not cleaned here: named, with what they may carry. */
static void
test_other_kinds(void **state)
{
	static const struct {
		const char *name;
		enum metastrip_kind kind;
	} docs[] = {{"author.docx", METASTRIP_ZIP},
	            {"author.xlsx", METASTRIP_ZIP},
	            {"author.pdf", METASTRIP_PDF},
	            {"reply-sig.json", METASTRIP_UNKNOWN}};
	static const uint8_t heic[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0};
	static const uint8_t mp4[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0};
	static const uint8_t gif[] = "GIF89a\x01\0\x01\0";

	(void)state;
	for (size_t k = 0; k < sizeof docs / sizeof docs[0]; k++) {
		size_t len;
		uint8_t *in = fixture(docs[k].name, &len);

		assert_int_equal(metastrip_sniff(in, len), docs[k].kind);
		strip_fails(in, len, METASTRIP_ERR_KIND);
		assert_non_null(strstr(metastrip_may_contain(docs[k].kind), "author"));
		free(in);
	}
	assert_non_null(strstr(metastrip_may_contain(METASTRIP_ZIP), "last modified"));
	assert_int_equal(metastrip_sniff(heic, sizeof heic), METASTRIP_HEIC);
	assert_non_null(strstr(metastrip_may_contain(METASTRIP_HEIC), "GPS"));
	assert_int_equal(metastrip_sniff(mp4, sizeof mp4), METASTRIP_VIDEO);
	assert_int_equal(metastrip_sniff(gif, sizeof gif - 1), METASTRIP_GIF);
	assert_int_equal(metastrip_sniff(gif, 0), METASTRIP_UNKNOWN);
	strip_fails(heic, sizeof heic, METASTRIP_ERR_KIND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_jpeg_gps),
	        cmocka_unit_test(test_jpeg_phone),
	        cmocka_unit_test(test_png),
	        cmocka_unit_test(test_webp),
	        cmocka_unit_test(test_cut_and_forged),
	        cmocka_unit_test(test_other_kinds),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
