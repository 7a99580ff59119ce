/* Checking a signed v2 file as its bytes pass (container/signed_stream.h). */
#include "container/signed_stream.h"

#include <stdlib.h>
#include <string.h>

#include "container/payload.h"
#include "stream/stream.h"

/* From a chunk boundary p, t-magic may start at p + 16 .. p + 16399: this many bytes decide. */
#define LOOK_MAX (CAPSA_STREAM_CHUNK_CT_BYTES + TRL_MAGIC_BYTES - 1)
#define FINAL_MIN CAPSA_AEAD_TAGBYTES

capsa_status signed_stream_init(signed_stream *ss, const capsa_hdr *hdr, const uint8_t *pc_key,
                                signed_payload_fn payload, void *arg)
{
	capsa_status st;

	memset(ss, 0, sizeof *ss);
	ss->hdr = hdr;
	ss->payload = payload;
	ss->payload_arg = arg;
	ss->check_pt = pc_key != NULL;
	ss->payload_total = hdr->plaintext_len == CAPSA_LENGTH_UNKNOWN ? UINT64_MAX : capsa_payload_len(hdr->plaintext_len);
	if ((st = capsa_sha256(ss->header_hash, hdr->bytes, hdr->len)) != CAPSA_OK ||
	    (st = tree_hasher_init(&ss->ct, NULL, NULL)) != CAPSA_OK ||
	    (pc_key != NULL && (st = tree_hasher_init(&ss->pt, pc_key, NULL)) != CAPSA_OK))
		return st;
	if (ss->payload_total == UINT64_MAX) {
		if ((ss->look = malloc(LOOK_MAX)) == NULL)
			return CAPSA_ERR_NOMEM;
		return CAPSA_OK;
	}
	ss->tr_started = true;
	return trl_reader_init(&ss->tr, capsa_payload_chunks(hdr->plaintext_len), (hdr->flags & HDR_FLAG_COPY) != 0);
}

/* Payload bytes: the prefix is kept, chunks are hashed, everything goes on. */
static capsa_status pass_payload(signed_stream *ss, const uint8_t *data, size_t len)
{
	size_t n = 0;
	capsa_status st;

	if (ss->prefix_fill < sizeof ss->prefix) {
		n = sizeof ss->prefix - ss->prefix_fill < len ? sizeof ss->prefix - ss->prefix_fill : len;
		memcpy(ss->prefix + ss->prefix_fill, data, n);
		ss->prefix_fill += n;
	}
	if (len > n && (st = tree_hasher_write(&ss->ct, data + n, len - n)) != CAPSA_OK)
		return st;
	ss->payload_seen += len;
	return ss->payload != NULL && len > 0 ? ss->payload(ss->payload_arg, data, len) : CAPSA_OK;
}

static capsa_status pass_trailer(signed_stream *ss, const uint8_t *data, size_t len)
{
	return len > 0 ? trl_reader_write(&ss->tr, data, len) : CAPSA_OK;
}

/*
 * The first k in [16, min(16399, len - 16)] at which t-magic starts in |w|
 * (bytes from a chunk boundary), or 0. The final chunk is then w[0, k).
 */
static size_t find_magic(const uint8_t *w, size_t len)
{
	size_t last = len < TRL_MAGIC_BYTES ? 0 : len - TRL_MAGIC_BYTES;

	if (last > CAPSA_STREAM_CHUNK_CT_BYTES - 1)
		last = CAPSA_STREAM_CHUNK_CT_BYTES - 1;
	for (size_t k = FINAL_MIN; k <= last;) {
		const uint8_t *at = memchr(w + k, capsa_trl_magic[0], last - k + 1);
		if (at == NULL)
			return 0;
		k = (size_t)(at - w);
		if (memcmp(at, capsa_trl_magic, TRL_MAGIC_BYTES) == 0)
			return k;
		k++;
	}
	return 0;
}

/* The payload ends at |k| bytes into |w|: the final chunk goes on and the trailer begins. */
static capsa_status split_at(signed_stream *ss, const uint8_t *w, size_t k, size_t len)
{
	capsa_status st;

	if ((st = pass_payload(ss, w, k)) != CAPSA_OK)
		return st;
	ss->in_trailer = true;
	ss->tr_started = true;
	/* the hasher has every full chunk; the final one is still open */
	if ((st = trl_reader_init(&ss->tr, ss->ct.chunks + 1, (ss->hdr->flags & HDR_FLAG_COPY) != 0)) != CAPSA_OK)
		return st;
	return pass_trailer(ss, w + k, len - k);
}

/* Unknown length: decide chunk by chunk whether a full chunk or the final one and the trailer follow. */
static capsa_status write_unknown(signed_stream *ss, const uint8_t *data, size_t len)
{
	capsa_status st = CAPSA_OK;

	while (st == CAPSA_OK && len > 0) {
		size_t k, n;
		if (ss->in_trailer)
			return pass_trailer(ss, data, len);
		if (ss->prefix_fill < sizeof ss->prefix) {
			n = sizeof ss->prefix - ss->prefix_fill < len ? sizeof ss->prefix - ss->prefix_fill : len;
			st = pass_payload(ss, data, n);
		} else if (ss->look_len == 0 && len >= LOOK_MAX) {
			/* decide in place: no copy of the bulk of the payload */
			if ((k = find_magic(data, LOOK_MAX)) != 0)
				return split_at(ss, data, k, len);
			n = CAPSA_STREAM_CHUNK_CT_BYTES;
			st = pass_payload(ss, data, n);
		} else {
			n = LOOK_MAX - ss->look_len < len ? LOOK_MAX - ss->look_len : len;
			memcpy(ss->look + ss->look_len, data, n);
			ss->look_len += n;
			if (ss->look_len == LOOK_MAX) {
				if ((k = find_magic(ss->look, LOOK_MAX)) != 0) {
					st = split_at(ss, ss->look, k, LOOK_MAX);
					ss->look_len = 0;
				} else {
					st = pass_payload(ss, ss->look, CAPSA_STREAM_CHUNK_CT_BYTES);
					ss->look_len -= CAPSA_STREAM_CHUNK_CT_BYTES;
					memmove(ss->look, ss->look + CAPSA_STREAM_CHUNK_CT_BYTES, ss->look_len);
				}
			}
		}
		data += n;
		len -= n;
	}
	return st;
}

