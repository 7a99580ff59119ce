/* The primitive wrappers in src/lib/crypto against Project Wycheproof. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/crypto.h"

/* Runs one Wycheproof AEAD file through capsa_aead, 256-bit keys and 96-bit nonces only. */
static void aead_file(const char *file, capsa_aead_alg alg)
{
	json_t *root = vector_load(file), *group, *t;
	size_t gi, ti, ran = 0;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		if (json_integer_value(json_object_get(group, "keySize")) != 256 ||
		    json_integer_value(json_object_get(group, "ivSize")) != 96)
			continue;
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t klen, nlen, alen, mlen, clen, tlen;
			uint8_t *key = vector_hex(t, "key", &klen), *iv = vector_hex(t, "iv", &nlen);
			uint8_t *aad = vector_hex(t, "aad", &alen), *msg = vector_hex(t, "msg", &mlen);
			uint8_t *ct = vector_hex(t, "ct", &clen), *tag = vector_hex(t, "tag", &tlen);
			bool valid = strcmp(json_string_value(json_object_get(t, "result")), "invalid") != 0;
			uint8_t *full = malloc(clen + tlen + 1), *out = malloc(clen + tlen + 1);
			capsa_aead *a = NULL;

			check_context("%s tcId %lld", file, json_integer_value(json_object_get(t, "tcId")));
			memcpy(full, ct, clen);
			memcpy(full + clen, tag, tlen);
			CHECK_OK(capsa_aead_new(&a, alg, key));
			if (valid) {
				CHECK_OK(capsa_aead_seal(a, out, iv, aad, alen, msg, mlen));
				CHECK_MEM(out, full, clen + tlen);
			}
			if (tlen == CAPSA_AEAD_TAGBYTES) {
				capsa_status st = capsa_aead_open(a, out, iv, aad, alen, full, clen + tlen);
				CHECK(valid ? st == CAPSA_OK && memcmp(out, msg, mlen) == 0 : st == CAPSA_ERR_AUTH);
			}
			capsa_aead_free(a);
			free(key), free(iv), free(aad), free(msg), free(ct), free(tag), free(full), free(out);
			ran++;
		}
	}
	check_context("%s", file);
	CHECK(ran > 50);
	json_decref(root);
}

static void hkdf_vectors(void)
{
	json_t *root = vector_load("wycheproof/hkdf_sha256_test.json"), *group, *t;
	size_t gi, ti;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t ilen, slen, nlen, olen, size = (size_t)json_integer_value(json_object_get(t, "size"));
			uint8_t *ikm = vector_hex(t, "ikm", &ilen), *salt = vector_hex(t, "salt", &slen);
			uint8_t *info = vector_hex(t, "info", &nlen), *okm = vector_hex(t, "okm", &olen);
			uint8_t *out = malloc(size + 1), prk[32];
			bool valid = strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0;

			check_context("hkdf tcId %lld", json_integer_value(json_object_get(t, "tcId")));
			capsa_status st = capsa_hkdf(out, size, ikm, ilen, salt, slen, info, nlen);
			CHECK(valid ? st == CAPSA_OK && memcmp(out, okm, size) == 0 : st != CAPSA_OK);
			if (valid) { /* the two halves compose to the whole */
				CHECK_OK(capsa_hkdf_extract(prk, salt, slen, ikm, ilen));
				CHECK_OK(capsa_hkdf_expand(out, size, prk, info, nlen));
				CHECK_MEM(out, okm, size);
			}
			free(ikm), free(salt), free(info), free(okm), free(out);
		}
	}
	json_decref(root);
}

static void hmac_vectors(void)
{
	json_t *root = vector_load("wycheproof/hmac_sha256_test.json"), *group, *t;
	size_t gi, ti;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		size_t tag_bytes = (size_t)json_integer_value(json_object_get(group, "tagSize")) / 8;
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t klen, mlen, tlen;
			uint8_t *key = vector_hex(t, "key", &klen), *msg = vector_hex(t, "msg", &mlen);
			uint8_t *tag = vector_hex(t, "tag", &tlen), out[32];
			bool valid = strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0;

			check_context("hmac tcId %lld", json_integer_value(json_object_get(t, "tcId")));
			CHECK_OK(capsa_hmac_sha256(out, key, klen, msg, mlen));
			CHECK(capsa_ct_equal(out, tag, tag_bytes < tlen ? tag_bytes : tlen) == valid);
			free(key), free(msg), free(tag);
		}
	}
	json_decref(root);
}

