/*
 * cli: what every qingfeng-admin command shares at its edge: the one-line
 * error message and warnings, the calendar day of "today" (DESIGN.md §4; QF_TODAY,
 * --day-offset, QF_DAY_OFFSET), the name recorded as "who" in histories and
 * the access log, printing untrusted text safely on a terminal, reading
 * small files whole, and progress lines on a terminal.
 */
#ifndef QF_ADMIN_CLI_H
#define QF_ADMIN_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/codec.h"

#define CLI_PROG "qingfeng-admin"

/* Exit codes of every command (DESIGN.md §11). */
#define CLI_EXIT_OK    0
#define CLI_EXIT_USER  1
#define CLI_EXIT_USAGE 2

/* Longest user or investigator name recorded ("by"). */
#define CLI_NAME_MAX 64

/*
 * Prints "qingfeng-admin: " fmt and a newline to stderr, the message
 * escaped as cli_print_text does. Cannot fail.
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* As cli_error, after "qingfeng-admin: warning: ". Cannot fail. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Writes today's day into out: $QF_TODAY when set (it must be a valid day),
 * else the calendar day of now in the UTC offset day_offset ("+08:00"), or
 * $QF_DAY_OFFSET when day_offset is NULL, or +08:00 when neither is set.
 * Returns 0, or -1 (with a message printed by cli_error) when QF_TODAY or
 * the offset is malformed.
 */
int cli_today(char out[CODEC_DAY_LEN + 1], const char *day_offset);

/*
 * Writes the name of whoever runs the tool into out: by when given (it must
 * be 1..CLI_NAME_MAX bytes of UTF-8 without control characters), else the
 * login name of the effective user, else "investigator". Returns 0, or -1
 * when by is given but not acceptable.
 */
int cli_who(char out[CLI_NAME_MAX + 1], const char *by);

/*
 * The one escaping layer for text that came from a reporter or a bundle
 * (manifest keys and values, file names, quarantine reasons, anything an
 * error message quotes) on its way to a terminal. Every character that
 * could steer the terminal or reorder what is shown is spelled out, visibly
 * and harmlessly: C0 controls and DEL as \xHH (newline, carriage return and
 * tab as \n, \r, \t), C1 controls and the bidirectional controls (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and the line and
 * paragraph separators U+2028, U+2029 as \uHHHH, and each byte that is not
 * UTF-8 as \xHH. A backslash is left as it is (the text is for reading).
 *
 * cli_print_text writes s to f; with indent (a multi-line body) a newline,
 * or CR LF, is kept as a newline and the next line starts with indent;
 * without, the text stays on one line. NULL prints nothing. Cannot fail.
 * cli_error and cli_warn print their whole message through it.
 */
void cli_print_text(FILE *f, const char *s, const char *indent);

/*
 * The same escaping into a new malloc'd string (multiline as indent above,
 * without the indent); NULL s is "". Returns NULL when out of memory.
 */
char *cli_safe_text(const char *s, int multiline);

/* Terminal columns of UTF-8 text: 1 per ASCII character, 2 per other character. Cannot fail. */
int cli_columns(const char *s);

/*
 * One table cell: s ("-" when NULL or empty) printed safely on one line, then
 * spaces up to width terminal columns (none when it is wider). Cannot fail.
 */
void cli_cell(FILE *out, const char *s, int width);

/*
 * The start of a listing's output: with json, prints rows as one JSON array
 * (indented, ASCII) and returns 1; with no rows, prints none and returns 1;
 * else returns 0 and the caller prints the table. Cannot fail.
 */
int cli_rows_done(FILE *out, const json_t *rows, int json, const char *none);

/*
 * Creates the new output file path (mode 0600, never over an existing one:
 * crypto/fileio) for writing; finish it with fileio_finish_stream or drop it
 * with fileio_abandon_stream. Returns the stream, or NULL with "cannot create
 * PATH: reason" in err (in the tool's language; "it exists; refusing to
 * overwrite it" when it does).
 */
FILE *cli_create(const char *path, char *err, size_t errsz);

/*
 * Reads the whole file at path (at most max bytes) into a new malloc'd
 * buffer with a NUL after the data. Returns 0 with *out and *len set, or -1
 * with errno set (EFBIG when larger than max).
 */
int cli_read_file(const char *path, size_t max, uint8_t **out, size_t *len);

/*
 * On a terminal (isatty(stderr)) shows "\r<what> done/total"; with done ==
 * total ends the line. Does nothing otherwise. Cannot fail.
 */
void cli_progress(const char *what, uint64_t done, uint64_t total);

/*
 * Decodes one UTF-8 sequence at p (avail >= 1 bytes there): returns its
 * length with *cp set, or 0 when it is not a valid, shortest-form sequence
 * of a scalar value. Cannot fail otherwise.
 */
size_t cli_utf8_next(const unsigned char *p, size_t avail, unsigned *cp);

/*
 * Writes the names at(0), at(1), ... (until NULL) into buf as "a, b, c",
 * cut short when it is full, and returns buf. Cannot fail.
 */
char *cli_join(char *buf, size_t n, const char *(*at)(size_t i));

/*
 * Says fmt (a translated "unknown stage '%s' (one of %s)") with got and the
 * names at(0), at(1), ... joined. Returns CLI_EXIT_USER, the exit code of
 * the refusal.
 */
int cli_unknown(const char *fmt, const char *got, const char *(*at)(size_t i));

/* True (1) when s is valid UTF-8 of len bytes without NUL; 0 otherwise. */
int cli_utf8_valid(const char *s, size_t len);

#endif
