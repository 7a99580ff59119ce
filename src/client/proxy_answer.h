/*
 * client/proxy_answer.h - what a client reads in a proxy's answers
 * (doc/PROTOCOL.md): the JSON object of a success or the problem of a
 * refusal, receipts checked against the proxy's pinned key, and the cfrag of
 * a re-encryption checked against the file's capsule. The answers are
 * untrusted bytes; fuzz/fuzz_proxy_answer.c runs these over arbitrary ones.
 */
#ifndef CAPSA_CLIENT_PROXY_ANSWER_H
#define CAPSA_CLIENT_PROXY_ANSWER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>

#include "client/http_client.h"

/*
 * capsa_proxy_answer returns the JSON object of a finished 2xx answer
 * (json_decref). Otherwise it returns NULL and says why in |why|: the
 * problem's name and detail (with the problem in |*problem|), the HTTP
 * status, or the transport error.
 */
json_t *capsa_proxy_answer(const capsa_http_call *call, capsa_proxy_problem *problem, char *why, size_t why_len);

/*
 * capsa_proxy_answer_receipt checks that |receipt| (a JSON string) is a
 * receipt signed by |proxy| for an event of |type| on |grant_id|, and gives
 * its log index in |*index| (may be NULL). Returns NULL, or why not.
 */
const char *capsa_proxy_answer_receipt(const json_t *receipt, const capsa_recipient *proxy,
                                       capsa_proxy_event_type type, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                                       uint64_t *index);

/*
 * capsa_proxy_answer_cfrag reads item |i| of a re-encryption answer: its
 * cfrag, which must be for |grant_id| and pass its proof against |stanza|,
 * into |*cf|, and its receipt, checked as above, into |*receipt| (into
 * |answer|). Returns NULL, or why not (a cfrag that fails its proof is
 * named forged).
 */
const char *capsa_proxy_answer_cfrag(const json_t *answer, size_t i, const capsa_recipient *proxy,
                                     const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const capsa_umbral_stanza *stanza,
                                     capsa_cfrag_file *cf, const char **receipt);

#endif
