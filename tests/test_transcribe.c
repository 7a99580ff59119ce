/*
 * tests/test_transcribe.c - capsa_transcribe, a keeper's copy of a signed
 * file for one recipient: it opens for that recipient only, with the
 * producer as the required signer (the plaintext proved the producer's
 * without the original CEK), under a key of its own (ciphertexts differ from
 * the original's and from each other); an unsigned original and a damaged
 * chunk are refused.
 */
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

enum { PRODUCER, KEEPER, ALICE, BOB, NUM_IDS };
static capsa_identity ids[NUM_IDS];
static capsa_recipient recs[NUM_IDS];

/* A file in /tmp that the test removes; its descriptor. */
typedef struct tmpfile_ {
	char path[64];
	int fd;
} tmpfile_;

static capsa_status fd_sink(void *arg, const uint8_t *data, size_t len)
{
	tmpfile_ *t = arg;
	return write(t->fd, data, len) == (ssize_t)len ? CAPSA_OK : CAPSA_ERR_IO;
}

static void tmp_new(tmpfile_ *t)
{
	snprintf(t->path, sizeof t->path, "/tmp/capsa-transcribe-XXXXXX");
	t->fd = mkstemp(t->path);
	CHECK(t->fd >= 0);
}

static void tmp_free(tmpfile_ *t)
{
	close(t->fd);
	unlink(t->path);
}

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 131 + i / 7919) % 251);
	return p;
}

/* Seals |pt| to the keeper, signed by |signer| (NULL: unsigned). */
static void seal_to_keeper(tmpfile_ *t, const uint8_t *pt, size_t len, const capsa_identity *signer)
{
	capsa_seal_opts o = {.threads = 2, .plaintext_len = len, .recipients = &recs[KEEPER], .num_recipients = 1,
	                     .signer = signer};
	capsa_seal *s = NULL;

	tmp_new(t);
	CHECK_OK(capsa_seal_new(&s, &o, fd_sink, t));
	CHECK_OK(capsa_seal_write(s, pt, len));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
}

static capsa_reader *reader_as(const tmpfile_ *t, int who, const uint8_t *signer, capsa_status want)
{
	capsa_unlock u = {.identities = &ids[who], .num_identities = 1, .require_signer = signer};
	capsa_reader *r = NULL;

	CHECK_STATUS(capsa_reader_open_fd(&r, t->fd, &u), want);
	return r;
}

/* The keeper's copy of |orig| for |to|. */
static capsa_status transcribe(const tmpfile_ *orig, int to, tmpfile_ *copy)
{
	capsa_transcribe_opts o = {.recipient = &recs[to], .signer = &ids[KEEPER], .threads = 3};
	capsa_reader *r = reader_as(orig, KEEPER, NULL, CAPSA_OK);
	capsa_status st = CAPSA_ERR_IO;

	tmp_new(copy);
	if (r != NULL)
		st = capsa_transcribe(r, &o, fd_sink, copy);
	capsa_reader_close(r);
	return st;
}

static bool same_bytes(const tmpfile_ *a, const tmpfile_ *b, off_t at, size_t len)
{
	uint8_t x[256], y[256];
	return len <= sizeof x && pread(a->fd, x, len, at) == (ssize_t)len && pread(b->fd, y, len, at) == (ssize_t)len &&
	       memcmp(x, y, len) == 0;
}

