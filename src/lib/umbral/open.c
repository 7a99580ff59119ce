/*
 * Opening a capsule with M cfrags: Lagrange-combine e1 and v1 at zero into
 * E' and V', check the result against the capsule (A·(s/d) == h·E' + V'),
 * and recover the key seed (E' + V')·d.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"

/* The receiver's view of one grant: dh = precursor·b and its derived d. */
typedef struct receiver {
	uint8_t precursor[33], rpk[33], dh[33];
	capsa_ec_scalar d;
} receiver;

/*
 * λ_i = Π_{j≠i} x_j / (x_j − x_i) for all i, with one inversion for the
 * denominators and d together (|inv| has n + 1 slots, the last for d).
 * A zero difference means a repeated share: CAPSA_ERR_THRESHOLD.
 */
static capsa_status lagrange(capsa_ec_scalar *lambda, capsa_ec_scalar *inv, const capsa_ec_scalar *x, size_t n)
{
	capsa_status st = CAPSA_OK;

	for (size_t i = 0; i < n && st == CAPSA_OK; i++) {
		bool first = true;
		for (size_t j = 0; j < n && st == CAPSA_OK; j++) {
			capsa_ec_scalar diff;
			if (j == i)
				continue;
			if (capsa_ec_scalar_sub(&diff, &x[j], &x[i]) != CAPSA_OK)
				return CAPSA_ERR_THRESHOLD;
			if (first)
				lambda[i] = x[j], inv[i] = diff, first = false;
			else if ((st = capsa_ec_scalar_mul(&lambda[i], &lambda[i], &x[j])) == CAPSA_OK)
				st = capsa_ec_scalar_mul(&inv[i], &inv[i], &diff);
		}
		if (first) /* a single cfrag: λ = 1 */
			memset(&lambda[i], 0, sizeof lambda[i]), lambda[i].b[31] = 1, inv[i] = lambda[i];
	}
	if (st == CAPSA_OK)
		st = capsa_ec_scalar_batch_inv(inv, n + 1);
	for (size_t i = 0; i < n && st == CAPSA_OK; i++)
		st = capsa_ec_scalar_mul(&lambda[i], &lambda[i], &inv[i]);
	return st;
}

/* E' = Σ λ_i·e1_i and V' = Σ λ_i·v1_i, each sum in one addition call */
static capsa_status combine(capsa_ec_point *ep, capsa_ec_point *vp, const capsa_umbral_cfrag *cfrags,
                            const capsa_ec_scalar *lambda, size_t n)
{
	capsa_ec_point *terms = calloc(2 * n, sizeof *terms);
	capsa_status st = terms != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;

	for (size_t i = 0; i < n && st == CAPSA_OK; i++) {
		capsa_ec_point *e1 = &terms[i], *v1 = &terms[n + i];
		if ((st = umb_cached_point(e1, cfrags[i].points_cache_, cfrags[i].e1)) == CAPSA_OK &&
		    (st = umb_cached_point(v1, cfrags[i].points_cache_ + 64, cfrags[i].v1)) == CAPSA_OK &&
		    (st = capsa_ec_mul(e1, e1, &lambda[i])) == CAPSA_OK)
			st = capsa_ec_mul(v1, v1, &lambda[i]);
	}
	if (st == CAPSA_OK && (st = capsa_ec_sum(ep, terms, n)) == CAPSA_OK)
		st = capsa_ec_sum(vp, terms + n, n);
	free(terms);
	return st;
}

/* A·(s·d⁻¹) == h·E' + V', then key seed = (E' + V')·d */
static capsa_status check_and_seed(uint8_t seed[33], const capsa_umbral_capsule *capsule, const capsa_ec_point *a_pub,
                                   const capsa_ec_point *ep, const capsa_ec_point *vp, const capsa_ec_scalar *d,
                                   const capsa_ec_scalar *d_inv)
{
	capsa_ec_scalar s, h;
	capsa_ec_point lhs, rhs, sum;
	capsa_status st = CAPSA_ERR_KEY;

	if (capsa_ec_scalar_parse(&s, capsule->s) != CAPSA_OK || umb_capsule_h(&h, capsule->e, capsule->v) != CAPSA_OK ||
	    capsa_ec_scalar_mul(&s, &s, d_inv) != CAPSA_OK || capsa_ec_mul(&lhs, a_pub, &s) != CAPSA_OK ||
	    capsa_ec_mul(&rhs, ep, &h) != CAPSA_OK || capsa_ec_add(&rhs, &rhs, vp) != CAPSA_OK ||
	    !capsa_ec_point_equal(&lhs, &rhs))
		goto out;
	if (capsa_ec_add(&sum, ep, vp) != CAPSA_OK || capsa_ec_mul(&sum, &sum, d) != CAPSA_OK)
		goto out;
	capsa_ec_point_encode(seed, &sum);
	st = CAPSA_OK;
out:
	capsa_wipe(&s, sizeof s); /* s·d⁻¹ reveals d */
	capsa_wipe(&sum, sizeof sum);
	return st;
}

