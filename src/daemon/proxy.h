/*
 * daemon/proxy.h - a proxy of the capsa network (doc/PROTOCOL.md): it holds
 * one kfrag of each grant given to it, re-encrypts capsules for the grant's
 * recipient, honours revocation, expiry and use limits, and logs every
 * grant, re-encryption and revocation on its transparency log, served at
 * /v1/log/ as c2sp.org/tlog-tiles.
 *
 * State lives in DIR: `identity` (0600: its X25519 key opens kfrags, its
 * Ed25519 key signs checkpoints), `proxy.db` (store.h) and `lock`.
 */
#ifndef CAPSA_DAEMON_PROXY_H
#define CAPSA_DAEMON_PROXY_H

#include <stddef.h>

#include <capsa/status.h>

#include "daemon/http.h"

typedef struct capsa_proxy capsa_proxy;

/*
 * capsa_proxy_open opens (creating on first start) the proxy on |dir|; its
 * log is named |origin| (NULL: capsa_proxy_log_origin of its key). Returns
 * CAPSA_OK, CAPSA_ERR_ARG (a bad origin), CAPSA_ERR_IO or CAPSA_ERR_VERSION
 * with a reason in |err|.
 */
capsa_status capsa_proxy_open(capsa_proxy **out, const char *dir, const char *origin, char *err,
                              size_t err_len) CAPSA_MUST_CHECK;

/* capsa_proxy_close finishes the log's queued work, closes the store and releases the lock. NULL-safe. */
void capsa_proxy_close(capsa_proxy *p);

/*
 * capsa_proxy_witness adds a witness, `URL#VKEY` (its cosignature vkey, as
 * capsa witness id prints it), before capsa_proxy_register: each new
 * checkpoint is then submitted to it and its cosignature kept with the
 * checkpoint. Returns CAPSA_OK or CAPSA_ERR_ARG with a reason in |err|.
 */
capsa_status capsa_proxy_witness(capsa_proxy *p, const char *spec, char *err, size_t err_len) CAPSA_MUST_CHECK;

/* capsa_proxy_witness_check checks a --witness spec as capsa_proxy_witness would take it. */
capsa_status capsa_proxy_witness_check(const char *spec, char *err, size_t err_len) CAPSA_MUST_CHECK;

/*
 * capsa_proxy_check checks the state directory |dir| without creating,
 * changing or locking anything (a running proxy's directory passes): absent
 * (it is made on first start), or private to its user, with an identity
 * that reads and a log name |origin| that is valid, and its state file.
 * Returns CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_IO with a reason in |err|.
 */
capsa_status capsa_proxy_check(const char *dir, const char *origin, char *err, size_t err_len) CAPSA_MUST_CHECK;

/* capsa_proxy_register adds the /v1 routes and the proxy's metrics to |srv| (before it starts). */
capsa_status capsa_proxy_register(capsa_proxy *p, capsa_http_server *srv) CAPSA_MUST_CHECK;

/*
 * capsa_proxy_describe reads (never creates) DIR/identity and writes the
 * proxy's recipient string and its log's vkey (fresh strings, free()).
 */
capsa_status capsa_proxy_describe(const char *dir, const char *origin, char **recipient, char **vkey, char *err,
                                  size_t err_len) CAPSA_MUST_CHECK;

#endif
