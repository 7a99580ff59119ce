/* Hash-to-scalar, the parameter point U and the kfrag signature message. */
#include <pthread.h>
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"

/* U = hash_to_curve("POINT_U", DST "PARAMETERS"), secp256k1_XMD:SHA-256_SSWU_RO_: a constant of the scheme. */
const uint8_t umb_u_bytes[33] = {
	0x03, 0x07, 0x93, 0x90, 0xd0, 0xfb, 0xe2, 0x20, 0xfc, 0x34, 0xaa, 0xb8, 0xec, 0xbf, 0x49, 0x09, 0x80,
	0x98, 0x03, 0x68, 0x20, 0xfa, 0xdb, 0x98, 0xc0, 0x31, 0x43, 0xe5, 0x5d, 0xb8, 0xec, 0x73, 0xcd,
};

static capsa_ec_point u_point;
static pthread_once_t u_once = PTHREAD_ONCE_INIT;

static void u_parse(void)
{
	if (capsa_ec_point_parse(&u_point, umb_u_bytes) != CAPSA_OK)
		memset(&u_point, 0, sizeof u_point); /* cannot happen: U is a fixed curve point */
}

const capsa_ec_point *umb_u_point(void)
{
	pthread_once(&u_once, u_parse);
	return &u_point;
}

capsa_status umb_hash_to_scalar(capsa_ec_scalar *out, const char *dst, const umb_part *parts, size_t n)
{
	return umb_hash_to_scalar_dst(out, (const uint8_t *)dst, strlen(dst), parts, n);
}

capsa_status umb_hash_to_scalar_dst(capsa_ec_scalar *out, const uint8_t *dst, size_t dlen, const umb_part *parts,
                                    size_t n)
{
	capsa_sha256_ctx h;
	uint8_t w[32], len_be[4];
	capsa_status st;

	len_be[0] = (uint8_t)(dlen >> 24), len_be[1] = (uint8_t)(dlen >> 16);
	len_be[2] = (uint8_t)(dlen >> 8), len_be[3] = (uint8_t)dlen;
	if ((st = capsa_sha256_init(&h)) != CAPSA_OK)
		return st;
	st = capsa_sha256_update(&h, len_be, sizeof len_be);
	if (st == CAPSA_OK)
		st = capsa_sha256_update(&h, dst, dlen);
	for (size_t i = 0; i < n && st == CAPSA_OK; i++)
		st = capsa_sha256_update(&h, parts[i].p, parts[i].len);
	if (st != CAPSA_OK) {
		capsa_sha256_cleanup(&h);
		return st;
	}
	if ((st = capsa_sha256_final(&h, w)) == CAPSA_OK)
		capsa_ec_scalar_from_digest(out, w);
	capsa_wipe(w, sizeof w);
	return st;
}

capsa_status umb_capsule_h(capsa_ec_scalar *h, const uint8_t e[33], const uint8_t v[33])
{
	umb_part parts[2] = {{e, 33}, {v, 33}};
	return umb_hash_to_scalar(h, UMB_DST_CAPSULE_POINTS, parts, 2);
}

capsa_status umb_kfrag_sig_digest(uint8_t digest[32], const uint8_t id[32], const uint8_t commitment[33],
                                  const uint8_t precursor[33], const uint8_t *dpk, const uint8_t *rpk)
{
	uint8_t msg[32 + 33 + 33 + 34 + 34];
	size_t off = 0;

	memcpy(msg + off, id, 32), off += 32;
	memcpy(msg + off, commitment, 33), off += 33;
	memcpy(msg + off, precursor, 33), off += 33;
	msg[off++] = dpk != NULL;
	if (dpk != NULL)
		memcpy(msg + off, dpk, 33), off += 33;
	msg[off++] = rpk != NULL;
	if (rpk != NULL)
		memcpy(msg + off, rpk, 33), off += 33;
	return capsa_sha256(digest, msg, off);
}

capsa_status umb_sign_digest(uint8_t sig[64], const capsa_ec_scalar *sk, const uint8_t digest[32],
                             const capsa_umbral_rng *rng)
{
	uint8_t extra[32];
	capsa_status st = umb_draw(rng, extra, sizeof extra);

	if (st == CAPSA_OK)
		st = capsa_ecdsa_sign(sig, sk, digest, extra);
	capsa_wipe(extra, sizeof extra);
	return st;
}

capsa_status umb_parse_points(capsa_ec_point *out, const uint8_t *const *in, size_t n)
{
	capsa_status st = CAPSA_OK;
	for (size_t i = 0; i < n && st == CAPSA_OK; i++)
		st = capsa_ec_point_parse(&out[i], in[i]);
	return st;
}
