/*
 * crypto/secp256k1_ctx.h - the shared libsecp256k1 context, for the files of
 * crypto/ that call libsecp256k1. Not part of the crypto interface.
 */
#ifndef CAPSA_CRYPTO_SECP256K1_CTX_H
#define CAPSA_CRYPTO_SECP256K1_CTX_H

#include <secp256k1.h>

/* capsa_secp_ctx returns the process-wide context, created and randomized on first use. */
const secp256k1_context *capsa_secp_ctx(void);

#endif
