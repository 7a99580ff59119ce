/*
 * capsa attest tpm2-enroll: establishes trust in the TPM's endorsement key
 * (its certificate chains to the manufacturer root, or it is pinned, or, with
 * neither, it is trusted on first use and says so), then proves that the
 * attestation key lives in the same TPM (MakeCredential in software,
 * ActivateCredential in the TPM) and prints the AK name a policy pins.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/util.h>

#include "cli.h"
#include "cmd_attest.h"

static const char help[] =
	"NAME\n"
	"     capsa attest tpm2-enroll - trust a TPM's EK, prove its AK, print the AK name\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa attest tpm2-enroll [--tcti TCTI] [--ek-ca ROOT [--ek-intermediate CERT]...]\n"
	"                              [--at TIME] [--ek-public FILE] [--rsa-ek]\n"
	"\n"
	"DESCRIPTION\n"
	"     Establishes trust in the TPM's endorsement key (EK), then proves that\n"
	"     the TPM's attestation key (AK) lives in the same TPM (MakeCredential in\n"
	"     software, ActivateCredential in the TPM) and prints the AK name, which a\n"
	"     policy's ak_names pins.\n"
	"\n"
	"     --ek-ca ROOT (PEM or DER, the TPM maker's root) makes it read the EK\n"
	"     certificate from NV memory and refuse unless it chains to ROOT through\n"
	"     the --ek-intermediate certificates at --at and certifies exactly the EK\n"
	"     in use. The EK is the ECC P-256 one, or the RSA 2048 one when the TPM\n"
	"     stores no P-256 certificate (as swtpm) or --rsa-ek is given. --ek-public\n"
	"     pins the EK (a TPM2B_PUBLIC file). With neither --ek-ca nor --ek-public\n"
	"     the EK is trusted on first use, with a warning.\n"
	"\n"
	"     A refusal names its reason: ek-cert-chain (wrong root, missing\n"
	"     intermediate), ek-cert-expired (not valid at TIME), ek-cert-mismatch\n"
	"     (certifies another EK), ek-cert-missing (none in NV), ek-cert-malformed,\n"
	"     ek-pinned-mismatch, credential (exit status 20); ek-ca-file (a file that\n"
	"     is not one certificate: 3 or 6); tpm (1).\n"
	"\n"
	"OPTIONS\n"
	"     --tcti TCTI            the TPM (default $TPM2TOOLS_TCTI, else the tpm2-tss default)\n"
	"     --ek-ca ROOT           the TPM maker's root certificate\n"
	"     --ek-intermediate CERT an intermediate, from the root's side down (repeatable, at most 4)\n"
	"     --at TIME              when the chain must be valid (default: now)\n"
	"     --ek-public FILE       the EK the operator pinned (TPM2B_PUBLIC)\n"
	"     --rsa-ek               use the RSA 2048 EK\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa attest tpm2-enroll --ek-ca maker-root.pem --ek-intermediate maker-ca.pem\n";

static const char usage[] = "usage: capsa attest tpm2-enroll [--tcti TCTI] [--ek-ca ROOT [--ek-intermediate CERT]...]\n"
                            "                                [--at TIME] [--ek-public FILE] [--rsa-ek]\n";

struct enroll_args {
	const char *tcti, *root, *pinned;
	const char *inter[CAPSA_TPM2_MAX_EK_CHAIN];
	size_t num_inter;
	int64_t at;
	bool rsa, help;
};

/* The certificates and the pinned EK the operator named: owned buffers. */
struct trust_files {
	uint8_t *root, *inter[CAPSA_TPM2_MAX_EK_CHAIN], *pinned;
	size_t root_len, inter_len[CAPSA_TPM2_MAX_EK_CHAIN], pinned_len, num_inter;
};

static void trust_files_free(struct trust_files *f)
{
	free(f->root), free(f->pinned);
	for (size_t i = 0; i < f->num_inter; i++)
		free(f->inter[i]);
}

/* One certificate file, PEM or DER, parsed before the TPM is asked so that a bad file is named first. */
static capsa_status cert_file(const char *path, uint8_t **der, size_t *der_len)
{
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	capsa_status st = attest_read_file(path, 4 * CAPSA_CERT_MAX_BYTES, &raw, &raw_len);

	if (st == CAPSA_OK)
		st = capsa_cert_decode(der, der_len, raw, raw_len);
	free(raw);
	return st;
}

/* Reads --ek-ca, the --ek-intermediate files and --ek-public into |f| and points |t| at them. */
static capsa_status load_trust(const struct enroll_args *a, struct trust_files *f, capsa_tpm2_ek_trust *t,
                               capsa_tpm2_refusal *why)
{
	const char *failed = a->root;
	capsa_status st = CAPSA_OK;

	if (a->root != NULL)
		st = cert_file(a->root, &f->root, &f->root_len);
	for (size_t i = 0; i < a->num_inter && st == CAPSA_OK; i++) {
		if ((st = cert_file(a->inter[i], &f->inter[i], &f->inter_len[i])) == CAPSA_OK)
			f->num_inter = i + 1;
		else
			failed = a->inter[i];
	}
	if (st != CAPSA_OK) {
		why->name = "ek-ca-file";
		snprintf(why->text, sizeof why->text, "%s: %s (wanted one certificate, PEM or DER)", failed,
		         capsa_status_str(st));
		return st;
	}
	if (a->pinned != NULL &&
	    (st = attest_read_file(a->pinned, CAPSA_TPM2_MAX_BLOB, &f->pinned, &f->pinned_len)) != CAPSA_OK) {
		why->name = "ek-pinned-mismatch";
		snprintf(why->text, sizeof why->text, "%s: %s", a->pinned, capsa_status_str(st));
		return st;
	}
	*t = (capsa_tpm2_ek_trust){f->root, f->root_len, (const uint8_t *const *)f->inter, f->inter_len,
	                           f->num_inter, f->pinned, f->pinned_len, a->at, a->rsa};
	return CAPSA_OK;
}

