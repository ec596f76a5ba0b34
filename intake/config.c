/* config: see config.h. */
#include "intake/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/fileio.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	c->pow_difficulty = 18;
	c->pow_ttl = 600;
	c->pow_spent_max = 262144;
	c->max_envelope_bytes = 20u << 20;
	snprintf(c->day_offset, sizeof c->day_offset, "+08:00");
	c->day_offset_minutes = 480;
	c->purge_acked = 1;
	c->quota_bytes = 4ULL << 30;
	c->map_max_bytes = 16ULL << 30;
	c->max_connections = 512;
	c->upload_memory_bytes = 256u << 20;
	c->request_timeout = 60;
	c->status_per_minute = 10;
	c->nojs_per_day = 50;
	c->nojs_min_seconds = 15;
	c->nojs_patient_seconds = 120;
}

static int
fail(char *err, size_t errsz, const char *path, const char *what, const char *key)
{
	snprintf(err, errsz, "%s: %s%s%s", path, what, key ? ": " : "", key ? key : "");
	return -1;
}

static int
get_uint(const json_t *v, uint64_t max, uint64_t *out)
{
	json_int_t i;

	if (!json_is_integer(v))
		return -1;
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return -1;
	*out = (uint64_t)i;
	return 0;
}

/*
 * Reads a district object's optional "level" (default "district") and
 * "parent" (a district id, or null/absent for none) into t. Returns 0, or
 * -1 when one is malformed.
 */
static int
tier_from_json(struct config_tier *t, const json_t *d)
{
	const json_t *l = json_object_get(d, "level"), *p = json_object_get(d, "parent");

	memset(t, 0, sizeof *t);
	snprintf(t->level, sizeof t->level, "district");
	if (l != NULL) {
		if (!config_level_valid(json_string_value(l)))
			return -1;
		snprintf(t->level, sizeof t->level, "%s", json_string_value(l));
	}
	if (p != NULL && !json_is_null(p)) {
		if (!codec_district_valid(json_string_value(p)))
			return -1;
		snprintf(t->parent, sizeof t->parent, "%s", json_string_value(p));
	}
	return 0;
}

