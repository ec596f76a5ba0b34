/*
 * update: the signed update bundle (.qfu, DESIGN.md §10) that carries the
 * district's decisions back across the air gap: what updates the server has
 * not applied carried (§15: replies and statuses carried again, in their
 * order), every queued status change and reply in the order queued, the
 * district's signed statement for each case that changed or has none yet
 * (§15), and the acknowledgement of everything ingested (acks_through = the
 * archive's verified size, head = the chain value there). The file is
 * written, fsynced and closed before the archive records the update (seq and
 * acks; in each case it touched, through struct case_record, the history
 * events and replies it carried marked sent_seq and its statement kept as
 * "statement", all in one transaction); if that fails the file is removed.
 */
#ifndef QF_ADMIN_UPDATE_H
#define QF_ADMIN_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "admin/session.h"
#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

struct update_result {
	uint64_t seq;
	uint64_t acks_through;
	uint64_t status_ops;
	uint64_t reply_ops;
	uint64_t case_ops;  /* signed case statements (§15) */
	uint64_t recarried; /* cases whose unapplied operations were carried again */
};

/*
 * Writes the update of district (whose unlocked key is key) to path, which
 * must not exist (created O_EXCL|O_NOFOLLOW, mode 0600), dated day, and
 * records it. Returns 0 with r filled, or -1 with a one-line reason in err;
 * then the archive is unchanged and nothing is left at path.
 */
int update_write(struct archive *a, const char *district, const struct keyfile_secret *key,
                 const char *path, const char *day, struct update_result *r, char *err,
                 size_t errsz);

/*
 * update --archive DIR [--district ID] --out FILE.qfu: the district (or the
 * archive's only one), its key unlocked, update_write, and what the update
 * carries printed. Returns CLI_EXIT_OK or CLI_EXIT_USER (said why).
 */
int update_command(struct session *s, const struct session_args *o);

#endif
