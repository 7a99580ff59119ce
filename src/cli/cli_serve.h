/* cli_serve.h - what the daemons' serve verbs share: the server options and the run until a signal. */
#ifndef CAPSA_CLI_SERVE_H
#define CAPSA_CLI_SERVE_H

#include <stdbool.h>

#include "daemon/http.h"

/* The options as given (NULL: the default). */
typedef struct cli_serve_opts {
	const char *listen, *tls_cert, *tls_key;
	const char *max_connections, *per_ip, *timeout, *max_body;
	bool quiet;
} cli_serve_opts;

/* Checks |o| into |cfg|; prints what is wrong as "capsa VERB: ..." and returns an exit code, or 0. */
int cli_serve_config(const char *verb, const cli_serve_opts *o, const char *metrics_prefix, capsa_http_config *cfg);

/*
 * Starts |srv| (its routes registered), writes its port to DIR/port, prints
 * "listening on ADDR:PORT", serves until SIGTERM or SIGINT, then stops after
 * the requests in flight. Returns an exit code.
 */
int cli_serve_run(const char *verb, capsa_http_server *srv, const char *listen, const char *dir);

#endif
