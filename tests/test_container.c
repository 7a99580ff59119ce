/*
 * The container: round trips at the chunk-size edges, every single-bit flip
 * in a header, bit flips across chunks, truncation, reordered, duplicated and
 * appended chunks, the wrong identity, several recipients, unknown stanza
 * types, random-access reads, and the length a seal promises.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "check.h"
#include "container/header.h"
#include "container/stanza.h"
#include "stream/stream.h"

#define CT CAPSA_STREAM_CHUNK_CT_BYTES
#define PT CAPSA_STREAM_CHUNK_BYTES

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

static void buf_free(buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

static capsa_identity ids[3];
static capsa_recipient recs[3];

static void make_identities(void)
{
	for (int i = 0; i < 3; i++) {
		uint8_t seed[32];
		memset(seed, 0x11 * (i + 1), sizeof seed);
		CHECK_OK(capsa_identity_from_seed(&ids[i], seed));
		capsa_identity_recipient(&recs[i], &ids[i]);
	}
}

static uint8_t *pattern(size_t len, unsigned salt)
{
	uint8_t *p = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 7 + 3 + salt) % 251);
	return p;
}

/* Seals |pt| to the first |n| recipients. */
static buf seal(const uint8_t *pt, size_t len, size_t n, capsa_suite suite, bool known)
{
	capsa_seal_opts o = {.suite = suite, .threads = 2, .recipients = recs, .num_recipients = n,
	                     .plaintext_len = known ? len : CAPSA_LENGTH_UNKNOWN};
	capsa_seal *s = NULL;
	buf out = {0};

	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &out));
	if (s != NULL) {
		/* uneven pieces, to cross chunk boundaries inside writes */
		for (size_t off = 0, step = 1; off < len; off += step, step = step * 3 + 1) {
			size_t n2 = step < len - off ? step : len - off;
			CHECK_OK(capsa_seal_write(s, pt + off, n2));
		}
		CHECK_OK(capsa_seal_finish(s));
	}
	capsa_seal_free(s);
	return out;
}

typedef struct opened {
	capsa_status st;
	buf pt;
	uint64_t bad_chunk;
} opened;

/* Opens |c| with identities [first, first+n), fed in |piece|-byte writes. */
static opened open_with(const uint8_t *c, size_t len, size_t first, size_t n, size_t piece)
{
	capsa_unlock u = {.identities = ids + first, .num_identities = n};
	capsa_open *o = NULL;
	opened r = {0};

	r.st = capsa_open_new(&o, &u, 2, buf_sink, &r.pt);
	for (size_t off = 0; r.st == CAPSA_OK && off < len; off += piece)
		r.st = capsa_open_write(o, c + off, piece < len - off ? piece : len - off);
	if (r.st == CAPSA_OK)
		r.st = capsa_open_finish(o);
	if (r.st == CAPSA_ERR_CHUNK_AUTH)
		r.bad_chunk = capsa_open_bad_chunk(o);
	capsa_open_free(o);
	return r;
}

static void round_trip(size_t len, capsa_suite suite, bool known)
{
	uint8_t *pt = pattern(len, (unsigned)len);
	buf c = seal(pt, len, 1, suite, known);
	opened r = open_with(c.data, c.len, 0, 1, 65536 + 13);
	capsa_header_info info;

	check_context("round trip %zu bytes, %s, length %s", len, capsa_suite_name(suite), known ? "known" : "unknown");
	CHECK_OK(r.st);
	CHECK(r.pt.len == len);
	CHECK(len == 0 || (r.pt.len == len && memcmp(r.pt.data, pt, len) == 0));
	CHECK_OK(capsa_inspect_buf(&info, c.data, c.len));
	CHECK(c.len == info.header_len + capsa_payload_len(len));
	CHECK(info.suite == suite && info.num_stanzas == 1 && strcmp(info.stanzas[0].type, "x25519") == 0);
	CHECK(info.plaintext_len == (known ? len : CAPSA_LENGTH_UNKNOWN));
	CHECK(info.stanzas[0].known && !info.signed_header && info.chunk_bytes == PT);
	capsa_header_info_free(&info);
	buf_free(&r.pt);
	buf_free(&c);
	free(pt);
}

