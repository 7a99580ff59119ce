/*
 * The header parser against doc/FORMAT.md "A reader MUST reject", one item at
 * a time: each header below is well formed except for the one thing named, so
 * the status shows the parser refuses that thing (and not some other damage).
 * The limits themselves are accepted, to show each bound sits where the
 * format puts it.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "check.h"
#include "container/header.h"
#include "wire/bytes.h"

/* A stanza to put in a test header. */
typedef struct raw_stanza {
	const char *type;   /* written as is (type_len = strlen), or NULL for |type_len| zero bytes */
	size_t type_len;
	size_t body_len;    /* bytes of 0x42 */
	size_t declared;    /* body-len field; SIZE_MAX: body_len */
} raw_stanza;

typedef struct raw_header {
	uint8_t version, chunk_log2, flags;
	uint16_t suite;
	uint64_t length;      /* the plaintext length field */
	uint32_t header_len;  /* 0: the real length */
	uint16_t count;       /* 0xffff: the number of stanzas given */
	const raw_stanza *stanzas;
	size_t num_stanzas;
	size_t extra;         /* zero bytes after the MAC (and signature) */
	bool sig_block;       /* v1: a 98-byte signature block follows the MAC */
	bool signer_block;    /* v2: a 34-byte signer block precedes the MAC */
	uint16_t sig_alg;
} raw_header;

static const raw_stanza one_unknown = {"example.org/route", 17, 3, SIZE_MAX};

static raw_header good_header(void)
{
	return (raw_header){.version = 1, .chunk_log2 = 14, .suite = CAPSA_SUITE_AES_256_GCM, .length = 100,
	                    .count = 0xffff, .stanzas = &one_unknown, .num_stanzas = 1};
}

/* Builds the header bytes |h| describes (MAC and signature are zeros: the parser does not check the MAC). */
static uint8_t *build(const raw_header *h, size_t *len)
{
	static const uint8_t zeros[CAPSA_STANZA_BODY_MAX + 1];
	static const uint8_t cid[CAPSA_CONTENT_ID_BYTES] = {1, 2, 3};
	uint8_t body[CAPSA_STANZA_BODY_MAX + 1], *out = NULL;
	capsa_cbb cbb;

	memset(body, 0x42, sizeof body);
	CHECK(capsa_cbb_init(&cbb, 256));
	capsa_cbb_add_bytes(&cbb, capsa_hdr_magic, HDR_MAGIC_BYTES);
	capsa_cbb_add_u8(&cbb, h->version);
	capsa_cbb_add_u16(&cbb, h->suite);
	capsa_cbb_add_u8(&cbb, h->chunk_log2);
	capsa_cbb_add_u8(&cbb, h->flags);
	capsa_cbb_add_u64(&cbb, h->length);
	capsa_cbb_add_bytes(&cbb, cid, sizeof cid);
	capsa_cbb_add_u32(&cbb, 0);
	capsa_cbb_add_u16(&cbb, h->count == 0xffff ? (uint16_t)h->num_stanzas : h->count);
	for (size_t i = 0; i < h->num_stanzas; i++) {
		const raw_stanza *s = &h->stanzas[i];
		capsa_cbb_add_u8(&cbb, (uint8_t)s->type_len);
		capsa_cbb_add_bytes(&cbb, s->type ? (const uint8_t *)s->type : zeros, s->type_len);
		capsa_cbb_add_u16(&cbb, (uint16_t)(s->declared == SIZE_MAX ? s->body_len : s->declared));
		capsa_cbb_add_bytes(&cbb, body, s->body_len);
	}
	if (h->signer_block) {
		capsa_cbb_add_u16(&cbb, h->sig_alg);
		capsa_cbb_add_bytes(&cbb, zeros, HDR_SIGNER_BLOCK_BYTES - 2);
	}
	capsa_cbb_add_bytes(&cbb, zeros, HDR_MAC_BYTES);
	if (h->sig_block) {
		capsa_cbb_add_u16(&cbb, h->sig_alg);
		capsa_cbb_add_bytes(&cbb, zeros, HDR_SIG_BLOCK_BYTES - 2);
	}
	capsa_cbb_add_bytes(&cbb, zeros, h->extra);
	CHECK(!cbb.failed);
	CHECK(capsa_cbb_finish(&cbb, &out, len));
	capsa_cbb_cleanup(&cbb);
	{
		uint32_t hl = h->header_len ? h->header_len : (uint32_t)*len;
		for (int i = 0; i < 4; i++)
			out[HDR_FIXED_BYTES + i] = (uint8_t)(hl >> (24 - 8 * i));
	}
	return out;
}

