/*
 * metastrip: removes what an image file says about who took it, where, when
 * and with what (location, camera or phone model and serial, owner, time,
 * software, thumbnails, content credentials, colour profiles) before the
 * reporter CLI seals it. The rules are those of the page's
 * web/js/metastrip.js, rule for rule, and give the same bytes; the lists of
 * what is kept come from the same file, web/js/metastrip-allow.js (built into
 * metastrip_allow.h). By allow-list: an image is rebuilt from the parts
 * needed to show it and everything else is left out; the image data is never
 * decoded or re-encoded.
 *   JPEG: SOI, DQT, SOFn, DHT, DAC, DRI, DNL, DHP, EXP, SOS with its
 *         entropy-coded data, RSTn, TEM and EOI are kept; a fresh minimal JFIF
 *         APP0 is written (not for 4-component images), an Adobe APP14 keeps
 *         its colour transform only, and the first Exif's orientation alone
 *         is kept in a 36-byte Exif APP1. Every other APPn, COM and anything
 *         after EOI go.
 *   PNG:  the chunks of the allow-list are kept byte for byte, every other
 *         ancillary chunk goes (an eXIf orientation is kept in a minimal eXIf
 *         of its own), an unknown critical chunk makes the file refused.
 *   WebP: the chunks of the allow-list are kept; the VP8X ICC, Exif and XMP
 *         flags are cleared and the RIFF size fixed.
 * Other kinds (Office, PDF, HEIC, video, GIF, TIFF, anything else) are not
 * cleaned here: metastrip_sniff names them and metastrip_may_contain says
 * what they may carry.
 */
#ifndef QF_REPORT_METASTRIP_H
#define QF_REPORT_METASTRIP_H

#include <stddef.h>
#include <stdint.h>

/* The kind of a file, from its first bytes (as metastrip.js's sniff). */
enum metastrip_kind {
	METASTRIP_UNKNOWN = 0,
	METASTRIP_JPEG,
	METASTRIP_PNG,
	METASTRIP_WEBP,
	METASTRIP_ZIP, /* DOCX, XLSX, PPTX and other zip files */
	METASTRIP_PDF,
	METASTRIP_HEIC,
	METASTRIP_VIDEO,
	METASTRIP_GIF,
	METASTRIP_TIFF,
	METASTRIP_OFFICE_OLD /* DOC, XLS, PPT */
};

enum metastrip_err {
	METASTRIP_OK = 0,
	METASTRIP_ERR_FORMAT = -1, /* not the structure its kind has: cut, forged, unknown parts */
	METASTRIP_ERR_NOMEM = -2,  /* memory ran out */
	METASTRIP_ERR_KIND = -3    /* not a JPEG, PNG or WebP: not cleaned here */
};

/*
 * The kind of b[0..len) from its first bytes (never from a name): the same
 * answer as metastrip.js's sniff. Cannot fail; METASTRIP_UNKNOWN when it is
 * none of the known kinds.
 */
enum metastrip_kind metastrip_sniff(const uint8_t *b, size_t len);

/* A short English name of a kind ("JPEG image", "Office document (zip)", ...). Never NULL. */
const char *metastrip_kind_name(enum metastrip_kind kind);

/*
 * What a file of this kind may carry that names or places the reporter, in
 * plain words (e.g. "author, last modified by, company, dates, software"),
 * for the warning about a file that is not cleaned. Never NULL.
 */
const char *metastrip_may_contain(enum metastrip_kind kind);

/*
 * Cleans the JPEG, PNG or WebP image in[0..len) into a new sodium_malloc'd
 * buffer *out of *outlen bytes (release it with metastrip_free): the same
 * bytes metastrip.js's strip gives. Returns METASTRIP_OK; METASTRIP_ERR_KIND
 * for another kind; METASTRIP_ERR_FORMAT for a file that does not have the
 * structure of its kind (cut short, forged lengths, a part this stripper does
 * not know), with *why a static one-line reason; METASTRIP_ERR_NOMEM. On
 * error *out is NULL and *outlen 0. *why may be NULL on success and is set
 * on every error.
 */
int metastrip_image(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen, const char **why);

/* Wipes and frees a buffer from metastrip_image; NULL is fine. Cannot fail. */
void metastrip_free(uint8_t *buf);

#endif
