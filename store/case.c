/* case: see case.h. */
#include "store/case.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each JSON object the record holds is described once by a table of its
 * members: decoding and encoding walk the same table, so a member is named
 * in one place. Optional members are absent when "" (strings), CASE_NONE
 * (integers) or 0 (flags).
 */
enum ftype {
	F_STR,  /* char[size]; required: must be present */
	F_I64,  /* int64_t, >= 0 when present, else CASE_NONE */
	F_U64,  /* uint64_t, required, >= 0 */
	F_U32,  /* uint32_t, required, 0..UINT32_MAX */
	F_FLAG, /* int: true when the member is JSON true (written only when set) */
	F_B64,  /* uint8_t[32] as base64url; required */
};

struct field {
	const char *key;
	size_t off, size;
	enum ftype type;
	int required;
};

#define STR(T, m, k, req)                                                                          \
	{                                                                                          \
		.key = (k), .off = offsetof(T, m), .size = sizeof(((T *)0)->m), .type = F_STR,     \
		.required = (req)                                                                  \
	}
#define I64(T, m, k)                                                                               \
	{                                                                                          \
		.key = (k), .off = offsetof(T, m), .type = F_I64                                   \
	}
#define FLAG(T, m, k)                                                                              \
	{                                                                                          \
		.key = (k), .off = offsetof(T, m), .type = F_FLAG                                  \
	}
#define REQ(T, m, k, t)                                                                            \
	{                                                                                          \
		.key = (k), .off = offsetof(T, m), .type = (t), .required = 1                      \
	}
#define END                                                                                        \
	{                                                                                          \
		.key = NULL                                                                        \
	}

static const struct field EVENT[] = {
        STR(struct case_event, day, "day", 1),
        STR(struct case_event, by, "by", 1),
        STR(struct case_event, event, "event", 1),
        STR(struct case_event, stage, "stage", 0),
        STR(struct case_event, mark, "mark", 0),
        FLAG(struct case_event, cleared, "cleared"),
        STR(struct case_event, status, "status", 0),
        STR(struct case_event, from, "from", 0),
        STR(struct case_event, case_name, "case", 0),
        STR(struct case_event, value, "value", 0),
        STR(struct case_event, to, "to", 0),
        STR(struct case_event, approved_by, "approved_by", 0),
        I64(struct case_event, days, "days"),
        I64(struct case_event, attachments, "attachments"),
        I64(struct case_event, n, "n"),
        I64(struct case_event, note, "note"),
        I64(struct case_event, sent_seq, "sent_seq"),
        END,
};

static const struct field FOLLOWUP[] = {
        REQ(struct case_followup, index, "index", F_U64),
        STR(struct case_followup, day, "day", 1),
        STR(struct case_followup, quarantine, "quarantine", 0),
        FLAG(struct case_followup, objection, "objection"),
        END,
};

static const struct field REPLY[] = {
        REQ(struct case_reply, n, "n", F_U32),        STR(struct case_reply, day, "day", 1),
        STR(struct case_reply, by, "by", 0),          STR(struct case_reply, status, "status", 0),
        I64(struct case_reply, sent_seq, "sent_seq"), END,
};

static const struct field NOTE[] = {
        REQ(struct case_note, n, "n", F_U32),
        STR(struct case_note, day, "day", 1),
        STR(struct case_note, by, "by", 0),
        END,
};

static const struct field MARK[] = {
        STR(struct case_mark, value, "value", 0),
        STR(struct case_mark, case_name, "case", 0),
        I64(struct case_mark, days, "days"),
        STR(struct case_mark, approved_by, "approved_by", 0),
        STR(struct case_mark, day, "day", 1),
        STR(struct case_mark, by, "by", 0),
        END,
};

static const struct field SEEN[] = {
        REQ(struct case_record, seen_through, "through", F_U64),
        STR(struct case_record, seen_day, "day", 1),
        STR(struct case_record, seen_by, "by", 0),
        END,
};

static const struct field STATEMENT[] = {
        REQ(struct case_statement, seq, "seq", F_U64),
        STR(struct case_statement, status, "status", 1),
        STR(struct case_statement, status_day, "status_day", 1),
        REQ(struct case_statement, replies, "replies", F_U64),
        REQ(struct case_statement, followups_verified, "followups_verified", F_U64),
        END,
};

