/* capsa keeper: run a keeper (serve), print what owners pin (id), or the policy its evidence meets (policy). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>
#include <capsa/file.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_keeper.h"
#include "cli_serve.h"
#include "daemon/keeper.h"

static const char help[] =
	"NAME\n"
	"     capsa keeper - a keeper: strict mode's attested holder of content keys\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa keeper serve --tee sim|tpm2 --listen ADDR:PORT --data DIR [--store DIR] [--tcti TCTI]\n"
	"                        [--tls-cert FILE --tls-key FILE] [--max-connections N] [--per-ip N]\n"
	"                        [--timeout SECONDS] [--max-body BYTES] [--quiet]\n"
	"     capsa keeper id --tee sim|tpm2 --data DIR [--tcti TCTI]\n"
	"     capsa keeper policy --keeper URL [--allow-sim] [-o POLICY]\n"
	"\n"
	"DESCRIPTION\n"
	"     serve runs a keeper on ADDR:PORT (port 0 picks a free one, printed as\n"
	"     \"listening on ADDR:PORT\" and written to DIR/port). A keeper makes its\n"
	"     identity inside its trusted environment on first start and never\n"
	"     exports it, and proves itself by remote attestation:\n"
	"     GET /v1/attestation?nonce=HEX answers evidence that binds its recipient\n"
	"     string to the verifier's nonce (doc/ATTESTATION.md, doc/STRICT.md).\n"
	"\n"
	"     --tee tpm2 measures the keeper's own program into PCR 16 of the TPM\n"
	"     named by --tcti (else $TPM2TOOLS_TCTI), keeps its identity only sealed\n"
	"     by the TPM to that measurement (DIR/identity.tpm2), and quotes PCR 16\n"
	"     as evidence. Another program, or a changed one, cannot unseal the\n"
	"     identity: the keeper refuses to start.\n"
	"\n"
	"     --tee sim has NO HARDWARE PROTECTION: the identity is a 0600 file\n"
	"     (DIR/identity) and the evidence is signed by a simulated platform key\n"
	"     (DIR/sim-platform.key). It proves nothing, and the keeper says so; it\n"
	"     is for development and tests.\n"
	"\n"
	"     id prints the keeper's recipient string (what owners grant to) and its\n"
	"     log's verifier key. policy asks the keeper at URL for evidence with a\n"
	"     fresh nonce, checks it, and prints a policy that accepts exactly this\n"
	"     keeper's platform, measurement and platform key (sim) or attestation\n"
	"     key (tpm2), for an operator to review and pin, as ssh-keyscan does\n"
	"     for host keys: what it prints is only as trustworthy as the network\n"
	"     it came over, and a tpm2 attestation key is better established by\n"
	"     capsa attest tpm2-enroll. Sim evidence is refused without --allow-sim.\n"
	"\n"
	"OPTIONS\n"
	"     --tee sim|tpm2         the trusted environment\n"
	"     --listen ADDR:PORT     address to serve on (127.0.0.1:0, [::1]:7400)\n"
	"     --data DIR             the keeper's state directory (made 0700 if absent)\n"
	"     --store DIR            the sealed files it serves copies of (names: [A-Za-z0-9._-])\n"
	"     --tcti TCTI            the TPM (tpm2-tss syntax, e.g. swtpm:host=127.0.0.1,port=2321)\n"
	"     --tls-cert FILE        serve HTTPS with this PEM certificate ...\n"
	"     --tls-key FILE         ... and this PEM key\n"
	"     --max-connections N    connections at once (default 256)\n"
	"     --per-ip N             requests at once from one address (default 64; more: 429)\n"
	"     --timeout SECONDS      idle time before a connection is closed (default 30)\n"
	"     --max-body BYTES       the largest request body (default 1048576)\n"
	"     --quiet                no access log on standard error\n"
	"     --keeper URL           the keeper to ask (policy)\n"
	"     --allow-sim            accept a simulated platform (policy)\n"
	"     -o POLICY              write the policy here (default standard output)\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"    20   attestation refused: the evidence does not verify or the policy refuses it\n"
	"\n"
	"EXAMPLES\n"
	"     capsa keeper serve --tee tpm2 --listen 127.0.0.1:7400 --data keeper\n"
	"     capsa keeper policy --keeper http://127.0.0.1:7400 -o keeper-policy.json\n";

struct keeper_args {
	cli_serve_opts serve;
	const char *tee, *data, *tcti, *store, *keeper, *out;
	bool allow_sim;
};

static int parse_tee(const char *verb, const struct keeper_args *a, keeper_tee_kind *kind)
{
	if (a->tee == NULL || a->data == NULL) {
		fprintf(stderr, "capsa %s: --tee sim|tpm2 and --data DIR are required\n", verb);
		return CLI_EXIT_USAGE;
	}
	if (!keeper_tee_parse(a->tee, kind)) {
		fprintf(stderr, "capsa %s: --tee %s: not sim or tpm2\n", verb, a->tee);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static void warn_sim(keeper_tee_kind kind)
{
	if (kind == KEEPER_TEE_SIM)
		fputs("capsa keeper: *** --tee sim: NO HARDWARE PROTECTION; the identity is a plain file and the\n"
		      "capsa keeper: *** evidence is SIMULATED: it proves nothing (development and tests only) ***\n",
		      stderr);
}

static int serve(const struct keeper_args *a)
{
	capsa_http_config cfg;
	capsa_http_server *srv = NULL;
	capsa_keeper *k = NULL;
	keeper_tee_kind kind;
	char err[512] = "";
	int rc = parse_tee("keeper serve", a, &kind);

	if (rc != 0 || (rc = cli_serve_config("keeper serve", &a->serve, "capsa_keeper", &cfg)) != 0)
		return rc;
	warn_sim(kind);
	if (capsa_http_block_signals() != CAPSA_OK)
		return CLI_EXIT_FAIL;
	if (capsa_http_server_new(&srv, &cfg, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa keeper serve: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	if (capsa_keeper_open(&k, a->data, kind, a->tcti, a->store, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa keeper serve: %s\n", err);
		capsa_http_server_free(srv);
		return CLI_EXIT_IO;
	}
	fprintf(stderr, "capsa keeper: %s keeper %s\n", a->tee, capsa_keeper_recipient(k));
	if (capsa_keeper_register(k, srv) != CAPSA_OK) {
		fputs("capsa keeper serve: cannot register the routes\n", stderr);
		rc = CLI_EXIT_FAIL;
	} else {
		rc = cli_serve_run("keeper", srv, cfg.listen, a->data);
	}
	capsa_http_server_free(srv); /* before the keeper: no handler may run after it closes */
	capsa_keeper_close(k);
	return rc;
}

