/* hpke/kem.h - DHKEM(X25519, HKDF-SHA256) (RFC 9180 section 4.1), inside hpke/. */
#ifndef CAPSA_HPKE_KEM_H
#define CAPSA_HPKE_KEM_H

#include <stddef.h>
#include <stdint.h>

#include "hpke/hpke.h"

#define HPKE_SHARED_SECRET_BYTES 32 /* Nsecret */

/* Encap with the ephemeral key pair derived from |ikm_e|: writes |enc| and |shared_secret|. */
capsa_status hpke_kem_encap_derand(uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES],
                                   uint8_t enc[CAPSA_HPKE_ENCBYTES], const uint8_t *ikm_e, size_t ikm_e_len,
                                   const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES]) CAPSA_MUST_CHECK;

/* Decap: the shared secret for |enc| under |sk_r|. */
capsa_status hpke_kem_decap(uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES], const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                            const uint8_t sk_r[CAPSA_HPKE_SECRETBYTES]) CAPSA_MUST_CHECK;

#endif
