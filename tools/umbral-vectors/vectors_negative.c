/*
 * Negative cases: each input must be refused with the status that stands for
 * the reference's error message (see doc/UMBRAL.md, "Errors").
 */
#include <stdlib.h>
#include <string.h>

#include "umbral-vectors/vectors_internal.h"

static const struct {
	const char *message;
	capsa_status status;
} reference_errors[] = {
	{"Capsule self-verification failed", CAPSA_ERR_PROOF},
	{"Invalid kfrag commitment", CAPSA_ERR_PROOF},
	{"A signature of a delegating key was included in this kfrag but the key is not provided", CAPSA_ERR_ARG},
	{"A signature of a receiving key was included in this kfrag but the key is not provided", CAPSA_ERR_ARG},
	{"Failed to verify the kfrag signature", CAPSA_ERR_SIGNATURE},
	{"Invalid CapsuleFrag signature", CAPSA_ERR_SIGNATURE},
	{"Failed to verify reencryption proof", CAPSA_ERR_PROOF},
	{"Re-encryption error on open: Internal validation failed", CAPSA_ERR_KEY},
	{"Re-encryption error on open: Some of the CapsuleFrags are repeated", CAPSA_ERR_THRESHOLD},
	{"Re-encryption error on open: CapsuleFrags are not pairwise consistent", CAPSA_ERR_MISMATCH},
	{"Re-encryption error on open: No CapsuleFrags provided", CAPSA_ERR_THRESHOLD},
	{"The ciphertext must include the nonce", CAPSA_ERR_TRUNCATED},
	{"Decryption of ciphertext failed: either someone tampered with the ciphertext or you are using an incorrect "
	 "decryption key.",
	 CAPSA_ERR_AUTH},
};

/* The status for a reference message; CAPSA_OK if the message is unknown (then any refusal passes). */
static capsa_status expected_status(const char *message)
{
	for (size_t i = 0; message != NULL && i < sizeof reference_errors / sizeof reference_errors[0]; i++)
		if (strcmp(message, reference_errors[i].message) == 0)
			return reference_errors[i].status;
	return CAPSA_OK;
}

/* An optional public key: JSON null means "not supplied". */
static capsa_status optional_pk(const json_t *nc, const char *key, capsa_umbral_public_key *pk, bool *given)
{
	*given = !json_is_null(json_object_get(nc, key)) && json_object_get(nc, key) != NULL;
	return *given ? umb_v_pk(nc, key, pk) : CAPSA_OK;
}

static capsa_status run_kfrag_verify(const json_t *nc)
{
	capsa_umbral_kfrag kfrag;
	capsa_umbral_public_key vk, dpk, rpk;
	bool has_d, has_r;
	capsa_status st;

	if ((st = umb_v_kfrag(&kfrag, umb_v_str(nc, "kfrag"))) != CAPSA_OK || (st = umb_v_pk(nc, "verifying_pk", &vk)) != CAPSA_OK ||
	    (st = optional_pk(nc, "delegating_pk", &dpk, &has_d)) != CAPSA_OK ||
	    (st = optional_pk(nc, "receiving_pk", &rpk, &has_r)) != CAPSA_OK)
		return st;
	st = capsa_umbral_kfrag_verify(&kfrag, &vk, has_d ? &dpk : NULL, has_r ? &rpk : NULL);
	capsa_umbral_kfrag_wipe(&kfrag);
	return st;
}

static capsa_status run_cfrag_verify(const json_t *nc)
{
	capsa_umbral_cfrag cfrag;
	capsa_umbral_capsule capsule;
	capsa_umbral_public_key vk, dpk, rpk;
	capsa_status st;

	if ((st = umb_v_cfrag(&cfrag, umb_v_str(nc, "cfrag"))) != CAPSA_OK || (st = umb_v_capsule(&capsule, umb_v_str(nc, "capsule"))) != CAPSA_OK ||
	    (st = umb_v_pk(nc, "verifying_pk", &vk)) != CAPSA_OK || (st = umb_v_pk(nc, "delegating_pk", &dpk)) != CAPSA_OK ||
	    (st = umb_v_pk(nc, "receiving_pk", &rpk)) != CAPSA_OK)
		return st;
	return capsa_umbral_cfrag_verify(&cfrag, &capsule, &vk, &dpk, &rpk);
}

