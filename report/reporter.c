/* reporter: see reporter.h. */
#include "report/reporter.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/bind.h"
#include "crypto/chain.h"
#include "crypto/codec.h"
#include "crypto/envelope.h"
#include "crypto/fileio.h"
#include "crypto/memwipe.h"
#include "crypto/receipt.h"
#include "crypto/sign.h"
#include "crypto/text.h"
#include "crypto/vocab.h"
#include "report/client.h"
#include "report/manifest.h"
#include "report/metastrip.h"
#include "report/package.h"
#include "report/proto.h"
#include "report/statefile.h"

#define PROG         "qingfeng-report"
#define MAX_ATTACH   ENVELOPE_ATTACHMENTS_MAX /* DESIGN.md §6 */
#define BODY_MAX     ENVELOPE_MANIFEST_MAX
#define POW_ATTEMPTS 3
#define SAFE_NAME    120

#define ATTACH_TEXT                                                                                \
	"ATTACHMENTS: JPEG, PNG and WebP photos are cleaned before they are encrypted:\n"          \
	"only what shows the picture is kept (its orientation too); location (GPS),\n"             \
	"time, camera or phone model and serial number, owner, thumbnails, content\n"              \
	"credentials and colour profiles go, by the same rules as the web page. A photo\n"         \
	"that is cut short or malformed is refused. Other files (Word, Excel, PowerPoint,\n"       \
	"PDF, HEIC, video, anything else) cannot be cleaned here and may name you (author,\n"      \
	"last modified by, location, device): they are refused with a warning unless\n"            \
	"--send-uncleaned is given (the web page cleans Office files and PDFs). Files are\n"       \
	"sent as 附件1.jpg, 附件2.pdf... unless --keep-names.\n"

#define STATE_TEXT                                                                                 \
	"STATE FILE: submit and followup record, for each receipt, the district and the\n"         \
	"key fingerprint the text was sealed to, in $XDG_STATE_HOME/qingfeng/pins (or\n"           \
	"~/.local/state/qingfeng/pins), mode 0600. status and followup refuse (exit 1) when\n"     \
	"the server later names another district or key for that receipt. The file holds\n"        \
	"no receipt and nothing the server could match to a report, but it shows that\n"           \
	"this computer filed reports and to which district: --no-state keeps nothing.\n"

static const char USAGE_MAIN[] =
        "usage: qingfeng-report COMMAND --server URL [OPTIONS]\n"
        "\n"
        "The reporter's client of Qingfeng (清风): files a report with a district's\n"
        "discipline inspection and supervision commission, encrypted on this computer\n"
        "before it is sent, and comes back later with the receipt alone.\n"
        "\n"
        "commands:\n"
        "  submit    file a new report and get its receipt\n"
        "  status    see a report's status and read the district's replies\n"
        "  followup  add material or an objection to a report\n"
        "\n"
        "Run \"qingfeng-report COMMAND --help\" for a command's options.\n"
        "Exit status: 0 success, 1 an error (one line on stderr), 2 a usage error.\n";

static const char USAGE_SUBMIT[] =
        "usage: qingfeng-report submit --server URL --district ID [--pin FINGERPRINT]\n"
        "                              --title TEXT --body-file FILE [--attach FILE]...\n"
        "                              [OPTIONS]\n"
        "\n"
        "Encrypts a report to the district's key and submits it; prints the receipt,\n"
        "the only way back to the report. Keep it secret and safe.\n"
        "\n"
        "  --server URL             the Qingfeng server: http://host[:port][/prefix]\n"
        "  --district ID            the district to report to, e.g. d01\n"
        "  --pin FINGERPRINT        refuse to send unless the key fingerprint of the\n"
        "                           commission that will read the report is this one\n"
        "                           (as published; spaces and case ignored)\n"
        "  --no-route               keep the chosen district even for a report about a\n"
        "                           county-level cadre (see below)\n"
        "  --title TEXT             a short title\n"
        "  --body-file FILE         the report's text, UTF-8 (\"-\": standard input)\n"
        "  --attach FILE            attach a file; may be given many times (see\n"
        "                           ATTACHMENTS below)\n"
        "  --send-uncleaned         send attachments that cannot be cleaned as they are\n"
        "  --keep-names             send attachments under their own names, not 附件N\n"
        "  --type TYPE              @type@\n"
        "  --category CATEGORY      @category@\n"
        "  --subcategory TEXT       a finer category, free text\n"
        "  --town TEXT              the town or street concerned\n"
        "  --when TEXT              when it happened, e.g. 2026-05\n"
        "  --where TEXT             where it happened\n"
        "  --subject-name TEXT      the person reported (leave out what you do not know)\n"
        "  --subject-unit TEXT      their unit\n"
        "  --subject-area TEXT      their area of work\n"
        "  --subject-position TEXT  their position\n"
        "  --level LEVEL            @level@\n"
        "  --party-member P         @party@\n"
        "  --lang TAG               the language of the text (default zh-CN)\n"
        "  --identity-name TEXT     any --identity-* option makes this a real-name\n"
        "  --identity-phone TEXT    report (实名举报) carrying these details;\n"
        "  --identity-id-number TEXT  without them the report is anonymous\n"
        "  --identity-unit TEXT\n"
        "  --identity-address TEXT\n"
        "  --timeout SECONDS        give up on a request after this long without\n"
        "                           progress (default 60)\n"
        "  --no-route               keep the chosen district (see below)\n"
        "  --no-state               keep no record of the district's fingerprint (see\n"
        "                           STATE FILE below)\n"
        "  --help                   show this text\n"
        "\n"
        "A report about a county-level cadre (--level county: the district's party\n"
        "committee, government, congress and CPPCC leaders, and the district\n"
        "commission's own leaders) is handled by the commission one level up (依照\n"
        "干部管理权限). When the server lists such a commission above the district, the\n"
        "report is sealed to it instead, so the district cannot read it; the report\n"
        "says which district it concerns. --no-route keeps the chosen district.\n"
        "\n" ATTACH_TEXT "\n" STATE_TEXT;

static const char USAGE_STATUS[] =
        "usage: qingfeng-report status --server URL --receipt RECEIPT [--save-dir DIR]\n"
        "                              [--pin FINGERPRINT]\n"
        "\n"
        "Shows the status of the report the receipt belongs to, whether the district\n"
        "has confirmed receiving everything sent, and the district's replies,\n"
        "decrypted here and checked against the district's signature (a reply\n"
        "without a valid one is flagged and the exit code is 1). A mistyped receipt\n"
        "is caught before anything is sent.\n"
        "\n"
        "  --server URL       the Qingfeng server: http://host[:port][/prefix]\n"
        "  --receipt RECEIPT  the receipt (dashes, spaces and case do not matter;\n"
        "                     \"-\" reads it from standard input)\n"
        "  --save-dir DIR     save the replies' attachments in DIR (never overwrites)\n"
        "  --pin FINGERPRINT  refuse replies unless the district's key fingerprint is\n"
        "                     this one (as published; spaces and case ignored)\n"
        "  --timeout SECONDS  give up on a request after this long without progress\n"
        "                     (default 60)\n"
        "  --no-state         neither read nor write the state file (see below)\n"
        "  --help             show this text\n"
        "\n" STATE_TEXT;

static const char USAGE_FOLLOWUP[] =
        "usage: qingfeng-report followup --server URL --receipt RECEIPT --body-file FILE\n"
        "                                [--attach FILE]... [--purpose P]\n"
        "\n"
        "Adds material or an objection (--purpose) to the report the receipt belongs\n"
        "to, encrypted to the district's key.\n"
        "\n"
        "  --server URL         the Qingfeng server: http://host[:port][/prefix]\n"
        "  --receipt RECEIPT    the receipt (\"-\" reads it from standard input)\n"
        "  --body-file FILE     the text, UTF-8 (\"-\": standard input)\n"
        "  --attach FILE        attach a file; may be given many times (see\n"
        "                       ATTACHMENTS below)\n"
        "  --send-uncleaned     send attachments that cannot be cleaned as they are\n"
        "  --keep-names         send attachments under their own names, not 附件N\n"
        "  --purpose P          @purpose@\n"
        "  --pin FINGERPRINT    refuse to send unless the district's key fingerprint\n"
        "                       is this one\n"
        "  --timeout SECONDS    give up on a request after this long without progress\n"
        "                       (default 60)\n"
        "  --no-state           neither read nor write the state file (see below)\n"
        "  --help               show this text\n"
        "\n" ATTACH_TEXT "\n" STATE_TEXT;

