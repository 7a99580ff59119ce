/*
 * The capsule: E = rG, V = uG, s = u + r·h with h = H(CAPSULE_POINTS; E, V),
 * and the key seed compress(A·(r+u)) it carries to the holder of a.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"
#include "wire/msgpack.h"

/* One point from the cache if it is on the curve and encodes to exactly |enc|; else from |enc|. */
capsa_status umb_cached_point(capsa_ec_point *p, const uint8_t xy[64], const uint8_t enc[33])
{
	uint8_t again[33];

	if (capsa_ec_point_parse_xy(p, xy) == CAPSA_OK) {
		capsa_ec_point_encode(again, p);
		if (memcmp(again, enc, 33) == 0)
			return CAPSA_OK;
	}
	return capsa_ec_point_parse(p, enc);
}

capsa_status umb_capsule_points(capsa_ec_point ev[2], const capsa_umbral_capsule *c)
{
	capsa_status st = umb_cached_point(&ev[0], c->points_cache_, c->e);
	return st == CAPSA_OK ? umb_cached_point(&ev[1], c->points_cache_ + 64, c->v) : st;
}

void umb_capsule_cache(capsa_umbral_capsule *c, const capsa_ec_point ev[2])
{
	capsa_ec_point_encode_xy(c->points_cache_, &ev[0]);
	capsa_ec_point_encode_xy(c->points_cache_ + 64, &ev[1]);
}

/* Makes a capsule for |a_pub| and its key seed, drawing r then u. */
static capsa_status capsule_new(capsa_umbral_capsule *capsule, uint8_t key_seed[33], const capsa_ec_point *a_pub,
                                const capsa_umbral_rng *rng)
{
	capsa_ec_scalar r, u, h, s, ru;
	capsa_ec_point e, v, shared;
	capsa_status st;

	if ((st = umb_draw_scalar(rng, &r)) != CAPSA_OK || (st = umb_draw_scalar(rng, &u)) != CAPSA_OK ||
	    (st = capsa_ec_mul_base(&e, &r)) != CAPSA_OK || (st = capsa_ec_mul_base(&v, &u)) != CAPSA_OK)
		goto out;
	capsa_ec_point_encode(capsule->e, &e);
	capsa_ec_point_encode(capsule->v, &v);
	capsa_ec_point_encode_xy(capsule->points_cache_, &e);
	capsa_ec_point_encode_xy(capsule->points_cache_ + 64, &v);
	if ((st = umb_capsule_h(&h, capsule->e, capsule->v)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_mul(&s, &r, &h)) != CAPSA_OK || (st = capsa_ec_scalar_add(&s, &u, &s)) != CAPSA_OK ||
	    (st = capsa_ec_scalar_add(&ru, &r, &u)) != CAPSA_OK || (st = capsa_ec_mul(&shared, a_pub, &ru)) != CAPSA_OK)
		goto out;
	memcpy(capsule->s, s.b, 32);
	capsa_ec_point_encode(key_seed, &shared);
out:
	capsa_ec_scalar_wipe(&r), capsa_ec_scalar_wipe(&u), capsa_ec_scalar_wipe(&ru);
	capsa_wipe(&shared, sizeof shared);
	return st;
}

capsa_status capsa_umbral_encrypt(capsa_umbral_capsule *capsule, uint8_t *ct, const capsa_umbral_public_key *pk,
                                  const uint8_t *pt, size_t pt_len, const capsa_umbral_rng *rng)
{
	uint8_t key_seed[33], aad[CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES];
	capsa_ec_point a_pub;
	capsa_status st = capsa_ec_point_parse(&a_pub, pk->bytes);

	if (st == CAPSA_OK)
		st = capsule_new(capsule, key_seed, &a_pub, rng);
	if (st == CAPSA_OK) {
		capsa_umbral_capsule_to_bytes_simple(aad, capsule);
		st = umb_dem_seal(ct, key_seed, aad, sizeof aad, pt, pt_len, rng);
	}
	capsa_wipe(key_seed, sizeof key_seed);
	return st;
}

capsa_status umb_capsule_open(uint8_t *pt, const uint8_t key_seed[33], const capsa_umbral_capsule *capsule,
                              const uint8_t *ct, size_t ct_len)
{
	uint8_t aad[CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES];

	capsa_umbral_capsule_to_bytes_simple(aad, capsule);
	return umb_dem_open(pt, key_seed, aad, sizeof aad, ct, ct_len);
}

