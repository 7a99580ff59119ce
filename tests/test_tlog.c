/*
 * The transparency-log library (include/capsa/tlog.h) without parsed vector
 * files, so that it runs in every build: Tessera's static tiled test log
 * read through the tile reader (tests/vectors/tlog/tiles), a larger tiled
 * log built here, and round trips and refusals of every format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>
#include <capsa/util.h>

#include "check.h"
#include "crypto/crypto.h"
#include "merkle/merkle.h"

#define H CAPSA_TLOG_HASH_BYTES

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* ---- Tessera's tiled log, read from disk ------------------------------------------- */

static const char TESSERA_VKEY[] = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
static const char *const TESSERA_ENTRIES[15] = {"one",   "two",      "three",  "four",    "five",
                                                "six",   "seven",    "eit",    "nain",    "ten",
                                                "ileven", "twelf",   "threeten", "fourten", "fivten"};

typedef struct disk_log {
	char dir[4096];
	unsigned fetches;
} disk_log;

static capsa_status fetch_disk(void *arg, const char *path, uint8_t **data, size_t *len)
{
	disk_log *d = arg;
	char full[8192];
	capsa_tile t;

	CHECK_OK(capsa_tile_path_parse(&t, path, strlen(path))); /* the reader asks only for valid paths */
	snprintf(full, sizeof full, "%s/%s", d->dir, path);
	d->fetches++;
	*data = (uint8_t *)slurp(full, len);
	return *data ? CAPSA_OK : CAPSA_ERR_IO;
}

static void tessera_size(disk_log *d, const capsa_note_verifier *key, uint64_t n)
{
	char rel[64], path[8192], *note;
	size_t len;
	capsa_checkpoint cp;
	capsa_tile_reader *r = NULL;

	snprintf(rel, sizeof rel, "/checkpoint.%llu", (unsigned long long)n);
	snprintf(path, sizeof path, "%s%s", d->dir, rel);
	check_context("tessera checkpoint.%llu", (unsigned long long)n);
	note = slurp(path, &len);
	CHECK(note != NULL);
	if (note == NULL)
		return;
	CHECK_OK(capsa_checkpoint_open(&cp, NULL, note, len, NULL, key, NULL, 0, NULL));
	CHECK(cp.size == n && strcmp(cp.origin, "example.com/log/testdata") == 0);
	CHECK_OK(capsa_tile_reader_new(&r, cp.size, cp.root, fetch_disk, d));
	CHECK_OK(capsa_tile_reader_check_root(r));
	for (uint64_t i = 0; i < n; i++) {
		uint8_t leaf[H], want[H], proof[CAPSA_TLOG_MAX_PROOF][H];
		size_t num;
		CHECK_OK(capsa_tile_reader_inclusion(r, leaf, proof, &num, i));
		CHECK_OK(capsa_tlog_leaf_hash(want, TESSERA_ENTRIES[i], strlen(TESSERA_ENTRIES[i])));
		CHECK(memcmp(leaf, want, H) == 0);
		CHECK_OK(capsa_tlog_verify_inclusion(i, n, leaf, (const uint8_t (*)[H])proof, num, cp.root));
	}
	for (uint64_t m = 1; m <= n; m++) { /* consistency with every older checkpoint */
		uint8_t old_root[H], proof[CAPSA_TLOG_MAX_PROOF][H];
		size_t num, olen;
		char *old;
		capsa_checkpoint ocp;
		snprintf(path, sizeof path, "%s/checkpoint.%llu", d->dir, (unsigned long long)m);
		old = slurp(path, &olen);
		CHECK_OK(capsa_checkpoint_open(&ocp, NULL, old, olen, NULL, key, NULL, 0, NULL));
		CHECK_OK(capsa_tile_reader_consistency(r, old_root, proof, &num, m));
		CHECK(memcmp(old_root, ocp.root, H) == 0);
		CHECK_OK(capsa_tlog_verify_consistency(m, n, ocp.root, cp.root, (const uint8_t (*)[H])proof, num));
		capsa_checkpoint_free(&ocp);
		free(old);
	}
	if (n > 0) {
		uint8_t *data;
		size_t dlen, count;
		capsa_entry_span spans[CAPSA_TILE_WIDTH];
		CHECK_OK(capsa_tile_reader_entries(r, &data, &dlen, spans, &count, 0));
		CHECK(count == n);
		for (size_t i = 0; i < count && i < 15; i++)
			CHECK(spans[i].len == strlen(TESSERA_ENTRIES[i]) &&
			      memcmp(data + spans[i].offset, TESSERA_ENTRIES[i], spans[i].len) == 0);
		free(data);
		CHECK_STATUS(capsa_tile_reader_entries(r, &data, &dlen, spans, &count, 1), CAPSA_ERR_ARG);
	} else {
		uint8_t proof[CAPSA_TLOG_MAX_PROOF][H], leaf[H];
		size_t num;
		CHECK_STATUS(capsa_tile_reader_inclusion(r, leaf, proof, &num, 0), CAPSA_ERR_ARG);
	}
	capsa_tile_reader_free(r);
	capsa_checkpoint_free(&cp);
	free(note);
}