enum opt_id {
	OPT_HELP = 256,
	OPT_SERVER,
	OPT_TIMEOUT,
	OPT_DISTRICT,
	OPT_PIN,
	OPT_TYPE,
	OPT_CATEGORY,
	OPT_SUBCATEGORY,
	OPT_SUBJECT_NAME,
	OPT_SUBJECT_UNIT,
	OPT_SUBJECT_AREA,
	OPT_SUBJECT_POSITION,
	OPT_LEVEL,
	OPT_PARTY,
	OPT_TOWN,
	OPT_TITLE,
	OPT_BODY_FILE,
	OPT_WHEN,
	OPT_WHERE,
	OPT_LANG,
	OPT_ID_NAME,
	OPT_ID_PHONE,
	OPT_ID_NUMBER,
	OPT_ID_UNIT,
	OPT_ID_ADDRESS,
	OPT_ATTACH,
	OPT_RECEIPT,
	OPT_SAVE_DIR,
	OPT_PURPOSE,
	OPT_NO_ROUTE,
	OPT_NO_STATE,
	OPT_SEND_UNCLEANED,
	OPT_KEEP_NAMES
};

/* What --send-uncleaned and --keep-names chose. */
struct attach_opts {
	int send_uncleaned;
	int keep_names;
};

/* Which commands take an option (ALL_OPTS). */
enum { CMD_SUBMIT = 1, CMD_STATUS = 2, CMD_FOLLOWUP = 4, CMD_ALL = 7 };

/* An option that sets the manifest_report field f (0: none). */
#define REP(f) (offsetof(struct manifest_report, f) + 1)

/*
 * Every command's options, each with the commands (CMD_*) that take it and
 * the report's field it sets, if any (the identity's also set real_name).
 */
static const struct {
	struct option o;
	unsigned cmds;
	size_t rep;
} ALL_OPTS[] = {
        {{"help", no_argument, NULL, OPT_HELP}, CMD_ALL, 0},
        {{"server", required_argument, NULL, OPT_SERVER}, CMD_ALL, 0},
        {{"timeout", required_argument, NULL, OPT_TIMEOUT}, CMD_ALL, 0},
        {{"district", required_argument, NULL, OPT_DISTRICT}, CMD_SUBMIT, REP(district)},
        {{"pin", required_argument, NULL, OPT_PIN}, CMD_ALL, 0},
        {{"type", required_argument, NULL, OPT_TYPE}, CMD_SUBMIT, REP(type)},
        {{"category", required_argument, NULL, OPT_CATEGORY}, CMD_SUBMIT, REP(category)},
        {{"subcategory", required_argument, NULL, OPT_SUBCATEGORY}, CMD_SUBMIT, REP(subcategory)},
        {{"subject-name", required_argument, NULL, OPT_SUBJECT_NAME},
         CMD_SUBMIT,
         REP(subject.name)},
        {{"subject-unit", required_argument, NULL, OPT_SUBJECT_UNIT},
         CMD_SUBMIT,
         REP(subject.unit)},
        {{"subject-area", required_argument, NULL, OPT_SUBJECT_AREA},
         CMD_SUBMIT,
         REP(subject.area)},
        {{"subject-position", required_argument, NULL, OPT_SUBJECT_POSITION},
         CMD_SUBMIT,
         REP(subject.position)},
        {{"level", required_argument, NULL, OPT_LEVEL}, CMD_SUBMIT, REP(subject.level)},
        {{"party-member", required_argument, NULL, OPT_PARTY},
         CMD_SUBMIT,
         REP(subject.party_member)},
        {{"town", required_argument, NULL, OPT_TOWN}, CMD_SUBMIT, REP(town)},
        {{"title", required_argument, NULL, OPT_TITLE}, CMD_SUBMIT, REP(title)},
        {{"body-file", required_argument, NULL, OPT_BODY_FILE}, CMD_SUBMIT | CMD_FOLLOWUP, 0},
        {{"when", required_argument, NULL, OPT_WHEN}, CMD_SUBMIT, REP(when)},
        {{"where", required_argument, NULL, OPT_WHERE}, CMD_SUBMIT, REP(where)},
        {{"lang", required_argument, NULL, OPT_LANG}, CMD_SUBMIT, REP(lang)},
        {{"identity-name", required_argument, NULL, OPT_ID_NAME}, CMD_SUBMIT, REP(identity.name)},
        {{"identity-phone", required_argument, NULL, OPT_ID_PHONE},
         CMD_SUBMIT,
         REP(identity.phone)},
        {{"identity-id-number", required_argument, NULL, OPT_ID_NUMBER},
         CMD_SUBMIT,
         REP(identity.id_number)},
        {{"identity-unit", required_argument, NULL, OPT_ID_UNIT}, CMD_SUBMIT, REP(identity.unit)},
        {{"identity-address", required_argument, NULL, OPT_ID_ADDRESS},
         CMD_SUBMIT,
         REP(identity.address)},
        {{"attach", required_argument, NULL, OPT_ATTACH}, CMD_SUBMIT | CMD_FOLLOWUP, 0},
        {{"send-uncleaned", no_argument, NULL, OPT_SEND_UNCLEANED}, CMD_SUBMIT | CMD_FOLLOWUP, 0},
        {{"keep-names", no_argument, NULL, OPT_KEEP_NAMES}, CMD_SUBMIT | CMD_FOLLOWUP, 0},
        {{"no-route", no_argument, NULL, OPT_NO_ROUTE}, CMD_SUBMIT, 0},
        {{"no-state", no_argument, NULL, OPT_NO_STATE}, CMD_ALL, 0},
        {{"receipt", required_argument, NULL, OPT_RECEIPT}, CMD_STATUS | CMD_FOLLOWUP, 0},
        {{"save-dir", required_argument, NULL, OPT_SAVE_DIR}, CMD_STATUS, 0},
        {{"purpose", required_argument, NULL, OPT_PURPOSE}, CMD_FOLLOWUP, 0},
};
#define N_OPTS (sizeof ALL_OPTS / sizeof ALL_OPTS[0])

/* What a command's options said (parse_opts); each command reads its own. */
struct opts {
	const char *server, *pin, *body_file, *purpose, *save_dir;
	char *receipt;
	char *attach[MAX_ATTACH];
	size_t nattach;
	unsigned timeout;
	struct attach_opts att;
	int no_route, keep_state;
	struct manifest_report rep; /* submit's report fields */
};

/* ---- small helpers ----------------------------------------------------- */

