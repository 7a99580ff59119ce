/* HPKE (RFC 9180) against the RFC's test vectors, plus the misuse and failure paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hpke/hpke.h"
#include "hpke/kem.h"

#define VECTORS "hpke/test-vectors.x25519-sha256-base-psk.json"

static struct {
	size_t suites, skipped, encryptions, exports;
} count;

/* Byte strings of one vector, by name (freed together). */
struct hexes {
	uint8_t *p[16];
	size_t n;
};

static uint8_t *hx(struct hexes *h, const json_t *obj, const char *key, size_t *len)
{
	size_t dummy;
	uint8_t *v = vector_hex(obj, key, len ? len : &dummy);
	h->p[h->n++] = v;
	return v;
}

static void hexes_free(struct hexes *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->p[i]);
	h->n = 0;
}

/* The three secrets of the key schedule, on both sides. */
static void check_schedule(const capsa_hpke_ctx *ctx, const json_t *v)
{
	struct hexes h = {0};
	CHECK_MEM(ctx->key, hx(&h, v, "key", NULL), CAPSA_AEAD_KEYBYTES);
	CHECK_MEM(ctx->base_nonce, hx(&h, v, "base_nonce", NULL), CAPSA_AEAD_NONCEBYTES);
	CHECK_MEM(ctx->exporter_secret, hx(&h, v, "exporter_secret", NULL), CAPSA_SHA256_BYTES);
	CHECK(ctx->seq == 0);
	hexes_free(&h);
}

/* DeriveKeyPair of both key pairs, and the KEM's shared secret. */
static void check_kem(const json_t *v)
{
	struct hexes h = {0};
	size_t ikm_r_len, ikm_e_len;
	uint8_t *ikm_r = hx(&h, v, "ikmR", &ikm_r_len), *ikm_e = hx(&h, v, "ikmE", &ikm_e_len);
	uint8_t sk[32], pk[32], ss[32], enc[32];

	CHECK_OK(capsa_hpke_derive_keypair(sk, pk, ikm_r, ikm_r_len));
	CHECK_MEM(sk, hx(&h, v, "skRm", NULL), 32);
	CHECK_MEM(pk, hx(&h, v, "pkRm", NULL), 32);
	CHECK_OK(capsa_hpke_derive_keypair(sk, pk, ikm_e, ikm_e_len));
	CHECK_MEM(sk, hx(&h, v, "skEm", NULL), 32);
	CHECK_MEM(pk, hx(&h, v, "pkEm", NULL), 32);
	CHECK_OK(hpke_kem_encap_derand(ss, enc, ikm_e, ikm_e_len, hx(&h, v, "pkRm", NULL)));
	CHECK_MEM(enc, hx(&h, v, "enc", NULL), 32);
	CHECK_MEM(ss, hx(&h, v, "shared_secret", NULL), 32);
	CHECK_OK(hpke_kem_decap(ss, enc, hx(&h, v, "skRm", NULL)));
	CHECK_MEM(ss, hx(&h, v, "shared_secret", NULL), 32);
	hexes_free(&h);
}

