/*
 * Signed v2 files (doc/FORMAT.md, "Trees", "Trailer", "Verification rules"):
 * round trips of every size class, with known and unknown lengths and every
 * split of the input; and a key holder who swaps one chunk under the signed
 * header (re-encrypting it under the real CEK, so that its tag verifies),
 * tampers with a stored node, the manifest, the trailer length or a copy's
 * origin, or makes a copy whose plaintext is not the original's: each is
 * caught by a full open, by a range read that touches the damage (while a
 * read elsewhere still works), and by the keyless verifier; --signer with
 * the right key, another key and an unsigned file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "check.h"
#include "container/header.h"
#include "container/payload.h"
#include "container/trailer.h"
#include "container/trees.h"
#include "stream/internal.h"

#define PT CAPSA_STREAM_CHUNK_BYTES
#define CT CAPSA_STREAM_CHUNK_CT_BYTES

typedef struct buf {
	uint8_t *data;
	size_t len, cap;
} buf;

static capsa_status buf_sink(void *arg, const uint8_t *data, size_t len)
{
	buf *b = arg;
	if (b->len + len > b->cap) {
		size_t cap = (b->len + len) * 2 + 64;
		uint8_t *p = realloc(b->data, cap);
		if (p == NULL)
			return CAPSA_ERR_NOMEM;
		b->data = p;
		b->cap = cap;
	}
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAPSA_OK;
}

static capsa_identity ids[3]; /* 0: recipient; 1: producer; 2: another signer (a keeper) */
static capsa_recipient recs[3];

static uint8_t *pattern(size_t len, unsigned salt)
{
	uint8_t *p = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 7 + 3 + salt) % 251);
	return p;
}

static buf seal_as(const uint8_t *pt, size_t len, bool known, const capsa_identity *signer, size_t to,
                   const capsa_origin *origin, capsa_status want_finish)
{
	capsa_seal_opts o = {.threads = 2, .recipients = &recs[to], .num_recipients = 1,
	                     .plaintext_len = known ? len : CAPSA_LENGTH_UNKNOWN, .signer = signer, .origin = origin};
	capsa_seal *s = NULL;
	buf out = {0};

	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &out));
	if (s != NULL) {
		for (size_t off = 0, step = 1; off < len; off += step, step = step * 3 + 1) {
			size_t n = step < len - off ? step : len - off;
			CHECK_OK(capsa_seal_write(s, pt + off, n));
		}
		CHECK_STATUS(capsa_seal_finish(s), want_finish);
	}
	capsa_seal_free(s);
	return out;
}

static buf seal_signed(const uint8_t *pt, size_t len, bool known)
{
	return seal_as(pt, len, known, &ids[1], 0, NULL, CAPSA_OK);
}

typedef struct opened {
	capsa_status st;
	buf pt;
	unsigned checks;
	capsa_origin origin;
	bool have_origin;
} opened;

static opened open_as(const uint8_t *c, size_t len, size_t who, size_t piece, const uint8_t *signer, bool commitments)
{
	capsa_unlock u = {.identities = &ids[who], .num_identities = 1, .require_signer = signer,
	                  .check_commitments = commitments};
	capsa_open *o = NULL;
	opened r = {0};

	r.st = capsa_open_new(&o, &u, 2, buf_sink, &r.pt);
	for (size_t off = 0; r.st == CAPSA_OK && off < len; off += piece)
		r.st = capsa_open_write(o, c + off, piece < len - off ? piece : len - off);
	if (r.st == CAPSA_OK)
		r.st = capsa_open_finish(o);
	r.checks = capsa_open_checks(o);
	r.have_origin = capsa_open_origin(o, &r.origin) == CAPSA_OK;
	capsa_open_free(o);
	return r;
}

static opened open_file(const uint8_t *c, size_t len)
{
	return open_as(c, len, 0, len, NULL, false);
}

static void opened_free(opened *r)
{
	free(r->pt.data);
	capsa_origin_wipe(&r->origin);
	memset(r, 0, sizeof *r);
}