capsa_status capsa_umbral_decrypt_original(uint8_t *pt, const capsa_umbral_secret_key *sk,
                                           const capsa_umbral_capsule *capsule, const uint8_t *ct, size_t ct_len)
{
	uint8_t key_seed[33] = {0};
	capsa_ec_point ev[2], sum;
	capsa_ec_scalar a;
	capsa_status st;

	if (ct_len < CAPSA_UMBRAL_DEM_OVERHEAD) /* the DEM's own length errors, before any work */
		return umb_capsule_open(pt, key_seed, capsule, ct, ct_len);
	if ((st = capsa_ec_scalar_parse(&a, sk->bytes)) == CAPSA_OK && (st = umb_capsule_points(ev, capsule)) == CAPSA_OK &&
	    (st = capsa_ec_add(&sum, &ev[0], &ev[1])) == CAPSA_OK && (st = capsa_ec_mul(&sum, &sum, &a)) == CAPSA_OK) {
		capsa_ec_point_encode(key_seed, &sum);
		st = umb_capsule_open(pt, key_seed, capsule, ct, ct_len);
	}
	capsa_ec_scalar_wipe(&a);
	capsa_wipe(&sum, sizeof sum);
	capsa_wipe(key_seed, sizeof key_seed);
	return st;
}

void capsa_umbral_capsule_to_bytes_simple(uint8_t out[CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES],
                                          const capsa_umbral_capsule *capsule)
{
	memcpy(out, capsule->e, 33);
	memcpy(out + 33, capsule->v, 33);
	memcpy(out + 66, capsule->s, 32);
}

void capsa_umbral_capsule_to_bytes(uint8_t out[CAPSA_UMBRAL_CAPSULE_BYTES], const capsa_umbral_capsule *capsule)
{
	uint8_t *p = capsa_mp_put_array(out, 3);
	p = capsa_mp_put_bin(p, capsule->e, 33);
	p = capsa_mp_put_bin(p, capsule->v, 33);
	capsa_mp_put_bin(p, capsule->s, 32);
}

/* The capsule's own proof: s·G == V + h·E. Also checks that E, V and s are valid. */
static capsa_status capsule_check(capsa_umbral_capsule *c)
{
	capsa_ec_point ev[2], lhs, rhs;
	capsa_ec_scalar s, h;
	const uint8_t *enc[2] = {c->e, c->v};
	capsa_status st;

	if ((st = umb_parse_points(ev, enc, 2)) != CAPSA_OK || (st = capsa_ec_scalar_parse(&s, c->s)) != CAPSA_OK ||
	    (st = umb_capsule_h(&h, c->e, c->v)) != CAPSA_OK)
		return st;
	if (capsa_ec_mul_base(&lhs, &s) != CAPSA_OK || capsa_ec_mul(&rhs, &ev[0], &h) != CAPSA_OK ||
	    capsa_ec_add(&rhs, &ev[1], &rhs) != CAPSA_OK || !capsa_ec_point_equal(&lhs, &rhs))
		return CAPSA_ERR_PROOF;
	umb_capsule_cache(c, ev);
	return CAPSA_OK;
}

capsa_status capsa_umbral_capsule_from_bytes_simple(capsa_umbral_capsule *capsule, const uint8_t *in, size_t len)
{
	capsa_umbral_capsule c;
	capsa_status st;

	if (len < CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES)
		return CAPSA_ERR_TRUNCATED;
	if (len > CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES)
		return CAPSA_ERR_TRAILING;
	memcpy(c.e, in, 33);
	memcpy(c.v, in + 33, 33);
	memcpy(c.s, in + 66, 32);
	if ((st = capsule_check(&c)) == CAPSA_OK)
		*capsule = c;
	return st;
}

capsa_status capsa_umbral_capsule_from_bytes(capsa_umbral_capsule *capsule, const uint8_t *in, size_t len)
{
	capsa_umbral_capsule c;
	capsa_cbs cbs;
	capsa_status st;

	capsa_cbs_init(&cbs, in, len);
	if ((st = capsa_mp_get_array(&cbs, 3)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.e, 33)) != CAPSA_OK ||
	    (st = capsa_mp_get_bin(&cbs, c.v, 33)) != CAPSA_OK || (st = capsa_mp_get_bin(&cbs, c.s, 32)) != CAPSA_OK)
		return st;
	if (cbs.len != 0)
		return CAPSA_ERR_TRAILING;
	if ((st = capsule_check(&c)) == CAPSA_OK)
		*capsule = c;
	return st;
}
