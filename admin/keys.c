/* keys: see keys.h. */
#include "admin/keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cli.h"
#include "admin/i18n.h"
#include "admin/keysheet.h"
#include "admin/term.h"
#include "crypto/chain.h"

int
keys_unlock(struct keyfile_secret **out, const char *path, const char *passfile,
            const char *district, char *err, size_t errsz)
{
	struct keyfile_public pub;
	struct term_pass pass = {NULL, 0};
	char prompt[128 + CODEC_DISTRICT_BUF];
	int rc;

	*out = NULL;
	rc = keyfile_load_public(&pub, path);
	if (rc != KEYFILE_OK) {
		snprintf(err, errsz, _("key file %s: %s%s%s"), path, keyfile_strerror(rc),
		         rc == KEYFILE_ERR_IO ? ": " : "",
		         rc == KEYFILE_ERR_IO ? strerror(errno) : "");
		return -1;
	}
	if (district != NULL && strcmp(pub.id, district) != 0) {
		snprintf(err, errsz, _("key file %s is for district %s, not %s"), path, pub.id,
		         district);
		return -1;
	}
	snprintf(prompt, sizeof prompt, _("Passphrase for the key of district %s: "), pub.id);
	if (term_read_pass(&pass, prompt, passfile, err, errsz) != 0)
		return -1;
	rc = keyfile_unlock(out, path, pass.buf, pass.len);
	term_pass_free(&pass);
	if (rc != KEYFILE_OK) {
		snprintf(err, errsz, _("key file %s: %s"), path, keyfile_strerror(rc));
		*out = NULL;
		return -1;
	}
	if (district != NULL && strcmp((*out)->pub.id, district) != 0) {
		keyfile_secret_free(*out);
		*out = NULL;
		snprintf(err, errsz, _("key file %s is not for district %s"), path, district);
		return -1;
	}
	return 0;
}

/*
 * After keygen: writes the recovery sheet into dir (a warning if it cannot:
 * the key itself is fine) and tells the investigator to back the key up.
 * Cannot fail.
 */
static void
print_backup(const char *dir, const struct keyfile_secret *k)
{
	size_t n = strlen(dir) + sizeof "/" KEYSHEET_NAME;
	char day[CODEC_DAY_LEN + 1], *sheet = malloc(n);

	if (sheet == NULL || cli_today(day, NULL) != 0) {
		free(sheet);
		cli_warn(_("no recovery sheet was written: run qingfeng-admin key-sheet"));
		return;
	}
	snprintf(sheet, n, "%s/" KEYSHEET_NAME, dir);
	if (keysheet_write(sheet, &k->pub, day, 1) != 0) {
		cli_warn(_("cannot write the recovery sheet %s: %s; run qingfeng-admin key-sheet"),
		         sheet, strerror(errno));
		free(sheet);
		return;
	}
	printf(_("Back up the key now. Losing district.key or its passphrase makes every report "
	         "of district %s unreadable, for good.\n"
	         "  1. Copy %s/district.key and district.pub.json onto two different media.\n"
	         "  2. Check each copy on this machine: qingfeng-admin key-check "
	         "<the copy's district.key>\n"
	         "  3. Print the recovery sheet %s, fill it in, and keep the copies in two "
	         "different places.\n"),
	       k->pub.id, dir, sheet);
	free(sheet);
}