static void round_trip(size_t len, bool known)
{
	uint8_t *pt = pattern(len, (unsigned)len);
	buf c = seal_signed(pt, len, known);
	capsa_header_info info;
	const size_t pieces[] = {1, 333, CT, CT + 16, 65536 + 13, SIZE_MAX};

	check_context("signed round trip %zu bytes, length %s", len, known ? "known" : "unknown");
	CHECK_OK(capsa_inspect_buf(&info, c.data, c.len));
	CHECK(info.version == 2 && info.signed_header && !info.copy);
	CHECK(memcmp(info.signer, ids[1].ed25519_public, 32) == 0);
	CHECK(c.len == info.header_len + capsa_payload_len(len) + trl_len(capsa_payload_chunks(len), false));
	for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
		size_t piece = pieces[i] == SIZE_MAX ? c.len : pieces[i];
		opened r;
		if (piece == 1 && len > 40000)
			continue; /* byte by byte is for the small ones */
		r = open_as(c.data, c.len, 0, piece, NULL, i % 2 == 1);
		CHECK_OK(r.st);
		CHECK(r.pt.len == len && (len == 0 || memcmp(r.pt.data, pt, len) == 0));
		CHECK(r.checks == (CAPSA_CHECKED_CIPHERTEXT | (i % 2 == 1 ? CAPSA_CHECKED_PLAINTEXT : 0)));
		CHECK(r.have_origin && memcmp(r.origin.signer, ids[1].ed25519_public, 32) == 0);
		opened_free(&r);
	}
	capsa_header_info_free(&info);
	free(c.data);
	free(pt);
	check_context("%s", "");
}

static void round_trips(void)
{
	const size_t sizes[] = {0, 1, 100, PT - 1, PT, PT + 1, 2 * PT, 3 * PT + 5, 7 * PT + 99};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		round_trip(sizes[i], true);
		round_trip(sizes[i], false);
	}
}

/* ---- A key holder's forgeries ------------------------------------------------------ */

typedef struct layout {
	size_t header_len, payload_off, trailer_off;
	uint64_t length, chunks;
} layout;

static layout layout_of(const buf *c)
{
	capsa_header_info info;
	layout l = {0};
	uint64_t tlen = 0;

	CHECK_OK(capsa_inspect_buf(&info, c->data, c->len));
	for (int i = 0; i < 8; i++)
		tlen = tlen << 8 | c->data[c->len - 8 + i];
	l.header_len = info.header_len;
	l.payload_off = info.header_len + CAPSA_STREAM_PREFIX_BYTES;
	l.trailer_off = c->len - tlen;
	CHECK_OK(capsa_payload_plaintext_len(&l.length, l.trailer_off - info.header_len));
	l.chunks = capsa_payload_chunks(l.length);
	capsa_header_info_free(&info);
	return l;
}

/*
 * Re-encrypts chunk |index| with different plaintext under the file's real
 * CEK and context, as any recipient can: its tag verifies.
 */
static void swap_chunk(buf *c, uint64_t index)
{
	capsa_unlock u = {.identities = &ids[0], .num_identities = 1};
	layout l = layout_of(c);
	capsa_hdr h;
	uint8_t cek[32], context[HDR_CONTEXT_BYTES], nonce[CAPSA_AEAD_NONCEBYTES], forged[PT];
	size_t stanza, ct_len = (size_t)capsa_payload_chunk_ct_len(l.length, index);
	capsa_stream_params sp = {.key = cek, .key_len = 32, .context = context, .context_len = sizeof context};
	stream_keys keys;
	capsa_aead *aead = NULL;

	CHECK_OK(capsa_hdr_parse(&h, c->data, c->len));
	CHECK_OK(capsa_hdr_unlock(cek, &stanza, &h, &u));
	CHECK_OK(capsa_suite_alg(&sp.alg, h.suite));
	CHECK_OK(capsa_hdr_context(context, h.bytes, h.len));
	CHECK_OK(stream_derive(&keys, &sp, c->data + l.header_len));
	CHECK_OK(capsa_aead_new(&aead, sp.alg, keys.key));
	memset(forged, 'X', sizeof forged);
	stream_nonce(nonce, keys.base_nonce, index);
	CHECK_OK(capsa_aead_seal(aead, c->data + l.payload_off + index * CT, nonce, NULL, 0, forged,
	                         ct_len - CAPSA_AEAD_TAGBYTES));
	capsa_aead_free(aead);
	capsa_hdr_cleanup(&h);
	capsa_wipe(&keys, sizeof keys);
	capsa_wipe(cek, sizeof cek);
}

static capsa_status reader_read(const buf *c, uint64_t offset, size_t len, uint64_t *bad, const uint8_t *signer);
static capsa_status verify_buf(const buf *c, const uint8_t *signer, bool with_key, unsigned *checks);

/* A damaged file fails a full open with |want| (in one piece, and through a pipe-sized split). */
static void expect_open(const buf *c, capsa_status want, const char *what)
{
	opened r;

	check_context("%s: full open", what);
	r = open_file(c->data, c->len);
	CHECK_STATUS(r.st, want);
	opened_free(&r);
	r = open_as(c->data, c->len, 0, 4093, NULL, true);
	CHECK_STATUS(r.st, want);
	opened_free(&r);
	check_context("%s: verify", what);
	CHECK_STATUS(verify_buf(c, NULL, false, NULL), want);
	check_context("%s", "");
}