/* dh, d and every share index x_i, from the receiver's secret key. */
static capsa_status receiver_setup(receiver *r, capsa_ec_scalar *x, const capsa_umbral_secret_key *sk,
                                   const capsa_umbral_cfrag *cfrags, size_t n)
{
	capsa_ec_scalar b;
	capsa_ec_point p;
	umb_part parts[4] = {{r->precursor, 33}, {r->rpk, 33}, {r->dh, 33}, {NULL, 32}};
	capsa_status st;

	memcpy(r->precursor, cfrags[0].precursor, 33);
	if ((st = capsa_ec_scalar_parse(&b, sk->bytes)) != CAPSA_OK || (st = capsa_secp256k1_pubkey(r->rpk, b.b)) != CAPSA_OK ||
	    (st = capsa_ec_point_parse(&p, r->precursor)) != CAPSA_OK || (st = capsa_ec_mul(&p, &p, &b)) != CAPSA_OK)
		goto out;
	capsa_ec_point_encode(r->dh, &p);
	if ((st = umb_hash_to_scalar(&r->d, UMB_DST_SHARED_SECRET, parts, 3)) != CAPSA_OK)
		goto out;
	for (size_t i = 0; i < n && st == CAPSA_OK; i++) {
		parts[3].p = cfrags[i].kfrag_id;
		st = umb_hash_to_scalar(&x[i], UMB_DST_POLYNOMIAL_ARG, parts, 4);
	}
out:
	capsa_ec_scalar_wipe(&b);
	capsa_wipe(&p, sizeof p);
	return st;
}

capsa_status capsa_umbral_decrypt_reencrypted(uint8_t *pt, const capsa_umbral_secret_key *receiving,
                                              const capsa_umbral_public_key *delegating,
                                              const capsa_umbral_capsule *capsule, const capsa_umbral_cfrag *cfrags,
                                              size_t n, size_t threshold, const uint8_t *ct, size_t ct_len)
{
	receiver r;
	capsa_ec_scalar *x = NULL, *lambda = NULL, *inv = NULL;
	capsa_ec_point a_pub, ep, vp;
	uint8_t seed[33];
	capsa_status st;

	if (n == 0 || n < threshold)
		return CAPSA_ERR_THRESHOLD;
	if (n > CAPSA_UMBRAL_MAX_SHARES)
		return CAPSA_ERR_ARG;
	for (size_t i = 1; i < n; i++)
		if (memcmp(cfrags[i].precursor, cfrags[0].precursor, 33) != 0)
			return CAPSA_ERR_MISMATCH;
	if ((st = capsa_ec_point_parse(&a_pub, delegating->bytes)) != CAPSA_OK)
		return st;
	x = calloc(n, sizeof *x), lambda = calloc(n, sizeof *lambda), inv = calloc(n + 1, sizeof *inv);
	if (x == NULL || lambda == NULL || inv == NULL) {
		st = CAPSA_ERR_NOMEM;
		goto out;
	}
	if ((st = receiver_setup(&r, x, receiving, cfrags, n)) != CAPSA_OK)
		goto out;
	inv[n] = r.d;
	if ((st = lagrange(lambda, inv, x, n)) != CAPSA_OK || (st = combine(&ep, &vp, cfrags, lambda, n)) != CAPSA_OK ||
	    (st = check_and_seed(seed, capsule, &a_pub, &ep, &vp, &r.d, &inv[n])) != CAPSA_OK)
		goto out;
	st = umb_capsule_open(pt, seed, capsule, ct, ct_len);
out:
	if (x != NULL)
		capsa_wipe(x, n * sizeof *x);
	if (lambda != NULL)
		capsa_wipe(lambda, n * sizeof *lambda);
	if (inv != NULL)
		capsa_wipe(inv, (n + 1) * sizeof *inv);
	free(x), free(lambda), free(inv);
	capsa_wipe(&r, sizeof r);
	capsa_wipe(seed, sizeof seed);
	return st;
}
