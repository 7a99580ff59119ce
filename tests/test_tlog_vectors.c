/*
 * The transparency-log library (include/capsa/tlog.h) against published
 * vectors (tests/vectors/tlog/SOURCE.md): the consistency and inclusion
 * probes of transparency-dev/merkle, proofs rebuilt from the 8-leaf tree,
 * every signed-note case of golang.org/x/mod, the witness exchanges of
 * torchwood's litewitness, a real Sigsum cosignature, and real Certificate
 * Transparency proofs from Google's Argon2020 log.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "check.h"
#include "merkle/merkle.h"
#include "wire/base64.h"

#define H CAPSA_TLOG_HASH_BYTES

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* Decodes standard base64 into |out| (cap bytes); -1 if malformed or too long. */
static long b64(uint8_t *out, size_t cap, const char *in)
{
	uint8_t *buf;
	size_t len;
	long r = -1;

	if (capsa_base64_decode(&buf, &len, in, strlen(in)) != CAPSA_OK)
		return -1;
	if (len <= cap) {
		memcpy(out, buf, len);
		r = (long)len;
	}
	free(buf);
	return r;
}

/* ---- Merkle probes ---------------------------------------------------------------- */

/* Loads a probe; two inclusion probes use 2^64 - 1, which jansson reads back as -1. */
static json_t *load_probe(const char *path)
{
	static const char big[] = "18446744073709551615";
	FILE *f = fopen(path, "rb");
	char text[8192], *at;
	size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
	json_error_t err;

	if (f != NULL)
		fclose(f);
	text[len] = '\0';
	if ((at = strstr(text, big)) != NULL) {
		memcpy(at, "-1", 2);
		memmove(at + 2, at + sizeof big - 1, strlen(at + sizeof big - 1) + 1);
	}
	return json_loads(text, 0, &err);
}

/* The proof array as 32-byte hashes; false if an element has another length. */
static bool probe_proof(const json_t *p, uint8_t (**items)[H], size_t *n)
{
	const json_t *proof = json_object_get(p, "proof");
	bool ok = true;

	*n = json_array_size(proof);
	*items = calloc(*n + 1, H);
	for (size_t i = 0; i < *n; i++) {
		uint8_t tmp[64];
		long len = b64(tmp, sizeof tmp, json_string_value(json_array_get(proof, i)) ?: "");
		ok = ok && len == H;
		if (len == H)
			memcpy((*items)[i], tmp, H);
	}
	return ok;
}

static size_t probes_failing_ok;

static void consistency_probe(const json_t *p)
{
	uint8_t r1[64], r2[64], (*items)[H];
	long l1 = b64(r1, sizeof r1, str(p, "root1")), l2 = b64(r2, sizeof r2, str(p, "root2"));
	uint64_t m = (uint64_t)json_integer_value(json_object_get(p, "size1"));
	uint64_t n = (uint64_t)json_integer_value(json_object_get(p, "size2"));
	bool want_err = json_is_true(json_object_get(p, "wantErr")), decoded;
	size_t num;
	capsa_status st = CAPSA_ERR_DECODE;

	decoded = probe_proof(p, &items, &num);
	if (decoded && l1 >= 0 && l2 >= 0) /* a hash of another length is as wrong as a wrong hash */
		st = capsa_merkle_verify_consistency(m, n, r1, (size_t)l1, r2, (size_t)l2, (const uint8_t (*)[H])items, num);
	CHECK((st == CAPSA_OK) == !want_err);
	if (!want_err && l1 == H && l2 == H) /* the public form agrees */
		CHECK_OK(capsa_tlog_verify_consistency(m, n, r1, r2, (const uint8_t (*)[H])items, num));
	probes_failing_ok += want_err;
	free(items);
}

static void inclusion_probe(const json_t *p)
{
	uint8_t root[64], leaf[64], (*items)[H];
	long rl = b64(root, sizeof root, str(p, "root")), ll = b64(leaf, sizeof leaf, str(p, "leafHash"));
	bool want_err = json_is_true(json_object_get(p, "wantErr")), decoded;
	size_t num;
	capsa_status st = CAPSA_ERR_DECODE;

	decoded = probe_proof(p, &items, &num);
	if (decoded && rl == H && ll == H)
		st = capsa_tlog_verify_inclusion((uint64_t)json_integer_value(json_object_get(p, "leafIdx")),
		                                 (uint64_t)json_integer_value(json_object_get(p, "treeSize")), leaf,
		                                 (const uint8_t (*)[H])items, num, root);
	CHECK((st == CAPSA_OK) == !want_err);
	probes_failing_ok += want_err;
	free(items);
}

