/*
 * Beyond 4 GiB (slow: `ctest --test-dir build -L slow`): seal a file of
 * 4 GiB + 3 chunks + 5 bytes through the library, open all of it again as a
 * stream, and read ranges around the 4 GiB mark with the random-access
 * reader. Plaintext byte i is (7i + 3) mod 251, checked everywhere.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "check.h"

#define BIG ((UINT64_C(1) << 32) + 3 * CAPSA_CHUNK_BYTES + 5)
#define BLOCK (1u << 20)

static void fill(uint8_t *p, uint64_t at, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(((at + i) % 251 * 7 + 3) % 251);
}

static bool matches(const uint8_t *p, uint64_t at, size_t n)
{
	uint8_t *want = malloc(n + 1);
	bool eq;
	fill(want, at, n);
	eq = memcmp(want, p, n) == 0;
	free(want);
	return eq;
}

struct checker {
	uint64_t at;
	size_t wrong;
};

static capsa_status check_sink(void *arg, const uint8_t *data, size_t len)
{
	struct checker *c = arg;
	if (!matches(data, c->at, len))
		c->wrong++;
	c->at += len;
	return CAPSA_OK;
}

static void seal_big(int fd, const capsa_recipient *r)
{
	capsa_seal_opts o = {.recipients = r, .num_recipients = 1, .plaintext_len = BIG};
	capsa_seal *s = NULL;
	uint8_t *buf = malloc(BLOCK);

	CHECK_OK(capsa_seal_new(&s, &o, capsa_sink_fd, &fd));
	for (uint64_t at = 0; s != NULL && at < BIG; at += BLOCK) {
		size_t n = BIG - at < BLOCK ? (size_t)(BIG - at) : BLOCK;
		fill(buf, at, n);
		if (capsa_seal_write(s, buf, n) != CAPSA_OK) {
			CHECK(!"seal_write");
			break;
		}
	}
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	free(buf);
}

static void open_big(const char *path, const capsa_unlock *u)
{
	struct checker c = {0};
	capsa_open *o = NULL;
	uint8_t *buf = malloc(BLOCK);
	int fd = open(path, O_RDONLY);
	ssize_t n;
	capsa_status st;

	CHECK_OK(capsa_open_new(&o, u, 0, check_sink, &c));
	while ((n = read(fd, buf, BLOCK)) > 0)
		if ((st = capsa_open_write(o, buf, (size_t)n)) != CAPSA_OK)
			break;
	CHECK_OK(capsa_open_finish(o));
	CHECK(c.at == BIG);
	CHECK(c.wrong == 0);
	capsa_open_free(o);
	close(fd);
	free(buf);
}

static void read_big(const char *path, const capsa_unlock *u)
{
	static const uint64_t offsets[] = {0, (UINT64_C(1) << 32) - 10, (UINT64_C(1) << 32) - CAPSA_CHUNK_BYTES,
	                                   BIG - 100, BIG - CAPSA_CHUNK_BYTES - 7};
	capsa_reader *r = NULL;
	uint8_t *buf = malloc(3 * CAPSA_CHUNK_BYTES);

	CHECK_OK(capsa_reader_open(&r, path, u));
	if (r == NULL)
		return;
	CHECK(capsa_reader_size(r) == BIG);
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		size_t n = BIG - offsets[i] < 2 * CAPSA_CHUNK_BYTES ? (size_t)(BIG - offsets[i]) : 2 * CAPSA_CHUNK_BYTES;
		CHECK_OK(capsa_reader_read(r, buf, offsets[i], n, NULL));
		CHECK(matches(buf, offsets[i], n));
	}
	CHECK_STATUS(capsa_reader_read(r, buf, BIG, 1, NULL), CAPSA_ERR_RANGE);
	capsa_reader_close(r);
	free(buf);
}

int main(void)
{
	char path[] = "/tmp/capsa-slow-XXXXXX";
	uint8_t seed[32];
	capsa_identity id;
	capsa_recipient r;
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	memset(seed, 0x42, sizeof seed);
	CHECK_OK(capsa_identity_from_seed(&id, seed));
	capsa_identity_recipient(&r, &id);
	seal_big(fd, &r);
	close(fd);
	read_big(path, &u);
	open_big(path, &u);
	unlink(path);
	capsa_identity_wipe(&id);
	return check_summary();
}
