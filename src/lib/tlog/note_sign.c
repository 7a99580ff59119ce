/* Signing notes: Ed25519 (type 0x01) signature lines, cosignatures (type 0x04), adding lines to a note. */
#include <stdlib.h>
#include <string.h>

#include <capsa/util.h>

#include "crypto/crypto.h"
#include "tlog/tlog_internal.h"

static bool valid_note_text(const char *text, size_t len)
{
	return text != NULL && len > 0 && len <= CAPSA_NOTE_MAX_BYTES && text[len - 1] == '\n' &&
	       tlog_valid_text(text, len);
}

/* Ed25519 over |msg| by |seed|, key id of |type| under |name|, as one signature line into |b|. */
static capsa_status sign_line(tlog_buf *b, const char *name, uint8_t type, const uint8_t seed[32],
                              const uint8_t *prefix, size_t prefix_len, const char *msg, size_t msg_len)
{
	uint8_t pub[CAPSA_ED25519_PUBLICBYTES], sig[8 + CAPSA_ED25519_SIGBYTES];
	uint32_t id;
	capsa_status st;

	if (name == NULL || !tlog_valid_name(name, strlen(name)) || seed == NULL)
		return CAPSA_ERR_ARG;
	if ((st = capsa_ed25519_public(pub, seed)) != CAPSA_OK || (st = capsa_note_key_id(&id, name, type, pub)) != CAPSA_OK)
		return st;
	if (prefix_len)
		memcpy(sig, prefix, prefix_len);
	if ((st = capsa_ed25519_sign(sig + prefix_len, seed, (const uint8_t *)msg, msg_len)) != CAPSA_OK)
		return st;
	tlog_buf_sig(b, name, id, sig, prefix_len + CAPSA_ED25519_SIGBYTES); /* public: not wiped */
	return CAPSA_OK;
}

capsa_status capsa_note_sign(char **out, size_t *out_len, const char *text, size_t text_len, const char *name,
                             const uint8_t seed[32])
{
	tlog_buf b = {0};
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (!valid_note_text(text, text_len))
		return CAPSA_ERR_ARG;
	tlog_buf_add(&b, text, text_len);
	tlog_buf_add(&b, "\n", 1);
	if ((st = sign_line(&b, name, CAPSA_NOTE_ED25519, seed, NULL, 0, text, text_len)) != CAPSA_OK) {
		free(b.p);
		return st;
	}
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_note_add_signature(char **out, size_t *out_len, const char *data, size_t len, const char *name,
                                      const uint8_t seed[32])
{
	capsa_note note;
	uint8_t pub[CAPSA_ED25519_PUBLICBYTES];
	uint32_t id;
	tlog_buf b = {0};
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (name == NULL || !tlog_valid_name(name, strlen(name)) || seed == NULL)
		return CAPSA_ERR_ARG;
	if ((st = capsa_ed25519_public(pub, seed)) != CAPSA_OK ||
	    (st = capsa_note_key_id(&id, name, CAPSA_NOTE_ED25519, pub)) != CAPSA_OK)
		return st;
	if ((st = capsa_note_parse(&note, data, len)) != CAPSA_OK)
		return st;
	tlog_buf_add(&b, note.text, note.text_len);
	tlog_buf_add(&b, "\n", 1);
	for (size_t i = 0; i < note.num_sigs; i++) {
		const capsa_note_sig *s = &note.sigs[i];
		if (s->key_id != id || strcmp(s->name, name) != 0) /* a line of this key is replaced */
			tlog_buf_sig(&b, s->name, s->key_id, s->sig, s->sig_len);
	}
	st = sign_line(&b, name, CAPSA_NOTE_ED25519, seed, NULL, 0, note.text, note.text_len);
	capsa_note_free(&note);
	if (st != CAPSA_OK) {
		free(b.p);
		return st;
	}
	return tlog_buf_finish(&b, out, out_len);
}

/* Whether the LF-terminated line |line| (|len| with LF) occurs as a whole line in |s|. */
static bool has_line(const char *s, size_t s_len, const char *line, size_t len)
{
	for (size_t i = 0; i + len <= s_len; i++) {
		if ((i == 0 || s[i - 1] == '\n') && memcmp(s + i, line, len) == 0)
			return true;
	}
	return false;
}

capsa_status capsa_note_append_lines(char **out, size_t *out_len, const char *data, size_t len, const char *lines,
                                     size_t lines_len)
{
	capsa_note check;
	tlog_text t = {lines, lines_len}, line;
	size_t count;
	tlog_buf b = {0};
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if ((st = capsa_note_parse(&check, data, len)) != CAPSA_OK)
		return st;
	capsa_note_free(&check);
	if ((st = tlog_sig_lines_check(lines, lines_len, &count)) != CAPSA_OK)
		return st;
	tlog_buf_add(&b, data, len);
	while (tlog_next_line(&t, &line)) {
		if (!has_line(b.failed ? "" : b.p, b.failed ? 0 : b.len, line.p, line.len + 1))
			tlog_buf_add(&b, line.p, line.len + 1);
	}
	if ((st = tlog_buf_finish(&b, out, out_len)) != CAPSA_OK)
		return st;
	if ((st = capsa_note_parse(&check, *out, *out_len)) != CAPSA_OK) { /* too many lines, too long */
		free(*out);
		*out = NULL;
		*out_len = 0;
		return st;
	}
	capsa_note_free(&check);
	return CAPSA_OK;
}

capsa_status capsa_cosignature_message(char **out, size_t *out_len, const char *text, size_t text_len,
                                       uint64_t timestamp)
{
	tlog_buf b = {0};

	*out = NULL;
	*out_len = 0;
	if (!valid_note_text(text, text_len) || timestamp >> 63)
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, "cosignature/v1\ntime ");
	tlog_buf_u64(&b, timestamp);
	tlog_buf_add(&b, "\n", 1);
	tlog_buf_add(&b, text, text_len);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_cosignature_sign(char **line, size_t *line_len, const char *text, size_t text_len,
                                    const char *name, const uint8_t seed[32], uint64_t timestamp)
{
	uint8_t ts[8];
	char *msg;
	size_t msg_len;
	tlog_buf b = {0};
	capsa_status st;

	*line = NULL;
	*line_len = 0;
	if ((st = capsa_cosignature_message(&msg, &msg_len, text, text_len, timestamp)) != CAPSA_OK)
		return st;
	for (int i = 0; i < 8; i++)
		ts[i] = (uint8_t)(timestamp >> (56 - 8 * i));
	st = sign_line(&b, name, CAPSA_NOTE_COSIGNATURE, seed, ts, sizeof ts, msg, msg_len);
	free(msg);
	if (st != CAPSA_OK) {
		free(b.p);
		return st;
	}
	return tlog_buf_finish(&b, line, line_len);
}