/* decrypt_reencrypted as the reference does it: the threshold is the number of cfrags given. */
static capsa_status run_decrypt_reencrypted(const json_t *nc)
{
	const json_t *arr = json_object_get(nc, "cfrags"), *v;
	size_t n = json_array_size(arr), ct_len = 0, i;
	capsa_umbral_cfrag *cfrags = calloc(n + 1, sizeof *cfrags);
	capsa_umbral_capsule capsule;
	capsa_umbral_secret_key sk;
	capsa_umbral_public_key dpk;
	uint8_t *ct = umb_hex_decode(umb_v_str(nc, "ciphertext"), &ct_len), *pt = malloc(ct_len + 1);
	capsa_status st = cfrags != NULL && ct != NULL && pt != NULL && n <= CAPSA_UMBRAL_MAX_SHARES ? CAPSA_OK : CAPSA_ERR_DECODE;

	json_array_foreach(arr, i, v) if (st == CAPSA_OK) st = umb_v_cfrag(&cfrags[i], json_string_value(v));
	if (st == CAPSA_OK && (st = umb_v_sk(nc, "receiving_sk", &sk)) == CAPSA_OK &&
	    (st = umb_v_pk(nc, "delegating_pk", &dpk)) == CAPSA_OK && (st = umb_v_capsule(&capsule, umb_v_str(nc, "capsule"))) == CAPSA_OK)
		st = capsa_umbral_decrypt_reencrypted(pt, &sk, &dpk, &capsule, cfrags, n, 0, ct, ct_len);
	free(cfrags), free(ct), free(pt);
	return st;
}

static capsa_status run_decrypt_original(const json_t *nc)
{
	capsa_umbral_capsule capsule;
	capsa_umbral_secret_key sk;
	size_t ct_len = 0;
	uint8_t *ct = umb_hex_decode(umb_v_str(nc, "ciphertext"), &ct_len), *pt = malloc(ct_len + 1);
	capsa_status st = ct != NULL && pt != NULL ? CAPSA_OK : CAPSA_ERR_DECODE;

	if (st == CAPSA_OK && (st = umb_v_sk(nc, "delegating_sk", &sk)) == CAPSA_OK &&
	    (st = umb_v_capsule(&capsule, umb_v_str(nc, "capsule"))) == CAPSA_OK)
		st = capsa_umbral_decrypt_original(pt, &sk, &capsule, ct, ct_len);
	free(ct), free(pt);
	return st;
}

void umb_v_check_negative(checker *c, const json_t *nc, const json_t *cases)
{
	const char *kind = umb_v_str(nc, "kind");
	capsa_umbral_capsule capsule;
	capsa_status want = expected_status(umb_v_str(nc, "expected_error")), st;

	(void)cases;
	c->where = umb_v_str(nc, "name") != NULL ? umb_v_str(nc, "name") : "negative case";
	if (kind == NULL)
		st = CAPSA_OK; /* nothing to run is a failure below */
	else if (strcmp(kind, "capsule_from_bytes") == 0)
		st = umb_v_capsule(&capsule, umb_v_str(nc, "capsule"));
	else if (strcmp(kind, "kfrag_verify") == 0)
		st = run_kfrag_verify(nc);
	else if (strcmp(kind, "cfrag_verify") == 0)
		st = run_cfrag_verify(nc);
	else if (strcmp(kind, "decrypt_reencrypted") == 0)
		st = run_decrypt_reencrypted(nc);
	else if (strcmp(kind, "decrypt_original") == 0)
		st = run_decrypt_original(nc);
	else
		st = CAPSA_OK;
	if (c->log != NULL && st != CAPSA_OK && want != CAPSA_OK && st != want)
		fprintf(c->log, "     %s: refused with \"%s\", expected \"%s\"\n", c->where, capsa_status_str(st),
		        capsa_status_str(want));
	umb_v_record(c, st != CAPSA_OK && (want == CAPSA_OK || st == want), "refused with the reference's error");
}
