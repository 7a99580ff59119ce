/*
 * The random-access reader over arbitrary bytes of a signed file: opening it
 * (trailer from the end, manifest, signature, origin) and range reads, each
 * checked against the signed roots with nodes from the trailer. Each must
 * end in a status, a failed read must leave its buffer zeroed, and whatever
 * a full streaming open accepts (and checked, for a copy), every range read
 * must return the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "fuzz.h"

typedef struct collected {
	uint8_t *data;
	size_t len;
} collected;

static capsa_status collect(void *arg, const uint8_t *data, size_t len)
{
	collected *c = arg;
	uint8_t *p = realloc(c->data, c->len + len + 1);
	if (p == NULL)
		abort();
	memcpy(p + c->len, data, len);
	c->data = p;
	c->len += len;
	return CAPSA_OK;
}

static capsa_identity id;
static int file_fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_unlock u = {.identities = &id, .num_identities = 1, .check_commitments = true};
	collected pt = {0};
	capsa_open *o = NULL;
	capsa_reader *r = NULL;
	capsa_status opened;
	uint8_t buf[3 * CAPSA_CHUNK_BYTES];

	if (file_fd < 0) {
		uint8_t seed[32];
		FILE *f = tmpfile();
		memset(seed, 0x01, sizeof seed);
		if (capsa_identity_from_seed(&id, seed) != CAPSA_OK || f == NULL)
			abort();
		file_fd = fileno(f);
	}
	if (capsa_open_new(&o, &u, 1, collect, &pt) != CAPSA_OK)
		abort();
	opened = capsa_open_write(o, data, size);
	if (opened == CAPSA_OK)
		opened = capsa_open_finish(o);
	/* a copy streamed through the push API has its plaintext unchecked: the reader may rightly refuse it */
	if (opened == CAPSA_OK && capsa_open_header(o)->copy && (capsa_open_checks(o) & CAPSA_CHECKED_PLAINTEXT) == 0)
		opened = CAPSA_ERR_TREE;
	capsa_open_free(o);
	if (ftruncate(file_fd, 0) != 0 || pwrite(file_fd, data, size, 0) != (ssize_t)size)
		abort();
	if (capsa_reader_open_fd(&r, file_fd, &u) == CAPSA_OK) {
		uint64_t total = capsa_reader_size(r);
		/* ranges from the input's own bytes: a chunk edge, a middle, the end */
		uint64_t starts[3] = {0, size > 9 ? data[size - 1] * 977u : 1, total > 10 ? total - 10 : 0};
		for (int i = 0; i < 3; i++) {
			uint64_t at = total == 0 ? 0 : starts[i] % total;
			size_t n = total - at < sizeof buf ? (size_t)(total - at) : sizeof buf;
			capsa_status st = capsa_reader_read(r, buf, at, n, NULL);
			if (st != CAPSA_OK)
				for (size_t j = 0; j < n; j++)
					if (buf[j] != 0)
						abort();
			if (opened == CAPSA_OK && (st != CAPSA_OK || pt.len != total || memcmp(buf, pt.data + at, n) != 0))
				abort();
		}
		capsa_reader_close(r);
	} else if (opened == CAPSA_OK && size > 0) {
		abort();
	}
	free(pt.data);
	return 0;
}
