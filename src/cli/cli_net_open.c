/*
 * capsa open --proxy: ask every proxy at once for a cfrag of the file's
 * capsule, keep each that verifies (with its receipt), stop at the grant's
 * threshold, and name every proxy that failed and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/file.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

struct report {
	const cli_proxies *ps;
	const uint8_t *grant_id;
	const char *receipts_dir;
};

static void save_receipt(const struct report *r, const capsa_proxy_peer *peer, const char *receipt)
{
	char path[4096], id[2 * CAPSA_GRANT_ID_BYTES + 1];
	capsa_status st;

	if (r->receipts_dir == NULL)
		return;
	capsa_hex_encode(id, r->grant_id, CAPSA_GRANT_ID_BYTES);
	snprintf(path, sizeof path, "%s/%s-%.16s.receipt", r->receipts_dir, id, peer->party);
	(void)unlink(path); /* a fresh receipt replaces the last one */
	if ((st = capsa_secret_file_write(path, receipt, strlen(receipt), NULL)) != CAPSA_OK)
		fprintf(stderr, "capsa open: %s: cannot save the receipt (%s)\n", path, capsa_status_str(st));
}

/* Names each proxy as it answers: its cfrag verified (its receipt kept), or why not. */
static void report(void *arg, size_t i, const char *why, const char *receipt)
{
	const struct report *r = arg;
	const capsa_proxy_peer *peer = &r->ps->peers[i];

	if (why != NULL) {
		fprintf(stderr, "capsa open: %s: %s\n", peer->url, why);
		return;
	}
	save_receipt(r, peer, receipt);
	fprintf(stderr, "capsa open: %s: cfrag verified\n", peer->url);
}

int cli_net_fetch_cfrags(const capsa_identity *me, cli_proxies *ps, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                         const char *file, const char *receipts_dir, capsa_cfrag_file **cfrags, const char ***names,
                         size_t *num)
{
	capsa_umbral_stanza stanza;
	struct report r = {ps, grant_id, receipts_dir};
	capsa_gather g;
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
	if ((st = capsa_proxy_gather(me, ps->peers, ps->num, grant_id, &stanza, 30000, report, &r, &g)) != CAPSA_OK)
		return cli_fail("open", "the proxies", st);
	if (g.num == 0 || g.num < g.need) {
		if (g.num == 0)
			fprintf(stderr, "capsa open: no verified cfrag from %zu proxies\n", ps->num);
		else
			fprintf(stderr, "capsa open: %zu verified cfrag%s from %zu proxies; the grant needs %zu\n", g.num,
			        g.num == 1 ? "" : "s", ps->num, g.need);
		capsa_gather_free(&g);
		return CLI_EXIT_THRESHOLD;
	}
	if ((*names = calloc(g.num, sizeof **names)) == NULL) {
		capsa_gather_free(&g);
		return cli_fail("open", "the proxies", CAPSA_ERR_NOMEM);
	}
	for (size_t i = 0; i < g.num; i++)
		(*names)[i] = ps->peers[g.from[i]].url;
	*cfrags = g.cfrags;
	*num = g.num;
	free(g.from);
	return 0;
}
