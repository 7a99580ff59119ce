/*
 * tests/vectors/capsa/ (version 1) and tests/vectors/capsa/v2/: every vector
 * opens (streaming, from the file descriptor and, for successes, by random
 * access) with the result its `expect` names, and a success yields the
 * plaintext whose length and SHA-256 the vector records. The v2 signed
 * vectors also go through the keyless verifier.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	{"malformed", CAPSA_ERR_DECODE},   {"tree failure", CAPSA_ERR_TREE},
	{"signature failure", CAPSA_ERR_SIGNATURE}, {"trailer failure", CAPSA_ERR_TRAILER},
};

static const char *set = "capsa"; /* the folder of the list being run */

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
	snprintf(rel, sizeof rel, "%s/%s", set, name);
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

static capsa_status discard(void *arg, const uint8_t *data, size_t len)
{
	(void)arg, (void)data, (void)len;
	return CAPSA_OK;
}

/* capsa_open_fd over the file: the path that reads a copy's origin first. */
static capsa_status open_by_fd(const char *rel, const capsa_unlock *u)
{
	capsa_open *o = NULL;
	int fd = open(vector_path(rel), O_RDONLY);
	capsa_status st = capsa_open_new(&o, u, 1, discard, NULL);

	if (st == CAPSA_OK)
		st = capsa_open_fd(o, fd, NULL, NULL, NULL);
	capsa_open_free(o);
	close(fd);
	return st;
}

/*
 * Keyless verification: a signed file fails as it opens (but for what needs
 * a key: a copy's plaintext, the key commitment and a chunk's tag); an
 * unsigned one is refused.
 */
static void verify_keyless(const char *rel, capsa_status want)
{
	capsa_verify_result res;
	capsa_header_info info;
	int fd = open(vector_path(rel), O_RDONLY);
	capsa_status st = capsa_inspect_fd(&info, NULL, NULL, fd), got;

	if (st != CAPSA_OK) {
		close(fd);
		return;
	}
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	got = capsa_verify_fd(&res, fd, NULL);
	close(fd);
	if (!info.signed_header)
		CHECK_STATUS(got, CAPSA_ERR_SIGNER);
	else if (info.copy && want == CAPSA_ERR_TREE)
		CHECK_OK(got); /* the copy is what its maker signed; only the plaintext differs */
	else
		CHECK_STATUS(got, want);
	capsa_header_info_free(&info);
}

/* A range read of the chunk a vector names fails, and says which. */
static void reader_names_chunk(const char *rel, const capsa_unlock *u, uint64_t chunk)
{
	capsa_reader *r = NULL;
	uint8_t out[10];
	uint64_t bad = UINT64_MAX;

	CHECK_OK(capsa_reader_open(&r, vector_path(rel), u));
	if (r != NULL) {
		CHECK_STATUS(capsa_reader_read(r, out, chunk * CAPSA_CHUNK_BYTES + 3, sizeof out, &bad), CAPSA_ERR_TREE);
		CHECK(bad == chunk);
		if (chunk > 0)
			CHECK_OK(capsa_reader_read(r, out, 0, sizeof out, NULL));
	}
	capsa_reader_close(r);
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
	/* a copy read as a stream cannot have its plaintext checked: its origin key comes after it */
	if (!(want == CAPSA_ERR_TREE && json_object_get(v, "bad_chunk") != NULL && strncmp(name, "copy", 4) == 0))
		CHECK_STATUS(st, want);
	else
		CHECK_OK(st);
	CHECK_STATUS(open_by_fd(file, &u), want);
	if (strcmp(set, "capsa") != 0)
		verify_keyless(file, want);
	if (want == CAPSA_ERR_TREE && json_object_get(v, "bad_chunk") != NULL)
		reader_names_chunk(file, &u, (uint64_t)json_integer_value(json_object_get(v, "bad_chunk")));
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
	static const char *sets[] = {"capsa", "capsa/v2"};

	for (size_t s = 0; s < 2; s++) {
		char rel[64];
		json_t *list, *v;
		size_t i;
		set = sets[s];
		snprintf(rel, sizeof rel, "%s/vectors.json", set);
		list = vector_load(rel);
		CHECK(json_array_size(list) >= 10);
		json_array_foreach(list, i, v) one(v);
		json_decref(list);
	}
	return check_summary();
}
