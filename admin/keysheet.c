/* keysheet: see keysheet.h. */
#include "admin/keysheet.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/keys.h"
#include "crypto/codec.h"
#include "crypto/fileio.h"

void
keysheet_print_fingerprint(FILE *f, const char *fp, const char *indent)
{
	/* 8 groups of 4 hex digits joined by single spaces: 19 bytes per half */
	if (strlen(fp) != KEYFILE_FINGERPRINT_BUF - 1) {
		fprintf(f, "%s%s\n", indent, fp);
		return;
	}
	fprintf(f, "%s1-4  %.19s\n%s5-8  %.19s\n", indent, fp, indent, fp + 20);
}

/* The sheet's text; the district's name escaped as on a terminal. */
static void
sheet_text(FILE *f, const struct keyfile_public *pub, const char *day, int made)
{
	static const char rule[] = "========================================================"
	                           "========================\n";
	static const char *const copy_lines =
	        "      介质 medium: ____________________   存放地点 kept at: ____________________\n"
	        "      保管人 keeper: __________________   核验日期 checked on: ____________\n"
	        "      签字 signed: ____________________\n\n";

	fputs("清风 Qingfeng — 区纪委监委密钥恢复单 District key recovery sheet\n", f);
	fputs(rule, f);
	fprintf(f, "\n区 District:              %s  ", pub->id);
	cli_print_text(f, pub->name, NULL);
	fprintf(f, "\n%s%s\n",
	        made ? "密钥生成日期 Made on:     " : "密钥文件日期 File dated:  ", day);
	fputs("公钥指纹 Fingerprint:\n", f);
	keysheet_print_fingerprint(f, pub->fingerprint, "    ");
	fputs("\n本单不含口令，也不含密钥，可以复印存档。\n"
	      "This sheet holds neither the passphrase nor the key; it may be copied and "
	      "filed.\n\n",
	      f);
	fputs("丢失密钥的后果 What losing the key means\n", f);
	fputs("  district.key "
	      "是解密本区全部举报的唯一钥匙。若所有副本都丢失或损坏，或口令被遗忘，\n"
	      "  已收到和今后收到的全部举报都将无法解密，任何人（包括服务器运维人员和开发者）\n"
	      "  都无法恢复。\n"
	      "  district.key is the only key to every report of this district. If every copy is\n"
	      "  lost or damaged, or the passphrase is forgotten, every report is unreadable for\n"
	      "  good: nobody, not the server operator, not the developers, can recover them.\n\n",
	      f);
	fputs("备份副本（手写填写） Backup copies (fill in by hand)\n", f);
	fputs("  副本一 Copy 1\n", f);
	fputs(copy_lines, f);
	fputs("  副本二 Copy 2\n", f);
	fputs(copy_lines, f);
	fputs("核对清单 Checklist\n", f);
	fputs("  [ ] 两份副本在两种不同介质上（如两个不同品牌的U盘，或U盘和一次性刻录光盘），\n"
	      "      每份都有 district.key 和 district.pub.json。\n"
	      "      Two copies on two different media (two USB sticks of different makes, or a\n"
	      "      USB stick and a write-once disc), each with district.key and "
	      "district.pub.json.\n",
	      f);
	fputs("  [ ] 在离线电脑上对每份副本运行 qingfeng-admin key-check <副本上的 "
	      "district.key>，\n"
	      "      输入口令后能打开，显示的指纹与本单一致。\n"
	      "      On the offline machine, qingfeng-admin key-check <the copy's district.key>\n"
	      "      opens each copy with the passphrase and shows the fingerprint above.\n",
	      f);
	fputs("  [ ] 两份副本存放在两个不同地点（如本委保密柜和另一处保密柜），装入信封密封，\n"
	      "      保管人在封口处签字。\n"
	      "      The copies are kept in two different places (two safes in different rooms or\n"
	      "      buildings), in sealed envelopes signed across the seal by the keeper.\n",
	      f);
	fputs("  [ ] 口令不写在本单上，不与任何副本放在一起；至少两名指定人员知道口令。\n"
	      "      The passphrase is not on this sheet and never kept with a copy; at least two\n"
	      "      designated people know it.\n",
	      f);
	fputs("  [ ] 备份介质从不接入联网电脑。\n"
	      "      The backup media never touch a networked computer.\n",
	      f);
	fputs("  [ ] 每年一次、以及保管人变动时，重新用 key-check 核验两份副本并在上面签字。\n"
	      "      Every year, and whenever a keeper changes, check both copies again with\n"
	      "      key-check and sign above.\n",
	      f);
}

