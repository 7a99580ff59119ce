/* daemon/envelope.h - a signed request as it arrives at a proxy or a keeper (doc/PROTOCOL.md, "HTTP API"). */
#ifndef CAPSA_DAEMON_ENVELOPE_H
#define CAPSA_DAEMON_ENVELOPE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/proxy.h>

#include "daemon/http.h"

/* One signed request as it arrives: {"statement", "signature"[, "kfrag" | "capsules"]}. */
typedef struct proxy_envelope {
	const char *statement; /* into |json| */
	size_t statement_len;
	uint8_t signature[CAPSA_PROXY_SIG_BYTES];
	uint8_t *kfrag; /* decoded (free()) */
	size_t kfrag_len;
	uint8_t (*capsules)[CAPSA_UMBRAL_CAPSULE_BYTES]; /* decoded (free()) */
	size_t num_capsules;
	json_t *json;
} proxy_envelope;

/* Parses a request body; false (with a reason in |why|) for anything malformed. */
bool proxy_envelope_parse(proxy_envelope *env, const uint8_t *body, size_t len, bool want_kfrag, bool want_capsules,
                          const char **why);
void proxy_envelope_free(proxy_envelope *env);

/* Answers |status| with the JSON object |o| (taken); a proxy's or a keeper's. */
void proxy_reply(capsa_http_response *resp, int status, json_t *o);

#endif
