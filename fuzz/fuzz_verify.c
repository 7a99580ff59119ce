/*
 * capsa verify on arbitrary file bytes: the keyless verifier (header,
 * splitting, trees, trailer) and, over the same bytes, a streaming open with
 * the identity the vectors are sealed to (seed 01 01 ... 01). Each must end
 * in a status; and a signed file that opens must also verify without a key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "fuzz.h"

static capsa_identity id;
static int file_fd = -1;

static capsa_status discard(void *arg, const uint8_t *data, size_t len)
{
	(void)arg, (void)data, (void)len;
	return CAPSA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	capsa_verify_result res;
	capsa_open *o = NULL;
	capsa_status opened, verified;

	if (file_fd < 0) {
		uint8_t seed[32];
		FILE *f = tmpfile();
		memset(seed, 0x01, sizeof seed);
		if (capsa_identity_from_seed(&id, seed) != CAPSA_OK || f == NULL)
			abort();
		file_fd = fileno(f);
	}
	if (ftruncate(file_fd, 0) != 0 || pwrite(file_fd, data, size, 0) != (ssize_t)size ||
	    lseek(file_fd, 0, SEEK_SET) != 0)
		abort();
	verified = capsa_verify_fd(&res, file_fd, NULL);
	if (capsa_open_new(&o, &u, 1, discard, NULL) != CAPSA_OK)
		abort();
	opened = capsa_open_write(o, data, size);
	if (opened == CAPSA_OK)
		opened = capsa_open_finish(o);
	if (opened == CAPSA_OK && (capsa_open_checks(o) & CAPSA_CHECKED_CIPHERTEXT) != 0 && verified != CAPSA_OK)
		abort();
	capsa_open_free(o);
	return 0;
}
