/* One positive case of a vectors file, replayed with its recorded draws. */
#include <stdlib.h>
#include <string.h>

#include "umbral-vectors/vectors_internal.h"

typedef struct case_keys {
	capsa_umbral_secret_key dsk, rsk, ssk;
	capsa_umbral_public_key dpk, rpk, vpk;
} case_keys;

static bool keys_load(checker *c, const json_t *cs, case_keys *k)
{
	capsa_umbral_public_key d;
	bool ok = umb_v_sk(cs, "delegating_sk", &k->dsk) == CAPSA_OK && umb_v_sk(cs, "receiving_sk", &k->rsk) == CAPSA_OK &&
	          umb_v_sk(cs, "signer_sk", &k->ssk) == CAPSA_OK && umb_v_pk(cs, "delegating_pk", &k->dpk) == CAPSA_OK &&
	          umb_v_pk(cs, "receiving_pk", &k->rpk) == CAPSA_OK && umb_v_pk(cs, "verifying_pk", &k->vpk) == CAPSA_OK;

	umb_v_record(c, ok, "keys present and valid");
	if (!ok)
		return false;
	umb_v_record(c, capsa_umbral_public_key_derive(&d, &k->dsk) == CAPSA_OK && !memcmp(d.bytes, k->dpk.bytes, 33), "delegating_pk");
	umb_v_record(c, capsa_umbral_public_key_derive(&d, &k->rsk) == CAPSA_OK && !memcmp(d.bytes, k->rpk.bytes, 33), "receiving_pk");
	umb_v_record(c, capsa_umbral_public_key_derive(&d, &k->ssk) == CAPSA_OK && !memcmp(d.bytes, k->vpk.bytes, 33), "verifying_pk");
	return true;
}

/* encrypt with the recorded draws: capsule, simple capsule and ciphertext byte for byte */
static void check_encrypt(checker *c, const json_t *cs, const case_keys *k, const uint8_t *pt, size_t pt_len)
{
	umb_replay replay = {json_object_get(json_object_get(cs, "rng_draws"), "encrypt"), 0, 0};
	capsa_umbral_rng rng = {umb_replay_fill, &replay};
	capsa_umbral_capsule capsule;
	uint8_t *ct = malloc(pt_len + CAPSA_UMBRAL_DEM_OVERHEAD), wire[CAPSA_UMBRAL_CAPSULE_BYTES];
	uint8_t simple[CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES];
	bool ok = ct != NULL && capsa_umbral_encrypt(&capsule, ct, &k->dpk, pt, pt_len, &rng) == CAPSA_OK;

	umb_v_record(c, ok && replay.next == json_array_size(replay.draws) && !replay.mismatch, "encrypt consumes the draws");
	if (ok) {
		capsa_umbral_capsule_to_bytes(wire, &capsule);
		capsa_umbral_capsule_to_bytes_simple(simple, &capsule);
		umb_v_record(c, umb_v_same_hex(umb_v_str(cs, "capsule"), wire, sizeof wire), "capsule bytes");
		umb_v_record(c, umb_v_same_hex(umb_v_str(cs, "capsule_simple"), simple, sizeof simple), "capsule_simple bytes");
		umb_v_record(c, umb_v_same_hex(umb_v_str(cs, "ciphertext"), ct, pt_len + CAPSA_UMBRAL_DEM_OVERHEAD), "ciphertext bytes");
	}
	free(ct);
}