static void test_tessera(void)
{
	disk_log d = {0};
	capsa_note_verifier key;
	char path[8192], *note;
	size_t len;
	capsa_checkpoint cp;
	capsa_tile_reader *r;

	snprintf(d.dir, sizeof d.dir, "%s", vector_path("tlog/tiles/tessera-testdata/log"));
	CHECK_OK(capsa_note_vkey_parse(&key, TESSERA_VKEY, strlen(TESSERA_VKEY)));
	for (uint64_t n = 0; n <= 15; n++)
		tessera_size(&d, &key, n);
	check_context("tessera: tampering");
	snprintf(path, sizeof path, "%s/checkpoint", d.dir);
	note = slurp(path, &len);
	CHECK_OK(capsa_checkpoint_open(&cp, NULL, note, len, NULL, &key, NULL, 0, NULL));
	CHECK(cp.size == 15);
	capsa_checkpoint_free(&cp);
	note[strlen("example.com/log/testdata\n1")] = '4'; /* the size line changed: the signature fails */
	CHECK_STATUS(capsa_checkpoint_open(&cp, NULL, note, len, NULL, &key, NULL, 0, NULL), CAPSA_ERR_SIGNATURE);
	CHECK_STATUS(capsa_checkpoint_open(&cp, NULL, note, len, "example.com/other", &key, NULL, 0, NULL),
	             CAPSA_ERR_SIGNATURE);
	free(note);
	/* the tiles of size 15 do not make the root of size 14's checkpoint */
	snprintf(path, sizeof path, "%s/checkpoint.14", d.dir);
	note = slurp(path, &len);
	{
		capsa_checkpoint c14;
		CHECK_OK(capsa_checkpoint_open(&c14, NULL, note, len, NULL, &key, NULL, 0, NULL));
		CHECK_OK(capsa_tile_reader_new(&r, 15, c14.root, fetch_disk, &d));
		CHECK_STATUS(capsa_tile_reader_check_root(r), CAPSA_ERR_AUTH);
		{
			uint8_t leaf[H], proof[CAPSA_TLOG_MAX_PROOF][H];
			size_t num;
			CHECK_STATUS(capsa_tile_reader_inclusion(r, leaf, proof, &num, 3), CAPSA_ERR_AUTH);
		}
		capsa_tile_reader_free(r);
		capsa_checkpoint_free(&c14);
	}
	capsa_checkpoint_free(&cp);
	free(note);
	check_context("%s", "");
}

/* ---- A larger tiled log built here --------------------------------------------------- */

#define BIG 70000

typedef struct mem_log {
	uint64_t size;
	uint8_t (*levels[CAPSA_MERKLE_MAX_LEVELS])[H];
	uint64_t counts[CAPSA_MERKLE_MAX_LEVELS];
	bool corrupt; /* serve one wrong byte in every tile */
} mem_log;

static capsa_status store_node(void *arg, unsigned level, uint64_t index, const uint8_t hash[H])
{
	mem_log *m = arg;
	if (m->levels[level] == NULL)
		m->levels[level] = calloc((BIG >> level) + 1, H);
	memcpy(m->levels[level][index], hash, H);
	m->counts[level] = index + 1;
	return CAPSA_OK;
}

static capsa_status get_mem_node(void *arg, unsigned level, uint64_t index, uint8_t out[H])
{
	mem_log *m = arg;
	if (level >= CAPSA_MERKLE_MAX_LEVELS || index >= (m->size >> level))
		return CAPSA_ERR_RANGE;
	memcpy(out, m->levels[level][index], H);
	return CAPSA_OK;
}

/* Serves tile/<L>/<N>[.p/<W>] from the stored nodes of level 8L, as a log would. */
static capsa_status fetch_mem(void *arg, const char *path, uint8_t **data, size_t *len)
{
	mem_log *m = arg;
	capsa_tile t;
	unsigned want;

	if (capsa_tile_path_parse(&t, path, strlen(path)) != CAPSA_OK || t.entries)
		return CAPSA_ERR_IO;
	want = capsa_tile_width(m->size, t.level, t.index);
	if (want != t.width) /* only the tiles this size has */
		return CAPSA_ERR_IO;
	if (capsa_tile_build(data, len, &t, m->size, get_mem_node, m) != CAPSA_OK)
		return CAPSA_ERR_IO;
	if (memcmp(*data, m->levels[8 * t.level][t.index * CAPSA_TILE_WIDTH], *len) != 0)
		abort(); /* the built tile is the stored nodes */
	if (m->corrupt)
		(*data)[*len - 1] ^= 1;
	return CAPSA_OK;
}

