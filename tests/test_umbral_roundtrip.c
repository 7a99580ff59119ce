/*
 * Fresh keys, every combination of sign flags, several thresholds: encrypt,
 * split, verify, re-encrypt, verify, decrypt; and what must fail on the way.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "check.h"

typedef struct party {
	capsa_umbral_secret_key sk;
	capsa_umbral_public_key pk;
} party;

static void party_new(party *p)
{
	CHECK_OK(capsa_umbral_secret_key_generate(&p->sk, NULL));
	CHECK_OK(capsa_umbral_public_key_derive(&p->pk, &p->sk));
}

static void one_grant(size_t t, size_t n, bool sign_d, bool sign_r)
{
	party alice, bob, signer, eve;
	static const uint8_t msg[] = "the weights of a large model";
	uint8_t ct[sizeof msg + CAPSA_UMBRAL_DEM_OVERHEAD], pt[sizeof msg];
	capsa_umbral_capsule capsule;
	capsa_umbral_kfrag kfrags[20];
	capsa_umbral_cfrag cfrags[20];

	check_context("grant %zu of %zu, sign_d %d sign_r %d", t, n, sign_d, sign_r);
	party_new(&alice), party_new(&bob), party_new(&signer), party_new(&eve);
	CHECK_OK(capsa_umbral_encrypt(&capsule, ct, &alice.pk, msg, sizeof msg, NULL));
	CHECK_OK(capsa_umbral_decrypt_original(pt, &alice.sk, &capsule, ct, sizeof ct));
	CHECK_MEM(pt, msg, sizeof msg);
	CHECK_STATUS(capsa_umbral_decrypt_original(pt, &bob.sk, &capsule, ct, sizeof ct), CAPSA_ERR_AUTH);
	CHECK_OK(capsa_umbral_generate_kfrags(kfrags, &alice.sk, &bob.pk, &signer.sk, t, n, sign_d, sign_r, NULL));
	for (size_t i = 0; i < n; i++) {
		CHECK_OK(capsa_umbral_kfrag_verify(&kfrags[i], &signer.pk, &alice.pk, &bob.pk));
		CHECK_OK(capsa_umbral_kfrag_verify(&kfrags[i], &signer.pk, sign_d ? &alice.pk : NULL, sign_r ? &bob.pk : NULL));
		CHECK_STATUS(capsa_umbral_kfrag_verify(&kfrags[i], &eve.pk, &alice.pk, &bob.pk), CAPSA_ERR_SIGNATURE);
		if (sign_r)
			CHECK_STATUS(capsa_umbral_kfrag_verify(&kfrags[i], &signer.pk, &alice.pk, NULL), CAPSA_ERR_ARG);
		if (sign_d) /* a kfrag for bob presented as one from eve */
			CHECK_STATUS(capsa_umbral_kfrag_verify(&kfrags[i], &signer.pk, &eve.pk, &bob.pk), CAPSA_ERR_SIGNATURE);
		CHECK_OK(capsa_umbral_reencrypt(&cfrags[i], &capsule, &kfrags[i], NULL));
		CHECK_OK(capsa_umbral_cfrag_verify(&cfrags[i], &capsule, &signer.pk, &alice.pk, &bob.pk));
		CHECK_STATUS(capsa_umbral_cfrag_verify(&cfrags[i], &capsule, &signer.pk, &alice.pk, &eve.pk), CAPSA_ERR_SIGNATURE);
	}
	/* the private point cache of a cfrag is never trusted */
	memset(cfrags[n - 1].points_cache_, 0x5a, sizeof cfrags[n - 1].points_cache_);
	CHECK_OK(capsa_umbral_cfrag_verify(&cfrags[n - 1], &capsule, &signer.pk, &alice.pk, &bob.pk));
	if (n > 1) /* another cfrag's points in the cache change nothing */
		memcpy(cfrags[n - 1].points_cache_, cfrags[0].points_cache_, sizeof cfrags[0].points_cache_);
	/* the last t cfrags open it; t - 1 do not */
	CHECK_OK(capsa_umbral_decrypt_reencrypted(pt, &bob.sk, &alice.pk, &capsule, cfrags + n - t, t, t, ct, sizeof ct));
	CHECK_MEM(pt, msg, sizeof msg);
	if (t > 1)
		CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &bob.sk, &alice.pk, &capsule, cfrags, t - 1, 0, ct, sizeof ct),
		             CAPSA_ERR_KEY);
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &eve.sk, &alice.pk, &capsule, cfrags, t, t, ct, sizeof ct),
	             CAPSA_ERR_KEY);
	ct[sizeof ct - 1] ^= 1;
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &bob.sk, &alice.pk, &capsule, cfrags, t, t, ct, sizeof ct),
	             CAPSA_ERR_AUTH);
	for (size_t i = 0; i < n; i++)
		capsa_umbral_kfrag_wipe(&kfrags[i]);
}

