/*
 * daemon/keeper.h - a keeper (strict mode, doc/STRICT.md): a daemon inside
 * a trusted execution environment that proves itself by remote attestation
 * and holds its identity where only its own code can use it (keeper_tee.h).
 *
 * State lives in DIR: the identity (sim: `identity`, 0600, and
 * `sim-platform.key`; tpm2: `identity.tpm2`, sealed by the TPM),
 * `keeper.db` (keeper_store.h) and `lock`. It serves GET /v1/id, GET
 * /v1/attestation?nonce=HEX (evidence that binds its recipient string to
 * the verifier's nonce), and the owner's and recipients' signed requests:
 * POST /v1/grants, /v1/access and /v1/fetch (a copy, streamed).
 */
#ifndef CAPSA_DAEMON_KEEPER_H
#define CAPSA_DAEMON_KEEPER_H

#include <stddef.h>

#include <capsa/status.h>

#include "daemon/http.h"
#include "daemon/keeper_tee.h"

typedef struct capsa_keeper capsa_keeper;

/*
 * capsa_keeper_open opens (making on first start) the keeper on |dir| in the
 * environment |tee| (|tcti|: the TPM, for tpm2), serving copies of the
 * sealed files in |store| (NULL: none). Returns CAPSA_OK or the statuses of
 * keeper_tee_open, with a reason in |err|.
 */
capsa_status capsa_keeper_open(capsa_keeper **out, const char *dir, keeper_tee_kind tee, const char *tcti,
                               const char *store, char *err, size_t err_len) CAPSA_MUST_CHECK;
/* capsa_keeper_describe opens it only to read its identity: nothing made, no lock (for `keeper id`). */
capsa_status capsa_keeper_describe(capsa_keeper **out, const char *dir, keeper_tee_kind tee, const char *tcti,
                                   char *err, size_t err_len) CAPSA_MUST_CHECK;
void capsa_keeper_close(capsa_keeper *k);

/* capsa_keeper_register adds the /v1 routes to |srv| (before it starts). */
capsa_status capsa_keeper_register(capsa_keeper *k, capsa_http_server *srv) CAPSA_MUST_CHECK;

/* The keeper's recipient string (what it is granted to) and its log's vkey. */
const char *capsa_keeper_recipient(const capsa_keeper *k);
const char *capsa_keeper_log_key(const capsa_keeper *k);

#endif
