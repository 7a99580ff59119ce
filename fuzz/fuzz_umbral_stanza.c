/*
 * The `umbral` stanza body parser and its unwrap: never crashes; what parses
 * re-serializes to the same bytes; unwrapping with an identity and with
 * cfrags fails cleanly (or opens, for a body made for that identity).
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/grant.h>

#include "container/stanza.h"
#include "fuzz.h"

static void reserialize(const capsa_umbral_stanza *s, const uint8_t *data, size_t size)
{
	uint8_t body[CAPSA_UMBRAL_STANZA_BODY_BYTES];

	memcpy(body, s->delegating.bytes, 33);
	memcpy(body + 33, s->verifying.bytes, 33);
	capsa_umbral_capsule_to_bytes(body + 66, &s->capsule);
	memcpy(body + 66 + CAPSA_UMBRAL_CAPSULE_BYTES, s->ct, sizeof s->ct);
	if (size != sizeof body || memcmp(body, data, size) != 0)
		abort(); /* only the canonical form may parse */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[CAPSA_IDENTITY_SEEDBYTES] = {1};
	uint8_t fixed[36] = {0}, cek[CAPSA_CEK_BYTES];
	capsa_identity id;
	capsa_umbral_stanza s;
	capsa_cfrag_file none;
	capsa_grant_report rep;
	capsa_umbral_route route = {&none, 0, &rep};
	capsa_route_key rk = {CAPSA_UMBRAL_STANZA_TYPE, &route};
	capsa_unlock unlock = {.identities = &id, .num_identities = 1, .route_keys = &rk, .num_route_keys = 1};
	capsa_stanza_ctx ctx = {.suite = CAPSA_SUITE_AES_256_GCM, .alg = CAPSA_AEAD_AES_256_GCM, .fixed = fixed,
	                        .fixed_len = sizeof fixed};
	capsa_status st = capsa_umbral_stanza_parse(&s, data, size, fixed + 20);

	if ((st == CAPSA_OK) != (capsa_stanza_umbral.check(data, size) == CAPSA_OK))
		abort();
	if (st != CAPSA_OK)
		return 0;
	reserialize(&s, data, size);
	if (capsa_identity_from_seed(&id, seed) != CAPSA_OK)
		abort();
	/* no cfrags: either this identity is the owner, or the route says "too few" */
	st = capsa_stanza_umbral.unwrap(cek, &ctx, data, size, &unlock);
	if (st != CAPSA_OK && st != CAPSA_ERR_THRESHOLD && st != CAPSA_ERR_HEADER_AUTH)
		abort();
	capsa_identity_wipe(&id);
	return 0;
}
