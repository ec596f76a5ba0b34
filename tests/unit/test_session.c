/*
 * admin/session: the archive opened on first use and never created, the
 * access-log line landing in the same transaction as the change (and
 * neither when the change is refused), a key unlocked once per command,
 * the district chosen, --by checked.
 */
#include "tests/unit/cm.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/cli.h"
#include "admin/session.h"
#include "store/archive.h"
#include "tests/unit/testutil.h"

#define PASS "correct horse battery staple"

struct fx {
	char *dir;
	char archive[4200], keypath[4200], passpath[4200];
	struct session_args o;
	struct session s;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct keyfile_secret *k = NULL;
	struct archive *a;
	struct archive_txn *t;
	FILE *pf;

	assert_non_null(f);
	f->dir = testutil_tmpdir();
	snprintf(f->archive, sizeof f->archive, "%s/archive", f->dir);
	snprintf(f->keypath, sizeof f->keypath, "%s/district.key", f->dir);
	snprintf(f->passpath, sizeof f->passpath, "%s/pass", f->dir);
	assert_int_equal(keyfile_generate(&k, "d01", "test"), KEYFILE_OK);
	assert_int_equal(
	        keyfile_write_secret(f->keypath, k, PASS, strlen(PASS), KEYFILE_KDF_INTERACTIVE),
	        KEYFILE_OK);
	keyfile_secret_free(k);
	pf = fopen(f->passpath, "w");
	assert_non_null(pf);
	fputs(PASS "\n", pf);
	assert_int_equal(fclose(pf), 0);
	assert_int_equal(archive_open(&a, f->archive, 1), ARCHIVE_OK);
	assert_int_equal(archive_begin(a, 1, &t), ARCHIVE_OK);
	assert_int_equal(archive_district_create(t, "d01"), ARCHIVE_OK);
	assert_int_equal(archive_district_set_key_path(t, "d01", f->keypath), ARCHIVE_OK);
	assert_int_equal(archive_commit(t), ARCHIVE_OK);
	archive_close(a);
	setenv("QF_TODAY", "2026-04-10", 1);
	f->o.archive = f->archive;
	f->o.passfile = f->passpath;
	f->o.by = "审查员";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	session_end(&f->s);
	unsetenv("QF_TODAY");
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static int
collect_log(void *ctx, const json_t *rec)
{
	json_t *all = ctx;

	return json_array_append_new(all, json_deep_copy(rec)) != 0 ? -1 : 0;
}

/* The access log as an array of its records. */
static json_t *
read_log(struct session *s)
{
	json_t *all = json_array();

	assert_int_equal(session_begin(s, 0), 0);
	assert_int_equal(archive_log_foreach(s->t, collect_log, all), ARCHIVE_OK);
	assert_int_equal(session_abort(s, NULL), -1);
	assert_null(s->t);
	return all;
}

static int
has_district(struct session *s, const char *id)
{
	struct archive_district d;
	int rc;

	assert_int_equal(session_begin(s, 0), 0);
	rc = archive_district_get(s->t, id, &d);
	session_abort(s, NULL);
	return rc == ARCHIVE_OK;
}

static void
test_commit_logs_with_the_change(void **state)
{
	struct fx *f = *state;
	json_t *log;

	assert_int_equal(session_start(&f->s, &f->o, 1), 0);
	assert_string_equal(f->s.day, "2026-04-10");
	assert_string_equal(f->s.who, "审查员");
	assert_null(f->s.a); /* nothing opened until it is needed */

	/* a refused change: neither it nor a log line */
	assert_int_equal(session_begin(&f->s, 1), 0);
	assert_int_equal(archive_district_create(f->s.t, "d02"), ARCHIVE_OK);
	/* one transaction at a time: a second begin is refused, the first stays */
	assert_int_equal(session_begin(&f->s, 0), -1);
	assert_non_null(f->s.t);
	assert_int_equal(session_abort(&f->s, "refused"), -1);
	assert_null(f->s.t);
	assert_false(has_district(&f->s, "d02"));
	log = read_log(&f->s);
	assert_int_equal(json_array_size(log), 0);
	json_decref(log);

	/* a committed change: it and its line, together */
	assert_int_equal(session_begin(&f->s, 1), 0);
	assert_int_equal(archive_district_create(f->s.t, "d03"), ARCHIVE_OK);
	assert_int_equal(session_commit(&f->s, "status", "d03-1"), 0);
	assert_null(f->s.t);
	assert_true(has_district(&f->s, "d03"));
	log = read_log(&f->s);
	assert_int_equal(json_array_size(log), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "day")),
	                    "2026-04-10");
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "user")),
	                    "审查员");
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "command")),
	                    "status");
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "case")),
	                    "d03-1");
	json_decref(log);

	/* several lines in one transaction: one per name, strings or {"case"} objects */
	log = json_pack("[s, {s:s}]", "d01-1", "case", "d01-2");
	assert_int_equal(session_log(&f->s, "search (match shown)", NULL, log), 0);
	json_decref(log);
	log = read_log(&f->s);
	assert_int_equal(json_array_size(log), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(log, 2), "case")),
	                    "d01-2");
	json_decref(log);
}