/* One encryption: the sender seals to the vector's ct, a tampered ct fails, the recipient opens. */
static void check_encryption(capsa_hpke_ctx *s, capsa_hpke_ctx *r, const json_t *e)
{
	struct hexes h = {0};
	size_t aad_len, pt_len, ct_len;
	uint8_t *aad = hx(&h, e, "aad", &aad_len), *pt = hx(&h, e, "pt", &pt_len), *ct = hx(&h, e, "ct", &ct_len);
	uint8_t *nonce = hx(&h, e, "nonce", NULL);
	uint8_t *out = malloc(ct_len), *bad = malloc(ct_len), want_nonce[12];
	uint64_t seq = s->seq;

	memcpy(want_nonce, s->base_nonce, 12);
	for (int i = 0; i < 8; i++)
		want_nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
	CHECK_MEM(want_nonce, nonce, 12);
	CHECK(ct_len == pt_len + CAPSA_HPKE_TAGBYTES);
	CHECK_OK(capsa_hpke_seal(s, out, aad, aad_len, pt, pt_len));
	CHECK_MEM(out, ct, ct_len);
	memcpy(bad, ct, ct_len);
	bad[seq % ct_len] ^= 0x01;
	CHECK_STATUS(capsa_hpke_open(r, out, aad, aad_len, bad, ct_len), CAPSA_ERR_AUTH);
	CHECK(r->seq == seq); /* a refused message does not advance the recipient */
	CHECK_OK(capsa_hpke_open(r, out, aad, aad_len, ct, ct_len));
	CHECK_MEM(out, pt, pt_len);
	CHECK(s->seq == seq + 1 && r->seq == seq + 1);
	free(out), free(bad);
	hexes_free(&h);
	count.encryptions++;
}

static void check_exports(const capsa_hpke_ctx *s, const capsa_hpke_ctx *r, const json_t *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(v, "exports"), i, x)
	{
		struct hexes h = {0};
		size_t ctx_len, want_len, len = (size_t)json_integer_value(json_object_get(x, "L"));
		uint8_t *ectx = hx(&h, x, "exporter_context", &ctx_len), *want = hx(&h, x, "exported_value", &want_len);
		uint8_t *out = malloc(len);

		CHECK(want_len == len);
		CHECK_OK(capsa_hpke_export(s, out, len, ectx, ctx_len));
		CHECK_MEM(out, want, len);
		memset(out, 0, len);
		CHECK_OK(capsa_hpke_export(r, out, len, ectx, ctx_len));
		CHECK_MEM(out, want, len);
		free(out);
		hexes_free(&h);
		count.exports++;
	}
}

static void run_suite(const json_t *v, capsa_aead_alg alg)
{
	struct hexes h = {0};
	size_t info_len, ikm_e_len, psk_len = 0, psk_id_len = 0, i;
	uint8_t *info = hx(&h, v, "info", &info_len), *ikm_e = hx(&h, v, "ikmE", &ikm_e_len), enc[32];
	bool psk_mode = json_integer_value(json_object_get(v, "mode")) == CAPSA_HPKE_MODE_PSK;
	capsa_hpke_psk psk = {0};
	capsa_hpke_ctx s, r;
	json_t *e;

	if (psk_mode) {
		psk.psk = hx(&h, v, "psk", &psk_len);
		psk.psk_id = hx(&h, v, "psk_id", &psk_id_len);
		psk.psk_len = psk_len, psk.psk_id_len = psk_id_len;
	}
	check_kem(v);
	CHECK_OK(capsa_hpke_setup_sender_derand(&s, enc, alg, ikm_e, ikm_e_len, hx(&h, v, "pkRm", NULL), info,
	                                        info_len, psk_mode ? &psk : NULL));
	CHECK_MEM(enc, hx(&h, v, "enc", NULL), 32);
	check_schedule(&s, v);
	CHECK_OK(capsa_hpke_setup_recipient(&r, alg, enc, hx(&h, v, "skRm", NULL), info, info_len,
	                                    psk_mode ? &psk : NULL));
	check_schedule(&r, v);
	json_array_foreach(json_object_get(v, "encryptions"), i, e)
		check_encryption(&s, &r, e);
	check_exports(&s, &r, v);
	capsa_hpke_ctx_cleanup(&s);
	capsa_hpke_ctx_cleanup(&r);
	hexes_free(&h);
	count.suites++;
}