static void swapped_chunk(bool known)
{
	size_t len = 5 * PT + 77;
	uint8_t *pt = pattern(len, 1);
	buf c = seal_signed(pt, len, known);
	uint64_t bad = 0;

	swap_chunk(&c, 2);
	expect_open(&c, CAPSA_ERR_TREE, known ? "a swapped chunk" : "a swapped chunk, unknown length");
	check_context("a swapped chunk: range reads");
	CHECK_STATUS(reader_read(&c, 2 * PT + 10, 100, &bad, NULL), CAPSA_ERR_TREE);
	CHECK(bad == 2);
	CHECK_STATUS(reader_read(&c, PT, 3 * PT, &bad, NULL), CAPSA_ERR_TREE);
	CHECK_OK(reader_read(&c, 0, 2 * PT, NULL, NULL));
	CHECK_OK(reader_read(&c, 3 * PT + 1, len - 3 * PT - 1, NULL, NULL));
	/* the last chunk too */
	free(c.data);
	c = seal_signed(pt, len, known);
	swap_chunk(&c, 5);
	expect_open(&c, CAPSA_ERR_TREE, "a swapped final chunk");
	CHECK_STATUS(reader_read(&c, len - 1, 1, &bad, NULL), CAPSA_ERR_TREE);
	CHECK(bad == 5);
	CHECK_OK(reader_read(&c, 0, 5 * PT, NULL, NULL));
	free(c.data);
	free(pt);
	check_context("%s", "");
}

static void tampered_trailer(void)
{
	size_t len = 9 * PT + 5;
	uint8_t *pt = pattern(len, 2);
	buf c = seal_signed(pt, len, true);
	layout l = layout_of(&c);
	size_t node;
	uint64_t bad = 0;

	/* a stored leaf hash of chunk 4, and a level-2 node above chunks 4..7 */
	node = l.trailer_off + (size_t)trl_node_offset(l.chunks, false, 0, 0, 4);
	c.data[node] ^= 1;
	expect_open(&c, CAPSA_ERR_TREE, "a stored ciphertext leaf");
	check_context("a stored leaf: range reads");
	/* the read of chunk 4 does not use its own stored leaf: that of 5 is its sibling */
	CHECK_OK(reader_read(&c, 4 * PT, 10, NULL, NULL));
	CHECK_STATUS(reader_read(&c, 5 * PT, 10, &bad, NULL), CAPSA_ERR_TREE);
	CHECK(bad == 5);
	c.data[node] ^= 1;
	node = l.trailer_off + (size_t)trl_node_offset(l.chunks, false, 0, 2, 1);
	c.data[node + 31] ^= 0x40;
	expect_open(&c, CAPSA_ERR_TREE, "a stored level-2 node");
	CHECK_STATUS(reader_read(&c, 0, 10, &bad, NULL), CAPSA_ERR_TREE);
	CHECK(bad == 0);
	CHECK_OK(reader_read(&c, 5 * PT, 10, NULL, NULL)); /* its own subtree's path does not use it */
	c.data[node + 31] ^= 0x40;
	/* a stored plaintext-commitment node: the levels no longer fold to p-root */
	node = l.trailer_off + (size_t)trl_node_offset(l.chunks, false, 1, 1, 2);
	c.data[node] ^= 0x10;
	expect_open(&c, CAPSA_ERR_TREE, "a stored commitment node");
	c.data[node] ^= 0x10;
	/* the manifest: a root (signature), the length (disagrees with the header) */
	c.data[l.trailer_off + TRL_MAGIC_BYTES + 40 + 3] ^= 1;
	expect_open(&c, CAPSA_ERR_SIGNATURE, "a manifest's preface hash");
	CHECK_STATUS(reader_read(&c, 0, 10, NULL, NULL), CAPSA_ERR_SIGNATURE);
	c.data[l.trailer_off + TRL_MAGIC_BYTES + 40 + 3] ^= 1;
	c.data[l.trailer_off + TRL_MAGIC_BYTES + 16 + 7] ^= 1;
	expect_open(&c, CAPSA_ERR_TRAILER, "a manifest's length");
	CHECK_STATUS(reader_read(&c, 0, 10, NULL, NULL), CAPSA_ERR_TRAILER);
	c.data[l.trailer_off + TRL_MAGIC_BYTES + 16 + 7] ^= 1;
	/* the signature itself */
	c.data[l.trailer_off + TRL_MAGIC_BYTES + TRL_MANIFEST_BYTES + 9] ^= 1;
	expect_open(&c, CAPSA_ERR_SIGNATURE, "the signature");
	c.data[l.trailer_off + TRL_MAGIC_BYTES + TRL_MANIFEST_BYTES + 9] ^= 1;
	/* t-magic, t-len */
	c.data[l.trailer_off + 3] ^= 1;
	expect_open(&c, CAPSA_ERR_TRAILER, "t-magic");
	CHECK_STATUS(reader_read(&c, 0, 10, NULL, NULL), CAPSA_ERR_TRAILER);
	c.data[l.trailer_off + 3] ^= 1;
	c.data[c.len - 1] ^= 0x20;
	expect_open(&c, CAPSA_ERR_TRAILER, "t-len");
	CHECK_STATUS(reader_read(&c, 0, 10, NULL, NULL), CAPSA_ERR_TRAILER);
	c.data[c.len - 1] ^= 0x20;
	/* the trailer cut short, and a byte after it */
	check_context("a cut trailer");
	{
		opened r = open_file(c.data, c.len - 1);
		CHECK_STATUS(r.st, CAPSA_ERR_TRUNCATED);
		opened_free(&r);
		CHECK(buf_sink(&c, (const uint8_t *)"!", 1) == CAPSA_OK);
		r = open_file(c.data, c.len);
		CHECK_STATUS(r.st, CAPSA_ERR_TRAILING);
		opened_free(&r);
		c.len--;
	}
	/* the untouched file still opens, reads and verifies */
	expect_open(&c, CAPSA_OK, "the restored file");
	CHECK_OK(reader_read(&c, 0, len, NULL, NULL));
	free(c.data);
	free(pt);
	check_context("%s", "");
}

