/*
 * Random access to a sealed file: authenticate the header once, then open
 * only the chunks a read touches. Reads use pread(2) and take a decryption
 * state from a small free list, so concurrent reads on one reader are safe
 * and run in parallel.
 */
#include <capsa/container.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/header.h"
#include "core/io.h"
#include "container/payload.h"
#include "container/trailer.h"
#include "container/trees.h"
#include "stream/stream.h"

#define READER_POOL_MAX 64

struct capsa_reader {
	int fd;
	capsa_hdr hdr;
	capsa_header_info info;
	uint64_t size;           /* plaintext bytes */
	uint64_t num_chunks;
	pthread_mutex_t lock;
	capsa_stream_ra *pool[READER_POOL_MAX];
	size_t pool_len;
	capsa_stream_params params; /* key points at |cek| */
	uint8_t cek[CAPSA_CEK_BYTES];
	uint8_t context[HDR_CONTEXT_BYTES];
	uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES];
	/* signed v2 files */
	bool is_signed, check_pt;
	uint64_t trailer_off;
	trl_manifest manifest;
	uint8_t header_hash[32];
	uint8_t pc_key[32];      /* the commitment key the plaintext must match (copies: the origin's) */
	capsa_origin origin;     /* copies: what they carry; originals: filled by capsa_reader_origin */
	uint8_t fixed[TRL_FIXED_MAX];
};

/* Reads and parses the header at the start of the file. */
static capsa_status read_header(capsa_reader *r)
{
	uint8_t pre[HDR_PREAMBLE_BYTES], *buf;
	size_t got, full;
	capsa_status st;

	if ((st = capsa_pread_full(r->fd, pre, sizeof pre, 0, &got)) != CAPSA_OK ||
	    (st = capsa_hdr_peek_len(&full, pre, got)) != CAPSA_OK)
		return st;
	if ((buf = malloc(full)) == NULL)
		return CAPSA_ERR_NOMEM;
	if ((st = capsa_pread_full(r->fd, buf, full, 0, &got)) == CAPSA_OK)
		st = capsa_hdr_parse(&r->hdr, buf, got);
	free(buf);
	return st;
}

/*
 * A signed file's trailer is found from the end: t-len says where the payload
 * ends. Its length is a function of the chunk count, which follows from the
 * payload size: a t-len that disagrees with either is refused.
 */
static capsa_status find_trailer(capsa_reader *r, uint64_t size)
{
	uint8_t be[TRL_LEN_BYTES];
	uint64_t tlen = 0, payload, pt_len;
	size_t got;
	bool copy = (r->hdr.flags & HDR_FLAG_COPY) != 0;
	capsa_status st;

	if (size < r->hdr.len + CAPSA_STREAM_PREFIX_BYTES + CAPSA_AEAD_TAGBYTES + trl_len(1, copy))
		return CAPSA_ERR_TRUNCATED;
	if ((st = capsa_pread_full(r->fd, be, sizeof be, size - sizeof be, &got)) != CAPSA_OK)
		return st;
	for (size_t i = 0; i < sizeof be; i++)
		tlen = tlen << 8 | be[i];
	if (tlen > size - r->hdr.len || capsa_payload_plaintext_len(&pt_len, size - r->hdr.len - tlen) != CAPSA_OK ||
	    trl_len(capsa_payload_chunks(pt_len), copy) != tlen)
		return CAPSA_ERR_TRAILER;
	payload = size - r->hdr.len - tlen;
	if (r->hdr.plaintext_len != CAPSA_LENGTH_UNKNOWN && payload != capsa_payload_len(r->hdr.plaintext_len))
		return CAPSA_ERR_TRAILER;
	r->trailer_off = size - tlen;
	return CAPSA_OK;
}

