/*
 * container/stanza.h - stanza types: one file each, listed in stanza_table.c.
 *
 * A stanza wraps the CEK for one route. Adding a route is one new file that
 * defines a capsa_stanza_ops and one line in the table. A reader skips (and
 * capsa inspect reports) types it does not know, so a file that also carries
 * newer routes still opens through the ones this build knows.
 */
#ifndef CAPSA_CONTAINER_STANZA_H
#define CAPSA_CONTAINER_STANZA_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/container.h>

#include "crypto/crypto.h"
#include "wire/bytes.h"

/* What a stanza is bound to: the file's suite and the header's fixed fields. */
typedef struct capsa_stanza_ctx {
	capsa_suite suite;
	capsa_aead_alg alg;
	const uint8_t *fixed; /* the header's first 36 bytes (magic .. content id) */
	size_t fixed_len;
} capsa_stanza_ctx;

typedef struct capsa_stanza_ops {
	const char *type;
	/* Structural check of a body (exact lengths etc.): CAPSA_OK or CAPSA_ERR_DECODE. */
	capsa_status (*check)(const uint8_t *body, size_t len);
	/*
	 * Appends the body that wraps |cek| for |recipient| (a type-specific
	 * key; NULL if the type cannot be sealed by capsa_seal_new).
	 */
	capsa_status (*wrap)(capsa_cbb *body, const capsa_stanza_ctx *ctx, const void *recipient,
	                     const uint8_t cek[CAPSA_CEK_BYTES]);
	/*
	 * Recovers the CEK from |body| with what |unlock| offers. Returns
	 * CAPSA_OK, CAPSA_ERR_NO_MATCH, or a fatal error (NOMEM, INTERNAL).
	 * |cek| is zeroed unless CAPSA_OK.
	 */
	capsa_status (*unwrap)(uint8_t cek[CAPSA_CEK_BYTES], const capsa_stanza_ctx *ctx, const uint8_t *body,
	                       size_t len, const capsa_unlock *unlock);
} capsa_stanza_ops;

/* capsa_stanza_lookup returns the ops for |type|, or NULL for a type this build does not know. */
const capsa_stanza_ops *capsa_stanza_lookup(const char *type);

/* The `x25519` stanza (stanza_x25519.c). */
extern const capsa_stanza_ops capsa_stanza_x25519;
#define CAPSA_X25519_STANZA_INFO "capsa/v1/x25519"
#define CAPSA_X25519_STANZA_BODY_BYTES (32 + CAPSA_CEK_BYTES + 16)

/*
 * The `umbral` stanza: the route of grants, so it lives with them in
 * grant/stanza.c (the body layout is in capsa/grant.h). The table names it;
 * no other container code reaches into grant/.
 */
extern const capsa_stanza_ops capsa_stanza_umbral;

#endif
