/*
 * RFC 6962 Merkle hashing (src/lib/merkle) against the transparency-dev/merkle
 * vectors: roots of the first n leaves, every complete node, and the
 * inclusion-proof probes (tests/vectors/tlog/SOURCE.md).
 */
#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "merkle/merkle.h"

#define H CAPSA_MERKLE_HASH_BYTES

/* Standard base64 (Go's []byte JSON encoding); -1 if malformed. */
static long b64_decode(uint8_t *out, size_t cap, const char *in)
{
	size_t len = strlen(in), pad = 0;
	int n;

	if (len % 4 != 0 || len / 4 * 3 > cap)
		return -1;
	if (len == 0)
		return 0;
	pad = (in[len - 1] == '=') + (len > 1 && in[len - 2] == '=');
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	return n < 0 ? -1 : (long)(n - (int)pad);
}

/* ---- The 8-leaf tree: roots and complete nodes ------------------------------ */

static uint8_t leaves[8][H];
static uint8_t levels[4][8][H];

static capsa_status record_node(void *arg, unsigned level, uint64_t index, const uint8_t hash[H])
{
	uint8_t (*seen)[8][H] = arg;
	if (level < 4 && index < 8)
		memcpy(seen[level][index], hash, H);
	return CAPSA_OK;
}

static capsa_status stored_node(void *arg, unsigned level, uint64_t index, uint8_t out[H])
{
	uint8_t (*store)[8][H] = arg;
	if (level >= 4 || index >= 8)
		return CAPSA_ERR_RANGE;
	memcpy(out, store[level][index], H);
	return CAPSA_OK;
}

static void test_roots(json_t *v)
{
	json_t *lv = json_object_get(v, "leaves"), *roots = json_object_get(v, "roots");
	json_t *nodes = json_object_get(json_object_get(v, "node_hashes"), "levels");
	uint8_t seen[4][8][H], root[H];
	capsa_merkle_builder b;

	CHECK(json_array_size(lv) == 8);
	for (size_t n = 0; n <= 8; n++) {
		char key[4];
		size_t want_len;
		uint8_t *want;
		snprintf(key, sizeof key, "%zu", n);
		want = hex_decode(json_string_value(json_object_get(roots, key)), &want_len);
		capsa_merkle_builder_init(&b, NULL, NULL);
		for (size_t i = 0; i < n; i++) {
			size_t len;
			uint8_t *d = hex_decode(json_string_value(json_array_get(lv, i)), &len);
			CHECK_OK(capsa_merkle_leaf_hash(leaves[i], d, len));
			CHECK_OK(capsa_merkle_builder_add(&b, leaves[i]));
			free(d);
		}
		CHECK_OK(capsa_merkle_builder_root(&b, root));
		check_context("root of %zu leaves", n);
		CHECK(want != NULL && want_len == H && memcmp(root, want, H) == 0);
		free(want);
	}
	check_context("complete nodes");
	memset(seen, 0, sizeof seen);
	capsa_merkle_builder_init(&b, record_node, seen);
	for (size_t i = 0; i < 8; i++)
		CHECK_OK(capsa_merkle_builder_add(&b, leaves[i]));
	CHECK(json_array_size(nodes) == 4);
	for (size_t l = 0; l < 4; l++) {
		json_t *row = json_array_get(nodes, l);
		CHECK(json_array_size(row) == capsa_merkle_level_nodes(8, (unsigned)l));
		for (size_t j = 0; j < json_array_size(row); j++) {
			size_t len;
			uint8_t *want = hex_decode(json_string_value(json_array_get(row, j)), &len);
			CHECK(want != NULL && len == H && memcmp(seen[l][j], want, H) == 0);
			memcpy(levels[l][j], want, H);
			free(want);
		}
	}
	check_context("%s", "");
	CHECK(capsa_merkle_levels(8) == 4 && capsa_merkle_levels(7) == 3 && capsa_merkle_levels(1) == 1);
	CHECK(capsa_merkle_total_nodes(8) == 15 && capsa_merkle_total_nodes(7) == 11 &&
	      capsa_merkle_total_nodes(1) == 1);
}

