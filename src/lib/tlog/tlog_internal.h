/* tlog/tlog_internal.h - text helpers shared by the transparency-log parsers and writers. */
#ifndef CAPSA_TLOG_INTERNAL_H
#define CAPSA_TLOG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/tlog.h>

/* The signature-line prefix: U+2014 EM DASH, space. */
#define TLOG_SIG_PREFIX "\xe2\x80\x94 "
#define TLOG_SIG_PREFIX_LEN 4

/* A cursor over untrusted text. */
typedef struct tlog_text {
	const char *p;
	size_t len;
} tlog_text;

/* Takes the next line (without its LF) off |t|; false if no LF is left. */
bool tlog_next_line(tlog_text *t, tlog_text *line);
/* Whether |s| (|len|) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF) with no control character but LF. */
bool tlog_valid_text(const char *s, size_t len);
/* Whether |s| (|len|) is a valid key name: non-empty, <= CAPSA_NOTE_MAX_NAME, UTF-8, no Unicode space, no '+'. */
bool tlog_valid_name(const char *s, size_t len);
/* Parses a decimal uint64 without sign or leading zeros (exactly |len| bytes). */
bool tlog_parse_u64(uint64_t *out, const char *s, size_t len);
/* Whether |line| is exactly |lit|. */
bool tlog_line_is(const tlog_text *line, const char *lit);
/* Whether |line| starts with |prefix|; if so, |rest| is what follows. */
bool tlog_line_prefix(const tlog_text *line, const char *prefix, tlog_text *rest);

/*
 * Decodes strict standard base64 (no line breaks) of |s| (|len|) into
 * |out| of exactly |want| bytes. Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
capsa_status tlog_b64_decode_fixed(uint8_t *out, size_t want, const char *s, size_t len) CAPSA_MUST_CHECK;
/* Decodes strict base64 into a fresh buffer (free()). Returns CAPSA_OK, CAPSA_ERR_DECODE or CAPSA_ERR_NOMEM. */
capsa_status tlog_b64_decode(uint8_t **out, size_t *out_len, const char *s, size_t len) CAPSA_MUST_CHECK;
/* Characters base64 of |n| bytes takes (without NUL). */
size_t tlog_b64_len(size_t n);
/* Writes the base64 of |in| at |out| (room for tlog_b64_len(len) + 1) and returns its length. */
size_t tlog_b64_encode(char *out, const uint8_t *in, size_t len);

/* A growing text buffer; on allocation failure |failed| is set and later appends do nothing. */
typedef struct tlog_buf {
	char *p;
	size_t len, cap;
	bool failed;
} tlog_buf;

void tlog_buf_add(tlog_buf *b, const void *data, size_t len);
void tlog_buf_str(tlog_buf *b, const char *s);
void tlog_buf_u64(tlog_buf *b, uint64_t v);
void tlog_buf_b64(tlog_buf *b, const uint8_t *data, size_t len);
/* Hands the NUL-terminated text to |*out| (CAPSA_OK) or frees it (CAPSA_ERR_NOMEM). */
capsa_status tlog_buf_finish(tlog_buf *b, char **out, size_t *out_len) CAPSA_MUST_CHECK;

/* Parses one signature line body (after the prefix, without LF) into |sig|. */
capsa_status tlog_sig_parse(capsa_note_sig *sig, const tlog_text *line) CAPSA_MUST_CHECK;
/* Appends `— name base64(key_id || sig)\n`. */
void tlog_buf_sig(tlog_buf *b, const char *name, uint32_t key_id, const uint8_t *sig, size_t sig_len);
/* Checks a run of signature lines (each ending in LF, at least one, at most CAPSA_NOTE_MAX_SIGNATURES). */
capsa_status tlog_sig_lines_check(const char *s, size_t len, size_t *count) CAPSA_MUST_CHECK;

#endif
