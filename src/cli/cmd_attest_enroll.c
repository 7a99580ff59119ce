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

#include "attest/tpm2/tpm2.h"
#include "cli.h"
#include "cmd_attest.h"
#include "cmd_attest_ek.h"
#include "crypto/crypto.h"
#include "wire/hex.h"

static const char usage[] = "usage: capsa attest tpm2-enroll [--tcti TCTI] [--ek-ca ROOT [--ek-intermediate CERT]...]\n"
                            "                                [--at TIME] [--ek-public FILE] [--rsa-ek]\n";

struct enroll_args {
	const char *tcti, *root, *pinned;
	const char *inter[CAPSA_TPM2_MAX_EK_CHAIN];
	size_t num_inter;
	int64_t at;
	bool rsa;
};

/* The credential round trip: true only if the TPM gave back exactly the secret sent. */
static capsa_status activate(capsa_tpm2 *tpm, const attest_ek *ek, uint8_t name[CAPSA_TPM2_NAME_BYTES])
{
	uint8_t secret[32], back[CAPSA_TPM2_DIGEST_BYTES], *ak = NULL, *id = NULL, *enc = NULL;
	size_t back_len = 0, ak_len = 0, id_len = 0, enc_len = 0;
	capsa_status st;

	if ((st = capsa_tpm2_ak_public(tpm, &ak, &ak_len)) != CAPSA_OK ||
	    (st = capsa_random(secret, sizeof secret)) != CAPSA_OK ||
	    (st = capsa_tpm2_make_credential(ek->pub, ek->pub_len, ak, ak_len, secret, sizeof secret, &id, &id_len,
	                                     &enc, &enc_len)) != CAPSA_OK ||
	    (st = capsa_tpm2_activate_credential(tpm, id, id_len, enc, enc_len, back, &back_len)) != CAPSA_OK)
		goto out;
	if (back_len != sizeof secret || !capsa_ct_equal(back, secret, sizeof secret))
		st = CAPSA_ERR_MISMATCH;
	else
		st = capsa_tpm2_ak_name(name, ak, ak_len);
out:
	capsa_wipe(secret, sizeof secret);
	capsa_wipe(back, sizeof back);
	free(ak), free(id), free(enc);
	return st;
}

/* Says, before anything else happens, why the EK is trusted, loudly when it is only on first use. */
static void tell_trust(const attest_ek *ek, const struct enroll_args *a)
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

static int enroll(const struct enroll_args *a)
{
	attest_ek_trust trust;
	attest_ek ek = {.rsa = a->rsa};
	attest_ek_refusal why = {0};
	uint8_t name[CAPSA_TPM2_NAME_BYTES];
	char hex[2 * CAPSA_TPM2_NAME_BYTES + 1];
	capsa_tpm2 *tpm = NULL;
	capsa_status st;

	if ((st = attest_ek_trust_init(&trust, a->root, a->inter, a->num_inter, &why)) != CAPSA_OK)
		goto out;
	trust.pinned_path = a->pinned, trust.at = a->at;
	if ((st = capsa_tpm2_open(&tpm, a->tcti)) != CAPSA_OK) {
		why.name = "tpm", snprintf(why.text, sizeof why.text, "opening the TPM: %s", capsa_status_str(st));
		goto out;
	}
	if ((st = attest_ek_load(tpm, &trust, &ek, &why)) != CAPSA_OK)
		goto out;
	tell_trust(&ek, a);
	if ((st = activate(tpm, &ek, name)) != CAPSA_OK) {
		why.name = "credential";
		snprintf(why.text, sizeof why.text, "the AK is not proven to be in the EK's TPM: %s", capsa_status_str(st));
	}
out:
	capsa_tpm2_close(tpm);
	attest_ek_free(&ek);
	attest_ek_trust_free(&trust);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa attest tpm2-enroll: refused (%s): %s\n", why.name ? why.name : "error",
		        why.name ? why.text : capsa_status_str(st));
		return CLI_EXIT_FAIL;
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
	                                     {NULL, 0, NULL, 0}};
	bool ok = true;
	int c;

	optind = 1;
	while (ok && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
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
	return enroll(&a);
}