/* Parses |h| (the whole buffer, and more: payload bytes follow a header) and checks the status. */
static void expect(const char *what, const raw_header *h, capsa_status want)
{
	size_t len = 0;
	uint8_t *hdr = build(h, &len), *file = calloc(1, len + 100);
	capsa_hdr parsed;

	memcpy(file, hdr, len);
	check_context("%s", what);
	CHECK_STATUS(capsa_hdr_parse(&parsed, file, len + 100), want);
	CHECK(want != CAPSA_OK || parsed.len == (h->header_len ? h->header_len : len));
	capsa_hdr_cleanup(&parsed);
	free(hdr);
	free(file);
}

static void fixed_fields(void)
{
	raw_header h = good_header();
	capsa_hdr parsed;

	expect("a good header", &h, CAPSA_OK);
	CHECK_STATUS(capsa_hdr_parse(&parsed, (const uint8_t *)"", 0), CAPSA_ERR_NOT_CAPSA);
	CHECK_STATUS(capsa_hdr_parse(&parsed, (const uint8_t *)"age-encryption.org/v1\n", 22), CAPSA_ERR_NOT_CAPSA);
	h.version = 2;
	expect("version 2", &h, CAPSA_OK);
	h.version = 3;
	expect("version 3", &h, CAPSA_ERR_VERSION);
	h = good_header();
	h.version = 0;
	expect("version 0", &h, CAPSA_ERR_VERSION);
	h = good_header();
	h.suite = CAPSA_SUITE_CHACHA20_POLY1305;
	expect("suite 0x0003", &h, CAPSA_OK);
	h.suite = 0x0001;
	expect("suite 0x0001 (AES-128-GCM)", &h, CAPSA_ERR_UNSUPPORTED);
	h.suite = 0x0004;
	expect("suite 0x0004", &h, CAPSA_ERR_UNSUPPORTED);
	h = good_header();
	h.chunk_log2 = 15;
	expect("chunk-log2 15", &h, CAPSA_ERR_UNSUPPORTED);
	h.chunk_log2 = 13;
	expect("chunk-log2 13", &h, CAPSA_ERR_UNSUPPORTED);
	for (int bit = 1; bit < 8; bit++) {
		h = good_header();
		h.flags = (uint8_t)(1u << bit);
		expect("a reserved flag", &h, CAPSA_ERR_DECODE);
	}
}

/* FORMAT.md: the first length that is rejected. */
#define LENGTH_LIMIT UINT64_C(0xFFC00FFC00FF8000)

static void plaintext_length(void)
{
	raw_header h = good_header();

	h.length = CAPSA_LENGTH_UNKNOWN;
	expect("length unknown", &h, CAPSA_OK);
	h.length = 0;
	expect("length 0", &h, CAPSA_OK);
	h.length = LENGTH_LIMIT - 1;
	expect("the largest length a payload can have", &h, CAPSA_OK);
	h.length = LENGTH_LIMIT;
	expect("the smallest length no payload can have", &h, CAPSA_ERR_DECODE);
	h.length = CAPSA_LENGTH_UNKNOWN - 1;
	expect("length 2^64 - 2", &h, CAPSA_ERR_DECODE);
}

static capsa_status discard(void *arg, const uint8_t *data, size_t len)
{
	(void)arg, (void)data, (void)len;
	return CAPSA_OK;
}

/*
 * A header with a valid MAC (as its sealer can make) that records a length no
 * payload can have: opening it must say "malformed header", not blame the
 * caller's arguments.
 */
