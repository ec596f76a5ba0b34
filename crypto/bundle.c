/* bundle: see bundle.h. */
#include "crypto/bundle.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"

const char *
bundle_strerror(int err)
{
	switch (err) {
	case BUNDLE_OK:
		return "ok";
	case BUNDLE_END:
		return "end of bundle";
	case BUNDLE_ERR_IO:
		return "cannot read or write the bundle file";
	case BUNDLE_ERR_FORMAT:
		return "not a well-formed bundle (JSON Lines ending in a signature line)";
	case BUNDLE_ERR_SIG:
		return "the bundle's signature does not verify";
	case BUNDLE_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown bundle error";
	}
}

void
bundle_writer_init(struct bundle_writer *w, FILE *f)
{
	w->f = f;
	w->bytes = 0;
	sign_bundle_init(&w->h);
}

static int
write_line(struct bundle_writer *w, const char *s, size_t n, int hash)
{
	if (fwrite(s, 1, n, w->f) != n || fputc('\n', w->f) == EOF)
		return BUNDLE_ERR_IO;
	if (hash) {
		sign_bundle_update(&w->h, s, n);
		sign_bundle_update(&w->h, "\n", 1);
	}
	w->bytes += n + 1;
	return BUNDLE_OK;
}

int
bundle_write(struct bundle_writer *w, const json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	int rc;

	if (s == NULL)
		return BUNDLE_ERR_NOMEM;
	rc = write_line(w, s, strlen(s), 1);
	free(s);
	return rc;
}

int
bundle_writer_finish(struct bundle_writer *w, const char *type, const uint8_t sk[SIGN_SK_BYTES])
{
	uint8_t sig[SIGN_BYTES];
	char line[16 + CODEC_B64U_BUF(SIGN_BYTES)];
	char b64[CODEC_B64U_BUF(SIGN_BYTES)];
	int n;

	if (sign_bundle_final_sign(&w->h, sig, type, sk) != 0)
		return BUNDLE_ERR_FORMAT;
	codec_b64u_encode(b64, sizeof b64, sig, sizeof sig);
	n = snprintf(line, sizeof line, "{\"sig\":\"%s\"}", b64);
	if (n < 0 || (size_t)n >= sizeof line)
		return BUNDLE_ERR_FORMAT;
	if (write_line(w, line, (size_t)n, 0) != BUNDLE_OK || fflush(w->f) != 0)
		return BUNDLE_ERR_IO;
	return BUNDLE_OK;
}

void
bundle_reader_init(struct bundle_reader *r, FILE *f, size_t max_line)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->max_line = max_line;
	sign_bundle_init(&r->h);
}

void
bundle_reader_free(struct bundle_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

/* Reads one line (with its '\n') into r->buf; *len excludes the NUL. 0 at EOF. */
static int
read_line(struct bundle_reader *r, size_t *len)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = getc_unlocked(r->f);
		if (c == EOF)
			break;
		if (n + 2 > r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : 4096;
			char *nb;

			if (ncap > r->max_line + 2)
				ncap = r->max_line + 2;
			if (n + 2 > ncap)
				return BUNDLE_ERR_FORMAT; /* line too long */
			nb = realloc(r->buf, ncap);
			if (nb == NULL)
				return BUNDLE_ERR_NOMEM;
			r->buf = nb;
			r->cap = ncap;
		}
		r->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (ferror(r->f))
		return BUNDLE_ERR_IO;
	if (r->buf != NULL)
		r->buf[n] = '\0';
	*len = n;
	return BUNDLE_OK;
}

static int
is_sig_line(const json_t *obj)
{
	return json_object_size(obj) == 1 && json_is_string(json_object_get(obj, "sig"));
}

int
bundle_read(struct bundle_reader *r, json_t **obj)
{
	json_error_t jerr;
	size_t len;
	json_t *j;
	int rc;

	*obj = NULL;
	if (r->done)
		return BUNDLE_ERR_FORMAT;
	rc = read_line(r, &len);
	if (rc != BUNDLE_OK)
		return rc;
	if (len == 0 || r->buf[len - 1] != '\n')
		return BUNDLE_ERR_FORMAT; /* no signature line, or a last line cut short */
	r->line_no++;
	j = json_loadb(r->buf, len - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return BUNDLE_ERR_FORMAT;
	}
	if (is_sig_line(j)) {
		const char *s = json_string_value(json_object_get(j, "sig"));
		int bad = codec_b64u_decode_exact(r->sig, sizeof r->sig, s) != 0;

		json_decref(j);
		if (bad)
			return BUNDLE_ERR_FORMAT;
		if (getc(r->f) != EOF || ferror(r->f))
			return BUNDLE_ERR_FORMAT; /* bytes after the signature line */
		r->done = 1;
		return BUNDLE_END;
	}
	sign_bundle_update(&r->h, r->buf, len);
	*obj = j;
	return BUNDLE_OK;
}

int
bundle_read_raw(struct bundle_reader *r, const char **line, size_t *len)
{
	size_t n;
	int rc;

	*line = NULL;
	*len = 0;
	if (r->done)
		return BUNDLE_ERR_FORMAT;
	rc = read_line(r, &n);
	if (rc != BUNDLE_OK)
		return rc;
	if (n == 0)
		return BUNDLE_END;
	if (r->buf[n - 1] != '\n')
		return BUNDLE_ERR_FORMAT; /* a last line cut short */
	r->line_no++;
	*line = r->buf;
	*len = n;
	return BUNDLE_OK;
}

int
bundle_parse_line(const char *line, size_t len, json_t **obj, uint8_t sig[SIGN_BYTES])
{
	json_error_t jerr;
	json_t *j;

	*obj = NULL;
	if (len == 0 || line[len - 1] != '\n')
		return BUNDLE_ERR_FORMAT;
	j = json_loadb(line, len - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return BUNDLE_ERR_FORMAT;
	}
	if (is_sig_line(j)) {
		const char *s = json_string_value(json_object_get(j, "sig"));
		int bad = codec_b64u_decode_exact(sig, SIGN_BYTES, s) != 0;

		json_decref(j);
		return bad ? BUNDLE_ERR_FORMAT : BUNDLE_END;
	}
	*obj = j;
	return BUNDLE_OK;
}

void
bundle_reader_swap_line(struct bundle_reader *r, char **buf, size_t *cap)
{
	char *b = r->buf;
	size_t c = r->cap;

	r->buf = *buf;
	r->cap = *cap;
	*buf = b;
	*cap = c;
}

void
bundle_reader_hash(struct bundle_reader *r, const char *line, size_t len)
{
	sign_bundle_update(&r->h, line, len);
}

void
bundle_reader_set_end(struct bundle_reader *r, const uint8_t sig[SIGN_BYTES])
{
	memcpy(r->sig, sig, SIGN_BYTES);
	r->done = 1;
}

int
bundle_reader_verify(struct bundle_reader *r, const char *type, const uint8_t pk[SIGN_PK_BYTES])
{
	if (!r->done)
		return BUNDLE_ERR_SIG;
	return sign_bundle_final_verify(&r->h, r->sig, type, pk) == 0 ? BUNDLE_OK : BUNDLE_ERR_SIG;
}
