/*
 * daemon/store.h - a proxy's durable state: its grants, the nonces it has
 * seen, and its transparency log (entries, complete tree nodes, signed
 * checkpoints).
 *
 * This is the interface a backend implements; store_sqlite.c is the SQLite
 * one (one file DIR/proxy.db, WAL, synchronous=FULL, secure_delete so that a
 * revoked kfrag leaves no trace in freed pages). A store handle is one
 * connection, used by one thread at a time: the log's writer has its own,
 * readers share another under a lock. Writes happen only between
 * capsa_store_begin and capsa_store_commit, and nothing is acknowledged
 * before the commit returns: a crash loses only unacknowledged work.
 */
#ifndef CAPSA_DAEMON_STORE_H
#define CAPSA_DAEMON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/proxy.h>

typedef struct capsa_store capsa_store;

typedef enum capsa_store_grant_status {
	CAPSA_GRANT_ACTIVE = 1,
	CAPSA_GRANT_REVOKED = 2,
} capsa_store_grant_status;

/* One grant as the proxy holds it. */
typedef struct capsa_store_grant {
	uint8_t id[CAPSA_GRANT_ID_BYTES];
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	char owner_party[CAPSA_PARTY_ID_HEXLEN + 1];
	char recipient_party[CAPSA_PARTY_ID_HEXLEN + 1];
	uint8_t threshold, shares, index;
	uint64_t not_after, max_uses, uses;
	capsa_store_grant_status status;
	uint8_t kfrag[CAPSA_KFRAG_FILE_BYTES]; /* the secret share; zero once revoked */
	bool has_kfrag;
	uint8_t statement_hash[32];  /* SHA-256 of the signed grant statement text */
	char *statement;             /* the statement text (malloc'd; capsa_store_grant_clear) */
	uint8_t signature[CAPSA_PROXY_SIG_BYTES];
	uint64_t grant_entry;        /* the log index of its grant event */
	uint64_t revoke_entry;       /* of its revoke event; 0 with status active */
} capsa_store_grant;

/* capsa_store_grant_clear wipes the kfrag and frees the statement. */
void capsa_store_grant_clear(capsa_store_grant *g);

/*
 * capsa_store_open opens (creating if needed) the store in |dir| and checks
 * its schema. Returns CAPSA_OK, CAPSA_ERR_IO (with a reason in |err|) or
 * CAPSA_ERR_VERSION (a schema this version does not know).
 */
capsa_status capsa_store_open(capsa_store **out, const char *dir, char *err, size_t err_len) CAPSA_MUST_CHECK;
void capsa_store_close(capsa_store *s);

/*
 * capsa_store_purge_wal checkpoints the write-ahead log into the database
 * and truncates it. secure_delete overwrites a deleted kfrag in the
 * database's pages, but the WAL still holds the frames that wrote it until
 * a checkpoint: a revocation is answered only after this. Waits for readers
 * (the busy timeout). Returns CAPSA_OK or CAPSA_ERR_IO.
 */
capsa_status capsa_store_purge_wal(capsa_store *s) CAPSA_MUST_CHECK;

/* A write transaction (BEGIN IMMEDIATE ... COMMIT). On any error, roll back. */
capsa_status capsa_store_begin(capsa_store *s) CAPSA_MUST_CHECK;
capsa_status capsa_store_commit(capsa_store *s) CAPSA_MUST_CHECK;
void capsa_store_rollback(capsa_store *s);
/* Inside one: a savepoint, undone (its changes dropped) and/or released (ended). */
capsa_status capsa_store_savepoint(capsa_store *s) CAPSA_MUST_CHECK;
void capsa_store_savepoint_undo(capsa_store *s);
void capsa_store_savepoint_release(capsa_store *s);

/* Grants. get: CAPSA_OK, CAPSA_ERR_NO_MATCH (none) or CAPSA_ERR_IO. */
capsa_status capsa_store_grant_get(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES],
                                   capsa_store_grant *out) CAPSA_MUST_CHECK;
/* The same without the kfrag and the statement (|kfrag| zero, |statement| NULL): what re-encryption checks. */
capsa_status capsa_store_grant_state(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES],
                                     capsa_store_grant *g) CAPSA_MUST_CHECK;
capsa_status capsa_store_grant_insert(capsa_store *s, const capsa_store_grant *g) CAPSA_MUST_CHECK;
capsa_status capsa_store_grant_add_use(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES]) CAPSA_MUST_CHECK;
/* Marks the grant revoked at |entry| and destroys its kfrag. */
capsa_status capsa_store_grant_revoke(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES],
                                      uint64_t entry) CAPSA_MUST_CHECK;
/* How many grants can be served at |now|: not revoked, expired or used up (for /metrics). */
capsa_status capsa_store_grants_active(capsa_store *s, uint64_t now, uint64_t *count) CAPSA_MUST_CHECK;

/*
 * capsa_store_nonce_use records that |party| used |nonce|, remembered until
 * |expires|. Returns CAPSA_OK, CAPSA_ERR_EXISTS (seen: a replay) or
 * CAPSA_ERR_IO. capsa_store_nonce_prune forgets the nonces that expired
 * before |now| (the writer prunes once a batch).
 */
capsa_status capsa_store_nonce_use(capsa_store *s, const char *party, const uint8_t nonce[CAPSA_PROXY_NONCE_BYTES],
                                   uint64_t expires) CAPSA_MUST_CHECK;
capsa_status capsa_store_nonce_prune(capsa_store *s, uint64_t now) CAPSA_MUST_CHECK;

/* The log: entries by index, complete nodes by (level, index), checkpoints by size. */
capsa_status capsa_store_log_size(capsa_store *s, uint64_t *size) CAPSA_MUST_CHECK;
capsa_status capsa_store_entry_put(capsa_store *s, uint64_t index, const uint8_t *data, size_t len) CAPSA_MUST_CHECK;
/* get: a fresh buffer (free()); CAPSA_ERR_NO_MATCH past the end. */
capsa_status capsa_store_entry_get(capsa_store *s, uint64_t index, uint8_t **data, size_t *len) CAPSA_MUST_CHECK;
capsa_status capsa_store_node_put(capsa_store *s, unsigned level, uint64_t index,
                                  const uint8_t hash[CAPSA_TLOG_HASH_BYTES]) CAPSA_MUST_CHECK;
capsa_status capsa_store_node_get(capsa_store *s, unsigned level, uint64_t index,
                                  uint8_t hash[CAPSA_TLOG_HASH_BYTES]) CAPSA_MUST_CHECK;
/* Stores the signed checkpoint of |size| (replacing one of the same size: more cosignatures). */
capsa_status capsa_store_checkpoint_put(capsa_store *s, uint64_t size, const char *note) CAPSA_MUST_CHECK;
/* The latest checkpoint (a fresh string, free()); CAPSA_ERR_NO_MATCH for an empty log. */
capsa_status capsa_store_checkpoint_latest(capsa_store *s, uint64_t *size, char **note) CAPSA_MUST_CHECK;

/* A capsa_tlog_get_node over a store (|arg| is the capsa_store). */
capsa_status capsa_store_get_node(void *arg, unsigned level, uint64_t index,
                                  uint8_t out[CAPSA_TLOG_HASH_BYTES]) CAPSA_MUST_CHECK;

#endif
