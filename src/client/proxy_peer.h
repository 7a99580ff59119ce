/*
 * client/proxy_peer.h - the proxies a command talks to, as users name them:
 * `URL#RECIPIENT` (pinned), a bare URL (its key fetched once from /v1/id,
 * and said loudly not to be pinned), or a file of `URL RECIPIENT` lines.
 */
#ifndef CAPSA_CLIENT_PROXY_PEER_H
#define CAPSA_CLIENT_PROXY_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include <capsa/keys.h>
#include <capsa/proxy.h>

#define CAPSA_PROXY_PEERS_MAX 255

typedef struct capsa_proxy_peer {
	char *url;                                 /* without a trailing slash (malloc'd) */
	capsa_recipient key;                       /* type 2: its X25519 and Ed25519 keys */
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	bool pinned;
} capsa_proxy_peer;

/*
 * capsa_proxy_peer_parse reads one `URL#RECIPIENT` or `URL`; a bare URL's
 * key is fetched from URL/v1/id (and |pinned| is false). Returns CAPSA_OK,
 * CAPSA_ERR_ARG (not an http(s) URL), CAPSA_ERR_KEY (not a type 2
 * recipient) or CAPSA_ERR_IO (the fetch failed), with a reason in |err|.
 */
capsa_status capsa_proxy_peer_parse(capsa_proxy_peer *p, const char *spec, char *err, size_t err_len) CAPSA_MUST_CHECK;

/*
 * capsa_proxy_peers_file appends the `URL RECIPIENT` lines of |path| (blank
 * lines and # comments skipped) to |peers| (|*num| of |max| used). Returns as
 * capsa_proxy_peer_parse, CAPSA_ERR_RANGE (too many) or CAPSA_ERR_DECODE (a
 * bad line, named in |err|).
 */
capsa_status capsa_proxy_peers_file(capsa_proxy_peer *peers, size_t *num, size_t max, const char *path, char *err,
                                    size_t err_len) CAPSA_MUST_CHECK;

void capsa_proxy_peer_clear(capsa_proxy_peer *p);

#endif
