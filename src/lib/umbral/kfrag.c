/*
 * Key fragments: shares rk = f(x_i) of a polynomial with f(0) = a/d, where
 * d = H(SHARED_SECRET; precursor, B, B·x) is a secret the receiver can
 * recompute; each share comes with its commitment U·rk and two signatures.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"
#include "wire/msgpack.h"

/* What every kfrag of one grant shares. */
typedef struct grant {
	capsa_ec_scalar *coef; /* threshold coefficients, coef[0] = a/d */
	size_t threshold;
	uint8_t precursor[33], dh[33];
	uint8_t dpk[33], rpk[33];
	capsa_ec_scalar signer;
} grant;

/* x_i = H(POLYNOMIAL_ARG; precursor ‖ B ‖ dh ‖ id): shared with decryption. */
static capsa_status share_index(capsa_ec_scalar *x, const uint8_t precursor[33], const uint8_t rpk[33],
                                const uint8_t dh[33], const uint8_t id[32])
{
	umb_part parts[4] = {{precursor, 33}, {rpk, 33}, {dh, 33}, {id, 32}};
	return umb_hash_to_scalar(x, UMB_DST_POLYNOMIAL_ARG, parts, 4);
}

/* Draws x, derives the precursor, dh and d, and the polynomial (coef[0] = a/d, the rest drawn). */
static capsa_status grant_setup(grant *g, const capsa_ec_scalar *a, const capsa_ec_point *b_pub,
                                const capsa_umbral_rng *rng)
{
	capsa_ec_scalar x, d;
	capsa_ec_point p;
	capsa_status st;
	umb_part parts[3] = {{g->precursor, 33}, {g->rpk, 33}, {g->dh, 33}};

	if ((st = umb_draw_scalar(rng, &x)) != CAPSA_OK || (st = capsa_ec_mul_base(&p, &x)) != CAPSA_OK)
		goto out;
	capsa_ec_point_encode(g->precursor, &p);
	if ((st = capsa_ec_mul(&p, b_pub, &x)) != CAPSA_OK)
		goto out;
	capsa_ec_point_encode(g->dh, &p);
	if ((st = umb_hash_to_scalar(&d, UMB_DST_SHARED_SECRET, parts, 3)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_inv(&d, &d)) != CAPSA_OK || (st = capsa_ec_scalar_mul(&g->coef[0], a, &d)) != CAPSA_OK)
		goto out;
	for (size_t i = 1; i < g->threshold && st == CAPSA_OK; i++)
		st = umb_draw_scalar(rng, &g->coef[i]);
out:
	capsa_ec_scalar_wipe(&x), capsa_ec_scalar_wipe(&d);
	return st;
}

/* rk = f(x) by Horner's rule. */
static capsa_status poly_eval(capsa_ec_scalar *rk, const grant *g, const capsa_ec_scalar *x)
{
	capsa_status st = CAPSA_OK;

	*rk = g->coef[g->threshold - 1];
	for (size_t i = g->threshold - 1; i > 0 && st == CAPSA_OK; i--) {
		st = capsa_ec_scalar_mul(rk, rk, x);
		if (st == CAPSA_OK)
			st = capsa_ec_scalar_add(rk, rk, &g->coef[i - 1]);
	}
	return st;
}

/* One kfrag: draws its id, then the receiver's signature, then the proxy's. */
static capsa_status kfrag_make(capsa_umbral_kfrag *k, const grant *g, bool sign_d, bool sign_r,
                               const capsa_umbral_rng *rng)
{
	capsa_ec_scalar x, rk;
	capsa_ec_point c;
	uint8_t digest[32];
	capsa_status st;

	if ((st = umb_draw(rng, k->id, sizeof k->id)) != CAPSA_OK ||
	    (st = share_index(&x, g->precursor, g->rpk, g->dh, k->id)) != CAPSA_OK || (st = poly_eval(&rk, g, &x)) != CAPSA_OK ||
	    (st = capsa_ec_mul(&c, umb_u_point(), &rk)) != CAPSA_OK)
		goto out;
	memcpy(k->rk, rk.b, 32);
	memcpy(k->precursor, g->precursor, 33);
	capsa_ec_point_encode(k->commitment, &c);
	k->delegating_key_signed = sign_d;
	k->receiving_key_signed = sign_r;
	if ((st = umb_kfrag_sig_digest(digest, k->id, k->commitment, k->precursor, g->dpk, g->rpk)) != CAPSA_OK ||
	    (st = umb_sign_digest(k->sig_for_receiver, &g->signer, digest, rng)) != CAPSA_OK ||
	    (st = umb_kfrag_sig_digest(digest, k->id, k->commitment, k->precursor, sign_d ? g->dpk : NULL,
	                               sign_r ? g->rpk : NULL)) != CAPSA_OK)
		goto out;
	st = umb_sign_digest(k->sig_for_proxy, &g->signer, digest, rng);
out:
	capsa_ec_scalar_wipe(&x), capsa_ec_scalar_wipe(&rk);
	return st;
}

