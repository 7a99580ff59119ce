/*
 * Fuzzes the proxy's request envelope parser (daemon/proxy_json.c) in each
 * of its three shapes: grant (with a kfrag), reencrypt (with capsules),
 * revoke (neither). It must never crash, and what it accepts must hold what
 * it promises: a 64-byte signature, a wrapped kfrag of the exact size, 1 to
 * 64 capsules.
 * capsa-test: net
 */
#include <stdlib.h>

#include "daemon/proxy_internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int shape = 0; shape < 3; shape++) {
		proxy_envelope env;
		const char *why = NULL;
		if (proxy_envelope_parse(&env, data, size, shape == 0, shape == 1, &why)) {
			if (env.statement == NULL || (shape == 0 && env.kfrag_len != CAPSA_PROXY_KFRAG_WRAP_BYTES) ||
			    (shape == 1 && (env.num_capsules == 0 || env.num_capsules > CAPSA_PROXY_MAX_ITEMS)))
				abort();
		} else if (why == NULL) {
			abort(); /* every refusal says why */
		}
		proxy_envelope_free(&env);
	}
	return 0;
}