static void round_trips(void)
{
	static const size_t sizes[] = {0, 1, PT - 1, PT, PT + 1, 2 * PT, 100 * PT + 7};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		round_trip(sizes[i], CAPSA_SUITE_AES_256_GCM, true);
		round_trip(sizes[i], CAPSA_SUITE_CHACHA20_POLY1305, true);
		round_trip(sizes[i], CAPSA_SUITE_AES_256_GCM, false);
	}
}

static void recipients_and_identities(void)
{
	uint8_t *pt = pattern(5000, 1);
	buf c = seal(pt, 5000, 2, CAPSA_SUITE_AES_256_GCM, true);
	opened r;

	check_context("recipients");
	for (size_t i = 0; i < 2; i++) {
		r = open_with(c.data, c.len, i, 1, c.len);
		CHECK_OK(r.st);
		CHECK(r.pt.len == 5000 && memcmp(r.pt.data, pt, 5000) == 0);
		buf_free(&r.pt);
	}
	r = open_with(c.data, c.len, 2, 1, c.len); /* the third identity is no recipient */
	CHECK_STATUS(r.st, CAPSA_ERR_NO_MATCH);
	CHECK(r.pt.len == 0);
	buf_free(&r.pt);
	r = open_with(c.data, c.len, 1, 2, 7); /* several identities, one matches */
	CHECK_OK(r.st);
	buf_free(&r.pt);
	buf_free(&c);
	free(pt);
}

/* What a flip of a bit in header byte |i| must give, by field (doc/FORMAT.md). */
static bool flip_status_ok(const capsa_hdr *h, size_t i, capsa_status st)
{
	size_t stanza_start = HDR_PREAMBLE_BYTES, type_end = stanza_start + 1 + strlen(h->stanzas[0].type);

	if (i < HDR_MAGIC_BYTES)
		return st == CAPSA_ERR_NOT_CAPSA;
	if (i == HDR_MAGIC_BYTES)
		return st == CAPSA_ERR_VERSION;
	if (i < 10) /* suite: unknown, or the other suite, which the stanza's AAD refuses */
		return st == CAPSA_ERR_UNSUPPORTED || st == CAPSA_ERR_NO_MATCH;
	if (i == 10)
		return st == CAPSA_ERR_UNSUPPORTED;
	if (i == 11)
		return st == CAPSA_ERR_DECODE;
	if (i < HDR_FIXED_BYTES) /* plaintext length, content id: bound into the stanza */
		return st == CAPSA_ERR_NO_MATCH;
	if (i < HDR_PREAMBLE_BYTES) /* header length, stanza count */
		return st == CAPSA_ERR_DECODE || st == CAPSA_ERR_TRUNCATED;
	if (i == stanza_start) /* type length */
		return st == CAPSA_ERR_DECODE;
	if (i < type_end) /* type name: invalid, or a type nobody here knows */
		return st == CAPSA_ERR_DECODE || st == CAPSA_ERR_NO_MATCH;
	if (i < type_end + 2) /* body length */
		return st == CAPSA_ERR_DECODE;
	if (i < h->mac_offset) /* body */
		return st == CAPSA_ERR_NO_MATCH;
	return st == CAPSA_ERR_HEADER_AUTH;
}

static void header_bit_flips(void)
{
	uint8_t *pt = pattern(100, 2);
	buf c = seal(pt, 100, 1, CAPSA_SUITE_AES_256_GCM, true);
	capsa_hdr h;
	size_t wrong = 0, leaked = 0;

	CHECK_OK(capsa_hdr_parse(&h, c.data, c.len));
	for (size_t i = 0; i < h.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			opened r;
			c.data[i] ^= (uint8_t)(1u << bit);
			r = open_with(c.data, c.len, 0, 1, c.len);
			c.data[i] ^= (uint8_t)(1u << bit);
			if (!flip_status_ok(&h, i, r.st)) {
				wrong++;
				check_context("header byte %zu bit %d: %s", i, bit, capsa_status_str(r.st));
				CHECK(flip_status_ok(&h, i, r.st));
			}
			leaked += r.pt.len;
			buf_free(&r.pt);
		}
	}
	check_context("header bit flips");
	CHECK(wrong == 0);
	CHECK(leaked == 0);
	capsa_hdr_cleanup(&h);
	buf_free(&c);
	free(pt);
}