capsa_status capsa_umbral_generate_kfrags(capsa_umbral_kfrag *kfrags, const capsa_umbral_secret_key *delegating,
                                          const capsa_umbral_public_key *receiving,
                                          const capsa_umbral_secret_key *signer, size_t threshold, size_t shares,
                                          bool sign_delegating_key, bool sign_receiving_key,
                                          const capsa_umbral_rng *rng)
{
	grant g = {0};
	capsa_ec_scalar a;
	capsa_ec_point b_pub;
	capsa_status st;

	if (threshold < 1 || threshold > shares || shares > CAPSA_UMBRAL_MAX_SHARES)
		return CAPSA_ERR_ARG;
	if ((g.coef = calloc(threshold, sizeof *g.coef)) == NULL)
		return CAPSA_ERR_NOMEM;
	g.threshold = threshold;
	memcpy(g.rpk, receiving->bytes, 33);
	if ((st = capsa_ec_scalar_parse(&a, delegating->bytes)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_parse(&g.signer, signer->bytes)) != CAPSA_OK ||
	    (st = capsa_ec_point_parse(&b_pub, receiving->bytes)) != CAPSA_OK ||
	    (st = capsa_secp256k1_pubkey(g.dpk, a.b)) != CAPSA_OK || (st = grant_setup(&g, &a, &b_pub, rng)) != CAPSA_OK)
		goto out;
	for (size_t i = 0; i < shares && st == CAPSA_OK; i++)
		st = kfrag_make(&kfrags[i], &g, sign_delegating_key, sign_receiving_key, rng);
	if (st != CAPSA_OK)
		capsa_wipe(kfrags, shares * sizeof *kfrags);
out:
	capsa_wipe(g.coef, threshold * sizeof *g.coef);
	free(g.coef);
	capsa_ec_scalar_wipe(&g.signer), capsa_ec_scalar_wipe(&a);
	capsa_wipe(g.dh, sizeof g.dh);
	return st;
}

capsa_status capsa_umbral_kfrag_verify(const capsa_umbral_kfrag *kfrag, const capsa_umbral_public_key *verifying,
                                       const capsa_umbral_public_key *delegating,
                                       const capsa_umbral_public_key *receiving)
{
	capsa_ec_point commitment, expect, vk;
	capsa_ec_scalar rk;
	uint8_t digest[32];
	capsa_status st;

	if ((st = capsa_ec_point_parse(&commitment, kfrag->commitment)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_parse(&rk, kfrag->rk)) != CAPSA_OK || (st = capsa_ec_point_parse(&vk, verifying->bytes)) != CAPSA_OK)
		goto out;
	if (capsa_ec_mul(&expect, umb_u_point(), &rk) != CAPSA_OK || !capsa_ec_point_equal(&expect, &commitment)) {
		st = CAPSA_ERR_PROOF;
		goto out;
	}
	if ((kfrag->delegating_key_signed && delegating == NULL) || (kfrag->receiving_key_signed && receiving == NULL)) {
		st = CAPSA_ERR_ARG;
		goto out;
	}
	st = umb_kfrag_sig_digest(digest, kfrag->id, kfrag->commitment, kfrag->precursor,
	                          kfrag->delegating_key_signed ? delegating->bytes : NULL,
	                          kfrag->receiving_key_signed ? receiving->bytes : NULL);
	if (st == CAPSA_OK)
		st = capsa_ecdsa_verify(kfrag->sig_for_proxy, &vk, digest);
out:
	capsa_ec_scalar_wipe(&rk);
	return st;
}

