/*
 * config: the server's DATA/config.json (DESIGN.md §3): where it listens,
 * its limits, proof-of-work difficulty, day offset, and the districts'
 * public key objects. Unknown keys are refused so a typo never silently
 * leaves a default in force.
 */
#ifndef QF_INTAKE_CONFIG_H
#define QF_INTAKE_CONFIG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/keyfile.h"

#define CONFIG_MAX_DISTRICTS 64
#define CONFIG_LEVEL_BUF     16

/*
 * Where a commission stands in the tree (DESIGN.md §14): server-side
 * attributes, not part of the key files. level is "district" (default),
 * "city" or "province"; parent is the id of the commission one level up,
 * or "" for none.
 */
struct config_tier {
	char level[CONFIG_LEVEL_BUF];
	char parent[CODEC_DISTRICT_BUF];
};

struct config {
	char listen[128];        /* "127.0.0.1:8080" or "[::1]:8080" */
	char web_root[1024];     /* "" = the built or installed web pages */
	unsigned pow_difficulty; /* leading zero bits; 0 disables */
	unsigned pow_ttl;        /* seconds a challenge stays valid */
	unsigned pow_spent_max;  /* spent challenges held per pow_ttl window (memory) */
	uint64_t max_envelope_bytes;
	char day_offset[8]; /* "+08:00" */
	int day_offset_minutes;
	int purge_acked;        /* delete envelopes once the district acknowledged them */
	uint64_t quota_bytes;   /* per district */
	uint64_t map_max_bytes; /* LMDB map cap */
	unsigned max_connections;
	uint64_t upload_memory_bytes;  /* room for request bodies over 64 KiB in flight */
	unsigned request_timeout;      /* seconds for a whole request to arrive */
	unsigned status_per_minute;    /* status requests per lookup per minute */
	unsigned nojs_per_day;         /* no-JS reports per district per day */
	unsigned nojs_min_seconds;     /* a no-JS form must be open this long before it is sent */
	unsigned nojs_patient_seconds; /* forms open this long skip the no-JS rate limit */
	size_t ndistricts;
	struct keyfile_public districts[CONFIG_MAX_DISTRICTS];
	struct config_tier tiers[CONFIG_MAX_DISTRICTS]; /* tiers[i] belongs to districts[i] */
};

/* Fills c with the defaults. Cannot fail. */
void config_defaults(struct config *c);

/*
 * Reads path into c (defaults for absent keys). Returns 0, or -1 with a
 * one-line reason in err (errsz bytes) naming the file and the key at fault.
 */
int config_load(struct config *c, const char *path, char *err, size_t errsz);

/*
 * Writes c to path atomically (temporary file, fsync, rename, fsync of the
 * directory), mode 0600. Returns 0, or -1 with errno set.
 */
int config_save(const struct config *c, const char *path);

/*
 * Adds or, when replace is set, replaces district pub. Returns 0, or -1 when
 * the id exists with other keys and replace is not set, or the list is full.
 */
int config_add_district(struct config *c, const struct keyfile_public *pub, int replace);

/* The district with this id, or NULL. */
const struct keyfile_public *config_district(const struct config *c, const char *id);

/* The tier (level, parent) of district id, or NULL when there is no such district. */
const struct config_tier *config_tier(const struct config *c, const char *id);

/* 1 when level is "district", "city" or "province"; 0 otherwise (NULL too). */
int config_level_valid(const char *level);

/*
 * Sets district id's level (when level is not NULL) and parent (when
 * set_parent: parent, or none when parent is NULL or ""), then checks the
 * whole tree. Returns NULL with c changed, or a static one-line reason with
 * c unchanged: no such district, an invalid level, a parent that does not
 * exist, is the district itself, or makes a cycle.
 */
const char *config_set_tier(struct config *c, const char *id, const char *level, int set_parent,
                            const char *parent);

/*
 * Checks the tree: every parent exists and no chain of parents loops.
 * Returns NULL, or a static one-line reason.
 */
const char *config_tree_check(const struct config *c);

/* The number of districts whose parent is id. Cannot fail. */
size_t config_children(const struct config *c, const char *id);

#endif
