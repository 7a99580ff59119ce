/* capsa attest verify: evidence under a policy, every check printed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if CAPSA_WITH_JSON
#include <jansson.h>
#endif

#include <capsa/util.h>

#include "cli.h"
#include "cmd_attest.h"

#define SIM_BANNER "SIMULATED evidence: development only, it proves nothing"

struct verify_args {
	const char *evidence, *policy, *keys_path, *vcek_path;
	bool json, has_nonce, has_report_data, help;
	uint8_t nonce[CAPSA_EVIDENCE_MAX_NONCE];
	size_t nonce_len;
	uint8_t report_data[CAPSA_ATTEST_MAX_REPORT_DATA];
	size_t report_data_len;
	int64_t at;
};

struct verify_inputs {
	uint8_t *raw, *vcek, *policy_json, *keys, *env;
	size_t raw_len, vcek_len, policy_len, keys_len, env_len;
};

static const char help[] =
	"NAME\n"
	"     capsa attest verify - verify attestation evidence under a policy\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa attest verify EVIDENCE --policy POLICY [--nonce HEX] [--keys FILE]\n"
	"                         [--at TIME] [--vcek FILE] [--report-data HEX] [--json]\n"
	"\n"
	"DESCRIPTION\n"
	"     Verifies EVIDENCE (\"-\" for standard input): a capsa envelope; an AWS\n"
	"     Nitro attestation document, raw or base64; or, with --vcek, a 1184-byte\n"
	"     AMD SEV-SNP report. Every check is made and printed, named: signatures,\n"
	"     certificate chains to the pinned vendor roots, the binding of the keys\n"
	"     and nonce, then the rules of POLICY (a JSON file, doc/ATTESTATION.md).\n"
	"     The verdict, platform, measurement, bound keys and nonce go to standard\n"
	"     output; a refusal also names its failed check on standard error.\n"
	"     SIMULATED (sim platform) evidence is flagged wherever it appears.\n"
	"\n"
	"OPTIONS\n"
	"     --policy POLICY        the policy the evidence must satisfy\n"
	"     --nonce HEX            the challenge the verifier sent (1 to 64 bytes)\n"
	"     --keys FILE            the keys the verifier expects bound\n"
	"     --at TIME              the verification time (default: now)\n"
	"     --vcek FILE            the VCEK certificate (DER) that signed an SEV-SNP report\n"
	"     --report-data HEX      the exact report data, for vendor evidence not made by capsa\n"
	"     --json                 one JSON object on standard output instead of text\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa attest verify ev --policy policy.json --nonce 00112233 --keys keys.bin\n"
	"     capsa attest verify report.bin --vcek vcek.der --policy snp.json --report-data $RD --json\n";

static const char usage[] =
	"usage: capsa attest verify EVIDENCE --policy POLICY [--nonce HEX] [--keys FILE]\n"
	"                           [--at TIME] [--vcek FILE] [--report-data HEX] [--json]\n";

static bool parse_verify_opt(struct verify_args *a, int c, const char *arg)
{
	switch (c) {
	case 'p': a->policy = arg; return true;
	case 'k': a->keys_path = arg; return true;
	case 'v': a->vcek_path = arg; return true;
	case 'j': a->json = true; return true;
	case 'n':
		a->has_nonce = true;
		return attest_parse_hex("--nonce", arg, a->nonce, 1, sizeof a->nonce, &a->nonce_len);
	case 'r':
		a->has_report_data = true;
		return attest_parse_hex("--report-data", arg, a->report_data, 1, sizeof a->report_data,
		                        &a->report_data_len);
	case 'a':
		if (attest_parse_time(arg, &a->at))
			return true;
		fprintf(stderr, "capsa attest verify: --at: not a time\n");
		return false;
	}
	return false;
}

static bool parse_verify_args(struct verify_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'}, {"nonce", required_argument, NULL, 'n'},
		{"keys", required_argument, NULL, 'k'},   {"at", required_argument, NULL, 'a'},
		{"vcek", required_argument, NULL, 'v'},   {"report-data", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c;

	a->at = (int64_t)time(NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			a->help = true;
			return true;
		}
		if (!parse_verify_opt(a, c, optarg))
			return false;
	}
	if (optind != argc - 1 || a->policy == NULL)
		return false;
	a->evidence = argv[optind];
	return true;
}

static void free_inputs(struct verify_inputs *in)
{
	free(in->raw), free(in->vcek), free(in->policy_json), free(in->keys), free(in->env);
}

/* Reads every file named in |a|; names the one that failed. Returns 0 or an exit code. */
static int load_inputs(const struct verify_args *a, struct verify_inputs *in, capsa_attest_policy *pol)
{
	char err[256];
	const char *what = a->evidence;
	capsa_status st;

	if ((st = attest_read_file(a->evidence, ATTEST_MAX_FILE, &in->raw, &in->raw_len)) != CAPSA_OK ||
	    (a->vcek_path && (what = a->vcek_path) &&
	     (st = attest_read_file(a->vcek_path, 64 * 1024, &in->vcek, &in->vcek_len)) != CAPSA_OK) ||
	    (a->keys_path && (what = a->keys_path) &&
	     (st = attest_read_file(a->keys_path, CAPSA_EVIDENCE_MAX_KEYS, &in->keys, &in->keys_len)) != CAPSA_OK) ||
	    ((what = a->policy) &&
	     (st = attest_read_file(a->policy, ATTEST_MAX_FILE, &in->policy_json, &in->policy_len)) != CAPSA_OK))
		return attest_fail("verify", what, st);
	st = capsa_policy_parse(pol, (const char *)in->policy_json, in->policy_len, err, sizeof err);
	if (st == CAPSA_ERR_UNSUPPORTED)
		return attest_unsupported("verify", "JSON (policy files)", "CAPSA_WITH_JSON");
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa attest verify: policy %s: %s\n", a->policy, err);
		return attest_exit_code(st);
	}
	st = capsa_evidence_import(&in->env, &in->env_len, in->raw, in->raw_len, in->vcek, in->vcek_len);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa attest verify: %s: not capsa evidence, a Nitro document or (with --vcek) an "
		                "SEV-SNP report: %s\n", a->evidence, capsa_status_str(st));
		return attest_exit_code(st);
	}
	return 0;
}

