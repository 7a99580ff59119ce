/* A keeper's evidence, fetched and checked (cli_keeper.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/file.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_keeper.h"
#include <capsa/keeper.h>
#include <capsa/umbral.h>

#include "client/http_client.h"
#include "client/json_b64.h"
#include "client/proxy_answer.h"
#include "client/proxy_request.h"

#define EVIDENCE_MAX (512 * 1024)

static int take_answer(const char *verb, const char *url, const capsa_http_call *c, cli_keeper_evidence *ke)
{
	json_t *j = c->status == 200 && c->response != NULL ? json_loadb((const char *)c->response, c->response_len, 0, NULL)
	                                                    : NULL;
	const char *rec = json_string_value(json_object_get(j, "recipient"));
	int rc = 0;

	if (j == NULL) {
		fprintf(stderr, "capsa %s: %s: no attestation (%s)\n", verb, url,
		        c->outcome != CAPSA_HTTP_DONE ? c->error : "not a JSON answer");
		rc = CLI_EXIT_FAIL;
	} else if (rec == NULL || strlen(rec) >= sizeof ke->recipient ||
	           capsa_recipient_decode(&ke->key, rec, strlen(rec)) != CAPSA_OK || !ke->key.has_ed25519) {
		fprintf(stderr, "capsa %s: %s: the keeper names no valid recipient\n", verb, url);
		rc = CLI_EXIT_ATTEST;
	} else if ((ke->evidence = capsa_b64_any(json_string_value(json_object_get(j, "evidence")), EVIDENCE_MAX,
	                                         &ke->evidence_len)) == NULL) {
		fprintf(stderr, "capsa %s: %s: the answer carries no evidence\n", verb, url);
		rc = CLI_EXIT_ATTEST;
	} else {
		memcpy(ke->recipient, rec, strlen(rec) + 1);
	}
	json_decref(j);
	return rc;
}

int cli_keeper_fetch(const char *verb, const char *url, cli_keeper_evidence *ke)
{
	char hex[2 * sizeof ke->nonce + 1], full[2048];
	capsa_http_call c;
	int rc;

	memset(ke, 0, sizeof *ke);
	if (capsa_random(ke->nonce, sizeof ke->nonce) != CAPSA_OK)
		return CLI_EXIT_FAIL;
	capsa_hex_encode(hex, ke->nonce, sizeof ke->nonce);
	if ((size_t)snprintf(full, sizeof full, "%s/v1/attestation?nonce=%s", url, hex) >= sizeof full) {
		fprintf(stderr, "capsa %s: %s: URL too long\n", verb, url);
		return CLI_EXIT_USAGE;
	}
	if (capsa_http_get(&c, full, NULL) != CAPSA_OK) {
		fprintf(stderr, "capsa %s: %s: cannot ask for attestation\n", verb, url);
		return CLI_EXIT_FAIL;
	}
	rc = take_answer(verb, url, &c, ke);
	capsa_http_call_clear(&c);
	if (rc != 0)
		cli_keeper_evidence_free(ke);
	return rc;
}

int cli_keeper_verify(const char *verb, const char *url, const cli_keeper_evidence *ke, const capsa_attest_policy *pol,
                      capsa_attest_result *res)
{
	capsa_attest_verify_params p = {.nonce = ke->nonce, .nonce_len = sizeof ke->nonce,
	                                .keys = (const uint8_t *)ke->recipient, .keys_len = strlen(ke->recipient),
	                                .at = (int64_t)time(NULL)};
	capsa_status st = capsa_attest_verify(ke->evidence, ke->evidence_len, &p, pol, res);
	const capsa_attest_check *bad = capsa_attest_first_failure(res);

	if (st == CAPSA_OK)
		return 0;
	if (verb == NULL)
		return CLI_EXIT_ATTEST;
	if (bad != NULL)
		fprintf(stderr, "capsa %s: %s: attestation refused: check '%s' failed: %s\n", verb, url, bad->name,
		        bad->detail);
	else
		fprintf(stderr, "capsa %s: %s: attestation refused: %s\n", verb, url, capsa_status_str(st));
	return CLI_EXIT_ATTEST;
}

int cli_keeper_policy_read(const char *verb, const char *path, capsa_attest_policy *pol)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char err[256] = "";
	capsa_status st = capsa_file_read(&text, &len, path, 1 << 20);

	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa %s: %s: cannot read the policy\n", verb, path);
		return CLI_EXIT_IO;
	}
	st = capsa_policy_parse(pol, (const char *)text, len, err, sizeof err);
	free(text);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa %s: policy %s: %s\n", verb, path, err);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

void cli_keeper_evidence_free(cli_keeper_evidence *ke)
{
	free(ke->evidence);
	ke->evidence = NULL;
	ke->evidence_len = 0;
}

/* POSTs |body| (taken) to |url||route|: the answer, or the refusal printed. */
static int post_body(const char *verb, char *body, const char *url, const char *route, json_t **answer)
{
	char full[2048], why[512];
	capsa_http_call c = {.url = full, .content_type = "application/json"};
	capsa_proxy_problem problem;

	*answer = NULL;
	if (body == NULL)
		return CLI_EXIT_FAIL;
	if ((size_t)snprintf(full, sizeof full, "%s%s", url, route) >= sizeof full) {
		fprintf(stderr, "capsa %s: %s: URL too long\n", verb, url);
		free(body);
		return CLI_EXIT_USAGE;
	}
	c.body = (const uint8_t *)body;
	c.body_len = strlen(body);
	if (capsa_http_parallel(&c, 1, NULL) != CAPSA_OK) {
		free(body);
		return CLI_EXIT_FAIL;
	}
	*answer = capsa_proxy_answer(&c, &problem, why, sizeof why);
	if (*answer == NULL)
		fprintf(stderr, "capsa %s: %s: %s\n", verb, url, why);
	capsa_http_call_clear(&c);
	free(body);
	return *answer != NULL ? 0 : CLI_EXIT_FAIL;
}

