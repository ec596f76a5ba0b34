/* cli: see cli.h. */
#include "admin/cli.h"
#include "admin/i18n.h"

#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/fileio.h"
#include "crypto/text.h"

/*
 * Prints prefix, then the message of fmt through the escaping of
 * cli_print_text (one line: a message may quote a file name, a bundle field
 * or a manifest value), then a newline, to stderr. Cannot fail: when no
 * buffer can be had, the first 1023 bytes are escaped.
 */
static void
message(const char *prefix, const char *fmt, va_list ap)
{
	char small[1024], *big = NULL;
	const char *text = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && (big = malloc((size_t)n + 1)) != NULL) {
		vsnprintf(big, (size_t)n + 1, fmt, again);
		text = big;
	}
	va_end(again);
	fflush(stdout);
	fputs(prefix, stderr);
	if (n >= 0)
		cli_print_text(stderr, text, NULL);
	fputc('\n', stderr);
	free(big);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message(CLI_PROG ": ", fmt, ap);
	va_end(ap);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;
	char prefix[64];

	/* TRANSLATORS: the first %s is the program's name */
	snprintf(prefix, sizeof prefix, _("%s: warning: "), CLI_PROG);
	va_start(ap, fmt);
	message(prefix, fmt, ap);
	va_end(ap);
}

int
cli_today(char out[CODEC_DAY_LEN + 1], const char *day_offset)
{
	const char *fixed = getenv("QF_TODAY");
	const char *off = day_offset;
	int minutes = 480;

	if (fixed != NULL && fixed[0] != '\0') {
		if (!codec_day_valid(fixed)) {
			cli_error(_("QF_TODAY must be a day YYYY-MM-DD, not '%s'"), fixed);
			return -1;
		}
		memcpy(out, fixed, CODEC_DAY_LEN + 1);
		return 0;
	}
	if (off == NULL)
		off = getenv("QF_DAY_OFFSET");
	if (off != NULL && off[0] != '\0' && codec_offset_parse(off, &minutes) != 0) {
		cli_error(_("day offset must look like +08:00, not '%s'"), off);
		return -1;
	}
	if (codec_day_format(out, time(NULL), minutes) != 0) {
		cli_error(_("cannot tell today's date"));
		return -1;
	}
	return 0;
}

int
cli_who(char out[CLI_NAME_MAX + 1], const char *by)
{
	const struct passwd *pw;
	const char *name = by;

	if (by != NULL) {
		size_t n = strlen(by);

		if (n == 0 || n > CLI_NAME_MAX || !cli_utf8_valid(by, n))
			return -1;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)by[i] < 0x20 || by[i] == 0x7f)
				return -1;
	} else {
		pw = getpwuid(geteuid());
		name = pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0' &&
		                       strlen(pw->pw_name) <= CLI_NAME_MAX
		               ? pw->pw_name
		               : "investigator";
	}
	snprintf(out, CLI_NAME_MAX + 1, "%s", name);
	return 0;
}

size_t
cli_utf8_next(const unsigned char *p, size_t avail, unsigned *cp)
{
	uint32_t v;
	size_t n = text_utf8_next(p, avail, &v);

	if (n > 0)
		*cp = v;
	return n;
}

/* True for the code points that steer a terminal or reorder text (cli_print_text). */
static int
unsafe_cp(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	       cp == 0x2028 || cp == 0x2029;
}

/*
 * The shown form of the next character of p (len > 0 bytes) into out (at
 * least CLI_SAFE_UNIT bytes, NUL-terminated): the character itself, or its
 * escape; *used gets how many bytes of p it stands for. With multiline, a
 * newline (or CR LF) is kept as "\n". Cannot fail.
 */