static void rfc9180_vectors(void)
{
	json_t *root = vector_load(VECTORS), *v;
	size_t i;

	json_array_foreach(root, i, v)
	{
		uint16_t aead_id = (uint16_t)json_integer_value(json_object_get(v, "aead_id"));
		capsa_aead_alg alg;

		check_context("%s #%zu mode %lld aead 0x%04x", VECTORS, i, json_integer_value(json_object_get(v, "mode")),
		              aead_id);
		CHECK(json_integer_value(json_object_get(v, "kem_id")) == CAPSA_HPKE_KEM_X25519_HKDF_SHA256);
		CHECK(json_integer_value(json_object_get(v, "kdf_id")) == CAPSA_HPKE_KDF_HKDF_SHA256);
		if (capsa_hpke_aead_from_id(&alg, aead_id) != CAPSA_OK) {
			CHECK(aead_id == 0x0001); /* AES-128-GCM: the only one we expect to skip */
			count.skipped++;
			continue;
		}
		CHECK(capsa_hpke_aead_id(alg) == aead_id);
		run_suite(v, alg);
	}
	check_context("RFC 9180 totals");
	CHECK(count.suites == 4 && count.skipped == 2);
	CHECK(count.encryptions == 4 * 257 && count.exports == 4 * 3);
	printf("RFC 9180: %zu suites (%zu encryptions, %zu exports), %zu skipped (AES-128-GCM)\n", count.suites,
	       count.encryptions, count.exports, count.skipped);
	json_decref(root);
}

/* A key pair from a fixed ikm, for the tests below. */
static void keypair(uint8_t sk[32], uint8_t pk[32], uint8_t fill)
{
	uint8_t ikm[32];
	memset(ikm, fill, sizeof ikm);
	if (capsa_hpke_derive_keypair(sk, pk, ikm, sizeof ikm) != CAPSA_OK)
		abort();
}

static void single_shot(capsa_aead_alg alg)
{
	static const uint8_t info[] = "capsa/v1/test", aad[] = "header";
	uint8_t sk[32], pk[32], sk2[32], pk2[32], enc[32], pt[40], ct[40 + 16], out[40];

	check_context("single shot, alg %d", (int)alg);
	keypair(sk, pk, 0x11);
	keypair(sk2, pk2, 0x22);
	memset(pt, 0xa5, sizeof pt);
	CHECK_OK(capsa_hpke_seal_base(enc, ct, alg, pk, info, sizeof info, aad, sizeof aad, pt, sizeof pt));
	CHECK_OK(capsa_hpke_open_base(out, alg, enc, sk, info, sizeof info, aad, sizeof aad, ct, sizeof ct));
	CHECK_MEM(out, pt, sizeof pt);
	/* The wrong key, info or aad: a bad tag, and no plaintext left behind. */
	memset(out, 0xee, sizeof out);
	CHECK_STATUS(capsa_hpke_open_base(out, alg, enc, sk2, info, sizeof info, aad, sizeof aad, ct, sizeof ct),
	             CAPSA_ERR_AUTH);
	CHECK(out[0] == 0 && out[sizeof out - 1] == 0);
	CHECK_STATUS(capsa_hpke_open_base(out, alg, enc, sk, info, sizeof info - 1, aad, sizeof aad, ct, sizeof ct),
	             CAPSA_ERR_AUTH);
	CHECK_STATUS(capsa_hpke_open_base(out, alg, enc, sk, info, sizeof info, aad, sizeof aad - 1, ct, sizeof ct),
	             CAPSA_ERR_AUTH);
	CHECK_STATUS(capsa_hpke_open_base(out, alg, enc, sk, info, sizeof info, aad, sizeof aad, ct, 15),
	             CAPSA_ERR_TRUNCATED);
	/* Two encapsulations to one key never repeat. */
	uint8_t enc2[32], ct2[sizeof ct];
	CHECK_OK(capsa_hpke_seal_base(enc2, ct2, alg, pk, info, sizeof info, aad, sizeof aad, pt, sizeof pt));
	CHECK(memcmp(enc, enc2, 32) != 0 && memcmp(ct, ct2, sizeof ct) != 0);
}

