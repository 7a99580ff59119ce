/*
 * Capsule fragments: e1 = E·rk, v1 = V·rk, with a proof of knowledge of rk
 * consistent with the kfrag's commitment u1 = U·rk: e2 = E·t, v2 = V·t,
 * u2 = U·t, h = H(CFRAG_VERIFICATION; E, e1, e2, V, v1, v2, U, u1, u2),
 * z = rk·h + t.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"
#include "wire/msgpack.h"

static capsa_status proof_h(capsa_ec_scalar *h, const capsa_umbral_capsule *capsule, const capsa_umbral_cfrag *c)
{
	umb_part parts[9] = {{capsule->e, 33}, {c->e1, 33}, {c->e2, 33},  {capsule->v, 33}, {c->v1, 33},
	                     {c->v2, 33},      {umb_u_bytes, 33}, {c->u1, 33}, {c->u2, 33}};
	return umb_hash_to_scalar(h, UMB_DST_CFRAG_VERIFICATION, parts, 9);
}

/* e1, v1 and the proof points for the proxy's share |rk| and the drawn |t|. */
static capsa_status cfrag_points(capsa_umbral_cfrag *c, const capsa_ec_point ev[2], const capsa_ec_scalar *rk,
                                 const capsa_ec_scalar *t)
{
	capsa_ec_point p;
	capsa_status st;

	if ((st = capsa_ec_mul(&p, &ev[0], rk)) != CAPSA_OK)
		return st;
	capsa_ec_point_encode(c->e1, &p);
	capsa_ec_point_encode_xy(c->points_cache_, &p);
	if ((st = capsa_ec_mul(&p, &ev[1], rk)) != CAPSA_OK)
		return st;
	capsa_ec_point_encode(c->v1, &p);
	capsa_ec_point_encode_xy(c->points_cache_ + 64, &p);
	if ((st = capsa_ec_mul(&p, &ev[0], t)) != CAPSA_OK)
		return st;
	capsa_ec_point_encode(c->e2, &p);
	if ((st = capsa_ec_mul(&p, &ev[1], t)) != CAPSA_OK)
		return st;
	capsa_ec_point_encode(c->v2, &p);
	if ((st = capsa_ec_mul(&p, umb_u_point(), t)) != CAPSA_OK)
		return st;
	capsa_ec_point_encode(c->u2, &p);
	return CAPSA_OK;
}

capsa_status capsa_umbral_reencrypt(capsa_umbral_cfrag *cfrag, const capsa_umbral_capsule *capsule,
                                    const capsa_umbral_kfrag *kfrag, const capsa_umbral_rng *rng)
{
	capsa_umbral_cfrag c;
	capsa_ec_point ev[2];
	capsa_ec_scalar rk, t, h, z;
	capsa_status st;

	if ((st = capsa_ec_scalar_parse(&rk, kfrag->rk)) != CAPSA_OK || (st = umb_capsule_points(ev, capsule)) != CAPSA_OK ||
	    (st = umb_draw_scalar(rng, &t)) != CAPSA_OK || (st = cfrag_points(&c, ev, &rk, &t)) != CAPSA_OK)
		goto out;
	memcpy(c.kfrag_id, kfrag->id, 32);
	memcpy(c.precursor, kfrag->precursor, 33);
	memcpy(c.u1, kfrag->commitment, 33);
	memcpy(c.kfrag_signature, kfrag->sig_for_receiver, 64);
	if ((st = proof_h(&h, capsule, &c)) != CAPSA_OK || (st = capsa_ec_scalar_mul(&z, &rk, &h)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_add(&z, &z, &t)) != CAPSA_OK)
		goto out;
	memcpy(c.z, z.b, 32);
	*cfrag = c;
out:
	capsa_ec_scalar_wipe(&rk), capsa_ec_scalar_wipe(&t), capsa_ec_scalar_wipe(&z);
	return st;
}

/* z·P == q + h·p1 (public values) */
static bool proof_equation(const capsa_ec_point *p, const capsa_ec_point *q, const capsa_ec_point *p1,
                           const capsa_ec_scalar *z, const capsa_ec_scalar *h)
{
	capsa_ec_point lhs, rhs;

	return capsa_ec_mul(&lhs, p, z) == CAPSA_OK && capsa_ec_mul(&rhs, p1, h) == CAPSA_OK &&
	       capsa_ec_add(&rhs, q, &rhs) == CAPSA_OK && capsa_ec_point_equal(&lhs, &rhs);
}

