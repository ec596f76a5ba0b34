/* replytpl: see replytpl.h. */
#include "admin/replytpl.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cases.h"
#include "admin/cli.h"
#include "admin/i18n.h"
#include "crypto/codec.h"
#include "crypto/fileio.h"

/* The built-in texts: documents in the district's voice, Chinese whatever the locale. */
static const struct {
	const char *name, *key, *text;
} builtin[] = {
        {"受理告知", "accepted",
         "您好：\n\n"
         "    您于{收到日期}通过本平台提出的检举控告，我委已收到。经审查，该检举控告属于我委"
         "受理范围，我委已依规依纪依法予以受理，并将按照有关规定认真办理。\n\n"
         "    您可以继续凭回执在本平台查看办理情况；如有新的情况或者材料，可以通过本平台"
         "补充。我委将对您的身份和检举控告内容严格保密。\n\n"
         "{委名}\n{今天}\n"},
        {"不予受理告知", "not-accepted",
         "您好：\n\n"
         "    您于{收到日期}通过本平台提出的检举控告，我委已收到。经审查，决定不予受理，"
         "理由如下：\n\n"
         "    {理由}\n\n"
         "    如您对不予受理有异议，可以凭回执在本平台提出异议并说明理由。\n\n"
         "{委名}\n{今天}\n"},
        {"办理结果反馈", "result",
         "您好：\n\n"
         "    您于{收到日期}通过本平台提出的检举控告，我委已依规依纪依法办理完毕。现将办理"
         "结果反馈如下：\n\n"
         "    【请填写：办理结果】\n\n"
         "    如您对办理结果有异议，可以凭回执在本平台提出。感谢您对纪检监察工作的支持和"
         "监督。\n\n"
         "{委名}\n{今天}\n"},
        {"请补充材料", "need-info",
         "您好：\n\n"
         "    您于{收到日期}通过本平台提出的检举控告，我委已收到。为便于依规依纪依法处理，"
         "请您凭回执在本平台补充以下材料：\n\n"
         "    【请填写：需要补充的具体材料】\n\n"
         "    我委将对您的身份和所提供的材料严格保密。\n\n"
         "{委名}\n{今天}\n"},
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

const char *
replytpl_name(size_t i, const char **key, const char **text)
{
	if (i >= NBUILTIN)
		return NULL;
	if (key != NULL)
		*key = builtin[i].key;
	if (text != NULL)
		*text = builtin[i].text;
	return builtin[i].name;
}

const char *
replytpl_canon(const char *s)
{
	for (size_t i = 0; s != NULL && i < NBUILTIN; i++)
		if (strcmp(s, builtin[i].name) == 0 || strcmp(s, builtin[i].key) == 0)
			return builtin[i].name;
	return NULL;
}

const char *
replytpl_blank(const char *text, size_t len)
{
	size_t bl = strlen(REPLYTPL_BLANK);

	for (size_t i = 0; i + bl <= len; i++)
		if (memcmp(text + i, REPLYTPL_BLANK, bl) == 0)
			return text + i;
	return NULL;
}

/* Appends n bytes of s to the growing buffer *b (*len used, *cap allocated). */
static int
put(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = (*len + n + 1) * 2;
		char *nb = realloc(*b, nc);

		if (nb == NULL)
			return -1;
		*b = nb;
		*cap = nc;
	}
	memcpy(*b + *len, s, n);
	*len += n;
	(*b)[*len] = '\0';
	return 0;
}