int
keysheet_write(const char *path, const struct keyfile_public *pub, const char *day, int made)
{
	FILE *f = fileio_create_stream(path, 0600);

	if (f == NULL)
		return -1;
	sheet_text(f, pub, day, made);
	return fileio_finish_stream(f, path);
}

/* The day of the key file's last change in $QF_DAY_OFFSET (default +08:00); -1 if unknown. */
static int
file_day(char out[CODEC_DAY_LEN + 1], const char *path)
{
	const char *off = getenv("QF_DAY_OFFSET");
	struct stat st;
	int minutes = 480;

	if (stat(path, &st) != 0)
		return -1;
	if (off != NULL && off[0] != '\0' && codec_offset_parse(off, &minutes) != 0)
		minutes = 480;
	return codec_day_format(out, st.st_mtime, minutes);
}

static void
load_error(const char *path, int rc)
{
	cli_error("%s: %s%s%s", path, keyfile_strerror(rc), rc == KEYFILE_ERR_IO ? ": " : "",
	          rc == KEYFILE_ERR_IO ? strerror(errno) : "");
}

int
keysheet_command(struct session *s, const struct session_args *o)
{
	struct keyfile_public pub;
	char day[CODEC_DAY_LEN + 1];
	int rc = keyfile_load_public(&pub, o->pos[0]);

	(void)s;
	if (rc != KEYFILE_OK) {
		load_error(o->pos[0], rc);
		return CLI_EXIT_USER;
	}
	if (file_day(day, o->pos[0]) != 0) {
		cli_error(_("cannot tell the date of %s: %s"), o->pos[0], strerror(errno));
		return CLI_EXIT_USER;
	}
	if (keysheet_write(o->out, &pub, day, 0) != 0) {
		if (errno == EEXIST)
			cli_error(_("cannot create %s: it exists; refusing to overwrite it"),
			          o->out);
		else
			cli_error(_("cannot write %s: %s"), o->out, strerror(errno));
		return CLI_EXIT_USER;
	}
	printf(_("wrote the recovery sheet %s for district %s: print it and keep it with the "
	         "backup record\n"),
	       o->out, pub.id);
	return CLI_EXIT_OK;
}

/* 1 when path is a district's public key file (it holds no secret key). */
static int
is_public_file(const char *path)
{
	json_t *j = json_load_file(path, 0, NULL);
	const char *type = json_string_value(json_object_get(j, "type"));
	int yes = type != NULL && strcmp(type, "qingfeng-district-public") == 0;

	json_decref(j);
	return yes;
}

int
keysheet_check_command(struct session *s, const struct session_args *o)
{
	struct keyfile_secret *k = NULL;
	char err[SESSION_ERR_MAX];

	(void)s;
	if (is_public_file(o->pos[0])) {
		cli_error(
		        _("%s is the public key file (district.pub.json): it holds no secret key; "
		          "check the copy of district.key"),
		        o->pos[0]);
		return CLI_EXIT_USER;
	}
	if (keys_unlock(&k, o->pos[0], o->passfile, NULL, err, sizeof err) != 0) {
		cli_error(_("this copy cannot be used: %s"), err);
		return CLI_EXIT_USER;
	}
	printf(_("district %s "), k->pub.id);
	cli_print_text(stdout, k->pub.name, NULL);
	printf("\n%s\n", _("fingerprint:"));
	keysheet_print_fingerprint(stdout, k->pub.fingerprint, "    ");
	printf(_("%s opens with the passphrase and its keys match this fingerprint: compare it "
	         "with the recovery sheet, then note the day on the sheet.\n"),
	       o->pos[0]);
	keyfile_secret_free(k);
	return CLI_EXIT_OK;
}
