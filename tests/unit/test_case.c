/*
 * test_case: the typed case record (store/case.h). A record with every
 * member, and one as an old archive holds it, must come back from
 * decode+encode as the same JSON (unknown members kept); every required
 * member missing, of the wrong type or too long must be refused; the
 * builders must produce what decode reads.
 */
#include "tests/unit/cm.h"

#include <stdlib.h>
#include <string.h>

#include "store/case.h"

#define PK "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

/* A record with every member this version knows, and some it does not. */
static const char FULL[] =
        "{\"v\":1,\"district\":\"d07\",\"index\":3,\"number\":2,\"lookup\":\"" PK "\","
        "\"reply_pk\":\"" PK "\",\"day\":\"2026-11-02\",\"status\":\"accepted\","
        "\"history\":[{\"day\":\"2026-11-02\",\"by\":\"server\",\"event\":\"received\","
        "\"status\":\"received\"},"
        "{\"day\":\"2026-11-03\",\"by\":\"王主任\",\"event\":\"stage\",\"stage\":\"assigned\","
        "\"from\":\"registered\",\"note\":1,\"to\":\"城关镇纪委\",\"days\":30,\"status\":\"in_"
        "progress\","
        "\"sent_seq\":0,\"future\":{\"x\":1}},"
        "{\"day\":\"2026-11-04\",\"by\":\"李\",\"event\":\"mark\",\"mark\":\"duplicate-of\","
        "\"case\":\"d07-1\"},"
        "{\"day\":\"2026-11-05\",\"by\":\"李\",\"event\":\"mark\",\"mark\":\"finding\",\"cleared\":"
        "true},"
        "{\"day\":\"2026-11-05\",\"by\":\"李\",\"event\":\"forward\",\"to\":\"县公安局\","
        "\"attachments\":2},"
        "{\"day\":\"2026-11-06\",\"by\":\"李\",\"event\":\"reply\",\"n\":1,\"sent_seq\":4}],"
        "\"followups\":[{\"index\":4,\"day\":\"2026-11-03\",\"objection\":true},"
        "{\"index\":5,\"day\":\"2026-11-04\",\"quarantine\":\"bad_bind\"}],"
        "\"replies\":[{\"n\":1,\"day\":\"2026-11-06\",\"by\":\"李\",\"status\":\"accepted\","
        "\"sent_seq\":4}],"
        "\"real_name\":true,\"sign_pk\":\"" PK "\",\"quarantine\":\"late\",\"stage\":\"assigned\","
        "\"marks\":{\"realname\":{\"value\":\"verified\",\"day\":\"2026-11-03\",\"by\":\"李\"},"
        "\"duplicate-of\":{\"case\":\"d07-1\",\"day\":\"2026-11-04\",\"by\":\"李\"},"
        "\"escalation\":{\"value\":\"raise\",\"approved_by\":\"张书记\",\"day\":\"2026-11-04\","
        "\"by\":\"李\"},\"supervise\":{\"days\":10,\"day\":\"2026-11-05\",\"by\":\"李\"},"
        "\"someday\":{\"day\":\"2026-11-05\"}},"
        "\"notes\":[{\"n\":1,\"day\":\"2026-11-03\",\"by\":\"王主任\"}],"
        "\"duplicated_by\":[\"d07-9\",\"d07-12\"],"
        "\"seen\":{\"through\":5,\"day\":\"2026-11-06\",\"by\":\"李\"},"
        "\"statement\":{\"seq\":4,\"status\":\"accepted\",\"status_day\":\"2026-11-03\","
        "\"replies\":1,\"followups_verified\":2},"
        "\"later\":[1,2,3]}";

/* A record as an archive from before the workflow holds it. */
static const char OLD[] =
        "{\"v\":1,\"district\":\"d-1\",\"index\":1,\"lookup\":\"" PK "\",\"reply_pk\":\"" PK "\","
        "\"day\":\"2026-01-01\",\"status\":\"received\",\"history\":[{\"day\":\"2026-01-01\","
        "\"by\":\"server\",\"event\":\"received\",\"status\":\"received\"}],\"followups\":[],"
        "\"replies\":[]}";

static json_t *
load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	assert_non_null(j);
	return j;
}

static void
assert_round_trip(const char *text)
{
	json_t *in = load(text), *out;
	struct case_record c;

	assert_int_equal(case_decode(in, &c), 0);
	out = case_encode(&c);
	assert_non_null(out);
	assert_true(json_equal(in, out));
	case_free(&c);
	json_decref(out);
	json_decref(in);
}

static void
test_round_trip(void **state)
{
	(void)state;
	assert_round_trip(FULL);
	assert_round_trip(OLD);
}

