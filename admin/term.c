/* term: see term.h. */
#include "admin/term.h"
#include "admin/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "admin/i18n.h"
#include "admin/passcheck.h"

#define BUF_SIZE (TERM_PASS_MAX + 2)

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
pass_alloc(struct term_pass *p)
{
	p->len = 0;
	p->buf = sodium_malloc(BUF_SIZE);
	if (p->buf == NULL)
		return -1;
	sodium_memzero(p->buf, BUF_SIZE);
	return 0;
}

void
term_pass_free(struct term_pass *p)
{
	if (p->buf != NULL)
		sodium_free(p->buf); /* sodium_free wipes */
	p->buf = NULL;
	p->len = 0;
}

/* Reads one line from fd into p (without its ending). 1 too long, 0 ok, -1 read error. */
static int
read_line(int fd, struct term_pass *p, int *eof_first)
{
	size_t n = 0;
	char c;

	*eof_first = 0;
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0) {
			if (errno == EINTR && !interrupted)
				continue;
			return -1;
		}
		if (r == 0) {
			if (n == 0)
				*eof_first = 1;
			break;
		}
		if (c == '\n')
			break;
		if (n >= TERM_PASS_MAX) {
			/* drain the rest of the line so it is not left for the shell */
			while (read(fd, &c, 1) == 1 && c != '\n')
				;
			c = 0;
			return 1;
		}
		p->buf[n++] = c;
	}
	if (n > 0 && p->buf[n - 1] == '\r')
		n--;
	p->buf[n] = '\0';
	p->len = n;
	c = 0;
	return 0;
}

static int
from_file(struct term_pass *p, const char *file, char *err, size_t errsz)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int eof, rc;

	if (fd < 0) {
		snprintf(err, errsz, _("cannot read passphrase file %s: %s"), file,
		         strerror(errno));
		return -1;
	}
	rc = read_line(fd, p, &eof);
	close(fd);
	if (rc < 0) {
		snprintf(err, errsz, _("cannot read passphrase file %s: %s"), file,
		         strerror(errno));
		return -1;
	}
	if (rc > 0) {
		snprintf(err, errsz, _("passphrase in %s is longer than %d bytes"), file,
		         TERM_PASS_MAX);
		return -1;
	}
	if (p->len == 0) {
		snprintf(err, errsz, _("passphrase file %s has an empty first line"), file);
		return -1;
	}
	return 0;
}

static int
from_tty(struct term_pass *p, const char *prompt, char *err, size_t errsz)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	struct sigaction sa, old[sizeof sigs / sizeof sigs[0]];
	struct termios saved, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	int eof = 0, rc;

	if (fd < 0 || tcgetattr(fd, &saved) != 0) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errsz,
		         _("no terminal to ask for the passphrase; use --passphrase-file F"));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* the prompt is a courtesy; reading goes on */
	}
	rc = read_line(fd, p, &eof);
	tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0) {
		/* as above */
	}
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &old[i], NULL);
	close(fd);
	if (interrupted) {
		snprintf(err, errsz, "%s", _("interrupted"));
		return -1;
	}
	if (rc < 0 || eof) {
		snprintf(err, errsz, _("no passphrase was entered"));
		return -1;
	}
	if (rc > 0) {
		snprintf(err, errsz, _("passphrase longer than %d bytes"), TERM_PASS_MAX);
		return -1;
	}
	if (p->len == 0) {
		snprintf(err, errsz, _("empty passphrase"));
		return -1;
	}
	return 0;
}

int
term_read_pass(struct term_pass *p, const char *prompt, const char *file, char *err, size_t errsz)
{
	int rc;

	if (pass_alloc(p) != 0) {
		snprintf(err, errsz, _("out of secure memory for the passphrase"));
		return -1;
	}
	rc = file != NULL ? from_file(p, file, err, errsz) : from_tty(p, prompt, err, errsz);
	if (rc != 0)
		term_pass_free(p);
	return rc;
}

int
term_read_new_pass(struct term_pass *p, const char *file, const char *id, const char *name,
                   char *err, size_t errsz)
{
	struct term_pass again = {NULL, 0};
	char why[256];
	int rc;

	if (term_read_pass(p, _("New passphrase for the district key: "), file, err, errsz) != 0)
		return -1;
	rc = passcheck_new(p->buf, id, name, PASSCHECK_DICT, why, sizeof why);
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errsz,
			         _("passphrase too weak: %s; choose several words or a sentence "
			           "only you know (at least %d characters); nothing was written"),
			         why, PASSCHECK_MIN_LEN);
		else
			snprintf(err, errsz, "%s", why);
		term_pass_free(p);
		return -1;
	}
	if (file != NULL)
		return 0;
	if (term_read_pass(&again, _("Repeat the passphrase: "), NULL, err, errsz) != 0) {
		term_pass_free(p);
		return -1;
	}
	if (again.len != p->len || sodium_memcmp(again.buf, p->buf, p->len) != 0) {
		snprintf(err, errsz, _("the two passphrases differ; nothing was written"));
		term_pass_free(&again);
		term_pass_free(p);
		return -1;
	}
	term_pass_free(&again);
	return 0;
}