static void hex_field(FILE *f, const char *label, const uint8_t *p, size_t len)
{
	char *hex = malloc(2 * len + 1);
	if (hex == NULL)
		return;
	capsa_hex_encode(hex, p, len);
	fprintf(f, "%-13s %s\n", label, len ? hex : "(none)");
	free(hex);
}

static void print_text(const capsa_attest_result *res, const capsa_evidence *ev, capsa_status st)
{
	const capsa_attest_check *bad = capsa_attest_first_failure(res);

	if (res->simulated)
		printf("*** %s ***\n", SIM_BANNER);
	printf("%-13s %s%s\n", "verdict", st == CAPSA_OK ? "ACCEPTED" : "REFUSED", res->simulated ? " (SIMULATED)" : "");
	printf("%-13s %s%s\n", "platform", capsa_attest_platform_name(res->platform),
	       res->simulated ? " (SIMULATED)" : "");
	hex_field(stdout, "measurement", res->measurement, res->measurement_len);
	hex_field(stdout, "report data", res->report_data, res->report_data_len);
	hex_field(stdout, "bound keys", ev->keys, ev->keys_len);
	hex_field(stdout, "nonce", ev->nonce, ev->nonce_len);
	printf("%-13s %s\n", "debug", res->debug ? "yes" : "no");
	if (res->platform == CAPSA_PLATFORM_SEV_SNP)
		printf("%-13s 0x%016llx\n", "tcb", (unsigned long long)res->tcb);
	if (res->has_timestamp)
		printf("%-13s %lld\n", "timestamp", (long long)res->timestamp);
	printf("checks:\n");
	for (size_t i = 0; i < res->num_checks; i++)
		printf("  [%s] %-20s %s\n", res->checks[i].passed ? "pass" : "FAIL", res->checks[i].name,
		       res->checks[i].detail);
	if (bad != NULL)
		printf("failed check: %s\n", bad->name);
}

#if CAPSA_WITH_JSON
static json_t *json_hex(const uint8_t *p, size_t len)
{
	char *hex = malloc(2 * len + 1);
	json_t *s;
	if (hex == NULL)
		return json_null();
	capsa_hex_encode(hex, p, len);
	s = json_string(hex);
	free(hex);
	return s;
}

