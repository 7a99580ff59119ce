/* The trailer of a signed v2 file: layout, manifest, signatures, origin, writing and reading. */
#include "container/trailer.h"

#include <stdlib.h>
#include <string.h>

#include "container/payload.h"
#include "stream/stream.h"
#include "wire/bytes.h"

const uint8_t capsa_trl_magic[TRL_MAGIC_BYTES] = {0x89, 'c', 'a', 'p', 's', 'a', '/', 't',
                                                   'r',  'a', 'i', 'l', 'e', 'r', '\n', 0x00};

void trl_manifest_encode(uint8_t out[TRL_MANIFEST_BYTES], const trl_manifest *m)
{
	uint8_t *p = out;

	memcpy(p, m->content_id, 16);
	p += 16;
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)(m->length >> (56 - 8 * i));
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)(m->chunks >> (56 - 8 * i));
	memcpy(p, m->preface_hash, 32);
	memcpy(p + 32, m->c_root, 32);
	memcpy(p + 64, m->p_root, 32);
}

void trl_manifest_decode(trl_manifest *m, const uint8_t in[TRL_MANIFEST_BYTES])
{
	capsa_cbs cbs;

	capsa_cbs_init(&cbs, in, TRL_MANIFEST_BYTES);
	/* a fixed-size record: every get succeeds */
	(void)(capsa_cbs_copy(&cbs, m->content_id, 16) && capsa_cbs_get_u64(&cbs, &m->length) &&
	       capsa_cbs_get_u64(&cbs, &m->chunks) && capsa_cbs_copy(&cbs, m->preface_hash, 32) &&
	       capsa_cbs_copy(&cbs, m->c_root, 32) && capsa_cbs_copy(&cbs, m->p_root, 32));
}

size_t trl_fixed_len(bool copy)
{
	return TRL_MAGIC_BYTES + TRL_MANIFEST_BYTES + TRL_SIG_BYTES + (copy ? TRL_ORIGIN_BYTES : 0);
}

uint64_t trl_len(uint64_t chunks, bool copy)
{
	uint64_t nodes = capsa_merkle_total_nodes(chunks);

	if (chunks == 0 || nodes > (UINT64_MAX - TRL_FIXED_MAX - TRL_LEN_BYTES) / 64)
		return UINT64_MAX;
	return trl_fixed_len(copy) + 2 * 32 * nodes + TRL_LEN_BYTES;
}

uint64_t trl_node_offset(uint64_t chunks, bool copy, int tree, unsigned level, uint64_t index)
{
	uint64_t off = trl_fixed_len(copy) + (tree ? 32 * capsa_merkle_total_nodes(chunks) : 0);

	for (unsigned l = 0; l < level; l++)
		off += 32 * capsa_merkle_level_nodes(chunks, l);
	return off + 32 * index;
}

static void sig_message(uint8_t msg[sizeof(TRL_SIG_LABEL) - 1 + 32 + TRL_MANIFEST_BYTES], const uint8_t header_hash[32],
                        const uint8_t manifest[TRL_MANIFEST_BYTES])
{
	size_t label = sizeof(TRL_SIG_LABEL) - 1;

	memcpy(msg, TRL_SIG_LABEL, label);
	memcpy(msg + label, header_hash, 32);
	memcpy(msg + label + 32, manifest, TRL_MANIFEST_BYTES);
}

capsa_status trl_sign(uint8_t sig[TRL_SIG_BYTES], const uint8_t seed[32], const uint8_t header_hash[32],
                      const uint8_t manifest[TRL_MANIFEST_BYTES])
{
	uint8_t msg[sizeof(TRL_SIG_LABEL) - 1 + 32 + TRL_MANIFEST_BYTES];

	sig_message(msg, header_hash, manifest);
	return capsa_ed25519_sign(sig, seed, msg, sizeof msg);
}

capsa_status trl_verify(const uint8_t sig[TRL_SIG_BYTES], const uint8_t key[32], const uint8_t header_hash[32],
                        const uint8_t manifest[TRL_MANIFEST_BYTES])
{
	uint8_t msg[sizeof(TRL_SIG_LABEL) - 1 + 32 + TRL_MANIFEST_BYTES];

	sig_message(msg, header_hash, manifest);
	return capsa_ed25519_verify(sig, key, msg, sizeof msg) == CAPSA_OK ? CAPSA_OK : CAPSA_ERR_SIGNATURE;
}

/* ---- Origin ----------------------------------------------------------------------- */

