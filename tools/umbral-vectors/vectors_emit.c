/*
 * The emitter: a vectors file from capsa's own outputs, so that any other
 * Umbral implementation can check capsa. Keys are fresh; every draw an
 * operation makes is recorded in the order it was made.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"
#include "umbral-vectors/vectors_internal.h"

static capsa_status party(capsa_umbral_secret_key *sk, capsa_umbral_public_key *pk, json_t *o, const char *skey,
                          const char *pkey)
{
	capsa_status st = capsa_umbral_secret_key_generate(sk, NULL);
	if (st == CAPSA_OK)
		st = capsa_umbral_public_key_derive(pk, sk);
	if (st == CAPSA_OK && (umb_v_set_hex(o, skey, sk->bytes, 32) != 0 || umb_v_set_hex(o, pkey, pk->bytes, 33) != 0))
		st = CAPSA_ERR_NOMEM;
	return st;
}

/* Runs the whole pipeline for one shape and fills the case object. */
static capsa_status make_case(emitted *e, json_t *cs, json_t *draws, size_t pt_len, bool sd, bool sr)
{
	json_t *enc = json_array(), *gen = json_array(), *re = json_array(), *kf = json_array(), *cf = json_array(),
	       *cfs = json_array(), *with = json_array();
	capsa_umbral_rng r_enc = {umb_record_fill, enc}, r_gen = {umb_record_fill, gen};
	uint8_t *pt = malloc(pt_len + 1), wire[CAPSA_UMBRAL_CFRAG_BYTES];
	capsa_status st = pt != NULL ? capsa_random(pt, pt_len) : CAPSA_ERR_NOMEM;

	e->ct_len = pt_len + CAPSA_UMBRAL_DEM_OVERHEAD;
	if (st == CAPSA_OK && (e->ct = malloc(e->ct_len)) == NULL)
		st = CAPSA_ERR_NOMEM;
	if (st == CAPSA_OK && (st = party(&e->dsk, &e->dpk, cs, "delegating_sk", "delegating_pk")) == CAPSA_OK &&
	    (st = party(&e->rsk, &e->rpk, cs, "receiving_sk", "receiving_pk")) == CAPSA_OK &&
	    (st = party(&e->ssk, &e->vpk, cs, "signer_sk", "verifying_pk")) == CAPSA_OK &&
	    (st = capsa_umbral_encrypt(&e->capsule, e->ct, &e->dpk, pt, pt_len, &r_enc)) == CAPSA_OK)
		st = capsa_umbral_generate_kfrags(e->kfrags, &e->dsk, &e->rpk, &e->ssk, e->t, e->n, sd, sr, &r_gen);
	for (size_t i = 0; i < e->n && st == CAPSA_OK; i++) {
		json_t *one = json_array();
		capsa_umbral_rng r_re = {umb_record_fill, one};
		json_array_append_new(re, one);
		if ((st = capsa_umbral_reencrypt(&e->cfrags[i], &e->capsule, &e->kfrags[i], &r_re)) != CAPSA_OK)
			break;
		capsa_umbral_kfrag_to_bytes(wire, &e->kfrags[i]);
		json_array_append_new(kf, umb_v_hex_value(wire, CAPSA_UMBRAL_KFRAG_BYTES));
		capsa_umbral_cfrag_to_bytes(wire, &e->cfrags[i]);
		json_array_append_new(cf, umb_v_hex_value(wire, CAPSA_UMBRAL_CFRAG_BYTES));
		capsa_umbral_cfrag_to_bytes_simple(wire, &e->cfrags[i]);
		json_array_append_new(cfs, umb_v_hex_value(wire, CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES));
	}
	for (size_t i = 0; i < e->t; i++) /* the last t, newest first: an unordered subset */
		json_array_append_new(with, json_integer((json_int_t)(e->n - 1 - i)));
	if (st == CAPSA_OK) {
		uint8_t cap[CAPSA_UMBRAL_CAPSULE_BYTES], simple[CAPSA_UMBRAL_CAPSULE_SIMPLE_BYTES];
		capsa_umbral_capsule_to_bytes(cap, &e->capsule);
		capsa_umbral_capsule_to_bytes_simple(simple, &e->capsule);
		umb_v_set_hex(cs, "plaintext", pt, pt_len), umb_v_set_hex(cs, "expected_plaintext", pt, pt_len);
		umb_v_set_hex(cs, "capsule", cap, sizeof cap), umb_v_set_hex(cs, "capsule_simple", simple, sizeof simple);
		umb_v_set_hex(cs, "ciphertext", e->ct, e->ct_len);
	}
	json_object_set_new(cs, "kfrags", kf), json_object_set_new(cs, "cfrags", cf);
	json_object_set_new(cs, "cfrags_simple", cfs), json_object_set_new(cs, "decrypt_with", with);
	json_object_set_new(draws, "encrypt", enc), json_object_set_new(draws, "generate_kfrags", gen);
	json_object_set_new(draws, "reencrypt", re);
	free(pt);
	return st;
}

