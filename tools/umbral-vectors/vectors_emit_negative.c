/* The negative cases of an emitted vectors file, of the same kinds the reference's file has. */
#include <stdlib.h>
#include <string.h>

#include "umbral-vectors/vectors_internal.h"

static json_t *negative(const emitted *e, const char *name, const char *kind, const char *error)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "case", e->name, "name", name, "kind", kind, "expected_error", error);
}

/* Wire bytes of an object, with the byte at |at| xored with |x| (x = 0: unchanged). */
static json_t *kfrag_hex(const capsa_umbral_kfrag *k, size_t at, uint8_t x)
{
	uint8_t w[CAPSA_UMBRAL_KFRAG_BYTES];
	capsa_umbral_kfrag_to_bytes(w, k);
	w[at] ^= x;
	return umb_v_hex_value(w, sizeof w);
}

static json_t *cfrag_hex(const capsa_umbral_cfrag *c, size_t at, uint8_t x)
{
	uint8_t w[CAPSA_UMBRAL_CFRAG_BYTES];
	capsa_umbral_cfrag_to_bytes(w, c);
	w[at] ^= x;
	return umb_v_hex_value(w, sizeof w);
}

static json_t *capsule_hex(const capsa_umbral_capsule *c, size_t at, uint8_t x)
{
	uint8_t w[CAPSA_UMBRAL_CAPSULE_BYTES];
	capsa_umbral_capsule_to_bytes(w, c);
	w[at] ^= x;
	return umb_v_hex_value(w, sizeof w);
}

static json_t *pk_hex(const capsa_umbral_public_key *pk)
{
	return umb_v_hex_value(pk->bytes, 33);
}

static void kfrag_cases(json_t *out, const emitted *a, const emitted *b)
{
	json_t *n;

	n = negative(a, "kfrag-wrong-verifying-key", "kfrag_verify", "Failed to verify the kfrag signature");
	json_object_set_new(n, "kfrag", kfrag_hex(&a->kfrags[0], 0, 0)), json_object_set_new(n, "verifying_pk", pk_hex(&b->vpk));
	json_object_set_new(n, "delegating_pk", pk_hex(&a->dpk)), json_object_set_new(n, "receiving_pk", pk_hex(&a->rpk));
	json_array_append_new(out, n);
	n = negative(a, "kfrag-bad-key", "kfrag_verify", "Invalid kfrag commitment");
	json_object_set_new(n, "kfrag", kfrag_hex(&a->kfrags[0], 104, 1)), json_object_set_new(n, "verifying_pk", pk_hex(&a->vpk));
	json_object_set_new(n, "delegating_pk", pk_hex(&a->dpk)), json_object_set_new(n, "receiving_pk", pk_hex(&a->rpk));
	json_array_append_new(out, n);
	n = negative(a, "kfrag-delegating-key-not-provided", "kfrag_verify",
	             "A signature of a delegating key was included in this kfrag but the key is not provided");
	json_object_set_new(n, "kfrag", kfrag_hex(&a->kfrags[1], 0, 0)), json_object_set_new(n, "verifying_pk", pk_hex(&a->vpk));
	json_object_set_new(n, "delegating_pk", json_null()), json_object_set_new(n, "receiving_pk", pk_hex(&a->rpk));
	json_array_append_new(out, n);
}

static json_t *cfrag_case(const emitted *a, const char *name, const char *error, json_t *cfrag,
                          const capsa_umbral_capsule *capsule, const capsa_umbral_public_key *rpk)
{
	json_t *n = negative(a, name, "cfrag_verify", error);
	json_object_set_new(n, "cfrag", cfrag), json_object_set_new(n, "capsule", capsule_hex(capsule, 0, 0));
	json_object_set_new(n, "verifying_pk", pk_hex(&a->vpk)), json_object_set_new(n, "delegating_pk", pk_hex(&a->dpk));
	json_object_set_new(n, "receiving_pk", pk_hex(rpk));
	return n;
}

