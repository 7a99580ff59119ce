/* A proxy's answers, read and checked (proxy_answer.h). */
#include <stdio.h>
#include <string.h>

#include <capsa/util.h>

#include "client/json_b64.h"
#include "client/proxy_answer.h"

json_t *capsa_proxy_answer(const capsa_http_call *call, capsa_proxy_problem *problem, char *why, size_t why_len)
{
	json_t *j;
	const char *type, *detail;

	*problem = CAPSA_PROBLEM_NONE;
	if (call->outcome != CAPSA_HTTP_DONE) {
		snprintf(why, why_len, "%s", call->error[0] ? call->error : capsa_http_outcome_str(call->outcome));
		return NULL;
	}
	j = call->response != NULL ? json_loadb((const char *)call->response, call->response_len, 0, NULL) : NULL;
	if (call->status >= 200 && call->status < 300 && json_is_object(j))
		return j;
	type = json_string_value(json_object_get(j, "type"));
	detail = json_string_value(json_object_get(j, "detail"));
	*problem = capsa_proxy_problem_from_type(type);
	if (*problem != CAPSA_PROBLEM_NONE)
		snprintf(why, why_len, "%s%s%.200s", capsa_proxy_problem_name(*problem), detail ? ": " : "",
		         detail ? detail : "");
	else if (call->status >= 200 && call->status < 300)
		snprintf(why, why_len, "HTTP %ld with no JSON object", call->status);
	else
		snprintf(why, why_len, "HTTP %ld%s%.200s", call->status, type ? " " : "", type ? type : "");
	json_decref(j);
	return NULL;
}

const char *capsa_proxy_answer_receipt(const json_t *receipt, const capsa_recipient *proxy,
                                       capsa_proxy_event_type type, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                                       uint64_t *index)
{
	const char *text = json_string_value(receipt);
	capsa_proxy_event e;
	capsa_status st;

	if (text == NULL)
		return "no receipt";
	st = capsa_proxy_receipt_verify(&e, NULL, index, text, json_string_length(receipt), proxy);
	if (st == CAPSA_ERR_SIGNATURE)
		return "receipt not signed by the pinned key";
	if (st != CAPSA_OK)
		return "receipt does not verify";
	if (e.type != type || memcmp(e.grant_id, grant_id, CAPSA_GRANT_ID_BYTES) != 0)
		return "receipt for another event";
	return NULL;
}

const char *capsa_proxy_answer_cfrag(const json_t *answer, size_t i, const capsa_recipient *proxy,
                                     const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const capsa_umbral_stanza *stanza,
                                     capsa_cfrag_file *cf, const char **receipt)
{
	json_t *item = json_array_get(json_object_get(answer, "items"), i);
	const char *grant = json_string_value(json_object_get(item, "grant"));
	uint8_t bytes[CAPSA_CFRAG_FILE_BYTES], id[CAPSA_GRANT_ID_BYTES];
	size_t n = 0;
	const char *bad;

	*receipt = NULL;
	if (item == NULL || !capsa_b64_exact(bytes, sizeof bytes, json_string_value(json_object_get(item, "cfrag"))) ||
	    capsa_cfrag_file_parse(cf, bytes, sizeof bytes) != CAPSA_OK)
		return "no cfrag in the answer";
	if (grant == NULL || strlen(grant) != 2 * sizeof id || !capsa_hex_decode(id, sizeof id, &n, grant) ||
	    n != sizeof id || memcmp(id, grant_id, sizeof id) != 0)
		return "a cfrag for another grant";
	if (capsa_grant_verify_cfrag(cf, stanza, NULL) != CAPSA_OK)
		return "forged cfrag: it fails its proof";
	if ((bad = capsa_proxy_answer_receipt(json_object_get(item, "receipt"), proxy, CAPSA_EVENT_REENCRYPT, grant_id,
	                                      NULL)) != NULL)
		return bad;
	*receipt = json_string_value(json_object_get(item, "receipt"));
	return NULL;
}