/* A low-order public key gives the all-zero DH output: refused on both sides, outputs zeroed. */
static void degenerate_keys(void)
{
	uint8_t zero[32] = {0}, sk[32], pk[32], enc[32], ct[16 + 4], pt[4] = {1, 2, 3, 4};

	check_context("degenerate keys");
	keypair(sk, pk, 0x33);
	memset(enc, 0xff, sizeof enc);
	memset(ct, 0xff, sizeof ct);
	CHECK_STATUS(capsa_hpke_seal_base(enc, ct, CAPSA_AEAD_AES_256_GCM, zero, NULL, 0, NULL, 0, pt, sizeof pt),
	             CAPSA_ERR_KEY);
	CHECK(memcmp(enc, zero, 32) == 0 && memcmp(ct, zero, 16) == 0);
	memset(pt, 0xff, sizeof pt);
	CHECK_STATUS(capsa_hpke_open_base(pt, CAPSA_AEAD_AES_256_GCM, zero, sk, NULL, 0, NULL, 0, ct, sizeof ct),
	             CAPSA_ERR_KEY);
	CHECK(pt[0] == 0 && pt[3] == 0);
}

static void misuse_and_limits(void)
{
	static const uint8_t key[32] = {7};
	uint8_t sk[32], pk[32], enc[32], ct[16], out[1];
	capsa_hpke_psk half = {key, sizeof key, NULL, 0};
	capsa_hpke_ctx ctx;

	check_context("misuse and limits");
	keypair(sk, pk, 0x44);
	CHECK_STATUS(capsa_hpke_setup_sender(&ctx, enc, CAPSA_AEAD_AES_256_GCM, pk, NULL, 0, &half), CAPSA_ERR_ARG);
	capsa_hpke_ctx_cleanup(&ctx);
	CHECK_STATUS(capsa_hpke_setup_sender(&ctx, enc, (capsa_aead_alg)99, pk, NULL, 0, NULL), CAPSA_ERR_UNSUPPORTED);
	capsa_hpke_ctx_cleanup(&ctx);
	capsa_aead_alg alg;
	CHECK_STATUS(capsa_hpke_aead_from_id(&alg, 0x0001), CAPSA_ERR_UNSUPPORTED);
	CHECK_STATUS(capsa_hpke_aead_from_id(&alg, 0xffff), CAPSA_ERR_UNSUPPORTED);

	/* The sequence number: the last allowed message seals, then the context refuses. */
	CHECK_OK(capsa_hpke_setup_sender(&ctx, enc, CAPSA_AEAD_CHACHA20_POLY1305, pk, NULL, 0, NULL));
	ctx.seq = UINT64_MAX - 1;
	CHECK_OK(capsa_hpke_seal(&ctx, ct, NULL, 0, NULL, 0));
	CHECK(ctx.seq == UINT64_MAX);
	CHECK_STATUS(capsa_hpke_seal(&ctx, ct, NULL, 0, NULL, 0), CAPSA_ERR_RANGE);
	CHECK_STATUS(capsa_hpke_seal(&ctx, ct, NULL, 0, NULL, 0), CAPSA_ERR_RANGE);
	CHECK(ctx.seq == UINT64_MAX);
	CHECK_STATUS(capsa_hpke_export(&ctx, out, 0, NULL, 0), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_hpke_export(&ctx, out, 255 * 32 + 1, NULL, 0), CAPSA_ERR_ARG);
	capsa_hpke_ctx_cleanup(&ctx);
	CHECK(ctx.aead == NULL && ctx.key[0] == 0 && ctx.exporter_secret[0] == 0);
	/* A cleaned context refuses to work. */
	CHECK_STATUS(capsa_hpke_seal(&ctx, ct, NULL, 0, NULL, 0), CAPSA_ERR_ARG);
}

int main(void)
{
	rfc9180_vectors();
	single_shot(CAPSA_AEAD_AES_256_GCM);
	single_shot(CAPSA_AEAD_CHACHA20_POLY1305);
	degenerate_keys();
	misuse_and_limits();
	return check_summary();
}