/* ---- --signer ------------------------------------------------------------------------ */

static void required_signer(void)
{
	uint8_t *pt = pattern(1000, 3);
	buf c = seal_signed(pt, 1000, true), plain = seal_as(pt, 1000, true, NULL, 0, NULL, CAPSA_OK);
	opened r;

	check_context("required signer");
	r = open_as(c.data, c.len, 0, c.len, ids[1].ed25519_public, false);
	CHECK_OK(r.st);
	opened_free(&r);
	r = open_as(c.data, c.len, 0, c.len, ids[2].ed25519_public, false);
	CHECK_STATUS(r.st, CAPSA_ERR_SIGNER);
	CHECK(r.pt.len == 0);
	opened_free(&r);
	r = open_as(plain.data, plain.len, 0, plain.len, ids[1].ed25519_public, false);
	CHECK_STATUS(r.st, CAPSA_ERR_SIGNER);
	opened_free(&r);
	/* only the header is needed to refuse: nothing of the payload is read */
	{
		capsa_header_info info;
		CHECK_OK(capsa_inspect_buf(&info, c.data, c.len));
		r = open_as(c.data, info.header_len, 0, info.header_len, ids[2].ed25519_public, false);
		CHECK_STATUS(r.st, CAPSA_ERR_SIGNER);
		opened_free(&r);
		capsa_header_info_free(&info);
	}
	CHECK_OK(reader_read(&c, 0, 1000, NULL, ids[1].ed25519_public));
	CHECK_STATUS(reader_read(&c, 0, 1000, NULL, ids[2].ed25519_public), CAPSA_ERR_SIGNER);
	CHECK_STATUS(reader_read(&plain, 0, 1000, NULL, ids[1].ed25519_public), CAPSA_ERR_SIGNER);
	CHECK_OK(verify_buf(&c, ids[1].ed25519_public, false, NULL));
	CHECK_STATUS(verify_buf(&c, ids[2].ed25519_public, false, NULL), CAPSA_ERR_SIGNER);
	CHECK_STATUS(verify_buf(&plain, NULL, false, NULL), CAPSA_ERR_SIGNER);
	/* a v1 signature covers the header only: it does not satisfy a required signer */
	{
		buf v1 = {0};
		FILE *f = fopen(vector_path("capsa/signed.capsa"), "rb");
		uint8_t tmp[65536];
		size_t n = f ? fread(tmp, 1, sizeof tmp, f) : 0;
		capsa_header_info info;
		if (f)
			fclose(f);
		CHECK(buf_sink(&v1, tmp, n) == CAPSA_OK);
		CHECK_OK(capsa_inspect_buf(&info, v1.data, v1.len));
		CHECK(info.version == 1 && info.signed_header);
		r = open_as(v1.data, v1.len, 0, v1.len, info.signer, false);
		CHECK_STATUS(r.st, CAPSA_ERR_SIGNER);
		opened_free(&r);
		capsa_header_info_free(&info);
		free(v1.data);
	}
	free(c.data);
	free(plain.data);
	free(pt);
	check_context("%s", "");
}

/* ---- Copies ------------------------------------------------------------------------- */

static capsa_status discard(void *arg, const uint8_t *data, size_t len)
{
	(void)arg;
	(void)data;
	(void)len;
	return CAPSA_OK;
}

