/*
 * tests/vectors/capsa/: every vector opens (streaming and, for successes,
 * random access) with the result its `expect` names, and a success yields
 * the plaintext whose length and SHA-256 the vector records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "check.h"
#include "crypto/crypto.h"

static const struct {
	const char *expect;
	capsa_status st;
} classes[] = {
	{"success", CAPSA_OK},           {"no match", CAPSA_ERR_NO_MATCH},
	{"header failure", CAPSA_ERR_HEADER_AUTH}, {"payload failure", CAPSA_ERR_CHUNK_AUTH},
	{"truncated", CAPSA_ERR_TRUNCATED}, {"trailing", CAPSA_ERR_TRAILING},
	{"not capsa", CAPSA_ERR_NOT_CAPSA}, {"version", CAPSA_ERR_VERSION},
	{"malformed", CAPSA_ERR_DECODE},
};

static capsa_status hash_sink(void *arg, const uint8_t *data, size_t len)
{
	return capsa_sha256_update(arg, data, len);
}

static capsa_status expected(const char *expect)
{
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strcmp(classes[i].expect, expect) == 0)
			return classes[i].st;
	return CAPSA_ERR_INTERNAL;
}

static const char *in_capsa(const char *name)
{
	static char rel[512];
	snprintf(rel, sizeof rel, "capsa/%s", name);
	return rel;
}

static uint8_t *slurp(const char *rel, size_t *len)
{
	FILE *f = fopen(vector_path(rel), "rb");
	uint8_t *p = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (p = malloc((size_t)n + 1)) == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", rel);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static bool digest_is(const uint8_t d[32], const char *hex)
{
	size_t n;
	uint8_t *want = hex_decode(hex, &n);
	bool eq = want != NULL && n == 32 && memcmp(d, want, 32) == 0;
	free(want);
	return eq;
}

/* Random access over the whole file must give the same plaintext. */
static void check_reader(const char *rel, const capsa_unlock *u, json_t *v)
{
	capsa_reader *r = NULL;
	size_t len = (size_t)json_integer_value(json_object_get(v, "plaintext_len"));
	uint8_t *pt = malloc(len + 1), d[32];

	CHECK_OK(capsa_reader_open(&r, vector_path(rel), u));
	if (r != NULL) {
		CHECK(capsa_reader_size(r) == len);
		CHECK_OK(capsa_reader_read(r, pt, 0, len, NULL));
		CHECK_OK(capsa_sha256(d, pt, len));
		CHECK(digest_is(d, json_string_value(json_object_get(v, "plaintext_sha256"))));
	}
	capsa_reader_close(r);
	free(pt);
}

static void one(json_t *v)
{
	const char *name = json_string_value(json_object_get(v, "file"));
	char file[512];
	capsa_identity *ids = NULL;
	size_t num = 0, line = 0, len;
	uint8_t *data, d[32];
	capsa_status want = expected(json_string_value(json_object_get(v, "expect"))), st;
	capsa_unlock u;
	capsa_sha256_ctx h = {0};
	capsa_open *o = NULL;

	snprintf(file, sizeof file, "%s", in_capsa(name));
	data = slurp(file, &len);
	check_context("vector %s", file);
	CHECK(want != CAPSA_ERR_INTERNAL);
	CHECK_OK(capsa_identity_file_read(&ids, &num, vector_path(in_capsa(json_string_value(json_object_get(v, "identity")))),
	                                  &line));
	u = (capsa_unlock){.identities = ids, .num_identities = num};
	CHECK_OK(capsa_sha256_init(&h));
	CHECK_OK(capsa_open_new(&o, &u, 1, hash_sink, &h));
	st = capsa_open_write(o, data, len);
	if (st == CAPSA_OK)
		st = capsa_open_finish(o);
	CHECK_STATUS(st, want);
	if (st == CAPSA_ERR_CHUNK_AUTH)
		CHECK(capsa_open_bad_chunk(o) == (uint64_t)json_integer_value(json_object_get(v, "bad_chunk")));
	if (want == CAPSA_OK) {
		CHECK_OK(capsa_sha256_final(&h, d));
		CHECK(digest_is(d, json_string_value(json_object_get(v, "plaintext_sha256"))));
		check_reader(file, &u, v);
	} else {
		capsa_sha256_cleanup(&h);
	}
	capsa_open_free(o);
	capsa_identity_list_free(ids, num);
	free(data);
}

int main(void)
{
	json_t *list = vector_load("capsa/vectors.json"), *v;
	size_t i;

	CHECK(json_array_size(list) >= 10);
	json_array_foreach(list, i, v) one(v);
	json_decref(list);
	return check_summary();
}