/* The top-level members before the lists, and after them. */
static const struct field HEAD[] = {
        STR(struct case_record, district, "district", 1),
        REQ(struct case_record, index, "index", F_U64),
        REQ(struct case_record, lookup, "lookup", F_B64),
        REQ(struct case_record, reply_pk, "reply_pk", F_B64),
        STR(struct case_record, day, "day", 1),
        STR(struct case_record, status, "status", 1),
        STR(struct case_record, stage, "stage", 0),
        STR(struct case_record, quarantine, "quarantine", 0),
        END,
};

/* Every top-level member case_decode reads itself (not kept in rest). */
static const char *const TOP_KNOWN[] = {
        "v",       "district",  "index",   "number",     "lookup",        "reply_pk",  "sign_pk",
        "day",     "status",    "stage",   "quarantine", "real_name",     "marks",     "seen",
        "history", "followups", "replies", "notes",      "duplicated_by", "statement", NULL,
};

static const char *const MARK_NAMES[CASE_MARK_COUNT] = {
        "realname", "duplicate-of", "upper-level", "escalation", "finding", "supervise", "reported",
};

const char *
case_mark_name(enum case_mark_id m)
{
	return (unsigned)m < CASE_MARK_COUNT ? MARK_NAMES[m] : NULL;
}

enum case_mark_id
case_mark_id(const char *name)
{
	for (int m = 0; m < CASE_MARK_COUNT && name != NULL; m++)
		if (strcmp(name, MARK_NAMES[m]) == 0)
			return (enum case_mark_id)m;
	return CASE_MARK_COUNT;
}

int
case_set(char *dst, size_t n, const char *s)
{
	size_t len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len >= n)
		return -1;
	memcpy(dst, s, len + 1);
	return 0;
}

/* ---- one object <-> one struct, by table --------------------------------- */

/* Clears the optional integers of a table's struct to CASE_NONE. */
static void
fields_clear(const struct field *f, void *base)
{
	for (; f->key != NULL; f++)
		if (f->type == F_I64)
			*(int64_t *)((char *)base + f->off) = CASE_NONE;
}

static int
field_decode(const struct field *f, const json_t *j, void *base)
{
	char *p = (char *)base + f->off;
	json_int_t v = json_integer_value(j);

	if (j == NULL)
		return f->required ? -1 : 0;
	switch (f->type) {
	case F_STR:
		return json_is_string(j) ? case_set(p, f->size, json_string_value(j)) : -1;
	case F_I64:
		if (!json_is_integer(j) || v < 0)
			return -1;
		*(int64_t *)p = v;
		return 0;
	case F_U64:
		if (!json_is_integer(j) || v < 0)
			return -1;
		*(uint64_t *)p = (uint64_t)v;
		return 0;
	case F_U32:
		if (!json_is_integer(j) || v < 0 || v > (json_int_t)UINT32_MAX)
			return -1;
		*(uint32_t *)p = (uint32_t)v;
		return 0;
	case F_FLAG:
		if (!json_is_boolean(j))
			return -1;
		*(int *)p = json_is_true(j);
		return 0;
	case F_B64:
		return codec_b64u_decode_exact((uint8_t *)p, 32, json_string_value(j));
	}
	return -1;
}

/* True when key names a member of table f or is listed in skip (NULL-terminated, or NULL). */
static int
known_key(const struct field *f, const char *const *skip, const char *key)
{
	for (; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return 1;
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(*skip, key) == 0)
			return 1;
	return 0;
}

/*
 * Decodes o's members of table f into base and keeps the others in *rest
 * (NULL when there are none, the usual case: nothing is allocated then;
 * skip lists further keys handled by the caller).
 */
static int
object_decode(const struct field *f, const json_t *o, void *base, const char *const *skip,
              json_t **rest)
{
	const char *key;
	json_t *v;

	*rest = NULL;
	if (!json_is_object(o))
		return -1;
	fields_clear(f, base);
	for (const struct field *g = f; g->key != NULL; g++)
		if (field_decode(g, json_object_get(o, g->key), base) != 0)
			return -1;
	json_object_foreach((json_t *)o, key, v)
	{
		if (known_key(f, skip, key))
			continue;
		if ((*rest == NULL && (*rest = json_object()) == NULL) ||
		    json_object_set(*rest, key, v) != 0) {
			json_decref(*rest);
			*rest = NULL;
			return -1;
		}
	}
	return 0;
}

static json_t *
field_encode(const struct field *f, const void *base)
{
	const char *p = (const char *)base + f->off;

	switch (f->type) {
	case F_STR:
		return json_string(p);
	case F_I64:
		return *(const int64_t *)p >= 0 ? json_integer(*(const int64_t *)p) : NULL;
	case F_U64:
		return json_integer((json_int_t) * (const uint64_t *)p);
	case F_U32:
		return json_integer((json_int_t) * (const uint32_t *)p);
	case F_FLAG:
		return *(const int *)p ? json_true() : NULL;
	case F_B64:
		return codec_b64u_json((const uint8_t *)p, 32);
	}
	return NULL;
}

