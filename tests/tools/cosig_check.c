/*
 * tests/tools/cosig_check.c - checks a witness's answer with libcapsa, as a
 * log would: cosig_check BODY RESPONSE LOG_VKEY WITNESS_VKEY. BODY is the
 * add-checkpoint request that was sent, RESPONSE the 200 body. The response
 * must be signature lines only; appended to the request's checkpoint, the
 * note must open with the log key and carry a valid cosignature by the
 * witness key. Prints the cosignature's timestamp; exits 0 if all holds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(CAPSA_TLOG_PROOF_MAX_BYTES + 1) : NULL;
	*len = buf ? fread(buf, 1, CAPSA_TLOG_PROOF_MAX_BYTES + 1, f) : 0;
	if (f)
		fclose(f);
	return buf;
}

static int fail(const char *why)
{
	fprintf(stderr, "cosig_check: %s\n", why);
	return 1;
}

int main(int argc, char **argv)
{
	capsa_witness_request rq;
	capsa_note_verifier log, wit;
	capsa_checkpoint cp = {0};
	capsa_note note = {0};
	bool signed_by = false;
	uint64_t ts = 0;
	size_t body_len, resp_len, out_len;
	char *out = NULL;
	int rc = 1;

	if (argc != 5)
		return fail("usage: cosig_check BODY RESPONSE LOG_VKEY WITNESS_VKEY");
	char *body = slurp(argv[1], &body_len), *resp = slurp(argv[2], &resp_len);
	if (!body || !resp)
		rc = fail("cannot read the files");
	else if (capsa_note_vkey_parse(&log, argv[3], strlen(argv[3])) != CAPSA_OK ||
	         capsa_note_vkey_parse(&wit, argv[4], strlen(argv[4])) != CAPSA_OK || wit.type != CAPSA_NOTE_COSIGNATURE)
		rc = fail("bad vkey");
	else if (capsa_witness_request_parse(&rq, body, body_len) != CAPSA_OK)
		rc = fail("the request body does not parse");
	else if (capsa_witness_response_check(resp, resp_len) != CAPSA_OK)
		rc = fail("the response is not signature lines");
	else if (capsa_note_append_lines(&out, &out_len, rq.checkpoint, rq.checkpoint_len, resp, resp_len) != CAPSA_OK)
		rc = fail("the response does not join the checkpoint");
	else if (capsa_checkpoint_open(&cp, &note, out, out_len, NULL, &log, &wit, 1, &signed_by) != CAPSA_OK)
		rc = fail("the cosigned checkpoint does not verify");
	else if (!signed_by)
		rc = fail("no cosignature by the witness key");
	else if (capsa_note_verify(&note, &wit, 1, NULL, &ts) != CAPSA_OK)
		rc = fail("the cosignature does not verify");
	else {
		printf("%" PRIu64 "\n", ts);
		rc = 0;
	}
	capsa_checkpoint_free(&cp);
	capsa_note_free(&note);
	free(out);
	free(body);
	free(resp);
	return rc;
}
