/*
 * Fuzzes what a client reads in a proxy's answer (src/client/proxy_answer.c):
 * the first byte picks the HTTP status, the rest is the body. Never a crash
 * or a leak, and nothing is accepted: the cfrag would have to pass its proof
 * against a capsule made here and the receipt be signed by a fixed key the
 * seeds were not signed with (fuzz_proxy_receipt covers receipts that verify).
 */
/* capsa-test: net */
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>

#include "client/proxy_answer.h"
#include "fuzz.h"

static capsa_recipient proxy;
static capsa_umbral_stanza stanza;

struct buf {
	uint8_t *p;
	size_t len;
};

static capsa_status grow(void *arg, const uint8_t *data, size_t len)
{
	struct buf *b = arg;
	uint8_t *p = realloc(b->p, b->len + len);

	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(p + b->len, data, len);
	b->len += len;
	b->p = p;
	return CAPSA_OK;
}

/* The proxy key from seed 0x44, and the capsule of a file sealed to the identity from seed 0x45. */
static void setup(void)
{
	capsa_identity id;
	uint8_t seed[32];
	struct buf sealed = {0};
	capsa_route_key route = {CAPSA_UMBRAL_STANZA_TYPE, &id};
	capsa_seal_opts o = {.threads = 1, .plaintext_len = 1, .routes = &route, .num_routes = 1};
	capsa_seal *s = NULL;

	memset(seed, 0x44, sizeof seed);
	if (capsa_identity_from_seed(&id, seed) != CAPSA_OK)
		abort();
	capsa_identity_recipient(&proxy, &id);
	memset(seed, 0x45, sizeof seed);
	if (capsa_identity_from_seed(&id, seed) != CAPSA_OK || capsa_seal_new(&s, &o, grow, &sealed) != CAPSA_OK ||
	    capsa_seal_write(s, seed, 1) != CAPSA_OK || capsa_seal_finish(s) != CAPSA_OK ||
	    capsa_umbral_stanza_find(&stanza, sealed.p, sealed.len) != CAPSA_OK)
		abort();
	capsa_seal_free(s);
	capsa_identity_wipe(&id);
	free(sealed.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 201, 403, 500};
	static const uint8_t grant[CAPSA_GRANT_ID_BYTES] = {0};
	static int ready;
	capsa_http_call call = {.outcome = CAPSA_HTTP_DONE};
	capsa_proxy_problem problem;
	capsa_cfrag_file cf;
	const char *receipt;
	char why[512];
	json_t *j;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size == 0)
		return 0;
	call.status = statuses[data[0] % 4];
	call.response = (uint8_t *)data + 1;
	call.response_len = size - 1;
	if ((j = capsa_proxy_answer(&call, &problem, why, sizeof why)) == NULL)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (capsa_proxy_answer_cfrag(j, i, &proxy, grant, &stanza, &cf, &receipt) == NULL)
			abort();
	if (capsa_proxy_answer_receipt(json_object_get(j, "receipt"), &proxy, CAPSA_EVENT_GRANT, grant, NULL) == NULL)
		abort();
	json_decref(j);
	return 0;
}
