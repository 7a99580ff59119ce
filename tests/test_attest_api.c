/*
 * The public attestation helpers a keeper builds on, without a TPM:
 * certificate files (capsa_cert_decode, checked against the PEM files the
 * library's pinned roots are built from), the sim key file, program
 * measurements, and the hex and memory helpers of capsa/util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/attest.h>
#include <capsa/util.h>

#include "attest/core.h"
#include "check.h"

/* All of |path| (a test input: a failure ends the test program). */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 16);

	if (f == NULL || buf == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* The PEM file of a pinned root, its note lines ("# ...") dropped. */
static uint8_t *root_pem(const char *name, size_t *len)
{
	char path[4096];
	const char *src = getenv("CAPSA_SOURCE");
	uint8_t *buf;
	size_t n, skip = 0;

	snprintf(path, sizeof path, "%s/src/lib/attest/roots/%s.pem", src ? src : ".", name);
	buf = slurp(path, &n);
	while (skip < n && buf[skip] == '#')
		while (skip < n && buf[skip++] != '\n')
			;
	memmove(buf, buf + skip, n - skip);
	*len = n - skip;
	return buf;
}

static void test_cert_decode(void)
{
	static const struct {
		const char *file;
		capsa_root_id id;
	} roots[] = {{"amd_ark_milan", CAPSA_ROOT_AMD_ARK_MILAN}, {"amd_ask_milan", CAPSA_ROOT_AMD_ASK_MILAN},
	             {"aws_nitro", CAPSA_ROOT_AWS_NITRO},        {"amd_ark_genoa", CAPSA_ROOT_AMD_ARK_GENOA},
	             {"amd_ask_genoa", CAPSA_ROOT_AMD_ASK_GENOA}};
	uint8_t *pem, *der, *two, *junk;
	const uint8_t *pinned;
	size_t pem_len, der_len, pinned_len;

	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		check_context("%s", roots[i].file);
		pem = root_pem(roots[i].file, &pem_len);
		CHECK_OK(capsa_root_get(roots[i].id, &pinned, &pinned_len));
		CHECK_OK(capsa_cert_decode(&der, &der_len, pem, pem_len));
		CHECK(der_len == pinned_len && memcmp(der, pinned, der_len) == 0); /* the PEM file is the pinned root */
		free(der);
		CHECK_OK(capsa_cert_decode(&der, &der_len, pinned, pinned_len)); /* DER comes back as it is */
		CHECK(der_len == pinned_len && memcmp(der, pinned, der_len) == 0);
		free(der);
		free(pem);
	}
	check_context("refusals");
	pem = root_pem("aws_nitro", &pem_len);
	two = malloc(2 * pem_len);
	memcpy(two, pem, pem_len), memcpy(two + pem_len, pem, pem_len);
	CHECK_STATUS(capsa_cert_decode(&der, &der_len, two, 2 * pem_len), CAPSA_ERR_DECODE); /* two blocks */
	CHECK(der == NULL && der_len == 0);
	CHECK_STATUS(capsa_cert_decode(&der, &der_len, pem, pem_len / 2), CAPSA_ERR_DECODE);  /* cut short */
	CHECK_STATUS(capsa_cert_decode(&der, &der_len, pem, 0), CAPSA_ERR_DECODE);            /* empty */
	junk = malloc(pem_len);
	memcpy(junk, pem, pem_len);
	junk[40] = '*'; /* not base64 */
	CHECK_STATUS(capsa_cert_decode(&der, &der_len, junk, pem_len), CAPSA_ERR_DECODE);
	CHECK_OK(capsa_root_get(CAPSA_ROOT_AWS_NITRO, &pinned, &pinned_len));
	CHECK_STATUS(capsa_cert_decode(&der, &der_len, pinned, pinned_len - 1), CAPSA_ERR_DECODE); /* DER cut */
	free(junk), free(two), free(pem);
}