#define CLI_SAFE_UNIT 16
static void
safe_unit(const unsigned char *p, size_t len, int multiline, char out[CLI_SAFE_UNIT], size_t *used)
{
	unsigned cp;
	size_t n = cli_utf8_next(p, len, &cp);

	if (n == 0) { /* not UTF-8: the byte, spelled out */
		snprintf(out, CLI_SAFE_UNIT, "\\x%02x", p[0]);
		*used = 1;
		return;
	}
	*used = n;
	if (multiline && cp == '\r' && len > 1 && p[1] == '\n') {
		memcpy(out, "\n", 2);
		out[2] = '\0';
		*used = 2;
	} else if (multiline && cp == '\n') {
		memcpy(out, "\n", 2);
	} else if (cp == '\n') {
		snprintf(out, CLI_SAFE_UNIT, "\\n");
	} else if (cp == '\r') {
		snprintf(out, CLI_SAFE_UNIT, "\\r");
	} else if (cp == '\t') {
		snprintf(out, CLI_SAFE_UNIT, "\\t");
	} else if (cp < 0x80 && unsafe_cp(cp)) {
		snprintf(out, CLI_SAFE_UNIT, "\\x%02x", cp);
	} else if (unsafe_cp(cp)) {
		snprintf(out, CLI_SAFE_UNIT, "\\u%04x", cp);
	} else {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

int
cli_utf8_valid(const char *s, size_t len)
{
	return text_utf8_valid(s, len, TEXT_NUL_BAD);
}

void
cli_print_text(FILE *f, const char *s, const char *indent)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	while (len > 0) {
		char u[CLI_SAFE_UNIT];
		size_t n;

		safe_unit(p, len, indent != NULL, u, &n);
		fputs(u, f);
		if (u[0] == '\n' && len > n)
			fputs(indent, f);
		p += n;
		len -= n;
	}
}

char *
cli_safe_text(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t len = strlen((const char *)p), o = 0;
	char *out;

	/* every byte becomes at most 4 ("\xff", "\u202e" stands for 3) */
	if (len > (SIZE_MAX - 1) / 4 || (out = malloc(len * 4 + 1)) == NULL)
		return NULL;
	while (len > 0) {
		char u[CLI_SAFE_UNIT];
		size_t n, k;

		safe_unit(p, len, multiline, u, &n);
		k = strlen(u);
		memcpy(out + o, u, k);
		o += k;
		p += n;
		len -= n;
	}
	out[o] = '\0';
	return out;
}

int
cli_rows_done(FILE *out, const json_t *rows, int json, const char *none)
{
	if (json) {
		json_dumpf(rows, out, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		fputc('\n', out);
		return 1;
	}
	if (json_array_size(rows) == 0) {
		fputs(none, out);
		return 1;
	}
	return 0;
}

FILE *
cli_create(const char *path, char *err, size_t errsz)
{
	FILE *f = fileio_create_stream(path, 0600);

	if (f == NULL)
		snprintf(err, errsz, _("cannot create %s: %s"), path,
		         errno == EEXIST ? _("it exists; refusing to overwrite it")
		                         : strerror(errno));
	return f;
}

int
cli_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	char *buf;
	int rc = fileio_read_small(path, max, FILEIO_ANY_TYPE, &buf, len);

	*out = (uint8_t *)buf;
	return rc;
}

void
cli_progress(const char *what, uint64_t done, uint64_t total)
{
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r%s %llu/%llu", what, (unsigned long long)done,
	        (unsigned long long)total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

int
cli_unknown(const char *fmt, const char *got, const char *(*at)(size_t i))
{
	char list[2048];

	cli_error(fmt, got, cli_join(list, sizeof list, at));
	return CLI_EXIT_USER;
}

char *
cli_join(char *buf, size_t n, const char *(*at)(size_t i))
{
	const char *x;
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; len < n && (x = at(i)) != NULL; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i > 0 ? ", " : "", x);
	return buf;
}

int
cli_columns(const char *s)
{
	int n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n += *p < 0x80 ? 1 : 2;
	return n;
}

void
cli_cell(FILE *out, const char *s, int width)
{
	int n;
	char *shown;

	if (s == NULL || s[0] == '\0')
		s = "-";
	shown = cli_safe_text(s, 0); /* the width is that of what is shown */
	n = cli_columns(shown ? shown : s);
	if (shown != NULL)
		fputs(shown, out);
	else
		cli_print_text(out, s, NULL);
	free(shown);
	for (; n < width; n++)
		fputc(' ', out);
}