void capsa_umbral_kfrag_to_bytes(uint8_t out[CAPSA_UMBRAL_KFRAG_BYTES], const capsa_umbral_kfrag *k)
{
	uint8_t *p = capsa_mp_put_array(out, 5);

	p = capsa_mp_put_array(p, 1); /* Parameters { u } */
	p = capsa_mp_put_bin(p, umb_u_bytes, 33);
	p = capsa_mp_put_bin(p, k->id, 32);
	p = capsa_mp_put_bin(p, k->rk, 32);
	p = capsa_mp_put_bin(p, k->precursor, 33);
	p = capsa_mp_put_array(p, 5); /* KeyFragProof */
	p = capsa_mp_put_bin(p, k->commitment, 33);
	p = capsa_mp_put_bin(p, k->sig_for_proxy, 64);
	p = capsa_mp_put_bin(p, k->sig_for_receiver, 64);
	p = capsa_mp_put_bool(p, k->delegating_key_signed);
	capsa_mp_put_bool(p, k->receiving_key_signed);
}

/* Reads the fields in wire order; only the encoding is checked here. */
static capsa_status kfrag_read(capsa_umbral_kfrag *k, uint8_t u[33], capsa_cbs *cbs)
{
	capsa_status st;

	if ((st = capsa_mp_get_array(cbs, 5)) != CAPSA_OK || (st = capsa_mp_get_array(cbs, 1)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(cbs, u, 33)) != CAPSA_OK || (st = capsa_mp_get_bin(cbs, k->id, 32)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(cbs, k->rk, 32)) != CAPSA_OK || (st = capsa_mp_get_bin(cbs, k->precursor, 33)) != CAPSA_OK ||
	    (st = capsa_mp_get_array(cbs, 5)) != CAPSA_OK || (st = capsa_mp_get_bin(cbs, k->commitment, 33)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(cbs, k->sig_for_proxy, 64)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(cbs, k->sig_for_receiver, 64)) != CAPSA_OK ||
	    (st = capsa_mp_get_bool(cbs, &k->delegating_key_signed)) != CAPSA_OK)
		return st;
	return capsa_mp_get_bool(cbs, &k->receiving_key_signed);
}

/* Every point on the curve, every scalar in [1, n-1], signatures canonical, U ours. */
static capsa_status kfrag_check(const capsa_umbral_kfrag *k, const uint8_t u[33])
{
	capsa_ec_point p;
	capsa_ec_scalar s;
	capsa_status st;

	if ((st = capsa_ec_point_parse(&p, u)) != CAPSA_OK)
		return st;
	if (memcmp(u, umb_u_bytes, 33) != 0)
		return CAPSA_ERR_UNSUPPORTED;
	if ((st = capsa_ec_scalar_parse(&s, k->rk)) != CAPSA_OK || (st = capsa_ec_point_parse(&p, k->precursor)) != CAPSA_OK ||
	    (st = capsa_ec_point_parse(&p, k->commitment)) != CAPSA_OK || (st = capsa_ecdsa_sig_check(k->sig_for_proxy)) != CAPSA_OK)
		goto out;
	st = capsa_ecdsa_sig_check(k->sig_for_receiver);
out:
	capsa_ec_scalar_wipe(&s);
	return st;
}

capsa_status capsa_umbral_kfrag_from_bytes(capsa_umbral_kfrag *kfrag, const uint8_t *in, size_t len)
{
	capsa_umbral_kfrag k;
	uint8_t u[33];
	capsa_cbs cbs;
	capsa_status st;

	capsa_cbs_init(&cbs, in, len);
	if ((st = kfrag_read(&k, u, &cbs)) == CAPSA_OK && cbs.len != 0)
		st = CAPSA_ERR_TRAILING;
	if (st == CAPSA_OK)
		st = kfrag_check(&k, u);
	if (st == CAPSA_OK)
		*kfrag = k;
	capsa_umbral_kfrag_wipe(&k);
	return st;
}

void capsa_umbral_kfrag_wipe(capsa_umbral_kfrag *kfrag)
{
	capsa_wipe(kfrag, sizeof *kfrag);
}
