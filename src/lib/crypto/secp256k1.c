/* secp256k1 over libsecp256k1: the shared context, keys and points. */
#include "crypto/secp256k1.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/secp256k1_ctx.h"

static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

/*
 * One shared context: libsecp256k1 contexts are read-only once created. It
 * is randomized once, here, because randomizing is not safe while other
 * threads use the context; the blinding protects ec_pubkey_create (k*G)
 * against side channels.
 */
static void ctx_create(void)
{
	uint8_t seed[32];

	ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	/*
	 * libsecp256k1 aborts rather than return NULL when it cannot allocate, and
	 * randomizing a fresh context cannot fail; without randomness the context
	 * stays usable, only unblinded.
	 */
	if (capsa_random(seed, sizeof seed) == CAPSA_OK && secp256k1_context_randomize(ctx, seed) != 1)
		abort();
	capsa_wipe(seed, sizeof seed);
}

const secp256k1_context *capsa_secp_ctx(void)
{
	pthread_once(&ctx_once, ctx_create);
	return ctx;
}

bool capsa_secp256k1_seckey_valid(const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES])
{
	return secp256k1_ec_seckey_verify(capsa_secp_ctx(), sk) == 1;
}

capsa_status capsa_secp256k1_pubkey(uint8_t pub[CAPSA_SECP256K1_POINT_BYTES],
                                    const uint8_t sk[CAPSA_SECP256K1_SCALAR_BYTES])
{
	secp256k1_pubkey pk;
	size_t len = CAPSA_SECP256K1_POINT_BYTES;

	if (secp256k1_ec_pubkey_create(capsa_secp_ctx(), &pk, sk) != 1)
		return CAPSA_ERR_KEY;
	secp256k1_ec_pubkey_serialize(capsa_secp_ctx(), pub, &len, &pk, SECP256K1_EC_COMPRESSED);
	return CAPSA_OK;
}

/* capsa_ec_point.raw holds a secp256k1_pubkey; these two convert without aliasing. */
static void to_pk(secp256k1_pubkey *pk, const capsa_ec_point *p)
{
	memcpy(pk->data, p->raw, sizeof pk->data);
}

static void from_pk(capsa_ec_point *p, const secp256k1_pubkey *pk)
{
	memcpy(p->raw, pk->data, sizeof p->raw);
}

capsa_status capsa_ec_point_parse(capsa_ec_point *p, const uint8_t in[CAPSA_SECP256K1_POINT_BYTES])
{
	secp256k1_pubkey pk;

	if (in[0] != 0x02 && in[0] != 0x03)
		return CAPSA_ERR_DECODE;
	if (secp256k1_ec_pubkey_parse(capsa_secp_ctx(), &pk, in, CAPSA_SECP256K1_POINT_BYTES) != 1)
		return CAPSA_ERR_KEY;
	from_pk(p, &pk);
	return CAPSA_OK;
}

void capsa_ec_point_encode(uint8_t out[CAPSA_SECP256K1_POINT_BYTES], const capsa_ec_point *p)
{
	secp256k1_pubkey pk;
	size_t len = CAPSA_SECP256K1_POINT_BYTES;

	to_pk(&pk, p);
	secp256k1_ec_pubkey_serialize(capsa_secp_ctx(), out, &len, &pk, SECP256K1_EC_COMPRESSED);
	capsa_wipe(&pk, sizeof pk); /* the point may be secret (a key seed, a DH point) */
}

void capsa_ec_point_encode_xy(uint8_t out[64], const capsa_ec_point *p)
{
	secp256k1_pubkey pk;
	uint8_t full[65];
	size_t len = sizeof full;

	to_pk(&pk, p);
	secp256k1_ec_pubkey_serialize(capsa_secp_ctx(), full, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
	memcpy(out, full + 1, 64);
	capsa_wipe(&pk, sizeof pk);
	capsa_wipe(full, sizeof full);
}

capsa_status capsa_ec_point_parse_xy(capsa_ec_point *p, const uint8_t in[64])
{
	secp256k1_pubkey pk;
	uint8_t full[65];

	full[0] = 0x04;
	memcpy(full + 1, in, 64);
	if (secp256k1_ec_pubkey_parse(capsa_secp_ctx(), &pk, full, sizeof full) != 1)
		return CAPSA_ERR_KEY;
	from_pk(p, &pk);
	return CAPSA_OK;
}

bool capsa_ec_point_equal(const capsa_ec_point *a, const capsa_ec_point *b)
{
	secp256k1_pubkey pa, pb;

	to_pk(&pa, a);
	to_pk(&pb, b);
	return secp256k1_ec_pubkey_cmp(capsa_secp_ctx(), &pa, &pb) == 0;
}

capsa_status capsa_ec_mul_base(capsa_ec_point *out, const capsa_ec_scalar *k)
{
	secp256k1_pubkey pk;

	if (secp256k1_ec_pubkey_create(capsa_secp_ctx(), &pk, k->b) != 1)
		return CAPSA_ERR_KEY;
	from_pk(out, &pk);
	return CAPSA_OK;
}

capsa_status capsa_ec_mul(capsa_ec_point *out, const capsa_ec_point *p, const capsa_ec_scalar *k)
{
	secp256k1_pubkey pk;
	capsa_status st = CAPSA_ERR_KEY;

	to_pk(&pk, p);
	if (secp256k1_ec_pubkey_tweak_mul(capsa_secp_ctx(), &pk, k->b) == 1) {
		from_pk(out, &pk);
		st = CAPSA_OK;
	}
	capsa_wipe(&pk, sizeof pk); /* k*P is often a shared secret */
	return st;
}

capsa_status capsa_ec_add(capsa_ec_point *out, const capsa_ec_point *a, const capsa_ec_point *b)
{
	secp256k1_pubkey pa, pb, sum;
	const secp256k1_pubkey *ins[2] = {&pa, &pb};
	capsa_status st = CAPSA_ERR_KEY;

	to_pk(&pa, a);
	to_pk(&pb, b);
	if (secp256k1_ec_pubkey_combine(capsa_secp_ctx(), &sum, ins, 2) == 1) {
		from_pk(out, &sum);
		st = CAPSA_OK;
	}
	capsa_wipe(&pa, sizeof pa);
	capsa_wipe(&pb, sizeof pb);
	capsa_wipe(&sum, sizeof sum);
	return st;
}

capsa_status capsa_ec_sum(capsa_ec_point *out, const capsa_ec_point *p, size_t n)
{
	secp256k1_pubkey *pks = n > 0 ? calloc(n, sizeof *pks) : NULL, sum;
	const secp256k1_pubkey **ins = n > 0 ? calloc(n, sizeof *ins) : NULL;
	capsa_status st = CAPSA_ERR_NOMEM;

	if (pks != NULL && ins != NULL) {
		for (size_t i = 0; i < n; i++) {
			to_pk(&pks[i], &p[i]);
			ins[i] = &pks[i];
		}
		st = secp256k1_ec_pubkey_combine(capsa_secp_ctx(), &sum, ins, n) == 1 ? CAPSA_OK : CAPSA_ERR_KEY;
		if (st == CAPSA_OK)
			from_pk(out, &sum);
	} else if (n == 0) {
		st = CAPSA_ERR_ARG;
	}
	free(pks);
	free(ins);
	return st;
}