static capsa_status add_skf_and_signatures(json_t *root)
{
	json_t *skf = json_array(), *sigs = json_array();
	static const char *labels[2] = {"", "capsa"};
	capsa_status st = CAPSA_OK;

	for (int i = 0; i < 2 && st == CAPSA_OK; i++) {
		uint8_t seed[32], secret[64], child[32];
		capsa_umbral_secret_key sk, csk;
		capsa_umbral_public_key pk;
		const uint8_t *l = (const uint8_t *)labels[i];
		size_t ll = strlen(labels[i]);
		json_t *o = json_object();
		if ((st = capsa_random(seed, 32)) != CAPSA_OK || (st = capsa_umbral_skf_make_key(&sk, seed, l, ll)) != CAPSA_OK ||
		    (st = capsa_umbral_public_key_derive(&pk, &sk)) != CAPSA_OK ||
		    (st = capsa_umbral_skf_make_secret(secret, seed, l, ll)) != CAPSA_OK ||
		    (st = capsa_umbral_skf_make_factory(child, seed, l, ll)) != CAPSA_OK ||
		    (st = capsa_umbral_skf_make_key(&csk, child, (const uint8_t *)"child", 5)) != CAPSA_OK) {
			json_decref(o);
			break;
		}
		umb_v_set_hex(o, "seed", seed, 32), umb_v_set_hex(o, "label", l, ll), umb_v_set_hex(o, "make_key_sk", sk.bytes, 32);
		umb_v_set_hex(o, "make_key_pk", pk.bytes, 33), umb_v_set_hex(o, "make_secret", secret, 64);
		umb_v_set_hex(o, "make_factory_then_make_key_child_sk", csk.bytes, 32);
		json_array_append_new(skf, o);
	}
	for (int i = 0; i < 2 && st == CAPSA_OK; i++) {
		json_t *o = json_object(), *d = json_array();
		capsa_umbral_rng rec = {umb_record_fill, d};
		capsa_umbral_secret_key sk;
		capsa_umbral_public_key pk;
		capsa_umbral_signature sig;
		const char *msg = i == 0 ? "capsa" : "";
		if ((st = party(&sk, &pk, o, "signer_sk", "verifying_pk")) == CAPSA_OK)
			st = capsa_umbral_sign(&sig, &sk, (const uint8_t *)msg, strlen(msg), &rec);
		umb_v_set_hex(o, "message", (const uint8_t *)msg, strlen(msg)), umb_v_set_hex(o, "signature_be", sig.bytes, 64);
		json_object_set_new(o, "rng_draws", d);
		json_array_append_new(sigs, o);
	}
	json_object_set_new(root, "secret_key_factory", skf);
	json_object_set_new(root, "signatures", sigs);
	return st;
}

static json_t *header(void)
{
	return json_pack("{s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s}, s:{s:s}}", "format", "umbral-interop-vectors/v1",
	                 "generator", "tool", "umbral-vectors emit", "library", "capsa", "encoding",
	                 "all byte strings are lowercase hex; serialized objects are rust-umbral 0.10 toBytes() forms",
	                 "rng", "mode", "recorded", "note",
	                 "rng_draws lists every random request in order, per operation; keys come from the OS",
	                 "parameters", "u", "03079390d0fbe220fc34aab8ecbf49098098036820fadb98c03143e55db8ec73cd");
}

capsa_status umb_vectors_emit(char **json)
{
	static const struct { const char *name; size_t t, n, pt_len; bool sd, sr; } shapes[] = {
		{"1of1-empty-unsigned", 1, 1, 0, false, false}, {"2of3-both-signed", 2, 3, 13, true, true},
		{"3of5-delegating-signed", 3, 5, 1024, true, false}, {"4of6-receiving-signed", 4, 6, 100, false, true},
		{"2of2-both-signed", 2, 2, 33, true, true},
	};
	enum { N_SHAPES = sizeof shapes / sizeof shapes[0] };
	emitted *e = calloc(N_SHAPES, sizeof *e);
	json_t *root = header(), *cases = json_array();
	capsa_status st = e != NULL && root != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;

	*json = NULL;
	for (size_t i = 0; i < N_SHAPES && st == CAPSA_OK; i++) {
		json_t *cs = json_pack("{s:s, s:I, s:I, s:b, s:b}", "name", shapes[i].name, "threshold", (json_int_t)shapes[i].t,
		                       "shares", (json_int_t)shapes[i].n, "sign_delegating_key", shapes[i].sd,
		                       "sign_receiving_key", shapes[i].sr);
		json_t *draws = json_object();
		e[i].t = shapes[i].t, e[i].n = shapes[i].n, e[i].name = shapes[i].name;
		st = make_case(&e[i], cs, draws, shapes[i].pt_len, shapes[i].sd, shapes[i].sr);
		json_object_set_new(cs, "rng_draws", draws);
		json_array_append_new(cases, cs);
	}
	json_object_set_new(root, "cases", cases);
	if (st == CAPSA_OK)
		st = umb_v_add_negatives(root, &e[1], &e[4]);
	if (st == CAPSA_OK)
		st = add_skf_and_signatures(root);
	if (st == CAPSA_OK && (*json = json_dumps(root, JSON_INDENT(1))) == NULL)
		st = CAPSA_ERR_NOMEM;
	for (size_t i = 0; e != NULL && i < N_SHAPES; i++) {
		free(e[i].ct);
		capsa_wipe(&e[i], sizeof e[i]);
	}
	free(e);
	json_decref(root);
	return st;
}
