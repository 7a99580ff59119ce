/*
 * capsa/keys.h - identities, recipients, and their text and file forms.
 *
 * An identity is one 32-byte random seed. Every key capsa needs is derived
 * from it with HKDF-SHA256 and a domain-separated label (doc/KEYS.md):
 *
 *   capsa/v1/x25519     the X25519 key pair of `x25519` stanzas (HPKE)
 *   capsa/v1/ed25519    the Ed25519 signing key
 *   capsa/v1/secp256k1  the secp256k1 key of Umbral proxy re-encryption
 *
 * so new routes never need a new identity format. A recipient is the public
 * half that others encrypt to: the X25519 public key, the compressed
 * secp256k1 public key and (recipient type 2) the Ed25519 public key that
 * signs the recipient's requests to proxies and keepers.
 *
 * Text forms are bech32 (BIP 173 checksum) with a leading type byte:
 *
 *   recipient  capsa1…               (lower case; type 2: 169 characters,
 *                                     type 1, without Ed25519: 118)
 *   identity   CAPSA-SECRET-KEY-1…   (upper case, 77 characters)
 *
 * An identity file holds one or more identity lines, with `#` comment lines
 * and blank lines allowed; a recipients file holds recipient lines the same
 * way. Both parsers reject any other line and say which one.
 */
#ifndef CAPSA_KEYS_H
#define CAPSA_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSA_IDENTITY_SEEDBYTES 32
#define CAPSA_X25519_KEYBYTES 32
#define CAPSA_ED25519_KEYBYTES 32
#define CAPSA_SECP256K1_SECRETBYTES 32
#define CAPSA_SECP256K1_PUBLICBYTES 33 /* SEC1 compressed */

/* Lengths of the text forms, without the terminating NUL. */
#define CAPSA_RECIPIENT_STRLEN 169    /* type 2, the longest */
#define CAPSA_RECIPIENT_V1_STRLEN 118 /* type 1: no Ed25519 key */
#define CAPSA_IDENTITY_STRLEN 77
/* "capsasig1…": a producer's Ed25519 signing key (doc/KEYS.md). */
#define CAPSA_SIGNER_STRLEN 68
/* Room for a whole identity file as capsa_identity_file_format writes it, with NUL. */
#define CAPSA_IDENTITY_FILE_BYTES 512
/* Identity and recipients files larger than this are refused. */
#define CAPSA_KEYS_FILE_MAX (1u << 20)

/*
 * An identity: the seed and every key derived from it. It holds secrets:
 * release it with capsa_identity_wipe (or capsa_identity_list_free).
 */
typedef struct capsa_identity {
	uint8_t seed[CAPSA_IDENTITY_SEEDBYTES];
	uint8_t x25519_secret[CAPSA_X25519_KEYBYTES];
	uint8_t x25519_public[CAPSA_X25519_KEYBYTES];
	uint8_t ed25519_seed[CAPSA_ED25519_KEYBYTES];
	uint8_t ed25519_public[CAPSA_ED25519_KEYBYTES];
	uint8_t secp256k1_secret[CAPSA_SECP256K1_SECRETBYTES];
	uint8_t secp256k1_public[CAPSA_SECP256K1_PUBLICBYTES];
} capsa_identity;

/*
 * A recipient: public keys only. |has_ed25519| is false for a type 1
 * string, which can be sealed to and granted to but cannot sign a request.
 */
typedef struct capsa_recipient {
	uint8_t x25519_public[CAPSA_X25519_KEYBYTES];
	uint8_t secp256k1_public[CAPSA_SECP256K1_PUBLICBYTES];
	uint8_t ed25519_public[CAPSA_ED25519_KEYBYTES];
	bool has_ed25519;
} capsa_recipient;

/* ---- Identities ---------------------------------------------------------- */

/*
 * capsa_identity_generate draws a fresh seed from the system CSPRNG and
 * derives the identity from it. Returns CAPSA_OK; on failure |id| is wiped.
 */
CAPSA_API capsa_status capsa_identity_generate(capsa_identity *id) CAPSA_MUST_CHECK;

/*
 * capsa_identity_from_seed derives every key of an identity from |seed|;
 * the same seed always gives the same identity. Returns CAPSA_OK; on failure
 * |id| is wiped.
 */
