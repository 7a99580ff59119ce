/* The sim platform key and its file. SIMULATED: anyone can make one; it proves nothing. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <capsa/attest.h>
#include <capsa/file.h>
#include <capsa/util.h>

#include "crypto/crypto.h"

static const char header[] = "CAPSA-SIM-PLATFORM-KEY-1 SIMULATED, development only\n";

_Static_assert(sizeof header - 1 + 2 * CAPSA_SIM_SEEDBYTES + 1 == CAPSA_SIM_KEYFILE_BYTES,
               "CAPSA_SIM_KEYFILE_BYTES is the header, the hex seed and a newline");

capsa_status capsa_sim_keygen(uint8_t seed[CAPSA_SIM_SEEDBYTES], uint8_t pub[CAPSA_SIM_PUBLICBYTES])
{
	capsa_status st;

	if ((st = capsa_random(seed, CAPSA_SIM_SEEDBYTES)) == CAPSA_OK)
		st = capsa_ed25519_public(pub, seed);
	if (st != CAPSA_OK)
		capsa_wipe(seed, CAPSA_SIM_SEEDBYTES);
	return st;
}

void capsa_sim_key_encode(char out[CAPSA_SIM_KEYFILE_BYTES + 1], const uint8_t seed[CAPSA_SIM_SEEDBYTES])
{
	memcpy(out, header, sizeof header - 1);
	capsa_hex_encode(out + sizeof header - 1, seed, CAPSA_SIM_SEEDBYTES);
	out[CAPSA_SIM_KEYFILE_BYTES - 1] = '\n';
	out[CAPSA_SIM_KEYFILE_BYTES] = '\0';
}

capsa_status capsa_sim_key_decode(uint8_t seed[CAPSA_SIM_SEEDBYTES], const uint8_t *file, size_t len)
{
	size_t hl = sizeof header - 1, n;
	char hex[2 * CAPSA_SIM_SEEDBYTES + 1];
	capsa_status st = CAPSA_ERR_KEY;

	if (len == CAPSA_SIM_KEYFILE_BYTES && memcmp(file, header, hl) == 0 && file[len - 1] == '\n') {
		memcpy(hex, file + hl, 2 * CAPSA_SIM_SEEDBYTES);
		hex[2 * CAPSA_SIM_SEEDBYTES] = '\0';
		if (capsa_hex_decode(seed, CAPSA_SIM_SEEDBYTES, &n, hex) && n == CAPSA_SIM_SEEDBYTES)
			st = CAPSA_OK;
		capsa_wipe(hex, sizeof hex);
	}
	if (st != CAPSA_OK)
		capsa_wipe(seed, CAPSA_SIM_SEEDBYTES);
	return st;
}

capsa_status capsa_sim_key_write(const char *path, const uint8_t seed[CAPSA_SIM_SEEDBYTES])
{
	char text[CAPSA_SIM_KEYFILE_BYTES + 1];
	capsa_status st;

	capsa_sim_key_encode(text, seed);
	st = capsa_secret_file_write(path, text, CAPSA_SIM_KEYFILE_BYTES, NULL);
	capsa_wipe(text, sizeof text);
	return st;
}
