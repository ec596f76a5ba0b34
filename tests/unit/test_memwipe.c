/* Unit tests for crypto/memwipe: realloc keeps contents, Jansson works with it. */
#include "tests/unit/cm.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/memwipe.h"

static void
test_realloc_keeps_contents(void **state)
{
	unsigned char *p = memwipe_malloc(10), *q;

	(void)state;
	assert_non_null(p);
	memcpy(p, "0123456789", 10);
	q = memwipe_realloc(p, 100000); /* a move: the old block is wiped and freed */
	assert_non_null(q);
	assert_memory_equal(q, "0123456789", 10);
	p = memwipe_realloc(q, 5); /* shrinking keeps the block */
	assert_ptr_equal(p, q);
	assert_memory_equal(p, "01234", 5);
	memwipe_free(p);
	memwipe_free(NULL);
	p = memwipe_realloc(NULL, 16);
	assert_non_null(p);
	free(p); /* blocks stay compatible with plain free() */
}

static void
test_jansson(void **state)
{
	json_t *j;
	char *s;

	(void)state;
	memwipe_jansson();
	j = json_pack("{s:s, s:[i,i]}", "body", "举报正文", "a", 1, 2);
	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "{\"body\":\"举报正文\",\"a\":[1,2]}");
	free(s); /* as crypto/ code does */
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_realloc_keeps_contents),
	        cmocka_unit_test(test_jansson),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("memwipe", tests, NULL, NULL);
}
