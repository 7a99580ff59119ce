/*
 * capsa_vectors DIR - writes the container test vectors (tests/vectors/capsa/).
 *
 * Each vector is a capsa file NAME.capsa plus an entry in vectors.json that
 * says which identity file to open it with, what must happen (`expect`, one
 * of the classes in doc/FORMAT.md "Test vectors"), and for a success the
 * plaintext's length and SHA-256. Plaintexts follow plaintext[i] =
 * (7i + 3) mod 251 unless the entry has `plaintext_hex`. The CEK and content
 * id are random, so every run writes different (equally valid) files: the
 * committed set is one run's output. It writes format version 2 (the files
 * in tests/vectors/capsa/v2/); the version 1 files in tests/vectors/capsa/
 * were written by capsa before version 2 and are kept as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>

#include "container/header.h"
#include "container/payload.h"
#include "container/stanza.h"
#include "container/trailer.h"
#include "container/trees.h"
#include "crypto/crypto.h"
#include "stream/internal.h"
#include "stream/stream.h"

typedef struct buf {
	uint8_t *data;
	size_t len;
} buf;

static capsa_status buf_sink(void *arg, const uint8_t *data, size_t len)
{
	buf *b = arg;
	uint8_t *p = realloc(b->data, b->len + len + 1);
	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(p + b->len, data, len);
	b->data = p;
	b->len += len;
	return CAPSA_OK;
}

static const char *dir;
static json_t *list;
static capsa_identity me, other;

static void die(const char *what)
{
	fprintf(stderr, "capsa_vectors: %s\n", what);
	exit(1);
}

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((7 * i + 3) % 251);
	return p;
}

static void hex(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static buf seal_routes(const uint8_t *pt, size_t len, capsa_suite suite, bool known, const capsa_recipient *r,
                       size_t nr, const capsa_identity *signer, const capsa_route_key *routes, size_t num_routes)
{
	capsa_seal_opts o = {.suite = suite, .threads = 1, .recipients = r, .num_recipients = nr,
	                     .plaintext_len = known ? len : CAPSA_LENGTH_UNKNOWN, .signer = signer,
	                     .routes = routes, .num_routes = num_routes};
	capsa_seal *s = NULL;
	buf out = {0};

	if (capsa_seal_new(&s, &o, buf_sink, &out) != CAPSA_OK || capsa_seal_write(s, pt, len) != CAPSA_OK ||
	    capsa_seal_finish(s) != CAPSA_OK)
		die("seal failed");
	capsa_seal_free(s);
	return out;
}

static buf seal(const uint8_t *pt, size_t len, capsa_suite suite, bool known, const capsa_recipient *r, size_t nr,
                const capsa_identity *signer)
{
	return seal_routes(pt, len, suite, known, r, nr, signer, NULL, 0);
}

/*
 * A file whose header carries a stanza of a type no reader knows
 * ("example.org/route") before its x25519 stanza; readers must skip it. The
 * header is assembled field by field here, since capsa_seal_new only writes
 * types this build can seal.
 */
