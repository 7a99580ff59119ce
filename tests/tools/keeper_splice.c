/*
 * tests/tools/keeper_splice - an attack on a keeper, for test_keeper.sh: a
 * grant statement whose owner is the real owner's recipient string with the
 * attacker's Ed25519 key spliced in (a recipient string only joins public
 * keys), signed by the attacker, with an "owner_proof" the attacker can make
 * (its own secp256k1 signature). Prints the HTTP status and the problem type.
 *
 *   keeper_splice KEEPER_URL KEEPER_RECIPIENT OWNER_RECIPIENT ATTACKER_IDENTITY SEALED_FILE NAME
 */
/* capsa-test: net */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/capsa.h>
#include <capsa/keeper.h>

#include "client/http_client.h"
#include "client/json_b64.h"
#include "client/proxy_request.h"

int main(int argc, char **argv)
{
	capsa_identity *ids = NULL;
	size_t n = 0, line = 0, hdr_len = 0, len;
	capsa_recipient keeper, owner;
	capsa_keeper_grant g = {.threshold = 1, .num_proxies = 1};
	capsa_header_info info;
	capsa_umbral_stanza s;
	capsa_umbral_secret_key sk;
	capsa_umbral_signature sig;
	uint8_t *hdr = NULL;
	char *text = NULL, url[2048];
	FILE *f;

	if (argc != 7 || capsa_recipient_decode(&keeper, argv[2], strlen(argv[2])) != CAPSA_OK ||
	    capsa_recipient_decode(&owner, argv[3], strlen(argv[3])) != CAPSA_OK ||
	    capsa_identity_file_read(&ids, &n, argv[4], &line) != CAPSA_OK || (f = fopen(argv[5], "rb")) == NULL ||
	    capsa_inspect_fd(&info, &hdr, &hdr_len, fileno(f)) != CAPSA_OK ||
	    capsa_umbral_stanza_find(&s, hdr, hdr_len) != CAPSA_OK) {
		fputs("usage: keeper_splice KEEPER_URL KEEPER_RECIPIENT OWNER_RECIPIENT ATTACKER_IDENTITY SEALED_FILE NAME\n",
		      stderr);
		return 2;
	}
	memcpy(owner.ed25519_public, ids[0].ed25519_public, sizeof owner.ed25519_public); /* the splice */
	capsa_party_id(g.keeper, keeper.ed25519_public);
	memcpy(g.content_id, s.content_id, sizeof g.content_id);
	snprintf(g.file, sizeof g.file, "%s", argv[6]);
	g.owner = owner;
	snprintf(g.proxies[0].url, sizeof g.proxies[0].url, "%s", argv[1]);
	g.proxies[0].key = keeper;
	g.time = (uint64_t)time(NULL);
	if (capsa_random(g.grant_id, sizeof g.grant_id) != CAPSA_OK || capsa_keeper_grant_format(&text, &len, &g) != CAPSA_OK ||
	    capsa_umbral_secret_key_from_bytes(&sk, ids[0].secp256k1_secret) != CAPSA_OK ||
	    capsa_umbral_sign(&sig, &sk, (const uint8_t *)text, len, NULL) != CAPSA_OK)
		return 1;
	char *body = capsa_proxy_envelope(text, len, &ids[0], "owner_proof", capsa_json_b64(sig.bytes, sizeof sig.bytes));
	snprintf(url, sizeof url, "%s/v1/grants", argv[1]);
	capsa_http_call c = {.url = url, .body = (const uint8_t *)body, .body_len = strlen(body),
	                     .content_type = "application/json"};
	if (capsa_http_parallel(&c, 1, NULL) != CAPSA_OK)
		return 1;
	printf("%ld %s\n", c.status, c.response != NULL ? (const char *)c.response : "");
	fflush(stdout);
	capsa_http_call_clear(&c);
	capsa_header_info_free(&info);
	free(body);
	free(text);
	free(hdr);
	fclose(f);
	capsa_identity_list_free(ids, n);
	return 0;
}