static int show_id(const struct keeper_args *a)
{
	capsa_keeper *k = NULL;
	keeper_tee_kind kind;
	char err[512] = "";
	int rc = parse_tee("keeper id", a, &kind);

	if (rc != 0)
		return rc;
	if (capsa_keeper_describe(&k, a->data, kind, a->tcti, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa keeper id: %s\n", err);
		return CLI_EXIT_KEY;
	}
	warn_sim(kind);
	printf("%s\n%s\n", capsa_keeper_recipient(k), capsa_keeper_log_key(k));
	capsa_keeper_close(k);
	return 0;
}

/* The platform's pin in |ev|: the sim platform key, or the tpm2 AK's name. */
static bool evidence_pin(const capsa_evidence *ev, uint8_t pin[CAPSA_POLICY_PIN_BYTES], size_t *len)
{
	const capsa_evidence_item *it;

	if (ev->platform == CAPSA_PLATFORM_SIM && (it = capsa_evidence_get(ev, CAPSA_EV_SIM_PLATFORM_KEY)) != NULL &&
	    it->len == CAPSA_SIM_PUBLICBYTES) {
		memcpy(pin, it->data, it->len);
		*len = it->len;
		return true;
	}
	if (ev->platform == CAPSA_PLATFORM_TPM2 && (it = capsa_evidence_get(ev, CAPSA_EV_TPM2_AK_PUBLIC)) != NULL &&
	    capsa_tpm2_ak_name(pin, it->data, it->len) == CAPSA_OK) {
		*len = CAPSA_TPM2_NAME_BYTES;
		return true;
	}
	return false;
}

/* The policy as JSON text into |text| (its hex fields are bounded: 640 bytes always hold it). */
static void policy_text(char text[640], const capsa_attest_policy *pol, capsa_attest_platform p)
{
	const capsa_policy_platform *pp = &pol->platforms[p];
	char m[2 * CAPSA_ATTEST_MAX_MEASUREMENT + 1], pin[2 * CAPSA_POLICY_PIN_BYTES + 1];

	capsa_hex_encode(m, pp->measurements[0], pp->measurement_lens[0]);
	capsa_hex_encode(pin, pp->pins[0], p == CAPSA_PLATFORM_SIM ? CAPSA_SIM_PUBLICBYTES : CAPSA_TPM2_NAME_BYTES);
	snprintf(text, 640,
	             "{\n  \"version\": 1,\n  \"allow_sim\": %s,\n  \"require_nonce\": true,\n  \"max_age_seconds\": %lld,\n"
	             "  \"platforms\": {\n    \"%s\": {\"measurements\": [\"%s\"], \"%s\": [\"%s\"]}\n  }\n}\n",
	             pol->allow_sim ? "true" : "false", (long long)pol->max_age, capsa_attest_platform_name(p), m,
	             p == CAPSA_PLATFORM_SIM ? "platform_keys" : "ak_names", pin);
}

/*
 * The policy this keeper's evidence meets: its platform, its pin, and the
 * measurement the platform reports, read by a first check that pins the
 * rest; the second check must then accept it whole.
 */
static int make_policy(const struct keeper_args *a, const cli_keeper_evidence *ke, capsa_attest_policy *pol)
{
	capsa_evidence ev;
	capsa_attest_result res;
	capsa_policy_platform *pp;

	if (capsa_evidence_parse(&ev, ke->evidence, ke->evidence_len) != CAPSA_OK ||
	    (ev.platform != CAPSA_PLATFORM_SIM && ev.platform != CAPSA_PLATFORM_TPM2)) {
		fprintf(stderr, "capsa keeper policy: %s: evidence of no platform a keeper runs on\n", a->keeper);
		return CLI_EXIT_ATTEST;
	}
	if (ev.platform == CAPSA_PLATFORM_SIM && !a->allow_sim) {
		fprintf(stderr, "capsa keeper policy: %s: the keeper runs on the simulated platform: its evidence proves "
		                "nothing (--allow-sim accepts it, for development)\n", a->keeper);
		return CLI_EXIT_ATTEST;
	}
	memset(pol, 0, sizeof *pol);
	pol->allow_sim = ev.platform == CAPSA_PLATFORM_SIM;
	pol->require_nonce = true;
	pol->max_age = 600;
	pp = &pol->platforms[ev.platform];
	pp->allowed = true;
	pp->num_pins = 1;
	pp->num_measurements = 1;
	pp->measurement_lens[0] = 1; /* a placeholder, refused: the first check reads the real one */
	size_t pin_len;
	if (!evidence_pin(&ev, pp->pins[0], &pin_len)) {
		fprintf(stderr, "capsa keeper policy: %s: the evidence carries no platform key\n", a->keeper);
		return CLI_EXIT_ATTEST;
	}
	(void)cli_keeper_verify(NULL, a->keeper, ke, pol, &res); /* the measurement, whatever the verdict */
	if (res.measurement_len == 0) {
		fprintf(stderr, "capsa keeper policy: %s: the evidence names no measurement\n", a->keeper);
		return CLI_EXIT_ATTEST;
	}
	memcpy(pp->measurements[0], res.measurement, res.measurement_len);
	pp->measurement_lens[0] = res.measurement_len;
	return cli_keeper_verify("keeper policy", a->keeper, ke, pol, &res);
}

static int show_policy(const struct keeper_args *a)
{
	cli_keeper_evidence ke;
	capsa_attest_policy pol;
	int rc;

	if (a->keeper == NULL) {
		fputs("capsa keeper policy: --keeper URL is required\n", stderr);
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_keeper_fetch("keeper policy", a->keeper, &ke)) != 0)
		return rc;
	if ((rc = make_policy(a, &ke, &pol)) == 0) {
		char text[640];
		cli_out out = {.fd = -1};
		policy_text(text, &pol, pol.allow_sim ? CAPSA_PLATFORM_SIM : CAPSA_PLATFORM_TPM2);
		if ((rc = cli_out_open(&out, "keeper policy", a->out, 0, -1)) == 0) {
			if (capsa_write_all(out.fd, text, strlen(text)) != CAPSA_OK) {
				rc = cli_fail("keeper policy", a->out != NULL ? a->out : "standard output", CAPSA_ERR_IO);
				cli_out_abort(&out);
			} else {
				rc = cli_out_commit(&out, "keeper policy");
			}
		}
		if (rc == 0)
			fprintf(stderr, "capsa keeper policy: %s: %s keeper %s; review this policy before you pin it\n",
			        a->keeper, pol.allow_sim ? "SIMULATED" : "tpm2", ke.recipient);
	}
	cli_keeper_evidence_free(&ke);
	return rc;
}