/* Streaming: a flip in chunk k fails with that index, after exactly k verified chunks. */
static void chunk_bit_flips_streaming(void)
{
	size_t len = 3 * PT + 100;
	uint8_t *pt = pattern(len, 3);
	buf c = seal(pt, len, 1, CAPSA_SUITE_CHACHA20_POLY1305, true);
	size_t hdr_len = c.len - capsa_payload_len(len), payload = hdr_len + CAPSA_STREAM_PREFIX_BYTES;

	for (size_t i = hdr_len; i < c.len; i += (i < payload ? 1 : 997)) {
		uint64_t index = i < payload ? 0 : (i - payload) / CT;
		opened r;
		c.data[i] ^= (uint8_t)(1u << (i % 8));
		r = open_with(c.data, c.len, 0, 1, 10000);
		c.data[i] ^= (uint8_t)(1u << (i % 8));
		check_context("payload byte %zu", i - hdr_len);
		if (i < payload) {
			CHECK_STATUS(r.st, CAPSA_ERR_AUTH); /* salt or key commitment */
			CHECK(r.pt.len == 0);
		} else {
			CHECK_STATUS(r.st, CAPSA_ERR_CHUNK_AUTH);
			CHECK(r.bad_chunk == index);
			CHECK(r.pt.len == index * PT && (r.pt.len == 0 || memcmp(r.pt.data, pt, r.pt.len) == 0));
		}
		buf_free(&r.pt);
	}
	buf_free(&c);
	free(pt);
}

static int write_temp(const buf *c, char *path)
{
	int fd;
	strcpy(path, "/tmp/capsa-test-XXXXXX");
	fd = mkstemp(path);
	if (fd >= 0 && write(fd, c->data, c->len) != (ssize_t)c->len) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Random access: every bit of the final chunk and of every tag, one bit in every byte elsewhere. */
static void chunk_bit_flips_reader(void)
{
	size_t len = 2 * PT + 300;
	uint8_t *pt = pattern(len, 4), *out = malloc(len);
	buf c = seal(pt, len, 1, CAPSA_SUITE_AES_256_GCM, true);
	size_t payload = c.len - capsa_payload_len(len) + CAPSA_STREAM_PREFIX_BYTES, wrong = 0;
	capsa_unlock u = {.identities = ids, .num_identities = 1};
	capsa_reader *r = NULL;
	char path[64];
	int fd = write_temp(&c, path);

	CHECK(fd >= 0);
	CHECK_OK(capsa_reader_open_fd(&r, fd, &u));
	for (size_t i = payload; r != NULL && i < c.len; i++) {
		size_t index = (i - payload) / CT, in_chunk = (i - payload) % CT;
		bool every_bit = index == 2 || in_chunk >= PT;
		for (int bit = every_bit ? 0 : (int)(i % 8); bit < (every_bit ? 8 : (int)(i % 8) + 1); bit++) {
			uint8_t b = (uint8_t)(c.data[i] ^ (1u << bit));
			uint64_t bad = UINT64_MAX;
			capsa_status st;
			CHECK(pwrite(fd, &b, 1, (off_t)i) == 1);
			st = capsa_reader_read(r, out, index * PT, index == 2 ? 300 : PT, &bad);
			CHECK(pwrite(fd, &c.data[i], 1, (off_t)i) == 1);
			if (st != CAPSA_ERR_CHUNK_AUTH || bad != index || out[0] != 0 || out[1] != 0)
				wrong++;
		}
	}
	check_context("reader chunk flips");
	CHECK(wrong == 0);
	CHECK_OK(capsa_reader_read(r, out, 0, len, NULL));
	CHECK(memcmp(out, pt, len) == 0);
	capsa_reader_close(r);
	close(fd);
	unlink(path);
	buf_free(&c);
	free(out);
	free(pt);
}

static void truncations(void)
{
	size_t len = 3 * PT + 50;
	uint8_t *pt = pattern(len, 5);

	for (int known = 0; known < 2; known++) {
		buf c = seal(pt, len, 1, CAPSA_SUITE_AES_256_GCM, known);
		size_t payload = c.len - capsa_payload_len(len) + CAPSA_STREAM_PREFIX_BYTES;
		size_t cuts[] = {0, 3, 20, HDR_PREAMBLE_BYTES, payload - 56, payload - 1, payload,
		                 payload + 1, payload + CT - 1, payload + CT, payload + CT + 1,
		                 payload + 2 * CT, payload + 3 * CT, payload + 3 * CT + 16, c.len - 1};
		for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
			opened r = open_with(c.data, cuts[k], 0, 1, 4096);
			bool boundary = cuts[k] >= payload && (cuts[k] - payload) % CT == 0;
			check_context("cut at %zu of %zu, length %s", cuts[k], c.len, known ? "known" : "unknown");
			if (cuts[k] == 0)
				CHECK_STATUS(r.st, CAPSA_ERR_NOT_CAPSA);
			else if (known || boundary || cuts[k] < payload)
				CHECK_STATUS(r.st, CAPSA_ERR_TRUNCATED);
			else /* a cut inside a chunk looks like a short final chunk that fails */
				CHECK(r.st == CAPSA_ERR_TRUNCATED || r.st == CAPSA_ERR_CHUNK_AUTH);
			CHECK(r.pt.len % PT == 0 && r.pt.len < len); /* only whole verified chunks came out */
			buf_free(&r.pt);
		}
		buf_free(&c);
	}
	free(pt);
}