static size_t walk(const char *dir, void (*fn)(const json_t *))
{
	DIR *h = opendir(dir);
	struct dirent *e;
	size_t total = 0;

	if (h == NULL)
		return 0;
	while ((e = readdir(h)) != NULL) {
		char path[4096];
		json_t *p;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (strstr(e->d_name, ".json") == NULL) {
			total += walk(path, fn);
			continue;
		}
		check_context("%s", path);
		p = load_probe(path);
		CHECK(p != NULL);
		if (p != NULL)
			fn(p);
		json_decref(p);
		total++;
	}
	closedir(h);
	return total;
}

static void test_probes(void)
{
	char dir[4096];

	snprintf(dir, sizeof dir, "%s", vector_path("tlog/consistency"));
	CHECK(walk(dir, consistency_probe) == 98);
	snprintf(dir, sizeof dir, "%s", vector_path("tlog/inclusion"));
	CHECK(walk(dir, inclusion_probe) == 98);
	check_context("%s", "");
	CHECK(probes_failing_ok == 184); /* README: 12 succeed, 184 must fail */
}

/* ---- Proofs built from the 8-leaf tree's stored nodes -------------------------------- */

static uint8_t nodes8[4][8][H];

static capsa_status node8(void *arg, unsigned level, uint64_t index, uint8_t out[H])
{
	(void)arg;
	if (level >= 4 || index >= (8u >> level))
		return CAPSA_ERR_RANGE;
	memcpy(out, nodes8[level][index], H);
	return CAPSA_OK;
}

/* The happy-path probes' proofs are exactly what the builder gives for those sizes. */
static void check_happy(const char *rel, uint64_t m, uint64_t n)
{
	char path[4096];
	json_t *p;
	uint8_t (*items)[H], proof[CAPSA_TLOG_MAX_PROOF][H];
	size_t num, got;

	snprintf(path, sizeof path, "%s", vector_path(rel));
	check_context("%s", path);
	if ((p = load_probe(path)) == NULL) {
		CHECK(p != NULL);
		return;
	}
	CHECK(probe_proof(p, &items, &num));
	CHECK_OK(capsa_tlog_consistency_proof(proof, &got, m, n, node8, NULL));
	CHECK(got == num && (num == 0 || memcmp(proof, items, num * H) == 0));
	free(items);
	json_decref(p);
}

static void test_built(void)
{
	json_t *v = vector_load("tlog/rfc6962-roots.json");
	json_t *lv = json_object_get(json_object_get(v, "node_hashes"), "levels"), *roots = json_object_get(v, "roots");
	uint8_t root[9][H], proof[CAPSA_TLOG_MAX_PROOF][H], got[H];
	size_t num;

	for (size_t l = 0; l < 4; l++)
		for (size_t j = 0; j < json_array_size(json_array_get(lv, l)); j++) {
			size_t len;
			uint8_t *h = hex_decode(json_string_value(json_array_get(json_array_get(lv, l), j)), &len);
			CHECK(h != NULL && len == H);
			if (h && len == H)
				memcpy(nodes8[l][j], h, H);
			free(h);
		}
	for (unsigned n = 1; n <= 8; n++) {
		char key[4];
		size_t len;
		uint8_t *h;
		snprintf(key, sizeof key, "%u", n);
		h = hex_decode(str(roots, key), &len);
		CHECK(h != NULL && len == H);
		if (h && len == H)
			memcpy(root[n], h, H);
		free(h);
		CHECK_OK(capsa_tlog_root(got, n, node8, NULL));
		CHECK(memcmp(got, root[n], H) == 0);
	}
	for (unsigned n = 1; n <= 8; n++)
		for (unsigned m = 1; m <= n; m++) {
			check_context("consistency %u -> %u", m, n);
			CHECK_OK(capsa_tlog_consistency_proof(proof, &num, m, n, node8, NULL));
			CHECK_OK(capsa_tlog_verify_consistency(m, n, root[m], root[n], (const uint8_t (*)[H])proof, num));
			if (num > 0) {
				proof[num - 1][0] ^= 1;
				CHECK_STATUS(capsa_tlog_verify_consistency(m, n, root[m], root[n], (const uint8_t (*)[H])proof,
				                                           num),
				             CAPSA_ERR_AUTH);
			}
			if (m < n) /* the right roots with the wrong sizes */
				CHECK(capsa_tlog_verify_consistency(m, n - 1, root[m], root[n], (const uint8_t (*)[H])proof,
				                                    num) != CAPSA_OK);
		}
	CHECK_STATUS(capsa_tlog_consistency_proof(proof, &num, 0, 8, node8, NULL), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_tlog_consistency_proof(proof, &num, 5, 4, node8, NULL), CAPSA_ERR_ARG);
	check_happy("tlog/consistency/1/happy-path.json", 1, 8);
	check_happy("tlog/consistency/2/happy-path.json", 6, 8);
	check_happy("tlog/consistency/3/happy-path.json", 2, 5);
	check_happy("tlog/consistency/4/happy-path.json", 6, 7);
	check_context("%s", "");
	json_decref(v);
}

