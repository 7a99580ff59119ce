/* capsa attest: make and verify remote-attestation evidence. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_attest.h"

static const char help_text[] =
	"NAME\n"
	"    capsa attest - make and verify remote-attestation evidence\n"
	"\n"
	"SYNOPSIS\n"
	"    capsa attest sim-keygen -o KEYFILE\n"
	"    capsa attest quote --platform sim|tpm2 --keys FILE --nonce HEX [-o EVIDENCE]\n"
	"                       [--measurement HEX | --program FILE] [--sim-key KEYFILE]\n"
	"                       [--tcti TCTI] [--time TIME]\n"
	"    capsa attest verify EVIDENCE --policy POLICY [--nonce HEX] [--keys FILE]\n"
	"                       [--at TIME] [--vcek FILE] [--report-data HEX] [--json]\n"
	"    capsa attest tpm2-enroll [--tcti TCTI] [--ek-ca ROOT [--ek-intermediate CERT]...]\n"
	"                       [--at TIME] [--ek-public FILE] [--rsa-ek]\n"
	"\n"
	"DESCRIPTION\n"
	"    Evidence binds the attester's public keys (the bytes of --keys) and the\n"
	"    verifier's nonce: the platform's report data holds\n"
	"    SHA-256(\"capsa/v1/attest-binding\" 0 | len keys | keys | len nonce | nonce).\n"
	"    See doc/ATTESTATION.md.\n"
	"\n"
	"    sim-keygen  Makes a sim platform key (mode 0600). SIMULATED: development only.\n"
	"    quote       Makes evidence in the capsa envelope. --platform sim signs with\n"
	"                --sim-key and the measurement given; its evidence PROVES NOTHING.\n"
	"                --platform tpm2 quotes PCR 16 with the TPM's attestation key; with\n"
	"                --program or --measurement it first resets PCR 16 and extends it\n"
	"                with SHA-256(program) or the given 32-byte digest. The TPM is\n"
	"                --tcti (tpm2-tss syntax, e.g. swtpm:host=127.0.0.1,port=2321), else\n"
	"                $TPM2TOOLS_TCTI, else the default. The AK name to pin is printed.\n"
	"    verify      Verifies EVIDENCE (a capsa envelope; a Nitro document, raw or\n"
	"                base64; or, with --vcek, an SEV-SNP report) under POLICY and prints\n"
	"                the platform, measurement, bound keys and every check. --nonce is\n"
	"                the verifier's challenge; --keys the keys it expects bound;\n"
	"                --report-data the exact report data for vendor evidence not made\n"
	"                by capsa; --at the verification time (default: now).\n"
	"    tpm2-enroll Establishes trust in the TPM's endorsement key (EK), then proves\n"
	"                that the TPM's AK lives in the same TPM (MakeCredential in\n"
	"                software, ActivateCredential in the TPM) and prints the AK name\n"
	"                for a policy's ak_names. --ek-ca ROOT (PEM or DER, the TPM maker's\n"
	"                root) makes it read the EK certificate from NV memory and refuse\n"
	"                unless it chains to ROOT through the --ek-intermediate\n"
	"                certificates (repeatable, from the root's side down) at --at\n"
	"                (default: now) and certifies exactly the EK in use. The EK is the\n"
	"                ECC P-256 one, or the RSA 2048 one when the TPM stores no P-256\n"
	"                certificate (as swtpm) or --rsa-ek is given. --ek-public pins the\n"
	"                EK (a TPM2B_PUBLIC file). With neither --ek-ca nor --ek-public the\n"
	"                EK is trusted on first use, with a warning. A refusal names its\n"
	"                reason: ek-cert-chain (wrong root, missing intermediate),\n"
	"                ek-cert-expired (not valid at TIME), ek-cert-mismatch (certifies\n"
	"                another EK), ek-cert-missing (none in NV), ek-ca-file,\n"
	"                ek-pinned-mismatch, credential, tpm.\n"
	"\n"
	"    TIME is unix seconds or YYYY-MM-DDTHH:MM:SSZ.\n"
	"\n"
	"EXIT STATUS\n"
	"    0 accepted (verify) or done; 1 refused or failed, naming the failing check;\n"
	"    2 bad usage.\n";

static int run(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(help_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : 0;
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
