/*
 * capsa grant --proxy: one kfrag to each proxy, wrapped to its key, under a
 * grant statement the owner signs; the grant holds once M proxies accept.
 * The owner keeps a grant record (cli_net_record.c), from which
 * --republish gives the grant again, to the same proxies (idempotent) or to
 * replacements.
 */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

/* One proxy's request: the statement for kfrag |index| in |wrap|, signed, with the wrap. */
static char *grant_body(const capsa_identity *owner, const cli_grant_record *r, const capsa_proxy_peer *peer,
                        unsigned index, const uint8_t wrap[CAPSA_PROXY_KFRAG_WRAP_BYTES])
{
	capsa_proxy_grant g = r->g;
	char *text = NULL, *body = NULL;
	size_t len;

	memcpy(g.proxy, peer->party, sizeof g.proxy);
	g.index = (uint8_t)index;
	capsa_identity_recipient(&g.owner, owner);
	SHA256(wrap, CAPSA_PROXY_KFRAG_WRAP_BYTES, g.kfrag_hash);
	if (capsa_proxy_grant_format(&text, &len, &g) == CAPSA_OK)
		body = capsa_proxy_envelope(text, len, owner, "kfrag", capsa_json_b64(wrap, CAPSA_PROXY_KFRAG_WRAP_BYTES));
	free(text);
	return body;
}

/* Remembers that proxy |peer| holds |wrap| as kfrag |index|. */
static void note_sent(cli_grant_record *r, const capsa_proxy_peer *peer, unsigned index, const uint8_t *wrap)
{
	size_t i = 0;

	while (i < r->num_sent && !(r->sent[i].index == index && strcmp(r->sent[i].party, peer->party) == 0))
		i++;
	if (i == CAPSA_PROXY_PEERS_MAX)
		return;
	r->sent[i].index = (uint8_t)index;
	memcpy(r->sent[i].party, peer->party, sizeof r->sent[i].party);
	memcpy(r->sent[i].wrap, wrap, CAPSA_PROXY_KFRAG_WRAP_BYTES);
	if (i == r->num_sent)
		r->num_sent++;
}

/* Prints proxy |i|'s answer; true if it accepted with a valid receipt. */
static bool accepted(const capsa_proxy_peer *peer, const capsa_http_call *call, const uint8_t *grant_id)
{
	capsa_proxy_problem problem;
	char why[512];
	json_t *j = capsa_proxy_answer(call, &problem, why, sizeof why);
	const char *bad = j != NULL ? capsa_proxy_answer_receipt(json_object_get(j, "receipt"), &peer->key,
	                                                         CAPSA_EVENT_GRANT, grant_id, NULL)
	                            : why;

	if (bad == NULL)
		printf("  accepted %s (%s, log index %lld)\n", peer->url, call->status == 201 ? "new" : "already held",
		       (long long)json_integer_value(json_object_get(j, "index")));
	else
		printf("  failed   %s: %s\n", peer->url, bad);
	json_decref(j);
	return bad == NULL;
}

struct send {
	const capsa_identity *owner;
	cli_proxies *ps;
	cli_grant_record *r;
	uint8_t (*wraps)[CAPSA_PROXY_KFRAG_WRAP_BYTES];
};

static char *send_body(void *arg, size_t i)
{
	struct send *s = arg;
	return grant_body(s->owner, s->r, &s->ps->peers[i], (unsigned)i + 1, s->wraps[i]);
}

/* Sends proxy i kfrag i + 1 (|wraps[i]|) in parallel; notes who accepted in |r|; returns how many. */
static size_t post_grants(const capsa_identity *owner, cli_proxies *ps, cli_grant_record *r,
                          uint8_t (*wraps)[CAPSA_PROXY_KFRAG_WRAP_BYTES])
{
	struct send s = {owner, ps, r, wraps};
	capsa_http_client_opts opts;
	capsa_http_call *calls;
	size_t n = 0;

	capsa_http_client_opts_default(&opts);
	if ((calls = cli_net_post(ps, "/v1/grants", send_body, &s, &opts)) == NULL)
		return 0;
	for (size_t i = 0; i < ps->num; i++)
		if (accepted(&ps->peers[i], &calls[i], r->g.grant_id)) {
			note_sent(r, &ps->peers[i], (unsigned)i + 1, wraps[i]);
			n++;
		}
	cli_net_calls_free(calls, ps->num);
	return n;
}