static void test_memory_log(void)
{
	static mem_log m;
	capsa_merkle_builder b;
	uint8_t root[H], leaf[H], proof[CAPSA_TLOG_MAX_PROOF][H], want[CAPSA_TLOG_MAX_PROOF][H], old_root[H];
	size_t num, want_num;
	capsa_tile_reader *r;
	static const uint64_t sizes[] = {1, 255, 256, 257, 511, 512, 65535, 65536, 65537, 69999, BIG};

	capsa_merkle_builder_init(&b, store_node, &m);
	for (uint32_t i = 0; i < BIG; i++) {
		uint8_t e[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		CHECK_OK(capsa_tlog_leaf_hash(leaf, e, sizeof e));
		CHECK_OK(capsa_merkle_builder_add(&b, leaf));
	}
	/* the spec's example: 70,000 leaves */
	CHECK(capsa_tile_width(BIG, 0, 272) == 256 && capsa_tile_width(BIG, 0, 273) == 112 &&
	      capsa_tile_width(BIG, 0, 274) == 0);
	CHECK(capsa_tile_width(BIG, 1, 0) == 256 && capsa_tile_width(BIG, 1, 1) == 17 && capsa_tile_width(BIG, 2, 0) == 1);
	CHECK(capsa_tile_width(256, 0, 0) == 256 && capsa_tile_width(256, 1, 0) == 1 && capsa_tile_width(256, 0, 1) == 0);
	m.size = BIG;
	{
		capsa_tile t = {.level = 0, .index = 273, .width = 112};
		uint8_t *tile;
		size_t tile_len;
		CHECK_OK(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m));
		CHECK(tile_len == 112 * H && memcmp(tile, m.levels[0][273 * 256], tile_len) == 0);
		free(tile);
		t.width = 111; /* not this size's partial tile */
		CHECK_STATUS(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m), CAPSA_ERR_ARG);
		t.width = 256; /* not complete yet */
		CHECK_STATUS(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m), CAPSA_ERR_ARG);
		t = (capsa_tile){.level = 1, .index = 0, .width = 256};
		CHECK_OK(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m));
		CHECK(tile_len == 256 * H && memcmp(tile, m.levels[8][0], tile_len) == 0);
		free(tile);
		t = (capsa_tile){.level = 2, .index = 0, .width = 1};
		CHECK_OK(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m));
		CHECK(tile_len == H && memcmp(tile, m.levels[16][0], H) == 0);
		free(tile);
		t = (capsa_tile){.level = 3, .index = 0, .width = 1};
		CHECK_STATUS(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m), CAPSA_ERR_ARG);
		t = (capsa_tile){.entries = true, .width = 1};
		CHECK_STATUS(capsa_tile_build(&tile, &tile_len, &t, BIG, get_mem_node, &m), CAPSA_ERR_ARG);
	}
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		uint64_t n = sizes[s];
		check_context("memory log of %llu", (unsigned long long)n);
		m.size = n;
		CHECK_OK(capsa_tlog_root(root, n, get_mem_node, &m));
		CHECK_OK(capsa_tile_reader_new(&r, n, root, fetch_mem, &m));
		CHECK_OK(capsa_tile_reader_check_root(r));
		for (uint64_t i = 0; i < n; i += n / 7 + 1) {
			CHECK_OK(capsa_tile_reader_inclusion(r, leaf, proof, &num, i));
			CHECK_OK(capsa_tlog_inclusion_proof(want, &want_num, i, n, get_mem_node, &m));
			CHECK(num == want_num && memcmp(proof, want, num * H) == 0);
		}
		CHECK_OK(capsa_tile_reader_inclusion(r, leaf, proof, &num, n - 1));
		for (uint64_t old = 1; old <= n; old += n / 5 + 1) {
			CHECK_OK(capsa_tile_reader_consistency(r, old_root, proof, &num, old));
			CHECK_OK(capsa_tlog_consistency_proof(want, &want_num, old, n, get_mem_node, &m));
			CHECK(num == want_num && memcmp(proof, want, num * H) == 0);
		}
		capsa_tile_reader_free(r);
		/* a log serving wrong tiles is caught */
		m.corrupt = true;
		CHECK_OK(capsa_tile_reader_new(&r, n, root, fetch_mem, &m));
		CHECK_STATUS(capsa_tile_reader_check_root(r), CAPSA_ERR_AUTH);
		capsa_tile_reader_free(r);
		m.corrupt = false;
	}
	check_context("%s", "");
	for (unsigned l = 0; l < CAPSA_MERKLE_MAX_LEVELS; l++)
		free(m.levels[l]);
}

/* Consistency proofs from stored nodes for every pair of sizes up to 70. */
static void test_consistency_small(void)
{
	static mem_log m;
	capsa_merkle_builder b;
	uint8_t roots[71][H], proof[CAPSA_TLOG_MAX_PROOF][H];
	size_t num;
	bool all = true;

	capsa_merkle_builder_init(&b, store_node, &m);
	for (uint64_t i = 0; i < 70; i++) {
		uint8_t leaf[H];
		CHECK_OK(capsa_tlog_leaf_hash(leaf, &i, sizeof i));
		CHECK_OK(capsa_merkle_builder_add(&b, leaf));
		CHECK_OK(capsa_merkle_builder_root(&b, roots[i + 1]));
	}
	m.size = 70;
	for (uint64_t n = 1; n <= 70; n++)
		for (uint64_t k = 1; k <= n; k++) {
			all = all && capsa_tlog_consistency_proof(proof, &num, k, n, get_mem_node, &m) == CAPSA_OK &&
			      capsa_tlog_verify_consistency(k, n, roots[k], roots[n], (const uint8_t (*)[H])proof, num) ==
			              CAPSA_OK;
			if (k < n && k > 1)
				all = all && capsa_tlog_verify_consistency(k - 1, n, roots[k], roots[n],
				                                           (const uint8_t (*)[H])proof, num) != CAPSA_OK;
		}
	CHECK(all);
	CHECK_STATUS(capsa_tlog_verify_consistency(0, 5, roots[1], roots[5], NULL, 0), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_tlog_verify_consistency(6, 5, roots[1], roots[5], NULL, 0), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_tlog_verify_consistency(3, 5, roots[3], roots[5], NULL, 0), CAPSA_ERR_AUTH);
	CHECK_OK(capsa_tlog_verify_consistency(5, 5, roots[5], roots[5], NULL, 0));
	CHECK_STATUS(capsa_tlog_verify_consistency(5, 5, roots[4], roots[5], NULL, 0), CAPSA_ERR_AUTH);
	for (unsigned l = 0; l < CAPSA_MERKLE_MAX_LEVELS; l++)
		free(m.levels[l]);
}

