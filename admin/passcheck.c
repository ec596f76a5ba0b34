/* passcheck: see passcheck.h. */
#include "admin/passcheck.h"

#include <pwquality.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admin/i18n.h"

int
passcheck_new(const char *pass, const char *id, const char *name, const char *dict, char *err,
              size_t errsz)
{
	char words[512], pwqerr[PWQ_MAX_ERROR_MESSAGE_LEN], dictfile[512];
	pwquality_settings_t *pwq;
	void *aux = NULL;
	int rc;

	snprintf(dictfile, sizeof dictfile, "%s.pwd", dict);
	if (access(dictfile, R_OK) != 0) {
		/* cracklib would print to stderr and fail; say what to install instead */
		snprintf(err, errsz,
		         _("cannot check the passphrase's strength: the word list %s is missing "
		           "(Debian package cracklib-runtime)"),
		         dictfile);
		return -1;
	}
	pwq = pwquality_default_settings();
	if (pwq == NULL) {
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	/* the tool's name and the district's own words are the first an attacker tries */
	snprintf(words, sizeof words, "qingfeng %s %s", id != NULL ? id : "",
	         name != NULL ? name : "");
	if (pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, PASSCHECK_MIN_LEN) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, 1) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_USER_CHECK, 1) != 0 ||
	    pwquality_set_int_value(pwq, PWQ_SETTING_ENFORCING, 1) != 0 ||
	    pwquality_set_str_value(pwq, PWQ_SETTING_DICT_PATH, dict) != 0 ||
	    pwquality_set_str_value(pwq, PWQ_SETTING_BAD_WORDS, words) != 0) {
		pwquality_free_settings(pwq);
		snprintf(err, errsz, _("out of memory"));
		return -1;
	}
	rc = pwquality_check(pwq, pass, NULL, id, &aux);
	if (rc < 0)
		snprintf(err, errsz, "%s", pwquality_strerror(pwqerr, sizeof pwqerr, rc, aux));
	pwquality_free_settings(pwq);
	sodium_memzero(words, sizeof words);
	if (rc >= 0)
		return 0;
	return rc == PWQ_ERROR_MEM_ALLOC || rc == PWQ_ERROR_FATAL_FAILURE ? -1 : 1;
}
