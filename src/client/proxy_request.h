/*
 * client/proxy_request.h - the signed requests a client sends proxies
 * (doc/PROTOCOL.md): the JSON envelope around a statement, a fresh nonce,
 * and the re-encryption request, which both recipients and keepers send.
 */
#ifndef CAPSA_CLIENT_PROXY_REQUEST_H
#define CAPSA_CLIENT_PROXY_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>

/*
 * capsa_proxy_envelope signs |statement| with |id| and makes the request
 * body {"statement", "signature", and |extra_key|: |extra| (taken; may be
 * NULL)} (free()), or NULL.
 */
char *capsa_proxy_envelope(const char *statement, size_t len, const capsa_identity *id, const char *extra_key,
                           json_t *extra);

/* A fresh nonce and the current time for a statement. Returns CAPSA_OK or CAPSA_ERR_INTERNAL. */
capsa_status capsa_proxy_nonce(uint8_t nonce[CAPSA_PROXY_NONCE_BYTES], uint64_t *now) CAPSA_MUST_CHECK;

/*
 * The body of a re-encryption request to the proxy with party id |party|:
 * |n| items (1 to CAPSA_PROXY_MAX_ITEMS), the capsule of |s[i]| under
 * |grant_ids[i]|, a fresh nonce, signed by |me| (free()), or NULL.
 */
char *capsa_proxy_reencrypt_body(const capsa_identity *me, const char *party,
                                 const uint8_t (*grant_ids)[CAPSA_GRANT_ID_BYTES], const capsa_umbral_stanza *s,
                                 size_t n);

#endif