static void say_error(const struct reporter_io *io, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
say_error(const struct reporter_io *io, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", io->err);
	va_start(ap, fmt);
	vfprintf(io->err, fmt, ap);
	va_end(ap);
	fputc('\n', io->err);
	fflush(io->err);
}

static int
usage_error(const struct reporter_io *io, const char *cmd, const char *msg)
{
	fprintf(io->err, PROG " %s: %s\nRun \"" PROG " %s --help\" for its options.\n", cmd, msg,
	        cmd);
	return REPORTER_EXIT_USAGE;
}

void
reporter_json_wipe_on_free(void)
{
	memwipe_jansson();
}

void
reporter_usage(FILE *f)
{
	fputs(USAGE_MAIN, f);
}

/* Parses --timeout. Returns 0, or -1. */
static int
parse_timeout(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > CLIENT_MAX_TIMEOUT)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A growing plaintext buffer in sodium_malloc'd memory. */
struct secbuf {
	char *p;
	size_t len, cap;
};

static int
secbuf_grow(struct secbuf *b, size_t need)
{
	size_t cap = b->cap == 0 ? 8192 : b->cap;
	char *n;

	if (need <= b->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	n = sodium_malloc(cap + 1);
	if (n == NULL)
		return -1;
	if (b->len > 0)
		memcpy(n, b->p, b->len);
	if (b->p != NULL)
		sodium_free(b->p);
	b->p = n;
	b->cap = cap;
	return 0;
}

static void
secbuf_free(struct secbuf *b)
{
	if (b->p != NULL)
		sodium_free(b->p);
	memset(b, 0, sizeof *b);
}

/*
 * Reads the whole text of path ("-": io->in) into b. Returns 0, or 1 after
 * printing why not.
 */
static int
read_body(const struct reporter_io *io, const char *path, struct secbuf *b)
{
	FILE *f = io->in;
	char *chunk = sodium_malloc(8192);
	int rc = 1;

	if (chunk == NULL) {
		say_error(io, "out of memory");
		return 1;
	}
	if (strcmp(path, "-") != 0) {
		struct stat st;

		f = fopen(path, "rb");
		if (f == NULL) {
			say_error(io, "cannot read --body-file %s: %s", path, strerror(errno));
			goto out;
		}
		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			say_error(io, "cannot read --body-file %s: %s", path, strerror(EISDIR));
			goto out;
		}
	}
	/* No stdio buffer keeps a copy of the plaintext (nothing was read from f yet). */
	setvbuf(f, NULL, _IONBF, 0);
	if (secbuf_grow(b, 1) != 0)
		goto nomem;
	for (;;) {
		size_t n = fread(chunk, 1, 8192, f);

		if (n > 0) {
			if (b->len + n > BODY_MAX) {
				say_error(io, "--body-file %s is too long (at most %u bytes)", path,
				          (unsigned)BODY_MAX);
				goto out;
			}
			if (secbuf_grow(b, b->len + n) != 0)
				goto nomem;
			memcpy(b->p + b->len, chunk, n);
			b->len += n;
		}
		if (n < 8192) {
			if (ferror(f)) {
				say_error(io, "cannot read --body-file %s: %s", path,
				          strerror(errno));
				goto out;
			}
			break;
		}
	}
	b->p[b->len] = '\0';
	rc = 0;
	goto out;
nomem:
	say_error(io, "out of memory");
out:
	sodium_free(chunk);
	if (f != NULL && f != io->in)
		fclose(f);
	if (rc != 0)
		secbuf_free(b);
	return rc;
}

/*
 * Derives the keys of the receipt given as arg ("-": one line of io->in) and
 * wipes arg in place. Returns 0, or 1 after printing "invalid receipt".
 */
static int
take_receipt(const struct reporter_io *io, char *arg, struct receipt_keys *k)
{
	int rc;

	if (strcmp(arg, "-") == 0) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		struct termios old, quiet;
		int fd = fileno(io->in);
		int tty = fd >= 0 && isatty(fd) && tcgetattr(fd, &old) == 0;

		if (tty) {
			/* typed at a terminal: no echo, so it stays off the screen */
			fputs("Receipt (回执): ", io->err);
			fflush(io->err);
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			(void)tcsetattr(fd, TCSAFLUSH, &quiet);
		}
		n = getline(&line, &cap, io->in);
		if (tty) {
			(void)tcsetattr(fd, TCSAFLUSH, &old);
			fputc('\n', io->err);
		}

		if (n < 0) {
			free(line);
			say_error(io, "invalid receipt: nothing on standard input");
			return 1;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		rc = receipt_derive(line, k);
		sodium_memzero(line, cap);
		free(line);
	} else {
		rc = receipt_derive(arg, k);
		sodium_memzero(arg, strlen(arg)); /* out of the process's argument list */
	}
	if (rc != 0) {
		say_error(io, "invalid receipt: check it for typos (20 symbols, e.g. "
		              "MS0Z-H1WW-YKQN-03JM-SFCX)");
		return 1;
	}
	return 0;
}

/*
 * Reads exactly size bytes of path into a new sodium_malloc'd buffer (*out;
 * fileio_read_small). Returns 0, or -1 with errno set (EAGAIN when the file's
 * size or type changed).
 */
static int
read_whole(const char *path, uint64_t size, uint8_t **out)
{
	char *buf;
	size_t len;

	*out = NULL;
	if (size >= SIZE_MAX / 2) {
		errno = ENOMEM;
		return -1;
	}
	if (fileio_read_small(path, (size_t)size, FILEIO_SECRET, &buf, &len) != 0) {
		if (errno == EFBIG || errno == EINVAL)
			errno = EAGAIN;
		return -1;
	}
	if (len != size) {
		sodium_free(buf);
		errno = EAGAIN;
		return -1;
	}
	*out = (uint8_t *)buf;
	return 0;
}

/*
 * Describes each --attach file and cleans it (report/metastrip.h): a JPEG,
 * PNG or WebP is sent as its cleaned copy; any other file is refused with a
 * warning naming what it may carry, unless --send-uncleaned (then it is sent
 * as it is, still with the warning); a malformed image is always refused.
 * Files get neutral names (附件N.ext) unless --keep-names. Says on io->err
 * what was done to each. Returns 0, or 1 after printing the problem (nothing
 * has been sent).
 */
static int
prepare_files(const struct reporter_io *io, char **paths, size_t n, struct manifest_file *files,
              const struct attach_opts *att)
{
	size_t uncleaned = 0;

	for (size_t i = 0; i < n; i++) {
		struct manifest_file *f = &files[i];
		enum metastrip_kind kind;
		uint8_t *raw = NULL, *clean = NULL;
		size_t cleanlen = 0;
		const char *why = NULL;
		int rc;

		if (manifest_file_init(f, paths[i]) != 0) {
			const char *e = errno == EILSEQ   ? "its name is not UTF-8"
			                : errno == EINVAL ? "not a regular file"
			                                  : strerror(errno);
			say_error(io, "cannot attach %s: %s", paths[i], e);
			return 1;
		}
		if (read_whole(f->path, f->size, &raw) != 0) {
			say_error(io, "cannot read %s: %s", paths[i],
			          errno == EAGAIN ? "it changed while it was being read; try again"
			                          : strerror(errno));
			return 1;
		}
		kind = metastrip_sniff(raw, (size_t)f->size);
		rc = metastrip_image(raw, (size_t)f->size, &clean, &cleanlen, &why);
		if (rc == METASTRIP_ERR_KIND)
			f->data = raw; /* sent as read and checked, not as it may be later */
		else
			sodium_free(raw);
		if (rc == METASTRIP_ERR_FORMAT) {
			say_error(
			        io,
			        "cannot clean %s: it looks like a %s but is not a whole, valid one "
			        "(%s). It was not sent: open it and save a copy, or take a "
			        "screenshot of it, and attach that",
			        paths[i], metastrip_kind_name(kind), why);
			return 1;
		}
		if (rc == METASTRIP_ERR_NOMEM) {
			say_error(io, "cannot clean %s: out of memory", paths[i]);
			return 1;
		}
		if (!att->keep_names && manifest_file_neutral_name(f, i + 1) != 0) {
			say_error(io, "out of memory");
			return 1;
		}
		if (rc == METASTRIP_OK) {
			f->data = clean;
			f->size = cleanlen;
			fprintf(io->err,
			        "%s: %s cleaned: sent as %s with only what shows the picture; "
			        "anything else it held (location, time, camera or phone, serial "
			        "number, owner, thumbnails, colour profile) removed\n",
			        paths[i], metastrip_kind_name(kind), f->name);
			continue;
		}
		uncleaned++;
		fprintf(io->err,
		        "%s%s: this %s is NOT cleaned: qingfeng-report can only clean JPEG, PNG "
		        "and WebP photos. It may carry %s.\n",
		        att->send_uncleaned ? "WARNING: " : PROG ": ", paths[i],
		        metastrip_kind_name(kind), metastrip_may_contain(kind));
	}
	if (uncleaned > 0 && !att->send_uncleaned) {
		say_error(io,
		          "nothing was sent. What such a file carries can name you or your "
		          "office. Open it and save a clean copy (e.g. copy the text into a "
		          "plain text file, take a screenshot of a document, or use the web "
		          "page, which also cleans Word, Excel, PowerPoint and PDF files), or "
		          "run again with --send-uncleaned to send %s as %s",
		          uncleaned == 1 ? "it" : "them", uncleaned == 1 ? "it is" : "they are");
		return 1;
	}
	return 0;
}

static void
clear_files(struct manifest_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		manifest_file_clear(&files[i]);
}

/*
 * Prints why a request to endpoint ep failed (rc from client.h; status the
 * HTTP status when one came): what, then the reason and the server. A
 * refused oversized answer names the endpoint and its cap. Cannot fail.
 */
static void
say_client_error(const struct reporter_io *io, const struct client *c, const char *what,
                 const struct proto_endpoint *ep, int rc, int status)
{
	if (rc == CLIENT_ERR_JSON)
		say_error(io,
		          "%s: the server answered HTTP %d without JSON (is %s a Qingfeng "
		          "server?)",
		          what, status, client_server(c));
	else if (rc == CLIENT_ERR_TOO_LARGE)
		say_error(
		        io,
		        "%s: the server's answer to %s is larger than %zu bytes; refusing it (%s)",
		        what, ep->name, ep->max_answer, client_server(c));
	else if (rc == CLIENT_ERR_TOO_MANY)
		say_error(io,
		          "%s: the server's answer to %s holds more JSON values than its size "
		          "allows (4096 + 1 per 256 bytes); refusing it (%s)",
		          what, ep->name, client_server(c));
	else
		say_error(io, "%s: %s (%s)", what, client_strerror(rc), client_server(c));
}

/*
 * Sends one request to endpoint ep and checks that the answer has status
 * want: a write (body a submission, pow its Qingfeng-PoW header or NULL) when
 * write is set, else a JSON POST (or a GET without body). Returns 0 with ans
 * set; 1 after printing a one-line message (the server's error code, the
 * network failure, or an answer over the endpoint's cap); 3 without printing
 * when retry_code names the server's error code. *neterr is set to 1 for a
 * network failure.
 */
static int
call_as(const struct reporter_io *io, struct client *c, const char *what, enum proto_endpoint_id id,
        int write, const char *pow, const void *body, size_t len, int want,
        struct client_answer *ans, const char *retry_code, int *neterr)
{
	const struct proto_endpoint *ep = &proto_endpoints[id];
	struct proto_error e;
	int rc;

	if (neterr != NULL)
		*neterr = 0;
	if (write)
		rc = client_post_submission(c, ep->path, body, len, pow, ep->max_answer, ans);
	else
		rc = body != NULL ? client_post(c, ep->path, body, len, ep->max_answer, ans)
		                  : client_get(c, ep->path, ep->max_answer, ans);
	if (rc != CLIENT_OK) {
		say_client_error(io, c, what, ep, rc, ans->status);
		/* Anything but a clear answer leaves open whether the server acted. */
		if (neterr != NULL && rc != CLIENT_ERR_NOMEM && rc != CLIENT_ERR_URL)
			*neterr = 1;
		client_answer_free(ans);
		return 1;
	}
	if (ans->status == want)
		return 0;
	if (proto_error_parse(&e, ans->json) == PROTO_OK) {
		if (retry_code != NULL && strcmp(e.code, retry_code) == 0) {
			client_answer_free(ans);
			return 3;
		}
		say_error(io, "%s: the server refused: %s (HTTP %d)%s%s", what, e.code, ans->status,
		          e.message[0] != '\0' ? ": " : "", e.message);
	} else {
		say_error(io, "%s: unexpected answer HTTP %d from the server", what, ans->status);
	}
	client_answer_free(ans);
	return 1;
}

/* call_as for a GET (body NULL) or a JSON POST. */
static int
call(const struct reporter_io *io, struct client *c, const char *what, enum proto_endpoint_id id,
     const char *body, size_t len, int want, struct client_answer *ans, const char *retry_code,
     int *neterr)
{
	return call_as(io, c, what, id, 0, NULL, body, len, want, ans, retry_code, neterr);
}

/* GET /api/v1/info and find the district. Returns 0, or 1 after printing. */
static int
fetch_info(const struct reporter_io *io, struct client *c, const char *district,
           struct proto_info *info)
{
	struct client_answer ans = {0, NULL};
	int rc;

	if (call(io, c, "fetching the server's keys", PROTO_EP_INFO, NULL, 0, 200, &ans, NULL,
	         NULL) != 0)
		return 1;
	rc = proto_info_parse(info, ans.json, district);
	client_answer_free(&ans);
	if (rc == PROTO_ERR_DISTRICT) {
		say_error(io, "the server does not serve district %s", district);
		return 1;
	}
	if (rc != PROTO_OK) {
		say_error(io, "fetching the server's keys: %s", proto_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * Shows the district and its fingerprint, and checks --pin. The fingerprint
 * has its own line after the id, between fixed words; the name, which the
 * server states and the fingerprint does not cover, comes last on one line
 * of its own (proto_name_line), never beside the fingerprint. Returns 0, or
 * 1 after printing the mismatch.
 */
static int
show_district(const struct reporter_io *io, struct client *c, const struct proto_info *info,
              const char *pin)
{
	char name[KEYFILE_NAME_MAX + 1];
	int match = pin == NULL || proto_pin_matches(pin, info->district.fingerprint);

	proto_name_line(name, sizeof name, info->district.name);
	fprintf(io->out, "Server:      %s\n", client_server(c));
	fprintf(io->out, "District:    %s\n", info->district.id);
	fprintf(io->out, "Fingerprint: %s\n", info->district.fingerprint);
	if (pin == NULL)
		fprintf(io->out, "             compare it with the fingerprint the commission "
		                 "publishes (posters, its\n"
		                 "             official website) before you trust this server; "
		                 "--pin checks it for you\n");
	else
		fprintf(io->out, "             %s\n",
		        match ? "matches --pin (指纹一致)" : "does NOT match --pin (指纹不一致)");
	fprintf(io->out,
	        "Name:        %s\n"
	        "             (as the server states it: only the fingerprint above counts)\n",
	        name);
	fflush(io->out);
	if (!match) {
		say_error(io, "the district's key fingerprint does not match --pin: refusing to "
		              "send anything (the server may not be the one you think)");
		return 1;
	}
	return 0;
}

/*
 * Routing (§14): a report about a county-level cadre of a district that has
 * a commission above it goes to that commission, unless no_route. Fills *to
 * with the info of the recipient (the district, or its parent with the
 * district's limits), points rep->district at it and sets rep->concerns, and
 * says what happens and why. Returns 0 (it cannot fail).
 */
static int
route(const struct reporter_io *io, struct client *c, const struct proto_info *info,
      struct manifest_report *rep, int no_route, struct proto_info *to)
{
	char dname[KEYFILE_NAME_MAX + 1], pname[KEYFILE_NAME_MAX + 1];

	(void)c;
	*to = *info;
	if (!info->has_parent || strcmp(rep->subject.level, "county") != 0)
		return 0;
	proto_name_line(dname, sizeof dname, info->district.name);
	proto_name_line(pname, sizeof pname, info->parent.name);
	if (no_route) {
		fprintf(io->out,
		        "Routing:     kept with %s (%s) as you asked (--no-route), although the\n"
		        "             report concerns a county-level cadre, which %s (%s)\n"
		        "             handles; %s will read it.\n",
		        info->district.id, dname, info->parent.id, pname, info->district.id);
		return 0;
	}
	to->district = info->parent;
	rep->concerns = info->district.id;
	rep->district = to->district.id;
	fprintf(io->out,
	        "Routing:     the report concerns a county-level cadre (县处级) of %s (%s).\n"
	        "             By the rules on cadre management (依照干部管理权限) the commission\n"
	        "             one level up handles it, so it is sealed to %s (%s);\n"
	        "             %s cannot read it. --no-route keeps %s instead.\n",
	        info->district.id, dname, info->parent.id, pname, info->district.id,
	        info->district.id);
	return 0;
}

int
reporter_pow_solve(uint8_t nonce[POW_NONCE_BYTES], const uint8_t ch[POW_CHALLENGE_BYTES],
                   unsigned difficulty, FILE *progress)
{
	unsigned long long expected;

	if (difficulty > POW_MAX_DIFFICULTY)
		return -1;
	if (progress == NULL)
		return pow_solve(nonce, ch, difficulty, 0);
	expected = 1ULL << difficulty;
	for (uint64_t i = 0;; i++) {
		codec_u64be_put(nonce, i);
		if (pow_solution_check(ch, nonce, difficulty) == POW_OK) {
			fprintf(progress, "\rproof of work: done after %llu tries%20s\n",
			        (unsigned long long)i + 1, "");
			fflush(progress);
			return 0;
		}
		if ((i & 0xfffff) == 0xfffff) {
			fprintf(progress,
			        "\rproof of work: %llu M tries (about %llu M expected)...",
			        (unsigned long long)(i + 1) >> 20, (expected >> 20) + 1);
			fflush(progress);
		}
		if (i == UINT64_MAX)
			return -1;
	}
}

/*
 * Seals manifest + files to the district (with hashes, each file must still
 * hash as the follow-up's signature says), solves a proof of work, POSTs the
 * body kind ("report" or "followup") and verifies the signed receipt.
 * Returns 0 with r filled, or 1 after printing; *maybe_stored is set when
 * the server may have stored the submission nevertheless (no answer, or an
 * answer that does not verify).
 */
static int
send_envelope(const struct reporter_io *io, struct client *c, const struct proto_info *info,
              const char *district, const struct receipt_keys *k, int followup,
              const char *manifest, size_t mlen, const struct manifest_file *files, size_t nfiles,
              const uint8_t (*hashes)[32], struct proto_receipt *r, int *maybe_stored)
{
	const char *what = followup ? "sending the follow-up" : "sending the report";
	uint8_t *env = NULL, *body = NULL;
	size_t envlen = 0, bad = 0, blen = 0;
	uint8_t ehash[32];
	int rc, result = 1;

	*maybe_stored = 0;
	rc = package_seal(&env, &envlen, info->district.box_pk, manifest, mlen, files, nfiles,
	                  hashes, info->max_envelope_bytes, &bad);
	switch (rc) {
	case PACKAGE_OK:
		break;
	case PACKAGE_ERR_TOO_LARGE:
		say_error(io,
		          "too large: with its attachments this would be %llu bytes, the server "
		          "accepts at most %llu",
		          (unsigned long long)package_size(mlen, files, nfiles),
		          (unsigned long long)info->max_envelope_bytes);
		return 1;
	case PACKAGE_ERR_IO:
		say_error(io, "cannot read attachment %s: %s", files[bad].path, strerror(errno));
		return 1;
	case PACKAGE_ERR_CHANGED:
		say_error(io, "attachment %s changed while it was being read; try again",
		          files[bad].path);
		return 1;
	default:
		say_error(io, "cannot seal: %s", package_strerror(rc));
		return 1;
	}
	chain_h256(ehash, env, envlen);
	body = followup ? proto_followup_body(&blen, k, env, envlen)
	                : proto_report_body(&blen, district, k, env, envlen);
	if (body == NULL) {
		say_error(io, "out of memory");
		goto out;
	}

	for (int attempt = 0; attempt < POW_ATTEMPTS; attempt++) {
		struct client_answer ans = {0, NULL};
		uint8_t ch[POW_CHALLENGE_BYTES], nonce[POW_NONCE_BYTES];
		char pow[POW_HEADER_LEN + 1];
		unsigned diff;
		int neterr = 0;

		if (call(io, c, "getting a proof-of-work challenge", PROTO_EP_POW, NULL, 0, 200,
		         &ans, NULL, NULL) != 0)
			goto out;
		rc = proto_pow_parse(ch, &diff, ans.json);
		client_answer_free(&ans);
		if (rc != PROTO_OK) {
			say_error(io, "getting a proof-of-work challenge: %s", proto_strerror(rc));
			goto out;
		}
		memset(nonce, 0, sizeof nonce);
		diff = pow_required(diff, blen); /* the larger the body, the more work (§9) */
		if (diff > 0) {
			if (io->progress)
				fprintf(io->err, "proof of work (difficulty %u)...\n", diff);
			if (reporter_pow_solve(nonce, ch, diff, io->progress ? io->err : NULL) !=
			    0) {
				say_error(io, "cannot solve the proof of work (difficulty %u)",
				          diff);
				goto out;
			}
		}
		pow_header_format(pow, ch, nonce);
		rc = call_as(io, c, what, followup ? PROTO_EP_FOLLOWUPS : PROTO_EP_REPORTS, 1,
		             diff > 0 ? pow : NULL, body, blen, 201, &ans,
		             attempt + 1 < POW_ATTEMPTS ? "pow_expired" : NULL, &neterr);
		if (rc == 3)
			continue; /* the challenge expired while we worked: take a new one */
		if (rc != 0) {
			*maybe_stored = neterr;
			goto out;
		}
		rc = proto_receipt_verify(r, ans.json, info->server_sign_pk, district, ehash);
		client_answer_free(&ans);
		if (rc != PROTO_OK) {
			say_error(io, "the server's receipt does not check out: %s",
			          proto_strerror(rc));
			*maybe_stored = 1;
			goto out;
		}
		result = 0;
		goto out;
	}
	say_error(io, "%s: the proof-of-work challenge kept expiring (pow_expired)", what);
out:
	proto_body_free(body);
	free(env);
	return result;
}

/* Prints the receipt on its own line, with the warning that goes with it. */
static void
print_receipt(FILE *out, const char *receipt)
{
	fprintf(out,
	        "\n"
	        "  ==================================================================\n"
	        "   YOUR RECEIPT (回执):\n"
	        "\n"
	        "       %s\n"
	        "\n"
	        "   This receipt is the ONLY way back to your report: with it alone\n"
	        "   you can see its status, read the commission's replies and add\n"
	        "   material. Nobody can look it up or recover it for you. Keep it\n"
	        "   SECRET and SAFE: anyone who has it can read the replies. Write it\n"
	        "   down and keep it where no one else will find it.\n"
	        "   回执是查询办理情况、阅读答复、补充材料的唯一凭证，丢失无法找回。\n"
	        "   请抄写并妥善保管，切勿告诉他人。\n"
	        "  ==================================================================\n"
	        "\n",
	        receipt);
	fflush(out);
}

/* Runs getopt_long over a command's options, calling take() for each. */
#define GETOPT_RESET() (optind = 0, opterr = 0)

static int
bad_option(const struct reporter_io *io, const char *cmd, int argc, char **argv, int c)
{
	char msg[200];
	const char *opt = optind - 1 < argc && optind >= 1 ? argv[optind - 1] : "?";

	if (c == ':')
		snprintf(msg, sizeof msg, "option %.100s needs a value", opt);
	else
		snprintf(msg, sizeof msg, "unknown option %.100s", opt);
	return usage_error(io, cmd, msg);
}

/* The terminal columns of the UTF-8 text s[0..n): two for every character of three or more bytes (CJK). */
static size_t
help_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			w += c >= 0xe0 ? 2 : 1;
	}
	return w;
}

/*
 * Writes the help text usage to f with each marker @type@, @category@,
 * @level@, @party@ and @purpose@ replaced by its list of crypto/vocab.def,
 * "word 中文" items joined by ", ", the default of o marked "(default)",
 * wrapped at 80 columns under the marker's column. Cannot fail (write
 * errors show on f).
 */
static void
usage_put(FILE *f, const char *usage, const struct opts *o)
{
	const struct {
		const char *marker;
		const struct vocab_word *list;
		const char *def;
	} lists[] = {
	        {"@type@", vocab_words(VOCAB_TYPE), o->rep.type},
	        {"@category@", vocab_words(VOCAB_CATEGORY), o->rep.category},
	        {"@level@", vocab_words(VOCAB_LEVEL), o->rep.subject.level},
	        {"@party@", vocab_words(VOCAB_PARTY), o->rep.subject.party_member},
	        {"@purpose@", vocab_words(VOCAB_PURPOSE), o->purpose},
	};
	const char *p = usage, *line = usage;

	while (*p != '\0') {
		size_t k = 0, col, indent;

		while (k < sizeof lists / sizeof lists[0] &&
		       strncmp(p, lists[k].marker, strlen(lists[k].marker)) != 0)
			k++;
		if (k == sizeof lists / sizeof lists[0]) {
			if (*p == '\n')
				line = p + 1;
			fputc(*p++, f);
			continue;
		}
		col = indent = help_width(line, (size_t)(p - line));
		for (const struct vocab_word *w = lists[k].list; w->word != NULL; w++) {
			const char *dflt = strcmp(w->word, lists[k].def) == 0 ? " (default)" : "";
			const char *comma = w[1].word != NULL ? "," : "";
			size_t item = strlen(w->word) + 1 + help_width(w->zh, strlen(w->zh)) +
			              strlen(dflt) + strlen(comma);

			if (col > indent && col + 1 + item > 80) {
				fprintf(f, "\n%*s", (int)indent, "");
				col = indent;
			} else if (col > indent) {
				fputc(' ', f);
				col++;
			}
			fprintf(f, "%s %s%s%s", w->word, w->zh, dflt, comma);
			col += item;
		}
		p += strlen(lists[k].marker);
	}
}

/*
 * Parses the options of command cmd (CMD_SUBMIT, CMD_STATUS or
 * CMD_FOLLOWUP, named name, with the help text usage) into o, and checks
 * what every command needs: no stray argument and a --server. Returns -1
 * when the command goes on, or the exit code to end it with: REPORTER_EXIT_OK
 * after --help, REPORTER_EXIT_USAGE after saying what was wrong.
 */
static int
parse_opts(const struct reporter_io *io, unsigned cmd, const char *name, const char *usage,
           int argc, char **argv, struct opts *o)
{
	struct option table[N_OPTS + 1];
	size_t n = 0;
	int opt;

	memset(o, 0, sizeof *o);
	o->purpose = "material";
	o->timeout = CLIENT_DEFAULT_TIMEOUT;
	o->keep_state = 1;
	manifest_report_defaults(&o->rep);
	for (size_t i = 0; i < N_OPTS; i++)
		if (ALL_OPTS[i].cmds & cmd)
			table[n++] = ALL_OPTS[i].o;
	memset(&table[n], 0, sizeof table[n]);
	GETOPT_RESET();
	while ((opt = getopt_long(argc, argv, ":", table, NULL)) != -1) {
		size_t rep = 0;

		for (size_t i = 0; i < N_OPTS; i++)
			if (ALL_OPTS[i].o.val == opt)
				rep = ALL_OPTS[i].rep;
		if (rep != 0) {
			*(const char **)(void *)((char *)&o->rep + rep - 1) = optarg;
			o->rep.real_name |= opt >= OPT_ID_NAME && opt <= OPT_ID_ADDRESS;
			continue;
		}
		switch (opt) {
		case OPT_HELP:
			usage_put(io->out, usage, o);
			return REPORTER_EXIT_OK;
		case OPT_SERVER:
			o->server = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o->timeout) != 0)
				return usage_error(
				        io, name,
				        "--timeout must be a number of seconds from 1 to 3600");
			break;
		case OPT_PIN:
			o->pin = optarg;
			break;
		case OPT_RECEIPT:
			o->receipt = optarg;
			break;
		case OPT_SAVE_DIR:
			o->save_dir = optarg;
			break;
		case OPT_BODY_FILE:
			o->body_file = optarg;
			break;
		case OPT_PURPOSE:
			o->purpose = optarg;
			break;
		case OPT_ATTACH:
			if (o->nattach == MAX_ATTACH)
				return usage_error(io, name, "too many --attach (at most 100)");
			o->attach[o->nattach++] = optarg;
			break;
		case OPT_SEND_UNCLEANED:
			o->att.send_uncleaned = 1;
			break;
		case OPT_KEEP_NAMES:
			o->att.keep_names = 1;
			break;
		case OPT_NO_ROUTE:
			o->no_route = 1;
			break;
		case OPT_NO_STATE:
			o->keep_state = 0;
			break;
		default:
			return bad_option(io, name, argc, argv, opt);
		}
	}
	if (optind < argc)
		return usage_error(io, name, "unexpected argument (every value needs its option)");
	if (o->server == NULL)
		return usage_error(io, name, "--server is required");
	return -1;
}

