/*
 * What a proxy checks before it holds a grant (doc/PROTOCOL.md, "Grant"):
 * the statement is for this proxy and signed by its owner, and the kfrag it
 * carries is the one the statement names, opens for this proxy, belongs to
 * the statement's content, recipient and owner, and verifies.
 */
#include <string.h>

#include <capsa/proxy.h>

#include "crypto/crypto.h"

/* Nothing of a refused grant is kept: not the kfrag, and not the statement a caller might store by mistake. */
static capsa_status refuse(capsa_proxy_grant *g, capsa_kfrag_file *kf, capsa_proxy_problem *problem,
                           capsa_proxy_problem why, capsa_status st)
{
	memset(g, 0, sizeof *g);
	capsa_kfrag_file_wipe(kf);
	*problem = why;
	return st;
}

/* The kfrag file must say what the statement says. */
static bool kfrag_matches(const capsa_kfrag_file *kf, const capsa_proxy_grant *g)
{
	return memcmp(kf->content_id, g->content_id, CAPSA_CONTENT_ID_BYTES) == 0 && kf->threshold == g->threshold &&
	       kf->shares == g->shares && kf->index == g->index &&
	       memcmp(kf->receiving.bytes, g->recipient.secp256k1_public, CAPSA_SECP256K1_PUBLICBYTES) == 0 &&
	       memcmp(kf->verifying.bytes, g->owner.secp256k1_public, CAPSA_SECP256K1_PUBLICBYTES) == 0;
}

capsa_status capsa_proxy_grant_accept(capsa_proxy_grant *g, capsa_kfrag_file *kf, capsa_proxy_problem *problem,
                                      const char *text, size_t len, const uint8_t sig[CAPSA_PROXY_SIG_BYTES],
                                      const uint8_t *wrapped, size_t wrapped_len, const capsa_identity *proxy)
{
	char me[CAPSA_PARTY_ID_HEXLEN + 1];
	uint8_t h[CAPSA_SHA256_BYTES];
	capsa_status st;

	*problem = CAPSA_PROBLEM_NONE;
	capsa_kfrag_file_wipe(kf);
	if ((st = capsa_proxy_grant_parse(g, text, len)) != CAPSA_OK)
		return refuse(g, kf, problem, CAPSA_PROBLEM_BAD_REQUEST, st);
	capsa_party_id(me, proxy->ed25519_public);
	if (strcmp(g->proxy, me) != 0)
		return refuse(g, kf, problem, CAPSA_PROBLEM_WRONG_PROXY, CAPSA_ERR_MISMATCH);
	if ((st = capsa_proxy_verify(sig, text, len, &g->owner)) != CAPSA_OK)
		return refuse(g, kf, problem, CAPSA_PROBLEM_BAD_SIGNATURE, st);
	if (capsa_sha256(h, wrapped, wrapped_len) != CAPSA_OK || memcmp(h, g->kfrag_hash, sizeof h) != 0)
		return refuse(g, kf, problem, CAPSA_PROBLEM_BAD_KFRAG, CAPSA_ERR_MISMATCH);
	if ((st = capsa_proxy_kfrag_unwrap(kf, wrapped, wrapped_len, proxy, g->grant_id, g->content_id)) != CAPSA_OK)
		return refuse(g, kf, problem, CAPSA_PROBLEM_BAD_KFRAG, st);
	if (!kfrag_matches(kf, g))
		st = CAPSA_ERR_MISMATCH;
	else
		st = capsa_umbral_kfrag_verify(&kf->kfrag, &kf->verifying, &kf->delegating, &kf->receiving);
	if (st != CAPSA_OK)
		return refuse(g, kf, problem, CAPSA_PROBLEM_BAD_KFRAG, st);
	return CAPSA_OK;
}