static buf seal_unknown_first(const uint8_t *pt, size_t len, const capsa_recipient *r)
{
	static const char route_type[] = "example.org/route";
	uint8_t cek[CAPSA_CEK_BYTES], mac[HDR_MAC_BYTES], context[HDR_CONTEXT_BYTES], id[16], *hdr = NULL;
	capsa_stanza_ctx ctx = {.suite = CAPSA_SUITE_AES_256_GCM, .alg = CAPSA_AEAD_AES_256_GCM,
	                        .fixed_len = HDR_FIXED_BYTES};
	capsa_stream_params sp = {.alg = CAPSA_AEAD_AES_256_GCM, .key = cek, .key_len = sizeof cek,
	                          .context = context, .context_len = sizeof context, .threads = 1};
	capsa_stream_enc *enc = NULL;
	capsa_cbb cbb, body;
	size_t hdr_len = HDR_PREAMBLE_BYTES + (1 + 17 + 2 + 4) + (1 + 6 + 2 + 80) + HDR_MAC_BYTES;
	buf out = {0};

	if (capsa_random(cek, sizeof cek) != CAPSA_OK || capsa_random(id, sizeof id) != CAPSA_OK ||
	    !capsa_cbb_init(&cbb, 256) || !capsa_cbb_init(&body, 128))
		die("setup");
	capsa_cbb_add_bytes(&cbb, capsa_hdr_magic, HDR_MAGIC_BYTES);
	capsa_cbb_add_u8(&cbb, HDR_VERSION);
	capsa_cbb_add_u16(&cbb, CAPSA_SUITE_AES_256_GCM);
	capsa_cbb_add_u8(&cbb, HDR_CHUNK_LOG2);
	capsa_cbb_add_u8(&cbb, 0);
	capsa_cbb_add_u64(&cbb, len);
	capsa_cbb_add_bytes(&cbb, id, sizeof id);
	capsa_cbb_add_u32(&cbb, (uint32_t)hdr_len);
	capsa_cbb_add_u16(&cbb, 2);
	capsa_cbb_add_u8(&cbb, 17);
	capsa_cbb_add_bytes(&cbb, route_type, 17);
	capsa_cbb_add_u16_prefixed(&cbb, "\x00\x01\x02\x03", 4);
	ctx.fixed = cbb.buf;
	if (capsa_stanza_x25519.wrap(&body, &ctx, r, cek) != CAPSA_OK)
		die("wrap");
	capsa_cbb_add_u8(&cbb, 6);
	capsa_cbb_add_bytes(&cbb, "x25519", 6);
	capsa_cbb_add_u16_prefixed(&cbb, body.buf, body.len);
	if (capsa_hdr_mac(mac, cek, cbb.buf, cbb.len) != CAPSA_OK)
		die("mac");
	capsa_cbb_add_bytes(&cbb, mac, sizeof mac);
	if (!capsa_cbb_finish(&cbb, &hdr, &hdr_len) || buf_sink(&out, hdr, hdr_len) != CAPSA_OK ||
	    capsa_hdr_context(context, hdr, hdr_len) != CAPSA_OK ||
	    capsa_stream_enc_new(&enc, &sp, NULL, buf_sink, &out) != CAPSA_OK ||
	    capsa_stream_enc_write(enc, pt, len) != CAPSA_OK || capsa_stream_enc_finish(enc) != CAPSA_OK)
		die("unknown-stanza file");
	capsa_stream_enc_free(enc);
	capsa_cbb_cleanup(&body);
	capsa_wipe(cek, sizeof cek);
	free(hdr);
	return out;
}

static void emit(const char *name, const buf *file, const char *identity, const char *expect, const uint8_t *pt,
                 size_t pt_len, long bad_chunk, const char *comment)
{
	char path[4096], digest_hex[65];
	uint8_t digest[32];
	json_t *e = json_object();
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.capsa", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(file->data, 1, file->len, f) != file->len || fclose(f) != 0)
		die(path);
	json_object_set_new(e, "name", json_string(name));
	json_object_set_new(e, "file", json_sprintf("%s.capsa", name));
	json_object_set_new(e, "identity", json_string(identity));
	json_object_set_new(e, "expect", json_string(expect));
	json_object_set_new(e, "comment", json_string(comment));
	if (pt != NULL) {
		if (capsa_sha256(digest, pt, pt_len) != CAPSA_OK)
			die("sha256");
		hex(digest_hex, digest, 32);
		json_object_set_new(e, "plaintext_len", json_integer((json_int_t)pt_len));
		json_object_set_new(e, "plaintext_sha256", json_string(digest_hex));
	}
	if (bad_chunk >= 0)
		json_object_set_new(e, "bad_chunk", json_integer(bad_chunk));
	json_array_append_new(list, e);
}

/* ---- Signed files, and what a dishonest key holder or copy maker could write ------ */

static buf seal_signed_as(const uint8_t *pt, size_t len, bool known, const capsa_recipient *r,
                          const capsa_identity *signer, const capsa_origin *origin, capsa_status want)
{
	capsa_seal_opts o = {.threads = 1, .recipients = r, .num_recipients = 1,
	                     .plaintext_len = known ? len : CAPSA_LENGTH_UNKNOWN, .signer = signer, .origin = origin};
	capsa_seal *s = NULL;
	buf out = {0};

	if (capsa_seal_new(&s, &o, buf_sink, &out) != CAPSA_OK || capsa_seal_write(s, pt, len) != CAPSA_OK ||
	    capsa_seal_finish(s) != want)
		die("signed seal failed");
	capsa_seal_free(s);
	return out;
}

