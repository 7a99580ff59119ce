/*
 * Opening an `umbral` stanza with cfrags: every cfrag is checked against the
 * stanza and the others, each check with its own name, before the Umbral
 * combination recovers the CEK. The container then verifies the header MAC
 * with it, as for any stanza.
 */
#include <capsa/grant.h>

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "grant/grant_internal.h"

void capsa_grant_report_set(capsa_grant_report *r, capsa_grant_check check, size_t index, capsa_status cause)
{
	if (r == NULL)
		return;
	memset(r, 0, sizeof *r);
	r->check = check;
	r->index = index;
	r->cause = cause;
}

const char *capsa_grant_check_name(capsa_grant_check check)
{
	switch (check) {
	case CAPSA_GRANT_CHECK_NONE: return "no check failed";
	case CAPSA_GRANT_CHECK_FILE: return "content id: made for another file";
	case CAPSA_GRANT_CHECK_OWNER: return "owner keys: the delegating or verifying key is not this file's";
	case CAPSA_GRANT_CHECK_RECIPIENT: return "receiving key: made for another recipient than these identities";
	case CAPSA_GRANT_CHECK_GRANT: return "grant: cfrags of different grants";
	case CAPSA_GRANT_CHECK_DUPLICATE: return "duplicate: the same cfrag twice";
	case CAPSA_GRANT_CHECK_VERIFY: return "verification: forged or damaged";
	case CAPSA_GRANT_CHECK_THRESHOLD: return "threshold: too few cfrags";
	case CAPSA_GRANT_CHECK_COMBINE: return "combination: the cfrags do not open the capsule";
	}
	return "unknown check";
}

static const capsa_identity *identity_for(const capsa_umbral_public_key *pk, const capsa_identity *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(ids[i].secp256k1_public, pk->bytes, sizeof pk->bytes) == 0)
			return &ids[i];
	return NULL;
}

/* The checks of cfrag |i| that need no curve arithmetic; cfrag 0 sets what the others must match. */
static capsa_grant_check check_fields(const capsa_cfrag_file *cfrags, size_t i, const capsa_umbral_stanza *s,
                                      const capsa_identity *ids, size_t num_ids)
{
	const capsa_cfrag_file *c = &cfrags[i], *first = &cfrags[0];

	if (memcmp(c->content_id, s->content_id, CAPSA_CONTENT_ID_BYTES) != 0)
		return CAPSA_GRANT_CHECK_FILE;
	if (memcmp(&c->delegating, &s->delegating, sizeof s->delegating) != 0 ||
	    memcmp(&c->verifying, &s->verifying, sizeof s->verifying) != 0)
		return CAPSA_GRANT_CHECK_OWNER;
	if (identity_for(&c->receiving, ids, num_ids) == NULL)
		return CAPSA_GRANT_CHECK_RECIPIENT;
	if (i > 0 && (memcmp(&c->receiving, &first->receiving, sizeof c->receiving) != 0 ||
	              c->threshold != first->threshold ||
	              memcmp(c->cfrag.precursor, first->cfrag.precursor, sizeof c->cfrag.precursor) != 0))
		return CAPSA_GRANT_CHECK_GRANT;
	for (size_t j = 0; j < i; j++)
		if (memcmp(c->cfrag.kfrag_id, cfrags[j].cfrag.kfrag_id, sizeof c->cfrag.kfrag_id) == 0)
			return CAPSA_GRANT_CHECK_DUPLICATE;
	return CAPSA_GRANT_CHECK_NONE;
}

capsa_status capsa_grant_verify_cfrag(const capsa_cfrag_file *cf, const capsa_umbral_stanza *stanza,
                                      capsa_grant_report *report)
{
	capsa_grant_check check = CAPSA_GRANT_CHECK_NONE;
	capsa_status st;

	capsa_grant_report_set(report, CAPSA_GRANT_CHECK_NONE, SIZE_MAX, CAPSA_OK);
	if (memcmp(cf->content_id, stanza->content_id, CAPSA_CONTENT_ID_BYTES) != 0)
		check = CAPSA_GRANT_CHECK_FILE;
	else if (memcmp(&cf->delegating, &stanza->delegating, sizeof cf->delegating) != 0 ||
	         memcmp(&cf->verifying, &stanza->verifying, sizeof cf->verifying) != 0)
		check = CAPSA_GRANT_CHECK_OWNER;
	if (check != CAPSA_GRANT_CHECK_NONE) {
		capsa_grant_report_set(report, check, 0, CAPSA_ERR_MISMATCH);
		return CAPSA_ERR_MISMATCH;
	}
	st = capsa_umbral_cfrag_verify(&cf->cfrag, &stanza->capsule, &stanza->verifying, &stanza->delegating,
	                               &cf->receiving);
	if (st == CAPSA_OK || st == CAPSA_ERR_NOMEM || st == CAPSA_ERR_INTERNAL)
		return st;
	capsa_grant_report_set(report, CAPSA_GRANT_CHECK_VERIFY, 0, st);
	return CAPSA_ERR_PROOF;
}

