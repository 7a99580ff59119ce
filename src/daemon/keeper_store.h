/*
 * daemon/keeper_store.h - what a keeper remembers, in DIR/keeper.db (SQLite,
 * WAL, synchronous=FULL, 0600): for each content the owner's latest grant
 * statement (where its cfrags come from) and access rules, each with the
 * owner's signature, and the nonces of recent requests. One connection under
 * a mutex: the keeper's requests are few and each costs a transcription.
 */
#ifndef CAPSA_DAEMON_KEEPER_STORE_H
#define CAPSA_DAEMON_KEEPER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/proxy.h>

typedef struct keeper_store keeper_store;

capsa_status keeper_store_open(keeper_store **out, const char *dir, char *err, size_t err_len) CAPSA_MUST_CHECK;
void keeper_store_close(keeper_store *s);

/*
 * A content's grant statement: put keeps the newer by |time| (CAPSA_ERR_EXISTS
 * when the one held is newer); get gives the statement text (free()), or
 * CAPSA_ERR_NO_MATCH.
 */
capsa_status keeper_store_grant_put(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], uint64_t time,
                                    const char *statement, const uint8_t sig[CAPSA_PROXY_SIG_BYTES]) CAPSA_MUST_CHECK;
capsa_status keeper_store_grant_get(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES],
                                    char **statement) CAPSA_MUST_CHECK;

/* A recipient's access rule for a content: put keeps the newer by |time|, as above; get, CAPSA_ERR_NO_MATCH if none. */
capsa_status keeper_store_access_put(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], const char *party,
                                     bool allow, uint64_t until, uint64_t time, const char *statement,
                                     const uint8_t sig[CAPSA_PROXY_SIG_BYTES]) CAPSA_MUST_CHECK;
capsa_status keeper_store_access_get(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], const char *party,
                                     bool *allow, uint64_t *until) CAPSA_MUST_CHECK;

/* Records |party|'s |nonce| until |expires|, forgetting those expired before |now|; CAPSA_ERR_EXISTS: a replay. */
capsa_status keeper_store_nonce_use(keeper_store *s, const char *party, const uint8_t nonce[CAPSA_PROXY_NONCE_BYTES],
                                    uint64_t expires, uint64_t now) CAPSA_MUST_CHECK;

#endif