/* ---- Tile paths and entry bundles ------------------------------------------------ */

static void path_roundtrip(const char *path, bool entries, unsigned level, uint64_t index, unsigned width)
{
	capsa_tile t, u = {.entries = entries, .level = level, .index = index, .width = width};
	char out[CAPSA_TILE_PATH_MAX];

	check_context("path %s", path);
	CHECK_OK(capsa_tile_path_parse(&t, path, strlen(path)));
	CHECK(t.entries == entries && t.level == level && t.index == index && t.width == width);
	CHECK_OK(capsa_tile_path(out, &u));
	CHECK(strcmp(out, path) == 0);
}

static void test_tile_paths(void)
{
	static const char *const bad[] = {
		"tile/0/1",           "tile/0/0001",        "tile/00/000",       "tile/64/000",     "tile/0/x000/001",
		"tile/0/x001/x234",   "tile/0/x1/234",      "tile/0/000.p/0",    "tile/0/000.p/256", "tile/0/000.p/01",
		"tile/0/000.p/",      "tile/0/000/",        "tile/entries/x000/000", "tile/entries/",  "tile/0/",
		"tiles/0/000",        "tile/-1/000",        "tile/0/000.p/5x",   "tile/0/x018/x446/x744/x073/x709/x551/616",
		"tile/entries/000.p/1/", "tile//000",       "tile/0/x001//234",
	};
	capsa_tile t, u = {0};
	char out[CAPSA_TILE_PATH_MAX];
	unsigned first, count;

	path_roundtrip("tile/0/000", false, 0, 0, 256);
	path_roundtrip("tile/0/x001/x234/067", false, 0, 1234067, 256);
	path_roundtrip("tile/1/000.p/17", false, 1, 0, 17);
	path_roundtrip("tile/63/999.p/255", false, 63, 999, 255);
	path_roundtrip("tile/entries/000.p/1", true, 0, 0, 1);
	path_roundtrip("tile/entries/x001/000", true, 0, 1000, 256);
	path_roundtrip("tile/2/x018/x446/x744/x073/x709/x551/615", false, 2, UINT64_MAX, 256);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		check_context("bad path %s", bad[i]);
		CHECK_STATUS(capsa_tile_path_parse(&t, bad[i], strlen(bad[i])), CAPSA_ERR_DECODE);
	}
	check_context("%s", "");
	CHECK_STATUS(capsa_tile_path(out, &u), CAPSA_ERR_ARG); /* width 0 */
	u.width = 257;
	CHECK_STATUS(capsa_tile_path(out, &u), CAPSA_ERR_ARG);
	u = (capsa_tile){.level = 64, .width = 1};
	CHECK_STATUS(capsa_tile_path(out, &u), CAPSA_ERR_ARG);
	/* node -> tile */
	CHECK_OK(capsa_tile_for_node(&t, &first, &count, 70000, 0, 300));
	CHECK(t.level == 0 && t.index == 1 && t.width == 256 && first == 44 && count == 1);
	CHECK_OK(capsa_tile_for_node(&t, &first, &count, 70000, 3, 40));
	CHECK(t.level == 0 && t.index == 1 && first == 64 && count == 8);
	CHECK_OK(capsa_tile_for_node(&t, &first, &count, 70000, 8, 272));
	CHECK(t.level == 1 && t.index == 1 && t.width == 17 && first == 16 && count == 1);
	CHECK_OK(capsa_tile_for_node(&t, &first, &count, 70000, 16, 0));
	CHECK(t.level == 2 && t.index == 0 && t.width == 1 && first == 0 && count == 1);
	CHECK_STATUS(capsa_tile_for_node(&t, &first, &count, 70000, 16, 1), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_tile_for_node(&t, &first, &count, 70000, 9, 136), CAPSA_ERR_ARG); /* needs the partial tile */
	CHECK_STATUS(capsa_tile_for_node(&t, &first, &count, 70000, 0, 70000), CAPSA_ERR_ARG);
}