static void impossible_length_opened(void)
{
	uint8_t seed[CAPSA_IDENTITY_SEEDBYTES], cek[CAPSA_CEK_BYTES], *hdr = NULL;
	capsa_identity id;
	capsa_recipient rec;
	capsa_hdr_params p = {.suite = CAPSA_SUITE_AES_256_GCM, .plaintext_len = CAPSA_LENGTH_UNKNOWN - 1,
	                      .recipients = &rec, .num_recipients = 1};
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	capsa_open *o = NULL;
	size_t len = 0;

	memset(seed, 7, sizeof seed);
	memset(cek, 9, sizeof cek);
	CHECK_OK(capsa_identity_from_seed(&id, seed));
	capsa_identity_recipient(&rec, &id);
	CHECK_OK(capsa_hdr_build(&hdr, &len, &p, cek));
	CHECK_OK(capsa_open_new(&o, &u, 1, discard, NULL));
	check_context("opening a header that records length 2^64 - 2");
	CHECK_STATUS(capsa_open_write(o, hdr, len), CAPSA_ERR_DECODE);
	capsa_open_free(o);
	capsa_identity_wipe(&id);
	free(hdr);
}

static void lengths_and_counts(void)
{
	raw_header h = good_header();

	h.header_len = HDR_MIN_BYTES - 1;
	expect("header-len under the minimum", &h, CAPSA_ERR_DECODE);
	h.header_len = CAPSA_HEADER_MAX_BYTES + 1;
	expect("header-len over 1 MiB", &h, CAPSA_ERR_DECODE);
	h = good_header();
	h.extra = 1;
	expect("one byte of padding inside header-len", &h, CAPSA_ERR_DECODE);
	h = good_header();
	h.header_len = HDR_PREAMBLE_BYTES + 1 + 17 + 2 + 3 + HDR_MAC_BYTES - 1;
	expect("header-len one short of the MAC", &h, CAPSA_ERR_DECODE);
	h = good_header();
	h.count = 0;
	h.num_stanzas = 0;
	expect("no stanzas", &h, CAPSA_ERR_DECODE);
	h = good_header();
	h.count = 2;
	expect("stanza-count above the stanzas present", &h, CAPSA_ERR_DECODE);
}

static void many_stanzas(void)
{
	raw_stanza *s = calloc(CAPSA_STANZA_MAX + 1, sizeof *s);
	raw_header h = good_header();

	for (size_t i = 0; i <= CAPSA_STANZA_MAX; i++)
		s[i] = (raw_stanza){"z", 1, 0, SIZE_MAX};
	h.stanzas = s;
	h.num_stanzas = CAPSA_STANZA_MAX;
	expect("1024 stanzas", &h, CAPSA_OK);
	h.num_stanzas = CAPSA_STANZA_MAX + 1;
	expect("1025 stanzas", &h, CAPSA_ERR_DECODE);
	free(s);
}

static void stanza_types(void)
{
	static const char max_type[] = "abcdefghijklmnopqrstuvwxyz012345";    /* 32 */
	static const char long_type[] = "abcdefghijklmnopqrstuvwxyz0123456"; /* 33 */
	static const char *const bad[] = {"-x", ".x", "_x", "/x", "X25519", "x 1", "x\x01", "x\x7f", "x\xc3\xa9", "x:y"};
	raw_stanza s = one_unknown;
	raw_header h = good_header();

	h.stanzas = &s;
	s.type = max_type, s.type_len = 32;
	expect("a 32-byte type", &h, CAPSA_OK);
	s.type = long_type, s.type_len = 33;
	expect("a 33-byte type", &h, CAPSA_ERR_DECODE);
	s.type = NULL, s.type_len = 0;
	expect("an empty type", &h, CAPSA_ERR_DECODE);
	s.type = "a-b.c_d/9", s.type_len = 9;
	expect("every allowed punctuation", &h, CAPSA_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s.type = bad[i], s.type_len = strlen(bad[i]);
		expect(bad[i], &h, CAPSA_ERR_DECODE);
	}
}

