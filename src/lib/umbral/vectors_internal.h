/* umbral/vectors_internal.h - what the checker's files share. */
#ifndef CAPSA_UMBRAL_VECTORS_INTERNAL_H
#define CAPSA_UMBRAL_VECTORS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "umbral/vectors.h"

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

#endif