/* ---- Signed notes (golang.org/x/mod sumdb/note) ------------------------------------ */

static void vkey(capsa_note_verifier *v, const char *s)
{
	CHECK_OK(capsa_note_vkey_parse(v, s, strlen(s)));
}

/* Every proper substring and every one-byte increment of a valid vkey is refused. */
static void test_vkey_mangling(const char *good)
{
	size_t len = strlen(good), refused = 0, total = 0;
	capsa_note_verifier v;
	char *m = malloc(len + 1);

	for (size_t i = 0; i <= len; i++)
		for (size_t j = i; j <= len; j++) {
			if (i == 0 && j == len)
				continue;
			total++;
			refused += capsa_note_vkey_parse(&v, good + i, j - i) != CAPSA_OK;
		}
	for (size_t i = 0; i < len; i++) {
		memcpy(m, good, len + 1);
		m[i]++;
		total++;
		refused += capsa_note_vkey_parse(&v, m, len) != CAPSA_OK;
	}
	CHECK(total > 2000 && refused == total);
	free(m);
}

/* The seed of a Go x/mod skey `PRIVATE+KEY+name+id+base64(0x01 || seed)`. */
static void skey_seed(uint8_t seed[32], const char *skey, char name[CAPSA_NOTE_MAX_NAME + 1])
{
	const char *p = skey + strlen("PRIVATE+KEY+"), *q = strchr(p, '+'), *r = q ? strchr(q + 1, '+') : NULL;
	uint8_t raw[33];

	/* the base64 may itself hold '+': split at the first four only */
	CHECK(r != NULL && b64(raw, sizeof raw, r + 1) == 33 && raw[0] == 1);
	memcpy(seed, raw + 1, 32);
	snprintf(name, CAPSA_NOTE_MAX_NAME + 1, "%.*s", q ? (int)(q - p) : 0, p);
}

static void test_note_keys(const json_t *v)
{
	const json_t *keys = json_object_get(v, "keys"), *kp = json_object_get(v, "verifier_key_parsing");
	const json_t *inv = json_object_get(kp, "invalid");
	capsa_note_verifier ver;

	for (size_t i = 0; i < json_array_size(keys); i++) {
		const json_t *k = json_array_get(keys, i);
		uint8_t *pub, seed[32], derived[32];
		char name[CAPSA_NOTE_MAX_NAME + 1], hex[9], *enc;
		size_t len, enc_len;
		uint32_t id;
		check_context("key %s", str(k, "name"));
		pub = vector_hex(k, "public_key_hex", &len);
		vkey(&ver, str(k, "vkey"));
		CHECK(strcmp(ver.name, str(k, "name")) == 0 && ver.type == CAPSA_NOTE_ED25519 &&
		      memcmp(ver.public_key, pub, 32) == 0);
		CHECK_OK(capsa_note_key_id(&id, str(k, "name"), CAPSA_NOTE_ED25519, pub));
		snprintf(hex, sizeof hex, "%08" PRIx32, id);
		CHECK(strcmp(hex, str(k, "key_id")) == 0 && ver.key_id == id);
		CHECK_OK(capsa_note_vkey_encode(&enc, &enc_len, &ver));
		CHECK(enc != NULL && strcmp(enc, str(k, "vkey")) == 0 && enc_len == strlen(enc));
		free(enc);
		skey_seed(seed, str(k, "skey"), name);
		CHECK(strcmp(name, str(k, "name")) == 0);
		{
			uint8_t *want_seed = vector_hex(k, "seed_hex", &len);
			CHECK(len == 32 && memcmp(want_seed, seed, 32) == 0);
			CHECK_OK(capsa_note_verifier_init(&ver, name, CAPSA_NOTE_ED25519, pub));
			CHECK(ver.key_id == id);
			free(want_seed);
		}
		memset(derived, 0, sizeof derived);
		memset(seed, 0, sizeof seed);
		free(pub);
	}
	for (size_t i = 0; i < json_array_size(json_object_get(kp, "valid")); i++)
		vkey(&ver, json_string_value(json_array_get(json_object_get(kp, "valid"), i)));
	for (size_t i = 0; i < json_array_size(inv); i++) {
		const char *s = str(json_array_get(inv, i), "vkey");
		check_context("invalid vkey %s", s);
		CHECK(capsa_note_vkey_parse(&ver, s, strlen(s)) != CAPSA_OK);
	}
	check_context("vkey mangling");
	test_vkey_mangling(str(json_array_get(keys, 0), "vkey"));
	check_context("%s", "");
}

