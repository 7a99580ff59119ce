/*
 * Scalars mod n over libsecp256k1's constant-time secret-key arithmetic
 * (ec_seckey_tweak_add / tweak_mul / negate). Its API has no inversion, so
 * 1/a is a^(n-2) by a fixed window over the public exponent: the sequence of
 * operations never depends on a.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/secp256k1.h"
#include "crypto/secp256k1_ctx.h"

/* n - 2, big-endian. */
static const uint8_t n_minus_2[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x3f,
};

/* n - 1 as little-endian 64-bit limbs. */
static const uint64_t n_minus_1[4] = {
	0xbfd25e8cd0364140ULL, 0xbaaedce6af48a03bULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL,
};

capsa_status capsa_ec_scalar_parse(capsa_ec_scalar *s, const uint8_t in[CAPSA_SECP256K1_SCALAR_BYTES])
{
	if (secp256k1_ec_seckey_verify(capsa_secp_ctx(), in) != 1)
		return CAPSA_ERR_KEY;
	memcpy(s->b, in, sizeof s->b);
	return CAPSA_OK;
}

void capsa_ec_scalar_wipe(capsa_ec_scalar *s)
{
	capsa_wipe(s->b, sizeof s->b);
}

capsa_status capsa_ec_scalar_add(capsa_ec_scalar *out, const capsa_ec_scalar *a, const capsa_ec_scalar *b)
{
	capsa_ec_scalar r = *a;
	capsa_status st = CAPSA_OK;

	if (secp256k1_ec_seckey_tweak_add(capsa_secp_ctx(), r.b, b->b) != 1)
		st = CAPSA_ERR_KEY;
	else
		*out = r;
	capsa_ec_scalar_wipe(&r);
	return st;
}

capsa_status capsa_ec_scalar_neg(capsa_ec_scalar *out, const capsa_ec_scalar *a)
{
	capsa_ec_scalar r = *a;

	if (secp256k1_ec_seckey_negate(capsa_secp_ctx(), r.b) != 1) {
		capsa_ec_scalar_wipe(&r);
		return CAPSA_ERR_KEY;
	}
	*out = r;
	capsa_ec_scalar_wipe(&r);
	return CAPSA_OK;
}

capsa_status capsa_ec_scalar_sub(capsa_ec_scalar *out, const capsa_ec_scalar *a, const capsa_ec_scalar *b)
{
	capsa_ec_scalar nb;
	capsa_status st = capsa_ec_scalar_neg(&nb, b);

	if (st == CAPSA_OK)
		st = capsa_ec_scalar_add(out, a, &nb);
	capsa_ec_scalar_wipe(&nb);
	return st;
}

capsa_status capsa_ec_scalar_mul(capsa_ec_scalar *out, const capsa_ec_scalar *a, const capsa_ec_scalar *b)
{
	capsa_ec_scalar r = *a;
	capsa_status st = CAPSA_OK;

	if (secp256k1_ec_seckey_tweak_mul(capsa_secp_ctx(), r.b, b->b) != 1)
		st = CAPSA_ERR_KEY;
	else
		*out = r;
	capsa_ec_scalar_wipe(&r);
	return st;
}

/* In-place r = r*b on valid scalars: the product of two nonzero scalars is nonzero mod prime n. */
static int mul_in_place(uint8_t r[32], const uint8_t b[32])
{
	return secp256k1_ec_seckey_tweak_mul(capsa_secp_ctx(), r, b);
}

capsa_status capsa_ec_scalar_inv(capsa_ec_scalar *out, const capsa_ec_scalar *a)
{
	uint8_t table[16][32], r[32];
	int ok = secp256k1_ec_seckey_verify(capsa_secp_ctx(), a->b);

	/* table[i] = a^i for i in 1..15 */
	memcpy(table[1], a->b, 32);
	for (int i = 2; i < 16 && ok; i++) {
		memcpy(table[i], table[i - 1], 32);
		ok &= mul_in_place(table[i], a->b);
	}
	memcpy(r, table[n_minus_2[0] >> 4], 32);
	for (int nib = 1; nib < 64 && ok; nib++) {
		unsigned digit = (n_minus_2[nib / 2] >> (nib % 2 ? 0 : 4)) & 0xf;
		for (int sq = 0; sq < 4; sq++) {
			uint8_t t[32];
			memcpy(t, r, 32);
			ok &= mul_in_place(r, t);
			capsa_wipe(t, sizeof t);
		}
		if (digit != 0) /* the exponent is public: branching on it leaks nothing about a */
			ok &= mul_in_place(r, table[digit]);
	}
	if (ok)
		memcpy(out->b, r, 32);
	capsa_wipe(table, sizeof table);
	capsa_wipe(r, sizeof r);
	return ok ? CAPSA_OK : CAPSA_ERR_KEY;
}

capsa_status capsa_ec_scalar_batch_inv(capsa_ec_scalar *v, size_t n)
{
	capsa_ec_scalar *prefix = NULL, acc, inv;
	capsa_status st = CAPSA_OK;

	if (n == 0)
		return CAPSA_OK;
	if ((prefix = calloc(n, sizeof *prefix)) == NULL)
		return CAPSA_ERR_NOMEM;
	/* prefix[i] = v[0] * ... * v[i] */
	prefix[0] = v[0];
	for (size_t i = 1; i < n && st == CAPSA_OK; i++)
		st = capsa_ec_scalar_mul(&prefix[i], &prefix[i - 1], &v[i]);
	if (st == CAPSA_OK)
		st = capsa_ec_scalar_inv(&acc, &prefix[n - 1]);
	/* walking back: acc = 1/(v[0]...v[i]); 1/v[i] = acc * prefix[i-1] */
	for (size_t i = n - 1; i > 0 && st == CAPSA_OK; i--) {
		st = capsa_ec_scalar_mul(&inv, &acc, &prefix[i - 1]);
		if (st == CAPSA_OK)
			st = capsa_ec_scalar_mul(&acc, &acc, &v[i]);
		if (st == CAPSA_OK)
			v[i] = inv;
	}
	if (st == CAPSA_OK)
		v[0] = acc;
	capsa_wipe(prefix, n * sizeof *prefix);
	free(prefix);
	capsa_ec_scalar_wipe(&acc);
	capsa_ec_scalar_wipe(&inv);
	return st;
}

void capsa_ec_scalar_from_digest(capsa_ec_scalar *out, const uint8_t w[32])
{
	uint64_t a[4] = {0}, t[4], borrow = 0, keep, carry = 1;

	for (int i = 0; i < 32; i++) /* big-endian bytes to little-endian limbs */
		a[3 - i / 8] = (a[3 - i / 8] << 8) | w[i];
	for (int i = 0; i < 4; i++) {
		unsigned __int128 d = (unsigned __int128)a[i] - n_minus_1[i] - borrow;
		t[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	/* borrow set: a < n-1, keep a; otherwise take a - (n-1). No branch on the value. */
	keep = (uint64_t)0 - borrow;
	for (int i = 0; i < 4; i++) {
		unsigned __int128 s = (unsigned __int128)((a[i] & keep) | (t[i] & ~keep)) + carry;
		a[i] = (uint64_t)s;
		carry = (uint64_t)(s >> 64);
	}
	for (int i = 0; i < 32; i++)
		out->b[i] = (uint8_t)(a[3 - i / 8] >> (8 * (7 - i % 8)));
	capsa_wipe(a, sizeof a);
	capsa_wipe(t, sizeof t);
}
