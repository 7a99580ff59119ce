/* Random draws, in the sizes and order rust-umbral makes them. */
#include "umbral/umbral_internal.h"

#include "crypto/crypto.h"

/* A source that keeps returning out-of-range scalars is broken, not unlucky. */
#define MAX_SCALAR_DRAWS 64

capsa_status umb_draw(const capsa_umbral_rng *rng, uint8_t *out, size_t len)
{
	if (rng == NULL || rng->fill == NULL)
		return capsa_random(out, len);
	return rng->fill(rng->ctx, out, len);
}

capsa_status umb_draw_scalar(const capsa_umbral_rng *rng, capsa_ec_scalar *out)
{
	uint8_t b[32];
	capsa_status st = CAPSA_ERR_INTERNAL;

	for (int i = 0; i < MAX_SCALAR_DRAWS; i++) {
		if ((st = umb_draw(rng, b, sizeof b)) != CAPSA_OK)
			break;
		if ((st = capsa_ec_scalar_parse(out, b)) == CAPSA_OK)
			break;
		st = CAPSA_ERR_INTERNAL;
	}
	capsa_wipe(b, sizeof b);
	return st;
}