static void test_note_sign(const json_t *v)
{
	const json_t *cases = json_object_get(v, "sign"), *errs = json_object_get(v, "sign_errors");

	for (size_t i = 0; i < json_array_size(cases); i++) {
		const json_t *c = json_array_get(cases, i);
		const char *skey = json_object_get(c, "skey") ? str(c, "skey") : str(c, "skey_derived");
		char name[CAPSA_NOTE_MAX_NAME + 1], *out = NULL;
		uint8_t seed[32];
		size_t out_len;
		check_context("%s", str(c, "id"));
		skey_seed(seed, skey, name);
		if (json_object_get(c, "text"))
			CHECK_OK(capsa_note_sign(&out, &out_len, str(c, "text"), strlen(str(c, "text")), name, seed));
		else
			CHECK_OK(capsa_note_add_signature(&out, &out_len, str(c, "input_note"), strlen(str(c, "input_note")),
			                                  name, seed));
		CHECK(out != NULL && strcmp(out, str(c, "expected_note")) == 0);
		free(out);
		if (json_object_get(c, "text")) { /* an existing line of the same key is replaced */
			char *with_bad;
			size_t n = strlen(str(c, "text")) + 64;
			with_bad = malloc(n + strlen(name));
			snprintf(with_bad, n + strlen(name), "%s\n\xe2\x80\x94 %s x08gowA=\n", str(c, "text"), name);
			CHECK_OK(capsa_note_add_signature(&out, &out_len, with_bad, strlen(with_bad), name, seed));
			CHECK(out != NULL && strcmp(out, str(c, "expected_note")) == 0);
			free(out);
			free(with_bad);
		}
		memset(seed, 0, sizeof seed);
	}
	/* sign_errors: a text without its final newline; an existing line with an invalid name */
	{
		const json_t *e0 = json_array_get(errs, 0), *e1 = json_array_get(errs, 1);
		char name[CAPSA_NOTE_MAX_NAME + 1], buf[512], *out;
		uint8_t seed[32];
		size_t out_len;
		check_context("sign_errors");
		skey_seed(seed, str(json_array_get(cases, 0), "skey"), name);
		CHECK_STATUS(capsa_note_sign(&out, &out_len, str(e0, "text"), strlen(str(e0, "text")), name, seed),
		             CAPSA_ERR_ARG);
		const json_t *es = json_array_get(json_object_get(e1, "existing_sigs"), 0);
		snprintf(buf, sizeof buf, "%s\n\xe2\x80\x94 %s %s\n", str(e1, "text"), str(es, "name"), str(es, "base64"));
		CHECK_STATUS(capsa_note_add_signature(&out, &out_len, buf, strlen(buf), name, seed), CAPSA_ERR_DECODE);
		CHECK(out == NULL);
	}
	check_context("%s", "");
}

/* The expected signature list |sigs| names exactly the keys flagged in |signed_by|. */
static bool same_signers(const json_t *sigs, const capsa_note_verifier *keys, const bool *signed_by, size_t num)
{
	size_t flagged = 0, distinct = 0;

	for (size_t i = 0; i < num; i++)
		flagged += signed_by[i];
	for (size_t i = 0; i < json_array_size(sigs); i++) {
		const json_t *s = json_array_get(sigs, i);
		bool found = false;
		for (size_t k = 0; k < num; k++) {
			char hex[9];
			snprintf(hex, sizeof hex, "%08" PRIx32, keys[k].key_id);
			if (strcmp(keys[k].name, str(s, "name")) == 0 && strcmp(hex, str(s, "key_id")) == 0)
				found = signed_by[k];
		}
		if (!found)
			return false;
		distinct++;
	}
	return distinct == flagged;
}