/* Works out the plaintext size from the file size and checks it against the header. */
static capsa_status check_size(capsa_reader *r)
{
	struct stat sb;
	uint64_t payload, end;
	capsa_status st;

	if (fstat(r->fd, &sb) != 0)
		return CAPSA_ERR_IO;
	end = (uint64_t)sb.st_size;
	if (r->is_signed) {
		if ((st = find_trailer(r, end)) != CAPSA_OK)
			return st;
		end = r->trailer_off;
	}
	if (end < r->hdr.len + CAPSA_STREAM_PREFIX_BYTES)
		return CAPSA_ERR_TRUNCATED;
	payload = end - r->hdr.len;
	/* a recorded length names the exact payload size: longer is trailing data, whatever its length */
	if (r->hdr.plaintext_len != CAPSA_LENGTH_UNKNOWN && payload != capsa_payload_len(r->hdr.plaintext_len))
		return payload < capsa_payload_len(r->hdr.plaintext_len) ? CAPSA_ERR_TRUNCATED : CAPSA_ERR_TRAILING;
	if ((st = capsa_payload_plaintext_len(&r->size, payload)) != CAPSA_OK)
		return st;
	r->num_chunks = capsa_payload_chunks(r->size);
	return CAPSA_OK;
}

static capsa_status check_final_chunk(capsa_reader *r, capsa_stream_ra *ra);

/* The trailer's fixed part: manifest, signature and a copy's origin, before any read. */
static capsa_status check_trailer(capsa_reader *r, const capsa_unlock *unlock)
{
	uint8_t preface[32];
	bool copy = (r->hdr.flags & HDR_FLAG_COPY) != 0;
	size_t got;
	capsa_status st;

	if ((st = capsa_sha256(r->header_hash, r->hdr.bytes, r->hdr.len)) != CAPSA_OK ||
	    (st = capsa_pread_full(r->fd, r->fixed, trl_fixed_len(copy), r->trailer_off, &got)) != CAPSA_OK)
		return st;
	if (got != trl_fixed_len(copy))
		return CAPSA_ERR_TRUNCATED;
	if ((st = trl_check_fixed(&r->manifest, &r->origin, r->fixed, &r->hdr, r->header_hash, r->num_chunks,
	                          r->size)) != CAPSA_OK)
		return st;
	if ((st = capsa_sha256(preface, r->prefix, sizeof r->prefix)) != CAPSA_OK)
		return st;
	if (!capsa_ct_equal(preface, r->manifest.preface_hash, sizeof preface))
		return CAPSA_ERR_TREE;
	if (!copy) {
		r->check_pt = unlock->check_commitments;
		return tree_pc_key(r->pc_key, r->cek);
	}
	if (unlock->require_signer != NULL && memcmp(r->hdr.signer, unlock->require_signer, 32) != 0 &&
	    memcmp(r->origin.signer, unlock->require_signer, 32) != 0)
		return CAPSA_ERR_SIGNER;
	/* a copy's plaintext is checked against its origin's commitments, always */
	if ((st = trl_origin_open_key(&r->origin, r->fixed + trl_fixed_len(false), r->hdr.suite, r->cek,
	                              r->header_hash)) != CAPSA_OK)
		return st;
	memcpy(r->pc_key, r->origin.pc_key, sizeof r->pc_key);
	r->check_pt = true;
	return CAPSA_OK;
}

static capsa_status setup(capsa_reader *r, const capsa_unlock *unlock)
{
	capsa_stream_ra *ra = NULL;
	size_t index, got;
	capsa_status st;

	if ((st = read_header(r)) != CAPSA_OK || (st = capsa_hdr_info(&r->info, &r->hdr)) != CAPSA_OK ||
	    (st = capsa_hdr_check_signer(&r->hdr, unlock->require_signer)) != CAPSA_OK)
		return st;
	r->is_signed = capsa_hdr_has_trailer(&r->hdr);
	if ((st = capsa_hdr_unlock(r->cek, &index, &r->hdr, unlock)) != CAPSA_OK || (st = check_size(r)) != CAPSA_OK)
		return st;
	r->params = (capsa_stream_params){.key = r->cek, .key_len = sizeof r->cek, .context = r->context,
	                                  .context_len = sizeof r->context, .threads = 1,
	                                  .plaintext_len = r->size};
	if ((st = capsa_suite_alg(&r->params.alg, r->hdr.suite)) != CAPSA_OK ||
	    (st = capsa_hdr_context(r->context, r->hdr.bytes, r->hdr.len)) != CAPSA_OK ||
	    (st = capsa_pread_full(r->fd, r->prefix, sizeof r->prefix, r->hdr.len, &got)) != CAPSA_OK)
		return st;
	if (got != sizeof r->prefix)
		return CAPSA_ERR_TRUNCATED;
	if (r->is_signed && (st = check_trailer(r, unlock)) != CAPSA_OK)
		return st;
	/* the first state checks the key commitment once, for every later read */
	if ((st = capsa_stream_ra_new(&ra, &r->params, r->prefix)) != CAPSA_OK)
		return st;
	r->pool[r->pool_len++] = ra;
	return check_final_chunk(r, ra);
}

