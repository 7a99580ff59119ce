/* Parties: party ids, and a proxy's log origin and checkpoint verifier. */
#include <string.h>

#include <capsa/proxy.h>
#include <capsa/tlog.h>
#include <capsa/util.h>

#include "crypto/crypto.h"

void capsa_party_id(char out[CAPSA_PARTY_ID_HEXLEN + 1], const uint8_t ed25519_public[32])
{
	uint8_t msg[sizeof CAPSA_PARTY_ID_LABEL - 1 + 32], h[CAPSA_SHA256_BYTES];

	memcpy(msg, CAPSA_PARTY_ID_LABEL, sizeof CAPSA_PARTY_ID_LABEL - 1);
	memcpy(msg + sizeof CAPSA_PARTY_ID_LABEL - 1, ed25519_public, 32);
	if (capsa_sha256(h, msg, sizeof msg) != CAPSA_OK)
		memset(h, 0, sizeof h); /* SHA-256 does not fail on a buffer; keep the output defined */
	capsa_hex_encode(out, h, sizeof h);
}

void capsa_proxy_log_origin(char out[29], const uint8_t ed25519_public[32])
{
	char party[CAPSA_PARTY_ID_HEXLEN + 1];

	capsa_party_id(party, ed25519_public);
	memcpy(out, "capsa.proxy/", 12);
	memcpy(out + 12, party, 16);
	out[28] = '\0';
}

capsa_status capsa_proxy_log_verifier(capsa_note_verifier *v, const char *origin, const capsa_recipient *proxy)
{
	if (!proxy->has_ed25519)
		return CAPSA_ERR_ARG;
	return capsa_note_verifier_init(v, origin, CAPSA_NOTE_ED25519, proxy->ed25519_public);
}
