/*
 * The checker of umbral-interop-vectors/v1 files: every positive case is
 * replayed with its recorded draws and compared byte for byte; every negative
 * case must be refused with the status that corresponds to the reference's
 * error message.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "umbral/umbral_internal.h"
#include "umbral-vectors/vectors_internal.h"

static void check_skf(checker *c, const json_t *v)
{
	uint8_t seed[32], secret[64], child[32];
	size_t llen = 0;
	uint8_t *label = umb_hex_decode(umb_v_str(v, "label"), &llen);
	capsa_umbral_secret_key sk, child_sk;
	capsa_umbral_public_key pk;

	c->where = "secret_key_factory";
	if (label == NULL || !umb_v_fixed(v, "seed", seed, 32)) {
		umb_v_record(c, false, "seed and label");
		free(label);
		return;
	}
	umb_v_record(c, capsa_umbral_skf_make_key(&sk, seed, label, llen) == CAPSA_OK &&
	              umb_v_same_hex(umb_v_str(v, "make_key_sk"), sk.bytes, 32), "make_key");
	umb_v_record(c, capsa_umbral_public_key_derive(&pk, &sk) == CAPSA_OK && umb_v_same_hex(umb_v_str(v, "make_key_pk"), pk.bytes, 33),
	       "make_key public key");
	umb_v_record(c, capsa_umbral_skf_make_secret(secret, seed, label, llen) == CAPSA_OK &&
	              umb_v_same_hex(umb_v_str(v, "make_secret"), secret, 64), "make_secret");
	umb_v_record(c, capsa_umbral_skf_make_factory(child, seed, label, llen) == CAPSA_OK &&
	              capsa_umbral_skf_make_key(&child_sk, child, (const uint8_t *)"child", 5) == CAPSA_OK &&
	              umb_v_same_hex(umb_v_str(v, "make_factory_then_make_key_child_sk"), child_sk.bytes, 32),
	       "make_factory(label) then make_key(\"child\")");
	free(label);
}

static void check_signature(checker *c, const json_t *v)
{
	capsa_umbral_secret_key sk;
	capsa_umbral_public_key pk, derived;
	capsa_umbral_signature sig;
	size_t mlen = 0;
	uint8_t *msg = umb_hex_decode(umb_v_str(v, "message"), &mlen);
	umb_replay replay = {json_object_get(v, "rng_draws"), 0, 0};
	capsa_umbral_rng rng = {umb_replay_fill, &replay};

	c->where = "signatures";
	if (msg == NULL || umb_v_sk(v, "signer_sk", &sk) != CAPSA_OK || umb_v_pk(v, "verifying_pk", &pk) != CAPSA_OK) {
		umb_v_record(c, false, "signer, key and message");
		free(msg);
		return;
	}
	umb_v_record(c, capsa_umbral_public_key_derive(&derived, &sk) == CAPSA_OK && memcmp(derived.bytes, pk.bytes, 33) == 0,
	       "verifying key");
	umb_v_record(c, capsa_umbral_sign(&sig, &sk, msg, mlen, &rng) == CAPSA_OK && !replay.mismatch &&
	              umb_v_same_hex(umb_v_str(v, "signature_be"), sig.bytes, 64), "signature bytes");
	umb_v_record(c, umb_v_fixed(v, "signature_be", sig.bytes, 64) && capsa_umbral_verify(&sig, &pk, msg, mlen) == CAPSA_OK,
	       "reference signature verifies");
	umb_v_record(c, capsa_umbral_verify(&sig, &pk, (const uint8_t *)"x", 1) == CAPSA_ERR_SIGNATURE,
	       "signature refused for another message");
	free(msg);
}

static void check_all(checker *c, const json_t *root)
{
	const json_t *cases = json_object_get(root, "cases"), *v;
	size_t i;

	json_array_foreach(cases, i, v) umb_v_check_case(c, v);
	json_array_foreach(json_object_get(root, "negative_cases"), i, v) umb_v_check_negative(c, v, cases);
	json_array_foreach(json_object_get(root, "secret_key_factory"), i, v) check_skf(c, v);
	json_array_foreach(json_object_get(root, "signatures"), i, v) check_signature(c, v);
}

capsa_status umb_vectors_check(const char *json, size_t len, umb_vectors_result *res, FILE *log)
{
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	checker c = {res, log, "file"};
	const char *format = umb_v_str(root, "format");
	const char *u = umb_v_str(json_object_get(root, "parameters"), "u");
	uint8_t ub[33];

	res->passed = res->failed = 0;
	if (root == NULL || format == NULL || strcmp(format, "umbral-interop-vectors/v1") != 0) {
		json_decref(root);
		return CAPSA_ERR_DECODE;
	}
	if (u != NULL) /* the file's U must be ours */
		umb_v_record(&c, umb_v_hex_fixed(u, ub, 33) && memcmp(ub, umb_u_bytes, 33) == 0, "parameters.u");
	check_all(&c, root);
	json_decref(root);
	return CAPSA_OK;
}
