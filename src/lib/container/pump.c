/*
 * Streaming a whole descriptor through a seal or an open. Input is only ever
 * copied into memory of the process's own before anything reads it: the AEAD
 * (and any hash of the plaintext) must see one version of each chunk, and
 * the pages of a mapped file change under the reader when another process
 * writes the file, whatever the mapping's flags. A regular file is read by
 * the payload engine's workers themselves, pread(2) by pread(2), each claim
 * of 128 KiB into the claiming thread's own buffer, where it is still in the
 * cache when the cipher reads it: the copy runs on every core, and a file
 * that shrinks meanwhile is a short read, not a SIGBUS. Anything else (a
 * pipe, a terminal) is read(2) in large blocks.
 */
#include <capsa/container.h>

#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "container/open_fd.h"
#include "container/source.h"

/*
 * Bytes of a regular file handed to the engine per call: the unit of progress
 * reports. Each call returns only once no worker reads the file any more, so
 * the workers pause briefly between two calls: large pieces make that rare.
 */
#define PUMP_PIECE (64u << 20)
/* Bytes per read(2) for input that is not a regular file: at least one whole engine batch. */
#define PUMP_BLOCK (8u << 20)

typedef capsa_status (*pump_write)(void *obj, const uint8_t *data, size_t len);
typedef capsa_status (*pump_write_from)(void *obj, capsa_stream_source src, void *arg, uint64_t off,
                                        uint64_t len);

/* The regular file as a source: read from the workers, so its flags are atomic. */
typedef struct pump_file {
	int fd;
	atomic_bool failed;  /* pread(2) failed: an I/O error of the input */
	atomic_bool shrank;  /* pread(2) came up short: the file shrank while it was read */
} pump_file;

typedef struct pump {
	pump_write write;
	pump_write_from write_from;
	void *obj;
	capsa_progress progress;
	void *progress_arg;
	bool input_failed;
	pump_file file;
} pump;

static capsa_status seal_write(void *obj, const uint8_t *data, size_t len)
{
	return capsa_seal_write(obj, data, len);
}

static capsa_status seal_write_from(void *obj, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	return capsa_seal_write_from(obj, src, arg, off, len);
}

static capsa_status open_write(void *obj, const uint8_t *data, size_t len)
{
	return capsa_open_write(obj, data, len);
}

static capsa_status open_write_from(void *obj, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	return capsa_open_write_from(obj, src, arg, off, len);
}

static void report(pump *p, uint64_t n)
{
	if (p->progress != NULL && n > 0)
		p->progress(p->progress_arg, n);
}

/* capsa_stream_source over pread(2): called from several threads at once. */
static capsa_status file_read(void *arg, uint8_t *dst, size_t len, uint64_t off)
{
	pump_file *f = arg;
	size_t got;

	if (capsa_pread_full(f->fd, dst, len, off, &got) != CAPSA_OK) {
		atomic_store(&f->failed, true);
		return CAPSA_ERR_IO;
	}
	if (got != len) {
		atomic_store(&f->shrank, true);
		return CAPSA_ERR_TRUNCATED;
	}
	return CAPSA_OK;
}

/* Hands [pos, size) of the regular file to the engine, piece by piece. */
static capsa_status pump_file_range(pump *p, uint64_t pos, uint64_t size)
{
	capsa_status st = CAPSA_OK;

	while (st == CAPSA_OK && pos < size) {
		uint64_t n = size - pos < PUMP_PIECE ? size - pos : PUMP_PIECE;
		if ((st = p->write_from(p->obj, file_read, &p->file, pos, n)) == CAPSA_OK)
			report(p, n);
		pos += n;
	}
	return st;
}

/* Reads |fd| to its end in large blocks. */
static capsa_status pump_read(pump *p, int fd)
{
	uint8_t *buf = NULL;
	size_t got = PUMP_BLOCK, touched = 0;
	/* Page-aligned, as the kernel's copy from the pipe's pages is much faster so. */
	capsa_status st = posix_memalign((void **)&buf, 4096, PUMP_BLOCK) == 0 ? CAPSA_OK : CAPSA_ERR_NOMEM;

	while (st == CAPSA_OK && got == PUMP_BLOCK) {
		if ((st = capsa_read_full(fd, buf, PUMP_BLOCK, &got)) != CAPSA_OK) {
			p->input_failed = true;
			touched = PUMP_BLOCK; /* how much came in before the failure is not known */
			break;
		}
		touched = got > touched ? got : touched;
		if (got > 0 && (st = p->write(p->obj, buf, got)) == CAPSA_OK)
			report(p, got);
	}
	if (buf != NULL)
		capsa_wipe(buf, touched); /* plaintext when sealing; pages never read into stay untouched */
	free(buf);
	return st;
}

/* Everything from the current position of |fd| to its end goes to |p|. */
static capsa_status pump_fd(pump *p, int fd)
{
	struct stat sb;
	off_t pos;
	capsa_status st = CAPSA_OK;

	p->file.fd = fd;
	atomic_init(&p->file.failed, false);
	atomic_init(&p->file.shrank, false);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (pos = lseek(fd, 0, SEEK_CUR)) >= 0 && pos < sb.st_size) {
		/* Read once, front to back: a larger readahead, as for a mapping under MADV_SEQUENTIAL. */
		(void)posix_fadvise(fd, pos, 0, POSIX_FADV_SEQUENTIAL);
		st = pump_file_range(p, (uint64_t)pos, (uint64_t)sb.st_size);
		/* Continue by read(2) where the file ended when it was measured: it may have grown. */
		if (st == CAPSA_OK && lseek(fd, sb.st_size, SEEK_SET) < 0) {
			p->input_failed = true;
			st = CAPSA_ERR_IO;
		}
	}
	return st == CAPSA_OK ? pump_read(p, fd) : st;
}

/* The pump's status (no worker reads the file any more: each write_from waited for them). */
static capsa_status pump_result(pump *p, capsa_status st, bool *input_failed)
{
	if (st == CAPSA_ERR_IO && atomic_load(&p->file.failed))
		p->input_failed = true;
	if (input_failed != NULL)
		*input_failed = p->input_failed;
	return st;
}

capsa_status capsa_seal_fd(capsa_seal *s, int in_fd, capsa_progress progress, void *progress_arg,
                           bool *input_failed)
{
	pump p = {.write = seal_write, .write_from = seal_write_from, .obj = s, .progress = progress,
	          .progress_arg = progress_arg};
	capsa_status st = pump_fd(&p, in_fd);

	if (st == CAPSA_OK)
		st = capsa_seal_finish(s);
	/* A file that shrank while it was read has a length other than the one declared. */
	if (st == CAPSA_ERR_TRUNCATED && atomic_load(&p.file.shrank))
		st = CAPSA_ERR_ARG;
	return pump_result(&p, st, input_failed);
}

capsa_status capsa_open_fd(capsa_open *o, int in_fd, capsa_progress progress, void *progress_arg,
                           bool *input_failed)
{
	pump p = {.write = open_write, .write_from = open_write_from, .obj = o, .progress = progress,
	          .progress_arg = progress_arg};
	capsa_status st;

	capsa_open_use_fd(o, in_fd); /* a signed copy's origin is read ahead from the file */
	st = pump_fd(&p, in_fd);

	if (st == CAPSA_OK)
		st = capsa_open_finish(o);
	return pump_result(&p, st, input_failed);
}