int cli_keeper_post(const char *verb, const capsa_identity *id, const char *url, const char *route, const char *text,
                    size_t len, json_t **answer)
{
	return post_body(verb, capsa_proxy_envelope(text, len, id, NULL, NULL), url, route, answer);
}

/* A grant also carries "owner_proof": the owner's secp256k1 signature, the key that signs the file's kfrags. */
static int post_with_proof(const capsa_identity *owner, const char *url, const char *text, size_t len, json_t **answer)
{
	capsa_umbral_secret_key sk;
	capsa_umbral_signature sig;
	capsa_status st = capsa_umbral_secret_key_from_bytes(&sk, owner->secp256k1_secret);

	if (st == CAPSA_OK)
		st = capsa_umbral_sign(&sig, &sk, (const uint8_t *)text, len, NULL);
	capsa_umbral_secret_key_wipe(&sk);
	if (st != CAPSA_OK)
		return CLI_EXIT_FAIL;
	return post_body("grant", capsa_proxy_envelope(text, len, owner, "owner_proof", capsa_json_b64(sig.bytes, sizeof sig.bytes)),
	                 url, "/v1/grants", answer);
}

int cli_keeper_send_grant(const capsa_identity *owner, const char *url, const capsa_recipient *keeper,
                          const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const uint8_t content_id[CAPSA_CONTENT_ID_BYTES],
                          const char *file, unsigned threshold, const capsa_proxy_peer *ps, size_t n)
{
	capsa_keeper_grant *g = calloc(1, sizeof *g);
	char *text = NULL;
	size_t len;
	json_t *answer = NULL;
	int rc = CLI_EXIT_USAGE;

	if (g == NULL)
		return CLI_EXIT_FAIL;
	capsa_party_id(g->keeper, keeper->ed25519_public);
	memcpy(g->grant_id, grant_id, CAPSA_GRANT_ID_BYTES);
	memcpy(g->content_id, content_id, CAPSA_CONTENT_ID_BYTES);
	snprintf(g->file, sizeof g->file, "%s", file);
	capsa_identity_recipient(&g->owner, owner);
	g->threshold = (uint8_t)threshold;
	g->num_proxies = n;
	g->time = (uint64_t)time(NULL);
	for (size_t i = 0; i < n && i < CAPSA_KEEPER_MAX_PROXIES; i++) {
		snprintf(g->proxies[i].url, sizeof g->proxies[i].url, "%s", ps[i].url);
		g->proxies[i].key = ps[i].key;
	}
	if (n > CAPSA_KEEPER_MAX_PROXIES || strlen(file) > CAPSA_KEEPER_FILE_MAX ||
	    capsa_keeper_grant_format(&text, &len, g) != CAPSA_OK)
		fprintf(stderr, "capsa grant: cannot tell the keeper (file name %s: [A-Za-z0-9._-]; at most %d proxies)\n",
		        file, CAPSA_KEEPER_MAX_PROXIES);
	else if ((rc = post_with_proof(owner, url, text, len, &answer)) == 0)
		printf("keeper %s holds the grant for its file %s\n", url, g->file);
	json_decref(answer);
	free(text);
	free(g);
	return rc;
}