/* Rebuilds |c| with its payload chunks in the order |order| (indices; -1 ends). */
static buf rearrange(const buf *c, size_t payload, size_t num_chunks, const int *order, const uint8_t *extra,
                     size_t extra_len)
{
	buf out = {0};
	CHECK_OK(buf_sink(&out, c->data, payload));
	for (size_t k = 0; order[k] >= 0; k++) {
		size_t at = payload + (size_t)order[k] * CT;
		size_t n = (size_t)order[k] == num_chunks - 1 ? c->len - at : CT;
		CHECK_OK(buf_sink(&out, c->data + at, n));
	}
	CHECK_OK(buf_sink(&out, extra, extra_len));
	return out;
}

static void reorder_duplicate_append(void)
{
	size_t len = 3 * PT + 77;
	uint8_t *pt = pattern(len, 6), junk[CT];

	memset(junk, 0xa5, sizeof junk);
	for (int known = 0; known < 2; known++) {
		buf c = seal(pt, len, 1, CAPSA_SUITE_AES_256_GCM, known);
		size_t payload = c.len - capsa_payload_len(len) + CAPSA_STREAM_PREFIX_BYTES;
		static const int swapped[] = {1, 0, 2, 3, -1}, dup[] = {0, 0, 1, 2, 3, -1},
		                 dropped[] = {0, 2, 3, -1}, same[] = {0, 1, 2, 3, -1};
		struct { const int *order; size_t extra; capsa_status want; uint64_t bad; const char *what; } cases[] = {
			{swapped, 0, CAPSA_ERR_CHUNK_AUTH, 0, "swapped"},
			/* with a recorded length the length mismatch may be seen first */
			{dup, 0, known ? CAPSA_ERR_TRAILING : CAPSA_ERR_CHUNK_AUTH, 1, "duplicated"},
			{dropped, 0, known ? CAPSA_ERR_TRUNCATED : CAPSA_ERR_CHUNK_AUTH, 1, "dropped"},
			{same, 1, known ? CAPSA_ERR_TRAILING : CAPSA_ERR_CHUNK_AUTH, 3, "one byte appended"},
			{same, CT, known ? CAPSA_ERR_TRAILING : CAPSA_ERR_CHUNK_AUTH, 3, "a chunk appended"},
		};
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			buf m = rearrange(&c, payload, 4, cases[k].order, junk, cases[k].extra);
			opened r = open_with(m.data, m.len, 0, 1, 5000);
			check_context("%s, length %s", cases[k].what, known ? "known" : "unknown");
			CHECK_STATUS(r.st, cases[k].want);
			if (cases[k].want == CAPSA_ERR_CHUNK_AUTH)
				CHECK(r.bad_chunk == cases[k].bad);
			CHECK(r.pt.len <= cases[k].bad * PT);
			buf_free(&r.pt);
			buf_free(&m);
		}
		buf_free(&c);
	}
	free(pt);
}

