/*
 * ingest: takes an export bundle (.qfx, DESIGN.md §10) from the server into
 * the offline archive, proving on the way that nothing was dropped,
 * reordered or altered. The bundle is read as a stream (crypto/bundle.h);
 * every check runs on every entry, and the archive is changed in one write
 * transaction that is committed only when the server's signature verified
 * and no check failed. A refused bundle leaves the archive as it was and
 * names every index that is missing, out of place or altered.
 */
#ifndef QF_ADMIN_INGEST_H
#define QF_ADMIN_INGEST_H

#include <stdint.h>
#include <stdio.h>

#include "admin/session.h"
#include "crypto/bundle.h"
#include "crypto/codec.h"
#include "crypto/keyfile.h"
#include "store/archive.h"

/* Longest bundle line accepted (an entry carries a whole envelope in b64u). */
#define INGEST_MAX_LINE ((size_t)768 << 20)
/* stdio buffer for reading a bundle (ingest_command). */
#define INGEST_READ_BUF ((size_t)1 << 20)
/*
 * ingest_run's pipeline: the main thread reads lines, hashes them and
 * applies the entries in order; up to INGEST_WORKERS_MAX worker threads (one
 * per online core) parse the lines, decode and open the envelopes ahead of
 * it. At most INGEST_DEPTH lines are in flight, and a new one is read only
 * while the lines and decoded envelopes in flight hold less than
 * INGEST_INFLIGHT_BYTES, or when none is: so at most that plus one line of
 * INGEST_MAX_LINE and its envelope (as without the pipeline). With 6 KB
 * entries the depth is the bound: 128 x (8 KB line + 4 KB envelope).
 */
#define INGEST_WORKERS_MAX    4
#define INGEST_DEPTH          128
#define INGEST_INFLIGHT_BYTES ((size_t)64 << 20)

enum ingest_outcome {
	INGEST_DONE = 0,    /* new entries (or a newly pinned key) committed */
	INGEST_NOOP = 1,    /* nothing new: the archive already held everything */
	INGEST_REFUSED = 2, /* verification failed: nothing written, see message */
	INGEST_FAILED = 3   /* the archive or the file failed: nothing written */
};

/* The export header, read by ingest_open before anything else. */
struct ingest {
	struct bundle_reader r;
	char district[CODEC_DISTRICT_BUF];
	uint8_t server_pk[32];
	uint64_t from, to;
	uint8_t prev_head[32];
	uint8_t head[32];
	char day[CODEC_DAY_LEN + 1];
	int has_applied;      /* the header says which updates the server applied (§15) */
	uint64_t applied_seq; /* ... the highest of them */
	/*
	 * Left 0 by ingest_open (the defaults); tests set them before
	 * ingest_run. workers: 0 one per online core (1..INGEST_WORKERS_MAX),
	 * n > 0 that many (at most INGEST_WORKERS_MAX), -1 no threads (every
	 * entry on the calling thread). depth: lines in flight, 0 INGEST_DEPTH.
	 */
	int workers;
	size_t depth;
};

struct ingest_result {
	int outcome;
	uint64_t added;       /* entries newly stored */
	uint64_t quarantined; /* ... of which quarantined (§10: kept, named, acknowledged) */
	uint64_t skipped;     /* entries already held, identical */
	uint64_t size;        /* the archive's verified size for the district afterwards */
	int key_pinned;       /* 1: server key pinned now, 2: replaced (--accept-new-server-key) */
	char server_fp[KEYFILE_FINGERPRINT_BUF];
	uint64_t *bad; /* indices named by the refusal, ascending, no repeats */
	size_t nbad;
	char *message; /* one line: what was refused and why, or what was done */
	/*
	 * Updates the archive wrote that the server has not applied (yet):
	 * unapplied_first..unapplied_last (none when first is 0). The next
	 * update carries again what they carried (§15).
	 */
	uint64_t unapplied_first, unapplied_last;
};

/*
 * Starts reading the bundle in f and checks its header line: type
 * "qingfeng-export", v 1, a valid district, server_sign_pk, from >= 1,
 * to >= from - 1, prev_head, head and day. Returns 0, or -1 with a one-line
 * reason in err. Release with ingest_close either way.
 */
int ingest_open(struct ingest *g, FILE *f, char *err, size_t errsz);

/*
 * Reads the rest of the bundle and ingests it into a (created for the
 * district if new) using key, the unlocked key of the header's district,
 * to open every new envelope. key_path, when non-NULL, is remembered as the
 * district's key file. accept_new_key allows a bundle signed by a server
 * key other than the pinned one (and re-pins). progress shows progress on a
 * terminal. Fills res (free with ingest_result_free) and returns its
 * outcome.
 */
int ingest_run(struct ingest *g, struct archive *a, const struct keyfile_secret *key,
               const char *key_path, int accept_new_key, int progress, struct ingest_result *res);

/* Releases the reader (not the FILE). Cannot fail. */
void ingest_close(struct ingest *g);

/* Frees what res holds and zeroes it. Cannot fail. */
void ingest_result_free(struct ingest_result *res);

/*
 * ingest --archive DIR FILE.qfx: verifies and stores a bundle (the key from
 * --key, remembered, or the one the archive remembers; the passphrase before
 * anything is written), creating the archive on first use and removing it
 * again when that first bundle is refused. Prints what was stored and any
 * server key pinned. Returns CLI_EXIT_OK or CLI_EXIT_USER (said why).
 */
int ingest_command(struct session *s, const struct session_args *o);

#endif
