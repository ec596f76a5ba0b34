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

/*
 * Writes <directory of this program>/../locale into out when that holds the
 * zh_CN catalogue (the build tree: build/bin/qingfeng-admin beside
 * build/locale). Returns 0, or -1 when there is none or the path is too long.
 */
static int
i18n_build_tree_dir(char *out, size_t n)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return -1;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	int w = snprintf(out, n, "%s/../locale", exe);
	if (w < 0 || (size_t)w >= n)
		return -1;
	char mo[4200];
	w = snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/%s.mo", out, I18N_DOMAIN);
	if (w < 0 || (size_t)w >= sizeof mo)
		return -1;
	struct stat st;
	return stat(mo, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
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
		dir = i18n_build_tree_dir(tree, sizeof tree) == 0 ? tree : QF_LOCALEDIR_DEFAULT;
	if (bindtextdomain(I18N_DOMAIN, dir) == NULL ||
	    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8") == NULL || textdomain(I18N_DOMAIN) == NULL)
		return I18N_EN;
	return I18N_ZH;
}