capsa_status capsa_reader_open_fd(capsa_reader **out, int fd, const capsa_unlock *unlock)
{
	capsa_reader *r;
	capsa_status st;

	*out = NULL;
	if (unlock == NULL)
		return CAPSA_ERR_ARG;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return CAPSA_ERR_NOMEM;
	pthread_mutex_init(&r->lock, NULL);
	if ((r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		r->fd = -1;
		st = CAPSA_ERR_IO;
	} else {
		st = setup(r, unlock);
	}
	if (st != CAPSA_OK) {
		capsa_reader_close(r);
		return st;
	}
	*out = r;
	return CAPSA_OK;
}

capsa_status capsa_reader_open(capsa_reader **out, const char *path, const capsa_unlock *unlock)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	capsa_status st;

	*out = NULL;
	if (fd < 0)
		return CAPSA_ERR_IO;
	st = capsa_reader_open_fd(out, fd, unlock);
	close(fd);
	return st;
}

uint64_t capsa_reader_size(const capsa_reader *r)
{
	return r->size;
}

const capsa_header_info *capsa_reader_header(const capsa_reader *r)
{
	return &r->info;
}

static capsa_status take_state(capsa_reader *r, capsa_stream_ra **out)
{
	pthread_mutex_lock(&r->lock);
	*out = r->pool_len > 0 ? r->pool[--r->pool_len] : NULL;
	pthread_mutex_unlock(&r->lock);
	return *out != NULL ? CAPSA_OK : capsa_stream_ra_new(out, &r->params, r->prefix);
}