static void random_access(void)
{
	size_t len = 20 * PT + 999;
	uint8_t *pt = pattern(len, 7), *out = malloc(len);
	capsa_unlock u = {.identities = ids + 1, .num_identities = 2};
	capsa_reader *r = NULL;
	char path[64];

	for (int known = 0; known < 2; known++) {
		buf c = seal(pt, len, 2, CAPSA_SUITE_CHACHA20_POLY1305, known);
		int fd = write_temp(&c, path);
		size_t wrong = 0;
		CHECK_OK(capsa_reader_open(&r, path, &u));
		CHECK(r != NULL && capsa_reader_size(r) == len);
		srand(1234);
		for (int k = 0; r != NULL && k < 500; k++) {
			uint64_t off = (uint64_t)rand() % (len + 1);
			size_t n = (size_t)rand() % (k % 10 == 0 ? len - off + 1 : (size_t)(3 * PT < len - off ? 3 * PT : len - off) + 1);
			if (capsa_reader_read(r, out, off, n, NULL) != CAPSA_OK || memcmp(out, pt + off, n) != 0)
				wrong++;
		}
		check_context("random access, length %s", known ? "known" : "unknown");
		CHECK(wrong == 0);
		CHECK_OK(capsa_reader_read(r, out, len, 0, NULL));
		CHECK_STATUS(capsa_reader_read(r, out, len - 1, 2, NULL), CAPSA_ERR_RANGE);
		CHECK_STATUS(capsa_reader_read(r, out, UINT64_MAX, 1, NULL), CAPSA_ERR_RANGE);
		capsa_reader_close(r);
		r = NULL;
		/* the wrong identity, and a truncated file */
		u.identities = ids + 2;
		u.num_identities = 1;
		CHECK_STATUS(capsa_reader_open(&r, path, &u), CAPSA_ERR_NO_MATCH);
		u.identities = ids + 1;
		CHECK(ftruncate(fd, (off_t)(c.len - CT)) == 0);
		/* without a recorded length the final chunk vouches for the size: it must fail at open */
		CHECK_STATUS(capsa_reader_open(&r, path, &u), known ? CAPSA_ERR_TRUNCATED : CAPSA_ERR_CHUNK_AUTH);
		CHECK(r == NULL);
		capsa_reader_close(r);
		r = NULL;
		close(fd);
		unlink(path);
		buf_free(&c);
	}
	free(out);
	free(pt);
}

/*
 * Bytes appended to a file with a recorded length are trailing data whatever
 * their number, including a number that makes the payload look cut inside a
 * tag (its length minus 56, modulo 16400, under 16): reader and stream agree.
 */
static void appended_with_recorded_length(void)
{
	size_t len = 3 * PT + 77, final_ct = 77 + CAPSA_AEAD_TAGBYTES;
	size_t extras[] = {1, CT - final_ct, CT - final_ct + 15, CT - final_ct + 16, CT};
	uint8_t *pt = pattern(len, 9), junk[CT];
	buf c = seal(pt, len, 1, CAPSA_SUITE_AES_256_GCM, true);
	capsa_unlock u = {.identities = ids, .num_identities = 1};

	memset(junk, 0x5a, sizeof junk);
	for (size_t k = 0; k < sizeof extras / sizeof extras[0]; k++) {
		buf m = {0};
		capsa_reader *r = NULL;
		char path[64];
		int fd;
		opened o;
		CHECK_OK(buf_sink(&m, c.data, c.len));
		CHECK_OK(buf_sink(&m, junk, extras[k]));
		fd = write_temp(&m, path);
		check_context("%zu bytes appended", extras[k]);
		CHECK(fd >= 0);
		CHECK_STATUS(capsa_reader_open(&r, path, &u), CAPSA_ERR_TRAILING);
		CHECK(r == NULL);
		o = open_with(m.data, m.len, 0, 1, 4096);
		CHECK_STATUS(o.st, CAPSA_ERR_TRAILING);
		buf_free(&o.pt);
		close(fd);
		unlink(path);
		buf_free(&m);
	}
	buf_free(&c);
	free(pt);
}

