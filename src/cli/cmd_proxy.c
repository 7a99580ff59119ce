/* capsa proxy: run a proxy of the network (serve), or print what owners pin (id). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/file.h>

#include "cli.h"
#include "cli_serve.h"
#include "daemon/http.h"
#include "daemon/proxy.h"
#include "daemon/state_dir.h"

static const char help[] =
	"NAME\n"
	"     capsa proxy - a proxy of the capsa network: threshold re-encryption with a transparency log\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa proxy serve --listen ADDR:PORT --data DIR [--config FILE] [--check] [--origin NAME]\n"
	"                       [--tls-cert FILE --tls-key FILE] [--max-connections N] [--per-ip N]\n"
	"                       [--timeout SECONDS] [--max-body BYTES] [--quiet] [--witness URL#VKEY ...]\n"
	"     capsa proxy id --data DIR [--origin NAME] [--log-key]\n"
	"\n"
	"DESCRIPTION\n"
	"     serve runs a proxy on ADDR:PORT (port 0 picks a free one; the port is\n"
	"     printed as \"listening on ADDR:PORT\" on standard error and written to\n"
	"     DIR/port). It holds one kfrag of each grant an owner gives it, and\n"
	"     re-encrypts a file's capsule for the grant's recipient while the grant\n"
	"     is neither revoked, expired nor used up. Every request is a statement\n"
	"     signed by the owner or the recipient (doc/PROTOCOL.md), so plain HTTP\n"
	"     is safe; TLS is defence in depth. Every grant, re-encryption and\n"
	"     revocation is appended to the proxy's transparency log before it is\n"
	"     answered, and every answer carries its receipt (c2sp.org/tlog-proof).\n"
	"     The log is served at /v1/log/ as c2sp.org/tlog-tiles; its checkpoints\n"
	"     are signed with the proxy's Ed25519 key. GET /healthz and /metrics\n"
	"     (Prometheus) are built in. With --witness, each new checkpoint is sent\n"
	"     to every witness (c2sp.org/tlog-witness) with a consistency proof; the\n"
	"     cosignatures that verify against the witness's vkey are kept with the\n"
	"     checkpoint and served with it and in later receipts. A witness that is\n"
	"     down or refuses holds nothing up.\n"
	"\n"
	"     The state is DIR: identity (0600, made on first start), proxy.db\n"
	"     (SQLite, WAL, synchronous=FULL: nothing is answered before it is on\n"
	"     disk) and lock (a second proxy on the same DIR is refused). SIGTERM or\n"
	"     SIGINT stops it after the requests in flight.\n"
	"\n"
	"     --config FILE reads options from FILE, one \"name value\" a line (the\n"
	"     long option names without dashes: listen, data, origin, tls-cert,\n"
	"     tls-key, max-connections, per-ip, timeout, max-body, quiet yes|no,\n"
	"     witness, which may repeat),\n"
	"     with # comments; options on the command line win. The whole\n"
	"     configuration is checked before anything is served; --check only\n"
	"     checks it and the state directory, creating and locking nothing, and\n"
	"     exits. DIR must be private to its user (mode 0700).\n"
	"\n"
	"     id prints the proxy's recipient string (what owners pin, as\n"
	"     URL#RECIPIENT) and, on a second line, its log's verifier key in the\n"
	"     signed-note form (name+keyid+base64), for witnesses and auditors.\n"
	"     --log-key prints only the latter.\n"
	"\n"
	"OPTIONS\n"
	"     --listen ADDR:PORT     address to serve on (127.0.0.1:0, [::1]:7300)\n"
	"     --data DIR             the proxy's state directory (made if absent)\n"
	"     --origin NAME          the log's name (default capsa.proxy/<16 hex of its party id>)\n"
	"     --tls-cert FILE        serve HTTPS with this PEM certificate ...\n"
	"     --tls-key FILE         ... and this PEM key\n"
	"     --max-connections N    connections at once (default 256)\n"
	"     --per-ip N             requests at once from one address (default 64); more are\n"
	"                            answered 429 busy, and connections beyond twice as many refused\n"
	"     --timeout SECONDS      idle time before a connection is closed (default 30)\n"
	"     --max-body BYTES       the largest request body (default 1048576)\n"
	"     --quiet                no access log on standard error\n"
	"     --witness URL#VKEY     a witness and its cosignature vkey (capsa witness id); repeatable\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa proxy serve --listen 127.0.0.1:7301 --data p1\n"
	"     echo \"http://127.0.0.1:7301#$(capsa proxy id --data p1 | head -n1)\" >> proxies\n";

#define MAX_WITNESSES 16

struct proxy_args {
	char *opt[10]; /* by option index below; malloc'd when read from a config file */
	bool from_file[10];
	bool check, log_key_only;
	char *witnesses[MAX_WITNESSES];
	bool witness_from_file[MAX_WITNESSES];
	size_t num_witnesses;
};

