/* capsa attest: make and verify remote-attestation evidence. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_attest.h"

static const char help[] =
	"NAME\n"
	"     capsa attest - make and verify remote-attestation evidence\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa attest sim-keygen -o KEYFILE\n"
	"     capsa attest quote --platform sim|tpm2 --keys FILE --nonce HEX [-o EVIDENCE] ...\n"
	"     capsa attest verify EVIDENCE --policy POLICY [--nonce HEX] [--keys FILE] ...\n"
	"     capsa attest tpm2-enroll [--ek-ca ROOT [--ek-intermediate CERT]...] [--ek-public FILE] ...\n"
	"     capsa attest SUBCOMMAND -h\n"
	"\n"
	"DESCRIPTION\n"
	"     Evidence binds the attester's public keys (the bytes of --keys) and the\n"
	"     verifier's nonce: the platform's report data holds\n"
	"     SHA-256(\"capsa/v1/attest-binding\" 0 | len keys | keys | len nonce | nonce).\n"
	"     See doc/ATTESTATION.md.\n"
	"\n"
	"     sim-keygen   make a sim platform key (SIMULATED: development only)\n"
	"     quote        make evidence in the capsa envelope (sim, or a TPM 2.0)\n"
	"     verify       verify evidence (capsa, SEV-SNP, Nitro) under a policy\n"
	"     tpm2-enroll  trust a TPM's EK, prove its AK and print the AK name to pin\n"
	"\n"
	"     Each subcommand's -h gives its options. TIME is unix seconds or\n"
	"     YYYY-MM-DDTHH:MM:SSZ.\n"
	"\n";

const char attest_exit_help[] =
	"    20   attestation refused: the evidence does not verify, the policy refuses it,\n"
	"         or the TPM's EK or AK is not trusted (the message names the check)\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa attest quote --platform tpm2 --keys keys.bin --nonce $N --program keeper -o ev\n"
	"     capsa attest verify ev --policy policy.json --nonce $N --keys keys.bin\n";

int attest_exit_code(capsa_status st)
{
	switch (st) {
	case CAPSA_ERR_EVIDENCE:
	case CAPSA_ERR_POLICY:
	case CAPSA_ERR_CERT: return CLI_EXIT_ATTEST;
	default: return cli_exit_code(st);
	}
}

int attest_fail(const char *sub, const char *what, capsa_status st)
{
	if (st == CAPSA_ERR_IO)
		fprintf(stderr, "capsa attest %s: %s: %s\n", sub, what, strerror(errno ? errno : EIO));
	else
		fprintf(stderr, "capsa attest %s: %s: %s\n", sub, what, capsa_status_str(st));
	return attest_exit_code(st);
}

int attest_unsupported(const char *sub, const char *what, const char *option)
{
	fprintf(stderr, "capsa attest %s: this capsa was built without %s support (%s=OFF)\n", sub, what, option);
	return CLI_EXIT_FAIL;
}

static int run(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: capsa attest sim-keygen|quote|verify|tpm2-enroll ... (-h for help)\n");
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_help(help, attest_exit_help);
		fputs(help_tail, stdout);
		return 0;
	}
	if (strcmp(argv[1], "sim-keygen") == 0)
		return attest_cmd_sim_keygen(argc - 1, argv + 1);
	if (strcmp(argv[1], "quote") == 0)
		return attest_cmd_quote(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return attest_cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "tpm2-enroll") == 0)
		return attest_cmd_tpm2_enroll(argc - 1, argv + 1);
	fprintf(stderr, "capsa attest: unknown subcommand '%s' (sim-keygen, quote, verify, tpm2-enroll; -h for help)\n",
	        argv[1]);
	return CLI_EXIT_USAGE;
}

const struct cli_verb cli_verb_attest = {"attest", "make and verify remote-attestation evidence", run};