/* The provenance of the signed file |b|, as a keeper that opened it has it. */
static void origin_of(capsa_origin *out, const buf *b, const capsa_identity *id)
{
	capsa_unlock u = {.identities = id, .num_identities = 1};
	capsa_open *o = NULL;
	buf pt = {0};

	if (capsa_open_new(&o, &u, 1, buf_sink, &pt) != CAPSA_OK || capsa_open_write(o, b->data, b->len) != CAPSA_OK ||
	    capsa_open_finish(o) != CAPSA_OK || capsa_open_origin(o, out) != CAPSA_OK)
		die("origin");
	capsa_open_free(o);
	free(pt.data);
}

static size_t trailer_offset(const buf *b)
{
	uint64_t tlen = 0;
	for (int i = 0; i < 8; i++)
		tlen = tlen << 8 | b->data[b->len - 8 + i];
	return b->len - (size_t)tlen;
}

/* Re-encrypts chunk |index| with other plaintext under the file's real CEK: its tag verifies. */
static void swap_chunk(buf *b, const capsa_identity *id, uint64_t index, uint64_t pt_len)
{
	capsa_unlock u = {.identities = id, .num_identities = 1};
	capsa_hdr h;
	uint8_t cek[32], context[HDR_CONTEXT_BYTES], nonce[CAPSA_AEAD_NONCEBYTES], forged[CAPSA_CHUNK_BYTES];
	size_t stanza, ct_len = (size_t)capsa_payload_chunk_ct_len(pt_len, index);
	capsa_stream_params sp = {.key = cek, .key_len = 32, .context = context, .context_len = sizeof context};
	stream_keys keys;
	capsa_aead *aead = NULL;

	memset(forged, 'X', sizeof forged);
	if (capsa_hdr_parse(&h, b->data, b->len) != CAPSA_OK || capsa_hdr_unlock(cek, &stanza, &h, &u) != CAPSA_OK ||
	    capsa_suite_alg(&sp.alg, h.suite) != CAPSA_OK || capsa_hdr_context(context, h.bytes, h.len) != CAPSA_OK ||
	    stream_derive(&keys, &sp, b->data + h.len) != CAPSA_OK || capsa_aead_new(&aead, sp.alg, keys.key) != CAPSA_OK)
		die("swap chunk");
	stream_nonce(nonce, keys.base_nonce, index);
	if (capsa_aead_seal(aead, b->data + h.len + capsa_payload_chunk_offset(index), nonce, NULL, 0, forged,
	                    ct_len - CAPSA_AEAD_TAGBYTES) != CAPSA_OK)
		die("swap chunk");
	capsa_aead_free(aead);
	capsa_hdr_cleanup(&h);
	capsa_wipe(&keys, sizeof keys);
	capsa_wipe(cek, sizeof cek);
}

static capsa_status tree_to_buf(void *arg, const uint8_t *data, size_t len)
{
	return buf_sink(arg, data, len);
}

/*
 * A copy of other plaintext under its maker's valid signature and ciphertext
 * tree, claiming the original's commitments (p-root and stored p-levels).
 */