static void test_copy(void)
{
	size_t len = (9u << 20) + 777; /* over one 8 MiB block, and a partial chunk */
	uint8_t *pt = pattern(len), *back = malloc(len);
	tmpfile_ orig, copy, again;

	seal_to_keeper(&orig, pt, len, &ids[PRODUCER]);
	CHECK_OK(transcribe(&orig, ALICE, &copy));
	CHECK_OK(transcribe(&orig, ALICE, &again));

	/* Alice opens it, requiring the producer: the plaintext is proved the producer's */
	capsa_reader *r = reader_as(&copy, ALICE, ids[PRODUCER].ed25519_public, CAPSA_OK);
	if (r != NULL) {
		CHECK(capsa_reader_size(r) == len);
		CHECK_OK(capsa_reader_read(r, back, 0, len, NULL));
		CHECK(memcmp(back, pt, len) == 0);
		CHECK((capsa_reader_checks(r) & CAPSA_CHECKED_ORIGIN) != 0);
		CHECK(capsa_reader_header(r)->copy);
	}
	capsa_reader_close(r);
	/* and the keeper signed it */
	r = reader_as(&copy, ALICE, ids[KEEPER].ed25519_public, CAPSA_OK);
	capsa_reader_close(r);

	/* nobody else opens it, not even the keeper */
	CHECK(reader_as(&copy, BOB, NULL, CAPSA_ERR_NO_MATCH) == NULL);
	CHECK(reader_as(&copy, KEEPER, NULL, CAPSA_ERR_NO_MATCH) == NULL);
	/* another key: the ciphertext differs from the original's and between copies */
	CHECK(!same_bytes(&orig, &copy, 8 << 20, 64));
	CHECK(!same_bytes(&copy, &again, 8 << 20, 64));
	/* a copy's copy carries the first original's origin: still the producer's */
	{
		tmpfile_ second;
		capsa_transcribe_opts o = {.recipient = &recs[BOB], .signer = &ids[KEEPER]};
		capsa_reader *ra = reader_as(&copy, ALICE, NULL, CAPSA_OK);
		tmp_new(&second);
		if (ra != NULL)
			CHECK_OK(capsa_transcribe(ra, &o, fd_sink, &second));
		capsa_reader_close(ra);
		capsa_reader *rb = reader_as(&second, BOB, ids[PRODUCER].ed25519_public, CAPSA_OK);
		if (rb != NULL) {
			CHECK_OK(capsa_reader_read(rb, back, len - 4096, 4096, NULL));
			CHECK(memcmp(back, pt + len - 4096, 4096) == 0);
		}
		capsa_reader_close(rb);
		tmp_free(&second);
	}
	tmp_free(&again);
	tmp_free(&copy);
	tmp_free(&orig);
	free(back);
	free(pt);
}

static void test_refusals(void)
{
	size_t len = 100000;
	uint8_t *pt = pattern(len), byte;
	tmpfile_ orig, copy;

	/* an unsigned original carries no provenance to copy */
	seal_to_keeper(&orig, pt, len, NULL);
	CHECK_STATUS(transcribe(&orig, ALICE, &copy), CAPSA_ERR_ARG);
	tmp_free(&copy);
	tmp_free(&orig);

	/* a damaged chunk: the copy fails, naming no plaintext */
	seal_to_keeper(&orig, pt, len, &ids[PRODUCER]);
	CHECK(pread(orig.fd, &byte, 1, 50000) == 1);
	byte ^= 1;
	CHECK(pwrite(orig.fd, &byte, 1, 50000) == 1);
	capsa_status st = transcribe(&orig, ALICE, &copy);
	CHECK(st == CAPSA_ERR_CHUNK_AUTH || st == CAPSA_ERR_TREE);
	{ /* whatever reached the sink is no copy */
		capsa_unlock u = {.identities = &ids[ALICE], .num_identities = 1};
		capsa_reader *bad = NULL;
		CHECK(capsa_reader_open_fd(&bad, copy.fd, &u) != CAPSA_OK && bad == NULL);
		capsa_reader_close(bad);
	}
	tmp_free(&copy);
	tmp_free(&orig);

	capsa_transcribe_opts none = {0};
	CHECK_STATUS(capsa_transcribe(NULL, &none, fd_sink, NULL), CAPSA_ERR_ARG);
	free(pt);
}

int main(void)
{
	for (int i = 0; i < NUM_IDS; i++) {
		CHECK_OK(capsa_identity_generate(&ids[i]));
		capsa_identity_recipient(&recs[i], &ids[i]);
	}
	test_copy();
	test_refusals();
	for (int i = 0; i < NUM_IDS; i++)
		capsa_identity_wipe(&ids[i]);
	return check_summary();
}