/* Subtrees and paths rebuilt from the stored nodes of the first n leaves agree with the roots. */
static void test_stored(json_t *v)
{
	json_t *roots = json_object_get(v, "roots");

	for (uint64_t n = 1; n <= 8; n++) {
		char key[4];
		size_t want_len;
		uint8_t *want, root[H], proof[CAPSA_MERKLE_MAX_LEVELS][H], bad[4][8][H];
		size_t proof_len;
		snprintf(key, sizeof key, "%llu", (unsigned long long)n);
		want = hex_decode(json_string_value(json_object_get(roots, key)), &want_len);
		for (uint64_t first = 0; first <= n; first++)
			for (uint64_t count = 0; count <= n - first; count++) {
				check_context("n %llu range [%llu, +%llu)", (unsigned long long)n,
				              (unsigned long long)first, (unsigned long long)count);
				CHECK_OK(capsa_merkle_range_root(root, n, first, count, leaves + first, stored_node, levels));
				CHECK(memcmp(root, want, H) == 0);
			}
		for (uint64_t i = 0; i < n; i++) {
			check_context("n %llu inclusion of %llu", (unsigned long long)n, (unsigned long long)i);
			CHECK_OK(capsa_merkle_inclusion_path(proof, &proof_len, i, n, stored_node, levels));
			CHECK_OK(capsa_merkle_verify_inclusion(i, n, leaves[i], proof, proof_len, want));
			/* a wrong stored node that the path uses makes it fail, never pass */
			if (proof_len > 0) {
				memcpy(bad, levels, sizeof bad);
				if ((i ^ 1) < n) {
					bad[0][i ^ 1][0] ^= 0x80;
					CHECK_OK(capsa_merkle_range_root(root, n, i, 1, leaves + i, stored_node, bad));
					CHECK(memcmp(root, want, H) != 0);
				}
			}
			/* a wrong leaf fails */
			uint8_t other[H];
			memcpy(other, leaves[i], H);
			other[31] ^= 1;
			CHECK_STATUS(capsa_merkle_verify_inclusion(i, n, other, proof, proof_len, want), CAPSA_ERR_AUTH);
		}
		CHECK_STATUS(capsa_merkle_range_root(root, n, n, 1, leaves, stored_node, levels), CAPSA_ERR_ARG);
		free(want);
	}
	check_context("%s", "");
}

/* A reference MTH by recursion, for trees beyond the vectors. */
static void mth(uint8_t out[H], const uint8_t (*l)[H], uint64_t n)
{
	uint8_t a[H], b[H];
	uint64_t k = 1;
	if (n == 1) {
		memcpy(out, l[0], H);
		return;
	}
	while (k < n - k)
		k <<= 1;
	mth(a, l, k);
	mth(b, l + k, n - k);
	CHECK_OK(capsa_merkle_node_hash(out, a, b));
}

typedef struct big_store {
	uint8_t (*level[12])[H];
} big_store;

static capsa_status big_record(void *arg, unsigned level, uint64_t index, const uint8_t hash[H])
{
	big_store *s = arg;
	memcpy(s->level[level][index], hash, H);
	return CAPSA_OK;
}

static capsa_status big_get(void *arg, unsigned level, uint64_t index, uint8_t out[H])
{
	big_store *s = arg;
	memcpy(out, s->level[level][index], H);
	return CAPSA_OK;
}

static void test_larger(void)
{
	static uint8_t l[1000][H];
	big_store s;
	uint8_t want[H], got[H];

	for (size_t i = 0; i < 1000; i++) {
		uint8_t d[8] = {(uint8_t)i, (uint8_t)(i >> 8)};
		CHECK_OK(capsa_merkle_leaf_hash(l[i], d, sizeof d));
	}
	for (unsigned i = 0; i < 12; i++)
		s.level[i] = calloc(1000, H);
	for (uint64_t n = 1; n <= 1000; n += (n < 70 ? 1 : 37)) {
		capsa_merkle_builder b;
		capsa_merkle_builder_init(&b, big_record, &s);
		for (uint64_t i = 0; i < n; i++)
			CHECK_OK(capsa_merkle_builder_add(&b, l[i]));
		CHECK_OK(capsa_merkle_builder_root(&b, got));
		mth(want, l, n);
		check_context("n %llu", (unsigned long long)n);
		CHECK(memcmp(got, want, H) == 0);
		for (uint64_t f = 0; f < n; f += 1 + n / 7) {
			uint64_t c = (n - f) / 3 + 1;
			CHECK_OK(capsa_merkle_range_root(got, n, f, c, l + f, big_get, &s));
			CHECK(memcmp(got, want, H) == 0);
		}
	}
	check_context("%s", "");
	for (unsigned i = 0; i < 12; i++)
		free(s.level[i]);
}

