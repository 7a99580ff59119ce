/*
 * hpke/labeled.h - RFC 9180's LabeledExtract and LabeledExpand (section 4),
 * shared by the KEM and the key schedule, which differ only in suite_id.
 */
#ifndef CAPSA_HPKE_LABELED_H
#define CAPSA_HPKE_LABELED_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* suite_id = "KEM" || I2OSP(kem_id, 2) and "HPKE" || kem_id || kdf_id || aead_id. */
#define HPKE_KEM_SUITE_ID_BYTES 5
#define HPKE_SUITE_ID_BYTES 10

typedef struct hpke_suite {
	uint8_t id[HPKE_SUITE_ID_BYTES];
	size_t len;
} hpke_suite;

void hpke_suite_kem(hpke_suite *s);
void hpke_suite_full(hpke_suite *s, uint16_t aead_id);

/* prk = Extract(salt, "HPKE-v1" || suite_id || label || ikm); |salt| may be empty. */
capsa_status hpke_labeled_extract(uint8_t prk[CAPSA_SHA256_BYTES], const hpke_suite *s, const uint8_t *salt,
                                  size_t salt_len, const char *label, const uint8_t *ikm,
                                  size_t ikm_len) CAPSA_MUST_CHECK;

/* out = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L), L = |out_len|. */
capsa_status hpke_labeled_expand(uint8_t *out, size_t out_len, const hpke_suite *s,
                                 const uint8_t prk[CAPSA_SHA256_BYTES], const char *label, const uint8_t *info,
                                 size_t info_len) CAPSA_MUST_CHECK;

#endif
