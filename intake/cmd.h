/*
 * cmd: the operator's commands of qingfeng-intake (DESIGN.md §11) other
 * than serve: init, district add, backup, check, export and import. Each
 * returns the process exit code (0 success, 1 a problem it names on stderr,
 * 2 a usage error) and never exits itself.
 */
#ifndef QF_INTAKE_CMD_H
#define QF_INTAKE_CMD_H

/* `init --data DIR`: a new data directory with a server key and default config. */
int cmd_init(const char *dir);

/*
 * `district add --data DIR FILE [--replace] [--level L] [--parent ID]`:
 * adds a district's public key object, placed in the tree (§14) when level
 * or parent is not NULL. Returns the exit code (1 with a message naming the
 * problem; nothing is changed then).
 */
int cmd_district_add(const char *dir, const char *file, int replace, const char *level,
                     const char *parent);

/*
 * `district set --data DIR ID [--level L] [--parent ID | --no-parent]`:
 * changes a commission's level and (with set_parent) its parent, NULL for
 * none. The tree is checked whole (the parent exists, no cycles). Returns
 * the exit code.
 */
int cmd_district_set(const char *dir, const char *id, const char *level, int set_parent,
                     const char *parent);

/* `backup --data DIR --out FILE`: a hot, consistent, compacted copy of the store. */
int cmd_backup(const char *dir, const char *out);

/* `check --data DIR`: verifies every chain and the store's invariants. */
int cmd_check(const char *dir);

/*
 * `stats --data DIR [--json]`: counts and storage use for monitoring, per
 * district and in total; nothing identifying (no lookups, no days).
 */
int cmd_stats(const char *dir, int json);

/*
 * `oversight --data DIR --under ID --out FILE.qfo` (§16): the server-signed
 * oversight bundle for commission ID and every commission below it: the
 * chains (no envelopes), the applied updates and every case statement. No
 * content, receipt, identity or time finer than a day. Returns the exit
 * code; on failure no file is left.
 */
int cmd_oversight(const char *dir, const char *under, const char *out);

/* `export --data DIR --district ID --out FILE`: the signed export bundle. */
int cmd_export(const char *dir, const char *district, const char *out);

/* `import --data DIR FILE`: applies a signed update bundle. */
int cmd_import(const char *dir, const char *file);

#endif