static void
test_members(void **state)
{
	json_t *in = load(FULL);
	struct case_record c;

	(void)state;
	assert_int_equal(case_decode(in, &c), 0);
	assert_string_equal(c.district, "d07");
	assert_int_equal(c.index, 3);
	assert_int_equal(c.number, 2);
	assert_int_equal(c.lookup[1], 1);
	assert_true(c.has_sign_pk);
	assert_int_equal(c.real_name, 1);
	assert_string_equal(c.stage, "assigned");
	assert_string_equal(c.quarantine, "late");
	assert_int_equal(c.nhistory, 6);
	assert_string_equal(c.history[1].to, "城关镇纪委");
	assert_int_equal(c.history[1].days, 30);
	assert_int_equal(c.history[1].note, 1);
	assert_int_equal(c.history[1].sent_seq, 0);
	assert_non_null(c.history[1].rest);
	assert_int_equal(c.history[0].sent_seq, CASE_NONE);
	assert_string_equal(c.history[2].case_name, "d07-1");
	assert_true(c.history[3].cleared);
	assert_int_equal(c.history[4].attachments, 2);
	assert_int_equal(c.followups[0].objection, 1);
	assert_string_equal(c.followups[1].quarantine, "bad_bind");
	assert_int_equal(c.replies[0].sent_seq, 4);
	assert_true(c.marks[CASE_MARK_REALNAME].set);
	assert_string_equal(c.marks[CASE_MARK_REALNAME].value, "verified");
	assert_string_equal(c.marks[CASE_MARK_DUPLICATE_OF].case_name, "d07-1");
	assert_string_equal(c.marks[CASE_MARK_ESCALATION].approved_by, "张书记");
	assert_int_equal(c.marks[CASE_MARK_SUPERVISE].days, 10);
	assert_false(c.marks[CASE_MARK_UPPER_LEVEL].set);
	assert_non_null(c.marks_rest);
	assert_int_equal(c.nduplicated_by, 2);
	assert_string_equal(c.duplicated_by[1], "d07-12");
	assert_true(c.seen_set);
	assert_int_equal(c.seen_through, 5);
	assert_true(c.statement.set);
	assert_int_equal(c.statement.seq, 4);
	assert_string_equal(c.statement.status_day, "2026-11-03");
	assert_int_equal(c.statement.followups_verified, 2);
	case_free(&c);
	json_decref(in);

	in = load(OLD);
	assert_int_equal(case_decode(in, &c), 0);
	assert_string_equal(c.stage, ""); /* workflow_stage_of: registered */
	assert_int_equal(c.real_name, CASE_NONE);
	assert_int_equal(c.number, 0);
	assert_false(c.has_sign_pk);
	assert_int_equal(c.nnotes, 0);
	case_free(&c);
	json_decref(in);
}

/* Decoding in after f changed it must fail, and leave c empty. */
static void
assert_refused(const json_t *base, void (*f)(json_t *))
{
	json_t *in = json_deep_copy(base);
	struct case_record c;

	f(in);
	assert_int_equal(case_decode(in, &c), -1);
	assert_null(c.history);
	assert_int_equal(c.nhistory, 0);
	json_decref(in);
}

static const char *const REQUIRED[] = {"v",   "district", "index",   "lookup",    "reply_pk",
                                       "day", "status",   "history", "followups", "replies"};
static const char *drop_key;

static void
drop(json_t *o)
{
	json_object_del(o, drop_key);
}

/* Sets the second event's "by" to len bytes of 'x'. */
static void
set_by_len(json_t *o, size_t len)
{
	char big[CASE_TEXT_BUF + 1];

	memset(big, 'x', len);
	big[len] = '\0';
	json_object_set_new(json_array_get(json_object_get(o, "history"), 1), "by",
	                    json_string(big));
}

/* One byte more than the buffer holds with its NUL. */
static void
long_by(json_t *o)
{
	set_by_len(o, CASE_TEXT_BUF);
}

/* Exactly what the buffer holds with its NUL. */
static void
exactly_fits(json_t *o)
{
	set_by_len(o, CASE_TEXT_BUF - 1);
}

static void
bad_lookup(json_t *o)
{
	json_object_set_new(o, "lookup", json_string("AAEC"));
}
static void
negative_days(json_t *o)
{
	json_object_set_new(json_array_get(json_object_get(o, "history"), 1), "days",
	                    json_integer(-3));
}
static void
string_index(json_t *o)
{
	json_object_set_new(json_array_get(json_object_get(o, "followups"), 0), "index",
	                    json_string("4"));
}
static void
mark_not_object(json_t *o)
{
	json_object_set_new(json_object_get(o, "marks"), "realname", json_string("verified"));
}
static void
event_without_day(json_t *o)
{
	json_object_del(json_array_get(json_object_get(o, "history"), 2), "day");
}
static void
version_2(json_t *o)
{
	json_object_set_new(o, "v", json_integer(2));
}
static void
bad_district(json_t *o)
{
	json_object_set_new(o, "district", json_string("D 7"));
}
static void
dup_not_string(json_t *o)
{
	json_array_append_new(json_object_get(o, "duplicated_by"), json_integer(7));
}
static void
real_name_string(json_t *o)
{
	json_object_set_new(o, "real_name", json_string("yes"));
}

