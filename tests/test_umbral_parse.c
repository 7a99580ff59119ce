/*
 * The strict parsers: the canonical bytes of the reference round-trip, and
 * each kind of malformation is refused with its own status.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "check.h"

/* p (a prime) is not a valid x; 0x..07 with prefix 02 is not on the curve (x^3+7 must be a square) */
static const uint8_t x_ge_p[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f};
static const uint8_t n_bytes[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                    0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

static uint8_t *ref_object(const char *key, size_t index, size_t *len)
{
	json_t *root = vector_load("umbral/umbral-pre-0.10.0.json");
	json_t *cs = json_array_get(json_object_get(root, "cases"), 0), *v = json_object_get(cs, key);
	uint8_t *b = hex_decode(json_string_value(json_is_array(v) ? json_array_get(v, index) : v), len);
	json_decref(root);
	return b;
}

typedef capsa_status (*parse_fn)(void *obj, const uint8_t *in, size_t len);

static capsa_status parse_capsule(void *o, const uint8_t *in, size_t len) { return capsa_umbral_capsule_from_bytes(o, in, len); }
static capsa_status parse_kfrag(void *o, const uint8_t *in, size_t len) { return capsa_umbral_kfrag_from_bytes(o, in, len); }
static capsa_status parse_cfrag(void *o, const uint8_t *in, size_t len) { return capsa_umbral_cfrag_from_bytes(o, in, len); }

/* Parses |good| with bytes [off, off+n) replaced by |with|. */
static capsa_status mutated(parse_fn parse, const uint8_t *good, size_t len, size_t off, const void *with, size_t n)
{
	uint8_t *b = malloc(len + 1), obj[1024];
	capsa_status st;

	memcpy(b, good, len);
	memcpy(b + off, with, n);
	st = parse(obj, b, len);
	free(b);
	return st;
}

/* Framing common to all three: truncation anywhere, a trailing byte, a wrong array header, bin16 for bin8. */
static void framing(const char *what, parse_fn parse, const uint8_t *good, size_t len)
{
	uint8_t obj[1024], *b = malloc(len + 2);

	check_context("%s framing", what);
	CHECK_OK(parse(obj, good, len));
	for (size_t cut = 0; cut < len; cut++)
		CHECK_STATUS(parse(obj, good, cut), CAPSA_ERR_TRUNCATED);
	memcpy(b, good, len);
	b[len] = 0;
	CHECK_STATUS(parse(obj, b, len + 1), CAPSA_ERR_TRAILING);
	CHECK_STATUS(mutated(parse, good, len, 0, "\x94", 1), CAPSA_ERR_DECODE);
	CHECK_STATUS(mutated(parse, good, len, 0, "\xdc", 1), CAPSA_ERR_DECODE); /* array16 */
	/* bin16 with the same length: one byte longer */
	b[0] = good[0];
	memcpy(b + 1, "\xc5\x00", 2);
	memcpy(b + 3, good + 2, len - 2);
	CHECK_STATUS(parse(obj, b, len + 1), CAPSA_ERR_DECODE);
	free(b);
}

static void capsule_parser(void)
{
	size_t len;
	uint8_t *good = ref_object("capsule", 0, &len), out[CAPSA_UMBRAL_CAPSULE_BYTES], simple[98];
	capsa_umbral_capsule c;

	framing("capsule", parse_capsule, good, len);
	check_context("capsule fields");
	CHECK_OK(capsa_umbral_capsule_from_bytes(&c, good, len));
	capsa_umbral_capsule_to_bytes(out, &c);
	CHECK(len == sizeof out && memcmp(out, good, len) == 0);
	CHECK_STATUS(mutated(parse_capsule, good, len, 3, "\x00", 1), CAPSA_ERR_DECODE); /* identity / bad prefix */
	CHECK_STATUS(mutated(parse_capsule, good, len, 3, "\x04", 1), CAPSA_ERR_DECODE); /* uncompressed prefix */
	CHECK_STATUS(mutated(parse_capsule, good, len, 4, x_ge_p, 32), CAPSA_ERR_KEY);
	CHECK_STATUS(mutated(parse_capsule, good, len, 73, n_bytes, 32), CAPSA_ERR_KEY); /* s = n */
	CHECK_STATUS(mutated(parse_capsule, good, len, 73, (uint8_t[32]){0}, 32), CAPSA_ERR_KEY); /* s = 0 */
	CHECK_STATUS(mutated(parse_capsule, good, len, 2, "\x20", 1), CAPSA_ERR_DECODE); /* bin8 of a wrong length */
	CHECK_STATUS(mutated(parse_capsule, good, len, 1, "\xa1", 1), CAPSA_ERR_DECODE); /* str for bin */
	CHECK_STATUS(mutated(parse_capsule, good, len, 104, "\x00", 1), CAPSA_ERR_PROOF);
	capsa_umbral_capsule_to_bytes_simple(simple, &c);
	CHECK_OK(capsa_umbral_capsule_from_bytes_simple(&c, simple, sizeof simple));
	CHECK_STATUS(capsa_umbral_capsule_from_bytes_simple(&c, simple, sizeof simple - 1), CAPSA_ERR_TRUNCATED);
	free(good);
}

static void kfrag_parser(void)
{
	size_t len;
	uint8_t *good = ref_object("kfrags", 0, &len), out[CAPSA_UMBRAL_KFRAG_BYTES];
	capsa_umbral_kfrag k;

	framing("kfrag", parse_kfrag, good, len);
	check_context("kfrag fields");
	CHECK_OK(capsa_umbral_kfrag_from_bytes(&k, good, len));
	capsa_umbral_kfrag_to_bytes(out, &k);
	CHECK(len == sizeof out && memcmp(out, good, len) == 0);
	/* U is field 0 of the inner array at offset 4; another valid point is another scheme's U */
	CHECK_STATUS(mutated(parse_kfrag, good, len, 4, good + 107, 33), CAPSA_ERR_UNSUPPORTED);
	CHECK_STATUS(mutated(parse_kfrag, good, len, 73, n_bytes, 32), CAPSA_ERR_KEY);                   /* rk = n */
	CHECK_STATUS(mutated(parse_kfrag, good, len, 107, "\x05", 1), CAPSA_ERR_DECODE);                  /* precursor prefix */
	CHECK_STATUS(mutated(parse_kfrag, good, len, 178 + 32, n_bytes, 32), CAPSA_ERR_DECODE);           /* s = n */
	CHECK_STATUS(mutated(parse_kfrag, good, len, 308, "\x01", 1), CAPSA_ERR_DECODE);                  /* not a bool */
	{ /* high S: s' = n - s verifies in the reference, but is not canonical */
		uint8_t b[CAPSA_UMBRAL_KFRAG_BYTES], *s = b + 210;
		unsigned borrow = 0;
		memcpy(b, good, len);
		for (int i = 31; i >= 0; i--) {
			int d = n_bytes[i] - s[i] - (int)borrow;
			borrow = d < 0;
			s[i] = (uint8_t)(d + (borrow ? 256 : 0));
		}
		CHECK_STATUS(capsa_umbral_kfrag_from_bytes(&k, b, len), CAPSA_ERR_DECODE);
	}
	capsa_umbral_kfrag_wipe(&k);
	free(good);
}

static void cfrag_parser(void)
{
	size_t len;
	uint8_t *good = ref_object("cfrags", 0, &len), out[CAPSA_UMBRAL_CFRAG_BYTES], simple[359];
	capsa_umbral_cfrag c;

	framing("cfrag", parse_cfrag, good, len);
	check_context("cfrag fields");
	CHECK_OK(capsa_umbral_cfrag_from_bytes(&c, good, len));
	capsa_umbral_cfrag_to_bytes(out, &c);
	CHECK(len == sizeof out && memcmp(out, good, len) == 0);
	CHECK_STATUS(mutated(parse_cfrag, good, len, 107, "\x00", 1), CAPSA_ERR_DECODE); /* precursor: identity */
	CHECK_STATUS(mutated(parse_cfrag, good, len, 144, x_ge_p, 32), CAPSA_ERR_KEY);   /* e2.x >= p */
	CHECK_STATUS(mutated(parse_cfrag, good, len, 283, (uint8_t[32]){0}, 32), CAPSA_ERR_KEY); /* z = 0 */
	CHECK_STATUS(mutated(parse_cfrag, good, len, 140, "\x95", 1), CAPSA_ERR_DECODE); /* proof array of 5 */
	capsa_umbral_cfrag_to_bytes_simple(simple, &c);
	CHECK_OK(capsa_umbral_cfrag_from_bytes_simple(&c, simple, sizeof simple));
	CHECK_STATUS(capsa_umbral_cfrag_from_bytes_simple(&c, simple, sizeof simple - 1), CAPSA_ERR_TRUNCATED);
	free(good);
}

static void keys(void)
{
	capsa_umbral_secret_key sk;
	capsa_umbral_public_key pk;
	uint8_t p[33] = {0x02};

	check_context("keys");
	CHECK_STATUS(capsa_umbral_secret_key_from_bytes(&sk, n_bytes), CAPSA_ERR_KEY);
	CHECK_STATUS(capsa_umbral_secret_key_from_bytes(&sk, (uint8_t[32]){0}), CAPSA_ERR_KEY);
	memcpy(p + 1, x_ge_p, 32);
	CHECK_STATUS(capsa_umbral_public_key_from_bytes(&pk, p), CAPSA_ERR_KEY);
	p[0] = 0;
	CHECK_STATUS(capsa_umbral_public_key_from_bytes(&pk, p), CAPSA_ERR_DECODE);
}

int main(void)
{
	capsule_parser();
	kfrag_parser();
	cfrag_parser();
	keys();
	return check_summary();
}
