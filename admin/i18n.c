/* i18n: the language and the gettext catalogue of the offline tool (i18n.h). */
#include "admin/i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef QF_LOCALEDIR_DEFAULT
#define QF_LOCALEDIR_DEFAULT "/usr/local/share/locale"
#endif

enum i18n_lang
i18n_wanted(void)
{
	static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strncmp(v, "en", 2) == 0 ? I18N_EN : I18N_ZH;
	}
	return I18N_ZH;
}

/* True (1) when dir holds the zh_CN catalogue as a regular file; 0 otherwise. */
static int
i18n_has_catalogue(const char *dir)
{
	char mo[4200];
	struct stat st;
	int w = snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/%s.mo", dir, I18N_DOMAIN);

	return w > 0 && (size_t)w < sizeof mo && stat(mo, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Writes the catalogue directory found next to this program into out: its
 * bin/../locale (the build tree: build/bin/qingfeng-admin beside
 * build/locale), else its bin/../share/locale (installed under any PREFIX or
 * DESTDIR). Returns 0, or -1 when neither holds the catalogue.
 */
static int
i18n_beside_program(char *out, size_t n)
{
	static const char *const rel[] = {"../locale", "../share/locale"};
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (len <= 0)
		return -1;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		int w = snprintf(out, n, "%s/%s", exe, rel[i]);
		if (w > 0 && (size_t)w < n && i18n_has_catalogue(out))
			return 0;
	}
	return -1;
}

static int chinese; /* set once i18n_init has bound the Chinese catalogue */

int
i18n_chinese(void)
{
	return chinese;
}

enum i18n_lang
i18n_init(void)
{
	enum i18n_lang lang = i18n_wanted();
	const char *msgs = setlocale(LC_MESSAGES, "");
	if (lang == I18N_EN)
		return I18N_EN; /* no catalogue bound: every _() is its msgid */
	if (msgs == NULL || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0) {
		/* glibc ignores LANGUAGE in the C locale; C.UTF-8 is built in */
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			return I18N_EN;
	}
	if (setenv("LANGUAGE", "zh_CN", 1) != 0)
		return I18N_EN;
	const char *dir = getenv("QF_LOCALEDIR");
	char tree[4096];
	if (dir == NULL || dir[0] == '\0')
		dir = i18n_beside_program(tree, sizeof tree) == 0 ? tree : QF_LOCALEDIR_DEFAULT;
	if (bindtextdomain(I18N_DOMAIN, dir) == NULL ||
	    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8") == NULL ||
	    textdomain(I18N_DOMAIN) == NULL)
		return I18N_EN;
	/* keygen's refusal quotes libpwquality's (and cracklib's) own Chinese reason */
	(void)bind_textdomain_codeset("libpwquality", "UTF-8");
	(void)bind_textdomain_codeset("cracklib", "UTF-8");
	chinese = 1;
	return I18N_ZH;
}
