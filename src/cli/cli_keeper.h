/* cli_keeper.h - a keeper as the network verbs see it: its evidence, fetched with a fresh nonce, and checked. */
#ifndef CAPSA_CLI_KEEPER_H
#define CAPSA_CLI_KEEPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <capsa/attest.h>
#include <capsa/grant.h>
#include <capsa/keys.h>

#include "client/proxy_peer.h"

typedef struct cli_keeper_evidence {
	char recipient[CAPSA_RECIPIENT_STRLEN + 1]; /* what the evidence binds */
	capsa_recipient key;
	uint8_t nonce[32];                          /* ours, fresh */
	uint8_t *evidence;                          /* the capsa envelope (free()) */
	size_t evidence_len;
} cli_keeper_evidence;

/* Fetches URL/v1/attestation with a fresh nonce. Returns 0, or an exit code with the reason printed. */
int cli_keeper_fetch(const char *verb, const char *url, cli_keeper_evidence *ke);

/*
 * Checks the evidence under |pol|: genuine, bound to ke->recipient and our
 * nonce, and accepted. Returns 0, or CLI_EXIT_ATTEST with the failed check
 * named on standard error (|verb| NULL: nothing printed). |res| gets every
 * check.
 */
int cli_keeper_verify(const char *verb, const char *url, const cli_keeper_evidence *ke, const capsa_attest_policy *pol,
                      capsa_attest_result *res);

/* Reads and validates the policy file |path|. Returns 0 or an exit code. */
int cli_keeper_policy_read(const char *verb, const char *path, capsa_attest_policy *pol);

void cli_keeper_evidence_free(cli_keeper_evidence *ke);

/*
 * Sends the keeper at |url| (party |keeper|) the owner's grant: where the
 * cfrags of |grant_id| for |content_id| come from (|ps|, in kfrag order), and
 * the store file |file| that holds the content. Returns 0 or an exit code.
 */
int cli_keeper_send_grant(const capsa_identity *owner, const char *url, const capsa_recipient *keeper,
                          const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const uint8_t content_id[CAPSA_CONTENT_ID_BYTES],
                          const char *file, unsigned threshold, const capsa_proxy_peer *ps, size_t n);

/*
 * POSTs the statement |text| signed by |id| to |url||route| and prints the
 * answer's problem if it refused. Returns 0 and the answer (json_decref), or
 * an exit code.
 */
int cli_keeper_post(const char *verb, const capsa_identity *id, const char *url, const char *route, const char *text,
                    size_t len, json_t **answer);

#endif
