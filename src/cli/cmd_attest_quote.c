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
	bool has_nonce;
	int64_t time;
	uint8_t *keys;
	size_t keys_len;
};

static int quote_usage(FILE *f)
{
	fprintf(f, "usage: capsa attest quote --platform sim|tpm2 --keys FILE --nonce HEX [-o EVIDENCE]\n"
	                "                          [--measurement HEX | --program FILE] [--sim-key KEYFILE]\n"
	                "                          [--tcti TCTI] [--time TIME]\n");
	return f == stdout ? 0 : CLI_EXIT_USAGE;
}

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
		fprintf(stderr, "capsa attest: --time: not a time\n");
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
		{"output", required_argument, NULL, 'o'},   {NULL, 0, NULL, 0}};
	int c;

	a->time = (int64_t)time(NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		if (!parse_quote_opt(a, c, optarg))
			return false;
	if (optind != argc || a->platform == NULL || a->keys_path == NULL || !a->has_nonce)
		return false;
	if (a->program != NULL && a->measurement_len > 0) {
		fprintf(stderr, "capsa attest: give --measurement or --program, not both\n");
		return false;
	}
	return true;
}

/* The measurement: the given digest, or SHA-256 of the program file. */
static capsa_status load_measurement(struct quote_args *a)
{
	int fd;
	capsa_status st;

	if (a->program == NULL)
		return CAPSA_OK;
	if ((fd = open(a->program, O_RDONLY | O_CLOEXEC)) < 0)
		return CAPSA_ERR_IO;
	a->measurement_len = CAPSA_TPM2_DIGEST_BYTES;
	st = capsa_attest_measure_fd(a->measurement, fd);
	close(fd);
	return st;
}

static capsa_status quote_sim(struct quote_args *a, uint8_t **ev, size_t *ev_len)
{
	uint8_t seed[CAPSA_SIM_SEEDBYTES];
	capsa_status st;

	if (a->sim_key == NULL || a->measurement_len == 0) {
		fprintf(stderr, "capsa attest: --platform sim needs --sim-key and --measurement or --program\n");
		return CAPSA_ERR_ARG;
	}
	if ((st = attest_load_sim_key(a->sim_key, seed)) == CAPSA_OK)
		st = capsa_sim_quote(ev, ev_len, seed, a->measurement, a->measurement_len, a->keys, a->keys_len,
		                     a->nonce, a->nonce_len, a->time);
	capsa_wipe(seed, sizeof seed);
	return st;
}

static void print_ak_name(const uint8_t name[CAPSA_TPM2_NAME_BYTES])
{
	char hex[2 * CAPSA_TPM2_NAME_BYTES + 1];

	capsa_hex_encode(hex, name, CAPSA_TPM2_NAME_BYTES);
	fprintf(stderr, "capsa attest: tpm2 AK name %s\n", hex);
}

static capsa_status quote_tpm2(struct quote_args *a, uint8_t **ev, size_t *ev_len)
{
	const char *tcti = a->tcti != NULL ? a->tcti : getenv("TPM2TOOLS_TCTI");
	uint8_t name[CAPSA_TPM2_NAME_BYTES];
	capsa_tpm2 *tpm = NULL;
	capsa_status st;

	if (a->sim_key != NULL) {
		fprintf(stderr, "capsa attest: --sim-key belongs to --platform sim\n");
		return CAPSA_ERR_ARG;
	}
	if (a->measurement_len != 0 && a->measurement_len != CAPSA_TPM2_DIGEST_BYTES) {
		fprintf(stderr, "capsa attest: a tpm2 measurement is a 32-byte SHA-256 digest\n");
		return CAPSA_ERR_ARG;
	}
	if ((st = capsa_tpm2_open(&tpm, tcti)) == CAPSA_OK &&
	    (st = capsa_tpm2_quote_envelope(tpm, a->measurement_len ? a->measurement : NULL, a->keys, a->keys_len,
	                                    a->nonce, a->nonce_len, ev, ev_len, name)) == CAPSA_OK)
		print_ak_name(name);
	capsa_tpm2_close(tpm);
	return st;
}

static capsa_status quote(struct quote_args *a, uint8_t **ev, size_t *ev_len)
{
	capsa_status st;

	if ((st = attest_read_file(a->keys_path, CAPSA_EVIDENCE_MAX_KEYS, &a->keys, &a->keys_len)) != CAPSA_OK)
		return st;
	if (a->keys_len == 0)
		return CAPSA_ERR_ARG;
	if ((st = load_measurement(a)) != CAPSA_OK)
		return st;
	if (strcmp(a->platform, "sim") == 0)
		return quote_sim(a, ev, ev_len);
	if (strcmp(a->platform, "tpm2") == 0)
		return quote_tpm2(a, ev, ev_len);
	fprintf(stderr, "capsa attest: quote makes sim or tpm2 evidence, not '%s'\n", a->platform);
	return CAPSA_ERR_UNSUPPORTED;
}

int attest_cmd_quote(int argc, char **argv)
{
	struct quote_args a = {0};
	uint8_t *ev = NULL;
	size_t ev_len = 0;
	capsa_status st;
	bool sim;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return quote_usage(stdout);
	if (!parse_quote_args(&a, argc, argv))
		return quote_usage(stderr);
	sim = strcmp(a.platform, "sim") == 0;
	if ((st = quote(&a, &ev, &ev_len)) == CAPSA_OK)
		st = attest_write_file(a.out_path, ev, ev_len, 0644);
	free(ev);
	free(a.keys);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa attest quote: %s\n", capsa_status_str(st));
		return st == CAPSA_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	if (sim)
		fprintf(stderr, "capsa attest: SIMULATED evidence written (development only: it proves nothing)\n");
	return 0;
}
