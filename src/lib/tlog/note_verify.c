/* Signed-note keys (key ids, vkeys) and verification of a note's signature lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/util.h>

#include "crypto/crypto.h"
#include "tlog/tlog_internal.h"

capsa_status capsa_note_key_id(uint32_t *out, const char *name, uint8_t type, const uint8_t public_key[32])
{
	uint8_t head[2] = {'\n', type}, h[CAPSA_SHA256_BYTES];
	capsa_sha256_ctx ctx = {0};
	capsa_status st;

	*out = 0;
	if (name == NULL || !tlog_valid_name(name, strlen(name)))
		return CAPSA_ERR_ARG;
	if ((st = capsa_sha256_init(&ctx)) != CAPSA_OK)
		return st;
	if ((st = capsa_sha256_update(&ctx, name, strlen(name))) != CAPSA_OK ||
	    (st = capsa_sha256_update(&ctx, head, sizeof head)) != CAPSA_OK ||
	    (st = capsa_sha256_update(&ctx, public_key, 32)) != CAPSA_OK) {
		capsa_sha256_cleanup(&ctx);
		return st;
	}
	if ((st = capsa_sha256_final(&ctx, h)) != CAPSA_OK)
		return st;
	*out = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	return CAPSA_OK;
}

capsa_status capsa_note_verifier_init(capsa_note_verifier *v, const char *name, uint8_t type,
                                      const uint8_t public_key[32])
{
	capsa_status st;

	*v = (capsa_note_verifier){0};
	if (type != CAPSA_NOTE_ED25519 && type != CAPSA_NOTE_COSIGNATURE)
		return CAPSA_ERR_UNSUPPORTED;
	if ((st = capsa_note_key_id(&v->key_id, name, type, public_key)) != CAPSA_OK)
		return st;
	memcpy(v->name, name, strlen(name) + 1);
	v->type = type;
	memcpy(v->public_key, public_key, 32);
	return CAPSA_OK;
}

static bool parse_hex32(uint32_t *out, const char *s, size_t len)
{
	uint32_t v = 0;

	if (len != 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

capsa_status capsa_note_vkey_parse(capsa_note_verifier *v, const char *vkey, size_t len)
{
	const char *p1, *p2;
	char name[CAPSA_NOTE_MAX_NAME + 1];
	uint8_t key[33];
	uint32_t id;
	size_t name_len;
	capsa_status st;

	*v = (capsa_note_verifier){0};
	if (vkey == NULL || (p1 = memchr(vkey, '+', len)) == NULL ||
	    (p2 = memchr(p1 + 1, '+', len - (size_t)(p1 + 1 - vkey))) == NULL)
		return CAPSA_ERR_DECODE;
	name_len = (size_t)(p1 - vkey);
	if (!tlog_valid_name(vkey, name_len) || !parse_hex32(&id, p1 + 1, (size_t)(p2 - p1 - 1)))
		return CAPSA_ERR_DECODE;
	st = tlog_b64_decode_fixed(key, sizeof key, p2 + 1, len - (size_t)(p2 + 1 - vkey));
	if (st != CAPSA_OK)
		return st;
	memcpy(name, vkey, name_len);
	name[name_len] = '\0';
	if ((st = capsa_note_verifier_init(v, name, key[0], key + 1)) != CAPSA_OK)
		return st == CAPSA_ERR_ARG ? CAPSA_ERR_DECODE : st;
	if (v->key_id != id) {
		*v = (capsa_note_verifier){0};
		return CAPSA_ERR_DECODE;
	}
	return CAPSA_OK;
}

capsa_status capsa_note_vkey_encode(char **out, size_t *out_len, const capsa_note_verifier *v)
{
	uint8_t key[33];
	char hex[9];
	tlog_buf b = {0};

	*out = NULL;
	*out_len = 0;
	if (v == NULL || !tlog_valid_name(v->name, strnlen(v->name, sizeof v->name)) || v->name[CAPSA_NOTE_MAX_NAME])
		return CAPSA_ERR_ARG;
	key[0] = v->type;
	memcpy(key + 1, v->public_key, 32);
	snprintf(hex, sizeof hex, "%08x", (unsigned)v->key_id);
	tlog_buf_str(&b, v->name);
	tlog_buf_add(&b, "+", 1);
	tlog_buf_str(&b, hex);
	tlog_buf_add(&b, "+", 1);
	tlog_buf_b64(&b, key, sizeof key);
	return tlog_buf_finish(&b, out, out_len);
}

/* Verifies one line of a known key: Ed25519 over the text, or a cosignature over its message. */
static capsa_status verify_line(const capsa_note *note, const capsa_note_sig *s, const capsa_note_verifier *k,
                                uint64_t *timestamp)
{
	char *msg;
	size_t msg_len;
	uint64_t t = 0;
	capsa_status st;

	if (k->type == CAPSA_NOTE_ED25519)
		return s->sig_len == CAPSA_ED25519_SIGBYTES
		               ? capsa_ed25519_verify(s->sig, k->public_key, (const uint8_t *)note->text, note->text_len)
		               : CAPSA_ERR_SIGNATURE;
	if (s->sig_len != 8 + CAPSA_ED25519_SIGBYTES)
		return CAPSA_ERR_SIGNATURE;
	for (int i = 0; i < 8; i++)
		t = t << 8 | s->sig[i];
	if (t >> 63)
		return CAPSA_ERR_SIGNATURE;
	if ((st = capsa_cosignature_message(&msg, &msg_len, note->text, note->text_len, t)) != CAPSA_OK)
		return st == CAPSA_ERR_ARG ? CAPSA_ERR_SIGNATURE : st;
	st = capsa_ed25519_verify(s->sig + 8, k->public_key, (const uint8_t *)msg, msg_len);
	free(msg);
	*timestamp = t;
	return st;
}