static json_t *decrypt_case(const emitted *a, const char *name, const char *error, json_t *cfrags,
                            const capsa_umbral_secret_key *rsk)
{
	json_t *n = negative(a, name, "decrypt_reencrypted", error);
	umb_v_set_hex(n, "receiving_sk", rsk->bytes, 32), json_object_set_new(n, "delegating_pk", pk_hex(&a->dpk));
	json_object_set_new(n, "capsule", capsule_hex(&a->capsule, 0, 0)), json_object_set_new(n, "cfrags", cfrags);
	umb_v_set_hex(n, "ciphertext", a->ct, a->ct_len);
	return n;
}

static json_t *cfrag_list(const emitted *a, size_t count, const emitted *other, size_t repeat_first)
{
	json_t *l = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(l, cfrag_hex(&a->cfrags[i < repeat_first ? i : 0], 0, 0));
	if (other != NULL)
		json_array_append_new(l, cfrag_hex(&other->cfrags[0], 0, 0));
	return l;
}

static json_t *original_case(const emitted *a, const char *name, const char *error, size_t ct_len, uint8_t flip)
{
	json_t *n = negative(a, name, "decrypt_original", error);
	uint8_t *ct = malloc(a->ct_len);

	memcpy(ct, a->ct, a->ct_len);
	ct[a->ct_len - 1] ^= flip;
	umb_v_set_hex(n, "delegating_sk", a->dsk.bytes, 32), json_object_set_new(n, "capsule", capsule_hex(&a->capsule, 0, 0));
	umb_v_set_hex(n, "ciphertext", ct, ct_len);
	free(ct);
	return n;
}

capsa_status umb_v_add_negatives(json_t *root, const emitted *a, const emitted *b)
{
	json_t *out = json_array(), *n;
	static const char *open_err = "Re-encryption error on open: ";
	char msg[128];

	n = negative(a, "capsule-bad-signature", "capsule_from_bytes", "Capsule self-verification failed");
	json_object_set_new(n, "capsule", capsule_hex(&a->capsule, CAPSA_UMBRAL_CAPSULE_BYTES - 1, 1));
	json_array_append_new(out, n);
	kfrag_cases(out, a, b);
	json_array_append_new(out, cfrag_case(a, "cfrag-wrong-receiving-key", "Invalid CapsuleFrag signature",
	                                      cfrag_hex(&a->cfrags[0], 0, 0), &a->capsule, &b->rpk));
	json_array_append_new(out, cfrag_case(a, "cfrag-bad-proof-scalar", "Failed to verify reencryption proof",
	                                      cfrag_hex(&a->cfrags[0], 314, 1), &a->capsule, &a->rpk));
	json_array_append_new(out, cfrag_case(a, "cfrag-wrong-capsule", "Failed to verify reencryption proof",
	                                      cfrag_hex(&a->cfrags[0], 0, 0), &b->capsule, &a->rpk));
	snprintf(msg, sizeof msg, "%sInternal validation failed", open_err);
	json_array_append_new(out, decrypt_case(a, "decrypt-below-threshold", msg, cfrag_list(a, a->t - 1, NULL, a->t), &a->rsk));
	json_array_append_new(out, decrypt_case(a, "decrypt-wrong-receiving-sk", msg, cfrag_list(a, a->t, NULL, a->t), &b->rsk));
	snprintf(msg, sizeof msg, "%sSome of the CapsuleFrags are repeated", open_err);
	json_array_append_new(out, decrypt_case(a, "decrypt-repeated-cfrag", msg, cfrag_list(a, a->t, NULL, 1), &a->rsk));
	snprintf(msg, sizeof msg, "%sCapsuleFrags are not pairwise consistent", open_err);
	json_array_append_new(out, decrypt_case(a, "decrypt-mismatched-cfrags", msg, cfrag_list(a, a->t - 1, b, a->t), &a->rsk));
	json_array_append_new(out, original_case(a, "decrypt-original-tampered-ciphertext",
	                                         "Decryption of ciphertext failed: either someone tampered with the "
	                                         "ciphertext or you are using an incorrect decryption key.",
	                                         a->ct_len, 1));
	json_array_append_new(out, original_case(a, "decrypt-original-too-short", "The ciphertext must include the nonce", 20, 0));
	return json_object_set_new(root, "negative_cases", out) == 0 ? CAPSA_OK : CAPSA_ERR_NOMEM;
}