static json_t *json_checks(const capsa_attest_result *res)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < res->num_checks; i++)
		json_array_append_new(arr, json_pack("{s:s, s:b, s:s}", "name", res->checks[i].name, "passed",
		                                     res->checks[i].passed, "detail", res->checks[i].detail));
	return arr;
}

static void print_json(const capsa_attest_result *res, const capsa_evidence *ev, capsa_status st)
{
	const capsa_attest_check *bad = capsa_attest_first_failure(res);
	json_t *o = json_object();
	char tcb[24];

	json_object_set_new(o, "verdict", json_string(st == CAPSA_OK ? "accepted" : "refused"));
	json_object_set_new(o, "status", json_string(capsa_status_str(st)));
	json_object_set_new(o, "failed_check", bad ? json_string(bad->name) : json_null());
	json_object_set_new(o, "platform", json_string(capsa_attest_platform_name(res->platform)));
	json_object_set_new(o, "simulated", json_boolean(res->simulated));
	if (res->simulated)
		json_object_set_new(o, "warning", json_string(SIM_BANNER));
	json_object_set_new(o, "measurement", json_hex(res->measurement, res->measurement_len));
	json_object_set_new(o, "report_data", json_hex(res->report_data, res->report_data_len));
	json_object_set_new(o, "keys", json_hex(ev->keys, ev->keys_len));
	json_object_set_new(o, "nonce", json_hex(ev->nonce, ev->nonce_len));
	json_object_set_new(o, "debug", json_boolean(res->debug));
	snprintf(tcb, sizeof tcb, "0x%016llx", (unsigned long long)res->tcb);
	json_object_set_new(o, "tcb", json_string(tcb));
	json_object_set_new(o, "timestamp", json_integer((json_int_t)res->timestamp));
	json_object_set_new(o, "checks", json_checks(res));
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}
#else
static void print_json(const capsa_attest_result *res, const capsa_evidence *ev, capsa_status st)
{
	(void)res, (void)ev, (void)st; /* not reached: --json is refused first without JSON support */
}
#endif

static int report(const struct verify_args *a, const struct verify_inputs *in, const capsa_attest_result *res,
                  capsa_status st)
{
	const capsa_attest_check *bad = capsa_attest_first_failure(res);
	capsa_evidence ev;

	if (capsa_evidence_parse(&ev, in->env, in->env_len) != CAPSA_OK)
		memset(&ev, 0, sizeof ev);
	if (a->json)
		print_json(res, &ev, st);
	else
		print_text(res, &ev, st);
	if (res->simulated)
		fprintf(stderr, "capsa attest: %s\n", SIM_BANNER);
	if (st == CAPSA_OK)
		return 0;
	fprintf(stderr, "capsa attest verify: refused (%s): check '%s' failed: %s\n", capsa_status_str(st),
	        bad ? bad->name : "(none)", bad ? bad->detail : "");
	if (st == CAPSA_ERR_UNSUPPORTED)
		return CLI_EXIT_FAIL; /* this build cannot verify such evidence: not a verdict on it */
	return bad != NULL ? CLI_EXIT_ATTEST : attest_exit_code(st); /* a check ran and failed: refused */
}

int attest_cmd_verify(int argc, char **argv)
{
	struct verify_args a = {0};
	struct verify_inputs in = {0};
	capsa_attest_policy pol;
	capsa_attest_verify_params p = {0};
	capsa_attest_result *res;
	capsa_status st;
	int rc;

	if (!parse_verify_args(&a, argc, argv)) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (a.help) {
		cli_help(help, attest_exit_help);
		fputs(help_tail, stdout);
		return 0;
	}
	if (a.json && !CAPSA_WITH_JSON)
		return attest_unsupported("verify", "JSON (--json)", "CAPSA_WITH_JSON");
	if ((res = calloc(1, sizeof *res)) == NULL)
		return attest_fail("verify", "a result", CAPSA_ERR_NOMEM);
	if ((rc = load_inputs(&a, &in, &pol)) == 0) {
		p.nonce = a.has_nonce ? a.nonce : NULL, p.nonce_len = a.nonce_len;
		p.keys = in.keys, p.keys_len = in.keys_len;
		p.report_data = a.has_report_data ? a.report_data : NULL, p.report_data_len = a.report_data_len;
		p.at = a.at;
		st = capsa_attest_verify(in.env, in.env_len, &p, &pol, res);
		rc = report(&a, &in, res, st);
	}
	free_inputs(&in);
	free(res);
	return rc;
}
