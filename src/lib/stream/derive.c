/* C2SP chunked encryption v1: the key schedule, chunk nonces, sizes. */
#include "stream/internal.h"

#include <stdlib.h>
#include <string.h>

static const char label[] = "c2sp.org/chunked-encryption@v1+";

/* The spec names AEADs as in RFC 5116's registry. */
static const char *aead_name(capsa_aead_alg alg)
{
	switch (alg) {
	case CAPSA_AEAD_AES_256_GCM: return "AEAD_AES_256_GCM";
	case CAPSA_AEAD_CHACHA20_POLY1305: return "AEAD_CHACHA20_POLY1305";
	}
	return NULL;
}

capsa_status stream_derive(stream_keys *out, const capsa_stream_params *p,
                           const uint8_t salt[CAPSA_STREAM_SALT_BYTES])
{
	const char *name = aead_name(p->alg);
	size_t label_len = sizeof label - 1, name_len, info_len;
	uint8_t okm[sizeof *out], *info = NULL, *w;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if (name == NULL)
		return CAPSA_ERR_UNSUPPORTED;
	/* The input key is the HKDF PRK itself, so it must be a full-strength 32 bytes. */
	if (p->key == NULL || p->key_len != CAPSA_SHA256_BYTES || (p->context == NULL && p->context_len != 0))
		return CAPSA_ERR_ARG;
	name_len = strlen(name);
	info_len = label_len + name_len + 1 + CAPSA_STREAM_SALT_BYTES + p->context_len;
	if (info_len < p->context_len || (info = malloc(info_len)) == NULL)
		return CAPSA_ERR_NOMEM;
	w = info;
	memcpy(w, label, label_len), w += label_len;
	memcpy(w, name, name_len), w += name_len;
	*w++ = 0x00;
	memcpy(w, salt, CAPSA_STREAM_SALT_BYTES), w += CAPSA_STREAM_SALT_BYTES;
	if (p->context_len > 0)
		memcpy(w, p->context, p->context_len);
	st = capsa_hkdf_expand(okm, sizeof okm, p->key, info, info_len);
	if (st == CAPSA_OK) {
		memcpy(out->key, okm, sizeof out->key);
		memcpy(out->base_nonce, okm + sizeof out->key, sizeof out->base_nonce);
		memcpy(out->commitment, okm + sizeof out->key + sizeof out->base_nonce, sizeof out->commitment);
	}
	capsa_wipe(okm, sizeof okm);
	free(info); /* public: label, salt and context only */
	return st;
}

void stream_nonce(uint8_t nonce[CAPSA_AEAD_NONCEBYTES], const uint8_t base[CAPSA_AEAD_NONCEBYTES],
                  uint64_t index)
{
	memcpy(nonce, base, CAPSA_AEAD_NONCEBYTES);
	for (int i = 0; i < 8; i++)
		nonce[CAPSA_AEAD_NONCEBYTES - 1 - i] ^= (uint8_t)(index >> (8 * i));
}

uint64_t capsa_stream_ciphertext_len(uint64_t plaintext_len)
{
	uint64_t full = plaintext_len / CAPSA_STREAM_CHUNK_BYTES;
	uint64_t rest = plaintext_len % CAPSA_STREAM_CHUNK_BYTES;

	/* Saturates rather than wraps; no real stream comes near. */
	if (full > (UINT64_MAX - CAPSA_STREAM_PREFIX_BYTES - CAPSA_STREAM_CHUNK_CT_BYTES) / CAPSA_STREAM_CHUNK_CT_BYTES)
		return UINT64_MAX;
	return CAPSA_STREAM_PREFIX_BYTES + full * CAPSA_STREAM_CHUNK_CT_BYTES + rest + CAPSA_AEAD_TAGBYTES;
}