static int temp_fd(const buf *c);

/* capsa_open_fd over a regular file: it reads a copy's origin first, so it checks the plaintext. */
static capsa_status open_fd_as(const buf *c, const uint8_t *signer)
{
	capsa_unlock u = {.identities = &ids[0], .num_identities = 1, .require_signer = signer};
	capsa_open *o = NULL;
	int fd = temp_fd(c);
	capsa_status st = capsa_open_new(&o, &u, 2, discard, NULL);

	if (st == CAPSA_OK)
		st = capsa_open_fd(o, fd, NULL, NULL, NULL);
	capsa_open_free(o);
	close(fd);
	return st;
}

static capsa_status open_fd(const buf *c)
{
	return open_fd_as(c, NULL);
}

static capsa_status tree_to_buf(void *arg, const uint8_t *data, size_t len)
{
	return buf_sink(arg, data, len);
}

/*
 * What a dishonest copy's maker could write: other plaintext, under its own
 * valid signature and ciphertext tree, claiming the original's commitments
 * (its p-root and stored p-levels are the original's).
 */
static buf craft_copy(const uint8_t *pt, size_t len, const buf *orig, const capsa_origin *origin)
{
	capsa_unlock u = {.identities = &ids[0], .num_identities = 1};
	buf c = seal_as(pt, len, true, &ids[2], 0, origin, CAPSA_ERR_MISMATCH);
	layout lo = layout_of(orig);
	trl_manifest om;
	capsa_hdr h;
	capsa_hdr_params hp = {0};
	uint8_t cek[32], header_hash[32], c_root[32], digest[32];
	size_t stanza;
	tree_hasher th;
	tree_spool cs = {0}, ps = {0};

	CHECK_OK(capsa_hdr_parse(&h, c.data, c.len));
	CHECK_OK(capsa_hdr_unlock(cek, &stanza, &h, &u));
	CHECK(c.len == h.len + capsa_payload_len(len));
	CHECK_OK(capsa_sha256(header_hash, h.bytes, h.len));
	CHECK_OK(tree_hasher_init(&th, NULL, &cs));
	CHECK_OK(tree_hasher_write(&th, c.data + h.len + CAPSA_STREAM_PREFIX_BYTES,
	                           c.len - h.len - CAPSA_STREAM_PREFIX_BYTES));
	CHECK_OK(tree_hasher_finish(&th, c_root, digest));
	tree_hasher_cleanup(&th);
	CHECK_OK(tree_spool_append(&ps, orig->data + lo.trailer_off + trl_node_offset(lo.chunks, false, 1, 0, 0),
	                           (size_t)lo.chunks * 32));
	trl_manifest_decode(&om, origin->manifest);
	hp.suite = h.suite;
	hp.copy = true;
	memcpy(hp.content_id, h.content_id, sizeof hp.content_id);
	{
		trl_writer_in in = {.hp = &hp, .header_hash = header_hash, .prefix = c.data + h.len, .length = len,
		                    .chunks = capsa_payload_chunks(len), .c_root = c_root, .p_root = om.p_root,
		                    .seed = ids[2].ed25519_seed, .origin = origin, .cek = cek, .c_spool = &cs,
		                    .p_spool = &ps};
		CHECK_OK(trl_write(&in, tree_to_buf, &c));
	}
	tree_spool_cleanup(&cs);
	tree_spool_cleanup(&ps);
	capsa_hdr_cleanup(&h);
	capsa_wipe(cek, sizeof cek);
	return c;
}