static void give_state(capsa_reader *r, capsa_stream_ra *ra)
{
	pthread_mutex_lock(&r->lock);
	if (r->pool_len < READER_POOL_MAX) {
		r->pool[r->pool_len++] = ra;
		ra = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	capsa_stream_ra_free(ra);
}

/* Opens chunk |index| into |pt| (room for a full chunk); |*pt_len| gets its plaintext size. */
static capsa_status open_chunk(capsa_reader *r, capsa_stream_ra *ra, uint8_t *pt, size_t *pt_len, uint8_t *ct,
                               uint64_t index)
{
	bool final = index == r->num_chunks - 1;
	size_t want = (size_t)capsa_payload_chunk_ct_len(r->size, index);
	size_t got;
	capsa_status st;

	if ((st = capsa_pread_full(r->fd, ct, want, r->hdr.len + capsa_payload_chunk_offset(index), &got)) != CAPSA_OK)
		return st;
	if (got != want)
		return CAPSA_ERR_TRUNCATED; /* the file shrank since it was opened */
	*pt_len = want - CAPSA_AEAD_TAGBYTES;
	return capsa_stream_ra_open(ra, pt, index, final, ct, want);
}

/*
 * With a recorded length the header MAC vouches for the size. Without one the
 * size comes from the file size, which nothing has authenticated yet: open the
 * final chunk once, so that a file cut short (or extended) fails here instead
 * of reporting a wrong size that only a read of its last chunk would expose.
 */
static capsa_status check_final_chunk(capsa_reader *r, capsa_stream_ra *ra)
{
	uint8_t *pt, *ct;
	size_t pt_len;
	capsa_status st;

	if (r->hdr.plaintext_len != CAPSA_LENGTH_UNKNOWN)
		return CAPSA_OK;
	pt = malloc(CAPSA_STREAM_CHUNK_BYTES);
	ct = malloc(CAPSA_STREAM_CHUNK_CT_BYTES);
	st = pt && ct ? open_chunk(r, ra, pt, &pt_len, ct, r->num_chunks - 1) : CAPSA_ERR_NOMEM;
	if (pt != NULL)
		capsa_wipe(pt, CAPSA_STREAM_CHUNK_BYTES);
	free(pt);
	free(ct);
	return st == CAPSA_ERR_AUTH ? CAPSA_ERR_CHUNK_AUTH : st;
}

/* ---- Signed files: every chunk a read touches, against the signed roots ------------- */

typedef struct node_source {
	capsa_reader *r;
	int tree;
} node_source;

/* A stored complete node, read from the trailer: trusted only through the root it must fold to. */
static capsa_status stored_node(void *arg, unsigned level, uint64_t index, uint8_t out[32])
{
	const node_source *ns = arg;
	capsa_reader *r = ns->r;
	bool copy = (r->hdr.flags & HDR_FLAG_COPY) != 0;
	size_t got;
	capsa_status st;

	if (index >= capsa_merkle_level_nodes(r->num_chunks, level))
		return CAPSA_ERR_INTERNAL;
	st = capsa_pread_full(r->fd, out, 32, r->trailer_off + trl_node_offset(r->num_chunks, copy, ns->tree, level, index),
	                      &got);
	return st == CAPSA_OK && got != 32 ? CAPSA_ERR_TRUNCATED : st;
}

/*
 * Checks the leaves [first, first + count) of one tree against its signed
 * root; on failure names the first chunk that does not check on its own.
 */
static capsa_status check_leaves(capsa_reader *r, int tree, uint64_t first, uint64_t count,
                                 const uint8_t (*leaves)[32], uint64_t *bad_chunk)
{
	node_source ns = {r, tree};
	const uint8_t *root = tree == 0 ? r->manifest.c_root : r->manifest.p_root;
	uint8_t got[32];
	capsa_status st;

	if ((st = capsa_merkle_range_root(got, r->num_chunks, first, count, leaves, stored_node, &ns)) != CAPSA_OK)
		return st;
	if (capsa_ct_equal(got, root, sizeof got))
		return CAPSA_OK;
	for (uint64_t i = 0; i < count; i++) {
		if ((st = capsa_merkle_range_root(got, r->num_chunks, first + i, 1, leaves + i, stored_node, &ns)) != CAPSA_OK)
			return st;
		if (!capsa_ct_equal(got, root, sizeof got)) {
			first += i;
			break;
		}
	}
	if (bad_chunk != NULL)
		*bad_chunk = first;
	return CAPSA_ERR_TREE;
}

typedef struct read_trees {
	uint8_t (*c)[32], (*p)[32]; /* leaf hashes of the chunks read */
	capsa_hmac *commit;
} read_trees;

static capsa_status read_chunks(capsa_reader *r, capsa_stream_ra *ra, uint8_t *out, uint64_t offset, size_t len,
                                uint64_t *bad_chunk)
{
	uint8_t *pt = malloc(CAPSA_STREAM_CHUNK_BYTES), *ct = malloc(CAPSA_STREAM_CHUNK_CT_BYTES);
	uint64_t first = offset / CAPSA_STREAM_CHUNK_BYTES, count = 0;
	uint64_t span = (offset + len - 1) / CAPSA_STREAM_CHUNK_BYTES - first + 1;
	read_trees t = {0};
	size_t done = 0, pt_len;
	capsa_status st = pt && ct ? CAPSA_OK : CAPSA_ERR_NOMEM;

	if (st == CAPSA_OK && r->is_signed) {
		t.c = calloc((size_t)span, 32);
		t.p = r->check_pt ? calloc((size_t)span, 32) : NULL;
		if (t.c == NULL || (r->check_pt && t.p == NULL))
			st = CAPSA_ERR_NOMEM;
		if (st == CAPSA_OK && r->check_pt)
			st = capsa_hmac_sha256_new(&t.commit, r->pc_key, sizeof r->pc_key);
	}
	while (st == CAPSA_OK && done < len) {
		uint64_t pos = offset + done, index = pos / CAPSA_STREAM_CHUNK_BYTES;
		size_t skip = (size_t)(pos % CAPSA_STREAM_CHUNK_BYTES), n;
		if ((st = open_chunk(r, ra, pt, &pt_len, ct, index)) != CAPSA_OK) {
			if (st == CAPSA_ERR_AUTH)
				st = CAPSA_ERR_CHUNK_AUTH;
			if (st == CAPSA_ERR_CHUNK_AUTH && bad_chunk != NULL)
				*bad_chunk = index;
			break;
		}
		if (t.c != NULL && (st = capsa_merkle_leaf_hash(t.c[count], ct, pt_len + CAPSA_AEAD_TAGBYTES)) != CAPSA_OK)
			break;
		if (t.p != NULL && (st = tree_commit_leaf(t.p[count], t.commit, index, pt, pt_len)) != CAPSA_OK)
			break;
		count++;
		n = pt_len - skip < len - done ? pt_len - skip : len - done;
		memcpy(out + done, pt + skip, n);
		done += n;
	}
	/* the caller's buffer is released only if every chunk is the signer's */
	if (st == CAPSA_OK && t.c != NULL)
		st = check_leaves(r, 0, first, count, (const uint8_t(*)[32])t.c, bad_chunk);
	if (st == CAPSA_OK && t.p != NULL)
		st = check_leaves(r, 1, first, count, (const uint8_t(*)[32])t.p, bad_chunk);
	free(t.c);
	free(t.p);
	capsa_hmac_sha256_free(t.commit);
	if (pt != NULL)
		capsa_wipe(pt, CAPSA_STREAM_CHUNK_BYTES);
	free(pt);
	free(ct);
	return st;
}

capsa_status capsa_reader_read(capsa_reader *r, uint8_t *out, uint64_t offset, size_t len, uint64_t *bad_chunk)
{
	capsa_stream_ra *ra = NULL;
	capsa_status st;

	if (offset > r->size || len > r->size - offset)
		return CAPSA_ERR_RANGE;
	if (len == 0)
		return CAPSA_OK;
	if ((st = take_state(r, &ra)) != CAPSA_OK)
		return st;
	st = read_chunks(r, ra, out, offset, len, bad_chunk);
	give_state(r, ra);
	if (st != CAPSA_OK)
		capsa_wipe(out, len);
	return st;
}

void capsa_reader_close(capsa_reader *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->pool_len; i++)
		capsa_stream_ra_free(r->pool[i]);
	if (r->fd >= 0)
		close(r->fd);
	pthread_mutex_destroy(&r->lock);
	capsa_hdr_cleanup(&r->hdr);
	capsa_header_info_free(&r->info);
	capsa_wipe(r->cek, sizeof r->cek);
	capsa_wipe(r->pc_key, sizeof r->pc_key);
	capsa_origin_wipe(&r->origin);
	free(r);
}