CAPSA_API capsa_status capsa_identity_from_seed(capsa_identity *id,
                                                const uint8_t seed[CAPSA_IDENTITY_SEEDBYTES]) CAPSA_MUST_CHECK;

/* capsa_identity_recipient copies the public half of |id| to |out| (type 2, with Ed25519). */
CAPSA_API void capsa_identity_recipient(capsa_recipient *out, const capsa_identity *id);

/* capsa_identity_wipe zeroes every secret in |id|. */
CAPSA_API void capsa_identity_wipe(capsa_identity *id);

/*
 * capsa_identity_encode writes the identity string "CAPSA-SECRET-KEY-1…"
 * (CAPSA_IDENTITY_STRLEN characters and a NUL) to |out|. The string is the
 * secret: wipe it when done. Returns CAPSA_OK, or CAPSA_ERR_RANGE if
 * |out_size| is too small.
 */
CAPSA_API capsa_status capsa_identity_encode(char *out, size_t out_size, const capsa_identity *id) CAPSA_MUST_CHECK;

/*
 * capsa_identity_decode parses one identity string (exactly, no whitespace)
 * and derives the identity. Returns CAPSA_OK, CAPSA_ERR_DECODE for anything
 * that is not a well-formed upper-case capsa identity string (bad checksum,
 * wrong prefix, wrong length), or CAPSA_ERR_UNSUPPORTED for a well-formed
 * string of an identity type this version does not know. On failure |id| is
 * wiped.
 */
CAPSA_API capsa_status capsa_identity_decode(capsa_identity *id, const char *str, size_t str_len) CAPSA_MUST_CHECK;

/* ---- Recipients ---------------------------------------------------------- */

/*
 * capsa_recipient_encode writes the recipient string "capsa1…" to |out|:
 * type 2 (CAPSA_RECIPIENT_STRLEN characters and a NUL) when |r| has an
 * Ed25519 key, else type 1 (CAPSA_RECIPIENT_V1_STRLEN). Returns CAPSA_OK, or
 * CAPSA_ERR_RANGE if |out_size| is too small.
 */
CAPSA_API capsa_status capsa_recipient_encode(char *out, size_t out_size,
                                              const capsa_recipient *r) CAPSA_MUST_CHECK;

/*
 * capsa_recipient_decode parses one recipient string (exactly, no
 * whitespace). Returns CAPSA_OK, CAPSA_ERR_DECODE for anything that is not a
 * well-formed lower-case capsa recipient string, CAPSA_ERR_UNSUPPORTED for
 * an unknown recipient type, or CAPSA_ERR_KEY if the secp256k1 key is not a
 * point on the curve or the Ed25519 key has small order (anyone could sign
 * for it). Types 1 and 2 are accepted. On failure |r| is zeroed.
 */
CAPSA_API capsa_status capsa_recipient_decode(capsa_recipient *r, const char *str, size_t str_len) CAPSA_MUST_CHECK;

/* ---- Signers ----------------------------------------------------------------- */

/*
 * capsa_signer_encode writes the signer string "capsasig1…" of an Ed25519
 * public key (an identity's |ed25519_public|: the key that signs its files)
 * to |out| (CAPSA_SIGNER_STRLEN characters and a NUL). Returns CAPSA_OK, or
 * CAPSA_ERR_RANGE if |out_size| is too small.
 */
CAPSA_API capsa_status capsa_signer_encode(char *out, size_t out_size, const uint8_t key[32]) CAPSA_MUST_CHECK;

/*
 * capsa_signer_decode parses one signer string (exactly, no whitespace).
 * Returns CAPSA_OK, CAPSA_ERR_DECODE for anything that is not a well-formed
 * lower-case signer string, or CAPSA_ERR_UNSUPPORTED for an unknown signer
 * type. On failure |key| is zeroed.
 */
CAPSA_API capsa_status capsa_signer_decode(uint8_t key[32], const char *str, size_t str_len) CAPSA_MUST_CHECK;

/*
 * capsa_signer_read takes what a user gives for --signer: a signer string,
 * or the path of a file whose first line that is not blank or a comment is
 * one. Returns as capsa_signer_decode, or CAPSA_ERR_IO.
 */
CAPSA_API capsa_status capsa_signer_read(uint8_t key[32], const char *arg) CAPSA_MUST_CHECK;