static void test_note_open(const json_t *v)
{
	const json_t *cases = json_object_get(v, "open");
	size_t ok = 0;

	for (size_t i = 0; i < json_array_size(cases); i++) {
		const json_t *c = json_array_get(cases, i), *vs = json_object_get(c, "verifiers");
		size_t num = json_array_size(vs), len;
		capsa_note_verifier keys[8];
		bool signed_by[8];
		char *note;
		capsa_note n;
		capsa_status st;
		check_context("%s", str(c, "id"));
		if (json_object_get(c, "note_hex") && !json_is_string(json_object_get(c, "note")))
			note = (char *)vector_hex(c, "note_hex", &len);
		else
			note = strdup(str(c, "note")), len = strlen(note);
		CHECK(num <= 8);
		for (size_t k = 0; k < num && k < 8; k++)
			vkey(&keys[k], json_string_value(json_array_get(vs, k)));
		st = capsa_note_open(&n, note, len, keys, num, signed_by, NULL);
		if (strcmp(str(c, "expect"), "ok") == 0) {
			CHECK_OK(st);
			CHECK(st == CAPSA_OK && strcmp(n.text, str(c, "text")) == 0 && n.text_len == strlen(str(c, "text")));
			CHECK(st == CAPSA_OK && same_signers(json_object_get(c, "sigs"), keys, signed_by, num));
			ok += st == CAPSA_OK;
			capsa_note_free(&n);
		} else {
			CHECK(st != CAPSA_OK && n.text == NULL);
			if (strcmp(str(c, "error"), "malformed note") == 0)
				CHECK_STATUS(st, CAPSA_ERR_DECODE);
			else if (strncmp(str(c, "error"), "invalid signature", 17) == 0)
				CHECK_STATUS(st, CAPSA_ERR_SIGNATURE);
			else if (strncmp(str(c, "error"), "ambiguous key", 13) == 0)
				CHECK_STATUS(st, CAPSA_ERR_ARG);
			else
				CHECK_STATUS(st, CAPSA_ERR_SIGNER);
		}
		free(note);
	}
	check_context("%s", "");
	CHECK(json_array_size(cases) == 18);
	CHECK(ok == 4);
}

static void test_note_misc(const json_t *v)
{
	const json_t *ex = json_object_get(v, "spec_example"), *look = json_object_get(v, "verifier_list_lookup");
	const json_t *keys = json_object_get(v, "keys");
	capsa_note_verifier k, list[3];
	capsa_note n;
	bool by[3];
	char name[CAPSA_NOTE_MAX_NAME + 1], *note;
	uint8_t seed[32];
	size_t len;

	check_context("spec example");
	vkey(&k, str(ex, "vkey"));
	CHECK_OK(capsa_note_open(&n, str(ex, "note"), strlen(str(ex, "note")), &k, 1, by, NULL));
	CHECK(by[0]);
	capsa_note_free(&n);
	/* lookups in [peter, enoch, enoch], through notes signed by the looked-up name and id */
	check_context("verifier list");
	vkey(&list[0], str(json_array_get(keys, 0), "vkey"));
	vkey(&list[1], str(json_array_get(keys, 1), "vkey"));
	list[2] = list[1];
	CHECK(json_array_size(json_object_get(look, "cases")) == 4);
	skey_seed(seed, str(json_array_get(keys, 0), "skey"), name);
	CHECK_OK(capsa_note_sign(&note, &len, "hello\n", 6, name, seed));
	CHECK_OK(capsa_note_open(&n, note, len, list, 3, by, NULL));
	CHECK(by[0] && !by[1] && !by[2]);
	capsa_note_free(&n);
	free(note);
	skey_seed(seed, str(json_array_get(keys, 1), "skey"), name);
	CHECK_OK(capsa_note_sign(&note, &len, "hello\n", 6, name, seed));
	CHECK_STATUS(capsa_note_open(&n, note, len, list, 3, by, NULL), CAPSA_ERR_ARG); /* ambiguous key */
	CHECK_OK(capsa_note_open(&n, note, len, list, 2, by, NULL));
	capsa_note_free(&n);
	free(note);
	check_context("%s", "");
}

static void test_notes(void)
{
	json_t *v = vector_load("tlog/signed-note.json");

	test_note_keys(v);
	test_note_sign(v);
	test_note_open(v);
	test_note_misc(v);
	json_decref(v);
}