/* The AEAD (the file's suite) under HKDF(CEK, "capsa/v2/origin-key"), ready to seal or open pc_key. */
static capsa_status origin_aead(capsa_aead **out, capsa_suite suite, const uint8_t cek[CAPSA_CEK_BYTES])
{
	uint8_t key[CAPSA_AEAD_KEYBYTES];
	capsa_aead_alg alg;
	capsa_status st;

	if ((st = capsa_suite_alg(&alg, suite)) != CAPSA_OK)
		return st;
	st = capsa_hkdf(key, sizeof key, cek, CAPSA_CEK_BYTES, NULL, 0, (const uint8_t *)TRL_ORIGIN_KEY_LABEL,
	                sizeof(TRL_ORIGIN_KEY_LABEL) - 1);
	if (st == CAPSA_OK)
		st = capsa_aead_new(out, alg, key);
	capsa_wipe(key, sizeof key);
	return st;
}

capsa_status trl_origin_encode(uint8_t out[TRL_ORIGIN_BYTES], const capsa_origin *o, capsa_suite suite,
                               const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t header_hash[32])
{
	static const uint8_t zero_nonce[CAPSA_AEAD_NONCEBYTES];
	capsa_aead *aead = NULL;
	capsa_status st;

	memcpy(out, o->header_hash, 32);
	memcpy(out + 32, o->signer, 32);
	memcpy(out + 64, o->manifest, TRL_MANIFEST_BYTES);
	memcpy(out + 64 + TRL_MANIFEST_BYTES, o->signature, TRL_SIG_BYTES);
	/* one key per file (the copy's CEK is fresh) seals one message: a fixed nonce is safe */
	if ((st = origin_aead(&aead, suite, cek)) == CAPSA_OK)
		st = capsa_aead_seal(aead, out + TRL_ORIGIN_BYTES - TRL_SEALED_KEY_BYTES, zero_nonce, header_hash, 32,
		                     o->pc_key, 32);
	capsa_aead_free(aead);
	return st;
}

capsa_status trl_origin_decode(capsa_origin *o, const uint8_t in[TRL_ORIGIN_BYTES])
{
	memset(o, 0, sizeof *o);
	memcpy(o->header_hash, in, 32);
	memcpy(o->signer, in + 32, 32);
	memcpy(o->manifest, in + 64, TRL_MANIFEST_BYTES);
	memcpy(o->signature, in + 64 + TRL_MANIFEST_BYTES, TRL_SIG_BYTES);
	return trl_verify(o->signature, o->signer, o->header_hash, o->manifest);
}

capsa_status trl_origin_open_key(capsa_origin *o, const uint8_t in[TRL_ORIGIN_BYTES], capsa_suite suite,
                                 const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t header_hash[32])
{
	static const uint8_t zero_nonce[CAPSA_AEAD_NONCEBYTES];
	capsa_aead *aead = NULL;
	capsa_status st;

	if ((st = origin_aead(&aead, suite, cek)) == CAPSA_OK)
		st = capsa_aead_open(aead, o->pc_key, zero_nonce, header_hash, 32,
		                     in + TRL_ORIGIN_BYTES - TRL_SEALED_KEY_BYTES, TRL_SEALED_KEY_BYTES);
	capsa_aead_free(aead);
	if (st == CAPSA_ERR_AUTH) {
		capsa_wipe(o->pc_key, sizeof o->pc_key);
		return CAPSA_ERR_TRAILER;
	}
	return st;
}

/* ---- Checking the fixed part ------------------------------------------------------------ */

capsa_status trl_check_fixed(trl_manifest *m, capsa_origin *origin, const uint8_t *fixed, const capsa_hdr *h,
                             const uint8_t header_hash[32], uint64_t chunks, uint64_t length)
{
	const uint8_t *manifest = fixed + TRL_MAGIC_BYTES, *sig = manifest + TRL_MANIFEST_BYTES;
	bool copy = (h->flags & HDR_FLAG_COPY) != 0;
	capsa_status st;

	trl_manifest_decode(m, manifest);
	if (!capsa_ct_equal(fixed, capsa_trl_magic, TRL_MAGIC_BYTES) ||
	    memcmp(m->content_id, h->content_id, sizeof m->content_id) != 0 || m->chunks != chunks ||
	    m->length != length || capsa_payload_chunks(m->length) != m->chunks ||
	    (h->plaintext_len != CAPSA_LENGTH_UNKNOWN && m->length != h->plaintext_len))
		return CAPSA_ERR_TRAILER;
	if ((st = trl_verify(sig, h->signer, header_hash, manifest)) != CAPSA_OK)
		return st;
	if (copy) {
		trl_manifest om;
		if ((st = trl_origin_decode(origin, sig + TRL_SIG_BYTES)) != CAPSA_OK)
			return st;
		trl_manifest_decode(&om, origin->manifest);
		/* the copy commits to the original's plaintext: same length, same commitments */
		if (om.length != m->length || om.chunks != m->chunks || memcmp(om.p_root, m->p_root, 32) != 0)
			return CAPSA_ERR_TRAILER;
	}
	return CAPSA_OK;
}

