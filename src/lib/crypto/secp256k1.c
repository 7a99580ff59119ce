/* secp256k1 over libsecp256k1. */
#include "crypto/secp256k1.h"

#include <pthread.h>

#include <secp256k1.h>

static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

/* One shared context: libsecp256k1 contexts are read-only once created. */
static void ctx_create(void)
{
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
}

static const secp256k1_context *secp_ctx(void)
{
	pthread_once(&ctx_once, ctx_create);
	return ctx;
}

bool capsa_secp256k1_seckey_valid(const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES])
{
	return secp256k1_ec_seckey_verify(secp_ctx(), sk) == 1;
}

capsa_status capsa_secp256k1_pubkey(uint8_t pub[CAPSA_SECP256K1_POINT_BYTES],
                                    const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES])
{
	secp256k1_pubkey pk;
	size_t len = CAPSA_SECP256K1_POINT_BYTES;

	if (secp256k1_ec_pubkey_create(secp_ctx(), &pk, sk) != 1)
		return CAPSA_ERR_KEY;
	secp256k1_ec_pubkey_serialize(secp_ctx(), pub, &len, &pk, SECP256K1_EC_COMPRESSED);
	return CAPSA_OK;
}