static void
test_key_unlocked_once(void **state)
{
	struct fx *f = *state;
	const struct keyfile_secret *k1, *k2;

	assert_int_equal(session_start(&f->s, &f->o, 1), 0);
	k1 = session_key(&f->s, "d01");
	assert_non_null(k1);
	assert_string_equal(k1->pub.id, "d01");
	/* the second time asks for nothing: the passphrase file is gone */
	assert_int_equal(unlink(f->passpath), 0);
	k2 = session_key(&f->s, "d01");
	assert_ptr_equal(k1, k2);
	assert_int_equal(f->s.nkeys, 1);
	assert_int_equal(f->s.key_failed, 0);
	/* a district the archive does not have */
	assert_null(session_key(&f->s, "d09"));
	assert_int_equal(f->s.key_failed, 1);
}

static void
test_district_and_case(void **state)
{
	struct fx *f = *state;
	struct session_case c;
	char d[CODEC_DISTRICT_BUF];

	assert_int_equal(session_start(&f->s, &f->o, 1), 0);
	assert_int_equal(session_district(&f->s, NULL, 1, d), 0);
	assert_string_equal(d, "d01");
	assert_int_equal(session_district(&f->s, "d09", 1, d), -1); /* not in the archive */
	assert_int_equal(session_district(&f->s, "d09", 0, d), 0);  /* only a valid id */
	assert_int_equal(session_district(&f->s, "-x", 0, d), -1);
	assert_int_equal(session_begin(&f->s, 1), 0);
	assert_int_equal(archive_district_create(f->s.t, "d02"), ARCHIVE_OK);
	assert_int_equal(session_commit(&f->s, "district", "d02"), 0);
	assert_int_equal(session_district(&f->s, NULL, 1, d), -1); /* several: choose */
	assert_int_equal(session_district(&f->s, "d02", 1, d), 0);
	assert_string_equal(d, "d02");

	assert_int_equal(session_case(&f->s, "d01-42", &c), 0);
	assert_string_equal(c.district, "d01");
	assert_int_equal(c.index, 42);
	assert_string_equal(c.name, "d01-42");
	assert_int_equal(session_case(&f->s, "d01#1", &c), -1); /* no case has 件号 1 yet */
	assert_int_equal(session_case(&f->s, "d01#01", &c), -1);
	assert_int_equal(session_case(&f->s, "d01-042", &c), -1);
	assert_int_equal(session_case_exists(&f->s, &c), -1);
}

/*
 * The session's one transaction: a key unlocked from inside it (list
 * --titles, search) reads the key's path in a transaction of its own and
 * leaves s->t as it was; session_end aborts a transaction still open, so a
 * command that returns early changes nothing.
 */
static void
test_transaction_owned(void **state)
{
	struct fx *f = *state;
	struct archive_txn *t;

	assert_int_equal(session_start(&f->s, &f->o, 1), 0);
	assert_int_equal(session_begin(&f->s, 0), 0);
	t = f->s.t;
	assert_non_null(session_key(&f->s, "d01"));
	assert_ptr_equal(f->s.t, t);
	assert_int_equal(session_abort(&f->s, NULL), -1);

	assert_int_equal(session_begin(&f->s, 1), 0);
	assert_int_equal(archive_district_create(f->s.t, "d05"), ARCHIVE_OK);
	session_end(&f->s);
	assert_null(f->s.t);
	assert_int_equal(session_start(&f->s, &f->o, 1), 0);
	assert_false(has_district(&f->s, "d05"));
	assert_true(has_district(&f->s, "d01"));
}

static void
test_refusals(void **state)
{
	struct fx *f = *state;
	struct stat st;
	char missing[4300];

	f->o.by = "bad\nname";
	assert_int_equal(session_start(&f->s, &f->o, 1), -1);
	f->o.by = NULL;
	setenv("QF_TODAY", "2026-13-01", 1);
	assert_int_equal(session_start(&f->s, &f->o, 1), -1);
	assert_int_equal(session_start(&f->s, &f->o, 0), 0); /* ingest, log: no day needed */
	assert_string_equal(f->s.day, "");
	setenv("QF_TODAY", "2026-04-10", 1);
	/* an absent archive is never created by a session */
	snprintf(missing, sizeof missing, "%s/none", f->dir);
	f->o.archive = missing;
	assert_int_equal(session_start(&f->s, &f->o, 1), 0);
	assert_int_equal(session_begin(&f->s, 1), -1);
	assert_null(f->s.t);
	assert_int_not_equal(stat(missing, &st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_commit_logs_with_the_change, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_key_unlocked_once, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_district_and_case, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_transaction_owned, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
