/*
 * ECDSA over secp256k1 as rust-umbral's signer uses it: the caller hashes,
 * the nonce is RFC 6979 (HMAC-SHA256) with 32 bytes of additional data
 * (libsecp256k1's rfc6979 nonce function appends them exactly as RFC 6979
 * section 3.6 describes), signatures are r||s with low S.
 */
#include <string.h>

#include "crypto/secp256k1.h"
#include "crypto/secp256k1_ctx.h"

capsa_status capsa_ecdsa_sign(uint8_t sig[CAPSA_SECP256K1_SIG_BYTES], const capsa_ec_scalar *sk,
                              const uint8_t digest[32], const uint8_t extra[32])
{
	secp256k1_ecdsa_signature s;
	uint8_t data[32];

	memcpy(data, extra, sizeof data); /* the nonce function takes a non-const pointer */
	if (secp256k1_ecdsa_sign(capsa_secp_ctx(), &s, digest, sk->b, secp256k1_nonce_function_rfc6979,
	                         data) != 1)
		return CAPSA_ERR_KEY;
	secp256k1_ecdsa_signature_serialize_compact(capsa_secp_ctx(), sig, &s);
	return CAPSA_OK;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

capsa_status capsa_ecdsa_sig_check(const uint8_t sig[CAPSA_SECP256K1_SIG_BYTES])
{
	secp256k1_ecdsa_signature s;

	/* parse_compact refuses r or s >= n; normalize reports a high S */
	if (all_zero(sig, 32) || all_zero(sig + 32, 32) ||
	    secp256k1_ecdsa_signature_parse_compact(capsa_secp_ctx(), &s, sig) != 1 ||
	    secp256k1_ecdsa_signature_normalize(capsa_secp_ctx(), NULL, &s) != 0)
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}

capsa_status capsa_ecdsa_verify(const uint8_t sig[CAPSA_SECP256K1_SIG_BYTES], const capsa_ec_point *pub,
                                const uint8_t digest[32])
{
	secp256k1_ecdsa_signature s;
	secp256k1_pubkey pk;

	memcpy(pk.data, pub->raw, sizeof pk.data);
	if (capsa_ecdsa_sig_check(sig) != CAPSA_OK ||
	    secp256k1_ecdsa_signature_parse_compact(capsa_secp_ctx(), &s, sig) != 1 ||
	    secp256k1_ecdsa_verify(capsa_secp_ctx(), &s, digest, &pk) != 1)
		return CAPSA_ERR_SIGNATURE;
	return CAPSA_OK;
}
