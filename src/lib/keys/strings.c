/*
 * The text forms of recipients ("capsa1…", lower case) and identities
 * ("CAPSA-SECRET-KEY-1…", upper case): bech32 of a type byte and the keys.
 */
#include <capsa/keys.h>

#include <string.h>

#include "crypto/crypto.h"
#include "crypto/secp256k1.h"
#include "wire/bech32.h"

#define RECIPIENT_HRP "capsa"
#define IDENTITY_HRP "capsa-secret-key-"
#define SIGNER_HRP "capsasig"

/* Type 0x01: X25519 public key || compressed secp256k1 public key / the 32-byte seed. */
#define KEY_TYPE_V1 0x01
#define RECIPIENT_V1_BYTES (1 + CAPSA_X25519_KEYBYTES + CAPSA_SECP256K1_PUBLICBYTES)
/* Recipient type 0x02: type 0x01's keys || the Ed25519 public key that signs the recipient's requests. */
#define KEY_TYPE_V2 0x02
#define RECIPIENT_V2_BYTES (RECIPIENT_V1_BYTES + CAPSA_ED25519_KEYBYTES)
#define IDENTITY_V1_BYTES (1 + CAPSA_IDENTITY_SEEDBYTES)
/* Type 0x01: an Ed25519 public key. */
#define SIGNER_V1_BYTES (1 + 32)

/* Longer than any key string we write, so a future type decodes far enough to be named unsupported. */
#define KEY_STRING_MAX 1024

capsa_status capsa_recipient_encode(char *out, size_t out_size, const capsa_recipient *r)
{
	uint8_t payload[RECIPIENT_V2_BYTES]; /* public: not wiped */

	payload[0] = r->has_ed25519 ? KEY_TYPE_V2 : KEY_TYPE_V1;
	memcpy(payload + 1, r->x25519_public, CAPSA_X25519_KEYBYTES);
	memcpy(payload + 1 + CAPSA_X25519_KEYBYTES, r->secp256k1_public, CAPSA_SECP256K1_PUBLICBYTES);
	memcpy(payload + RECIPIENT_V1_BYTES, r->ed25519_public, CAPSA_ED25519_KEYBYTES);
	return capsa_bech32_encode(out, out_size, RECIPIENT_HRP, payload,
	                           r->has_ed25519 ? RECIPIENT_V2_BYTES : RECIPIENT_V1_BYTES, false);
}

capsa_status capsa_identity_encode(char *out, size_t out_size, const capsa_identity *id)
{
	uint8_t payload[IDENTITY_V1_BYTES];
	capsa_status st;

	payload[0] = KEY_TYPE_V1;
	memcpy(payload + 1, id->seed, CAPSA_IDENTITY_SEEDBYTES);
	st = capsa_bech32_encode(out, out_size, IDENTITY_HRP, payload, sizeof payload, true);
	capsa_wipe(payload, sizeof payload);
	return st;
}

/*
 * Decodes a key string that must carry |want_hrp| in the one case capsa
 * writes it: a lower-case string gives CAPSA_ERR_DECODE where upper case is
 * canonical, and the other way round.
 */
static capsa_status decode_key_string(uint8_t *payload, size_t payload_size, size_t *payload_len,
                                      const char *want_hrp, bool upper, const char *str, size_t str_len)
{
	char hrp[KEY_STRING_MAX];

	if (capsa_bech32_decode(hrp, sizeof hrp, payload, payload_size, payload_len, str, str_len,
	                        KEY_STRING_MAX) != CAPSA_BECH32_OK)
		return CAPSA_ERR_DECODE;
	if (strcmp(hrp, want_hrp) != 0)
		return CAPSA_ERR_DECODE;
	for (size_t i = 0; i < str_len; i++)
		if (upper ? (str[i] >= 'a' && str[i] <= 'z') : (str[i] >= 'A' && str[i] <= 'Z'))
			return CAPSA_ERR_DECODE;
	if (*payload_len == 0)
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}