/* ---- Writing ------------------------------------------------------------------------- */

capsa_status trl_write(const trl_writer_in *in, tree_sink sink, void *arg)
{
	bool copy = in->origin != NULL;
	uint8_t fixed[TRL_FIXED_MAX], *manifest = fixed + TRL_MAGIC_BYTES, tlen[TRL_LEN_BYTES];
	trl_manifest m;
	uint64_t total = trl_len(in->chunks, copy);
	capsa_status st;

	memcpy(m.content_id, in->hp->content_id, sizeof m.content_id);
	m.length = in->length;
	m.chunks = in->chunks;
	memcpy(m.c_root, in->c_root, 32);
	memcpy(m.p_root, in->p_root, 32);
	if ((st = capsa_sha256(m.preface_hash, in->prefix, CAPSA_STREAM_PREFIX_BYTES)) != CAPSA_OK)
		return st;
	memcpy(fixed, capsa_trl_magic, TRL_MAGIC_BYTES);
	trl_manifest_encode(manifest, &m);
	if ((st = trl_sign(manifest + TRL_MANIFEST_BYTES, in->seed, in->header_hash, manifest)) != CAPSA_OK)
		return st;
	if (copy && (st = trl_origin_encode(manifest + TRL_MANIFEST_BYTES + TRL_SIG_BYTES, in->origin, in->hp->suite,
	                                    in->cek, in->header_hash)) != CAPSA_OK)
		return st;
	if ((st = sink(arg, fixed, trl_fixed_len(copy))) != CAPSA_OK ||
	    (st = tree_write_levels(in->c_spool, in->chunks, sink, arg)) != CAPSA_OK ||
	    (st = tree_write_levels(in->p_spool, in->chunks, sink, arg)) != CAPSA_OK)
		return st;
	for (int i = 0; i < 8; i++)
		tlen[i] = (uint8_t)(total >> (56 - 8 * i));
	return sink(arg, tlen, sizeof tlen);
}

/* ---- Reading ------------------------------------------------------------------------- */

capsa_status trl_reader_init(trl_reader *r, uint64_t chunks, bool copy)
{
	capsa_status st;

	memset(r, 0, sizeof *r);
	r->chunks = chunks;
	r->copy = copy;
	r->total = trl_len(chunks, copy);
	r->fixed_len = trl_fixed_len(copy);
	if (r->total == UINT64_MAX)
		return CAPSA_ERR_TRAILER;
	if ((st = tree_levels_init(&r->c, chunks)) != CAPSA_OK)
		return st;
	return tree_levels_init(&r->p, chunks);
}

capsa_status trl_reader_write(trl_reader *r, const uint8_t *data, size_t len)
{
	uint64_t levels = 32 * capsa_merkle_total_nodes(r->chunks);
	uint64_t c_end = r->fixed_len + levels, p_end = c_end + levels;
	capsa_status st = CAPSA_OK;

	if (len > r->total - r->pos)
		return CAPSA_ERR_TRAILING;
	while (st == CAPSA_OK && len > 0) {
		size_t n;
		if (r->pos < r->fixed_len) {
			n = r->fixed_len - r->pos < len ? (size_t)(r->fixed_len - r->pos) : len;
			memcpy(r->fixed + r->pos, data, n);
		} else if (r->pos < c_end) {
			n = c_end - r->pos < len ? (size_t)(c_end - r->pos) : len;
			st = tree_levels_write(&r->c, data, n);
		} else if (r->pos < p_end) {
			n = p_end - r->pos < len ? (size_t)(p_end - r->pos) : len;
			st = tree_levels_write(&r->p, data, n);
		} else {
			n = len;
			memcpy(r->tlen + (r->pos - p_end), data, n);
		}
		r->pos += n;
		data += n;
		len -= n;
	}
	return st;
}

bool trl_reader_have_fixed(const trl_reader *r)
{
	return r->pos >= r->fixed_len;
}

capsa_status trl_reader_finish(trl_reader *r, const uint8_t c_root[32], const uint8_t p_root[32],
                               uint8_t c_level0[32], uint8_t p_level0[32])
{
	uint64_t tlen = 0;
	capsa_status st;

	if (r->pos != r->total)
		return CAPSA_ERR_TRUNCATED;
	for (int i = 0; i < 8; i++)
		tlen = tlen << 8 | r->tlen[i];
	if (tlen != r->total)
		return CAPSA_ERR_TRAILER;
	if ((st = tree_levels_finish(&r->c, c_root, c_level0)) != CAPSA_OK)
		return st;
	return tree_levels_finish(&r->p, p_root, p_level0);
}

void trl_reader_cleanup(trl_reader *r)
{
	tree_levels_cleanup(&r->c);
	tree_levels_cleanup(&r->p);
	memset(r, 0, sizeof *r);
}
