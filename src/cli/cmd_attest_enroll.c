/*
 * capsa attest tpm2-enroll: proves that the TPM's attestation key lives in
 * the same TPM as its endorsement key (MakeCredential in software,
 * ActivateCredential in the TPM) and prints the AK name a policy pins.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/hex.h"
#include "attest/tpm2.h"
#include "cli.h"
#include "cmd_attest.h"
#include "crypto/crypto.h"

struct enroll {
	uint8_t *ek, *ak, *id, *enc;
	size_t ek_len, ak_len, id_len, enc_len;
};

static void enroll_free(struct enroll *e)
{
	free(e->ek), free(e->ak), free(e->id), free(e->enc);
}

/* The EK: the one pinned in |ek_path| (which the TPM must hold), or the TPM's own (trust on first use). */
static capsa_status load_ek(capsa_tpm2 *tpm, const char *ek_path, struct enroll *e)
{
	uint8_t *pinned = NULL;
	size_t pinned_len = 0;
	capsa_status st;

	if ((st = capsa_tpm2_ek_public(tpm, &e->ek, &e->ek_len)) != CAPSA_OK || ek_path == NULL)
		return st;
	if ((st = attest_read_file(ek_path, CAPSA_TPM2_MAX_BLOB, &pinned, &pinned_len)) != CAPSA_OK)
		return st;
	if (pinned_len != e->ek_len || memcmp(pinned, e->ek, pinned_len) != 0)
		st = CAPSA_ERR_MISMATCH;
	free(pinned);
	return st;
}

static capsa_status enroll(capsa_tpm2 *tpm, const char *ek_path, uint8_t name[CAPSA_TPM2_NAME_BYTES])
{
	uint8_t secret[32], back[CAPSA_TPM2_DIGEST_BYTES];
	size_t back_len = 0;
	struct enroll e = {0};
	capsa_status st;

	if ((st = load_ek(tpm, ek_path, &e)) != CAPSA_OK ||
	    (st = capsa_tpm2_ak_public(tpm, &e.ak, &e.ak_len)) != CAPSA_OK ||
	    (st = capsa_random(secret, sizeof secret)) != CAPSA_OK ||
	    (st = capsa_tpm2_make_credential(e.ek, e.ek_len, e.ak, e.ak_len, secret, sizeof secret, &e.id, &e.id_len,
	                                     &e.enc, &e.enc_len)) != CAPSA_OK ||
	    (st = capsa_tpm2_activate_credential(tpm, e.id, e.id_len, e.enc, e.enc_len, back, &back_len)) != CAPSA_OK)
		goto out;
	if (back_len != sizeof secret || !capsa_ct_equal(back, secret, sizeof secret))
		st = CAPSA_ERR_MISMATCH;
	else
		st = capsa_tpm2_ak_name(name, e.ak, e.ak_len);
out:
	capsa_wipe(secret, sizeof secret);
	capsa_wipe(back, sizeof back);
	enroll_free(&e);
	return st;
}

int attest_cmd_tpm2_enroll(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tcti", required_argument, NULL, 't'}, {"ek-public", required_argument, NULL, 'e'}, {NULL, 0, NULL, 0}};
	const char *tcti = getenv("TPM2TOOLS_TCTI"), *ek_path = NULL;
	uint8_t name[CAPSA_TPM2_NAME_BYTES];
	char hex[2 * CAPSA_TPM2_NAME_BYTES + 1];
	capsa_tpm2 *tpm = NULL;
	capsa_status st;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 't' && c != 'e') {
			fprintf(stderr, "usage: capsa attest tpm2-enroll [--tcti TCTI] [--ek-public FILE]\n");
			return CLI_EXIT_USAGE;
		}
		*(c == 't' ? &tcti : &ek_path) = optarg;
	}
	if ((st = capsa_tpm2_open(&tpm, tcti)) == CAPSA_OK)
		st = enroll(tpm, ek_path, name);
	capsa_tpm2_close(tpm);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa attest tpm2-enroll: %s%s\n", capsa_status_str(st),
		        st == CAPSA_ERR_MISMATCH ? " (not the pinned EK, or the credential did not come back)" : "");
		return CLI_EXIT_FAIL;
	}
	capsa_hex_encode(hex, name, sizeof name);
	printf("%s\n", hex);
	fprintf(stderr, "capsa attest: AK and EK%s are in the same TPM; pin the AK name above in ak_names\n",
	        ek_path ? " (the pinned one)" : " (trusted on first use)");
	return 0;
}