/*
 * Connects to the server of o and derives the keys of o's receipt (wiped in
 * place) into a new sodium_malloc'd *k. Returns REPORTER_EXIT_OK, or the
 * exit code after saying why (a bad --server is a usage error of cmd); *c and
 * *k, when set, are the caller's to free either way.
 */
static int
connect_with_receipt(const struct reporter_io *io, const char *cmd, struct opts *o,
                     struct client **c, struct receipt_keys **k)
{
	int rc = client_new(c, o->server, o->timeout, io->base);

	if (rc != CLIENT_OK)
		return usage_error(io, cmd, client_strerror(rc));
	*k = sodium_malloc(sizeof **k);
	if (*k == NULL) {
		say_error(io, "out of memory");
		return REPORTER_EXIT_ERROR;
	}
	return take_receipt(io, o->receipt, *k) != 0 ? REPORTER_EXIT_ERROR : REPORTER_EXIT_OK;
}

/* ---- the state file (report/statefile.h) ------------------------------------ */

/*
 * The state file's path into out, or NULL with --no-state (keep 0) or when
 * there is no home to keep it in (said on stderr). Cannot fail otherwise.
 */
static const char *
state_path(const struct reporter_io *io, int keep, char out[STATEFILE_PATH_BUF])
{
	if (!keep)
		return NULL;
	if (statefile_default_path(out, STATEFILE_PATH_BUF) != STATEFILE_OK) {
		fprintf(io->err,
		        PROG ": note: neither XDG_STATE_HOME nor HOME is set: the district's "
		             "fingerprint is not recorded or checked\n");
		return NULL;
	}
	return out;
}