unsigned capsa_reader_checks(const capsa_reader *r)
{
	bool copy = (r->hdr.flags & HDR_FLAG_COPY) != 0;

	if (!r->is_signed)
		return 0;
	return CAPSA_CHECKED_CIPHERTEXT | (r->check_pt ? CAPSA_CHECKED_PLAINTEXT : 0) | (copy ? CAPSA_CHECKED_ORIGIN : 0);
}

capsa_status capsa_reader_origin(const capsa_reader *r, capsa_origin *out)
{
	memset(out, 0, sizeof *out);
	if (!r->is_signed)
		return CAPSA_ERR_ARG;
	if ((r->hdr.flags & HDR_FLAG_COPY) != 0) {
		*out = r->origin;
		return CAPSA_OK;
	}
	memcpy(out->header_hash, r->header_hash, sizeof out->header_hash);
	memcpy(out->signer, r->hdr.signer, sizeof out->signer);
	memcpy(out->manifest, r->fixed + TRL_MAGIC_BYTES, sizeof out->manifest);
	memcpy(out->signature, r->fixed + TRL_MAGIC_BYTES + TRL_MANIFEST_BYTES, sizeof out->signature);
	memcpy(out->pc_key, r->pc_key, sizeof out->pc_key);
	return CAPSA_OK;
}