static void copies(void)
{
	size_t len = 4 * PT + 321;
	uint8_t *pt = pattern(len, 4);
	buf orig = seal_signed(pt, len, true), copy, bad;
	opened r = open_file(orig.data, orig.len), rc;
	capsa_origin origin;
	capsa_header_info info;

	check_context("copies");
	CHECK_OK(r.st);
	CHECK(r.have_origin);
	origin = r.origin;
	/* a keeper (ids[2]) re-encrypts the plaintext to recipient 0 under a fresh CEK */
	copy = seal_as(r.pt.data, r.pt.len, true, &ids[2], 0, &origin, CAPSA_OK);
	CHECK_OK(capsa_inspect_buf(&info, copy.data, copy.len));
	CHECK(info.copy && memcmp(info.signer, ids[2].ed25519_public, 32) == 0);
	capsa_header_info_free(&info);
	rc = open_file(copy.data, copy.len);
	CHECK_OK(rc.st);
	CHECK(rc.pt.len == len && memcmp(rc.pt.data, pt, len) == 0);
	CHECK((rc.checks & (CAPSA_CHECKED_CIPHERTEXT | CAPSA_CHECKED_ORIGIN)) == (CAPSA_CHECKED_CIPHERTEXT | CAPSA_CHECKED_ORIGIN));
	CHECK(rc.have_origin && memcmp(rc.origin.signer, ids[1].ed25519_public, 32) == 0);
	CHECK(memcmp(rc.origin.pc_key, origin.pc_key, 32) == 0);
	CHECK(memcmp(rc.origin.manifest, origin.manifest, CAPSA_MANIFEST_BYTES) == 0);
	opened_free(&rc);
	/* the producer is a required signer the copy satisfies, from a file (its origin is read first);
	 * through a stream its plaintext cannot be checked before it is released, so the origin proves
	 * nothing and the copy is refused before any payload; a stranger is never satisfied */
	CHECK_OK(open_fd_as(&copy, ids[1].ed25519_public));
	rc = open_as(copy.data, copy.len, 0, copy.len, ids[1].ed25519_public, false);
	CHECK_STATUS(rc.st, CAPSA_ERR_SIGNER);
	CHECK(rc.pt.len == 0);
	opened_free(&rc);
	rc = open_as(copy.data, copy.len, 0, copy.len, ids[2].ed25519_public, false);
	CHECK_OK(rc.st); /* its maker is who signed it */
	opened_free(&rc);
	CHECK_STATUS(open_fd_as(&copy, ids[0].ed25519_public), CAPSA_ERR_SIGNER);
	{
		/* a copy sealed from a stream: its origin is found from the end of the file just the same */
		buf s = seal_as(r.pt.data, r.pt.len, false, &ids[2], 0, &origin, CAPSA_OK);
		CHECK_OK(open_fd_as(&s, ids[1].ed25519_public));
		rc = open_as(s.data, s.len, 0, 1000, ids[1].ed25519_public, false);
		CHECK_STATUS(rc.st, CAPSA_ERR_SIGNER);
		CHECK(rc.pt.len == 0);
		opened_free(&rc);
		free(s.data);
	}
	rc = open_as(copy.data, copy.len, 0, copy.len, ids[0].ed25519_public, false);
	CHECK_STATUS(rc.st, CAPSA_ERR_SIGNER);
	opened_free(&rc);
	/* random access checks the plaintext commitments, with the origin's key */
	CHECK_OK(reader_read(&copy, 0, len, NULL, NULL));
	CHECK_OK(verify_buf(&copy, NULL, false, NULL));
	CHECK_OK(verify_buf(&copy, NULL, true, NULL));
	CHECK_OK(verify_buf(&copy, ids[1].ed25519_public, true, NULL));
	CHECK_OK(verify_buf(&copy, ids[2].ed25519_public, false, NULL));
	CHECK_STATUS(verify_buf(&copy, ids[1].ed25519_public, false, NULL), CAPSA_ERR_SIGNER);
	CHECK_OK(reader_read(&copy, 0, len, NULL, ids[1].ed25519_public));
	/* the sealer refuses to sign a copy of other plaintext */
	r.pt.data[PT + 5] ^= 1;
	bad = seal_as(r.pt.data, r.pt.len, true, &ids[2], 0, &origin, CAPSA_ERR_MISMATCH);
	free(bad.data);
	r.pt.data[PT + 5] ^= 1;
	/* a crafted copy whose plaintext differs from the original's commitments */
	{
		uint8_t *other = pattern(len, 4);
		other[2 * PT + 9] ^= 1;
		bad = craft_copy(other, len, &orig, &origin);
		CHECK_OK(verify_buf(&bad, NULL, false, NULL)); /* keyless: the copy is what its maker signed */
		/* but that proves nothing of the original's signer: only its checked plaintext would */
		CHECK_STATUS(verify_buf(&bad, ids[1].ed25519_public, false, NULL), CAPSA_ERR_SIGNER);
		CHECK_STATUS(verify_buf(&bad, ids[1].ed25519_public, true, NULL), CAPSA_ERR_TREE);
		rc = open_as(bad.data, bad.len, 0, bad.len, ids[1].ed25519_public, false);
		CHECK_STATUS(rc.st, CAPSA_ERR_SIGNER);
		CHECK(rc.pt.len == 0);
		opened_free(&rc);
		CHECK_STATUS(open_fd_as(&bad, ids[1].ed25519_public), CAPSA_ERR_TREE);
		CHECK_STATUS(verify_buf(&bad, NULL, true, NULL), CAPSA_ERR_TREE);
		CHECK_STATUS(reader_read(&bad, 2 * PT, 100, NULL, NULL), CAPSA_ERR_TREE);
		CHECK_OK(reader_read(&bad, 0, 2 * PT, NULL, NULL));
		CHECK_STATUS(open_fd(&bad), CAPSA_ERR_TREE);
		free(bad.data);
		free(other);
	}
	/* the copy's origin block: a flipped o-signature bit, and the sealed pc_key */
	{
		layout l = layout_of(&copy);
		size_t o_sig = l.trailer_off + trl_fixed_len(false) + 32 + 32 + CAPSA_MANIFEST_BYTES + 3;
		size_t o_key = l.trailer_off + trl_fixed_len(true) - 5;
		copy.data[o_sig] ^= 1;
		expect_open(&copy, CAPSA_ERR_SIGNATURE, "an origin signature");
		CHECK_STATUS(reader_read(&copy, 0, 10, NULL, NULL), CAPSA_ERR_SIGNATURE);
		copy.data[o_sig] ^= 1;
		copy.data[o_key] ^= 1;
		/* the copy's own signature does not cover the origin block: its key fails to open */
		rc = open_file(copy.data, copy.len);
		CHECK_STATUS(rc.st, CAPSA_ERR_TRAILER);
		opened_free(&rc);
		CHECK_STATUS(reader_read(&copy, 0, 10, NULL, NULL), CAPSA_ERR_TRAILER);
		copy.data[o_key] ^= 1;
	}
	capsa_origin_wipe(&origin);
	opened_free(&r);
	free(orig.data);
	free(copy.data);
	free(pt);
	check_context("%s", "");
}