int
keys_keygen_command(struct session *s, const struct session_args *o)
{
	static const struct {
		const char *name;
		enum keyfile_kdf kdf;
	} kdfs[] = {{"moderate", KEYFILE_KDF_MODERATE},
	            {"interactive", KEYFILE_KDF_INTERACTIVE},
	            {"sensitive", KEYFILE_KDF_SENSITIVE}};
	struct keyfile_secret *k = NULL;
	struct term_pass pass = {NULL, 0};
	size_t i = 0, n = strlen(o->out) + sizeof "/district.pub.json";
	char *secpath = NULL, *pubpath = NULL, err[SESSION_ERR_MAX];
	struct stat st;
	int rc, ret = CLI_EXIT_USER;

	(void)s;
	while (o->kdf != NULL && i < 3 && strcmp(o->kdf, kdfs[i].name) != 0)
		i++;
	if (i == 3) {
		cli_error(_("keygen: --kdf must be interactive, moderate or sensitive, not '%s'"),
		          o->kdf);
		return CLI_EXIT_USAGE;
	}
	if (!codec_district_valid(o->district)) {
		cli_error(
		        _("district id '%s' is invalid: use 1-32 of a-z, 0-9 and '-', not starting "
		          "with '-'"),
		        o->district);
		return CLI_EXIT_USER;
	}
	secpath = malloc(n);
	pubpath = malloc(n);
	if (secpath == NULL || pubpath == NULL) {
		cli_error(_("out of memory"));
		goto out;
	}
	snprintf(secpath, n, "%s/district.key", o->out);
	snprintf(pubpath, n, "%s/district.pub.json", o->out);
	if (stat(o->out, &st) != 0) {
		if (errno != ENOENT || mkdir(o->out, 0700) != 0) {
			cli_error(_("cannot use %s: %s"), o->out, strerror(errno));
			goto out;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		cli_error(_("%s is not a directory"), o->out);
		goto out;
	}
	if (lstat(secpath, &st) == 0 || lstat(pubpath, &st) == 0) {
		cli_error(_("%s already holds a district key; refusing to overwrite it"), o->out);
		goto out;
	}
	rc = keyfile_generate(&k, o->district, o->name);
	if (rc != KEYFILE_OK) {
		cli_error(_("cannot make the keys: %s"),
		          rc == KEYFILE_ERR_ARG ? "the name must be 1-256 bytes of UTF-8 "
		                                  "without control characters"
		                                : keyfile_strerror(rc));
		goto out;
	}
	if (term_read_new_pass(&pass, o->passfile, k->pub.id, k->pub.name, err, sizeof err) != 0) {
		cli_error("%s", err);
		goto out;
	}
	rc = keyfile_write_secret(secpath, k, pass.buf, pass.len, kdfs[i].kdf);
	term_pass_free(&pass);
	if (rc != KEYFILE_OK) {
		cli_error(_("cannot write %s: %s"), secpath, keyfile_strerror(rc));
		goto out;
	}
	rc = keyfile_write_public(pubpath, &k->pub);
	if (rc != KEYFILE_OK) {
		unlink(secpath);
		cli_error(_("cannot write %s: %s; nothing was kept"), pubpath,
		          keyfile_strerror(rc));
		goto out;
	}
	printf(_("district %s: wrote %s (secret: keep it on this offline machine) and %s (give it "
	         "to the server operator)\n"),
	       k->pub.id, secpath, pubpath);
	printf(_("fingerprint: %s\n"), k->pub.fingerprint);
	printf(_("Publish this fingerprint (posters, the commission's official site) so that "
	         "reporters can check it.\n"));
	print_backup(o->out, k);
	ret = CLI_EXIT_OK;
out:
	keyfile_secret_free(k);
	free(secpath);
	free(pubpath);
	return ret;
}

int
keys_fingerprint_command(struct session *s, const struct session_args *o)
{
	struct keyfile_public pub;
	int rc = keyfile_load_public(&pub, o->pos[0]);

	(void)s;
	if (rc != KEYFILE_OK) {
		cli_error("%s: %s%s%s", o->pos[0], keyfile_strerror(rc),
		          rc == KEYFILE_ERR_IO ? ": " : "",
		          rc == KEYFILE_ERR_IO ? strerror(errno) : "");
		return CLI_EXIT_USER;
	}
	printf(_("%s\ndistrict %s "), pub.fingerprint, pub.id);
	cli_print_text(stdout, pub.name, NULL);
	fputc('\n', stdout);
	return CLI_EXIT_OK;
}
