/*
 * Policy files: JSON validated strictly into a capsa_attest_policy at the
 * edge. Anything unknown, mistyped or contradictory is refused here, with the
 * offending key named, so that applying a policy never meets a surprise.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <capsa/attest.h>
#include <capsa/util.h>

struct perr {
	char *buf;
	size_t len;
};

static capsa_status fail(struct perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static capsa_status fail(struct perr *e, const char *fmt, ...)
{
	va_list ap;
	if (e->buf != NULL && e->len > 0) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->len, fmt, ap);
		va_end(ap);
	}
	return CAPSA_ERR_DECODE;
}

/* Every key of |obj| must be one of the NULL-terminated |allowed|. */
static capsa_status only_keys(struct perr *e, const char *where, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		size_t i;
		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0; i++)
			;
		if (allowed[i] == NULL)
			return fail(e, "%s: unknown key \"%s\"", where, key);
	}
	return CAPSA_OK;
}

static capsa_status get_bool(struct perr *e, json_t *obj, const char *where, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL)
		return CAPSA_OK;
	if (!json_is_boolean(v))
		return fail(e, "%s.%s: must be true or false", where, key);
	*out = json_is_true(v);
	return CAPSA_OK;
}

/* Reads a string of hex into |out| (|min|..|cap| bytes). */
static capsa_status get_hex(struct perr *e, json_t *v, const char *where, uint8_t *out, size_t min, size_t cap,
                            size_t *out_len)
{
	if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v)) ||
	    !capsa_hex_decode(out, cap, out_len, json_string_value(v)) || *out_len < min)
		return fail(e, "%s: must be a hex string of %zu to %zu bytes", where, min, cap);
	return CAPSA_OK;
}

static capsa_status get_measurements(struct perr *e, json_t *pobj, const char *where, capsa_policy_platform *pp)
{
	json_t *arr = json_object_get(pobj, "measurements"), *v;
	char at[96];
	size_t i;
	capsa_status st;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return fail(e, "%s.measurements: required, a non-empty array of hex strings", where);
	if (json_array_size(arr) > CAPSA_POLICY_MAX_MEASUREMENTS)
		return fail(e, "%s.measurements: more than %d entries", where, CAPSA_POLICY_MAX_MEASUREMENTS);
	json_array_foreach(arr, i, v) {
		snprintf(at, sizeof at, "%s.measurements[%zu]", where, i);
		if ((st = get_hex(e, v, at, pp->measurements[i], 1, CAPSA_ATTEST_MAX_MEASUREMENT,
		                  &pp->measurement_lens[i])) != CAPSA_OK)
			return st;
	}
	pp->num_measurements = json_array_size(arr);
	return CAPSA_OK;
}

static capsa_status get_pins(struct perr *e, json_t *pobj, const char *where, const char *key, size_t pin_len,
                             bool required, capsa_policy_platform *pp)
{
	json_t *arr = json_object_get(pobj, key), *v;
	char at[96];
	size_t i, len;
	capsa_status st;

	if (arr == NULL && !required)
		return CAPSA_OK;
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > CAPSA_POLICY_MAX_PINS)
		return fail(e, "%s.%s: %s a non-empty array of at most %d hex strings", where, key,
		            required ? "required," : "must be", CAPSA_POLICY_MAX_PINS);
	json_array_foreach(arr, i, v) {
		snprintf(at, sizeof at, "%s.%s[%zu]", where, key, i);
		if ((st = get_hex(e, v, at, pp->pins[i], pin_len, pin_len, &len)) != CAPSA_OK)
			return st;
	}
	pp->num_pins = json_array_size(arr);
	return CAPSA_OK;
}