/* ---- Witnesses ------------------------------------------------------------------- */

static void test_sigsum_cosignature(void)
{
	json_t *v = vector_load("tlog/witness/sigsum-cosigned-checkpoint.json");
	const json_t *log = json_object_get(v, "log"), *wit = json_object_get(v, "witness");
	const json_t *cos = json_object_get(v, "cosignature"), *inc = json_object_get(v, "inclusion");
	const char *cp_text = str(v, "checkpoint"), *derived = str(v, "note_derived");
	capsa_note_verifier lk, wk;
	capsa_checkpoint cp;
	capsa_note n;
	bool wsig = false;
	uint64_t ts[2];
	char *msg;
	size_t len;

	check_context("sigsum cosignature");
	vkey(&lk, str(log, "vkey"));
	vkey(&wk, str(wit, "vkey"));
	CHECK(wk.type == CAPSA_NOTE_COSIGNATURE && strcmp(wk.name, str(wit, "name")) == 0);
	CHECK_OK(capsa_cosignature_message(&msg, &len, cp_text, strlen(cp_text),
	                                   (uint64_t)json_integer_value(json_object_get(cos, "timestamp"))));
	CHECK(msg != NULL && strcmp(msg, str(cos, "signed_message")) == 0);
	free(msg);
	CHECK_OK(capsa_checkpoint_open(&cp, &n, derived, strlen(derived), NULL, &lk, &wk, 1, &wsig));
	CHECK(wsig && cp.size == 4684 && n.num_sigs == 2);
	{
		capsa_note_verifier both[2] = {lk, wk};
		bool by[2];
		CHECK_OK(capsa_note_verify(&n, both, 2, by, ts));
		CHECK(by[0] && by[1] && ts[0] == 0 && ts[1] == 1756811283);
	}
	/* the inclusion proof of the last leaf under the cosigned root */
	{
		const json_t *nodes = json_object_get(inc, "node_hashes_hex");
		uint8_t path[8][H], *leaf;
		size_t n_nodes = json_array_size(nodes);
		leaf = vector_hex(inc, "leaf_hash_hex", &len);
		CHECK(n_nodes == 6 && len == H);
		for (size_t i = 0; i < n_nodes && i < 8; i++) {
			size_t hl;
			uint8_t *h = hex_decode(json_string_value(json_array_get(nodes, i)), &hl);
			CHECK(h && hl == H);
			if (h && hl == H)
				memcpy(path[i], h, H);
			free(h);
		}
		CHECK_OK(capsa_tlog_verify_inclusion(4683, cp.size, leaf, (const uint8_t (*)[H])path, n_nodes, cp.root));
		path[2][5] ^= 4;
		CHECK_STATUS(capsa_tlog_verify_inclusion(4683, cp.size, leaf, (const uint8_t (*)[H])path, n_nodes, cp.root),
		             CAPSA_ERR_AUTH);
		free(leaf);
	}
	capsa_checkpoint_free(&cp);
	capsa_note_free(&n);
	/* a cosignature with a flipped bit makes the whole note fail */
	{
		char *bad = strdup(derived);
		char *last = strrchr(bad, ' ') + 20;
		*last = *last == 'A' ? 'B' : 'A';
		CHECK_STATUS(capsa_checkpoint_open(&cp, NULL, bad, strlen(bad), NULL, &lk, &wk, 1, &wsig), CAPSA_ERR_SIGNATURE);
		CHECK(!wsig);
		/* ...but is ignored by a verifier that does not know the witness */
		CHECK_OK(capsa_checkpoint_open(&cp, NULL, bad, strlen(bad), NULL, &lk, NULL, 0, NULL));
		capsa_checkpoint_free(&cp);
		free(bad);
	}
	check_context("%s", "");
	json_decref(v);
}

/* A witness (c2sp.org/tlog-witness) built from the library, for one log; returns the HTTP status. */
typedef struct witness {
	capsa_note_verifier log;
	uint64_t size;
	uint8_t root[H];
	uint8_t seed[32];
	const char *name;
	const char *origin;
	capsa_note_verifier me;
} witness;