static void
test_refused(void **state)
{
	json_t *base = load(FULL);
	json_t *ok;
	struct case_record c;
	void (*bad[])(json_t *) = {long_by,         bad_lookup,        negative_days, string_index,
	                           mark_not_object, event_without_day, version_2,     bad_district,
	                           dup_not_string,  real_name_string};

	(void)state;
	for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++) {
		drop_key = REQUIRED[i];
		assert_refused(base, drop);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(base, bad[i]);
	/* One byte shorter than the one refused fits. */
	ok = json_deep_copy(base);
	exactly_fits(ok);
	assert_int_equal(case_decode(ok, &c), 0);
	case_free(&c);
	json_decref(ok);
	json_decref(base);
}

static void
test_builders(void **state)
{
	json_t *in = load(OLD), *out;
	struct case_record c, d;
	struct case_event *e;
	struct case_reply *r;

	(void)state;
	assert_int_equal(case_decode(in, &c), 0);
	e = case_add_event(&c, "2026-01-02", "王主任", "stage");
	assert_non_null(e);
	assert_int_equal(e->days, CASE_NONE);
	assert_int_equal(CASE_SET(e->stage, "accepted"), 0);
	assert_int_equal(CASE_SET(e->from, "registered"), 0);
	assert_int_equal(CASE_SET(e->stage, "a-word-that-is-far-longer-than-32-bytes"), -1);
	assert_string_equal(e->stage, "accepted");
	assert_null(case_add_event(&c, "2026-01-02", "x", "an-event-word-longer-than-32-bytes"));
	r = case_add_reply(&c);
	assert_non_null(r);
	r->n = 1;
	CASE_SET(r->day, "2026-01-03");
	CASE_SET(r->by, "王主任");
	CASE_SET(r->status, "accepted");
	r->sent_seq = 0;
	assert_int_equal(case_add_duplicated_by(&c, "d-1-7"), 0);
	c.marks[CASE_MARK_UPPER_LEVEL].set = 1;
	CASE_SET(c.marks[CASE_MARK_UPPER_LEVEL].day, "2026-01-02");
	CASE_SET(c.marks[CASE_MARK_UPPER_LEVEL].by, "王主任");
	CASE_SET(c.stage, "accepted");
	out = case_encode(&c);
	assert_non_null(out);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(out, "history"), 1), "stage")),
	                    "accepted");
	assert_null(json_object_get(json_array_get(json_object_get(out, "history"), 1), "days"));
	assert_int_equal(case_decode(out, &d), 0);
	assert_int_equal(d.nhistory, 2);
	assert_int_equal(d.replies[0].sent_seq, 0);
	assert_true(d.marks[CASE_MARK_UPPER_LEVEL].set);
	assert_int_equal(d.marks[CASE_MARK_UPPER_LEVEL].days, CASE_NONE);
	assert_string_equal(d.duplicated_by[0], "d-1-7");
	case_free(&d);
	case_free(&c);
	json_decref(out);
	json_decref(in);
}

static void
test_mark_names(void **state)
{
	(void)state;
	for (int m = 0; m < CASE_MARK_COUNT; m++)
		assert_int_equal(case_mark_id(case_mark_name((enum case_mark_id)m)), m);
	assert_int_equal(case_mark_id("nonsense"), CASE_MARK_COUNT);
	assert_int_equal(case_mark_id(NULL), CASE_MARK_COUNT);
	assert_null(case_mark_name(CASE_MARK_COUNT));
}

/* A later tool's event and marks come back as stored, for show to print. */
static void
test_later_kinds(void **state)
{
	json_t *in = load(FULL), *ev;
	struct case_record c;
	struct case_mark m;
	char *s;

	(void)state;
	json_array_append_new(json_object_get(in, "history"),
	                      json_pack("{s:s, s:s, s:s, s:i}", "day", "2026-11-07", "by", "李",
	                                "event", "archived", "box", 3));
	json_object_set_new(json_object_get(in, "marks"), "odd", json_string("x"));
	assert_int_equal(case_decode(in, &c), 0);
	for (size_t i = 0; i < c.nhistory; i++) {
		ev = case_encode_event(&c.history[i]);
		assert_non_null(ev);
		assert_true(json_equal(ev, json_array_get(json_object_get(in, "history"), i)));
		json_decref(ev);
	}
	ev = case_encode_event(&c.history[c.nhistory - 1]);
	s = json_dumps(ev, JSON_COMPACT);
	assert_string_equal(s, "{\"day\":\"2026-11-07\",\"by\":\"李\",\"event\":\"archived\","
	                       "\"box\":3}");
	free(s);
	json_decref(ev);
	assert_string_equal(case_mark_other(&c, 0, &m), "someday");
	assert_true(m.set);
	assert_string_equal(m.day, "2026-11-05");
	assert_string_equal(m.by, "");
	assert_int_equal(m.days, CASE_NONE);
	assert_null(m.rest);
	assert_string_equal(case_mark_other(&c, 1, &m), "odd"); /* not a mark's form: name only */
	assert_string_equal(m.day, "");
	assert_int_equal(m.days, CASE_NONE);
	assert_null(case_mark_other(&c, 2, &m));
	case_free(&c);
	assert_null(case_mark_other(&c, 0, &m));
	json_decref(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_members),
	        cmocka_unit_test(test_refused),    cmocka_unit_test(test_builders),
	        cmocka_unit_test(test_mark_names), cmocka_unit_test(test_later_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
