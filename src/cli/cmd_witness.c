/* capsa witness: a c2sp.org/tlog-witness for proxy logs (serve), and its key (id). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "cli.h"
#include "cli_serve.h"
#include "daemon/http.h"
#include "daemon/state_dir.h"
#include "daemon/witness.h"

#define MAX_LOGS 64

static const char help[] =
	"NAME\n"
	"     capsa witness - witness transparency logs: cosign their checkpoints\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa witness serve --listen ADDR:PORT --data DIR --log VKEY ... [--name NAME]\n"
	"                         [--tls-cert FILE --tls-key FILE]\n"
	"     capsa witness id --data DIR [--name NAME]\n"
	"\n"
	"DESCRIPTION\n"
	"     serve runs a c2sp.org/tlog-witness on ADDR:PORT (port 0 picks a free\n"
	"     one; the port is printed as \"listening on ADDR:PORT\" on standard error\n"
	"     and written to DIR/port). POST /add-checkpoint takes the old size, a\n"
	"     consistency proof and a checkpoint signed by one of the --log keys\n"
	"     (signed-note vkeys, type 0x01, named by the log origin). The witness\n"
	"     keeps the latest size and root of each log in DIR/witness.db and\n"
	"     cosigns (c2sp.org/tlog-cosignature, timestamped Ed25519) a checkpoint\n"
	"     only if it extends what it saw: a malformed body or checkpoint, or an\n"
	"     old size beyond the checkpoint's, is 400; an unknown origin 404; a\n"
	"     checkpoint not signed by the log's key 403; an old size other than its\n"
	"     own 409 with its size (text/x.tlog.size); a second root for its size\n"
	"     409; a consistency proof that does not verify 422. Each check and\n"
	"     update is one SQLite transaction, committed before the cosignature\n"
	"     is made. The key is DIR/identity (0600, made on first start); a\n"
	"     DIR with the key but without witness.db is refused, as is a second\n"
	"     witness on the same DIR. SIGTERM or SIGINT stops it after the\n"
	"     requests in flight.\n"
	"\n"
	"     id prints the witness's cosignature vkey: what proxies and auditors\n"
	"     are given (--witness).\n"
	"\n"
	"OPTIONS\n"
	"     --listen ADDR:PORT  address to serve on (127.0.0.1:0, [::1]:8443)\n"
	"     --data DIR          the witness's state directory (made if absent)\n"
	"     --log VKEY          a log to witness (repeatable, up to 64)\n"
	"     --name NAME         the witness key name (default capsa.witness/<16 hex>)\n"
	"     --tls-cert FILE     serve HTTPS with this PEM certificate ...\n"
	"     --tls-key FILE      ... and this PEM key\n"
	"     -h, --help          show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa witness serve --listen 127.0.0.1:7380 --data w1 --log \"$(capsa proxy id --data p1 --log-key)\"\n"
	"     capsa witness id --data w1\n";

struct witness_args {
	const char *listen, *data, *name, *tls_cert, *tls_key;
	capsa_note_verifier logs[MAX_LOGS];
	size_t num_logs;
};

static int add_log(struct witness_args *a, const char *vkey)
{
	capsa_status st;
	if (a->num_logs == MAX_LOGS) {
		fprintf(stderr, "capsa witness: more than %d --log keys\n", MAX_LOGS);
		return CLI_EXIT_USAGE;
	}
	if ((st = capsa_note_vkey_parse(&a->logs[a->num_logs], vkey, strlen(vkey))) != CAPSA_OK ||
	    a->logs[a->num_logs].type != CAPSA_NOTE_ED25519) {
		fprintf(stderr, "capsa witness: --log %s: not a log vkey (name+keyid+base64, type 0x01)\n", vkey);
		return CLI_EXIT_KEY;
	}
	a->num_logs++;
	return 0;
}

static int serve(const struct witness_args *a)
{
	capsa_witness *w = NULL;
	capsa_http_server *srv = NULL;
	capsa_http_config cfg;
	char err[512] = "", *vkey = NULL;
	size_t vkey_len;
	int rc = CLI_EXIT_FAIL;

	capsa_http_config_default(&cfg);
	cfg.listen = a->listen;
	cfg.tls_cert_file = a->tls_cert;
	cfg.tls_key_file = a->tls_key;
	cfg.metrics_prefix = "capsa_witness";
	cfg.max_body = CAPSA_TLOG_PROOF_MAX_BYTES;
	if (capsa_http_block_signals() != CAPSA_OK)
		return CLI_EXIT_FAIL;
	if (capsa_witness_open(&w, a->data, a->name, a->logs, a->num_logs, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa witness: %s\n", err);
		return CLI_EXIT_IO;
	}
	if (capsa_http_server_new(&srv, &cfg, err, sizeof err) != CAPSA_OK || capsa_witness_register(w, srv) != CAPSA_OK) {
		fprintf(stderr, "capsa witness: %s\n", err[0] ? err : "cannot set up the server");
		goto out;
	}
	if (capsa_witness_vkey(w, &vkey, &vkey_len) == CAPSA_OK)
		fprintf(stderr, "capsa witness: key %s\n", vkey);
	rc = cli_serve_run("witness", srv, a->listen, a->data);
out:
	free(vkey);
	capsa_http_server_free(srv);
	capsa_witness_close(w);
	return rc;
}

static int show_id(const struct witness_args *a)
{
	char err[512] = "", *vkey = NULL;
	size_t len;
	if (capsa_witness_identity_vkey(a->data, a->name, &vkey, &len, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa witness id: %s\n", err[0] ? err : "cannot read the witness key");
		return CLI_EXIT_KEY;
	}
	printf("%s\n", vkey);
	free(vkey);
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longs[] = {{"listen", required_argument, NULL, 'l'},
	                                      {"data", required_argument, NULL, 'd'},
	                                      {"log", required_argument, NULL, 'L'},
	                                      {"name", required_argument, NULL, 'n'},
	                                      {"tls-cert", required_argument, NULL, 'c'},
	                                      {"tls-key", required_argument, NULL, 'k'},
	                                      {"help", no_argument, NULL, 'h'},
	                                      {NULL, 0, NULL, 0}};
	static const char usage[] = "usage: capsa witness serve --listen ADDR:PORT --data DIR --log VKEY ... | "
	                            "id --data DIR\n";
	struct witness_args a = {0};
	const char *sub = argc > 1 ? argv[1] : "";
	int c, rc;

	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		cli_help(help, help_tail);
		return 0;
	}
	if (strcmp(sub, "serve") != 0 && strcmp(sub, "id") != 0) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'l': a.listen = optarg; break;
		case 'd': a.data = optarg; break;
		case 'n': a.name = optarg; break;
		case 'c': a.tls_cert = optarg; break;
		case 'k': a.tls_key = optarg; break;
		case 'L':
			if ((rc = add_log(&a, optarg)) != 0)
				return rc;
			break;
		case 'h': cli_help(help, help_tail); return 0;
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !a.data || (strcmp(sub, "serve") == 0 && (!a.listen || !strrchr(a.listen, ':')))) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	return strcmp(sub, "id") == 0 ? show_id(&a) : serve(&a);
}

const struct cli_verb cli_verb_witness = {"witness", "witness proxy logs: cosign consistent checkpoints", run};
