/*
 * daemon/witness.h - a c2sp.org/tlog-witness: it remembers the latest
 * (size, root) of each log it knows, accepts a newer checkpoint only with a
 * valid consistency proof from the size it remembers, and cosigns what it
 * accepted (c2sp.org/tlog-cosignature, Ed25519 type 0x04, timestamped).
 *
 * State lives in DIR: `identity` (0600, an ordinary capsa identity file,
 * made on first open; its Ed25519 key cosigns), `witness.db` (SQLite, WAL,
 * synchronous=FULL: one row per log origin) and `lock` (flock'ed for the
 * life of the witness: a second process on the same DIR is refused).
 */
#ifndef CAPSA_DAEMON_WITNESS_H
#define CAPSA_DAEMON_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>
#include <capsa/tlog.h>

#include "http.h"

typedef struct capsa_witness capsa_witness;

/*
 * capsa_witness_open opens (creating if needed) the witness state in |dir|
 * for the logs |logs| (|num_logs| vkeys, type 0x01; the key name is the log
 * origin). |name| is the witness's key name (NULL: "capsa.witness/<first 16
 * hex of its party id>"). Returns CAPSA_OK, CAPSA_ERR_ARG (bad name, two
 * logs with one origin), CAPSA_ERR_IO (the directory, the database, or the
 * lock is held by another process) with a reason in |err|. Free with
 * capsa_witness_close.
 */
CAPSA_MUST_CHECK capsa_status capsa_witness_open(capsa_witness **out, const char *dir, const char *name,
                                                 const capsa_note_verifier *logs, size_t num_logs, char *err,
                                                 size_t err_len);

/* capsa_witness_close closes the database, releases the lock and wipes the key. NULL-safe. */
void capsa_witness_close(capsa_witness *w);

/* capsa_witness_vkey writes the witness's cosignature vkey (type 0x04) into a fresh string. */
CAPSA_MUST_CHECK capsa_status capsa_witness_vkey(const capsa_witness *w, char **out, size_t *out_len);

/*
 * capsa_witness_identity_vkey reads (never creates) DIR/identity and writes
 * the vkey a witness on |dir| with key name |name| (NULL: the default) has.
 */
CAPSA_MUST_CHECK capsa_status capsa_witness_identity_vkey(const char *dir, const char *name, char **out,
                                                          size_t *out_len, char *err, size_t err_len);

/*
 * capsa_witness_register adds POST /add-checkpoint (text/plain bodies are
 * not required: any Content-Type) and the gauge `logs` to |srv|.
 */
CAPSA_MUST_CHECK capsa_status capsa_witness_register(capsa_witness *w, capsa_http_server *srv);

#endif
