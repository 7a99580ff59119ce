/*
 * Umbral against rust-umbral 0.10's own vectors (every case byte for byte
 * with its draws replayed, every negative case refused with the matching
 * error), then what capsa adds: an explicit threshold and redrawing of
 * out-of-range scalars. (Fresh round trips: test_umbral_roundtrip.c;
 * parsers: test_umbral_parse.c.)
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "check.h"
#include "umbral-vectors/vectors.h"

#define REF "umbral/umbral-pre-0.10.0.json"

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	*len = f != NULL && buf != NULL ? fread(buf, 1, 1 << 20, f) : 0;
	if (f != NULL)
		fclose(f);
	return buf;
}

/* The checker runs every fact of the reference file: count them independently from the file. */
static void reference_vectors(void)
{
	json_t *root = vector_load(REF), *cs;
	size_t len, i, want = 1;
	char *text = read_text(vector_path(REF), &len);
	umb_vectors_result res;

	json_array_foreach(json_object_get(root, "cases"), i, cs)
		want += 13 + 9 * (size_t)json_integer_value(json_object_get(cs, "shares"));
	want += json_array_size(json_object_get(root, "negative_cases"));
	want += 4 * json_array_size(json_object_get(root, "secret_key_factory"));
	want += 4 * json_array_size(json_object_get(root, "signatures"));
	check_context("reference vectors");
	CHECK(json_array_size(json_object_get(root, "cases")) == 6);
	CHECK(json_array_size(json_object_get(root, "negative_cases")) == 26);
	CHECK_OK(umb_vectors_check(text, len, &res, stderr));
	CHECK(res.failed == 0);
	CHECK(res.passed == want);
	printf("reference file: %zu checks passed, %zu failed\n", res.passed, res.failed);
	free(text);
	json_decref(root);
}

/* Objects of one reference case, parsed. */
typedef struct ref_case {
	capsa_umbral_secret_key rsk;
	capsa_umbral_public_key dpk;
	capsa_umbral_capsule capsule;
	capsa_umbral_cfrag cfrags[3];
	uint8_t *ct;
	size_t ct_len;
} ref_case;

static void load_case(ref_case *rc, json_t *root, size_t index)
{
	json_t *cs = json_array_get(json_object_get(root, "cases"), index);
	size_t len;
	uint8_t *b;

	b = vector_hex(cs, "receiving_sk", &len);
	CHECK_OK(capsa_umbral_secret_key_from_bytes(&rc->rsk, b));
	free(b);
	b = vector_hex(cs, "delegating_pk", &len);
	CHECK_OK(capsa_umbral_public_key_from_bytes(&rc->dpk, b));
	free(b);
	b = vector_hex(cs, "capsule", &len);
	CHECK_OK(capsa_umbral_capsule_from_bytes(&rc->capsule, b, len));
	free(b);
	for (size_t i = 0; i < 3 && i < json_array_size(json_object_get(cs, "cfrags")); i++) {
		b = hex_decode(json_string_value(json_array_get(json_object_get(cs, "cfrags"), i)), &len);
		CHECK_OK(capsa_umbral_cfrag_from_bytes(&rc->cfrags[i], b, len));
		free(b);
	}
	rc->ct = vector_hex(cs, "ciphertext", &rc->ct_len);
}

static void explicit_threshold(void)
{
	json_t *root = vector_load(REF);
	ref_case a, b;
	uint8_t pt[64];
	capsa_umbral_cfrag two[2];

	load_case(&a, root, 0); /* 2 of 3 */
	load_case(&b, root, 5); /* 2 of 2, another grant */
	check_context("explicit threshold");
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &a.rsk, &a.dpk, &a.capsule, a.cfrags, 1, 2, a.ct, a.ct_len),
	             CAPSA_ERR_THRESHOLD);
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &a.rsk, &a.dpk, &a.capsule, a.cfrags, 1, 0, a.ct, a.ct_len),
	             CAPSA_ERR_KEY); /* the reference's behaviour: the check fails */
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &a.rsk, &a.dpk, &a.capsule, a.cfrags, 0, 0, a.ct, a.ct_len),
	             CAPSA_ERR_THRESHOLD);
	CHECK_OK(capsa_umbral_decrypt_reencrypted(pt, &a.rsk, &a.dpk, &a.capsule, a.cfrags + 1, 2, 2, a.ct, a.ct_len));
	CHECK_MEM(pt, "peace at dawn", 13);
	two[0] = a.cfrags[0], two[1] = a.cfrags[0];
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &a.rsk, &a.dpk, &a.capsule, two, 2, 2, a.ct, a.ct_len),
	             CAPSA_ERR_THRESHOLD); /* repeated */
	two[1] = b.cfrags[0];
	CHECK_STATUS(capsa_umbral_decrypt_reencrypted(pt, &a.rsk, &a.dpk, &a.capsule, two, 2, 2, a.ct, a.ct_len),
	             CAPSA_ERR_MISMATCH);
	free(a.ct), free(b.ct);
	json_decref(root);
}

/* Draws served from a list, to test redrawing of out-of-range scalars. */
typedef struct list_rng {
	const uint8_t (*draws)[32];
	size_t n, next;
} list_rng;

static capsa_status list_fill(void *ctx, uint8_t *out, size_t len)
{
	list_rng *l = ctx;
	if (len != 32 || l->next >= l->n)
		return CAPSA_ERR_ARG;
	memcpy(out, l->draws[l->next++], 32);
	return CAPSA_OK;
}

static void scalar_redraw(void)
{
	uint8_t draws[3][32];
	list_rng l = {(const uint8_t(*)[32])draws, 3, 0};
	capsa_umbral_rng rng = {list_fill, &l};
	capsa_umbral_secret_key sk;

	memcpy(draws[0], "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xba\xae\xdc\xe6\xaf\x48\xa0\x3b\xbf\xd2\x5e\x8c\xd0\x36\x41\x41", 32); /* n */
	memset(draws[1], 0, 32);
	memset(draws[2], 7, 32);
	check_context("scalar redraw");
	CHECK_OK(capsa_umbral_secret_key_generate(&sk, &rng));
	CHECK(l.next == 3);
	CHECK_MEM(sk.bytes, draws[2], 32);
	l.next = 0, l.n = 2;
	CHECK_STATUS(capsa_umbral_secret_key_generate(&sk, &rng), CAPSA_ERR_ARG); /* a failing source fails the call */
}

int main(void)
{
	reference_vectors();
	explicit_threshold();
	scalar_redraw();
	return check_summary();
}