/* ---- Inclusion probes ------------------------------------------------------- */

/*
 * Loads a probe. jansson's integers are signed 64-bit, and two probes use the
 * index 2^64 - 1: it is read as -1, which converts back to 2^64 - 1.
 */
static json_t *load_probe(const char *path, json_error_t *err)
{
	static const char big[] = "18446744073709551615";
	FILE *f = fopen(path, "rb");
	char text[8192], *at;
	size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;

	if (f != NULL)
		fclose(f);
	text[len] = '\0';
	if ((at = strstr(text, big)) != NULL) {
		memcpy(at, "-1", 2);
		memmove(at + 2, at + sizeof big - 1, strlen(at + sizeof big - 1) + 1);
	}
	return json_loads(text, 0, err);
}

static void probe(const char *path)
{
	json_error_t err;
	json_t *p = load_probe(path, &err), *proof;
	uint8_t root[64], leaf[64], (*items)[H] = NULL;
	long root_len, leaf_len;
	bool want_err, decoded = true;
	size_t n = 0;
	capsa_status st = CAPSA_ERR_DECODE;

	check_context("%s: %s", path, p == NULL ? err.text : "");
	CHECK(p != NULL);
	if (p == NULL)
		return;
	want_err = json_is_true(json_object_get(p, "wantErr"));
	root_len = b64_decode(root, sizeof root, json_string_value(json_object_get(p, "root")) ?: "");
	leaf_len = b64_decode(leaf, sizeof leaf, json_string_value(json_object_get(p, "leafHash")) ?: "");
	proof = json_object_get(p, "proof");
	n = json_array_size(proof);
	items = calloc(n + 1, H);
	for (size_t i = 0; i < n; i++) {
		uint8_t tmp[64];
		long len = b64_decode(tmp, sizeof tmp, json_string_value(json_array_get(proof, i)) ?: "");
		decoded = decoded && len == H;
		if (len == H)
			memcpy(items[i], tmp, H);
	}
	/* a hash of another length is as wrong as a wrong hash */
	if (decoded && root_len == H && leaf_len == H)
		st = capsa_merkle_verify_inclusion((uint64_t)json_integer_value(json_object_get(p, "leafIdx")),
		                                   (uint64_t)json_integer_value(json_object_get(p, "treeSize")), leaf,
		                                   (const uint8_t(*)[H])items, n, root);
	CHECK((st == CAPSA_OK) == !want_err);
	free(items);
	json_decref(p);
	check_context("%s", "");
}

/* Every probe file under |dir|, folders included. */
static size_t walk(const char *dir)
{
	DIR *h = opendir(dir);
	struct dirent *e;
	size_t total = 0;

	if (h == NULL)
		return 0;
	while ((e = readdir(h)) != NULL) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (strstr(e->d_name, ".json") != NULL) {
			probe(path);
			total++;
		} else {
			total += walk(path);
		}
	}
	closedir(h);
	return total;
}

static void test_probes(void)
{
	char dir[4096];

	snprintf(dir, sizeof dir, "%s", vector_path("tlog/inclusion"));
	CHECK(walk(dir) >= 90);
}

int main(void)
{
	json_t *v = vector_load("tlog/rfc6962-roots.json");

	CHECK(v != NULL);
	if (v != NULL) {
		test_roots(v);
		test_stored(v);
		json_decref(v);
	}
	test_larger();
	test_probes();
	return check_summary();
}
