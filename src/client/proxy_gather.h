/*
 * client/proxy_gather.h - a grant's cfrags from its proxies: a signed
 * re-encryption request to each at once, each answer checked (the cfrag's
 * proof against the file's capsule, its receipt against the proxy's pinned
 * key), stopping as soon as the grant's threshold of verified cfrags is in.
 * What `capsa open --grant` and a keeper both do.
 */
#ifndef CAPSA_CLIENT_PROXY_GATHER_H
#define CAPSA_CLIENT_PROXY_GATHER_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/keys.h>

#include "client/proxy_peer.h"

/* Called once for each proxy that answered or failed: |why| NULL with its |receipt| when its cfrag verified. */
typedef void (*capsa_gather_report)(void *arg, size_t proxy, const char *why, const char *receipt);

typedef struct capsa_gather {
	capsa_cfrag_file *cfrags; /* the verified ones, in the order they came (room for every proxy) */
	size_t *from;             /* the proxy each came from */
	size_t num;
	size_t need;              /* the grant's threshold, from the first verified cfrag (0: none) */
	size_t slots;             /* cfrags allocated (one per proxy asked) */
} capsa_gather;

/*
 * capsa_proxy_gather asks the |n| proxies |peers| for the cfrag of
 * |stanza|'s capsule under |grant_id|, as |me|, for at most |deadline_ms|,
 * and fills |g| (capsa_gather_free). It succeeded when g->num > 0 and
 * g->num >= g->need. Returns CAPSA_OK (whatever the proxies answered) or
 * CAPSA_ERR_NOMEM.
 */
capsa_status capsa_proxy_gather(const capsa_identity *me, const capsa_proxy_peer *peers, size_t n,
                                const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const capsa_umbral_stanza *stanza,
                                long deadline_ms, capsa_gather_report report, void *arg,
                                capsa_gather *g) CAPSA_MUST_CHECK;

/* capsa_gather_free wipes and frees the cfrags. */
void capsa_gather_free(capsa_gather *g);

#endif
