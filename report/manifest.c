/* manifest: see manifest.h. */
#include "report/manifest.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "crypto/text.h"

static const struct {
	const char *ext;
	const char *type;
} MIME[] = {
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"png", "image/png"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"heic", "image/heic"},
        {"heif", "image/heif"},
        {"bmp", "image/bmp"},
        {"tif", "image/tiff"},
        {"tiff", "image/tiff"},
        {"pdf", "application/pdf"},
        {"txt", "text/plain"},
        {"csv", "text/csv"},
        {"rtf", "application/rtf"},
        {"doc", "application/msword"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xls", "application/vnd.ms-excel"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"ppt", "application/vnd.ms-powerpoint"},
        {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {"odt", "application/vnd.oasis.opendocument.text"},
        {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {"wps", "application/vnd.ms-works"},
        {"zip", "application/zip"},
        {"rar", "application/vnd.rar"},
        {"7z", "application/x-7z-compressed"},
        {"mp3", "audio/mpeg"},
        {"m4a", "audio/mp4"},
        {"aac", "audio/aac"},
        {"amr", "audio/amr"},
        {"wav", "audio/wav"},
        {"ogg", "audio/ogg"},
        {"mp4", "video/mp4"},
        {"m4v", "video/mp4"},
        {"mov", "video/quicktime"},
        {"avi", "video/x-msvideo"},
        {"3gp", "video/3gpp"},
        {"mkv", "video/x-matroska"},
        {"webm", "video/webm"},
};

const char *
manifest_guess_type(const char *name)
{
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;

	if (dot == NULL || dot == name || dot[1] == '\0')
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof MIME / sizeof MIME[0]; i++)
		if (strcasecmp(dot + 1, MIME[i].ext) == 0)
			return MIME[i].type;
	return "application/octet-stream";
}

void
manifest_file_clear(struct manifest_file *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f->name);
	if (f->data != NULL)
		sodium_free(f->data);
	memset(f, 0, sizeof *f);
}

int
manifest_file_neutral_name(struct manifest_file *f, size_t n)
{
	const char *dot = strrchr(f->name, '.');
	char ext[12] = "";
	char *name;
	size_t elen = dot != NULL ? strlen(dot + 1) : 0;

	if (dot != NULL && elen >= 1 && elen <= 10) {
		size_t i;

		for (i = 0; i < elen; i++) {
			char c = dot[1 + i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9')))
				break;
			ext[1 + i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		if (i == elen) {
			ext[0] = '.';
			ext[1 + elen] = '\0';
		} else
			ext[0] = '\0';
	}
	name = malloc(64);
	if (name == NULL) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(name, 64, "附件%zu%s", n, ext);
	free(f->name);
	f->name = name;
	return 0;
}

int
manifest_file_init(struct manifest_file *f, const char *path)
{
	struct stat st;
	const char *base;
	size_t plen, blen;

	memset(f, 0, sizeof *f);
	if (path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (stat(path, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	plen = strlen(path);
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	base = path + plen;
	while (base > path && base[-1] != '/')
		base--;
	blen = (size_t)(path + plen - base);
	if (blen == 0 || !text_utf8_valid(base, blen, TEXT_NUL_OK)) {
		errno = EILSEQ;
		return -1;
	}
	f->path = malloc(strlen(path) + 1);
	f->name = malloc(blen + 1);
	if (f->path == NULL || f->name == NULL) {
		manifest_file_clear(f);
		errno = ENOMEM;
		return -1;
	}
	memcpy(f->path, path, strlen(path) + 1);
	memcpy(f->name, base, blen);
	f->name[blen] = '\0';
	f->type = manifest_guess_type(f->name);
	f->size = (uint64_t)st.st_size;
	return 0;
}