/* Only type 0x01 exists for identities and signers; recipients also have 0x02. */
static capsa_status key_type_v1(const uint8_t *payload)
{
	return payload[0] == KEY_TYPE_V1 ? CAPSA_OK : CAPSA_ERR_UNSUPPORTED;
}

static capsa_status recipient_payload_check(const uint8_t *payload, size_t len)
{
	capsa_ec_point point;

	if (payload[0] != KEY_TYPE_V1 && payload[0] != KEY_TYPE_V2)
		return CAPSA_ERR_UNSUPPORTED;
	if (len != (payload[0] == KEY_TYPE_V2 ? RECIPIENT_V2_BYTES : RECIPIENT_V1_BYTES))
		return CAPSA_ERR_DECODE;
	if (capsa_ec_point_parse(&point, payload + 1 + CAPSA_X25519_KEYBYTES) != CAPSA_OK)
		return CAPSA_ERR_KEY; /* a bad prefix too: the whole 33 bytes are not a key */
	if (payload[0] == KEY_TYPE_V2 && !capsa_ed25519_public_usable(payload + RECIPIENT_V1_BYTES))
		return CAPSA_ERR_KEY;
	return CAPSA_OK;
}

capsa_status capsa_recipient_decode(capsa_recipient *r, const char *str, size_t str_len)
{
	uint8_t payload[KEY_STRING_MAX]; /* public: not wiped */
	size_t len = 0;
	capsa_status st;

	memset(r, 0, sizeof *r);
	st = decode_key_string(payload, sizeof payload, &len, RECIPIENT_HRP, false, str, str_len);
	if (st == CAPSA_OK)
		st = recipient_payload_check(payload, len);
	if (st != CAPSA_OK)
		return st;
	memcpy(r->x25519_public, payload + 1, CAPSA_X25519_KEYBYTES);
	memcpy(r->secp256k1_public, payload + 1 + CAPSA_X25519_KEYBYTES, CAPSA_SECP256K1_PUBLICBYTES);
	if (payload[0] == KEY_TYPE_V2) {
		memcpy(r->ed25519_public, payload + RECIPIENT_V1_BYTES, CAPSA_ED25519_KEYBYTES);
		r->has_ed25519 = true;
	}
	return CAPSA_OK;
}

capsa_status capsa_identity_decode(capsa_identity *id, const char *str, size_t str_len)
{
	uint8_t payload[KEY_STRING_MAX];
	size_t len = 0;
	capsa_status st;

	capsa_identity_wipe(id);
	st = decode_key_string(payload, sizeof payload, &len, IDENTITY_HRP, true, str, str_len);
	if (st == CAPSA_OK)
		st = key_type_v1(payload);
	if (st == CAPSA_OK && len != IDENTITY_V1_BYTES)
		st = CAPSA_ERR_DECODE;
	if (st == CAPSA_OK)
		st = capsa_identity_from_seed(id, payload + 1);
	capsa_wipe(payload, sizeof payload);
	return st;
}

capsa_status capsa_signer_encode(char *out, size_t out_size, const uint8_t key[32])
{
	uint8_t payload[SIGNER_V1_BYTES];

	payload[0] = KEY_TYPE_V1;
	memcpy(payload + 1, key, 32);
	return capsa_bech32_encode(out, out_size, SIGNER_HRP, payload, sizeof payload, false);
}

capsa_status capsa_signer_decode(uint8_t key[32], const char *str, size_t str_len)
{
	uint8_t payload[KEY_STRING_MAX];
	size_t len = 0;
	capsa_status st = decode_key_string(payload, sizeof payload, &len, SIGNER_HRP, false, str, str_len);

	if (st == CAPSA_OK)
		st = key_type_v1(payload);
	if (st == CAPSA_OK && len != SIGNER_V1_BYTES)
		st = CAPSA_ERR_DECODE;
	if (st == CAPSA_OK)
		memcpy(key, payload + 1, 32);
	else
		memset(key, 0, 32);
	return st;
}