struct reader_job {
	capsa_reader *r;
	const uint8_t *pt;
	size_t len;
	unsigned seed;
	size_t wrong;
};

static void *reader_thread(void *arg)
{
	struct reader_job *j = arg;
	uint8_t *out = malloc(3 * PT);

	for (int k = 0; k < 200; k++) {
		uint64_t off = (uint64_t)rand_r(&j->seed) % j->len;
		size_t n = (size_t)rand_r(&j->seed) % (3 * PT);
		if (n > j->len - off)
			n = j->len - off;
		if (capsa_reader_read(j->r, out, off, n, NULL) != CAPSA_OK || memcmp(out, j->pt + off, n) != 0)
			j->wrong++;
	}
	free(out);
	return NULL;
}

/* One reader shared by four threads, as its header promises. */
static void reader_threads(void)
{
	size_t len = 30 * PT + 5;
	uint8_t *pt = pattern(len, 9);
	buf c = seal(pt, len, 1, CAPSA_SUITE_AES_256_GCM, true);
	capsa_unlock u = {.identities = ids, .num_identities = 1};
	capsa_reader *r = NULL;
	struct reader_job jobs[4];
	pthread_t t[4];
	char path[64];
	int fd = write_temp(&c, path);
	size_t wrong = 0;

	check_context("reader shared by threads");
	CHECK_OK(capsa_reader_open(&r, path, &u));
	for (int i = 0; r != NULL && i < 4; i++) {
		jobs[i] = (struct reader_job){.r = r, .pt = pt, .len = len, .seed = (unsigned)i + 1};
		CHECK(pthread_create(&t[i], NULL, reader_thread, &jobs[i]) == 0);
	}
	for (int i = 0; r != NULL && i < 4; i++) {
		pthread_join(t[i], NULL);
		wrong += jobs[i].wrong;
	}
	CHECK(wrong == 0);
	capsa_reader_close(r);
	close(fd);
	unlink(path);
	buf_free(&c);
	free(pt);
}

/* A header built by hand: an unknown stanza type before the x25519 one. */
static buf seal_with_unknown_stanza(const uint8_t *pt, size_t len)
{
	uint8_t cek[CAPSA_CEK_BYTES], mac[32], context[HDR_CONTEXT_BYTES], *hdr = NULL;
	capsa_stanza_ctx ctx = {.suite = CAPSA_SUITE_AES_256_GCM, .alg = CAPSA_AEAD_AES_256_GCM, .fixed_len = 36};
	capsa_cbb cbb, body;
	capsa_stream_params sp = {.alg = CAPSA_AEAD_AES_256_GCM, .key = cek, .key_len = 32, .context = context,
	                          .context_len = sizeof context, .threads = 1};
	capsa_stream_enc *enc = NULL;
	size_t hdr_len;
	buf out = {0};
	static const char other[] = "example.org/route";

	CHECK_OK(capsa_random(cek, sizeof cek));
	CHECK(capsa_cbb_init(&cbb, 256) && capsa_cbb_init(&body, 128));
	capsa_cbb_add_bytes(&cbb, capsa_hdr_magic, 7);
	capsa_cbb_add_u8(&cbb, 1);
	capsa_cbb_add_u16(&cbb, CAPSA_SUITE_AES_256_GCM);
	capsa_cbb_add_u8(&cbb, 14);
	capsa_cbb_add_u8(&cbb, 0);
	capsa_cbb_add_u64(&cbb, len);
	capsa_cbb_add_bytes(&cbb, "0123456789abcdef", 16);
	capsa_cbb_add_u32(&cbb, 42 + (1 + 17 + 2 + 5) + (1 + 6 + 2 + 80) + 32);
	capsa_cbb_add_u16(&cbb, 2);
	capsa_cbb_add_u8(&cbb, 17);
	capsa_cbb_add_bytes(&cbb, other, 17);
	capsa_cbb_add_u16_prefixed(&cbb, "hello", 5);
	ctx.fixed = cbb.buf;
	CHECK_OK(capsa_stanza_x25519.wrap(&body, &ctx, &recs[0], cek));
	capsa_cbb_add_u8(&cbb, 6);
	capsa_cbb_add_bytes(&cbb, "x25519", 6);
	capsa_cbb_add_u16_prefixed(&cbb, body.buf, body.len);
	CHECK_OK(capsa_hdr_mac(mac, cek, cbb.buf, cbb.len));
	capsa_cbb_add_bytes(&cbb, mac, 32);
	CHECK(capsa_cbb_finish(&cbb, &hdr, &hdr_len));
	CHECK_OK(buf_sink(&out, hdr, hdr_len));
	CHECK_OK(capsa_hdr_context(context, hdr, hdr_len));
	CHECK_OK(capsa_stream_enc_new(&enc, &sp, NULL, buf_sink, &out));
	CHECK_OK(capsa_stream_enc_write(enc, pt, len));
	CHECK_OK(capsa_stream_enc_finish(enc));
	capsa_stream_enc_free(enc);
	capsa_cbb_cleanup(&body);
	free(hdr);
	capsa_wipe(cek, sizeof cek);
	return out;
}

