/* The signed requests a client sends proxies (proxy_request.h). */
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/util.h>

#include "client/json_b64.h"
#include "client/proxy_request.h"

char *capsa_proxy_envelope(const char *statement, size_t len, const capsa_identity *id, const char *extra_key,
                           json_t *extra)
{
	uint8_t sig[CAPSA_PROXY_SIG_BYTES];
	json_t *o;
	char *body = NULL;

	if (capsa_proxy_sign(sig, statement, len, id) != CAPSA_OK) {
		json_decref(extra);
		return NULL;
	}
	o = json_pack("{s:s%, s:o}", "statement", statement, len, "signature", capsa_json_b64(sig, sizeof sig));
	if (o != NULL && extra_key != NULL)
		json_object_set_new(o, extra_key, extra);
	else
		json_decref(extra);
	if (o != NULL)
		body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return body;
}

capsa_status capsa_proxy_nonce(uint8_t nonce[CAPSA_PROXY_NONCE_BYTES], uint64_t *now)
{
	*now = (uint64_t)time(NULL);
	return capsa_random(nonce, CAPSA_PROXY_NONCE_BYTES) == CAPSA_OK ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

char *capsa_proxy_reencrypt_body(const capsa_identity *me, const char *party,
                                 const uint8_t (*grant_ids)[CAPSA_GRANT_ID_BYTES], const capsa_umbral_stanza *s,
                                 size_t n)
{
	capsa_proxy_reencrypt *r = calloc(1, sizeof *r);
	uint8_t capsule[CAPSA_UMBRAL_CAPSULE_BYTES];
	char *text = NULL, *body = NULL;
	size_t len;
	json_t *caps = json_array();

	if (r == NULL || caps == NULL || n == 0 || n > CAPSA_PROXY_MAX_ITEMS || capsa_proxy_nonce(r->nonce, &r->time) != CAPSA_OK)
		goto out;
	r->num_items = n;
	memcpy(r->proxy, party, sizeof r->proxy);
	capsa_identity_recipient(&r->requester, me);
	for (size_t i = 0; i < n; i++) {
		capsa_umbral_capsule_to_bytes(capsule, &s[i].capsule);
		memcpy(r->items[i].grant_id, grant_ids[i], CAPSA_GRANT_ID_BYTES);
		memcpy(r->items[i].content_id, s[i].content_id, CAPSA_CONTENT_ID_BYTES);
		SHA256(capsule, sizeof capsule, r->items[i].capsule_hash);
		json_array_append_new(caps, capsa_json_b64(capsule, sizeof capsule));
	}
	if (capsa_proxy_reencrypt_format(&text, &len, r) == CAPSA_OK) {
		body = capsa_proxy_envelope(text, len, me, "capsules", caps);
		caps = NULL;
	}
out:
	json_decref(caps);
	free(text);
	free(r);
	return body;
}