/*
 * Refuses a district that is not the one receipt k was sealed to before:
 * returns 0 when the state file has no record for k (or state is NULL) or
 * the record names this district and fingerprint; 1, said on stderr, when it
 * names another or the file cannot be read.
 */
static int
pin_check(const struct reporter_io *io, const char *state, const struct receipt_keys *k,
          const char *district, const char *fingerprint)
{
	uint8_t key[STATEFILE_KEY_BYTES];
	char d[STATEFILE_DISTRICT_BUF], fp[STATEFILE_FP_BUF];
	int rc;

	if (state == NULL)
		return 0;
	statefile_key(key, k);
	rc = statefile_find(state, key, d, fp);
	sodium_memzero(key, sizeof key);
	if (rc == STATEFILE_NONE)
		return 0;
	if (rc != STATEFILE_OK) {
		say_error(io, "cannot read the state file %s: %s (--no-state goes on without it)",
		          state, statefile_strerror(rc));
		return 1;
	}
	if (strcmp(d, district) != 0 || !proto_pin_matches(fp, fingerprint)) {
		say_error(io,
		          "this receipt was sealed to district %s with key fingerprint %s, but the "
		          "server now answers with district %s, fingerprint %s: refusing (the "
		          "server may be posing as the commission; check the fingerprint the "
		          "commission published)",
		          d, fp, district, fingerprint);
		return 1;
	}
	return 0;
}

