/*
 * Unit tests for the reply templates (admin/replytpl.h, issue 17): every
 * built-in template fills with the district's name, the days in Chinese and
 * no field left; 不予受理告知 leaves a blank for the reason unless --reason
 * fills it; unknown fields, unclosed braces and a reason without {理由} are
 * refused; blanks are found; names and ASCII keys both name a template.
 */
#include "tests/unit/cm.h"

#include <stdlib.h>
#include <string.h>

#include "admin/replytpl.h"

static const struct replytpl_fields FL = {"七区纪委监委", "2026年4月1日", "2026年3月30日", NULL};

static void
test_builtins(void **state)
{
	const char *name, *key, *text;
	char *out, err[256];
	size_t i;

	(void)state;
	for (i = 0; (name = replytpl_name(i, &key, &text)) != NULL; i++) {
		assert_string_equal(replytpl_canon(name), name);
		assert_string_equal(replytpl_canon(key), name);
		assert_int_equal(replytpl_fill(text, strlen(text), &FL, &out, err, sizeof err), 0);
		assert_non_null(strstr(out, "七区纪委监委\n2026年4月1日\n"));
		assert_non_null(strstr(out, "您于2026年3月30日"));
		assert_null(strchr(out, '{'));
		assert_null(strstr(out, "举报人"));
		/* Chinese only: no ASCII letter in what the reporter reads */
		for (const char *p = out; *p != '\0'; p++)
			assert_false((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'));
		/* 受理告知 has no blank; the others leave one until filled */
		assert_int_equal(replytpl_blank(out, strlen(out)) == NULL,
		                 strcmp(name, "受理告知") == 0);
		free(out);
	}
	assert_int_equal(i, 4);
	assert_null(replytpl_canon("表扬信"));
	assert_null(replytpl_canon(NULL));
}

static void
test_reason(void **state)
{
	const char *text = NULL, *key;
	struct replytpl_fields f = FL;
	char *out, err[256];

	(void)state;
	for (size_t i = 0; replytpl_name(i, &key, NULL) != NULL; i++)
		if (strcmp(key, "not-accepted") == 0)
			replytpl_name(i, NULL, &text);
	assert_non_null(text);
	assert_int_equal(replytpl_fill(text, strlen(text), &f, &out, err, sizeof err), 0);
	assert_non_null(strstr(out, "【请填写：不予受理的理由】"));
	assert_non_null(replytpl_blank(out, strlen(out)));
	free(out);
	f.reason = "所反映问题不属于纪检监察机关受理范围。";
	assert_int_equal(replytpl_fill(text, strlen(text), &f, &out, err, sizeof err), 0);
	assert_non_null(strstr(out, "理由如下：\n\n    所反映问题不属于纪检监察机关受理范围。\n"));
	assert_null(replytpl_blank(out, strlen(out)));
	free(out);
	/* a reason for a template that has no place for it */
	assert_int_equal(replytpl_fill("{委名}", 8, &f, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "{理由}"));
	assert_null(out);
}

static void
test_refusals(void **state)
{
	char *out, err[256];
	const char *t;

	(void)state;
	t = "{委名}：请拨打{电话}";
	assert_int_equal(replytpl_fill(t, strlen(t), &FL, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "{电话}"));
	assert_null(out);
	t = "{委名";
	assert_int_equal(replytpl_fill(t, strlen(t), &FL, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "'}'"));
	/* a template without fields is its own text; the length bounds it */
	assert_int_equal(replytpl_fill("您好。xyz", 9, &FL, &out, err, sizeof err), 0);
	assert_string_equal(out, "您好。");
	free(out);
	assert_null(replytpl_blank("【请填", strlen("【请填")));
	assert_non_null(replytpl_blank("a【请填写】", strlen("a【请填写】")));
}

static void
test_day(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(replytpl_day_zh(out, sizeof out, "2026-04-01"), 0);
	assert_string_equal(out, "2026年4月1日");
	assert_int_equal(replytpl_day_zh(out, sizeof out, "2026-12-31"), 0);
	assert_string_equal(out, "2026年12月31日");
	assert_int_equal(replytpl_day_zh(out, sizeof out, "2026-02-30"), -1);
	assert_string_equal(out, "");
	assert_int_equal(replytpl_day_zh(out, sizeof out, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_builtins),
	        cmocka_unit_test(test_reason),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