static buf craft_copy(const uint8_t *pt, size_t len, const capsa_recipient *r, const capsa_identity *r_id,
                      const capsa_identity *maker, const buf *orig, const capsa_origin *origin)
{
	capsa_unlock u = {.identities = r_id, .num_identities = 1};
	buf c = seal_signed_as(pt, len, true, r, maker, origin, CAPSA_ERR_MISMATCH);
	uint64_t chunks = capsa_payload_chunks(len);
	trl_manifest om;
	capsa_hdr h;
	capsa_hdr_params hp = {0};
	uint8_t cek[32], header_hash[32], c_root[32], digest[32];
	size_t stanza;
	tree_hasher th;
	tree_spool cs = {0}, ps = {0};

	if (capsa_hdr_parse(&h, c.data, c.len) != CAPSA_OK || capsa_hdr_unlock(cek, &stanza, &h, &u) != CAPSA_OK ||
	    capsa_sha256(header_hash, h.bytes, h.len) != CAPSA_OK || tree_hasher_init(&th, NULL, &cs) != CAPSA_OK ||
	    tree_hasher_write(&th, c.data + h.len + CAPSA_STREAM_PREFIX_BYTES, c.len - h.len - CAPSA_STREAM_PREFIX_BYTES) !=
	            CAPSA_OK ||
	    tree_hasher_finish(&th, c_root, digest) != CAPSA_OK ||
	    tree_spool_append(&ps, orig->data + trailer_offset(orig) + trl_node_offset(chunks, false, 1, 0, 0),
	                      (size_t)chunks * 32) != CAPSA_OK)
		die("craft copy");
	tree_hasher_cleanup(&th);
	trl_manifest_decode(&om, origin->manifest);
	hp.suite = h.suite;
	hp.copy = true;
	memcpy(hp.content_id, h.content_id, sizeof hp.content_id);
	trl_writer_in in = {.hp = &hp, .header_hash = header_hash, .prefix = c.data + h.len, .length = len,
	                    .chunks = chunks, .c_root = c_root, .p_root = om.p_root, .seed = maker->ed25519_seed,
	                    .origin = origin, .cek = cek, .c_spool = &cs, .p_spool = &ps};
	if (trl_write(&in, tree_to_buf, &c) != CAPSA_OK)
		die("craft copy");
	tree_spool_cleanup(&cs);
	tree_spool_cleanup(&ps);
	capsa_hdr_cleanup(&h);
	capsa_wipe(cek, sizeof cek);
	return c;
}

static void emit_signed(const uint8_t *pt, const capsa_recipient *r)
{
	const size_t len = 3 * 16384 + 7;
	capsa_origin origin;
	buf b, c;
	size_t t;

	b = seal_signed_as(pt, len, true, r, &me, NULL, CAPSA_OK);
	emit("signed", &b, "identity.txt", "success", pt, len, -1,
	     "signed by identity.txt's Ed25519 key: header, trailer, both trees (4 chunks)");
	t = trailer_offset(&b);
	swap_chunk(&b, &me, 1, len);
	emit("signed-swapped-chunk", &b, "identity.txt", "tree failure", NULL, 0, 1,
	     "chunk 1 re-encrypted with other plaintext under the real CEK: its tag verifies, the tree does not");
	free(b.data);
	b = seal_signed_as(pt, len, true, r, &me, NULL, CAPSA_OK);
	b.data[t + trl_node_offset(4, false, 0, 1, 1) + 7] ^= 0x01;
	emit("signed-stored-node", &b, "identity.txt", "tree failure", NULL, 0, -1,
	     "one bit of stored ciphertext node (level 1, index 1) flipped");
	b.data[t + trl_node_offset(4, false, 0, 1, 1) + 7] ^= 0x01;
	b.data[t + TRL_MAGIC_BYTES + 48 + 32 + 3] ^= 0x01;
	emit("signed-manifest", &b, "identity.txt", "signature failure", NULL, 0, -1,
	     "one bit of the manifest's c-root flipped: the signature does not verify");
	b.data[t + TRL_MAGIC_BYTES + 48 + 32 + 3] ^= 0x01;
	b.data[b.len - 1] ^= 0x08;
	emit("signed-tlen", &b, "identity.txt", "trailer failure", NULL, 0, -1, "t-len is not the trailer's length");
	b.data[b.len - 1] ^= 0x08;
	b.len -= 1;
	emit("signed-truncated", &b, "identity.txt", "truncated", NULL, 0, -1, "the trailer's last byte removed");
	b.len += 1;
	origin_of(&origin, &b, &me);

	/* a keeper (identity-other.txt) re-encrypts the file to identity.txt: a copy */
	c = seal_signed_as(pt, len, true, r, &other, &origin, CAPSA_OK);
	emit("copy", &c, "identity.txt", "success", pt, len, -1,
	     "a copy of signed, sealed to identity.txt and signed by identity-other.txt's key, carrying signed's "
	     "origin (its commitments are under signed's pc_key)");
	t = trailer_offset(&c) + trl_fixed_len(false) + 32 + 32 + CAPSA_MANIFEST_BYTES + 5;
	c.data[t] ^= 0x01;
	emit("copy-origin-signature", &c, "identity.txt", "signature failure", NULL, 0, -1,
	     "one bit of the origin's signature flipped");
	free(c.data);
	{
		uint8_t *other_pt = malloc(len);
		memcpy(other_pt, pt, len);
		other_pt[2 * 16384 + 3] ^= 0x01;
		c = craft_copy(other_pt, len, r, &me, &other, &b, &origin);
		emit("copy-plaintext", &c, "identity.txt", "tree failure", NULL, 0, 2,
		     "a copy whose chunk 2 plaintext differs from the original's, under its maker's valid signature and "
		     "ciphertext tree: only the plaintext commitments (with the origin's pc_key) catch it");
		free(c.data);
		free(other_pt);
	}
	capsa_origin_wipe(&origin);
	free(b.data);

	b = seal_signed_as(pt, 16384 + 100, false, r, &me, NULL, CAPSA_OK);
	emit("signed-stream", &b, "identity.txt", "success", pt, 16384 + 100, -1,
	     "signed, sealed from a stream (length not recorded): the trailer is found after the final chunk");
	free(b.data);
}