static void unknown_stanza_skipped(void)
{
	uint8_t *pt = pattern(1000, 8);
	buf c = seal_with_unknown_stanza(pt, 1000);
	opened r = open_with(c.data, c.len, 0, 1, 333);
	capsa_header_info info;

	check_context("unknown stanza type");
	CHECK_OK(r.st);
	CHECK(r.pt.len == 1000 && memcmp(r.pt.data, pt, 1000) == 0);
	CHECK_OK(capsa_inspect_buf(&info, c.data, c.len));
	CHECK(info.num_stanzas == 2 && strcmp(info.stanzas[0].type, "example.org/route") == 0);
	CHECK(!info.stanzas[0].known && info.stanzas[1].known);
	capsa_header_info_free(&info);
	buf_free(&r.pt);
	r = open_with(c.data, c.len, 1, 1, c.len);
	CHECK_STATUS(r.st, CAPSA_ERR_NO_MATCH);
	buf_free(&r.pt);
	buf_free(&c);
	free(pt);
}

static void signed_header(void)
{
	capsa_seal_opts o = {.recipients = recs, .num_recipients = 1, .plaintext_len = 3, .signer = &ids[2]};
	capsa_seal *s = NULL;
	capsa_header_info info;
	buf c = {0};
	opened r;

	check_context("signed header");
	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &c));
	CHECK_OK(capsa_seal_write(s, (const uint8_t *)"abc", 3));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	CHECK_OK(capsa_inspect_buf(&info, c.data, c.len));
	CHECK(info.signed_header && memcmp(info.signer, ids[2].ed25519_public, 32) == 0);
	r = open_with(c.data, c.len, 0, 1, c.len);
	CHECK_OK(r.st);
	buf_free(&r.pt);
	CHECK(info.version == 2 && !info.copy);
	/* the signer is under the MAC: another signer key, or a stripped signer, does not open */
	size_t header_len = info.header_len;
	capsa_header_info_free(&info);
	c.data[header_len - HDR_MAC_BYTES - 1] ^= 1;
	r = open_with(c.data, c.len, 0, 1, c.len);
	CHECK_STATUS(r.st, CAPSA_ERR_HEADER_AUTH);
	buf_free(&r.pt);
	c.data[header_len - HDR_MAC_BYTES - 1] ^= 1;
	c.data[11] &= (uint8_t)~HDR_FLAG_SIGNED;
	r = open_with(c.data, c.len, 0, 1, c.len);
	CHECK(r.st == CAPSA_ERR_DECODE || r.st == CAPSA_ERR_NO_MATCH);
	buf_free(&r.pt);
	capsa_header_info_free(&info);
	buf_free(&c);
}

static void promised_length(void)
{
	capsa_seal_opts o = {.recipients = recs, .num_recipients = 1, .plaintext_len = 10};
	capsa_seal *s = NULL;
	buf c = {0};

	check_context("promised length");
	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &c));
	CHECK_OK(capsa_seal_write(s, (const uint8_t *)"12345", 5));
	CHECK_STATUS(capsa_seal_finish(s), CAPSA_ERR_ARG);
	capsa_seal_free(s);
	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &c));
	CHECK_STATUS(capsa_seal_write(s, (const uint8_t *)"12345678901", 11), CAPSA_ERR_ARG);
	capsa_seal_free(s);
	o.num_recipients = 0;
	CHECK_STATUS(capsa_seal_new(&s, &o, buf_sink, &c), CAPSA_ERR_ARG);
	o.num_recipients = 1;
	o.suite = (capsa_suite)1;
	CHECK_STATUS(capsa_seal_new(&s, &o, buf_sink, &c), CAPSA_ERR_ARG);
	buf_free(&c);
}

