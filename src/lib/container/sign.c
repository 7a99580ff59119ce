/* Sealing a signed file: both trees as the payload passes, then the trailer (container/sign.h). */
#include "container/sign.h"

#include <stdlib.h>
#include <string.h>

#include "container/payload.h"
#include "container/trailer.h"
#include "container/trees.h"
#include "stream/stream.h"

struct seal_signing {
	capsa_sink sink;
	void *sink_arg;
	capsa_hdr_params hp; /* suite, content id; no pointers kept */
	uint8_t header_hash[32];
	uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES];
	size_t prefix_fill;
	uint64_t length;
	tree_hasher ct, pt;
	tree_spool c_spool, p_spool;
	uint8_t seed[CAPSA_ED25519_SEEDBYTES];
	uint8_t cek[CAPSA_CEK_BYTES]; /* copies only: seals the origin's pc_key */
	bool copy;
	capsa_origin origin;
};

capsa_status seal_signing_new(seal_signing **out, const capsa_seal_opts *opts, const capsa_hdr_params *hp,
                              const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t *hdr, size_t hdr_len,
                              capsa_sink sink, void *sink_arg)
{
	uint8_t pc_key[32];
	seal_signing *s;
	capsa_status st;

	*out = NULL;
	if (opts->signer == NULL)
		return CAPSA_ERR_ARG;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return CAPSA_ERR_NOMEM;
	s->sink = sink;
	s->sink_arg = sink_arg;
	s->hp = *hp;
	s->hp.recipients = NULL;
	s->hp.routes = NULL;
	s->hp.signer = NULL;
	memcpy(s->seed, opts->signer->ed25519_seed, sizeof s->seed);
	if (opts->origin != NULL) {
		s->copy = true;
		s->origin = *opts->origin;
		memcpy(s->cek, cek, sizeof s->cek);
		memcpy(pc_key, opts->origin->pc_key, sizeof pc_key);
		st = CAPSA_OK;
	} else {
		st = tree_pc_key(pc_key, cek);
	}
	if (st == CAPSA_OK)
		st = capsa_sha256(s->header_hash, hdr, hdr_len);
	if (st == CAPSA_OK)
		st = tree_hasher_init(&s->ct, NULL, &s->c_spool);
	if (st == CAPSA_OK)
		st = tree_hasher_init(&s->pt, pc_key, &s->p_spool);
	capsa_wipe(pc_key, sizeof pc_key);
	if (st != CAPSA_OK) {
		seal_signing_free(s);
		return st;
	}
	*out = s;
	return CAPSA_OK;
}

capsa_status seal_signing_sink(void *arg, const uint8_t *data, size_t len)
{
	seal_signing *s = arg;
	const uint8_t *rest = data;
	size_t rest_len = len;
	capsa_status st;

	/* salt || commitment first: kept for the manifest's preface hash */
	if (s->prefix_fill < sizeof s->prefix) {
		size_t n = sizeof s->prefix - s->prefix_fill < len ? sizeof s->prefix - s->prefix_fill : len;
		memcpy(s->prefix + s->prefix_fill, data, n);
		s->prefix_fill += n;
		rest += n;
		rest_len -= n;
	}
	if (rest_len > 0 && (st = tree_hasher_write(&s->ct, rest, rest_len)) != CAPSA_OK)
		return st;
	return s->sink(s->sink_arg, data, len);
}

capsa_status seal_signing_plaintext(seal_signing *s, const uint8_t *pt, size_t len)
{
	s->length += len;
	return tree_hasher_write(&s->pt, pt, len);
}

capsa_status seal_signing_finish(seal_signing *s)
{
	uint8_t c_root[32], p_root[32], digest[32];
	trl_writer_in in = {.hp = &s->hp, .header_hash = s->header_hash, .prefix = s->prefix, .length = s->length,
	                    .chunks = capsa_payload_chunks(s->length), .c_root = c_root, .p_root = p_root,
	                    .seed = s->seed, .origin = s->copy ? &s->origin : NULL, .cek = s->cek,
	                    .c_spool = &s->c_spool, .p_spool = &s->p_spool};
	capsa_status st;

	if (s->prefix_fill != sizeof s->prefix)
		return CAPSA_ERR_INTERNAL;
	if ((st = tree_hasher_finish(&s->ct, c_root, digest)) != CAPSA_OK ||
	    (st = tree_hasher_finish(&s->pt, p_root, digest)) != CAPSA_OK)
		return st;
	if (s->ct.chunks != in.chunks || s->pt.chunks != in.chunks)
		return CAPSA_ERR_INTERNAL;
	if (s->copy) {
		trl_manifest om;
		trl_manifest_decode(&om, s->origin.manifest);
		if (om.length != s->length || om.chunks != in.chunks || memcmp(om.p_root, p_root, 32) != 0)
			return CAPSA_ERR_MISMATCH; /* not the original's plaintext: refuse to sign the copy */
	}
	return trl_write(&in, s->sink, s->sink_arg);
}

void seal_signing_free(seal_signing *s)
{
	if (s == NULL)
		return;
	tree_hasher_cleanup(&s->ct);
	tree_hasher_cleanup(&s->pt);
	tree_spool_cleanup(&s->c_spool);
	tree_spool_cleanup(&s->p_spool);
	capsa_wipe(s->seed, sizeof s->seed);
	capsa_wipe(s->cek, sizeof s->cek);
	capsa_origin_wipe(&s->origin);
	free(s);
}

void capsa_origin_wipe(capsa_origin *o)
{
	if (o != NULL)
		capsa_wipe(o, sizeof *o);
}