static int witness_add(witness *w, const char *body, char **reply)
{
	capsa_witness_request req;
	capsa_checkpoint cp;
	capsa_note n;
	size_t len;
	int status = 200;
	capsa_status st;

	*reply = NULL;
	if (capsa_witness_request_parse(&req, body, strlen(body)) != CAPSA_OK)
		return 400;
	if (capsa_note_parse(&n, req.checkpoint, req.checkpoint_len) != CAPSA_OK)
		return 403; /* a malformed note (here: non-canonical base64 in a signature) is no valid signature */
	if (capsa_checkpoint_parse(&cp, n.text, n.text_len) != CAPSA_OK) {
		capsa_note_free(&n);
		return 400;
	}
	if (strcmp(cp.origin, w->origin) != 0)
		status = 404;
	else if (capsa_note_verify(&n, &w->log, 1, NULL, NULL) != CAPSA_OK)
		status = 403;
	else if (req.old_size > cp.size)
		status = 400;
	else if (req.old_size != w->size)
		status = 409;
	else if (req.old_size == 0)
		status = req.proof_len == 0 ? 200 : 422;
	else if ((st = capsa_tlog_verify_consistency(req.old_size, cp.size, w->root, cp.root,
	                                             (const uint8_t (*)[H])req.proof, req.proof_len)) != CAPSA_OK)
		status = 422;
	if (status == 409) {
		char buf[32];
		snprintf(buf, sizeof buf, "%" PRIu64 "\n", w->size);
		*reply = strdup(buf);
	}
	if (status == 200) {
		w->size = cp.size;
		memcpy(w->root, cp.root, H);
		CHECK_OK(capsa_cosignature_sign(reply, &len, n.text, n.text_len, w->name, w->seed, 1700000000));
	}
	capsa_checkpoint_free(&cp);
	capsa_note_free(&n);
	return status;
}

static void test_litewitness(void)
{
	json_t *v = vector_load("tlog/witness/litewitness-add-checkpoint.json");
	const json_t *reqs = json_object_get(v, "requests"), *wj = json_object_get(v, "witness");
	const json_t *sumdb = json_object_get(v, "sumdb");
	witness w = {.name = str(wj, "name")};
	uint8_t *seed, *pub;
	size_t len;

	check_context("litewitness setup");
	vkey(&w.log, str(json_object_get(v, "sigsum_log"), "vkey"));
	w.origin = str(json_object_get(v, "sigsum_log"), "origin");
	vkey(&w.me, str(wj, "vkey_cosignature_v1"));
	seed = vector_hex(wj, "seed_hex", &len);
	pub = vector_hex(wj, "public_key_hex", &len);
	memcpy(w.seed, seed, 32);
	CHECK(memcmp(w.me.public_key, pub, 32) == 0);
	CHECK(json_array_size(reqs) == 9);
	for (size_t i = 0; i < json_array_size(reqs); i++) {
		const json_t *r = json_array_get(reqs, i);
		int want = (int)json_integer_value(json_object_get(r, json_object_get(r, "spec_status") ? "spec_status"
		                                                                                        : "expected_status"));
		char *reply, *cosigned;
		size_t cl;
		int got;
		check_context("litewitness request %zu: %s", i, str(r, "comment"));
		got = witness_add(&w, str(r, "body"), &reply);
		CHECK(got == want);
		if (json_object_get(r, "expected_body"))
			CHECK(reply != NULL && strcmp(reply, str(r, "expected_body")) == 0);
		if (got == 200) { /* the client's side: append the response, verify with the witness key */
			capsa_witness_request req;
			capsa_note n;
			bool by;
			uint64_t ts;
			CHECK_OK(capsa_witness_response_check(reply, strlen(reply)));
			CHECK_OK(capsa_witness_request_parse(&req, str(r, "body"), strlen(str(r, "body"))));
			CHECK_OK(capsa_note_append_lines(&cosigned, &cl, req.checkpoint, req.checkpoint_len, reply,
			                                 strlen(reply)));
			CHECK_OK(capsa_note_open(&n, cosigned, cl, &w.me, 1, &by, &ts));
			CHECK(by && ts == 1700000000);
			capsa_note_free(&n);
			free(cosigned);
		}
		if (got == 409) {
			uint64_t s;
			CHECK_OK(capsa_witness_size_parse(&s, reply, strlen(reply)));
			CHECK(s == w.size);
		}
		free(reply);
	}
	/* the real sum.golang.org checkpoint */
	{
		const json_t *r = json_array_get(json_object_get(sumdb, "requests"), 0);
		witness g = {.name = w.name, .origin = "go.sum database tree"};
		char *reply;
		check_context("sumdb");
		vkey(&g.log, str(sumdb, "log_vkey"));
		memcpy(g.seed, w.seed, 32);
		CHECK(witness_add(&g, str(r, "body"), &reply) == 200 && g.size == 35225469);
		CHECK(reply != NULL && strncmp(reply, "\xe2\x80\x94 example.com/witness ", 24) == 0);
		free(reply);
	}
	check_context("%s", "");
	memset(w.seed, 0, sizeof w.seed);
	free(seed);
	free(pub);
	json_decref(v);
}