/* Sets base's members of table f on o; then rest's. Returns 0, or -1 (memory). */
static int
object_encode(const struct field *f, const void *base, const json_t *rest, json_t *o)
{
	for (; f->key != NULL; f++) {
		const char *p = (const char *)base + f->off;
		int present = f->type == F_STR    ? p[0] != '\0' || f->required
		              : f->type == F_I64  ? *(const int64_t *)(const void *)p >= 0
		              : f->type == F_FLAG ? *(const int *)(const void *)p != 0
		                                  : 1;

		if (present && json_object_set_new(o, f->key, field_encode(f, base)) != 0)
			return -1;
	}
	return rest != NULL && json_object_update_missing(o, (json_t *)rest) != 0 ? -1 : 0;
}

/* ---- lists -------------------------------------------------------------- */

/* Grows *arr (of elem-byte items, *n used) by one cleared item. Returns it or NULL. */
static void *
list_add(void **arr, size_t *n, size_t elem)
{
	char *p;

	if (*n >= CASE_LIST_MAX)
		return NULL;
	p = realloc(*arr, (*n + 1) * elem);
	if (p == NULL)
		return NULL;
	*arr = p;
	memset(p + *n * elem, 0, elem);
	return p + (*n)++ * elem;
}

/* Decodes the array o (absent: empty unless required) of objects described by f. */
static int
list_decode(const json_t *o, int required, const struct field *f, void **arr, size_t *n,
            size_t elem, size_t rest_off)
{
	size_t i;
	const json_t *it;

	if (o == NULL && !required)
		return 0;
	if (!json_is_array(o) || json_array_size(o) > CASE_LIST_MAX)
		return -1;
	json_array_foreach(o, i, it)
	{
		char *item = list_add(arr, n, elem);

		if (item == NULL ||
		    object_decode(f, it, item, NULL, (json_t **)(void *)(item + rest_off)) != 0)
			return -1;
	}
	return 0;
}

/* Sets key on o to the array of the n items of arr (omitted when empty and !always). */
static int
list_encode(json_t *o, const char *key, int always, const struct field *f, const void *arr,
            size_t n, size_t elem, size_t rest_off)
{
	json_t *a;

	if (n == 0 && !always)
		return 0;
	a = json_array();
	if (a == NULL || json_object_set_new(o, key, a) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *item = (const char *)arr + i * elem;
		json_t *j = json_object();

		if (j == NULL || json_array_append_new(a, j) != 0 ||
		    object_encode(f, item, *(json_t *const *)(const void *)(item + rest_off), j) !=
		            0)
			return -1;
	}
	return 0;
}

#define LIST_DECODE(o, req, tbl, c, arr, n, T)                                                     \
	list_decode((o), (req), (tbl), (void **)&(c)->arr, &(c)->n, sizeof(T), offsetof(T, rest))
#define LIST_ENCODE(o, key, always, tbl, c, arr, n, T)                                             \
	list_encode((o), (key), (always), (tbl), (c)->arr, (c)->n, sizeof(T), offsetof(T, rest))

/* ---- the record --------------------------------------------------------- */

static int
marks_decode(const json_t *o, struct case_record *c)
{
	const char *k;
	const json_t *v;

	for (int m = 0; m < CASE_MARK_COUNT; m++)
		c->marks[m].days = CASE_NONE;
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return -1;
	json_object_foreach((json_t *)o, k, v)
	{
		enum case_mark_id m = case_mark_id(k);

		if (m == CASE_MARK_COUNT) {
			if (c->marks_rest == NULL && (c->marks_rest = json_object()) == NULL)
				return -1;
			if (json_object_set(c->marks_rest, k, (json_t *)v) != 0)
				return -1;
			continue;
		}
		if (object_decode(MARK, v, &c->marks[m], NULL, &c->marks[m].rest) != 0)
			return -1;
		c->marks[m].set = 1;
	}
	return 0;
}

static int
duplicated_decode(const json_t *o, struct case_record *c)
{
	size_t i;
	const json_t *it;

	if (o == NULL)
		return 0;
	if (!json_is_array(o) || json_array_size(o) > CASE_LIST_MAX)
		return -1;
	json_array_foreach(o, i, it)
	{
		if (case_add_duplicated_by(c, json_string_value(it)) != 0)
			return -1;
	}
	return 0;
}

