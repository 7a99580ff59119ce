/*
 * Fuzzes the three statement parsers (grant, reencrypt, revoke): whatever
 * parses formats back to the very same bytes, since a signature covers the
 * text and two texts must never mean one statement.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/proxy.h>

#include "fuzz.h"

static void same(capsa_status st, char *out, size_t out_len, const uint8_t *data, size_t size)
{
	if (st != CAPSA_OK || out_len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static capsa_proxy_reencrypt r;
	const char *s = (const char *)data;
	capsa_proxy_grant g;
	capsa_proxy_revoke v;
	char *out = NULL;
	size_t out_len = 0;
	capsa_status st;

	if (capsa_proxy_grant_parse(&g, s, size) == CAPSA_OK) {
		st = capsa_proxy_grant_format(&out, &out_len, &g);
		same(st, out, out_len, data, size);
	}
	if (capsa_proxy_reencrypt_parse(&r, s, size) == CAPSA_OK) {
		st = capsa_proxy_reencrypt_format(&out, &out_len, &r);
		same(st, out, out_len, data, size);
	}
	if (capsa_proxy_revoke_parse(&v, s, size) == CAPSA_OK) {
		st = capsa_proxy_revoke_format(&out, &out_len, &v);
		same(st, out, out_len, data, size);
	}
	return 0;
}
