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
#include "container/io.h"
#include "stream/stream.h"

#define READER_POOL_MAX 64

struct capsa_reader {
	int fd;
	capsa_hdr hdr;
	capsa_header_info info;
	uint64_t size;           /* plaintext bytes */
	uint64_t payload_off;    /* offset of chunk 0 */
	uint64_t num_chunks;
	pthread_mutex_t lock;
	capsa_stream_ra *pool[READER_POOL_MAX];
	size_t pool_len;
	capsa_stream_params params; /* key points at |cek| */
	uint8_t cek[CAPSA_CEK_BYTES];
	uint8_t context[HDR_CONTEXT_BYTES];
	uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES];
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

/* Works out the plaintext size from the file size and checks it against the header. */
static capsa_status check_size(capsa_reader *r)
{
	struct stat sb;
	uint64_t payload;
	capsa_status st;

	if (fstat(r->fd, &sb) != 0)
		return CAPSA_ERR_IO;
	if ((uint64_t)sb.st_size < r->hdr.len + CAPSA_STREAM_PREFIX_BYTES)
		return CAPSA_ERR_TRUNCATED;
	payload = (uint64_t)sb.st_size - r->hdr.len;
	/* a recorded length names the exact payload size: longer is trailing data, whatever its length */
	if (r->hdr.plaintext_len != CAPSA_LENGTH_UNKNOWN && payload != capsa_payload_len(r->hdr.plaintext_len))
		return payload < capsa_payload_len(r->hdr.plaintext_len) ? CAPSA_ERR_TRUNCATED : CAPSA_ERR_TRAILING;
	if ((st = capsa_payload_plaintext_len(&r->size, payload)) != CAPSA_OK)
		return st;
	r->payload_off = r->hdr.len + CAPSA_STREAM_PREFIX_BYTES;
	r->num_chunks = r->size / CAPSA_STREAM_CHUNK_BYTES + 1;
	return CAPSA_OK;
}

static capsa_status check_final_chunk(capsa_reader *r, capsa_stream_ra *ra);

static capsa_status setup(capsa_reader *r, const capsa_unlock *unlock)
{
	capsa_stream_ra *ra = NULL;
	size_t index, got;
	capsa_status st;

	if ((st = read_header(r)) != CAPSA_OK || (st = capsa_hdr_info(&r->info, &r->hdr)) != CAPSA_OK ||
	    (st = capsa_hdr_unlock(r->cek, &index, &r->hdr, unlock)) != CAPSA_OK || (st = check_size(r)) != CAPSA_OK)
		return st;
	r->params = (capsa_stream_params){.key = r->cek, .key_len = sizeof r->cek, .context = r->context,
	                                  .context_len = sizeof r->context, .threads = 1,
	                                  .plaintext_len = r->size};
	if ((st = capsa_suite_alg(&r->params.alg, r->hdr.suite)) != CAPSA_OK ||
	    (st = capsa_hdr_context(r->context, r->hdr.bytes, r->hdr.len)) != CAPSA_OK ||
	    (st = capsa_pread_full(r->fd, r->prefix, sizeof r->prefix, r->hdr.len, &got)) != CAPSA_OK)
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
	size_t want = final ? (size_t)(r->size % CAPSA_STREAM_CHUNK_BYTES) + CAPSA_AEAD_TAGBYTES
	                    : CAPSA_STREAM_CHUNK_CT_BYTES;
	size_t got;
	capsa_status st;

	if ((st = capsa_pread_full(r->fd, ct, want, r->payload_off + index * CAPSA_STREAM_CHUNK_CT_BYTES, &got)) !=
	    CAPSA_OK)
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

static capsa_status read_chunks(capsa_reader *r, capsa_stream_ra *ra, uint8_t *out, uint64_t offset, size_t len,
                                uint64_t *bad_chunk)
{
	uint8_t *pt = malloc(CAPSA_STREAM_CHUNK_BYTES), *ct = malloc(CAPSA_STREAM_CHUNK_CT_BYTES);
	size_t done = 0, pt_len;
	capsa_status st = pt && ct ? CAPSA_OK : CAPSA_ERR_NOMEM;

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
		n = pt_len - skip < len - done ? pt_len - skip : len - done;
		memcpy(out + done, pt + skip, n);
		done += n;
	}
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
	free(r);
}
