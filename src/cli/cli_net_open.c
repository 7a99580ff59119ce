/*
 * capsa open --proxy: ask every proxy at once for a cfrag of the file's
 * capsule, keep each that verifies (with its receipt), stop at the grant's
 * threshold, and name every proxy that failed and why.
 */
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/file.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

struct gather {
	const cli_proxies *ps;
	const capsa_umbral_stanza *stanza;
	const uint8_t *grant_id;
	const char *receipts_dir;
	capsa_cfrag_file *cfrags;
	const char **names;
	size_t num, need;
};

static void save_receipt(const struct gather *g, const capsa_proxy_peer *peer, const char *receipt)
{
	char path[4096], id[2 * CAPSA_GRANT_ID_BYTES + 1];
	capsa_status st;

	if (g->receipts_dir == NULL)
		return;
	capsa_hex_encode(id, g->grant_id, CAPSA_GRANT_ID_BYTES);
	snprintf(path, sizeof path, "%s/%s-%.16s.receipt", g->receipts_dir, id, peer->party);
	(void)unlink(path); /* a fresh receipt replaces the last one */
	if ((st = capsa_secret_file_write(path, receipt, strlen(receipt), NULL)) != CAPSA_OK)
		fprintf(stderr, "capsa open: %s: cannot save the receipt (%s)\n", path, capsa_status_str(st));
}

/* One proxy's answer: a verified cfrag and receipt, or why not. */
static const char *take_cfrag(struct gather *g, const capsa_proxy_peer *peer, const json_t *j)
{
	capsa_cfrag_file *cf = &g->cfrags[g->num];
	const char *receipt, *bad = capsa_proxy_answer_cfrag(j, 0, &peer->key, g->grant_id, g->stanza, cf, &receipt);

	if (bad != NULL)
		return bad;
	save_receipt(g, peer, receipt);
	if (g->num == 0)
		g->need = cf->threshold;
	g->names[g->num++] = peer->url;
	return NULL;
}

static bool on_done(void *arg, capsa_http_call *call, size_t i)
{
	struct gather *g = arg;
	capsa_proxy_problem problem;
	char why[512];
	json_t *j = capsa_proxy_answer(call, &problem, why, sizeof why);
	const char *bad = j != NULL ? take_cfrag(g, &g->ps->peers[i], j) : why;

	if (bad != NULL)
		fprintf(stderr, "capsa open: %s: %s\n", g->ps->peers[i].url, bad);
	else
		fprintf(stderr, "capsa open: %s: cfrag verified\n", g->ps->peers[i].url);
	json_decref(j);
	return g->num > 0 && g->num >= g->need;
}

struct ask {
	const capsa_identity *me;
	struct gather *g;
};

static char *ask_body(void *arg, size_t i)
{
	struct ask *a = arg;
	return cli_net_reencrypt_body(a->me, a->g->ps->peers[i].party, (const uint8_t(*)[CAPSA_GRANT_ID_BYTES])a->g->grant_id,
	                              a->g->stanza, 1);
}

static int ask(const capsa_identity *me, struct gather *g)
{
	struct ask a = {me, g};
	capsa_http_client_opts opts;
	capsa_http_call *calls;

	capsa_http_client_opts_default(&opts);
	opts.on_done = on_done;
	opts.arg = g;
	opts.deadline_ms = 30000;
	if ((calls = cli_net_post(g->ps, "/v1/reencrypt", ask_body, &a, &opts)) == NULL)
		return cli_fail("open", "the proxies", CAPSA_ERR_NOMEM);
	cli_net_calls_free(calls, g->ps->num);
	return 0;
}

int cli_net_fetch_cfrags(const capsa_identity *me, cli_proxies *ps, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                         const char *file, const char *receipts_dir, capsa_cfrag_file **cfrags, const char ***names,
                         size_t *num)
{
	capsa_umbral_stanza stanza;
	struct gather g = {.ps = ps, .stanza = &stanza, .grant_id = grant_id, .receipts_dir = receipts_dir};
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	capsa_status st;
	int rc;

	*cfrags = NULL;
	*num = 0;
	if ((rc = cli_read_header("open", file, &hdr, &hdr_len)) != 0)
		return rc;
	st = capsa_umbral_stanza_find(&stanza, hdr, hdr_len);
	free(hdr);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa open: %s: %s\n", file,
		        st == CAPSA_ERR_NO_MATCH ? "no umbral stanza: the file was sealed without --owner" : capsa_status_str(st));
		return st == CAPSA_ERR_NO_MATCH ? CLI_EXIT_NO_ROUTE : cli_exit_code(st);
	}
	g.cfrags = calloc(ps->num, sizeof *g.cfrags);
	g.names = calloc(ps->num, sizeof *g.names);
	if (g.cfrags == NULL || g.names == NULL) {
		free(g.cfrags);
		free(g.names);
		return cli_fail("open", file, CAPSA_ERR_NOMEM);
	}
	if ((rc = ask(me, &g)) != 0 || g.num == 0 || g.num < g.need) {
		if (g.num == 0)
			fprintf(stderr, "capsa open: no verified cfrag from %zu proxies\n", ps->num);
		else
			fprintf(stderr, "capsa open: %zu verified cfrag%s from %zu proxies; the grant needs %zu\n", g.num,
			        g.num == 1 ? "" : "s", ps->num, g.need);
		free(g.cfrags);
		free(g.names);
		return rc != 0 ? rc : CLI_EXIT_THRESHOLD;
	}
	*cfrags = g.cfrags;
	*names = g.names;
	*num = g.num;
	return 0;
}