static void stanza_bodies(void)
{
	raw_stanza s = one_unknown;
	raw_header h = good_header();

	h.stanzas = &s;
	s.body_len = CAPSA_STANZA_BODY_MAX;
	expect("a 16384-byte body", &h, CAPSA_OK);
	s.body_len = CAPSA_STANZA_BODY_MAX + 1;
	expect("a 16385-byte body", &h, CAPSA_ERR_DECODE);
	s.body_len = 3, s.declared = 4000;
	expect("a body that runs past header-len", &h, CAPSA_ERR_DECODE);
	s = (raw_stanza){"x25519", 6, 80, SIZE_MAX};
	expect("an 80-byte x25519 body", &h, CAPSA_OK);
	s.body_len = 79;
	expect("a 79-byte x25519 body", &h, CAPSA_ERR_DECODE);
	s.body_len = 81;
	expect("an 81-byte x25519 body", &h, CAPSA_ERR_DECODE);
	s = (raw_stanza){"umbral", 6, 242, SIZE_MAX};
	expect("a 242-byte umbral body", &h, CAPSA_ERR_DECODE);
}

static void signature_block(void)
{
	raw_header h = good_header();

	h.flags = HDR_FLAG_SIGNED;
	h.sig_block = true;
	h.sig_alg = 0x0002;
	expect("a signature algorithm other than Ed25519", &h, CAPSA_ERR_UNSUPPORTED);
	h.sig_alg = HDR_SIG_ED25519;
	expect("an Ed25519 signature that does not verify", &h, CAPSA_ERR_SIGNATURE);
	h.sig_block = false;
	expect("the signed flag without a signature block", &h, CAPSA_ERR_DECODE);
	h.flags = 0;
	h.sig_block = true;
	expect("a signature block without the signed flag", &h, CAPSA_ERR_DECODE);
}

/* Version 2: the copy flag, and the signer block under the MAC. */
static void version_2(void)
{
	raw_header h = good_header();

	h.version = 2;
	for (int bit = 2; bit < 8; bit++) {
		h.flags = (uint8_t)(1u << bit);
		expect("a reserved v2 flag", &h, CAPSA_ERR_DECODE);
	}
	h.flags = HDR_FLAG_COPY;
	expect("the copy flag without the signed flag", &h, CAPSA_ERR_DECODE);
	h.flags = HDR_FLAG_SIGNED;
	h.signer_block = true;
	h.sig_alg = HDR_SIG_ED25519;
	expect("a v2 signer block", &h, CAPSA_OK);
	h.flags = HDR_FLAG_SIGNED | HDR_FLAG_COPY;
	expect("a v2 copy's signer block", &h, CAPSA_OK);
	h.sig_alg = 0x0002;
	expect("a v2 signer algorithm other than Ed25519", &h, CAPSA_ERR_UNSUPPORTED);
	h.sig_alg = HDR_SIG_ED25519;
	h.flags = 0;
	expect("a v2 signer block without the signed flag", &h, CAPSA_ERR_DECODE);
	h.flags = HDR_FLAG_SIGNED;
	h.signer_block = false;
	expect("the v2 signed flag without a signer block", &h, CAPSA_ERR_DECODE);
	h = good_header();
	h.version = 1;
	h.flags = HDR_FLAG_COPY | HDR_FLAG_SIGNED;
	h.sig_block = true;
	expect("the copy flag in a v1 header", &h, CAPSA_ERR_DECODE);
}

static void truncated(void)
{
	raw_header h = good_header();
	size_t len = 0;
	uint8_t *hdr = build(&h, &len);
	capsa_hdr parsed;

	for (size_t cut = 1; cut < len; cut++) {
		check_context("header cut to %zu of %zu bytes", cut, len);
		CHECK_STATUS(capsa_hdr_parse(&parsed, hdr, cut), CAPSA_ERR_TRUNCATED);
	}
	free(hdr);
}

int main(void)
{
	fixed_fields();
	plaintext_length();
	impossible_length_opened();
	lengths_and_counts();
	many_stanzas();
	stanza_types();
	stanza_bodies();
	signature_block();
	version_2();
	truncated();
	return check_summary();
}