static capsa_status check_all(const capsa_umbral_stanza *s, const capsa_identity *ids, size_t num_ids,
                              const capsa_umbral_route *route)
{
	for (size_t i = 0; i < route->num_cfrags; i++) {
		const capsa_cfrag_file *c = &route->cfrags[i];
		capsa_grant_check check = check_fields(route->cfrags, i, s, ids, num_ids);
		capsa_status st;
		if (check != CAPSA_GRANT_CHECK_NONE) {
			st = check == CAPSA_GRANT_CHECK_DUPLICATE ? CAPSA_ERR_THRESHOLD : CAPSA_ERR_MISMATCH;
			capsa_grant_report_set(route->report, check, i, st);
			return st;
		}
		if ((st = capsa_grant_verify_cfrag(c, s, route->report)) != CAPSA_OK) {
			if (route->report != NULL)
				route->report->index = i;
			return st;
		}
	}
	return CAPSA_OK;
}

/* Every cfrag passed its checks and there are enough: combine them. */
static capsa_status combine(uint8_t cek[CAPSA_CEK_BYTES], const capsa_umbral_stanza *s, const capsa_identity *me,
                            const capsa_umbral_route *route)
{
	size_t n = route->num_cfrags;
	capsa_umbral_cfrag *frags = calloc(n, sizeof *frags);
	capsa_umbral_secret_key sk;
	capsa_status st;

	if (frags == NULL)
		return CAPSA_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		frags[i] = route->cfrags[i].cfrag;
	if ((st = capsa_umbral_secret_key_from_bytes(&sk, me->secp256k1_secret)) == CAPSA_OK)
		st = capsa_umbral_decrypt_reencrypted(cek, &sk, &s->delegating, &s->capsule, frags, n,
		                                      route->cfrags[0].threshold, s->ct, sizeof s->ct);
	capsa_umbral_secret_key_wipe(&sk);
	free(frags); /* public: cfrags hold no secret */
	if (st != CAPSA_OK)
		capsa_grant_report_set(route->report, CAPSA_GRANT_CHECK_COMBINE, SIZE_MAX, st);
	return st;
}

capsa_status capsa_grant_unlock_cek(uint8_t cek[CAPSA_CEK_BYTES], const capsa_umbral_stanza *stanza,
                                    const capsa_identity *ids, size_t num_ids, const capsa_umbral_route *route)
{
	size_t have = route->num_cfrags, need;
	capsa_status st;

	capsa_wipe(cek, CAPSA_CEK_BYTES);
	capsa_grant_report_set(route->report, CAPSA_GRANT_CHECK_NONE, SIZE_MAX, CAPSA_OK);
	if (have > CAPSA_UMBRAL_MAX_SHARES || (have > 0 && route->cfrags == NULL))
		return CAPSA_ERR_ARG;
	if ((st = check_all(stanza, ids, num_ids, route)) != CAPSA_OK)
		return st;
	need = have > 0 ? route->cfrags[0].threshold : 1;
	if (have < need) {
		capsa_grant_report_set(route->report, CAPSA_GRANT_CHECK_THRESHOLD, SIZE_MAX, CAPSA_ERR_THRESHOLD);
		if (route->report != NULL) {
			route->report->have = have;
			route->report->need = need;
		}
		return CAPSA_ERR_THRESHOLD;
	}
	st = combine(cek, stanza, identity_for(&route->cfrags[0].receiving, ids, num_ids), route);
	if (st != CAPSA_OK)
		capsa_wipe(cek, CAPSA_CEK_BYTES);
	return st;
}