/* generate_kfrags with the recorded draws: every kfrag byte for byte */
static void check_generate(checker *c, const json_t *cs, const case_keys *k, size_t t, size_t n)
{
	umb_replay replay = {json_object_get(json_object_get(cs, "rng_draws"), "generate_kfrags"), 0, 0};
	capsa_umbral_rng rng = {umb_replay_fill, &replay};
	capsa_umbral_kfrag *kfrags = calloc(n, sizeof *kfrags);
	const json_t *want = json_object_get(cs, "kfrags");
	bool ok = kfrags != NULL &&
	          capsa_umbral_generate_kfrags(kfrags, &k->dsk, &k->rpk, &k->ssk, t, n,
	                                       json_is_true(json_object_get(cs, "sign_delegating_key")),
	                                       json_is_true(json_object_get(cs, "sign_receiving_key")), &rng) == CAPSA_OK;

	umb_v_record(c, ok && replay.next == json_array_size(replay.draws) && !replay.mismatch,
	       "generate_kfrags consumes the draws");
	for (size_t i = 0; ok && i < n; i++) {
		uint8_t wire[CAPSA_UMBRAL_KFRAG_BYTES];
		capsa_umbral_kfrag_to_bytes(wire, &kfrags[i]);
		umb_v_record(c, umb_v_same_hex(json_string_value(json_array_get(want, i)), wire, sizeof wire), "kfrag bytes");
	}
	if (kfrags != NULL)
		for (size_t i = 0; i < n; i++)
			capsa_umbral_kfrag_wipe(&kfrags[i]);
	free(kfrags);
}

/* The reference's kfrag i: parses, round-trips, verifies; re-encrypting it reproduces cfrag i. */
static void check_share(checker *c, const json_t *cs, const case_keys *k, const capsa_umbral_capsule *capsule, size_t i)
{
	const json_t *draws = json_array_get(json_object_get(json_object_get(cs, "rng_draws"), "reencrypt"), i);
	umb_replay replay = {draws, 0, 0};
	capsa_umbral_rng rng = {umb_replay_fill, &replay};
	const char *kfrag_hex_s = json_string_value(json_array_get(json_object_get(cs, "kfrags"), i));
	const char *cfrag_hex_s = json_string_value(json_array_get(json_object_get(cs, "cfrags"), i));
	capsa_umbral_kfrag kfrag;
	capsa_umbral_cfrag cfrag, parsed, simple_parsed;
	uint8_t kw[CAPSA_UMBRAL_KFRAG_BYTES], cw[CAPSA_UMBRAL_CFRAG_BYTES], cs_simple[CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES];
	bool ok = umb_v_kfrag(&kfrag, kfrag_hex_s) == CAPSA_OK;

	umb_v_record(c, ok, "reference kfrag parses");
	if (!ok)
		return;
	capsa_umbral_kfrag_to_bytes(kw, &kfrag);
	umb_v_record(c, umb_v_same_hex(kfrag_hex_s, kw, sizeof kw), "kfrag round trip");
	umb_v_record(c, capsa_umbral_kfrag_verify(&kfrag, &k->vpk, &k->dpk, &k->rpk) == CAPSA_OK, "reference kfrag verifies");
	ok = capsa_umbral_reencrypt(&cfrag, capsule, &kfrag, &rng) == CAPSA_OK && !replay.mismatch &&
	     replay.next == json_array_size(draws);
	umb_v_record(c, ok, "reencrypt consumes the draws");
	capsa_umbral_kfrag_wipe(&kfrag);
	if (!ok)
		return;
	capsa_umbral_cfrag_to_bytes(cw, &cfrag);
	capsa_umbral_cfrag_to_bytes_simple(cs_simple, &cfrag);
	umb_v_record(c, umb_v_same_hex(cfrag_hex_s, cw, sizeof cw), "cfrag bytes");
	umb_v_record(c, umb_v_same_hex(json_string_value(json_array_get(json_object_get(cs, "cfrags_simple"), i)), cs_simple,
	                   sizeof cs_simple), "cfrag_simple bytes");
	umb_v_record(c, umb_v_cfrag(&parsed, cfrag_hex_s) == CAPSA_OK &&
	              capsa_umbral_cfrag_verify(&parsed, capsule, &k->vpk, &k->dpk, &k->rpk) == CAPSA_OK,
	       "reference cfrag parses and verifies");
	umb_v_record(c, capsa_umbral_cfrag_from_bytes_simple(&simple_parsed, cs_simple, sizeof cs_simple) == CAPSA_OK &&
	              memcmp(&simple_parsed, &cfrag, sizeof cfrag) == 0, "cfrag_simple parses");
}

