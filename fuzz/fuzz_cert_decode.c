/*
 * Certificate files as operators hand them over (--ek-ca, --ek-intermediate):
 * DER, or exactly one PEM CERTIFICATE block (seeds: a root as PEM, a leaf as
 * DER, two PEM blocks, a cut PEM block).
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "attest/core.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_cert *cert = NULL;
	uint8_t *der = NULL;
	size_t der_len = 0;

	if (capsa_cert_decode(&der, &der_len, data, size) != CAPSA_OK) {
		if (der != NULL || der_len != 0)
			__builtin_trap(); /* a refusal hands out nothing */
		return 0;
	}
	if (der_len == 0 || der_len > CAPSA_CERT_MAX_BYTES || capsa_cert_parse(&cert, der, der_len) != CAPSA_OK)
		__builtin_trap(); /* what it hands out is one certificate */
	if (size > 0 && data[0] == 0x30 && (der_len != size || memcmp(der, data, size) != 0))
		__builtin_trap(); /* DER comes back as it was */
	capsa_cert_free(cert);
	free(der);
	return 0;
}
