/*
 * manifest (reporter side): describing the attachment files of a manifest
 * (name, guessed type, size) for the reporter CLI. The manifest itself is
 * built by crypto/manifest, which the server's no-JS form shares.
 */
#ifndef QF_REPORT_MANIFEST_H
#define QF_REPORT_MANIFEST_H

#include <stddef.h>

#include "crypto/manifest.h"

/*
 * The MIME type for a file name, from its extension (case-insensitive):
 * image/jpeg for .jpg, application/pdf for .pdf, ..., and
 * application/octet-stream for anything unknown. Never NULL.
 */
const char *manifest_guess_type(const char *name);

/*
 * Describes the attachment at path: it must be a regular file (symlinks are
 * followed) whose base name is UTF-8. Returns 0 with f filled (release with
 * manifest_file_clear), or -1 with errno set (EISDIR or EINVAL for something
 * that is not a regular file, EILSEQ for a name that is not UTF-8, ENOMEM, or
 * what stat said) and f zeroed.
 */
int manifest_file_init(struct manifest_file *f, const char *path);

/*
 * Renames f to the neutral name 附件N.ext (N = n, the original extension in
 * lower case when it is 1 to 10 letters and digits; none otherwise), as the
 * page does: a device's name dates a photo, a document's often names its
 * writer. Returns 0, or -1 with errno ENOMEM (f unchanged).
 */
int manifest_file_neutral_name(struct manifest_file *f, size_t n);

/* Frees what f holds (wiping data) and zeroes it. Cannot fail. */
void manifest_file_clear(struct manifest_file *f);

#endif