static int parse(struct keeper_args *a, int argc, char **argv)
{
	enum { O_TEE = 256, O_LISTEN, O_DATA, O_TCTI, O_STORE, O_CERT, O_KEY, O_MAXCONN, O_PERIP, O_TIMEOUT, O_MAXBODY, O_QUIET,
	       O_KEEPER, O_SIM };
	static const struct option longs[] = {
		{"tee", required_argument, NULL, O_TEE},           {"listen", required_argument, NULL, O_LISTEN},
		{"data", required_argument, NULL, O_DATA},         {"tcti", required_argument, NULL, O_TCTI},
		{"store", required_argument, NULL, O_STORE},
		{"tls-cert", required_argument, NULL, O_CERT},     {"tls-key", required_argument, NULL, O_KEY},
		{"max-connections", required_argument, NULL, O_MAXCONN}, {"per-ip", required_argument, NULL, O_PERIP},
		{"timeout", required_argument, NULL, O_TIMEOUT},   {"max-body", required_argument, NULL, O_MAXBODY},
		{"quiet", no_argument, NULL, O_QUIET},             {"keeper", required_argument, NULL, O_KEEPER},
		{"allow-sim", no_argument, NULL, O_SIM},           {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longs, NULL)) != -1) {
		switch (c) {
		case O_TEE: a->tee = optarg; break;
		case O_LISTEN: a->serve.listen = optarg; break;
		case O_DATA: a->data = optarg; break;
		case O_TCTI: a->tcti = optarg; break;
		case O_STORE: a->store = optarg; break;
		case O_CERT: a->serve.tls_cert = optarg; break;
		case O_KEY: a->serve.tls_key = optarg; break;
		case O_MAXCONN: a->serve.max_connections = optarg; break;
		case O_PERIP: a->serve.per_ip = optarg; break;
		case O_TIMEOUT: a->serve.timeout = optarg; break;
		case O_MAXBODY: a->serve.max_body = optarg; break;
		case O_QUIET: a->serve.quiet = true; break;
		case O_KEEPER: a->keeper = optarg; break;
		case O_SIM: a->allow_sim = true; break;
		case 'o': a->out = optarg; break;
		case 'h': return -1;
		default: return CLI_EXIT_USAGE;
		}
	}
	return optind == argc ? 0 : CLI_EXIT_USAGE;
}

static int run(int argc, char **argv)
{
	static const char usage[] = "usage: capsa keeper serve --tee sim|tpm2 --listen ADDR:PORT --data DIR [options]\n"
	                            "       capsa keeper id --tee sim|tpm2 --data DIR | policy --keeper URL\n";
	struct keeper_args a = {0};
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		cli_help(help, help_tail);
		return 0;
	}
	if (strcmp(sub, "serve") != 0 && strcmp(sub, "id") != 0 && strcmp(sub, "policy") != 0) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	rc = parse(&a, argc - 1, argv + 1);
	if (rc == -1) {
		cli_help(help, help_tail);
		return 0;
	}
	if (rc != 0) {
		fputs(usage, stderr);
		return rc;
	}
	return strcmp(sub, "serve") == 0 ? serve(&a) : strcmp(sub, "id") == 0 ? show_id(&a) : show_policy(&a);
}

const struct cli_verb cli_verb_keeper = {"keeper", "run a keeper: strict mode's attested holder of content keys", run};
