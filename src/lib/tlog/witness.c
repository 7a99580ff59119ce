/* c2sp.org/tlog-witness add-checkpoint: the request body, and the 200 and 409 response bodies. */
#include <string.h>

#include "tlog/tlog_internal.h"

capsa_status capsa_witness_request_format(char **out, size_t *out_len, uint64_t old_size,
                                          const uint8_t (*proof)[CAPSA_TLOG_HASH_BYTES], size_t proof_len,
                                          const char *checkpoint, size_t checkpoint_len)
{
	capsa_note check;
	tlog_buf b = {0};
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (proof_len > CAPSA_WITNESS_MAX_PROOF || (proof_len && proof == NULL))
		return CAPSA_ERR_ARG;
	if ((st = capsa_note_parse(&check, checkpoint, checkpoint_len)) != CAPSA_OK)
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_ARG;
	capsa_note_free(&check);
	tlog_buf_str(&b, "old ");
	tlog_buf_u64(&b, old_size);
	tlog_buf_add(&b, "\n", 1);
	for (size_t i = 0; i < proof_len; i++) {
		tlog_buf_b64(&b, proof[i], CAPSA_TLOG_HASH_BYTES);
		tlog_buf_add(&b, "\n", 1);
	}
	tlog_buf_add(&b, "\n", 1);
	tlog_buf_add(&b, checkpoint, checkpoint_len);
	return tlog_buf_finish(&b, out, out_len);
}

static capsa_status parse_request(capsa_witness_request *req, const char *body, size_t len)
{
	tlog_text t = {body, len}, line, rest;
	capsa_status st;

	if (body == NULL || len > CAPSA_TLOG_PROOF_MAX_BYTES || !tlog_next_line(&t, &line) ||
	    !tlog_line_prefix(&line, "old ", &rest) || !tlog_parse_u64(&req->old_size, rest.p, rest.len))
		return CAPSA_ERR_DECODE;
	for (;;) {
		if (!tlog_next_line(&t, &line))
			return CAPSA_ERR_DECODE;
		if (line.len == 0)
			break;
		if (req->proof_len == CAPSA_WITNESS_MAX_PROOF)
			return CAPSA_ERR_DECODE;
		if ((st = tlog_b64_decode_fixed(req->proof[req->proof_len++], CAPSA_TLOG_HASH_BYTES, line.p, line.len)) !=
		    CAPSA_OK)
			return st;
	}
	if (t.len == 0 || t.len > CAPSA_NOTE_MAX_BYTES || t.p[t.len - 1] != '\n')
		return CAPSA_ERR_DECODE; /* the note itself is the witness's to open: a bad one is a 403, not a 400 */
	req->checkpoint = t.p;
	req->checkpoint_len = t.len;
	return CAPSA_OK;
}

capsa_status capsa_witness_request_parse(capsa_witness_request *req, const char *body, size_t len)
{
	capsa_status st;

	*req = (capsa_witness_request){0};
	if ((st = parse_request(req, body, len)) != CAPSA_OK)
		*req = (capsa_witness_request){0};
	return st;
}

capsa_status capsa_witness_response_check(const char *body, size_t len)
{
	size_t count;

	if (body == NULL || len > CAPSA_NOTE_MAX_BYTES)
		return CAPSA_ERR_DECODE;
	return tlog_sig_lines_check(body, len, &count);
}

capsa_status capsa_witness_size_parse(uint64_t *size, const char *body, size_t len)
{
	*size = 0;
	if (body == NULL || len < 2 || body[len - 1] != '\n' || !tlog_parse_u64(size, body, len - 1))
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}
