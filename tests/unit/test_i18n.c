/*
 * admin/i18n: which language the environment asks for (the first non-empty
 * of LANGUAGE, LC_ALL, LC_MESSAGES, LANG; English only for en*), and that
 * i18n_init gives Chinese from the build tree's catalogue with LANG=C, where
 * glibc alone would ignore LANGUAGE and print "??" for every Chinese
 * character, without touching LC_CTYPE or LC_NUMERIC.
 */
#include "tests/unit/cm.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "admin/i18n.h"

/* set_env(LANGUAGE, LC_ALL, LC_MESSAGES, LANG): NULL unsets */
static void
set_env(const char *language, const char *all, const char *messages, const char *lang)
{
	const char *names[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	const char *values[] = {language, all, messages, lang};

	for (size_t i = 0; i < 4; i++) {
		if (values[i] == NULL)
			assert_int_equal(unsetenv(names[i]), 0);
		else
			assert_int_equal(setenv(names[i], values[i], 1), 0);
	}
}

static void
test_wanted(void **state)
{
	(void)state;
	set_env(NULL, NULL, NULL, NULL);
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, NULL, "C");
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, NULL, "C.UTF-8");
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, NULL, "POSIX");
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, NULL, "zh_CN.UTF-8");
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, NULL, "fr_FR.UTF-8");
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, NULL, "en_US.UTF-8");
	assert_int_equal(i18n_wanted(), I18N_EN);
	set_env("", "", "", "en_GB.UTF-8"); /* empty ones do not count */
	assert_int_equal(i18n_wanted(), I18N_EN);
	set_env("en", NULL, NULL, "zh_CN.UTF-8");
	assert_int_equal(i18n_wanted(), I18N_EN);
	set_env("zh_CN:en", "en_US.UTF-8", NULL, NULL); /* LANGUAGE first */
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, "zh_CN.UTF-8", "en_US.UTF-8", "en_US.UTF-8"); /* LC_ALL before the rest */
	assert_int_equal(i18n_wanted(), I18N_ZH);
	set_env(NULL, NULL, "en_US.UTF-8", "zh_CN.UTF-8");
	assert_int_equal(i18n_wanted(), I18N_EN);
}

static void
test_chinese_with_lang_c(void **state)
{
	(void)state;
	assert_string_equal(_("out of memory"), "out of memory"); /* no init: the msgid */
	set_env(NULL, NULL, NULL, "C");
	assert_int_equal(unsetenv("QF_LOCALEDIR"), 0); /* the build tree's, beside this program */
	assert_int_equal(i18n_init(), I18N_ZH);
	assert_string_equal(_("out of memory"), "内存不足");
	assert_string_equal(_("%s: warning: "), "%s：警告：");
	assert_string_equal(_("no such message, not in the catalogue"),
	                    "no such message, not in the catalogue");
	assert_string_equal(setlocale(LC_CTYPE, NULL), "C");
	assert_string_equal(setlocale(LC_NUMERIC, NULL), "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_wanted),
	        cmocka_unit_test(test_chinese_with_lang_c),
	};

	return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
