/*
 * i18n: the offline tool speaks Chinese unless the environment asks for
 * English (GNU gettext, text domain "qingfeng-admin", catalogue
 * po/zh_CN.po). _(s) is the message shown to the investigator for the msgid
 * s (English in the source); N_(s) marks a string in a static table whose
 * translation is looked up later with _(). i18n_init, called first in main,
 * picks the language and the catalogue; without it (the unit suites) _()
 * returns the English msgid. _() and N_() cannot fail: a missing catalogue
 * or msgid shows the English text.
 */
#ifndef QF_ADMIN_I18N_H
#define QF_ADMIN_I18N_H

#include <libintl.h>

#define I18N_DOMAIN "qingfeng-admin"

#define _(s)  gettext(s)
#define N_(s) s

/* The languages the tool speaks. */
enum i18n_lang { I18N_ZH = 0, I18N_EN = 1 };

/*
 * The language the environment asks for: English when the first non-empty
 * of LANGUAGE, LC_ALL, LC_MESSAGES, LANG starts with "en", Chinese otherwise
 * (unset, C, C.UTF-8, POSIX, zh_*, anything else). Cannot fail.
 */
enum i18n_lang i18n_wanted(void);

/*
 * Sets up gettext for the language i18n_wanted() names. Chinese works
 * without a generated zh_CN locale: when LC_MESSAGES resolves to C or POSIX
 * (glibc ignores LANGUAGE there) it switches LC_MESSAGES alone to the
 * built-in C.UTF-8, sets LANGUAGE=zh_CN in this process, and asks for UTF-8
 * output whatever the character set of LC_CTYPE. The catalogue is read from
 * $QF_LOCALEDIR when set, else from beside the program when it is there
 * (bin/../locale in the build tree, bin/../share/locale under any install
 * prefix), else from the compiled-in LOCALEDIR (Makefile: LOCALEDIR).
 * English binds no catalogue, so every message is its msgid. Returns the
 * language chosen; cannot fail (anything that goes wrong leaves English).
 */
enum i18n_lang i18n_init(void);

/*
 * 1 when i18n_init bound the Chinese catalogue (tables then show Chinese
 * labels for stage and status keys), 0 otherwise (also before i18n_init, as
 * in the unit tests). Cannot fail.
 */
int i18n_chinese(void);

#endif
