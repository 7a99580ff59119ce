/*
 * capsa grant --proxy: one kfrag to each proxy, wrapped to its key, under a
 * grant statement the owner signs; the grant holds once M proxies accept.
 */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

/* The request body for proxy |i| (index i + 1). */
static char *grant_body(const capsa_identity *owner, const capsa_recipient *to, const capsa_kfrag_file *kf,
                        const capsa_proxy_peer *peer, const capsa_proxy_grant *common)
{
	capsa_proxy_grant g = *common;
	uint8_t wrapped[CAPSA_PROXY_KFRAG_WRAP_BYTES];
	char *text = NULL, *body = NULL;
	size_t len;

	memcpy(g.proxy, peer->party, sizeof g.proxy);
	g.index = kf->index;
	capsa_identity_recipient(&g.owner, owner);
	g.recipient = *to;
	if (capsa_proxy_kfrag_wrap(wrapped, kf, &peer->key, g.grant_id, g.content_id) != CAPSA_OK)
		return NULL;
	SHA256(wrapped, sizeof wrapped, g.kfrag_hash);
	if (capsa_proxy_grant_format(&text, &len, &g) == CAPSA_OK)
		body = cli_net_envelope(text, len, owner, "kfrag", cli_net_b64(wrapped, sizeof wrapped));
	free(text);
	return body;
}

/* Prints each proxy's answer; returns how many accepted with a valid receipt. */
static size_t report(const cli_proxies *ps, const capsa_http_call *calls, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES])
{
	size_t accepted = 0;

	for (size_t i = 0; i < ps->num; i++) {
		capsa_proxy_problem problem;
		char why[512];
		json_t *j = cli_net_answer(&calls[i], &problem, why, sizeof why);
		const char *bad = j != NULL ? cli_net_check_receipt(&ps->peers[i], json_object_get(j, "receipt"),
		                                                    CAPSA_EVENT_GRANT, grant_id, NULL)
		                            : why;
		if (bad == NULL) {
			printf("  accepted %s (log index %lld)\n", ps->peers[i].url,
			       (long long)json_integer_value(json_object_get(j, "index")));
			accepted++;
		} else {
			printf("  failed   %s: %s\n", ps->peers[i].url, bad);
		}
		json_decref(j);
	}
	return accepted;
}

static int post_grants(const capsa_identity *owner, const capsa_recipient *to, const capsa_kfrag_file *kf,
                       cli_proxies *ps, const capsa_proxy_grant *common, size_t threshold)
{
	capsa_http_call *calls = calloc(ps->num, sizeof *calls);
	char **bodies = calloc(ps->num, sizeof *bodies);
	capsa_http_client_opts opts;
	char id[2 * CAPSA_GRANT_ID_BYTES + 1], url[2048];
	int rc = 0;

	capsa_http_client_opts_default(&opts);
	for (size_t i = 0; calls != NULL && bodies != NULL && i < ps->num; i++) {
		if ((bodies[i] = grant_body(owner, to, &kf[i], &ps->peers[i], common)) == NULL)
			rc = CLI_EXIT_FAIL;
	}
	if (calls == NULL || bodies == NULL || rc != 0) {
		rc = cli_fail("grant", "the grant statements", CAPSA_ERR_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < ps->num; i++) {
		snprintf(url, sizeof url, "%s/v1/grants", ps->peers[i].url);
		calls[i].url = strdup(url);
		calls[i].body = (const uint8_t *)bodies[i];
		calls[i].body_len = strlen(bodies[i]);
		calls[i].content_type = "application/json";
	}
	capsa_hex_encode(id, common->grant_id, CAPSA_GRANT_ID_BYTES);
	printf("grant: %s\n", id);
	if (capsa_http_parallel(calls, ps->num, &opts) != CAPSA_OK) {
		rc = cli_fail("grant", "the proxies", CAPSA_ERR_INTERNAL);
		goto out;
	}
	size_t accepted = report(ps, calls, common->grant_id);
	if (accepted < threshold) {
		fprintf(stderr, "capsa grant: only %zu of %zu proxies accepted; the grant needs %zu to be usable\n", accepted,
		        ps->num, threshold);
		rc = CLI_EXIT_FAIL;
	} else {
		printf("%zu of %zu proxies accepted; any %zu of them re-encrypt for the recipient\n", accepted, ps->num,
		       threshold);
	}
out:
	for (size_t i = 0; calls != NULL && bodies != NULL && i < ps->num; i++) {
		free((char *)calls[i].url);
		capsa_http_call_clear(&calls[i]);
		free(bodies[i]);
	}
	free(calls);
	free(bodies);
	return rc;
}

int cli_net_grant(const capsa_identity *owner, const capsa_recipient *to, size_t threshold, cli_proxies *ps,
                  uint64_t not_after, uint64_t max_uses, const char *file)
{
	capsa_kfrag_file *kf = calloc(ps->num, sizeof *kf);
	capsa_proxy_grant common = {.threshold = (uint8_t)threshold, .shares = (uint8_t)ps->num,
	                            .not_after = not_after, .max_uses = max_uses, .time = (uint64_t)time(NULL)};
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	capsa_status st;
	int rc;

	if (kf == NULL)
		return cli_fail("grant", file, CAPSA_ERR_NOMEM);
	if (!to->has_ed25519) {
		fprintf(stderr, "capsa grant: the recipient is a type 1 string without a signing key: it could not ask\n"
		                "    proxies; give its current recipient string (capsa keygen prints it)\n");
		free(kf);
		return CLI_EXIT_KEY;
	}
	if ((rc = cli_read_header("grant", file, &hdr, &hdr_len)) != 0)
		goto out;
	st = capsa_grant_create(kf, owner, to, threshold, ps->num, hdr, hdr_len, NULL);
	if (st != CAPSA_OK) {
		rc = cli_fail("grant", file, st);
		goto out;
	}
	memcpy(common.content_id, kf[0].content_id, sizeof common.content_id);
	if (capsa_random(common.grant_id, sizeof common.grant_id) != CAPSA_OK) {
		rc = cli_fail("grant", "random", CAPSA_ERR_INTERNAL);
		goto out;
	}
	rc = post_grants(owner, to, kf, ps, &common, threshold);
out:
	for (size_t i = 0; i < ps->num; i++)
		capsa_kfrag_file_wipe(&kf[i]);
	free(kf);
	free(hdr);
	return rc;
}
