/* capsa attest quote: evidence from the sim platform or a TPM 2.0. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capsa/util.h>

#include "cli.h"
#include "cmd_attest.h"

struct quote_args {
	const char *platform, *keys_path, *out_path, *sim_key, *program, *tcti;
	uint8_t nonce[CAPSA_EVIDENCE_MAX_NONCE];
	size_t nonce_len;
	uint8_t measurement[CAPSA_ATTEST_MAX_MEASUREMENT];
	size_t measurement_len;
	bool has_nonce, help;
	int64_t time;
	uint8_t *keys;
	size_t keys_len;
};

static const char help[] =
	"NAME\n"
	"     capsa attest quote - make attestation evidence (sim, or a TPM 2.0)\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa attest quote --platform sim|tpm2 --keys FILE --nonce HEX [-o EVIDENCE]\n"
	"                        [--measurement HEX | --program FILE] [--sim-key KEYFILE]\n"
	"                        [--tcti TCTI] [--time TIME]\n"
	"\n"
	"DESCRIPTION\n"
	"     Makes evidence in the capsa envelope that binds the bytes of --keys (the\n"
	"     attester's public keys) to the verifier's --nonce, and writes it to\n"
	"     EVIDENCE (default standard output); a file appears only complete.\n"
	"\n"
	"     --platform sim signs with the --sim-key platform key (see capsa attest\n"
	"     sim-keygen) and the --measurement or --program given, and its evidence\n"
	"     is SIMULATED: it PROVES NOTHING.\n"
	"\n"
	"     --platform tpm2 quotes PCR 16 with the TPM's attestation key (AK), and\n"
	"     prints the AK name on standard error. With --program or --measurement\n"
	"     it first resets PCR 16 and extends it with SHA-256(program) or the given\n"
	"     32-byte digest; without either it quotes what the launcher measured. The\n"
	"     TPM is --tcti (tpm2-tss syntax, e.g. swtpm:host=127.0.0.1,port=2321),\n"
	"     else $TPM2TOOLS_TCTI, else the tpm2-tss default.\n"
	"\n"
	"OPTIONS\n"
	"     --platform sim|tpm2    what makes the evidence\n"
	"     --keys FILE            the attester's public keys to bind (1 to 8192 bytes)\n"
	"     --nonce HEX            the verifier's challenge (1 to 64 bytes)\n"
	"     --measurement HEX      the measurement (sim: 1 to 64 bytes; tpm2: a SHA-256)\n"
	"     --program FILE         measure this program: SHA-256 of its bytes\n"
	"     --sim-key KEYFILE      the sim platform key (mode 0600)\n"
	"     --tcti TCTI            the TPM to use (tpm2)\n"
	"     --time TIME            the time sim evidence states (default: now)\n"
	"     -o, --output EVIDENCE  write to EVIDENCE instead of standard output\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa attest quote --platform tpm2 --keys keys.bin --nonce 00112233 --program keeper -o ev\n"
	"     capsa attest quote --platform sim --sim-key sim.key --keys keys.bin --nonce 00112233 \\\n"
	"                        --measurement $(sha256sum keeper | cut -c1-64) -o ev\n";

static const char usage[] =
	"usage: capsa attest quote --platform sim|tpm2 --keys FILE --nonce HEX [-o EVIDENCE]\n"
	"                          [--measurement HEX | --program FILE] [--sim-key KEYFILE]\n"
	"                          [--tcti TCTI] [--time TIME]\n";

static bool parse_quote_opt(struct quote_args *a, int c, const char *arg)
{
	switch (c) {
	case 'p': a->platform = arg; return true;
	case 'k': a->keys_path = arg; return true;
	case 'o': a->out_path = arg; return true;
	case 's': a->sim_key = arg; return true;
	case 'g': a->program = arg; return true;
	case 't': a->tcti = arg; return true;
	case 'n':
		a->has_nonce = true;
		return attest_parse_hex("--nonce", arg, a->nonce, 1, sizeof a->nonce, &a->nonce_len);
	case 'm':
		return attest_parse_hex("--measurement", arg, a->measurement, 1, sizeof a->measurement,
		                        &a->measurement_len);
	case 'T':
		if (attest_parse_time(arg, &a->time))
			return true;
		fprintf(stderr, "capsa attest quote: --time: not a time\n");
		return false;
	}
	return false;
}

static bool parse_quote_args(struct quote_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{"platform", required_argument, NULL, 'p'}, {"keys", required_argument, NULL, 'k'},
		{"nonce", required_argument, NULL, 'n'},    {"sim-key", required_argument, NULL, 's'},
		{"measurement", required_argument, NULL, 'm'}, {"program", required_argument, NULL, 'g'},
		{"tcti", required_argument, NULL, 't'},     {"time", required_argument, NULL, 'T'},
		{"output", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c;

	a->time = (int64_t)time(NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'h') {
			a->help = true;
			return true;
		}
		if (!parse_quote_opt(a, c, optarg))
			return false;
	}
	if (optind != argc || a->platform == NULL || a->keys_path == NULL || !a->has_nonce)
		return false;
	if (a->program != NULL && a->measurement_len > 0) {
		fprintf(stderr, "capsa attest quote: give --measurement or --program, not both\n");
		return false;
	}
	if (strcmp(a->platform, "sim") != 0 && strcmp(a->platform, "tpm2") != 0) {
		fprintf(stderr, "capsa attest quote: quote makes sim or tpm2 evidence, not '%s'\n", a->platform);
		return false;
	}
	return true;
}

/* The measurement: the given digest, or SHA-256 of the program file. Returns 0 or an exit code. */
static int load_measurement(struct quote_args *a)
{
	int fd;
	capsa_status st;

	if (a->program == NULL)
		return 0;
	cli_input_note(a->program);
	if ((fd = open(a->program, O_RDONLY | O_CLOEXEC)) < 0)
		return attest_fail("quote", a->program, CAPSA_ERR_IO);
	a->measurement_len = CAPSA_TPM2_DIGEST_BYTES;
	st = capsa_attest_measure_fd(a->measurement, fd);
	close(fd);
	return st == CAPSA_OK ? 0 : attest_fail("quote", a->program, st);
}

