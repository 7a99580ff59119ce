/* Public key validation over libsecp256k1 (parsing needs no context capabilities). */
#include "crypto/secp256k1_pubcheck.h"

#include <secp256k1.h>

capsa_status capsa_secp256k1_pubkey_check(const uint8_t pub[CAPSA_SECP256K1_POINT_BYTES])
{
	secp256k1_pubkey pk; /* public: not wiped */

	/* ec_pubkey_parse also takes 65-byte forms; the length pins us to compressed, and the prefix check to 02/03. */
	if (pub[0] != 0x02 && pub[0] != 0x03)
		return CAPSA_ERR_KEY;
	if (secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, pub, CAPSA_SECP256K1_POINT_BYTES) != 1)
		return CAPSA_ERR_KEY;
	return CAPSA_OK;
}