static void x25519_vectors(void)
{
	json_t *root = vector_load("wycheproof/x25519_test.json"), *group, *t;
	size_t gi, ti;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t plen, klen, slen;
			uint8_t *pub = vector_hex(t, "public", &plen), *priv = vector_hex(t, "private", &klen);
			uint8_t *shared = vector_hex(t, "shared", &slen), out[32];
			static const uint8_t zero[32];
			bool zero_secret = memcmp(shared, zero, 32) == 0;

			check_context("x25519 tcId %lld", json_integer_value(json_object_get(t, "tcId")));
			capsa_status st = capsa_x25519(out, priv, pub);
			/* Every vector has a defined result; we refuse exactly the all-zero ones. */
			CHECK(zero_secret ? st == CAPSA_ERR_KEY : st == CAPSA_OK && memcmp(out, shared, 32) == 0);
			free(pub), free(priv), free(shared);
		}
	}
	json_decref(root);
}

static void ed25519_vectors(void)
{
	json_t *root = vector_load("wycheproof/ed25519_test.json"), *group, *t;
	size_t gi, ti;

	json_array_foreach(json_object_get(root, "testGroups"), gi, group)
	{
		size_t plen;
		uint8_t *pk = vector_hex(json_object_get(group, "publicKey"), "pk", &plen);
		json_array_foreach(json_object_get(group, "tests"), ti, t)
		{
			size_t mlen, slen;
			uint8_t *msg = vector_hex(t, "msg", &mlen), *sig = vector_hex(t, "sig", &slen);
			bool valid = strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0;

			check_context("ed25519 tcId %lld", json_integer_value(json_object_get(t, "tcId")));
			if (slen == CAPSA_ED25519_SIGBYTES)
				CHECK((capsa_ed25519_verify(sig, pk, msg, mlen) == CAPSA_OK) == valid);
			else
				CHECK(!valid); /* our API cannot even express a wrong-length signature */
			free(msg), free(sig);
		}
		free(pk);
	}
	json_decref(root);
}

/* RFC 8032 section 7.1, test 1: the signing side, which Wycheproof does not cover. */
static void ed25519_sign_kat(void)
{
	size_t n;
	uint8_t *seed = hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", &n);
	uint8_t *pub = hex_decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", &n);
	uint8_t *sig = hex_decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	                          "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", &n);
	uint8_t got_pub[32], got_sig[64];

	check_context("RFC 8032 test 1");
	CHECK_OK(capsa_ed25519_public(got_pub, seed));
	CHECK_MEM(got_pub, pub, 32);
	CHECK_OK(capsa_ed25519_sign(got_sig, seed, NULL, 0));
	CHECK_MEM(got_sig, sig, 64);
	got_sig[0] ^= 1;
	CHECK_STATUS(capsa_ed25519_verify(got_sig, pub, NULL, 0), CAPSA_ERR_SIGNATURE);
	free(seed), free(pub), free(sig);
}

/*
 * A public key of small order (the identity, say) makes R = identity, S = 0
 * a valid signature of every message for OpenSSL: anyone could sign for such
 * a key, so it must verify nothing. Every encoding of the eight torsion
 * points, with and without the sign bit.
 */
static void ed25519_small_order_keys(void)
{
	static const char *const keys[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t sig[64] = {0x01}; /* R = the identity, S = 0 */
	uint8_t msg[8] = "anything";

	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		for (int sign = 0; sign < 2; sign++) {
			size_t n;
			uint8_t *pk = hex_decode(keys[i], &n);
			pk[31] |= (uint8_t)(sign << 7);
			check_context("small-order Ed25519 key %zu%s", i, sign ? " (sign bit)" : "");
			for (uint8_t m = 0; m < 8; m++) {
				msg[0] = m;
				CHECK(capsa_ed25519_verify(sig, pk, msg, sizeof msg) != CAPSA_OK);
			}
			free(pk);
		}
	check_context("%s", "");
}

static void sha256_kat(void)
{
	size_t n;
	uint8_t *want = hex_decode("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", &n);
	uint8_t out[32];
	capsa_sha256_ctx ctx;

	check_context("SHA-256 of \"abc\" (FIPS 180-2)");
	CHECK_OK(capsa_sha256(out, "abc", 3));
	CHECK_MEM(out, want, 32);
	CHECK_OK(capsa_sha256_init(&ctx));
	CHECK_OK(capsa_sha256_update(&ctx, "a", 1));
	CHECK_OK(capsa_sha256_update(&ctx, "bc", 2));
	CHECK_OK(capsa_sha256_final(&ctx, out));
	CHECK_MEM(out, want, 32);
	free(want);
}

int main(void)
{
	aead_file("wycheproof/aes_gcm_test.json", CAPSA_AEAD_AES_256_GCM);
	aead_file("wycheproof/chacha20_poly1305_test.json", CAPSA_AEAD_CHACHA20_POLY1305);
	hkdf_vectors();
	hmac_vectors();
	x25519_vectors();
	ed25519_vectors();
	ed25519_sign_kat();
	ed25519_small_order_keys();
	sha256_kat();
	return check_summary();
}
