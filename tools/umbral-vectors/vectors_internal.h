/* umbral-vectors/vectors_internal.h - what the checker's files share. */
#ifndef CAPSA_UMBRAL_VECTORS_INTERNAL_H
#define CAPSA_UMBRAL_VECTORS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "umbral-vectors/vectors.h"

typedef struct checker {
	umb_vectors_result *res;
	FILE *log;
	const char *where;
} checker;

/* Counts one checked fact; a failure is described on the log. */
void umb_v_record(checker *c, bool ok, const char *what);

/* The string member |key| of |o|, or NULL. */
const char *umb_v_str(const json_t *o, const char *key);
/* Exactly |len| bytes of hex into |out|. */
bool umb_v_hex_fixed(const char *hex, uint8_t *out, size_t len);
/* Exactly |len| bytes of hex from member |key| into |out|. */
bool umb_v_fixed(const json_t *o, const char *key, uint8_t *out, size_t len);
/* True if |hex| encodes exactly |p|. */
bool umb_v_same_hex(const char *hex, const uint8_t *p, size_t len);

capsa_status umb_v_sk(const json_t *o, const char *key, capsa_umbral_secret_key *sk);
capsa_status umb_v_pk(const json_t *o, const char *key, capsa_umbral_public_key *pk);
capsa_status umb_v_capsule(capsa_umbral_capsule *capsule, const char *hex);
capsa_status umb_v_kfrag(capsa_umbral_kfrag *kfrag, const char *hex);
capsa_status umb_v_cfrag(capsa_umbral_cfrag *cfrag, const char *hex);

void umb_v_check_case(checker *c, const json_t *cs);
void umb_v_check_negative(checker *c, const json_t *nc, const json_t *cases);

/* ---- the emitter ---- */

#define MAX_EMIT_SHARES 8

/* One emitted case, kept for deriving negative cases from it. */
typedef struct emitted {
	capsa_umbral_secret_key dsk, rsk, ssk;
	capsa_umbral_public_key dpk, rpk, vpk;
	capsa_umbral_capsule capsule;
	capsa_umbral_kfrag kfrags[MAX_EMIT_SHARES];
	capsa_umbral_cfrag cfrags[MAX_EMIT_SHARES];
	uint8_t *ct;
	size_t ct_len, t, n;
	const char *name;
} emitted;

/* Sets member |key| of |o| to the hex of |p|; 0 on success. */
int umb_v_set_hex(json_t *o, const char *key, const uint8_t *p, size_t len);
/* A JSON string holding the hex of |p|. */
json_t *umb_v_hex_value(const uint8_t *p, size_t len);
/*
 * umb_v_add_negatives derives the negative cases of the reference's kinds
 * from |a| (a case that signs both keys, threshold >= 2) and |b| (another grant).
 */
capsa_status umb_v_add_negatives(json_t *root, const emitted *a, const emitted *b);

#endif