static int add_witness(struct proxy_args *a, char *spec, bool from_file)
{
	if (a->num_witnesses == MAX_WITNESSES) {
		fprintf(stderr, "capsa proxy serve: more than %d witnesses\n", MAX_WITNESSES);
		return CLI_EXIT_USAGE;
	}
	a->witness_from_file[a->num_witnesses] = from_file;
	a->witnesses[a->num_witnesses++] = spec;
	return 0;
}

enum { O_LISTEN, O_DATA, O_ORIGIN, O_CERT, O_KEY, O_MAXCONN, O_PERIP, O_TIMEOUT, O_MAXBODY, O_QUIET };
static const char *const names[] = {"listen", "data",   "origin",  "tls-cert", "tls-key",
                                    "max-connections", "per-ip", "timeout", "max-body", "quiet"};

static int config_line(struct proxy_args *a, const char *file, size_t n, char *line)
{
	char *value = strchr(line, ' ');

	if (value == NULL)
		goto bad;
	*value++ = '\0';
	if (strcmp(line, "witness") == 0) {
		char *spec = strdup(value);
		return spec == NULL ? CLI_EXIT_FAIL : add_witness(a, spec, true);
	}
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (strcmp(line, names[i]) != 0)
			continue;
		if (a->opt[i] != NULL) /* the command line wins */
			return 0;
		if ((a->opt[i] = strdup(value)) == NULL)
			return CLI_EXIT_FAIL;
		a->from_file[i] = true;
		return 0;
	}
bad:
	fprintf(stderr, "capsa proxy: %s:%zu: not \"name value\" with a known name\n", file, n);
	return CLI_EXIT_USAGE;
}

static int read_config(struct proxy_args *a, const char *file)
{
	uint8_t *text = NULL;
	size_t len = 0, n = 0;
	char *save = NULL;
	int rc = 0;

	if (capsa_file_read(&text, &len, file, 1 << 16) != CAPSA_OK) {
		fprintf(stderr, "capsa proxy: %s: %s\n", file, strerror(errno));
		return CLI_EXIT_IO;
	}
	text[len] = '\0'; /* the spare byte */
	for (char *line = strtok_r((char *)text, "\n", &save); rc == 0 && line != NULL; line = strtok_r(NULL, "\n", &save)) {
		n++;
		line[strcspn(line, "\r")] = '\0';
		if (line[0] != '#' && line[0] != '\0')
			rc = config_line(a, file, n, line);
	}
	free(text);
	return rc;
}

/* Turns the options into a server configuration; names the first bad one. */
static int make_config(const struct proxy_args *a, capsa_http_config *cfg)
{
	cli_serve_opts o = {.listen = a->opt[O_LISTEN], .tls_cert = a->opt[O_CERT], .tls_key = a->opt[O_KEY],
	                    .max_connections = a->opt[O_MAXCONN], .per_ip = a->opt[O_PERIP],
	                    .timeout = a->opt[O_TIMEOUT], .max_body = a->opt[O_MAXBODY]};

	if (a->opt[O_DATA] == NULL) {
		fputs("capsa proxy serve: --data DIR is required\n", stderr);
		return CLI_EXIT_USAGE;
	}
	if (a->opt[O_QUIET] != NULL && strcmp(a->opt[O_QUIET], "yes") != 0 && strcmp(a->opt[O_QUIET], "no") != 0) {
		fputs("capsa proxy serve: quiet is yes or no\n", stderr);
		return CLI_EXIT_USAGE;
	}
	o.quiet = a->opt[O_QUIET] != NULL && strcmp(a->opt[O_QUIET], "yes") == 0;
	return cli_serve_config("proxy serve", &o, "capsa_proxy", cfg);
}