/* Both decryptions of the reference ciphertext. */
static void check_decrypt(checker *c, const json_t *cs, const case_keys *k, const capsa_umbral_capsule *capsule,
                          size_t t, size_t n)
{
	size_t ct_len = 0, want_len = 0, i;
	uint8_t *ct = umb_hex_decode(umb_v_str(cs, "ciphertext"), &ct_len);
	uint8_t *want = umb_hex_decode(umb_v_str(cs, "expected_plaintext"), &want_len), *pt = NULL;
	const json_t *with = json_object_get(cs, "decrypt_with"), *idx;
	capsa_umbral_cfrag *cfrags = calloc(n + 1, sizeof *cfrags);
	size_t m = 0;
	bool ok = ct != NULL && want != NULL && cfrags != NULL && ct_len == want_len + CAPSA_UMBRAL_DEM_OVERHEAD &&
	          (pt = malloc(want_len + 1)) != NULL;

	umb_v_record(c, ok, "ciphertext and expected_plaintext");
	if (ok) {
		umb_v_record(c, capsa_umbral_decrypt_original(pt, &k->dsk, capsule, ct, ct_len) == CAPSA_OK &&
		              memcmp(pt, want, want_len) == 0, "decrypt_original");
		json_array_foreach(with, i, idx)
		{
			json_int_t j = json_integer_value(idx);
			if (m >= n || j < 0 || (size_t)j >= n ||
			    umb_v_cfrag(&cfrags[m++], json_string_value(json_array_get(json_object_get(cs, "cfrags"), (size_t)j))) != CAPSA_OK)
				ok = false;
		}
		umb_v_record(c, ok && m > 0 &&
		              capsa_umbral_decrypt_reencrypted(pt, &k->rsk, &k->dpk, capsule, cfrags, m, t, ct, ct_len) == CAPSA_OK &&
		              memcmp(pt, want, want_len) == 0, "decrypt_reencrypted");
	}
	free(ct), free(want), free(pt), free(cfrags);
}

void umb_v_check_case(checker *c, const json_t *cs)
{
	json_int_t t = json_integer_value(json_object_get(cs, "threshold"));
	json_int_t n = json_integer_value(json_object_get(cs, "shares"));
	size_t pt_len = 0;
	uint8_t *pt = umb_hex_decode(umb_v_str(cs, "plaintext"), &pt_len);
	capsa_umbral_capsule capsule;
	case_keys k;

	c->where = umb_v_str(cs, "name") != NULL ? umb_v_str(cs, "name") : "case";
	if (t < 1 || t > n || n > CAPSA_UMBRAL_MAX_SHARES || pt == NULL || !keys_load(c, cs, &k)) {
		umb_v_record(c, false, "threshold, shares, plaintext and keys");
		free(pt);
		return;
	}
	check_encrypt(c, cs, &k, pt, pt_len);
	check_generate(c, cs, &k, (size_t)t, (size_t)n);
	if (umb_v_capsule(&capsule, umb_v_str(cs, "capsule")) != CAPSA_OK) {
		umb_v_record(c, false, "reference capsule parses");
	} else {
		umb_v_record(c, true, "reference capsule parses");
		for (size_t i = 0; i < (size_t)n; i++)
			check_share(c, cs, &k, &capsule, i);
		check_decrypt(c, cs, &k, &capsule, (size_t)t, (size_t)n);
	}
	free(pt);
	capsa_umbral_secret_key_wipe(&k.dsk), capsa_umbral_secret_key_wipe(&k.rsk), capsa_umbral_secret_key_wipe(&k.ssk);
}