static void write_bytes(const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

/*
 * umbral-grant: a file with only an umbral stanza owned by |me|, a 2-of-3
 * grant of it to |other| (umbral-grant.N.kfrag) and each kfrag's cfrag.
 */
static void emit_umbral_grant(const uint8_t *pt, const capsa_recipient *other_r)
{
	capsa_route_key owner = {"umbral", &me};
	capsa_kfrag_file kf[3];
	capsa_cfrag_file cf;
	uint8_t kb[CAPSA_KFRAG_FILE_BYTES], cb[CAPSA_CFRAG_FILE_BYTES];
	char name[64];
	buf b = seal_routes(pt, 300, CAPSA_SUITE_AES_256_GCM, true, NULL, 0, NULL, &owner, 1);

	if (capsa_grant_create(kf, &me, other_r, 2, 3, b.data, b.len, NULL) != CAPSA_OK)
		die("grant");
	for (int i = 0; i < 3; i++) {
		if (capsa_grant_reencrypt(&cf, &kf[i], b.data, b.len, NULL, NULL) != CAPSA_OK)
			die("reencrypt");
		capsa_kfrag_file_serialize(kb, &kf[i]);
		capsa_cfrag_file_serialize(cb, &cf);
		snprintf(name, sizeof name, "umbral-grant.%d.kfrag", i + 1);
		write_bytes(name, kb, sizeof kb);
		snprintf(name, sizeof name, "umbral-grant.%d.cfrag", i + 1);
		write_bytes(name, cb, sizeof cb);
		capsa_kfrag_file_wipe(&kf[i]);
	}
	emit("umbral-grant", &b, "identity.txt", "success", pt, 300, -1,
	     "only an umbral stanza owned by identity.txt, which opens it; umbral-grant.N.kfrag are a 2-of-3 grant "
	     "to identity-other.txt and umbral-grant.N.cfrag their re-encryptions: any two open it for "
	     "identity-other.txt");
	free(b.data);
}

static void write_identity(const char *name, const capsa_identity *id)
{
	char path[4096], text[CAPSA_IDENTITY_FILE_BYTES];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	/* a fixed creation time keeps the file stable across runs */
	if (capsa_identity_file_format(text, sizeof text, id, 1798761600) != CAPSA_OK ||
	    (f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		die(path);
}

static void identities(capsa_recipient *me_r, capsa_recipient *other_r)
{
	uint8_t seed[32];

	memset(seed, 0x01, sizeof seed);
	if (capsa_identity_from_seed(&me, seed) != CAPSA_OK)
		die("identity");
	memset(seed, 0x02, sizeof seed);
	if (capsa_identity_from_seed(&other, seed) != CAPSA_OK)
		die("identity");
	capsa_identity_recipient(me_r, &me);
	capsa_identity_recipient(other_r, &other);
	write_identity("identity.txt", &me);
	write_identity("identity-other.txt", &other);
}

int main(int argc, char **argv)
{
	static const char hello[] = "hello, capsa\n";
	capsa_recipient r[2];
	uint8_t *pt = pattern(4 * 16384);
	buf b;
	size_t mac;
	char path[4096];

	if (argc != 2)
		die("usage: capsa_vectors DIR");
	dir = argv[1];
	list = json_array();
	identities(&r[0], &r[1]);

	b = seal(pt, 0, CAPSA_SUITE_AES_256_GCM, true, r, 1, NULL);
	emit("empty", &b, "identity.txt", "success", pt, 0, -1, "empty plaintext: only an empty final chunk");
	free(b.data);

	b = seal((const uint8_t *)hello, 13, CAPSA_SUITE_AES_256_GCM, true, r, 2, NULL);
	mac = b.len - capsa_payload_len(13) - 32; /* the MAC closes the header */
	emit("hello", &b, "identity.txt", "success", (const uint8_t *)hello, 13, -1,
	     "two x25519 stanzas; the identity opens the first");
	emit("hello-other", &b, "identity-other.txt", "success", (const uint8_t *)hello, 13, -1,
	     "the same file; this identity opens the second stanza");
	b.data[mac + 5] ^= 0x01;
	emit("header-mac", &b, "identity.txt", "header failure", NULL, 0, -1, "one bit of the header MAC flipped");
	b.data[mac + 5] ^= 0x01;
	b.data[7] = 3;
	emit("version", &b, "identity.txt", "version", NULL, 0, -1, "format version 3");
	b.data[7] = HDR_VERSION;
	buf_sink(&b, (const uint8_t *)"!", 1);
	emit("trailing", &b, "identity.txt", "trailing", NULL, 0, -1, "one byte after the final chunk");
	free(b.data);

	b = seal(pt, 2 * 16384 + 5, CAPSA_SUITE_CHACHA20_POLY1305, true, r, 1, NULL);
	emit("chunks", &b, "identity.txt", "success", pt, 2 * 16384 + 5, -1,
	     "chacha20-poly1305, two full chunks and a 5-byte final chunk");
	b.data[b.len - capsa_payload_len(2 * 16384 + 5) + 56 + 16400 + 100] ^= 0x80;
	emit("chunk-flip", &b, "identity.txt", "payload failure", NULL, 0, 1, "one bit of chunk 1 flipped");
	b.data[b.len - capsa_payload_len(2 * 16384 + 5) + 56 + 16400 + 100] ^= 0x80;
	b.len -= 5 + 16;
	emit("truncated", &b, "identity.txt", "truncated", NULL, 0, -1, "the final chunk removed");
	free(b.data);

	b = seal(pt, 100, CAPSA_SUITE_AES_256_GCM, false, r, 1, NULL);
	emit("stream", &b, "identity.txt", "success", pt, 100, -1, "sealed from a stream: plaintext length not recorded");
	free(b.data);

	emit_signed(pt, r);

	b = seal((const uint8_t *)hello, 13, CAPSA_SUITE_AES_256_GCM, true, r + 1, 1, NULL);
	emit("no-match", &b, "identity.txt", "no match", NULL, 0, -1, "sealed to another recipient only");
	free(b.data);

	b = seal_unknown_first(pt, 1000, r);
	emit("unknown-stanza", &b, "identity.txt", "success", pt, 1000, -1,
	     "a stanza of unknown type example.org/route first: readers skip it");
	free(b.data);

	{
		capsa_route_key owner = {"umbral", &me};
		b = seal_routes(pt, 300, CAPSA_SUITE_AES_256_GCM, true, r + 1, 1, NULL, &owner, 1);
		emit("umbral-owner", &b, "identity.txt", "success", pt, 300, -1,
		     "an x25519 stanza to the other identity, then an umbral stanza whose owner this identity is");
		free(b.data);
	}
	emit_umbral_grant(pt, r + 1);

	b = (buf){0};
	buf_sink(&b, (const uint8_t *)"age-encryption.org/v1\n", 22);
	emit("not-capsa", &b, "identity.txt", "not capsa", NULL, 0, -1, "an age header");
	free(b.data);

	snprintf(path, sizeof path, "%s/vectors.json", dir);
	if (json_dump_file(list, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
		die(path);
	json_decref(list);
	capsa_identity_wipe(&me);
	capsa_identity_wipe(&other);
	free(pt);
	return 0;
}