int
case_decode(const json_t *rec, struct case_record *c)
{
	const json_t *j;
	json_t *ignored = NULL;

	memset(c, 0, sizeof *c);
	c->real_name = CASE_NONE;
	if (!json_is_object(rec) || json_integer_value(json_object_get(rec, "v")) != 1 ||
	    !json_is_integer(json_object_get(rec, "v")))
		goto bad;
	if (object_decode(HEAD, rec, c, TOP_KNOWN, &c->rest) != 0 ||
	    !codec_district_valid(c->district) || !codec_day_valid(c->day))
		goto bad;
	j = json_object_get(rec, "number");
	if (j != NULL && (!json_is_integer(j) || json_integer_value(j) < 0))
		goto bad;
	c->number = (uint64_t)json_integer_value(j);
	j = json_object_get(rec, "sign_pk");
	if (j != NULL) {
		if (codec_b64u_decode_exact(c->sign_pk, 32, json_string_value(j)) != 0)
			goto bad;
		c->has_sign_pk = 1;
	}
	j = json_object_get(rec, "real_name");
	if (j != NULL) {
		if (!json_is_boolean(j))
			goto bad;
		c->real_name = json_is_true(j);
	}
	j = json_object_get(rec, "seen");
	if (j != NULL) {
		if (object_decode(SEEN, j, c, NULL, &ignored) != 0)
			goto bad;
		json_decref(ignored);
		c->seen_set = 1;
	}
	j = json_object_get(rec, "statement");
	if (j != NULL) {
		if (object_decode(STATEMENT, j, &c->statement, NULL, &c->statement.rest) != 0)
			goto bad;
		c->statement.set = 1;
	}
	if (marks_decode(json_object_get(rec, "marks"), c) != 0 ||
	    LIST_DECODE(json_object_get(rec, "history"), 1, EVENT, c, history, nhistory,
	                struct case_event) != 0 ||
	    LIST_DECODE(json_object_get(rec, "followups"), 1, FOLLOWUP, c, followups, nfollowups,
	                struct case_followup) != 0 ||
	    LIST_DECODE(json_object_get(rec, "replies"), 1, REPLY, c, replies, nreplies,
	                struct case_reply) != 0 ||
	    LIST_DECODE(json_object_get(rec, "notes"), 0, NOTE, c, notes, nnotes,
	                struct case_note) != 0 ||
	    duplicated_decode(json_object_get(rec, "duplicated_by"), c) != 0)
		goto bad;
	return 0;
bad:
	case_free(c);
	return -1;
}

static int
marks_encode(json_t *o, const struct case_record *c)
{
	json_t *m = NULL;

	for (int i = 0; i < CASE_MARK_COUNT; i++) {
		json_t *one;

		if (!c->marks[i].set)
			continue;
		if (m == NULL &&
		    ((m = json_object()) == NULL || json_object_set_new(o, "marks", m) != 0))
			return -1;
		one = json_object();
		if (one == NULL || json_object_set_new(m, MARK_NAMES[i], one) != 0 ||
		    object_encode(MARK, &c->marks[i], c->marks[i].rest, one) != 0)
			return -1;
	}
	if (c->marks_rest == NULL)
		return 0;
	if (m == NULL && ((m = json_object()) == NULL || json_object_set_new(o, "marks", m) != 0))
		return -1;
	return json_object_update_missing(m, c->marks_rest) != 0 ? -1 : 0;
}

