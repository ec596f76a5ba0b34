/*
 * i18n: marks the offline tool's messages for translation. _(s) is the
 * message shown to the investigator for the msgid s (English in the
 * source); N_(s) marks a string in a static table whose translation is
 * looked up later with _(). Placeholder until the gettext catalogue lands:
 * both return s unchanged. Cannot fail.
 */
#ifndef QF_ADMIN_I18N_H
#define QF_ADMIN_I18N_H

#define _(s)  (s)
#define N_(s) (s)

#endif