int
replytpl_fill(const char *tpl, size_t tpl_len, const struct replytpl_fields *f, char **out,
              char *err, size_t errsz)
{
	static const char blank_reason[] = REPLYTPL_BLANK "：不予受理的理由】";
	char *b = NULL;
	size_t len = 0, cap = 0, i = 0;
	int used_reason = 0;

	*out = NULL;
	if (put(&b, &len, &cap, "", 0) != 0)
		goto oom;
	while (i < tpl_len) {
		const char *open = memchr(tpl + i, '{', tpl_len - i), *close, *v;
		size_t nlen;

		if (open == NULL) {
			if (put(&b, &len, &cap, tpl + i, tpl_len - i) != 0)
				goto oom;
			break;
		}
		if (put(&b, &len, &cap, tpl + i, (size_t)(open - (tpl + i))) != 0)
			goto oom;
		close = memchr(open, '}', tpl_len - (size_t)(open - tpl));
		if (close == NULL) {
			snprintf(err, errsz, _("a '{' without its '}' in the template"));
			goto fail;
		}
		nlen = (size_t)(close - open) + 1;
#define IS(lit) (nlen == sizeof(lit) - 1 && memcmp(open, lit, nlen) == 0)
		if (IS("{委名}"))
			v = f->district_name;
		else if (IS("{今天}"))
			v = f->today;
		else if (IS("{收到日期}"))
			v = f->received;
		else if (IS("{理由}")) {
			v = f->reason != NULL ? f->reason : blank_reason;
			used_reason = 1;
		} else {
			snprintf(
			        err, errsz,
			        _("the template has a field it does not know: %.*s (known: {委名}, "
			          "{今天}, {收到日期}, {理由})"),
			        (int)(nlen > 64 ? 64 : nlen), open);
			goto fail;
		}
#undef IS
		if (put(&b, &len, &cap, v, strlen(v)) != 0)
			goto oom;
		i = (size_t)(close - tpl) + 1;
	}
	if (f->reason != NULL && !used_reason) {
		snprintf(err, errsz,
		         _("--reason applies to a template with {理由} (不予受理告知)"));
		goto fail;
	}
	*out = b;
	return 0;
oom:
	snprintf(err, errsz, "out of memory");
fail:
	free(b);
	return -1;
}

int
replytpl_day_zh(char *out, size_t outsz, const char *iso)
{
	char canon[CODEC_DAY_LEN + 1];
	long d;
	int y = 0, m, dd;

	out[0] = '\0';
	/* the codec checks the day; then its YYYY-MM-DD digits are the date */
	if (iso == NULL || codec_day_number(iso, &d) != 0 || codec_day_from_number(canon, d) != 0)
		return -1;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (canon[i] - '0');
	m = (canon[5] - '0') * 10 + (canon[6] - '0');
	dd = (canon[8] - '0') * 10 + (canon[9] - '0');
	snprintf(out, outsz, "%d年%d月%d日", y, m, dd);
	return 0;
}

/*
 * The template name's text: DIR/templates/<name>.txt when it exists, else
 * the built-in one. *buf is what to free (NULL for built-in); *path the
 * file's path or "". Returns 0, or -1 (said why).
 */
static int
load(const char *archive, const char *name, const char **text, size_t *len, uint8_t **buf,
     char *path, size_t pathsz)
{
	const char *bt = NULL;

	*buf = NULL;
	snprintf(path, pathsz, "%s/templates/%s.txt", archive, name);
	if (cli_read_file(path, REPLYTPL_MAX, buf, len) == 0) {
		if (!cli_utf8_valid((const char *)*buf, *len)) {
			cli_error(_("%s is not UTF-8 text"), path);
			free(*buf);
			*buf = NULL;
			return -1;
		}
		*text = (const char *)*buf;
		return 0;
	}
	if (errno != ENOENT) {
		cli_error(_("cannot read %s: %s"), path,
		          errno == EFBIG ? _("larger than 64 KiB") : strerror(errno));
		return -1;
	}
	path[0] = '\0';
	for (size_t i = 0; i < NBUILTIN; i++)
		if (strcmp(builtin[i].name, name) == 0)
			bt = builtin[i].text;
	*text = bt;
	*len = strlen(bt);
	return 0;
}

static int
list_templates(const struct session_args *o)
{
	char path[4200];
	int rc = CLI_EXIT_OK;

	if (o->out != NULL && mkdir(o->out, 0700) != 0 && errno != EEXIST) {
		cli_error(_("cannot make %s: %s"), o->out, strerror(errno));
		return CLI_EXIT_USER;
	}
	for (size_t i = 0; i < NBUILTIN; i++) {
		snprintf(path, sizeof path, "%s/templates/%s.txt", o->archive, builtin[i].name);
		printf("%s %-13s %s\n", builtin[i].name, builtin[i].key,
		       access(path, F_OK) == 0 ? path : _("(built-in)"));
		if (o->out != NULL) {
			FILE *f;

			snprintf(path, sizeof path, "%s/%s.txt", o->out, builtin[i].name);
			f = fileio_create_stream(path, 0600);
			if (f == NULL) {
				printf(_("  %s: %s; left as it is\n"), path,
				       errno == EEXIST ? _("exists") : strerror(errno));
				rc = errno == EEXIST ? rc : CLI_EXIT_USER;
				continue;
			}
			fputs(builtin[i].text, f);
			if (fileio_finish_stream(f, path) != 0) {
				cli_error(_("cannot write %s: %s"), path, strerror(errno));
				rc = CLI_EXIT_USER;
			} else {
				printf(_("  written to %s\n"), path);
			}
		}
	}
	printf(_("Fields: {委名} the district's name, {今天} today, {收到日期} the day the "
	         "report arrived, {理由} --reason. A blank 【请填写：…】 must be filled before "
	         "sending.\nThe district's own text: %s/templates/<名称>.txt (reply --templates "
	         "--out %s/templates writes the built-in ones there to edit).\n"),
	       o->archive, o->archive);
	return rc;
}