/* The index of the one key named by |s| in |keys|, -1 for none, -2 for more than one. */
static long find_key(const capsa_note_sig *s, const capsa_note_verifier *keys, size_t num)
{
	long found = -1;

	for (size_t i = 0; i < num; i++) {
		if (keys[i].key_id == s->key_id && strcmp(keys[i].name, s->name) == 0) {
			if (found >= 0)
				return -2;
			found = (long)i;
		}
	}
	return found;
}

capsa_status capsa_note_verify(const capsa_note *note, const capsa_note_verifier *keys, size_t num,
                               bool *signed_by, uint64_t *timestamps)
{
	bool any = false;
	capsa_status st;

	for (size_t i = 0; i < num; i++) {
		if (signed_by)
			signed_by[i] = false;
		if (timestamps)
			timestamps[i] = 0;
	}
	if (note == NULL || note->text == NULL || (num > 0 && keys == NULL))
		return CAPSA_ERR_ARG;
	for (size_t i = 0; i < note->num_sigs; i++) {
		long k = find_key(&note->sigs[i], keys, num);
		uint64_t t = 0;
		if (k == -1)
			continue; /* an unknown key: ignored, as the spec requires */
		if (k == -2)
			return CAPSA_ERR_ARG;
		if ((st = verify_line(note, &note->sigs[i], &keys[k], &t)) != CAPSA_OK)
			goto fail;
		any = true;
		if (signed_by)
			signed_by[k] = true;
		if (timestamps)
			timestamps[k] = t;
	}
	if (any)
		return CAPSA_OK;
	st = CAPSA_ERR_SIGNER;
fail:
	for (size_t i = 0; i < num; i++) {
		if (signed_by)
			signed_by[i] = false;
		if (timestamps)
			timestamps[i] = 0;
	}
	return st == CAPSA_ERR_SIGNER || st == CAPSA_ERR_NOMEM || st == CAPSA_ERR_INTERNAL ? st : CAPSA_ERR_SIGNATURE;
}

capsa_status capsa_note_open(capsa_note *note, const char *data, size_t len, const capsa_note_verifier *keys,
                             size_t num, bool *signed_by, uint64_t *timestamps)
{
	capsa_status st;

	if ((st = capsa_note_parse(note, data, len)) != CAPSA_OK)
		return st;
	if ((st = capsa_note_verify(note, keys, num, signed_by, timestamps)) != CAPSA_OK)
		capsa_note_free(note);
	return st;
}
