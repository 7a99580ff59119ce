/*
 * bench/stream_file.c - the payload engine alone, file to file: what the
 * capsa container costs on top of it shows against `capsa seal`/`capsa open`.
 *
 *   stream_file seal|open [-j THREADS] [-p | -m | -b READ_BYTES] [-c aes-256-gcm|chacha20-poly1305] IN OUT
 *
 * How the input reaches the engine:
 *   -p  the workers pread(2) the chunks they claim into buffers of their own
 *       (capsa_stream_enc_write_from), as capsa_seal_fd / capsa_open_fd do;
 *   -m  the file mapped 16 MiB at a time and sealed in place: what
 *       capsa_seal_fd / capsa_open_fd did before, kept to show what the
 *       private copy costs (the mapped pages are not private: another
 *       process's writes show through them while the AEAD reads them);
 *   default: read(2) of READ_BYTES (1 MiB) straight into the engine's buffers.
 *
 * The key is a fixed constant: this program measures speed, it protects nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/container.h> /* capsa_sink_fd */

#include "stream/stream.h"

static size_t read_max = 1u << 20; /* -b: bytes per read(2) */

static const uint8_t bench_key[32] = "capsa bench key, not a secret!!";

typedef capsa_status (*buffer_fn)(void *obj, uint8_t **buf, size_t *len);
typedef capsa_status (*commit_fn)(void *obj, size_t n);

static capsa_status enc_buffer(void *obj, uint8_t **buf, size_t *len)
{
	return capsa_stream_enc_buffer(obj, buf, len);
}

static capsa_status enc_commit(void *obj, size_t n)
{
	return capsa_stream_enc_commit(obj, n);
}

static capsa_status dec_buffer(void *obj, uint8_t **buf, size_t *len)
{
	return capsa_stream_dec_buffer(obj, buf, len);
}

static capsa_status dec_commit(void *obj, size_t n)
{
	return capsa_stream_dec_commit(obj, n);
}

/* Reads |fd| to its end straight into the engine's buffers: no copy in between. */
static capsa_status pump(int fd, buffer_fn buffer, commit_fn commit, void *obj)
{
	capsa_status st = CAPSA_OK;

	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (st == CAPSA_OK) {
		uint8_t *buf;
		size_t len;
		ssize_t n;

		if ((st = buffer(obj, &buf, &len)) != CAPSA_OK)
			break;
		n = read(fd, buf, len < read_max ? len : read_max);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			st = CAPSA_ERR_IO;
		if (n <= 0)
			break;
		st = commit(obj, (size_t)n);
	}
	return st;
}

typedef capsa_status (*write_fn)(void *obj, const uint8_t *data, size_t len);

static capsa_status enc_write(void *obj, const uint8_t *data, size_t len)
{
	return capsa_stream_enc_write(obj, data, len);
}

static capsa_status dec_write(void *obj, const uint8_t *data, size_t len)
{
	return capsa_stream_dec_write(obj, data, len);
}

/*
 * Maps |fd| a window at a time and writes each window whole: the engine
 * seals or opens whole batches in place. Unmapping each window keeps the
 * mapped file pages out of the resident set.
 */
static capsa_status map_pump(int fd, write_fn write_all, void *obj)
{
	const size_t window = 16u << 20;
	struct stat sb;
	capsa_status st = CAPSA_OK;

	if (fstat(fd, &sb) != 0)
		return CAPSA_ERR_IO;
	for (off_t off = 0; st == CAPSA_OK && off < sb.st_size; off += (off_t)window) {
		size_t len = sb.st_size - off < (off_t)window ? (size_t)(sb.st_size - off) : window;
		void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
		if (m == MAP_FAILED)
			return CAPSA_ERR_IO;
		(void)madvise(m, len, MADV_SEQUENTIAL); /* as capsa_seal_fd / capsa_open_fd do */
		st = write_all(obj, m, len);
		munmap(m, len);
	}
	return st;
}

typedef capsa_status (*write_from_fn)(void *obj, capsa_stream_source src, void *arg, uint64_t off, uint64_t len);