/* Says, before anything else happens, why the EK is trusted, loudly when it is only on first use. */
static void tell_trust(const capsa_tpm2_ek *ek, const struct enroll_args *a)
{
	const char *type = ek->rsa ? "RSA 2048" : "ECC P-256";

	if (ek->certified)
		fprintf(stderr, "capsa attest: the %s EK certificate chains to %s and certifies the TPM's EK\n", type,
		        a->root);
	if (ek->pinned)
		fprintf(stderr, "capsa attest: the %s EK is the pinned one in %s\n", type, a->pinned);
	if (!ek->certified && !ek->pinned)
		fprintf(stderr, "capsa attest: WARNING: the %s EK is trusted on first use: nothing shows this is a "
		                "genuine TPM; give --ek-ca ROOT (the TPM maker's root certificate) or --ek-public FILE\n",
		        type);
}

/* Files the operator named take their own codes, a TPM that fails 1; every other refusal is an attestation's. */
static int refusal_exit_code(const char *name, capsa_status st)
{
	if (name == NULL || strcmp(name, "tpm") == 0)
		return CLI_EXIT_FAIL;
	if (strcmp(name, "ek-ca-file") == 0)
		return attest_exit_code(st);
	return CLI_EXIT_ATTEST;
}

static int enroll(const struct enroll_args *a)
{
	struct trust_files files = {0};
	capsa_tpm2_ek_trust trust;
	capsa_tpm2_ek ek = {0};
	capsa_tpm2_refusal why = {0};
	uint8_t name[CAPSA_TPM2_NAME_BYTES];
	char hex[2 * CAPSA_TPM2_NAME_BYTES + 1];
	capsa_tpm2 *tpm = NULL;
	capsa_status st;

	if ((st = load_trust(a, &files, &trust, &why)) != CAPSA_OK)
		goto out;
	if ((st = capsa_tpm2_open(&tpm, a->tcti)) == CAPSA_ERR_UNSUPPORTED) {
		trust_files_free(&files);
		return attest_unsupported("tpm2-enroll", "TPM 2.0", "CAPSA_WITH_TPM2");
	}
	if (st != CAPSA_OK) {
		why.name = "tpm", snprintf(why.text, sizeof why.text, "opening the TPM: %s", capsa_status_str(st));
		goto out;
	}
	if ((st = capsa_tpm2_ek_establish(tpm, &trust, &ek, &why)) != CAPSA_OK)
		goto out;
	tell_trust(&ek, a);
	st = capsa_tpm2_enroll_ak(tpm, &ek, name, &why);
out:
	capsa_tpm2_close(tpm);
	capsa_tpm2_ek_free(&ek);
	trust_files_free(&files);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa attest tpm2-enroll: refused (%s): %s\n", why.name ? why.name : "error",
		        why.name ? why.text : capsa_status_str(st));
		return refusal_exit_code(why.name, st);
	}
	capsa_hex_encode(hex, name, sizeof name);
	printf("%s\n", hex);
	fprintf(stderr, "capsa attest: the AK is in the same TPM as that EK; pin the AK name above in ak_names\n");
	return 0;
}

/* Parses the options into |a|; false (usage printed) on a bad command line. */
static bool parse_args(int argc, char **argv, struct enroll_args *a)
{
	static const struct option opts[] = {{"tcti", required_argument, NULL, 't'},
	                                     {"ek-public", required_argument, NULL, 'e'},
	                                     {"ek-ca", required_argument, NULL, 'c'},
	                                     {"ek-intermediate", required_argument, NULL, 'i'},
	                                     {"at", required_argument, NULL, 'a'},
	                                     {"rsa-ek", no_argument, NULL, 'r'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	bool ok = true;
	int c;

	optind = 1;
	while (ok && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return a->help = true;
		if (c == 't' || c == 'e' || c == 'c')
			*(c == 't' ? &a->tcti : c == 'e' ? &a->pinned : &a->root) = optarg;
		else if (c == 'i' && a->num_inter < CAPSA_TPM2_MAX_EK_CHAIN)
			a->inter[a->num_inter++] = optarg;
		else if (c == 'a')
			ok = attest_parse_time(optarg, &a->at);
		else if (c == 'r')
			a->rsa = true;
		else
			ok = false;
	}
	ok = ok && optind == argc && (a->num_inter == 0 || a->root != NULL);
	if (!ok)
		fprintf(stderr, "%s(at most %d intermediates, and only with --ek-ca)\n", usage, CAPSA_TPM2_MAX_EK_CHAIN);
	return ok;
}

int attest_cmd_tpm2_enroll(int argc, char **argv)
{
	struct enroll_args a = {.tcti = getenv("TPM2TOOLS_TCTI"), .at = (int64_t)time(NULL)};

	if (!parse_args(argc, argv, &a))
		return CLI_EXIT_USAGE;
	if (a.help) {
		cli_help(help, attest_exit_help);
		fputs(help_tail, stdout);
		return 0;
	}
	return enroll(&a);
}
