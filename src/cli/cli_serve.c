/* The daemons' serve verbs: options and the run until a signal (cli_serve.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_serve.h"
#include "daemon/state_dir.h"

static bool number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = s != NULL ? strtoul(s, &end, 10) : 0;
	return s == NULL || (errno == 0 && *end == '\0' && s[0] >= '1' && s[0] <= '9' && *out <= max);
}

int cli_serve_config(const char *verb, const cli_serve_opts *o, const char *metrics_prefix, capsa_http_config *cfg)
{
	const char *given[4] = {o->max_connections, o->per_ip, o->timeout, o->max_body};
	static const char *const names[4] = {"max-connections", "per-ip", "timeout", "max-body"};
	unsigned long v[4];

	capsa_http_config_default(cfg);
	if (o->listen == NULL || strrchr(o->listen, ':') == NULL) {
		fprintf(stderr, "capsa %s: --listen ADDR:PORT is required\n", verb);
		return CLI_EXIT_USAGE;
	}
	for (int i = 0; i < 4; i++)
		if (!number(given[i], i == 3 ? 1ul << 30 : 100000, &v[i])) {
			fprintf(stderr, "capsa %s: %s %s: not a positive number in range\n", verb, names[i], given[i]);
			return CLI_EXIT_USAGE;
		}
	if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
		fprintf(stderr, "capsa %s: --tls-cert and --tls-key go together\n", verb);
		return CLI_EXIT_USAGE;
	}
	cfg->listen = o->listen;
	cfg->tls_cert_file = o->tls_cert;
	cfg->tls_key_file = o->tls_key;
	if (given[0]) cfg->max_connections = (unsigned)v[0];
	if (given[1]) cfg->per_ip_limit = (unsigned)v[1];
	if (given[2]) cfg->timeout_s = (unsigned)v[2];
	if (given[3]) cfg->max_body = v[3];
	cfg->access_log = !o->quiet;
	cfg->metrics_prefix = metrics_prefix;
	return 0;
}

int cli_serve_run(const char *verb, capsa_http_server *srv, const char *listen, const char *dir)
{
	char err[512] = "";

	if (capsa_http_server_start(srv, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa %s: %s\n", verb, err[0] ? err : "cannot start the server");
		return CLI_EXIT_IO;
	}
	capsa_state_dir_write_port(dir, capsa_http_server_port(srv));
	fprintf(stderr, "listening on %.*s:%u\n", (int)(strrchr(listen, ':') - listen), listen,
	        capsa_http_server_port(srv));
	int sig = capsa_http_server_wait(srv);
	fprintf(stderr, "capsa %s: stopping (signal %d)\n", verb, sig);
	return capsa_http_server_stop(srv) == 0 ? 0 : CLI_EXIT_FAIL;
}
