/*
 * The reference DEM: key = HKDF-SHA256(key seed, no salt, no info, 32),
 * XChaCha20-Poly1305 under a random 24-byte nonce; the ciphertext is
 * nonce ‖ ct ‖ tag. The associated data (the capsule's simple form) comes
 * from the caller: the DEM knows nothing of capsules.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/xchacha.h"
#include "umbral/umbral_internal.h"

static capsa_status dem_key(uint8_t key[32], const uint8_t key_seed[33])
{
	return capsa_hkdf(key, 32, key_seed, 33, NULL, 0, NULL, 0);
}

capsa_status umb_dem_seal(uint8_t *ct, const uint8_t key_seed[33], const uint8_t *aad, size_t aad_len,
                          const uint8_t *pt, size_t pt_len, const capsa_umbral_rng *rng)
{
	uint8_t key[32];
	capsa_status st = dem_key(key, key_seed);

	if (st == CAPSA_OK)
		st = umb_draw(rng, ct, CAPSA_XCHACHA_NONCEBYTES);
	if (st == CAPSA_OK)
		st = capsa_xchacha_seal(ct + CAPSA_XCHACHA_NONCEBYTES, key, ct, aad, aad_len, pt, pt_len);
	capsa_wipe(key, sizeof key);
	return st;
}

capsa_status umb_dem_open(uint8_t *pt, const uint8_t key_seed[33], const uint8_t *aad, size_t aad_len,
                          const uint8_t *ct, size_t ct_len)
{
	uint8_t key[32];
	capsa_status st;

	if (ct_len < CAPSA_XCHACHA_NONCEBYTES)
		return CAPSA_ERR_TRUNCATED; /* the reference: "the ciphertext must include the nonce" */
	if (ct_len < CAPSA_UMBRAL_DEM_OVERHEAD)
		return CAPSA_ERR_AUTH; /* a nonce but no room for a tag: cannot authenticate */
	st = dem_key(key, key_seed);
	if (st == CAPSA_OK)
		st = capsa_xchacha_open(pt, key, ct, aad, aad_len, ct + CAPSA_XCHACHA_NONCEBYTES,
		                        ct_len - CAPSA_XCHACHA_NONCEBYTES);
	capsa_wipe(key, sizeof key);
	return st;
}