static int
draft(struct session *s, const struct session_args *o)
{
	struct session_case c;
	struct keyfile_public pub;
	struct replytpl_fields fl;
	const char *name = replytpl_canon(o->template_name), *text = NULL;
	char path[4200], today[32], received[32];
	uint8_t *buf = NULL;
	size_t len = 0;
	struct case_record rec;
	char *out = NULL, err[SESSION_ERR_MAX];
	int rc = CLI_EXIT_USER, arc;
	FILE *f;

	if (name == NULL) {
		cli_error(_("unknown template '%s' (one of 受理告知 accepted, 不予受理告知 "
		            "not-accepted, 办理结果反馈 result, 请补充材料 need-info)"),
		          o->template_name);
		return CLI_EXIT_USER;
	}
	if (session_case(s, o->pos[0], &c) != 0 || session_begin(s, 0) != 0)
		return CLI_EXIT_USER;
	arc = archive_case_load(s->t, c.district, c.index, &rec);
	session_abort(s, NULL);
	if (arc != ARCHIVE_OK) {
		cli_error(arc == ARCHIVE_ERR_NOT_FOUND ? _("no case %s in the archive")
		                                       : _("case %s: archive failure"),
		          c.name);
		return CLI_EXIT_USER;
	}
	if (session_public(s, c.district, &pub) != 0 ||
	    load(o->archive, name, &text, &len, &buf, path, sizeof path) != 0)
		goto out;
	replytpl_day_zh(today, sizeof today, s->day);
	replytpl_day_zh(received, sizeof received, rec.day);
	fl = (struct replytpl_fields){pub.name, today, received, o->reason};
	if (replytpl_fill(text, len, &fl, &out, err, sizeof err) != 0) {
		cli_error("%s%s%s", path[0] ? path : "", path[0] ? ": " : "", err);
		goto out;
	}
	if (o->out == NULL) {
		fputs(out, stdout);
		rc = CLI_EXIT_OK;
		goto out;
	}
	f = cli_create(o->out, err, sizeof err);
	if (f == NULL) {
		cli_error("%s", err);
		goto out;
	}
	fputs(out, f);
	if (fileio_finish_stream(f, o->out) != 0) {
		cli_error(_("cannot write %s: %s"), o->out, strerror(errno));
		goto out;
	}
	printf(_("case %s: the draft %s is in %s.\n"
	         "Open it in a text editor, fill in every 【请填写：…】 and change what is "
	         "needed,\n"
	         "then send it:  qingfeng-admin reply --archive %s %s --file %s --by NAME\n"
	         "and delete the draft afterwards (it is plaintext).\n"),
	       c.name, name, o->out, o->archive, c.name, o->out);
	rc = CLI_EXIT_OK;
out:
	if (out != NULL) {
		sodium_memzero(out, strlen(out));
		free(out);
	}
	if (buf != NULL) {
		sodium_memzero(buf, len);
		free(buf);
	}
	case_free(&rec);
	return rc;
}

int
replytpl_command(struct session *s, const struct session_args *o)
{
	int text = o->message != NULL || o->file != NULL;

	if (o->templates) {
		if (o->npos > 0 || o->template_name != NULL || text || o->reason != NULL ||
		    o->nattach > 0) {
			cli_error(
			        _("reply --templates takes no case, text or other option but --out "
			          "DIR"));
			return CLI_EXIT_USAGE;
		}
		return list_templates(o);
	}
	if (o->npos != 1) {
		cli_error(o->npos == 0 ? _("reply: missing argument")
		                       : _("reply: too many arguments"));
		return CLI_EXIT_USAGE;
	}
	if (o->template_name != NULL) {
		if (text || o->nattach > 0) {
			cli_error(_("reply --template writes a draft: edit it, then send it with "
			            "--file "
			            "(no --message, --file or --attach here)"));
			return CLI_EXIT_USAGE;
		}
		return draft(s, o);
	}
	if (o->reason != NULL || o->out != NULL || (o->message == NULL) == (o->file == NULL)) {
		cli_error(
		        _("reply: give the text with exactly one of --message TEXT or --file F, or "
		          "draft it with --template NAME"));
		return CLI_EXIT_USAGE;
	}
	return cases_reply_command(s, o);
}