int
config_load(struct config *c, const char *path, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	uint64_t u = 0;

	config_defaults(c);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errsz, "%s: %s (line %d)", path, jerr.text, jerr.line);
		return -1;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(err, errsz, path, "not a JSON object", NULL);
	}
	json_object_foreach(root, key, v)
	{
		int bad = 0;

		if (strcmp(key, "listen") == 0 || strcmp(key, "web_root") == 0 ||
		    strcmp(key, "day_offset") == 0) {
			const char *s = json_string_value(v);
			char *dst = key[0] == 'l'   ? c->listen
			            : key[0] == 'w' ? c->web_root
			                            : c->day_offset;
			size_t dsz = key[0] == 'l'   ? sizeof c->listen
			             : key[0] == 'w' ? sizeof c->web_root
			                             : sizeof c->day_offset;
			if (s == NULL || strlen(s) >= dsz)
				bad = 1;
			else
				snprintf(dst, dsz, "%s", s);
			if (!bad && key[0] == 'd' &&
			    codec_offset_parse(c->day_offset, &c->day_offset_minutes) != 0)
				bad = 1;
		} else if (strcmp(key, "pow_difficulty") == 0) {
			bad = get_uint(v, 40, &u) != 0;
			c->pow_difficulty = (unsigned)u;
		} else if (strcmp(key, "pow_ttl") == 0) {
			bad = get_uint(v, 86400, &u) != 0 || u < 10;
			c->pow_ttl = (unsigned)u;
		} else if (strcmp(key, "pow_spent_max") == 0) {
			bad = get_uint(v, 1u << 24, &u) != 0 || u < 1024;
			c->pow_spent_max = (unsigned)u;
		} else if (strcmp(key, "max_envelope_bytes") == 0) {
			bad = get_uint(v, 1ULL << 30, &c->max_envelope_bytes) != 0 ||
			      c->max_envelope_bytes < 8192;
		} else if (strcmp(key, "purge_acked") == 0) {
			bad = !json_is_boolean(v);
			c->purge_acked = json_is_true(v);
		} else if (strcmp(key, "quota_bytes") == 0) {
			bad = get_uint(v, UINT64_MAX >> 1, &c->quota_bytes) != 0;
		} else if (strcmp(key, "map_max_bytes") == 0) {
			bad = get_uint(v, 1ULL << 44, &c->map_max_bytes) != 0 ||
			      c->map_max_bytes < (1u << 20);
		} else if (strcmp(key, "max_connections") == 0) {
			bad = get_uint(v, 100000, &u) != 0 || u < 4;
			c->max_connections = (unsigned)u;
		} else if (strcmp(key, "upload_memory_bytes") == 0) {
			bad = get_uint(v, 1ULL << 40, &c->upload_memory_bytes) != 0 ||
			      c->upload_memory_bytes < (1u << 20);
		} else if (strcmp(key, "request_timeout") == 0) {
			bad = get_uint(v, 3600, &u) != 0 || u < 1;
			c->request_timeout = (unsigned)u;
		} else if (strcmp(key, "status_per_minute") == 0) {
			bad = get_uint(v, 100000, &u) != 0 || u < 1;
			c->status_per_minute = (unsigned)u;
		} else if (strcmp(key, "nojs_per_day") == 0) {
			bad = get_uint(v, 100000, &u) != 0;
			c->nojs_per_day = (unsigned)u;
		} else if (strcmp(key, "nojs_min_seconds") == 0) {
			bad = get_uint(v, 3600, &u) != 0;
			c->nojs_min_seconds = (unsigned)u;
		} else if (strcmp(key, "nojs_patient_seconds") == 0) {
			bad = get_uint(v, 86400, &u) != 0;
			c->nojs_patient_seconds = (unsigned)u;
		} else if (strcmp(key, "districts") == 0) {
			size_t i;
			json_t *d;

			if (!json_is_array(v) || json_array_size(v) > CONFIG_MAX_DISTRICTS) {
				bad = 1;
			} else {
				json_array_foreach(v, i, d)
				{
					struct keyfile_public pub;

					if (keyfile_public_from_json(&pub, d) != KEYFILE_OK ||
					    config_district(c, pub.id) != NULL ||
					    tier_from_json(&c->tiers[c->ndistricts], d) != 0) {
						char what[64];
						snprintf(what, sizeof what, "districts[%zu]", i);
						json_decref(root);
						return fail(err, errsz, path,
						            "bad or duplicate district public key "
						            "(or a bad level or parent)",
						            what);
					}
					c->districts[c->ndistricts++] = pub;
				}
			}
		} else {
			fail(err, errsz, path, "unknown key", key); /* key lives in root */
			json_decref(root);
			return -1;
		}
		if (bad) {
			fail(err, errsz, path, "bad value for", key);
			json_decref(root);
			return -1;
		}
	}
	json_decref(root);
	{
		const char *why = config_tree_check(c);

		if (why != NULL)
			return fail(err, errsz, path, why, "districts");
	}
	if (c->nojs_patient_seconds < c->nojs_min_seconds)
		return fail(err, errsz, path, "nojs_patient_seconds is below", "nojs_min_seconds");
	return 0;
}

static json_t *
config_to_json(const struct config *c)
{
	json_t *d = json_array();
	json_t *root;

	for (size_t i = 0; d != NULL && i < c->ndistricts; i++) {
		json_t *o = keyfile_public_to_json(&c->districts[i]);
		const struct config_tier *t = &c->tiers[i];

		if (o != NULL) {
			json_object_set_new(o, "level", json_string(t->level));
			json_object_set_new(o, "parent",
			                    t->parent[0] ? json_string(t->parent) : json_null());
		}
		json_array_append_new(d, o);
	}
	root = json_pack(
	        "{s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, "
	        "s:I, s:I, s:I, s:o*}",
	        "listen", c->listen, "web_root", c->web_root, "pow_difficulty",
	        (json_int_t)c->pow_difficulty, "pow_ttl", (json_int_t)c->pow_ttl, "pow_spent_max",
	        (json_int_t)c->pow_spent_max, "max_envelope_bytes",
	        (json_int_t)c->max_envelope_bytes, "day_offset", c->day_offset, "purge_acked",
	        c->purge_acked, "quota_bytes", (json_int_t)c->quota_bytes, "map_max_bytes",
	        (json_int_t)c->map_max_bytes, "max_connections", (json_int_t)c->max_connections,
	        "upload_memory_bytes", (json_int_t)c->upload_memory_bytes, "request_timeout",
	        (json_int_t)c->request_timeout, "status_per_minute",
	        (json_int_t)c->status_per_minute, "nojs_per_day", (json_int_t)c->nojs_per_day,
	        "nojs_min_seconds", (json_int_t)c->nojs_min_seconds, "nojs_patient_seconds",
	        (json_int_t)c->nojs_patient_seconds, "districts", d);
	return root;
}

