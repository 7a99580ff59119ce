/*
 * proxy/statement_text.h - the line grammar shared by statements and log
 * events: `key value` lines in a fixed order, one space, LF, lowercase hex,
 * decimals without leading zeros.
 */
#ifndef CAPSA_PROXY_STATEMENT_TEXT_H
#define CAPSA_PROXY_STATEMENT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/keys.h>
#include <capsa/proxy.h>

#include "tlog/tlog_internal.h"

/*
 * Checks a statement's text and takes its first line off |t|, which must be
 * |header|: CAPSA_OK; CAPSA_ERR_UNSUPPORTED for another statement or version
 * of the same |family| (e.g. "capsa-proxy/"); CAPSA_ERR_DECODE otherwise.
 */
capsa_status stmt_open(tlog_text *t, const char *text, size_t len, const char *header, const char *family) CAPSA_MUST_CHECK;

/* Whether every byte of |s| is printable ASCII or LF, and it ends in LF: all a statement may hold. */
bool stmt_text_ok(const char *s, size_t len);

/* Takes the next line off |t| if it is exactly `key value`; |value| is what follows the space. */
bool stmt_field(tlog_text *t, const char *key, tlog_text *value);
/* Whether |v| is exactly 2n lowercase hex characters; decodes them into |out|. */
bool stmt_hex_value(const tlog_text *v, uint8_t *out, size_t n);
/* The next line is `key <2n lowercase hex>`, decoded into |out|. */
bool stmt_hex(tlog_text *t, const char *key, uint8_t *out, size_t n);
/* The next line is `key <decimal>`. */
bool stmt_u64(tlog_text *t, const char *key, uint64_t *out);
/* The next line is `key <party id>`. */
bool stmt_party(tlog_text *t, const char *key, char out[CAPSA_PARTY_ID_HEXLEN + 1]);
/* The next line is `key <type 2 recipient string>`: CAPSA_OK, CAPSA_ERR_DECODE or CAPSA_ERR_KEY. */
capsa_status stmt_recipient(tlog_text *t, const char *key, capsa_recipient *r) CAPSA_MUST_CHECK;
/* Whether |s| is 64 lowercase hex characters. */
bool stmt_is_party(const char *s, size_t len);

void stmt_put(tlog_buf *b, const char *key, const char *value);
void stmt_put_hex(tlog_buf *b, const char *key, const uint8_t *data, size_t n);
void stmt_put_u64(tlog_buf *b, const char *key, uint64_t v);
/* Appends `key <recipient string>`; false if |r| has no Ed25519 key. */
bool stmt_put_recipient(tlog_buf *b, const char *key, const capsa_recipient *r);

#endif