/* The FILE * sink, and the fd sink, carry a whole container. */
static void file_sinks(void)
{
	capsa_seal_opts o = {.recipients = recs, .num_recipients = 1, .plaintext_len = 3};
	capsa_seal *s = NULL;
	FILE *f = tmpfile();
	uint8_t back[1024];
	size_t n;
	opened r;

	check_context("file sinks");
	CHECK(f != NULL);
	CHECK_OK(capsa_seal_new(&s, &o, capsa_sink_file, f));
	CHECK_OK(capsa_seal_write(s, (const uint8_t *)"xyz", 3));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	rewind(f);
	n = fread(back, 1, sizeof back, f);
	r = open_with(back, n, 0, 1, n);
	CHECK_OK(r.st);
	CHECK(r.pt.len == 3 && memcmp(r.pt.data, "xyz", 3) == 0);
	buf_free(&r.pt);
	fclose(f);
}

static void payload_arithmetic(void)
{
	uint64_t pt;
	check_context("payload arithmetic");
	for (uint64_t n = 0; n < 3 * PT + 2; n += (n % PT < 3 || n % PT > PT - 3) ? 1 : 4093) {
		CHECK_OK(capsa_payload_plaintext_len(&pt, capsa_payload_len(n)));
		CHECK(pt == n);
	}
	CHECK_STATUS(capsa_payload_plaintext_len(&pt, 56 + 15), CAPSA_ERR_TRUNCATED);
	CHECK_STATUS(capsa_payload_plaintext_len(&pt, 56 + CT + 15), CAPSA_ERR_TRUNCATED);
	CHECK_OK(capsa_payload_plaintext_len(&pt, 56 + CT + 16));
	CHECK(pt == PT);
}

/* Routes by stanza type: the path a new stanza type (umbral, keepers) seals through. */
static void routes_by_type(void)
{
	capsa_route_key routes[] = {{"x25519", &recs[1]}, {"example.org/none", &recs[0]}};
	capsa_seal_opts o = {.recipients = recs, .num_recipients = 1, .routes = routes, .num_routes = 1,
	                     .plaintext_len = 4};
	capsa_seal *s = NULL;
	capsa_header_info info;
	buf c = {0};
	opened r;

	check_context("routes by type");
	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &c));
	CHECK_OK(capsa_seal_write(s, (const uint8_t *)"abcd", 4));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	CHECK_OK(capsa_inspect_buf(&info, c.data, c.len));
	CHECK(info.num_stanzas == 2);
	capsa_header_info_free(&info);
	r = open_with(c.data, c.len, 1, 1, c.len);
	CHECK_OK(r.st);
	CHECK(r.pt.len == 4 && memcmp(r.pt.data, "abcd", 4) == 0);
	buf_free(&r.pt);
	o.routes = routes + 1;
	CHECK_STATUS(capsa_seal_new(&s, &o, buf_sink, &c), CAPSA_ERR_UNSUPPORTED);
	CHECK(s == NULL);
	o.num_recipients = 0;
	o.routes = routes;
	o.plaintext_len = 0;
	CHECK_OK(capsa_seal_new(&s, &o, buf_sink, &c));
	capsa_seal_free(s);
	buf_free(&c);
}

int main(void)
{
	make_identities();
	payload_arithmetic();
	round_trips();
	recipients_and_identities();
	header_bit_flips();
	chunk_bit_flips_streaming();
	chunk_bit_flips_reader();
	truncations();
	reorder_duplicate_append();
	random_access();
	appended_with_recorded_length();
	reader_threads();
	unknown_stanza_skipped();
	signed_header();
	promised_length();
	routes_by_type();
	file_sinks();
	for (int i = 0; i < 3; i++)
		capsa_identity_wipe(&ids[i]);
	return check_summary();
}