static void test_bundles(void)
{
	const uint8_t *entries[3] = {(const uint8_t *)"", (const uint8_t *)"ab", (const uint8_t *)"xyz"};
	size_t lens[3] = {0, 2, 3}, len, count;
	capsa_entry_span spans[CAPSA_TILE_WIDTH];
	uint8_t *b, big[2 * 257];

	CHECK_OK(capsa_entry_bundle_build(&b, &len, entries, lens, 3));
	CHECK(len == 11 && memcmp(b, "\0\0\0\2ab\0\3xyz", 11) == 0);
	CHECK_OK(capsa_entry_bundle_parse(spans, &count, b, len, 3));
	CHECK(count == 3 && spans[1].offset == 4 && spans[1].len == 2 && spans[2].offset == 8 && spans[0].len == 0);
	CHECK_STATUS(capsa_entry_bundle_parse(spans, &count, b, len, 2), CAPSA_ERR_DECODE);
	CHECK_OK(capsa_entry_bundle_parse(spans, &count, b, len, 0));
	for (size_t cut = 0; cut < len; cut++)
		CHECK(cut == 2 || cut == 6 || capsa_entry_bundle_parse(spans, &count, b, cut, 0) == CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_entry_bundle_parse(spans, &count, b, 0, 0), CAPSA_ERR_DECODE);
	free(b);
	memset(big, 0, sizeof big); /* 257 empty entries: one too many */
	CHECK_STATUS(capsa_entry_bundle_parse(spans, &count, big, sizeof big, 0), CAPSA_ERR_DECODE);
	CHECK_OK(capsa_entry_bundle_parse(spans, &count, big, sizeof big - 2, 256));
	lens[1] = 65536;
	CHECK_STATUS(capsa_entry_bundle_build(&b, &len, entries, lens, 3), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_entry_bundle_build(&b, &len, entries, lens, 0), CAPSA_ERR_ARG);
}

/* ---- Notes, checkpoints, cosignatures, receipts, witness bodies ---------------------- */

static uint8_t log_seed[32], wit_seed[32];
static capsa_note_verifier log_key, wit_key;

static void setup_keys(void)
{
	uint8_t pub[32];
	char *vk;
	size_t len;
	capsa_note_verifier back;

	for (int i = 0; i < 32; i++) {
		log_seed[i] = (uint8_t)(i + 1);
		wit_seed[i] = (uint8_t)(0xa0 + i);
	}
	CHECK_OK(capsa_ed25519_public(pub, log_seed));
	CHECK_OK(capsa_note_verifier_init(&log_key, "example.com/log", CAPSA_NOTE_ED25519, pub));
	CHECK_OK(capsa_ed25519_public(pub, wit_seed));
	CHECK_OK(capsa_note_verifier_init(&wit_key, "example.com/witness", CAPSA_NOTE_COSIGNATURE, pub));
	CHECK_OK(capsa_note_vkey_encode(&vk, &len, &wit_key));
	CHECK_OK(capsa_note_vkey_parse(&back, vk, len));
	CHECK(memcmp(&back, &wit_key, sizeof back) == 0);
	free(vk);
	CHECK_STATUS(capsa_note_verifier_init(&back, "a b", CAPSA_NOTE_ED25519, pub), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_note_verifier_init(&back, "a+b", CAPSA_NOTE_ED25519, pub), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_note_verifier_init(&back, "a\xc2\xa0" "b", CAPSA_NOTE_ED25519, pub), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_note_verifier_init(&back, "", CAPSA_NOTE_ED25519, pub), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_note_verifier_init(&back, "a", 0x02, pub), CAPSA_ERR_UNSUPPORTED);
}