capsa_status signed_stream_write(signed_stream *ss, const uint8_t *data, size_t len)
{
	capsa_status st;

	if (ss->failed)
		return CAPSA_ERR_ARG;
	if (ss->payload_total == UINT64_MAX) {
		st = write_unknown(ss, data, len);
	} else {
		size_t n = ss->payload_total - ss->payload_seen < len ? (size_t)(ss->payload_total - ss->payload_seen) : len;
		st = pass_payload(ss, data, n);
		if (st == CAPSA_OK && len > n) {
			ss->in_trailer = true;
			st = pass_trailer(ss, data + n, len - n);
		}
	}
	ss->failed = st != CAPSA_OK;
	return st;
}

capsa_status signed_stream_plaintext(signed_stream *ss, const uint8_t *pt, size_t len)
{
	ss->pt_len += len;
	return ss->check_pt ? tree_hasher_write(&ss->pt, pt, len) : CAPSA_OK;
}

capsa_status signed_stream_end_payload(signed_stream *ss)
{
	size_t k;
	capsa_status st;

	if (ss->failed)
		return CAPSA_ERR_ARG;
	if (ss->payload_total != UINT64_MAX || ss->in_trailer)
		return CAPSA_OK;
	/* what is left holds the final chunk and the trailer, or the file ends without one */
	if (ss->prefix_fill < sizeof ss->prefix || (k = find_magic(ss->look, ss->look_len)) == 0) {
		/* hand the bytes on anyway, so that the decryptor can name what is wrong */
		st = pass_payload(ss, ss->look, ss->look_len);
		ss->look_len = 0;
		ss->failed = true;
		return st != CAPSA_OK ? st : CAPSA_ERR_TRUNCATED;
	}
	st = split_at(ss, ss->look, k, ss->look_len);
	ss->look_len = 0;
	ss->failed = st != CAPSA_OK;
	return st;
}

/* The trees against the manifest's roots, the stored levels against both. */
static capsa_status check_trees(signed_stream *ss)
{
	uint8_t root[32], level0[32], c_level0[32], p_level0[32];
	capsa_status st;

	if ((st = tree_hasher_finish(&ss->ct, root, level0)) != CAPSA_OK)
		return st;
	if (!capsa_ct_equal(root, ss->manifest.c_root, 32))
		return CAPSA_ERR_TREE;
	if ((st = trl_reader_finish(&ss->tr, ss->manifest.c_root, ss->manifest.p_root, c_level0, p_level0)) != CAPSA_OK)
		return st;
	if (!capsa_ct_equal(level0, c_level0, 32))
		return CAPSA_ERR_TREE;
	ss->checked |= SIGNED_CHECKED_CIPHERTEXT;
	if ((ss->hdr->flags & HDR_FLAG_COPY) != 0)
		ss->checked |= SIGNED_CHECKED_ORIGIN;
	if (!ss->check_pt)
		return CAPSA_OK;
	if (ss->pt_len != ss->manifest.length || (st = tree_hasher_finish(&ss->pt, root, level0)) != CAPSA_OK)
		return st != CAPSA_OK ? st : CAPSA_ERR_TREE;
	if (!capsa_ct_equal(root, ss->manifest.p_root, 32) || !capsa_ct_equal(level0, p_level0, 32))
		return CAPSA_ERR_TREE;
	ss->checked |= SIGNED_CHECKED_PLAINTEXT;
	return CAPSA_OK;
}

capsa_status signed_stream_finish(signed_stream *ss)
{
	uint8_t preface[32];
	uint64_t length;
	capsa_status st;

	if (ss->failed)
		return CAPSA_ERR_ARG;
	ss->failed = true;
	if (!ss->tr_started || !trl_reader_have_fixed(&ss->tr) || ss->tr.pos != ss->tr.total)
		return CAPSA_ERR_TRUNCATED;
	if (ss->payload_total != UINT64_MAX && ss->payload_seen != ss->payload_total)
		return CAPSA_ERR_TRUNCATED;
	if ((st = capsa_payload_plaintext_len(&length, ss->payload_seen)) != CAPSA_OK)
		return st;
	if ((st = trl_check_fixed(&ss->manifest, &ss->origin, ss->tr.fixed, ss->hdr, ss->header_hash,
	                          ss->tr.chunks, length)) != CAPSA_OK)
		return st;
	/* the prefix (salt, commitment) is signed too: the payload is exactly the signer's */
	if ((st = capsa_sha256(preface, ss->prefix, sizeof ss->prefix)) != CAPSA_OK)
		return st;
	if (!capsa_ct_equal(preface, ss->manifest.preface_hash, 32))
		return CAPSA_ERR_TREE;
	return check_trees(ss);
}

void signed_stream_cleanup(signed_stream *ss)
{
	tree_hasher_cleanup(&ss->ct);
	tree_hasher_cleanup(&ss->pt);
	trl_reader_cleanup(&ss->tr);
	free(ss->look);
	capsa_origin_wipe(&ss->origin);
	memset(ss, 0, sizeof *ss);
}