static int quote_sim(struct quote_args *a, uint8_t **ev, size_t *ev_len)
{
	uint8_t seed[CAPSA_SIM_SEEDBYTES];
	capsa_status st;

	if (a->sim_key == NULL || a->measurement_len == 0) {
		fprintf(stderr, "capsa attest quote: --platform sim needs --sim-key and --measurement or --program\n");
		return CLI_EXIT_USAGE;
	}
	if ((st = attest_load_sim_key(a->sim_key, seed)) != CAPSA_OK)
		return attest_fail("quote", a->sim_key, st);
	st = capsa_sim_quote(ev, ev_len, seed, a->measurement, a->measurement_len, a->keys, a->keys_len, a->nonce,
	                     a->nonce_len, a->time);
	capsa_wipe(seed, sizeof seed);
	if (st == CAPSA_ERR_ARG) {
		fprintf(stderr, "capsa attest quote: a sim measurement is 1 to 64 bytes, --keys 1 to 8192\n");
		return CLI_EXIT_USAGE;
	}
	return st == CAPSA_OK ? 0 : attest_fail("quote", "sim evidence", st);
}

static void print_ak_name(const uint8_t name[CAPSA_TPM2_NAME_BYTES])
{
	char hex[2 * CAPSA_TPM2_NAME_BYTES + 1];

	capsa_hex_encode(hex, name, CAPSA_TPM2_NAME_BYTES);
	fprintf(stderr, "capsa attest: tpm2 AK name %s\n", hex);
}

static int quote_tpm2(struct quote_args *a, uint8_t **ev, size_t *ev_len)
{
	const char *tcti = a->tcti != NULL ? a->tcti : getenv("TPM2TOOLS_TCTI");
	uint8_t name[CAPSA_TPM2_NAME_BYTES];
	capsa_tpm2 *tpm = NULL;
	capsa_status st;

	if (a->sim_key != NULL) {
		fprintf(stderr, "capsa attest quote: --sim-key belongs to --platform sim\n");
		return CLI_EXIT_USAGE;
	}
	if (a->measurement_len != 0 && a->measurement_len != CAPSA_TPM2_DIGEST_BYTES) {
		fprintf(stderr, "capsa attest quote: a tpm2 measurement is a 32-byte SHA-256 digest\n");
		return CLI_EXIT_USAGE;
	}
	if ((st = capsa_tpm2_open(&tpm, tcti)) == CAPSA_ERR_UNSUPPORTED)
		return attest_unsupported("quote", "TPM 2.0", "CAPSA_WITH_TPM2");
	if (st == CAPSA_OK &&
	    (st = capsa_tpm2_quote_envelope(tpm, a->measurement_len ? a->measurement : NULL, a->keys, a->keys_len,
	                                    a->nonce, a->nonce_len, ev, ev_len, name)) == CAPSA_OK)
		print_ak_name(name);
	capsa_tpm2_close(tpm);
	return st == CAPSA_OK ? 0 : attest_fail("quote", tcti ? tcti : "the default TPM", st);
}

static int quote(struct quote_args *a, uint8_t **ev, size_t *ev_len)
{
	capsa_status st;
	int rc;

	if ((st = attest_read_file(a->keys_path, CAPSA_EVIDENCE_MAX_KEYS, &a->keys, &a->keys_len)) != CAPSA_OK)
		return attest_fail("quote", a->keys_path, st);
	if (a->keys_len == 0) {
		fprintf(stderr, "capsa attest quote: %s: no keys to bind (the file is empty)\n", a->keys_path);
		return CLI_EXIT_USAGE;
	}
	if ((rc = load_measurement(a)) != 0)
		return rc;
	return strcmp(a->platform, "sim") == 0 ? quote_sim(a, ev, ev_len) : quote_tpm2(a, ev, ev_len);
}

int attest_cmd_quote(int argc, char **argv)
{
	struct quote_args a = {0};
	uint8_t *ev = NULL;
	size_t ev_len = 0;
	int rc;

	if (!parse_quote_args(&a, argc, argv)) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (a.help) {
		cli_help(help, help_tail);
		return 0;
	}
	if ((rc = quote(&a, &ev, &ev_len)) == 0)
		rc = attest_write_out("quote", a.out_path, ev, ev_len);
	free(ev);
	free(a.keys);
	if (rc == 0 && strcmp(a.platform, "sim") == 0)
		fprintf(stderr, "capsa attest: SIMULATED evidence written (development only: it proves nothing)\n");
	return rc;
}
