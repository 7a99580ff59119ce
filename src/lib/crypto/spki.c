/* DER SubjectPublicKeyInfo of an OpenSSL key. */
#include "crypto/spki.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

capsa_status capsa_spki_from_pkey(uint8_t **out, size_t *out_len, const EVP_PKEY *pkey)
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);
	capsa_status st = CAPSA_ERR_NOMEM;

	*out = NULL;
	*out_len = 0;
	if (len <= 0)
		return CAPSA_ERR_INTERNAL;
	if ((*out = malloc((size_t)len)) != NULL) {
		memcpy(*out, der, (size_t)len);
		*out_len = (size_t)len;
		st = CAPSA_OK;
	}
	OPENSSL_free(der);
	return st;
}