/* ---- Readers and the verifier over a buffer --------------------------------------------- */

static int temp_fd(const buf *c)
{
	char path[] = "/tmp/capsa-test-signed-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	CHECK(write(fd, c->data, c->len) == (ssize_t)c->len);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

static capsa_status reader_read(const buf *c, uint64_t offset, size_t len, uint64_t *bad, const uint8_t *signer)
{
	capsa_unlock u = {.identities = &ids[0], .num_identities = 1, .require_signer = signer};
	capsa_reader *r = NULL;
	int fd = temp_fd(c);
	uint8_t *out = malloc(len ? len : 1);
	capsa_status st = capsa_reader_open_fd(&r, fd, &u);

	close(fd);
	if (st == CAPSA_OK) {
		st = capsa_reader_read(r, out, offset, len, bad);
		if (st != CAPSA_OK) {
			bool zero = true;
			for (size_t i = 0; i < len; i++)
				zero = zero && out[i] == 0;
			CHECK(zero); /* nothing unverified leaks */
		}
	}
	capsa_reader_close(r);
	free(out);
	return st;
}

/* A read into |out| through a fresh reader. */
static capsa_status reader_read_into(const buf *c, uint8_t *out, uint64_t offset, size_t len)
{
	capsa_unlock u = {.identities = &ids[0], .num_identities = 1};
	capsa_reader *r = NULL;
	int fd = temp_fd(c);
	capsa_status st = capsa_reader_open_fd(&r, fd, &u);

	close(fd);
	if (st == CAPSA_OK)
		st = capsa_reader_read(r, out, offset, len, NULL);
	capsa_reader_close(r);
	return st;
}

static capsa_status verify_buf(const buf *c, const uint8_t *signer, bool with_key, unsigned *checks)
{
	capsa_verify_opts vo = {.require_signer = signer};
	capsa_unlock u = {.identities = &ids[0], .num_identities = 1};
	capsa_verify_result res;
	int fd = temp_fd(c);
	capsa_status st;

	if (with_key)
		vo.unlock = &u;
	st = capsa_verify_fd(&res, fd, &vo);
	close(fd);
	if (checks != NULL)
		*checks = res.checks;
	return st;
}

/* A seal whose node spool outgrows memory moves it to a temporary file: the same file comes out. */
static void spool_on_disk(void)
{
	size_t len = 21 * PT + 3, saved = tree_spool_mem_max;
	uint8_t *pt = pattern(len, 6);
	buf c;
	opened r;

	check_context("spool on disk");
	tree_spool_mem_max = 256; /* 8 leaf hashes */
	c = seal_signed(pt, len, false);
	tree_spool_mem_max = saved;
	r = open_as(c.data, c.len, 0, 5000, NULL, true);
	CHECK_OK(r.st);
	CHECK(r.pt.len == len && memcmp(r.pt.data, pt, len) == 0);
	CHECK(r.checks == (CAPSA_CHECKED_CIPHERTEXT | CAPSA_CHECKED_PLAINTEXT));
	CHECK_OK(verify_buf(&c, NULL, false, NULL));
	CHECK_OK(reader_read(&c, 13 * PT, 3 * PT, NULL, NULL));
	opened_free(&r);
	free(c.data);
	free(pt);
	check_context("%s", "");
}

static void verify_reports(void)
{
	uint8_t *pt = pattern(3 * PT, 5);
	buf c = seal_signed(pt, 3 * PT, false);
	unsigned checks = 0;

	check_context("verify reports");
	CHECK_OK(verify_buf(&c, NULL, false, &checks));
	CHECK(checks == CAPSA_CHECKED_CIPHERTEXT);
	CHECK_OK(verify_buf(&c, NULL, true, &checks));
	CHECK(checks == (CAPSA_CHECKED_CIPHERTEXT | CAPSA_CHECKED_PLAINTEXT));
	free(c.data);
	free(pt);
}

/*
 * For chunk counts around powers of two, every stored node of both trees
 * matters: a flipped bit in any of them fails the keyless verifier and a
 * full open, and a range read either fails or returns the true plaintext.
 */
static void every_stored_node(void)
{
	const uint64_t counts[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17};

	for (size_t ci = 0; ci < sizeof counts / sizeof *counts; ci++) {
		size_t len = (size_t)(counts[ci] - 1) * PT + 77;
		uint8_t *pt = pattern(len, (unsigned)ci), *got = malloc(PT);
		buf c = seal_signed(pt, len, true);
		layout l = layout_of(&c);
		uint64_t nodes = capsa_merkle_total_nodes(l.chunks);

		check_context("stored nodes of %llu chunks", (unsigned long long)l.chunks);
		CHECK(l.chunks == counts[ci]);
		for (int tree = 0; tree < 2; tree++)
			for (uint64_t j = 0; j < nodes; j++) {
				size_t at = l.trailer_off + trl_node_offset(l.chunks, false, tree, 0, j) + (size_t)(j % 32);
				opened r;
				bool top = j == nodes - 1 && (l.chunks & (l.chunks - 1)) == 0; /* the root itself */
				unsigned failed = 0;
				c.data[at] ^= 0x10;
				CHECK_STATUS(verify_buf(&c, NULL, false, NULL), CAPSA_ERR_TREE);
				r = open_as(c.data, c.len, 0, c.len, NULL, false);
				CHECK_STATUS(r.st, CAPSA_ERR_TREE);
				opened_free(&r);
				for (uint64_t k = 0; k < l.chunks; k++) {
					size_t off = (size_t)k * PT, n = len - off < PT ? len - off : PT;
					capsa_status st;
					if (n == 0)
						continue;
					st = reader_read_into(&c, got, off, n);
					CHECK(st == CAPSA_ERR_TREE || (st == CAPSA_OK && memcmp(got, pt + off, n) == 0));
					failed += st != CAPSA_OK;
				}
				/* some read's path uses every ciphertext node but the root (reads do not check commitments) */
				CHECK(tree == 1 || top || failed > 0);
				c.data[at] ^= 0x10;
			}
		CHECK_OK(verify_buf(&c, NULL, false, NULL));
		free(c.data);
		free(got);
		free(pt);
	}
	check_context("%s", "");
}

/*
 * A flipped bit anywhere in a signed file (header, salt, commitment, chunk,
 * trailer) fails the keyless verifier, and a full open and a reader either
 * fail or give the true plaintext; with a recorded length and without.
 */
static void every_byte(bool known)
{
	size_t len = PT + 1000;
	uint8_t *pt = pattern(len, 9), *got = malloc(len);
	buf c = seal_signed(pt, len, known);

	check_context("a flipped bit, length %s", known ? "known" : "unknown");
	for (size_t at = 0; at < c.len; at += at < 300 || at + 600 > c.len ? 1 : 211) {
		uint8_t bit = (uint8_t)(1u << (at % 8));
		opened r;
		capsa_status st;
		c.data[at] ^= bit;
		st = verify_buf(&c, NULL, false, NULL);
		CHECK(st != CAPSA_OK);
		if (st == CAPSA_OK)
			fprintf(stderr, "  byte %zu of %zu\n", at, c.len);
		r = open_as(c.data, c.len, 0, c.len, NULL, (at & 1) != 0);
		CHECK(r.st != CAPSA_OK);
		opened_free(&r);
		st = reader_read_into(&c, got, 0, len);
		CHECK(st != CAPSA_OK || memcmp(got, pt, len) == 0);
		c.data[at] ^= bit;
	}
	CHECK_OK(verify_buf(&c, NULL, false, NULL));
	free(c.data);
	free(got);
	free(pt);
	check_context("%s", "");
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		uint8_t seed[32];
		memset(seed, 0x21 * (i + 1), sizeof seed);
		CHECK_OK(capsa_identity_from_seed(&ids[i], seed));
		capsa_identity_recipient(&recs[i], &ids[i]);
	}
	round_trips();
	swapped_chunk(true);
	swapped_chunk(false);
	tampered_trailer();
	required_signer();
	copies();
	spool_on_disk();
	verify_reports();
	every_stored_node();
	every_byte(true);
	every_byte(false);
	return check_summary();
}
