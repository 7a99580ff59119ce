/*
 * daemon/daemon.h - the servers capsa runs: the proxy (threshold
 * re-encryption with its transparency log) and the witness. They are linked
 * into the CLI (`capsa proxy serve`, `capsa witness serve`) and, like it, use
 * only the public API of libcapsa (include/capsa/) and this folder's headers.
 *
 *   http.h    the HTTP/1.1 server: routes, limits, problem JSON, metrics, TLS
 *   store.h   durable state behind a small interface (SQLite now)
 *   log.h     the proxy's transparency log: batched appends, checkpoints, tiles
 */
#ifndef CAPSA_DAEMON_H
#define CAPSA_DAEMON_H
#endif