static capsa_status get_min_tcb(struct perr *e, json_t *pobj, const char *where, capsa_policy_platform *pp)
{
	static const char *const parts[] = {"bootloader", "tee", "snp", "microcode", NULL};
	json_t *obj = json_object_get(pobj, "min_tcb");
	capsa_status st;

	if (obj == NULL)
		return CAPSA_OK;
	if (!json_is_object(obj))
		return fail(e, "%s.min_tcb: must be an object", where);
	if ((st = only_keys(e, "min_tcb", obj, parts)) != CAPSA_OK)
		return st;
	for (size_t i = 0; parts[i] != NULL; i++) {
		json_t *v = json_object_get(obj, parts[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
			return fail(e, "%s.min_tcb.%s: required, an integer 0..255", where, parts[i]);
		pp->min_tcb[i] = (uint8_t)json_integer_value(v);
	}
	pp->has_min_tcb = true;
	return CAPSA_OK;
}

static capsa_status parse_platform(struct perr *e, capsa_attest_platform p, json_t *pobj, capsa_policy_platform *pp)
{
	static const char *const sim_keys[] = {"measurements", "platform_keys", NULL};
	static const char *const tpm2_keys[] = {"measurements", "ak_names", NULL};
	static const char *const snp_keys[] = {"measurements", "allow_debug", "min_tcb", NULL};
	static const char *const nitro_keys[] = {"measurements", "allow_debug", NULL};
	static const char *const *const keys[] = {NULL, sim_keys, tpm2_keys, snp_keys, nitro_keys};
	char where[48];
	capsa_status st;

	snprintf(where, sizeof where, "platforms.%s", capsa_attest_platform_name(p));
	if (!json_is_object(pobj))
		return fail(e, "%s: must be an object", where);
	if ((st = only_keys(e, where, pobj, keys[p])) != CAPSA_OK ||
	    (st = get_measurements(e, pobj, where, pp)) != CAPSA_OK ||
	    (st = get_bool(e, pobj, where, "allow_debug", &pp->allow_debug)) != CAPSA_OK ||
	    (st = get_min_tcb(e, pobj, where, pp)) != CAPSA_OK)
		return st;
	if (p == CAPSA_PLATFORM_TPM2)
		st = get_pins(e, pobj, where, "ak_names", CAPSA_POLICY_PIN_BYTES, true, pp);
	else if (p == CAPSA_PLATFORM_SIM)
		st = get_pins(e, pobj, where, "platform_keys", CAPSA_SIM_PUBLICBYTES, false, pp);
	pp->allowed = true;
	return st;
}

static capsa_attest_platform platform_by_name(const char *name)
{
	for (int p = CAPSA_PLATFORM_SIM; p <= CAPSA_PLATFORM_NITRO; p++)
		if (strcmp(name, capsa_attest_platform_name((capsa_attest_platform)p)) == 0)
			return (capsa_attest_platform)p;
	return CAPSA_PLATFORM_NONE;
}

static capsa_status parse_platforms(struct perr *e, json_t *obj, capsa_attest_policy *pol)
{
	const char *name;
	json_t *pobj;
	capsa_status st;

	if (!json_is_object(obj) || json_object_size(obj) == 0)
		return fail(e, "platforms: required, an object with at least one platform");
	json_object_foreach(obj, name, pobj) {
		capsa_attest_platform p = platform_by_name(name);
		if (p == CAPSA_PLATFORM_NONE)
			return fail(e, "platforms: unknown platform \"%s\" (sim, tpm2, sev-snp, nitro)", name);
		if ((st = parse_platform(e, p, pobj, &pol->platforms[p])) != CAPSA_OK)
			return st;
	}
	if (pol->platforms[CAPSA_PLATFORM_SIM].allowed && !pol->allow_sim)
		return fail(e, "platforms.sim: listed, but allow_sim is not true (sim evidence proves nothing)");
	return CAPSA_OK;
}

static capsa_status parse_top(struct perr *e, json_t *root, capsa_attest_policy *pol)
{
	static const char *const top_keys[] = {"version", "platforms", "allow_sim", "require_nonce",
	                                       "max_age_seconds", NULL};
	json_t *v;
	capsa_status st;

	if (!json_is_object(root))
		return fail(e, "the policy must be a JSON object");
	if ((st = only_keys(e, "policy", root, top_keys)) != CAPSA_OK)
		return st;
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return fail(e, "version: required, and must be 1");
	if ((st = get_bool(e, root, "policy", "allow_sim", &pol->allow_sim)) != CAPSA_OK ||
	    (st = get_bool(e, root, "policy", "require_nonce", &pol->require_nonce)) != CAPSA_OK)
		return st;
	if ((v = json_object_get(root, "max_age_seconds")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return fail(e, "max_age_seconds: must be an integer >= 0");
		pol->max_age = (int64_t)json_integer_value(v);
	}
	return parse_platforms(e, json_object_get(root, "platforms"), pol);
}

capsa_status capsa_policy_parse(capsa_attest_policy *pol, const char *json, size_t json_len, char *err,
                                size_t err_len)
{
	struct perr e = {err, err_len};
	json_error_t jerr;
	json_t *root;
	capsa_status st;

	memset(pol, 0, sizeof *pol);
	pol->require_nonce = true;
	if (err != NULL && err_len > 0)
		err[0] = '\0';
	root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fail(&e, "not JSON (line %d: %s)", jerr.line, jerr.text);
	st = parse_top(&e, root, pol);
	json_decref(root);
	if (st != CAPSA_OK) {
		memset(pol, 0, sizeof *pol);
		pol->require_nonce = true;
	}
	return st;
}