capsa_status capsa_umbral_cfrag_verify(const capsa_umbral_cfrag *cfrag, const capsa_umbral_capsule *capsule,
                                       const capsa_umbral_public_key *verifying,
                                       const capsa_umbral_public_key *delegating,
                                       const capsa_umbral_public_key *receiving)
{
	/* E, V (from the capsule), e1, v1, e2, v2, u1, u2, verifying key */
	const uint8_t *enc[5] = {cfrag->e2, cfrag->v2, cfrag->u1, cfrag->u2, verifying->bytes};
	capsa_ec_point pt[9];
	capsa_ec_scalar z, h;
	uint8_t digest[32];
	capsa_status st;

	if ((st = umb_capsule_points(pt, capsule)) != CAPSA_OK ||
	    (st = umb_cached_point(&pt[2], cfrag->points_cache_, cfrag->e1)) != CAPSA_OK ||
	    (st = umb_cached_point(&pt[3], cfrag->points_cache_ + 64, cfrag->v1)) != CAPSA_OK ||
	    (st = umb_parse_points(pt + 4, enc, 5)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_parse(&z, cfrag->z)) != CAPSA_OK ||
	    (st = proof_h(&h, capsule, cfrag)) != CAPSA_OK ||
	    (st = umb_kfrag_sig_digest(digest, cfrag->kfrag_id, cfrag->u1, cfrag->precursor, delegating->bytes,
	                               receiving->bytes)) != CAPSA_OK)
		return st;
	if (capsa_ecdsa_verify(cfrag->kfrag_signature, &pt[8], digest) != CAPSA_OK)
		return CAPSA_ERR_SIGNATURE;
	if (!proof_equation(&pt[0], &pt[4], &pt[2], &z, &h) || !proof_equation(&pt[1], &pt[5], &pt[3], &z, &h) ||
	    !proof_equation(umb_u_point(), &pt[7], &pt[6], &z, &h))
		return CAPSA_ERR_PROOF;
	return CAPSA_OK;
}

void capsa_umbral_cfrag_to_bytes_simple(uint8_t out[CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES], const capsa_umbral_cfrag *c)
{
	const uint8_t *fields[10] = {c->e1, c->v1, c->kfrag_id, c->precursor, c->e2, c->v2, c->u1, c->u2, c->z, c->kfrag_signature};
	const size_t lens[10] = {33, 33, 32, 33, 33, 33, 33, 33, 32, 64};

	for (size_t i = 0; i < 10; i++) {
		memcpy(out, fields[i], lens[i]);
		out += lens[i];
	}
}

void capsa_umbral_cfrag_to_bytes(uint8_t out[CAPSA_UMBRAL_CFRAG_BYTES], const capsa_umbral_cfrag *c)
{
	uint8_t *p = capsa_mp_put_array(out, 5);

	p = capsa_mp_put_bin(p, c->e1, 33);
	p = capsa_mp_put_bin(p, c->v1, 33);
	p = capsa_mp_put_bin(p, c->kfrag_id, 32);
	p = capsa_mp_put_bin(p, c->precursor, 33);
	p = capsa_mp_put_array(p, 6); /* CapsuleFragProof */
	p = capsa_mp_put_bin(p, c->e2, 33);
	p = capsa_mp_put_bin(p, c->v2, 33);
	p = capsa_mp_put_bin(p, c->u1, 33);
	p = capsa_mp_put_bin(p, c->u2, 33);
	p = capsa_mp_put_bin(p, c->z, 32);
	capsa_mp_put_bin(p, c->kfrag_signature, 64);
}

/* Every point on the curve, z in [1, n-1], the signature canonical. */
static capsa_status cfrag_check(capsa_umbral_cfrag *c)
{
	const uint8_t *enc[7] = {c->e1, c->v1, c->precursor, c->e2, c->v2, c->u1, c->u2};
	capsa_ec_point pt[7];
	capsa_ec_scalar z;
	capsa_status st;

	if ((st = umb_parse_points(pt, enc, 7)) != CAPSA_OK || (st = capsa_ec_scalar_parse(&z, c->z)) != CAPSA_OK ||
	    (st = capsa_ecdsa_sig_check(c->kfrag_signature)) != CAPSA_OK)
		return st;
	capsa_ec_point_encode_xy(c->points_cache_, &pt[0]);
	capsa_ec_point_encode_xy(c->points_cache_ + 64, &pt[1]);
	return CAPSA_OK;
}

capsa_status capsa_umbral_cfrag_from_bytes(capsa_umbral_cfrag *cfrag, const uint8_t *in, size_t len)
{
	capsa_umbral_cfrag c;
	capsa_cbs cbs;
	capsa_status st;

	capsa_cbs_init(&cbs, in, len);
	if ((st = capsa_mp_get_array(&cbs, 5)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.e1, 33)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(&cbs, c.v1, 33)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.kfrag_id, 32)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(&cbs, c.precursor, 33)) != CAPSA_OK || (st = capsa_mp_get_array(&cbs, 6)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(&cbs, c.e2, 33)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.v2, 33)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(&cbs, c.u1, 33)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.u2, 33)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(&cbs, c.z, 32)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.kfrag_signature, 64)) != CAPSA_OK)
		return st;
	if (cbs.len != 0)
		return CAPSA_ERR_TRAILING;
	if ((st = cfrag_check(&c)) == CAPSA_OK)
		*cfrag = c;
	return st;
}

capsa_status capsa_umbral_cfrag_from_bytes_simple(capsa_umbral_cfrag *cfrag, const uint8_t *in, size_t len)
{
	capsa_umbral_cfrag c;
	uint8_t *fields[10] = {c.e1, c.v1, c.kfrag_id, c.precursor, c.e2, c.v2, c.u1, c.u2, c.z, c.kfrag_signature};
	const size_t lens[10] = {33, 33, 32, 33, 33, 33, 33, 33, 32, 64};
	capsa_status st;

	if (len < CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES)
		return CAPSA_ERR_TRUNCATED;
	if (len > CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES)
		return CAPSA_ERR_TRAILING;
	for (size_t i = 0; i < 10; i++) {
		memcpy(fields[i], in, lens[i]);
		in += lens[i];
	}
	if ((st = cfrag_check(&c)) == CAPSA_OK)
		*cfrag = c;
	return st;
}
