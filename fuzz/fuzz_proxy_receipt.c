/*
 * Fuzzes receipt verification against a fixed proxy key: never a crash or a
 * leak, and a receipt that verifies carries an event that formats back to
 * the entry it proves.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/proxy.h>

#include "fuzz.h"

/* The key the seed receipts are signed with: the identity from seed 0x44 (tests/test_proxy.c's PROXY1). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static capsa_recipient proxy;
	static int ready;
	capsa_proxy_event e;
	capsa_checkpoint cp;
	uint64_t index;

	if (!ready) {
		capsa_identity id;
		uint8_t seed[32];
		memset(seed, 0x44, sizeof seed);
		if (capsa_identity_from_seed(&id, seed) != CAPSA_OK)
			abort();
		capsa_identity_recipient(&proxy, &id);
		capsa_identity_wipe(&id);
		ready = 1;
	}
	if (capsa_proxy_receipt_verify(&e, &cp, &index, (const char *)data, size, &proxy) == CAPSA_OK) {
		char *out;
		size_t out_len;
		if (cp.origin == NULL || index >= cp.size || capsa_proxy_event_format(&out, &out_len, &e) != CAPSA_OK)
			abort();
		free(out);
		capsa_checkpoint_free(&cp);
	} else if (cp.origin != NULL) {
		abort();
	}
	return 0;
}
