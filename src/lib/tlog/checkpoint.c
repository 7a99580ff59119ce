/* Checkpoints (c2sp.org/tlog-checkpoint): the note text of a log's signed tree head. */
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_internal.h"

void capsa_checkpoint_free(capsa_checkpoint *cp)
{
	if (cp == NULL)
		return;
	free(cp->origin);
	free(cp->extensions);
	*cp = (capsa_checkpoint){0};
}

/* Whether |s| is a run of non-empty LF-terminated lines without control characters. */
static bool valid_extensions(const char *s, size_t len)
{
	if (len == 0)
		return true;
	if (s[len - 1] != '\n' || s[0] == '\n' || !tlog_valid_text(s, len))
		return false;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == '\n' && s[i - 1] == '\n')
			return false;
	}
	return true;
}

capsa_status capsa_checkpoint_format(char **out, size_t *out_len, const char *origin, uint64_t size,
                                     const uint8_t root[CAPSA_TLOG_HASH_BYTES], const char *extensions,
                                     size_t extensions_len)
{
	tlog_buf b = {0};

	*out = NULL;
	*out_len = 0;
	if (origin == NULL || origin[0] == '\0' || strchr(origin, '\n') || !tlog_valid_text(origin, strlen(origin)) ||
	    root == NULL || (extensions == NULL && extensions_len) ||
	    (extensions && !valid_extensions(extensions, extensions_len)))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, origin);
	tlog_buf_add(&b, "\n", 1);
	tlog_buf_u64(&b, size);
	tlog_buf_add(&b, "\n", 1);
	tlog_buf_b64(&b, root, CAPSA_TLOG_HASH_BYTES);
	tlog_buf_add(&b, "\n", 1);
	if (extensions_len)
		tlog_buf_add(&b, extensions, extensions_len);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_checkpoint_parse(capsa_checkpoint *cp, const char *text, size_t len)
{
	tlog_text t = {text, len}, origin, size, root;
	capsa_status st;

	*cp = (capsa_checkpoint){0};
	if (text == NULL || len > CAPSA_NOTE_MAX_BYTES || !tlog_valid_text(text, len) || !tlog_next_line(&t, &origin) ||
	    !tlog_next_line(&t, &size) || !tlog_next_line(&t, &root) || origin.len == 0 ||
	    !tlog_parse_u64(&cp->size, size.p, size.len) || !valid_extensions(t.p, t.len))
		return CAPSA_ERR_DECODE;
	if ((st = tlog_b64_decode_fixed(cp->root, sizeof cp->root, root.p, root.len)) != CAPSA_OK)
		return st;
	if ((cp->origin = malloc(origin.len + 1)) == NULL || (t.len && (cp->extensions = malloc(t.len + 1)) == NULL)) {
		capsa_checkpoint_free(cp);
		return CAPSA_ERR_NOMEM;
	}
	memcpy(cp->origin, origin.p, origin.len);
	cp->origin[origin.len] = '\0';
	if (t.len) {
		memcpy(cp->extensions, t.p, t.len);
		cp->extensions[t.len] = '\0';
		cp->extensions_len = t.len;
	}
	return CAPSA_OK;
}

/* Verifies the note with [log key, witnesses...]; the log key must be among the signers. */
static capsa_status verify_signers(const capsa_note *note, const capsa_note_verifier *log_key,
                                   const capsa_note_verifier *witnesses, size_t num_witnesses, bool *witness_signed)
{
	capsa_note_verifier *keys;
	bool *signed_by;
	capsa_status st = CAPSA_ERR_NOMEM;

	keys = malloc((num_witnesses + 1) * sizeof *keys);
	signed_by = calloc(num_witnesses + 1, sizeof *signed_by);
	if (keys && signed_by) {
		keys[0] = *log_key;
		if (num_witnesses)
			memcpy(keys + 1, witnesses, num_witnesses * sizeof *keys);
		st = capsa_note_verify(note, keys, num_witnesses + 1, signed_by, NULL);
		if (st == CAPSA_OK && !signed_by[0])
			st = CAPSA_ERR_SIGNER;
		if (witness_signed)
			for (size_t i = 0; i < num_witnesses; i++)
				witness_signed[i] = st == CAPSA_OK && signed_by[i + 1];
	}
	free(keys);
	free(signed_by);
	return st;
}

capsa_status capsa_checkpoint_open(capsa_checkpoint *cp, capsa_note *note, const char *data, size_t len,
                                   const char *origin, const capsa_note_verifier *log_key,
                                   const capsa_note_verifier *witnesses, size_t num_witnesses, bool *witness_signed)
{
	capsa_note n;
	capsa_status st;

	*cp = (capsa_checkpoint){0};
	if (note)
		*note = (capsa_note){0};
	for (size_t i = 0; witness_signed && i < num_witnesses; i++)
		witness_signed[i] = false;
	if (log_key == NULL || log_key->type != CAPSA_NOTE_ED25519 || (num_witnesses && witnesses == NULL))
		return CAPSA_ERR_ARG;
	if ((st = capsa_note_parse(&n, data, len)) != CAPSA_OK)
		return st;
	if ((st = verify_signers(&n, log_key, witnesses, num_witnesses, witness_signed)) != CAPSA_OK ||
	    (st = capsa_checkpoint_parse(cp, n.text, n.text_len)) != CAPSA_OK)
		goto fail;
	if (strcmp(cp->origin, origin ? origin : log_key->name) != 0) {
		st = CAPSA_ERR_MISMATCH;
		goto fail;
	}
	if (note)
		*note = n;
	else
		capsa_note_free(&n);
	return CAPSA_OK;
fail:
	for (size_t i = 0; witness_signed && i < num_witnesses; i++)
		witness_signed[i] = false;
	capsa_checkpoint_free(cp);
	capsa_note_free(&n);
	return st;
}
