/*
 * container/payload.h - the one home of the container's size arithmetic and
 * of its suite table: payload and chunk counts from a plaintext length (and
 * back), and the suite <-> AEAD <-> name mapping.
 */
#ifndef CAPSA_CONTAINER_PAYLOAD_H
#define CAPSA_CONTAINER_PAYLOAD_H

#include <stdint.h>

#include <capsa/container.h>

#include "crypto/crypto.h"

/* capsa_suite_alg maps a suite to its AEAD. Returns CAPSA_OK or CAPSA_ERR_UNSUPPORTED. */
capsa_status capsa_suite_alg(capsa_aead_alg *out, capsa_suite suite) CAPSA_MUST_CHECK;

/* Chunks of a payload of |plaintext_len| bytes: floor(len / 16384) + 1 (the final one short). */
uint64_t capsa_payload_chunks(uint64_t plaintext_len);

/* Stored bytes of chunk |index| of |chunks| for |plaintext_len| bytes: 16400, or the final chunk's. */
uint64_t capsa_payload_chunk_ct_len(uint64_t plaintext_len, uint64_t index);

/* Offset of chunk |index| from the start of the payload (after the 56-byte prefix). */
uint64_t capsa_payload_chunk_offset(uint64_t index);

#endif
