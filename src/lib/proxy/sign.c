/* Statement signatures: Ed25519 over CAPSA_PROXY_SIGN_CONTEXT ‖ text. */
#include <stdlib.h>
#include <string.h>

#include <capsa/proxy.h>

#include "crypto/crypto.h"

#define CONTEXT_LEN (sizeof CAPSA_PROXY_SIGN_CONTEXT - 1)

static uint8_t *signed_message(const char *text, size_t len)
{
	uint8_t *m = len <= CAPSA_PROXY_STATEMENT_MAX ? malloc(CONTEXT_LEN + len) : NULL;

	if (m != NULL) {
		memcpy(m, CAPSA_PROXY_SIGN_CONTEXT, CONTEXT_LEN);
		memcpy(m + CONTEXT_LEN, text, len);
	}
	return m;
}

capsa_status capsa_proxy_sign(uint8_t sig[CAPSA_PROXY_SIG_BYTES], const char *text, size_t len,
                              const capsa_identity *id)
{
	uint8_t *m;
	capsa_status st;

	if (len > CAPSA_PROXY_STATEMENT_MAX)
		return CAPSA_ERR_ARG; /* no proxy would read it */
	m = signed_message(text, len);
	st = m == NULL ? CAPSA_ERR_NOMEM : capsa_ed25519_sign(sig, id->ed25519_seed, m, CONTEXT_LEN + len);

	free(m);
	return st;
}

capsa_status capsa_proxy_verify(const uint8_t sig[CAPSA_PROXY_SIG_BYTES], const char *text, size_t len,
                                const capsa_recipient *signer)
{
	uint8_t *m;
	capsa_status st;

	if (!signer->has_ed25519 || (m = signed_message(text, len)) == NULL)
		return CAPSA_ERR_SIGNATURE;
	st = capsa_ed25519_verify(sig, signer->ed25519_public, m, CONTEXT_LEN + len);
	free(m);
	return st == CAPSA_OK ? CAPSA_OK : CAPSA_ERR_SIGNATURE;
}
