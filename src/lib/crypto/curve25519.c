/* X25519 and Ed25519 over OpenSSL's raw-key EVP_PKEY interface. */
#include "crypto/crypto.h"

#include <openssl/evp.h>

capsa_status capsa_x25519_public(uint8_t pub[CAPSA_X25519_BYTES], const uint8_t priv[CAPSA_X25519_BYTES])
{
	size_t len = CAPSA_X25519_BYTES;
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, CAPSA_X25519_BYTES);
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (k != NULL && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == CAPSA_X25519_BYTES)
		st = CAPSA_OK;
	EVP_PKEY_free(k);
	return st;
}

capsa_status capsa_x25519(uint8_t shared[CAPSA_X25519_BYTES], const uint8_t priv[CAPSA_X25519_BYTES],
                          const uint8_t peer[CAPSA_X25519_BYTES])
{
	static const uint8_t zero[CAPSA_X25519_BYTES];
	size_t len = CAPSA_X25519_BYTES;
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, CAPSA_X25519_BYTES);
	EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, CAPSA_X25519_BYTES);
	EVP_PKEY_CTX *ctx = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (ctx == NULL || p == NULL || EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* OpenSSL itself fails the derivation for low-order points (all-zero output). */
	if (EVP_PKEY_derive_set_peer(ctx, p) != 1 || EVP_PKEY_derive(ctx, shared, &len) != 1 ||
	    len != CAPSA_X25519_BYTES) {
		st = CAPSA_ERR_KEY;
		goto out;
	}
	st = capsa_ct_equal(shared, zero, CAPSA_X25519_BYTES) ? CAPSA_ERR_KEY : CAPSA_OK;
out:
	if (st != CAPSA_OK)
		capsa_wipe(shared, CAPSA_X25519_BYTES);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(k);
	EVP_PKEY_free(p);
	return st;
}

capsa_status capsa_ed25519_public(uint8_t pub[CAPSA_ED25519_PUBLICBYTES],
                                  const uint8_t seed[CAPSA_ED25519_SEEDBYTES])
{
	size_t len = CAPSA_ED25519_PUBLICBYTES;
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, CAPSA_ED25519_SEEDBYTES);
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (k != NULL && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == CAPSA_ED25519_PUBLICBYTES)
		st = CAPSA_OK;
	EVP_PKEY_free(k);
	return st;
}

capsa_status capsa_ed25519_sign(uint8_t sig[CAPSA_ED25519_SIGBYTES], const uint8_t seed[CAPSA_ED25519_SEEDBYTES],
                                const uint8_t *msg, size_t msg_len)
{
	static const uint8_t empty;
	size_t len = CAPSA_ED25519_SIGBYTES;
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, CAPSA_ED25519_SEEDBYTES);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	capsa_status st = CAPSA_ERR_INTERNAL;

	if (k != NULL && md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
	    EVP_DigestSign(md, sig, &len, msg_len ? msg : &empty, msg_len) == 1 && len == CAPSA_ED25519_SIGBYTES)
		st = CAPSA_OK;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return st;
}

/*
 * The encodings (sign bit aside) of the eight points of small order. For
 * such a key OpenSSL accepts R = identity, S = 0 as a signature of any
 * message, so whoever names one as a signer could sign anything for it.
 */
static const uint8_t small_order[][CAPSA_ED25519_PUBLICBYTES] = {
	{0x00},
	{0x01},
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
	 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
	 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
	{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	{0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

static bool ed25519_small_order(const uint8_t pub[CAPSA_ED25519_PUBLICBYTES])
{
	for (size_t i = 0; i < sizeof small_order / sizeof *small_order; i++) {
		uint8_t diff = (uint8_t)((pub[31] & 0x7f) ^ small_order[i][31]);
		for (size_t j = 0; j < 31; j++)
			diff |= pub[j] ^ small_order[i][j];
		if (diff == 0)
			return true;
	}
	return false;
}

bool capsa_ed25519_public_usable(const uint8_t pub[CAPSA_ED25519_PUBLICBYTES])
{
	return !ed25519_small_order(pub);
}

capsa_status capsa_ed25519_verify(const uint8_t sig[CAPSA_ED25519_SIGBYTES],
                                  const uint8_t pub[CAPSA_ED25519_PUBLICBYTES], const uint8_t *msg, size_t msg_len)
{
	static const uint8_t empty;
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, CAPSA_ED25519_PUBLICBYTES);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	capsa_status st = CAPSA_ERR_SIGNATURE;

	if (ed25519_small_order(pub))
		; /* a key anyone can sign for verifies nothing */
	else if (k == NULL || md == NULL)
		st = k == NULL ? CAPSA_ERR_KEY : CAPSA_ERR_NOMEM;
	else if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1 &&
	         EVP_DigestVerify(md, sig, CAPSA_ED25519_SIGBYTES, msg_len ? msg : &empty, msg_len) == 1)
		st = CAPSA_OK;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return st;
}