static int conclude(size_t n, const cli_proxies *ps, const cli_grant_record *r)
{
	if (n < r->g.threshold) {
		fprintf(stderr, "capsa grant: only %zu of %zu proxies accepted; the grant needs %u to be usable\n", n,
		        ps->num, r->g.threshold);
		return CLI_EXIT_FAIL;
	}
	printf("%zu of %zu proxies accepted; any %u of them re-encrypt for the recipient\n", n, ps->num, r->g.threshold);
	return 0;
}

/* Makes the kfrags, the record's own wraps, and a wrap for each proxy. */
static int make_grant(const capsa_identity *owner, cli_proxies *ps, cli_grant_record *r, const char *file,
                      uint8_t (*wraps)[CAPSA_PROXY_KFRAG_WRAP_BYTES])
{
	capsa_kfrag_file *kf = calloc(ps->num, sizeof *kf);
	capsa_recipient me;
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	capsa_status st = kf == NULL ? CAPSA_ERR_NOMEM : CAPSA_OK;
	int rc = st == CAPSA_OK ? cli_read_header("grant", file, &hdr, &hdr_len) : 0;

	capsa_identity_recipient(&me, owner);
	if (st == CAPSA_OK && rc == 0)
		st = capsa_grant_create(kf, owner, &r->g.recipient, r->g.threshold, ps->num, hdr, hdr_len, NULL);
	if (st == CAPSA_OK && rc == 0) {
		memcpy(r->g.content_id, kf[0].content_id, sizeof r->g.content_id);
		st = capsa_random(r->g.grant_id, sizeof r->g.grant_id);
	}
	for (size_t i = 0; st == CAPSA_OK && rc == 0 && i < ps->num; i++)
		if ((st = capsa_proxy_kfrag_wrap(r->own[i], &kf[i], &me, r->g.grant_id, r->g.content_id)) == CAPSA_OK)
			st = capsa_proxy_kfrag_wrap(wraps[i], &kf[i], &ps->peers[i].key, r->g.grant_id, r->g.content_id);
	if (rc == 0 && st != CAPSA_OK)
		rc = cli_fail("grant", file, st);
	for (size_t i = 0; kf != NULL && i < ps->num; i++)
		capsa_kfrag_file_wipe(&kf[i]);
	free(kf);
	free(hdr);
	return rc;
}

int cli_net_grant(const capsa_identity *owner, const capsa_recipient *to, size_t threshold, cli_proxies *ps,
                  uint64_t not_after, uint64_t max_uses, const char *file, const char *record,
                  uint8_t grant_id[CAPSA_GRANT_ID_BYTES], uint8_t content_id[CAPSA_CONTENT_ID_BYTES])
{
	cli_grant_record *r = calloc(1, sizeof *r);
	uint8_t (*wraps)[CAPSA_PROXY_KFRAG_WRAP_BYTES] = calloc(ps->num, sizeof *wraps);
	char id[2 * CAPSA_GRANT_ID_BYTES + 1], *path = NULL;
	int rc;

	if (r == NULL || wraps == NULL) {
		free(r);
		free(wraps);
		return cli_fail("grant", file, CAPSA_ERR_NOMEM);
	}
	if (!to->has_ed25519) {
		fprintf(stderr, "capsa grant: the recipient is a type 1 string without a signing key: it could not ask\n"
		                "    proxies; give its current recipient string (capsa keygen -y prints it)\n");
		rc = CLI_EXIT_KEY;
		goto out;
	}
	r->g = (capsa_proxy_grant){.recipient = *to, .threshold = (uint8_t)threshold, .shares = (uint8_t)ps->num,
	                           .not_after = not_after, .max_uses = max_uses, .time = (uint64_t)time(NULL)};
	if ((rc = make_grant(owner, ps, r, file, wraps)) != 0)
		goto out;
	capsa_hex_encode(id, r->g.grant_id, sizeof r->g.grant_id);
	printf("grant: %s\n", id);
	memcpy(grant_id, r->g.grant_id, CAPSA_GRANT_ID_BYTES);
	memcpy(content_id, r->g.content_id, CAPSA_CONTENT_ID_BYTES);
	rc = conclude(post_grants(owner, ps, r, wraps), ps, r);
	if (record == NULL && (path = malloc(strlen(file) + sizeof ".grant-12345678")) != NULL)
		sprintf(path, "%s.grant-%.8s", file, id);
	if (cli_grant_record_write(r, owner, record != NULL ? record : path) == 0)
		printf("record: %s (keep it: capsa grant --republish gives the grant to a replacement proxy)\n",
		       record != NULL ? record : path);
	else if (rc == 0)
		rc = CLI_EXIT_IO;
out:
	capsa_wipe(r, sizeof *r);
	free(r);
	free(wraps);
	free(path);
	return rc;
}

