/*
 * Certificates: strict DER parsing, the public key, AMD's VCEK extensions,
 * and chain validation of the input as a leaf under the pinned roots (seeds:
 * the VCEK, the AMD ASK and ARK, the Nitro leaf and cabundle certificates).
 */
#include <string.h>

#include "attest/core.h"
#include "fuzz.h"

static void chain_under(capsa_root_id id, const capsa_cert *leaf)
{
	const uint8_t *der;
	size_t len;
	capsa_cert *root = NULL;
	char why[160];

	if (capsa_root_get(id, &der, &len) != CAPSA_OK || capsa_cert_parse(&root, der, len) != CAPSA_OK)
		__builtin_trap(); /* the embedded roots always load */
	if (capsa_cert_chain_verify(root, NULL, 0, leaf, 1725719859, why, sizeof why) == CAPSA_OK && why[0] != '\0')
		__builtin_trap(); /* a reason is given only for a refusal */
	capsa_cert_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_cert *cert = NULL;
	const uint8_t *p;
	size_t len;
	uint64_t v;

	if (capsa_cert_parse(&cert, data, size) != CAPSA_OK)
		return 0;
	if (capsa_cert_spki(cert, &p, &len) != CAPSA_OK || len == 0)
		__builtin_trap(); /* a parsed certificate always has its key */
	if (capsa_cert_ext_uint(cert, "1.3.6.1.4.1.3704.1.3.1", &v) != CAPSA_OK && v != 0)
		__builtin_trap(); /* a failed read leaves zero */
	if (capsa_cert_ext_raw(cert, "1.3.6.1.4.1.3704.1.4", &p, &len) == CAPSA_OK && len > size)
		__builtin_trap(); /* an extension lies inside the certificate */
	(void)capsa_cert_signs_data(cert);
	chain_under(CAPSA_ROOT_AMD_ASK_MILAN, cert);
	chain_under(CAPSA_ROOT_AWS_NITRO, cert);
	capsa_cert_free(cert);
	return 0;
}
