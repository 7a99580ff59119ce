/*
 * capsa/keeper.h - the statements of strict mode (doc/STRICT.md,
 * doc/PROTOCOL.md "Keepers"), in the line grammar of the proxies'
 * statements and signed the same way (capsa_proxy_sign, capsa_proxy_verify):
 *
 *   grant   the owner tells a keeper where the cfrags of its grant come from
 *           (the grant id, the threshold, the proxies), for a content and
 *           the file that holds it in the keeper's store;
 *   access  the owner allows (until a time) or denies one recipient a content;
 *   fetch   a recipient asks a keeper for its copy of a file in the keeper's store.
 *
 * Parsers are strict: one fixed line order, nothing else, every value
 * checked; they return CAPSA_OK, CAPSA_ERR_DECODE, CAPSA_ERR_KEY (a recipient
 * that cannot sign) or CAPSA_ERR_UNSUPPORTED (another capsa-keeper statement
 * or version). Formatters return CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM.
 */
#ifndef CAPSA_KEEPER_H
#define CAPSA_KEEPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>
#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSA_KEEPER_MAX_PROXIES 32 /* the proxies of one grant */
#define CAPSA_KEEPER_URL_MAX 512    /* a proxy's URL: printable ASCII, no space */
#define CAPSA_KEEPER_FILE_MAX 255   /* a file's name in the store: [A-Za-z0-9._-], not starting with '.' */

typedef struct capsa_keeper_proxy {
	char url[CAPSA_KEEPER_URL_MAX + 1];
	capsa_recipient key;
} capsa_keeper_proxy;

/* The owner's grant to a keeper, as the keeper needs it to gather its cfrags. */
typedef struct capsa_keeper_grant {
	char keeper[CAPSA_PARTY_ID_HEXLEN + 1];
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	char file[CAPSA_KEEPER_FILE_MAX + 1]; /* the sealed file in the keeper's store */
	capsa_recipient owner;
	uint8_t threshold;      /* 1..num_proxies */
	size_t num_proxies;     /* 1..CAPSA_KEEPER_MAX_PROXIES, in kfrag order */
	capsa_keeper_proxy proxies[CAPSA_KEEPER_MAX_PROXIES];
	uint64_t time;
} capsa_keeper_grant;

/* One entry of the owner's access list for a content. */
typedef struct capsa_keeper_access {
	char keeper[CAPSA_PARTY_ID_HEXLEN + 1];
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	capsa_recipient recipient;
	bool allow;
	uint64_t until;         /* allow: the last second it holds (0: no end); deny: 0 */
	uint8_t nonce[CAPSA_PROXY_NONCE_BYTES];
	uint64_t time;
} capsa_keeper_access;

/* A recipient's request for its copy of a file. */
typedef struct capsa_keeper_fetch {
	char keeper[CAPSA_PARTY_ID_HEXLEN + 1];
	char file[CAPSA_KEEPER_FILE_MAX + 1];
	capsa_recipient requester;
	uint8_t nonce[CAPSA_PROXY_NONCE_BYTES];
	uint64_t time;
} capsa_keeper_fetch;

CAPSA_API capsa_status capsa_keeper_grant_format(char **out, size_t *out_len, const capsa_keeper_grant *g) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_keeper_grant_parse(capsa_keeper_grant *g, const char *text, size_t len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_keeper_access_format(char **out, size_t *out_len,
                                                  const capsa_keeper_access *a) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_keeper_access_parse(capsa_keeper_access *a, const char *text, size_t len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_keeper_fetch_format(char **out, size_t *out_len, const capsa_keeper_fetch *f) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_keeper_fetch_parse(capsa_keeper_fetch *f, const char *text, size_t len) CAPSA_MUST_CHECK;

/* Whether |name| may name a file in a keeper's store (see CAPSA_KEEPER_FILE_MAX). */
CAPSA_API bool capsa_keeper_file_name_ok(const char *name, size_t len);

#ifdef __cplusplus
}
#endif
#endif