static void test_sim_key(void)
{
	uint8_t seed[CAPSA_SIM_SEEDBYTES], back[CAPSA_SIM_SEEDBYTES], pub[CAPSA_SIM_PUBLICBYTES];
	char text[CAPSA_SIM_KEYFILE_BYTES + 1], dir[] = "/tmp/capsa-attest-api-XXXXXX", path[64], link[64];
	uint8_t *file;
	size_t len;
	struct stat sb;

	check_context("sim key file");
	CHECK_OK(capsa_sim_keygen(seed, pub));
	capsa_sim_key_encode(text, seed);
	CHECK(strlen(text) == CAPSA_SIM_KEYFILE_BYTES && strncmp(text, "CAPSA-SIM-PLATFORM-KEY-1 SIMULATED", 34) == 0);
	CHECK_OK(capsa_sim_key_decode(back, (const uint8_t *)text, CAPSA_SIM_KEYFILE_BYTES));
	CHECK(memcmp(back, seed, sizeof seed) == 0);
	CHECK_STATUS(capsa_sim_key_decode(back, (const uint8_t *)text, CAPSA_SIM_KEYFILE_BYTES - 1), CAPSA_ERR_KEY);
	text[60] = 'g';
	CHECK_STATUS(capsa_sim_key_decode(back, (const uint8_t *)text, CAPSA_SIM_KEYFILE_BYTES), CAPSA_ERR_KEY);
	capsa_sim_key_encode(text, seed);
	text[0] = 'K';
	CHECK_STATUS(capsa_sim_key_decode(back, (const uint8_t *)text, CAPSA_SIM_KEYFILE_BYTES), CAPSA_ERR_KEY);

	check_context("sim key write");
	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/sim.key", dir);
	snprintf(link, sizeof link, "%s/link.key", dir);
	CHECK_OK(capsa_sim_key_write(path, seed));
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	file = slurp(path, &len);
	CHECK_OK(capsa_sim_key_decode(back, file, len));
	CHECK(memcmp(back, seed, sizeof seed) == 0);
	CHECK_STATUS(capsa_sim_key_write(path, seed), CAPSA_ERR_EXISTS); /* never over a key */
	CHECK(symlink("nowhere", link) == 0);
	CHECK_STATUS(capsa_sim_key_write(link, seed), CAPSA_ERR_EXISTS); /* never through a link */
	unlink(link), unlink(path), rmdir(dir);
	free(file);
	capsa_wipe(seed, sizeof seed);
	CHECK(seed[0] == 0 && seed[31] == 0);
}

static void test_measure(void)
{
	/* SHA-256("abc") and SHA-256(""), FIPS 180-2. */
	static const char abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const char empty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	uint8_t m[32], want[32];
	size_t n;
	int fds[2];

	check_context("measure");
	CHECK(pipe(fds) == 0 && write(fds[1], "abc", 3) == 3 && close(fds[1]) == 0);
	CHECK_OK(capsa_attest_measure_fd(m, fds[0]));
	close(fds[0]);
	CHECK(capsa_hex_decode(want, sizeof want, &n, abc) && n == 32 && capsa_ct_equal(m, want, 32));
	CHECK(pipe(fds) == 0 && close(fds[1]) == 0);
	CHECK_OK(capsa_attest_measure_fd(m, fds[0]));
	close(fds[0]);
	CHECK(capsa_hex_decode(want, sizeof want, &n, empty) && capsa_ct_equal(m, want, 32));
	CHECK_STATUS(capsa_attest_measure_fd(m, -1), CAPSA_ERR_IO);
}

static void test_util(void)
{
	uint8_t buf[4], r1[32] = {0}, r2[32] = {0};
	char hex[9];
	size_t n;

	check_context("util");
	CHECK(capsa_hex_decode(buf, sizeof buf, &n, "00aBcD") && n == 3 && buf[1] == 0xab && buf[2] == 0xcd);
	capsa_hex_encode(hex, buf, 3);
	CHECK(strcmp(hex, "00abcd") == 0);
	CHECK(!capsa_hex_decode(buf, sizeof buf, &n, "abc"));        /* odd length */
	CHECK(!capsa_hex_decode(buf, sizeof buf, &n, "zz"));         /* not hex */
	CHECK(!capsa_hex_decode(buf, sizeof buf, &n, "0011223344")); /* more than fits */
	CHECK_OK(capsa_random(r1, sizeof r1));
	CHECK_OK(capsa_random(r2, sizeof r2));
	CHECK(!capsa_ct_equal(r1, r2, sizeof r1) && capsa_ct_equal(r1, r1, sizeof r1));
}

int main(void)
{
	test_cert_decode();
	test_sim_key();
	test_measure();
	test_util();
	return check_summary();
}