/* Records the district receipt k was sealed to; a failure is only a note on stderr. */
static void
pin_record(const struct reporter_io *io, const char *state, const struct receipt_keys *k,
           const char *district, const char *fingerprint)
{
	uint8_t key[STATEFILE_KEY_BYTES];
	int rc;

	if (state == NULL)
		return;
	statefile_key(key, k);
	rc = statefile_add(state, key, district, fingerprint);
	sodium_memzero(key, sizeof key);
	if (rc != STATEFILE_OK)
		fprintf(io->err,
		        PROG ": note: could not record the district's fingerprint in %s: %s\n",
		        state, statefile_strerror(rc));
}

/* ---- submit ------------------------------------------------------------ */

int
reporter_submit(int argc, char **argv, const struct reporter_io *io)
{
	struct opts o;
	struct manifest_report *rep = &o.rep;
	const char *bad;
	struct manifest_file files[MAX_ATTACH];
	struct secbuf body = {NULL, 0, 0};
	struct receipt_keys *k = NULL;
	struct client *c = NULL;
	struct proto_info info, to;
	struct proto_receipt r;
	char receipt[RECEIPT_TEXT_BUF];
	char *mtext = NULL;
	size_t mlen = 0;
	json_t *m = NULL;
	char statebuf[STATEFILE_PATH_BUF];
	int rc, maybe_stored = 0;

	memset(files, 0, sizeof files);
	memset(receipt, 0, sizeof receipt);
	rc = parse_opts(io, CMD_SUBMIT, "submit", USAGE_SUBMIT, argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (rep->district[0] == '\0')
		return usage_error(io, "submit", "--district is required");
	if (rep->title[0] == '\0')
		return usage_error(io, "submit", "--title is required");
	if (o.body_file == NULL)
		return usage_error(io, "submit", "--body-file is required");
	if (o.pin != NULL && !proto_pin_valid(o.pin))
		return usage_error(io, "submit", "--pin must be a fingerprint of 32 hex digits");
	/* Check every option but the body before reading anything. */
	rep->body = "x";
	rep->body_len = 1;
	bad = manifest_report_check(rep);
	if (bad != NULL)
		return usage_error(io, "submit", bad);

	rc = client_new(&c, o.server, o.timeout, io->base);
	if (rc != CLIENT_OK)
		return usage_error(io, "submit", client_strerror(rc));
	rc = REPORTER_EXIT_ERROR;
	if (read_body(io, o.body_file, &body) != 0)
		goto out;
	rep->body = body.p;
	rep->body_len = body.len;
	bad = manifest_report_check(rep);
	if (bad != NULL) {
		say_error(io, "%s", bad);
		goto out;
	}
	if (prepare_files(io, o.attach, o.nattach, files, &o.att) != 0)
		goto out;
	if (fetch_info(io, c, rep->district, &info) != 0 ||
	    route(io, c, &info, rep, o.no_route, &to) != 0 || show_district(io, c, &to, o.pin) != 0)
		goto out;

	k = sodium_malloc(sizeof *k);
	if (k == NULL) {
		say_error(io, "out of memory");
		goto out;
	}
	receipt_generate(receipt);
	if (receipt_derive(receipt, k) != 0) {
		say_error(io, "cannot derive keys from a fresh receipt (a bug)");
		goto out;
	}
	m = manifest_report_build(rep, files, o.nattach);
	/* the lookup, reply key and signing key, bound inside the seal (§6) */
	if (m == NULL || bind_report_put(m, k) != BIND_OK || manifest_text(&mtext, &mlen, m) != 0) {
		say_error(io, "cannot build the report (out of memory)");
		goto out;
	}
	json_decref(m);
	m = NULL;
	secbuf_free(&body);
	rep->body = NULL;

	if (send_envelope(io, c, &to, rep->district, k, 0, mtext, mlen, files, o.nattach, NULL, &r,
	                  &maybe_stored) != 0) {
		if (maybe_stored) {
			pin_record(io, state_path(io, o.keep_state, statebuf), k, rep->district,
			           to.district.fingerprint);
			fprintf(io->out,
			        "\nThe server may or may not have stored your report. Keep the "
			        "receipt below and\ncheck later with \"" PROG " status\": if the "
			        "report is not found, submit it again.\n");
			print_receipt(io->out, receipt);
		}
		goto out;
	}
	pin_record(io, state_path(io, o.keep_state, statebuf), k, rep->district,
	           to.district.fingerprint);
	fprintf(io->out, "\nReport filed (已提交): district %s, entry %llu, day %s.\n", r.district,
	        (unsigned long long)r.index, r.day);
	print_receipt(io->out, receipt);
	rc = REPORTER_EXIT_OK;
out:
	json_decref(m);
	manifest_text_free(mtext);
	secbuf_free(&body);
	if (k != NULL)
		sodium_free(k);
	sodium_memzero(receipt, sizeof receipt);
	clear_files(files, o.nattach);
	client_free(c);
	return rc;
}

/* ---- status ------------------------------------------------------------ */

/* Makes an attachment name from a reply safe as a file name. */
static void
safe_name(char *out, size_t outsz, const char *name)
{
	const char *base = name != NULL ? name : "";
	char tmp[SAFE_NAME + 1];

	for (const char *p = base; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	proto_printable(tmp, sizeof tmp, base, 0);
	for (char *p = tmp; *p != '\0'; p++)
		if (*p == ':' || *p == '*' || *p == '?' || *p == '"' || *p == '<' || *p == '>' ||
		    *p == '|')
			*p = '_';
	if (tmp[0] == '.')
		tmp[0] = '_';
	if (tmp[0] == '\0')
		snprintf(tmp, sizeof tmp, "attachment");
	snprintf(out, outsz, "%s", tmp);
}

/* Writes data to dir/fname (fileio_write_new), never overwriting. Returns 0, or -1 (errno). */
static int
save_file(const char *dir, const char *fname, const uint8_t *data, size_t len)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, fname) >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return fileio_write_new(path, 0600, data, len);
}

/*
 * True when the reply manifest m carries the district's signature (its
 * "sig", crypto/sign.h sign_reply) over district, lookup, status, body and
 * the attachments opened into ct.
 */
