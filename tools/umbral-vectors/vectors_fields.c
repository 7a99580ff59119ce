/* Reading the fields of a vectors file: every accessor tolerates a missing or malformed member. */
#include <stdlib.h>
#include <string.h>

#include "umbral-vectors/vectors_internal.h"

void umb_v_record(checker *c, bool ok, const char *what)
{
	if (ok) {
		c->res->passed++;
		return;
	}
	c->res->failed++;
	if (c->log != NULL)
		fprintf(c->log, "FAIL %s: %s\n", c->where, what);
}

const char *umb_v_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

bool umb_v_hex_fixed(const char *hex, uint8_t *out, size_t len)
{
	size_t n = 0;
	uint8_t *b = umb_hex_decode(hex, &n);
	bool ok = b != NULL && n == len;

	if (ok)
		memcpy(out, b, len);
	free(b);
	return ok;
}

bool umb_v_fixed(const json_t *o, const char *key, uint8_t *out, size_t len)
{
	return umb_v_hex_fixed(umb_v_str(o, key), out, len);
}

bool umb_v_same_hex(const char *hex, const uint8_t *p, size_t len)
{
	size_t n = 0;
	uint8_t *b = umb_hex_decode(hex, &n);
	bool ok = b != NULL && n == len && memcmp(b, p, len) == 0;

	free(b);
	return ok;
}

capsa_status umb_v_sk(const json_t *o, const char *key, capsa_umbral_secret_key *sk)
{
	uint8_t b[32];
	return umb_v_fixed(o, key, b, 32) ? capsa_umbral_secret_key_from_bytes(sk, b) : CAPSA_ERR_DECODE;
}

capsa_status umb_v_pk(const json_t *o, const char *key, capsa_umbral_public_key *pk)
{
	uint8_t b[33];
	return umb_v_fixed(o, key, b, 33) ? capsa_umbral_public_key_from_bytes(pk, b) : CAPSA_ERR_DECODE;
}

capsa_status umb_v_capsule(capsa_umbral_capsule *capsule, const char *hex)
{
	size_t n = 0;
	uint8_t *b = umb_hex_decode(hex, &n);
	capsa_status st = b != NULL ? capsa_umbral_capsule_from_bytes(capsule, b, n) : CAPSA_ERR_DECODE;

	free(b);
	return st;
}

capsa_status umb_v_kfrag(capsa_umbral_kfrag *kfrag, const char *hex)
{
	size_t n = 0;
	uint8_t *b = umb_hex_decode(hex, &n);
	capsa_status st = b != NULL ? capsa_umbral_kfrag_from_bytes(kfrag, b, n) : CAPSA_ERR_DECODE;

	free(b);
	return st;
}

capsa_status umb_v_cfrag(capsa_umbral_cfrag *cfrag, const char *hex)
{
	size_t n = 0;
	uint8_t *b = umb_hex_decode(hex, &n);
	capsa_status st = b != NULL ? capsa_umbral_cfrag_from_bytes(cfrag, b, n) : CAPSA_ERR_DECODE;

	free(b);
	return st;
}
