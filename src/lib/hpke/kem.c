/* DHKEM(X25519, HKDF-SHA256): DeriveKeyPair, Encap and Decap (RFC 9180 sections 4.1, 7.1.3). */
#include "hpke/kem.h"

#include <string.h>

#include "hpke/labeled.h"

capsa_status capsa_hpke_derive_keypair(uint8_t sk[CAPSA_HPKE_SECRETBYTES], uint8_t pk[CAPSA_HPKE_PUBLICBYTES],
                                       const uint8_t *ikm, size_t ikm_len)
{
	uint8_t dkp_prk[CAPSA_SHA256_BYTES];
	hpke_suite suite;
	capsa_status st;

	hpke_suite_kem(&suite);
	st = hpke_labeled_extract(dkp_prk, &suite, NULL, 0, "dkp_prk", ikm, ikm_len);
	if (st == CAPSA_OK)
		st = hpke_labeled_expand(sk, CAPSA_HPKE_SECRETBYTES, &suite, dkp_prk, "sk", NULL, 0);
	if (st == CAPSA_OK)
		st = capsa_x25519_public(pk, sk);
	capsa_wipe(dkp_prk, sizeof dkp_prk);
	if (st != CAPSA_OK) {
		capsa_wipe(sk, CAPSA_HPKE_SECRETBYTES);
		memset(pk, 0, CAPSA_HPKE_PUBLICBYTES);
	}
	return st;
}

/* ExtractAndExpand(dh, enc || pkRm). */
static capsa_status extract_and_expand(uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES],
                                       const uint8_t dh[CAPSA_X25519_BYTES], const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                       const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES])
{
	uint8_t kem_context[CAPSA_HPKE_ENCBYTES + CAPSA_HPKE_PUBLICBYTES]; /* public: not wiped */
	uint8_t eae_prk[CAPSA_SHA256_BYTES];
	hpke_suite suite;
	capsa_status st;

	hpke_suite_kem(&suite);
	memcpy(kem_context, enc, CAPSA_HPKE_ENCBYTES);
	memcpy(kem_context + CAPSA_HPKE_ENCBYTES, pk_r, CAPSA_HPKE_PUBLICBYTES);
	st = hpke_labeled_extract(eae_prk, &suite, NULL, 0, "eae_prk", dh, CAPSA_X25519_BYTES);
	if (st == CAPSA_OK)
		st = hpke_labeled_expand(shared_secret, HPKE_SHARED_SECRET_BYTES, &suite, eae_prk, "shared_secret",
		                         kem_context, sizeof kem_context);
	capsa_wipe(eae_prk, sizeof eae_prk);
	return st;
}

capsa_status hpke_kem_encap_derand(uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES],
                                   uint8_t enc[CAPSA_HPKE_ENCBYTES], const uint8_t *ikm_e, size_t ikm_e_len,
                                   const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES])
{
	uint8_t sk_e[CAPSA_HPKE_SECRETBYTES], dh[CAPSA_X25519_BYTES];
	capsa_status st;

	st = capsa_hpke_derive_keypair(sk_e, enc, ikm_e, ikm_e_len);
	if (st == CAPSA_OK)
		st = capsa_x25519(dh, sk_e, pk_r);
	if (st == CAPSA_OK)
		st = extract_and_expand(shared_secret, dh, enc, pk_r);
	capsa_wipe(sk_e, sizeof sk_e);
	capsa_wipe(dh, sizeof dh);
	if (st != CAPSA_OK) {
		capsa_wipe(shared_secret, HPKE_SHARED_SECRET_BYTES);
		memset(enc, 0, CAPSA_HPKE_ENCBYTES);
	}
	return st;
}

capsa_status hpke_kem_decap(uint8_t shared_secret[HPKE_SHARED_SECRET_BYTES], const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                            const uint8_t sk_r[CAPSA_HPKE_SECRETBYTES])
{
	uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES], dh[CAPSA_X25519_BYTES];
	capsa_status st;

	st = capsa_x25519(dh, sk_r, enc);
	if (st == CAPSA_OK)
		st = capsa_x25519_public(pk_r, sk_r);
	if (st == CAPSA_OK)
		st = extract_and_expand(shared_secret, dh, enc, pk_r);
	capsa_wipe(dh, sizeof dh);
	if (st != CAPSA_OK)
		capsa_wipe(shared_secret, HPKE_SHARED_SECRET_BYTES);
	return st;
}