int
config_save(const struct config *c, const char *path)
{
	char tmp[4096];
	json_t *root = config_to_json(c);
	char *text;
	size_t len;
	int fd, saved;

	if (root == NULL) {
		errno = ENOMEM;
		return -1;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		free(text);
		errno = ENAMETOOLONG;
		return -1;
	}
	unlink(tmp);
	fd = fileio_create(tmp, 0600);
	if (fd < 0) {
		free(text);
		return -1;
	}
	if (fileio_write_all(fd, text, len) != 0 || fileio_write_all(fd, "\n", 1) != 0 ||
	    fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		free(text);
		errno = saved;
		return -1;
	}
	free(text);
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	(void)fileio_sync_dir_of(path); /* the file itself is synced */
	return 0;
}

const struct keyfile_public *
config_district(const struct config *c, const char *id)
{
	for (size_t i = 0; i < c->ndistricts; i++)
		if (strcmp(c->districts[i].id, id) == 0)
			return &c->districts[i];
	return NULL;
}

int
config_add_district(struct config *c, const struct keyfile_public *pub, int replace)
{
	for (size_t i = 0; i < c->ndistricts; i++) {
		if (strcmp(c->districts[i].id, pub->id) != 0)
			continue;
		if (memcmp(c->districts[i].box_pk, pub->box_pk, 32) == 0 &&
		    memcmp(c->districts[i].sign_pk, pub->sign_pk, 32) == 0) {
			c->districts[i] = *pub; /* same keys: the name may change */
			return 0;
		}
		if (!replace)
			return -1;
		c->districts[i] = *pub;
		return 0;
	}
	if (c->ndistricts >= CONFIG_MAX_DISTRICTS)
		return -1;
	memset(&c->tiers[c->ndistricts], 0, sizeof c->tiers[0]);
	snprintf(c->tiers[c->ndistricts].level, CONFIG_LEVEL_BUF, "district");
	c->districts[c->ndistricts++] = *pub;
	return 0;
}

static long
district_index(const struct config *c, const char *id)
{
	for (size_t i = 0; id != NULL && i < c->ndistricts; i++)
		if (strcmp(c->districts[i].id, id) == 0)
			return (long)i;
	return -1;
}

const struct config_tier *
config_tier(const struct config *c, const char *id)
{
	long i = district_index(c, id);

	return i < 0 ? NULL : &c->tiers[i];
}

int
config_level_valid(const char *level)
{
	return level != NULL && (strcmp(level, "district") == 0 || strcmp(level, "city") == 0 ||
	                         strcmp(level, "province") == 0);
}

const char *
config_tree_check(const struct config *c)
{
	for (size_t i = 0; i < c->ndistricts; i++) {
		const char *p = c->tiers[i].parent;
		size_t steps = 0;

		if (p[0] == '\0')
			continue;
		if (district_index(c, p) < 0)
			return "a district's parent is not a district of this server";
		/* walking up must end within ndistricts steps, or it loops */
		for (long j = (long)i; c->tiers[j].parent[0] != '\0'; steps++) {
			if (steps >= c->ndistricts)
				return "the parents of the districts make a cycle";
			j = district_index(c, c->tiers[j].parent);
			if (j < 0)
				return "a district's parent is not a district of this server";
		}
	}
	return NULL;
}

const char *
config_set_tier(struct config *c, const char *id, const char *level, int set_parent,
                const char *parent)
{
	long i = district_index(c, id);
	struct config_tier saved;
	const char *why;

	if (i < 0)
		return "no such district on this server";
	if (level != NULL && !config_level_valid(level))
		return "--level must be district, city or province";
	if (set_parent && parent != NULL && parent[0] != '\0') {
		if (!codec_district_valid(parent) || district_index(c, parent) < 0)
			return "the parent is not a district of this server (add it first)";
		if (strcmp(parent, id) == 0)
			return "a district cannot be its own parent";
	}
	saved = c->tiers[i];
	if (level != NULL)
		snprintf(c->tiers[i].level, CONFIG_LEVEL_BUF, "%s", level);
	if (set_parent)
		snprintf(c->tiers[i].parent, CODEC_DISTRICT_BUF, "%s",
		         parent != NULL ? parent : "");
	why = config_tree_check(c);
	if (why != NULL)
		c->tiers[i] = saved;
	return why;
}

size_t
config_children(const struct config *c, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ndistricts; i++)
		if (strcmp(c->tiers[i].parent, id) == 0)
			n++;
	return n;
}