static int
reply_signed(const json_t *m, const struct envelope_contents *ct, const char *district,
             const uint8_t lookup[32], const char *status, const char *body,
             const uint8_t district_pk[32])
{
	uint8_t sig[SIGN_BYTES], body_hash[32], (*hashes)[32] = NULL;
	int ok;

	if (district_pk == NULL || status == NULL || body == NULL ||
	    codec_b64u_decode_exact(sig, sizeof sig,
	                            json_string_value(json_object_get(m, "sig"))) != 0)
		return 0;
	if (ct->natts > 0) {
		hashes = calloc(ct->natts, sizeof *hashes);
		if (hashes == NULL)
			return 0;
		for (size_t i = 0; i < ct->natts; i++)
			chain_h256(hashes[i], ct->att[i], ct->att_len[i]);
	}
	chain_h256(body_hash, (const uint8_t *)body, strlen(body));
	ok = sign_reply_verify(sig, district_pk, district, lookup, status, body_hash,
	                       (const uint8_t(*)[32])hashes, ct->natts) == 0;
	free(hashes);
	return ok;
}

/*
 * Opens and prints one reply. Returns 0, or 1 when it could not be opened, is
 * not a reply to this case, or an attachment could not be saved.
 */
static int
show_reply(const struct reporter_io *io, const struct proto_status *s, const struct proto_reply *rp,
           const struct receipt_keys *k, const char *save_dir, const uint8_t district_pk[32])
{
	struct envelope_contents ct = {0};
	const json_t *m, *atts;
	const char *kind, *district, *lookup, *status, *text;
	uint8_t lk[32];
	char label[64];
	char *shown = NULL;
	size_t shown_len;
	int rc, result = 0;

	fprintf(io->out, "\nReply %llu (%s)\n", (unsigned long long)rp->seq, rp->day);
	rc = envelope_open_buffer(&ct, k->reply_pk, k->reply_sk, rp->envelope, rp->len);
	if (rc != ENVELOPE_OK) {
		fprintf(io->out, "  cannot be opened: %s\n", envelope_strerror(rc));
		return 1;
	}
	m = ct.parsed;
	kind = json_string_value(json_object_get(m, "kind"));
	district = json_string_value(json_object_get(m, "district"));
	lookup = json_string_value(json_object_get(m, "lookup"));
	status = json_string_value(json_object_get(m, "status"));
	text = json_string_value(json_object_get(m, "body"));
	atts = json_object_get(m, "attachments");
	if (kind == NULL || strcmp(kind, "reply") != 0 || district == NULL ||
	    strcmp(district, s->district) != 0 || codec_b64u_decode_exact(lk, 32, lookup) != 0 ||
	    sodium_memcmp(lk, k->lookup, 32) != 0) {
		fprintf(io->out, "  is not a reply to this report: ignored\n");
		result = 1;
		goto out;
	}
	if (reply_signed(m, &ct, district, k->lookup, status, text, district_pk)) {
		fprintf(io->out, "  Signed by the district: verified (已验证区纪委监委签名)\n");
	} else {
		fprintf(io->out, "  WARNING: this reply does NOT carry a valid signature of the "
		                 "district. It may not come from the commission: do not act on it "
		                 "(未通过签名验证，请勿轻信)\n");
		result = 1;
	}
	if (status != NULL) {
		proto_status_label(label, sizeof label, status);
		fprintf(io->out, "  Status: %s\n", label);
	}
	if (text != NULL) {
		shown_len = strlen(text) + 1;
		shown = sodium_malloc(shown_len);
		if (shown == NULL) {
			say_error(io, "out of memory");
			result = 1;
			goto out;
		}
		proto_printable(shown, shown_len, text, 1);
		fprintf(io->out, "  ----\n%s%s  ----\n", shown,
		        shown[0] != '\0' && shown[strlen(shown) - 1] != '\n' ? "\n" : "");
	}
	for (size_t i = 0; i < ct.natts && i < json_array_size(atts); i++) {
		const json_t *a = json_array_get(atts, i);
		char nm[SAFE_NAME + 1], fname[SAFE_NAME + 48];

		safe_name(nm, sizeof nm, json_string_value(json_object_get(a, "name")));
		fprintf(io->out, "  Attachment %zu: %s (%zu bytes)", i + 1, nm, ct.att_len[i]);
		if (save_dir != NULL) {
			snprintf(fname, sizeof fname, "reply%llu-%zu-%s",
			         (unsigned long long)rp->seq, i + 1, nm);
			if (save_file(save_dir, fname, ct.att[i], ct.att_len[i]) == 0) {
				fprintf(io->out, " saved as %s/%s", save_dir, fname);
			} else {
				fprintf(io->out, " NOT saved: %s", strerror(errno));
				result = 1;
			}
		}
		fputc('\n', io->out);
	}
out:
	if (shown != NULL)
		sodium_free(shown);
	envelope_contents_free(&ct);
	return result;
}

/* POST /api/v1/status. Returns 0 with s filled, or 1 after printing. */
static int
fetch_status(const struct reporter_io *io, struct client *c, const struct receipt_keys *k,
             struct proto_status *s)
{
	struct client_answer ans = {0, NULL};
	size_t blen;
	char *body = proto_status_body(&blen, k);
	int rc;