/* ---- Identity and recipients files ---------------------------------------- */

/*
 * capsa_identity_file_format writes a complete identity file to |out|:
 *
 *   # created: 2026-11-27T06:16:09Z
 *   # recipient: capsa1…
 *   # signer: capsasig1…
 *   CAPSA-SECRET-KEY-1…
 *
 * with |created| as the UTC creation time. The text holds the secret: wipe
 * it when done. Returns CAPSA_OK, or CAPSA_ERR_RANGE if |out_size| is less
 * than needed (CAPSA_IDENTITY_FILE_BYTES always suffices).
 */
CAPSA_API capsa_status capsa_identity_file_format(char *out, size_t out_size, const capsa_identity *id,
                                                  time_t created) CAPSA_MUST_CHECK;

/*
 * capsa_identity_file_write creates |path| (O_CREAT|O_EXCL|O_NOFOLLOW, mode
 * 0600) and writes the identity file for |id| to it, created now. It never
 * replaces a file or writes through a link to one; an existing character or
 * block device, FIFO or socket (such as /dev/stdout) is written in place
 * (capsa_secret_file_write, capsa/file.h). Returns CAPSA_OK,
 * CAPSA_ERR_EXISTS if |path| is a file (also as a symbolic link, or a
 * dangling one), or CAPSA_ERR_IO (errno set; a partly written file is removed).
 */
CAPSA_API capsa_status capsa_identity_file_write(const char *path, const capsa_identity *id) CAPSA_MUST_CHECK;

/*
 * capsa_identity_file_parse reads the identities in the |len| bytes of
 * |text|. Lines end in LF (a CR before it is allowed); surrounding spaces
 * and tabs are ignored; empty lines and lines starting with '#' are skipped;
 * every other line must be an identity string. On success |*out| is a new
 * array of |*num_out| (at least one) identities: free it with
 * capsa_identity_list_free. Returns CAPSA_OK, or the status of the first bad
 * line (see capsa_identity_decode) with its 1-based number in |*bad_line|
 * (if not NULL; 0 when no line is to blame), or CAPSA_ERR_DECODE with
 * |*bad_line| 0 when the text holds no identity. On failure |*out| is NULL
 * and |*num_out| 0.
 */
CAPSA_API capsa_status capsa_identity_file_parse(capsa_identity **out, size_t *num_out, const char *text,
                                                 size_t len, size_t *bad_line) CAPSA_MUST_CHECK;

/*
 * capsa_identity_file_read reads and parses the identity file at |path| as
 * capsa_identity_file_parse does. Returns its statuses, CAPSA_ERR_IO (errno
 * set), or CAPSA_ERR_DECODE for a file over CAPSA_KEYS_FILE_MAX bytes. The
 * read buffer is wiped.
 */
CAPSA_API capsa_status capsa_identity_file_read(capsa_identity **out, size_t *num_out, const char *path,
                                                size_t *bad_line) CAPSA_MUST_CHECK;

/* capsa_identity_list_free wipes and frees an array of |num| identities; NULL is fine. */
CAPSA_API void capsa_identity_list_free(capsa_identity *ids, size_t num);

/*
 * capsa_recipient_file_parse reads the recipients in the |len| bytes of
 * |text|, with the line rules of capsa_identity_file_parse. On success |*out|
 * is a new array (free()) of |*num_out| (at least one) recipients. Returns
 * CAPSA_OK, the status of the first bad line (see capsa_recipient_decode)
 * with its number in |*bad_line|, or CAPSA_ERR_DECODE with |*bad_line| 0 when
 * there is no recipient. On failure |*out| is NULL and |*num_out| 0.
 */
CAPSA_API capsa_status capsa_recipient_file_parse(capsa_recipient **out, size_t *num_out, const char *text,
                                                  size_t len, size_t *bad_line) CAPSA_MUST_CHECK;

/*
 * capsa_recipient_file_read reads and parses the recipients file at |path|
 * as capsa_recipient_file_parse does. Returns its statuses, CAPSA_ERR_IO
 * (errno set), or CAPSA_ERR_DECODE for a file over CAPSA_KEYS_FILE_MAX bytes.
 */
CAPSA_API capsa_status capsa_recipient_file_read(capsa_recipient **out, size_t *num_out, const char *path,
                                                 size_t *bad_line) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