static void test_notes(void)
{
	static const char *const bad[] = {
		"text\n",                                    /* no signatures */
		"text\n\n",                                  /* a blank line, no signatures */
		"text\n\n\xe2\x80\x94 a AAAAAAA=",           /* no final newline */
		"text\n\n\xe2\x80\x94 a AAAA\n",             /* 3 bytes: no room for a signature */
		"text\n\n\xe2\x80\x94 a AAAAAAA\n",          /* no padding */
		"text\n\n\xe2\x80\x94 a AAAAAAB=\n",         /* non-canonical bits */
		"text\n\n\xe2\x80\x94 a  AAAAAAA=\n",        /* two spaces */
		"text\n\n\xe2\x80\x94 AAAAAAA=\n",           /* no name */
		"text\n\n- a AAAAAAA=\n",                    /* not an em dash */
		"te\txt\n\n\xe2\x80\x94 a AAAAAAA=\n",       /* a control character */
		"te\xc0\xafxt\n\n\xe2\x80\x94 a AAAAAAA=\n", /* an overlong encoding */
		"text\r\n\n\xe2\x80\x94 a AAAAAAA=\n",       /* CR */
		"text\n\n\xe2\x80\x94 a AAAAAAA=\nmore\n",   /* a line that is no signature */
	};
	capsa_note n;
	char *note, *two, *cos;
	size_t len, two_len, cos_len;
	bool by[2];
	uint64_t ts[2];
	capsa_note_verifier keys[2];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		check_context("bad note %zu", i);
		CHECK_STATUS(capsa_note_parse(&n, bad[i], strlen(bad[i])), CAPSA_ERR_DECODE);
		CHECK(n.text == NULL && n.sigs == NULL);
	}
	check_context("notes");
	CHECK_OK(capsa_note_parse(&n, "a\n\nb\n\n\xe2\x80\x94 a AAAAAAA=\n", 21)); /* the last blank line splits */
	CHECK(n.text_len == 5 && memcmp(n.text, "a\n\nb\n", 5) == 0 && n.num_sigs == 1 && n.sigs[0].sig_len == 1);
	capsa_note_free(&n);
	CHECK_OK(capsa_note_sign(&note, &len, "hello\n", 6, log_key.name, log_seed));
	CHECK_OK(capsa_note_open(&n, note, len, &log_key, 1, by, NULL));
	CHECK(by[0]);
	{ /* format gives back the same bytes */
		char *again;
		size_t again_len;
		CHECK_OK(capsa_note_format(&again, &again_len, &n));
		CHECK(again_len == len && memcmp(again, note, len) == 0);
		free(again);
	}
	capsa_note_free(&n);
	CHECK_STATUS(capsa_note_sign(&two, &two_len, "a\x01\n", 3, log_key.name, log_seed), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_note_sign(&two, &two_len, "hello\n", 6, "bad name", log_seed), CAPSA_ERR_ARG);
	/* cosign it: append the line and verify both keys, with the timestamp */
	CHECK_OK(capsa_cosignature_sign(&cos, &cos_len, "hello\n", 6, wit_key.name, wit_seed, 1234567890));
	CHECK_OK(capsa_witness_response_check(cos, cos_len));
	CHECK_OK(capsa_note_append_lines(&two, &two_len, note, len, cos, cos_len));
	keys[0] = log_key;
	keys[1] = wit_key;
	CHECK_OK(capsa_note_open(&n, two, two_len, keys, 2, by, ts));
	CHECK(by[0] && by[1] && ts[1] == 1234567890 && ts[0] == 0 && n.num_sigs == 2);
	capsa_note_free(&n);
	{ /* appending the same line again adds nothing */
		char *three;
		size_t three_len;
		CHECK_OK(capsa_note_append_lines(&three, &three_len, two, two_len, cos, cos_len));
		CHECK(three_len == two_len);
		free(three);
	}
	/* the witness key as a type-0x01 key does not match the line (other key id): ignored */
	{
		capsa_note_verifier plain;
		CHECK_OK(capsa_note_verifier_init(&plain, wit_key.name, CAPSA_NOTE_ED25519, wit_key.public_key));
		CHECK_STATUS(capsa_note_open(&n, two, two_len, &plain, 1, by, NULL), CAPSA_ERR_SIGNER);
	}
	/* a cosignature over other text fails the whole note */
	free(cos);
	CHECK_OK(capsa_cosignature_sign(&cos, &cos_len, "hellp\n", 6, wit_key.name, wit_seed, 1234567890));
	free(two);
	CHECK_OK(capsa_note_append_lines(&two, &two_len, note, len, cos, cos_len));
	CHECK_STATUS(capsa_note_open(&n, two, two_len, keys, 2, by, ts), CAPSA_ERR_SIGNATURE);
	CHECK(!by[0] && !by[1]);
	CHECK_OK(capsa_note_open(&n, two, two_len, keys, 1, by, ts)); /* unknown to this verifier */
	capsa_note_free(&n);
	free(cos);
	CHECK_STATUS(capsa_cosignature_sign(&cos, &cos_len, "x\n", 2, wit_key.name, wit_seed, 1ull << 63), CAPSA_ERR_ARG);
	CHECK(cos == NULL);
	CHECK_STATUS(capsa_witness_response_check("", 0), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_witness_response_check("hello\n", 6), CAPSA_ERR_DECODE);
	free(two);
	free(note);
	check_context("%s", "");
}

static void test_checkpoints(void)
{
	static const char *const bad[] = {
		"o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",   /* leading zero */
		"o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",     /* 31 bytes */
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",       /* no final LF */
		"\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",      /* empty origin */
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",    /* empty extension line */
		"o\n1\n",
		"o\n 1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	};
	capsa_checkpoint cp;
	uint8_t root[H];
	char *text;
	size_t len;

	memset(root, 0x5a, sizeof root);
	CHECK_OK(capsa_checkpoint_format(&text, &len, "example.com/log", 18446744073709551615ull, root, "ext a\n", 6));
	CHECK_OK(capsa_checkpoint_parse(&cp, text, len));
	CHECK(strcmp(cp.origin, "example.com/log") == 0 && cp.size == UINT64_MAX && memcmp(cp.root, root, H) == 0 &&
	      cp.extensions_len == 6 && strcmp(cp.extensions, "ext a\n") == 0);
	capsa_checkpoint_free(&cp);
	free(text);
	CHECK_OK(capsa_checkpoint_format(&text, &len, "o", 0, root, NULL, 0));
	CHECK(strcmp(text, "o\n0\nWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=\n") == 0);
	free(text);
	CHECK_STATUS(capsa_checkpoint_format(&text, &len, "", 0, root, NULL, 0), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_checkpoint_format(&text, &len, "a\nb", 0, root, NULL, 0), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_checkpoint_format(&text, &len, "o", 0, root, "x\n\n", 3), CAPSA_ERR_ARG);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		check_context("bad checkpoint %zu", i);
		CHECK_STATUS(capsa_checkpoint_parse(&cp, bad[i], strlen(bad[i])), CAPSA_ERR_DECODE);
	}
	check_context("%s", "");
}

