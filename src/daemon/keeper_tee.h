/*
 * daemon/keeper_tee.h - the trusted environment a keeper runs in: where its
 * identity lives and who vouches for it.
 *
 *   sim   no hardware: the identity is DIR/identity (0600) and evidence is
 *         signed by a simulated platform key, DIR/sim-platform.key. It proves
 *         nothing, and everything the keeper prints says so.
 *   tpm2  a TPM 2.0: the keeper measures its own program (SHA-256 of
 *         /proc/self/exe) into PCR 16, and its identity seed exists on disk
 *         only sealed by the TPM to that PCR value (DIR/identity.tpm2): a
 *         changed program cannot unseal it. Evidence is a quote of PCR 16 by
 *         the TPM's attestation key.
 *
 * The keeper's public keys in its evidence are its recipient string.
 */
#ifndef CAPSA_DAEMON_KEEPER_TEE_H
#define CAPSA_DAEMON_KEEPER_TEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/keys.h>

typedef enum keeper_tee_kind {
	KEEPER_TEE_SIM = 1,
	KEEPER_TEE_TPM2,
} keeper_tee_kind;

typedef struct keeper_tee keeper_tee;

/* "sim" or "tpm2" into |*kind|; false for anything else. */
bool keeper_tee_parse(const char *name, keeper_tee_kind *kind);
const char *keeper_tee_name(keeper_tee_kind kind);

/*
 * keeper_tee_open opens the environment |kind| (|tcti| names the TPM, NULL:
 * $TPM2TOOLS_TCTI or the tpm2-tss default) and the keeper's identity in
 * |dir| into |id|, making it on first start when |create|. Returns CAPSA_OK,
 * CAPSA_ERR_POLICY (tpm2: the sealed identity does not unseal: the program
 * changed since it was sealed), CAPSA_ERR_TPM, CAPSA_ERR_UNSUPPORTED or
 * CAPSA_ERR_IO, with a reason in |err|.
 */
capsa_status keeper_tee_open(keeper_tee **out, keeper_tee_kind kind, const char *dir, const char *tcti, bool create,
                             capsa_identity *id, char *err, size_t err_len) CAPSA_MUST_CHECK;
void keeper_tee_close(keeper_tee *t);

/* Evidence (the capsa envelope, free()) binding |keys| to |nonce| (1..64 bytes). Thread-safe. */
capsa_status keeper_tee_evidence(keeper_tee *t, const uint8_t *keys, size_t keys_len, const uint8_t *nonce,
                                 size_t nonce_len, uint8_t **out, size_t *out_len) CAPSA_MUST_CHECK;

/* The keeper's measurement: SHA-256 of its program. */
const uint8_t *keeper_tee_measurement(const keeper_tee *t);

#endif
