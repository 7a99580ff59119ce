/*
 * daemon/log.h - a proxy's transparency log and the single writer that
 * changes its state.
 *
 * Every state change of a proxy (a grant stored, a use counted, a grant
 * revoked) is an op that a handler submits and waits for. One writer thread
 * takes all the ops queued, applies them in one transaction (each under its
 * own savepoint, re-checked against the stored state: a refused op leaves
 * nothing), appends their log entries and the new tree nodes, signs the new
 * checkpoint, stores it and commits: one fsync for the whole batch. Only then
 * does it wake the handlers, each with a receipt per entry. A checkpoint is
 * served only once committed, so even across kill -9 the log never shows two
 * checkpoints that disagree.
 */
#ifndef CAPSA_DAEMON_LOG_H
#define CAPSA_DAEMON_LOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/keys.h>
#include <capsa/proxy.h>

#include "daemon/store.h"

typedef struct capsa_log capsa_log;

typedef enum capsa_log_op_type {
	CAPSA_LOG_GRANT = 1,
	CAPSA_LOG_REENCRYPT,
	CAPSA_LOG_REVOKE,
	CAPSA_LOG_COSIGN, /* witnesses' cosignature lines for the checkpoint of cosign_size */
} capsa_log_op_type;

/* One entry an op put on (or found on) the log, with its receipt (malloc'd). */
typedef struct capsa_log_result {
	uint64_t index;
	char *receipt;
	size_t receipt_len;
	char *entry; /* the writer's: the entry it appended, kept for the receipt (NULL: read it back) */
	size_t entry_len;
} capsa_log_result;

/* An op. The handler fills the inputs; the writer the outputs. */
typedef struct capsa_log_op {
	capsa_log_op_type type;
	uint64_t now;                          /* the proxy's clock when the request came */
	uint8_t statement_hash[32];            /* SHA-256 of the signed statement text */
	char signer[CAPSA_PARTY_ID_HEXLEN + 1]; /* party id of the statement's signer */
	capsa_store_grant *grant;              /* GRANT: the row to store (grant_entry is set here) */
	const capsa_proxy_reencrypt *reencrypt; /* REENCRYPT */
	const capsa_proxy_revoke *revoke;       /* REVOKE */
	uint64_t cosign_size;                   /* COSIGN: ignored unless it is still the latest size */
	const char *cosign_lines;               /* COSIGN: verified signature lines */

	capsa_proxy_problem problem;           /* NONE on success */
	bool existed;                          /* GRANT/REVOKE: already done before; the old entry */
	size_t num_results;
	capsa_log_result results[CAPSA_PROXY_MAX_ITEMS];

	struct capsa_log_op *next; /* the writer's queue */
	bool done;
	pthread_cond_t *wake; /* the submitter's, signalled when done */
} capsa_log_op;

/*
 * capsa_log_open starts the writer over |store| (which it then owns and
 * uses alone), signing checkpoints as |origin| with |key|'s Ed25519 key. A
 * new log gets its checkpoint of size 0. Returns CAPSA_OK, CAPSA_ERR_IO or
 * CAPSA_ERR_NOMEM.
 */
capsa_status capsa_log_open(capsa_log **out, capsa_store *store, const char *origin,
                            const capsa_identity *key) CAPSA_MUST_CHECK;

/*
 * capsa_log_on_commit sets |fn|, called on the writer thread after each
 * commit that made a new checkpoint, with its size and signed note (for the
 * witness submitter, which must not block). Before any op is submitted.
 */
void capsa_log_on_commit(capsa_log *log, void (*fn)(void *arg, uint64_t size, const char *note), void *arg);

/* capsa_log_submit queues |op| and waits until the writer has committed (or refused) it. */
void capsa_log_submit(capsa_log *log, capsa_log_op *op);

/* capsa_log_op_clear frees the results of |op|. */
void capsa_log_op_clear(capsa_log_op *op);

/* capsa_log_size returns the committed size (any thread). */
uint64_t capsa_log_size(capsa_log *log);

/* capsa_log_checkpoint returns a copy (free()) of the latest committed signed checkpoint, or NULL. */
char *capsa_log_checkpoint(capsa_log *log);

/* capsa_log_close finishes the ops queued, stops the writer and closes its store. */
void capsa_log_close(capsa_log *log);

#endif