static void test_receipts(void)
{
	uint8_t leaves[5][H], path[CAPSA_TLOG_MAX_PROOF][H], root[H];
	capsa_merkle_builder b;
	static mem_log m;
	char *cp_text, *note, *proof_text, *wrong;
	size_t cp_len, note_len, proof_len, num, wrong_len;
	capsa_tlog_proof p;
	capsa_checkpoint cp;
	bool wsig;
	const char *entry[5] = {"e0", "e1", "e2", "e3", "e4"};

	capsa_merkle_builder_init(&b, store_node, &m);
	for (int i = 0; i < 5; i++) {
		CHECK_OK(capsa_tlog_leaf_hash(leaves[i], entry[i], 2));
		CHECK_OK(capsa_merkle_builder_add(&b, leaves[i]));
	}
	m.size = 5;
	CHECK_OK(capsa_merkle_builder_root(&b, root));
	CHECK_OK(capsa_checkpoint_format(&cp_text, &cp_len, log_key.name, 5, root, NULL, 0));
	CHECK_OK(capsa_note_sign(&note, &note_len, cp_text, cp_len, log_key.name, log_seed));
	CHECK_OK(capsa_tlog_inclusion_proof(path, &num, 3, 5, get_mem_node, &m));
	CHECK_OK(capsa_tlog_proof_format(&proof_text, &proof_len, (const uint8_t *)"e3", 2, 3, (const uint8_t (*)[H])path,
	                                 num, note, note_len));
	CHECK(strncmp(proof_text, "c2sp.org/tlog-proof@v1\nextra ZTM=\nindex 3\n", 42) == 0);
	CHECK_OK(capsa_tlog_proof_parse(&p, proof_text, proof_len));
	CHECK(p.has_extra && p.extra_len == 2 && memcmp(p.extra, "e3", 2) == 0 && p.index == 3 && p.path_len == num);
	CHECK_OK(capsa_tlog_proof_verify(&p, p.extra, p.extra_len, NULL, &log_key, NULL, 0, NULL, &cp));
	CHECK(cp.size == 5);
	capsa_checkpoint_free(&cp);
	CHECK_STATUS(capsa_tlog_proof_verify(&p, (const uint8_t *)"e2", 2, NULL, &log_key, NULL, 0, NULL, NULL),
	             CAPSA_ERR_AUTH);
	CHECK_STATUS(capsa_tlog_proof_verify(&p, p.extra, p.extra_len, "example.com/other", &log_key, NULL, 0, NULL, NULL),
	             CAPSA_ERR_MISMATCH);
	CHECK_STATUS(capsa_tlog_proof_verify(&p, p.extra, p.extra_len, NULL, &wit_key, NULL, 0, NULL, NULL), CAPSA_ERR_ARG);
	/* with a witness cosignature */
	{
		char *cos, *cosigned, *receipt;
		size_t cos_len, cosigned_len, receipt_len;
		capsa_tlog_proof q;
		CHECK_OK(capsa_cosignature_sign(&cos, &cos_len, cp_text, cp_len, wit_key.name, wit_seed, 99));
		CHECK_OK(capsa_note_append_lines(&cosigned, &cosigned_len, note, note_len, cos, cos_len));
		CHECK_OK(capsa_tlog_proof_format(&receipt, &receipt_len, NULL, 0, 3, (const uint8_t (*)[H])path, num,
		                                 cosigned, cosigned_len));
		CHECK_OK(capsa_tlog_proof_parse(&q, receipt, receipt_len));
		CHECK(!q.has_extra);
		CHECK_OK(capsa_tlog_proof_verify(&q, (const uint8_t *)"e3", 2, NULL, &log_key, &wit_key, 1, &wsig, NULL));
		CHECK(wsig);
		capsa_tlog_proof_free(&q);
		free(cos);
		free(cosigned);
		free(receipt);
	}
	capsa_tlog_proof_free(&p);
	/* every truncation of the receipt is refused or, being a note cut at a line, fails to verify */
	for (size_t cut = 0; cut < proof_len; cut++) {
		capsa_status st = capsa_tlog_proof_parse(&p, proof_text, cut);
		if (st == CAPSA_OK)
			CHECK(capsa_tlog_proof_verify(&p, p.extra, p.extra_len, NULL, &log_key, NULL, 0, NULL, NULL) !=
			      CAPSA_OK);
		capsa_tlog_proof_free(&p);
	}
	wrong = strdup(proof_text);
	wrong_len = proof_len;
	wrong[strlen("c2sp.org/tlog-proof@v1\nextra ZTM=\nindex ")] = '0';
	CHECK_STATUS(capsa_tlog_proof_parse(&p, "c2sp.org/tlog-proof@v1\nindex 03\n\n", 34), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_tlog_proof_parse(&p, "c2sp.org/tlog-proof@v2\nindex 3\n\n", 33), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_tlog_proof_parse(&p, "c2sp.org/tlog-proof@v1\nextra \nindex 3\n\n", 39), CAPSA_ERR_DECODE);
	CHECK_OK(capsa_tlog_proof_parse(&p, wrong, wrong_len)); /* index 0: parses, does not verify */
	CHECK_STATUS(capsa_tlog_proof_verify(&p, p.extra, p.extra_len, NULL, &log_key, NULL, 0, NULL, NULL),
	             CAPSA_ERR_AUTH);
	capsa_tlog_proof_free(&p);
	free(wrong);
	/* witness request round trip */
	{
		uint8_t cproof[CAPSA_TLOG_MAX_PROOF][H];
		char *body;
		size_t body_len, cnum;
		capsa_witness_request req;
		uint64_t size;
		CHECK_OK(capsa_tlog_consistency_proof(cproof, &cnum, 2, 5, get_mem_node, &m));
		CHECK_OK(capsa_witness_request_format(&body, &body_len, 2, (const uint8_t (*)[H])cproof, cnum, note,
		                                      note_len));
		CHECK_OK(capsa_witness_request_parse(&req, body, body_len));
		CHECK(req.old_size == 2 && req.proof_len == cnum && memcmp(req.proof, cproof, cnum * H) == 0 &&
		      req.checkpoint_len == note_len && memcmp(req.checkpoint, note, note_len) == 0);
		CHECK_STATUS(capsa_witness_request_parse(&req, body, 6), CAPSA_ERR_DECODE);
		CHECK_STATUS(capsa_witness_request_parse(&req, "old 01\n\nx\n", 10), CAPSA_ERR_DECODE);
		CHECK_STATUS(capsa_witness_request_parse(&req, "old 1\nAAAA\n\nx\n", 14), CAPSA_ERR_DECODE);
		CHECK_STATUS(capsa_witness_request_parse(&req, "old 1\n\n", 7), CAPSA_ERR_DECODE);
		CHECK_OK(capsa_witness_size_parse(&size, "42\n", 3));
		CHECK(size == 42);
		CHECK_STATUS(capsa_witness_size_parse(&size, "042\n", 4), CAPSA_ERR_DECODE);
		CHECK_STATUS(capsa_witness_size_parse(&size, "42", 2), CAPSA_ERR_DECODE);
		free(body);
	}
	free(cp_text);
	free(note);
	free(proof_text);
	for (unsigned l = 0; l < CAPSA_MERKLE_MAX_LEVELS; l++)
		free(m.levels[l]);
}

