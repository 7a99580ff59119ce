/*
 * Fuzzes the proxy's request envelope (src/daemon/proxy_json.c), the JSON
 * {"statement", "signature"[, "kfrag" | "capsules"]} every signed request
 * arrives in: whatever it accepts has a 64-byte signature, a kfrag of 1 to
 * 4 * 488 bytes whose base64 is the canonical one, and 1 to 64 capsules.
 * capsa-test: net
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/proxy_internal.h"
#include "fuzz.h"

static void check_kfrag(const proxy_envelope *env)
{
	const char *s = json_string_value(json_object_get(env->json, "kfrag"));
	char *again;

	if (s == NULL || env->kfrag_len == 0 || env->kfrag_len > 4 * CAPSA_PROXY_KFRAG_WRAP_BYTES)
		abort();
	if ((again = malloc(4 * ((env->kfrag_len + 2) / 3) + 1)) == NULL)
		abort();
	EVP_EncodeBlock((unsigned char *)again, env->kfrag, (int)env->kfrag_len);
	if (strcmp(again, s) != 0)
		abort();
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const bool kinds[3][2] = {{true, false}, {false, true}, {false, false}};

	for (int k = 0; k < 3; k++) {
		proxy_envelope env;
		const char *why = NULL;

		if (proxy_envelope_parse(&env, data, size, kinds[k][0], kinds[k][1], &why)) {
			if (env.statement == NULL || strlen(env.statement) > env.statement_len)
				abort();
			if (kinds[k][0])
				check_kfrag(&env);
			if (kinds[k][1] && (env.num_capsules == 0 || env.num_capsules > CAPSA_PROXY_MAX_ITEMS))
				abort();
		} else if (why == NULL) {
			abort(); /* every refusal says why */
		}
		proxy_envelope_free(&env);
	}
	return 0;
}
