/*
 * The primitives under Umbral: XChaCha20-Poly1305 and secp256k1 ECDSA
 * against Wycheproof, hash-to-scalar at its edges, scalar inversion.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "check.h"
#include "crypto/secp256k1.h"
#include "crypto/xchacha.h"

static void xchacha_vectors(void)
{
	json_t *root = vector_load("wycheproof/xchacha20_poly1305_test.json"), *group, *t;
	size_t gi, ti, ran = 0;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t klen, nlen, alen, mlen, clen, tlen;
			uint8_t *key = vector_hex(t, "key", &klen), *iv = vector_hex(t, "iv", &nlen);
			uint8_t *aad = vector_hex(t, "aad", &alen), *msg = vector_hex(t, "msg", &mlen);
			uint8_t *ct = vector_hex(t, "ct", &clen), *tag = vector_hex(t, "tag", &tlen);
			bool valid = strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0;
			uint8_t *full = malloc(clen + tlen + 1), *out = malloc(clen + tlen + 1);

			check_context("xchacha tcId %lld", json_integer_value(json_object_get(t, "tcId")));
			memcpy(full, ct, clen);
			memcpy(full + clen, tag, tlen);
			if (nlen != CAPSA_XCHACHA_NONCEBYTES || klen != 32) {
				CHECK(!valid); /* other nonce sizes exist only as invalid cases */
			} else {
				capsa_status st = capsa_xchacha_open(out, key, iv, aad, alen, full, clen + tlen);
				CHECK(valid ? st == CAPSA_OK && memcmp(out, msg, mlen) == 0 : st != CAPSA_OK);
				if (valid) {
					CHECK_OK(capsa_xchacha_seal(out, key, iv, aad, alen, msg, mlen));
					CHECK_MEM(out, full, clen + tlen);
				}
				ran++;
			}
			free(key), free(iv), free(aad), free(msg), free(ct), free(tag), free(full), free(out);
		}
	}
	check_context("xchacha");
	CHECK(ran > 250);
	json_decref(root);
}

/* n/2, big-endian: a valid signature with s above it is refused (low-S rule). */
static const uint8_t half_n[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                   0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

static void ecdsa_vectors(void)
{
	json_t *root = vector_load("wycheproof/ecdsa_secp256k1_sha256_p1363_test.json"), *group, *t;
	size_t gi, ti, ran = 0, high_s = 0;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		size_t ulen;
		uint8_t *u = vector_hex(json_object_get(group, "publicKey"), "uncompressed", &ulen);
		capsa_umbral_public_key pk;
		bool pk_ok = false;

		if (ulen == 65 && u[0] == 4) { /* compress: parity of y, then x */
			uint8_t c[33];
			c[0] = (uint8_t)(2 | (u[64] & 1));
			memcpy(c + 1, u + 1, 32);
			pk_ok = capsa_umbral_public_key_from_bytes(&pk, c) == CAPSA_OK;
		}
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t mlen, slen;
			uint8_t *msg = vector_hex(t, "msg", &mlen), *sig = vector_hex(t, "sig", &slen);
			bool valid = strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0;
			capsa_umbral_signature s;

			check_context("ecdsa p1363 tcId %lld", json_integer_value(json_object_get(t, "tcId")));
			if (slen == 64 && pk_ok) {
				bool high = memcmp(sig + 32, half_n, 32) > 0;
				capsa_status st;
				memcpy(s.bytes, sig, 64);
				st = capsa_umbral_verify(&s, &pk, msg, mlen);
				CHECK(valid && !high ? st == CAPSA_OK : st == CAPSA_ERR_SIGNATURE);
				high_s += valid && high;
				ran++;
			} else {
				CHECK(!valid || !pk_ok);
			}
			free(msg), free(sig);
		}
		free(u);
	}
	check_context("ecdsa p1363");
	CHECK(ran > 200);
	CHECK(high_s > 0); /* the file does exercise the low-S rule */
	json_decref(root);
}

static void from_digest(const char *w_hex, const char *want_hex)
{
	size_t wl, xl;
	uint8_t *w = hex_decode(w_hex, &wl), *want = hex_decode(want_hex, &xl);
	capsa_ec_scalar s;

	capsa_ec_scalar_from_digest(&s, w);
	check_context("from_digest %s", w_hex);
	CHECK_MEM(s.b, want, 32);
	free(w), free(want);
}

static void hash_to_scalar_edges(void)
{
	/* (w mod (n-1)) + 1 */
	from_digest("0000000000000000000000000000000000000000000000000000000000000000",
	            "0000000000000000000000000000000000000000000000000000000000000001");
	from_digest("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036413f",
	            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140"); /* n-2 -> n-1 */
	from_digest("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
	            "0000000000000000000000000000000000000000000000000000000000000001"); /* n-1 -> 1 */
	from_digest("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
	            "0000000000000000000000000000000000000000000000000000000000000002"); /* n -> 2 */
	from_digest("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	            "000000000000000000000000000000014551231950b75fc4402da1732fc9bec0"); /* 2^256-1 */
}

static void inversion(void)
{
	capsa_ec_scalar a[4], inv[4], prod, one = {{0}};

	one.b[31] = 1;
	for (int i = 0; i < 4; i++) {
		memset(a[i].b, 0x11 * (i + 1), 32);
		a[i].b[0] = (uint8_t)(0x10 + i);
	}
	memset(a[3].b, 0xff, 15), a[3].b[15] = 0xfe; /* just below n */
	check_context("inversion");
	for (int i = 0; i < 4; i++) {
		CHECK_OK(capsa_ec_scalar_inv(&inv[i], &a[i]));
		CHECK_OK(capsa_ec_scalar_mul(&prod, &a[i], &inv[i]));
		CHECK_MEM(prod.b, one.b, 32);
	}
	memcpy(prod.b, inv[0].b, 32);
	CHECK_OK(capsa_ec_scalar_batch_inv(a, 4));
	for (int i = 0; i < 4; i++)
		CHECK_MEM(a[i].b, inv[i].b, 32);
	CHECK_STATUS(capsa_ec_scalar_sub(&prod, &one, &one), CAPSA_ERR_KEY); /* zero has no representation */
}

int main(void)
{
	xchacha_vectors();
	ecdsa_vectors();
	hash_to_scalar_edges();
	inversion();
	return check_summary();
}
