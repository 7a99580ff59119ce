/* The JSON of the proxy's messages: envelopes in, answers and problems out. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/json_b64.h"
#include "daemon/proxy_internal.h"

/*
 * Decodes canonical base64 of 1 to |max| bytes into a fresh buffer: a wrapped
 * kfrag of the wrong length is the grant check's to refuse (bad-kfrag, after
 * the proxy line and the signature), not the envelope's.
 */
static bool b64_any(uint8_t **out, size_t *out_len, size_t max, const char *s)
{
	size_t len = strlen(s), pad = 0, want;

	*out = NULL;
	*out_len = 0;
	if (len == 0 || len % 4 != 0 || len > 4 * ((max + 2) / 3))
		return false;
	pad = (s[len - 1] == '=') + (s[len - 2] == '=');
	want = len / 4 * 3 - pad;
	if (want == 0 || want > max || (*out = malloc(want)) == NULL)
		return false;
	if (!capsa_b64_exact(*out, want, s)) {
		free(*out);
		*out = NULL;
		return false;
	}
	*out_len = want;
	return true;
}

static bool take_capsules(proxy_envelope *env, json_t *arr, const char **why)
{
	size_t n = json_array_size(arr);

	if (!json_is_array(arr) || n == 0 || n > CAPSA_PROXY_MAX_ITEMS) {
		*why = "\"capsules\" must be an array of 1 to 64 base64 capsules";
		return false;
	}
	if ((env->capsules = calloc(n, sizeof *env->capsules)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s == NULL || !capsa_b64_exact(env->capsules[i], CAPSA_UMBRAL_CAPSULE_BYTES, s)) {
			*why = "a capsule is not base64 of 105 bytes";
			return false;
		}
	}
	env->num_capsules = n;
	return true;
}

bool proxy_envelope_parse(proxy_envelope *env, const uint8_t *body, size_t len, bool want_kfrag, bool want_capsules,
                          const char **why)
{
	json_t *st, *sig, *kf;
	const char *s;

	memset(env, 0, sizeof *env);
	*why = "the body is not a JSON object";
	env->json = body != NULL ? json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!json_is_object(env->json))
		return false;
	st = json_object_get(env->json, "statement");
	sig = json_object_get(env->json, "signature");
	if (!json_is_string(st) || !json_is_string(sig)) {
		*why = "\"statement\" and \"signature\" must be strings";
		return false;
	}
	env->statement = json_string_value(st);
	env->statement_len = json_string_length(st);
	if (!capsa_b64_exact(env->signature, sizeof env->signature, json_string_value(sig))) {
		*why = "\"signature\" is not base64 of 64 bytes";
		return false;
	}
	if (want_kfrag) {
		kf = json_object_get(env->json, "kfrag");
		if ((s = json_string_value(kf)) == NULL ||
		    !b64_any(&env->kfrag, &env->kfrag_len, 4 * CAPSA_PROXY_KFRAG_WRAP_BYTES, s)) {
			*why = "\"kfrag\" is not base64";
			return false;
		}
	}
	return !want_capsules || take_capsules(env, json_object_get(env->json, "capsules"), why);
}

void proxy_envelope_free(proxy_envelope *env)
{
	free(env->kfrag);
	free(env->capsules);
	json_decref(env->json);
	memset(env, 0, sizeof *env);
}

void proxy_refuse(capsa_proxy *p, capsa_http_response *resp, capsa_proxy_problem problem, const char *detail)
{
	char type[64];

	snprintf(type, sizeof type, "urn:capsa:problem:%s", capsa_proxy_problem_name(problem));
	capsa_http_problem(resp, capsa_proxy_problem_status(problem), type, capsa_proxy_problem_title(problem), detail);
	capsa_http_counter_add(p->srv, p->counter_refusals, 1);
}

void proxy_reply(capsa_http_response *resp, int status, json_t *o)
{
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	if (text == NULL)
		capsa_http_problem(resp, 500, "urn:capsa:problem:internal", "internal error", NULL);
	else
		capsa_http_respond(resp, status, "application/json", text, strlen(text));
	free(text);
	json_decref(o);
}

void proxy_json_string(FILE *f, const char *s, size_t len)
{
	size_t run = 0; /* bytes since the last one that needed escaping */

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		fwrite(s + run, 1, i - run, f);
		run = i + 1;
		if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fprintf(f, "\\%c", c);
	}
	fwrite(s + run, 1, len - run, f);
	fputc('"', f);
}
