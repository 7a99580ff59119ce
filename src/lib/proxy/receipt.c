/*
 * Receipts: a c2sp.org/tlog-proof@v1 whose `extra` is the log entry. Checking
 * one needs only the proxy's pinned recipient string: it names the Ed25519
 * key, the checkpoint names the origin, and together they are the log's
 * signed-note verifier.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/proxy.h>
#include <capsa/tlog.h>

static capsa_status checkpoint_origin(char **origin, const capsa_tlog_proof *p)
{
	capsa_checkpoint cp;
	capsa_note note;
	capsa_status st = capsa_note_parse(&note, p->checkpoint, p->checkpoint_len);

	*origin = NULL;
	if (st != CAPSA_OK)
		return CAPSA_ERR_DECODE;
	st = capsa_checkpoint_parse(&cp, note.text, note.text_len);
	capsa_note_free(&note);
	if (st != CAPSA_OK)
		return CAPSA_ERR_DECODE;
	*origin = cp.origin;
	cp.origin = NULL;
	capsa_checkpoint_free(&cp);
	return CAPSA_OK;
}

/* The statuses of capsa_tlog_proof_verify, as this API names them. */
static capsa_status receipt_status(capsa_status st)
{
	switch (st) {
	case CAPSA_OK: return CAPSA_OK;
	case CAPSA_ERR_SIGNATURE:
	case CAPSA_ERR_SIGNER: return CAPSA_ERR_SIGNATURE;
	case CAPSA_ERR_AUTH: return CAPSA_ERR_PROOF;
	case CAPSA_ERR_NOMEM: return CAPSA_ERR_NOMEM;
	default: return CAPSA_ERR_DECODE;
	}
}

capsa_status capsa_proxy_receipt_verify(capsa_proxy_event *e, capsa_checkpoint *cp_out, uint64_t *index,
                                        const char *receipt, size_t len, const capsa_recipient *proxy)
{
	capsa_tlog_proof p;
	capsa_checkpoint cp = {0};
	capsa_note_verifier v;
	char *origin = NULL;
	capsa_status st;

	memset(e, 0, sizeof *e);
	if (cp_out != NULL)
		memset(cp_out, 0, sizeof *cp_out);
	if (capsa_tlog_proof_parse(&p, receipt, len) != CAPSA_OK)
		return CAPSA_ERR_DECODE;
	st = p.has_extra ? checkpoint_origin(&origin, &p) : CAPSA_ERR_DECODE;
	if (st == CAPSA_OK && capsa_proxy_log_verifier(&v, origin, proxy) != CAPSA_OK)
		st = CAPSA_ERR_DECODE;
	if (st == CAPSA_OK)
		st = receipt_status(capsa_tlog_proof_verify(&p, p.extra, p.extra_len, origin, &v, NULL, 0, NULL, &cp));
	if (st == CAPSA_OK)
		st = capsa_proxy_event_parse(e, p.extra, p.extra_len);
	if (st == CAPSA_OK && index != NULL)
		*index = p.index;
	if (st == CAPSA_OK && cp_out != NULL)
		*cp_out = cp;
	else
		capsa_checkpoint_free(&cp);
	free(origin);
	capsa_tlog_proof_free(&p);
	return st;
}
