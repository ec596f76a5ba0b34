/*
 * manifest: the manifests of reports and follow-ups (DESIGN.md §6), built
 * in one place for both senders: the reporter CLI (report/) and the
 * server's no-JavaScript form (intake/nojs). Checks a report's fields
 * (enumerations, UTF-8), builds the manifest JSON in exactly the shape of §6
 * with Jansson, and serialises it. A manifest is plaintext: its text lives
 * in sodium_malloc'd memory (manifest_text_free wipes it) and its JSON is
 * freed with manifest_free, which wipes its strings first.
 */
#ifndef QF_CRYPTO_MANIFEST_H
#define QF_CRYPTO_MANIFEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What an attachment file contributes to a manifest. */
struct manifest_file {
	char *path;       /* as given, malloc'd */
	char *name;       /* the name it is sent under, malloc'd: its base name, or 附件N.ext */
	const char *type; /* a static MIME type, from the original name */
	uint64_t size;    /* bytes, from stat, or of data */
	/*
	 * What is sent instead of the file on disk (a cleaned image,
	 * report/metastrip.h), sodium_malloc'd and wiped by manifest_file_clear;
	 * NULL: the file is read from path when it is sealed.
	 */
	uint8_t *data;
};

/*
 * The content of a report, one field per option. Strings are borrowed and
 * never NULL after manifest_report_defaults; body may hold NUL bytes.
 */
struct manifest_report {
	const char *district, *lang;
	const char *type, *category, *subcategory, *town, *title, *when, *where;
	const char *body;
	size_t body_len;
	struct {
		const char *name, *unit, *area, *position, *level, *party_member;
	} subject;
	int real_name; /* identity object (1) or null (0) */
	struct {
		const char *name, *phone, *id_number, *unit, *address;
	} identity;
	/*
	 * Routed (§14): the id of the district the report concerns, when it is
	 * sealed to that district's parent instead; NULL otherwise. Goes into
	 * "report" as its last key, "concerns".
	 */
	const char *concerns;
};

/* Sets the defaults: type "accusation", category "other", level and
 * party_member "unknown", lang zh-CN, every other string "" and real_name 0.
 * Cannot fail. */
void manifest_report_defaults(struct manifest_report *r);

/*
 * Checks a report's options. Returns NULL when they are fine, or a static
 * one-line message naming the wrong option and what it accepts, e.g.
 * "--type must be one of: accusation appeal suggestion" (the words of
 * crypto/vocab.def): for a district that is
 * not a district id, a type, category, level or party_member outside §6, a
 * lang that is not a language tag, an empty title or body, or a field that is
 * not UTF-8 text.
 */
const char *manifest_report_check(const struct manifest_report *r);

/*
 * Checks a follow-up's purpose. Returns NULL for a word of QF_PURPOSE
 * (crypto/vocab.def), else the message "--purpose must be one of: ..." listing them.
 */
const char *manifest_purpose_check(const char *purpose);

/*
 * Builds the report manifest of §6 with the files as its attachments, in
 * order. Returns a new reference, or NULL when r does not pass
 * manifest_report_check, a file name is not UTF-8, or memory runs out.
 */
json_t *manifest_report_build(const struct manifest_report *r, const struct manifest_file *files,
                              size_t nfiles);

/*
 * Builds {"v":1,"kind":"followup","district","lookup","purpose","body",
 * "attachments"}. Returns a new reference, or NULL when district or purpose
 * are invalid, body or a file name is not UTF-8, or memory runs out.
 */
json_t *manifest_followup_build(const char *district, const uint8_t lookup[32], const char *purpose,
                                const char *body, size_t body_len,
                                const struct manifest_file *files, size_t nfiles);

/*
 * Serialises a manifest compactly (keys in the order §6 gives) into a new
 * sodium_malloc'd NUL-terminated text. Returns 0 with *out and *len set, or
 * -1 when memory runs out.
 */
int manifest_text(char **out, size_t *len, const json_t *manifest);

/* Wipes and frees a text from manifest_text; NULL is fine. Cannot fail. */
void manifest_text_free(char *text);

/* Wipes every string in a manifest (or any JSON value), recursively; NULL is fine. Cannot fail. */
void manifest_wipe(json_t *j);

/* manifest_wipe, then drops the reference; NULL is fine. Cannot fail. */
void manifest_free(json_t *manifest);

#endif