/* --check: the configuration (already loaded), the witnesses and the state directory, changing nothing. */
static int check_only(const struct proxy_args *a)
{
	char err[512] = "";

	for (size_t i = 0; i < a->num_witnesses; i++)
		if (capsa_proxy_witness_check(a->witnesses[i], err, sizeof err) != CAPSA_OK) {
			fprintf(stderr, "capsa proxy serve: %s\n", err);
			return CLI_EXIT_USAGE;
		}
	if (capsa_proxy_check(a->opt[O_DATA], a->opt[O_ORIGIN], err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa proxy serve: %s\n", err);
		return CLI_EXIT_IO;
	}
	fputs("capsa proxy serve: configuration ok\n", stderr);
	return 0;
}

static int serve(const struct proxy_args *a)
{
	capsa_http_config cfg;
	capsa_http_server *srv = NULL;
	capsa_proxy *p = NULL;
	char err[512] = "";
	int rc = make_config(a, &cfg);

	if (rc != 0)
		return rc;
	if (capsa_http_block_signals() != CAPSA_OK)
		return CLI_EXIT_FAIL;
	if (capsa_http_server_new(&srv, &cfg, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa proxy serve: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	if (a->check) {
		capsa_http_server_free(srv);
		return check_only(a);
	}
	if (capsa_proxy_open(&p, a->opt[O_DATA], a->opt[O_ORIGIN], err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa proxy serve: %s\n", err);
		capsa_http_server_free(srv);
		return CLI_EXIT_IO;
	}
	for (size_t i = 0; rc == 0 && i < a->num_witnesses; i++)
		if (capsa_proxy_witness(p, a->witnesses[i], err, sizeof err) != CAPSA_OK) {
			fprintf(stderr, "capsa proxy serve: %s\n", err);
			rc = CLI_EXIT_USAGE;
		}
	if (rc != 0) {
		/* a bad --witness: nothing served */
	} else if (capsa_proxy_register(p, srv) != CAPSA_OK) {
		fputs("capsa proxy serve: cannot register the routes\n", stderr);
		rc = CLI_EXIT_FAIL;
	} else {
		rc = cli_serve_run("proxy", srv, cfg.listen, a->opt[O_DATA]);
	}
	capsa_http_server_free(srv); /* before the proxy: no handler may run after it closes */
	capsa_proxy_close(p);
	return rc;
}

static int show_id(const struct proxy_args *a)
{
	char err[512] = "", *recipient = NULL, *vkey = NULL;

	if (a->opt[O_DATA] == NULL) {
		fputs("capsa proxy id: --data DIR is required\n", stderr);
		return CLI_EXIT_USAGE;
	}
	if (capsa_proxy_describe(a->opt[O_DATA], a->opt[O_ORIGIN], &recipient, &vkey, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa proxy id: %s\n", err[0] ? err : "cannot read the proxy's identity");
		return CLI_EXIT_KEY;
	}
	if (!a->log_key_only)
		printf("%s\n", recipient);
	printf("%s\n", vkey);
	free(recipient);
	free(vkey);
	return 0;
}

static int parse(struct proxy_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"listen", required_argument, NULL, O_LISTEN},     {"data", required_argument, NULL, O_DATA},
		{"origin", required_argument, NULL, O_ORIGIN},     {"tls-cert", required_argument, NULL, O_CERT},
		{"tls-key", required_argument, NULL, O_KEY},       {"max-connections", required_argument, NULL, O_MAXCONN},
		{"per-ip", required_argument, NULL, O_PERIP},      {"timeout", required_argument, NULL, O_TIMEOUT},
		{"max-body", required_argument, NULL, O_MAXBODY},  {"quiet", no_argument, NULL, O_QUIET},
		{"config", required_argument, NULL, 'c'},          {"check", no_argument, NULL, 'k'},
		{"log-key", no_argument, NULL, 'L'},               {"help", no_argument, NULL, 'h'},
		{"witness", required_argument, NULL, 'W'},
		{NULL, 0, NULL, 0}};
	const char *config = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		if (c >= O_LISTEN && c <= O_QUIET)
			a->opt[c] = c == O_QUIET ? "yes" : optarg;
		else if (c == 'c')
			config = optarg;
		else if (c == 'k')
			a->check = true;
		else if (c == 'L')
			a->log_key_only = true;
		else if (c == 'W') {
			if (add_witness(a, optarg, false) != 0)
				return CLI_EXIT_USAGE;
		}
		else if (c == 'h')
			return -1;
		else
			return CLI_EXIT_USAGE;
	}
	if (optind != argc)
		return CLI_EXIT_USAGE;
	return config != NULL ? read_config(a, config) : 0;
}

static int run(int argc, char **argv)
{
	static const char usage[] = "usage: capsa proxy serve --listen ADDR:PORT --data DIR [options] | id --data DIR\n";
	struct proxy_args a = {0};
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		cli_help(help, help_tail);
		return 0;
	}
	if (strcmp(sub, "serve") != 0 && strcmp(sub, "id") != 0) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	rc = parse(&a, argc - 1, argv + 1);
	if (rc == -1)
		cli_help(help, help_tail);
	else if (rc == CLI_EXIT_USAGE)
		fputs(usage, stderr);
	else if (rc == 0)
		rc = strcmp(sub, "id") == 0 ? show_id(&a) : serve(&a);
	for (size_t i = 0; i < sizeof a.opt / sizeof *a.opt; i++)
		if (a.from_file[i])
			free(a.opt[i]);
	for (size_t i = 0; i < a.num_witnesses; i++)
		if (a.witness_from_file[i])
			free(a.witnesses[i]);
	return rc == -1 ? 0 : rc;
}

const struct cli_verb cli_verb_proxy = {"proxy", "run a proxy of the network: threshold re-encryption, logged", run};
