/* A grant's cfrags, gathered from its proxies (proxy_gather.h). */
#include <stdlib.h>
#include <string.h>

#include <capsa/util.h>

#include "client/http_client.h"
#include "client/proxy_answer.h"
#include "client/proxy_gather.h"
#include "client/proxy_request.h"

struct run {
	const capsa_proxy_peer *peers;
	const uint8_t *grant_id;
	const capsa_umbral_stanza *stanza;
	capsa_gather_report report;
	void *arg;
	capsa_gather *g;
};

static bool on_done(void *arg, capsa_http_call *call, size_t i)
{
	struct run *r = arg;
	capsa_gather *g = r->g;
	capsa_proxy_problem problem;
	char why[512];
	const char *bad = why, *receipt = NULL;
	json_t *j = capsa_proxy_answer(call, &problem, why, sizeof why);

	if (j != NULL)
		bad = capsa_proxy_answer_cfrag(j, 0, &r->peers[i].key, r->grant_id, r->stanza, &g->cfrags[g->num], &receipt);
	if (bad == NULL) {
		if (g->num == 0)
			g->need = g->cfrags[0].threshold;
		g->from[g->num++] = i;
	}
	if (r->report != NULL)
		r->report(r->arg, i, bad, receipt);
	json_decref(j);
	return g->num > 0 && g->num >= g->need;
}

capsa_status capsa_proxy_gather(const capsa_identity *me, const capsa_proxy_peer *peers, size_t n,
                                const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const capsa_umbral_stanza *stanza,
                                long deadline_ms, capsa_gather_report report, void *arg, capsa_gather *g)
{
	struct run r = {peers, grant_id, stanza, report, arg, g};
	capsa_http_call *calls = calloc(n, sizeof *calls);
	capsa_http_client_opts opts;
	capsa_status st = CAPSA_OK;

	memset(g, 0, sizeof *g);
	g->cfrags = calloc(n, sizeof *g->cfrags);
	g->from = calloc(n, sizeof *g->from);
	g->slots = g->cfrags != NULL ? n : 0;
	if (calls == NULL || g->cfrags == NULL || g->from == NULL)
		st = CAPSA_ERR_NOMEM;
	for (size_t i = 0; st == CAPSA_OK && i < n; i++) {
		char *body = capsa_proxy_reencrypt_body(me, peers[i].party,
		                                        (const uint8_t(*)[CAPSA_GRANT_ID_BYTES])grant_id, stanza, 1);
		size_t url_len = strlen(peers[i].url) + sizeof "/v1/reencrypt";
		char *url = malloc(url_len);
		calls[i].body = (const uint8_t *)body;
		calls[i].url = url;
		if (body == NULL || url == NULL) {
			st = CAPSA_ERR_NOMEM;
			break;
		}
		memcpy(url, peers[i].url, strlen(peers[i].url));
		memcpy(url + strlen(peers[i].url), "/v1/reencrypt", sizeof "/v1/reencrypt");
		calls[i].body_len = strlen(body);
		calls[i].content_type = "application/json";
	}
	capsa_http_client_opts_default(&opts);
	opts.on_done = on_done;
	opts.arg = &r;
	opts.deadline_ms = deadline_ms;
	if (st == CAPSA_OK)
		st = capsa_http_parallel(calls, n, &opts);
	for (size_t i = 0; calls != NULL && i < n; i++) {
		free((char *)calls[i].url);
		free((uint8_t *)calls[i].body);
		capsa_http_call_clear(&calls[i]);
	}
	free(calls);
	if (st != CAPSA_OK)
		capsa_gather_free(g);
	return st;
}

void capsa_gather_free(capsa_gather *g)
{
	if (g->cfrags != NULL) /* every slot: a refused answer may have been parsed into the next one */
		capsa_wipe(g->cfrags, g->slots * sizeof *g->cfrags);
	free(g->cfrags);
	free(g->from);
	memset(g, 0, sizeof *g);
}