static capsa_status enc_write_from(void *obj, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	return capsa_stream_enc_write_from(obj, src, arg, off, len);
}

static capsa_status dec_write_from(void *obj, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	return capsa_stream_dec_write_from(obj, src, arg, off, len);
}

static capsa_status file_read(void *arg, uint8_t *dst, size_t len, uint64_t off)
{
	int fd = *(int *)arg;

	while (len > 0) {
		ssize_t n = pread(fd, dst, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return CAPSA_ERR_IO;
		if (n == 0)
			return CAPSA_ERR_TRUNCATED;
		dst += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return CAPSA_OK;
}

/* The whole file handed to the engine, whose workers pread(2) it themselves. */
static capsa_status pread_pump(int fd, write_from_fn write_from, void *obj)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return CAPSA_ERR_IO;
	return write_from(obj, file_read, &fd, 0, (uint64_t)sb.st_size);
}

static bool use_mmap, use_pread;

static capsa_status run(bool seal, const capsa_stream_params *p, int in, int out)
{
	capsa_stream_enc *enc = NULL;
	capsa_stream_dec *dec = NULL;
	capsa_status st;

	if (seal) {
		if ((st = capsa_stream_enc_new(&enc, p, NULL, capsa_sink_fd, &out)) == CAPSA_OK &&
		    (st = use_pread  ? pread_pump(in, enc_write_from, enc)
		          : use_mmap ? map_pump(in, enc_write, enc)
		                     : pump(in, enc_buffer, enc_commit, enc)) == CAPSA_OK)
			st = capsa_stream_enc_finish(enc);
	} else {
		if ((st = capsa_stream_dec_new(&dec, p, capsa_sink_fd, &out)) == CAPSA_OK &&
		    (st = use_pread  ? pread_pump(in, dec_write_from, dec)
		          : use_mmap ? map_pump(in, dec_write, dec)
		                     : pump(in, dec_buffer, dec_commit, dec)) == CAPSA_OK)
			st = capsa_stream_dec_finish(dec);
	}
	capsa_stream_enc_free(enc);
	capsa_stream_dec_free(dec);
	return st;
}

int main(int argc, char **argv)
{
	capsa_stream_params p = {CAPSA_AEAD_AES_256_GCM, bench_key, sizeof bench_key, NULL, 0, 0,
	                         CAPSA_STREAM_LEN_UNKNOWN};
	int opt, in, out;
	bool seal;
	capsa_status st;

	if (argc < 2 || (strcmp(argv[1], "seal") != 0 && strcmp(argv[1], "open") != 0))
		goto usage;
	seal = strcmp(argv[1], "seal") == 0;
	optind = 2;
	while ((opt = getopt(argc, argv, "j:c:b:mp")) != -1) {
		if (opt == 'j')
			p.threads = (unsigned)atoi(optarg);
		else if (opt == 'm')
			use_mmap = true;
		else if (opt == 'p')
			use_pread = true;
		else if (opt == 'b')
			read_max = (size_t)atol(optarg) > 0 ? (size_t)atol(optarg) : read_max;
		else if (opt == 'c' && strcmp(optarg, "chacha20-poly1305") == 0)
			p.alg = CAPSA_AEAD_CHACHA20_POLY1305;
		else if (opt != 'c' || strcmp(optarg, "aes-256-gcm") != 0)
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	if ((in = open(argv[optind], O_RDONLY)) < 0 ||
	    (out = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		perror("stream_file");
		return 1;
	}
	st = run(seal, &p, in, out);
	if (close(out) != 0 && st == CAPSA_OK)
		st = CAPSA_ERR_IO;
	close(in);
	if (st != CAPSA_OK) {
		fprintf(stderr, "stream_file: %s\n", capsa_status_str(st));
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: stream_file seal|open [-j THREADS] [-p | -m | -b READ_BYTES] [-c aes-256-gcm|chacha20-poly1305] IN OUT\n");
	return 2;
}