	if (body == NULL) {
		say_error(io, "out of memory");
		return 1;
	}
	rc = client_post(c, proto_endpoints[PROTO_EP_STATUS].path, body, blen,
	                 proto_endpoints[PROTO_EP_STATUS].max_answer, &ans);
	proto_body_free(body);
	if (rc == CLIENT_OK && ans.status == 404) {
		client_answer_free(&ans);
		say_error(io, "no report found for this receipt (not_found): check the receipt "
		              "and the server");
		return 1;
	}
	if (rc != CLIENT_OK || ans.status != 200) {
		struct proto_error e;

		if (rc != CLIENT_OK)
			say_client_error(io, c, "asking for the status",
			                 &proto_endpoints[PROTO_EP_STATUS], rc, ans.status);
		else if (proto_error_parse(&e, ans.json) == PROTO_OK)
			say_error(io, "asking for the status: the server refused: %s (HTTP %d)%s%s",
			          e.code, ans.status, e.message[0] != '\0' ? ": " : "", e.message);
		else
			say_error(io, "asking for the status: unexpected answer HTTP %d",
			          ans.status);
		client_answer_free(&ans);
		return 1;
	}
	rc = proto_status_parse(s, ans.json);
	client_answer_free(&ans);
	if (rc != PROTO_OK) {
		say_error(io, "asking for the status: %s", proto_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * Prints the district's signed statement (§15) and checks the server's
 * answer against it. Returns 0 when all agrees, 1 after printing a loud
 * warning for each disagreement.
 */
static int
show_statement(const struct reporter_io *io, const struct proto_status *s, const uint8_t lookup[32],
               const uint8_t sign_pk[32])
{
	const struct proto_statement *st = &s->statement;
	int bad = proto_statement_check(s, lookup, sign_pk);
	char label[64];

	if (bad & PROTO_STMT_SIG) {
		fprintf(io->out,
		        "\nWARNING (警告): the server shows a statement about your case that the "
		        "district did\nNOT sign (签名无效). Do not trust the status above; the "
		        "server may be lying about your case.\n");
		return 1;
	}
	proto_status_label(label, sizeof label, st->status);
	fprintf(io->out,
	        "\nSigned by the district (区纪委监委签名，已在本机核验):\n"
	        "  The district has received and verified your report (已收到并核验您的举报).\n"
	        "  Status:     %s, given on %s (update %llu)\n"
	        "  Replies:    %llu sent by the district\n"
	        "  Follow-ups: %llu verified as yours; if you sent fewer, someone else wrote in\n"
	        "              your name: tell the commission.\n",
	        label, st->status_day, (unsigned long long)st->seq, (unsigned long long)st->replies,
	        (unsigned long long)st->followups_verified);
	if (bad & PROTO_STMT_MISSING)
		fprintf(io->out,
		        "\nWARNING (警告): the district says it sent you %llu replies, but the "
		        "server "
		        "shows\nonly %zu. The server is holding back the district's replies "
		        "(服务器隐瞒了答复).\n",
		        (unsigned long long)st->replies, s->nreplies);
	if (bad & PROTO_STMT_DIFFERENT)
		fprintf(io->out, "\nWARNING (警告): the replies the server shows are not the ones "
		                 "the district "
		                 "sent\n(答复与区纪委监委签名不符). Do not trust them.\n");
	if (bad & PROTO_STMT_STATUS)
		fprintf(io->out,
		        "\nWARNING (警告): the server says the status is \"%s\", but the district "
		        "signed\n\"%s\". The server is showing a false status "
		        "(服务器显示的状态与签名不符).\n",
		        s->status, st->status);
	if (bad & PROTO_STMT_STALE)
		fprintf(io->out,
		        "\nWARNING (警告): the server shows more replies than the district's "
		        "statement counts:\nthe statement is old (%s). The server may be hiding "
		        "the district's newest word.\n",
		        st->status_day);
	return bad != 0;
}

int
reporter_status(int argc, char **argv, const struct reporter_io *io)
{
	struct opts o;
	struct receipt_keys *k = NULL;
	struct client *c = NULL;
	struct proto_status s;
	struct proto_info info;
	const char *state;
	char label[64], statebuf[STATEFILE_PATH_BUF];
	int rc, bad = 0, lying = 0;

	memset(&s, 0, sizeof s);
	memset(&info, 0, sizeof info);
	rc = parse_opts(io, CMD_STATUS, "status", USAGE_STATUS, argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.receipt == NULL)
		return usage_error(io, "status", "--receipt is required");
	if (o.save_dir != NULL) {
		struct stat st;

		if (stat(o.save_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			say_error(io, "--save-dir %s is not a directory", o.save_dir);
			return REPORTER_EXIT_ERROR;
		}
	}
	rc = connect_with_receipt(io, "status", &o, &c, &k);
	if (rc != REPORTER_EXIT_OK)
		goto out;
	rc = REPORTER_EXIT_ERROR;
	if (fetch_status(io, c, k, &s) != 0)
		goto out;
	state = state_path(io, o.keep_state, statebuf);
	if (state != NULL) {
		uint8_t key[STATEFILE_KEY_BYTES];
		char d[STATEFILE_DISTRICT_BUF], fp[STATEFILE_FP_BUF];

		statefile_key(key, k);
		if (statefile_find(state, key, d, fp) != STATEFILE_NONE &&
		    (fetch_info(io, c, s.district, &info) != 0 ||
		     pin_check(io, state, k, s.district, info.district.fingerprint) != 0)) {
			sodium_memzero(key, sizeof key);
			goto out;
		}
		sodium_memzero(key, sizeof key);
	}
	proto_status_label(label, sizeof label, s.status);
	fprintf(io->out, "Report:      district %s, entry %llu\n", s.district,
	        (unsigned long long)s.index);
	fprintf(io->out, "Filed:       %s\n", s.created_day);
	fprintf(io->out, "Status:      %s since %s%s\n", label, s.status_day,
	        s.has_statement ? "" : " (the server's word: the district has signed nothing yet)");
	if (s.delivered)
		fprintf(io->out, "Delivery:    confirmed by the district: everything you sent "
		                 "reached it intact (已确认送达)\n");
	else
		fprintf(io->out, "Delivery:    not yet confirmed by the district (尚未确认送达)\n");
	fprintf(io->out, "Follow-ups:  %llu\n", (unsigned long long)s.followups);
	fprintf(io->out, "Replies:     %zu\n", s.nreplies);
	if (s.nreplies > 0 || s.has_statement) {
		/* replies are checked against the district's own signing key */
		if (info.district.fingerprint[0] == '\0' &&
		    fetch_info(io, c, s.district, &info) != 0)
			goto out;
		if (o.pin != NULL && !proto_pin_matches(o.pin, info.district.fingerprint)) {
			say_error(io,
			          "the server's key for district %s has fingerprint %s, not --pin "
			          "%s: "
			          "refusing to trust its replies",
			          s.district, info.district.fingerprint, o.pin);
			goto out;
		}
	}
	if (s.has_statement && show_statement(io, &s, k->lookup, info.district.sign_pk) != 0)
		lying = 1;
	for (size_t i = 0; i < s.nreplies; i++)
		bad |= show_reply(io, &s, &s.replies[i], k, o.save_dir, info.district.sign_pk);
	fflush(io->out);
	if (lying) {
		say_error(io, "the server's answer does not agree with the district's signed "
		              "statement (see the WARNING above)");
		goto out;
	}
	if (bad) {
		say_error(io, "some replies could not be read or saved (see above)");
		goto out;
	}
	rc = REPORTER_EXIT_OK;
out:
	proto_status_free(&s);
	if (k != NULL)
		sodium_free(k);
	client_free(c);
	return rc;
}

/* ---- followup ---------------------------------------------------------- */

int
reporter_followup(int argc, char **argv, const struct reporter_io *io)
{
	struct opts o;
	const char *bad;
	struct manifest_file files[MAX_ATTACH];
	struct secbuf body = {NULL, 0, 0};
	struct receipt_keys *k = NULL;
	struct client *c = NULL;
	struct proto_status s;
	struct proto_info info;
	struct proto_receipt r;
	uint8_t hashes[MAX_ATTACH][32];
	char *mtext = NULL;
	size_t mlen = 0, bad_file = 0;
	json_t *m = NULL;
	char statebuf[STATEFILE_PATH_BUF];
	const char *state = NULL;
	int rc, maybe_stored = 0, prc;

	memset(files, 0, sizeof files);
	memset(&s, 0, sizeof s);
	rc = parse_opts(io, CMD_FOLLOWUP, "followup", USAGE_FOLLOWUP, argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.receipt == NULL)
		return usage_error(io, "followup", "--receipt is required");
	if (o.body_file == NULL)
		return usage_error(io, "followup", "--body-file is required");
	if (strcmp(o.receipt, "-") == 0 && strcmp(o.body_file, "-") == 0)
		return usage_error(io, "followup",
		                   "--receipt - and --body-file - cannot both read standard input");
	bad = manifest_purpose_check(o.purpose);
	if (bad != NULL)
		return usage_error(io, "followup", bad);
	if (o.pin != NULL && !proto_pin_valid(o.pin))
		return usage_error(io, "followup", "--pin must be a fingerprint of 32 hex digits");

	rc = connect_with_receipt(io, "followup", &o, &c, &k);
	if (rc != REPORTER_EXIT_OK)
		goto out;
	rc = REPORTER_EXIT_ERROR;
	if (read_body(io, o.body_file, &body) != 0)
		goto out;
	if (!text_utf8_valid(body.p, body.len, TEXT_NUL_OK)) {
		say_error(io, "--body-file must hold UTF-8 text");
		goto out;
	}
	if (prepare_files(io, o.attach, o.nattach, files, &o.att) != 0)
		goto out;
	if (body.len == 0 && o.nattach == 0) {
		say_error(io, "--body-file is empty and nothing is attached: nothing to send");
		goto out;
	}
	state = state_path(io, o.keep_state, statebuf);
	if (fetch_status(io, c, k, &s) != 0 || fetch_info(io, c, s.district, &info) != 0 ||
	    show_district(io, c, &info, o.pin) != 0 ||
	    pin_check(io, state, k, s.district, info.district.fingerprint) != 0)
		goto out;
	prc = package_hash_files(files, o.nattach, hashes, &bad_file);
	if (prc == PACKAGE_ERR_IO) {
		say_error(io, "cannot read attachment %s: %s", files[bad_file].path,
		          strerror(errno));
		goto out;
	} else if (prc != PACKAGE_OK) {
		say_error(io, "attachment %s: %s", files[bad_file].path, package_strerror(prc));
		goto out;
	}
	m = manifest_followup_build(s.district, k->lookup, o.purpose, body.p, body.len, files,
	                            o.nattach);
	/* signed with the key only the receipt gives (§6): the server cannot write this */
	if (m == NULL ||
	    bind_followup_put(m, k, (const uint8_t(*)[32])hashes, o.nattach) != BIND_OK ||
	    manifest_text(&mtext, &mlen, m) != 0) {
		say_error(io, "out of memory");
		goto out;
	}
	json_decref(m);
	m = NULL;
	secbuf_free(&body);
	if (send_envelope(io, c, &info, s.district, k, 1, mtext, mlen, files, o.nattach,
	                  (const uint8_t(*)[32])hashes, &r, &maybe_stored) != 0) {
		if (maybe_stored)
			fprintf(io->out,
			        "\nThe server may or may not have stored your follow-up: "
			        "check with \"" PROG " status\"\n(the number of follow-ups) "
			        "before you send it again.\n");
		goto out;
	}
	pin_record(io, state, k, s.district, info.district.fingerprint);
	fprintf(io->out, "\nFollow-up filed (已提交): district %s, entry %llu, day %s.\n",
	        r.district, (unsigned long long)r.index, r.day);
	rc = REPORTER_EXIT_OK;
out:
	json_decref(m);
	manifest_text_free(mtext);
	secbuf_free(&body);
	proto_status_free(&s);
	if (k != NULL)
		sodium_free(k);
	clear_files(files, o.nattach);
	client_free(c);
	return rc;
}

/* ---- dispatch ---------------------------------------------------------- */

int
reporter_main(int argc, char **argv, const struct reporter_io *io)
{
	const char *cmd;

	if (argc < 2) {
		reporter_usage(io->err);
		return REPORTER_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		reporter_usage(io->out);
		return REPORTER_EXIT_OK;
	}
	if (strcmp(cmd, "submit") == 0)
		return reporter_submit(argc - 1, argv + 1, io);
	if (strcmp(cmd, "status") == 0)
		return reporter_status(argc - 1, argv + 1, io);
	if (strcmp(cmd, "followup") == 0)
		return reporter_followup(argc - 1, argv + 1, io);
	fprintf(io->err, PROG ": unknown command \"%.40s\"\n", cmd);
	reporter_usage(io->err);
	return REPORTER_EXIT_USAGE;
}