/* ---- Certificate Transparency: Google Argon2020 -------------------------------------- */

static json_t *load_raw(const char *rel)
{
	json_error_t err;
	json_t *j = json_load_file(vector_path(rel), 0, &err);
	CHECK(j != NULL);
	return j;
}

static size_t b64_path(uint8_t (*out)[H], const json_t *arr)
{
	size_t n = json_array_size(arr);
	for (size_t i = 0; i < n && i < CAPSA_TLOG_MAX_PROOF; i++)
		CHECK(b64(out[i], H, json_string_value(json_array_get(arr, i)) ?: "") == H);
	return n;
}

static void test_argon2020(void)
{
	json_t *params = vector_load("tlog/ct-argon2020/test-params.json");
	const json_t *inc = json_object_get(params, "inclusion"), *con = json_object_get(params, "consistency");
	char rel[512];
	json_t *sth, *entries, *proof, *cons;
	uint8_t root[H], old_root[H], leaf_hash[H], want_hash[H], *leaf = malloc(65536), path[CAPSA_TLOG_MAX_PROOF][H];
	uint64_t size;
	long leaf_len;
	size_t n;

	check_context("argon2020");
	sth = load_raw("tlog/ct-argon2020/get-sth");
	snprintf(rel, sizeof rel, "tlog/ct-argon2020/%s", str(inc, "entries_file"));
	entries = load_raw(rel);
	snprintf(rel, sizeof rel, "tlog/ct-argon2020/%s", str(inc, "proof_file"));
	proof = load_raw(rel);
	snprintf(rel, sizeof rel, "tlog/ct-argon2020/%s", str(con, "file"));
	cons = load_raw(rel);
	size = (uint64_t)json_integer_value(json_object_get(sth, "tree_size"));
	CHECK(size == 961984011 && b64(root, H, str(sth, "sha256_root_hash")) == H);
	leaf_len = b64(leaf, 65536, str(json_array_get(json_object_get(entries, "entries"), 0), "leaf_input"));
	CHECK(leaf_len > 0);
	CHECK_OK(capsa_tlog_leaf_hash(leaf_hash, leaf, leaf_len > 0 ? (size_t)leaf_len : 0));
	CHECK(b64(want_hash, H, str(inc, "leaf_hash_b64")) == H && memcmp(leaf_hash, want_hash, H) == 0);
	n = b64_path(path, json_object_get(proof, "audit_path"));
	CHECK(n == 30 && json_integer_value(json_object_get(proof, "leaf_index")) == 10000);
	CHECK_OK(capsa_tlog_verify_inclusion(10000, size, leaf_hash, (const uint8_t (*)[H])path, n, root));
	CHECK_STATUS(capsa_tlog_verify_inclusion(10001, size, leaf_hash, (const uint8_t (*)[H])path, n, root),
	             CAPSA_ERR_AUTH);
	path[29][31] ^= 1;
	CHECK_STATUS(capsa_tlog_verify_inclusion(10000, size, leaf_hash, (const uint8_t (*)[H])path, n, root),
	             CAPSA_ERR_AUTH);
	n = b64_path(path, json_object_get(cons, "consistency"));
	CHECK(n == 30 && b64(old_root, H, str(con, "first_root_b64")) == H);
	CHECK_OK(capsa_tlog_verify_consistency(3654490, size, old_root, root, (const uint8_t (*)[H])path, n));
	CHECK_STATUS(capsa_tlog_verify_consistency(3654491, size, old_root, root, (const uint8_t (*)[H])path, n),
	             CAPSA_ERR_AUTH);
	path[0][0] ^= 0x80;
	CHECK_STATUS(capsa_tlog_verify_consistency(3654490, size, old_root, root, (const uint8_t (*)[H])path, n),
	             CAPSA_ERR_AUTH);
	check_context("%s", "");
	free(leaf);
	json_decref(sth);
	json_decref(entries);
	json_decref(proof);
	json_decref(cons);
	json_decref(params);
}

int main(void)
{
	test_probes();
	test_built();
	test_notes();
	test_sigsum_cosignature();
	test_litewitness();
	test_argon2020();
	return check_summary();
}
