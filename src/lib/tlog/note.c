/* Signed notes (c2sp.org/signed-note): strict parsing and writing, no verification. */
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog_internal.h"

capsa_status tlog_sig_parse(capsa_note_sig *sig, const tlog_text *line)
{
	tlog_text body;
	const char *sp;
	uint8_t *raw = NULL;
	size_t name_len, raw_len;
	capsa_status st;

	*sig = (capsa_note_sig){0};
	if (!tlog_line_prefix(line, TLOG_SIG_PREFIX, &body) || (sp = memchr(body.p, ' ', body.len)) == NULL)
		return CAPSA_ERR_DECODE;
	name_len = (size_t)(sp - body.p);
	if (!tlog_valid_name(body.p, name_len) || body.len - name_len - 1 == 0)
		return CAPSA_ERR_DECODE;
	st = tlog_b64_decode(&raw, &raw_len, sp + 1, body.len - name_len - 1);
	if (st != CAPSA_OK || raw_len < 5) {
		free(raw);
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_DECODE;
	}
	if ((sig->name = malloc(name_len + 1)) == NULL || (sig->sig = malloc(raw_len - 4)) == NULL) {
		free(sig->name);
		free(raw);
		*sig = (capsa_note_sig){0};
		return CAPSA_ERR_NOMEM;
	}
	memcpy(sig->name, body.p, name_len);
	sig->name[name_len] = '\0';
	sig->key_id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
	sig->sig_len = raw_len - 4;
	memcpy(sig->sig, raw + 4, sig->sig_len);
	free(raw);
	return CAPSA_OK;
}

capsa_status tlog_sig_lines_check(const char *s, size_t len, size_t *count)
{
	tlog_text t = {s, len}, line;
	capsa_note_sig sig;
	capsa_status st;

	*count = 0;
	if (len == 0 || s[len - 1] != '\n' || !tlog_valid_text(s, len))
		return CAPSA_ERR_DECODE;
	while (tlog_next_line(&t, &line)) {
		if (++*count > CAPSA_NOTE_MAX_SIGNATURES)
			return CAPSA_ERR_DECODE;
		if ((st = tlog_sig_parse(&sig, &line)) != CAPSA_OK)
			return st;
		free(sig.name);
		free(sig.sig);
	}
	return CAPSA_OK;
}

void capsa_note_free(capsa_note *note)
{
	if (note == NULL)
		return;
	for (size_t i = 0; i < note->num_sigs; i++) {
		free(note->sigs[i].name);
		free(note->sigs[i].sig);
	}
	free(note->sigs);
	free(note->text);
	*note = (capsa_note){0};
}

/* Finds the text / signature split: the last "\n\n". */
static bool split_note(const char *data, size_t len, size_t *text_len)
{
	for (size_t i = len - 1; i > 0; i--) {
		if (data[i] == '\n' && data[i - 1] == '\n') {
			*text_len = i; /* the text keeps its own final LF */
			return true;
		}
	}
	return false;
}

static capsa_status parse_sigs(capsa_note *note, const char *s, size_t len)
{
	tlog_text t = {s, len}, line;
	size_t count;
	capsa_status st;

	if ((st = tlog_sig_lines_check(s, len, &count)) != CAPSA_OK)
		return st;
	if ((note->sigs = calloc(count, sizeof *note->sigs)) == NULL)
		return CAPSA_ERR_NOMEM;
	while (tlog_next_line(&t, &line)) {
		if ((st = tlog_sig_parse(&note->sigs[note->num_sigs], &line)) != CAPSA_OK)
			return st;
		note->num_sigs++;
	}
	return CAPSA_OK;
}

capsa_status capsa_note_parse(capsa_note *note, const char *data, size_t len)
{
	size_t text_len;
	capsa_status st;

	*note = (capsa_note){0};
	if (data == NULL || len < 3 || len > CAPSA_NOTE_MAX_BYTES || !tlog_valid_text(data, len) ||
	    !split_note(data, len, &text_len))
		return CAPSA_ERR_DECODE;
	if ((note->text = malloc(text_len + 1)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(note->text, data, text_len);
	note->text[text_len] = '\0';
	note->text_len = text_len;
	if ((st = parse_sigs(note, data + text_len + 1, len - text_len - 1)) != CAPSA_OK)
		capsa_note_free(note);
	return st;
}

void tlog_buf_sig(tlog_buf *b, const char *name, uint32_t key_id, const uint8_t *sig, size_t sig_len)
{
	uint8_t *raw = malloc(sig_len + 4);

	if (raw == NULL) {
		b->failed = true;
		return;
	}
	raw[0] = (uint8_t)(key_id >> 24);
	raw[1] = (uint8_t)(key_id >> 16);
	raw[2] = (uint8_t)(key_id >> 8);
	raw[3] = (uint8_t)key_id;
	memcpy(raw + 4, sig, sig_len);
	tlog_buf_str(b, TLOG_SIG_PREFIX);
	tlog_buf_str(b, name);
	tlog_buf_add(b, " ", 1);
	tlog_buf_b64(b, raw, sig_len + 4);
	tlog_buf_add(b, "\n", 1);
	free(raw);
}

capsa_status capsa_note_format(char **out, size_t *out_len, const capsa_note *note)
{
	tlog_buf b = {0};
	capsa_note check;
	capsa_status st;

	*out = NULL;
	*out_len = 0;
	if (note == NULL || note->text == NULL || note->text_len == 0 || note->text[note->text_len - 1] != '\n' ||
	    note->num_sigs == 0 || note->num_sigs > CAPSA_NOTE_MAX_SIGNATURES)
		return CAPSA_ERR_ARG;
	tlog_buf_add(&b, note->text, note->text_len);
	tlog_buf_add(&b, "\n", 1);
	for (size_t i = 0; i < note->num_sigs; i++) {
		const capsa_note_sig *s = &note->sigs[i];
		if (s->name == NULL || !tlog_valid_name(s->name, strlen(s->name)) || s->sig_len == 0) {
			free(b.p);
			return CAPSA_ERR_ARG;
		}
		tlog_buf_sig(&b, s->name, s->key_id, s->sig, s->sig_len);
	}
	if ((st = tlog_buf_finish(&b, out, out_len)) != CAPSA_OK)
		return st;
	if ((st = capsa_note_parse(&check, *out, *out_len)) != CAPSA_OK) { /* what we write, we read back */
		free(*out);
		*out = NULL;
		*out_len = 0;
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_ARG;
	}
	capsa_note_free(&check);
	return CAPSA_OK;
}