/* The wrap for proxy |peer| at |index|: the one it already holds, else a fresh one of the owner's copy. */
static capsa_status wrap_for(const capsa_identity *owner, const cli_grant_record *r, const capsa_proxy_peer *peer,
                             unsigned index, uint8_t wrap[CAPSA_PROXY_KFRAG_WRAP_BYTES])
{
	capsa_kfrag_file kf;
	capsa_status st;

	for (size_t i = 0; i < r->num_sent; i++)
		if (r->sent[i].index == index && strcmp(r->sent[i].party, peer->party) == 0) {
			memcpy(wrap, r->sent[i].wrap, CAPSA_PROXY_KFRAG_WRAP_BYTES);
			return CAPSA_OK;
		}
	st = capsa_proxy_kfrag_unwrap(&kf, r->own[index - 1], CAPSA_PROXY_KFRAG_WRAP_BYTES, owner, r->g.grant_id,
	                              r->g.content_id);
	if (st == CAPSA_OK)
		st = capsa_proxy_kfrag_wrap(wrap, &kf, &peer->key, r->g.grant_id, r->g.content_id);
	capsa_kfrag_file_wipe(&kf);
	return st;
}

int cli_net_republish(const capsa_identity *owner, cli_proxies *ps, const char *record)
{
	cli_grant_record *r = calloc(1, sizeof *r);
	uint8_t (*wraps)[CAPSA_PROXY_KFRAG_WRAP_BYTES] = calloc(ps->num, sizeof *wraps);
	char id[2 * CAPSA_GRANT_ID_BYTES + 1];
	capsa_status st = CAPSA_OK;
	int rc = r == NULL || wraps == NULL ? cli_fail("grant", record, CAPSA_ERR_NOMEM) : 0;

	if (rc == 0 && (rc = cli_grant_record_read(r, owner, record)) == 0 && ps->num > r->g.shares) {
		fprintf(stderr, "capsa grant: the grant has %u kfrags; %zu proxies given (proxy i gets kfrag i)\n",
		        r->g.shares, ps->num);
		rc = CLI_EXIT_USAGE;
	}
	for (size_t i = 0; rc == 0 && st == CAPSA_OK && i < ps->num; i++)
		st = wrap_for(owner, r, &ps->peers[i], (unsigned)i + 1, wraps[i]);
	if (rc == 0 && st != CAPSA_OK)
		rc = cli_fail("grant", record, st);
	if (rc == 0) {
		capsa_hex_encode(id, r->g.grant_id, sizeof r->g.grant_id);
		printf("grant: %s (re-published)\n", id);
		rc = conclude(post_grants(owner, ps, r, wraps), ps, r);
		if (cli_grant_record_write(r, owner, record) != 0 && rc == 0)
			rc = CLI_EXIT_IO;
	}
	if (r != NULL)
		capsa_wipe(r, sizeof *r);
	free(r);
	free(wraps);
	return rc;
}