json_t *
case_encode(const struct case_record *c)
{
	json_t *o = json_object(), *seen, *dup;
	int bad = o == NULL || json_object_set_new(o, "v", json_integer(1)) != 0 ||
	          object_encode(HEAD, c, NULL, o) != 0;

	if (!bad && c->number != 0)
		bad = json_object_set_new(o, "number", json_integer((json_int_t)c->number)) != 0;
	if (!bad && c->has_sign_pk)
		bad = json_object_set_new(o, "sign_pk", codec_b64u_json(c->sign_pk, 32)) != 0;
	if (!bad && c->real_name != CASE_NONE)
		bad = json_object_set_new(o, "real_name", json_boolean(c->real_name)) != 0;
	if (!bad && c->seen_set) {
		seen = json_object();
		bad = seen == NULL || json_object_set_new(o, "seen", seen) != 0 ||
		      object_encode(SEEN, c, NULL, seen) != 0;
	}
	if (!bad && c->statement.set) {
		json_t *st = json_object();

		bad = st == NULL || json_object_set_new(o, "statement", st) != 0 ||
		      object_encode(STATEMENT, &c->statement, c->statement.rest, st) != 0;
	}
	bad = bad || marks_encode(o, c) != 0 ||
	      LIST_ENCODE(o, "history", 1, EVENT, c, history, nhistory, struct case_event) != 0 ||
	      LIST_ENCODE(o, "followups", 1, FOLLOWUP, c, followups, nfollowups,
	                  struct case_followup) != 0 ||
	      LIST_ENCODE(o, "replies", 1, REPLY, c, replies, nreplies, struct case_reply) != 0 ||
	      LIST_ENCODE(o, "notes", 0, NOTE, c, notes, nnotes, struct case_note) != 0;
	if (!bad && c->nduplicated_by > 0) {
		dup = json_array();
		bad = dup == NULL || json_object_set_new(o, "duplicated_by", dup) != 0;
		for (size_t i = 0; !bad && i < c->nduplicated_by; i++)
			bad = json_array_append_new(dup, json_string(c->duplicated_by[i])) != 0;
	}
	if (!bad && c->rest != NULL)
		bad = json_object_update_missing(o, c->rest) != 0;
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
case_encode_event(const struct case_event *e)
{
	json_t *o = json_object();

	if (o != NULL && object_encode(EVENT, e, e->rest, o) != 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

const char *
case_mark_other(const struct case_record *c, size_t i, struct case_mark *m)
{
	void *it = c->marks_rest != NULL ? json_object_iter(c->marks_rest) : NULL;
	json_t *rest = NULL;

	for (; it != NULL && i > 0; i--)
		it = json_object_iter_next(c->marks_rest, it);
	if (it == NULL)
		return NULL;
	memset(m, 0, sizeof *m);
	if (object_decode(MARK, json_object_iter_value(it), m, NULL, &rest) != 0) {
		memset(m, 0, sizeof *m); /* not a mark's form: shown by its name alone */
		m->days = CASE_NONE;
	}
	json_decref(rest);
	m->rest = NULL;
	m->set = 1;
	return json_object_iter_key(it);
}

void
case_free(struct case_record *c)
{
	for (size_t i = 0; i < c->nhistory; i++)
		json_decref(c->history[i].rest);
	for (size_t i = 0; i < c->nfollowups; i++)
		json_decref(c->followups[i].rest);
	for (size_t i = 0; i < c->nreplies; i++)
		json_decref(c->replies[i].rest);
	for (size_t i = 0; i < c->nnotes; i++)
		json_decref(c->notes[i].rest);
	for (int m = 0; m < CASE_MARK_COUNT; m++)
		json_decref(c->marks[m].rest);
	json_decref(c->marks_rest);
	json_decref(c->statement.rest);
	json_decref(c->rest);
	free(c->history);
	free(c->followups);
	free(c->replies);
	free(c->notes);
	free(c->duplicated_by);
	memset(c, 0, sizeof *c);
	c->real_name = CASE_NONE;
	for (int m = 0; m < CASE_MARK_COUNT; m++)
		c->marks[m].days = CASE_NONE;
}

struct case_event *
case_add_event(struct case_record *c, const char *day, const char *by, const char *event)
{
	struct case_event *e;

	if (day == NULL || by == NULL || event == NULL || strlen(day) >= CASE_DAY_BUF ||
	    strlen(by) >= CASE_TEXT_BUF || strlen(event) >= CASE_WORD_BUF)
		return NULL;
	e = list_add((void **)&c->history, &c->nhistory, sizeof *e);
	if (e == NULL)
		return NULL;
	fields_clear(EVENT, e);
	CASE_SET(e->day, day);
	CASE_SET(e->by, by);
	CASE_SET(e->event, event);
	return e;
}

struct case_followup *
case_add_followup(struct case_record *c)
{
	return list_add((void **)&c->followups, &c->nfollowups, sizeof *c->followups);
}

struct case_reply *
case_add_reply(struct case_record *c)
{
	struct case_reply *r = list_add((void **)&c->replies, &c->nreplies, sizeof *r);

	if (r != NULL)
		r->sent_seq = CASE_NONE;
	return r;
}

struct case_note *
case_add_note(struct case_record *c)
{
	return list_add((void **)&c->notes, &c->nnotes, sizeof *c->notes);
}

int
case_add_duplicated_by(struct case_record *c, const char *name)
{
	char(*slot)[CASE_NAME_BUF];

	if (name == NULL || strlen(name) >= CASE_NAME_BUF)
		return -1;
	slot = list_add((void **)&c->duplicated_by, &c->nduplicated_by, sizeof *slot);
	if (slot == NULL)
		return -1;
	CASE_SET(*slot, name);
	return 0;
}
