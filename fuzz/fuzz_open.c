/*
 * The open path on arbitrary file bytes, with the fixed identity that the
 * vectors in tests/vectors/capsa/ are sealed to (seed 01 01 ... 01): header
 * parsing, stanza unwrapping, MAC check and payload decryption, streaming and
 * through the random-access reader. Each must end in a status; a chunk that
 * fails must not have released more than the chunks before it; and whatever
 * the streaming opener accepts, the reader must accept with the same
 * plaintext.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "crypto/crypto.h"
#include "fuzz.h"

struct digest {
	capsa_sha256_ctx ctx;
	size_t len;
};

static capsa_status digest_sink(void *arg, const uint8_t *data, size_t len)
{
	struct digest *d = arg;
	d->len += len;
	return capsa_sha256_update(&d->ctx, data, len);
}

static capsa_identity id;
static int file_fd = -1;

static void setup(void)
{
	uint8_t seed[CAPSA_IDENTITY_SEEDBYTES];
	FILE *f = tmpfile();

	memset(seed, 0x01, sizeof seed);
	if (capsa_identity_from_seed(&id, seed) != CAPSA_OK || f == NULL)
		abort();
	file_fd = fileno(f); /* kept open for the whole run */
}

/* Streams |data| through capsa_open in two writes; returns the status and the plaintext digest. */
static capsa_status stream_open(const uint8_t *data, size_t size, const capsa_unlock *u, uint8_t out[32])
{
	struct digest d = {0};
	capsa_open *o = NULL;
	size_t half = size / 2;
	capsa_status st;

	if (capsa_sha256_init(&d.ctx) != CAPSA_OK || capsa_open_new(&o, u, 1, digest_sink, &d) != CAPSA_OK)
		abort();
	st = capsa_open_write(o, data, half);
	if (st == CAPSA_OK)
		st = capsa_open_write(o, data + half, size - half);
	if (st == CAPSA_OK)
		st = capsa_open_finish(o);
	if (st == CAPSA_ERR_CHUNK_AUTH && d.len != capsa_open_bad_chunk(o) * CAPSA_CHUNK_BYTES)
		abort();
	if (capsa_sha256_final(&d.ctx, out) != CAPSA_OK)
		abort();
	capsa_open_free(o);
	return st;
}

/* Reads the whole plaintext through a reader over the same bytes; returns the status and digest. */
static capsa_status reader_open(const uint8_t *data, size_t size, const capsa_unlock *u, uint8_t out[32])
{
	capsa_reader *r = NULL;
	capsa_sha256_ctx ctx;
	uint8_t buf[20000];
	capsa_status st;

	if (ftruncate(file_fd, 0) != 0 || pwrite(file_fd, data, size, 0) != (ssize_t)size)
		abort();
	if ((st = capsa_reader_open_fd(&r, file_fd, u)) != CAPSA_OK)
		return st;
	if (capsa_sha256_init(&ctx) != CAPSA_OK)
		abort();
	for (uint64_t at = 0; st == CAPSA_OK && at < capsa_reader_size(r); at += sizeof buf) {
		size_t n = capsa_reader_size(r) - at < sizeof buf ? (size_t)(capsa_reader_size(r) - at) : sizeof buf;
		if ((st = capsa_reader_read(r, buf, at, n, NULL)) == CAPSA_OK && capsa_sha256_update(&ctx, buf, n) != CAPSA_OK)
			abort();
	}
	if (capsa_sha256_final(&ctx, out) != CAPSA_OK)
		abort();
	capsa_reader_close(r);
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	uint8_t streamed[32], via_reader[32];
	capsa_status streaming, random_access;

	if (file_fd < 0)
		setup();
	streaming = stream_open(data, size, &u, streamed);
	random_access = reader_open(data, size, &u, via_reader); /* always: its own parsing is under test too */
	if (streaming == CAPSA_OK && (random_access != CAPSA_OK || memcmp(streamed, via_reader, 32) != 0))
		abort();
	return 0;
}
