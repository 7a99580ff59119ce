/* The measurement of a program: SHA-256 of its bytes. */
#include <errno.h>
#include <unistd.h>

#include <capsa/attest.h>

#include "crypto/crypto.h"

capsa_status capsa_attest_measure_fd(uint8_t out[32], int fd)
{
	uint8_t buf[1 << 16];
	capsa_sha256_ctx ctx = {0};
	capsa_status st = capsa_sha256_init(&ctx);
	ssize_t n;

	while (st == CAPSA_OK && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		st = n < 0 ? CAPSA_ERR_IO : capsa_sha256_update(&ctx, buf, (size_t)n);
	}
	if (st == CAPSA_OK)
		st = capsa_sha256_final(&ctx, out);
	capsa_sha256_cleanup(&ctx);
	return st;
}
