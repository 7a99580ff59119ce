/* Receipts (c2sp.org/tlog-proof@v1): [extra], index, inclusion path, blank line, checkpoint note. */
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_internal.h"

#define PROOF_HEADER "c2sp.org/tlog-proof@v1"

void capsa_tlog_proof_free(capsa_tlog_proof *p)
{
	if (p == NULL)
		return;
	free(p->extra);
	free(p->checkpoint);
	*p = (capsa_tlog_proof){0};
}

capsa_status capsa_tlog_proof_format(char **out, size_t *out_len, const uint8_t *extra, size_t extra_len,
                                     uint64_t index, const uint8_t (*path)[CAPSA_TLOG_HASH_BYTES], size_t path_len,
                                     const char *checkpoint, size_t checkpoint_len)
{
	capsa_note check;
	tlog_buf b = {0};
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if ((extra != NULL && extra_len == 0) || path_len > CAPSA_TLOG_MAX_PROOF || (path_len && path == NULL) ||
	    checkpoint == NULL)
		return CAPSA_ERR_ARG;
	if ((st = capsa_note_parse(&check, checkpoint, checkpoint_len)) != CAPSA_OK)
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_ARG;
	capsa_note_free(&check);
	tlog_buf_str(&b, PROOF_HEADER "\n");
	if (extra) {
		tlog_buf_str(&b, "extra ");
		tlog_buf_b64(&b, extra, extra_len);
		tlog_buf_add(&b, "\n", 1);
	}
	tlog_buf_str(&b, "index ");
	tlog_buf_u64(&b, index);
	tlog_buf_add(&b, "\n", 1);
	for (size_t i = 0; i < path_len; i++) {
		tlog_buf_b64(&b, path[i], CAPSA_TLOG_HASH_BYTES);
		tlog_buf_add(&b, "\n", 1);
	}
	tlog_buf_add(&b, "\n", 1);
	tlog_buf_add(&b, checkpoint, checkpoint_len);
	return tlog_buf_finish(&b, out, out_len);
}

/* The optional extra line, then the index line. */
static capsa_status parse_head(capsa_tlog_proof *p, tlog_text *t)
{
	tlog_text line, rest;
	capsa_status st;

	if (!tlog_next_line(t, &line) || !tlog_line_is(&line, PROOF_HEADER) || !tlog_next_line(t, &line))
		return CAPSA_ERR_DECODE;
	if (tlog_line_prefix(&line, "extra ", &rest)) {
		if (rest.len == 0)
			return CAPSA_ERR_DECODE;
		if ((st = tlog_b64_decode(&p->extra, &p->extra_len, rest.p, rest.len)) != CAPSA_OK)
			return st;
		if (p->extra_len == 0)
			return CAPSA_ERR_DECODE;
		p->has_extra = true;
		if (!tlog_next_line(t, &line))
			return CAPSA_ERR_DECODE;
	}
	if (!tlog_line_prefix(&line, "index ", &rest) || !tlog_parse_u64(&p->index, rest.p, rest.len))
		return CAPSA_ERR_DECODE;
	return CAPSA_OK;
}

static capsa_status parse_proof(capsa_tlog_proof *p, const char *data, size_t len)
{
	tlog_text t = {data, len}, line;
	capsa_note note;
	capsa_status st;

	if (data == NULL || len > CAPSA_TLOG_PROOF_MAX_BYTES)
		return CAPSA_ERR_DECODE;
	if ((st = parse_head(p, &t)) != CAPSA_OK)
		return st;
	for (;;) {
		if (!tlog_next_line(&t, &line))
			return CAPSA_ERR_DECODE;
		if (line.len == 0)
			break;
		if (p->path_len == CAPSA_TLOG_MAX_PROOF)
			return CAPSA_ERR_DECODE;
		if ((st = tlog_b64_decode_fixed(p->path[p->path_len++], CAPSA_TLOG_HASH_BYTES, line.p, line.len)) != CAPSA_OK)
			return st;
	}
	if ((st = capsa_note_parse(&note, t.p, t.len)) != CAPSA_OK)
		return st;
	capsa_note_free(&note);
	if ((p->checkpoint = malloc(t.len + 1)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(p->checkpoint, t.p, t.len);
	p->checkpoint[t.len] = '\0';
	p->checkpoint_len = t.len;
	return CAPSA_OK;
}

capsa_status capsa_tlog_proof_parse(capsa_tlog_proof *p, const char *data, size_t len)
{
	capsa_status st;

	*p = (capsa_tlog_proof){0};
	if ((st = parse_proof(p, data, len)) != CAPSA_OK)
		capsa_tlog_proof_free(p);
	return st;
}

capsa_status capsa_tlog_proof_verify(const capsa_tlog_proof *p, const uint8_t *leaf, size_t leaf_len,
                                     const char *origin, const capsa_note_verifier *log_key,
                                     const capsa_note_verifier *witnesses, size_t num_witnesses,
                                     bool *witness_signed, capsa_checkpoint *cp)
{
	capsa_checkpoint c;
	uint8_t leaf_hash[CAPSA_TLOG_HASH_BYTES];
	capsa_status st;

	if (cp)
		*cp = (capsa_checkpoint){0};
	if (p == NULL || p->checkpoint == NULL || (leaf == NULL && leaf_len))
		return CAPSA_ERR_ARG;
	if ((st = capsa_tlog_leaf_hash(leaf_hash, leaf, leaf_len)) != CAPSA_OK)
		return st;
	st = capsa_checkpoint_open(&c, NULL, p->checkpoint, p->checkpoint_len, origin, log_key, witnesses, num_witnesses,
	                           witness_signed);
	if (st != CAPSA_OK)
		return st;
	st = capsa_tlog_verify_inclusion(p->index, c.size, leaf_hash, (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])p->path,
	                                 p->path_len, c.root);
	if (st == CAPSA_OK && cp)
		*cp = c;
	else
		capsa_checkpoint_free(&c);
	if (st != CAPSA_OK)
		for (size_t i = 0; witness_signed && i < num_witnesses; i++)
			witness_signed[i] = false;
	return st;
}