/* The bounds: 100 signature lines, CAPSA_NOTE_MAX_BYTES, tiles of the exact length. */
static capsa_status fetch_short(void *arg, const char *path, uint8_t **data, size_t *len)
{
	(void)arg;
	(void)path;
	*len = 31;
	*data = calloc(1, 31);
	return CAPSA_OK;
}

static void test_limits(void)
{
	size_t cap = CAPSA_NOTE_MAX_BYTES + 64, len;
	char *buf = malloc(cap);
	capsa_note n;
	capsa_tile_reader *r;
	uint8_t root[H] = {0}, leaf[H], proof[CAPSA_TLOG_MAX_PROOF][H];
	size_t num;

	for (size_t sigs = 16; sigs <= 101; sigs++) {
		len = (size_t)snprintf(buf, cap, "text\n\n");
		for (size_t i = 0; i < sigs; i++)
			len += (size_t)snprintf(buf + len, cap - len, "\xe2\x80\x94 k%zu AAAAAAA=\n", i);
		check_context("%zu signature lines", sigs);
		CHECK_STATUS(capsa_note_parse(&n, buf, len), sigs <= 100 ? CAPSA_OK : CAPSA_ERR_DECODE);
		CHECK(sigs > 100 || n.num_sigs == sigs);
		capsa_note_free(&n);
	}
	check_context("note size");
	memset(buf, 'a', cap);
	{
		static const char tail[] = "\n\n\xe2\x80\x94 k AAAAAAA=\n";
		memcpy(buf + CAPSA_NOTE_MAX_BYTES - strlen(tail), tail, strlen(tail));
	}
	CHECK_OK(capsa_note_parse(&n, buf, CAPSA_NOTE_MAX_BYTES));
	capsa_note_free(&n);
	memmove(buf + 1, buf, CAPSA_NOTE_MAX_BYTES);
	CHECK_STATUS(capsa_note_parse(&n, buf, CAPSA_NOTE_MAX_BYTES + 1), CAPSA_ERR_DECODE);
	free(buf);
	check_context("short tile");
	CHECK_OK(capsa_tile_reader_new(&r, 5, root, fetch_short, NULL));
	CHECK_STATUS(capsa_tile_reader_check_root(r), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_tile_reader_inclusion(r, leaf, proof, &num, 1), CAPSA_ERR_DECODE);
	capsa_tile_reader_free(r);
	check_context("%s", "");
}

int main(void)
{
	test_limits();
	setup_keys();
	test_tessera();
	test_memory_log();
	test_consistency_small();
	test_tile_paths();
	test_bundles();
	test_notes();
	test_checkpoints();
	test_receipts();
	return check_summary();
}