/* A cfrag whose proof scalar was altered, and a cfrag of another capsule. */
static void forged_cfrags(void)
{
	party alice, bob, signer;
	uint8_t ct[CAPSA_UMBRAL_DEM_OVERHEAD + 1];
	capsa_umbral_capsule c1, c2;
	capsa_umbral_kfrag kfrag;
	capsa_umbral_cfrag cfrag;

	check_context("forged cfrags");
	party_new(&alice), party_new(&bob), party_new(&signer);
	CHECK_OK(capsa_umbral_encrypt(&c1, ct, &alice.pk, (const uint8_t *)"x", 1, NULL));
	CHECK_OK(capsa_umbral_encrypt(&c2, ct, &alice.pk, (const uint8_t *)"x", 1, NULL));
	CHECK_OK(capsa_umbral_generate_kfrags(&kfrag, &alice.sk, &bob.pk, &signer.sk, 1, 1, true, true, NULL));
	CHECK_OK(capsa_umbral_reencrypt(&cfrag, &c1, &kfrag, NULL));
	CHECK_STATUS(capsa_umbral_cfrag_verify(&cfrag, &c2, &signer.pk, &alice.pk, &bob.pk), CAPSA_ERR_PROOF);
	cfrag.z[31] ^= 1;
	CHECK_STATUS(capsa_umbral_cfrag_verify(&cfrag, &c1, &signer.pk, &alice.pk, &bob.pk), CAPSA_ERR_PROOF);
	kfrag.rk[31] ^= 1;
	CHECK_STATUS(capsa_umbral_kfrag_verify(&kfrag, &signer.pk, &alice.pk, &bob.pk), CAPSA_ERR_PROOF);
}

/* The capsule's private point cache is never trusted: garbage or another capsule's points change nothing. */
static void capsule_cache(void)
{
	party alice;
	uint8_t ct[CAPSA_UMBRAL_DEM_OVERHEAD + 5], pt[5];
	capsa_umbral_capsule c, other;

	check_context("capsule cache");
	party_new(&alice);
	CHECK_OK(capsa_umbral_encrypt(&other, ct, &alice.pk, (const uint8_t *)"other", 5, NULL));
	CHECK_OK(capsa_umbral_encrypt(&c, ct, &alice.pk, (const uint8_t *)"hello", 5, NULL));
	memset(c.points_cache_, 0xff, sizeof c.points_cache_);
	CHECK_OK(capsa_umbral_decrypt_original(pt, &alice.sk, &c, ct, sizeof ct));
	CHECK_MEM(pt, "hello", 5);
	memset(c.points_cache_, 0, sizeof c.points_cache_);
	CHECK_OK(capsa_umbral_decrypt_original(pt, &alice.sk, &c, ct, sizeof ct));
	memcpy(c.points_cache_, other.points_cache_, sizeof c.points_cache_);
	CHECK_OK(capsa_umbral_decrypt_original(pt, &alice.sk, &c, ct, sizeof ct));
	CHECK_MEM(pt, "hello", 5);
	/* the bytes are what count: another capsule carrying c's points does not open c's ciphertext */
	memcpy(other.points_cache_, c.points_cache_, sizeof c.points_cache_);
	CHECK_STATUS(capsa_umbral_decrypt_original(pt, &alice.sk, &other, ct, sizeof ct), CAPSA_ERR_AUTH);
}

static void arguments(void)
{
	party a, b;
	capsa_umbral_kfrag k[2];

	check_context("arguments");
	party_new(&a), party_new(&b);
	CHECK_STATUS(capsa_umbral_generate_kfrags(k, &a.sk, &b.pk, &a.sk, 0, 1, true, true, NULL), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_umbral_generate_kfrags(k, &a.sk, &b.pk, &a.sk, 3, 2, true, true, NULL), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_umbral_generate_kfrags(k, &a.sk, &b.pk, &a.sk, 1, 256, true, true, NULL), CAPSA_ERR_ARG);
}

int main(void)
{
	static const size_t shapes[][2] = {{1, 1}, {2, 3}, {3, 5}, {10, 20}};

	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
		for (int flags = 0; flags < 4; flags++)
			one_grant(shapes[s][0], shapes[s][1], flags & 1, flags & 2);
	forged_cfrags();
	capsule_cache();
	arguments();
	return check_summary();
}
