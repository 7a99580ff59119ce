/* cli_net.h - what the network verbs share: the proxy list, the JSON envelopes, the answers. */
#ifndef CAPSA_CLI_NET_H
#define CAPSA_CLI_NET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>

#include "client/http_client.h"
#include "client/json_b64.h"
#include "client/proxy_answer.h"
#include "client/proxy_gather.h"
#include "client/proxy_request.h"
#include "client/proxy_peer.h"

/* The proxies named by --proxy and --proxies. */
typedef struct cli_proxies {
	capsa_proxy_peer peers[CAPSA_PROXY_PEERS_MAX];
	size_t num;
} cli_proxies;

/* Adds one --proxy SPEC (warning on stderr when it is not pinned); returns 0 or an exit code. */
int cli_net_add_proxy(const char *verb, cli_proxies *ps, const char *spec);
/* Adds the proxies of a --proxies FILE. */
int cli_net_add_proxies_file(const char *verb, cli_proxies *ps, const char *path);
void cli_net_proxies_clear(cli_proxies *ps);

/* Proxy |i|'s request body (malloc'd), or NULL. */
typedef char *(*cli_net_body_fn)(void *arg, size_t i);

/*
 * POSTs |make|(arg, i) to proxy i's |route| ("/v1/grants"), all at once;
 * returns the finished calls (cli_net_calls_free), or NULL if a body could
 * not be made or the requests not run.
 */
capsa_http_call *cli_net_post(const cli_proxies *ps, const char *route, cli_net_body_fn make, void *arg,
                              const capsa_http_client_opts *opts);
void cli_net_calls_free(capsa_http_call *calls, size_t n);


/* Parses a grant id (32 hex characters). */
bool cli_net_grant_id(uint8_t out[CAPSA_GRANT_ID_BYTES], const char *s);

/* One wrap a proxy received: resending it is idempotent. */
typedef struct cli_grant_sent {
	uint8_t index;
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	uint8_t wrap[CAPSA_PROXY_KFRAG_WRAP_BYTES];
} cli_grant_sent;

/* The owner's grant record (cli_net_record.c): |g| holds the fields every proxy's statement shares. */
typedef struct cli_grant_record {
	capsa_proxy_grant g;
	uint8_t own[CAPSA_PROXY_PEERS_MAX][CAPSA_PROXY_KFRAG_WRAP_BYTES]; /* kfrag i + 1 wrapped to the owner */
	cli_grant_sent sent[CAPSA_PROXY_PEERS_MAX];
	size_t num_sent;
} cli_grant_record;

/* Writes |r| signed by |owner| to |path| (0600, replaced atomically). Returns 0 or an exit code. */
int cli_grant_record_write(const cli_grant_record *r, const capsa_identity *owner, const char *path);
/* Reads and checks (signature by |owner|, strict lines) the record at |path|. Returns 0 or an exit code. */
int cli_grant_record_read(cli_grant_record *r, const capsa_identity *owner, const char *path);
/* capsa grant --republish RECORD: the grant again to |ps| (proxy i gets kfrag i). */
int cli_net_republish(const capsa_identity *owner, cli_proxies *ps, const char *record);

/* The network forms of the verbs (cli_net_grant.c, cli_net_open.c). */
int cli_net_grant(const capsa_identity *owner, const capsa_recipient *to, size_t threshold, cli_proxies *ps,
                  uint64_t not_after, uint64_t max_uses, const char *file, const char *record,
                  uint8_t grant_id[CAPSA_GRANT_ID_BYTES], uint8_t content_id[CAPSA_CONTENT_ID_BYTES]);
/*
 * Asks the proxies for cfrags of |grant_id| for |file|, into |*cfrags| and
 * the URLs they came from into |*names| (both free(); the URLs are |ps|'s).
 * |receipts_dir| may be NULL.
 */
int cli_net_fetch_cfrags(const capsa_identity *me, cli_proxies *ps, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                         const char *file, const char *receipts_dir, capsa_cfrag_file **cfrags, const char ***names,
                         size_t *num);

#endif
